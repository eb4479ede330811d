//! The `json-hostile` family (SPEC 2): the syntax attacks on every JSON input, each as a seal
//! (the seal document is hostile JSON) and most of them also as a decision packet. A loader
//! that is lenient anywhere (a BOM skipped, a repeated key resolved, a lone surrogate replaced,
//! a comment or a trailing comma tolerated, a number rounded) reads a document differently from
//! the tool that wrote or signed it.
//!
//! Expected classes, from SPEC 2, 3.3 and 5 and the README's decisions: for a seal, what is not
//! strict JSON is `seal-syntax`, except a BOM or UTF-16/32 (`seal-noncanonical`: a re-encoded
//! seal) and a repeated key or a number out of range (`seal-schema`); strict JSON that is not
//! the canonical file form is `seal-noncanonical`. For a packet, anything that is not strict
//! JSON (BOM, UTF-16/32 and repeated keys included) is `packet-syntax`, and strict JSON that
//! breaks the schema is `packet-schema`. Packets need not be canonical, so escapes, key order
//! and whitespace are controls.

use std::collections::BTreeMap;

use super::ProbeFamily;
use super::text;
use crate::decide::ReasonClass;
use crate::probe::case::{Class, Family};
use crate::probe::draft::{
    Cases, Draft, LATER, Seeded, honest_seal, mint, probe_key, probe_key_bytes,
};
use crate::probe::seal_doc::Miss;
use crate::seal::SealErrorClass;

pub struct JsonHostile;

// --- byte and text helpers ---------------------------------------------------------------------

/// `doc` with the first `from` replaced by `to` (unchanged when `from` is absent).
fn sub(doc: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    text::replace_first(doc, from, to).unwrap_or_else(|| doc.to_vec())
}

/// The document re-encoded as UTF-16 or UTF-32, little or big endian, with or without a BOM.
fn wide(doc: &[u8], width: usize, little: bool, bom: bool) -> Vec<u8> {
    text::wide(&String::from_utf8_lossy(doc), width, little, bom)
}

/// Inserts `text` before the first `anchor`.
fn before(doc: &[u8], anchor: &[u8], text: &[u8]) -> Vec<u8> {
    sub(doc, anchor, &[text, anchor].concat())
}

/// No whitespace between tokens (the documents here hold no string with `": ` or `, `).
fn minify(doc: &str) -> String {
    doc.split('\n')
        .map(str::trim_start)
        .collect::<String>()
        .replace("\": ", "\":")
        .replace(", ", ",")
}

/// `n` nested arrays around `inner`.
fn nested(n: usize, inner: &str) -> String {
    format!("{}{inner}{}", "[".repeat(n), "]".repeat(n))
}

/// An object of `n` unknown members `"k0": 0, …` followed by `tail` members.
fn wide_object(n: usize, tail: &str) -> String {
    let members: Vec<String> = (0..n).map(|i| format!("\"k{i}\": {i}")).collect();
    format!("{{{}{tail}}}", members.join(", "))
}

// --- seal fixture ------------------------------------------------------------------------------

const NOTES: &str = "notes.txt";
const NAIVE: &str = "docs/na\u{ef}ve-\u{65e5}\u{672c}.md";
const ROCKET: &str = "docs/emoji-\u{1f680}.txt";
const CONFIG: &str = "config/release.json";

struct SealFixture {
    files: BTreeMap<String, Vec<u8>>,
    notes_bytes: String,
}

impl SealFixture {
    fn new(word: &str) -> SealFixture {
        let notes = format!("notes {word}\n").into_bytes();
        let notes_bytes = notes.len().to_string();
        let files = [
            (
                CONFIG,
                format!("{{\"release\": \"{word}\", \"caf\\u00e9\": [1, 2.5, true]}}\n")
                    .into_bytes(),
            ),
            (NAIVE, format!("na\u{ef}ve {word}\n").into_bytes()),
            (ROCKET, format!("\u{1f680} launch {word}\n").into_bytes()),
            (NOTES, notes),
        ]
        .into_iter()
        .map(|(p, b)| (p.to_owned(), b))
        .collect();
        SealFixture { files, notes_bytes }
    }

    fn on(&self, mut d: Draft) -> Draft {
        for (p, b) in &self.files {
            d = d.file(p, b.clone());
        }
        d.complete("docs")
    }

    /// The MAC of the fixture's keyed seal (a canary of keyed cases whose seal no longer parses).
    fn mac(&self) -> String {
        let seal =
            honest_seal(&self.files, &["docs".to_owned()], Some(&probe_key())).unwrap_or_default();
        let seal = String::from_utf8_lossy(&seal);
        let key = "\"mac\": \"";
        seal.find(key)
            .and_then(|i| {
                let rest = &seal[i + key.len()..];
                rest.find('"').map(|j| rest[..j].to_owned())
            })
            .unwrap_or_default()
    }
}

fn path_member(path: &str) -> Vec<u8> {
    format!("\"path\": \"{path}\"").into_bytes()
}

// --- packet fixture ----------------------------------------------------------------------------

/// A production grant body (SPEC 6.1's token shapes), used as a field name.
const TOKEN_SHAPED_KEY: &str = "cutover.0123456789abcdef.1900000000.cGFja2V0LWpzb24taG9zdGlsZQ";

const SELECTED: &str = "AUTHORIZE_PRODUCTION_DRYRUN_ONLY";

/// A packet with three blockers, two grants and three options, `@GRANTS@` where the grants go
/// and `@NAME@` where the packet's name goes (as written, escapes allowed).
const TEMPLATE: &str = r#"{
  "blockers": [
    {"id": "FIX7-P0-OPERATOR-INPUT-1", "status": "CLOSED"},
    {"id": "FIX7-P1-DOCS-2", "status": "CLOSED"},
    {"id": "FIX7-P2-CUTOVER-3", "status": "OPEN"}
  ],
  "default": "HOLD_PRODUCTION",
  "format": "sealprobe-decision/1",
  "grants": @GRANTS@,
  "options": [
    {"id": "HOLD_PRODUCTION", "requires_closed": [], "requires_grants": []},
    {"id": "AUTHORIZE_PRODUCTION_DRYRUN_ONLY", "requires_closed": ["FIX7-P0-OPERATOR-INPUT-1", "FIX7-P1-DOCS-2"], "requires_grants": ["dryrun", "realrun-precheck"]},
    {"id": "AUTHORIZE_CUTOVER", "requires_closed": ["FIX7-P2-CUTOVER-3"], "requires_grants": ["cutover"]}
  ],
  "packet": "@NAME@",
  "selected": ["AUTHORIZE_PRODUCTION_DRYRUN_ONLY"]
}
"#;

/// A packet document with real grants for its two required actions, and the tokens.
fn signed(template: &str) -> (Vec<u8>, Vec<String>) {
    let bare = template.replace("@GRANTS@", "[]");
    let tokens: Vec<String> = ["dryrun", "realrun-precheck"]
        .iter()
        .map(|a| mint(&probe_key(), a, bare.as_bytes(), LATER).unwrap_or_default())
        .collect();
    let grants = format!(
        "[\n    {{\"action\": \"dryrun\", \"token\": \"{}\"}},\n    {{\"action\": \"realrun-precheck\", \"token\": \"{}\"}}\n  ]",
        tokens[0], tokens[1]
    );
    (template.replace("@GRANTS@", &grants).into_bytes(), tokens)
}

struct PacketFixture {
    name: String,
    doc: Vec<u8>,
    tokens: Vec<String>,
}

