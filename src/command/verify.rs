//! `sealprobe verify`: read the record (bounded: the seal, or `--sums`, `--bsd`, `--hashdeep`),
//! verify the tree, render the report.

use std::path::PathBuf;

use super::{Exit, Ran, key, line, root, shown};
use crate::report::{Format, Report as _};
use crate::seal::verify::{self, VerifyOptions};
use crate::seal::{Outcome, Record, SealError, SealErrorClass, listing};
use crate::small_file::{self, Source};

/// The options of `sealprobe verify`.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub format: Format,
    /// Largest seal file accepted (`seal-size` beyond).
    pub max_seal_bytes: usize,
    pub key_file: Option<PathBuf>,
    /// The format of the record: the seal, or `SHA256SUMS`, BSD tags, a hashdeep list (SPEC 7.8).
    pub record: Record,
    /// The record file; `-` for standard input.
    pub seal: PathBuf,
}

pub fn run(opts: &Options) -> Ran<Outcome> {
    // A key authenticates a seal's MAC; no other format has one, and a key silently left unused
    // would let a job believe its manifest was authenticated.
    if opts.record != Record::Seal && opts.key_file.is_some() {
        return Ran::usage(
            "verify",
            format_args!(
                "--key-file needs a seal: {} has no MAC to check",
                opts.record.title()
            ),
        );
    }
    let key = match key("verify", opts.key_file.as_deref()) {
        Ok(k) => k,
        Err(stopped) => return stopped,
    };
    if let Err(stopped) = root("verify", &opts.root) {
        return stopped;
    }
    let mut stderr = Vec::new();
    let outcome = match small_file::read(&Source::from_arg(&opts.seal), opts.max_seal_bytes) {
        Ok(doc) => match listing::read(opts.record, &doc) {
            None => verify::verify_bytes(
                &doc,
                &opts.root,
                &VerifyOptions {
                    seal_size_limit: opts.max_seal_bytes,
                    key,
                },
            ),
            Some(Ok(listing)) => verify::verify_listing(opts.record, &listing, &opts.root),
            Some(Err(e)) => Outcome::seal_error(e),
        },
        Err(small_file::SmallFileError::TooLarge { .. }) => {
            Outcome::seal_error(SealError::unpositioned(SealErrorClass::Size))
        }
        Err(e) => {
            let what = if opts.record == Record::Seal {
                "the seal file"
            } else {
                "the record file"
            };
            stderr = line("verify", format_args!("{what} {} {e}", shown(&opts.seal)));
            Outcome::seal_error(SealError::unpositioned(SealErrorClass::Unreadable))
        }
    };
    let outcome = Outcome {
        record: opts.record,
        ..outcome
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
