//! The one escaping function for names shown to people and machines.
//!
//! A path in a report must read the same on every terminal and must not hide anything: control
//! characters, bidi controls (which reorder what the reader sees), zero-width and other
//! default-ignorable characters, and non-ASCII spaces are written as `\u{..}`; bytes that are not
//! UTF-8 as `\x{..}`; a backslash as `\\`, so the escaped form is unambiguous.

use std::fmt::Write as _;

/// Escapes raw name bytes for display.
pub fn escape_path(raw: &[u8]) -> String {
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

/// Characters that are invisible, reorder text, or look like a plain space.
fn is_hidden(c: char) -> bool {
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
            | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}' | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

#[cfg(test)]
mod tests {
    use super::escape_path;

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
}
