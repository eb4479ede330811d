//! Properties of SPEC 8, checked with proptest on generated inputs:
//!
//! - the canonical JSON forms (file form and JCS) are fixed points, and the file form of a value
//!   reads back as the same value;
//! - the strict loader never panics, whatever the bytes;
//! - seal then verify passes, and any single-byte mutation or rename of a sealed file fails closed
//!   with at least one drift class;
//! - no rendered report contains a canary planted in drifted content or in a bad seal.
//!
//! Case counts are modest so that the file runs in well under a minute in a debug build.

mod common;

use std::path::PathBuf;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::FileFailurePersistence;
use sealprobe::report;
use sealprobe::seal::create::{SealRequest, create};
use sealprobe::seal::verify::{VerifyOptions, verify_bytes, verify_seal};
use sealprobe::seal::{Outcome, Seal};
use sealprobe::strict_json::canonical::{file_form, jcs};
use sealprobe::strict_json::{
    DEFAULT_SIZE_LIMIT, MAX_SAFE_INTEGER, Node, Value, parse, parse_with_limit,
};
use sealprobe::workspace::Workspace;

// --- generated JSON values ------------------------------------------------------------------

/// A JSON value as the generator sees it; object keys are unique, in arbitrary order.
#[derive(Debug, Clone)]
enum Gen {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Arr(Vec<Gen>),
    Obj(Vec<(String, Gen)>),
}

/// Small deterministic generator for spelling choices (escapes, whitespace, number spelling), so
/// that one value is written in many ways while proptest still shrinks and replays it.
struct Spelling(u64);

impl Spelling {
    fn next(&mut self) -> u64 {
        // xorshift64*; the state is never zero.
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn pick(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn spelling(seed: u64) -> Spelling {
    Spelling(seed | 1)
}

fn special_chars() -> Vec<char> {
    vec![
        '"',
        '\\',
        '/',
        '\n',
        '\r',
        '\t',
        '\u{8}',
        '\u{c}',
        '\u{0}',
        '\u{1f}',
        '\u{7f}',
        '\u{80}',
        'é',
        'e',
        '\u{301}',
        '\u{a0}',
        '\u{200b}',
        '\u{202e}',
        '\u{2028}',
        '\u{feff}',
        '\u{ffff}',
        '\u{fb01}',
        '\u{fb33}',
        '\u{1f600}',
        '\u{10ffff}',
        '€',
        'ß',
        'İ',
    ]
}

fn text() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        3 => any::<char>(),
        3 => prop::char::range(' ', '~'),
        2 => prop::sample::select(special_chars()),
    ];
    prop::collection::vec(ch, 0..10).prop_map(|cs| cs.into_iter().collect())
}

/// Does the loader accept `f` written in both spellings the renderer uses?
fn loader_accepts_float(f: f64) -> bool {
    parse(format!("{f:e}").as_bytes()).is_ok() && parse(format!("{f:?}").as_bytes()).is_ok()
}

fn interesting_floats() -> Vec<f64> {
    vec![
        0.0,
        -0.0,
        0.1,
        1.5,
        -2.5e-3,
        1e-7,
        1e-6,
        5e-324,
        f64::MIN_POSITIVE,
        f64::MAX,
        f64::MIN,
        333_333_333.333_333_3,
        9_007_199_254_740_991.0,
        9_007_199_254_740_992.0,
        1e20,
        -1e20,
        2f64.powi(60),
        1e21,
        1e23,
    ]
}

/// Finite doubles that the loader accepts as written (it refuses what overflows or underflows).
fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        2 => any::<u64>().prop_map(f64::from_bits),
        2 => prop::sample::select(interesting_floats()),
        1 => -1e6f64..1e6,
    ]
    .prop_filter("finite and accepted by the loader", |f| {
        f.is_finite() && loader_accepts_float(*f)
    })
}

fn leaf() -> impl Strategy<Value = Gen> {
    let safe = MAX_SAFE_INTEGER as i64;
    prop_oneof![
        Just(Gen::Null),
        any::<bool>().prop_map(Gen::Bool),
        (-safe..=safe).prop_map(Gen::Int),
        prop::sample::select(vec![0, 1, -1, safe, -safe]).prop_map(Gen::Int),
        float().prop_map(Gen::Float),
        text().prop_map(Gen::Str),
    ]
}

