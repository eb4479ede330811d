//! The `sealprobe-seal/1` data model, its strict loader and its canonical writer.
//!
//! A [`Seal`] is only ever built by [`Seal::load`] (from untrusted bytes) or [`Seal::new`] (from a
//! tree that was just read), and both enforce the same rules: valid paths with no collisions,
//! digests in canonical spelling, artifacts sorted by path. `load` also requires the bytes to be
//! the canonical file form of the model they describe, so a seal has exactly one spelling.
//!
//! Error precedence, when a seal has several problems: size, syntax (strict JSON), version,
//! schema, MAC shape, digest, path, non-canonical. Within a class the first in document order is
//! reported. The object walking is the shared [`crate::strict_json::schema`] walker.

use std::collections::{HashMap, HashSet};

use super::error::{SealError, SealErrorClass};
use super::path::SealPath;
use crate::digest::Digest;
use crate::names;
use crate::strict_json::canonical::{build, jcs, pretty_at};
use crate::strict_json::schema::{Fields, Walker};
use crate::strict_json::{self, Node, Value};
use crate::token::key::Key;
use crate::token::mac::SealMac;

/// The value of the `format` field.
pub const SEAL_FORMAT: &str = "sealprobe-seal/1";

/// The largest seal file: `sealprobe seal` refuses to write a larger one and `sealprobe verify`
/// reads up to this by default (`--max-seal-bytes`), so whatever `seal` writes, `verify` reads.
/// One definition for both.
///
/// 256 MiB. A text file takes about 420 bytes plus its path in the canonical seal, a JSON file
/// about 100 more, a binary file about 180 plus its path; measured on real trees (the cargo
/// registry of this machine: 17,450 files, 462 bytes each), that is about 470 bytes a file with
/// paths of 50 bytes. So 256 MiB holds about 570,000 such files: a Linux kernel tree (about
/// 90,000 files, 42 MB), a large `node_modules` (100,000 to 200,000), a Chromium checkout
/// (400,000 to 500,000). With paths of 4,096 bytes it still holds about 59,000 files.
pub const SEAL_SIZE_LIMIT: usize = 256 * 1024 * 1024;

crate::vocabulary! {
    /// Line-ending style of a text file.
    pub enum Eol {
        Lf => "lf",
        Crlf => "crlf",
        Cr => "cr",
        Mixed => "mixed",
        None => "none",
    }
}

/// The `text` layer of an artifact (present when the file is UTF-8 after an optional BOM).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextFingerprint {
    pub bom: bool,
    pub eol: Eol,
    pub final_newline: bool,
    pub lf_sha256: Digest,
    pub skeleton_sha256: Digest,
}

/// The `json` layer of an artifact (present when the file passes the strict loader).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonFingerprint {
    pub canonical_sha256: Digest,
}

/// One sealed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    pub path: SealPath,
    pub bytes: u64,
    pub sha256: Digest,
    pub text: Option<TextFingerprint>,
    pub json: Option<JsonFingerprint>,
}

/// A folder named in `complete`: `.` (the whole root) or a seal path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CompleteFolder(String);

