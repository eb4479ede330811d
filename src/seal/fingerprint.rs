//! The layered fingerprints of a file (SPEC 3.1), computed in one streaming pass.
//!
//! Sealing and diagnosis use the same [`Fingerprinter`], so a file that was sealed and is read
//! again unchanged always yields the same fingerprints. Memory stays bounded:
//!
//! - raw SHA-256 and length: streamed;
//! - text features (BOM, line endings, final newline) and N1 (BOM removed, CRLF/CR to LF, trailing
//!   LFs removed): streamed, with a few bytes of carry for UTF-8 sequences and CR/LF pairs split
//!   across reads;
//! - N2 (NFKC, look-alike folding, UTS #39 skeleton): applied to N1 text in pieces cut just before
//!   an ASCII character. No normalization or confusable mapping ever joins a character with a
//!   following ASCII character, so cutting there gives the same result as normalizing the whole
//!   text. A run of [`N2_PIECE_MAX`] bytes without ASCII is cut at a character boundary; where that
//!   cut falls depends only on the text, so sealing and verifying still agree;
//! - JSON: the document is kept only up to the strict loader's size limit (16 MiB).

use sha2::{Digest as _, Sha256};
use unicode_normalization::UnicodeNormalization;

use super::model::{Artifact, Eol, JsonFingerprint, TextFingerprint};
use super::path::SealPath;
use crate::digest::Digest;
use crate::strict_json::{self, DEFAULT_SIZE_LIMIT, canonical};

/// Longest stretch of N1 text held before N2 is applied to it, when no ASCII cut point appears.
pub const N2_PIECE_MAX: usize = 16 * 1024 * 1024;

/// N2 is applied once this much N1 text is pending (and an ASCII cut point exists).
const N2_PIECE_MIN: usize = 64 * 1024;

const BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// Everything sealprobe knows about a file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprints {
    pub bytes: u64,
    pub sha256: Digest,
    pub text: Option<TextFingerprint>,
    pub json: Option<JsonFingerprint>,
}

impl Fingerprints {
    /// The seal's record of a file at `path` with these fingerprints.
    pub fn into_artifact(self, path: SealPath) -> Artifact {
        Artifact {
            path,
            bytes: self.bytes,
            sha256: self.sha256,
            text: self.text,
            json: self.json,
        }
    }
}

/// Streaming computation of [`Fingerprints`]: feed it with [`Fingerprinter::update`].
pub struct Fingerprinter {
    sha: Sha256,
    bytes: u64,
    /// First bytes, held until we know whether the file starts with a BOM.
    head: Vec<u8>,
    started: bool,
    text: Option<TextState>,
    json: Option<Vec<u8>>,
}

impl Default for Fingerprinter {
    fn default() -> Self {
        Self::new()
    }
}

impl Fingerprinter {
    pub fn new() -> Fingerprinter {
        Fingerprinter {
            sha: Sha256::new(),
            bytes: 0,
            head: Vec::new(),
            started: false,
            text: Some(TextState::default()),
            json: Some(Vec::new()),
        }
    }

    pub fn update(&mut self, data: &[u8]) {
        self.sha.update(data);
        self.bytes = self.bytes.saturating_add(data.len() as u64);
        if let Some(j) = &mut self.json {
            if j.len() + data.len() > DEFAULT_SIZE_LIMIT + BOM.len() {
                self.json = None;
            } else {
                j.extend_from_slice(data);
            }
        }
        if self.started {
            self.feed_text(data);
            return;
        }
        self.head.extend_from_slice(data);
        if self.head.len() >= BOM.len() {
            self.start_text();
        }
    }

    fn start_text(&mut self) {
        self.started = true;
        let head = std::mem::take(&mut self.head);
        let body = match head.strip_prefix(BOM) {
            Some(rest) => {
                if let Some(t) = &mut self.text {
                    t.bom = true;
                }
                rest
            }
            None => &head[..],
        };
        self.feed_text(body);
    }

    fn feed_text(&mut self, data: &[u8]) {
        if let Some(t) = &mut self.text
            && !t.update(data)
        {
            self.text = None;
        }
    }

    pub fn finish(mut self) -> Fingerprints {
        if !self.started {
            self.start_text();
        }
        let text = self.text.and_then(TextState::finish);
        let json = self.json.and_then(|doc| {
            let body = doc.strip_prefix(BOM).unwrap_or(&doc);
            let node = strict_json::parse(body).ok()?;
            Some(JsonFingerprint {
                canonical_sha256: Digest::of(&canonical::jcs(&node)),
            })
        });
        Fingerprints {
            bytes: self.bytes,
            sha256: Digest(self.sha.finalize().into()),
            text,
            json,
        }
    }
}

/// Fingerprints of an in-memory byte string (tests, small inputs).
pub fn fingerprints_of(data: &[u8]) -> Fingerprints {
    let mut f = Fingerprinter::new();
    f.update(data);
    f.finish()
}

