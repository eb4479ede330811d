//! The multi-pattern matcher of the scanner: every pattern is at least 8 bytes long. A pattern of
//! 14 bytes or more is indexed by its first seven 8-byte windows (at its offsets 0 to 6), so the
//! input is probed at every seventh position only: the probe at an occurrence's start or up to
//! six bytes after it sees the occurrence's window at that distance. Shorter patterns (the
//! anchors of a secret shorter than 14 bytes) go to indexes probed every fourth byte (11 to 13
//! bytes) or every second (9 and 10); the few of exactly 8 bytes are searched for one by one.
//!
//! Why not an Aho-Corasick automaton? The scanner holds tens of thousands of patterns (every
//! anchor of every secret in every encoding) whose first bytes cover the whole base64 alphabet,
//! so no prefilter can skip input, and the automaton walk measured 64 MB/s on this machine (see
//! BENCHMARKS.md). Here each probe costs one multiply and one bit test in a table that stays in
//! the L2 cache, tested 64 probes at a time without a branch so the loads overlap; only probes
//! whose bits are set (0.46 % with the 117,600 keys of the bench's 200 secrets) are looked up
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

/// How many bytes apart the probes of each index are, widest first: a pattern is indexed at
/// that many offsets, so it goes to the first index whose stride is at most its length less
/// `PREFIX - 1`. Every anchor of a secret of 14 bytes or more is 14 bytes or more in every
/// encoding, so only the first index is probed for it; those of exactly [`PREFIX`] bytes are
/// searched for one by one.
const STRIDES: [usize; 3] = [7, 4, 2];

/// Probes tested together: their filter loads are independent and branch-free, so the core
/// overlaps them (one at a time, each probe waited for its load from the L2 cache); 64 did a
/// little better than 32 once a whole batch was unrolled ([`verdicts`]).
const BATCH: usize = 64;

/// Hashes the 8-byte keys of the exact table with the same multiply as the filter (and the
/// patterns' bytes, eight at a time, when the distinct ones are found): the keys are input
/// bytes, not attacker-chosen table sizes, and SipHash cost a tenth of the scan.
#[derive(Default, Clone, Copy)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(PREFIX);
        for chunk in chunks.by_ref() {
            let word = u64::from_le_bytes(chunk.try_into().expect("PREFIX bytes"));
            self.0 = (self.0.rotate_left(23) ^ word).wrapping_mul(MULTIPLIER);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(MULTIPLIER);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key.wrapping_mul(MULTIPLIER).rotate_left(29);
    }
}

/// Window → where its entries lie in [`Probes::entries`] (start, count): one flat list, not a
/// vector per window (a hundred thousand small allocations to make, and to free at exit).
type Table = HashMap<u64, (u32, u32), BuildHasherDefault<KeyHasher>>;

/// Patterns indexed by their first windows.
#[derive(Debug, Clone)]
pub struct Index {
    /// One index per stride of [`STRIDES`] that holds a pattern.
    probes: Vec<Probes>,
    /// Distinct patterns of exactly [`PREFIX`] bytes, searched for one by one.
    short: Vec<(memchr::memmem::Finder<'static>, u32)>,
    /// The distinct patterns' bytes, end to end, and where each starts (one more entry than
    /// there are patterns): the anchors of a periodic secret (`AAAA…`) are one string, compared
    /// once per probe, not once per anchor that has it.
    bytes: Vec<u8>,
    /// Offsets into `bytes`: `usize`, since a large secrets file makes gigabytes of patterns,
    /// and an offset that wrapped would compare the wrong bytes.
    starts: Vec<usize>,
    /// The ids of the patterns that have each distinct string, end to end, and where each
    /// distinct string's ids start.
    owners: Vec<u32>,
    owner_starts: Vec<u32>,
}

/// A distinct pattern's id and bytes.
type Distinct<'a> = (u32, &'a [u8]);

