//! The multi-pattern matcher of the scanner: every pattern is at least 8 bytes long. A pattern of
//! 9 bytes or more is indexed by its first two 8-byte windows (at its offsets 0 and 1), so the
//! input is probed at every second position only: an occurrence that starts at an even position
//! shows its first window to a probe, one at an odd position its second. The few patterns of
//! exactly 8 bytes (the raw text of an 8-byte secret) are searched for one by one.
//!
//! Why not an Aho-Corasick automaton? The scanner holds tens of thousands of patterns (every
//! anchor of every secret in every encoding) whose first bytes cover the whole base64 alphabet,
//! so no prefilter can skip input, and the automaton walk measured 64 MB/s on this machine (see
//! BENCHMARKS.md). Here each probe costs one multiply and one bit test in a table that stays in
//! the L2 cache; only probes whose bit is set (about 5% with 100,000 keys) are looked up
//! exactly.

use std::collections::HashMap;

use rayon::slice::ParallelSliceMut;
use std::hash::{BuildHasherDefault, Hasher};

/// log2 of the number of 64-bit words in the filter: 2^15 words = 256 KiB, within the L2 cache
/// of one core.
const FILTER_WORD_BITS: u32 = 15;

/// Words of the filter (a fixed size lets the compiler drop the bounds check).
const FILTER_WORDS: usize = 1 << FILTER_WORD_BITS;

/// An odd 64-bit constant (2^64 / golden ratio) for multiplicative hashing.
const MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;

/// Length of an indexed window; every pattern is at least this long.
pub const PREFIX: usize = 8;

/// Probes are this many bytes apart; a pattern is indexed at this many offsets.
const STRIDE: usize = 2;

/// Hashes the 8-byte keys of the exact table with the same multiply as the filter: the keys are
/// input bytes, not attacker-chosen table sizes, and SipHash cost a tenth of the scan.
#[derive(Default, Clone, Copy)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(MULTIPLIER);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key.wrapping_mul(MULTIPLIER).rotate_left(29);
    }
}

type Table = HashMap<u64, Vec<(u32, u8)>, BuildHasherDefault<KeyHasher>>;

