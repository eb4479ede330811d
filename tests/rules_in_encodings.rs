//! Token shapes written in hex, UTF-16 or base64, one layer or two deep (issue #23 point 2,
//! "for secrets and for token shapes"): a grant token in base64, a GitHub token in PowerShell's
//! base64 of UTF-16LE, an AWS key id in hex of base64 are found by the built-in rules, with no
//! secret given, as the scanner finds them in raw text. Random hex digests and base64 blobs
//! around them raise nothing.
//!
//! The encoders (`tests/common/layers.rs`) are written independently of the scanner's.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sealprobe::leak::{Finding, Kind, ScannerBuilder, rules};

/// One true example of each kind of token, with the rule that must find it.
const TOKENS: [(&str, &str); 6] = [
    (
        "grant-token",
        "spg1.cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4wY9bC1dF6gH0jK5lA8sE3uI7oP2q",
    ),
    ("github-token", "ghp_R3xQ9vK2mN7tL4wY8bC1dF6gH0jZ5pA2sE3u"),
    ("aws-access-key-id", "AKIAIOSFODNN7EXAMPLE"),
    (
        "jwt",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyZWxlYXNlIn0.Zk3pQ8vX2mN7tR4wY9bC1dF6gH0j",
    ),
    ("private-key", "-----BEGIN OPENSSH PRIVATE KEY-----"),
    ("slack-token", "xoxb-123456789012-abcdefABCDEF"),
];

/// Layers a rule must see through, one or two deep.
const FIXED: [&str; 5] = ["hex", "utf16le", "utf16be", "base64", "base64url"];

/// `text` in `layer`; for base64, `align` bytes of binary data before it shift it within the
/// groups (the group that holds them is not ASCII).
fn encode(layer: &str, text: &[u8], align: usize) -> Vec<u8> {
    common::layers::encode(layer, text, &[0xc3; 2][..align % 3])
}

fn rules_only(text: &[u8]) -> Vec<Finding> {
    ScannerBuilder::new()
        .rules(rules::builtin())
        .build()
        .unwrap()
        .scan(text)
}

/// The chains (`outer>inner`) in which `token` is not found by `rule`, for a text that holds
/// the nested token between a digest and a base64 blob of binary data.
fn missed(rule: &str, token: &str, chains: &[Vec<&str>], glue: &str, align: usize) -> Vec<String> {
    let mut missed = Vec::new();
    for chain in chains {
        let mut nested = token.as_bytes().to_vec();
        for (depth, layer) in chain.iter().rev().enumerate() {
            nested = encode(layer, &nested, align + depth);
        }
        let mut text =
            b"sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 data="
                .to_vec();
        text.extend_from_slice(glue.as_bytes());
        text.extend_from_slice(&nested);
        text.extend_from_slice(b" blob=");
        text.extend_from_slice(STANDARD.encode([0xffu8, 0x10, 0x80].repeat(40)).as_bytes());
        text.push(b'\n');
        let found = rules_only(&text);
        if !found.iter().any(|f| f.kind == Kind::Rule && f.id == rule) {
            missed.push(chain.join(">"));
        }
    }
    missed
}

#[test]
fn token_shapes_in_one_fixed_encoding_are_found() {
    let chains: Vec<Vec<&str>> = FIXED.iter().map(|l| vec![*l]).collect();
    for (rule, token) in TOKENS {
        for align in 0..3 {
            for glue in ["", "x", "_k"] {
                let missed = missed(rule, token, &chains, glue, align);
                assert!(
                    missed.is_empty(),
                    "{rule} (align {align}, glue {glue:?}) missed in {missed:?}"
                );
            }
        }
    }
}

#[test]
fn token_shapes_two_deep_in_fixed_encodings_and_escapes_are_found() {
    let mut chains: Vec<Vec<&str>> = Vec::new();
    for outer in FIXED {
        for inner in FIXED.iter().chain(&["json", "percent"]) {
            chains.push(vec![outer, inner]);
        }
    }
    for (rule, token) in TOKENS {
        for align in 0..3 {
            let missed = missed(rule, token, &chains, "", align);
            assert!(
                missed.is_empty(),
                "{rule} (align {align}) missed in {missed:?}"
            );
        }
    }
}

