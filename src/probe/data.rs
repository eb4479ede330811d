//! Data families (SPEC 7.3): `<family>.toml`, a table of tree and seal cases written as recipes
//! (the honest files, the edits of the tree or of the parsed seal made after sealing, the
//! expectation), loaded at build time from `probes/` and at run time from
//! `sealprobe gate --probes DIR`.
//!
//! A recipe is drawn exactly as a family's Rust code draws a case ([`Draft`]): the honest files
//! are sealed in memory as `sealprobe seal` would seal them, the edits come from one closed
//! vocabulary, and the case is held to the same rules ([`super::case::Case::check`]: a hostile
//! case must drift, a control must not, an edit must find what it edits). So a team's own family
//! is as trustworthy as a built-in one, and counts in the case-set digest.
//!
//! ```toml
//! format = "sealprobe-family/1"
//!
//! [[case]]
//! name = "utf8-bom-added"
//! why = "an editor added a UTF-8 BOM: the bytes differ from the sealed ones"
//! expect = ["bom"]                       # the classes; or `control = true`
//! files = { "docs/notes.md" = "Release notes\n" }
//! edits = [{ op = "reencode", path = "docs/notes.md", encoding = "utf-8-bom" }]
//! ```
//!
//! Anything wrong in a file (TOML syntax, an unknown field or edit, a class that does not exist,
//! an edit that finds nothing, a case that breaks the rules) is an error naming the file and the
//! line of the case; the caller makes it a usage error.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::case::{Case, Class, Family};
use super::draft::{self, Cases, Draft};
use super::families::packets;
use super::families::text::wide;
use super::features::Honest;
use super::record::RecordFormat;
use super::seal_doc::{At, Layout, Miss, SealDoc};
use crate::digest::{Digest, unhex};
use crate::strict_json::{self, Node, canonical};

/// The `format` every data family file declares.
pub const FAMILY_FORMAT: &str = "sealprobe-family/1";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FamilyFile {
    format: String,
    #[serde(rename = "case", default)]
    cases: Vec<Spanned<Recipe>>,
    #[serde(rename = "group", default)]
    groups: Vec<Spanned<Group>>,
}

/// Cases that share fields (as Wycheproof's test groups do): `[group.shared]` holds any recipe
/// field but `name` and `why`, and each `[[group.case]]` takes every shared field it does not
/// give itself. A field a case gives replaces the shared one whole (a list is not joined).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    #[serde(default)]
    shared: toml::Table,
    #[serde(rename = "case", default)]
    cases: Vec<Spanned<toml::Table>>,
}

impl Group {
    /// The recipes of the group's cases, each with the line of its `[[group.case]]`, or the
    /// problem of that case.
    fn recipes(self, text: &str) -> Vec<(usize, Result<Recipe, String>)> {
        let shares_identity = self.shared.contains_key("name") || self.shared.contains_key("why");
        self.cases
            .into_iter()
            .map(|case| {
                // The line of the case's `[[group.case]]` header, as for a `[[case]]`.
                let line = line_of(text, case.span().start);
                if shares_identity {
                    return (line, Err("a group shares no name or why".to_owned()));
                }
                let mut merged = self.shared.clone();
                merged.extend(case.into_inner());
                let recipe = Recipe::deserialize(toml::Value::Table(merged))
                    .map_err(|e| without_values(e.message()));
                (line, recipe)
            })
            .collect()
    }
}

/// Bytes as text (UTF-8), as `{ hex = "..." }`, as `{ repeat = "0,", count = 29999 }` (text
/// repeated, for the large files a resource case needs), or as a list of these, joined.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum Bytes {
    Text(String),
    Hex { hex: String },
    Repeat { repeat: String, count: usize },
    Pieces(Vec<Bytes>),
}

/// The most bytes one `Bytes` may spell: a recipe is a file in the repository, and a typo in a
/// count must be an error, not an allocation that takes the machine down.
const MAX_SPELLED: usize = 64 << 20;

