//! The scanner: one builder ([`ScannerBuilder`]) and one scan loop ([`Scanner::scan`]).
//!
//! How a secret is found in any encoding without decoding everything:
//!
//! 1. **Anchors.** Each secret is cut into 14-byte blocks at offsets 0, 3, 6, … (plus its last
//!    14 bytes). Any run of 16 bytes of the secret contains a whole block, so finding blocks is
//!    enough to find every partial leak.
//! 2. **One index.** Every block is encoded in every fixed encoding (raw, UTF-16LE/BE, hex in
//!    both cases, base64 and base64url at the three alignments: `encoded_blocks`), and all of
//!    these patterns go into one multi-pattern index ([`super::index`]), scanned once over the
//!    input. A second fixed layer (base64 of UTF-16LE, hex of base64) writes the first as text:
//!    the input's text pieces in hex, UTF-16 and base64 ([`super::text_pieces`]) are decoded
//!    and searched with the same index (`Scanner::scan_encoded_pieces`).
//! 3. **Verification.** A hit is only a candidate. The region around it is decoded with the hit's
//!    encoding chain, the block is located in the decoded bytes, and the match is extended left
//!    and right against the secret. Sixteen matching bytes (or the whole secret, if shorter) make
//!    a finding; fewer than the whole secret make it `partial`. On low-entropy input a candidate
//!    at every position is the rule, so verification skips what cannot change the result
//!    (`Scanner::candidate`).
//! 4. **Views for mixed escapes.** Escapes that can be mixed with raw characters (`\u`, `%XX`,
//!    `&#..;`) cannot be enumerated as patterns. Where their markers occur, the surrounding run is
//!    decoded and the decoded bytes are scanned with the same automaton, which also finds nested
//!    chains such as `percent>base64`; escapes inside escapes are views of views.
//! 5. **Folding.** Findings of one secret or rule that overlap are one leak: they are folded as
//!    they are made ([`Fold`]) and merged across windows ([`Clusters`]), so memory does not grow
//!    with the number of positions that match.
//!
//! Token-shaped strings are found by regular expressions ([`super::rules`]) on the raw input and
//! the escape views. A finding holds a secret's fingerprint or a rule id, the encoding chain and a
//! position, never the matched bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use rayon::prelude::*;

use super::encoding::{self, ByteSet, Decoded, Encoding};
use super::index::Index;
use super::rule_search::RuleSearch;
use super::rules::Rule;
use super::text_pieces;
use crate::digest::{Digest, hex_value};

/// Anchor blocks start this many bytes apart in a secret.
pub const STEP: usize = 3;

/// Length of an anchor block. Every encoding of a 14-byte block is at least 14 bytes long (its
/// base64 at the worst alignment is 16 characters), so the index probes every seventh input
/// byte ([`super::index`]). A run of [`PARTIAL`] bytes of a secret still holds a whole block:
/// the first block starting in it starts within `STEP - 1` bytes, and `STEP - 1 + ANCHOR` is 16.
/// (Blocks of 11 bytes every 6 made half as many patterns, but the index had to probe every
/// fourth byte: BENCHMARKS.md.)
pub const ANCHOR: usize = 14;

const _: () = assert!(STEP - 1 + ANCHOR <= PARTIAL);

/// A run of this many bytes of a secret is a leak (or the whole secret, if shorter).
pub const PARTIAL: usize = 16;

/// Shortest secret accepted: shorter strings occur by chance in ordinary output.
pub const MIN_SECRET: usize = 8;

/// What kind of thing was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Secret,
    Rule,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Secret => "secret",
            Kind::Rule => "rule",
        }
    }
}

/// One leak. Positions are in the scanned input; nothing of the matched bytes is kept.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Finding {
    pub offset: usize,
    pub length: usize,
    pub kind: Kind,
    /// The secret's fingerprint (first 8 hex digits of its SHA-256) or the rule id.
    pub id: String,
    pub partial: bool,
    /// The encoding chain, outermost first, `>`-separated; `literal` when not encoded.
    pub encoding: String,
}

/// Why a scanner could not be built. Secrets are named by line number, never by content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    #[error("secret on line {0} is shorter than {MIN_SECRET} bytes")]
    SecretTooShort(usize),
    #[error("the search automaton could not be built")]
    Automaton,
}

/// A secret to look for.
#[derive(Debug, Clone)]
struct Secret {
    bytes: Vec<u8>,
    id: String,
    /// `periods[d]`: the secret reads the same shifted by `d` bytes (`bytes[d..]` is a prefix
    /// of `bytes`), for `d` in `0..len`.
    periods: Vec<bool>,
}

/// For each shift `d` of `bytes`, whether `bytes[d..] == bytes[..len - d]`: the Z-function
/// (the longest common prefix of `bytes` and each suffix), computed in linear time.
fn periods(bytes: &[u8]) -> Vec<bool> {
    let n = bytes.len();
    let mut z = vec![0usize; n];
    let (mut l, mut r) = (0, 0);
    for i in 1..n {
        let mut k = if i < r { z[i - l].min(r - i) } else { 0 };
        while i + k < n && bytes[k] == bytes[i + k] {
            k += 1;
        }
        z[i] = k;
        if i + k > r {
            (l, r) = (i, i + k);
        }
    }
    (0..n).map(|d| d > 0 && z[d] == n - d).collect()
}

/// Fingerprint of a secret: the first 8 hex digits of its SHA-256.
pub fn fingerprint(secret: &[u8]) -> String {
    let mut hex = Digest::of(secret).to_hex();
    hex.truncate(8);
    hex
}

/// Configures a [`Scanner`].
#[derive(Debug, Default)]
pub struct ScannerBuilder {
    secrets: Vec<Vec<u8>>,
    rules: Vec<Rule>,
}

impl ScannerBuilder {
    pub fn new() -> ScannerBuilder {
        ScannerBuilder::default()
    }

    /// Adds one secret.
    pub fn secret(mut self, secret: impl Into<Vec<u8>>) -> ScannerBuilder {
        self.secrets.push(secret.into());
        self
    }

    /// Adds token-shape rules.
    pub fn rules(mut self, rules: impl IntoIterator<Item = Rule>) -> ScannerBuilder {
        self.rules.extend(rules);
        self
    }

    pub fn build(self) -> Result<Scanner, BuildError> {
        let mut secrets = Vec::new();
        for (i, s) in self.secrets.into_iter().enumerate() {
            if s.len() < MIN_SECRET {
                return Err(BuildError::SecretTooShort(i + 1));
            }
            if !secrets.iter().any(|k: &Secret| k.bytes == s) {
                secrets.push(Secret {
                    id: fingerprint(&s),
                    periods: periods(&s),
                    bytes: s,
                });
            }
        }
        // Each secret's encoded anchors, made in parallel (a few hundred secrets make tens of
        // thousands of patterns, and the build is the first thing a scan waits for).
        let per_secret: Vec<Vec<(Vec<u8>, Pattern)>> = secrets
            .par_iter()
            .enumerate()
            .map(|(si, secret)| {
                let mut out = Vec::new();
                for at in anchor_offsets(&secret.bytes) {
                    let block = &secret.bytes[at..at + anchor_len(&secret.bytes)];
                    for (bytes, chain) in encoded_blocks(block) {
                        let pattern = Pattern {
                            secret: si,
                            anchor_at: at,
                            unit: Unit::of(&chain, &secret.bytes),
                            chain,
                        };
                        out.push((bytes, pattern));
                    }
                }
                out
            })
            .collect();
        let (patterns, meta): (Vec<Vec<u8>>, Vec<Pattern>) =
            per_secret.into_iter().flatten().unzip();
        let longest = secrets.iter().map(|s| s.bytes.len()).max().unwrap_or(0);
        // The widest any chain writes the longest secret (two bytes a byte: hex, UTF-16), so a
        // stream's context holds every encoded match (a second layer lies in a text piece, read
        // as far as the rules' reach).
        let window = meta
            .iter()
            .map(|p| chain_window(&p.chain, longest))
            .max()
            .unwrap_or(0);
        let automaton = Index::new(patterns);
        let view_bytes = view_bytes(&secrets, &self.rules);
        Ok(Scanner {
            secrets,
            automaton,
            patterns: meta,
            rule_search: RuleSearch::new(&self.rules),
            rules: self.rules,
            window,
            view_bytes,
        })
    }
}

