//! Conformance of the strict JSON loader (SPEC 2) against the public JSONTestSuite, read in place
//! from the repository's copy in `tests/data/JSONTestSuite/test_parsing`, plus targeted cases that pin the
//! error class *and* offset of every refusal, and RFC 8785 known answers for the digest form.
//!
//! The suite is also handed, file by file, to the real `sealprobe verify` binary as the seal: a
//! document that is not a canonical `sealprobe-seal/1` must fail closed (exit 1, a `seal-*` class)
//! and the report must not echo it.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use sealprobe::strict_json::canonical::{file_form, jcs};
use sealprobe::strict_json::{
    self, JsonError, JsonErrorClass, MAX_DEPTH, Node, Value, parse, parse_with_limit,
};

/// Number of files in the pinned upstream snapshot; a missing or partial folder fails loudly.
const SUITE_FILES: usize = 318;

/// The suite, read in place: `$SEALPROBE_CONFORMANCE_DIR` when set (a folder holding
/// `JSONTestSuite/`), else the copy committed in `tests/data/` (MIT licence and upstream commit in
/// its `LICENSE` and `NOTE.txt`), so a clone needs nothing beside it. Whichever is used must hold
/// all [`SUITE_FILES`] files, so a missing or partial folder fails the tests with a message that
/// says where it looked.
fn suite_dir() -> PathBuf {
    const SUITE: &str = "JSONTestSuite/test_parsing";
    let conformance = std::env::var_os("SEALPROBE_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data"));
    conformance.join(SUITE)
}

/// Every file of the suite as (name, bytes), sorted by name.
fn suite() -> Vec<(String, Vec<u8>)> {
    let dir = suite_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "cannot list the JSONTestSuite folder {}: {e}; set SEALPROBE_CONFORMANCE_DIR to the \
             folder that holds JSONTestSuite/ (README, \"Tests\")",
            dir.display()
        )
    });
    let mut files: Vec<(String, Vec<u8>)> = entries
        .map(|e| {
            let e = e.expect("directory entry");
            let name = e.file_name().to_string_lossy().into_owned();
            let bytes = std::fs::read(e.path()).expect("read suite file");
            (name, bytes)
        })
        .collect();
    files.sort();
    assert_eq!(
        files.len(),
        SUITE_FILES,
        "the JSONTestSuite folder {} must hold exactly {SUITE_FILES} files",
        dir.display()
    );
    files
}

/// What NOTE.txt says the loader must do with a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Accept,
    RejectAs(JsonErrorClass),
    Reject,
}

fn expectation(name: &str) -> Expect {
    if name.starts_with("y_object_duplicated_key") {
        Expect::RejectAs(JsonErrorClass::RepeatedKey)
    } else if name.starts_with("y_") {
        Expect::Accept
    } else if name.starts_with("n_") || name.starts_with("i_") {
        Expect::Reject
    } else {
        panic!("unexpected file in the suite: {name}")
    }
}

fn accepted_suite() -> Vec<(String, Vec<u8>, Node)> {
    suite()
        .into_iter()
        .filter(|(name, _)| expectation(name) == Expect::Accept)
        .filter_map(|(name, bytes)| parse(&bytes).ok().map(|node| (name, bytes, node)))
        .collect()
}

