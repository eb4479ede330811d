//! `sealprobe verify`: read the seal (bounded), verify the tree, render the report.

use std::path::PathBuf;

use super::{Exit, Ran, key, line, shown};
use crate::report::{self, Format};
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

/// The report a verification outcome prints, in `format`.
pub fn render(outcome: &Outcome, format: Format) -> Vec<u8> {
    match format {
        Format::Human => report::verify::human(outcome).into_bytes(),
        Format::Json => report::verify::json(outcome),
    }
}

pub fn run(opts: &Options) -> Ran<Outcome> {
    let key = match key("verify", opts.key_file.as_deref()) {
        Ok(k) => k,
        Err(stopped) => return stopped,
    };
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
        stdout: render(&outcome, opts.format),
        stderr,
        outcome: Some(outcome),
    }
}
