//! The `sealprobe-scan/1` JSON report and the human report of `sealprobe scan`.
//!
//! A finding is rendered from its fingerprint or rule id, its encoding chain and its position;
//! the scanned bytes are not available here, so no part of a secret can be printed.

use super::Format;
use crate::escape;
use crate::leak::Finding;
use crate::leak::input::NotRead;
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

    /// The bytes that end the report.
    pub fn end(self, end: &End) -> Vec<u8> {
        let bytes = end.bytes;
        match self.format {
            Format::Json => {
                let summary = build::object([
                    ("bytes", build::uint(bytes)),
                    ("findings", build::uint(self.findings)),
                    ("not_read", build::uint(end.not_read.len() as u64)),
                    ("rules", build::uint(end.rules as u64)),
                    ("secrets", build::uint(end.secrets as u64)),
                ]);
                let not_read = build::array(
                    end.not_read
                        .iter()
                        .map(|n| {
                            build::object([
                                ("kind", build::string(n.kind)),
                                ("path", build::string(escape::name(&n.name))),
                            ])
                        })
                        .collect(),
                );
                let mut out = if self.findings == 0 {
                    b"]".to_vec()
                } else {
                    b"\n  ]".to_vec()
                };
                out.extend_from_slice(b",\n  \"format\": ");
                out.extend(pretty_at(&build::string(SCAN_FORMAT), 1));
                out.extend_from_slice(b",\n  \"not_read\": ");
                out.extend(pretty_at(&not_read, 1));
                out.extend_from_slice(b",\n  \"summary\": ");
                out.extend(pretty_at(&summary, 1));
                out.extend_from_slice(b"\n}\n");
                out
            }
            Format::Human => {
                let mut out = String::new();
                for n in &end.not_read {
                    out.push_str(&format!(
                        "{}  not-read  {}\n",
                        escape::name(&n.name),
                        n.kind
                    ));
                }
                let looked = format!(
                    "{} rule{} and {} secret{} looked for",
                    end.rules,
                    if end.rules == 1 { "" } else { "s" },
                    end.secrets,
                    if end.secrets == 1 { "" } else { "s" }
                );
                let skipped = match end.not_read.len() {
                    0 => String::new(),
                    1 => "; 1 entry not read".to_owned(),
                    n => format!("; {n} entries not read"),
                };
                if self.findings > 0 {
                    out.push_str(&format!(
                        "LEAK: {} finding{} in {bytes} bytes{skipped} ({looked})\n",
                        self.findings,
                        if self.findings == 1 { "" } else { "s" }
                    ));
                } else if !end.not_read.is_empty() && !end.skip_special {
                    out.push_str(&format!(
                        "NOT-READ: nothing found in {bytes} bytes, but {} below a folder {} not read (a symlink, FIFO, socket or device); --skip-special accepts that ({looked})\n",
                        if end.not_read.len() == 1 {
                            "1 entry".to_owned()
                        } else {
                            format!("{} entries", end.not_read.len())
                        },
                        if end.not_read.len() == 1 { "was" } else { "were" }
                    ));
                } else {
                    out.push_str(&format!(
                        "CLEAN: no secret or token found in {bytes} bytes{skipped} ({looked})\n"
                    ));
                }
                out.into_bytes()
            }
        }
    }
}

/// What the end of a report says besides the findings.
#[derive(Debug, Clone, Default)]
pub struct End {
    /// Bytes scanned.
    pub bytes: u64,
    /// Entries below folders that were not read.
    pub not_read: Vec<NotRead>,
    /// `--skip-special`: entries not read do not fail the scan.
    pub skip_special: bool,
    /// Rules and secrets looked for.
    pub rules: usize,
    pub secrets: usize,
}

/// The whole report over a list of findings, in `format`.
fn whole(found: &[Located], end: &End, format: Format) -> Vec<u8> {
    let (mut writer, mut out) = Writer::begin(format);
    for l in found {
        out.extend(writer.finding(l));
    }
    out.extend(writer.end(end));
    out
}

/// The JSON report.
pub fn json(found: &[Located], end: &End) -> Vec<u8> {
    whole(found, end, Format::Json)
}

/// The human report: one line per finding (location, kind and id, encoding chain, byte range),
/// one per entry not read, then a summary.
pub fn human(found: &[Located], end: &End) -> String {
    String::from_utf8_lossy(&whole(found, end, Format::Human)).into_owned()
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
    fn end(bytes: u64, not_read: usize) -> End {
        End {
            bytes,
            not_read: (0..not_read)
                .map(|i| NotRead {
                    name: format!("logs/link-{i}").into_bytes(),
                    kind: "symlink",
                })
                .collect(),
            skip_special: false,
            rules: 3,
            secrets: 1,
        }
    }

    #[test]
    fn the_streamed_json_report_is_the_canonical_document() {
        for (n, skipped) in [(0usize, 0usize), (1, 1), (3, 2)] {
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
            let not_read: Vec<Node> = (0..skipped)
                .map(|i| {
                    build::object([
                        ("kind", build::string("symlink")),
                        ("path", build::string(format!("logs/link-{i}"))),
                    ])
                })
                .collect();
            let whole = file_form(&build::object([
                ("format", build::string(SCAN_FORMAT)),
                ("findings", build::array(findings)),
                ("not_read", build::array(not_read)),
                (
                    "summary",
                    build::object([
                        ("bytes", build::uint(12345)),
                        ("findings", build::uint(n as u64)),
                        ("not_read", build::uint(skipped as u64)),
                        ("rules", build::uint(3)),
                        ("secrets", build::uint(1)),
                    ]),
                ),
            ]));
            assert_eq!(
                String::from_utf8(json(&found, &end(12345, skipped))).unwrap(),
                String::from_utf8(whole).unwrap()
            );
        }
    }

    #[test]
    fn the_human_report_has_a_line_per_finding_and_the_summary() {
        let found: Vec<Located> = (0..2).map(located).collect();
        assert_eq!(
            human(&found, &end(99, 0)),
            "logs/0.log:1:3  secret id0  base64>json-escape  bytes 0..20\n\
             logs/1.log:2:3  rule id1  base64>json-escape  partial, bytes 100..121\n\
             LEAK: 2 findings in 99 bytes (3 rules and 1 secret looked for)\n"
        );
        assert_eq!(
            human(&[], &end(7, 0)),
            "CLEAN: no secret or token found in 7 bytes (3 rules and 1 secret looked for)\n"
        );
    }

    #[test]
    fn entries_not_read_are_listed_and_are_no_clean_report() {
        assert_eq!(
            human(&[], &end(7, 1)),
            "logs/link-0  not-read  symlink\n\
             NOT-READ: nothing found in 7 bytes, but 1 entry below a folder was not read (a symlink, FIFO, socket or device); --skip-special accepts that (3 rules and 1 secret looked for)\n"
        );
        let skipped = End {
            skip_special: true,
            ..end(7, 2)
        };
        assert_eq!(
            human(&[], &skipped),
            "logs/link-0  not-read  symlink\n\
             logs/link-1  not-read  symlink\n\
             CLEAN: no secret or token found in 7 bytes; 2 entries not read (3 rules and 1 secret looked for)\n"
        );
    }
}
