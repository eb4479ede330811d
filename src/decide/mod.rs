//! The decision gate (SPEC 5): a `sealprobe-decision/1` packet names options, blockers and grants;
//! the verdict is the selected option only when every rule holds, otherwise the packet's default
//! (a HOLD), and every reason is reported.
//!
//! [`packet`] parses and schema-checks the packet; [`judge`] applies the rules. Reasons carry
//! classes, blocker ids and grant actions (typed by their grammars), never token values.

pub mod judge;
pub mod packet;

pub use judge::{Decision, Reason, ReasonClass, Verdict, decide};
