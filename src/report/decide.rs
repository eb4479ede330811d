//! The `sealprobe-decision-report/1` JSON report and the human report of `sealprobe decide`.
//! Reasons name blocker ids and grant actions (checked names), positions and field paths, never
//! tokens or values.

use std::fmt::Write as _;

use crate::decide::{Decision, Reason, ReasonClass};
use crate::escape;
use crate::strict_json::Node;
use crate::strict_json::canonical::{build, file_form};
use crate::strict_json::schema::{FieldPath, KeyName, Step};

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
    if let Some(f) = &r.field {
        members.push(("field", build::string(field(f))));
    }
    build::object(members)
}

/// What a field path is shown as when it is the document itself.
pub const WHOLE_PACKET: &str = "(the packet)";

/// A field path as both formats show it: `options[1].requires_grants[0]`. A known member's name
/// goes through the one rendering path; an unknown member is shown by its length only
/// (`<unknown field, 11 bytes>`), since its name is a field of the rejected packet; the whole
/// path goes through the rendering path again, so no token can be made of pieces.
pub fn field(path: &FieldPath) -> String {
    if path.0.is_empty() {
        return WHOLE_PACKET.to_owned();
    }
    let mut out = String::new();
    for step in &path.0 {
        match step {
            Step::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
            Step::Key(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                match name {
                    KeyName::Plain(n) => out.push_str(&escape::name(n.as_bytes())),
                    KeyName::Other(len) => {
                        let _ = write!(out, "<unknown field, {len} bytes>");
                    }
                }
            }
        }
    }
    escape::name(out.as_bytes())
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
    let how = if d.fell_back() {
        "fell back to the default"
    } else if d.selected_default() {
        "the selected option is the default"
    } else {
        "selected option authorized"
    };
    let _ = writeln!(out, "verdict: {} ({how})", verdict(d));
    for r in &d.reasons {
        let about = match (&r.blocker, &r.action, &r.position) {
            (Some(b), _, _) => format!("blocker {}", escape::name(b.as_str().as_bytes())),
            (_, Some(a), _) => format!("grant for action {}", escape::name(a.as_str().as_bytes())),
            (_, _, Some(p)) => format!(
                "{}at line {}, column {} (byte {})",
                r.field
                    .as_ref()
                    .map_or(String::new(), |f| format!("field {} ", field(f))),
                p.line,
                p.column,
                p.offset
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