#[test]
fn json_test_suite_expectations_hold_for_all_318_files() {
    let mut mismatches = Vec::new();
    let (mut y, mut n, mut i) = (0, 0, 0);
    for (name, bytes) in suite() {
        match &name[..2] {
            "y_" => y += 1,
            "n_" => n += 1,
            _ => i += 1,
        }
        let got = parse(&bytes);
        match (expectation(&name), &got) {
            (Expect::Accept, Ok(_)) | (Expect::Reject, Err(_)) => {}
            (Expect::RejectAs(class), Err(e)) if e.class == class => {}
            (want, Ok(_)) => mismatches.push(format!("{name}: expected {want:?}, was accepted")),
            (want, Err(e)) => mismatches.push(format!(
                "{name}: expected {want:?}, got {} at {}",
                e.class.name(),
                e.offset
            )),
        }
    }
    assert_eq!((y, n, i), (95, 188, 35), "suite composition changed");
    assert!(
        mismatches.is_empty(),
        "{} JSONTestSuite mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn every_refusal_offset_lies_within_the_document() {
    let mut bad = Vec::new();
    for (name, bytes) in suite() {
        if let Err(e) = parse(&bytes)
            && e.offset > bytes.len()
        {
            bad.push(format!(
                "{name}: offset {} > length {}",
                e.offset,
                bytes.len()
            ));
        }
    }
    assert!(bad.is_empty(), "offsets out of range:\n{}", bad.join("\n"));
}

#[test]
fn accepted_suite_documents_have_fixed_point_canonical_forms() {
    let accepted = accepted_suite();
    assert_eq!(accepted.len(), 93, "every y_ case but two is accepted");
    let mut failures = Vec::new();
    for (name, _, node) in &accepted {
        let once_file = file_form(node);
        let once_jcs = jcs(node);
        match parse(&once_file) {
            Ok(again) => {
                if file_form(&again) != once_file {
                    failures.push(format!("{name}: file form is not a fixed point"));
                }
                if jcs(&again) != once_jcs {
                    failures.push(format!("{name}: file form changes the JCS value"));
                }
            }
            Err(e) => failures.push(format!("{name}: file form refused: {e}")),
        }
        match parse(&once_jcs) {
            Ok(again) => {
                if jcs(&again) != once_jcs {
                    failures.push(format!("{name}: JCS is not a fixed point"));
                }
            }
            Err(e) => failures.push(format!("{name}: JCS form refused: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "canonical forms that are not fixed points:\n{}",
        failures.join("\n")
    );
}

/// Structural equality of two serde_json values, numbers compared as f64. serde_json (without its
/// `float_roundtrip` feature) may round a long decimal differently than the shortest spelling of
/// the same double, so floats may differ by one unit in the last place; anything more is a bug.
fn same_value(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as V;
    match (a, b) {
        (V::Number(x), V::Number(y)) => {
            let (x, y) = (x.as_f64().expect("finite"), y.as_f64().expect("finite"));
            x == y || (x.signum() == y.signum() && x.to_bits().abs_diff(y.to_bits()) <= 1)
        }
        (V::Array(x), V::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(x, y))
        }
        (V::Object(x), V::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn accepted_suite_documents_agree_with_serde_json() {
    let mut failures = Vec::new();
    for (name, bytes, node) in accepted_suite() {
        let theirs = match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{name}: serde_json refuses what we accept: {e}"));
                continue;
            }
        };
        let ours = serde_json::from_slice::<serde_json::Value>(&jcs(&node))
            .expect("serde_json reads our JCS output");
        if !same_value(&ours, &theirs) {
            failures.push(format!(
                "{name}: values differ: ours {ours} theirs {theirs}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "disagreements with serde_json:\n{}",
        failures.join("\n")
    );
}

/// Words the verify report itself may contain; a run of the input equal to one of them proves
/// nothing about echoing.
const REPORT_VOCABULARY: &[&str] = &[
    "authenticated",
    "artifacts",
    "bytes_hashed",
    "findings",
    "sealprobe",
    "seal_error",
];

/// Runs of at least 8 ASCII letters and digits in `doc`: planted as secrets for the leak scanner
/// (with the built-in token rules), so a report that holds one, in any encoding, echoes the
/// document.
fn alphanumeric_runs(doc: &[u8]) -> Vec<String> {
    let mut runs = Vec::new();
    for run in doc.split(|b| !b.is_ascii_alphanumeric()) {
        if run.len() >= 8 {
            let s = String::from_utf8(run.to_vec()).expect("ascii");
            if !REPORT_VOCABULARY.iter().any(|w| w.contains(s.as_str())) {
                runs.push(s);
            }
        }
    }
    runs
}

#[test]
fn alphanumeric_runs_finds_long_literals_only() {
    let runs = alphanumeric_runs(br#"{"short":"abc","long":"xK3mQ9zT7"} findings"#);
    assert_eq!(runs, vec!["xK3mQ9zT7".to_owned()]);
}

#[test]
fn every_suite_document_as_seal_fails_closed_without_echo() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("root");
    std::fs::create_dir(&root).expect("root folder");
    let seal_dir = suite_dir();
    let mut failures = Vec::new();
    let mut literals_checked = 0;
    for (name, bytes) in suite() {
        let out = Command::cargo_bin("sealprobe")
            .expect("binary built")
            .args(["verify", "--root"])
            .arg(&root)
            .args(["--format", "json"])
            .arg(seal_dir.join(&name))
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .expect("run sealprobe");
        let code = out.status.code();
        if code != Some(1) {
            failures.push(format!("{name}: exit {code:?}, expected 1"));
        }
        match serde_json::from_slice::<serde_json::Value>(&out.stdout) {
            Ok(report) => {
                let class = report["seal_error"]["class"].as_str().unwrap_or("");
                if !class.starts_with("seal-") {
                    failures.push(format!("{name}: seal_error is {}", report["seal_error"]));
                }
                if report["verdict"] != "fail" {
                    failures.push(format!("{name}: verdict is {}", report["verdict"]));
                }
            }
            Err(e) => failures.push(format!("{name}: stdout is not a JSON report: {e}")),
        }
        let runs = alphanumeric_runs(&bytes);
        literals_checked += runs.len();
        let planted: Vec<&str> = runs.iter().map(String::as_str).collect();
        for (which, out) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            let found = common::leaks(out, &planted);
            if !found.is_empty() {
                failures.push(format!("{name}: {which} echoes the document: {found:?}"));
            }
        }
    }
    assert!(literals_checked > 0, "no literal was checked for echoing");
    assert!(
        failures.is_empty(),
        "{} suite documents did not fail closed as a seal:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// --- targeted refusals: class and offset ----------------------------------------------------

fn refusal(doc: &[u8]) -> JsonError {
    match parse(doc) {
        Ok(_) => panic!("accepted: {:?}", String::from_utf8_lossy(doc)),
        Err(e) => e,
    }
}

fn assert_refused(doc: &[u8], class: JsonErrorClass, offset: usize) {
    let e = refusal(doc);
    assert_eq!(
        (e.class, e.offset),
        (class, offset),
        "for {:?}",
        String::from_utf8_lossy(doc)
    );
}

#[test]
fn bom_is_refused_at_offset_zero() {
    assert_refused(b"\xEF\xBB\xBF{}", JsonErrorClass::Bom, 0);
    assert_refused(b"\xEF\xBB\xBF[1]", JsonErrorClass::Bom, 0);
}

#[test]
fn utf16_input_is_refused_as_wide_encoding() {
    assert_refused(b"\xFF\xFE[\x001\x00]\x00", JsonErrorClass::WideEncoding, 0);
    assert_refused(b"[\x001\x00]\x00", JsonErrorClass::WideEncoding, 0);
}

/// Found by the json-hostile probe family: a NUL byte before a UTF-8 document matches none of the
/// UTF-16/32 patterns of RFC 4627 section 3 (00 00 00 xx, 00 xx 00 xx, xx 00 00 00, xx 00 xx 00);
/// it is not a re-encoded document but one that is not JSON.
#[test]
fn a_leading_nul_before_utf8_is_syntax_not_a_wide_encoding() {
    assert_refused(b"\x00{\"a\": 1}", JsonErrorClass::Syntax, 0);
    assert_refused(b"{\x00\"a\": 1}", JsonErrorClass::Syntax, 1);
    assert_refused(b"\x00", JsonErrorClass::Syntax, 0);
    // The four patterns, and the two-byte forms of a one-character document.
    assert_refused(b"\x00\x00\x00[", JsonErrorClass::WideEncoding, 0);
    assert_refused(b"\x00[\x00]", JsonErrorClass::WideEncoding, 0);
    assert_refused(b"[\x00\x00\x00", JsonErrorClass::WideEncoding, 0);
    assert_refused(b"1\x00", JsonErrorClass::WideEncoding, 0);
    assert_refused(b"\x001", JsonErrorClass::WideEncoding, 0);
}

/// Every pattern of NULs in the first four bytes (and in two- and three-byte documents): wide
/// exactly for the RFC 4627 patterns, a syntax error at the first NUL otherwise. The mutation run
/// found that single cases above let a changed `&&` in the pattern test go unnoticed.
#[test]
fn every_nul_pattern_of_the_first_bytes_is_classified_by_rfc_4627() {
    for len in 2..=4usize {
        // mask 0 (no NUL) is a number, accepted; every other mask has a NUL somewhere.
        for mask in 1..(1u32 << len) {
            // Bit i set: byte i is NUL; the others are `1` (never a BOM, never NUL).
            let doc: Vec<u8> = (0..len)
                .map(|i| if mask & (1 << i) != 0 { 0 } else { b'1' })
                .collect();
            let nul = |i: usize| doc[i] == 0;
            let wide = match len {
                2 | 3 => nul(0) != nul(1),
                _ => matches!(
                    (nul(0), nul(1), nul(2), nul(3)),
                    (true, true, true, false)
                        | (true, false, true, false)
                        | (false, true, true, true)
                        | (false, true, false, true)
                ),
            };
            let e = refusal(&doc);
            if wide {
                assert_eq!(
                    (e.class, e.offset),
                    (JsonErrorClass::WideEncoding, 0),
                    "{doc:?}"
                );
            } else {
                let first = doc
                    .iter()
                    .position(|&b| b == 0)
                    .expect("the mask puts a NUL");
                // Not JSON at the NUL: a syntax error, or trailing bytes after a number.
                assert!(
                    matches!(
                        e.class,
                        JsonErrorClass::Syntax | JsonErrorClass::TrailingBytes
                    ),
                    "{doc:?}: {:?}",
                    e.class
                );
                assert!(e.offset <= first, "{doc:?}: offset {}", e.offset);
            }
        }
    }
}

/// Objects past a few dozen members check repeated keys with a hash set instead of a scan: both
/// paths accept unique keys and refuse a repeat at the second occurrence (the mutation run found
/// the set's path untested).
#[test]
fn large_objects_accept_unique_keys_and_refuse_a_repeat_at_its_second_occurrence() {
    let members: Vec<String> = (0..200).map(|i| format!("\"k{i}\": {i}")).collect();
    let doc = format!("{{{}}}", members.join(", "));
    parse(doc.as_bytes()).expect("200 unique keys are accepted");
    for repeat_at in [5, 150] {
        let mut with_repeat = members.clone();
        with_repeat.insert(repeat_at, "\"k3\": 0".to_owned());
        let doc = format!("{{{}}}", with_repeat.join(", "));
        let second = doc.find("\"k3\": 0").unwrap();
        assert_refused(doc.as_bytes(), JsonErrorClass::RepeatedKey, second);
    }
}

#[test]
fn repeated_nested_key_points_at_second_key() {
    let doc = br#"{"a": {"b": 1, "c": 2, "b": 3}}"#;
    let second = doc.len() - br#""b": 3}}"#.len();
    assert_refused(doc, JsonErrorClass::RepeatedKey, second);
}

#[test]
fn repeated_key_deep_in_an_array_is_refused() {
    let doc = br#"[[{"x": [{"k": 1, "k": 1}]}]]"#;
    let second = doc.len() - br#""k": 1}]}]]"#.len();
    assert_refused(doc, JsonErrorClass::RepeatedKey, second);
}

#[test]
fn keys_equal_only_after_unescaping_are_repeated() {
    let doc = br#"{"a": 1, "\u0061": 2}"#;
    assert_refused(doc, JsonErrorClass::RepeatedKey, 9);
}

#[test]
fn lone_high_surrogate_escape_is_refused_at_the_escape() {
    assert_refused(br#"["\uD800"]"#, JsonErrorClass::LoneSurrogate, 2);
    assert_refused(br#"["ab\uD800x"]"#, JsonErrorClass::LoneSurrogate, 4);
}

#[test]
fn lone_low_surrogate_escape_is_refused_at_the_escape() {
    assert_refused(br#"["\uDC00"]"#, JsonErrorClass::LoneSurrogate, 2);
}

#[test]
fn high_surrogate_followed_by_non_low_escape_is_refused() {
    assert_refused(br#"["\uD800\u0041"]"#, JsonErrorClass::LoneSurrogate, 2);
    assert_refused(br#"["\uD800\uD800"]"#, JsonErrorClass::LoneSurrogate, 2);
}

#[test]
fn surrogate_pair_escape_is_one_character() {
    let node = parse(br#"["\uD83D\uDE00"]"#).expect("a valid pair");
    let Value::Array(items) = &node.value else {
        panic!("not an array")
    };
    assert_eq!(items[0].value, Value::String("\u{1F600}".into()));
}

fn nested_arrays(depth: usize) -> Vec<u8> {
    let mut doc = vec![b'['; depth];
    doc.extend(std::iter::repeat_n(b']', depth));
    doc
}

#[test]
fn nesting_depth_64_is_accepted_and_65_is_too_deep() {
    assert_eq!(MAX_DEPTH, 64);
    parse(&nested_arrays(64)).expect("depth 64 is accepted");
    assert_refused(&nested_arrays(65), JsonErrorClass::TooDeep, 64);
}

fn nested_objects(depth: usize) -> Vec<u8> {
    let mut doc = r#"{"k":"#.repeat(depth - 1).into_bytes();
    doc.extend_from_slice(b"{}");
    doc.extend(std::iter::repeat_n(b'}', depth - 1));
    doc
}

#[test]
fn objects_nested_64_deep_are_accepted_and_65_too_deep() {
    parse(&nested_objects(64)).expect("depth 64 is accepted");
    assert_refused(&nested_objects(65), JsonErrorClass::TooDeep, 64 * 5);
}

#[test]
fn nesting_depth_counts_objects_and_arrays_alike() {
    let mut deep = String::new();
    for _ in 0..32 {
        deep.push_str(r#"{"k":["#);
    }
    let tail = "]}".repeat(32);
    parse(format!("{deep}{tail}").as_bytes()).expect("depth 64 mixed is accepted");
    let doc = format!("{deep}[]{tail}");
    assert_refused(doc.as_bytes(), JsonErrorClass::TooDeep, deep.len());
}

#[test]
fn document_one_byte_over_custom_limit_is_too_large() {
    let doc = br#"{"abc": [1, 2, 3]}"#;
    parse_with_limit(doc, doc.len()).expect("exactly at the limit is accepted");
    let e = parse_with_limit(doc, doc.len() - 1).expect_err("one byte over the limit");
    assert_eq!(e.class, JsonErrorClass::TooLarge);
    assert_eq!(
        e.offset,
        doc.len() - 1,
        "points at the first byte past the limit"
    );
}

#[test]
fn default_limit_is_16_mib() {
    assert_eq!(strict_json::DEFAULT_SIZE_LIMIT, 16 * 1024 * 1024);
    let mut doc = vec![b' '; strict_json::DEFAULT_SIZE_LIMIT + 1];
    doc[0] = b'1';
    assert_eq!(refusal(&doc).class, JsonErrorClass::TooLarge);
}

#[test]
fn trailing_bytes_are_refused_where_they_start() {
    assert_refused(b"[1] x", JsonErrorClass::TrailingBytes, 4);
    assert_refused(b"{}{}", JsonErrorClass::TrailingBytes, 2);
    assert_refused(b"1 2", JsonErrorClass::TrailingBytes, 2);
    parse(b" [1] \n\t\r").expect("trailing whitespace is fine");
}

#[test]
fn overflowing_number_is_number_range() {
    assert_refused(b"1e400", JsonErrorClass::NumberRange, 0);
    assert_refused(b"[-1e400]", JsonErrorClass::NumberRange, 1);
}

#[test]
fn underflowing_number_is_number_range() {
    assert_refused(b"1e-400", JsonErrorClass::NumberRange, 0);
    assert_refused(b"[0, -2.5e-400]", JsonErrorClass::NumberRange, 4);
}

#[test]
fn zero_with_huge_negative_exponent_is_still_zero() {
    parse(b"[0e-400, 0.0e-999]").expect("an exact zero does not underflow");
}

#[test]
fn integer_beyond_2_pow_53_is_refused_and_2_pow_53_minus_1_accepted() {
    assert_refused(b"[9007199254740992]", JsonErrorClass::NumberRange, 1);
    assert_refused(b"[-9007199254740992]", JsonErrorClass::NumberRange, 1);
    parse(b"[9007199254740991]").expect("2^53 - 1 is exact");
    parse(b"[-9007199254740991]").expect("-(2^53 - 1) is exact");
}

#[test]
fn number_that_jcs_would_spell_as_a_big_integer_is_refused_whatever_its_spelling() {
    // JCS writes 2^53 as `9007199254740992` and 1e20 as `100000000000000000000`, both refused
    // above; accepting these values would give documents whose canonical forms do not load.
    assert_refused(b"[9.007199254740992e15]", JsonErrorClass::NumberRange, 1);
    assert_refused(b"[1e20]", JsonErrorClass::NumberRange, 1);
    assert_refused(b"[-2.5E+20]", JsonErrorClass::NumberRange, 1);
    assert_refused(b"[999999999999999900000.0]", JsonErrorClass::NumberRange, 1);
    parse(b"[999999999999999999999.0]").expect("rounds to 1e21, which JCS spells 1e+21");
    parse(b"[9.007199254740991e15]").expect("2^53 - 1 in any spelling is exact");
    assert_eq!(jcs_of("[1e21, -1e21]"), "[1e+21,-1e+21]");
}

#[test]
fn invalid_utf8_is_refused_where_it_starts() {
    assert_refused(b"[\"\xFF\"]", JsonErrorClass::NotUtf8, 2);
    // overlong '/', and an encoded surrogate U+D800
    assert_refused(b"[\"a\xC0\xAF\"]", JsonErrorClass::NotUtf8, 3);
    assert_refused(b"[\"\xED\xA0\x80\"]", JsonErrorClass::NotUtf8, 2);
    // truncated sequence at the very end
    assert_refused(b"[\"\xE2\x82", JsonErrorClass::NotUtf8, 2);
}

#[test]
fn syntax_errors_point_at_the_offending_byte() {
    assert_refused(b"", JsonErrorClass::Syntax, 0);
    assert_refused(b"[1,]", JsonErrorClass::Syntax, 3);
    assert_refused(b"{\"a\" 1}", JsonErrorClass::Syntax, 5);
    assert_refused(b"[01]", JsonErrorClass::Syntax, 2);
    assert_refused(b"[\"a\tb\"]", JsonErrorClass::Syntax, 3);
}

#[test]
fn position_locates_line_and_column() {
    let doc = b"{\n  \"a\": 1,\n  \"a\": 2\n}";
    let e = refusal(doc);
    assert_eq!(e.class, JsonErrorClass::RepeatedKey);
    let pos = strict_json::Position::locate(doc, e.offset);
    assert_eq!((pos.line, pos.column, pos.offset), (3, 3, 14));
}

// --- RFC 8785 known answers -----------------------------------------------------------------

fn jcs_of(doc: &str) -> String {
    let node = parse(doc.as_bytes()).unwrap_or_else(|e| panic!("{doc}: {e}"));
    String::from_utf8(jcs(&node)).expect("JCS is UTF-8")
}

#[test]
fn jcs_spells_numbers_as_ecmascript() {
    let cases = [
        ("1e21", "1e+21"),
        ("0.000001", "0.000001"),
        ("1e-7", "1e-7"),
        ("-0", "0"),
        ("-0.0", "0"),
        ("1.0", "1"),
        ("4.50", "4.5"),
        ("2e-3", "0.002"),
        ("1E30", "1e+30"),
        ("100", "100"),
        ("-1.5e+2", "-150"),
        ("123456789012345.6", "123456789012345.6"),
    ];
    for (input, want) in cases {
        assert_eq!(jcs_of(input), want, "JCS of {input}");
    }
}

#[test]
fn jcs_matches_rfc_8785_appendix_b_number_table() {
    // (IEEE-754 bits, expected ES6 spelling) from RFC 8785 Appendix B. The input is written with
    // Rust's shortest exponent spelling, so the output spelling is the writer's alone.
    let table: [(u64, &str); 20] = [
        (0x0000000000000000, "0"),
        (0x8000000000000000, "0"),
        (0x0000000000000001, "5e-324"),
        (0x8000000000000001, "-5e-324"),
        (0x7fefffffffffffff, "1.7976931348623157e+308"),
        (0xffefffffffffffff, "-1.7976931348623157e+308"),
        (0x44b52d02c7e14af5, "9.999999999999997e+22"),
        (0x44b52d02c7e14af6, "1e+23"),
        (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
        (0x444b1ae4d6e2ef50, "1e+21"),
        (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
        (0x3eb0c6f7a0b5ed8d, "0.000001"),
        (0x41b3de4355555553, "333333333.3333332"),
        (0x41b3de4355555554, "333333333.33333325"),
        (0x41b3de4355555555, "333333333.3333333"),
        (0x41b3de4355555556, "333333333.3333334"),
        (0x41b3de4355555557, "333333333.33333343"),
        (0xbecbf647612f3696, "-0.0000033333333333333333"),
        (0x43143ff3c1cb0959, "1424953923781206.2"),
        (0x3ff0000000000000, "1"),
    ];
    for (bits, want) in table {
        let input = format!("{:e}", f64::from_bits(bits));
        assert_eq!(jcs_of(&input), want, "JCS of {bits:#018x} (input {input})");
    }
}

#[test]
fn jcs_reproduces_rfc_8785_section_3_2_2_example() {
    let input = r#"{
  "numbers": [333333333.33333329, 1E30, 4.50,
              2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}"#;
    let want = r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#;
    assert_eq!(jcs_of(input), want);
}

#[test]
fn jcs_sorts_keys_by_utf16_code_units_as_rfc_8785_section_3_2_3() {
    let input = r#"{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}"#;
    let want = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\
                \"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\",\
                \"\u{1f600}\":\"Emoji: Grinning Face\",\
                \"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}";
    assert_eq!(jcs_of(input), want);
}

#[test]
fn jcs_puts_astral_keys_before_high_bmp_keys_but_file_form_sorts_by_bytes() {
    let input = "{\"\u{fb01}\": 3, \"\u{1f600}\": 2, \"\u{e9}\": 1}";
    assert_eq!(
        jcs_of(input),
        "{\"\u{e9}\":1,\"\u{1f600}\":2,\"\u{fb01}\":3}",
        "UTF-16: U+00E9 < U+D83D.. < U+FB01"
    );
    let node = parse(input.as_bytes()).expect("valid");
    assert_eq!(
        String::from_utf8(file_form(&node)).expect("UTF-8"),
        "{\n  \"\u{e9}\": 1,\n  \"\u{fb01}\": 3,\n  \"\u{1f600}\": 2\n}\n",
        "UTF-8 bytes: C3 A9 < EF AC 81 < F0 9F 98 80"
    );
}

#[test]
fn jcs_escapes_only_what_rfc_8785_requires() {
    assert_eq!(
        jcs_of(r#"["\u0000\u001f\u007f\u2028\/\b\f\n\r\t\"\\é"]"#),
        "[\"\\u0000\\u001f\u{7f}\u{2028}/\\b\\f\\n\\r\\t\\\"\\\\é\"]"
    );
}

#[test]
fn file_form_is_two_space_indented_sorted_with_final_lf() {
    let node = parse(br#"{"b":[1,{"d":null,"c":true}],"a":"\u00e9","e":[],"f":{}}"#).unwrap();
    assert_eq!(
        String::from_utf8(file_form(&node)).unwrap(),
        "{\n  \"a\": \"é\",\n  \"b\": [\n    1,\n    {\n      \"c\": true,\n      \"d\": null\n    }\n  ],\n  \"e\": [],\n  \"f\": {}\n}\n"
    );
}

#[test]
fn an_unknown_escape_is_refused_at_the_character_after_the_backslash() {
    for doc in [
        &b"\"\\q\""[..],
        b"[\"ab\\x\"]",
        b"{\"k\": \"\\'\"}",
        b"\"\\\\\\a\"",
    ] {
        let backslash = doc
            .windows(2)
            .rposition(|w| w[0] == b'\\' && !matches!(w[1], b'\\' | b'"'))
            .expect("the test document has an unknown escape");
        assert_refused(doc, JsonErrorClass::Syntax, backslash + 1);
    }
}

#[test]
fn a_high_surrogate_not_followed_by_a_u_escape_is_lone_at_its_own_escape() {
    for doc in [
        &b"\"\\uD800\\n\""[..],
        b"\"\\uD800\\\\\"",
        b"\"\\uD800xu0041\"",
        b"\"ab\\uDBFF\"",
    ] {
        let escape = doc
            .windows(2)
            .position(|w| w == b"\\u")
            .expect("the test document has a \\u escape");
        assert_refused(doc, JsonErrorClass::LoneSurrogate, escape);
    }
}