#[derive(Default)]
struct TextState {
    bom: bool,
    /// Bytes of an incomplete UTF-8 sequence at the end of the last read.
    utf8_carry: Vec<u8>,
    saw_lf: bool,
    saw_crlf: bool,
    saw_cr: bool,
    pending_cr: bool,
    /// Newlines seen but not yet written to N1: they are dropped if the text ends here.
    pending_lfs: u64,
    last_byte: Option<u8>,
    n1: Sha256,
    n2: Sha256,
    /// N1 text not yet folded into N2.
    n2_pending: String,
    scratch: Vec<u8>,
}

impl TextState {
    /// Feeds bytes; returns false once the text is known not to be UTF-8.
    fn update(&mut self, data: &[u8]) -> bool {
        if data.is_empty() {
            return true;
        }
        self.last_byte = data.last().copied();
        let joined: Vec<u8>;
        let input: &[u8] = if self.utf8_carry.is_empty() {
            data
        } else {
            let mut j = std::mem::take(&mut self.utf8_carry);
            j.extend_from_slice(data);
            joined = j;
            &joined
        };
        let (valid, rest) = match std::str::from_utf8(input) {
            Ok(s) => (s, &[][..]),
            Err(e) if e.error_len().is_none() => {
                let (ok, rest) = input.split_at(e.valid_up_to());
                // `ok` is valid by construction of `valid_up_to`.
                match std::str::from_utf8(ok) {
                    Ok(s) => (s, rest),
                    Err(_) => return false,
                }
            }
            Err(_) => return false,
        };
        let rest = rest.to_vec();
        self.push_n1(valid);
        self.utf8_carry = rest;
        true
    }

    fn push_n1(&mut self, s: &str) {
        let bytes = s.as_bytes();
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        let mut i = 0;
        for idx in memchr::memchr2_iter(b'\r', b'\n', bytes) {
            if idx > i {
                self.content(&bytes[i..idx], &mut out);
            }
            if bytes[idx] == b'\n' {
                if self.pending_cr {
                    self.pending_cr = false;
                    self.saw_crlf = true;
                } else {
                    self.saw_lf = true;
                    self.pending_lfs += 1;
                }
            } else {
                if self.pending_cr {
                    self.saw_cr = true;
                }
                self.pending_cr = true;
                self.pending_lfs += 1;
            }
            i = idx + 1;
        }
        if i < bytes.len() {
            self.content(&bytes[i..], &mut out);
        }
        self.n1.update(&out);
        // `out` holds whole characters of valid UTF-8 text with newlines replaced by LF.
        if let Ok(text) = std::str::from_utf8(&out) {
            self.n2_pending.push_str(text);
        }
        self.scratch = out;
        self.flush_n2(false);
    }

    fn content(&mut self, run: &[u8], out: &mut Vec<u8>) {
        if self.pending_cr {
            self.saw_cr = true;
            self.pending_cr = false;
        }
        for _ in 0..self.pending_lfs {
            out.push(b'\n');
        }
        self.pending_lfs = 0;
        out.extend_from_slice(run);
    }

    /// Applies N2 to the pending text up to the last safe cut point (all of it at the end).
    fn flush_n2(&mut self, at_end: bool) {
        let cut = if at_end {
            self.n2_pending.len()
        } else {
            if self.n2_pending.len() < N2_PIECE_MIN {
                return;
            }
            match self.n2_pending.bytes().rposition(|b| b.is_ascii()) {
                Some(p) if p > 0 => p,
                _ if self.n2_pending.len() >= N2_PIECE_MAX => {
                    let mut p = N2_PIECE_MAX;
                    while !self.n2_pending.is_char_boundary(p) {
                        p -= 1;
                    }
                    p
                }
                _ => return,
            }
        };
        let piece: String = self.n2_pending.drain(..cut).collect();
        if let Some(fast) = ascii_n2(&piece) {
            for b in piece.bytes() {
                self.n2.update(fast[usize::from(b)].as_bytes());
            }
            return;
        }
        let folded: String = piece.nfkc().map(fold_lookalike).collect();
        let mut buf = [0u8; 4];
        for c in unicode_security::skeleton(&folded) {
            self.n2.update(c.encode_utf8(&mut buf).as_bytes());
        }
    }

    fn finish(mut self) -> Option<TextFingerprint> {
        if !self.utf8_carry.is_empty() {
            return None; // ends inside a UTF-8 sequence: not text
        }
        if self.pending_cr {
            self.saw_cr = true;
        }
        self.flush_n2(true);
        let eol = match (self.saw_lf, self.saw_crlf, self.saw_cr) {
            (false, false, false) => Eol::None,
            (true, false, false) => Eol::Lf,
            (false, true, false) => Eol::Crlf,
            (false, false, true) => Eol::Cr,
            _ => Eol::Mixed,
        };
        Some(TextFingerprint {
            bom: self.bom,
            eol,
            final_newline: matches!(self.last_byte, Some(b'\n' | b'\r')),
            lf_sha256: Digest(self.n1.finalize().into()),
            skeleton_sha256: Digest(self.n2.finalize().into()),
        })
    }
}

