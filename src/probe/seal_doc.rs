//! The honest seal as a parsed document, for the families that make a hostile seal from it
//! (issue #24, SPEC 7.1: "seal edits operate on the parsed document").
//!
//! Why not edit the seal's text? Text surgery is written against one layout of the canonical
//! writer (six-space indents, `"\n    },\n    {\n"` between entries): change the writer, and an
//! edit that finds nothing leaves the seal honest, so a hostile case turns honest without a word.
//! Here an edit works on the value the strict loader reads ([`crate::strict_json`]), names what it
//! changes (the artifact at a path, a member of it or of its `text` or `json` layer, a top-level
//! member), and fails with a [`Miss`] when that is not there. The result is written by the
//! canonical writer, or by one of the named non-canonical [`Layout`]s for the cases about layout.
//!
//! What a JSON value cannot hold is written as a *raw* value ([`SealDoc::raw`]): a number spelled
//! `1.0`, `1e400` or `0x1d`, a string with an escape the canonical writer never writes
//! (`"docs\/notes.md"`, `"\u002e\u002e/x"`). The writer puts a marker where it goes, and the
//! marker is replaced by the raw spelling, exactly once, after writing.

use crate::probe::families::text::{replace_first, u_escape, wide};
use crate::strict_json::canonical::{self, Style, build};
use crate::strict_json::{self, Member, Node, Value};

/// What an edit could not find. A family whose edit misses is broken, found when the suite is
/// drawn (issue #24), never a hostile case that silently became honest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Miss(String);

impl Miss {
    pub fn new(what: impl Into<String>) -> Miss {
        Miss(what.into())
    }
}

