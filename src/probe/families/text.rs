//! Text helpers shared by the families that draw text files (`bytes`, `unicode`,
//! `line-endings`, `bom`): filler words that no UTS #39 skeleton can confuse with each other,
//! a BOM in front, and the one-file drift every such case starts from.

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

/// A tree case of one file at `path`, sealed as `sealed` and found as `now`.
pub fn drift(name: &str, why: &str, path: &str, sealed: &[u8], now: Vec<u8>) -> Draft {
    Draft::tree(name, why)
        .file(path, sealed.to_vec())
        .write(path, now)
}
