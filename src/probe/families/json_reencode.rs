//! The `json-reencode` family (SPEC 7.2): a JSON artifact dumped again by another tool. The value
//! is the same (so the JCS digest matches) but the bytes are not: `ensure_ascii` escapes, other
//! key order, other indent, minified, number spelling, `\/`, `\u` escapes for ASCII. A validator
//! that parses JSON artifacts and compares values passes bytes that were never sealed; one that
//! cannot tell a re-encode from an edit gives its user no way to know what happened.
//!
//! The other side of the line matters as much: a repeated key, a lone surrogate, nesting past the
//! strict loader's 64 levels or a number it cannot hold exactly leave a file without a JSON layer,
//! so a re-encode of such a file is `content`; so is any change of value, and a re-encode that
//! grew the file past the diagnosis bound (twice the sealed length plus 64 KiB).

use super::ProbeFamily;
use super::text::{replace_first, u_escape, wide};
use crate::probe::case::Family;
use crate::probe::draft::{Cases, Draft, Seeded};
use crate::seal::Drift;

pub struct JsonReencode;

/// A JSON value for the probe's own dumper. Numbers and literals are kept as spelled.
#[derive(Clone)]
enum J {
    Lit(String),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

fn lit(s: &str) -> J {
    J::Lit(s.to_owned())
}

fn s(v: &str) -> J {
    J::Str(v.to_owned())
}

fn obj(members: Vec<(&str, J)>) -> J {
    J::Obj(
        members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    Sorted,
    Written,
    Reversed,
}

/// How a dumper writes JSON: the knobs of Python's `json.dumps` and a few more.
#[derive(Clone, Copy)]
struct Style {
    /// `None`: everything on one line.
    indent: Option<&'static str>,
    comma: &'static str,
    colon: &'static str,
    order: Order,
    /// Non-ASCII as `\uXXXX` (surrogate pairs beyond the BMP).
    ascii: bool,
    /// `/` as `\/`.
    slash: bool,
    /// ASCII letters as `\u00XX`.
    letters: bool,
    /// Control characters as `\u00XX` instead of the short escapes.
    long_controls: bool,
    /// Upper-case hex digits in `\u` escapes.
    upper_hex: bool,
    eol: &'static str,
    final_newline: bool,
}

/// The file form of SPEC 2: sorted keys, two-space indent, `": "`, raw non-ASCII, LF, final LF.
const CANON: Style = Style {
    indent: Some("  "),
    comma: ",",
    colon: ": ",
    order: Order::Sorted,
    ascii: false,
    slash: false,
    letters: false,
    long_controls: false,
    upper_hex: false,
    eol: "\n",
    final_newline: true,
};

/// Minified: no whitespace at all, one final LF.
const MINI: Style = Style {
    indent: None,
    comma: ",",
    colon: ":",
    ..CANON
};

fn escape(v: &str, st: &Style, out: &mut String) {
    out.push('"');
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' if st.slash => out.push_str("\\/"),
            '\n' if !st.long_controls => out.push_str("\\n"),
            '\t' if !st.long_controls => out.push_str("\\t"),
            '\r' if !st.long_controls => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&u_escape(c, st.upper_hex)),
            c if st.letters && c.is_ascii_alphabetic() => out.push_str(&u_escape(c, st.upper_hex)),
            c if st.ascii && !c.is_ascii() => out.push_str(&u_escape(c, st.upper_hex)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn dump_into(v: &J, st: &Style, depth: usize, out: &mut String) {
    let newline = |out: &mut String, depth: usize| {
        if let Some(ind) = st.indent {
            out.push_str(st.eol);
            for _ in 0..depth {
                out.push_str(ind);
            }
        }
    };
    match v {
        J::Lit(l) => out.push_str(l),
        J::Str(x) => escape(x, st, out),
        J::Arr(items) if items.is_empty() => out.push_str("[]"),
        J::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(st.comma);
                }
                newline(out, depth + 1);
                dump_into(item, st, depth + 1, out);
            }
            newline(out, depth);
            out.push(']');
        }
        J::Obj(members) if members.is_empty() => out.push_str("{}"),
        J::Obj(members) => {
            let mut ms: Vec<&(String, J)> = members.iter().collect();
            match st.order {
                Order::Sorted => ms.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes())),
                Order::Reversed => {
                    ms.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
                    ms.reverse();
                }
                Order::Written => {}
            }
            out.push('{');
            for (i, (k, val)) in ms.iter().enumerate() {
                if i > 0 {
                    out.push_str(st.comma);
                }
                newline(out, depth + 1);
                escape(k, st, out);
                out.push_str(st.colon);
                dump_into(val, st, depth + 1, out);
            }
            newline(out, depth);
            out.push('}');
        }
    }
}

