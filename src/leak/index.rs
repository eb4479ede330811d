//! The multi-pattern matcher of the scanner: every pattern is at least 8 bytes long, so each one
//! is indexed by its first 8 bytes, and the input is scanned one 8-byte window at a time.
//!
//! Why not an Aho-Corasick automaton? The scanner holds tens of thousands of patterns (every
//! 8-byte anchor of every secret in every encoding) whose first bytes cover the whole base64
//! alphabet, so no prefilter can skip input, and the automaton walk measured 64 MB/s on this
//! machine (see BENCHMARKS.md). Here each window costs one multiply and one bit test in a table
//! that stays in the L2 cache; only windows whose bit is set (about 2% with 50,000 patterns) are
//! looked up exactly.

use std::collections::HashMap;

/// log2 of the number of bits in the filter: 2^21 bits = 256 KiB, the L2 cache of one core.
const FILTER_BITS: u32 = 21;

/// Words of the filter (a fixed size lets the compiler drop the bounds check).
const FILTER_WORDS: usize = (1 << FILTER_BITS) / 64;

/// An odd 64-bit constant (2^64 / golden ratio) for multiplicative hashing.
const MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;

/// Length of the indexed prefix; every pattern is at least this long.
pub const PREFIX: usize = 8;

/// Patterns indexed by their first 8 bytes.
#[derive(Debug, Clone)]
pub struct Index {
    filter: Box<[u64; FILTER_WORDS]>,
    by_prefix: HashMap<u64, Vec<u32>>,
    patterns: Vec<Vec<u8>>,
}

fn slot(window: u64) -> usize {
    (window.wrapping_mul(MULTIPLIER) >> (64 - FILTER_BITS)) as usize
}

fn prefix_of(bytes: &[u8]) -> Option<u64> {
    let head: [u8; PREFIX] = bytes.get(..PREFIX)?.try_into().ok()?;
    Some(u64::from_le_bytes(head))
}

impl Index {
    /// Indexes `patterns`; patterns shorter than [`PREFIX`] are ignored (the scanner never makes
    /// one).
    pub fn new(patterns: Vec<Vec<u8>>) -> Index {
        let mut filter = Box::new([0u64; FILTER_WORDS]);
        let mut by_prefix: HashMap<u64, Vec<u32>> = HashMap::new();
        for (id, p) in patterns.iter().enumerate() {
            let Some(key) = prefix_of(p) else {
                continue;
            };
            let s = slot(key);
            filter[s >> 6] |= 1 << (s & 63);
            by_prefix.entry(key).or_default().push(id as u32);
        }
        Index {
            filter,
            by_prefix,
            patterns,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_prefix.is_empty()
    }

    /// Calls `on(start, pattern id)` for every occurrence of every pattern that starts in
    /// `[from, to)` of `hay` (occurrences may extend past `to`), in order of position.
    pub fn for_each_match(
        &self,
        hay: &[u8],
        from: usize,
        to: usize,
        mut on: impl FnMut(usize, u32),
    ) {
        let to = to.min(hay.len().saturating_sub(PREFIX - 1));
        if from >= to {
            return;
        }
        for (i, w) in hay[from..to + PREFIX - 1].windows(PREFIX).enumerate() {
            let Ok(head) = <[u8; PREFIX]>::try_from(w) else {
                continue;
            };
            let key = u64::from_le_bytes(head);
            let s = slot(key);
            if self.filter[s >> 6] & (1 << (s & 63)) == 0 {
                continue;
            }
            if let Some(ids) = self.by_prefix.get(&key) {
                let at = from + i;
                for &id in ids {
                    if hay[at..].starts_with(&self.patterns[id as usize]) {
                        on(at, id);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_occurrence_of_every_pattern_including_overlaps() {
        let index = Index::new(vec![
            b"abcdefgh".to_vec(),
            b"cdefghij-long".to_vec(),
            b"zzzzzzzz".to_vec(),
        ]);
        let hay = b"xxabcdefghij-long abcdefgh";
        let mut hits = Vec::new();
        index.for_each_match(hay, 0, hay.len(), |at, id| hits.push((at, id)));
        assert_eq!(hits, vec![(2, 0), (4, 1), (18, 0)]);
        let mut late = Vec::new();
        index.for_each_match(hay, 3, 18, |at, id| late.push((at, id)));
        assert_eq!(late, vec![(4, 1)]);
    }

    #[test]
    fn short_haystacks_and_empty_ranges_find_nothing() {
        let index = Index::new(vec![b"abcdefgh".to_vec()]);
        let mut n = 0;
        index.for_each_match(b"abcdefg", 0, 7, |_, _| n += 1);
        index.for_each_match(b"abcdefgh", 1, 8, |_, _| n += 1);
        assert_eq!(n, 0);
    }
}