#[test]
fn a_finding_in_an_encoding_names_the_chain_and_covers_the_encoded_token() {
    let token = TOKENS[1].1;
    let wide: Vec<u8> = token.bytes().flat_map(|c| [c, 0]).collect();
    let encoded = STANDARD.encode(&wide);
    let text = format!("powershell -EncodedCommand {encoded}\n");
    let found = rules_only(text.as_bytes());
    let at = text.find(&encoded).unwrap();
    let f = found
        .iter()
        .find(|f| f.id == "github-token")
        .unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(f.encoding, "base64>utf16le");
    assert!(
        f.offset >= at && f.offset + f.length <= at + encoded.len(),
        "{f:?}"
    );
}

#[test]
fn binary_hex_and_base64_raise_no_rule() {
    let mut text = Vec::new();
    // Digests and blobs of pseudo-random bytes (a fixed linear congruential sequence).
    let mut x: u32 = 12345;
    for _ in 0..2000 {
        let bytes: Vec<u8> = (0..48)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (x >> 16) as u8
            })
            .collect();
        text.extend_from_slice(
            format!("sha={} ", sealprobe::digest::hex(&bytes[..32], false)).as_bytes(),
        );
        text.extend_from_slice(STANDARD.encode(&bytes).as_bytes());
        text.push(b'\n');
    }
    let found = rules_only(&text);
    assert!(found.is_empty(), "{found:?}");
}

mod windows {
    use super::*;
    use proptest::prelude::*;
    use sealprobe::leak::stream::{MIN_WINDOW, StreamScan, Windows};

    fn chain_of(which: usize) -> Vec<&'static str> {
        match which {
            0 => vec!["base64"],
            1 => vec!["hex"],
            2 => vec!["utf16le"],
            3 => vec!["base64", "utf16le"],
            4 => vec!["hex", "base64"],
            _ => vec!["base64", "json"],
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// A token in a fixed encoding across a window edge is found once, as the scan of the
        /// whole text finds it.
        #[test]
        fn a_token_in_an_encoding_across_a_window_edge_is_found_as_the_whole_scan_finds_it(
            token in 0usize..TOKENS.len(),
            which in 0usize..6,
            align in 0usize..3,
            window in MIN_WINDOW..2048usize,
            pieces in 1usize..4,
            shift in 0usize..64,
        ) {
            let scanner = ScannerBuilder::new().rules(rules::builtin()).build().unwrap();
            let (rule, token) = TOKENS[token];
            let mut nested = token.as_bytes().to_vec();
            for (depth, layer) in chain_of(which).iter().rev().enumerate() {
                nested = encode(layer, &nested, align + depth);
            }
            let windows = Windows { window, pieces };
            let edge = window * pieces * (1 + scanner.reach() / (window * pieces));
            let start = (edge + shift).saturating_sub(nested.len() / 2);
            let mut text = b"log line. ".repeat(start / 10 + 1)[..start].to_vec();
            text.push(b' ');
            text.extend_from_slice(&nested);
            text.push(b' ');
            text.extend_from_slice(&b"more text. ".repeat(scanner.reach() / 5));
            let whole = scanner.scan(&text);
            let mut ours = Vec::new();
            let mut stream = StreamScan::new(&scanner, windows);
            stream.push(&text, &mut |f, _| ours.push(f));
            stream.finish(&mut |f, _| ours.push(f));
            prop_assert_eq!(&ours, &whole);
            prop_assert!(whole.iter().any(|f| f.id == rule), "{} in {:?}: {:?}", rule, chain_of(which), whole);
        }
    }
}

/// Base64 wrapped at 76 characters (MIME) or 64 (PEM), with the token across a line break: the
/// pieces on either side of the break are one.
#[test]
fn a_token_across_a_line_break_of_wrapped_base64_is_found() {
    for width in [64usize, 76] {
        for (rule, token) in TOKENS {
            for lead in 0..40usize {
                let mut raw = "x".repeat(lead).into_bytes();
                raw.extend_from_slice(token.as_bytes());
                raw.extend_from_slice(b" and the rest of the document.");
                let encoded = STANDARD.encode(&raw);
                let wrapped: Vec<&str> = encoded
                    .as_bytes()
                    .chunks(width)
                    .map(|c| std::str::from_utf8(c).unwrap())
                    .collect();
                let text = format!(
                    "Content-Transfer-Encoding: base64\n\n{}\n",
                    wrapped.join("\n")
                );
                let found = rules_only(text.as_bytes());
                assert!(
                    found.iter().any(|f| f.id == rule),
                    "{rule}, width {width}, lead {lead}: {found:?}"
                );
            }
        }
    }
}
