//! HMAC-SHA256 tags, parsed once into one type ([`Tag`]) and checked in constant time with
//! `hmac`'s `verify_slice`. Never compare tags with `==` to decide anything.
//!
//! A tag is written as base64url without padding: exactly 43 characters, and only the canonical
//! spelling (padding, the standard alphabet and stray trailing bits are refused), so that one MAC
//! has one spelling. The grant grammar (SPEC 4) and the seal's `mac` field
//! (`hmac-sha256:<tag>`, [`SealMac`]) both hold a [`Tag`]; neither checks the shape on its own.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::key::Key;

/// Length of a tag in base64url without padding.
pub const TAG_CHARS: usize = 43;

/// What a seal MAC starts with.
pub const SEAL_MAC_PREFIX: &str = "hmac-sha256:";

/// A 32-byte HMAC-SHA256 tag in its canonical spelling. `Debug` hides the bytes. Equality is
/// structural (models compare equal); verification goes through [`Tag::verifies`].
#[derive(Clone, PartialEq, Eq)]
pub struct Tag([u8; 32]);

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Tag(..)")
    }
}

fn hmac(key: &Key, message: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length; this cannot fail.
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key.bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    m.update(message);
    m
}

impl Tag {
    /// Parses exactly 43 canonical base64url characters; anything else is refused.
    pub fn parse(s: &str) -> Option<Tag> {
        if s.len() != TAG_CHARS {
            return None;
        }
        let raw = URL_SAFE_NO_PAD.decode(s).ok()?;
        let bytes: [u8; 32] = raw.try_into().ok()?;
        Some(Tag(bytes))
    }

    /// The tag of `message` under `key`.
    pub fn of(key: &Key, message: &[u8]) -> Tag {
        Tag(hmac(key, message).finalize().into_bytes().into())
    }

    /// True when this is the tag of `message` under `key` (constant-time comparison).
    pub fn verifies(&self, key: &Key, message: &[u8]) -> bool {
        hmac(key, message).verify_slice(&self.0).is_ok()
    }

    /// The canonical spelling: 43 base64url characters.
    pub fn to_base64url(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }
}

/// A seal MAC: `hmac-sha256:` and a [`Tag`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealMac(Tag);

impl SealMac {
    /// Parses `hmac-sha256:<43 canonical base64url characters>`.
    pub fn parse(s: &str) -> Option<SealMac> {
        s.strip_prefix(SEAL_MAC_PREFIX)
            .and_then(Tag::parse)
            .map(SealMac)
    }

    /// The MAC of `message` under `key`.
    pub fn of(key: &Key, message: &[u8]) -> SealMac {
        SealMac(Tag::of(key, message))
    }

    /// True when this is the MAC of `message` under `key` (constant time).
    pub fn verifies(&self, key: &Key, message: &[u8]) -> bool {
        self.0.verifies(key, message)
    }

    /// The field's spelling in a seal.
    pub fn to_field(&self) -> String {
        format!("{SEAL_MAC_PREFIX}{}", self.0.to_base64url())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Key {
        Key::from_bytes(vec![7; 32]).unwrap()
    }

    #[test]
    fn a_tag_has_one_spelling() {
        let t = Tag::of(&key(), b"m");
        let s = t.to_base64url();
        assert_eq!(s.len(), TAG_CHARS);
        assert_eq!(Tag::parse(&s), Some(t.clone()));
        assert!(Tag::parse(&format!("{s}=")).is_none());
        assert!(Tag::parse(&s[1..]).is_none());
        assert!(Tag::parse(&format!("+{}", &s[1..])).is_none());
        assert!(Tag::parse(&format!("{}/", &s[..42])).is_none());
        // The last character carries 2 padding bits; setting one makes a non-canonical spelling.
        let last = s.as_bytes()[42];
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let i = alphabet.iter().position(|&c| c == last).unwrap();
        let odd = char::from(alphabet[i ^ 1]);
        assert!(Tag::parse(&format!("{}{odd}", &s[..42])).is_none());
    }

    #[test]
    fn debug_names_a_tag_without_its_bytes() {
        let t = Tag::of(&key(), b"m");
        let shown = format!("{t:?}");
        assert_eq!(shown, "Tag(..)");
        assert!(!shown.contains(&t.to_base64url()));
    }

    #[test]
    fn a_tag_verifies_only_its_message_and_key() {
        let t = Tag::of(&key(), b"m");
        assert!(t.verifies(&key(), b"m"));
        assert!(!t.verifies(&key(), b"n"));
        assert!(!t.verifies(&Key::from_bytes(vec![8; 32]).unwrap(), b"m"));
    }

    #[test]
    fn seal_mac_needs_its_prefix() {
        let m = SealMac::of(&key(), b"seal");
        assert_eq!(SealMac::parse(&m.to_field()), Some(m.clone()));
        assert!(SealMac::parse(&m.to_field()[SEAL_MAC_PREFIX.len()..]).is_none());
        assert!(SealMac::parse(&m.to_field().replace("hmac-sha256", "HMAC-SHA256")).is_none());
    }
}
