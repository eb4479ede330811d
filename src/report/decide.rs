//! The `sealprobe-decision-report/1` JSON report and the human report of `sealprobe decide`.
//! Reasons name blocker ids and grant actions (checked names) and positions, never tokens.

use std::fmt::Write as _;

use crate::decide::{Decision, Reason, ReasonClass};
use crate::escape;
use crate::strict_json::Node;
use crate::strict_json::canonical::{build, file_form};

/// The value of the report's `format` field.
pub const DECISION_REPORT_FORMAT: &str = "sealprobe-decision-report/1";

fn reason_node(r: &Reason) -> Node {
    let mut members = vec![("class", build::string(r.class.name()))];
    if let Some(b) = &r.blocker {
        members.push((
            "blocker",
            build::string(escape::name(b.as_str().as_bytes())),
        ));
    }
    if let Some(a) = &r.action {
        members.push(("action", build::string(escape::name(a.as_str().as_bytes()))));
    }
    if let Some(p) = &r.position {
        members.push(("line", build::uint(p.line as u64)));
        members.push(("column", build::uint(p.column as u64)));
        members.push(("offset", build::uint(p.offset as u64)));
    }
    build::object(members)
}

/// The verdict as shown: the option id (through the one rendering path) or `HOLD`.
fn verdict(d: &Decision) -> String {
    escape::name(d.verdict.as_str().as_bytes())
}

/// The JSON report.
pub fn json(d: &Decision) -> Vec<u8> {
    file_form(&build::object([
        ("format", build::string(DECISION_REPORT_FORMAT)),
        ("verdict", build::string(verdict(d))),
        ("fell_back", build::boolean(d.fell_back())),
        (
            "reasons",
            build::array(d.reasons.iter().map(reason_node).collect()),
        ),
    ]))
}

/// The human report: the verdict, then one line per reason.
pub fn human(d: &Decision) -> String {
    let mut out = String::new();
    if d.fell_back() {
        let _ = writeln!(out, "verdict: {} (fell back to the default)", verdict(d));
    } else {
        let _ = writeln!(out, "verdict: {} (selected option authorized)", verdict(d));
    }
    for r in &d.reasons {
        let about = match (&r.blocker, &r.action, &r.position) {
            (Some(b), _, _) => format!("blocker {}", escape::name(b.as_str().as_bytes())),
            (_, Some(a), _) => format!("grant for action {}", escape::name(a.as_str().as_bytes())),
            (_, _, Some(p)) => format!(
                "at line {}, column {} (byte {})",
                p.line, p.column, p.offset
            ),
            _ if r.class == ReasonClass::Key => {
                "no --key-file: the grants this option requires cannot be checked".into()
            }
            _ if r.class == ReasonClass::PacketUnreadable => {
                "the packet file cannot be read (why is on stderr)".into()
            }
            _ => String::new(),
        };
        let line = format!("  {:<20} {about}", r.class.name());
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}