/// Every byte a finding in a view of an escape encoding may hold: any ASCII byte (every encoded
/// form of a secret is ASCII, and so are the markers of a view nested inside), each secret's own
/// bytes, and every byte a rule's regex may match. A view region where every escape decoded to
/// other bytes (`\u00fc` in JSON written with `ensure_ascii`, when no secret or rule holds
/// `ü`'s bytes) has no finding that the input itself does not show.
fn view_bytes(secrets: &[Secret], rules: &[Rule]) -> ByteSet {
    let mut set = ByteSet::default();
    set.insert_range(0, 0x7f);
    for secret in secrets {
        secret.bytes.iter().for_each(|&b| set.insert(b));
    }
    rules
        .iter()
        .fold(set, |set, rule| set.union(rule.bytes_matched()))
}

/// Where an anchor block starts in `secret`: every [`STEP`] bytes, plus the last block, except inside a run
/// of identical blocks.
///
/// A secret with a long periodic stretch (a token padded with `A`s, `0000…`) would otherwise put
/// hundreds of identical anchors under one index key, and every position of a long enough run in
/// the input would be verified once per anchor: quadratic in the run times the secret (a
/// 20,000-character padded token took minutes to scan in 22 KB). Inside a run of `r` identical
/// aligned blocks only the first two and the last are kept, and nothing is lost: a match that
/// reaches past either end of the run holds the run's first or last block, and a match wholly
/// inside the run reads the same shifted by a multiple of `STEP` (the run is `STEP`-periodic), which puts
/// its start in the first block or has it hold the second. So every leak found before is found,
/// at the same or a larger extent, and the most complete finding of each cluster is the same.
fn anchor_offsets(secret: &[u8]) -> Vec<usize> {
    let len = secret.len();
    let alen = anchor_len(secret);
    let block = |at: usize| &secret[at..at + alen];
    let aligned: Vec<usize> = (0..=len - alen).step_by(STEP).collect();
    let mut offsets: Vec<usize> = Vec::with_capacity(aligned.len() + 1);
    let mut run_start = 0;
    for (i, &at) in aligned.iter().enumerate() {
        if i > 0 && block(at) != block(aligned[i - 1]) {
            run_start = i;
        }
        let last_of_run = aligned
            .get(i + 1)
            .is_none_or(|&next| block(next) != block(at));
        if i - run_start < 2 || last_of_run {
            offsets.push(at);
        }
    }
    if offsets.last() != Some(&(len - alen)) {
        offsets.push(len - alen);
    }
    offsets
}

/// The anchor length for `secret`: [`ANCHOR`], or the whole secret when it is shorter (an
/// 8-byte secret is its own anchor).
fn anchor_len(secret: &[u8]) -> usize {
    ANCHOR.min(secret.len())
}

/// A pattern's meaning: which anchor of which secret, in which encoding chain (outermost first).
#[derive(Debug, Clone)]
struct Pattern {
    secret: usize,
    anchor_at: usize,
    chain: Chain,
    /// The chain as fixed-width units, when it is one ([`Unit::of`], decided once here: it
    /// reads the whole secret, and candidates come at every position of a low-entropy run).
    unit: Option<Unit>,
}

/// A pattern's encoding chain: none (the raw anchor) or one fixed layer, held in place (a
/// vector for each of the tens of thousands of patterns was megabytes of a scan's memory,
/// bounded at 64 MiB) and read as a slice. A second layer is found by decoding the input's
/// text pieces ([`Scanner::scan_encoded_pieces`]), not by a pattern.
#[derive(Debug, Clone, Copy)]
struct Chain {
    layers: [Encoding; 1],
    len: u8,
}

impl Chain {
    const LITERAL: Chain = Chain {
        layers: [Encoding::Hex],
        len: 0,
    };

    fn one(layer: Encoding) -> Chain {
        Chain {
            layers: [layer],
            len: 1,
        }
    }
}

impl std::ops::Deref for Chain {
    type Target = [Encoding];

    fn deref(&self) -> &[Encoding] {
        &self.layers[..usize::from(self.len)]
    }
}

impl std::ops::DerefMut for Chain {
    fn deref_mut(&mut self) -> &mut [Encoding] {
        &mut self.layers[..usize::from(self.len)]
    }
}

impl PartialEq for Chain {
    fn eq(&self, other: &Chain) -> bool {
        self[..] == other[..]
    }
}

impl Eq for Chain {}