impl Bytes {
    fn bytes(&self) -> Result<Vec<u8>, String> {
        let b = match self {
            Bytes::Text(t) => t.as_bytes().to_vec(),
            Bytes::Hex { hex } => unhex(hex).ok_or("hex is not lower-case hex")?,
            Bytes::Repeat { repeat, count } => {
                match repeat.len().checked_mul(*count) {
                    Some(n) if n <= MAX_SPELLED => {}
                    _ => return Err(format!("a repeat spells more than {MAX_SPELLED} bytes")),
                }
                repeat.repeat(*count).into_bytes()
            }
            Bytes::Pieces(pieces) => {
                let mut out = Vec::new();
                for piece in pieces {
                    out.extend(piece.bytes()?);
                    if out.len() > MAX_SPELLED {
                        return Err(format!("pieces spell more than {MAX_SPELLED} bytes"));
                    }
                }
                out
            }
        };
        Ok(b)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Recipe {
    name: String,
    why: String,
    /// The classes the built-in validator must name (a hostile case).
    #[serde(default)]
    expect: Vec<String>,
    /// A control: every validator must accept it.
    #[serde(default)]
    control: bool,
    /// Sealed with the probe key, and the key handed over.
    #[serde(default)]
    keyed: bool,
    /// Sealed with the probe key, and no key handed over (a MAC the validator cannot check).
    #[serde(default)]
    signed_without_key: bool,
    /// Folders the seal declares complete (`.` is the root).
    #[serde(default)]
    complete: Vec<String>,
    /// Strings that must never come back in any output.
    #[serde(default)]
    canaries: Vec<String>,
    /// The honest tree: path to bytes (none for a packet case).
    #[serde(default)]
    files: BTreeMap<String, Bytes>,
    /// What changed after sealing, in order.
    #[serde(default)]
    edits: Vec<Edit>,
    /// Edits of the honest seal as a parsed document, in order: the case is a seal case.
    #[serde(default)]
    seal_edits: Vec<SealEdit>,
    /// How the (edited) seal is written: `canonical` (the default) or a named non-canonical
    /// layout. Any other than `canonical` makes the case a seal case.
    #[serde(default)]
    layout: Option<String>,
    /// The honest decision packet: `"fix7"` (the FIX7 packet of `examples/fix7/`: four options,
    /// seven blockers all `OPEN`, `HOLD_PRODUCTION` selected) or `{ json = "..." }` (strict
    /// JSON). Makes the case a packet case, judged at the probe clock.
    #[serde(default)]
    packet: Option<PacketBase>,
    /// Edits of the packet before its grants are minted, in order.
    #[serde(default)]
    packet_edits: Vec<PacketEdit>,
    /// The grants, each minted over the packet as edited so far; they replace its `grants`.
    #[serde(default)]
    grants: Vec<GrantRecipe>,
    /// Edits of the packet after its grants were minted: the packet changed under its grants.
    #[serde(default)]
    after_grant: Vec<PacketEdit>,
    /// The packet selects its own default: refused with no reason (SPEC 5.2).
    #[serde(default)]
    selects_default: bool,
    /// The record format whose document is the case's point (`sums`): the honest record is
    /// written from the honest files by the format's own writer, then `record_edits` apply.
    #[serde(default)]
    record: Option<String>,
    /// Edits of the rendered record, in order (SPEC 7.1, record edits).
    #[serde(default)]
    record_edits: Vec<RecordEdit>,
}

/// One edit of a rendered record (SPEC 7.1, record edits). The line edits are for formats of
/// one line per file; `spell` is the new text, spelled from the parts of the honest line:
/// `{line}` (the whole honest line, its line feed included), `{path}`, `{hex}` (the sealed
/// digest), `{HEX}` (in upper case), `{hex-now}` (the digest of the file as the tree edits left
/// it), `{size}`, `{size-now}` (its length as the tree edits left it); a part may be cut,
/// `{hex[1..]}`, `{hex[..40]}`.
#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case", deny_unknown_fields)]
enum RecordEdit {
    /// Replace the line of the file at `path`.
    Line { path: String, spell: String },
    /// Replace every line, each spelled from its own parts.
    EveryLine { spell: String },
    /// Remove the line of the file at `path`.
    RemoveLine { path: String },
    /// Put bytes before the record (a BOM on line 1).
    Prefix {
        text: Option<String>,
        hex: Option<String>,
    },
    /// Re-encode the record as a tree edit re-encodes a file (`crlf`, `utf-16le`, ...).
    Reencode { encoding: String },
    /// Cut the record to `len` bytes (0: an empty record).
    Truncate { len: usize },
    /// Replace the text `from`, which must be in the record exactly once, by `to` (a header
    /// line, a column name).
    Replace { from: String, to: String },
    /// Cut the record where the text `from` is (exactly once), dropping it and all after it
    /// (a bag's last tag file taken away).
    CutFrom { from: String },
}

/// The honest packet of a packet case.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum PacketBase {
    Named(String),
    Json {
        json: String,
    },
    /// The packet file as given, byte for byte (what no JSON value is: an empty file, a
    /// document cut short); it takes no edits or grants.
    Text {
        text: String,
    },
}

/// One edit of the packet (SPEC 7.1, packet edits), at a JSON Pointer (RFC 6901): `/selected/0`,
/// `/blockers/2/status`, `/options/1/requires_grants/-`. Values are strict JSON text.
#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case", deny_unknown_fields)]
enum PacketEdit {
    /// Replace the value at `at`, which must be there.
    Set { at: String, value: String },
    /// Add a member or an array element at `at` (`-` appends); a member must not be there yet.
    Add { at: String, value: String },
    /// Remove the member or element at `at`, which must be there.
    Remove { at: String },
}

/// One grant of a packet case: a token minted over the packet (its grants left out, as every
/// grant is), listed as `{"action": action, "token": ...}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantRecipe {
    /// The action the grant is listed under.
    action: String,
    /// The action the token itself names, when another (a token for the wrong action).
    #[serde(default)]
    token_action: Option<String>,
    /// `probe` (the key handed over, the default) or `other` (a key the validator never saw).
    #[serde(default)]
    key: Option<String>,
    /// When the token expires, Unix seconds (default 1900000000; the probe clock is
    /// 1800000000).
    #[serde(default)]
    expires: Option<u64>,
    /// The token as listed, spelled from the parts of the token minted above: `{token}`,
    /// `{body}` (all but the MAC), `{mac}`, `{action}`, `{digest16}`, `{digest}` (all 64
    /// digits of the packet's digest), `{expires}`. `" {token}"` is the token after a space.
    #[serde(default)]
    token: Option<String>,
    /// A message, spelled with the same parts, whose MAC is computed with the grant's key and
    /// appended (`<message>.<mac>`): a token that verifies over whatever it says.
    #[serde(default)]
    forge: Option<String>,
    /// The token, as spelled, padded at the end to `to` characters with `with` (a token longer
    /// than any buffer a validator might read it into).
    #[serde(default)]
    pad: Option<Pad>,
}

/// Padding at the end of a listed token: up to `to` characters, with `with` repeated.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Pad {
    to: usize,
    with: String,
}

impl Pad {
    fn padded(&self, token: String) -> Result<String, String> {
        let short = self.to.saturating_sub(token.len());
        if short == 0 || self.with.len() != 1 || self.to > MAX_SPELLED {
            return Err(format!(
                "pad is one character, to a length longer than the token and at most {MAX_SPELLED}"
            ));
        }
        Ok(token + &self.with.repeat(short))
    }
}

