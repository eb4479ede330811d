//! Static cases: folders under `probes/<family>/<case>/` (SPEC 7.3), compiled into the binary so
//! that the suite a gate runs does not depend on where it is run from, and a case cannot go
//! missing because a folder was not found.
//!
//! A case folder holds `expect.toml`, `tree/` (the tree as the validator finds it; regular files
//! only, since git stores nothing else), and any of `seal.json`, `packet.json`, `key`,
//! `SHA256SUMS`. Anything else in the folder is an error, as is an `expect.toml` with an unknown
//! field, an id that does not match the folder, or a class, carrier or need that does not exist:
//! a static case is held to the same rules as a generated one ([`Case::check`]).

use std::path::Path;

use include_dir::{Dir, include_dir};
use serde::{Deserialize, Serialize};

use super::case::{Carrier, Case, Class, Entry, Expect, Family, Inputs, Need};
use super::draft::secrets_of;
use super::features::Honest;
use super::record;
use crate::digest::Digest;
use crate::digest::{hex, unhex};
use crate::workspace::{EXPECT, KEY, OUTSIDE, PACKET, SEAL, TREE};

/// The `probes/` folder, as it was when the binary was built.
static PROBES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/probes");

/// `expect.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectFile {
    pub id: String,
    pub why: String,
    /// `fail-closed` or `pass`.
    pub expect: String,
    /// Classes the built-in validator must name (empty for a control).
    pub classes: Vec<String>,
    /// `tree`, `seal`, `sums` or `packet`.
    pub carrier: String,
    /// `key`, `now`.
    #[serde(default)]
    pub needs: Vec<String>,
    /// The planted strings, hex-encoded.
    #[serde(default)]
    pub canaries: Vec<String>,
    /// The clock, when the case needs one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<u64>,
}

impl ExpectFile {
    /// The expectation file of `case`.
    pub fn of(case: &Case) -> ExpectFile {
        ExpectFile {
            id: case.id.clone(),
            why: case.why.clone(),
            expect: case.expect.name().to_owned(),
            classes: case
                .expect
                .classes()
                .iter()
                .map(|c| c.name().to_owned())
                .collect(),
            carrier: case.carrier.name().to_owned(),
            needs: case.needs.iter().map(|n| n.name().to_owned()).collect(),
            canaries: case.canaries.iter().map(|c| hex(c, false)).collect(),
            now: case.now,
        }
    }

    /// The case this file describes, with the inputs found beside it.
    pub fn into_case(self, inputs: Inputs) -> Result<Case, String> {
        let (family, _) = self
            .id
            .split_once('/')
            .ok_or_else(|| "the id is not <family>/<name>".to_owned())?;
        let family = Family::from_name(family).ok_or_else(|| "unknown family".to_owned())?;
        let classes = self
            .classes
            .iter()
            .map(|c| Class::from_name(c).ok_or_else(|| format!("unknown class {c:?}")))
            .collect::<Result<Vec<_>, _>>()?;
        let expect = match self.expect.as_str() {
            "fail-closed" => Expect::FailClosed(classes),
            "pass" if classes.is_empty() => Expect::Pass,
            "pass" => return Err("a control names classes".into()),
            _ => return Err("expect is neither fail-closed nor pass".into()),
        };
        let carrier = Carrier::from_name(&self.carrier).ok_or("unknown carrier")?;
        let needs = self
            .needs
            .iter()
            .map(|n| Need::from_name(n).ok_or_else(|| format!("unknown need {n:?}")))
            .collect::<Result<Vec<_>, _>>()?;
        let mut canaries = self
            .canaries
            .iter()
            .map(|c| unhex(c).ok_or_else(|| "a canary is not lower-case hex".to_owned()))
            .collect::<Result<Vec<_>, _>>()?;
        canaries.extend(secrets_of(&inputs));
        canaries.sort();
        canaries.dedup();
        Ok(Case {
            id: self.id,
            family,
            why: self.why,
            carrier,
            needs,
            expect,
            canaries,
            now: self.now,
            features: Vec::new(),
            inputs,
        })
    }
}

/// A folder of case files in memory, from the compiled-in `probes/` or from disk.
#[derive(Debug, Default)]
struct Folder {
    name: String,
    files: Vec<(String, Vec<u8>)>,
    folders: Vec<Folder>,
}

impl Folder {
    fn included(dir: &Dir<'_>) -> Folder {
        let name_of = |p: &std::path::Path| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        Folder {
            name: name_of(dir.path()),
            files: dir
                .files()
                .map(|f| (name_of(f.path()), f.contents().to_vec()))
                .collect(),
            folders: dir.dirs().map(Folder::included).collect(),
        }
    }