/// The N2 text of each ASCII character, for a piece that can be done one character at a time:
/// most text is ASCII, and the full path (NFKC, folding, the UTS #39 skeleton's two NFDs and a
/// prototype search per character) was a quarter of the gate's time. The table is made with
/// that same full path, one character at a time, and is used only when every character of the
/// piece has an ASCII result: NFKC and NFD leave ASCII alone and only reorder combining marks,
/// which ASCII has none of, so the skeleton of such a piece is the concatenation of its
/// characters' skeletons (`tests::ascii_n2_is_the_full_n2` checks it on random text).
fn ascii_n2(piece: &str) -> Option<&'static [String; 128]> {
    static TABLE: std::sync::OnceLock<([String; 128], [bool; 128])> = std::sync::OnceLock::new();
    let (n2, local) = TABLE.get_or_init(|| {
        let full = |c: char| -> String {
            let folded: String = c.to_string().nfkc().map(fold_lookalike).collect();
            unicode_security::skeleton(&folded).collect()
        };
        let n2: [String; 128] = std::array::from_fn(|i| full(char::from(i as u8)));
        let local: [bool; 128] = std::array::from_fn(|i| n2[i].is_ascii());
        (n2, local)
    });
    piece
        .bytes()
        .all(|b| b.is_ascii() && local[usize::from(b)])
        .then_some(n2)
}

/// Folds characters people read as the same punctuation: every Unicode dash to `-`, quotation
/// marks to `"` or `'`, space separators to a space. Applied after NFKC, before the skeleton.
fn fold_lookalike(c: char) -> char {
    match c {
        // Dash=Yes (PropList.txt), and the minus sign.
        '\u{058A}'
        | '\u{05BE}'
        | '\u{1400}'
        | '\u{1806}'
        | '\u{2010}'..='\u{2015}'
        | '\u{2053}'
        | '\u{207B}'
        | '\u{208B}'
        | '\u{2212}'
        | '\u{2E17}'
        | '\u{2E1A}'
        | '\u{2E3A}'
        | '\u{2E3B}'
        | '\u{2E40}'
        | '\u{2E5D}'
        | '\u{301C}'
        | '\u{3030}'
        | '\u{30A0}'
        | '\u{FE31}'
        | '\u{FE32}'
        | '\u{FE58}'
        | '\u{FE63}'
        | '\u{FF0D}'
        | '\u{10EAD}' => '-',
        // Quotation_Mark=Yes: single-like and double-like.
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2039}' | '\u{203A}'
        | '\u{FF07}' | '\u{300C}' | '\u{300D}' | '\u{FF62}' | '\u{FF63}' | '\u{FE41}'
        | '\u{FE42}' => '\'',
        '\u{00AB}'
        | '\u{00BB}'
        | '\u{201C}'..='\u{201F}'
        | '\u{2E42}'
        | '\u{300E}'
        | '\u{300F}'
        | '\u{301D}'..='\u{301F}'
        | '\u{FE43}'
        | '\u{FE44}'
        | '\u{FF02}' => '"',
        // Zs: space separators.
        '\u{00A0}'
        | '\u{1680}'
        | '\u{2000}'..='\u{200A}'
        | '\u{202F}'
        | '\u{205F}'
        | '\u{3000}' => ' ',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// N2 of `text` by the full path only.
    fn full_n2(text: &str) -> Digest {
        let folded: String = text.nfkc().map(fold_lookalike).collect();
        let mut h = Sha256::new();
        let mut buf = [0u8; 4];
        for c in unicode_security::skeleton(&folded) {
            h.update(c.encode_utf8(&mut buf).as_bytes());
        }
        Digest(h.finalize().into())
    }

    fn n2(text: &[u8]) -> Option<Digest> {
        fingerprints_of(text).text.map(|t| t.skeleton_sha256)
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: Some(Box::new(
                proptest::test_runner::FileFailurePersistence::Direct(
                    "tests/proptest-regressions/fingerprint.txt",
                ),
            )),
            ..ProptestConfig::default()
        })]
        /// The ASCII table gives the N2 the full path gives, on ASCII text of every kind
        /// (confusable digits and letters, `rn`, quotes, dashes, control characters).
        #[test]
        fn ascii_n2_is_the_full_n2(text in "[\\x00-\\x7f]{0,300}") {
            // N1 first: CR and CRLF become LF and trailing newlines go; N2 reads N1.
            let n1 = text.replace("\r\n", "\n").replace('\r', "\n");
            let n1 = n1.trim_end_matches('\n');
            prop_assert_eq!(n2(text.as_bytes()), Some(full_n2(n1)));
        }
    }

    #[test]
    fn ascii_n2_is_used_only_where_it_is_exact() {
        assert!(ascii_n2("plain text 0O1lI rn m").is_some());
        assert!(ascii_n2("caf\u{e9}").is_none());
        // Every ASCII character has a result of its own; the table covers them all or says no.
        let table = ascii_n2("a").expect("ASCII");
        assert_eq!(table[usize::from(b'a')], "a");
        assert_eq!(n2(b"rn"), n2(b"m"), "the skeleton still folds rn to m");
    }
}