impl PartialOrd for Chain {
    fn partial_cmp(&self, other: &Chain) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// As the layers' list orders (the literal first).
impl Ord for Chain {
    fn cmp(&self, other: &Chain) -> std::cmp::Ordering {
        self[..].cmp(&other[..])
    }
}

/// Every fixed encoding of an anchor block the index holds, with its chain: the block itself,
/// its hex (both cases), UTF-16 (both byte orders) and base64 cores (both alphabets, three
/// alignments). A block two deep (base64 of UTF-16LE as PowerShell writes it, hex of base64) is
/// found by decoding the input's text pieces and searching them for these
/// ([`Scanner::scan_encoded_pieces`]); escapes, and escapes inside a fixed encoding, by views.
fn encoded_blocks(block: &[u8]) -> Vec<(Vec<u8>, Chain)> {
    use Encoding::*;
    let mut out: Vec<(Vec<u8>, Chain)> = vec![(block.to_vec(), Chain::LITERAL)];
    for upper in [false, true] {
        out.push((encoding::hex(block, upper), Chain::one(Hex)));
    }
    for (little, enc) in [(true, Utf16Le), (false, Utf16Be)] {
        out.extend(encoding::utf16(block, little).map(|t| (t, Chain::one(enc))));
    }
    for (url, enc) in [(false, Base64), (true, Base64Url)] {
        for (core, _) in encoding::base64_cores(block, url) {
            out.push((core, Chain::one(enc)));
        }
    }
    out.retain(|(bytes, _)| bytes.len() > super::index::PREFIX);
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// Encodings whose escapes mix with raw text, found through views around their markers.
const VIEWS: [Encoding; 4] = [
    Encoding::JsonEscape,
    Encoding::Percent,
    Encoding::HtmlEntity,
    Encoding::Invisible,
];

/// The views that nest inside a view ([`Scanner::scan_nested_views`]).
const NESTED_VIEWS: [Encoding; 3] = [
    Encoding::JsonEscape,
    Encoding::Percent,
    Encoding::HtmlEntity,
];

/// A built scanner: immutable, shared by all threads.
#[derive(Debug)]
pub struct Scanner {
    secrets: Vec<Secret>,
    automaton: Index,
    patterns: Vec<Pattern>,
    rules: Vec<Rule>,
    /// The rules, searched together ([`super::rule_search`]).
    rule_search: RuleSearch,
    /// How far around a candidate the verifier decodes.
    window: usize,
    /// Every byte a finding in a view may hold ([`Scanner::view_bytes`]).
    view_bytes: ByteSet,
}

/// The longest rule match reported: a match that runs on is cut here (it is still a finding, at
/// the same offset). Bounding it bounds how far past its window the scanner must read.
pub const RULE_REACH: usize = 4 * 1024;

/// How far a rule match written in one or two fixed encodings reaches in the input: hex of
/// UTF-16 writes a byte as four.
const ENCODED_RULE_REACH: usize = 4 * RULE_REACH;
const _: () = assert!(text_pieces::PIECE_OVERLAP >= ENCODED_RULE_REACH);

/// The fixed encodings a token is decoded from for the rules ([`super::text_pieces`]).
const TEXT_ENCODINGS: [Encoding; 4] = [
    Encoding::Hex,
    Encoding::Utf16Le,
    Encoding::Utf16Be,
    Encoding::Base64,
];

/// How far back a rule looks for context (`\b` at a match's start needs the character before
/// it, at most 4 bytes of UTF-8).
const RULE_LOOKBEHIND: usize = 4;

/// Inputs larger than this are scanned in parallel pieces.
const PIECE: usize = 4 * 1024 * 1024;

impl Scanner {
    /// Scans `input`, using every core for large inputs. Findings are sorted by offset.
    pub fn scan(&self, input: &[u8]) -> Vec<Finding> {
        let pieces: Vec<(usize, usize)> = (0..input.len().div_ceil(PIECE).max(1))
            .map(|i| (i * PIECE, ((i + 1) * PIECE).min(input.len())))
            .collect();
        let found: Vec<Fold> = pieces
            .par_iter()
            .flat_map_iter(|&(start, end)| self.scan_range(input, start, end))
            .collect();
        let mut clusters = Clusters::default();
        clusters.extend(found);
        clusters.settled(usize::MAX)
    }

    /// How many secrets and rules this scanner looks for (a report that found nothing says so).
    pub fn looks_for(&self) -> (usize, usize) {
        (self.secrets.len(), self.rules.len())
    }

    /// How many bytes of context the scan of a range reads on each side of it, and how far before
    /// its range a finding may start: a window of a stream that holds this much before and after
    /// the range it owns finds exactly what a scan of the whole input finds there
    /// ([`super::stream`]).
    pub fn reach(&self) -> usize {
        // Text pieces are read this far for rules and secrets alike.
        let rules = if self.rules.is_empty() && self.automaton.is_empty() {
            0
        } else {
            ENCODED_RULE_REACH
        };
        self.window.max(rules) + RULE_LOOKBEHIND
    }

    /// Every finding whose candidate starts in `[start, end)` of `input`, folded where findings
    /// of one id overlap ([`Fold`]) but not yet merged into the clusters of one leak
    /// ([`Clusters`]); offsets are in `input`. The scan reads at most [`Scanner::reach`] bytes on
    /// either side of the range, and no finding starts more than that before `start`.
    ///
    /// Folding as findings are made is what keeps memory flat: a low-entropy secret (`AAAA…`)
    /// over a run of the same byte is a finding at every position, and kept one by one they
    /// took gigabytes before being merged.
    pub fn scan_range(&self, input: &[u8], start: usize, end: usize) -> Vec<Fold> {
        let mut out = Folder::new(self.secrets.len() + self.rules.len());
        self.scan_piece(input, start, end, &mut out);
        self.apply_rules(input, start, end, &mut out);
        self.scan_encoded_pieces(input, start, end, &mut out);
        out.finish()
    }

    /// Rule matches that start in `[start, end)`, at most [`RULE_REACH`] bytes long. The
    /// regexes see a few bytes before `start`, so a word boundary reads the same wherever a
    /// window begins. A match may run past `end`; the next range's match inside the same token
    /// is dropped later as contained in this one. Empty matches are no leak (and a rule that
    /// matches the empty string is refused when it is loaded).
    fn apply_rules(&self, input: &[u8], start: usize, end: usize, out: &mut Folder) {
        let lo = start.saturating_sub(RULE_LOOKBEHIND);
        let reach = end.saturating_add(RULE_REACH).min(input.len());
        let hay = &input[lo..reach];
        self.rule_search
            .each(&self.rules, hay, start - lo, end - lo, |r, s, e| {
                if !self.rules[r].accepts_in(input, lo + s, lo + e) {
                    return e;
                }
                self.push_rule(out, r, lo + s, (e - s).min(RULE_REACH), "literal");
                e
            });
    }

    /// Rule matches and secrets written in hex, UTF-16 or base64 with one more layer inside
    /// (base64 of UTF-16 as PowerShell writes it, hex of base64, base64 of `\u` escapes), and
    /// rule matches in one layer of them: the pieces of the input that decode to text
    /// ([`super::text_pieces`]) are decoded, and the rules run on them and on the pieces and
    /// escape views inside them; the index searches them for the fixed encodings of the
    /// secrets' anchors, and their escape views for the anchors themselves. (The index finds
    /// one layer in the input itself; a secret's second layer is text, which is what makes it a
    /// piece.) A finding is reported when its encoded form starts in `[start, end)`.
    fn scan_encoded_pieces(&self, input: &[u8], start: usize, end: usize, out: &mut Folder) {
        let rules = !self.rules.is_empty();
        let secrets = !self.automaton.is_empty();
        if !rules && !secrets {
            return;
        }
        // Pieces that start in the range, give or take two base64 groups (a clipped piece is
        // still in step at one of the alignments tried; a piece may begin with a group of
        // margin before its first text group), followed up to the longest encoded match after
        // it. A match is reported by the range it starts in.
        let lo = start.saturating_sub(8);
        let hi = end.saturating_add(ENCODED_RULE_REACH).min(input.len());
        let around = if rules {
            self.window.max(RULE_REACH)
        } else {
            self.window
        };
        let mut pieces = Vec::new();
        let mut inner_pieces = Vec::new();
        let mut first = Decoded::default();
        let mut view = Decoded::default();
        let mut hits = Vec::new();
        // UTF-16 of ASCII holds zero bytes: one search rules out both byte orders.
        let zeros = memchr::memchr(0, &input[lo..hi]).is_some();
        for enc in TEXT_ENCODINGS {
            if matches!(enc, Encoding::Utf16Le | Encoding::Utf16Be) && !zeros {
                continue;
            }
            pieces.clear();
            text_pieces::pieces(enc, &input[..hi], lo, end.saturating_add(8), &mut pieces);
            for &(s, e) in &pieces {
                encoding::decode_into(enc, &input[s..e], s, &mut first);
                let placed = Placed {
                    input,
                    outer: enc,
                    range: (start, end),
                    literal: false,
                };
                if secrets {
                    let at = ViewAt {
                        parent: input,
                        outer: None,
                        name: enc.name(),
                        placed: Some(placed),
                    };
                    self.scan_view(&first, at, &mut hits, out);
                }
                if rules {
                    self.rules_in_decoded(&first, enc.name(), start, end, out);
                    for inner in TEXT_ENCODINGS {
                        inner_pieces.clear();
                        text_pieces::pieces(
                            inner,
                            &first.bytes,
                            0,
                            first.bytes.len(),
                            &mut inner_pieces,
                        );
                        for &(is, ie) in &inner_pieces {
                            let second =
                                encoding::decode(inner, &first.bytes[is..ie], is).through(&first);
                            let name = format!("{}>{}", enc.name(), inner.name());
                            self.rules_in_decoded(&second, &name, start, end, out);
                        }
                    }
                }
                for nested in NESTED_VIEWS {
                    for (rs, re) in view_regions(nested, &first.bytes, 0, first.bytes.len(), around)
                    {
                        encoding::decode_into(nested, &first.bytes[rs..re], rs, &mut view);
                        let name = format!("{}>{}", enc.name(), nested.name());
                        if secrets {
                            let placed = Some(Placed {
                                literal: true,
                                ..placed
                            });
                            let at = ViewAt {
                                parent: &first.bytes,
                                outer: Some(&first),
                                name: &name,
                                placed,
                            };
                            self.scan_view(&view, at, &mut hits, out);
                        }
                        if rules {
                            let second = view.clone().through(&first);
                            self.rules_in_decoded(&second, &name, start, end, out);
                        }
                    }
                }
            }
        }
    }

    /// Rule matches in decoded text whose offsets are in the input, reported when they start in
    /// `[start, end)`, with `name` as their encoding.
    fn rules_in_decoded(
        &self,
        text: &Decoded,
        name: &str,
        start: usize,
        end: usize,
        out: &mut Folder,
    ) {
        let hay = &text.bytes;
        self.rule_search
            .each(&self.rules, hay, 0, hay.len(), |r, s, e| {
                let (is, ie) = (text.offsets[s], text.offsets[e]);
                if (start..end).contains(&is) && self.rules[r].accepts(&hay[s..e], None) {
                    self.push_rule(out, r, is, (ie - is).min(ENCODED_RULE_REACH), name);
                }
                e
            });
    }

    /// Findings whose candidate starts in `[start, end)`; verification may look outside.
    fn scan_piece(&self, input: &[u8], start: usize, end: usize, out: &mut Folder) {
        if self.automaton.is_empty() && self.rules.is_empty() {
            return;
        }
        if !self.automaton.is_empty() {
            let mut runs = vec![None; self.secrets.len() * Unit::SLOTS];
            let mut cache = ViewCache::default();
            self.automaton.for_each_match(input, start, end, |at, id| {
                let pattern = &self.patterns[id as usize];
                self.candidate(input, at, pattern, &mut runs, &mut cache, out);
            });
        }
        let mut decoded = Decoded::default();
        let mut located = Decoded::default();
        let mut nested = Vec::new();
        let mut hits = Vec::new();
        // A view region reaches as far as a finding in it may: a rule match runs up to
        // RULE_REACH bytes, a secret's encoding up to the verifier's window.
        let around = if self.rules.is_empty() {
            self.window
        } else {
            self.window.max(RULE_REACH)
        };
        // Every decoded region of one view, end to end, for the rules: one regex search per
        // view and piece rather than one per region (thousands of short regions, each search
        // paying its setup).
        let mut batch = Batch::default();
        for view in VIEWS {
            batch.clear();
            for (rs, re) in view_regions(view, input, start, end, around) {
                encoding::decode_bytes_into(view, &input[rs..re], &mut decoded);
                // A finding in the view is kept only where it holds a byte an escape decoded
                // to (the scan of the input reports the rest): none can where every such byte
                // is one no finding holds. Removed characters decode to no byte, so invisible
                // views are always read.
                if view != Encoding::Invisible && !decoded.escaped.intersects(&self.view_bytes) {
                    continue;
                }
                // The region is decoded again with its offsets only where the index or a view
                // nested inside finds something in its bytes (on the scan bench, of 347,259
                // regions 60 hold an anchor and 19,283 a nested view's marker).
                let mut anchored = false;
                self.automaton
                    .for_each_match(&decoded.bytes, 0, decoded.bytes.len(), |_, _| {
                        anchored = true
                    });
                self.nested_regions(&decoded.bytes, view, around, &mut nested);
                if anchored || !nested.is_empty() {
                    encoding::decode_into(view, &input[rs..re], rs, &mut located);
                    debug_assert_eq!(located.bytes, decoded.bytes);
                    let at = ViewAt {
                        parent: input,
                        outer: None,
                        name: view.name(),
                        placed: None,
                    };
                    if anchored {
                        self.scan_view(&located, at, &mut hits, out);
                    }
                    self.scan_nested_views(&located, view, &nested, &mut hits, out);
                }
                if !self.rules.is_empty() {
                    batch.append(&decoded.bytes, (rs, re));
                }
            }
            self.apply_rules_to_view(input, &batch, view, &mut decoded, out);
        }
    }

    /// Rule matches in a view's decoded regions that needed the decoding (a token written with
    /// `\u` escapes, percent-encoded, or with a U+200B inside): reported at their place in the
    /// input, with the view as their encoding. A match that runs from one region into the next
    /// is no match. Matches are rare, so a region is decoded again (into `scratch`) only to map
    /// a match back to the input.
    fn apply_rules_to_view(
        &self,
        input: &[u8],
        batch: &Batch,
        enc: Encoding,
        scratch: &mut Decoded,
        out: &mut Folder,
    ) {
        if batch.bytes.is_empty() {
            return;
        }
        let hay = &batch.bytes;
        self.rule_search
            .each(&self.rules, hay, 0, hay.len(), |r, ms, me| {
                // The region that holds the start must hold the end too; a match that runs into
                // the next region is none, and the search starts again at that region.
                let k = batch.regions.partition_point(|r| r.2 <= ms);
                let Some(&(rs, re, region_end)) = batch.regions.get(k) else {
                    return hay.len();
                };
                if me > region_end {
                    return region_end;
                }
                let first = if k == 0 { 0 } else { batch.regions[k - 1].2 };
                encoding::decode_into(enc, &input[rs..re], rs, scratch);
                let (s, e) = (ms - first, me - first);
                let (is, ie) = (scratch.offsets[s], scratch.offsets[e]);
                if ie - is == e - s && input[is..ie] == scratch.bytes[s..e] {
                    return me;
                }
                if !self.rules[r].accepts(&hay[ms..me], None) {
                    return me;
                }
                self.push_rule(out, r, is, (ie - is).min(RULE_REACH), enc.name());
                me
            });
    }

    /// Scans a decoded view with the automaton; keeps findings that really needed the decoding.
    fn scan_view(
        &self,
        view: &Decoded,
        at: ViewAt,
        hits: &mut Vec<(usize, u32)>,
        out: &mut Folder,
    ) {
        let ViewAt {
            parent,
            outer,
            name,
            placed,
        } = at;
        hits.clear();
        if self.automaton.is_empty() {
            return;
        }
        // One cache per region: the buffer of decoded bytes is reused for the next region.
        let mut cache = ViewCache::default();
        // In a piece, the raw anchors are the one layer the index finds in the input itself.
        let skip_raw = placed.is_some_and(|p| !p.literal);
        self.automaton
            .for_each_match(&view.bytes, 0, view.bytes.len(), |at, id| {
                if !(skip_raw && self.patterns[id as usize].chain.is_empty()) {
                    hits.push((at, id))
                }
            });
        // The last whole match of each secret in each fixed-width chain, in a piece of hex or
        // UTF-16 itself (two input bytes a decoded byte): a hit inside it (a low-entropy run
        // holds the anchor at every position) would find another whole match of the same
        // length in the input overlapping it, which folds into it and loses to it (the earlier
        // wins), so it is not verified.
        let fixed = outer.is_none()
            && placed.is_some_and(|p| {
                matches!(
                    p.outer,
                    Encoding::Hex | Encoding::Utf16Le | Encoding::Utf16Be
                )
            });
        let mut whole: Vec<(usize, Unit, usize, usize)> = Vec::new();
        for &(at, id) in hits.iter() {
            let pattern = &self.patterns[id as usize];
            let held = pattern.unit.filter(|_| fixed).and_then(|unit| {
                whole
                    .iter()
                    .position(|&(s, u, _, _)| s == pattern.secret && u == unit)
            });
            if let Some(i) = held
                && (whole[i].2..whole[i].3).contains(&at)
            {
                continue;
            }
            let Some(m) = self.verify(&view.bytes, at, pattern, &mut cache) else {
                continue;
            };
            if let Some(unit) = pattern.unit.filter(|_| fixed)
                && !m.partial
            {
                let span = (pattern.secret, unit, m.offset, m.offset + m.length);
                match held {
                    Some(i) => whole[i] = span,
                    None => whole.push(span),
                }
            }
            let mut f = self.name(&view.bytes, m, pattern);
            let (s, e) = (f.offset, f.offset + f.length);
            let (mut is, mut ie) = (view.offsets[s], view.offsets[e]);
            // Nothing was decoded inside the match: the scan of the parent reports it.
            if ie - is == e - s && parent[is..ie] == view.bytes[s..e] {
                continue;
            }
            if let Some(outer) = outer {
                (is, ie) = (outer.offsets[is], outer.offsets[ie]);
            }
            let mut name = std::borrow::Cow::Borrowed(name);
            if let Some(p) = placed {
                if !(p.range.0..p.range.1).contains(&is) {
                    continue;
                }
                // Both base64 alphabets decode alike; name the one the input uses.
                if matches!(p.outer, Encoding::Base64 | Encoding::Base64Url)
                    && p.input[is..ie].iter().any(|c| matches!(c, b'-' | b'_'))
                {
                    name = name
                        .replacen(p.outer.name(), Encoding::Base64Url.name(), 1)
                        .into();
                }
            }
            f.offset = is;
            f.length = ie - is;
            f.encoding = if f.encoding == "literal" {
                name.into_owned()
            } else {
                format!("{name}>{}", f.encoding)
            };
            out.push(pattern.secret, f);
        }
    }

    /// Views of a view: escapes inside escapes (`%5Cu0041`, percent of `\u`; `\u0025`, `\u` of
    /// percent; entities of either), in the `regions` where the decoded text of the first view
    /// holds the second view's markers ([`Scanner::nested_regions`]). Only the mixed-escape
    /// views nest here: a fixed encoding inside a view is found by the automaton in the view
    /// itself.
    fn scan_nested_views(
        &self,
        first: &Decoded,
        enc: Encoding,
        regions: &[(Encoding, usize, usize)],
        hits: &mut Vec<(usize, u32)>,
        out: &mut Folder,
    ) {
        let mut inner = Decoded::default();
        for &(second, rs, re) in regions {
            encoding::decode_into(second, &first.bytes[rs..re], rs, &mut inner);
            let name = format!("{}>{}", enc.name(), second.name());
            let at = ViewAt {
                parent: &first.bytes,
                outer: Some(first),
                name: &name,
                placed: None,
            };
            self.scan_view(&inner, at, hits, out);
        }
    }

    /// The regions of the views nested in a view of `enc` whose decoded bytes are `first`
    /// ([`Scanner::scan_nested_views`]), into `out`: none when no secret is looked for.
    fn nested_regions(
        &self,
        first: &[u8],
        enc: Encoding,
        around: usize,
        out: &mut Vec<(Encoding, usize, usize)>,
    ) {
        out.clear();
        if self.automaton.is_empty() || enc == Encoding::Invisible {
            return;
        }
        for second in NESTED_VIEWS {
            let regions = view_regions(second, first, 0, first.len(), around);
            out.extend(regions.into_iter().map(|(rs, re)| (second, rs, re)));
        }
    }

    /// Folds a match of rule `r` at `offset` in the input, `length` bytes long, written in
    /// `encoding`.
    fn push_rule(
        &self,
        out: &mut Folder,
        r: usize,
        offset: usize,
        length: usize,
        encoding: impl Into<String>,
    ) {
        out.push(
            self.rule_key(r),
            Finding {
                offset,
                length,
                kind: Kind::Rule,
                id: self.rules[r].id.clone(),
                partial: false,
                encoding: encoding.into(),
            },
        );
    }

    /// The fold key of rule `r` (secrets come first).
    fn rule_key(&self, r: usize) -> usize {
        self.secrets.len() + r
    }

    /// Verifies a candidate of the automaton and folds what it finds, skipping the work a
    /// low-entropy input would repeat at every position:
    /// - a candidate whose match could neither widen its secret's open fold nor beat the fold's
    ///   most complete finding changes nothing, and is not verified (raw, hex, UTF-16 and
    ///   base64 matches have a known extent around the anchor);
    /// - in a chain that writes each byte as `r` input bytes in step ([`Unit`]), a whole match
    ///   at `t` that follows a whole match at `t' < t < t' + r·n`, where `(t - t') / r` is a
    ///   period of the secret, needs only its last `t - t'` bytes compared: the rest is the
    ///   previous match read at a shift the secret repeats at (as in Knuth-Morris-Pratt).
    ///   `runs` holds, per secret, unit and phase, the start of the last whole match.
    ///
    /// Both are exact for raw text and one layer of hex or UTF-16: what is folded is what
    /// verifying every candidate would fold.
    fn candidate(
        &self,
        input: &[u8],
        at: usize,
        pattern: &Pattern,
        runs: &mut [Option<usize>],
        cache: &mut ViewCache,
        out: &mut Folder,
    ) {
        let secret = &self.secrets[pattern.secret];
        let n = secret.bytes.len();
        let unit = pattern.unit;
        if let Some(unit) = unit {
            let r = unit.width();
            // The match lies in [at - r·k, at + r·(n - k)) and is at most r·n bytes long.
            let lo = at.saturating_sub(r * pattern.anchor_at);
            if out.holds(pattern.secret, lo, lo + r * n, r * n) {
                return;
            }
            if let Some(t) = at.checked_sub(r * pattern.anchor_at)
                && let run = &mut runs[unit.slot(pattern.secret, t)]
                && let Some(prev) = *run
                && let Some(d) = t
                    .checked_sub(prev)
                    .filter(|&d| d > 0 && d < r * n && d % r == 0)
                && secret.periods[d / r]
                && input
                    .get(prev + r * n..t + r * n)
                    .is_some_and(|tail| unit.reads_as(tail, &secret.bytes[n - d / r..]))
            {
                *run = Some(t);
                let m = Match {
                    offset: t,
                    length: r * n,
                    partial: false,
                };
                out.push_with(pattern.secret, &m, || self.name(input, m, pattern));
                return;
            }
        }
        if let [Encoding::Base64 | Encoding::Base64Url] = pattern.chain[..] {
            // Each byte of a match starts at its quad's first character, so a match lies within
            // whole quads around the anchor's core, and a whole one is at most 4·⌈n / 3⌉
            // characters long unless it ends the run (a quad more), which it cannot when the
            // fold already reaches past `hi`. Line breaks inside would stretch it: then it is
            // verified.
            let k = pattern.anchor_at;
            let lo = at.saturating_sub(4 * (k / 3 + 2));
            let hi = at + 4 * ((n - k) / 3 + 2);
            if out.holds(pattern.secret, lo, hi, 4 * n.div_ceil(3))
                && memchr::memchr2(b'\n', b'\r', &input[lo..hi.min(input.len())]).is_none()
            {
                return;
            }
        }
        let Some(m) = self.verify(input, at, pattern, cache) else {
            return;
        };
        if let Some(unit) = unit
            && !m.partial
            && m.length == unit.width() * n
        {
            runs[unit.slot(pattern.secret, m.offset)] = Some(m.offset);
        }
        out.push_with(pattern.secret, &m, || self.name(input, m, pattern));
    }

    /// Confirms a candidate at `at` for `pattern`: decodes around it, extends the anchor against
    /// the secret, and returns the match if at least [`PARTIAL`] bytes match. A raw candidate
    /// is compared in place, without a copy.
    fn verify(
        &self,
        input: &[u8],
        at: usize,
        pattern: &Pattern,
        cache: &mut ViewCache,
    ) -> Option<Match> {
        let secret = &self.secrets[pattern.secret].bytes;
        let alen = anchor_len(secret);
        let anchor = &secret[pattern.anchor_at..pattern.anchor_at + alen];
        let after = pattern.anchor_at + alen;
        let (left, right, offset, end) = if pattern.chain.is_empty() {
            if input.get(at..at + alen) != Some(anchor) {
                return None;
            }
            let left = common_suffix(&input[..at], &secret[..pattern.anchor_at]);
            let hi = (at + secret.len() + alen).min(input.len());
            let right = common_prefix(&input[at + alen..hi], &secret[after..]);
            (left, right, at - left, at + alen + right)
        } else {
            let outer = pattern.chain[0];
            let window = chain_window(&pattern.chain, secret.len()).min(self.window);
            let lo = region_start(outer, input, at, window);
            let hi = (at + window).min(input.len());
            let view = cache.view(input, lo, hi, outer);
            let q = locate(view, anchor, at)?;
            let extend = |q: usize| {
                if view.bytes.get(q..q + alen) != Some(anchor) {
                    return None;
                }
                let left = common_suffix(&view.bytes[..q], &secret[..pattern.anchor_at]);
                let right = common_prefix(&view.bytes[q + alen..], &secret[after..]);
                Some((left, right, q))
            };
            // A base64 core starts at the first byte of the group at the hit, and the anchor
            // zero, one or two bytes before it (the core's alignment, which patterns that read
            // alike share). Where the anchor recurs (a low-entropy secret), the nearest
            // occurrence need not be the one the core was cut from: each alignment is
            // extended, and the one a fold ranks first wins (most complete, then longest, then
            // earliest), so that verifying every candidate reaches every occurrence.
            let (left, right, q) = if matches!(outer, Encoding::Base64 | Encoding::Base64Url) {
                let core = view.offsets[..view.bytes.len()].partition_point(|&o| o < at);
                let rank = |&(left, right, q): &(usize, usize, usize)| {
                    let (s, e) = (view.offsets[q - left], view.offsets[q + alen + right]);
                    (left + right, e - s, std::cmp::Reverse(s))
                };
                (core.saturating_sub(2)..=core)
                    .filter_map(extend)
                    .max_by_key(rank)
                    .or_else(|| extend(q))?
            } else {
                extend(q)?
            };
            let (s, e) = (q - left, q + alen + right);
            (left, right, view.offsets[s], view.offsets[e])
        };
        let matched = left + alen + right;
        if matched < PARTIAL.min(secret.len()) {
            return None;
        }
        Some(Match {
            offset,
            length: end - offset,
            partial: matched < secret.len(),
        })
    }

    /// The finding of a verified match: the secret's fingerprint and the encoding chain, with
    /// the base64 alphabet the text in `input` uses.
    fn name(&self, input: &[u8], m: Match, pattern: &Pattern) -> Finding {
        let mut chain = pattern.chain;
        // Both base64 alphabets decode alike; name the one the encoded text actually uses.
        if let Some(first) = chain.first_mut()
            && matches!(first, Encoding::Base64 | Encoding::Base64Url)
        {
            let end = m.offset + m.length;
            let text = &input[m.offset.min(input.len())..end.min(input.len())];
            if text.iter().any(|c| matches!(c, b'-' | b'_')) {
                *first = Encoding::Base64Url;
            } else if text.iter().any(|c| matches!(c, b'+' | b'/')) {
                *first = Encoding::Base64;
            }
        }
        let encoding = if chain.is_empty() {
            "literal".to_owned()
        } else {
            let names: Vec<&str> = chain.iter().map(|e| e.name()).collect();
            names.join(">")
        };
        Finding {
            offset: m.offset,
            length: m.length,
            kind: Kind::Secret,
            id: self.secrets[pattern.secret].id.clone(),
            partial: m.partial,
            encoding,
        }
    }
}

/// An encoding chain that writes each byte of a secret as the same number of input bytes, in
/// step: raw text, and one layer of hex or UTF-16 of ASCII (two bytes a byte). A match in one of
/// these covers exactly `width` input bytes per secret byte, which [`Scanner::candidate`] uses
/// to skip repeated work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Unit {
    /// The layer; `None` for raw text.
    step: Option<Step>,
}

/// One fixed-width layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Hex = 0,
    Utf16Le = 1,
    Utf16Be = 2,
}

