//! One layer of encoding applied to every byte of a text (the layer a tool that re-encodes a
//! whole string adds), for the tests of nested encodings. Written independently of the
//! scanner's encoders (the base64 crate and `format!`), so a test cannot pass by sharing a bug
//! with the code it checks.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

/// `text` in `layer`; for base64, `frame` is encoded first, to shift the text within base64's
/// three-byte groups.
pub fn encode(layer: &str, text: &[u8], frame: &[u8]) -> Vec<u8> {
    let each = |f: &dyn Fn(u8) -> String| text.iter().flat_map(|&c| f(c).into_bytes()).collect();
    match layer {
        "json" => each(&|c| format!("\\u{c:04x}")),
        "utf16le" => text.iter().flat_map(|&c| [c, 0]).collect(),
        "utf16be" => text.iter().flat_map(|&c| [0, c]).collect(),
        "base64" | "base64url" => {
            let mut framed = frame.to_vec();
            framed.extend_from_slice(text);
            let out = if layer == "base64" {
                STANDARD.encode(&framed)
            } else {
                URL_SAFE_NO_PAD.encode(&framed)
            };
            out.into_bytes()
        }
        "hex" => each(&|c| format!("{c:02x}")),
        "percent" => each(&|c| format!("%{c:02X}")),
        "html-dec" => each(&|c| format!("&#{c};")),
        "html-hex" => each(&|c| format!("&#x{c:x};")),
        other => panic!("unknown layer {other}"),
    }
}
