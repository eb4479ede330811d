//! Token shapes: the regular expressions for strings that are tokens whatever their value.
//!
//! Two consumers share this one table, so they can never drift apart: the leak scanner's
//! built-in rules ([`crate::leak::rules::builtin`]), which find a token in any output, and
//! redaction ([`crate::escape`]), which keeps a token-shaped name (a file called like a grant, a
//! packet action holding a cutover token) out of every report in the first place. What redaction
//! lets through, the scanner would not flag, and the other way round.
//!
//! A shape matches **anywhere** (SPEC 6.1, 6.2): no pattern is anchored to a word boundary, since
//! one word character before a token (`_spg1.…`, `xspg1.…`, `éspg1.…`) would hide it. And it
//! matches **after default-ignorable code points are removed** ([`is_default_ignorable`]): a
//! U+200B inside `spg1` is invisible on a terminal and must not hide the token either. The
//! scanner applies the same removal as its `invisible` view, with the same predicate.

use std::sync::LazyLock;

use regex::bytes::Regex;

/// One built-in shape: rule id, regex, description.
pub struct Shape {
    pub id: &'static str,
    pub regex: &'static str,
    pub description: &'static str,
}

/// Every built-in token shape (SPEC 6.2): sealprobe's own three, then the credentials people
/// leak most, each written from its issuer's public format (a prefix the issuer chose so that
/// scanners can find it, and the length and alphabet of the rest). Each has a true example and
/// a decoy that must not match, in the tests below. No shape is anchored at its start; the
/// fixed-length credentials whose prefix is four or five characters (`AIza`, `npm_`, `AKIA`,
/// `ghp_`, `glpat-`) must end where a word ends (`\b`), or every long base64 blob would hold one
/// by chance (the 256 MiB scan bench held three `AIza` and one `npm_` without it).
pub const SHAPES: [Shape; 13] = [
    Shape {
        id: "grant-token",
        // spg<digits>.<anything token-like>: well-formed, forged, truncated or case-changed
        // grant tokens alike.
        regex: r"(?i)spg[0-9]{0,4}\.[A-Za-z0-9._~+/=-]{6,}",
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
        regex: r"(?:cutover|apply|permit|activation|repoint|realrun[a-z-]*|production[a-z-]*)\.[0-9a-f]{16}\.[0-9]{1,12}\.[A-Za-z0-9_-]{16,}",
        description: "a production or cutover grant body without its spg prefix",
    },
    Shape {
        id: "github-token",
        // ghp_ (classic), gho_ (OAuth), ghu_ (user-to-server), ghs_ (server-to-server), ghr_
        // (refresh): 36 base62 characters; fine-grained personal tokens: github_pat_ and 82.
        regex: r"(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})\b",
        description: "GitHub token (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)",
    },
    Shape {
        id: "gitlab-token",
        regex: r"glpat-[A-Za-z0-9_-]{20}\b",
        description: "GitLab personal access token (glpat-)",
    },
    Shape {
        id: "aws-access-key-id",
        // AKIA (long-term) and ASIA (temporary) keys, 16 more upper-case letters and digits.
        regex: r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b",
        description: "AWS access key id (AKIA, ASIA)",
    },
    Shape {
        id: "slack-token",
        regex: r"xox[abposr]-[0-9]{6,}-[A-Za-z0-9-]{6,}",
        description: "Slack token (xoxb-, xoxp-, xoxa-, xoxo-, xoxs-, xoxr-)",
    },
    Shape {
        id: "stripe-secret-key",
        regex: r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{24,}",
        description: "Stripe secret or restricted key (sk_live_, rk_live_, sk_test_)",
    },
    Shape {
        id: "google-api-key",
        regex: r"AIza[0-9A-Za-z_-]{35}\b",
        description: "Google API key (AIza)",
    },
    Shape {
        id: "npm-token",
        regex: r"npm_[A-Za-z0-9]{36}\b",
        description: "npm access token (npm_)",
    },
    Shape {
        id: "pypi-token",
        // A macaroon whose base64 starts with the encoded location `pypi.org`.
        regex: r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}",
        description: "PyPI API token (pypi-AgEIcHlwaS5vcmc)",
    },
    Shape {
        id: "private-key",
        regex: r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----",
        description: "PEM private key block header",
    },
    Shape {
        id: "jwt",
        // Header and payload are base64url JSON objects, so both start with `eyJ` (`{"`).
        regex: r"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}",
        description: "JSON Web Token (three base64url parts, JSON header and payload)",
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

/// True when any built-in shape occurs anywhere in `text`, as it is or with its
/// default-ignorable code points removed.
pub fn is_token_shaped(text: &[u8]) -> bool {
    let matches = |t: &[u8]| {
        COMPILED
            .iter()
            .any(|r| r.as_ref().is_none_or(|r| r.is_match(t)))
    };
    matches(text) || without_ignorables(text).is_some_and(|t| matches(&t))
}

/// The Unicode `Default_Ignorable_Code_Point` property (DerivedCoreProperties.txt, Unicode 15):
/// characters that render as nothing (zero-width spaces and joiners, the soft hyphen, bidi
/// marks and embeddings, variation selectors, the BOM, tag characters, Hangul fillers).
pub fn is_default_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// `text` with every default-ignorable code point removed (bytes that are not UTF-8 kept as
/// they are), or `None` when it holds none.
pub fn without_ignorables(text: &[u8]) -> Option<Vec<u8>> {
    let mut out: Option<Vec<u8>> = None;
    let mut kept = 0;
    for chunk in text.utf8_chunks() {
        let valid = chunk.valid();
        let base = valid.as_ptr() as usize - text.as_ptr() as usize;
        for (i, c) in valid.char_indices() {
            if is_default_ignorable(c) {
                let buf = out.get_or_insert_with(|| Vec::with_capacity(text.len()));
                buf.extend_from_slice(&text[kept..base + i]);
                kept = base + i + c.len_utf8();
            }
        }
    }
    out.map(|mut buf| {
        buf.extend_from_slice(&text[kept..]);
        buf
    })
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

    /// Each credential shape: an example in its issuer's format that must match, and a decoy
    /// that looks close and must not (too short, another prefix, a public key).
    #[test]
    fn each_credential_shape_has_a_true_case_and_a_decoy() {
        let cases: [(&str, &str, &str); 10] = [
            (
                "github-token",
                "ghp_R9k2Lm4Xp7Qw1Zt8Vb3Nc6Hd0Jf5Gs2Ak9Ey",
                "ghp_short1234",
            ),
            ("gitlab-token", "glpat-Xk29_Lm4Qp7Zt8Vb3Nc6", "glpat-short"),
            ("aws-access-key-id", "AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7"),
            (
                "slack-token",
                "xoxb-123456789012-Abc9Def8Ghi7",
                "xoxb-not-a-token",
            ),
            (
                "stripe-secret-key",
                "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
                "pk_live_4eC39HqLyjWDarjtT1zdp7dc",
            ),
            (
                "google-api-key",
                "AIzaSyA-1bC2dE3fG4hI5jK6lM7nO8pQ9rS0tUv",
                "AIzaSyA-short",
            ),
            (
                "npm-token",
                "npm_Ab3Cd5Ef7Gh9Ij1Kl3Mn5Op7Qr9St1Uv3Wx5",
                "npm_install",
            ),
            (
                "pypi-token",
                "pypi-AgEIcHlwaS5vcmcCJGE4ZjNiZDk5LTA3ZmMtNDJjZi1hYjk3LTFhNGM5ZjQ0YzE2ZQACKlsz",
                "pypi-AgEItestpypi",
            ),
            (
                "private-key",
                "-----BEGIN OPENSSH PRIVATE KEY-----",
                "-----BEGIN PUBLIC KEY-----",
            ),
            (
                "jwt",
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
                "eyJhbGciOiJIUzI1NiJ9",
            ),
        ];
        for (id, truth, decoy) in cases {
            let i = SHAPES
                .iter()
                .position(|s| s.id == id)
                .unwrap_or_else(|| panic!("no shape {id}"));
            let re = compiled(i).expect("compiles");
            assert!(re.is_match(truth.as_bytes()), "{id} misses {truth}");
            assert!(
                !re.is_match(decoy.as_bytes()),
                "{id} matches the decoy {decoy}"
            );
            assert!(
                !is_token_shaped(decoy.as_bytes()),
                "the decoy {decoy} is token-shaped"
            );
        }
    }

    const GRANT: &str =
        "spg1.cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4wY9bC1dF6gH0jK5lA8sE3uI7oP2q";
    const BODY: &str = "cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4w";

    /// Every prefix class: a word character, a digit, a non-ASCII letter, a fullwidth letter.
    #[test]
    fn a_token_after_any_prefix_is_token_shaped() {
        for token in [GRANT, BODY, "hmac-sha256:Zk3pQ8vX2mN7tR4wY9bC1d"] {
            for prefix in ["_", "x", "0", "é", "ｘ", "release_", "docs/a"] {
                let name = format!("{prefix}{token}");
                assert!(is_token_shaped(name.as_bytes()), "{name}");
            }
        }
    }

    /// Every default-ignorable code point at every position of the token's prefix
    /// (`spg1.` and the first characters after it, `hmac-sha256:`).
    #[test]
    fn a_default_ignorable_anywhere_in_the_prefix_does_not_hide_a_token() {
        let ignorables: Vec<char> = (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| is_default_ignorable(*c))
            .collect();
        assert_eq!(ignorables.len(), 4174, "the property's size in Unicode 15");
        let mac = "hmac-sha256:Zk3pQ8vX2mN7tR4wY9bC1d";
        for (token, prefix_len) in [(GRANT, 8), (BODY, 9), (mac, 13)] {
            for at in 1..prefix_len {
                for c in &ignorables {
                    let mut name = token.to_owned();
                    name.insert(at, *c);
                    assert!(
                        is_token_shaped(name.as_bytes()),
                        "U+{:04X} at {at}",
                        u32::from(*c)
                    );
                }
            }
        }
    }

    #[test]
    fn removing_ignorables_keeps_everything_else() {
        assert_eq!(without_ignorables(b"plain"), None);
        assert_eq!(
            without_ignorables("a\u{200b}b\u{feff}c".as_bytes()).unwrap(),
            b"abc"
        );
        let mut raw = "x\u{2060}y".as_bytes().to_vec();
        raw.push(0xff);
        assert_eq!(without_ignorables(&raw).unwrap(), b"xy\xff");
    }
}
