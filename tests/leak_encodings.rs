//! The leak scanner finds a planted secret in every encoding of SPEC 6.2 / issue #3, inside
//! realistic surrounding text, and reports exactly that finding.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use sealprobe::leak::{Finding, Kind, ScannerBuilder};

const SECRET: &str =
    "spg1.cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4wY9bC1dF6gH0jK5lA8sE3uI7oP2q";

fn scan(text: &[u8]) -> Vec<Finding> {
    ScannerBuilder::new()
        .secret(SECRET)
        .build()
        .unwrap()
        .scan(text)
}

fn secret_findings(text: &[u8]) -> Vec<Finding> {
    scan(text)
        .into_iter()
        .filter(|f| f.kind == Kind::Secret)
        .collect()
}

/// Exactly one secret finding, with the given chain, covering `planted` at its offset.
fn assert_found(text: &[u8], planted: &[u8], encoding: &str, partial: bool) {
    let found = secret_findings(text);
    assert_eq!(
        found.len(),
        1,
        "want exactly one finding for {encoding}: {found:?}"
    );
    let f = &found[0];
    assert_eq!(f.encoding, encoding);
    assert_eq!(f.partial, partial);
    assert_eq!(f.id, sealprobe::leak::scan::fingerprint(SECRET.as_bytes()));
    let at = memchr::memmem::find(text, planted).expect("planted text is in the input");
    assert!(
        f.offset >= at && f.offset + f.length <= at + planted.len(),
        "{f:?} not inside planted region at {at}"
    );
    assert!(
        f.length >= planted.len() * 3 / 4,
        "{f:?} covers too little of {} bytes",
        planted.len()
    );
}

fn json_log(value: &str) -> Vec<u8> {
    format!(
        "{{\"ts\":\"2026-11-24T01:02:03Z\",\"level\":\"error\",\"msg\":\"grant rejected\",\"detail\":\"{value}\",\"req\":42}}\n{{\"ts\":\"2026-11-24T01:02:04Z\",\"level\":\"info\",\"msg\":\"retrying\"}}\n"
    )
    .into_bytes()
}

fn escape_all(s: &str) -> String {
    s.bytes().map(|b| format!("\\u{b:04x}")).collect()
}

#[test]
fn literal_secret_in_a_json_log_is_found() {
    let text = json_log(SECRET);
    assert_found(&text, SECRET.as_bytes(), "literal", false);
}

#[test]
fn fully_json_escaped_secret_is_found() {
    let planted = escape_all(SECRET);
    assert_found(
        &json_log(&planted),
        planted.as_bytes(),
        "json-escape",
        false,
    );
}

#[test]
fn mixed_json_escaped_secret_is_found() {
    let planted: String = SECRET
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            if i % 2 == 0 {
                format!("\\u{b:04X}")
            } else {
                (b as char).to_string()
            }
        })
        .collect();
    assert_found(
        &json_log(&planted),
        planted.as_bytes(),
        "json-escape",
        false,
    );
}

#[test]
fn utf16le_and_utf16be_secrets_are_found() {
    for (little, name) in [(true, "utf16le"), (false, "utf16be")] {
        let mut text = b"binary dump follows:\n".to_vec();
        let wide: Vec<u8> = SECRET
            .bytes()
            .flat_map(|b| if little { [b, 0] } else { [0, b] })
            .collect();
        text.extend_from_slice(&wide);
        text.extend_from_slice(b"\nend of dump\n");
        assert_found(&text, &wide, name, false);
    }
}

#[test]
fn base64_at_every_alignment_with_and_without_padding_is_found() {
    for prefix in ["", "x", "xy"] {
        for url in [false, true] {
            let blob = format!("{prefix}{SECRET} trailing");
            let encoded = if url {
                URL_SAFE_NO_PAD.encode(blob.as_bytes())
            } else {
                STANDARD.encode(blob.as_bytes())
            };
            let text = format!("payload={encoded}\nnext line\n");
            let found = secret_findings(text.as_bytes());
            assert_eq!(found.len(), 1, "prefix {prefix:?} url {url}: {found:?}");
            // The chain names the alphabet the encoded text uses; text with none of `+/-_`
            // is named `base64`.
            let region = &text.as_bytes()[found[0].offset..found[0].offset + found[0].length];
            let expected = if region.iter().any(|c| matches!(c, b'-' | b'_')) {
                "base64url"
            } else {
                "base64"
            };
            assert_eq!(found[0].encoding, expected, "prefix {prefix:?} url {url}");
            assert!(!found[0].partial, "{found:?}");
        }
    }
}

