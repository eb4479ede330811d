//! What the grant targets (`token_parse`, `decide`) share: the harness key, the grant grammar
//! written independently of the parser, and numbers drawn from the input.

use std::sync::LazyLock;

use crate::digest::Digest;
use crate::token::key::Key;

/// The key of the grant harnesses: every grant they mint, and every grant a seed carries, is made
/// with it. A fuzzer cannot forge a MAC under it, so a grant it accepts was minted by us.
pub fn harness_key() -> Key {
    Key::from_bytes(HARNESS_KEY.to_vec()).expect("a 32-byte key is accepted")
}

/// [`harness_key`], made once for the targets.
pub(super) static HARNESS: LazyLock<Key> = LazyLock::new(harness_key);

pub(super) const HARNESS_KEY: [u8; 32] = [0x42; 32];

/// Whether `s` is in the grant grammar of SPEC 4, checked independently of `GrantToken::parse`
/// (which splits on dots): a left-to-right matcher of the pattern
///
/// ```text
/// spg1 . [a-z0-9-]{1,32} . [0-9a-f]{16} . (0|[1-9][0-9]{0,11}) . [A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]
/// ```
///
/// The MAC is the canonical base64url of 32 bytes: 43 characters, the last of which carries two
/// zero bits (one of 16), so that one MAC has one spelling (found by this target: a stray-bit
/// spelling). Not a regex: `regex`'s engines put 25,000 coverage counters into the target and
/// `regex-lite`'s matcher halved its speed (measured: 29,973 counters and 49,730 inputs a second
/// with `regex`, 24,566 with `regex-lite`).
pub(super) fn in_grant_grammar(s: &str) -> bool {
    let mut m = Matcher(s.as_bytes());
    m.literal(b"spg1.")
        && m.run(1, 32, |c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-'
        })
        && m.literal(b".")
        && m.run(16, 16, |c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        && m.expiry()
        && m.literal(b".")
        && m.run(42, 42, |c| {
            c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
        })
        && m.run(1, 1, |c| b"AEIMQUYcgkosw048".contains(&c))
        && m.0.is_empty()
}

/// What is left of the string being matched.
struct Matcher<'a>(&'a [u8]);

impl Matcher<'_> {
    fn literal(&mut self, lit: &[u8]) -> bool {
        match self.0.strip_prefix(lit) {
            Some(rest) => {
                self.0 = rest;
                true
            }
            None => false,
        }
    }

    /// Between `min` and `max` bytes of the class, as many as there are (the classes here never
    /// hold the byte that follows them, so greedy is exact).
    fn run(&mut self, min: usize, max: usize, class: impl Fn(u8) -> bool) -> bool {
        let n = self.0.iter().take(max).take_while(|&&c| class(c)).count();
        self.0 = &self.0[n..];
        n >= min
    }

    /// `.0` or `.` and 1 to 12 digits without a leading zero.
    fn expiry(&mut self) -> bool {
        if !self.literal(b".") {
            return false;
        }
        if self.literal(b"0") {
            return true;
        }
        self.run(1, 1, |c| (b'1'..=b'9').contains(&c)) && self.run(0, 11, |c| c.is_ascii_digit())
    }
}

/// Numbers drawn from the input's SHA-256 (splitmix64): parameters that depend on the input
/// without having to be spelled in it.
pub(super) struct Draw(u64);

impl Draw {
    /// Numbers drawn from the SHA-256 of the input.
    pub(super) fn from_digest(digest: &Digest) -> Draw {
        let mut seed = [0; 8];
        seed.copy_from_slice(&digest.0[..8]);
        Draw(u64::from_le_bytes(seed))
    }

    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::grant::GrantToken;

    /// The grammar of SPEC 4 as a regex: the matcher must agree with it everywhere.
    fn regex() -> regex::Regex {
        regex::Regex::new(
            r"\Aspg1\.[a-z0-9-]{1,32}\.[0-9a-f]{16}\.(?:0|[1-9][0-9]{0,11})\.[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]\z",
        )
        .unwrap()
    }

    /// Minted tokens with every byte deleted, doubled or replaced by each byte of a set that
    /// holds every class of the grammar and its edges: the matcher and the regex agree on all.
    #[test]
    fn the_matcher_agrees_with_the_regex_on_every_one_byte_edit_of_minted_tokens() {
        let re = regex();
        let key = harness_key();
        let digest = "0123456789abcdef".repeat(4);
        let bytes: &[u8] = b"\x00\n .-_/09:@AFGZ[`afgz{~\x7f";
        let mut checked = 0;
        let mut accepted = 0;
        for (action, expires) in [
            ("a", 0),
            ("dryrun", 1),
            ("prod-cutover-9", 999_999_999_999),
            ("abcdefghijklmnopqrstuvwxyz012345", 10),
        ] {
            let token = GrantToken::mint(&key, action, &digest, expires).unwrap();
            let token = token.as_bytes();
            let mut variants = vec![token.to_vec()];
            for i in 0..token.len() {
                let mut deleted = token.to_vec();
                deleted.remove(i);
                variants.push(deleted);
                let mut doubled = token.to_vec();
                doubled.insert(i, token[i]);
                variants.push(doubled);
                for &b in bytes {
                    let mut replaced = token.to_vec();
                    replaced[i] = b;
                    variants.push(replaced);
                }
            }
            for v in variants {
                let Ok(s) = std::str::from_utf8(&v) else {
                    continue;
                };
                assert_eq!(in_grant_grammar(s), re.is_match(s), "{s:?}");
                checked += 1;
                accepted += usize::from(re.is_match(s));
            }
        }
        assert!(
            checked > 5_000 && accepted > 100 && accepted < checked / 2,
            "{checked} checked, {accepted} accepted"
        );
    }
}