/// `template` with each `{part}` replaced by its value in `parts`, or by a cut of it,
/// `{part[a..b]}` (either end may be left out), then by transforms, `{part|upper}` and
/// `{mac|standard-base64}`; an unknown part or transform, a cut outside the part, or a brace
/// that opens no part is an error (a template never passes a typo through as text).
fn spelled(template: &str, parts: &[(&str, &str)]) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or("a { opens no part")?;
        let mut piped = after[..close].split('|');
        let inner = piped.next().unwrap_or_default();
        let (name, cut) = match inner.split_once('[') {
            Some((name, cut)) => (name, Some(cut.strip_suffix(']').ok_or("a [ opens no cut")?)),
            None => (inner, None),
        };
        let names: Vec<&str> = parts.iter().map(|(n, _)| *n).collect();
        let value = parts
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .ok_or_else(|| format!("an unknown part (one of {})", names.join(", ")))?;
        let value = match cut {
            None => value,
            Some(cut) => {
                let (a, b) = cut.split_once("..").ok_or("a cut is [a..b]")?;
                let end = |t: &str, whole: usize| -> Result<usize, String> {
                    if t.is_empty() {
                        Ok(whole)
                    } else {
                        t.parse().map_err(|_| "a cut's ends are numbers".to_owned())
                    }
                };
                let (a, b) = (end(a, 0)?, end(b, value.len())?);
                value.get(a..b).ok_or("a cut outside the part")?
            }
        };
        let mut value = value.to_owned();
        for transform in piped {
            value = transformed(&value, transform)?;
        }
        out.push_str(&value);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A part of a token as a transform re-spells it: `upper` (every letter in upper case: a
/// case-insensitive comparison of base64url is no comparison) or `standard-base64` (base64url
/// in the standard alphabet, `-` as `+` and `_` as `/`: a decoder that takes both alphabets
/// reads the same bytes).
fn transformed(value: &str, transform: &str) -> Result<String, String> {
    match transform {
        "upper" => Ok(value.to_uppercase()),
        "standard-base64" => Ok(value.replace('-', "+").replace('_', "/")),
        _ => Err("an unknown transform (upper, standard-base64)".into()),
    }
}

/// The token a grant recipe lists: minted over `packet`, then spelled by `token` or `forge`.
fn grant_token(g: &GrantRecipe, packet: &[u8]) -> Result<String, String> {
    let key = match g.key.as_deref() {
        None | Some("probe") => draft::probe_key(),
        Some("other") => draft::other_key(),
        Some(_) => return Err("key is probe or other".into()),
    };
    let action = g.token_action.as_deref().unwrap_or(&g.action);
    let expires = g.expires.unwrap_or(draft::LATER);
    let minted = draft::mint(&key, action, packet, expires)
        .ok_or("no token can be minted for it (an action outside the grammar?)")?;
    let digest = draft::packet_digest(packet).ok_or("the packet has no digest")?;
    let (body, mac) = minted
        .rsplit_once('.')
        .ok_or("the minted token has no MAC")?;
    let expires = expires.to_string();
    let parts = [
        ("token", minted.as_str()),
        ("body", body),
        ("mac", mac),
        ("action", action),
        (
            "digest16",
            digest.get(..16).ok_or("the packet digest is short")?,
        ),
        ("digest", digest.as_str()),
        ("expires", expires.as_str()),
    ];
    let token = match (&g.token, &g.forge) {
        (None, None) => minted.clone(),
        (Some(t), None) => spelled(t, &parts)?,
        (None, Some(message)) => packets::forge(&key, &spelled(message, &parts)?),
        (Some(_), Some(_)) => return Err("a grant gives at most one of token or forge".into()),
    };
    let token = match &g.pad {
        None if g.token.is_none() && g.forge.is_none() => return Ok(minted),
        None => token,
        Some(pad) => pad.padded(token)?,
    };
    if token == minted {
        return Err("its token is spelled as the minted one".into());
    }
    Ok(token)
}

/// Where a seal edit acts: `at` is `top` or the path of an artifact; `layer` (`text` or
/// `json`) names a layer of that artifact.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SealAt {
    at: String,
    #[serde(default)]
    layer: Option<String>,
}

/// A value a seal edit writes: `value` is JSON text, loaded strictly and written by the
/// canonical writer; `raw` is written exactly as spelled (what a JSON value cannot hold: `1.0`,
/// `1e400`, `"docs\/x"`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SealValue {
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    raw: Option<String>,
}

/// One edit of the parsed seal (SPEC 7.1, "Hostile seals are edits of the parsed seal").
#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case", deny_unknown_fields)]
enum SealEdit {
    /// Set the first member `key`, which must be there.
    Set {
        #[serde(flatten)]
        at: SealAt,
        key: String,
        #[serde(flatten)]
        value: SealValue,
    },
    /// Remove the first member `key`, which must be there.
    Remove {
        #[serde(flatten)]
        at: SealAt,
        key: String,
    },
    /// Add a member `key` (after the last one of that name, or before the first one when
    /// `first = true`: a repeated key).
    Add {
        #[serde(flatten)]
        at: SealAt,
        key: String,
        #[serde(flatten)]
        value: SealValue,
        #[serde(default)]
        first: bool,
    },
    /// Rename the artifact at `path` to `to`.
    Rename { path: String, to: String },
    /// Remove the artifact at `path`.
    RemoveArtifact { path: String },
    /// Repeat the artifact at `path` right after it (after the last artifact with
    /// `last = true`), the copy at `to` when given.
    RepeatArtifact {
        path: String,
        #[serde(default)]
        to: Option<String>,
        #[serde(default)]
        last: bool,
    },
}

/// One tree edit (SPEC 7.1). `op` names it; each takes the fields it needs and no others.
///
/// The hunt (SPEC 7.9) composes these same edits and writes them back with `Serialize`, so a
/// data family and the hunt share one vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(tag = "op", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Edit {
    /// Replace (or add) a file.
    Write {
        path: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hex: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bytes: Option<Bytes>,
    },
    /// Add bytes at the end of a file.
    Append {
        path: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hex: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bytes: Option<Bytes>,
    },
    /// Cut a file to `len` bytes.
    Truncate {
        path: String,
        len: usize,
    },
    /// Flip bit `bit` (0 to 7) of the byte at `at`.
    Flip {
        path: String,
        at: usize,
        bit: u8,
    },
    /// Re-encode a UTF-8 file: `utf-8-bom`, `no-bom`, `crlf`, `lf`, `utf-16le`, `utf-16be`,
    /// `utf-32le`, `utf-32be` (the wide ones with a BOM).
    Reencode {
        path: String,
        encoding: String,
    },
    Remove {
        path: String,
    },
    Rename {
        path: String,
        to: String,
    },
    Symlink {
        path: String,
        target: String,
    },
    Fifo {
        path: String,
    },
    Folder {
        path: String,
    },
    /// A sparse file of apparent size `len` starting with `head`.
    Sparse {
        path: String,
        len: u64,
        head: String,
    },
}