impl CompleteFolder {
    pub fn parse(s: &str) -> Option<CompleteFolder> {
        if s == "." || SealPath::parse(s).is_ok() {
            Some(CompleteFolder(s.to_owned()))
        } else {
            None
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A whole seal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seal {
    artifacts: Vec<Artifact>,
    complete: Vec<CompleteFolder>,
    mac: Option<SealMac>,
}

/// Why [`Seal::new`] refused a set of artifacts. Paths are kept for the caller to render escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelProblem {
    /// Two artifacts with the same path.
    Duplicate(SealPath),
    /// Two artifacts whose paths are equal after NFC and case folding.
    Collision(SealPath, SealPath),
    /// Nothing to seal: no artifacts and no complete folder.
    Empty,
}

impl Seal {
    /// Builds a seal from freshly read artifacts; sorts them and refuses ambiguous path sets.
    pub fn new(
        mut artifacts: Vec<Artifact>,
        mut complete: Vec<CompleteFolder>,
    ) -> Result<Seal, ModelProblem> {
        artifacts.sort_by(|a, b| a.path.as_str().as_bytes().cmp(b.path.as_str().as_bytes()));
        complete.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        complete.dedup();
        if artifacts.is_empty() && complete.is_empty() {
            return Err(ModelProblem::Empty);
        }
        let mut folded: HashMap<_, &SealPath> = HashMap::with_capacity(artifacts.len());
        for w in artifacts.windows(2) {
            if w[0].path == w[1].path {
                return Err(ModelProblem::Duplicate(w[0].path.clone()));
            }
        }
        for a in &artifacts {
            if let Some(prev) = folded.insert(names::fold_key(a.path.as_str()), &a.path) {
                return Err(ModelProblem::Collision(prev.clone(), a.path.clone()));
            }
        }
        Ok(Seal {
            artifacts,
            complete,
            mac: None,
        })
    }

    pub fn artifacts(&self) -> &[Artifact] {
        &self.artifacts
    }

    pub fn complete(&self) -> &[CompleteFolder] {
        &self.complete
    }

    pub fn mac(&self) -> Option<&SealMac> {
        self.mac.as_ref()
    }

    /// The seal as a JSON value (with `mac` when present). For tests and tools: the seal's own
    /// forms ([`Seal::to_file_form`], the MAC message) are written in pieces, one artifact at a
    /// time, and a test holds them to the generic writers over this value.
    pub fn to_node(&self) -> Node {
        let artifacts = self.artifacts.iter().map(artifact_node).collect();
        let mut members = vec![
            ("artifacts", build::array(artifacts)),
            ("format", build::string(SEAL_FORMAT)),
        ];
        if !self.complete.is_empty() {
            members.push(("complete", self.complete_node()));
        }
        if let Some(mac) = &self.mac {
            members.push(("mac", build::string(mac.to_field())));
        }
        build::object(members)
    }

    /// The bytes the seal MAC covers: the JCS form of the seal without `mac` (RFC 8785: no
    /// whitespace, keys sorted; every key of a seal is ASCII, so UTF-16 order is byte order),
    /// made one artifact at a time rather than from a value of the whole seal.
    pub fn mac_message(&self) -> Vec<u8> {
        let mut out = b"{\"artifacts\":[".to_vec();
        for (i, a) in self.artifacts.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&jcs(&artifact_node(a)));
        }
        out.push(b']');
        if !self.complete.is_empty() {
            out.extend_from_slice(b",\"complete\":");
            out.extend_from_slice(&jcs(&self.complete_node()));
        }
        out.extend_from_slice(b",\"format\":");
        out.extend_from_slice(&jcs(&build::string(SEAL_FORMAT)));
        out.push(b'}');
        out
    }

    fn complete_node(&self) -> Node {
        build::array(
            self.complete
                .iter()
                .map(|c| build::string(c.0.clone()))
                .collect(),
        )
    }

    /// The canonical file form in pieces, in order, one artifact's entry at a time: written or
    /// compared without a second copy of the whole seal as a value (a seal at the size limit
    /// is 256 MiB, and its value takes about four times that). Stops when `piece` says so.
    fn file_form_pieces(&self, mut piece: impl FnMut(&[u8]) -> bool) {
        let mut members: Vec<(&str, Node)> = Vec::new();
        if !self.complete.is_empty() {
            members.push(("complete", self.complete_node()));
        }
        members.push(("format", build::string(SEAL_FORMAT)));
        if let Some(mac) = &self.mac {
            members.push(("mac", build::string(mac.to_field())));
        }
        if self.artifacts.is_empty() {
            if !piece(b"{\n  \"artifacts\": []") {
                return;
            }
        } else {
            if !piece(b"{\n  \"artifacts\": [") {
                return;
            }
            for (i, a) in self.artifacts.iter().enumerate() {
                let sep: &[u8] = if i == 0 { b"\n    " } else { b",\n    " };
                if !piece(sep) || !piece(&pretty_at(&artifact_node(a), 2)) {
                    return;
                }
            }
            if !piece(b"\n  ]") {
                return;
            }
        }
        for (key, value) in members {
            let head = format!(",\n  \"{key}\": ");
            if !piece(head.as_bytes()) || !piece(&pretty_at(&value, 1)) {
                return;
            }
        }
        piece(b"\n}\n");
    }

