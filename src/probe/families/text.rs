//! Text helpers shared by the families: filler words that no UTS #39 skeleton can confuse with
//! each other, a BOM in front, text in UTF-16 or UTF-32, JSON `\u` escapes, and the one-file
//! drift every text case starts from. Each is written here once (issue #24: UTF-16 was written
//! seven times, `\u` escaping five).

use crate::probe::draft::{Draft, Seeded};

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Letters for filler words: lowercase ASCII without `m`, `l`, `i`, `o`, `r`, `n`, `w` (no
/// filler word is confusable with another, nor with the piece it surrounds).
pub const SAFE: &[u8] = b"abcdefghjkpqstuvxyz";

/// A filler word of 3 to 9 letters of [`SAFE`].
pub fn word(rng: &mut Seeded) -> String {
    let n = rng.between(3, 9);
    (0..n)
        .map(|_| char::from(SAFE[rng.below(SAFE.len())]))
        .collect()
}

/// `n` filler words, space-separated.
pub fn words(rng: &mut Seeded, n: usize) -> String {
    (0..n).map(|_| word(rng)).collect::<Vec<_>>().join(" ")
}

/// `text` with a UTF-8 BOM in front.
pub fn with_bom(text: &[u8]) -> Vec<u8> {
    [BOM, text].concat()
}

/// `text` in UTF-16 (`width` 2, a character beyond the BMP as a surrogate pair) or UTF-32
/// (`width` 4), little or big endian, with a byte-order mark in front when `bom` is set.
pub fn wide(text: &str, width: usize, little: bool, bom: bool) -> Vec<u8> {
    let chars = bom.then_some('\u{feff}').into_iter().chain(text.chars());
    let mut out = Vec::new();
    for c in chars {
        if width == 2 {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.extend(if little {
                    u.to_le_bytes()
                } else {
                    u.to_be_bytes()
                });
            }
        } else {
            let n = u32::from(c);
            out.extend(if little {
                n.to_le_bytes()
            } else {
                n.to_be_bytes()
            });
        }
    }
    out
}

/// `c` as JSON `\u` escapes (two, a surrogate pair, beyond the BMP), with upper- or lowercase
/// hex digits.
pub fn u_escape(c: char, upper: bool) -> String {
    let mut units = [0u16; 2];
    c.encode_utf16(&mut units)
        .iter()
        .map(|u| {
            if upper {
                format!("\\u{u:04X}")
            } else {
                format!("\\u{u:04x}")
            }
        })
        .collect()
}

/// [`replace_first`] for a seal edit on bytes: a [`Miss`] (never the text, which may be a
/// canary) when the seal does not hold `from`.
///
/// [`Miss`]: crate::probe::seal_doc::Miss
pub fn replace_in_seal(
    seal: &[u8],
    from: impl AsRef<[u8]>,
    to: impl AsRef<[u8]>,
) -> Result<Vec<u8>, crate::probe::seal_doc::Miss> {
    replace_first(seal, from.as_ref(), to.as_ref()).ok_or_else(|| {
        crate::probe::seal_doc::Miss::new("the seal does not hold what the edit replaces")
    })
}

/// `doc` with the first `from` replaced by `to`, byte for byte; `None` when `from` is empty or
/// not in `doc`. The families' replace-first edits (on seals, packets, JSON documents) all come
/// here; each says what an edit that finds nothing does.
pub fn replace_first(doc: &[u8], from: &[u8], to: &[u8]) -> Option<Vec<u8>> {
    if from.is_empty() {
        return None;
    }
    let i = memchr::memmem::find(doc, from)?;
    Some([&doc[..i], to, &doc[i + from.len()..]].concat())
}

/// A tree case of one file at `path`, sealed as `sealed` and found as `now`.
pub fn drift(name: &str, why: &str, path: &str, sealed: &[u8], now: Vec<u8>) -> Draft {
    Draft::tree(name, why)
        .file(path, sealed.to_vec())
        .write(path, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_text_has_its_mark_and_surrogate_pairs() {
        assert_eq!(
            wide("a\u{1F600}", 2, true, true),
            [0xFF, 0xFE, b'a', 0, 0x3D, 0xD8, 0x00, 0xDE]
        );
        assert_eq!(wide("a", 2, false, false), [0, b'a']);
        assert_eq!(wide("a", 4, true, true), [0xFF, 0xFE, 0, 0, b'a', 0, 0, 0]);
        assert_eq!(wide("a", 4, false, false), [0, 0, 0, b'a']);
    }

    #[test]
    fn a_character_is_one_escape_or_a_surrogate_pair() {
        assert_eq!(u_escape('\u{e9}', true), "\\u00E9");
        assert_eq!(u_escape('\u{e9}', false), "\\u00e9");
        assert_eq!(u_escape('\u{1F600}', false), "\\ud83d\\ude00");
        assert_eq!(u_escape('\n', false), "\\u000a");
    }

    #[test]
    fn only_the_first_occurrence_is_replaced_and_a_missing_one_is_none() {
        assert_eq!(replace_first(b"abab", b"b", b"XY"), Some(b"aXYab".to_vec()));
        assert_eq!(replace_first(b"abab", b"c", b"X"), None);
        assert_eq!(replace_first(b"abab", b"", b"X"), None);
        assert_eq!(
            replace_first(b"\xFFab", b"a", b"c"),
            Some(b"\xFFcb".to_vec())
        );
    }
}
