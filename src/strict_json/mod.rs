//! Strict JSON: the one loader every JSON input goes through, and the two canonical writers.
//!
//! Why not `serde_json::from_slice`? A release gate must read a document the same way every other
//! tool reads it, or refuse it. serde_json silently keeps the last copy of a repeated key, cannot say
//! *where* a number or key sits (byte offsets), and loses the raw spelling of numbers, which the seal
//! schema needs to tell `1` from `1.0`. So this module has its own small parser over bytes that:
//!
//! - accepts exactly RFC 8259 JSON (what serde_json accepts; a fuzz target checks the agreement);
//! - rejects a BOM, UTF-16/32, bytes that are not UTF-8, lone surrogates (raw or `\u`-escaped),
//!   repeated keys at any depth, nesting deeper than [`MAX_DEPTH`], documents over the size limit,
//!   trailing bytes, and numbers a general value cannot hold (overflow to infinity, a non-zero
//!   literal that underflows to zero, an integer literal beyond 2^53, and any number from 2^53 up
//!   to 1e21, because JCS would spell it as such an integer literal);
//! - keeps for every value its byte span, so that a schema error can point at the field.
//!
//! Errors carry a class and a byte offset, never an excerpt of the input: the input may be a seal or
//! packet that holds a token. Positions (line, column) are derived from the offset on demand.
//!
//! The writers live in [`canonical`]: the *file form* (what sealprobe writes for people) and the
//! *digest form* (RFC 8785 JCS, what every digest and MAC is computed over).

pub mod canonical;
mod parser;
pub mod schema;

pub use parser::{parse, parse_with_limit};

/// Deepest nesting of arrays and objects the loader accepts.
pub const MAX_DEPTH: usize = 64;

/// Default size limit for a JSON document (16 MiB).
pub const DEFAULT_SIZE_LIMIT: usize = 16 * 1024 * 1024;

/// A byte range `[start, end)` in the input document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// A JSON value with the span it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

/// A parsed JSON value. Objects keep their members in document order; keys are unique (the loader
/// refuses repeated keys), so order only matters for re-serialization checks.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

/// One `"key": value` pair of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

/// A JSON number: its literal spelling (as written) and its f64 value (always finite).
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    literal: String,
    value: f64,
}

impl Number {
    /// The nearest f64 (finite; the loader refuses overflow).
    pub fn as_f64(&self) -> f64 {
        self.value
    }

    /// The value as an exact non-negative integer, when the spelling is a plain integer
    /// (`0` or `[1-9][0-9]*`, no sign, fraction or exponent) no larger than 2^53 - 1.
    /// `1.0`, `1e3`, `-0` and `01` are all refused: a field typed as an integer must be
    /// spelled as one.
    pub fn as_exact_u64(&self) -> Option<u64> {
        let s = self.literal.as_str();
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if s.len() > 1 && s.starts_with('0') {
            return None;
        }
        let n: u64 = s.parse().ok()?;
        (n <= MAX_SAFE_INTEGER).then_some(n)
    }

    /// Builds a number from an exact integer (used by writers of seals and reports).
    pub fn from_u64(n: u64) -> Number {
        Number {
            literal: n.to_string(),
            value: n as f64,
        }
    }
}

/// 2^53 - 1: the largest integer every JSON implementation holds exactly.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

crate::vocabulary! {
    /// Why a document was refused. Each class maps onto a seal error or packet reason class.
    pub enum JsonErrorClass {
        /// The document starts with a UTF-8 byte-order mark.
        Bom => "bom",
        /// The document is UTF-16 or UTF-32 (with or without a BOM).
        WideEncoding => "wide-encoding",
        /// Bytes that are not UTF-8 (including overlong forms and encoded surrogates).
        NotUtf8 => "not-utf8",
        /// Anything RFC 8259 does not allow, including an empty document.
        Syntax => "syntax",
        /// Bytes after the top-level value.
        TrailingBytes => "trailing-bytes",
        /// An object holds the same key twice.
        RepeatedKey => "repeated-key",
        /// A `\u` escape that is a lone surrogate.
        LoneSurrogate => "lone-surrogate",
        /// Nesting deeper than [`MAX_DEPTH`].
        TooDeep => "too-deep",
        /// The document is larger than the size limit.
        TooLarge => "too-large",
        /// A number that overflows or underflows f64, an integer literal beyond 2^53, or a
        /// number beyond 2^53 and below 1e21 (which JCS spells as an integer literal beyond 2^53).
        NumberRange => "number-range",
    }
}

/// A refused document: a class and the byte offset where the problem was found. No excerpt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("strict JSON: {} at byte offset {offset}", class.name())]
pub struct JsonError {
    pub class: JsonErrorClass,
    pub offset: usize,
}

/// A position in a document: 1-based line, 1-based byte column, 0-based byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

impl Position {
    /// The position of `offset` in `doc`. Lines end at LF; the column counts bytes, so that it
    /// is well defined even where the document is not valid UTF-8. An offset past the end is
    /// clamped to the end.
    pub fn locate(doc: &[u8], offset: usize) -> Position {
        let offset = offset.min(doc.len());
        let before = &doc[..offset];
        let line = memchr::memchr_iter(b'\n', before).count() + 1;
        let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
        Position {
            line,
            column: offset - line_start + 1,
            offset,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A number spelled `literal`, made without the parser (which never makes these spellings),
    /// so that `as_exact_u64` is held to its own contract.
    fn spelled(literal: &str) -> Number {
        Number {
            literal: literal.to_owned(),
            value: literal.parse().unwrap_or(0.0),
        }
    }

    #[test]
    fn an_exact_integer_is_spelled_with_digits_only_and_no_leading_zero() {
        assert_eq!(spelled("0").as_exact_u64(), Some(0));
        assert_eq!(
            spelled("9007199254740991").as_exact_u64(),
            Some(MAX_SAFE_INTEGER)
        );
        // Spellings a u64 parse would take, and a field typed as an integer must not.
        for literal in [
            "+5",
            "01",
            "00",
            "",
            "9007199254740992",
            "1.0",
            "1e3",
            "-0",
            " 5",
        ] {
            assert_eq!(spelled(literal).as_exact_u64(), None, "{literal:?}");
        }
    }
}
