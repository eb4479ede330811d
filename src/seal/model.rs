//! The `sealprobe-seal/1` data model, its strict loader and its canonical writer.
//!
//! A [`Seal`] is only ever built by [`Seal::load`] (from untrusted bytes) or [`Seal::new`] (from a
//! tree that was just read), and both enforce the same rules: valid paths with no collisions,
//! digests in canonical spelling, artifacts sorted by path. `load` also requires the bytes to be
//! the canonical file form of the model they describe, so a seal has exactly one spelling.
//!
//! Error precedence, when a seal has several problems: size, syntax (strict JSON), version,
//! schema, digest, path, non-canonical. Within a class the first in document order is reported.

use std::collections::{HashMap, HashSet};

use super::error::{SealError, SealErrorClass};
use super::path::SealPath;
use crate::names;
use crate::strict_json::canonical::{build, file_form, jcs};
use crate::strict_json::{self, Member, Node, Value};
use crate::token::key::Key;
use crate::token::mac;

/// What a seal MAC starts with.
pub const MAC_PREFIX: &str = "hmac-sha256:";

/// The value of the `format` field.
pub const SEAL_FORMAT: &str = "sealprobe-seal/1";

/// A SHA-256 digest, written as 64 lower-case hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// Parses exactly 64 lower-case hex digits; anything else (upper case, short, long) is refused.
    pub fn parse_hex(s: &str) -> Option<Digest> {
        let b = s.as_bytes();
        if b.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, pair) in b.chunks_exact(2).enumerate() {
            let hi = lower_hex_value(pair[0])?;
            let lo = lower_hex_value(pair[1])?;
            out[i] = (hi << 4) | lo;
        }
        Some(Digest(out))
    }

    pub fn to_hex(&self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(64);
        for byte in self.0 {
            s.push(char::from(HEX[usize::from(byte >> 4)]));
            s.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
        s
    }
}

fn lower_hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Line-ending style of a text file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eol {
    Lf,
    Crlf,
    Cr,
    Mixed,
    None,
}

impl Eol {
    pub fn name(self) -> &'static str {
        match self {
            Eol::Lf => "lf",
            Eol::Crlf => "crlf",
            Eol::Cr => "cr",
            Eol::Mixed => "mixed",
            Eol::None => "none",
        }
    }

    fn parse(s: &str) -> Option<Eol> {
        Some(match s {
            "lf" => Eol::Lf,
            "crlf" => Eol::Crlf,
            "cr" => Eol::Cr,
            "mixed" => Eol::Mixed,
            "none" => Eol::None,
            _ => return None,
        })
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
    mac: Option<String>,
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
        let mut folded: HashMap<_, &SealPath> = HashMap::new();
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

    pub fn mac(&self) -> Option<&str> {
        self.mac.as_deref()
    }

    /// The seal as a JSON value (with `mac` when present).
    pub fn to_node(&self) -> Node {
        let artifacts = self.artifacts.iter().map(artifact_node).collect();
        let mut members = vec![
            ("artifacts", build::array(artifacts)),
            ("format", build::string(SEAL_FORMAT)),
        ];
        if !self.complete.is_empty() {
            let folders = self
                .complete
                .iter()
                .map(|c| build::string(c.0.clone()))
                .collect();
            members.push(("complete", build::array(folders)));
        }
        if let Some(mac) = &self.mac {
            members.push(("mac", build::string(mac.clone())));
        }
        build::object(members)
    }

    /// The bytes the seal MAC covers: the JCS form of the seal without `mac`.
    pub fn mac_message(&self) -> Vec<u8> {
        let unsigned = Seal {
            mac: None,
            ..self.clone()
        };
        jcs(&unsigned.to_node())
    }

    /// Adds (or replaces) the MAC with one made with `key`.
    pub fn sign(&mut self, key: &Key) {
        let tag = mac::tag(key, &self.mac_message());
        self.mac = Some(format!("{MAC_PREFIX}{tag}"));
    }

    /// True when the seal carries a MAC and it verifies with `key` (constant-time comparison).
    pub fn mac_verifies(&self, key: &Key) -> bool {
        self.mac
            .as_deref()
            .and_then(|m| m.strip_prefix(MAC_PREFIX))
            .is_some_and(|tag| mac::verify(key, &self.mac_message(), tag))
    }

    /// The canonical file form: the only spelling [`Seal::load`] accepts.
    pub fn to_file_form(&self) -> Vec<u8> {
        file_form(&self.to_node())
    }

    /// Loads a seal from untrusted bytes, refusing anything but a canonical, valid seal.
    pub fn load(doc: &[u8], size_limit: usize) -> Result<Seal, SealError> {
        let root = strict_json::parse_with_limit(doc, size_limit)
            .map_err(|e| SealError::from_json(e, doc))?;
        let mut c = Checker {
            doc,
            errors: Vec::new(),
        };
        let seal = c.seal(&root);
        if let Some(first) = c.first_error() {
            return Err(first);
        }
        let seal = seal.ok_or_else(|| SealError::at(SealErrorClass::Schema, doc, 0))?;
        let canonical = seal.to_file_form();
        if canonical != doc {
            let offset = canonical
                .iter()
                .zip(doc.iter())
                .position(|(a, b)| a != b)
                .unwrap_or(canonical.len().min(doc.len()));
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

/// Walks a parsed seal, recording every problem with its class and offset; the caller reports the
/// one that comes first by class precedence, then by document order.
struct Checker<'a> {
    doc: &'a [u8],
    errors: Vec<(SealErrorClass, usize)>,
}

/// The members of a checked object, by name (objects have a handful of members, so a scan is
/// cheaper than hashing).
struct FieldMap<'n>(Vec<(&'n str, &'n Member)>);

impl<'n> FieldMap<'n> {
    fn get(&self, name: &str) -> Option<&&'n Member> {
        self.0.iter().find(|(k, _)| *k == name).map(|(_, m)| m)
    }
}

/// Field names and whether they are required.
type Fields = &'static [(&'static str, bool)];

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

