//! The commands as library functions: one per CLI command, typed options in, the exit status,
//! the exact bytes for stdout and stderr, and the typed outcome out.
//!
//! `cli.rs` only turns arguments into options and writes these bytes; the release gate calls the
//! same functions in-process. So what the gate judges is byte for byte what a user sees, and a
//! test runs a table of cases through both and compares them.
//!
//! Exit statuses mean one thing each ([`Exit`]): `0` the check passed, `1` it did not (drift, a
//! bad or unreadable seal or packet, a refusal, a leak), `2` the command line or an input it
//! names is unusable: a usage error, or a key, secrets or rules file that cannot be used. A key
//! file that is refused (missing, too open, too short, a FIFO, a folder, a device) is a usage
//! error for every command, `seal`, `verify`, `grant` and `decide` alike: a release job that
//! passed a key expected it to be used, so sealprobe never falls back to running without it.

pub mod decide;
pub mod grant;
pub mod scan;
pub mod seal;
pub mod verify;

use std::path::Path;

use crate::escape;
use crate::small_file::{self, Source};
use crate::token::key::Key;

/// A command's exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Exit {
    /// `0`: the check passed.
    Pass,
    /// `1`: the check did not pass, or the input it judges is bad.
    Fail,
    /// `2`: a usage error, or an unusable key, secrets or rules file.
    Usage,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Pass => 0,
            Exit::Fail => 1,
            Exit::Usage => 2,
        }
    }
}

/// What a command produced: the exit status, the bytes it prints, and what it found (absent when
/// it stopped before judging anything, on a usage error).
#[derive(Debug, Clone)]
pub struct Ran<T> {
    pub exit: Exit,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub outcome: Option<T>,
}

impl<T> Ran<T> {
    /// A run that ended with one message on stderr and no outcome.
    pub fn stopped(exit: Exit, command: &str, message: impl std::fmt::Display) -> Ran<T> {
        Ran {
            exit,
            stdout: Vec::new(),
            stderr: line(command, message),
            outcome: None,
        }
    }

    /// A usage error.
    pub fn usage(command: &str, message: impl std::fmt::Display) -> Ran<T> {
        Ran::stopped(Exit::Usage, command, message)
    }
}

impl<T: crate::report::Report> Ran<T> {
    /// This run as the CLI prints it in `format`: the outcome rendered in that format. Exit and
    /// stderr never depend on the format, and a run without an outcome prints nothing on stdout,
    /// so a caller that needs both formats (the gate) runs the command once.
    pub fn in_format(&self, format: crate::report::Format) -> Ran<T>
    where
        T: Clone,
    {
        Ran {
            exit: self.exit,
            stdout: self
                .outcome
                .as_ref()
                .map_or_else(|| self.stdout.clone(), |o| o.render(format)),
            stderr: self.stderr.clone(),
            outcome: self.outcome.clone(),
        }
    }
}

/// `sealprobe <command>: <message>\n`.
fn line(command: &str, message: impl std::fmt::Display) -> Vec<u8> {
    format!("sealprobe {command}: {message}\n").into_bytes()
}

/// Loads the key file named by `path`, if any; a refused one is a usage error.
fn key<T>(command: &str, path: Option<&Path>) -> Result<Option<Key>, Ran<T>> {
    path.map(|p| small_file::read_key(&Source::from_arg(p)))
        .transpose()
        .map_err(|e| Ran::usage(command, e))
}

/// `now` when given (`--now`, for tests), else the clock in Unix seconds: `decide` and `grant`
/// read time the same way.
fn now_or_clock(now: Option<u64>) -> u64 {
    now.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    })
}

/// Checks `--root` before anything is read below it: a root that does not exist or is not a
/// folder stops the command with one line that says so (exit 1), rather than making every sealed
/// file `missing`.
fn root<T>(command: &str, path: &Path) -> Result<(), Ran<T>> {
    use crate::beneath::{Refusal, Root};
    let why = match Root::open(path).refusal() {
        None => return Ok(()),
        Some(Refusal::Missing { .. }) => "does not exist".to_owned(),
        Some(Refusal::NotRegular) => "is not a folder".to_owned(),
        Some(Refusal::Io(kind)) => format!("cannot be opened ({kind})"),
    };
    Err(Ran::stopped(
        Exit::Fail,
        command,
        format_args!("the root {} {why}", shown(path)),
    ))
}

/// The name of a file argument as messages show it (escaped, redacted when token-shaped).
fn shown(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    escape::name(path.as_os_str().as_bytes())
}
