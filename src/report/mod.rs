//! Rendering: the only place where sealprobe turns results into report text.
//!
//! Everything a validator prints goes through here, and every echoed name goes through
//! [`crate::escape::name`] (escaped, or redacted when token-shaped). Reports carry names,
//! classes, positions, lengths and counts; they never carry file contents or any part of a
//! rejected document, because the types they render from do not hold any. Nothing below this
//! module imports it.

pub mod decide;
pub mod scan;
pub mod verify;

crate::vocabulary! {
    /// Output format of a report.
    pub enum Format {
        Human => "human",
        Json => "json",
    }
}
