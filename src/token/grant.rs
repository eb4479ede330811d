//! Grant tokens, version 1 (SPEC 4): `spg1.<action>.<digest16>.<expires>.<mac>`.
//!
//! [`GrantToken::parse`] accepts exactly that grammar and nothing else: no surrounding
//! whitespace, no padding, no standard-alphabet base64, no upper case, no look-alike characters
//! (everything is checked byte by byte against ASCII classes). The MAC covers
//! `spg1.<action>.<digest16>.<expires>` and is checked in constant time.

use std::fmt;

use super::key::Key;
use super::mac::Tag;

const PREFIX: &str = "spg1";

/// Largest `expires` the grammar allows (12 digits).
pub const MAX_EXPIRES: u64 = 999_999_999_999;

/// A grant action: `[a-z0-9-]{1,32}` (SPEC 4). Built only by [`Action::parse`], so a value of
/// this type can be printed: it cannot hold a token, a dot or anything invisible.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Action(String);

impl Action {
    /// Accepts exactly the action grammar.
    pub fn parse(s: &str) -> Option<Action> {
        let ok = (1..=32).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        ok.then(|| Action(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A token that has the grant grammar. Its MAC is not yet checked. `Debug` hides the MAC.
#[derive(Clone, PartialEq, Eq)]
pub struct GrantToken {
    action: Action,
    digest16: String,
    expires: u64,
    mac: Tag,
}

impl fmt::Debug for GrantToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "GrantToken({}, expires {})",
            self.action.as_str(),
            self.expires
        )
    }
}

/// Why a grant does not authorize. Each maps onto a decision reason class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GrantProblem {
    /// Not the token grammar, or the MAC does not verify with the key.
    #[error("grant-invalid")]
    Invalid,
    #[error("grant-expired")]
    Expired,
    #[error("grant-wrong-packet")]
    WrongPacket,
    #[error("grant-wrong-action")]
    WrongAction,
}

fn is_digest16(s: &str) -> bool {
    s.len() == 16
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn parse_expires(s: &str) -> Option<u64> {
    let ok = (1..=12).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s == "0" || !s.starts_with('0'));
    if ok { s.parse().ok() } else { None }
}

impl GrantToken {
    /// Parses the exact grammar; anything else is [`GrantProblem::Invalid`].
    pub fn parse(s: &str) -> Result<GrantToken, GrantProblem> {
        let parts: Vec<&str> = s.split('.').collect();
        let [prefix, action, digest16, expires, tag] = parts[..] else {
            return Err(GrantProblem::Invalid);
        };
        if prefix != PREFIX || !is_digest16(digest16) {
            return Err(GrantProblem::Invalid);
        }
        Ok(GrantToken {
            action: Action::parse(action).ok_or(GrantProblem::Invalid)?,
            digest16: digest16.to_owned(),
            expires: parse_expires(expires).ok_or(GrantProblem::Invalid)?,
            mac: Tag::parse(tag).ok_or(GrantProblem::Invalid)?,
        })
    }

    pub fn action(&self) -> &Action {
        &self.action
    }

    fn message(action: &Action, digest16: &str, expires: u64) -> String {
        format!("{PREFIX}.{}.{digest16}.{expires}", action.as_str())
    }

    /// Mints a token for `action` on the packet whose digest (64 hex) is `packet_digest`; `None`
    /// when the action is outside its grammar, the digest is not hex or `expires` has more than
    /// 12 digits.
    pub fn mint(key: &Key, action: &str, packet_digest: &str, expires: u64) -> Option<String> {
        let action = Action::parse(action)?;
        let digest16 = packet_digest.get(..16)?;
        if !is_digest16(digest16) || expires > MAX_EXPIRES {
            return None;
        }
        let message = GrantToken::message(&action, digest16, expires);
        let tag = Tag::of(key, message.as_bytes());
        Some(format!("{message}.{}", tag.to_base64url()))
    }