impl Step {
    /// Decodes `text` (two bytes a byte) as the decoder reads it, or `None` when it does not
    /// read as this layer throughout.
    fn decode(self, text: &[u8]) -> Option<Vec<u8>> {
        if !text.len().is_multiple_of(2) {
            return None;
        }
        text.chunks_exact(2)
            .map(|u| match self {
                Step::Hex => Some(hex_value(u[0])? << 4 | hex_value(u[1])?),
                Step::Utf16Le => (u[1] == 0 && u[0].is_ascii()).then_some(u[0]),
                Step::Utf16Be => (u[0] == 0 && u[1].is_ascii()).then_some(u[1]),
            })
            .collect()
    }
}

impl Unit {
    /// Slots per secret in [`Scanner::candidate`]'s `runs`: one per unit (raw and three
    /// layers) and phase (hex of zeros reads as hex at every offset, odd and even).
    const SLOTS: usize = 4 * 2;

    /// The slot of the last whole match of `secret` in this unit, at `t`'s phase.
    fn slot(self, secret: usize, t: usize) -> usize {
        let id = self.step.map_or(0, |s| 1 + s as usize);
        secret * Unit::SLOTS + 2 * id + t % self.width()
    }

    fn of(chain: &[Encoding], secret: &[u8]) -> Option<Unit> {
        match chain {
            [] => Some(Unit { step: None }),
            [Encoding::Hex] => Some(Unit {
                step: Some(Step::Hex),
            }),
            // UTF-16 of a non-ASCII secret is not two bytes a byte.
            [Encoding::Utf16Le] if secret.is_ascii() => Some(Unit {
                step: Some(Step::Utf16Le),
            }),
            [Encoding::Utf16Be] if secret.is_ascii() => Some(Unit {
                step: Some(Step::Utf16Be),
            }),
            _ => None,
        }
    }

