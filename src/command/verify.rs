//! `sealprobe verify`: read the record (bounded: the seal, or `--sums`, `--bsd`, `--hashdeep`,
//! `--mtree`, or a bag's tag files with `--bag`), verify the tree, render the report.

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
    // A bag's tag files are read as files, never packed into one document: a tag file holding
    // a line `==> <name> <==` of its own cannot split into another reading of the bag.
    let read = if opts.record == Record::Bagit {
        read_bag(&opts.seal, opts.max_seal_bytes).map(|files| {
            crate::seal::bagit::read_files(&files).map_or_else(Outcome::seal_error, |l| {
                verify::verify_listing(opts.record, &l, &opts.root)
            })
        })
    } else {
        small_file::read(&Source::from_arg(&opts.seal), opts.max_seal_bytes).map(|doc| {
            match listing::read(opts.record, &doc) {
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
            }
        })
    };
    let outcome = match read {
        Ok(outcome) => outcome,
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

/// The tag files of the bag in the folder `dir`, by name; every other entry of the folder (the
/// payload `data`, files of other tools) is not read. `limit` bounds all of them together.
fn read_bag(
    dir: &std::path::Path,
    limit: usize,
) -> Result<Vec<(String, Vec<u8>)>, small_file::SmallFileError> {
    use small_file::SmallFileError;
    let entries = std::fs::read_dir(dir).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => SmallFileError::Missing,
        std::io::ErrorKind::PermissionDenied => SmallFileError::Denied,
        _ => SmallFileError::Io,
    })?;
    let mut files = Vec::new();
    let mut left = limit;
    for entry in entries {
        let entry = entry.map_err(|_| SmallFileError::Io)?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        if !crate::seal::bagit::is_tag_file(&name) {
            continue;
        }
        let bytes = small_file::read(&Source::Path(entry.path()), left).map_err(|e| match e {
            SmallFileError::TooLarge { .. } => SmallFileError::TooLarge { limit },
            e => e,
        })?;
        left -= bytes.len();
        files.push((name, bytes));
    }
    Ok(files)
}