/// Distinct patterns indexed by their windows at offsets `0..stride`, for probes `stride`
/// bytes apart.
#[derive(Debug, Clone)]
struct Probes {
    stride: usize,
    filter: Box<[u64; FILTER_WORDS]>,
    /// Window → its entries.
    by_window: Table,
    /// (distinct pattern, the window's offset in it), grouped by window.
    entries: Vec<(u32, u8)>,
}

impl Probes {
    /// Indexes the distinct `patterns` (id and bytes) at every offset below `stride`.
    fn new<'a>(stride: usize, patterns: impl ExactSizeIterator<Item = (u32, &'a [u8])>) -> Probes {
        let mut filter: Box<[u64; FILTER_WORDS]> = vec![0u64; FILTER_WORDS]
            .into_boxed_slice()
            .try_into()
            .expect("FILTER_WORDS words");
        // Sized exactly: grown by doubling, it held up to twice its 16 bytes an entry at the
        // build's peak of memory.
        let mut keyed: Vec<(u64, std::cmp::Reverse<u8>, u32)> =
            Vec::with_capacity(patterns.len() * stride);
        for (id, pattern) in patterns {
            for shift in 0..stride {
                let Some(key) = window_at(pattern, shift) else {
                    continue;
                };
                let (word, bits) = slot(key);
                filter[word] |= bits;
                keyed.push((key, std::cmp::Reverse(shift as u8), id));
            }
        }
        // By window, then: a probe at q reports starts q - stride + 1 ..= q (shifts stride - 1
        // down to 0), so entries in that order, then by pattern id, come out in order of
        // position without sorting at every probe.
        keyed.par_sort_unstable();
        // Sized to the distinct windows exactly: a map sized to every entry was 4 MiB more at
        // the peak of a scan's memory (bounded at 64 MiB).
        let windows = keyed.chunk_by(|a, b| a.0 == b.0).count();
        let mut by_window = Table::with_capacity_and_hasher(windows, Default::default());
        let entries = keyed
            .iter()
            .map(|&(_, std::cmp::Reverse(shift), id)| (id, shift))
            .collect();
        let mut start = 0;
        for group in keyed.chunk_by(|a, b| a.0 == b.0) {
            by_window.insert(group[0].0, (start as u32, group.len() as u32));
            start += group.len();
        }
        Probes {
            stride,
            filter,
            by_window,
            entries,
        }
    }
}

/// The filter word of a window and the three bits it sets there: a Bloom filter with three
/// hashes in one word, so a probe reads one word.
fn slot(window: u64) -> (usize, u64) {
    let h = window.wrapping_mul(MULTIPLIER);
    let word = (h >> (64 - FILTER_WORD_BITS)) as usize;
    let bits = (1u64 << ((h >> 20) & 63)) | (1u64 << ((h >> 26) & 63)) | (1u64 << ((h >> 32) & 63));
    (word, bits)
}

