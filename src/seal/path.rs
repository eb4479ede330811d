//! Seal paths: relative, `/`-separated, and unambiguous (SPEC 3.1).
//!
//! A [`SealPath`] can only be built by [`SealPath::parse`], so code that holds one may open it
//! below a root without further checks. Collisions between paths (equal after NFC and case
//! folding) are a property of a set of paths and are checked where the set is built.

/// Why a string is not a valid seal path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathProblem {
    Empty,
    Absolute,
    DriveLetter,
    Backslash,
    EmptySegment,
    DotSegment,
    ControlCharacter,
    BidiControl,
}

/// A validated seal path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SealPath(String);

impl SealPath {
    pub fn parse(s: &str) -> Result<SealPath, PathProblem> {
        if s.is_empty() {
            return Err(PathProblem::Empty);
        }
        if s.starts_with('/') {
            return Err(PathProblem::Absolute);
        }
        let b = s.as_bytes();
        if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
            return Err(PathProblem::DriveLetter);
        }
        if s.contains('\\') {
            return Err(PathProblem::Backslash);
        }
        if let Some(c) = s.chars().find(|c| is_control(*c) || is_bidi_control(*c)) {
            return Err(if is_control(c) {
                PathProblem::ControlCharacter
            } else {
                PathProblem::BidiControl
            });
        }
        for seg in s.split('/') {
            if seg.is_empty() {
                return Err(PathProblem::EmptySegment);
            }
            if seg == "." || seg == ".." {
                return Err(PathProblem::DotSegment);
            }
        }
        Ok(SealPath(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// C0, DEL and C1 control characters (NUL included).
pub fn is_control(c: char) -> bool {
    c.is_control()
}

/// Characters that reorder text on screen: ALM, LRM, RLM, the embeddings, overrides and isolates.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
