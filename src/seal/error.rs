//! Seal errors: the seal itself is bad, so nothing it says can be trusted and the verdict is fail.

use crate::strict_json::{JsonError, JsonErrorClass, Position};

crate::vocabulary! {
    /// The class of a bad seal (SPEC 3.3), plus `seal-unreadable` for a seal file that cannot be
    /// read at all (an extension: an I/O error on the seal is not a property of its bytes).
    pub enum SealErrorClass {
        Unreadable => "seal-unreadable",
        Size => "seal-size",
        Syntax => "seal-syntax",
        Version => "seal-version",
        Schema => "seal-schema",
        Digest => "seal-digest",
        Path => "seal-path",
        NonCanonical => "seal-noncanonical",
        Mac => "seal-mac",
    }
}

impl SealErrorClass {
    /// One line telling a person what is wrong and what to do, without quoting the seal.
    pub fn advice(self) -> &'static str {
        match self {
            SealErrorClass::Unreadable => "the seal file cannot be read",
            SealErrorClass::Size => "the seal is larger than the size limit",
            SealErrorClass::Syntax => "the seal is not valid strict JSON",
            SealErrorClass::Version => "the seal is not a sealprobe-seal/1 document",
            SealErrorClass::Schema => {
                "the seal has an unknown, missing, repeated or wrongly typed field"
            }
            SealErrorClass::Digest => "a digest in the seal is not 64 lower-case hex digits",
            SealErrorClass::Path => "a path in the seal is not a valid, unique relative path",
            SealErrorClass::NonCanonical => {
                "the seal was re-encoded or edited; reseal with `sealprobe seal`"
            }
            SealErrorClass::Mac => "the seal MAC is missing, malformed or does not verify",
        }
    }
}

impl SealErrorClass {
    /// [`SealErrorClass::advice`] for a record of another format (`--sums`, `--bsd`), read
    /// whole and refused whole by its first bad line (SPEC 7.8).
    pub fn record_advice(self) -> &'static str {
        match self {
            SealErrorClass::Unreadable => "the record file cannot be read",
            SealErrorClass::Size => "the record is larger than the size limit",
            SealErrorClass::Syntax | SealErrorClass::Version => {
                "a line of the record is not in its format"
            }
            SealErrorClass::Schema => {
                "the record lists no file, or an entry lacks a field it needs"
            }
            SealErrorClass::Digest => "a digest in the record is not 64 hex digits",
            SealErrorClass::Path => {
                "a path in the record is not a valid relative path, or it repeats an earlier one"
            }
            SealErrorClass::NonCanonical => {
                "the record was re-encoded (a BOM, CR line endings, UTF-16/32)"
            }
            SealErrorClass::Mac => "the record cannot be authenticated",
        }
    }
}

/// A bad seal: a class and, where it makes sense, the position in the seal file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", class.name())]
pub struct SealError {
    pub class: SealErrorClass,
    pub position: Option<Position>,
}

impl SealError {
    pub fn at(class: SealErrorClass, doc: &[u8], offset: usize) -> SealError {
        SealError {
            class,
            position: Some(Position::locate(doc, offset)),
        }
    }

    pub fn unpositioned(class: SealErrorClass) -> SealError {
        SealError {
            class,
            position: None,
        }
    }

    /// Maps a strict-JSON refusal of the seal file onto a seal error class.
    pub fn from_json(e: JsonError, doc: &[u8]) -> SealError {
        let class = match e.class {
            JsonErrorClass::TooLarge => SealErrorClass::Size,
            // A BOM or a UTF-16/32 seal is a re-encoded seal, not a broken one.
            JsonErrorClass::Bom | JsonErrorClass::WideEncoding => SealErrorClass::NonCanonical,
            JsonErrorClass::RepeatedKey | JsonErrorClass::NumberRange => SealErrorClass::Schema,
            JsonErrorClass::NotUtf8
            | JsonErrorClass::Syntax
            | JsonErrorClass::TrailingBytes
            | JsonErrorClass::LoneSurrogate
            | JsonErrorClass::TooDeep => SealErrorClass::Syntax,
        };
        SealError::at(class, doc, e.offset)
    }
}
