//! The one function that turns an echoed name into text: every path, unsealed file name, option
//! or blocker id, grant action and input name a report or an error message shows goes through
//! [`name`], in every format.
//!
//! Escaping: a name must read the same on every terminal and must not hide anything: control
//! characters, bidi controls (which reorder what the reader sees), zero-width and other
//! default-ignorable characters, and non-ASCII spaces are written as `\u{..}`; bytes that are not
//! UTF-8 as `\x{..}`; a backslash as `\\`, so the escaped form is unambiguous.
//!
//! Normalization: two names that differ only by Unicode normalization (`café` with a precomposed
//! `é`, and `cafe` followed by U+0301) must never look the same in a report, or a `path-unicode`
//! finding and the `unsealed` entry beside it would show one name twice. Of two such names at
//! most one is in NFC. A name in NFC is shown as it is; in a name that is not, every character
//! that normalization could change or move is escaped: a character whose NFC_Quick_Check
//! property is not Yes (U+0301 and the other combining marks that compose, U+212B ANGSTROM SIGN,
//! the CJK compatibility ideographs, conjoining Hangul vowels and finals) and every character
//! with a non-zero canonical combining class. A string whose characters all pass that check, in
//! canonical order, is in NFC, so a name that is not shows at least one such escape where its NFC
//! twin shows a plain character: `cafe\u{301}.txt` beside `café.txt`. Names in NFC, whatever
//! their script, keep their combining marks unescaped.
//!
//! Redaction (SPEC 6.1): a name that matches a built-in token shape ([`crate::token::shapes`]),
//! as raw bytes or as escaped, is shown as `<redacted: token-shaped, N bytes>` instead. A token
//! that an attacker or an accident put into a file name then never reaches a log through a
//! report, and the leak scanner's built-in rules, which use the same shapes, find nothing in what
//! is printed.

use std::fmt::Write as _;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, is_nfc, is_nfc_quick};
use unicode_width::UnicodeWidthStr as _;

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

/// The number of terminal columns a shown name (or any report text) takes: East Asian wide
/// characters take two, combining marks none. Human reports align their columns by it.
pub fn width(shown: &str) -> usize {
    shown.width()
}

/// Escapes raw name bytes for display (no redaction: use [`name`] for anything echoed).
fn escape(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    // Bytes that are not UTF-8 split a name into pieces that normalization treats apart.
    let in_nfc = raw.utf8_chunks().all(|chunk| is_nfc(chunk.valid()));
    for chunk in raw.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else if is_hidden(c) || (!in_nfc && normalization_may_change(c)) {
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

/// Characters that NFC may replace, compose with a neighbour or reorder: NFC_Quick_Check not Yes,
/// or a non-zero canonical combining class (see the module doc).
fn normalization_may_change(c: char) -> bool {
    canonical_combining_class(c) != 0
        || !matches!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes)
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
    fn a_name_not_in_nfc_shows_what_normalization_would_change() {
        // NFD: the combining acute is escaped; the NFC twin is shown as it is.
        assert_eq!(
            escape_path("cafe\u{301}.txt".as_bytes()),
            "cafe\\u{301}.txt"
        );
        assert_eq!(escape_path("café.txt".as_bytes()), "café.txt");
        // A singleton that NFC replaces (ANGSTROM SIGN for Å), in a name not in NFC.
        assert_eq!(escape_path("\u{212b}.txt".as_bytes()), "\\u{212b}.txt");
        // Marks in non-canonical order: both have a combining class, both are escaped.
        assert_eq!(
            escape_path("\u{5d0}\u{5b1}\u{5b0}".as_bytes()),
            "\u{5d0}\\u{5b1}\\u{5b0}"
        );
        // Conjoining Hangul jamo, not NFC: the vowel and final (NFC_Quick_Check Maybe) are
        // escaped; the precomposed syllable is shown as it is.
        assert_eq!(
            escape_path("\u{1112}\u{1161}\u{11ab}".as_bytes()),
            "\u{1112}\\u{1161}\\u{11ab}"
        );
        assert_eq!(escape_path("한".as_bytes()), "한");
        // A name in NFC keeps its combining marks: q has no precomposed form with an acute.
        assert_eq!(escape_path("q\u{301}".as_bytes()), "q\u{301}");
        assert_eq!(escape_path("हिन्दी".as_bytes()), "हिन्दी");
        // A piece after a byte that is not UTF-8 is judged on its own.
        assert_eq!(escape_path(b"\xffe\xcc\x81"), "\\x{ff}e\\u{301}");
    }

    #[test]
    fn names_equal_after_nfc_never_look_the_same() {
        use unicode_normalization::UnicodeNormalization as _;
        let names = [
            "café/résumé.md",
            "Å.txt",
            "ẹ́.txt",
            "한글.txt",
            "\u{5d0}\u{5b0}\u{5b1}",
            "\u{5d0}\u{5b1}\u{5b0}",
            "\u{8c48}.txt",
            "\u{f900}.txt",
            "\u{212b}ngström",
            "\u{1112}\u{1161}\u{11ab}",
        ];
        // What a reader can tell apart for sure: the ASCII left when every other character is
        // taken away (escapes are ASCII, the characters they stand for are not).
        let ascii = |shown: &str| shown.replace(|c: char| !c.is_ascii(), "");
        for name in names {
            let forms: Vec<String> = vec![
                name.nfc().collect(),
                name.nfd().collect(),
                name.nfkc().collect::<String>().nfd().collect(),
                name.to_owned(),
            ];
            for a in &forms {
                for b in &forms {
                    if a != b && a.nfc().eq(b.nfc()) {
                        let (sa, sb) = (escape_path(a.as_bytes()), escape_path(b.as_bytes()));
                        assert_ne!(ascii(&sa), ascii(&sb), "{a:?} {b:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn width_counts_terminal_columns() {
        use super::width;
        assert_eq!(width("報告書.md"), 9);
        assert_eq!(width("q\u{301}"), 1);
        assert_eq!(width("cafe\\u{301}"), 11);
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