impl PacketFixture {
    fn new(name: &str) -> PacketFixture {
        let (doc, tokens) = signed(&TEMPLATE.replace("@NAME@", name));
        PacketFixture {
            name: name.to_owned(),
            doc,
            tokens,
        }
    }

    /// A packet case over `doc` (the key handed over, the tokens planted as canaries).
    fn case(&self, name: &str, why: &str, doc: Vec<u8>) -> Draft {
        let mut d = Draft::packet(name, why, doc).key(probe_key_bytes());
        for t in &self.tokens {
            d = d.canary(t.clone());
        }
        d
    }

    /// The `"packet": "<name>"` member as written.
    fn name_member(&self) -> Vec<u8> {
        format!("\"packet\": \"{}\"", self.name).into_bytes()
    }

    /// The doc with the packet's name replaced by `value` (raw bytes, inside the quotes).
    fn with_name(&self, value: &[u8]) -> Vec<u8> {
        sub(
            &self.doc,
            &self.name_member(),
            &[b"\"packet\": \"".as_slice(), value, b"\""].concat(),
        )
    }

    /// The doc with the value of `packet` replaced by `value` (raw JSON).
    fn with_name_value(&self, value: &[u8]) -> Vec<u8> {
        sub(
            &self.doc,
            &self.name_member(),
            &[b"\"packet\": ".as_slice(), value].concat(),
        )
    }
}

impl ProbeFamily for JsonHostile {
    fn family(&self) -> Family {
        Family::JsonHostile
    }

    fn draw(&self, cases: &mut Cases, rng: &mut Seeded) {
        let word = rng.word(10);
        let fx = SealFixture::new(&word);
        let pk = PacketFixture::new(&format!("FIX7-P0-2026-06-12-{word}"));
        seal_cases(cases, rng, &fx);
        packet_cases(cases, rng, &pk);
        seal_controls(cases, &fx, &word);
        packet_controls(cases, &word);
    }
}

// --- seals -------------------------------------------------------------------------------------

/// A seal edit on bytes: these cases are about JSON text no JSON value describes (bytes that
/// are not UTF-8, comments, repeated keys spelled apart), so they edit the canonical seal's bytes.
type Edit = Box<dyn FnOnce(Vec<u8>) -> Result<Vec<u8>, Miss>>;

/// An edit that always applies (a prefix, a suffix, a re-encoding).
fn e(f: impl FnOnce(Vec<u8>) -> Vec<u8> + 'static) -> Edit {
    Box::new(move |h| Ok(f(h)))
}

/// An edit that can find nothing to change: then it is a problem of the family.
fn t(f: impl FnOnce(Vec<u8>) -> Result<Vec<u8>, Miss> + 'static) -> Edit {
    Box::new(f)
}

