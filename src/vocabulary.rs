//! The closed sets of names sealprobe speaks in: drift classes, seal error classes, decision
//! reasons, JSON error classes, report formats.
//!
//! Reports print these names, case files (`case.json`) and data families spell them, tests compare them;
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
