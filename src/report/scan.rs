//! The `sealprobe-scan/1` JSON report and the human report of `sealprobe scan`.
//!
//! A finding is rendered from its fingerprint or rule id, its encoding chain and its position;
//! the scanned bytes are not available here, so no part of a secret can be printed.

use std::fmt::Write as _;

use crate::escape;
use crate::leak::Finding;
use crate::strict_json::canonical::{build, file_form};
use crate::strict_json::{Node, Position};

/// The value of the report's `format` field.
pub const SCAN_FORMAT: &str = "sealprobe-scan/1";

/// A finding in a named input, with its line and column.
#[derive(Debug, Clone)]
pub struct Located {
    /// Raw path bytes (escaped when rendered); `-` for standard input.
    pub path: Vec<u8>,
    pub position: Position,
    pub finding: Finding,
}

/// Attaches positions to the findings of one input. Lines are counted once, forward through the
/// findings in offset order (counting from the start for each finding made a 256 MiB log with a
/// few hundred findings spend most of its time counting newlines).
pub fn locate(path: &[u8], input: &[u8], mut findings: Vec<Finding>) -> Vec<Located> {
    findings.sort_by_key(|f| f.offset);
    let mut line = 1;
    let mut line_start = 0;
    let mut counted = 0;
    findings
        .into_iter()
        .map(|finding| {
            let offset = finding.offset.min(input.len());
            for nl in memchr::memchr_iter(b'\n', &input[counted..offset]) {
                line += 1;
                line_start = counted + nl + 1;
            }
            counted = offset;
            Located {
                path: path.to_vec(),
                position: Position {
                    line,
                    column: offset - line_start + 1,
                    offset,
                },
                finding,
            }
        })
        .collect()
}

/// The JSON report.
pub fn json(found: &[Located], bytes: u64) -> Vec<u8> {
    let findings: Vec<Node> = found
        .iter()
        .map(|l| {
            let f = &l.finding;
            build::object([
                ("kind", build::string(f.kind.name())),
                ("id", build::string(escape::name(f.id.as_bytes()))),
                ("partial", build::boolean(f.partial)),
                ("encoding", build::string(f.encoding.clone())),
                ("path", build::string(escape::name(&l.path))),
                ("line", build::uint(l.position.line as u64)),
                ("column", build::uint(l.position.column as u64)),
                ("offset", build::uint(f.offset as u64)),
                ("length", build::uint(f.length as u64)),
            ])
        })
        .collect();
    file_form(&build::object([
        ("format", build::string(SCAN_FORMAT)),
        ("findings", build::array(findings)),
        (
            "summary",
            build::object([
                ("bytes", build::uint(bytes)),
                ("findings", build::uint(found.len() as u64)),
            ]),
        ),
    ]))
}

/// The human report: one aligned line per finding, then a summary.
pub fn human(found: &[Located], bytes: u64) -> String {
    let rows: Vec<[String; 4]> = found
        .iter()
        .map(|l| {
            let f = &l.finding;
            [
                format!(
                    "{}:{}:{}",
                    escape::name(&l.path),
                    l.position.line,
                    l.position.column
                ),
                format!("{} {}", f.kind.name(), escape::name(f.id.as_bytes())),
                f.encoding.clone(),
                format!(
                    "{}bytes {}..{}",
                    if f.partial { "partial, " } else { "" },
                    f.offset,
                    f.offset + f.length
                ),
            ]
        })
        .collect();
    let mut widths = [0usize; 3];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row.iter()) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for [a, b, c, d] in &rows {
        let _ = writeln!(
            out,
            "{a}{}  {b}{}  {c}{}  {d}",
            " ".repeat(widths[0] - a.chars().count()),
            " ".repeat(widths[1] - b.chars().count()),
            " ".repeat(widths[2] - c.chars().count()),
        );
    }
    if found.is_empty() {
        let _ = writeln!(out, "CLEAN: no secret or token found in {bytes} bytes");
    } else {
        let _ = writeln!(
            out,
            "LEAK: {} finding{} in {bytes} bytes",
            found.len(),
            if found.len() == 1 { "" } else { "s" }
        );
    }
    out
}