    /// Checks that the token authorizes `action` on the packet with digest `packet_digest` at
    /// time `now`: MAC first (a token we did not mint says nothing), then action, packet, time.
    pub fn check(
        &self,
        key: &Key,
        action: &Action,
        packet_digest: &str,
        now: u64,
    ) -> Result<(), GrantProblem> {
        let message = GrantToken::message(&self.action, &self.digest16, self.expires);
        if !self.mac.verifies(key, message.as_bytes()) {
            return Err(GrantProblem::Invalid);
        }
        if &self.action != action {
            return Err(GrantProblem::WrongAction);
        }
        if packet_digest.get(..16) != Some(self.digest16.as_str()) {
            return Err(GrantProblem::WrongPacket);
        }
        if now >= self.expires {
            return Err(GrantProblem::Expired);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> Key {
        Key::from_bytes(vec![b; 32]).unwrap()
    }

    fn act(s: &str) -> Action {
        Action::parse(s).unwrap()
    }

    const DIGEST: &str = "3f9a0c1d2e4b5a69aaaabbbbccccddddeeeeffff00001111222233334444aaaa";

    fn minted() -> String {
        GrantToken::mint(&key(1), "dryrun", DIGEST, 2_000_000_000).unwrap()
    }

    #[test]
    fn minted_token_checks() {
        let t = GrantToken::parse(&minted()).unwrap();
        assert_eq!(
            t.check(&key(1), &act("dryrun"), DIGEST, 1_900_000_000),
            Ok(())
        );
    }

    #[test]
    fn every_forgery_is_refused_with_its_class() {
        let good = minted();
        let t = GrantToken::parse(&good).unwrap();
        assert_eq!(
            t.check(&key(2), &act("dryrun"), DIGEST, 1),
            Err(GrantProblem::Invalid)
        );
        assert_eq!(
            t.check(&key(1), &act("apply"), DIGEST, 1),
            Err(GrantProblem::WrongAction)
        );
        let other = "0000000000000000aaaabbbbccccddddeeeeffff00001111222233334444aaaa";
        assert_eq!(
            t.check(&key(1), &act("dryrun"), other, 1),
            Err(GrantProblem::WrongPacket)
        );
        assert_eq!(
            t.check(&key(1), &act("dryrun"), DIGEST, 2_000_000_000),
            Err(GrantProblem::Expired)
        );
        let mut flipped = good.clone().into_bytes();
        let last = flipped.len() - 2;
        flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).unwrap();
        let ft = GrantToken::parse(&flipped).unwrap();
        assert_eq!(
            ft.check(&key(1), &act("dryrun"), DIGEST, 1),
            Err(GrantProblem::Invalid)
        );
    }

    /// Found by the `token_parse` fuzz target (corpus/token_parse/crash-835b67fbc2f9f109): a MAC
    /// of 43 base64url characters whose last one has its two unused bits set is not the spelling
    /// of any 32 bytes, so the token is invalid at parse time.
    #[test]
    fn a_mac_with_stray_trailing_bits_is_invalid() {
        let good = minted();
        let (body, tag) = good.rsplit_once('.').unwrap();
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let last = alphabet
            .iter()
            .position(|&c| c == tag.as_bytes()[42])
            .unwrap();
        for bits in 1..4 {
            let odd = char::from(alphabet[last | bits]);
            let forged = format!("{body}.{}{odd}", &tag[..42]);
            assert_eq!(
                GrantToken::parse(&forged),
                Err(GrantProblem::Invalid),
                "{forged}"
            );
        }
    }

    #[test]
    fn mint_refuses_a_packet_digest_that_is_not_lower_case_hex() {
        assert!(GrantToken::mint(&key(1), "dryrun", &DIGEST.to_uppercase(), 1).is_none());
        assert!(GrantToken::mint(&key(1), "dryrun", &DIGEST.replacen('3', "g", 1), 1).is_none());
        assert!(GrantToken::mint(&key(1), "dryrun", &DIGEST[..15], 1).is_none());
        assert!(GrantToken::mint(&key(1), "dryrun", DIGEST, 1).is_some());
    }

    #[test]
    fn anything_but_the_exact_grammar_is_invalid() {
        let good = minted();
        assert!(
            good.contains(".3f9a0c1d2e4b5a69."),
            "the digest edits below apply"
        );
        let tag = good.rsplit('.').next().unwrap().to_owned();
        let bad = [
            good.replacen("spg1", "spg0", 1),
            good.replacen("spg1", "spg2", 1),
            good[..good.len() - 1].to_owned(),
            format!("{good}="),
            format!(" {good}"),
            format!("{good}\n"),
            good.replacen("dryrun", "DRYRUN", 1),
            good.replacen("dryrun", "dryrun\u{200b}", 1),
            good.replacen("dryrun", "drуrun", 1), // Cyrillic у
            good.replace(&tag, &tag.replace('-', "+").replace('_', "/")),
            String::new(),
            "x".repeat(20_000),
            good.replacen(".2000000000.", ".02000000000.", 1),
            // The packet digest field: 16 lower-case hex digits, exactly.
            good.replacen(".3f9a0c1d2e4b5a69.", ".3f9a0c1d2e4b5a6.", 1),
            good.replacen(".3f9a0c1d2e4b5a69.", ".3f9a0c1d2e4b5a690.", 1),
            good.replacen(".3f9a0c1d2e4b5a69.", ".3F9A0C1D2E4B5A69.", 1),
            good.replacen(".3f9a0c1d2e4b5a69.", ".3f9a0c1d2e4b5a6g.", 1),
        ];
        for b in bad {
            if b == good {
                continue; // the standard-alphabet swap is a no-op when the tag has no - or _
            }
            assert_eq!(GrantToken::parse(&b), Err(GrantProblem::Invalid));
        }
    }
}
