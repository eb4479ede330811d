//! Static cases: folders under `probes/<family>/<case>/` (SPEC 7.3), compiled into the binary so
//! that the suite a gate runs does not depend on where it is run from, and a case cannot go
//! missing because a folder was not found.
//!
//! A case folder holds `expect.toml`, `tree/` (the tree as the validator finds it; regular files
//! only, since git stores nothing else), and any of `seal.json`, `packet.json`, `key`,
//! `SHA256SUMS`. Anything else in the folder is an error, as is an `expect.toml` with an unknown
//! field, an id that does not match the folder, or a class, carrier or need that does not exist:
//! a static case is held to the same rules as a generated one ([`Case::check`]).

use include_dir::{Dir, include_dir};
use serde::{Deserialize, Serialize};

use super::case::{Carrier, Case, Class, Entry, Expect, Family, Inputs, Need};
use super::draft::secrets_of;
use crate::digest::{hex, unhex};
use crate::workspace::{EXPECT, KEY, PACKET, SEAL, SUMS, TREE};

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
            inputs,
        })
    }
}

/// Every file below `dir`, with its path relative to `base`.
fn files_below<'a>(dir: &'a Dir<'a>, out: &mut Vec<&'a include_dir::File<'a>>) {
    out.extend(dir.files());
    for sub in dir.dirs() {
        files_below(sub, out);
    }
}

/// Loads one case folder.
fn load_case(dir: &Dir<'_>) -> Result<Case, String> {
    let mut expect = None;
    let mut inputs = Inputs::default();
    for file in dir.files() {
        let name = file
            .path()
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("");
        let bytes = file.contents().to_vec();
        match name {
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
            SUMS => inputs.sums = Some(bytes),
            _ => return Err(format!("unexpected file {name:?} beside the tree")),
        }
    }
    for sub in dir.dirs() {
        let tree_root = sub.path();
        if tree_root.file_name().and_then(|n| n.to_str()) != Some(TREE) {
            return Err("unexpected folder beside the tree".into());
        }
        let mut files = Vec::new();
        files_below(sub, &mut files);
        for f in files {
            let rel = f
                .path()
                .strip_prefix(tree_root)
                .map_err(|_| "a tree file outside tree/")?;
            let path = rel
                .to_str()
                .ok_or("a tree path that is not UTF-8")?
                .as_bytes()
                .to_vec();
            inputs.tree.push(Entry::File {
                path,
                bytes: f.contents().to_vec(),
            });
        }
    }
    inputs.tree.sort_by(|a, b| a.path().cmp(b.path()));
    let expect = expect.ok_or("no expect.toml")?;
    let folder_id = dir
        .path()
        .to_str()
        .ok_or("a case folder that is not UTF-8")?
        .to_owned();
    if expect.id != folder_id {
        return Err(format!("expect.toml names id {:?}", expect.id));
    }
    let case = expect.into_case(inputs)?;
    case.check().map_err(|e| e.problem)?;
    Ok(case)
}

/// Every static case of `probes/`, or every problem found loading them (each naming its folder).
pub fn load() -> Result<Vec<Case>, Vec<String>> {
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for family_dir in PROBES.dirs() {
        let family = family_dir.path().to_string_lossy().into_owned();
        if Family::from_name(&family).is_none() {
            problems.push(format!("probes/{family}: not a family"));
            continue;
        }
        for case_dir in family_dir.dirs() {
            match load_case(case_dir) {
                Ok(case) => cases.push(case),
                Err(p) => problems.push(format!("probes/{}: {p}", case_dir.path().display())),
            }
        }
    }
    if problems.is_empty() {
        Ok(cases)
    } else {
        Err(problems)
    }
}
