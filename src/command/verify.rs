//! `sealprobe verify`: read the seal (bounded), verify the tree, render the report.

use std::path::PathBuf;

use super::{Exit, Ran, key, line, root, shown};
use crate::report::{Format, Report as _};
use crate::seal::verify::{self, VerifyOptions};
use crate::seal::{Outcome, SealError, SealErrorClass};
use crate::small_file::{self, Source};

/// The options of `sealprobe verify`.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub format: Format,
    /// Largest seal file accepted (`seal-size` beyond).
    pub max_seal_bytes: usize,
    pub key_file: Option<PathBuf>,
    /// The seal file; `-` for standard input.
    pub seal: PathBuf,
}

pub fn run(opts: &Options) -> Ran<Outcome> {
    let key = match key("verify", opts.key_file.as_deref()) {
        Ok(k) => k,
        Err(stopped) => return stopped,
    };
    if let Err(stopped) = root("verify", &opts.root) {
        return stopped;
    }
    let mut stderr = Vec::new();
    let outcome = match small_file::read(&Source::from_arg(&opts.seal), opts.max_seal_bytes) {
        Ok(doc) => verify::verify_bytes(
            &doc,
            &opts.root,
            &VerifyOptions {
                seal_size_limit: opts.max_seal_bytes,
                key,
            },
        ),
        Err(small_file::SmallFileError::TooLarge { .. }) => {
            Outcome::seal_error(SealError::unpositioned(SealErrorClass::Size))
        }
        Err(e) => {
            stderr = line(
                "verify",
                format_args!("the seal file {} {e}", shown(&opts.seal)),
            );
            Outcome::seal_error(SealError::unpositioned(SealErrorClass::Unreadable))
        }
    };
    Ran {
        exit: if outcome.passed() {
            Exit::Pass
        } else {
            Exit::Fail
        },
        stdout: outcome.render(opts.format),
        stderr,
        outcome: Some(outcome),
    }
}