fn unique_keys(members: Vec<(String, Gen)>) -> Vec<(String, Gen)> {
    let mut seen = std::collections::HashSet::new();
    members
        .into_iter()
        .filter(|(k, _)| seen.insert(k.clone()))
        .collect()
}

fn value() -> impl Strategy<Value = Gen> {
    leaf().prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Gen::Arr),
            prop::collection::vec((text(), inner), 0..6).prop_map(|m| Gen::Obj(unique_keys(m))),
        ]
    })
}

fn whitespace(sp: &mut Spelling, out: &mut String) {
    for _ in 0..sp.pick(3) {
        out.push([' ', '\t', '\n', '\r'][sp.pick(4) as usize]);
    }
}

fn render_string(s: &str, sp: &mut Spelling, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        let short = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '/' => Some("\\/"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            _ => None,
        };
        let raw_allowed = c >= ' ' && c != '"' && c != '\\';
        match sp.pick(3) {
            0 if raw_allowed => out.push(c),
            1 if short.is_some() => out.push_str(short.unwrap_or_default()),
            _ => {
                let upper = sp.pick(2) == 0;
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    if upper {
                        out.push_str(&format!("\\u{unit:04X}"));
                    } else {
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
            }
        }
    }
    out.push('"');
}

/// Writes `g` as JSON text, choosing escapes, whitespace and number spellings from `sp`.
fn render(g: &Gen, sp: &mut Spelling, out: &mut String) {
    match g {
        Gen::Null => out.push_str("null"),
        Gen::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Gen::Int(i) => out.push_str(&i.to_string()),
        Gen::Float(f) => {
            if sp.pick(2) == 0 {
                out.push_str(&format!("{f:e}"));
            } else {
                out.push_str(&format!("{f:?}"));
            }
        }
        Gen::Str(s) => render_string(s, sp, out),
        Gen::Arr(items) => {
            out.push('[');
            whitespace(sp, out);
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                    whitespace(sp, out);
                }
                render(item, sp, out);
                whitespace(sp, out);
            }
            out.push(']');
        }
        Gen::Obj(members) => {
            out.push('{');
            whitespace(sp, out);
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                    whitespace(sp, out);
                }
                render_string(k, sp, out);
                whitespace(sp, out);
                out.push(':');
                whitespace(sp, out);
                render(v, sp, out);
                whitespace(sp, out);
            }
            out.push('}');
        }
    }
}

fn rendered(g: &Gen, seed: u64) -> String {
    let mut out = String::new();
    let mut sp = spelling(seed);
    whitespace(&mut sp, &mut out);
    render(g, &mut sp, &mut out);
    whitespace(&mut sp, &mut out);
    out
}

