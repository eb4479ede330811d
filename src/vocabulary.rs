//! The closed sets of names sealprobe speaks in: drift classes, seal error classes, decision
//! reasons, JSON error classes, report formats.
//!
//! Reports print these names, expectation files (`expect.toml`) spell them, tests compare them;
//! all of them must agree letter for letter. So every set is declared once, with [`vocabulary!`],
//! as a table of `Variant => "name"`, and gets the same three things: `ALL` (every member, in
//! declaration order), `name()`, and `from_name()` (the exact inverse of `name`, nothing else
//! accepted: no case folding, no trimming). The [`Vocabulary`] trait lets generic code (the
//! command line's value parsers, the probe expectation reader) treat every set alike.

/// A closed set of named values.
pub trait Vocabulary: Copy + Eq + Sized + 'static {
    /// Every member, in declaration order.
    const ALL: &'static [Self];

    /// The member's stable name.
    fn name(self) -> &'static str;

    /// The member with exactly this name.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|m| m.name() == name)
    }

    /// Every name, in declaration order.
    fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|m| m.name()).collect()
    }
}

/// Declares a closed set: the enum, its [`Vocabulary`] implementation, inherent `ALL`, `name`
/// and `from_name` (so callers need not import the trait), and `Display` as the name.
#[macro_export]
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $vis:vis enum $Name:ident {
            $( $(#[$vmeta:meta])* $Variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $Name {
            $( $(#[$vmeta])* $Variant ),+
        }

        impl $Name {
            /// Every member, in declaration order.
            pub const ALL: &'static [$Name] = &[ $( $Name::$Variant ),+ ];

            /// The member's stable name.
            pub fn name(self) -> &'static str {
                match self {
                    $( $Name::$Variant => $text ),+
                }
            }

            /// The member with exactly this name.
            pub fn from_name(name: &str) -> Option<$Name> {
                <$Name as $crate::vocabulary::Vocabulary>::from_name(name)
            }
        }

        impl $crate::vocabulary::Vocabulary for $Name {
            const ALL: &'static [$Name] = $Name::ALL;

            fn name(self) -> &'static str {
                $Name::name(self)
            }
        }

        impl ::std::fmt::Display for $Name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::Vocabulary;
    use std::collections::HashSet;

    fn round_trips<V: Vocabulary + std::fmt::Debug>() {
        let mut seen = HashSet::new();
        for &m in V::ALL {
            assert!(seen.insert(m.name()), "{} is named twice", m.name());
            assert_eq!(V::from_name(m.name()), Some(m));
            assert_eq!(V::from_name(&m.name().to_uppercase()), None);
            assert_eq!(V::from_name(&format!(" {}", m.name())), None);
        }
        assert_eq!(V::from_name(""), None);
    }

    #[test]
    fn every_vocabulary_round_trips_its_names() {
        round_trips::<crate::seal::Drift>();
        round_trips::<crate::seal::SealErrorClass>();
        round_trips::<crate::decide::ReasonClass>();
        round_trips::<crate::strict_json::JsonErrorClass>();
        round_trips::<crate::seal::Eol>();
        round_trips::<crate::report::Format>();
    }

    #[test]
    fn the_spec_names_are_the_vocabulary() {
        use crate::decide::ReasonClass;
        use crate::seal::{Drift, SealErrorClass};
        assert_eq!(
            Drift::names(),
            [
                "missing",
                "path-unicode",
                "not-regular",
                "unreadable",
                "bom",
                "crlf",
                "final-newline",
                "json-reencode",
                "unicode",
                "content",
                "unsealed"
            ]
        );
        let mut seal_errors = SealErrorClass::names();
        seal_errors.sort_unstable();
        assert_eq!(
            seal_errors,
            [
                "seal-digest",
                "seal-mac",
                "seal-noncanonical",
                "seal-path",
                "seal-schema",
                "seal-size",
                "seal-syntax",
                "seal-unreadable",
                "seal-version"
            ]
        );
        let mut reasons = ReasonClass::names();
        reasons.sort_unstable();
        assert_eq!(
            reasons,
            [
                "blocker-missing",
                "blocker-open",
                "blocker-repeated",
                "default-not-hold",
                "grant-expired",
                "grant-invalid",
                "grant-missing",
                "grant-repeated",
                "grant-wrong-action",
                "grant-wrong-packet",
                "key",
                "packet-schema",
                "packet-syntax",
                "packet-unreadable",
                "selected-count",
                "selected-unknown"
            ]
        );
    }
}
