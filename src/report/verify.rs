//! The `sealprobe-report/1` JSON report and the human report of `sealprobe verify`.

use std::fmt::Write as _;

use crate::escape;
use crate::seal::{Drift, Finding, Outcome, Record, Subject};
use crate::strict_json::canonical::{build, file_form};
use crate::strict_json::{Node, Value};

/// The value of the report's `format` field.
pub const REPORT_FORMAT: &str = "sealprobe-report/1";

/// The JSON report, in the canonical file form.
pub fn json(outcome: &Outcome) -> Vec<u8> {
    let null = || build::node(Value::Null);
    let opt = |n: Option<u64>| n.map_or_else(null, build::uint);
    let seal_error = match &outcome.seal_error {
        None => null(),
        Some(e) => {
            let pos = |f: fn(&crate::strict_json::Position) -> usize| {
                e.position
                    .as_ref()
                    .map_or_else(null, |p| build::uint(f(p) as u64))
            };
            build::object([
                ("class", build::string(e.class.name())),
                ("line", pos(|p| p.line)),
                ("column", pos(|p| p.column)),
                ("offset", pos(|p| p.offset)),
            ])
        }
    };
    let findings: Vec<Node> = outcome
        .findings
        .iter()
        .map(|f| {
            let mut members = vec![
                ("path", build::string(escape::name(&f.path))),
                (
                    "drift",
                    build::array(f.drift.iter().map(|d| build::string(d.name())).collect()),
                ),
                ("expected_bytes", opt(f.expected_bytes)),
                ("actual_bytes", opt(f.actual_bytes)),
                ("sha256_match", build::boolean(f.sha256_match)),
            ];
            // Only a `path-unicode` finding has one: the twin that stands where the name was.
            if let Some(found) = &f.found {
                members.push(("found", build::string(escape::name(found))));
            }
            build::object(members)
        })
        .collect();
    let s = &outcome.summary;
    let report = build::object([
        ("format", build::string(REPORT_FORMAT)),
        (
            "verdict",
            build::string(if outcome.passed() { "pass" } else { "fail" }),
        ),
        ("authenticated", build::boolean(outcome.authenticated)),
        ("seal_error", seal_error),
        ("findings", build::array(findings)),
        (
            "summary",
            build::object([
                ("artifacts", build::uint(s.artifacts)),
                ("passed", build::uint(s.passed)),
                ("failed", build::uint(s.failed)),
                ("bytes_hashed", build::uint(s.bytes_hashed)),
            ]),
        ),
    ]);
    file_form(&report)
}

/// The human report: one aligned line per finding, then the verdict.
pub fn human(outcome: &Outcome) -> String {
    let mut out = String::new();
    if let Some(e) = &outcome.seal_error {
        let at = e.position.map_or(String::new(), |p| {
            format!(
                " at line {}, column {} (byte {})",
                p.line, p.column, p.offset
            )
        });
        if outcome.record == Record::Seal {
            let _ = writeln!(out, "{}{at}: {}", e.class.name(), e.class.advice());
            let _ = writeln!(out, "FAIL: the seal is bad; no artifact was checked");
        } else {
            let title = outcome.record.title();
            let advice = e.class.record_advice();
            let _ = writeln!(out, "{}{at}: {advice}", e.class.name());
            let _ = writeln!(out, "FAIL: {title} is refused whole; no file was checked");
        }
        return out;
    }
    let rows: Vec<(String, String, String)> = outcome
        .findings
        .iter()
        .map(|f| {
            let classes: Vec<&str> = f.drift.iter().map(|d| d.name()).collect();
            (escape::name(&f.path), classes.join(" "), detail(f))
        })
        .collect();
    // Columns line up on a terminal: by display width, not by characters (a CJK ideograph
    // takes two columns, a combining mark none).
    let w_path = rows.iter().map(|r| escape::width(&r.0)).max().unwrap_or(0);
    let w_class = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
    for (path, classes, detail) in &rows {
        let pad = w_path.saturating_sub(escape::width(path));
        let line = format!("  {path}{:pad$}  {classes:w_class$}  {detail}", "");
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let s = &outcome.summary;
    let unkeyed;
    let auth = if outcome.authenticated {
        "seal authenticated"
    } else if outcome.record == Record::Seal {
        "seal unauthenticated (no --key-file)"
    } else {
        unkeyed = format!(
            "{} unauthenticated (its format has no MAC)",
            outcome.record.title()
        );
        &unkeyed
    };
    let gone = |f: &Finding| {
        f.drift
            .iter()
            .any(|d| matches!(d, Drift::Missing | Drift::PathUnicode))
    };
    let count =
        |pick: &dyn Fn(&Finding) -> bool| outcome.findings.iter().filter(|f| pick(f)).count();
    let unsealed = count(&|f| f.subject == Subject::Unsealed);
    // A complete folder that is gone is said so; one that stands but cannot be listed (or a
    // part of it) is "not listed". Neither is an unsealed entry.
    let folders_missing = count(&|f| f.subject == Subject::CompleteFolder && gone(f));
    let folders_unlisted = count(&|f| {
        f.subject == Subject::FolderPart || (f.subject == Subject::CompleteFolder && !gone(f))
    });
    let mut folders = String::new();
    if folders_missing > 0 {
        let _ = write!(
            folders,
            ", {folders_missing} complete folder{} missing",
            plural(folders_missing)
        );
    }
    if folders_unlisted > 0 {
        let _ = write!(
            folders,
            ", {folders_unlisted} folder{} not listed",
            plural(folders_unlisted)
        );
    }
    if outcome.passed() {
        let _ = writeln!(
            out,
            "PASS: {} of {} artifacts match ({} bytes hashed); {auth}",
            s.passed, s.artifacts, s.bytes_hashed
        );
    } else {
        let _ = writeln!(
            out,
            "FAIL: {} of {} artifacts drifted{folders}, {} unsealed {}; {auth}",
            s.failed,
            s.artifacts,
            unsealed,
            if unsealed == 1 { "entry" } else { "entries" }
        );
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The last column of a finding's line: the sizes of an artifact, what a folder is, and for
/// `path-unicode` the name that stands there instead (escaped, or redacted).
fn detail(f: &Finding) -> String {
    let mut detail = match (f.subject, f.expected_bytes, f.actual_bytes) {
        (Subject::CompleteFolder, ..) => "complete folder".to_owned(),
        (Subject::FolderPart, ..) => "folder in a complete folder".to_owned(),
        (_, Some(e), Some(a)) => format!("sealed {e} bytes, found {a}"),
        (_, Some(e), None) => format!("sealed {e} bytes"),
        (_, None, Some(a)) => format!("found {a} bytes"),
        (_, None, None) => String::new(),
    };
    if let Some(found) = &f.found {
        if !detail.is_empty() {
            detail.push_str("; ");
        }
        detail.push_str("on disk as ");
        detail.push_str(&escape::name(found));
    }
    detail
}
