//! The leak scanner (SPEC 6.2): finds secrets and token-shaped strings in any output, also when
//! re-encoded, escaped, nested two deep or cut short.
//!
//! [`encoding`] holds the encoders and forgiving decoders, [`rules`] the token shapes, [`scan`]
//! the builder and the scan loop. Reading files and rendering findings live in the CLI and in
//! [`crate::report`].

pub mod encoding;
pub mod index;
pub mod input;
pub mod rules;
pub mod scan;

pub use scan::{Finding, Kind, Scanner, ScannerBuilder};