    fn width(self) -> usize {
        if self.step.is_some() { 2 } else { 1 }
    }

    /// Whether `encoded` (`width` bytes per byte) is `plain` in this chain, as the decoders
    /// read it (hex digits in either case).
    fn reads_as(self, encoded: &[u8], plain: &[u8]) -> bool {
        if encoded.len() != plain.len() * self.width() {
            return false;
        }
        match self.step {
            None => encoded == plain,
            Some(step) => step.decode(encoded).is_some_and(|text| text == plain),
        }
    }
}

/// How far around a candidate the verifier decodes for a secret of `n` bytes in `chain`: the
/// longest the chain writes it, a sixteenth more for line breaks inside base64 (MIME and PEM
/// break every 64 or 76 characters), plus 64. A window
/// sized for the longest secret in the deepest chain made every candidate of a short secret
/// decode hundreds of bytes, at every position of a low-entropy run.
fn chain_window(chain: &[Encoding], n: usize) -> usize {
    let (num, den) = chain
        .iter()
        .fold((1usize, 1usize), |(num, den), e| match e {
            Encoding::Base64 | Encoding::Base64Url => (num * 4, den * 3),
            Encoding::JsonEscape | Encoding::HtmlEntity => (num * 6, den),
            Encoding::Percent => (num * 3, den),
            _ => (num * 2, den),
        });
    let longest = (n * num).div_ceil(den);
    longest + longest / 16 + 64
}