/// The `path` field of an edit, whichever it is (one match for `&` and `&mut`).
macro_rules! the_path {
    ($edit:expr) => {
        match $edit {
            Edit::Write { path, .. }
            | Edit::Append { path, .. }
            | Edit::Truncate { path, .. }
            | Edit::Flip { path, .. }
            | Edit::Reencode { path, .. }
            | Edit::Remove { path }
            | Edit::Rename { path, .. }
            | Edit::Symlink { path, .. }
            | Edit::Fifo { path }
            | Edit::Folder { path }
            | Edit::Sparse { path, .. } => path,
        }
    };
}

impl Edit {
    /// The edit's name in a recipe (`op`).
    pub fn op(&self) -> &'static str {
        match self {
            Edit::Write { .. } => "write",
            Edit::Append { .. } => "append",
            Edit::Truncate { .. } => "truncate",
            Edit::Flip { .. } => "flip",
            Edit::Reencode { .. } => "reencode",
            Edit::Remove { .. } => "remove",
            Edit::Rename { .. } => "rename",
            Edit::Symlink { .. } => "symlink",
            Edit::Fifo { .. } => "fifo",
            Edit::Folder { .. } => "folder",
            Edit::Sparse { .. } => "sparse",
        }
    }

    /// The path the edit acts on.
    pub fn path(&self) -> &str {
        the_path!(self)
    }

    /// The path the edit acts on, to be changed.
    pub fn path_mut(&mut self) -> &mut String {
        the_path!(self)
    }

    /// The bytes a write or an append adds (`None` for other edits, or bytes spelled wrong).
    pub fn written(&self) -> Option<Vec<u8>> {
        match self {
            Edit::Write {
                text, hex, bytes, ..
            }
            | Edit::Append {
                text, hex, bytes, ..
            } => edit_bytes(text, hex, bytes).ok(),
            _ => None,
        }
    }

    /// Bytes spelled as a recipe spells them: `text` when they are UTF-8, `hex` otherwise; the
    /// fields of a write or an append.
    pub fn spelled(bytes: &[u8]) -> (Option<String>, Option<String>) {
        match std::str::from_utf8(bytes) {
            Ok(t) => (Some(t.to_owned()), None),
            Err(_) => (None, Some(crate::digest::hex(bytes, false))),
        }
    }

    /// A write of `bytes` at `path`.
    pub fn write(path: impl Into<String>, bytes: &[u8]) -> Edit {
        let (text, hex) = Edit::spelled(bytes);
        Edit::Write {
            path: path.into(),
            text,
            hex,
            bytes: None,
        }
    }

    /// An append of `bytes` to `path`.
    pub fn append(path: impl Into<String>, bytes: &[u8]) -> Edit {
        let (text, hex) = Edit::spelled(bytes);
        Edit::Append {
            path: path.into(),
            text,
            hex,
            bytes: None,
        }
    }
}

/// The bytes of an edit that writes: exactly one of `text = "..."`, `hex = "..."` and
/// `bytes = <bytes as files spells them>`.
fn edit_bytes(
    text: &Option<String>,
    hex: &Option<String>,
    bytes: &Option<Bytes>,
) -> Result<Vec<u8>, String> {
    match (text, hex, bytes) {
        (Some(t), None, None) => Ok(t.as_bytes().to_vec()),
        (None, Some(h), None) => Bytes::Hex { hex: h.clone() }.bytes(),
        (None, None, Some(b)) => b.bytes(),
        _ => Err("an edit gives its bytes as exactly one of text, hex or bytes".into()),
    }
}

/// A TOML or serde message with the file's own words taken out (SPEC 6.1: an error carries
/// classes and positions, never an excerpt of what it refused): "unknown field `x`, expected one
/// of `name`, ..." becomes "unknown field, expected one of `name`, ...". What follows "expected"
/// is sealprobe's own vocabulary and stays.
fn without_values(message: &str) -> String {
    let (head, tail) = match message.find(", expected") {
        Some(i) => message.split_at(i),
        None => (message, ""),
    };
    let cut = head.find(['`', '"', '\'', ':']).unwrap_or(head.len());
    format!("{}{tail}", head[..cut].trim_end())
}

/// A path of the file, as an error shows it (escaped; redacted when token-shaped).
fn shown(path: &str) -> String {
    crate::escape::name(path.as_bytes())
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The cases of the data family file `shown` (its name, for messages), whose family is
/// `family`; or every problem, each naming the file and line.
pub fn load(text: &str, shown: &str, family: Family) -> Result<Vec<Case>, Vec<String>> {
    let file: FamilyFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(text, s.start));
        vec![format!("{shown}:{line}: {}", without_values(e.message()))]
    })?;
    if file.format != FAMILY_FORMAT {
        return Err(vec![format!(
            "{shown}:1: format is not \"{FAMILY_FORMAT}\""
        )]);
    }
    let mut problems = Vec::new();
    let mut drafted = Vec::new();
    let mut recipes: Vec<(usize, Result<Recipe, String>)> = file
        .cases
        .into_iter()
        .map(|r| (line_of(text, r.span().start), Ok(r.into_inner())))
        .collect();
    for group in file.groups {
        // A group without cases would leave its shared fields unread: a typo there would pass.
        if group.get_ref().cases.is_empty() {
            let line = line_of(text, group.span().start);
            problems.push(format!("{shown}:{line}: a [[group]] has no [[group.case]]"));
        }
        recipes.extend(group.into_inner().recipes(text));
    }
    for (line, recipe) in recipes {
        match recipe.and_then(draft) {
            Ok(d) => drafted.push((line, d)),
            Err(p) => problems.push(format!("{shown}:{line}: {p}")),
        }
    }
    let mut cases = Vec::new();
    for (line, d) in drafted {
        let mut one = Cases::new(family);
        one.add(d);
        match one.finish() {
            Ok(c) => cases.extend(c),
            Err(p) => problems.extend(p.into_iter().map(|p| format!("{shown}:{line}: {p}"))),
        }
    }
    for case in &cases {
        if let Err(e) = case.check() {
            problems.push(format!("{shown}: {e}"));
        }
    }
    if problems.is_empty() {
        Ok(cases)
    } else {
        Err(problems)
    }
}