impl std::fmt::Display for Miss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where in a seal a member is: the top level, an artifact (by its path, the first entry that
/// has it; or by its index in `artifacts`), or the `text` or `json` layer of an artifact.
#[derive(Debug, Clone, Copy)]
pub enum At<'a> {
    Top,
    Artifact(&'a str),
    Entry(usize),
    Text(&'a str),
    Json(&'a str),
}

/// How a hostile seal is written: the canonical writer, or a named non-canonical one (the seal
/// re-spelled as a tool other than `sealprobe seal` writes it). Every layout but `Canonical` must
/// change the bytes; one that does not is a [`Miss`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The file form (SPEC 3.1), as `sealprobe seal` writes it.
    Canonical,
    /// The file form with members in the order the document holds them (a tool that keeps
    /// insertion order rather than sorting).
    GivenOrder,
    /// Saved with CRLF line breaks.
    Crlf,
    /// Non-ASCII written as `\u` escapes with lower-case hex (Python's `ensure_ascii`), or
    /// upper-case hex.
    EnsureAscii { upper: bool },
    /// Indented with this unit per level instead of two spaces.
    Indent(&'static str),
    /// On one line, no whitespace between tokens.
    Minified,
    /// `" : "` between every key and value.
    SpaceBeforeColon,
    /// A space at the end of the first line.
    TrailingSpace,
    /// A comma after the last top-level member.
    TrailingComma,
    /// Without its final line break.
    NoFinalNewline,
    /// With a second line break at the end.
    TwoFinalNewlines,
    /// With a line break before the document.
    LeadingNewline,
    /// With a UTF-8 byte-order mark in front.
    Bom,
    /// Re-encoded as UTF-16LE with a byte-order mark.
    Utf16Le,
}

impl Layout {
    fn style(self) -> Style {
        let file = Style::FILE_FORM;
        match self {
            Layout::GivenOrder => Style {
                sorted: false,
                ..file
            },
            Layout::Crlf => Style {
                newline: "\r\n",
                end: "\r\n",
                ..file
            },
            Layout::Indent(unit) => Style {
                indent: unit,
                ..file
            },
            Layout::Minified => Style {
                indent: "",
                newline: "",
                colon: ":",
                ..file
            },
            Layout::SpaceBeforeColon => Style {
                colon: " : ",
                ..file
            },
            _ => file,
        }
    }

    /// Applies the layouts that are not a style of the writer to the written document. Each is
    /// safe on any document the writer makes: a written string holds no raw line break, and
    /// non-ASCII characters stand only inside strings.
    fn respell(self, doc: Vec<u8>) -> Vec<u8> {
        match self {
            Layout::EnsureAscii { upper } => String::from_utf8_lossy(&doc)
                .chars()
                .map(|c| {
                    if c.is_ascii() {
                        c.to_string()
                    } else {
                        u_escape(c, upper)
                    }
                })
                .collect::<String>()
                .into_bytes(),
            Layout::TrailingSpace => match doc.iter().position(|b| *b == b'\n') {
                Some(i) => [&doc[..i], b" ", &doc[i..]].concat(),
                None => doc,
            },
            Layout::TrailingComma => match doc.iter().rposition(|b| *b == b'}') {
                Some(i) => {
                    let at = doc[..i]
                        .iter()
                        .rposition(|b| !b.is_ascii_whitespace())
                        .map_or(i, |j| j + 1);
                    [&doc[..at], b",", &doc[at..]].concat()
                }
                None => doc,
            },
            Layout::NoFinalNewline => doc.strip_suffix(b"\n").map(<[u8]>::to_vec).unwrap_or(doc),
            Layout::TwoFinalNewlines => [doc.as_slice(), b"\n"].concat(),
            Layout::LeadingNewline => [b"\n", doc.as_slice()].concat(),
            Layout::Bom => [b"\xEF\xBB\xBF", doc.as_slice()].concat(),
            Layout::Utf16Le => wide(&String::from_utf8_lossy(&doc), 2, true, true),
            _ => doc,
        }
    }
}

/// A seal document being edited.
pub struct SealDoc {
    root: Node,
    raws: Vec<String>,
}

/// The marker written where the raw value `i` goes (a string no seal holds: it starts with NUL).
fn raw_marker(i: usize) -> String {
    format!("\u{0}sealprobe-raw-{i}\u{0}")
}

fn object_mut<'n>(node: &'n mut Node, what: &str) -> Result<&'n mut Vec<Member>, Miss> {
    match &mut node.value {
        Value::Object(members) => Ok(members),
        _ => Err(Miss::new(format!("{what} is not an object"))),
    }
}

/// Whether `artifact` is the entry of `path`.
fn is_at(artifact: &Node, path: &str) -> bool {
    matches!(&artifact.value, Value::Object(members)
        if members.iter().any(|m| m.key == "path" && m.value.value == Value::String(path.to_owned())))
}

impl SealDoc {
    /// Parses a seal (the honest one a case starts from).
    pub fn parse(seal: &[u8]) -> Result<SealDoc, Miss> {
        let root = strict_json::parse(seal)
            .map_err(|e| Miss::new(format!("the seal to edit does not load: {e}")))?;
        Ok(SealDoc {
            root,
            raws: Vec::new(),
        })
    }

    /// The members of the top-level object.
    pub fn top_mut(&mut self) -> Result<&mut Vec<Member>, Miss> {
        object_mut(&mut self.root, "the seal")
    }

    /// The `artifacts` list.
    pub fn artifacts_mut(&mut self) -> Result<&mut Vec<Node>, Miss> {
        let m = self.member_mut(At::Top, "artifacts")?;
        match &mut m.value {
            Value::Array(items) => Ok(items),
            _ => Err(Miss::new("`artifacts` is not a list")),
        }
    }

    /// The `complete` list.
    pub fn complete_mut(&mut self) -> Result<&mut Vec<Node>, Miss> {
        let m = self.member_mut(At::Top, "complete")?;
        match &mut m.value {
            Value::Array(items) => Ok(items),
            _ => Err(Miss::new("`complete` is not a list")),
        }
    }

    /// The index in `artifacts` of the entry whose path is `path`.
    pub fn index_of(&mut self, path: &str) -> Result<usize, Miss> {
        self.artifacts_mut()?
            .iter()
            .position(|a| is_at(a, path))
            .ok_or_else(|| Miss::new(format!("no artifact at {path:?}")))
    }

    /// The members of the object `at` names, in the order the document holds them.
    pub fn object_at(&mut self, at: At<'_>) -> Result<&mut Vec<Member>, Miss> {
        let (i, layer) = match at {
            At::Top => return self.top_mut(),
            At::Artifact(p) => (self.index_of(p)?, None),
            At::Entry(i) => (i, None),
            At::Text(p) => (self.index_of(p)?, Some("text")),
            At::Json(p) => (self.index_of(p)?, Some("json")),
        };
        let entry = self
            .artifacts_mut()?
            .get_mut(i)
            .ok_or_else(|| Miss::new(format!("no artifact at index {i}")))?;
        let artifact = object_mut(entry, "an artifact")?;
        match layer {
            None => Ok(artifact),
            Some(layer) => {
                let m = artifact
                    .iter_mut()
                    .find(|m| m.key == layer)
                    .ok_or_else(|| Miss::new(format!("no `{layer}` layer at {at:?}")))?;
                object_mut(&mut m.value, "a layer")
            }
        }
    }

    /// The first member `key` of the object `at` names.
    pub fn member_mut(&mut self, at: At<'_>, key: &str) -> Result<&mut Node, Miss> {
        self.object_at(at)?
            .iter_mut()
            .find(|m| m.key == key)
            .map(|m| &mut m.value)
            .ok_or_else(|| Miss::new(format!("no member `{key}` at {at:?}")))
    }

    /// The string value of member `key` at `at`.
    pub fn string(&mut self, at: At<'_>, key: &str) -> Result<String, Miss> {
        match &self.member_mut(at, key)?.value {
            Value::String(s) => Ok(s.clone()),
            _ => Err(Miss::new(format!("`{key}` at {at:?} is not a string"))),
        }
    }

    /// The integer value of member `key` at `at`.
    pub fn integer(&mut self, at: At<'_>, key: &str) -> Result<u64, Miss> {
        match &self.member_mut(at, key)?.value {
            Value::Number(n) => n
                .as_exact_u64()
                .ok_or_else(|| Miss::new(format!("`{key}` at {at:?} is not an integer"))),
            _ => Err(Miss::new(format!("`{key}` at {at:?} is not a number"))),
        }
    }

    /// Sets the value of the first member `key` at `at`, which must be there.
    pub fn set(&mut self, at: At<'_>, key: &str, value: Node) -> Result<(), Miss> {
        *self.member_mut(at, key)? = value;
        Ok(())
    }

    /// Sets member `key` at `at` to a string.
    pub fn set_string(
        &mut self,
        at: At<'_>,
        key: &str,
        value: impl Into<String>,
    ) -> Result<(), Miss> {
        self.set(at, key, build::string(value))
    }

    /// Removes the first member `key` at `at`, which must be there.
    pub fn remove(&mut self, at: At<'_>, key: &str) -> Result<Node, Miss> {
        let members = self.object_at(at)?;
        let i = members
            .iter()
            .position(|m| m.key == key)
            .ok_or_else(|| Miss::new(format!("no member `{key}` at {at:?} to remove")))?;
        Ok(members.remove(i).value)
    }

    /// Adds member `key` at `at`. When the object already holds `key` (a repeated key), the new
    /// copy goes after the last one, or before the first one when `first` is set: the writer
    /// keeps the order of equal keys.
    pub fn add(&mut self, at: At<'_>, key: &str, value: Node, first: bool) -> Result<(), Miss> {
        let members = self.object_at(at)?;
        let new = Member {
            key: key.to_owned(),
            key_span: value.span,
            value,
        };
        match (first, members.iter().position(|m| m.key == key)) {
            (true, Some(i)) => members.insert(i, new),
            _ => members.push(new),
        }
        Ok(())
    }

    /// Removes the artifact at `path`.
    pub fn remove_artifact(&mut self, path: &str) -> Result<Node, Miss> {
        let i = self.index_of(path)?;
        Ok(self.artifacts_mut()?.remove(i))
    }

    /// Copies the artifact at `path` to the index `place` gives from the original's (`i`: before
    /// it; `i + 1`: after it; `usize::MAX`: at the end), and says where the copy is.
    pub fn repeat_artifact(
        &mut self,
        path: &str,
        place: fn(usize) -> usize,
    ) -> Result<usize, Miss> {
        let i = self.index_of(path)?;
        let artifacts = self.artifacts_mut()?;
        let copy = artifacts[i].clone();
        let at = place(i).min(artifacts.len());
        artifacts.insert(at, copy);
        Ok(at)
    }

    /// Renames the artifact at `from` to `to`.
    pub fn rename(&mut self, from: &str, to: impl Into<String>) -> Result<(), Miss> {
        self.set_string(At::Artifact(from), "path", to)
    }

    /// A value written exactly as `spelled` (a spelling the JSON value cannot hold: a number
    /// `1e400`, a string with quotes and escapes `"docs\/x"`). Used once.
    pub fn raw(&mut self, spelled: impl Into<String>) -> Node {
        self.raws.push(spelled.into());
        build::string(raw_marker(self.raws.len() - 1))
    }

    /// A member name written exactly as `spelled` (quotes included): a key with escapes the
    /// canonical writer never writes. Used once, as the key of [`SealDoc::add`]. The canonical
    /// writer sorts it by its marker, which starts with NUL: it is written first in its object.
    pub fn raw_key(&mut self, spelled: impl Into<String>) -> String {
        self.raws.push(spelled.into());
        raw_marker(self.raws.len() - 1)
    }

    /// The edited seal, written in `layout`. A non-canonical layout that writes the same bytes as
    /// the canonical writer is a miss.
    pub fn write(&self, layout: Layout) -> Result<Vec<u8>, Miss> {
        let doc = layout.respell(self.styled(&layout.style())?);
        if layout != Layout::Canonical && doc == self.styled(&Style::FILE_FORM)? {
            return Err(Miss::new(format!("the layout {layout:?} changed nothing")));
        }
        Ok(doc)
    }

    /// The document written in `style`, every raw value in its place.
    fn styled(&self, style: &Style) -> Result<Vec<u8>, Miss> {
        let mut doc = canonical::styled(&self.root, style);
        for (i, spelled) in self.raws.iter().enumerate() {
            // The writer escapes the marker's NULs: look for it as written.
            let marker = canonical::pretty_at(&build::string(raw_marker(i)), 0);
            let hits = doc
                .windows(marker.len())
                .filter(|w| *w == marker.as_slice())
                .count();
            if hits != 1 {
                return Err(Miss::new(format!(
                    "raw value {i} is written {hits} times, not once"
                )));
            }
            doc = replace_first(&doc, &marker, spelled.as_bytes())
                .ok_or_else(|| Miss::new("a raw value vanished"))?;
        }
        Ok(doc)
    }
}

/// A seal edit for [`crate::probe::draft::Draft::edit_doc`]: the honest seal parsed, edited by
/// `edit`, and written in `layout`.
pub fn edited(
    honest: &[u8],
    layout: Layout,
    edit: impl FnOnce(&mut SealDoc) -> Result<(), Miss>,
) -> Result<Vec<u8>, Miss> {
    let mut doc = SealDoc::parse(honest)?;
    edit(&mut doc)?;
    doc.write(layout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::draft::honest_seal;
    use std::collections::BTreeMap;

    fn honest() -> Vec<u8> {
        let mut files = BTreeMap::new();
        files.insert("docs/notes.md".to_owned(), b"# Notes\n".to_vec());
        files.insert("docs/caf\u{e9}.md".to_owned(), b"menu\n".to_vec());
        honest_seal(&files, &["docs".to_owned()], None).expect("an honest seal")
    }

    /// Parsed and written back unchanged, the honest seal is byte for byte what `sealprobe seal`
    /// wrote: the canonical writer is the seal's own.
    #[test]
    fn an_unedited_seal_is_written_back_byte_for_byte() {
        let h = honest();
        assert_eq!(edited(&h, Layout::Canonical, |_| Ok(())), Ok(h));
    }

    /// An edit of something the seal does not hold is a miss, never an honest seal.
    #[test]
    fn an_edit_that_finds_nothing_is_a_miss() {
        let h = honest();
        let miss = |e: fn(&mut SealDoc) -> Result<(), Miss>| edited(&h, Layout::Canonical, e);
        assert!(miss(|d| d.set_string(At::Artifact("docs/none.md"), "sha256", "0")).is_err());
        assert!(miss(|d| d.set_string(At::Artifact("docs/notes.md"), "nope", "0")).is_err());
        assert!(miss(|d| d.remove(At::Top, "mac").map(drop)).is_err());
        assert!(miss(|d| d.remove(At::Json("docs/notes.md"), "x").map(drop)).is_err());
        // A non-canonical layout that writes the same bytes is a miss too.
        assert!(edited(b"{}", Layout::GivenOrder, |_| Ok(())).is_err());
    }

    /// Raw values are written exactly as spelled, once; layouts are written by the writer.
    #[test]
    fn raw_values_and_layouts() {
        let h = honest();
        let out = edited(&h, Layout::Canonical, |d| {
            let v = d.raw("1e400");
            d.set(At::Artifact("docs/notes.md"), "bytes", v)
        })
        .expect("edited");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.contains("\"bytes\": 1e400,"), "{text}");
        let min = edited(&h, Layout::Minified, |_| Ok(())).expect("minified");
        assert!(!min[..min.len() - 1].contains(&b'\n') && min.ends_with(b"}\n"));
        assert!(!min.windows(2).any(|w| w == b": "));
        let ascii = edited(&h, Layout::EnsureAscii { upper: false }, |_| Ok(())).expect("ascii");
        assert!(ascii.is_ascii() && ascii.windows(6).any(|w| w == b"\\u00e9"));
        let comma = edited(&h, Layout::TrailingComma, |_| Ok(())).expect("comma");
        assert!(
            comma.ends_with(b"\",\n}\n"),
            "{}",
            String::from_utf8_lossy(&comma)
        );
    }

    /// A repeated key goes after the existing one, or before it, and the writer keeps that order.
    #[test]
    fn a_repeated_key_keeps_its_place() {
        let h = honest();
        let out = edited(&h, Layout::Canonical, |d| {
            d.add(At::Top, "format", build::string("v2"), true)
        })
        .expect("edited");
        let text = String::from_utf8(out).expect("utf-8");
        let v2 = text.find("\"format\": \"v2\"").expect("v2");
        let v1 = text.find("\"format\": \"sealprobe-seal/1\"").expect("v1");
        assert!(v2 < v1, "{text}");
    }
}
