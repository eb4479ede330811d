//! The leak scanner (SPEC 6.2): finds secrets and token-shaped strings in any output, also when
//! re-encoded, escaped, nested two deep or cut short.
//!
//! [`encoding`] holds the encoders and forgiving decoders, [`rules`] the token shapes, [`rule_search`] the one pass that
//! finds every rule's matches, [`scan`]
//! the builder and the scan loop, [`stream`] the windowed scan of inputs of any size. Reading files and rendering findings live in the CLI and in
//! [`crate::report`].

pub mod encoding;
pub mod index;
pub mod input;
pub mod rule_search;
pub mod rules;
pub mod scan;
pub mod stream;
pub mod text_pieces;

pub use scan::{Finding, Kind, Scanner, ScannerBuilder};

/// The scanner every "nothing leaked" check uses (the release gate, the tests): the planted
/// strings as secrets, plus every built-in token-shape rule, so a canary is found in any encoding
/// and a token is found whatever its value.
pub fn canary_scanner<S: AsRef<[u8]>>(
    planted: impl IntoIterator<Item = S>,
) -> Result<Scanner, scan::BuildError> {
    planted
        .into_iter()
        .fold(ScannerBuilder::new().rules(rules::builtin()), |b, s| {
            b.secret(s.as_ref())
        })
        .build()
}