/// The case of one tree recipe (a `[[case]]` table) whose expectation is derived from its
/// drift rather than written (SPEC 7.9, the hunt): a tree that drifts from its honest seal must
/// fail closed, one that does not must pass. The recipe gives neither `expect` nor `control`;
/// it is otherwise read, drafted and checked exactly as a case of a data family is, so what the
/// hunt runs is what it writes.
pub fn case_by_drift(recipe: toml::Table, family: Family) -> Result<Case, String> {
    let r =
        Recipe::deserialize(toml::Value::Table(recipe)).map_err(|e| without_values(e.message()))?;
    if r.control || !r.expect.is_empty() {
        return Err(
            "a recipe whose expectation is derived gives neither expect nor control".into(),
        );
    }
    if r.packet.is_some() {
        return Err("only a tree case has an expectation derived from its drift".into());
    }
    let d = draft_as(r, true)?;
    let mut one = Cases::new(family);
    one.add(d);
    let mut cases = one.finish().map_err(|p| p.join("; "))?;
    match (cases.pop(), cases.is_empty()) {
        (Some(case), true) => Ok(case),
        _ => Err("a recipe drafts one case".into()),
    }
}

/// The draft a recipe describes.
fn draft(r: Recipe) -> Result<Draft, String> {
    draft_as(r, false)
}

/// The draft a recipe describes, its expectation derived from its drift when `by_drift`.
fn draft_as(mut r: Recipe, by_drift: bool) -> Result<Draft, String> {
    if r.packet.is_some() {
        return packet_draft(r);
    }
    if !r.packet_edits.is_empty()
        || !r.grants.is_empty()
        || !r.after_grant.is_empty()
        || r.selects_default
    {
        return Err("packet edits, grants and selects_default need a packet".into());
    }
    let layout = match r.layout.as_deref() {
        None => None,
        Some(name) => Some(layout_named(name)?),
    };
    let seal_case = !r.seal_edits.is_empty() || layout.is_some();
    let record = match r.record.as_deref() {
        None if r.record_edits.is_empty() => None,
        None => return Err("record edits need a record (the format's name)".into()),
        Some(_) if seal_case => return Err("a record case has no seal edits or layout".into()),
        Some(name) => Some(
            super::record::by_name(name)
                .filter(|f| f.line.is_some())
                .ok_or("record names no format of lines (sums)")?,
        ),
    };
    let mut d = if seal_case {
        Draft::seal(&r.name, &r.why)
    } else {
        Draft::tree(&r.name, &r.why)
    };
    let mut now: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (path, bytes) in &r.files {
        let b = bytes.bytes()?;
        now.insert(path.clone(), b.clone());
        d = d.file(path, b);
    }
    for folder in &r.complete {
        d = d.complete(folder);
    }
    match (r.keyed, r.signed_without_key) {
        (true, true) => return Err("keyed and signed_without_key are exclusive".into()),
        (true, false) => d = d.keyed(),
        (false, true) => d = d.signed_without_key(),
        (false, false) => {}
    }
    for (i, edit) in r.edits.iter().enumerate() {
        d = apply(d, edit, &mut now).map_err(|e| format!("edit {}: {e}", i + 1))?;
    }
    for c in &r.canaries {
        d = d.canary(c.as_bytes().to_vec());
    }
    if let Some(format) = record {
        let doc = hostile_record(format, &r, &now)?;
        d = d.as_record(format, doc);
    }
    if seal_case {
        let edits = std::mem::take(&mut r.seal_edits);
        d = d.edit_doc_as(layout.unwrap_or(Layout::Canonical), move |doc| {
            for (i, edit) in edits.iter().enumerate() {
                apply_to_seal(doc, edit)
                    .map_err(|m| Miss::new(format!("seal edit {}: {m}", i + 1)))?;
            }
            Ok(())
        });
    }
    if by_drift {
        if seal_case || record.is_some() || r.keyed || r.signed_without_key {
            return Err(
                "only a tree case of unkeyed files has an expectation derived from its drift"
                    .into(),
            );
        }
        return Ok(d.by_drift());
    }
    expectation(d, &r)
}