/// The last region a verifier decoded, kept for the next candidate: the anchors of one secret
/// that a low-entropy run matches at one position (`AAAA…` holds the same block at several
/// offsets of the secret) all decode the same region in the same chain.
#[derive(Debug, Default)]
struct ViewCache {
    /// The text decoded (its address and length), the region and the encoding.
    key: Option<(usize, usize, usize, usize, Encoding)>,
    view: Decoded,
}

impl ViewCache {
    fn view(&mut self, input: &[u8], lo: usize, hi: usize, enc: Encoding) -> &Decoded {
        let key = (input.as_ptr() as usize, input.len(), lo, hi, enc);
        if self.key != Some(key) {
            encoding::decode_into(enc, &input[lo..hi], lo, &mut self.view);
            self.key = Some(key);
        }
        &self.view
    }
}

/// Where a decoded view lies, and how its findings are named ([`Scanner::scan_view`]).
#[derive(Debug, Clone, Copy)]
struct ViewAt<'a> {
    /// The text the view was decoded from.
    parent: &'a [u8],
    /// For a view of a view: the first view, whose offsets map `parent` to the input.
    outer: Option<&'a Decoded>,
    /// The view's encoding in a finding's chain.
    name: &'a str,
    /// For a view of a text piece: where the piece lies.
    placed: Option<Placed<'a>>,
}

/// Where a view of a text piece lies ([`Scanner::scan_encoded_pieces`]).
#[derive(Debug, Clone, Copy)]
struct Placed<'a> {
    input: &'a [u8],
    /// The piece's encoding; of base64's two alphabets, the one the input uses is named.
    outer: Encoding,
    /// The range a finding must start in to be reported by this scan.
    range: (usize, usize),
    /// Whether a match of the raw anchor is kept: in the piece itself it is the one layer the
    /// index finds in the input; in an escape view inside the piece it is the second layer.
    literal: bool,
}

/// A verified candidate before it is named: where it lies in the text it was verified in.
#[derive(Debug, Clone, Copy)]
struct Match {
    offset: usize,
    length: usize,
    partial: bool,
}

/// How many leading bytes `a` and `b` share (compared eight at a time: a long run of a
/// periodic secret is extended once per candidate).
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 8 <= n && a[i..i + 8] == b[i..i + 8] {
        i += 8;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// How many trailing bytes `a` and `b` share.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut i = 0;
    while i + 8 <= n && a[n - i - 8..n - i] == b[n - i - 8..n - i] {
        i += 8;
    }
    while i < n && a[n - i - 1] == b[n - i - 1] {
        i += 1;
    }
    i
}

/// The findings of one id that overlap, seen so far: where they start and end together, and the
/// most complete of them, the one a report names.
///
/// Clusters: the partial literal runs between `%2E`s of a percent-encoded token, UTF-16BE seen
/// one byte into UTF-16LE text, a rule match found again from inside a token by the next piece,
/// or a partial match that starts in the text just before the whole secret, are the same leak.
/// Two leaks of one secret cannot share bytes. The finding kept is the most complete one: whole
/// over partial, then the longest, then the earliest. (ASCII in UTF-16 framed by more UTF-16
/// text reads as either byte order one byte apart, at equal length; the earlier reading is
/// named.)
///
/// A fold's findings are connected (each overlaps the others' union), so its stretch
/// `[start, reach)` is one interval, and a finding overlaps the stretch exactly when it overlaps
/// one of them: folds merge as their findings would, whatever order they were made in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fold {
    start: usize,
    reach: usize,
    best: Finding,
}

impl Fold {
    fn new(f: Finding) -> Fold {
        Fold {
            start: f.offset,
            reach: f.offset + f.length,
            best: f,
        }
    }

    /// The finding a report names.
    pub fn best(&self) -> &Finding {
        &self.best
    }

    /// Moves the fold by `by` bytes (a window's findings to input offsets).
    pub fn shift(&mut self, by: usize) {
        self.start += by;
        self.reach += by;
        self.best.offset += by;
    }

    fn overlaps(&self, start: usize, reach: usize) -> bool {
        start < self.reach && self.start < reach
    }

    /// Adds an overlapping fold, in any order.
    fn merge(&mut self, other: &Fold) {
        self.start = self.start.min(other.start);
        self.reach = self.reach.max(other.reach);
        if completeness(&other.best) > completeness(&self.best) {
            self.best = other.best.clone();
        }
    }
}

