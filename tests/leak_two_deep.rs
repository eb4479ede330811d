//! Secrets nested two deep in any order of any two encodings the scanner knows (issue #23
//! point 2, SPEC 6.2): base64 of UTF-16LE (PowerShell's `-EncodedCommand`), UTF-16LE of base64,
//! base64 of base64, base64 of hex, hex of hex, hex of UTF-16, `\u` of percent, percent of `\u`,
//! base64 of percent, base64 of HTML entities, and every other ordered pair.
//!
//! The encoders (`tests/common/layers.rs`) are written independently of the scanner's.

mod common;

use sealprobe::leak::{Kind, ScannerBuilder};

/// One layer, applied to every byte (the layer a tool that re-encodes a whole string adds).
const LAYERS: [&str; 9] = [
    "json",
    "utf16le",
    "utf16be",
    "base64",
    "base64url",
    "hex",
    "percent",
    "html-dec",
    "html-hex",
];

/// `text` in `layer`; `align` filler bytes before it shift it within base64's groups.
fn encode(layer: &str, text: &[u8], align: usize) -> Vec<u8> {
    common::layers::encode(layer, text, &b"xyz"[..align % 3])
}

const SECRET: &str = "sk_live_51HxQ2eZvKYlo2C0aBcDeFgHiJ";

/// The pairs the scanner misses, as `outer>inner`.
fn missed(align: usize) -> Vec<String> {
    let scanner = ScannerBuilder::new().secret(SECRET).build().unwrap();
    let id = sealprobe::leak::scan::fingerprint(SECRET.as_bytes());
    let mut missed = Vec::new();
    for outer in LAYERS {
        for inner in LAYERS {
            let nested = encode(outer, &encode(inner, SECRET.as_bytes(), align), align + 1);
            let mut text = b"2026-12-05 job output: ".to_vec();
            text.extend_from_slice(&nested);
            text.extend_from_slice(b" done\n");
            let found = scanner.scan(&text);
            if !found
                .iter()
                .any(|f| f.kind == Kind::Secret && f.id == id && !f.partial)
            {
                missed.push(format!("{outer}>{inner}"));
            }
        }
    }
    missed
}

#[test]
fn every_ordered_pair_of_encodings_is_found_whole() {
    for align in 0..3 {
        let missed = missed(align);
        assert!(
            missed.is_empty(),
            "alignment {align}: {} of {} pairs missed: {missed:?}",
            missed.len(),
            LAYERS.len() * LAYERS.len()
        );
    }
}

/// The reviewer's list, by name, so a regression names the case people meet in practice.
#[test]
fn the_reviewers_two_deep_cases_are_found() {
    let all = missed(0);
    for pair in [
        "base64>utf16le",
        "utf16le>base64",
        "base64>base64",
        "base64>hex",
        "hex>hex",
        "hex>utf16le",
        "json>percent",
        "percent>json",
        "base64>percent",
        "base64>html-dec",
    ] {
        assert!(!all.contains(&pair.to_owned()), "{pair} is missed");
    }
}

/// A second layer is found by decoding the first as a text piece; the chain still names the
/// base64 alphabet the finding's text uses, and the finding covers the encoded secret. (`?`,
/// `>` and `~` make base64 of UTF-16 write `-` and `_`.)
#[test]
fn a_two_deep_finding_names_the_outer_alphabet_and_covers_the_encoded_text() {
    const PUNCTUATED: &str = "sk_live_51Hx?Q2eZ>vKYlo~2C0aBc?>D~";
    let scanner = ScannerBuilder::new().secret(PUNCTUATED).build().unwrap();
    let mut urls = 0;
    for align in 0..3 {
        for (outer, inner) in [
            ("base64url", "utf16le"),
            ("base64", "utf16le"),
            ("base64url", "hex"),
            ("hex", "base64"),
        ] {
            let nested = encode(
                outer,
                &encode(inner, PUNCTUATED.as_bytes(), align),
                align + 1,
            );
            let mut text = b"2026-12-05 job output: ".to_vec();
            let at = text.len();
            text.extend_from_slice(&nested);
            text.extend_from_slice(b" done\n");
            let found: Vec<_> = scanner
                .scan(&text)
                .into_iter()
                .filter(|f| f.kind == Kind::Secret && !f.partial)
                .collect();
            assert_eq!(found.len(), 1, "{outer}>{inner} at {align}: {found:?}");
            let f = &found[0];
            let span = &text[f.offset..f.offset + f.length];
            let url = span.iter().any(|c| matches!(c, b'-' | b'_'));
            urls += usize::from(url && outer == "base64url");
            let named = match outer {
                "hex" => "hex",
                _ if url => "base64url",
                _ => "base64",
            };
            assert!(
                f.encoding == format!("{named}>{inner}")
                    || (inner == "base64" && f.encoding == format!("{named}>base64url")),
                "{outer}>{inner} at {align}: {}",
                f.encoding
            );
            // Inside the encoded text, and most of it (base64 groups at the edges may be cut).
            assert!(
                f.offset >= at && f.offset + f.length <= at + nested.len(),
                "{f:?}"
            );
            assert!(
                f.length * 10 >= nested.len() * 8,
                "{f:?} of {}",
                nested.len()
            );
        }
    }
    assert!(
        urls >= 3,
        "base64url's own characters were not exercised ({urls})"
    );
}

/// A partial leak two deep: 20 bytes from the middle of the secret (neither its first nor its
/// last 14 bytes) in fixed encodings and escapes inside them, found as a partial finding.
#[test]
fn a_partial_leak_two_deep_is_found_in_every_chain_of_fixed_encodings() {
    let scanner = ScannerBuilder::new().secret(SECRET).build().unwrap();
    let id = sealprobe::leak::scan::fingerprint(SECRET.as_bytes());
    let middle = &SECRET.as_bytes()[7..27];
    let mut missed = Vec::new();
    for align in 0..3 {
        for outer in ["base64", "base64url", "hex", "utf16le", "utf16be"] {
            for inner in ["base64", "hex", "utf16le", "json", "percent", "html-dec"] {
                let nested = encode(outer, &encode(inner, middle, align), align + 1);
                let mut text = b"2026-12-05 job output: ".to_vec();
                text.extend_from_slice(&nested);
                text.extend_from_slice(b" done\n");
                if !scanner
                    .scan(&text)
                    .iter()
                    .any(|f| f.kind == Kind::Secret && f.id == id && f.partial)
                {
                    missed.push(format!("{outer}>{inner} at {align}"));
                }
            }
        }
    }
    assert!(missed.is_empty(), "missed: {missed:?}");
}
