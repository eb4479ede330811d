//! `sealprobe decide`: read the packet (bounded), judge it, render the decision report.

use std::path::PathBuf;

use super::{Exit, Ran, key, line, shown};
use crate::decide::{self, Decision};
use crate::report::{Format, Report as _};
use crate::small_file::{self, Source};

/// The options of `sealprobe decide`.
#[derive(Debug, Clone)]
pub struct Options {
    pub key_file: Option<PathBuf>,
    /// The current time, Unix seconds; the clock when `None`.
    pub now: Option<u64>,
    /// Exit 1 unless the verdict is this option.
    pub expect: Option<String>,
    pub format: Format,
    /// The packet file; `-` for standard input.
    pub packet: PathBuf,
}

pub fn run(opts: &Options) -> Ran<Decision> {
    let key = match key("decide", opts.key_file.as_deref()) {
        Ok(k) => k,
        Err(stopped) => return stopped,
    };
    let now = opts.now.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    });
    let mut stderr = Vec::new();
    let doc = match small_file::read(&Source::from_arg(&opts.packet), small_file::DEFAULT_LIMIT) {
        Ok(doc) => Some(doc),
        Err(e) => {
            stderr = line(
                "decide",
                format_args!("the packet file {} {e}", shown(&opts.packet)),
            );
            None
        }
    };
    let decision = decide::decide(doc.as_deref(), key.as_ref(), now);
    let expected = opts
        .expect
        .as_deref()
        .is_none_or(|e| e.as_bytes() == decision.verdict.as_str().as_bytes());
    Ran {
        exit: if !decision.fell_back() && expected {
            Exit::Pass
        } else {
            Exit::Fail
        },
        stdout: decision.render(opts.format),
        stderr,
        outcome: Some(decision),
    }
}