fn seal_cases(cases: &mut Cases, rng: &mut Seeded, fx: &SealFixture) {
    let syntax = Class::Seal(SealErrorClass::Syntax);
    let schema = Class::Seal(SealErrorClass::Schema);
    let noncanonical = Class::Seal(SealErrorClass::NonCanonical);
    let notes = path_member(NOTES);
    let bytes_member = format!(
        "\"bytes\": {},\n      \"path\": \"{NOTES}\"",
        fx.notes_bytes
    );
    // Replaces the path "notes.txt" with `raw` (bytes inside the quotes).
    let in_path = |raw: &[u8]| -> Edit {
        let notes = notes.clone();
        let to = [b"\"path\": \"".as_slice(), raw, b"\""].concat();
        t(move |h: Vec<u8>| text::replace_in_seal(&h, &notes, &to))
    };
    // Replaces the `bytes` value of notes.txt with `raw` JSON.
    let in_bytes = |raw: &str| -> Edit {
        let from = bytes_member.clone().into_bytes();
        let to = format!("\"bytes\": {raw},\n      \"path\": \"{NOTES}\"").into_bytes();
        t(move |h: Vec<u8>| text::replace_in_seal(&h, &from, &to))
    };
    // Inserts a member before the notes.txt `path`.
    let member = |raw: &[u8]| -> Edit {
        let notes = notes.clone();
        let text = [raw, b",\n      ".as_slice()].concat();
        t(move |h: Vec<u8>| text::replace_in_seal(&h, &notes, [text.as_slice(), &notes].concat()))
    };
    let whole = |doc: Vec<u8>| -> Edit { e(move |_| doc) };
    let rocket_to = |to: Vec<u8>| -> Edit {
        t(move |h: Vec<u8>| text::replace_in_seal(&h, "\u{1f680}".as_bytes(), &to))
    };
    let depth_cut = rng.between(2, 30);
    let mac = fx.mac();

    let table: Vec<(&str, &str, Edit, Class)> = vec![
        // Encodings.
        (
            "seal-not-utf8-byte",
            "a 0xFF byte in a path: a lossy decoder turns it into U+FFFD and checks another name",
            in_path(b"notes\xFF.txt"),
            syntax,
        ),
        (
            "seal-latin1-byte",
            "a Latin-1 `\u{e9}` (one byte 0xE9) in a path: a reader that falls back to Latin-1 accepts it",
            in_path(b"notes\xE9.txt"),
            syntax,
        ),
        (
            "seal-lone-continuation-byte",
            "a lone UTF-8 continuation byte (0x80) in a path: a lossy decoder replaces it and checks another name",
            in_path(b"notes\x80.txt"),
            syntax,
        ),
        (
            "seal-truncated-utf8-sequence",
            "a truncated UTF-8 sequence (the first byte of three, then ASCII) in a path: a lossy decoder replaces it",
            in_path(b"notes\xE6.txt"),
            syntax,
        ),
        (
            "seal-overlong-slash",
            "an overlong `/` (C0 AF) in a path: a decoder that accepts overlong forms sees `../`",
            in_path(b"..\xC0\xAFsecret.txt"),
            syntax,
        ),
        (
            "seal-overlong-three-byte-dot",
            "an overlong `.` (E0 80 AE) in a path: a decoder that accepts overlong forms sees `../`",
            in_path(b"\xE0\x80\xAE\xE0\x80\xAE/secret.txt"),
            syntax,
        ),
        (
            "seal-overlong-nul",
            "an overlong NUL (C0 80, modified UTF-8) in a path: C APIs that decode it cut the name",
            in_path(b"notes\xC0\x80.txt"),
            syntax,
        ),
        (
            "seal-utf8-encoded-surrogate",
            "a UTF-8-encoded surrogate (ED A0 80) in a path: WTF-8, not UTF-8; a lossy decoder replaces it and opens another name",
            in_path(b"notes\xED\xA0\x80.txt"),
            syntax,
        ),
        (
            "seal-cesu8-pair",
            "the rocket of a path written as CESU-8 (two encoded surrogates) instead of one four-byte sequence",
            rocket_to(b"\xED\xA0\xBD\xED\xBA\x80".to_vec()),
            syntax,
        ),
        (
            "seal-beyond-unicode",
            "a four-byte sequence beyond U+10FFFF (F4 90 80 80) in a path: a decoder that only checks the byte pattern accepts a code point that does not exist",
            in_path(b"notes\xF4\x90\x80\x80.txt"),
            syntax,
        ),
        (
            "seal-five-byte-sequence",
            "a five-byte sequence (F8 88 80 80 80), legal only in the old UTF-8 of RFC 2279",
            in_path(b"notes\xF8\x88\x80\x80\x80.txt"),
            syntax,
        ),
        (
            "seal-leading-nul",
            "a NUL byte before the seal: not UTF-16 or UTF-32 (the rest is UTF-8), so not a re-encoded seal but one that is not JSON",
            e(|h: Vec<u8>| [b"\0".as_slice(), &h].concat()),
            syntax,
        ),
        (
            "seal-bom",
            "a UTF-8 BOM before the seal: a re-encoded seal, whatever a BOM-skipping reader thinks",
            e(|h: Vec<u8>| [b"\xEF\xBB\xBF".as_slice(), &h].concat()),
            noncanonical,
        ),
        (
            "seal-utf16le-with-bom",
            "the seal as UTF-16LE with a BOM (what Windows tools write): a reader that decodes by BOM sees the canonical text, the bytes are not",
            e(|h: Vec<u8>| wide(&h, 2, true, true)),
            noncanonical,
        ),
        (
            "seal-utf16be-with-bom",
            "the seal as UTF-16BE with a BOM: a reader that decodes by BOM sees the canonical text, the bytes are not",
            e(|h: Vec<u8>| wide(&h, 2, false, true)),
            noncanonical,
        ),
        (
            "seal-utf16le-without-bom",
            "the seal as UTF-16LE without a BOM (every other byte is NUL): a reader that sniffs the encoding accepts a re-encoded seal",
            e(|h: Vec<u8>| wide(&h, 2, true, false)),
            noncanonical,
        ),
        (
            "seal-utf16be-without-bom",
            "the seal as UTF-16BE without a BOM: a reader that sniffs the encoding sees the canonical text, the bytes are not",
            e(|h: Vec<u8>| wide(&h, 2, false, false)),
            noncanonical,
        ),
        (
            "seal-utf32le-with-bom",
            "the seal as UTF-32LE with a BOM (FF FE 00 00, which starts like UTF-16LE): a reader that decodes it accepts a re-encoded seal",
            e(|h: Vec<u8>| wide(&h, 4, true, true)),
            noncanonical,
        ),
        (
            "seal-utf32be-with-bom",
            "the seal as UTF-32BE with a BOM: a reader that decodes by BOM accepts a re-encoded seal",
            e(|h: Vec<u8>| wide(&h, 4, false, true)),
            noncanonical,
        ),
        (
            "seal-utf32le-without-bom",
            "the seal as UTF-32LE without a BOM: a reader that sniffs the encoding accepts a re-encoded seal",
            e(|h: Vec<u8>| wide(&h, 4, true, false)),
            noncanonical,
        ),
        (
            "seal-utf32be-without-bom",
            "the seal as UTF-32BE without a BOM: a reader that sniffs the encoding accepts a re-encoded seal",
            e(|h: Vec<u8>| wide(&h, 4, false, false)),
            noncanonical,
        ),
        // After the document.
        (
            "seal-trailing-garbage",
            "a word after the seal's closing brace: a reader that stops after one value ignores it",
            e(|h: Vec<u8>| [h.as_slice(), b"sealed\n"].concat()),
            syntax,
        ),
        (
            "seal-second-document",
            "a second seal document after the first: a streaming reader may take either",
            e(|h: Vec<u8>| [h.as_slice(), &h].concat()),
            syntax,
        ),
        (
            "seal-second-document-empty-object",
            "`{}` after the seal: a reader that stops after one value ignores the second document",
            e(|h: Vec<u8>| [h.as_slice(), b"{}\n"].concat()),
            syntax,
        ),
        (
            "seal-trailing-nul",
            "a NUL byte after the seal: a C-string reader stops before it and never sees the trailing byte",
            e(|h: Vec<u8>| [h.as_slice(), b"\0"].concat()),
            syntax,
        ),
        (
            "seal-trailing-comma-after-document",
            "a comma after the closing brace: a reader that stops after one value ignores it",
            t(|h: Vec<u8>| text::replace_in_seal(&h, b"\n}\n", b"\n},\n")),
            syntax,
        ),
        (
            "seal-trailing-comment",
            "a `//` comment after the document (JSONTestSuite n_object_trailing_comment_slash_open)",
            e(|h: Vec<u8>| [h.as_slice(), b"//"].concat()),
            syntax,
        ),
        (
            "seal-trailing-whitespace",
            "blank space after the document: valid JSON, but not the canonical file form",
            e(|h: Vec<u8>| [h.as_slice(), b"  \n"].concat()),
            noncanonical,
        ),
        // Repeated keys.
        (
            "seal-repeated-top-level-key",
            "`complete` twice at the top: one copy declares the folder complete, a last-wins parser sees the other",
            t(|h: Vec<u8>| {
                text::replace_in_seal(
                    &h,
                    b"  \"complete\": [",
                    b"  \"complete\": [],\n  \"complete\": [",
                )
            }),
            schema,
        ),
        (
            "seal-repeated-key-in-entry",
            "`path` twice in an entry (depth 3): a last-wins parser checks docs/other.txt, a first-wins one the sealed file",
            member(b"\"path\": \"docs/other.txt\""),
            schema,
        ),
        (
            "seal-repeated-key-in-text-layer",
            "`lf_sha256` twice in a text layer (depth 4): a parser that checks repeats only near the top accepts it",
            t(|h: Vec<u8>| {
                text::replace_in_seal(
                    &h,
                    b"\"lf_sha256\": ",
                    b"\"lf_sha256\": \"00\",\n        \"lf_sha256\": ",
                )
            }),
            schema,
        ),
        (
            "seal-repeated-key-escaped-spelling",
            "a second `path` key spelled `p\\u0061th`: equal after decoding, so a parser that compares raw key bytes misses the repeat",
            member(b"\"p\\u0061th\": \"docs/other.txt\""),
            schema,
        ),
        (
            "seal-repeated-top-level-key-escaped",
            "a second `format` spelled `\\u0066ormat`, naming another version: a parser that compares raw key bytes misses the repeat",
            t(|h: Vec<u8>| {
                text::replace_in_seal(
                    &h,
                    b"  \"format\": ",
                    b"  \"\\u0066ormat\": \"sealprobe-seal/2\",\n  \"format\": ",
                )
            }),
            schema,
        ),
        (
            "seal-repeated-key-in-large-object",
            "a key repeated at the end of a 40-member object, past where small-object scans stop",
            member(format!("\"extra\": {}", wide_object(40, ", \"k3\": 3")).as_bytes()),
            schema,
        ),
        // Surrogate escapes.
        (
            "seal-lone-high-surrogate",
            "a lone high surrogate escape (`\\ud83d`) in a path: decoders replace it with U+FFFD or keep WTF-16",
            in_path(b"notes\\ud83d.txt"),
            syntax,
        ),
        (
            "seal-lone-low-surrogate",
            "a lone low surrogate escape (`\\ude80`) in a path: a decoder that keeps it (WTF-16) or replaces it opens another name",
            in_path(b"notes\\ude80.txt"),
            syntax,
        ),
        (
            "seal-high-surrogate-then-ascii-escape",
            "a high surrogate followed by an escape that is not a low surrogate (`\\ud83d\\u0041`)",
            in_path(b"notes\\ud83d\\u0041.txt"),
            syntax,
        ),
        (
            "seal-inverted-surrogates",
            "a low surrogate escape before a high one (`\\ude80\\ud83d`): a decoder that pairs surrogates in either order reads an emoji",
            in_path(b"notes\\ude80\\ud83d.txt"),
            syntax,
        ),
        (
            "seal-high-surrogate-at-end-of-string",
            "a high surrogate escape as the last character of a path: a decoder that does not look past the string's end keeps half a pair",
            in_path(b"notes.txt\\ud83d"),
            syntax,
        ),
        (
            "seal-lone-surrogate-in-key",
            "a lone surrogate escape in an object key: a loader that checks surrogates in values only accepts it",
            member(b"\"\\udc00\": true"),
            syntax,
        ),
        (
            "seal-escaped-surrogate-pair",
            "the rocket of a path written as a valid surrogate-pair escape: the same value, so only canonical form can refuse it",
            rocket_to(b"\\ud83d\\ude80".to_vec()),
            noncanonical,
        ),
        // Nesting.
        (
            "seal-nesting-65",
            "an entry's length nested to depth 65, one level past the limit of 64: an off-by-one depth check accepts it",
            in_bytes(&nested(62, "1")),
            syntax,
        ),
        (
            "seal-nesting-64",
            "an entry's length nested to depth 64: within the nesting limit, so the loader reads it and the schema refuses it",
            in_bytes(&nested(61, "1")),
            schema,
        ),
        (
            "seal-nesting-100000-arrays",
            "100000 open brackets: a recursive parser without a depth limit overflows its stack",
            whole(vec![b'['; 100_000]),
            syntax,
        ),
        (
            "seal-nesting-deep-objects",
            "objects nested 20000 deep inside an entry: a recursive parser without a depth limit overflows its stack and crashes",
            in_bytes(&format!(
                "{}1{}",
                "{\"a\": ".repeat(20_000),
                "}".repeat(20_000)
            )),
            syntax,
        ),
        (
            "seal-nesting-deep-unclosed",
            "nesting past the limit, never closed, at a seeded depth inside an unknown field",
            member(format!("\"deep\": {}", "[{\"a\": ".repeat(40 + depth_cut)).as_bytes()),
            syntax,
        ),
        // Numbers.
        (
            "seal-number-overflow",
            "a length of 1e400: a double overflows to infinity, an endless read budget",
            in_bytes("1e400"),
            schema,
        ),
        (
            "seal-number-negative-overflow",
            "a length of -1e400: overflows a double to minus infinity",
            in_bytes("-1e400"),
            schema,
        ),
        (
            "seal-number-underflow",
            "a length of 1e-400: a non-zero literal that underflows to zero, so a lenient parser checks an empty file",
            in_bytes("1e-400"),
            schema,
        ),
        (
            "seal-number-beyond-2-pow-53",
            "a length of 2^53 + 1: a double rounds it to 2^53, so two parsers read two lengths",
            in_bytes("9007199254740993"),
            schema,
        ),
        (
            "seal-number-overflow-in-unknown-field",
            "an unknown field holding 1e999: a number no double holds, refused even where the field is unknown",
            member(b"\"size\": 1e999"),
            schema,
        ),
        (
            "seal-number-nan",
            "a length of NaN: not JSON, and every comparison with NaN is false, so a length check never fails",
            in_bytes("NaN"),
            syntax,
        ),
        (
            "seal-number-infinity",
            "a length of Infinity: not JSON, and an endless read budget for a validator that accepts it",
            in_bytes("Infinity"),
            syntax,
        ),
        (
            "seal-number-minus-infinity",
            "a length of -Infinity (JSONTestSuite n_number_minus_infinity): not JSON",
            in_bytes("-Infinity"),
            syntax,
        ),
        (
            "seal-number-hex",
            "a length of 0x1F: hex numbers are not JSON, a JavaScript-style parser reads 31",
            in_bytes("0x1F"),
            syntax,
        ),
        (
            "seal-number-leading-dot",
            "a length of .5: not JSON, a lenient number parser reads 0.5",
            in_bytes(".5"),
            syntax,
        ),
        // Other syntax.
        (
            "seal-line-comment",
            "a `//` comment line inside the seal: JSON5 and JSONC readers skip it, the seal is not JSON",
            member(b"// sealed by hand\n      \"x\": 1"),
            syntax,
        ),
        (
            "seal-block-comment",
            "a `/* */` comment inside the seal: a JSONC loader skips it, the seal is not JSON",
            t(|h: Vec<u8>| text::replace_in_seal(&h, b"  \"format\"", b"  /* v1 */ \"format\"")),
            syntax,
        ),
        (
            "seal-hash-comment",
            "a `#` comment line before the seal: a YAML or shell-style reader skips it, the seal is not JSON",
            e(|h: Vec<u8>| [b"# seal\n".as_slice(), &h].concat()),
            syntax,
        ),
        (
            "seal-single-quoted-string",
            "a single-quoted string (`'sealprobe-seal/1'`): not JSON, a JavaScript-style parser accepts it",
            t(|h: Vec<u8>| {
                text::replace_in_seal(&h, b"\"sealprobe-seal/1\"", b"'sealprobe-seal/1'")
            }),
            syntax,
        ),
        (
            "seal-single-quoted-key",
            "a single-quoted key (`'format'`): not JSON, a JavaScript-style parser accepts it",
            t(|h: Vec<u8>| text::replace_in_seal(&h, b"\"format\":", b"'format':")),
            syntax,
        ),
        (
            "seal-unquoted-key",
            "an unquoted key (`format:`): not JSON, a JavaScript-style parser accepts it",
            t(|h: Vec<u8>| text::replace_in_seal(&h, b"\"format\":", b"format:")),
            syntax,
        ),
        (
            "seal-trailing-comma-in-array",
            "a trailing comma in the complete list: a forgiving parser drops it",
            t(|h: Vec<u8>| text::replace_in_seal(&h, b"\"docs\"\n  ]", b"\"docs\",\n  ]")),
            syntax,
        ),
        (
            "seal-trailing-comma-in-object",
            "a trailing comma after the last member of an object: a forgiving parser drops it",
            t(|h: Vec<u8>| text::replace_in_seal(&h, b"\"\n      }", b"\",\n      }")),
            syntax,
        ),
        (
            "seal-missing-comma",
            "two members without a comma between them: a forgiving parser inserts the comma",
            t(|h: Vec<u8>| text::replace_in_seal(&h, b"],\n  \"format\"", b"]\n  \"format\"")),
            syntax,
        ),
        (
            "seal-missing-colon",
            "a key without a colon (JSONTestSuite n_object_missing_colon): a forgiving parser inserts it",
            t(|h: Vec<u8>| text::replace_in_seal(&h, b"\"format\": ", b"\"format\" ")),
            syntax,
        ),
        (
            "seal-double-colon",
            "a key with two colons (JSONTestSuite n_object_double_colon): a forgiving tokenizer skips one",
            t(|h: Vec<u8>| text::replace_in_seal(&h, b"\"format\": ", b"\"format\":: ")),
            syntax,
        ),
        (
            "seal-raw-tab-in-string",
            "a raw tab inside a path string: control characters must be escaped in JSON, a lenient parser accepts it",
            in_path(b"notes\t.txt"),
            syntax,
        ),
        (
            "seal-raw-newline-in-string",
            "a raw newline inside a path string: control characters must be escaped in JSON, a lenient parser accepts it",
            in_path(b"notes\n.txt"),
            syntax,
        ),
        (
            "seal-raw-nul-in-string",
            "a raw NUL inside a path string: a C-string reader cuts the name there",
            in_path(b"notes\0.txt"),
            syntax,
        ),
        (
            "seal-raw-nul-between-tokens",
            "a NUL between two tokens (JSONTestSuite n_structure_null-byte-outside-string)",
            t(|h: Vec<u8>| text::replace_in_seal(&h, b"\"format\": ", b"\"format\":\0")),
            syntax,
        ),
        (
            "seal-invalid-escape-x",
            "an `\\x6e` escape in a path (JSONTestSuite n_string_escape_x): not a JSON escape, a lenient decoder reads `n`",
            in_path(b"\\x6eotes.txt"),
            syntax,
        ),
        (
            "seal-capital-u-escape",
            "a `\\U006e` escape in a path (JSONTestSuite n_string_unicode_CapitalU): not a JSON escape, a lenient decoder reads `n`",
            in_path(b"\\U006eotes.txt"),
            syntax,
        ),
        (
            "seal-short-unicode-escape",
            "a `\\u` escape with three hex digits: a lenient decoder reads what it can and goes on",
            in_path(b"notes\\u002.txt"),
            syntax,
        ),
        (
            "seal-escaped-emoji",
            "a backslash before a raw emoji in a path (JSONTestSuite n_string_escaped_emoji): a lenient decoder drops the backslash",
            rocket_to(b"\\\xF0\x9F\x9A\x80".to_vec()),
            syntax,
        ),
        (
            "seal-capitalized-false",
            "`False` for a boolean (JSONTestSuite n_structure_capitalized_True): Python-style literals are not JSON",
            t(|h: Vec<u8>| text::replace_in_seal(&h, b"\"bom\": false", b"\"bom\": False")),
            syntax,
        ),
        (
            "seal-incomplete-literal",
            "`tru` for a boolean (JSONTestSuite n_incomplete_true): a parser that matches literals by prefix accepts it",
            t(|h: Vec<u8>| {
                text::replace_in_seal(&h, b"\"final_newline\": true", b"\"final_newline\": tru")
            }),
            syntax,
        ),
        (
            "seal-nbsp-as-whitespace",
            "a no-break space (U+00A0) between tokens: not JSON whitespace, a loader that uses Unicode whitespace accepts it",
            t(|h: Vec<u8>| {
                text::replace_in_seal(&h, b"\"format\": ", "\"format\":\u{a0}".as_bytes())
            }),
            syntax,
        ),
        (
            "seal-formfeed-as-whitespace",
            "a form feed between tokens (JSONTestSuite n_structure_whitespace_formfeed): not JSON whitespace, a loader that uses C isspace accepts it",
            t(|h: Vec<u8>| text::replace_in_seal(&h, b"\"format\": ", b"\"format\":\x0c")),
            syntax,
        ),
        (
            "seal-word-joiner-as-whitespace",
            "a word joiner (U+2060) between tokens (JSONTestSuite n_structure_whitespace_U+2060_word_joiner)",
            t(|h: Vec<u8>| {
                text::replace_in_seal(&h, b"\"format\": ", "\"format\":\u{2060}".as_bytes())
            }),
            syntax,
        ),
        (
            "seal-angle-bracket-null",
            "the seal replaced by `[<null>]` (JSONTestSuite n_structure_angle_bracket_null)",
            whole(b"[<null>]".to_vec()),
            syntax,
        ),
        (
            "seal-open-array-object",
            "the seal replaced by an unclosed `[{\"\":[{\"\":` run (JSONTestSuite n_structure_open_array_object)",
            whole(b"[{\"\":".repeat(500)),
            syntax,
        ),
        (
            "seal-extra-close",
            "an extra closing bracket (JSONTestSuite n_array_extra_close): a parser that stops at the end of the first value never sees it",
            t(|h: Vec<u8>| text::replace_in_seal(&h, b"\"docs\"\n  ]", b"\"docs\"\n  ]]")),
            syntax,
        ),
        (
            "seal-lone-open-bracket",
            "the seal is a lone `[` (JSONTestSuite n_structure_lone-open-bracket): a streaming reader that sees no entry may pass",
            whole(b"[".to_vec()),
            syntax,
        ),
        // Valid JSON that is not a seal.
        (
            "seal-top-level-string",
            "the seal is the JSON string \"sealprobe-seal/1\": valid JSON with the right words and no artifacts; a validator that searches for the format string passes it",
            whole(b"\"sealprobe-seal/1\"\n".to_vec()),
            schema,
        ),
        (
            "seal-top-level-null",
            "the seal is `null`: a validator that reads null as an empty seal checks nothing and may pass",
            whole(b"null\n".to_vec()),
            schema,
        ),
        (
            "seal-empty-object",
            "the seal is `{}`: no format, no artifacts; a validator that checks what is listed checks nothing and passes",
            whole(b"{}\n".to_vec()),
            schema,
        ),
        // Two refusals of the strict loader: the first in document order is reported (README,
        // "Seal error precedence"), whatever comes after it.
        (
            "seal-lone-surrogate-after-repeated-key",
            "a repeated key, then a lone surrogate later in the seal: the loader refuses the document at its first problem, the repeated key; a validator that keeps the last copy reads on and may accept",
            t(|h: Vec<u8>| {
                let h = text::replace_in_seal(
                    &h,
                    b"  \"complete\": [",
                    b"  \"complete\": [],\n  \"complete\": [",
                )?;
                text::replace_in_seal(
                    &h,
                    b"\"format\": \"sealprobe-seal/1\"",
                    b"\"format\": \"sealprobe-seal/1\\ud800\"",
                )
            }),
            schema,
        ),
        (
            "seal-comment-after-number-overflow",
            "a length of 1e400, then a comment later in the seal: the loader refuses the document at its first problem, the number that overflows f64 (schema); a validator that reads 1e400 as infinity reads on",
            t(move |h: Vec<u8>| {
                let h = text::replace_in_seal(&h, b"\"bytes\": ", b"\"bytes\": 1e400, \"_\": ")?;
                text::replace_in_seal(&h, b"  \"format\"", b"  // v1\n  \"format\"")
            }),
            schema,
        ),
    ];
    for (i, (name, why, edit, class)) in table.into_iter().enumerate() {
        let mut d = fx.on(Draft::seal(name, why));
        // Every third seal is keyed and checked with the key: syntax comes before any MAC.
        if i % 3 == 0 {
            d = d.keyed().canary(mac.clone());
        }
        cases.add(d.try_edit_seal(edit).expect([class]));
    }
}