/// Which finding of a cluster is kept: whole over partial, then the longest, then the earliest;
/// between equals the greatest finding, so the choice does not depend on the order they came in.
fn completeness(f: &Finding) -> (bool, usize, std::cmp::Reverse<usize>, &Finding) {
    (!f.partial, f.length, std::cmp::Reverse(f.offset), f)
}

/// Folds findings as a scan makes them: per key (a secret's or a rule's index), the open fold
/// takes every finding that overlaps it, and one that does not closes it. A scan's findings come
/// mostly in order of position, so a run of a million overlapping findings is one fold, not a
/// million findings.
#[derive(Debug, Default)]
struct Folder {
    open: Vec<Option<Fold>>,
    closed: Vec<Fold>,
}

impl Folder {
    fn new(keys: usize) -> Folder {
        Folder {
            open: vec![None; keys],
            closed: Vec::new(),
        }
    }

    fn push(&mut self, key: usize, f: Finding) {
        let m = Match {
            offset: f.offset,
            length: f.length,
            partial: f.partial,
        };
        self.push_with(key, &m, || f);
    }

    /// Folds a match, naming it (`name`, which allocates) only when it opens a fold or may be
    /// the fold's most complete finding.
    fn push_with(&mut self, key: usize, m: &Match, name: impl FnOnce() -> Finding) {
        let (start, reach) = (m.offset, m.offset + m.length);
        match &mut self.open[key] {
            Some(fold) if fold.overlaps(start, reach) => {
                fold.start = fold.start.min(start);
                fold.reach = fold.reach.max(reach);
                let best = &fold.best;
                let rank = |partial: bool, length: usize, offset: usize| {
                    (!partial, length, std::cmp::Reverse(offset))
                };
                if rank(m.partial, m.length, m.offset)
                    >= rank(best.partial, best.length, best.offset)
                {
                    let f = name();
                    if completeness(&f) > completeness(&fold.best) {
                        fold.best = f;
                    }
                }
            }
            slot => {
                if let Some(done) = slot.replace(Fold::new(name())) {
                    self.closed.push(done);
                }
            }
        }
    }

    /// Whether a finding of at most `longest` bytes lying in `[lo, hi)` would change nothing in
    /// the open fold of `key`: the fold already covers `[lo, hi)`, and its most complete finding
    /// is whole and either longer, or as long and earlier.
    fn holds(&self, key: usize, lo: usize, hi: usize, longest: usize) -> bool {
        self.open[key].as_ref().is_some_and(|fold| {
            let best = &fold.best;
            fold.start <= lo
                && hi <= fold.reach
                && !best.partial
                && (best.length > longest || (best.length == longest && best.offset < lo))
        })
    }

    fn finish(mut self) -> Vec<Fold> {
        self.closed.extend(self.open.into_iter().flatten());
        self.closed
    }
}

/// Merges the folds of a scan into clusters, window by window, keeping one finding per cluster
/// of overlapping findings with the same id ([`Fold`]): a stream can hand over a cluster's
/// finding as soon as no later window can add to that cluster.
///
/// Folds are kept per id in order of their start. Given a frontier (no fold still to come starts
/// before it), a cluster that ends at or before the frontier is settled; settled findings are
/// handed over in offset order, and only once no unsettled cluster starts before them, so the
/// findings come out exactly as a scan of the whole input returns them. The part of an
/// unsettled cluster before the frontier is folded into one [`Fold`] (every fold still to come
/// sorts after it), so a cluster that runs on for gigabytes holds three values, not its findings.
#[derive(Debug, Default)]
pub struct Clusters {
    /// Per id: the folded start of its unsettled cluster, and the folds after it.
    pending: BTreeMap<String, (Option<Fold>, BTreeSet<Fold>)>,
    /// Settled findings not yet handed over, by (offset, id).
    ready: BTreeSet<(usize, String, Finding)>,
}

impl Clusters {
    /// Adds the folds of any window, in any order, none starting before the last frontier given
    /// to [`Clusters::settled`]; a fold seen twice counts once.
    pub fn extend(&mut self, found: impl IntoIterator<Item = Fold>) {
        for f in found {
            match self.pending.get_mut(&f.best.id) {
                Some((_, set)) => {
                    set.insert(f);
                }
                None => {
                    let id = f.best.id.clone();
                    self.pending.insert(id, (None, BTreeSet::from([f])));
                }
            }
        }
    }

    /// Hands over, sorted by offset (then id), every settled finding that no finding yet to come
    /// can precede, when no fold still to come starts before `frontier`. `usize::MAX` settles
    /// everything.
    pub fn settled(&mut self, frontier: usize) -> Vec<Finding> {
        // Where the earliest unsettled cluster starts: nothing at or after it is handed over.
        let mut hold = frontier;
        for (prefix, set) in self.pending.values_mut() {
            // The cluster being built, and its folds while it may still have to be kept as
            // folds (it started at or after the frontier).
            let mut cur: Option<Fold> = prefix.take();
            let mut members: Vec<Fold> = Vec::new();
            let mut rest: Vec<Fold> = Vec::new();
            for f in std::mem::take(set) {
                if !rest.is_empty() {
                    rest.push(f);
                    continue;
                }
                match &mut cur {
                    Some(c) if f.start < c.reach => {
                        c.merge(&f);
                        members.push(f);
                    }
                    Some(c) if c.reach <= frontier => {
                        self.ready
                            .insert((c.best.offset, c.best.id.clone(), c.best.clone()));
                        cur = Some(f.clone());
                        members = vec![f];
                    }
                    // This cluster is unsettled, so is every later one: keep them as they are.
                    Some(_) => rest.push(f),
                    None => {
                        cur = Some(f.clone());
                        members = vec![f];
                    }
                }
            }
            match cur {
                Some(c) if c.reach <= frontier && rest.is_empty() => {
                    self.ready
                        .insert((c.best.offset, c.best.id.clone(), c.best));
                }
                Some(c) => {
                    hold = hold.min(c.start);
                    if c.start < frontier {
                        // Every fold still to come sorts after all of this cluster's start.
                        *prefix = Some(c);
                    } else {
                        // A fold still to come may sort before this cluster: keep its parts.
                        set.extend(members);
                    }
                }
                None => {}
            }
            set.extend(rest);
        }
        self.pending
            .retain(|_, (prefix, set)| prefix.is_some() || !set.is_empty());
        let mut out = Vec::new();
        while self.ready.first().is_some_and(|first| first.0 < hold) {
            if let Some((_, _, f)) = self.ready.pop_first() {
                out.push(f);
            }
        }
        out
    }

    /// The earliest offset of a finding not yet handed over (pending or settled), if any.
    pub fn earliest(&self) -> Option<usize> {
        let pending = self.pending.values().flat_map(|(prefix, set)| {
            let folded = prefix.iter().flat_map(|c| [c.start, c.best.offset]);
            folded.chain(set.first().map(|f| f.start))
        });
        pending.chain(self.ready.first().map(|r| r.0)).min()
    }
}

/// The decoded bytes of one view's regions, end to end, and for each region its span in the
/// input and where it ends in `bytes`.
#[derive(Debug, Default)]
struct Batch {
    bytes: Vec<u8>,
    /// `(input start, input end, end in bytes)` of each region, in order.
    regions: Vec<(usize, usize, usize)>,
}

impl Batch {
    fn clear(&mut self) {
        self.bytes.clear();
        self.regions.clear();
    }

    fn append(&mut self, decoded: &[u8], span: (usize, usize)) {
        self.bytes.extend_from_slice(decoded);
        self.regions.push((span.0, span.1, self.bytes.len()));
    }
}

/// The decoded position of `anchor` whose input offset is nearest to the hit at `at` (a base64
/// core may start a group or two after the anchor's first byte).
///
/// The decoded bytes whose offset is `at` itself (nearest of all) are tried first: on a
/// low-entropy run the anchor occurs at every position, and searching the whole view for the
/// nearest one cost as much as decoding it. The first of them that holds the anchor is what the
/// full search would pick (the earliest of the nearest).
fn locate(view: &Decoded, anchor: &[u8], at: usize) -> Option<usize> {
    let offsets = &view.offsets[..view.bytes.len()];
    let first = offsets.partition_point(|&o| o < at);
    let exact = offsets[first..].iter().take_while(|&&o| o == at).count();
    (first..first + exact)
        .find(|&q| view.bytes[q..].starts_with(anchor))
        .or_else(|| {
            memchr::memmem::find_iter(&view.bytes, anchor)
                .min_by_key(|&q| view.offsets[q].abs_diff(at))
        })
}

