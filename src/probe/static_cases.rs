//! Static cases: folders under `probes/<family>/<case>/` (SPEC 7.3), compiled into the binary so
//! that the suite a gate runs does not depend on where it is run from, and a case cannot go
//! missing because a folder was not found.
//!
//! A case folder holds `case.json` (`sealprobe-case/1`), `root/` (the tree as the validator finds
//! it), optional `outside/`, and any of `seal.json`, `packet.json`, `key`, `SHA256SUMS`.
//! Anything else in the folder is an error, as is a `case.json` with an unknown field, an id
//! that does not match the folder, or a class, carrier or need that does not exist: a static
//! case is held to the same rules as a generated one ([`Case::check`]). Data families
//! (`<family>.toml`, [`super::data`]) are loaded from the same folders.

use std::path::Path;

use include_dir::{Dir, include_dir};
use serde::{Deserialize, Serialize};

use super::case::{Carrier, Case, Class, Entry, Expect, Family, Inputs, Need};
use super::draft::secrets_of;
use super::features::Honest;
use super::record;
use crate::digest::Digest;
use crate::digest::{hex, unhex};
use crate::workspace::{CASE, KEY, OUTSIDE, PACKET, ROOT, SEAL};

/// The `probes/` folder, as it was when the binary was built.
static PROBES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/probes");

/// The format of `case.json`.
pub const CASE_FORMAT: &str = "sealprobe-case/1";

/// `case.json` (`sealprobe-case/1`, schema `schemas/sealprobe-case-1.json`): a case's identity,
/// expectation and features, beside its `root/`, `outside/` and inputs. `probes emit` writes it;
/// `probes/` and `--probes DIR` read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    pub format: String,
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
    /// The record features the case depends on (derived; when given, checked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
    /// The planted strings, hex-encoded.
    #[serde(default)]
    pub canaries: Vec<String>,
    /// The clock, when the case needs one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<u64>,
}

impl CaseFile {
    /// The case file of `case`.
    pub fn of(case: &Case) -> CaseFile {
        CaseFile {
            format: CASE_FORMAT.to_owned(),
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
            features: Some(case.features.iter().map(|f| f.name().to_owned()).collect()),
            canaries: case.canaries.iter().map(|c| hex(c, false)).collect(),
            now: case.now,
        }
    }