fn seal_controls(cases: &mut Cases, fx: &SealFixture, word: &str) {
    cases.add(
        fx.on(Draft::seal(
            "control-seal-raw-non-ascii",
            "an honest seal with non-ASCII paths written raw (accents, CJK, an emoji) must pass",
        ))
        .control(),
    );
    cases.add(
        fx.on(Draft::seal(
            "control-seal-keyed",
            "an honest keyed seal with raw non-ASCII paths, checked with its key: a validator that refuses it computes the MAC over something other than the JCS bytes",
        ))
        .keyed()
        .control(),
    );
    let hostile_files: Vec<(&str, Vec<u8>)> = vec![
        ("data/bom.json", b"\xEF\xBB\xBF{\"a\": 1}\n".to_vec()),
        ("data/comment.json", b"{\"a\": 1 /* c */}\n".to_vec()),
        ("data/deep.json", nested(200, "0").into_bytes()),
        ("data/lone-surrogate.json", b"[\"\\ud800\"]\n".to_vec()),
        ("data/nan.json", b"[NaN, Infinity]\n".to_vec()),
        ("data/overflow.json", b"[1e400]\n".to_vec()),
        (
            "data/repeated.json",
            format!("{{\"a\": \"{word}\", \"a\": 2}}\n").into_bytes(),
        ),
        ("data/utf16.json", wide(b"{\"a\": 1}\n", 2, true, true)),
        (
            "data/escapes.json",
            b"{\"caf\\u00e9\": \"\\ud83d\\ude80\", \"s\\/l\": \"\\u0000\"}\n".to_vec(),
        ),
    ];
    let mut d = Draft::seal(
        "control-sealed-files-are-hostile-json",
        "the sealed files are themselves hostile JSON (BOM, comments, depth 200, lone surrogate, NaN, repeated key, UTF-16): they are just bytes, the seal is honest and must pass",
    );
    for (p, b) in hostile_files {
        d = d.file(p, b);
    }
    cases.add(d.complete("data").signed_without_key().control());
}