/// Is `node` the value `g` (numbers compared as doubles, so `-0` and `0` are the same)?
fn same_value(g: &Gen, node: &Node) -> bool {
    match (g, &node.value) {
        (Gen::Null, Value::Null) => true,
        (Gen::Bool(a), Value::Bool(b)) => a == b,
        (Gen::Int(a), Value::Number(n)) => *a as f64 == n.as_f64(),
        (Gen::Float(a), Value::Number(n)) => *a == n.as_f64(),
        (Gen::Str(a), Value::String(b)) => a == b,
        (Gen::Arr(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(g, n)| same_value(g, n))
        }
        (Gen::Obj(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter().all(|(k, g)| {
                    b.iter()
                        .find(|m| &m.key == k)
                        .is_some_and(|m| same_value(g, &m.value))
                })
        }
        _ => false,
    }
}

/// Are the keys of every object in `node` in strictly increasing byte order?
fn keys_sorted_by_bytes(node: &Node) -> bool {
    match &node.value {
        Value::Array(items) => items.iter().all(keys_sorted_by_bytes),
        Value::Object(members) => {
            members
                .windows(2)
                .all(|w| w[0].key.as_bytes() < w[1].key.as_bytes())
                && members.iter().all(|m| keys_sorted_by_bytes(&m.value))
        }
        _ => true,
    }
}

fn load(doc: &[u8]) -> Result<Node, TestCaseError> {
    parse(doc).map_err(|e| {
        TestCaseError::fail(format!("refused ({e}): {:?}", String::from_utf8_lossy(doc)))
    })
}

/// Both canonical forms of an accepted document are fixed points and describe the same value.
fn assert_canonical_fixed_points(node: &Node) -> Result<(), TestCaseError> {
    let ff = file_form(node);
    let digest = jcs(node);
    let from_ff = load(&ff)?;
    prop_assert_eq!(
        file_form(&from_ff),
        ff.clone(),
        "file form is not a fixed point"
    );
    prop_assert_eq!(jcs(&from_ff), digest.clone(), "file form changed the value");
    let from_jcs = load(&digest)?;
    prop_assert_eq!(jcs(&from_jcs), digest.clone(), "JCS is not a fixed point");
    prop_assert_eq!(file_form(&from_jcs), ff, "JCS changed the value");
    Ok(())
}

/// Failing cases are kept in `tests/proptest-regressions/properties.txt` (committed) and run
/// first every time.
fn persisted(cases: u32) -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/properties.txt",
        ))),
        ..ProptestConfig::with_cases(cases)
    }
}

fn quick() -> ProptestConfig {
    persisted(512)
}

fn slow() -> ProptestConfig {
    persisted(96)
}

proptest! {
    #![proptest_config(quick())]

    #[test]
    fn canonical_file_form_and_jcs_are_idempotent(g in value(), seed in any::<u64>()) {
        let doc = rendered(&g, seed);
        let node = load(doc.as_bytes())?;
        assert_canonical_fixed_points(&node)?;
    }

    #[test]
    fn file_form_of_a_value_parses_back_to_the_same_value(g in value(), seed in any::<u64>()) {
        let doc = rendered(&g, seed);
        let node = load(doc.as_bytes())?;
        prop_assert!(same_value(&g, &node), "loader misread {:?}", doc);
        let ff = file_form(&node);
        let back = load(&ff)?;
        prop_assert!(same_value(&g, &back), "file form changed the value: {:?}",
            String::from_utf8_lossy(&ff));
        prop_assert!(keys_sorted_by_bytes(&back), "file form keys are not sorted");
        prop_assert!(ff.ends_with(b"\n") && !ff.ends_with(b"\n\n"), "one final LF");
        prop_assert!(!ff.contains(&b'\r') && !ff.starts_with(b"\xEF\xBB\xBF"));
        prop_assert!(unicode_escapes_are_controls(&ff),
            "only control characters may be \\u-escaped: {:?}", String::from_utf8_lossy(&ff));
        let from_jcs = load(&jcs(&node))?;
        prop_assert!(same_value(&g, &from_jcs), "JCS changed the value");
    }

    #[test]
    fn parse_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check_any_outcome(&bytes)?;
    }

    #[test]
    fn parse_never_panics_on_json_token_soup(
        tokens in prop::collection::vec(prop::sample::select(JSON_TOKENS), 0..160),
    ) {
        let bytes: Vec<u8> = tokens.concat();
        check_any_outcome(&bytes)?;
    }

    #[test]
    fn parse_never_panics_on_mutated_documents(
        g in value(),
        seed in any::<u64>(),
        mutations in prop::collection::vec((0..4u8, any::<Index>(), any::<u8>()), 1..6),
    ) {
        let mut bytes = rendered(&g, seed).into_bytes();
        for (op, at, byte) in mutations {
            mutate(&mut bytes, op, at, byte);
        }
        check_any_outcome(&bytes)?;
    }

    #[test]
    fn parse_with_limit_refuses_exactly_what_is_over_the_limit(
        g in value(),
        seed in any::<u64>(),
        limit in 0usize..256,
    ) {
        let doc = rendered(&g, seed);
        let result = parse_with_limit(doc.as_bytes(), limit);
        if doc.len() > limit {
            let e = result.expect_err("over the limit");
            prop_assert_eq!(e.class.name(), "too-large");
        } else {
            prop_assert!(result.is_ok(), "within the limit: {:?}", doc);
        }
    }
}