#[test]
fn hex_in_either_case_is_found() {
    for upper in [false, true] {
        let hex: String = SECRET
            .bytes()
            .map(|b| {
                if upper {
                    format!("{b:02X}")
                } else {
                    format!("{b:02x}")
                }
            })
            .collect();
        let text = format!(
            "Traceback (most recent call last):\n  key material: {hex}\nValueError: bad token\n"
        );
        assert_found(text.as_bytes(), hex.as_bytes(), "hex", false);
    }
}

#[test]
fn percent_encoding_of_every_byte_and_mixed_is_found() {
    let all: String = SECRET.bytes().map(|b| format!("%{b:02X}")).collect();
    let text =
        format!("10.0.0.1 - - [24/Nov/2026] \"GET /grant?token={all}&x=1 HTTP/1.1\" 403 12\n");
    assert_found(text.as_bytes(), all.as_bytes(), "percent", false);
    let mixed = SECRET.replace('.', "%2E");
    let text =
        format!("10.0.0.1 - - [24/Nov/2026] \"GET /grant?token={mixed}&x=1 HTTP/1.1\" 403 12\n");
    assert_found(text.as_bytes(), mixed.as_bytes(), "percent", false);
}

#[test]
fn html_numeric_entities_decimal_and_hex_are_found() {
    let dec: String = SECRET.bytes().map(|b| format!("&#{b};")).collect();
    let text = format!("<p>Your token: <code>{dec}</code></p>\n");
    assert_found(text.as_bytes(), dec.as_bytes(), "html-entity", false);
    let hex: String = SECRET.bytes().map(|b| format!("&#x{b:x};")).collect();
    let text = format!("<p>Your token: <code>{hex}</code></p>\n");
    assert_found(text.as_bytes(), hex.as_bytes(), "html-entity", false);
}

#[test]
fn base64_of_json_escaped_secret_is_found() {
    let inner = format!("{{\"token\":\"{}\"}}", escape_all(SECRET));
    let encoded = STANDARD.encode(inner.as_bytes());
    let text = format!("event blob: {encoded}\n");
    let found = secret_findings(text.as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].encoding, "base64>json-escape");
}

#[test]
fn percent_of_base64_is_found() {
    let encoded = STANDARD.encode(format!("x{SECRET}").as_bytes());
    let pct: String = encoded.bytes().map(|b| format!("%{b:02X}")).collect();
    let text = format!("GET /cb?state={pct} HTTP/1.1\n");
    let found = secret_findings(text.as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].encoding, "percent>base64");
}

#[test]
fn hex_of_base64_is_found() {
    let encoded = STANDARD.encode(format!("xy{SECRET}").as_bytes());
    let hex: String = encoded.bytes().map(|b| format!("{b:02x}")).collect();
    let text = format!("dump {hex} end\n");
    let found = secret_findings(text.as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].encoding, "hex>base64");
}

#[test]
fn sixteen_characters_of_a_secret_are_a_partial_leak() {
    let part = &SECRET[20..36];
    let text = format!("error: token {part}... is invalid\n");
    assert_found(text.as_bytes(), part.as_bytes(), "literal", true);
}

#[test]
fn fifteen_characters_are_not_a_leak() {
    let part = &SECRET[20..35];
    let text = format!("error: token {part}... is invalid\n");
    assert!(secret_findings(text.as_bytes()).is_empty());
}

#[test]
fn partial_secret_in_base64_is_found() {
    let encoded = STANDARD.encode(&SECRET.as_bytes()[10..40]);
    let text = format!("blob={encoded}\n");
    let found = secret_findings(text.as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].partial);
}

