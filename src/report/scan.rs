//! The `sealprobe-scan/1` JSON report and the human report of `sealprobe scan`.
//!
//! A finding is rendered from its fingerprint or rule id, its encoding chain and its position;
//! the scanned bytes are not available here, so no part of a secret can be printed.

use super::Format;
use crate::escape;
use crate::leak::Finding;
use crate::strict_json::Position;
use crate::strict_json::canonical::{build, pretty_at};

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

/// The report written as the scan goes: the head, one piece per finding, the summary. Each
/// finding is printed once, when the scanner settles it, so a log of any size is reported in
/// flat memory, and a slow writer's leak is shown before the writer is done. [`json`] and
/// [`human`] are this writer run over a list, so there is one rendering path.
#[derive(Debug, Clone, Copy)]
pub struct Writer {
    format: Format,
    findings: u64,
}

impl Writer {
    /// Starts a report: returns the writer and the bytes of the head.
    pub fn begin(format: Format) -> (Writer, Vec<u8>) {
        let head = match format {
            Format::Json => b"{\n  \"findings\": [".to_vec(),
            Format::Human => Vec::new(),
        };
        (
            Writer {
                format,
                findings: 0,
            },
            head,
        )
    }

    /// The bytes for one more finding.
    pub fn finding(&mut self, l: &Located) -> Vec<u8> {
        self.findings += 1;
        let f = &l.finding;
        match self.format {
            Format::Json => {
                let node = build::object([
                    ("kind", build::string(f.kind.name())),
                    ("id", build::string(escape::name(f.id.as_bytes()))),
                    ("partial", build::boolean(f.partial)),
                    ("encoding", build::string(f.encoding.clone())),
                    ("path", build::string(escape::name(&l.path))),
                    ("line", build::uint(l.position.line as u64)),
                    ("column", build::uint(l.position.column as u64)),
                    ("offset", build::uint(f.offset as u64)),
                    ("length", build::uint(f.length as u64)),
                ]);
                let mut out = if self.findings > 1 {
                    b",".to_vec()
                } else {
                    Vec::new()
                };
                out.extend_from_slice(b"\n    ");
                out.extend(pretty_at(&node, 2));
                out
            }
            Format::Human => format!(
                "{}:{}:{}  {} {}  {}  {}bytes {}..{}\n",
                escape::name(&l.path),
                l.position.line,
                l.position.column,
                f.kind.name(),
                escape::name(f.id.as_bytes()),
                f.encoding,
                if f.partial { "partial, " } else { "" },
                f.offset,
                f.offset + f.length
            )
            .into_bytes(),
        }
    }

    /// The bytes that end the report over `bytes` bytes of input.
    pub fn end(self, bytes: u64) -> Vec<u8> {
        match self.format {
            Format::Json => {
                let summary = build::object([
                    ("bytes", build::uint(bytes)),
                    ("findings", build::uint(self.findings)),
                ]);
                let mut out = if self.findings == 0 {
                    b"]".to_vec()
                } else {
                    b"\n  ]".to_vec()
                };
                out.extend_from_slice(b",\n  \"format\": ");
                out.extend(pretty_at(&build::string(SCAN_FORMAT), 1));
                out.extend_from_slice(b",\n  \"summary\": ");
                out.extend(pretty_at(&summary, 1));
                out.extend_from_slice(b"\n}\n");
                out
            }
            Format::Human if self.findings == 0 => {
                format!("CLEAN: no secret or token found in {bytes} bytes\n").into_bytes()
            }
            Format::Human => format!(
                "LEAK: {} finding{} in {bytes} bytes\n",
                self.findings,
                if self.findings == 1 { "" } else { "s" }
            )
            .into_bytes(),
        }
    }
}

/// The whole report over a list of findings, in `format`.
fn whole(found: &[Located], bytes: u64, format: Format) -> Vec<u8> {
    let (mut writer, mut out) = Writer::begin(format);
    for l in found {
        out.extend(writer.finding(l));
    }
    out.extend(writer.end(bytes));
    out
}

/// The JSON report.
pub fn json(found: &[Located], bytes: u64) -> Vec<u8> {
    whole(found, bytes, Format::Json)
}

/// The human report: one line per finding (location, kind and id, encoding chain, byte range),
/// then a summary.
pub fn human(found: &[Located], bytes: u64) -> String {
    String::from_utf8_lossy(&whole(found, bytes, Format::Human)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leak::{Finding, Kind};
    use crate::strict_json::Node;
    use crate::strict_json::canonical::file_form;

    fn located(i: usize) -> Located {
        Located {
            path: format!("logs/{i}.log").into_bytes(),
            position: Position {
                line: i + 1,
                column: 3,
                offset: 100 * i,
            },
            finding: Finding {
                offset: 100 * i,
                length: 20 + i,
                kind: if i.is_multiple_of(2) {
                    Kind::Secret
                } else {
                    Kind::Rule
                },
                id: format!("id{i}"),
                partial: i == 1,
                encoding: "base64>json-escape".into(),
            },
        }
    }

    /// The report written piece by piece is byte for byte the canonical file form of the whole
    /// document, for no finding, one and several.
    #[test]
    fn the_streamed_json_report_is_the_canonical_document() {
        for n in [0usize, 1, 3] {
            let found: Vec<Located> = (0..n).map(located).collect();
            let findings: Vec<Node> = found
                .iter()
                .map(|l| {
                    let f = &l.finding;
                    build::object([
                        ("kind", build::string(f.kind.name())),
                        ("id", build::string(f.id.clone())),
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
            let whole = file_form(&build::object([
                ("format", build::string(SCAN_FORMAT)),
                ("findings", build::array(findings)),
                (
                    "summary",
                    build::object([
                        ("bytes", build::uint(12345)),
                        ("findings", build::uint(n as u64)),
                    ]),
                ),
            ]));
            assert_eq!(
                String::from_utf8(json(&found, 12345)).unwrap(),
                String::from_utf8(whole).unwrap()
            );
        }
    }

    #[test]
    fn the_human_report_has_a_line_per_finding_and_the_summary() {
        let found: Vec<Located> = (0..2).map(located).collect();
        assert_eq!(
            human(&found, 99),
            "logs/0.log:1:3  secret id0  base64>json-escape  bytes 0..20\n\
             logs/1.log:2:3  rule id1  base64>json-escape  partial, bytes 100..121\n\
             LEAK: 2 findings in 99 bytes\n"
        );
        assert_eq!(
            human(&[], 7),
            "CLEAN: no secret or token found in 7 bytes\n"
        );
    }
}