// --- packets -----------------------------------------------------------------------------------

fn packet_cases(cases: &mut Cases, rng: &mut Seeded, pk: &PacketFixture) {
    let syntax = Class::Reason(ReasonClass::PacketSyntax);
    let schema = Class::Reason(ReasonClass::PacketSchema);
    let doc = pk.doc.clone();
    let name = pk.name.as_bytes().to_vec();
    let named = |raw: &[u8]| pk.with_name(&[name.as_slice(), raw].concat());
    let top = |raw: &[u8]| {
        before(
            &doc,
            b"  \"packet\": ",
            &[raw, b",\n  ".as_slice()].concat(),
        )
    };
    let selected_line = format!("\"selected\": [\"{SELECTED}\"]").into_bytes();
    let seeded_depth = rng.between(100, 400);

    let table: Vec<(&str, &str, Vec<u8>, Class)> = vec![
        // Encodings.
        (
            "packet-not-utf8-byte",
            "a 0xFF byte in the packet's name: a lossy decoder replaces it and the grant digest is computed over other text",
            named(b"\xFF"),
            syntax,
        ),
        (
            "packet-latin1-byte",
            "a Latin-1 `\u{e9}` (one byte 0xE9) in the name: a loader that falls back to Latin-1 computes the grant digest over text the signer never saw",
            named(b"caf\xE9"),
            syntax,
        ),
        (
            "packet-overlong-quote",
            "an overlong `\"` (C0 A2) in the name: a decoder that accepts it ends the string early",
            named(b"\xC0\xA2, \"x\": \"y"),
            syntax,
        ),
        (
            "packet-overlong-nul",
            "an overlong NUL (C0 80) in the name: a modified-UTF-8 decoder turns it into a NUL",
            named(b"\xC0\x80"),
            syntax,
        ),
        (
            "packet-utf8-encoded-surrogate",
            "a UTF-8-encoded surrogate (ED B0 80) in the name: WTF-8, not UTF-8; a lossy decoder replaces it and digests another name",
            named(b"\xED\xB0\x80"),
            syntax,
        ),
        (
            "packet-cesu8-pair",
            "an emoji in the name written as CESU-8 (two encoded surrogates): a Java-style modified-UTF-8 decoder accepts it",
            named(b"\xED\xA0\xBD\xED\xBA\x80"),
            syntax,
        ),
        (
            "packet-bom",
            "a UTF-8 BOM before the packet: strict JSON refuses it, whatever an editor added",
            [b"\xEF\xBB\xBF".as_slice(), &doc].concat(),
            syntax,
        ),
        (
            "packet-utf16le-with-bom",
            "the packet as UTF-16LE with a BOM: a loader that honours the BOM and decodes accepts a packet strict JSON refuses",
            wide(&doc, 2, true, true),
            syntax,
        ),
        (
            "packet-utf16be-without-bom",
            "the packet as UTF-16BE without a BOM: strict JSON is UTF-8, a loader that sniffs and decodes other encodings accepts it",
            wide(&doc, 2, false, false),
            syntax,
        ),
        (
            "packet-utf32le-with-bom",
            "the packet as UTF-32LE with a BOM (FF FE 00 00, which starts like UTF-16LE): a loader that decodes it accepts a packet strict JSON refuses",
            wide(&doc, 4, true, true),
            syntax,
        ),
        (
            "packet-utf32be-without-bom",
            "the packet as UTF-32BE without a BOM: a loader that sniffs encodings accepts it",
            wide(&doc, 4, false, false),
            syntax,
        ),
        // After the document.
        (
            "packet-trailing-garbage",
            "a word after the packet's closing brace: a reader that stops after one value ignores it",
            [doc.as_slice(), b"approved\n"].concat(),
            syntax,
        ),
        (
            "packet-second-document",
            "a second packet after the first that selects nothing: a streaming reader may take either",
            [doc.as_slice(), b"{\"selected\": []}\n"].concat(),
            syntax,
        ),
        (
            "packet-second-copy",
            "the same packet twice in one file: a reader that stops after the first value ignores what follows",
            [doc.as_slice(), &doc].concat(),
            syntax,
        ),
        (
            "packet-trailing-nul",
            "a NUL byte after the packet: a reader that stops at NUL or after one value ignores it",
            [doc.as_slice(), b"\0"].concat(),
            syntax,
        ),
        // Repeated keys: first-wins and last-wins parsers decide differently.
        (
            "packet-repeated-selected",
            "`selected` twice, once naming the held option: first-wins and last-wins parsers select different options",
            sub(
                &doc,
                &selected_line,
                &[
                    b"\"selected\": [\"HOLD_PRODUCTION\"],\n  ".as_slice(),
                    &selected_line,
                ]
                .concat(),
            ),
            syntax,
        ),
        (
            "packet-repeated-default",
            "`default` twice, the second naming an option that needs grants: first-wins and last-wins parsers fall back to different options",
            sub(
                &doc,
                b"  \"default\": ",
                b"  \"default\": \"AUTHORIZE_CUTOVER\",\n  \"default\": ",
            ),
            syntax,
        ),
        (
            "packet-repeated-requires-grants",
            "an option's `requires_grants` twice, the first empty: a first-wins parser needs no grant at all",
            sub(
                &doc,
                b"\"requires_grants\": [\"dryrun\"",
                b"\"requires_grants\": [], \"requires_grants\": [\"dryrun\"",
            ),
            syntax,
        ),
        (
            "packet-repeated-blocker-status",
            "a blocker's `status` twice, OPEN then CLOSED: a last-wins parser sees the blocker closed",
            sub(
                &doc,
                b"\"status\": \"OPEN\"",
                b"\"status\": \"OPEN\", \"status\": \"CLOSED\"",
            ),
            syntax,
        ),
        (
            "packet-repeated-grant-action",
            "a grant's `action` twice (depth 3): a parser that checks repeats only at the top accepts it",
            sub(
                &doc,
                b"{\"action\": \"dryrun\", ",
                b"{\"action\": \"cutover\", \"action\": \"dryrun\", ",
            ),
            syntax,
        ),
        (
            "packet-repeated-key-same-value",
            "`format` twice with the same value: still a repeated key, a parser that only refuses conflicting copies accepts it",
            sub(
                &doc,
                b"  \"format\": ",
                b"  \"format\": \"sealprobe-decision/1\",\n  \"format\": ",
            ),
            syntax,
        ),
        (
            "packet-repeated-key-escaped-spelling",
            "a second `selected` spelled `s\\u0065lected`: equal after decoding, so a parser that compares raw key bytes misses the repeat",
            sub(
                &doc,
                &selected_line,
                &[
                    b"\"s\\u0065lected\": [\"AUTHORIZE_CUTOVER\"],\n  ".as_slice(),
                    &selected_line,
                ]
                .concat(),
            ),
            syntax,
        ),
        (
            "packet-repeated-key-in-large-object",
            "a key repeated at the end of a 40-member blocker object: a repeat is syntax even where unknown fields would be schema",
            sub(
                &doc,
                b"{\"id\": \"FIX7-P1-DOCS-2\", \"status\": \"CLOSED\"}",
                wide_object(
                    40,
                    ", \"id\": \"FIX7-P1-DOCS-2\", \"status\": \"CLOSED\", \"k7\": 7",
                )
                .as_bytes(),
            ),
            syntax,
        ),
        // Surrogate escapes.
        (
            "packet-lone-high-surrogate",
            "a lone high surrogate escape in the name: a decoder that replaces it with U+FFFD digests another string",
            named(b"\\ud83d"),
            syntax,
        ),
        (
            "packet-lone-low-surrogate",
            "a lone low surrogate escape in the name: a decoder that keeps it (WTF-16) or replaces it reads another string",
            named(b"\\ude80x"),
            syntax,
        ),
        (
            "packet-high-surrogate-then-ascii-escape",
            "a high surrogate escape followed by `\\u0041`: a decoder that replaces the broken pair with U+FFFD reads another name",
            named(b"\\ud83d\\u0041"),
            syntax,
        ),
        (
            "packet-lone-surrogate-in-key",
            "a lone surrogate escape in a key: a loader that checks surrogates in values only accepts it",
            top(b"\"\\ud800\": 1"),
            syntax,
        ),
        // Nesting.
        (
            "packet-nesting-65",
            "the name's value nested to depth 65, one level past the limit of 64: an off-by-one depth check accepts it",
            pk.with_name_value(nested(64, "1").as_bytes()),
            syntax,
        ),
        (
            "packet-nesting-64",
            "the name's value nested to depth 64: the loader reads it and the schema refuses a list for a string",
            pk.with_name_value(nested(63, "1").as_bytes()),
            schema,
        ),
        (
            "packet-nesting-deep",
            "arrays nested a few hundred deep in the name (seeded depth): a parser without a depth limit recurses for as long as the input says",
            pk.with_name_value(nested(seeded_depth, "").as_bytes()),
            syntax,
        ),
        (
            "packet-nesting-100000-arrays",
            "100000 open brackets as the whole packet: a recursive parser without a depth limit overflows its stack and crashes",
            vec![b'['; 100_000],
            syntax,
        ),
        (
            "packet-nesting-deep-objects",
            "objects nested 20000 deep in an unknown field: a recursive parser without a depth limit crashes before it sees the schema",
            top(format!(
                "\"x\": {}1{}",
                "{\"a\": ".repeat(20_000),
                "}".repeat(20_000)
            )
            .as_bytes()),
            syntax,
        ),
        // Numbers.
        (
            "packet-number-overflow",
            "a name of 1e400: overflows a double to infinity, which a lenient parser keeps",
            pk.with_name_value(b"1e400"),
            syntax,
        ),
        (
            "packet-number-negative-overflow",
            "a name of -1e400: overflows a double to minus infinity, which a lenient parser keeps",
            pk.with_name_value(b"-1e400"),
            syntax,
        ),
        (
            "packet-number-underflow",
            "a name of 1e-400: a non-zero literal that underflows to zero, so the digest is over a value the writer did not write",
            pk.with_name_value(b"1e-400"),
            syntax,
        ),
        (
            "packet-number-2-pow-53",
            "a name of 2^53: an integer literal no double holds exactly as an integer beyond 2^53 - 1",
            pk.with_name_value(b"9007199254740992"),
            syntax,
        ),
        (
            "packet-number-below-minus-2-pow-53",
            "a name of -(2^53 + 1): a double rounds it, so two parsers read two values",
            pk.with_name_value(b"-9007199254740993"),
            syntax,
        ),
        (
            "packet-number-1e20",
            "a name of 1e20: beyond 2^53, so its JCS spelling is an integer literal that cannot be held",
            pk.with_name_value(b"1e20"),
            syntax,
        ),
        (
            "packet-number-long-integer",
            "a 40-digit integer in an unknown field: a parser that keeps it as a big integer reads another value than one that rounds",
            top(b"\"serial\": 1234567890123456789012345678901234567890"),
            syntax,
        ),
        // Other syntax.
        (
            "packet-line-comment",
            "a `//` comment in the packet: a JSONC loader skips it, strict JSON refuses the packet",
            top(b"// approved by ops\n  \"x\": 1"),
            syntax,
        ),
        (
            "packet-block-comment",
            "a `/* */` comment before the blockers list: a loader that skips comments (JSON5, JSONC) decides on a document that is not JSON",
            sub(&doc, b"\"blockers\": [", b"\"blockers\": /* none */ ["),
            syntax,
        ),
        (
            "packet-single-quoted-string",
            "a single-quoted option id in `selected`: not JSON, a JavaScript-style parser accepts it",
            sub(
                &doc,
                &selected_line,
                format!("\"selected\": ['{SELECTED}']").as_bytes(),
            ),
            syntax,
        ),
        (
            "packet-unquoted-key",
            "an unquoted key (`selected:`): not JSON, a JavaScript-style parser accepts it",
            sub(&doc, b"\"selected\":", b"selected:"),
            syntax,
        ),
        (
            "packet-nan",
            "NaN as a value: not JSON, though Python's json module accepts it",
            pk.with_name_value(b"NaN"),
            syntax,
        ),
        (
            "packet-infinity",
            "Infinity as a value: not JSON, though JavaScript-style parsers accept it",
            pk.with_name_value(b"Infinity"),
            syntax,
        ),
        (
            "packet-trailing-comma-in-array",
            "a trailing comma in `selected`: a forgiving parser drops it",
            sub(
                &doc,
                &selected_line,
                format!("\"selected\": [\"{SELECTED}\",]").as_bytes(),
            ),
            syntax,
        ),
        (
            "packet-trailing-comma-in-object",
            "a trailing comma after a blocker's last member: a forgiving parser drops it",
            sub(&doc, b"\"status\": \"OPEN\"}", b"\"status\": \"OPEN\",}"),
            syntax,
        ),
        (
            "packet-missing-comma",
            "two blockers without a comma between them: a forgiving parser inserts the comma",
            sub(&doc, b"\"CLOSED\"},\n", b"\"CLOSED\"}\n"),
            syntax,
        ),
        (
            "packet-raw-tab-in-string",
            "a raw tab in the name: control characters must be escaped in JSON strings, a lenient parser accepts it",
            named(b"\t"),
            syntax,
        ),
        (
            "packet-raw-newline-in-string",
            "a raw newline in the name: control characters must be escaped in JSON strings",
            named(b"\n"),
            syntax,
        ),
        (
            "packet-raw-nul-in-string",
            "a raw NUL in the name: a C-string reader cuts the document there",
            named(b"\0"),
            syntax,
        ),
        (
            "packet-raw-escape-in-string",
            "a raw ESC (0x1B) in the name: control characters must be escaped in JSON strings, a lenient parser passes terminal escapes on",
            named(b"\x1b[2J"),
            syntax,
        ),
        (
            "packet-invalid-escape",
            "an `\\x41` escape in the name: not a JSON escape, a lenient loader decodes it anyway",
            named(b"\\x41"),
            syntax,
        ),
        (
            "packet-escaped-apostrophe",
            "a `\\'` escape in the name: not a JSON escape, a loader that accepts JavaScript escapes reads a document that is not JSON",
            named(b"\\'"),
            syntax,
        ),
        (
            "packet-vertical-tab-as-whitespace",
            "a vertical tab between tokens (JSONTestSuite n_array_spaces_vertical_tab_formfeed)",
            sub(&doc, b"\"format\": ", b"\"format\":\x0b"),
            syntax,
        ),
        (
            "packet-nbsp-as-whitespace",
            "a no-break space (U+00A0) between tokens: not JSON whitespace, a loader that uses Unicode whitespace accepts it",
            sub(&doc, b"\"format\": ", "\"format\":\u{a0}".as_bytes()),
            syntax,
        ),
        (
            "packet-empty",
            "an empty packet file: a validator that treats no packet as no objection falls through to the selected option",
            Vec::new(),
            syntax,
        ),
        (
            "packet-whitespace-only",
            "a packet file of blank lines: no value at all, a validator that treats it as an empty object may not refuse",
            b"\n\n".to_vec(),
            syntax,
        ),
        (
            "packet-truncated",
            "the packet cut off in the middle: a streaming reader that judges what it has read so far may decide on half a packet",
            doc[..doc.len() / 2].to_vec(),
            syntax,
        ),
        (
            "packet-object-key-without-value",
            "a key with no value (JSONTestSuite n_object_missing_value): a forgiving parser reads null",
            top(b"\"x\":"),
            syntax,
        ),
        // Valid JSON, wrong schema.
        (
            "packet-unknown-field",
            "an unknown top-level field (`approved_by`): a validator that ignores it accepts fields it never checks",
            top(b"\"approved_by\": \"ops\""),
            schema,
        ),
        (
            "packet-unknown-field-token-shaped",
            "an unknown field named like a production grant body: refused for its schema, the name never printed",
            top(format!("\"{TOKEN_SHAPED_KEY}\": true").as_bytes()),
            schema,
        ),
        (
            "packet-unknown-field-in-grant",
            "an unknown `scope` in a grant: a validator that ignores it accepts a restriction it never enforces",
            sub(
                &doc,
                b"{\"action\": \"dryrun\", ",
                b"{\"scope\": \"all\", \"action\": \"dryrun\", ",
            ),
            schema,
        ),
        (
            "packet-selected-as-string",
            "`selected` as a string, not a list: a validator that iterates a string selects its characters, or wraps it",
            sub(
                &doc,
                &selected_line,
                format!("\"selected\": \"{SELECTED}\"").as_bytes(),
            ),
            schema,
        ),
        (
            "packet-name-as-number",
            "the packet's name as a number: valid JSON, wrong type; a loosely typed validator converts it",
            pk.with_name_value(b"20260612"),
            schema,
        ),
        (
            "packet-nfc-and-nfd-keys",
            "two unknown keys equal only after normalization (`caf\u{e9}` NFC and NFD): not a repeated key, but unknown fields",
            top("\"caf\u{e9}\": 1,\n  \"cafe\u{301}\": 2".as_bytes()),
            schema,
        ),
        (
            "packet-top-level-list",
            "the packet is a JSON list: a validator that looks fields up leniently finds none and may not refuse",
            b"[\"AUTHORIZE_PRODUCTION_DRYRUN_ONLY\"]\n".to_vec(),
            schema,
        ),
        (
            "packet-format-other-version",
            "the packet names `sealprobe-decision/2`: a validator that ignores the format judges a packet whose fields may mean other things",
            sub(&doc, b"sealprobe-decision/1", b"sealprobe-decision/2"),
            schema,
        ),
    ];
    for (name, why, bytes, class) in table {
        // Every hostile packet here is the honest one edited: an edit that found nothing
        // (`sub` keeps the document when it does not hold what it replaces) left it honest,
        // which is a problem of the family, not a case.
        if bytes == pk.doc {
            cases.value::<(), _>(name, Err("the packet edit changed nothing"));
            continue;
        }
        let mut d = pk.case(name, why, bytes);
        if name == "packet-unknown-field-token-shaped" {
            d = d.canary(TOKEN_SHAPED_KEY);
        }
        cases.add(d.expect([class]));
    }
}