    /// Adds (or replaces) the MAC with one made with `key`.
    pub fn sign(&mut self, key: &Key) {
        self.mac = Some(SealMac::of(key, &self.mac_message()));
    }

    /// True when the seal carries a MAC and it verifies with `key` (constant-time comparison).
    pub fn mac_verifies(&self, key: &Key) -> bool {
        self.mac
            .as_ref()
            .is_some_and(|m| m.verifies(key, &self.mac_message()))
    }

    /// The canonical file form: the only spelling [`Seal::load`] accepts.
    pub fn to_file_form(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.file_form_pieces(|p| {
            out.extend_from_slice(p);
            true
        });
        out
    }

    /// The offset of the first byte where `doc` is not this seal's file form, if any.
    fn first_difference(&self, doc: &[u8]) -> Option<usize> {
        let mut at = 0;
        let mut differs = None;
        self.file_form_pieces(|p| {
            let theirs = doc.get(at..).unwrap_or_default();
            match p.iter().zip(theirs).position(|(a, b)| a != b) {
                Some(i) => differs = Some(at + i),
                None if theirs.len() < p.len() => differs = Some(doc.len()),
                None => at += p.len(),
            }
            differs.is_none()
        });
        match differs {
            None if at != doc.len() => Some(at),
            other => other,
        }
    }

    /// Loads a seal from untrusted bytes, refusing anything but a canonical, valid seal.
    ///
    /// Memory: the parsed value (about four times the document) is dropped as soon as the model
    /// is built, and the canonical form is compared piece by piece, never made whole.
    pub fn load(doc: &[u8], size_limit: usize) -> Result<Seal, SealError> {
        let root = strict_json::parse_with_limit(doc, size_limit)
            .map_err(|e| SealError::from_json(e, doc))?;
        let mut c = Checker {
            doc,
            w: Walker::new(),
        };
        let seal = c.seal(&root);
        drop(root);
        if let Some(first) = c.first_error() {
            return Err(first);
        }
        let seal = seal.ok_or_else(|| SealError::at(SealErrorClass::Schema, doc, 0))?;
        if let Some(offset) = seal.first_difference(doc) {
            return Err(SealError::at(SealErrorClass::NonCanonical, doc, offset));
        }
        Ok(seal)
    }
}

fn artifact_node(a: &Artifact) -> Node {
    let mut members = vec![
        ("bytes", build::uint(a.bytes)),
        ("path", build::string(a.path.as_str())),
        ("sha256", build::string(a.sha256.to_hex())),
    ];
    if let Some(j) = &a.json {
        members.push((
            "json",
            build::object([(
                "canonical_sha256",
                build::string(j.canonical_sha256.to_hex()),
            )]),
        ));
    }
    if let Some(t) = &a.text {
        members.push((
            "text",
            build::object([
                ("bom", build::boolean(t.bom)),
                ("eol", build::string(t.eol.name())),
                ("final_newline", build::boolean(t.final_newline)),
                ("lf_sha256", build::string(t.lf_sha256.to_hex())),
                ("skeleton_sha256", build::string(t.skeleton_sha256.to_hex())),
            ]),
        ));
    }
    build::object(members)
}

/// Walks a parsed seal with the shared schema [`Walker`], recording every problem with its class
/// and offset; the caller reports the one that comes first by class precedence, then by
/// document order.
struct Checker<'a> {
    doc: &'a [u8],
    w: Walker<SealErrorClass>,
}

const SEAL_FIELDS: Fields = &[
    ("artifacts", true),
    ("complete", false),
    ("format", true),
    ("mac", false),
];
const ARTIFACT_FIELDS: Fields = &[
    ("bytes", true),
    ("json", false),
    ("path", true),
    ("sha256", true),
    ("text", false),
];
const TEXT_FIELDS: Fields = &[
    ("bom", true),
    ("eol", true),
    ("final_newline", true),
    ("lf_sha256", true),
    ("skeleton_sha256", true),
];
const JSON_FIELDS: Fields = &[("canonical_sha256", true)];

/// Which seal error is reported when a seal has several (see the module doc).
const PRECEDENCE: [SealErrorClass; 5] = [
    SealErrorClass::Version,
    SealErrorClass::Schema,
    SealErrorClass::Mac,
    SealErrorClass::Digest,
    SealErrorClass::Path,
];

