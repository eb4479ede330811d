//! Drift classes and the diagnosis that names them (SPEC 3.3).
//!
//! The judgement lives here and only here: given what the seal says about an artifact and the
//! fingerprints of the bytes found now, name every class that explains the difference. Reading
//! files is the verifier's job; rendering is the report's.

use super::fingerprint::Fingerprints;
use super::model::{Artifact, Eol};

crate::vocabulary! {
    /// One kind of drift. The set is closed: reports and probes rely on these names.
    pub enum Drift {
        Missing => "missing",
        PathUnicode => "path-unicode",
        NotRegular => "not-regular",
        Unreadable => "unreadable",
        Bom => "bom",
        Crlf => "crlf",
        FinalNewline => "final-newline",
        JsonReencode => "json-reencode",
        Unicode => "unicode",
        Content => "content",
        Unsealed => "unsealed",
    }
}

/// Names the classes that explain why `now` differs from the sealed `sealed`. Never empty:
/// `content` when nothing more specific applies. The caller only asks when the raw SHA-256 or
/// length differs.
///
/// Layers, in order: features (`bom`, `crlf`, `final-newline`); if N1 then matches, that is the
/// whole story; else the JCS digest (`json-reencode`); else N2 (`unicode`); else `content`.
pub fn diagnose(sealed: &Artifact, now: &Fingerprints) -> Vec<Drift> {
    let mut drift = Vec::new();
    if now.sha256 == sealed.sha256 {
        // The bytes are the sealed bytes; only the sealed length disagrees.
        return vec![Drift::Content];
    }
    if let (Some(was), Some(is)) = (&sealed.text, &now.text) {
        if was.bom != is.bom {
            drift.push(Drift::Bom);
        }
        if eol_changed(was.eol, is.eol) {
            drift.push(Drift::Crlf);
        }
        if was.final_newline != is.final_newline {
            drift.push(Drift::FinalNewline);
        }
        if was.lf_sha256 == is.lf_sha256 {
            if drift.is_empty() {
                // Same N1 text and same features, yet other bytes. In a file that mixes line
                // endings (before or after), the endings can have moved between lines: `crlf`.
                // Otherwise every ending is what it was, so only the number of trailing newlines
                // can differ (`final-newline`), or, at the same length, nothing any layer sees
                // changed (the seal's digest was edited): only `content` is honest.
                let mixed = was.eol == Eol::Mixed || is.eol == Eol::Mixed;
                drift.push(if mixed {
                    Drift::Crlf
                } else if now.bytes == sealed.bytes {
                    Drift::Content
                } else {
                    Drift::FinalNewline
                });
            }
            return drift;
        }
    }
    match (&sealed.json, &now.json) {
        (Some(was), Some(is)) if was.canonical_sha256 == is.canonical_sha256 => {
            drift.push(Drift::JsonReencode);
            return drift;
        }
        _ => {}
    }
    if let (Some(was), Some(is)) = (&sealed.text, &now.text)
        && was.skeleton_sha256 == is.skeleton_sha256
    {
        drift.push(Drift::Unicode);
        return drift;
    }
    drift.push(Drift::Content);
    drift
}

/// Line endings changed, other than by the only newline of a file appearing or disappearing
/// (`none` to `lf` and back is a final-newline change, not a line-ending one).
fn eol_changed(was: Eol, is: Eol) -> bool {
    was != is && !matches!((was, is), (Eol::None, Eol::Lf) | (Eol::Lf, Eol::None))
}
