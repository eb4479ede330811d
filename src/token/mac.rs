//! HMAC-SHA256 tags in base64url without padding (43 characters), checked in constant time with
//! `hmac`'s `verify_slice`. Never compare tags with `==`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::key::Key;

/// Length of a tag in base64url without padding.
pub const TAG_CHARS: usize = 43;

fn mac(key: &Key, message: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length; this cannot fail.
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key.bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    m.update(message);
    m
}

/// The tag of `message`, as 43 base64url characters.
pub fn tag(key: &Key, message: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(mac(key, message).finalize().into_bytes())
}

/// True when `tag` is exactly the canonical 43-character base64url tag of `message`.
/// Non-canonical spellings (padding, the standard alphabet, stray trailing bits) are refused.
pub fn verify(key: &Key, message: &[u8], tag: &str) -> bool {
    if tag.len() != TAG_CHARS {
        return false;
    }
    let Ok(raw) = URL_SAFE_NO_PAD.decode(tag) else {
        return false;
    };
    if raw.len() != 32 {
        return false;
    }
    mac(key, message).verify_slice(&raw).is_ok()
}
