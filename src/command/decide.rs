//! `sealprobe decide`: read the packet (bounded), judge it, render the decision report.

use std::path::PathBuf;

use super::{Exit, Ran, key, line, now_or_clock, shown};
use crate::decide::packet::OptionId;
use crate::decide::{self, Decision};
use crate::escape;
use crate::report::{Format, Report as _};
use crate::small_file::{self, Source};

/// The options of `sealprobe decide`.
#[derive(Debug, Clone)]
pub struct Options {
    pub key_file: Option<PathBuf>,
    /// The current time, Unix seconds; the clock when `None`.
    pub now: Option<u64>,
    /// The option the job needs: exit 0 exactly when the packet decides it (SPEC 5.2).
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
    // An --expect that no option id can equal is a typo (`hold_production`), never a silent 1.
    let expect = match opts.expect.as_deref().map(|e| (e, OptionId::parse(e))) {
        None => None,
        Some((_, Some(id))) => Some(id),
        Some((e, None)) => {
            return Ran::usage(
                "decide",
                format_args!(
                    "--expect {} is not an option id ([A-Z0-9_-]{{1,64}})",
                    escape::name(e.as_bytes())
                ),
            );
        }
    };
    let now = now_or_clock(opts.now);
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
    let exit = match exit(&decision, expect.as_ref()) {
        Ok(()) => Exit::Pass,
        Err(why) => {
            if let Some(why) = why {
                stderr.extend(line("decide", why));
            }
            Exit::Fail
        }
    };
    Ran {
        exit,
        stdout: decision.render(opts.format),
        stderr,
        outcome: Some(decision),
    }
}

/// The exit of SPEC 5.2: `Ok` for exit 0; otherwise exit 1 and the line that says why, when the
/// report alone does not (a plain fallback without `--expect` says it in its verdict line).
///
/// - With `--expect`: 0 exactly when the packet decided that option, selected and authorized
///   or fallen back to. The gate's own `HOLD` is never an option of the packet, so `--expect
///   HOLD` cannot turn an unreadable or unjudgeable packet into a 0.
/// - Without: 0 only for an authorized option other than the default, so `decide packet.json
///   && deploy` never deploys on a HOLD.
fn exit(d: &Decision, expect: Option<&OptionId>) -> Result<(), Option<String>> {
    let name = |id: &OptionId| escape::name(id.as_str().as_bytes());
    match (expect, d.decided_option()) {
        (Some(e), Some(v)) if e == v => Ok(()),
        (Some(e), Some(v)) => Err(Some(format!(
            "--expect {}, but the verdict is {}{}",
            name(e),
            name(v),
            if d.fell_back() {
                " (the gate fell back to the default)"
            } else {
                ""
            }
        ))),
        (Some(e), None) => Err(Some(format!(
            "--expect {}, but the packet could not be judged: the verdict is the gate's own HOLD, \
             which no --expect accepts",
            name(e)
        ))),
        (None, _) if d.authorizes_action() => Ok(()),
        (None, Some(v)) if d.selected_default() => Err(Some(format!(
            "exit 1: the packet selects its default {0}; a job that wants a HOLD passes \
             --expect {0}",
            name(v)
        ))),
        (None, _) => Err(None),
    }
}