impl Checker<'_> {
    fn fail(&mut self, class: SealErrorClass, offset: usize) {
        self.errors.push((class, offset));
    }

    fn first_error(&self) -> Option<SealError> {
        let precedence = [
            SealErrorClass::Version,
            SealErrorClass::Schema,
            SealErrorClass::Mac,
            SealErrorClass::Digest,
            SealErrorClass::Path,
        ];
        precedence.iter().find_map(|class| {
            self.errors
                .iter()
                .filter(|(c, _)| c == class)
                .map(|(_, o)| *o)
                .min()
                .map(|o| SealError::at(*class, self.doc, o))
        })
    }

    /// Checks that `node` is an object with exactly the allowed fields; returns them by name.
    fn fields<'n>(&mut self, node: &'n Node, allowed: Fields) -> Option<FieldMap<'n>> {
        let Value::Object(members) = &node.value else {
            self.fail(SealErrorClass::Schema, node.span.start);
            return None;
        };
        let mut by_name = FieldMap(Vec::with_capacity(members.len()));
        for m in members {
            if allowed.iter().any(|(name, _)| *name == m.key) {
                by_name.0.push((m.key.as_str(), m));
            } else {
                self.fail(SealErrorClass::Schema, m.key_span.start);
            }
        }
        for (name, required) in allowed {
            if *required && by_name.get(name).is_none() {
                self.fail(SealErrorClass::Schema, node.span.start);
            }
        }
        Some(by_name)
    }

    fn string<'n>(&mut self, m: Option<&&'n Member>) -> Option<&'n str> {
        let m = m?;
        match &m.value.value {
            Value::String(s) => Some(s),
            _ => {
                self.fail(SealErrorClass::Schema, m.value.span.start);
                None
            }
        }
    }

    fn boolean(&mut self, m: Option<&&Member>) -> Option<bool> {
        let m = m?;
        match &m.value.value {
            Value::Bool(b) => Some(*b),
            _ => {
                self.fail(SealErrorClass::Schema, m.value.span.start);
                None
            }
        }
    }

    fn digest(&mut self, m: Option<&&Member>) -> Option<Digest> {
        let s = self.string(m)?;
        let d = Digest::parse_hex(s);
        if d.is_none() {
            self.fail(SealErrorClass::Digest, m?.value.span.start);
        }
        d
    }

    fn seal(&mut self, root: &Node) -> Option<Seal> {
        let fields = self.fields(root, SEAL_FIELDS)?;
        match fields.get("format").map(|m| &m.value) {
            Some(Node {
                value: Value::String(s),
                ..
            }) if s == SEAL_FORMAT => {}
            Some(v) => self.fail(SealErrorClass::Version, v.span.start),
            None => {}
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
            self.fail(SealErrorClass::Schema, root.span.start);
        }
        Some(Seal {
            artifacts,
            complete,
            mac,
        })
    }

    fn mac(&mut self, m: &Member) -> Option<String> {
        let s = self.string(Some(&m))?;
        if !is_mac_shape(s) {
            self.fail(SealErrorClass::Mac, m.value.span.start);
            return None;
        }
        Some(s.to_owned())
    }

    fn artifacts(&mut self, m: Option<&&Member>) -> Option<Vec<Artifact>> {
        let m = m?;
        let Value::Array(items) = &m.value.value else {
            self.fail(SealErrorClass::Schema, m.value.span.start);
            return None;
        };
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
        let f = self.fields(node, ARTIFACT_FIELDS)?;
        let path = self.path(f.get("path"));
        let bytes = f.get("bytes").and_then(|m| match &m.value.value {
            Value::Number(n) if n.as_exact_u64().is_some() => n.as_exact_u64(),
            _ => {
                self.fail(SealErrorClass::Schema, m.value.span.start);
                None
            }
        });
        let sha256 = self.digest(f.get("sha256"));
        let text = f.get("text").map(|m| self.text(&m.value));
        let json = f.get("json").map(|m| self.json(&m.value));
        Some(Artifact {
            path: path?,
            bytes: bytes?,
            sha256: sha256?,
            // Absent layer: `Some(None)`; present and valid: `Some(Some(_))`; invalid: `None`.
            text: text.map_or(Some(None), |t| t.map(Some))?,
            json: json.map_or(Some(None), |j| j.map(Some))?,
        })
    }

    fn path(&mut self, m: Option<&&Member>) -> Option<SealPath> {
        let s = self.string(m)?;
        let p = SealPath::parse(s).ok();
        if p.is_none() {
            self.fail(SealErrorClass::Path, m?.value.span.start);
        }
        p
    }

    fn text(&mut self, node: &Node) -> Option<TextFingerprint> {
        let f = self.fields(node, TEXT_FIELDS)?;
        let bom = self.boolean(f.get("bom"));
        let eol_at = f.get("eol").map_or(node.span.start, |m| m.value.span.start);
        let eol = self.string(f.get("eol")).and_then(|s| {
            let e = Eol::parse(s);
            if e.is_none() {
                self.fail(SealErrorClass::Schema, eol_at);
            }
            e
        });
        let final_newline = self.boolean(f.get("final_newline"));
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
        let f = self.fields(node, JSON_FIELDS)?;
        Some(JsonFingerprint {
            canonical_sha256: self.digest(f.get("canonical_sha256"))?,
        })
    }

    fn complete(&mut self, m: Option<&&Member>) -> Option<Vec<CompleteFolder>> {
        let Some(m) = m else {
            return Some(Vec::new());
        };
        let Value::Array(items) = &m.value.value else {
            self.fail(SealErrorClass::Schema, m.value.span.start);
            return None;
        };
        let mut out: Vec<CompleteFolder> = Vec::new();
        let mut seen = HashSet::new();
        for item in items {
            let Value::String(s) = &item.value else {
                self.fail(SealErrorClass::Schema, item.span.start);
                continue;
            };
            match CompleteFolder::parse(s) {
                Some(c) if seen.insert(names::fold_key(s)) => out.push(c),
                _ => self.fail(SealErrorClass::Path, item.span.start),
            }
        }
        Some(out)
    }

    /// Duplicate paths and paths equal after NFC + case folding are `seal-path` errors, reported
    /// at the second occurrence.
    fn check_path_set(&mut self, artifacts: &[Artifact], m: Option<&&Member>) {
        let Some(Value::Array(items)) = m.map(|m| &m.value.value) else {
            return;
        };
        let mut seen = HashSet::new();
        for (a, node) in artifacts.iter().zip(items) {
            if !seen.insert(names::fold_key(a.path.as_str())) {
                self.fail(SealErrorClass::Path, node.span.start);
            }
        }
    }
}

/// `hmac-sha256:` followed by exactly 43 base64url characters (32 bytes, no padding).
pub fn is_mac_shape(s: &str) -> bool {
    s.strip_prefix("hmac-sha256:").is_some_and(|b64| {
        b64.len() == 43
            && b64
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
    })
}
