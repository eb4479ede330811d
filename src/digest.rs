//! SHA-256 values and hex: the one place where bytes become hex digits and back.
//!
//! Seals, packet digests, grant tokens, secret fingerprints and the leak scanner's hex encoder all
//! spell bytes in hex; they must agree on the spelling, so there is one encoder ([`hex`]), one
//! digit reader ([`hex_value`]) and one strict 64-digit parser ([`Digest::parse_hex`]). Parsing is
//! strict where a document is judged (seal digests are lower case, exactly 64 digits) and
//! forgiving only where the scanner decodes what a careless tool printed.

use sha2::{Digest as _, Sha256};

/// A SHA-256 digest, written as 64 lower-case hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// The SHA-256 of `data`.
    pub fn of(data: &[u8]) -> Digest {
        Digest(Sha256::digest(data).into())
    }

    /// Parses exactly 64 lower-case hex digits; anything else (upper case, short, long) is refused.
    pub fn parse_hex(s: &str) -> Option<Digest> {
        if s.len() != 64 {
            return None;
        }
        unhex(s)?.try_into().ok().map(Digest)
    }

    /// The 64 lower-case hex digits.
    pub fn to_hex(&self) -> String {
        hex(&self.0, false)
    }
}

/// The hex digits of the nibble `n` (`0..16`).
fn digit(n: u8, upper: bool) -> char {
    let table: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    char::from(table[usize::from(n & 0xF)])
}

/// Two hex digits for every byte, in lower or upper case.
pub fn hex(bytes: &[u8], upper: bool) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        push_hex_byte(&mut s, b, upper);
    }
    s
}

/// Appends the two hex digits of `b`.
pub fn push_hex_byte(out: &mut String, b: u8, upper: bool) {
    out.push(digit(b >> 4, upper));
    out.push(digit(b, upper));
}

/// Decodes lower-case hex (an even number of digits); anything else is refused.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| hex_value(c).filter(|_| !c.is_ascii_uppercase());
    b.chunks_exact(2)
        .map(|pair| Some((digit(pair[0])? << 4) | digit(pair[1])?))
        .collect()
}

/// The value of one hex digit, either case.
pub fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_parse_is_strict() {
        let d = Digest::of(b"abc");
        assert_eq!(
            d.to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(Digest::parse_hex(&d.to_hex()), Some(d));
        assert_eq!(Digest::parse_hex(&d.to_hex().to_uppercase()), None);
        assert_eq!(Digest::parse_hex(&d.to_hex()[1..]), None);
        assert_eq!(Digest::parse_hex(&format!("{}0", d.to_hex())), None);
        assert_eq!(Digest::parse_hex(&"g".repeat(64)), None);
    }

    #[test]
    fn hex_spells_both_cases() {
        assert_eq!(hex(&[0x00, 0xab, 0x9f], false), "00ab9f");
        assert_eq!(hex(&[0x00, 0xab, 0x9f], true), "00AB9F");
        assert_eq!(hex_value(b'F'), Some(15));
        assert_eq!(hex_value(b'g'), None);
        assert_eq!(unhex("00ab9f"), Some(vec![0x00, 0xab, 0x9f]));
        assert_eq!(unhex("00AB"), None);
        assert_eq!(unhex("abc"), None);
    }
}