#[test]
fn line_wrapped_base64_halves_are_found() {
    let encoded = STANDARD.encode(format!("----{SECRET}----").as_bytes());
    let (a, b) = encoded.split_at(encoded.len() / 2);
    let text = format!("-----BEGIN BLOB-----\n{a}\n{b}\n-----END BLOB-----\n");
    let found = secret_findings(text.as_bytes());
    assert!(!found.is_empty(), "wrapped base64 must be found");
}

#[test]
fn token_shapes_are_found_without_knowing_the_secret() {
    let scanner = ScannerBuilder::new()
        .rules(sealprobe::leak::rules::builtin())
        .build()
        .unwrap();
    let forged = "spg2.CUTOVER.3f9a0c1d2e4b5a69.1893456000.AAAA";
    let found = scanner.scan(format!("rejected {forged} (bad mac)\n").as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].kind, found[0].id.as_str()),
        (Kind::Rule, "grant-token")
    );
}

#[test]
fn clean_text_has_no_finding() {
    let mut text = String::new();
    for i in 0..2000 {
        text.push_str(&format!(
            "{{\"i\":{i},\"msg\":\"ok \\u00e9 %41 &#65; {}\"}}\n",
            STANDARD.encode(format!("row {i} of data").as_bytes())
        ));
    }
    assert!(scan(text.as_bytes()).is_empty());
}

#[test]
fn whole_secret_after_a_partial_lookalike_is_reported_whole() {
    // Found by the leak_scan fuzz target: a 16-byte partial match starting one byte before the
    // secret used to hide the whole match that overlaps it.
    let secret = "AAAAAAAAAAAAAAAAB";
    let text = b"AAAAAAAAAAAAAAAAAB";
    let found = ScannerBuilder::new()
        .secret(secret)
        .build()
        .unwrap()
        .scan(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].offset, found[0].length, found[0].partial),
        (1, 17, false)
    );
}

/// A JSON line whose only escape is a character beyond ASCII (`ensure_ascii` output) is left
/// undecoded when no secret or rule can hold that character's bytes; a secret that holds the
/// character must still be found through the escape. The `ü` lies in both of this 17-byte
/// secret's anchor blocks, so no anchor occurs in the input as it is and only the decoded view
/// finds it.
#[test]
fn a_secret_beyond_ascii_is_found_where_json_escapes_only_that_character() {
    let secret = "Zugangss\u{fc}chl-7f3";
    assert_eq!(secret.len(), 17);
    let planted = secret.replace('\u{fc}', "\\u00fc");
    let text = format!(
        "{{\"msg\":\"M\\u00fcnchen r\\u00e9sum\\u00e9\",\"key\":\"{planted}\"}}\n{{\"msg\":\"Gr\\u00fc\\u00dfe\"}}\n"
    );
    let found: Vec<Finding> = ScannerBuilder::new()
        .secret(secret)
        .build()
        .unwrap()
        .scan(text.as_bytes())
        .into_iter()
        .filter(|f| f.kind == Kind::Secret)
        .collect();
    let at = text.find(&planted).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    assert_eq!(f.encoding, "json-escape");
    assert!(!f.partial, "{f:?}");
    assert_eq!((f.offset, f.length), (at, planted.len()));
}

/// The grant-token rule is case-insensitive, so `ſ` (U+017F, which folds to `s`) starts a
/// match: written as `\u017f` in JSON, only the decoded view shows it, and the rule's own bytes
/// keep that view read.
#[test]
fn a_rule_match_through_an_escaped_character_beyond_ascii_is_found() {
    let text = "{\"msg\":\"M\\u00fcnchen\",\"grant\":\"\\u017fpg1.cutover.Zk3pQ8vX2mN7\"}\n";
    let found: Vec<Finding> = ScannerBuilder::new()
        .rules(sealprobe::leak::rules::builtin())
        .build()
        .unwrap()
        .scan(text.as_bytes())
        .into_iter()
        .filter(|f| f.encoding == "json-escape")
        .collect();
    let at = text.find("\\u017fpg1").unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].id, "grant-token");
    assert_eq!(found[0].offset, at);
}