/// The filter's verdicts on a whole batch of probes `STRIDE` bytes apart from `q`, when the
/// batch's bytes are all in `hay`: with the stride a constant, the loop unrolls and no probe
/// checks its bounds (`scan_range`, where the general loop is inlined, held a quarter of one
/// thread's samples; 18 % with this).
#[inline(always)]
fn verdicts<const STRIDE: usize>(
    filter: &[u64; FILTER_WORDS],
    hay: &[u8],
    q: usize,
) -> Option<u64> {
    let block = hay.get(q..q + (BATCH - 1) * STRIDE + PREFIX)?;
    let mut passed: u64 = 0;
    for i in 0..BATCH {
        let head: [u8; PREFIX] = block[i * STRIDE..i * STRIDE + PREFIX]
            .try_into()
            .expect("PREFIX bytes");
        let (word, bits) = slot(u64::from_le_bytes(head));
        passed |= u64::from(filter[word] & bits == bits) << i;
    }
    Some(passed)
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
        // Distinct strings through a hash map with a multiply hash over eight bytes at a time
        // (the patterns are the caller's secrets, not input; sorting them with `memcmp` was
        // two thirds of the build).
        let mut seen: HashMap<&[u8], u32, BuildHasherDefault<KeyHasher>> =
            HashMap::with_capacity_and_hasher(patterns.len(), Default::default());
        let mut order: Vec<&[u8]> = Vec::new();
        // Each pattern's distinct string (u32::MAX: too short to index).
        let of: Vec<u32> = patterns
            .iter()
            .map(|p| {
                if p.len() < PREFIX {
                    return u32::MAX;
                }
                *seen.entry(p.as_slice()).or_insert_with(|| {
                    order.push(p);
                    (order.len() - 1) as u32
                })
            })
            .collect();
        drop(seen);
        let mut bytes = Vec::with_capacity(order.iter().map(|p| p.len()).sum());
        let mut starts = Vec::with_capacity(order.len() + 1);
        for p in &order {
            starts.push(bytes.len());
            bytes.extend_from_slice(p);
        }
        starts.push(bytes.len());
        // The owners of each distinct string, in order of id, by counting.
        let mut owner_starts = vec![0u32; order.len() + 1];
        for &d in of.iter().filter(|&&d| d != u32::MAX) {
            owner_starts[d as usize + 1] += 1;
        }
        for i in 1..owner_starts.len() {
            owner_starts[i] += owner_starts[i - 1];
        }
        let mut owners = vec![0u32; owner_starts.last().copied().unwrap_or(0) as usize];
        let mut next = owner_starts.clone();
        for (id, &d) in of.iter().enumerate().filter(|(_, d)| **d != u32::MAX) {
            owners[next[d as usize] as usize] = id as u32;
            next[d as usize] += 1;
        }
        let ids = || order.iter().enumerate().map(|(id, p)| (id as u32, *p));
        let short = ids()
            .filter(|(_, p)| p.len() == PREFIX)
            .map(|(id, p)| (memchr::memmem::Finder::new(p).into_owned(), id))
            .collect();
        let stride_of = |p: &[u8]| STRIDES.into_iter().find(|&s| p.len() >= PREFIX + s - 1);
        let probes = STRIDES
            .into_iter()
            .filter_map(|stride| {
                let tier: Vec<Distinct> = ids()
                    .filter(|(_, p)| p.len() > PREFIX && stride_of(p) == Some(stride))
                    .collect();
                (!tier.is_empty()).then(|| Probes::new(stride, tier.into_iter()))
            })
            .collect();
        Index {
            probes,
            short,
            bytes,
            starts,
            owners,
            owner_starts,
        }
    }

    /// The bytes of distinct pattern `id`.
    fn distinct(&self, id: u32) -> &[u8] {
        let i = id as usize;
        &self.bytes[self.starts[i]..self.starts[i + 1]]
    }

    /// The ids of the patterns whose string is distinct pattern `id`.
    fn owners(&self, id: u32) -> &[u32] {
        let i = id as usize;
        &self.owners[self.owner_starts[i] as usize..self.owner_starts[i + 1] as usize]
    }

    pub fn is_empty(&self) -> bool {
        self.starts.len() <= 1
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
        if let ([only], []) = (&self.probes[..], &self.short[..]) {
            self.probe(only, hay, from, to, &mut on);
            return;
        }
        let mut hits = Vec::new();
        for index in &self.probes {
            self.probe(index, hay, from, to, &mut |at, id| hits.push((at, id)));
        }
        for (finder, id) in &self.short {
            let region = &hay[from..(to + PREFIX - 1).min(hay.len())];
            for at in finder.find_iter(region) {
                hits.extend(self.owners(*id).iter().map(|&o| (from + at, o)));
            }
        }
        hits.sort_unstable();
        for (at, id) in hits {
            on(at, id);
        }
    }

    /// The probes of `index`, `stride` bytes apart: a pattern starting at `t` in `[from, to)`
    /// is seen by the probe at the one position of `t ..= t + stride - 1` that is a multiple of
    /// the stride, through its window at that offset.
    fn probe(
        &self,
        index: &Probes,
        hay: &[u8],
        from: usize,
        to: usize,
        on: &mut impl FnMut(usize, u32),
    ) {
        if index.by_window.is_empty() {
            return;
        }
        let stride = index.stride;
        let first = from - from % stride;
        // Probes before `to + stride - 1`: a pattern starting at `to - 1` is seen there.
        let last = (to + stride - 1).min(hay.len() - (PREFIX - 1));
        let mut q = first;
        while q < last {
            let n = (last - q).div_ceil(stride).min(BATCH);
            // The filter's verdict on each probe of the batch, as bits, with no branch.
            let full = match (n == BATCH, stride) {
                (true, 7) => verdicts::<7>(&index.filter, hay, q),
                (true, 4) => verdicts::<4>(&index.filter, hay, q),
                (true, 2) => verdicts::<2>(&index.filter, hay, q),
                _ => None,
            };
            let mut passed: u64 = full.unwrap_or(0);
            for i in (0..n).filter(|_| full.is_none()) {
                let p = q + i * stride;
                let Some(key) = window_at(hay, p) else {
                    continue;
                };
                let (word, bits) = slot(key);
                passed |= u64::from(index.filter[word] & bits == bits) << i;
            }
            while passed != 0 {
                let i = passed.trailing_zeros() as usize;
                passed &= passed - 1;
                let p = q + i * stride;
                let Some(key) = window_at(hay, p) else {
                    continue;
                };
                let Some(&(start, count)) = index.by_window.get(&key) else {
                    continue;
                };
                let (start, count) = (start as usize, count as usize);
                let entries = &index.entries[start..start + count];
                for &(id, shift) in entries {
                    let Some(at) = p.checked_sub(usize::from(shift)) else {
                        continue;
                    };
                    if at >= from && at < to && starts_with(&hay[at..], self.distinct(id)) {
                        for &owner in self.owners(id) {
                            on(at, owner);
                        }
                    }
                }
            }
            q += n * stride;
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

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 400,
            failure_persistence: Some(Box::new(
                proptest::test_runner::FileFailurePersistence::Direct(
                    "tests/proptest-regressions/index.txt",
                ),
            )),
            ..ProptestConfig::default()
        })]
        /// Patterns of every length the scanner makes (8 bytes, searched one by one; 9 and 10,
        /// probed every second byte; 11 to 13, every fourth; 14 and more, every seventh; one
        /// index or several at once), over a small alphabet so they
        /// overlap and repeat (a pattern may be given twice): every occurrence that starts in
        /// the range, in order of position, as a plain search of each pattern finds them. Texts
        /// of up to 1,200 bytes hold whole batches of probes at every stride ([`verdicts`]) and
        /// the partial batch at the end.
        #[test]
        fn every_occurrence_is_found_as_a_plain_search_finds_it(
            patterns in proptest::collection::vec(proptest::collection::vec(b'a'..b'd', 8..20), 1..6)
                .prop_map(|mut v| { let again = v[0].clone(); v.push(again); v }),
            hay in proptest::collection::vec(b'a'..b'd', 0..1200),
            from in 0usize..1200,
            len in 0usize..1200,
        ) {
            let index = Index::new(patterns.clone());
            let (from, to) = (from.min(hay.len()), (from + len).min(hay.len()));
            let mut got = Vec::new();
            index.for_each_match(&hay, from, to, |at, id| got.push((at, id)));
            let mut want = Vec::new();
            for at in from..to {
                for (id, p) in patterns.iter().enumerate() {
                    if hay[at..].starts_with(p) {
                        want.push((at, id as u32));
                    }
                }
            }
            // In order of position; at one position, in any order.
            prop_assert!(got.windows(2).all(|w| w[0].0 <= w[1].0), "{:?}", got);
            got.sort_unstable();
            prop_assert_eq!(got, want);
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
