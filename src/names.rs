//! How two names are compared when "the same to the eye" matters: NFC, then Unicode case folding.
//!
//! Used by the seal (two artifact paths that collide after folding are refused) and by the reader
//! (a missing file whose folded name exists is diagnosed `path-unicode`). One definition, so that
//! sealing and verifying can never disagree.

use unicase::UniCase;
use unicode_normalization::UnicodeNormalization;

/// The key two names collide on: NFC form, compared with Unicode case folding.
pub fn fold_key(name: &str) -> UniCase<String> {
    UniCase::new(name.nfc().collect())
}

/// True when `a` and `b` differ as bytes but are equal after NFC and case folding.
pub fn are_twins(a: &str, b: &str) -> bool {
    a != b && fold_key(a) == fold_key(b)
}