fn packet_controls(cases: &mut Cases, word: &str) {
    let name = format!("FIX7-P0-2026-06-12-{word}");
    let plain = TEMPLATE.replace("@NAME@", &name);
    let variants: Vec<(&str, &str, String, bool)> = vec![
        (
            "control-packet",
            "an honest packet with closed blockers and valid grants, checked with the key, must pass",
            plain.clone(),
            false,
        ),
        (
            "control-packet-minified",
            "the honest packet minified onto one line: a validator that refuses it demands a canonical packet, which SPEC 5 does not",
            minify(&plain),
            false,
        ),
        (
            "control-packet-crlf-tabs",
            "the honest packet with CRLF line endings and tab indents: JSON whitespace is free",
            plain.replace('\n', "\r\n").replace("  ", "\t"),
            false,
        ),
        (
            "control-packet-escaped-e-acute",
            "a packet whose name holds `\\u00e9`: escapes are fine in packets, only seals must be canonical",
            TEMPLATE.replace("@NAME@", &format!("caf\\u00e9-{word}")),
            false,
        ),
        (
            "control-packet-surrogate-pair-escape",
            "a packet whose name holds a valid surrogate-pair escape (`\\ud83d\\ude80`): a validator that refuses it cannot tell a pair from a lone surrogate",
            TEMPLATE.replace("@NAME@", &format!("\\ud83d\\ude80-{word}")),
            false,
        ),
        (
            "control-packet-escaped-ascii-ids",
            "option ids written with escaped ASCII (`\\u0048OLD_PRODUCTION`): the ids are the decoded strings, so the packet is the same",
            plain
                .replace(
                    "\"default\": \"HOLD_PRODUCTION\"",
                    "\"default\": \"\\u0048OLD_PRODUCTION\"",
                )
                .replace(
                    &format!("\"selected\": [\"{SELECTED}\"]"),
                    "\"selected\": [\"AUTHORIZE\\u005fPRODUCTION_DRYRUN_ONLY\"]",
                ),
            false,
        ),
        (
            "control-packet-escaped-controls",
            "a packet name with escaped control characters (`\\u0000`, `\\t`, `\\n`, `\\/`): all valid JSON",
            TEMPLATE.replace("@NAME@", &format!("{word}\\u0000\\t\\n\\/\\\\\\\"")),
            false,
        ),
        (
            "control-packet-raw-del-and-c1",
            "a packet name with a raw DEL and a raw C1 control (U+0085): JSON only forbids raw U+0000 to U+001F",
            TEMPLATE.replace("@NAME@", &format!("{word}\u{7f}\u{85}")),
            false,
        ),
        (
            "control-packet-trailing-whitespace",
            "blank lines after the packet: whitespace after the value is JSON, a validator that refuses it confuses it with trailing bytes",
            format!("{plain}\n\n   \n"),
            false,
        ),
        (
            "control-packet-keys-unsorted",
            "the honest packet with its members in reverse order: a validator that refuses it treats key order as meaning, though the grant digest is over JCS",
            reverse_top_level(&plain),
            true,
        ),
    ];
    for (name, why, template, _) in variants {
        let (doc, tokens) = signed(&template);
        let mut d = Draft::packet(name, why, doc).key(probe_key_bytes());
        for t in tokens {
            d = d.canary(t);
        }
        cases.add(d.control());
    }
}

/// The template's top-level members in reverse order (one member per line, as the template is).
fn reverse_top_level(doc: &str) -> String {
    let inner = doc
        .trim_end()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim_matches('\n');
    // Members start at lines indented by exactly two spaces.
    let mut members: Vec<String> = Vec::new();
    for line in inner.split('\n') {
        if line.starts_with("  \"") || members.is_empty() {
            members.push(line.to_owned());
        } else if let Some(last) = members.last_mut() {
            last.push('\n');
            last.push_str(line);
        }
    }
    let members: Vec<String> = members
        .into_iter()
        .map(|m| m.trim_end_matches(',').to_owned())
        .rev()
        .collect();
    format!("{{\n{}\n}}\n", members.join(",\n"))
}