fn dump(v: &J, st: &Style) -> Vec<u8> {
    let mut out = String::new();
    dump_into(v, st, 0, &mut out);
    if st.final_newline {
        out.push_str(st.eol);
    }
    out.into_bytes()
}

const BOM: &str = "\u{feff}";

fn with_bom(b: &[u8]) -> Vec<u8> {
    [BOM.as_bytes(), b].concat()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Replaces the first `from` in `doc` (which must be there) with `to`. A miss leaves the file as
/// it was, and the suite refuses a hostile tree case that does not drift from its seal (7.1), so
/// it is found when the suite is drawn.
fn replace_once(doc: &[u8], from: &str, to: &str) -> Vec<u8> {
    replace_first(doc, from.as_bytes(), to.as_bytes()).unwrap_or_else(|| doc.to_vec())
}

/// The release manifest every case starts from: nested objects, arrays, non-ASCII text (inside
/// and beyond the BMP), a path with slashes, a tab, numbers of several kinds, literals.
fn manifest(word: &str) -> J {
    obj(vec![
        ("name", s(&format!("sealprobe-{word}"))),
        ("version", s("2.4.1")),
        ("greeting", s("say \"hi\" twice")),
        ("région", s("eu-west")),
        ("replicas", lit("3")),
        ("ratio", lit("0.25")),
        ("offset", lit("0")),
        ("threshold", lit("100")),
        ("enabled", lit("true")),
        ("rollback", lit("null")),
        ("owner", s("Zoë Ångström")),
        ("motto", s("naïve café — déjà vu 🚀")),
        ("summary", s("line one\tcolumn two")),
        ("path", s("/srv/release/bin/start")),
        (
            "tags",
            J::Arr(vec![s("stable"), s("café"), s("日本語"), s(word)]),
        ),
        (
            "limits",
            obj(vec![
                ("cpu", lit("2")),
                ("memory", lit("512")),
                (
                    "burst",
                    obj(vec![("cpu", lit("4")), ("window", lit("1.5"))]),
                ),
            ]),
        ),
        ("empty_list", J::Arr(vec![])),
        ("empty_map", J::Obj(vec![])),
    ])
}

/// The manifest's members in a seeded order (a re-dumper that keeps insertion order).
fn shuffled(v: &J, rng: &mut Seeded) -> J {
    match v {
        J::Obj(ms) => {
            let mut ms: Vec<(String, J)> = ms
                .iter()
                .map(|(k, v)| (k.clone(), shuffled(v, rng)))
                .collect();
            for i in (1..ms.len()).rev() {
                let j = rng.below(i + 1);
                ms.swap(i, j);
            }
            // Never the sorted order: the sealed file is sorted, the point is another order.
            if ms.windows(2).all(|w| w[0].0 <= w[1].0) && ms.len() > 1 {
                ms.reverse();
            }
            J::Obj(ms)
        }
        J::Arr(items) => J::Arr(items.iter().map(|i| shuffled(i, rng)).collect()),
        other => other.clone(),
    }
}

/// `depth` objects nested in one another, a leaf value at the bottom.
fn nested(depth: usize, leaf: J) -> J {
    let mut v = leaf;
    for i in (0..depth).rev() {
        v = obj(vec![("level", lit(&i.to_string())), ("next", v)]);
    }
    v
}

/// A large array of small records (over 1 MiB in the file form).
fn records(n: usize, word: &str) -> Vec<J> {
    (0..n)
        .map(|i| {
            obj(vec![
                ("id", lit(&i.to_string())),
                ("name", s(&format!("artifact-{i:05}-{word}"))),
                ("ok", lit(if i % 3 == 0 { "false" } else { "true" })),
                (
                    "sha",
                    s(&format!(
                        "{:064x}",
                        (i as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15)
                    )),
                ),
                ("size", lit(&(i * 37 % 100_000).to_string())),
            ])
        })
        .collect()
}

const CFG: &str = "config/release.json";

impl ProbeFamily for JsonReencode {
    fn family(&self) -> Family {
        Family::JsonReencode
    }

    fn draw(&self, cases: &mut Cases, rng: &mut Seeded) {
        let word = rng.word(10).to_lowercase();
        let m = manifest(&word);
        let canon = dump(&m, &CANON);
        let mini = dump(&m, &MINI);
        let ascii = Style {
            ascii: true,
            ..CANON
        };

        // A helper for the common shape: the canonical manifest sealed, this written instead.
        let reencoded = |name: &str, why: &str, now: Vec<u8>| {
            Draft::tree(name, why)
                .file(CFG, canon.clone())
                .write(CFG, now)
        };
        let jr = [Drift::JsonReencode];

        // --- escapes ----------------------------------------------------------------------
        cases.add(
            reencoded(
                "ensure-ascii",
                "the file was dumped again with ensure_ascii: \\u00e9 escapes for raw UTF-8 give the same value in other bytes",
                dump(&m, &ascii),
            )
            .expect(jr),
        );
        cases.add(
            reencoded(
                "ensure-ascii-upper-hex",
                "ensure_ascii with upper-case hex (\\u00E9): a validator that lower-cases or unescapes before hashing passes it",
                dump(&m, &Style { upper_hex: true, ..ascii }),
            )
            .expect(jr),
        );
        cases.add(
            reencoded(
                "ensure-ascii-surrogate-pair",
                "only the rocket beyond the BMP was escaped as a surrogate pair (\\ud83d\\ude80): same value, other bytes",
                replace_once(&canon, "🚀", "\\ud83d\\ude80"),
            )
            .expect(jr),
        );
        cases.add(
            reencoded(
                "escaped-slash",
                "every / written as \\/ (PHP's json_encode does this): the value is the same, the bytes are not",
                dump(&m, &Style { slash: true, ..CANON }),
            )
            .expect(jr),
        );
        cases.add(
            reencoded(
                "unicode-escapes-for-ascii",
                "ASCII letters written as \\u0061 escapes: a validator that compares parsed strings sees nothing",
                dump(&m, &Style { letters: true, ..CANON }),
            )
            .expect(jr),
        );
        cases.add(
            reencoded(
                "tab-escape-spelling",
                "the tab in a string written as \\u0009 instead of \\t: same string, other bytes",
                dump(
                    &m,
                    &Style {
                        long_controls: true,
                        ..CANON
                    },
                ),
            )
            .expect(jr),
        );
        cases.add(
            reencoded(
                "escaped-quote-as-unicode",
                "a dumper that spells a quote inside a string as \\u0022: the value is equal, the file is not",
                replace_once(&canon, "\\\"hi\\\"", "\\u0022hi\\u0022"),
            )
            .expect(jr),
        );
        cases.add(
            reencoded(
                "em-dash-escaped",
                "the em dash written as \\u2014: json-reencode is decided before unicode, so it is named, and the file still fails",
                replace_once(&canon, "—", "\\u2014"),
            )
            .expect(jr),
        );
        cases.add(
            reencoded(
                "everything-escaped",
                "ensure_ascii, \\/ and \\u escapes for every letter at once: not one byte of text is where it was, the value is",
                dump(
                    &m,
                    &Style {
                        ascii: true,
                        slash: true,
                        letters: true,
                        long_controls: true,
                        ..CANON
                    },
                ),
            )
            .expect(jr),
        );

        // --- layout -----------------------------------------------------------------------
        cases.add(
            reencoded(
                "keys-reversed",
                "the same object with its keys in reverse order: a validator that compares parsed values passes it",
                dump(&m, &Style { order: Order::Reversed, ..CANON }),
            )
            .expect(jr),
        );
        let sh = shuffled(&m, rng);
        cases.add(
            reencoded(
                "keys-insertion-order",
                "a dumper that keeps insertion order instead of sorting keys (seeded order, nested objects too)",
                dump(&sh, &Style { order: Order::Written, ..CANON }),
            )
            .expect(jr),
        );
        cases.add(
            reencoded(
                "indent-4",
                "re-indented with four spaces (json.dump(indent=4)): same value, other bytes",
                dump(
                    &m,
                    &Style {
                        indent: Some("    "),
                        ..CANON
                    },
                ),
            )
            .expect(jr),
        );
        cases.add(
            reencoded(
                "indent-tabs",
                "re-indented with tabs: same value, other bytes",
                dump(
                    &m,
                    &Style {
                        indent: Some("\t"),
                        ..CANON
                    },
                ),
            )
            .expect(jr),
        );
        cases.add(
            reencoded(
                "indent-1",
                "re-indented with one space: the file is shorter than sealed and still the same value",
                dump(&m, &Style { indent: Some(" "), ..CANON }),
            )
            .expect(jr),
        );
        cases.add(
            reencoded(
                "minified-with-newline",
                "the pretty file minified (one line, final LF kept): same value, other bytes",
                mini.clone(),
            )
            .expect(jr),
        );
        cases.add(
            reencoded(
                "minified-no-newline",
                "minified and the final newline dropped (JSON.stringify): both the final newline and the re-encode must be named",
                dump(&m, &Style { final_newline: false, ..MINI }),
            )
            .expect([Drift::FinalNewline, Drift::JsonReencode]),
        );
        cases.add(
            reencoded(
                "python-default-separators",
                "json.dumps defaults: one line with \", \" and \": \" separators, no final newline",
                dump(
                    &m,
                    &Style {
                        comma: ", ",
                        final_newline: false,
                        ..MINI
                    },
                ),
            )
            .expect([Drift::FinalNewline, Drift::JsonReencode]),
        );
        cases.add(
            reencoded(
                "python-json-dump-indent-4-ascii",
                "the classic json.dump(obj, f, indent=4, sort_keys=True): ensure_ascii on, no final newline",
                dump(
                    &m,
                    &Style {
                        indent: Some("    "),
                        ascii: true,
                        final_newline: false,
                        ..CANON
                    },
                ),
            )
            .expect([Drift::FinalNewline, Drift::JsonReencode]),
        );
        cases.add(
            reencoded(
                "space-before-colon",
                "a dumper that writes \"key\" : value: JSON whitespace moved, value unchanged",
                dump(
                    &m,
                    &Style {
                        colon: " : ",
                        ..CANON
                    },
                ),
            )
            .expect(jr),
        );
        cases.add(
            reencoded(
                "trailing-spaces",
                "trailing spaces after every comma at the end of a line: JSON whitespace a diff viewer hides",
                dump(&m, &Style { comma: ", ", ..CANON }),
            )
            .expect(jr),
        );
        cases.add(
            reencoded(
                "empty-containers-spaced",
                "{} and [] written as { } and [ ]: same value, two bytes longer each",
                replace_once(&replace_once(&canon, "[]", "[ ]"), "{}", "{ }"),
            )
            .expect(jr),
        );

        // --- layout plus features ---------------------------------------------------------
        let crlf = |b: &[u8]| text(b).replace('\n', "\r\n").into_bytes();
        cases.add(
            reencoded(
                "crlf-only",
                "CRLF line endings alone: N1 matches, so it is a line-ending change and not a re-encode, and it still fails",
                crlf(&canon),
            )
            .expect([Drift::Crlf]),
        );
        cases.add(
            reencoded(
                "cr-only",
                "old-Mac CR line endings in a JSON file: still valid JSON, still not the sealed bytes",
                text(&canon).replace('\n', "\r").into_bytes(),
            )
            .expect([Drift::Crlf]),
        );
        cases.add(
            reencoded(
                "crlf-and-indent-4",
                "a Windows tool re-indented with four spaces and wrote CRLF: both classes must be named",
                dump(&m, &Style { indent: Some("    "), eol: "\r\n", ..CANON }),
            )
            .expect([Drift::Crlf, Drift::JsonReencode]),
        );
        cases.add(
            reencoded(
                "bom-added",
                "a BOM before the JSON: the strict loader strips it for the JSON layer, but N1 already matches, so only bom",
                with_bom(&canon),
            )
            .expect([Drift::Bom]),
        );
        cases.add(
            reencoded(
                "bom-added-and-minified",
                "a BOM added and the file minified: the BOM and the re-encode are two findings, both must be named",
                with_bom(&mini),
            )
            .expect([Drift::Bom, Drift::JsonReencode]),
        );
        cases.add(
            reencoded(
                "bom-crlf-ascii",
                "PowerShell's ConvertTo-Json | Out-File: BOM, CRLF and escapes at once",
                with_bom(&dump(
                    &m,
                    &Style {
                        eol: "\r\n",
                        ..ascii
                    },
                )),
            )
            .expect([Drift::Bom, Drift::Crlf, Drift::JsonReencode]),
        );
        cases.add(
            Draft::tree(
                "bom-kept-reindented",
                "a file sealed with a BOM, re-indented with the BOM kept: the BOM is not the change, the re-encode is",
            )
            .file(CFG, with_bom(&canon))
            .write(CFG, with_bom(&dump(&m, &Style { indent: Some("    "), ..CANON })))
            .expect(jr),
        );
        cases.add(
            reencoded(
                "double-bom",
                "two BOMs before the JSON: the second is a U+FEFF the strict loader refuses, so no JSON layer; N2 drops it as default-ignorable",
                [BOM.as_bytes(), BOM.as_bytes(), &canon].concat(),
            )
            .expect([Drift::Bom, Drift::Unicode]),
        );
        cases.add(
            reencoded(
                "utf16-reencoded",
                "the JSON re-encoded as UTF-16LE with a BOM: a loader that sniffs the encoding reads the same value, the bytes are not even UTF-8",
                wide(&text(&canon), 2, true, true),
            )
            .expect([Drift::Content]),
        );
        cases.add(
            Draft::tree(
                "final-newline-added-to-minified",
                "a minified file without a final newline gained one: N1 matches, so the only class is final-newline",
            )
            .file(CFG, dump(&m, &Style { final_newline: false, ..MINI }))
            .write(CFG, mini.clone())
            .expect([Drift::FinalNewline]),
        );
        cases.add(
            reencoded(
                "final-newline-removed",
                "only the final newline is gone: N1 matches, the diagnosis is final-newline, and the file fails",
                canon[..canon.len() - 1].to_vec(),
            )
            .expect([Drift::FinalNewline]),
        );
        cases.add(
            reencoded(
                "final-newlines-doubled",
                "a second final newline: same features, same N1, one byte longer",
                [&canon[..], b"\n"].concat(),
            )
            .expect([Drift::FinalNewline]),
        );

        // --- number spelling --------------------------------------------------------------
        for (name, why, from, to) in [
            (
                "number-int-as-float",
                "3 written as 3.0: JCS spells both 3, the file bytes differ",
                "\"replicas\": 3",
                "\"replicas\": 3.0",
            ),
            (
                "number-exponent",
                "100 written as 1e2: same number, other spelling",
                "\"threshold\": 100",
                "\"threshold\": 1e2",
            ),
            (
                "number-exponent-upper-signed",
                "100 written as 1E+2: same number, other spelling",
                "\"threshold\": 100",
                "\"threshold\": 1E+2",
            ),
            (
                "number-negative-zero",
                "0 written as -0: JCS writes -0 as 0, the bytes differ",
                "\"offset\": 0",
                "\"offset\": -0",
            ),
            (
                "number-trailing-zeros",
                "0.25 written as 0.2500: same double, other bytes",
                "\"ratio\": 0.25",
                "\"ratio\": 0.2500",
            ),
            (
                "number-fraction-as-exponent",
                "0.25 written as 25e-2: same double, other bytes",
                "\"ratio\": 0.25",
                "\"ratio\": 25e-2",
            ),
            (
                "number-nested-respelled",
                "1.5 deep in a nested object written as 15E-1",
                "\"window\": 1.5",
                "\"window\": 15E-1",
            ),
        ] {
            cases.add(reencoded(name, why, replace_once(&canon, from, to)).expect(jr));
        }
        cases.add(
            reencoded(
                "number-value-changed-by-rounding",
                "0.25 written as 0.2500000000000001: another double, so a real change and not a re-spelling",
                replace_once(&canon, "\"ratio\": 0.25", "\"ratio\": 0.2500000000000001"),
            )
            .expect([Drift::Content]),
        );
        let big_int = "\"big\": 10000000000000000";
        cases.add(
            Draft::tree(
                "number-beyond-2-53-respelled",
                "an integer beyond 2^53 respelled 1e16: the strict loader cannot hold it exactly, so the file has no JSON layer and the change is content",
            )
            .file(CFG, format!("{{\n  {big_int},\n  \"name\": \"{word}\"\n}}\n"))
            .write(CFG, format!("{{\n  \"big\": 1e16,\n  \"name\": \"{word}\"\n}}\n"))
            .expect([Drift::Content]),
        );
        cases.add(
            Draft::tree(
                "number-overflow-respelled",
                "1e400 respelled 1E400: no double holds it, the strict loader refuses it, so there is no JSON layer to call it a re-encode",
            )
            .file(CFG, format!("{{\"huge\": 1e400, \"name\": \"{word}\"}}\n"))
            .write(CFG, format!("{{\"huge\": 1E400, \"name\": \"{word}\"}}\n"))
            .expect([Drift::Content]),
        );

        // --- files without a JSON layer -----------------------------------------------------
        let dup = |doc: &[u8]| {
            replace_once(
                doc,
                "\"replicas\": 3,",
                "\"replicas\": 3,\n  \"replicas\": 3,",
            )
        };
        cases.add(
            reencoded(
                "repeated-key-added",
                "a re-dump that repeats a key with the same value: the strict loader refuses it, so there is no JSON layer and the change is content",
                dup(&canon),
            )
            .expect([Drift::Content]),
        );
        cases.add(
            Draft::tree(
                "repeated-key-removed",
                "the sealed file repeated a key (no JSON layer); a tool that keeps the last copy re-dumped it: content, never json-reencode",
            )
            .file(CFG, dup(&canon))
            .write(CFG, canon.clone())
            .expect([Drift::Content]),
        );
        cases.add(
            Draft::tree(
                "repeated-key-reindented",
                "a file with a repeated key re-indented: a loader that keeps the first or last copy calls it the same value, the strict one has no value",
            )
            .file(CFG, dup(&canon))
            .write(CFG, text(&dup(&canon)).replace("\n  ", "\n    ").into_bytes())
            .expect([Drift::Content]),
        );
        cases.add(
            reencoded(
                "repeated-key-nested",
                "a repeated key three levels down, other value: first-wins and last-wins loaders disagree, the strict loader refuses",
                replace_once(&canon, "\"cpu\": 4,", "\"cpu\": 4,\n      \"cpu\": 8,"),
            )
            .expect([Drift::Content]),
        );
        cases.add(
            reencoded(
                "lone-surrogate",
                "the rocket escaped as a lone high surrogate (\\ud83d): the strict loader refuses it, the change is content",
                replace_once(&canon, "🚀", "\\ud83d"),
            )
            .expect([Drift::Content]),
        );
        let deep = |d: usize, st: &Style| dump(&nested(d, s(&word)), st);
        cases.add(
            Draft::tree(
                "nested-60-reindented",
                "60 nested objects re-indented with tabs: within the loader's 64 levels, so the re-encode is seen",
            )
            .file("config/deep.json", deep(60, &CANON))
            .write("config/deep.json", deep(60, &Style { indent: Some("\t"), ..CANON }))
            .expect(jr),
        );
        cases.add(
            Draft::tree(
                "nested-70-reindented",
                "70 nested objects re-indented: past the strict loader's 64 levels there is no JSON layer, so it is content",
            )
            .file("config/deep.json", deep(70, &CANON))
            .write("config/deep.json", deep(70, &Style { indent: Some("\t"), ..CANON }))
            .expect([Drift::Content]),
        );
        cases.add(
            Draft::tree(
                "json-lines-respaced",
                "JSON Lines (two documents) re-spaced: not one JSON document, so no JSON layer, so content",
            )
            .file("logs/events.jsonl", format!("{{\"a\":1,\"w\":\"{word}\"}}\n{{\"b\":2}}\n"))
            .write("logs/events.jsonl", format!("{{\"a\": 1, \"w\": \"{word}\"}}\n{{\"b\": 2}}\n"))
            .expect([Drift::Content]),
        );
        cases.add(
            reencoded(
                "comment-added",
                "a JSONC comment added by an editor: lenient parsers skip it, the strict loader and the seal do not",
                replace_once(&canon, "{\n", "{\n  // managed by release bot\n"),
            )
            .expect([Drift::Content]),
        );
        cases.add(
            reencoded(
                "trailing-comma",
                "a trailing comma after the last member: JSON5 accepts it, the strict loader refuses it",
                replace_once(&canon, "\"version\": \"2.4.1\"\n", "\"version\": \"2.4.1\",\n"),
            )
            .expect([Drift::Content]),
        );

        // --- value changes (not re-encodes) ---------------------------------------------------
        cases.add(
            reencoded(
                "value-changed",
                "replicas 3 became 4: a change of value in a file that is still valid JSON",
                replace_once(&canon, "\"replicas\": 3", "\"replicas\": 4"),
            )
            .expect([Drift::Content]),
        );
        cases.add(
            reencoded(
                "value-changed-and-minified",
                "a value changed and the file minified: the layout change must not hide the edit",
                text(&mini)
                    .replacen("\"replicas\":3", "\"replicas\":30", 1)
                    .into_bytes(),
            )
            .expect([Drift::Content]),
        );
        cases.add(
            reencoded(
                "value-type-changed",
                "3 became \"3\": a loose comparison (or a YAML round trip) calls it the same",
                replace_once(&canon, "\"replicas\": 3", "\"replicas\": \"3\""),
            )
            .expect([Drift::Content]),
        );
        cases.add(
            reencoded(
                "bool-to-int",
                "true became 1: equal under a truthiness comparison, not the same JSON value",
                replace_once(&canon, "\"enabled\": true", "\"enabled\": 1"),
            )
            .expect([Drift::Content]),
        );
        cases.add(
            reencoded(
                "null-member-dropped",
                "a null member dropped by a dumper that skips nulls: other value, not a re-encode",
                replace_once(&canon, "  \"rollback\": null,\n", ""),
            )
            .expect([Drift::Content]),
        );
        cases.add(
            reencoded(
                "ensure-ascii-nfd",
                "ensure_ascii after NFD normalization: \\u0065\\u0301 are other code points than \\u00e9, and as ASCII text no N2 sees it",
                replace_once(&canon, "Zoë", "Zoe\\u0308"),
            )
            .expect([Drift::Content]),
        );
        cases.add(
            reencoded(
                "ensure-ascii-homoglyph",
                "a Cyrillic a hidden as the escape \\u0430 in a value: the escape looks like ASCII text, the value changed",
                replace_once(&canon, "\"stable\"", "\"st\\u0430ble\""),
            )
            .expect([Drift::Content]),
        );
        // Same text to the eye, but other code points: not the same JSON value.
        cases.add(
            reencoded(
                "key-nfd",
                "a key re-written in NFD (re + combining accent + gion): JCS compares code points, so it is not a re-encode, but N2 matches",
                replace_once(&canon, "\"région\"", "\"re\u{301}gion\""),
            )
            .expect([Drift::Unicode]),
        );
        cases.add(
            reencoded(
                "value-homoglyph",
                "a Cyrillic а in the release name: the value changed, only the UTS #39 skeleton is the same",
                replace_once(&canon, "\"stable\"", "\"st\u{0430}ble\""),
            )
            .expect([Drift::Unicode]),
        );
        cases.add(
            reencoded(
                "value-zero-width",
                "a zero-width space inside a string value: an invisible change of value",
                replace_once(&canon, "\"2.4.1\"", "\"2.4\u{200b}.1\""),
            )
            .expect([Drift::Unicode]),
        );
        cases.add(
            reencoded(
                "nbsp-as-whitespace",
                "the indentation written with no-break spaces: not JSON whitespace, so no JSON layer, but N2 folds them to spaces",
                text(&canon).replace("\n  \"", "\n\u{a0}\u{a0}\"").into_bytes(),
            )
            .expect([Drift::Unicode]),
        );

        // --- sizes and the diagnosis bound ----------------------------------------------------
        let rec = records(6_000, &word);
        let big = J::Obj(vec![
            ("records".to_owned(), J::Arr(rec.clone())),
            ("word".to_owned(), s(&word)),
        ]);
        let big_canon = dump(&big, &CANON);
        let late = 5_500 + rng.below(400);
        let mut rec_swapped = rec.clone();
        if let J::Obj(ms) = &mut rec_swapped[late] {
            ms.reverse();
        }
        let big_swapped = J::Obj(vec![
            ("records".to_owned(), J::Arr(rec_swapped)),
            ("word".to_owned(), s(&word)),
        ]);
        cases.add(
            Draft::tree(
                "large-late-key-order",
                "a JSON file over 1 MiB where only one record near the end has its keys in another order",
            )
            .file("data/index.json", big_canon.clone())
            .write(
                "data/index.json",
                dump(&big_swapped, &Style { order: Order::Written, ..CANON }),
            )
            .expect(jr),
        );
        let needle = format!("\"id\": {late},");
        let at = text(&big_canon).find(&needle).unwrap_or(0);
        let mut edited = big_canon.clone();
        edited[at + needle.len() - 2] ^= 0x01; // one digit of the id, near the end
        cases.add(
            Draft::tree(
                "large-late-value-changed",
                "a JSON file over 1 MiB where one digit changed near the end: a validator that samples or stops early misses it",
            )
            .file("data/index.json", big_canon)
            .write("data/index.json", edited)
            .expect([Drift::Content]),
        );
        let emoji: String = (0..30_000).map(|i| ['🚀', '🛰', '🌍'][i % 3]).collect();
        let emoji_doc = obj(vec![("glyphs", J::Str(emoji)), ("word", s(&word))]);
        cases.add(
            Draft::tree(
                "ensure-ascii-past-diagnosis-bound",
                "ensure_ascii tripled a file of emoji (4 bytes each become 12): past twice the sealed length plus 64 KiB only content may be named",
            )
            .file("data/glyphs.json", dump(&emoji_doc, &CANON))
            .write("data/glyphs.json", dump(&emoji_doc, &ascii))
            .expect([Drift::Content]),
        );
        let cjk: String = (0..40_000)
            .map(|i| ['日', '本', '語', '漢'][i % 4])
            .collect();
        let cjk_doc = obj(vec![("text", J::Str(cjk)), ("word", s(&word))]);
        cases.add(
            Draft::tree(
                "ensure-ascii-within-diagnosis-bound",
                "ensure_ascii doubled a file of CJK text (3 bytes become 6): within the diagnosis bound, so the re-encode is named",
            )
            .file("data/cjk.json", dump(&cjk_doc, &CANON))
            .write("data/cjk.json", dump(&cjk_doc, &ascii))
            .expect(jr),
        );

        // --- top-level scalars, other names, several files -------------------------------------
        cases.add(
            Draft::tree(
                "top-level-string-escaped",
                "a document that is one string, re-dumped with \\u escapes: JSON values need not be objects",
            )
            .file("config/channel.json", format!("\"{word}-ß\"\n"))
            .write("config/channel.json", format!("\"{word}-\\u00df\"\n"))
            .expect(jr),
        );
        cases.add(
            Draft::tree(
                "json-in-txt-file",
                "a JSON document in a .txt file re-indented: the JSON layer depends on the bytes, never on the file name",
            )
            .file("notes/settings.txt", canon.clone())
            .write("notes/settings.txt", dump(&m, &Style { indent: Some("    "), ..CANON }))
            .expect(jr),
        );
        cases.add(
            Draft::tree(
                "yaml-in-json-file",
                "a .json file that holds YAML, re-indented: no JSON layer, whatever the name says, so content",
            )
            .file("config/values.json", format!("name: {word}\nlimits:\n  cpu: 2\n"))
            .write("config/values.json", format!("name: {word}\nlimits:\n    cpu: 2\n"))
            .expect([Drift::Content]),
        );
        cases.add(
            Draft::tree(
                "one-reencoded-one-edited",
                "two JSON files, one re-encoded and one edited: each file is diagnosed on its own, both classes must be named",
            )
            .file("config/a.json", canon.clone())
            .file("config/b.json", canon.clone())
            .write("config/a.json", mini.clone())
            .write("config/b.json", replace_once(&canon, "\"memory\": 512", "\"memory\": 1024"))
            .expect([Drift::JsonReencode, Drift::Content]),
        );
        cases.add(
            Draft::tree(
                "reencoded-in-complete-folder",
                "one of several JSON files in a complete folder re-indented: the others pass, this one must not",
            )
            .file("config/a.json", canon.clone())
            .file("config/b.json", mini.clone())
            .file("config/nested/c.json", canon.clone())
            .complete("config")
            .write("config/nested/c.json", dump(&m, &Style { indent: Some("\t"), ..CANON }))
            .expect(jr),
        );
        cases.add(
            Draft::tree(
                "reencoded-non-ascii-name",
                "a re-encoded JSON file with a non-ASCII name in an NFD folder",
            )
            .file("re\u{301}glages/configuración.json", canon.clone())
            .write("re\u{301}glages/configuración.json", dump(&m, &ascii))
            .expect(jr),
        );
        cases.add(
            reencoded(
                "reencoded-keyed",
                "ensure_ascii under a keyed seal: the MAC verifies, the bytes do not",
                dump(&m, &ascii),
            )
            .keyed()
            .expect(jr),
        );
        cases.add(
            reencoded(
                "reencoded-signed-without-key",
                "re-indented under a signed seal checked without a key",
                dump(
                    &m,
                    &Style {
                        indent: Some("   "),
                        ..CANON
                    },
                ),
            )
            .signed_without_key()
            .expect(jr),
        );

        // --- controls -----------------------------------------------------------------------
        cases.add(
            Draft::tree(
                "control-canonical-untouched",
                "a canonical JSON file, untouched, must pass: a validator that refuses it refuses every honest release",
            )
            .file(CFG, canon.clone())
            .control(),
        );
        cases.add(
            Draft::tree(
                "control-minified-untouched",
                "a minified JSON file sealed as it is and untouched must pass: the seal holds bytes, not a preferred layout",
            )
            .file(CFG, mini.clone())
            .file("config/mini-no-newline.json", dump(&m, &Style { final_newline: false, ..MINI }))
            .control(),
        );
        cases.add(
            Draft::tree(
                "control-keyed-ascii-untouched",
                "an ensure_ascii JSON file with a BOM and CRLF under a keyed seal, untouched, must pass with the key",
            )
            .file(CFG, with_bom(&dump(&m, &Style { eol: "\r\n", ..ascii })))
            .keyed()
            .control(),
        );
        cases.add(
            Draft::tree(
                "control-no-json-layer-untouched",
                "files the strict loader refuses (repeated key, nesting past 64, JSONC) are still sealed bytes: untouched, they pass",
            )
            .file("config/dup.json", dup(&canon))
            .file("config/deep.json", deep(70, &CANON))
            .file("config/commented.json", replace_once(&canon, "{\n", "{\n  // note\n"))
            .signed_without_key()
            .control(),
        );
    }
}
