//! What the grant targets (`token_parse`, `decide`) share: the harness key, the grant grammar
//! written independently of the parser, and numbers drawn from the input.

use std::sync::LazyLock;

use regex::Regex;
use sha2::{Digest as _, Sha256};

use crate::token::key::Key;

/// The key of the grant harnesses: every grant they mint, and every grant a seed carries, is made
/// with it. A fuzzer cannot forge a MAC under it, so a grant it accepts was minted by us.
pub fn harness_key() -> Key {
    Key::from_bytes(HARNESS_KEY.to_vec()).expect("a 32-byte key is accepted")
}

pub(super) const HARNESS_KEY: [u8; 32] = [0x42; 32];

/// The grant grammar of SPEC 4, written independently of `GrantToken::parse`. The MAC is the
/// canonical base64url of 32 bytes: 43 characters, the last of which carries two zero bits (one
/// of 16), so that one MAC has one spelling (found by this target: a stray-bit spelling).
pub(super) static GRANT_GRAMMAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\Aspg1\.[a-z0-9-]{1,32}\.[0-9a-f]{16}\.(?:0|[1-9][0-9]{0,11})\.[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]\z",
    )
    .expect("the grant grammar is a valid regex")
});

/// Numbers drawn from the input's SHA-256 (splitmix64): parameters that depend on the input
/// without having to be spelled in it.
pub(super) struct Draw(u64);

impl Draw {
    pub(super) fn new(data: &[u8]) -> Draw {
        let h = Sha256::digest(data);
        let mut seed = [0; 8];
        seed.copy_from_slice(&h[..8]);
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