/// Patterns indexed by their first windows.
#[derive(Debug, Clone)]
pub struct Index {
    filter: Box<[u64; FILTER_WORDS]>,
    /// Window → (distinct pattern, the window's offset in the pattern).
    by_window: Table,
    /// Distinct patterns of exactly [`PREFIX`] bytes, searched for one by one.
    short: Vec<(memchr::memmem::Finder<'static>, u32)>,
    /// The distinct patterns' bytes, and the ids of the patterns that have them: the anchors of
    /// a periodic secret (`AAAA…`) are one string, compared once per probe, not once per anchor.
    distinct: Vec<Vec<u8>>,
    owners: Vec<Vec<u32>>,
}

/// The filter word of a window and the two bits it sets there: a Bloom filter with two hashes
/// in one word, so a probe reads one word.
fn slot(window: u64) -> (usize, u64) {
    let h = window.wrapping_mul(MULTIPLIER);
    let word = (h >> (64 - FILTER_WORD_BITS)) as usize;
    let bits = (1u64 << ((h >> 20) & 63)) | (1u64 << ((h >> 26) & 63));
    (word, bits)
}

/// `hay.starts_with(pattern)`, eight bytes at a time and inlined: patterns are short, and a
/// call to `memcmp` for each candidate was a fifth of a scan of a low-entropy input.
#[inline]
fn starts_with(hay: &[u8], pattern: &[u8]) -> bool {
    if hay.len() < pattern.len() {
        return false;
    }
    let mut chunks = pattern.chunks_exact(PREFIX);
    let mut at = 0;
    for chunk in chunks.by_ref() {
        if window_at(hay, at) != window_at(chunk, 0) {
            return false;
        }
        at += PREFIX;
    }
    // Byte by byte: a slice comparison here is a call to `memcmp` again.
    hay[at..pattern.len()]
        .iter()
        .zip(chunks.remainder())
        .all(|(a, b)| a == b)
}

fn window_at(bytes: &[u8], at: usize) -> Option<u64> {
    let head: [u8; PREFIX] = bytes.get(at..at + PREFIX)?.try_into().ok()?;
    Some(u64::from_le_bytes(head))
}

impl Index {
    /// Indexes `patterns`; patterns shorter than [`PREFIX`] are ignored (the scanner never makes
    /// one).
    pub fn new(patterns: Vec<Vec<u8>>) -> Index {
        let mut filter = Box::new([0u64; FILTER_WORDS]);
        let mut by_window = Table::default();
        let mut short = Vec::new();
        // Distinct strings by sorting ids by their bytes (hashing every pattern with SipHash
        // was a twentieth of a scan of 64 MiB).
        let mut order: Vec<u32> = (0..patterns.len() as u32)
            .filter(|&id| patterns[id as usize].len() >= PREFIX)
            .collect();
        order.par_sort_unstable_by(|&a, &b| {
            patterns[a as usize]
                .cmp(&patterns[b as usize])
                .then(a.cmp(&b))
        });
        let mut distinct: Vec<Vec<u8>> = Vec::new();
        let mut owners: Vec<Vec<u32>> = Vec::new();
        for id in order {
            let p = &patterns[id as usize];
            if distinct.last() == Some(p) {
                owners.last_mut().expect("owners match distinct").push(id);
            } else {
                distinct.push(p.clone());
                owners.push(vec![id]);
            }
        }
        for (id, p) in distinct.iter().enumerate() {
            if p.len() == PREFIX {
                short.push((memchr::memmem::Finder::new(p).into_owned(), id as u32));
                continue;
            }
            for shift in 0..STRIDE {
                let Some(key) = window_at(p, shift) else {
                    continue;
                };
                let (word, bits) = slot(key);
                filter[word] |= bits;
                by_window
                    .entry(key)
                    .or_default()
                    .push((id as u32, shift as u8));
            }
        }
        // A probe at q reports starts q - 1 (shift 1) and q (shift 0): entries in that order, then
        // by pattern id, come out in order of position without sorting at every probe.
        for entries in by_window.values_mut() {
            entries.sort_unstable_by_key(|&(id, shift)| (std::cmp::Reverse(shift), id));
        }
        Index {
            filter,
            by_window,
            short,
            distinct,
            owners,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_window.is_empty() && self.short.is_empty()
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
        if self.short.is_empty() {
            self.probe(hay, from, to, &mut on);
            return;
        }
        let mut hits = Vec::new();
        self.probe(hay, from, to, &mut |at, id| hits.push((at, id)));
        for (finder, id) in &self.short {
            let region = &hay[from..(to + PREFIX - 1).min(hay.len())];
            for at in finder.find_iter(region) {
                hits.extend(self.owners[*id as usize].iter().map(|&o| (from + at, o)));
            }
        }
        hits.sort_unstable();
        for (at, id) in hits {
            on(at, id);
        }
    }

    /// The probes at every second position: a pattern starting at `t` in `[from, to)` is seen by
    /// the probe at the even position of `{t, t + 1}`, through its window at that offset.
    fn probe(&self, hay: &[u8], from: usize, to: usize, on: &mut impl FnMut(usize, u32)) {
        let first = from - from % STRIDE;
        // Probes up to `to` (exclusive of `to + 1`): a pattern starting at `to - 1` is seen at `to`.
        let last = (to + STRIDE - 1).min(hay.len() - (PREFIX - 1));
        if first >= last {
            return;
        }
        for (i, w) in hay[first..last + PREFIX - 1]
            .windows(PREFIX)
            .step_by(STRIDE)
            .enumerate()
        {
            let Ok(head) = <[u8; PREFIX]>::try_from(w) else {
                continue;
            };
            let key = u64::from_le_bytes(head);
            let (word, bits) = slot(key);
            if self.filter[word] & bits != bits {
                continue;
            }
            let Some(entries) = self.by_window.get(&key) else {
                continue;
            };
            let q = first + i * STRIDE;
            for &(id, shift) in entries {
                let Some(at) = q.checked_sub(usize::from(shift)) else {
                    continue;
                };
                if at >= from && at < to && starts_with(&hay[at..], &self.distinct[id as usize]) {
                    for &owner in &self.owners[id as usize] {
                        on(at, owner);
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

    /// Probing every second byte loses nothing: a pattern of any length at any offset, odd or
    /// even, is reported once, and only when it starts inside the range.
    #[test]
    fn a_pattern_at_any_offset_is_found_once_with_probes_every_second_byte() {
        for len in 8..20 {
            let pattern: Vec<u8> = (0..len as u8).map(|i| b'A' + i).collect();
            let index = Index::new(vec![pattern.clone()]);
            for at in 0..24 {
                let mut hay = vec![b'-'; at];
                hay.extend_from_slice(&pattern);
                hay.extend_from_slice(b"--");
                let mut hits = Vec::new();
                index.for_each_match(&hay, 0, hay.len(), |p, id| hits.push((p, id)));
                assert_eq!(hits, vec![(at, 0)], "length {len} at {at}");
                for (from, to) in [(at, at + 1), (at + 1, hay.len()), (0, at)] {
                    let mut hits = Vec::new();
                    index.for_each_match(&hay, from, to, |p, id| hits.push((p, id)));
                    let inside = from <= at && at < to;
                    assert_eq!(
                        hits.len(),
                        usize::from(inside),
                        "{len} at {at} in {from}..{to}"
                    );
                }
            }
        }
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
