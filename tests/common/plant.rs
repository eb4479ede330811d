//! Plants a secret in each encoding the scanner must see through (SPEC 6.2), for the property
//! tests of the scanner and of its windowed scan.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};

/// Every encoding a secret can be planted in, by name.
pub const ENCODINGS: [&str; 16] = [
    "literal",
    "json-all",
    "json-mixed",
    "utf16le",
    "utf16be",
    "base64",
    "base64-nopad",
    "base64url",
    "hex",
    "HEX",
    "percent",
    "percent-mixed",
    "html-dec",
    "html-hex",
    "base64>json",
    "hex>base64",
];

/// `secret` in `encoding`; `align` shifts base64 by 0 to 2 filler bytes and picks which
/// characters the mixed encodings escape.
pub fn plant(secret: &str, encoding: &str, align: usize) -> String {
    let prefix = &"xyz"[..align % 3];
    let b = secret.as_bytes();
    match encoding {
        "literal" => secret.to_owned(),
        "json-all" => b.iter().map(|c| format!("\\u{c:04x}")).collect(),
        "json-mixed" => b
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if (i + align).is_multiple_of(3) {
                    format!("\\u{c:04X}")
                } else {
                    (*c as char).to_string()
                }
            })
            .collect(),
        "utf16le" => b.iter().map(|c| format!("{}\0", *c as char)).collect(),
        "utf16be" => b.iter().map(|c| format!("\0{}", *c as char)).collect(),
        "base64" => STANDARD.encode(format!("{prefix}{secret}")),
        "base64-nopad" => STANDARD_NO_PAD.encode(format!("{prefix}{secret}")),
        "base64url" => URL_SAFE_NO_PAD.encode(format!("{prefix}{secret}")),
        "hex" => b.iter().map(|c| format!("{c:02x}")).collect(),
        "HEX" => b.iter().map(|c| format!("{c:02X}")).collect(),
        "percent" => b.iter().map(|c| format!("%{c:02X}")).collect(),
        "percent-mixed" => b
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if (i + align).is_multiple_of(2) {
                    format!("%{c:02x}")
                } else {
                    (*c as char).to_string()
                }
            })
            .collect(),
        "html-dec" => b.iter().map(|c| format!("&#{c};")).collect(),
        "html-hex" => b.iter().map(|c| format!("&#x{c:X};")).collect(),
        "base64>json" => STANDARD.encode(format!(
            "{prefix}{{\"t\":\"{}\"}}",
            b.iter().map(|c| format!("\\u{c:04x}")).collect::<String>()
        )),
        "hex>base64" => STANDARD
            .encode(format!("{prefix}{secret}"))
            .bytes()
            .map(|c| format!("{c:02x}"))
            .collect(),
        other => unreachable!("unknown encoding {other}"),
    }
}