    /// `case.json` as written: pretty JSON and a final newline.
    pub fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        let mut out = serde_json::to_vec_pretty(self)?;
        out.push(b'\n');
        Ok(out)
    }

    /// Reads `case.json` strictly (SPEC 2: no repeated key, no unknown field) in its format.
    pub fn parse(bytes: &[u8]) -> Result<CaseFile, String> {
        crate::strict_json::parse(bytes)
            .map_err(|_| "case.json is not strict JSON (SPEC 2)".to_owned())?;
        let file: CaseFile = serde_json::from_slice(bytes)
            .map_err(|e| format!("case.json does not match {CASE_FORMAT} (line {})", e.line()))?;
        if file.format != CASE_FORMAT {
            return Err(format!("case.json is not {CASE_FORMAT}"));
        }
        Ok(file)
    }

    /// The case this file describes, with the inputs found beside it.
    pub fn into_case(self, inputs: Inputs) -> Result<Case, String> {
        let (family, _) = self
            .id
            .split_once('/')
            .ok_or_else(|| "the id is not <family>/<name>".to_owned())?;
        let family = Family::named(family).ok_or_else(|| "not a family name".to_owned())?;
        let classes = self
            .classes
            .iter()
            .map(|c| {
                Class::from_name(c).ok_or_else(|| "unknown class (SPEC 3.3, 3.1 or 5.2)".to_owned())
            })
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
            .map(|n| Need::from_name(n).ok_or_else(|| "unknown need (key or now)".to_owned()))
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

/// A folder of case files in memory, from the compiled-in `probes/` or from disk. Names are
/// bytes: a tree may hold names that are not UTF-8 (family and case folders may not).
#[derive(Debug, Default)]
struct Folder {
    name: Vec<u8>,
    files: Vec<(Vec<u8>, Vec<u8>)>,
    /// Symlinks, FIFOs and sparse files (on disk only; git stores none of them), each with its
    /// name as its path.
    specials: Vec<Entry>,
    folders: Vec<Folder>,
}

/// A regular file larger than this whose only data is at its start (the file system reports a
/// hole there and no data after it, `SEEK_HOLE`/`SEEK_DATA`) is read back as a sparse file: its
/// data and its length, never read whole.
const SPARSE_FROM: u64 = 1024 * 1024;

/// The most bytes of data a case folder's file may hold (a sparse file's holes do not count):
/// a bigger one is refused, never read into memory.
const FILE_LIMIT: u64 = 256 * 1024 * 1024;

/// A regular file of a case folder as an entry named `name`: a file of its bytes, or a sparse
/// file when its only data is at its start; refused above [`FILE_LIMIT`] bytes of data.
fn read_file(path: &Path, name: Vec<u8>, len: u64) -> Result<Entry, String> {
    use rustix::fs::{SeekFrom, seek};
    use std::io::{Read as _, Seek as _};
    let cannot = |e: std::io::Error| format!("cannot read: {}", e.kind());
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut data_len = len;
    if len > SPARSE_FROM
        && let Ok(hole) = seek(&file, SeekFrom::Hole(0))
        && hole < len
        && seek(&file, SeekFrom::Data(hole)) == Err(rustix::io::Errno::NXIO)
    {
        data_len = hole;
    }
    if data_len > FILE_LIMIT {
        return Err(format!("a file with more than {FILE_LIMIT} bytes of data"));
    }
    let mut bytes = Vec::new();
    let mut file = file;
    file.rewind().map_err(cannot)?;
    (&mut file)
        .take(data_len)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if data_len == len {
        return Ok(Entry::File { path: name, bytes });
    }
    // The data region ends at a block boundary: the zeros before the hole are holes too.
    while bytes.last() == Some(&0) {
        bytes.pop();
    }
    Ok(Entry::Sparse {
        path: name,
        head: bytes,
        len,
    })
}

impl Folder {
    fn included(dir: &Dir<'_>) -> Folder {
        let name_of = |p: &std::path::Path| {
            p.file_name()
                .map(|n| n.as_encoded_bytes().to_vec())
                .unwrap_or_default()
        };
        Folder {
            name: name_of(dir.path()),
            files: dir
                .files()
                .map(|f| (name_of(f.path()), f.contents().to_vec()))
                .collect(),
            specials: Vec::new(),
            folders: dir.dirs().map(Folder::included).collect(),
        }
    }

    /// The folder's name as text (family and case folders).
    fn text_name(&self) -> Result<&str, String> {
        std::str::from_utf8(&self.name).map_err(|_| "a folder name that is not UTF-8".to_owned())
    }

    /// Reads a folder from disk as it is: files, folders, symlinks (as links, never followed),
    /// FIFOs (never opened) and sparse files (see [`SPARSE_FROM`]). A socket or device is an
    /// error.
    fn on_disk(path: &Path) -> Result<Folder, String> {
        use std::os::unix::ffi::OsStrExt as _;
        use std::os::unix::fs::FileTypeExt as _;
        let mut folder = Folder {
            name: path
                .file_name()
                .map(|n| n.as_bytes().to_vec())
                .unwrap_or_default(),
            ..Folder::default()
        };
        let entries = std::fs::read_dir(path).map_err(|e| format!("cannot list: {}", e.kind()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list: {}", e.kind()))?;
            let meta = std::fs::symlink_metadata(entry.path())
                .map_err(|e| format!("cannot stat: {}", e.kind()))?;
            let kind = meta.file_type();
            let child = entry.path();
            let name = entry.file_name().as_bytes().to_vec();
            if kind.is_dir() {
                folder.folders.push(Folder::on_disk(&child)?);
            } else if kind.is_symlink() {
                let target = std::fs::read_link(&child)
                    .map_err(|e| format!("cannot read a link: {}", e.kind()))?;
                folder.specials.push(Entry::Symlink {
                    path: name,
                    target: target.as_os_str().as_bytes().to_vec(),
                });
            } else if kind.is_fifo() {
                folder.specials.push(Entry::Fifo { path: name });
            } else if kind.is_file() {
                match read_file(&child, name, meta.len())? {
                    Entry::File { path, bytes } => folder.files.push((path, bytes)),
                    sparse => folder.specials.push(sparse),
                }
            } else {
                return Err("a socket or device in a case folder".into());
            }
        }
        folder.files.sort();
        folder.folders.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(folder)
    }

    /// Every entry below, with its `/`-joined path relative to this folder; an empty folder is
    /// an entry of its own.
    fn entries_below(&self, prefix: &[u8], out: &mut Vec<Entry>) {
        let joined = |name: &[u8]| [prefix, name].concat();
        for (name, bytes) in &self.files {
            out.push(Entry::File {
                path: joined(name),
                bytes: bytes.clone(),
            });
        }
        for special in &self.specials {
            let mut e = special.clone();
            match &mut e {
                Entry::Symlink { path, .. } | Entry::Fifo { path } | Entry::Sparse { path, .. } => {
                    *path = joined(path)
                }
                Entry::File { .. } | Entry::Folder { .. } => {}
            }
            out.push(e);
        }
        for sub in &self.folders {
            let path = joined(&sub.name);
            if sub.files.is_empty() && sub.specials.is_empty() && sub.folders.is_empty() {
                out.push(Entry::Folder { path });
            } else {
                sub.entries_below(&[path.as_slice(), b"/"].concat(), out);
            }
        }
    }
}

/// Loads one case folder, whose id must be `family/<folder name>`.
fn load_case(dir: &Folder, family: &str) -> Result<Case, String> {
    let mut file = None;
    let mut inputs = Inputs::default();
    // A bag's payload is `data`, a link to root/ (SPEC 7.8); nothing else beside the tree is
    // special.
    let bag_data = |e: &Entry| {
        matches!(e, Entry::Symlink { path, target }
            if path == record::bagit::DATA.as_bytes() && target == ROOT.as_bytes())
    };
    if dir.specials.iter().any(|e| !bag_data(e)) {
        return Err("a symlink, FIFO or sparse file beside the tree".into());
    }
    let mut bag = Vec::new();
    for (name, bytes) in &dir.files {
        let bytes = bytes.clone();
        let name = std::str::from_utf8(name).map_err(|_| "a file name that is not UTF-8")?;
        match name {
            CASE => file = Some(CaseFile::parse(&bytes)?),
            SEAL => inputs.seal = Some(bytes),
            PACKET => inputs.packet = Some(bytes),
            KEY => inputs.key = Some(bytes),
            name if record::bagit::is_tag_file(name) => bag.push((name.to_owned(), bytes)),
            name => match record::by_file(name) {
                Some(format) => {
                    inputs.records.insert(format.name.to_owned(), bytes);
                }
                None => {
                    return Err(format!(
                        "unexpected file {} beside root/",
                        crate::escape::name(name.as_bytes())
                    ));
                }
            },
        }
    }
    match (bag.is_empty(), dir.specials.iter().any(bag_data)) {
        (true, false) => {}
        (false, true) => {
            inputs.records.insert(
                record::bagit::BAG.name.to_owned(),
                record::bagit::pack(&bag),
            );
        }
        _ => return Err("a bag's tag files and its data link to root/ come together".into()),
    }
    let mut outside = None;
    for sub in &dir.folders {
        let into = match sub.name.as_slice() {
            n if n == ROOT.as_bytes() => &mut inputs.tree,
            n if n == OUTSIDE.as_bytes() => outside.insert(Vec::new()),
            _ => return Err("unexpected folder beside root/".into()),
        };
        sub.entries_below(b"", into);
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
    let file = file.ok_or("no case.json")?;
    let folder_id = format!("{family}/{}", dir.text_name()?);
    if file.id != folder_id {
        return Err(format!(
            "case.json names another id than <family>/<folder> ({folder_id})"
        ));
    }
    let stated = file.features.clone();
    let mut case = file.into_case(inputs)?;
    // Every tree case comes as every record its honest state can be rendered to: a case folder
    // states that state as its seal, so the other records are derived from it (a template with
    // `{sums}` is never run with the word dropped).
    if case.carrier == Carrier::Tree {
        let seal = case
            .inputs
            .seal
            .as_deref()
            .ok_or("a tree case without a seal")?;
        record::fill_honest(&Honest::of_seal(seal)?, &mut case.inputs.records);
    }
    let case = case.with_features()?;
    if let Some(stated) = stated {
        let derived: Vec<&str> = case.features.iter().map(|f| f.name()).collect();
        if stated != derived {
            return Err(format!(
                "case.json states other features than its drift depends on ({})",
                derived.join(", ")
            ));
        }
    }
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

/// Every case below `root`, or every problem found: the data families (`<family>.toml`, see
/// [`super::data`]) and the family folders holding case folders. `README.md` may stand beside
/// them; any other file is a problem, never skipped.
fn load_from(root: &Folder, shown: &str) -> Result<Vec<Case>, Vec<String>> {
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for (name, bytes) in &root.files {
        let name = crate::escape::name(name);
        let Some(stem) = name.strip_suffix(".toml") else {
            if name != "README.md" && name != "build.rs" {
                problems.push(format!(
                    "{shown}/{name}: not a data family (<family>.toml) nor a family folder"
                ));
            }
            continue;
        };
        let file = format!("{shown}/{name}");
        let Some(family) = Family::named(stem) else {
            problems.push(format!("{file}: {stem:?} is not a family name"));
            continue;
        };
        let Ok(text) = std::str::from_utf8(bytes) else {
            problems.push(format!("{file}: not UTF-8"));
            continue;
        };
        match super::data::load(text, &file, family) {
            Ok(c) => cases.extend(c),
            Err(p) => problems.extend(p),
        }
    }
    for family_dir in &root.folders {
        let family = crate::escape::name(&family_dir.name);
        if Family::named(&family).is_none() {
            problems.push(format!("{shown}/{family}: not a family name"));
            continue;
        }
        for case_dir in &family_dir.folders {
            match load_case(case_dir, &family) {
                Ok(case) => cases.push(case),
                Err(p) => problems.push(format!(
                    "{shown}/{family}/{}: {p}",
                    crate::escape::name(&case_dir.name)
                )),
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
    use std::os::unix::ffi::OsStrExt as _;
    let shown = crate::escape::name(dir.as_os_str().as_bytes());
    let root = Folder::on_disk(dir).map_err(|e| vec![format!("{shown}: {e}")])?;
    load_from(&root, &shown)
}

/// Every static case of `probes/`, or every problem found loading them (each naming its folder).
pub fn load() -> Result<Vec<Case>, Vec<String>> {
    load_from(&Folder::included(&PROBES), "probes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Seek as _, SeekFrom, Write as _};

    /// A file with data, a hole of `hole` bytes, and then `tail`.
    fn holey(dir: &Path, name: &str, hole: u64, tail: &[u8]) -> std::path::PathBuf {
        let path = dir.join(name);
        let mut f = std::fs::File::create(&path).unwrap();
        f.write_all(b"head").unwrap();
        f.seek(SeekFrom::Current(hole as i64)).unwrap();
        f.write_all(tail).unwrap();
        if tail.is_empty() {
            f.set_len(4 + hole).unwrap();
        }
        path
    }

    #[test]
    fn only_a_file_whose_data_is_all_at_its_start_reads_back_as_sparse() {
        let dir = tempfile::tempdir().unwrap();
        let hole = 8 * SPARSE_FROM;
        let sparse = holey(dir.path(), "sparse", hole, b"");
        assert_eq!(
            read_file(&sparse, b"s".to_vec(), 4 + hole).unwrap(),
            Entry::Sparse {
                path: b"s".to_vec(),
                head: b"head".to_vec(),
                len: 4 + hole
            }
        );
        // Data after the hole: read whole, never cut to its head.
        let tailed = holey(dir.path(), "tailed", hole, b"tail");
        let Entry::File { bytes, .. } = read_file(&tailed, b"t".to_vec(), 8 + hole).unwrap() else {
            panic!("read as sparse");
        };
        assert_eq!(bytes.len() as u64, 8 + hole);
        assert!(bytes.ends_with(b"tail"));
    }
}