    /// Reads a folder from disk: regular files and folders only, names in UTF-8.
    fn on_disk(path: &Path) -> Result<Folder, String> {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or("a name that is not UTF-8")?
            .to_owned();
        let mut folder = Folder {
            name,
            ..Folder::default()
        };
        let entries = std::fs::read_dir(path).map_err(|e| format!("cannot list: {}", e.kind()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list: {}", e.kind()))?;
            let kind = entry
                .file_type()
                .map_err(|e| format!("cannot stat: {}", e.kind()))?;
            let child = entry.path();
            if kind.is_dir() {
                folder.folders.push(Folder::on_disk(&child)?);
            } else if kind.is_file() {
                let name = entry
                    .file_name()
                    .into_string()
                    .map_err(|_| "a name that is not UTF-8")?;
                let bytes =
                    std::fs::read(&child).map_err(|e| format!("cannot read: {}", e.kind()))?;
                folder.files.push((name, bytes));
            } else {
                return Err("a symlink, FIFO or device in a static case".into());
            }
        }
        folder.files.sort();
        folder.folders.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(folder)
    }

    /// Every file below, with its `/`-joined path relative to this folder.
    fn files_below(&self, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) {
        for (name, bytes) in &self.files {
            out.push((format!("{prefix}{name}"), bytes.clone()));
        }
        for sub in &self.folders {
            sub.files_below(&format!("{prefix}{}/", sub.name), out);
        }
    }
}

/// Loads one case folder, whose id must be `family/<folder name>`.
fn load_case(dir: &Folder, family: &str) -> Result<Case, String> {
    let mut expect = None;
    let mut inputs = Inputs::default();
    for (name, bytes) in &dir.files {
        let bytes = bytes.clone();
        match name.as_str() {
            EXPECT => {
                let text = std::str::from_utf8(&bytes).map_err(|_| "expect.toml is not UTF-8")?;
                expect = Some(
                    toml::from_str::<ExpectFile>(text)
                        .map_err(|_| "expect.toml does not match the expectation format")?,
                );
            }
            SEAL => inputs.seal = Some(bytes),
            PACKET => inputs.packet = Some(bytes),
            KEY => inputs.key = Some(bytes),
            name => match record::by_file(name) {
                Some(format) => {
                    inputs.records.insert(format.name.to_owned(), bytes);
                }
                None => return Err(format!("unexpected file {name:?} beside the tree")),
            },
        }
    }
    let mut outside = None;
    for sub in &dir.folders {
        let into = match sub.name.as_str() {
            TREE => &mut inputs.tree,
            OUTSIDE => outside.insert(Vec::new()),
            _ => return Err("unexpected folder beside the tree".into()),
        };
        let mut files = Vec::new();
        sub.files_below("", &mut files);
        into.extend(files.into_iter().map(|(path, bytes)| Entry::File {
            path: path.into_bytes(),
            bytes,
        }));
    }
    inputs.tree.sort_by(|a, b| a.path().cmp(b.path()));
    // outside/ holds honest copies of the sealed files (SPEC 7.1): a folder that does not give
    // it gets the files of its tree that still hold their sealed bytes (the honest bytes of a
    // drifted file are not known).
    inputs.outside = match outside {
        Some(mut files) => {
            files.sort_by(|a, b| a.path().cmp(b.path()));
            files
        }
        None => honest_copies(&inputs),
    };
    let expect = expect.ok_or("no expect.toml")?;
    let folder_id = format!("{family}/{}", dir.name);
    if expect.id != folder_id {
        return Err(format!("expect.toml names id {:?}", expect.id));
    }
    let mut case = expect.into_case(inputs)?;
    // Every tree case comes as every record its honest state can be rendered to: a static tree
    // case states that state as its seal, so its `SHA256SUMS` is derived from it (a template
    // with `{sums}` is never run with the word dropped).
    if case.carrier == Carrier::Tree {
        let seal = case
            .inputs
            .seal
            .as_deref()
            .ok_or("a tree case without a seal")?;
        record::fill_honest(&Honest::of_seal(seal)?, &mut case.inputs.records);
    }
    let case = case.with_features()?;
    case.check().map_err(|e| e.problem)?;
    Ok(case)
}

/// The files of the tree that hold the bytes the case's seal records for their path.
fn honest_copies(inputs: &Inputs) -> Vec<Entry> {
    let Some(honest) = inputs.seal.as_deref().and_then(|s| Honest::of_seal(s).ok()) else {
        return Vec::new();
    };
    inputs
        .tree
        .iter()
        .filter(|e| match e {
            Entry::File { path, bytes } => honest
                .files
                .get(path)
                .is_some_and(|(len, sha)| *len == bytes.len() as u64 && *sha == Digest::of(bytes)),
            _ => false,
        })
        .cloned()
        .collect()
}

/// Every case below `root` (family folders holding case folders), or every problem found.
fn load_from(root: &Folder, shown: &str) -> Result<Vec<Case>, Vec<String>> {
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for family_dir in &root.folders {
        let family = &family_dir.name;
        if Family::from_name(family).is_none() {
            problems.push(format!("{shown}/{family}: not a family"));
            continue;
        }
        for case_dir in &family_dir.folders {
            match load_case(case_dir, family) {
                Ok(case) => cases.push(case),
                Err(p) => problems.push(format!("{shown}/{family}/{}: {p}", case_dir.name)),
            }
        }
    }
    if problems.is_empty() {
        Ok(cases)
    } else {
        Err(problems)
    }
}

/// Every case in the static form below `dir` on disk (what `sealprobe probes emit` wrote).
pub fn load_dir(dir: &Path) -> Result<Vec<Case>, Vec<String>> {
    let root = Folder::on_disk(dir).map_err(|e| vec![e])?;
    load_from(&root, &dir.display().to_string())
}

/// Every static case of `probes/`, or every problem found loading them (each naming its folder).
pub fn load() -> Result<Vec<Case>, Vec<String>> {
    load_from(&Folder::included(&PROBES), "probes")
}
