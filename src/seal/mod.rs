//! The seal: what was sealed (model), how a tree is sealed (create), how it is checked again
//! (verify), and how a difference is explained (fingerprint, drift).
//!
//! Parsing ([`model`], [`path`]), reading ([`hashing`], with [`crate::beneath`]), judging
//! ([`drift`]) and rendering ([`crate::report`]) are kept apart.

pub mod bagit;
pub mod create;
pub mod drift;
pub mod error;
pub mod fingerprint;
pub mod hashing;
pub mod listing;
pub mod model;
pub mod mtree;
pub mod path;
pub mod verify;

pub use drift::Drift;
pub use error::{SealError, SealErrorClass};
pub use listing::{Listing, Record};
pub use model::{Artifact, Eol, SEAL_SIZE_LIMIT, Seal};
pub use verify::{Finding, Outcome, Subject, Summary};