const SCHEMA: SealErrorClass = SealErrorClass::Schema;

impl Checker<'_> {
    fn first_error(&self) -> Option<SealError> {
        self.w
            .first_by_precedence(&PRECEDENCE)
            .map(|(class, offset)| SealError::at(class, self.doc, offset))
    }

    fn digest(&mut self, node: Option<&Node>) -> Option<Digest> {
        let s = self.w.string(node, SCHEMA)?;
        let d = Digest::parse_hex(s);
        if d.is_none() {
            self.w.fail(SealErrorClass::Digest, node?.span.start);
        }
        d
    }

    fn seal(&mut self, root: &Node) -> Option<Seal> {
        let fields = self.w.object(root, SEAL_FIELDS, SCHEMA)?;
        if let Some(v) = fields.get("format")
            && !matches!(&v.value, Value::String(s) if s == SEAL_FORMAT)
        {
            self.w.fail(SealErrorClass::Version, v.span.start);
        }
        let artifacts = self.artifacts(fields.get("artifacts"));
        let complete = self.complete(fields.get("complete"));
        let mac = fields.get("mac").and_then(|m| self.mac(m));
        let (mut artifacts, mut complete) = (artifacts?, complete?);
        self.check_path_set(&artifacts, fields.get("artifacts"));
        // The model is always sorted; an unsorted seal then fails the canonical comparison.
        artifacts.sort_by(|a, b| a.path.as_str().as_bytes().cmp(b.path.as_str().as_bytes()));
        complete.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        if artifacts.is_empty() && complete.is_empty() {
            self.w.fail(SCHEMA, root.span.start);
        }
        Some(Seal {
            artifacts,
            complete,
            mac,
        })
    }

    fn mac(&mut self, node: &Node) -> Option<SealMac> {
        let s = self.w.string(Some(node), SCHEMA)?;
        let mac = SealMac::parse(s);
        if mac.is_none() {
            self.w.fail(SealErrorClass::Mac, node.span.start);
        }
        mac
    }

    fn artifacts(&mut self, node: Option<&Node>) -> Option<Vec<Artifact>> {
        let items = self.w.array(node, SCHEMA)?;
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            match self.artifact(item) {
                Some(a) => out.push(a),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn artifact(&mut self, node: &Node) -> Option<Artifact> {
        let f = self.w.object(node, ARTIFACT_FIELDS, SCHEMA)?;
        let path = self.path(f.get("path"));
        let bytes = self.w.uint(f.get("bytes"), SCHEMA);
        let sha256 = self.digest(f.get("sha256"));
        let text = f.get("text").map(|n| self.text(n));
        let json = f.get("json").map(|n| self.json(n));
        Some(Artifact {
            path: path?,
            bytes: bytes?,
            sha256: sha256?,
            // Absent layer: `Some(None)`; present and valid: `Some(Some(_))`; invalid: `None`.
            text: text.map_or(Some(None), |t| t.map(Some))?,
            json: json.map_or(Some(None), |j| j.map(Some))?,
        })
    }

    fn path(&mut self, node: Option<&Node>) -> Option<SealPath> {
        let s = self.w.string(node, SCHEMA)?;
        let p = SealPath::parse(s).ok();
        if p.is_none() {
            self.w.fail(SealErrorClass::Path, node?.span.start);
        }
        p
    }

    fn text(&mut self, node: &Node) -> Option<TextFingerprint> {
        let f = self.w.object(node, TEXT_FIELDS, SCHEMA)?;
        let bom = self.w.boolean(f.get("bom"), SCHEMA);
        let eol = self.w.string(f.get("eol"), SCHEMA).and_then(|s| {
            let e = Eol::from_name(s);
            if e.is_none() {
                let at = f.get("eol").map_or(node.span.start, |n| n.span.start);
                self.w.fail(SCHEMA, at);
            }
            e
        });
        let final_newline = self.w.boolean(f.get("final_newline"), SCHEMA);
        let lf_sha256 = self.digest(f.get("lf_sha256"));
        let skeleton_sha256 = self.digest(f.get("skeleton_sha256"));
        Some(TextFingerprint {
            bom: bom?,
            eol: eol?,
            final_newline: final_newline?,
            lf_sha256: lf_sha256?,
            skeleton_sha256: skeleton_sha256?,
        })
    }

    fn json(&mut self, node: &Node) -> Option<JsonFingerprint> {
        let f = self.w.object(node, JSON_FIELDS, SCHEMA)?;
        Some(JsonFingerprint {
            canonical_sha256: self.digest(f.get("canonical_sha256"))?,
        })
    }

    fn complete(&mut self, node: Option<&Node>) -> Option<Vec<CompleteFolder>> {
        if node.is_none() {
            return Some(Vec::new());
        }
        let items = self.w.array(node, SCHEMA)?;
        let mut out: Vec<CompleteFolder> = Vec::with_capacity(items.len());
        let mut seen = HashSet::with_capacity(items.len());
        for item in items {
            let Some(s) = self.w.string(Some(item), SCHEMA) else {
                continue;
            };
            match CompleteFolder::parse(s) {
                Some(c) if seen.insert(names::fold_key(s)) => out.push(c),
                _ => self.w.fail(SealErrorClass::Path, item.span.start),
            }
        }
        Some(out)
    }

    /// Duplicate paths and paths equal after NFC + case folding are `seal-path` errors, reported
    /// at the second occurrence.
    fn check_path_set(&mut self, artifacts: &[Artifact], node: Option<&Node>) {
        let Some(Value::Array(items)) = node.map(|n| &n.value) else {
            return;
        };
        let mut seen = HashSet::with_capacity(items.len());
        for (a, node) in artifacts.iter().zip(items) {
            if !seen.insert(names::fold_key(a.path.as_str())) {
                self.w.fail(SealErrorClass::Path, node.span.start);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::fingerprint::fingerprints_of;
    use crate::strict_json::canonical::file_form;

    fn seals() -> Vec<Seal> {
        let artifact = |p: &str, body: &[u8]| {
            fingerprints_of(body).into_artifact(SealPath::parse(p).expect("a seal path"))
        };
        let many = vec![
            artifact("a \"quoted\" name.txt", b"one\r\ntwo\n"),
            artifact("docs/caf\u{e9}.json", b"{\"b\": [1, 2.5]}\n"),
            artifact("bin/blob", &[0, 159, 146, 150, 255]),
            artifact("\u{5831}\u{544a}.md", b"\xef\xbb\xbfbom"),
        ];
        let folder = |c: &str| CompleteFolder::parse(c).expect("a folder");
        let key = Key::from_bytes(vec![7u8; 32]).expect("a key");
        let mut signed = Seal::new(many.clone(), vec![folder("docs"), folder(".")]).unwrap();
        signed.sign(&key);
        vec![
            Seal::new(many.clone(), Vec::new()).unwrap(),
            Seal::new(many[..1].to_vec(), vec![folder("docs")]).unwrap(),
            Seal::new(Vec::new(), vec![folder("spool")]).unwrap(),
            signed,
        ]
    }

    #[test]
    fn the_forms_written_in_pieces_are_the_generic_forms_of_the_whole_value() {
        for seal in seals() {
            assert_eq!(seal.to_file_form(), file_form(&seal.to_node()));
            let unsigned = Seal {
                mac: None,
                ..seal.clone()
            };
            assert_eq!(seal.mac_message(), jcs(&unsigned.to_node()));
            let loaded = Seal::load(&seal.to_file_form(), usize::MAX).expect("loads");
            assert_eq!(loaded, seal);
        }
    }

    #[test]
    fn the_first_difference_is_found_in_any_piece() {
        for seal in seals() {
            let form = seal.to_file_form();
            assert_eq!(seal.first_difference(&form), None);
            for at in [
                0,
                1,
                form.len() / 3,
                form.len() / 2,
                form.len() - 2,
                form.len() - 1,
            ] {
                let mut edited = form.clone();
                edited[at] ^= 0x01;
                assert_eq!(seal.first_difference(&edited), Some(at), "{at}");
                // Cut short, or longer: the difference is where the shorter one ends.
                assert_eq!(seal.first_difference(&form[..at]), Some(at));
            }
            let mut longer = form.clone();
            longer.push(b'\n');
            assert_eq!(seal.first_difference(&longer), Some(form.len()));
        }
    }
}
