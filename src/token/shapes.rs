//! Token shapes: the regular expressions for strings that are tokens whatever their value.
//!
//! Two consumers share this one table, so they can never drift apart: the leak scanner's
//! built-in rules ([`crate::leak::rules::builtin`]), which find a token in any output, and
//! redaction ([`crate::escape`]), which keeps a token-shaped name (a file called like a grant, a
//! packet action holding a cutover token) out of every report in the first place. What redaction
//! lets through, the scanner would not flag, and the other way round.

use std::sync::LazyLock;

use regex::bytes::Regex;

/// One built-in shape: rule id, regex, description.
pub struct Shape {
    pub id: &'static str,
    pub regex: &'static str,
    pub description: &'static str,
}

/// Every built-in token shape (SPEC 6.2).
pub const SHAPES: [Shape; 3] = [
    Shape {
        id: "grant-token",
        // spg<digits>.<anything token-like>: well-formed, forged, truncated or case-changed
        // grant tokens alike.
        regex: r"(?i)\bspg[0-9]{0,4}\.[A-Za-z0-9._~+/=-]{6,}",
        description: "sealprobe grant token (spg<version>.<action>.<digest16>.<expires>.<mac>), well-formed or not",
    },
    Shape {
        id: "seal-mac",
        regex: r"hmac-sha256:[A-Za-z0-9_+/=-]{16,}",
        description: "sealprobe seal MAC (hmac-sha256: followed by base64url)",
    },
    Shape {
        id: "production-grant",
        // Case-sensitive on purpose: actions are lower case (SPEC 4), and a case-insensitive
        // word list made this rule the slowest part of a scan.
        regex: r"\b(?:cutover|apply|permit|activation|repoint|realrun[a-z-]*|production[a-z-]*)\.[0-9a-f]{16}\.[0-9]{1,12}\.[A-Za-z0-9_-]{16,}",
        description: "a production or cutover grant body without its spg prefix",
    },
];

/// The compiled shapes, in [`SHAPES`] order. The expressions are constants, pinned by
/// `every_shape_compiles`; one that did not compile would be a build defect, and is then
/// treated as matching everything, so redaction fails closed rather than open.
static COMPILED: LazyLock<Vec<Option<Regex>>> =
    LazyLock::new(|| SHAPES.iter().map(|s| Regex::new(s.regex).ok()).collect());

/// The compiled regex of shape `i` of [`SHAPES`], when it compiled.
pub fn compiled(i: usize) -> Option<&'static Regex> {
    COMPILED.get(i).and_then(Option::as_ref)
}

/// True when any built-in shape occurs anywhere in `text`.
pub fn is_token_shaped(text: &[u8]) -> bool {
    COMPILED
        .iter()
        .any(|r| r.as_ref().is_none_or(|r| r.is_match(text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_compiles() {
        assert!(COMPILED.iter().all(Option::is_some));
        assert_eq!(COMPILED.len(), SHAPES.len());
    }

    #[test]
    fn each_shape_is_recognized_and_plain_names_are_not() {
        for t in [
            "spg1.cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4wY9bC1dF6gH0jK5lA8sE3uI7oP2q",
            "docs/SPG2.apply.x-y-z.1",
            "hmac-sha256:Zk3pQ8vX2mN7tR4wY9bC1d",
            "cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4w",
        ] {
            assert!(is_token_shaped(t.as_bytes()), "{t}");
        }
        for t in [
            "docs/decision.md",
            "spg is a word",
            "HOLD_PRODUCTION",
            "dryrun",
        ] {
            assert!(!is_token_shaped(t.as_bytes()), "{t}");
        }
    }
}