/// Every `\u` escape in a canonical form is `\u00XX` for a control character XX < 0x20: the
/// canonical forms write everything else raw (or as a short escape).
fn unicode_escapes_are_controls(doc: &[u8]) -> bool {
    let mut i = 0;
    while i < doc.len() {
        if doc[i] == b'\\' {
            if doc.get(i + 1) == Some(&b'u') {
                let hex = doc.get(i + 2..i + 6).unwrap_or_default();
                let control = hex.len() == 4
                    && hex.starts_with(b"00")
                    && matches!(hex[2], b'0' | b'1')
                    && hex[3].is_ascii_hexdigit();
                if !control {
                    return false;
                }
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    true
}

/// Pieces of JSON and of hostile encodings, glued at random to reach deep parser states.
const JSON_TOKENS: &[&[u8]] = &[
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b":",
    b"\"",
    b"\\",
    b"\\u",
    b"d83d",
    b"\\ude00",
    b"dc00",
    b"0",
    b"1",
    b"-",
    b"e",
    b"E",
    b"+",
    b".",
    b"9007199254740993",
    b"1e400",
    b"1e-400",
    b"true",
    b"null",
    b"fals",
    b" ",
    b"\n",
    b"\xEF\xBB\xBF",
    b"\xC0\xAF",
    b"\xED\xA0\x80",
    b"\x00",
    b"\xF0\x9F\x98\x80",
    b"\"k\":",
    b"\"k\"",
    b"\xFF",
];

/// Whatever the bytes: no panic; a refusal points inside the document; an acceptance has
/// fixed-point canonical forms.
fn check_any_outcome(bytes: &[u8]) -> Result<(), TestCaseError> {
    match parse(bytes) {
        Ok(node) => assert_canonical_fixed_points(&node),
        Err(e) => {
            prop_assert!(e.offset <= bytes.len(), "offset {} past the end", e.offset);
            Ok(())
        }
    }
}

/// One byte-level mutation: 0 flip, 1 insert, 2 delete, 3 truncate.
fn mutate(bytes: &mut Vec<u8>, op: u8, at: Index, byte: u8) {
    let flip = byte.max(1);
    match op {
        0 if !bytes.is_empty() => {
            let i = at.index(bytes.len());
            bytes[i] ^= flip;
        }
        2 if !bytes.is_empty() => {
            bytes.remove(at.index(bytes.len()));
        }
        3 if !bytes.is_empty() => bytes.truncate(at.index(bytes.len())),
        _ => bytes.insert(at.index(bytes.len() + 1), byte),
    }
}

// --- sealed trees ---------------------------------------------------------------------------

const FILES: [&str; 3] = ["notes/a.txt", "data/b.json", "bin/c.bin"];

struct Sealed {
    ws: Workspace,
    seal: Seal,
    contents: Vec<Vec<u8>>,
}

impl Sealed {
    fn root(&self) -> PathBuf {
        self.ws.root()
    }

    fn write(&self, file: usize, bytes: &[u8]) {
        self.ws.file(FILES[file], bytes).expect("write file");
    }

    /// Verifies through the seal's canonical bytes, so loading is exercised too.
    fn verify(&self) -> Outcome {
        verify_bytes(
            &self.seal.to_file_form(),
            &self.root(),
            &VerifyOptions::default(),
        )
    }
}

/// Writes the three files under a fresh root, seals `.` and checks that the fresh seal passes.
fn seal_tree(contents: Vec<Vec<u8>>) -> Result<Sealed, TestCaseError> {
    let ws = Workspace::temporary().expect("a case workspace");
    for (name, bytes) in FILES.iter().zip(&contents) {
        ws.file(name, bytes).expect("write file");
    }
    let seal = create(&SealRequest {
        root: &ws.root(),
        paths: vec![".".into()],
        complete: vec![],
    })
    .map_err(|e| TestCaseError::fail(format!("seal refused: {e}")))?;
    prop_assert_eq!(seal.artifacts().len(), FILES.len());
    let loaded = Seal::load(&seal.to_file_form(), DEFAULT_SIZE_LIMIT)
        .map_err(|e| TestCaseError::fail(format!("own seal refused: {e}")))?;
    prop_assert_eq!(&loaded, &seal, "the seal does not load back as itself");
    let sealed = Sealed { ws, seal, contents };
    let fresh = verify_seal(&sealed.seal, &sealed.root());
    prop_assert!(fresh.passed(), "fresh seal fails: {:?}", fresh);
    prop_assert!(
        sealed.verify().passed(),
        "fresh seal fails through its bytes"
    );
    Ok(sealed)
}

fn tree_contents() -> impl Strategy<Value = Vec<Vec<u8>>> {
    (
        text(),
        value(),
        any::<u64>(),
        prop::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(|(t, g, seed, bin)| {
            vec![
                format!("title\n{t}\n").into_bytes(),
                format!("{}\n", rendered(&g, seed)).into_bytes(),
                bin,
            ]
        })
}

/// The finding for `file`, which must be the only one, with at least one drift class.
fn assert_fails_closed_on(outcome: &Outcome, file: usize) -> Result<(), TestCaseError> {
    prop_assert!(!outcome.passed(), "drift passed");
    prop_assert!(outcome.seal_error.is_none(), "{:?}", outcome.seal_error);
    prop_assert_eq!(outcome.findings.len(), 1, "{:?}", outcome.findings);
    let f = &outcome.findings[0];
    prop_assert_eq!(f.path.as_slice(), FILES[file].as_bytes());
    prop_assert!(!f.drift.is_empty(), "a finding without a drift class");
    prop_assert_eq!(outcome.summary.failed, 1);
    prop_assert_eq!(outcome.summary.passed, FILES.len() as u64 - 1);
    Ok(())
}

fn canary() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{20}"
}

/// The leak check the properties use is the real scanner: it finds any 16-character run of the
/// canary, and nothing shorter.
#[test]
fn leaked_runs_finds_every_16_char_window_of_the_canary() {
    let canary = "ABCDEFGHIJKLMNOPQRST";
    assert!(common::leaks(b"nothing here ABCDEFGHIJKLMNO", &[canary]).is_empty());
    let found = common::leaks(b"x EFGHIJKLMNOPQRST y", &[canary]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].partial);
    assert_eq!((found[0].offset, found[0].length), (2, 16));
    let whole = common::leaks(canary.as_bytes(), &[canary]);
    assert!(whole.len() == 1 && !whole[0].partial, "{whole:?}");
}

fn assert_reports_hide(outcome: &Outcome, canary: &str) -> Result<(), TestCaseError> {
    let human = report::verify::human(outcome);
    let json = report::verify::json(outcome);
    prop_assert!(!human.is_empty() && !json.is_empty());
    let leaks = common::leaks(human.as_bytes(), &[canary]);
    prop_assert!(
        leaks.is_empty(),
        "human report leaks {:?}: {}",
        leaks,
        human
    );
    let leaks = common::leaks(&json, &[canary]);
    prop_assert!(leaks.is_empty(), "JSON report leaks {:?}", leaks);
    Ok(())
}

proptest! {
    #![proptest_config(slow())]

    #[test]
    fn seal_then_verify_passes_and_one_byte_mutation_fails_closed(
        contents in tree_contents(),
        file in 0..FILES.len(),
        op in 0..3u8,
        at in any::<Index>(),
        byte in any::<u8>(),
    ) {
        let sealed = seal_tree(contents)?;
        let mut bytes = sealed.contents[file].clone();
        mutate(&mut bytes, op, at, byte);
        prop_assert_ne!(&bytes, &sealed.contents[file]);
        sealed.write(file, &bytes);
        assert_fails_closed_on(&sealed.verify(), file)?;
        // Restoring the bytes restores the verdict: the seal judges bytes, not times or inodes.
        sealed.write(file, &sealed.contents[file]);
        prop_assert!(sealed.verify().passed(), "restored bytes do not pass");
    }

    #[test]
    fn renaming_a_sealed_file_fails_closed(
        contents in tree_contents(),
        file in 0..FILES.len(),
        case_only in any::<bool>(),
    ) {
        let sealed = seal_tree(contents)?;
        let old = sealed.root().join(FILES[file]);
        let name = old.file_name().expect("name").to_string_lossy().into_owned();
        let new_name = if case_only { name.to_uppercase() } else { format!("renamed-{name}") };
        std::fs::rename(&old, old.with_file_name(new_name)).expect("rename");
        let outcome = sealed.verify();
        assert_fails_closed_on(&outcome, file)?;
        let want = if case_only { "path-unicode" } else { "missing" };
        let got: Vec<&str> = outcome.findings[0].drift.iter().map(|d| d.name()).collect();
        prop_assert_eq!(got, vec![want]);
    }

    #[test]
    fn reports_never_contain_a_canary_planted_in_drifted_content(
        canary in canary(),
        prefix in text(),
        file in 0..FILES.len(),
        op in 0..7u8,
        at in any::<Index>(),
        byte in any::<u8>(),
    ) {
        let contents = vec![
            format!("{prefix}\nsecret: {canary}\n").into_bytes(),
            format!("{{\"{canary}\": \"{canary}\", \"n\": [1, 2.5]}}\n").into_bytes(),
            [b"\x00\x01".as_slice(), canary.as_bytes(), b"\xff"].concat(),
        ];
        let sealed = seal_tree(contents)?;
        let before = &sealed.contents[file];
        let after = drifted(before, op, at, byte, &canary);
        prop_assert_ne!(&after, before);
        sealed.write(file, &after);
        let outcome = sealed.verify();
        assert_fails_closed_on(&outcome, file)?;
        assert_reports_hide(&outcome, &canary)?;
    }

    #[test]
    fn reports_never_contain_a_canary_planted_in_a_bad_seal(
        canary in canary(),
        contents in tree_contents(),
        how in 0..5u8,
    ) {
        let sealed = seal_tree(contents)?;
        let good = String::from_utf8(sealed.seal.to_file_form()).expect("UTF-8 seal");
        let digest = sealed.seal.artifacts()[0].sha256.to_hex();
        let bad = match how {
            0 => good.replacen("sealprobe-seal/1", &canary, 1),
            1 => good.replacen(&digest, &canary, 1),
            2 => good.replacen("{\n  \"artifacts\"", &format!("{{\n  \"{canary}\": 1,\n  \"artifacts\""), 1),
            3 => good.replacen("\n  \"format\"", &format!("\n  \"format\": \"{canary}\",\n  \"format\""), 1),
            _ => good.replacen("[\n", &format!("[\n    \"{canary}\" ,\n"), 1),
        };
        prop_assert_ne!(&bad, &good);
        prop_assert!(bad.contains(canary.as_str()));
        let outcome = verify_bytes(bad.as_bytes(), &sealed.root(), &VerifyOptions::default());
        prop_assert!(!outcome.passed());
        prop_assert!(outcome.seal_error.is_some(), "a bad seal must be a seal error");
        assert_reports_hide(&outcome, &canary)?;
    }
}

/// A drifted copy of `before`: 0–2 one-byte mutations, 3 a BOM added, 4 LF turned into CRLF,
/// 5 the file cut in half, 6 the canary alone (with the other bytes gone).
fn drifted(before: &[u8], op: u8, at: Index, byte: u8, canary: &str) -> Vec<u8> {
    let mut after = before.to_vec();
    match op {
        0..=2 => mutate(&mut after, op, at, byte),
        3 => after = [b"\xEF\xBB\xBF".as_slice(), before].concat(),
        4 => {
            after = after
                .iter()
                .flat_map(|&b| {
                    if b == b'\n' {
                        vec![b'\r', b'\n']
                    } else {
                        vec![b]
                    }
                })
                .collect();
            if after == before {
                after.extend_from_slice(b"\r\n");
            }
        }
        5 => after.truncate(before.len() / 2),
        _ => after = canary.as_bytes().to_vec(),
    }
    after
}
