//! How two names are compared when "the same to the eye" matters: NFC, then Unicode case folding.
//!
//! Used by the seal (two artifact paths that collide after folding are refused) and by the reader
//! (a missing file whose folded name exists is diagnosed `path-unicode`). One definition, so that
//! sealing and verifying can never disagree.

use unicase::UniCase;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// The key two names collide on: NFC form, compared with Unicode case folding.
///
/// Most names are already NFC (every ASCII name is), and the quick check says so without
/// decomposing and recomposing them; only a name it cannot clear is normalized.
pub fn fold_key(name: &str) -> UniCase<String> {
    let nfc = match is_nfc_quick(name.chars()) {
        IsNormalized::Yes => name.to_owned(),
        IsNormalized::No | IsNormalized::Maybe => name.nfc().collect(),
    };
    UniCase::new(nfc)
}

/// True when `a` and `b` differ as bytes but are equal after NFC and case folding.
pub fn are_twins(a: &str, b: &str) -> bool {
    a != b && fold_key(a) == fold_key(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::FileFailurePersistence;

    /// The key of the definition: NFC always computed.
    fn slow_key(name: &str) -> UniCase<String> {
        UniCase::new(name.nfc().collect())
    }

    #[test]
    fn names_that_are_not_nfc_are_normalized_before_folding() {
        // "é" as e + combining acute (NFD), and as one code point (NFC).
        assert_eq!(fold_key("caf\u{65}\u{301}").as_str(), "caf\u{e9}");
        assert!(are_twins("caf\u{65}\u{301}", "CAF\u{e9}"));
        // A singleton that NFC replaces: the Ångström sign becomes Å.
        assert_eq!(fold_key("\u{212b}").as_str(), "\u{c5}");
        // Combining marks out of canonical order are reordered.
        assert_eq!(fold_key("a\u{301}\u{316}").as_str(), "\u{e1}\u{316}");
        assert!(!are_twins("readme", "readme"));
        assert!(are_twins("README", "readme"));
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
                "tests/proptest-regressions/names.txt",
            ))),
            ..ProptestConfig::default()
        })]

        /// The quick check only skips work: the key is the one of the definition, for names
        /// built from ASCII, Latin letters, combining marks, Hangul jamo and singletons.
        #[test]
        fn the_quick_path_gives_the_key_of_the_definition(
            name in "[a-zA-Z0-9._ \u{e0}-\u{ff}\u{300}-\u{36f}\u{1100}-\u{1112}\u{1161}-\u{1175}\u{ac00}-\u{ac10}\u{212b}\u{2126}\u{fb01}]{0,12}"
        ) {
            prop_assert_eq!(fold_key(&name), slow_key(&name));
            let nfd: String = name.nfd().collect();
            prop_assert_eq!(fold_key(&nfd), slow_key(&name));
        }
    }
}