/// Where to start decoding so that `at` is on a unit boundary of `enc` (base64 groups of four
/// characters, not counting line breaks; hex and UTF-16 pairs), at most `window` bytes back.
fn region_start(enc: Encoding, input: &[u8], at: usize, window: usize) -> usize {
    let floor = at.saturating_sub(window);
    match enc {
        Encoding::Base64 | Encoding::Base64Url => {
            let mut start = at;
            let mut count = 0;
            let mut i = at;
            while i > floor {
                let c = input[i - 1];
                if c == b'\n' || c == b'\r' {
                    i -= 1;
                    continue;
                }
                if !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_')) {
                    break;
                }
                i -= 1;
                count += 1;
                if count % 4 == 0 {
                    start = i;
                }
            }
            start
        }
        Encoding::Hex => {
            // Back over hex digits by pairs: decoding starts inside the hex run, in step with `at`.
            let mut i = at;
            while i >= floor + 2
                && input[i - 1].is_ascii_hexdigit()
                && input[i - 2].is_ascii_hexdigit()
            {
                i -= 2;
            }
            i
        }
        Encoding::Utf16Le | Encoding::Utf16Be => at - (at - floor) / 2 * 2,
        _ => floor,
    }
}

/// The longest view region decoded at once, unless a finding may be longer ([`view_regions`]).
const REGION_CAP: usize = 64 * 1024;

/// Regions around the markers of a mixed-escape encoding whose marker lies in `[start, end)`,
/// merged when they overlap. A region stops at a line break or at `window` bytes from a marker.
fn view_regions(
    enc: Encoding,
    input: &[u8],
    start: usize,
    end: usize,
    window: usize,
) -> Vec<(usize, usize)> {
    // Built once: views of views ask for the regions of every decoded region, and building a
    // searcher for each was a fiftieth of a scan.
    static MARKERS: LazyLock<[memchr::memmem::Finder<'static>; 4]> =
        LazyLock::new(|| [&b"\\u"[..], b"%", b"&#", b""].map(memchr::memmem::Finder::new));
    static LAST_MARKERS: LazyLock<[memchr::memmem::FinderRev<'static>; 3]> =
        LazyLock::new(|| [&b"\\u"[..], b"%", b"&#"].map(memchr::memmem::FinderRev::new));
    let (finder, last_marker) = match enc {
        Encoding::JsonEscape => (&MARKERS[0], Some(&LAST_MARKERS[0])),
        Encoding::Percent => (&MARKERS[1], Some(&LAST_MARKERS[1])),
        Encoding::HtmlEntity => (&MARKERS[2], Some(&LAST_MARKERS[2])),
        Encoding::Invisible => (&MARKERS[3], None),
        _ => return Vec::new(),
    };
    let mut regions: Vec<(usize, usize)> = Vec::new();
    let mut invisibles = (enc == Encoding::Invisible).then(|| Invisibles::new(input, start, end));
    let mut pos = start;
    while pos < end {
        let found = match &mut invisibles {
            // Candidates before `pos` lie in a region already made.
            Some(it) => it.by_ref().find(|&m| m >= pos),
            None => finder.find(&input[pos..end]).map(|i| pos + i),
        };
        let Some(m) = found else {
            break;
        };
        if enc == Encoding::Percent
            && !(input.get(m + 1).is_some_and(u8::is_ascii_hexdigit)
                && input.get(m + 2).is_some_and(u8::is_ascii_hexdigit))
        {
            pos = m + 1;
            continue;
        }
        let lo_floor = m.saturating_sub(window);
        let lo = memchr::memrchr(b'\n', &input[lo_floor..m]).map_or(lo_floor, |n| lo_floor + n + 1);
        // The region's end, `window` bytes after `from` or at the line break before, and
        // whether it stopped short of a line break and of the end.
        let reach = |from: usize| {
            let cap = (from + window).min(input.len());
            match memchr::memchr(b'\n', &input[from..cap]) {
                Some(n) => (from + n, false),
                None => (cap, cap < input.len()),
            }
        };
        let (mut hi, mut open) = reach(m);
        // The markers after `m` inside the region are not searched for one by one (a run of
        // escapes holds one every few bytes): a region cut at `window` reaches that far past
        // the last of them, so an escape that starts inside is decoded whole, and so is a
        // finding that starts at it.
        // (Up to a region's cap: past it, the next marker's region is merged or split below.)
        while open
            && hi - m < REGION_CAP.max(4 * window)
            && let Some(last_marker) = last_marker
            && let Some(last) = last_marker.rfind(&input[m..hi]).map(|i| m + i)
        {
            let further = reach(last);
            if further.0 <= hi {
                break;
            }
            (hi, open) = further;
        }
        match regions.last_mut() {
            // A region grows no longer than REGION_CAP (a run of escapes with no line break
            // would be decoded whole, nine bytes of memory per input byte); the next one
            // starts `2 * window` bytes before the end of the last, so a finding of up to
            // `window` bytes that crosses the cut lies whole in one of them, past the few
            // bytes a decoder started inside an escape garbles.
            Some(last) if lo <= last.1 && hi - last.0 > REGION_CAP.max(4 * window) => {
                let next = last.1.saturating_sub(2 * window).max(last.0 + 1);
                regions.push((next, hi));
            }
            Some(last) if lo <= last.1 => last.1 = last.1.max(hi),
            _ => regions.push((lo, hi)),
        }
        // The rest of this region is covered; continue after it.
        pos = hi.max(m + 1);
    }
    regions
}

/// The default-ignorable code points starting in `[from, to)`, in order. Their UTF-8 encodings
/// start with one of nine lead bytes; three `memchr3` searches find the candidates fast in ASCII
/// text, each search's next hit is kept until passed (so dense non-ASCII text is still read once
/// per search), and each candidate is decoded and checked.
struct Invisibles<'a> {
    input: &'a [u8],
    pos: usize,
    to: usize,
    /// The next candidate of each search at or after `pos` (`None`: none left).
    next: [Option<usize>; 3],
}

const INVISIBLE_LEADS: [[u8; 3]; 3] = [[0xC2, 0xCD, 0xD8], [0xE1, 0xE2, 0xE3], [0xEF, 0xF0, 0xF3]];

impl<'a> Invisibles<'a> {
    fn new(input: &'a [u8], from: usize, to: usize) -> Invisibles<'a> {
        let mut it = Invisibles {
            input,
            pos: from,
            to,
            next: [None; 3],
        };
        for g in 0..3 {
            it.next[g] = it.search(g, from);
        }
        it
    }

    fn search(&self, group: usize, from: usize) -> Option<usize> {
        let [a, b, c] = INVISIBLE_LEADS[group];
        memchr::memchr3(a, b, c, self.input.get(from..self.to)?).map(|i| from + i)
    }
}

impl Iterator for Invisibles<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        loop {
            let (group, at) = self
                .next
                .iter()
                .enumerate()
                .filter_map(|(g, n)| n.map(|n| (g, n)))
                .min_by_key(|&(_, n)| n)?;
            self.pos = at + 1;
            self.next[group] = self.search(group, self.pos);
            let tail = &self.input[at..(at + 4).min(self.input.len())];
            let first = tail
                .utf8_chunks()
                .next()
                .and_then(|chunk| chunk.valid().chars().next());
            if first.is_some_and(crate::token::shapes::is_default_ignorable) {
                return Some(at);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run of escapes longer than the window is one region that holds its last escape whole
    /// and reaches `window` bytes past it (or the line break), whatever the run's length: the
    /// markers inside a region are not searched for one by one, and a region that ended
    /// `window` bytes after the marker that opened it cut the run's last escape in two.
    #[test]
    fn a_view_region_reaches_past_the_last_escape_of_a_run() {
        for window in 8..40 {
            for run in 1..80 {
                let mut input = b"key: ".to_vec();
                for _ in 0..run {
                    input.extend_from_slice(b"\\u0041");
                }
                let last = input.len() - 6;
                input.extend_from_slice(&[b'x'; 100]);
                input.push(b'\n');
                let regions = view_regions(Encoding::JsonEscape, &input, 0, input.len(), window);
                let want = (last + window).min(input.len() - 1);
                assert!(
                    regions.iter().any(|&(s, e)| s <= 5 && e >= want),
                    "window {window}, run {run}: {regions:?}, want 0..{want}"
                );
            }
        }
    }
}
