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

/// A result with a human and a JSON report. [`Report::render`] is the one place a format is
/// chosen, so the CLI, the command layer and the gate print the same bytes for the same result.
pub trait Report {
    /// The human report.
    fn human(&self) -> String;

    /// The JSON report, in the canonical file form.
    fn json(&self) -> Vec<u8>;

    /// The report in `format`: the bytes the CLI prints.
    fn render(&self, format: Format) -> Vec<u8> {
        match format {
            Format::Human => self.human().into_bytes(),
            Format::Json => self.json(),
        }
    }
}

impl Report for crate::seal::Outcome {
    fn human(&self) -> String {
        verify::human(self)
    }

    fn json(&self) -> Vec<u8> {
        verify::json(self)
    }
}

impl Report for crate::decide::Decision {
    fn human(&self) -> String {
        decide::human(self)
    }

    fn json(&self) -> Vec<u8> {
        decide::json(self)
    }
}

/// The findings of a scan over `bytes` bytes of input.
pub struct ScanReport<'a> {
    pub found: &'a [scan::Located],
    pub end: scan::End,
}

impl Report for ScanReport<'_> {
    fn human(&self) -> String {
        scan::human(self.found, &self.end)
    }

    fn json(&self) -> Vec<u8> {
        scan::json(self.found, &self.end)
    }
}