/// The draft with the recipe's expectation: its classes, or a control.
fn expectation(d: Draft, r: &Recipe) -> Result<Draft, String> {
    match (r.control, r.expect.is_empty()) {
        (true, true) => Ok(d.control()),
        (false, false) => {
            let classes = r
                .expect
                .iter()
                .map(|c| {
                    Class::from_name(c)
                        .ok_or_else(|| "unknown class (SPEC 3.3, 3.1 or 5.2)".to_owned())
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(d.expect(classes))
        }
        (true, false) => Err("a control names classes".into()),
        (false, true) => Err("neither expect (the classes) nor control = true".into()),
    }
}

/// The draft of a packet case: the honest packet, its edits, its grants, the edits after them.
fn packet_draft(r: Recipe) -> Result<Draft, String> {
    if !r.files.is_empty()
        || !r.edits.is_empty()
        || !r.seal_edits.is_empty()
        || !r.complete.is_empty()
        || r.layout.is_some()
        || r.signed_without_key
    {
        return Err(
            "a packet case has no files, tree or seal edits, complete folders, layout or seal MAC"
                .into(),
        );
    }
    if let Some(PacketBase::Text { text }) = &r.packet {
        if !r.packet_edits.is_empty() || !r.grants.is_empty() || !r.after_grant.is_empty() {
            return Err("a packet given as text takes no edits or grants".into());
        }
        return packet_case(Draft::packet(&r.name, &r.why, text.as_bytes().to_vec()), &r);
    }
    let mut v = match &r.packet {
        // Handled above: a packet given as text is never edited.
        Some(PacketBase::Text { .. }) | None => return Err("a packet case has no packet".into()),
        Some(PacketBase::Named(name)) if name == "fix7" => {
            packets::fix7(&packets::packet_name("recipe"))
        }
        Some(PacketBase::Named(_)) => {
            return Err("packet is \"fix7\", { json = ... } or { text = ... }".into());
        }
        Some(PacketBase::Json { json }) => json_value(json).map_err(|e| format!("packet: {e}"))?,
    };
    for (i, edit) in r.packet_edits.iter().enumerate() {
        apply_to_packet(&mut v, edit).map_err(|e| format!("packet edit {}: {e}", i + 1))?;
    }
    if !r.grants.is_empty() {
        let mut listed = Vec::new();
        let doc = packets::doc(&v);
        for (i, g) in r.grants.iter().enumerate() {
            let token = grant_token(g, &doc).map_err(|e| format!("grant {}: {e}", i + 1))?;
            listed.push(serde_json::json!({"action": g.action, "token": token}));
        }
        v["grants"] = serde_json::Value::Array(listed);
    }
    for (i, edit) in r.after_grant.iter().enumerate() {
        apply_to_packet(&mut v, edit)
            .map_err(|e| format!("edit {} after the grants: {e}", i + 1))?;
    }
    packet_case(Draft::packet(&r.name, &r.why, packets::doc(&v)), &r)
}

/// The packet draft with the recipe's key, canaries and expectation.
fn packet_case(mut d: Draft, r: &Recipe) -> Result<Draft, String> {
    if r.keyed {
        d = d.key(draft::probe_key_bytes());
    }
    for c in &r.canaries {
        d = d.canary(c.as_bytes().to_vec());
    }
    if r.selects_default {
        if r.control || !r.expect.is_empty() {
            return Err("selects_default names no classes and is no control".into());
        }
        return Ok(d.selects_default());
    }
    expectation(d, r)
}

/// A JSON value from strict JSON text (SPEC 2: a repeated key is refused, not resolved).
fn json_value(text: &str) -> Result<serde_json::Value, String> {
    strict_json::parse(text.as_bytes())
        .map_err(|e| format!("not strict JSON: {}", e.class.name()))?;
    serde_json::from_str(text).map_err(|_| "not strict JSON".to_owned())
}

/// The tokens of a JSON Pointer (RFC 6901): `""` is the whole document.
fn pointer_tokens(at: &str) -> Result<Vec<String>, String> {
    if at.is_empty() {
        return Ok(Vec::new());
    }
    let rest = at
        .strip_prefix('/')
        .ok_or("at is a JSON Pointer: empty or starting with /")?;
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

/// Applies one edit to the packet. What it names and does not find is said without the words
/// of the pointer (which may be a canary).
fn apply_to_packet(v: &mut serde_json::Value, edit: &PacketEdit) -> Result<(), String> {
    use serde_json::Value;
    let missing = || "it names a member or element the packet does not hold".to_owned();
    let at = match edit {
        PacketEdit::Set { at, .. } | PacketEdit::Add { at, .. } | PacketEdit::Remove { at } => at,
    };
    let mut tokens = pointer_tokens(at)?;
    if let PacketEdit::Set { value, .. } = edit {
        let new = json_value(value)?;
        let slot = v.pointer_mut(at).ok_or_else(missing)?;
        if *slot == new {
            return Err("it sets a value to what it was".into());
        }
        *slot = new;
        return Ok(());
    }
    let last = tokens
        .pop()
        .ok_or("the whole packet cannot be added or removed")?;
    let parent_at: String = tokens
        .iter()
        .map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1")))
        .collect();
    let parent = v.pointer_mut(&parent_at).ok_or_else(missing)?;
    match (edit, parent) {
        (PacketEdit::Add { value, .. }, Value::Object(map)) => {
            if map.contains_key(&last) {
                return Err("the member is there already (set it instead)".into());
            }
            map.insert(last, json_value(value)?);
        }
        (PacketEdit::Add { value, .. }, Value::Array(items)) => {
            let i = if last == "-" {
                items.len()
            } else {
                last.parse::<usize>()
                    .ok()
                    .filter(|i| *i <= items.len())
                    .ok_or_else(missing)?
            };
            items.insert(i, json_value(value)?);
        }
        (PacketEdit::Remove { .. }, Value::Object(map)) => {
            map.remove(&last).ok_or_else(missing)?;
        }
        (PacketEdit::Remove { .. }, Value::Array(items)) => {
            let i = last
                .parse::<usize>()
                .ok()
                .filter(|i| *i < items.len())
                .ok_or_else(missing)?;
            items.remove(i);
        }
        _ => return Err(missing()),
    }
    Ok(())
}

/// The record of a record case: the format's honest record of the recipe's files, with its
/// edits. `now` holds the files as the tree edits left them.
fn hostile_record(
    format: &RecordFormat,
    r: &Recipe,
    now: &BTreeMap<String, Vec<u8>>,
) -> Result<Vec<u8>, String> {
    let (Some(write), Some(line)) = (format.honest, format.line) else {
        return Err("record names no format of lines (sums)".into());
    };
    let mut files = BTreeMap::new();
    for (path, bytes) in &r.files {
        files.insert(path.clone(), bytes.bytes()?);
    }
    let honest = Honest::of_files(&files, &r.complete);
    let mut doc = write(&honest);
    let honest_line = |path: &str| -> Result<Vec<u8>, String> {
        let bytes = files
            .get(path)
            .ok_or_else(|| format!("no file at {} has a line", shown(path)))?;
        Ok(line(path.as_bytes(), bytes.len() as u64, Digest::of(bytes)))
    };
    // The one place of `path`'s honest line in the record; a line found other than once is a
    // miss, never a guess.
    let place = |doc: &[u8], path: &str| -> Result<(usize, usize), String> {
        let l = honest_line(path)?;
        let at: Vec<usize> = (0..doc.len().saturating_sub(l.len().saturating_sub(1)))
            .filter(|i| doc[*i..].starts_with(&l))
            .collect();
        match at.as_slice() {
            [i] => Ok((*i, l.len())),
            _ => Err(format!(
                "the line of {} is not in the record once",
                shown(path)
            )),
        }
    };
    let spell = |path: &str, template: &str| -> Result<Vec<u8>, String> {
        let bytes = files
            .get(path)
            .ok_or_else(|| format!("no file at {} has a line", shown(path)))?;
        let hex = Digest::of(bytes).to_hex();
        let upper = hex.to_uppercase();
        let now_hex = now.get(path).map(|b| Digest::of(b).to_hex());
        let now_size = now.get(path).map(|b| b.len().to_string());
        let size = bytes.len().to_string();
        let line_text = String::from_utf8(honest_line(path)?)
            .map_err(|_| "a line that is not UTF-8 cannot be spelled")?;
        let mut parts = vec![
            ("line", line_text.as_str()),
            ("path", path),
            ("hex", hex.as_str()),
            ("HEX", upper.as_str()),
            ("size", size.as_str()),
        ];
        if let Some(h) = &now_hex {
            parts.push(("hex-now", h.as_str()));
        }
        if let Some(n) = &now_size {
            parts.push(("size-now", n.as_str()));
        }
        spelled(template, &parts).map(String::into_bytes)
    };
    for (i, edit) in r.record_edits.iter().enumerate() {
        let was = doc.clone();
        let step = |e: String| format!("record edit {}: {e}", i + 1);
        match edit {
            RecordEdit::Line { path, spell: t } => {
                let (at, len) = place(&doc, path).map_err(step)?;
                let new = spell(path, t).map_err(step)?;
                doc.splice(at..at + len, new);
            }
            RecordEdit::EveryLine { spell: t } => {
                for path in files.keys() {
                    let (at, len) = place(&doc, path).map_err(step)?;
                    let new = spell(path, t).map_err(step)?;
                    doc.splice(at..at + len, new);
                }
            }
            RecordEdit::RemoveLine { path } => {
                let (at, len) = place(&doc, path).map_err(step)?;
                doc.drain(at..at + len);
            }
            RecordEdit::Prefix { text, hex } => {
                doc.splice(0..0, edit_bytes(text, hex, &None).map_err(step)?);
            }
            RecordEdit::Reencode { encoding } => {
                doc = reencoded(&doc, encoding).map_err(step)?;
            }
            RecordEdit::Replace { from, to } => {
                let at = once_in(&doc, from).map_err(step)?;
                doc.splice(at..at + from.len(), to.bytes());
            }
            RecordEdit::CutFrom { from } => {
                let at = once_in(&doc, from).map_err(step)?;
                doc.truncate(at);
            }
            RecordEdit::Truncate { len } => {
                if *len >= doc.len() {
                    return Err(step("it cuts nothing".into()));
                }
                doc.truncate(*len);
            }
        }
        if doc == was {
            return Err(step("it changes nothing".into()));
        }
    }
    Ok(doc)
}

/// Where `text` is in `doc`, when it is there exactly once.
fn once_in(doc: &[u8], text: &str) -> Result<usize, String> {
    let at: Vec<usize> = (0..doc.len())
        .filter(|i| !text.is_empty() && doc[*i..].starts_with(text.as_bytes()))
        .collect();
    match at.as_slice() {
        [at] => Ok(*at),
        _ => Err("the text is not in the record once".into()),
    }
}

/// The layout a recipe names.
fn layout_named(name: &str) -> Result<Layout, String> {
    Ok(match name {
        "canonical" => Layout::Canonical,
        "given-order" => Layout::GivenOrder,
        "crlf" => Layout::Crlf,
        "ensure-ascii" => Layout::EnsureAscii { upper: false },
        "ensure-ascii-upper" => Layout::EnsureAscii { upper: true },
        "indent-4" => Layout::Indent("    "),
        "indent-tab" => Layout::Indent("\t"),
        "minified" => Layout::Minified,
        "space-before-colon" => Layout::SpaceBeforeColon,
        "trailing-space" => Layout::TrailingSpace,
        "trailing-comma" => Layout::TrailingComma,
        "no-final-newline" => Layout::NoFinalNewline,
        "two-final-newlines" => Layout::TwoFinalNewlines,
        "leading-newline" => Layout::LeadingNewline,
        "bom" => Layout::Bom,
        "utf-16le" => Layout::Utf16Le,
        _ => return Err(format!("unknown layout (one of {LAYOUTS})")),
    })
}

/// The layouts a recipe can name, for messages.
const LAYOUTS: &str = "canonical, given-order, crlf, ensure-ascii, ensure-ascii-upper, indent-4, indent-tab, minified, space-before-colon, trailing-space, trailing-comma, no-final-newline, two-final-newlines, leading-newline, bom, utf-16le";

/// Where in the seal `at` names.
fn seal_at(at: &SealAt) -> Result<At<'_>, Miss> {
    Ok(match (at.at.as_str(), at.layer.as_deref()) {
        ("top", None) => At::Top,
        ("top", Some(_)) => return Err(Miss::new("the top level has no layer")),
        (path, None) => At::Artifact(path),
        (path, Some("text")) => At::Text(path),
        (path, Some("json")) => At::Json(path),
        (_, Some(_)) => return Err(Miss::new("layer is text or json")),
    })
}

/// The node a seal edit writes.
fn seal_value(doc: &mut SealDoc, v: &SealValue) -> Result<Node, Miss> {
    match (&v.value, &v.raw) {
        (Some(json), None) => strict_json::parse(json.as_bytes())
            .map_err(|e| Miss::new(format!("value is not strict JSON: {}", e.class.name()))),
        (None, Some(spelled)) => Ok(doc.raw(spelled.clone())),
        _ => Err(Miss::new("a seal edit gives exactly one of value or raw")),
    }
}

/// Applies one edit to the parsed seal. What it names and does not find is said without the
/// file's own words (a path or key may be a canary): an error carries positions, not excerpts.
fn apply_to_seal(doc: &mut SealDoc, edit: &SealEdit) -> Result<(), Miss> {
    let missing =
        |_: Miss| Miss::new("it names an artifact, a layer or a member the seal does not hold");
    match edit {
        SealEdit::Set { at, key, value } => {
            let (at, v) = (seal_at(at)?, seal_value(doc, value)?);
            doc.set(at, key, v).map_err(missing)
        }
        SealEdit::Remove { at, key } => doc.remove(seal_at(at)?, key).map(drop).map_err(missing),
        SealEdit::Add {
            at,
            key,
            value,
            first,
        } => {
            let (at, v) = (seal_at(at)?, seal_value(doc, value)?);
            doc.add(at, key, v, *first).map_err(missing)
        }
        SealEdit::Rename { path, to } => doc.rename(path, to.clone()).map_err(missing),
        SealEdit::RemoveArtifact { path } => doc.remove_artifact(path).map(drop).map_err(missing),
        SealEdit::RepeatArtifact { path, to, last } => {
            let place: fn(usize) -> usize = if *last { |_| usize::MAX } else { |i| i + 1 };
            let at = doc.repeat_artifact(path, place).map_err(missing)?;
            match to {
                Some(to) => doc.set(At::Entry(at), "path", canonical::build::string(to.clone())),
                None => Ok(()),
            }
        }
    }
}

/// `bytes`, UTF-8 text, re-encoded: `utf-8-bom`, `no-bom`, `crlf`, `lf`, `utf-16le`,
/// `utf-16be`, `utf-32le`, `utf-32be` (the wide ones with a BOM).
fn reencoded(bytes: &[u8], encoding: &str) -> Result<Vec<u8>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "is not UTF-8 text to re-encode")?;
    let bare = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(match encoding {
        "utf-8-bom" => format!("\u{feff}{bare}").into_bytes(),
        "no-bom" => bare.as_bytes().to_vec(),
        "crlf" => text
            .replace("\r\n", "\n")
            .replace('\n', "\r\n")
            .into_bytes(),
        "lf" => text.replace("\r\n", "\n").into_bytes(),
        "utf-16le" => wide(bare, 2, true, true),
        "utf-16be" => wide(bare, 2, false, true),
        "utf-32le" => wide(bare, 4, true, true),
        "utf-32be" => wide(bare, 4, false, true),
        _ => {
            return Err("names an unknown encoding (utf-8-bom, no-bom, crlf, lf, utf-16le, utf-16be, utf-32le or utf-32be)".into());
        }
    })
}

