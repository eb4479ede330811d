//! The one function that turns an echoed name into text: every path, unsealed file name, option
//! or blocker id, grant action and input name a report or an error message shows goes through
//! [`name`], in every format.
//!
//! Escaping: a name must read the same on every terminal and must not hide anything: control
//! characters, bidi controls (which reorder what the reader sees), zero-width and other
//! default-ignorable characters, and non-ASCII spaces are written as `\u{..}`; bytes that are not
//! UTF-8 as `\x{..}`; a backslash as `\\`, so the escaped form is unambiguous.
//!
//! Redaction (SPEC 6.1): a name that matches a built-in token shape ([`crate::token::shapes`]),
//! as raw bytes or as escaped, is shown as `<redacted: token-shaped, N bytes>` instead. A token
//! that an attacker or an accident put into a file name then never reaches a log through a
//! report, and the leak scanner's built-in rules, which use the same shapes, find nothing in what
//! is printed.

use std::fmt::Write as _;

use crate::token::shapes::{is_default_ignorable, is_token_shaped};

/// The text shown for the name `raw`: escaped, or redacted when token-shaped.
pub fn name(raw: &[u8]) -> String {
    let escaped = escape(raw);
    if is_token_shaped(raw) || is_token_shaped(escaped.as_bytes()) {
        return redacted(raw.len());
    }
    escaped
}

/// What a token-shaped name of `len` bytes is shown as.
pub fn redacted(len: usize) -> String {
    format!("<redacted: token-shaped, {len} bytes>")
}

/// Escapes raw name bytes for display (no redaction: use [`name`] for anything echoed).
fn escape(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    for chunk in raw.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else if is_hidden(c) {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{{{b:02x}}}");
        }
    }
    out
}

/// Characters that are invisible, reorder text, or look like a plain space: controls, spaces
/// other than U+0020, every default-ignorable code point (the one set redaction and the scanner
/// use, [`crate::token::shapes::is_default_ignorable`]) and the interlinear annotation marks.
fn is_hidden(c: char) -> bool {
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || is_default_ignorable(c)
        || matches!(c, '\u{FFF9}'..='\u{FFFB}')
}

#[cfg(test)]
mod tests {
    use super::{escape as escape_path, name};

    #[test]
    fn invisible_and_bidi_characters_are_escaped() {
        assert_eq!(escape_path("a\u{200b}b".as_bytes()), "a\\u{200b}b");
        assert_eq!(escape_path("x\u{202e}y".as_bytes()), "x\\u{202e}y");
        assert_eq!(escape_path(b"tab\there"), "tab\\u{9}here");
    }

    #[test]
    fn non_utf8_bytes_and_backslashes_are_escaped() {
        assert_eq!(escape_path(b"a\xffb"), "a\\x{ff}b");
        assert_eq!(escape_path(b"a\\u{41}"), "a\\\\u{41}");
    }

    #[test]
    fn visible_unicode_is_kept() {
        assert_eq!(escape_path("café — ok".as_bytes()), "café — ok");
    }

    #[test]
    fn token_shaped_names_are_redacted_with_their_length() {
        let token =
            "spg1.cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4wY9bC1dF6gH0jK5lA8sE3uI7oP2q";
        assert_eq!(name(token.as_bytes()), "<redacted: token-shaped, 84 bytes>");
        let inside = format!("docs/{token}.txt");
        assert_eq!(
            name(inside.as_bytes()),
            "<redacted: token-shaped, 93 bytes>"
        );
        assert_eq!(name(b"docs/decision.md"), "docs/decision.md");
    }
}
