//! Rendering: the only place where sealprobe turns results into text.
//!
//! Everything a validator prints goes through here, and every path goes through
//! [`escape::escape_path`]. Reports carry paths (escaped), classes, positions, lengths and counts;
//! they never carry file contents or any part of a rejected document, because the types they
//! render from do not hold any.

pub mod decide;
pub mod escape;
pub mod scan;
pub mod verify;

/// Output format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Human,
    Json,
}