/// Applies one edit to the draft, keeping `now` (the files' bytes after the edits so far).
fn apply(d: Draft, edit: &Edit, now: &mut BTreeMap<String, Vec<u8>>) -> Result<Draft, String> {
    let current = |now: &BTreeMap<String, Vec<u8>>, path: &str| {
        now.get(path)
            .cloned()
            .ok_or_else(|| format!("no file at {} to edit", shown(path)))
    };
    let written = |d: Draft, now: &mut BTreeMap<String, Vec<u8>>, path: &str, b: Vec<u8>| {
        now.insert(path.to_owned(), b.clone());
        d.write(path, b)
    };
    Ok(match edit {
        Edit::Write {
            path,
            text,
            hex,
            bytes,
        } => written(d, now, path, edit_bytes(text, hex, bytes)?),
        Edit::Append {
            path,
            text,
            hex,
            bytes,
        } => {
            let b = [current(now, path)?, edit_bytes(text, hex, bytes)?].concat();
            written(d, now, path, b)
        }
        Edit::Truncate { path, len } => {
            let mut b = current(now, path)?;
            if *len >= b.len() {
                return Err(format!(
                    "truncating {} to {len} bytes changes nothing",
                    shown(path)
                ));
            }
            b.truncate(*len);
            written(d, now, path, b)
        }
        Edit::Flip { path, at, bit } => {
            let mut b = current(now, path)?;
            let byte = b
                .get_mut(*at)
                .ok_or_else(|| format!("{} has no byte {at}", shown(path)))?;
            if *bit > 7 {
                return Err("bit is 0 to 7".into());
            }
            *byte ^= 1 << bit;
            written(d, now, path, b)
        }
        Edit::Reencode { path, encoding } => {
            let b = current(now, path)?;
            let out = reencoded(&b, encoding).map_err(|e| format!("{} {e}", shown(path)))?;
            if out == b {
                return Err(format!("re-encoding {} changes nothing", shown(path)));
            }
            written(d, now, path, out)
        }
        Edit::Remove { path } => {
            now.remove(path);
            d.remove(path)
        }
        Edit::Rename { path, to } => {
            if let Some(b) = now.remove(path) {
                now.insert(to.clone(), b);
            }
            d.rename(path, to)
        }
        Edit::Symlink { path, target } => {
            now.remove(path);
            d.symlink(path, target)
        }
        Edit::Fifo { path } => {
            now.remove(path);
            d.fifo(path)
        }
        Edit::Folder { path } => {
            now.remove(path);
            d.folder(path)
        }
        Edit::Sparse { path, len, head } => {
            now.remove(path);
            d.sparse(path, head.as_bytes().to_vec(), *len)
        }
    })
}
