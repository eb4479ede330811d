//! How a family writes its cases: a [`Draft`] per case, collected by [`Cases`].
//!
//! A tree case is drawn as the honest tree (`file`, `complete`), sealed in memory exactly as
//! `sealprobe seal .` would seal it (same fingerprints, same canonical bytes, signed with the
//! probe key when `keyed`), then changed (`write`, `remove`, `rename`, `symlink`, `fifo`,
//! `sparse`, `folder`). A seal case starts from the same honest seal and edits its bytes. A
//! packet case starts from a packet document; [`mint`] makes grants for it with the probe key.
//!
//! The canaries of a case are the strings it lists plus everything it holds that is secret by
//! nature: its key, its seal MAC and the tokens of its grants. So a validator that prints a MAC
//! or a token leaks, whether or not the family thought of planting it.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, OnceLock};

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng as _, SeedableRng as _};

use super::case::{Carrier, Case, Class, Entry, Expect, Family, Inputs, Need, Padding};
use super::features::Honest;
use super::record::{self, RecordFormat};
use super::seal_doc::{self, Layout, Miss, SealDoc};
use crate::decide::packet::digest_without_grants;
use crate::digest::Digest;
use crate::seal::fingerprint::{Fingerprints, fingerprints_of};
use crate::seal::model::{CompleteFolder, Seal};
use crate::seal::path::SealPath;
use crate::strict_json::{self, Node, Value};
use crate::token::grant::GrantToken;
use crate::token::key::Key;

/// The key every keyed case is sealed and granted with (the SHA-256 of a fixed phrase, so it
/// looks like a real key and is the same in every run).
pub fn probe_key_bytes() -> Vec<u8> {
    Digest::of(b"sealprobe probe key, do not use elsewhere")
        .0
        .to_vec()
}

/// Another key, for MACs and grants that must not verify.
pub fn other_key_bytes() -> Vec<u8> {
    Digest::of(b"sealprobe other key, never the one handed over")
        .0
        .to_vec()
}

/// A key from 32 fixed bytes; cannot fail.
fn key_of(bytes: Vec<u8>) -> Key {
    Key::from_bytes(bytes).unwrap_or_else(|_| unreachable!("32 bytes are a valid key"))
}

pub fn probe_key() -> Key {
    key_of(probe_key_bytes())
}

pub fn other_key() -> Key {
    key_of(other_key_bytes())
}

/// The clock of packet cases unless they set their own; grants minted with [`LATER`] are valid
/// at this time.
pub const NOW: u64 = 1_800_000_000;

/// An expiry after [`NOW`].
pub const LATER: u64 = 1_900_000_000;

/// Numbers for families that draw at random, seeded by the gate's `--seed` and the family's name,
/// so families are independent and a seed always gives the same cases.
pub struct Seeded(ChaCha8Rng);

impl Seeded {
    pub fn new(seed: u64, family: Family) -> Seeded {
        Seeded::labelled(seed, family.name())
    }

    /// Numbers seeded by `seed` and a label of the caller's (`hunt:17`: run 17 of a hunt), so
    /// that each stream can be drawn again alone.
    pub fn labelled(seed: u64, label: &str) -> Seeded {
        let d = Digest::of(format!("{seed}:{label}").as_bytes());
        Seeded(ChaCha8Rng::from_seed(d.0))
    }

    pub fn number(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A number in `0..n` (`0` when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.number() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.number() as u8).collect()
    }

    /// `n` random letters and digits (a readable canary).
    pub fn word(&mut self, n: usize) -> String {
        const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..n)
            .map(|_| char::from(ALNUM[self.below(ALNUM.len())]))
            .collect()
    }
}

/// A change to the tree after it was sealed.
enum Change {
    Write(Vec<u8>, Vec<u8>),
    Remove(Vec<u8>),
    Rename(Vec<u8>, Vec<u8>),
    Put(Entry),
}

type SealEdit = Box<dyn FnOnce(Vec<u8>) -> Result<Vec<u8>, Miss>>;

/// One case being drawn. Finish it with [`Cases::add`].
pub struct Draft {
    name: String,
    why: String,
    carrier: Carrier,
    files: BTreeMap<String, Vec<u8>>,
    complete: Vec<String>,
    sign: Option<Key>,
    key: Option<Vec<u8>>,
    changes: Vec<Change>,
    seal_edit: Option<SealEdit>,
    seal_pad_to: Option<u64>,
    packet: Option<Vec<u8>>,
    /// The hostile record of a record carrier other than the seal.
    record: Option<Vec<u8>>,
    now: Option<u64>,
    expect: Option<Expect>,
    /// The expectation is derived from the tree's drift when the case is finished (the hunt).
    by_drift: bool,
    canaries: Vec<Vec<u8>>,
}

impl Draft {
    fn new(name: &str, why: &str, carrier: Carrier) -> Draft {
        Draft {
            name: name.to_owned(),
            why: why.to_owned(),
            carrier,
            files: BTreeMap::new(),
            complete: Vec::new(),
            sign: None,
            key: None,
            changes: Vec::new(),
            seal_edit: None,
            seal_pad_to: None,
            packet: None,
            record: None,
            now: None,
            expect: None,
            by_drift: false,
            canaries: Vec::new(),
        }
    }

    /// A case whose point is the tree: it drifted from its honest seal.
    pub fn tree(name: &str, why: &str) -> Draft {
        Draft::new(name, why, Carrier::Tree)
    }

    /// A case whose point is the seal document: the tree is honest, the seal is edited.
    pub fn seal(name: &str, why: &str) -> Draft {
        Draft::new(name, why, Carrier::SEAL)
    }

    /// A case whose point is a decision packet (the document as given), judged at [`NOW`]
    /// unless [`Draft::now`] says otherwise: grants expire, so a packet case always has a clock.
    pub fn packet(name: &str, why: &str, doc: impl Into<Vec<u8>>) -> Draft {
        let mut d = Draft::new(name, why, Carrier::Packet);
        d.packet = Some(doc.into());
        d.now = Some(NOW);
        d
    }

    /// A case whose point is a record other than the seal (the document as given, in
    /// `format`).
    pub fn record(
        format: &'static RecordFormat,
        name: &str,
        why: &str,
        doc: impl Into<Vec<u8>>,
    ) -> Draft {
        let mut d = Draft::new(name, why, Carrier::Record(format));
        d.record = Some(doc.into());
        d
    }

    /// This case made a case of `format`'s record (as given in `doc`): the tree and its edits
    /// stay, and the record is the point.
    pub fn as_record(mut self, format: &'static RecordFormat, doc: Vec<u8>) -> Draft {
        self.carrier = Carrier::Record(format);
        self.record = Some(doc);
        self
    }

    // --- the honest tree ---------------------------------------------------------------

    /// A file of the honest tree (sealed). `path` must be a valid seal path.
    pub fn file(mut self, path: &str, bytes: impl Into<Vec<u8>>) -> Draft {
        self.files.insert(path.to_owned(), bytes.into());
        self
    }

    /// A folder the seal declares complete (`--complete`).
    pub fn complete(mut self, folder: &str) -> Draft {
        self.complete.push(folder.to_owned());
        self
    }

    /// Seal with the probe key and hand the key to the validator.
    pub fn keyed(mut self) -> Draft {
        self.sign = Some(probe_key());
        self.key = Some(probe_key_bytes());
        self
    }

    /// Seal with the probe key, hand no key: the seal is checked unauthenticated.
    pub fn signed_without_key(mut self) -> Draft {
        self.sign = Some(probe_key());
        self
    }

    /// Seal with `key` (or not at all), whatever key is handed over.
    pub fn signed_with(mut self, key: Option<Key>) -> Draft {
        self.sign = key;
        self
    }

    /// Hand these key bytes to the validator.
    pub fn key(mut self, bytes: impl Into<Vec<u8>>) -> Draft {
        self.key = Some(bytes.into());
        self
    }

    // --- after sealing --------------------------------------------------------------------

    /// Replaces (or adds) a file after sealing.
    pub fn write(mut self, path: impl AsRef<[u8]>, bytes: impl Into<Vec<u8>>) -> Draft {
        self.changes
            .push(Change::Write(path.as_ref().to_vec(), bytes.into()));
        self
    }

    /// Removes an entry after sealing.
    pub fn remove(mut self, path: impl AsRef<[u8]>) -> Draft {
        self.changes.push(Change::Remove(path.as_ref().to_vec()));
        self
    }

    /// Renames an entry after sealing.
    pub fn rename(mut self, from: impl AsRef<[u8]>, to: impl AsRef<[u8]>) -> Draft {
        self.changes
            .push(Change::Rename(from.as_ref().to_vec(), to.as_ref().to_vec()));
        self
    }

    /// Puts a symlink after sealing (replacing what stood there).
    pub fn symlink(mut self, path: impl AsRef<[u8]>, target: impl AsRef<[u8]>) -> Draft {
        self.changes.push(Change::Put(Entry::Symlink {
            path: path.as_ref().to_vec(),
            target: target.as_ref().to_vec(),
        }));
        self
    }

    /// Puts a FIFO after sealing.
    pub fn fifo(mut self, path: impl AsRef<[u8]>) -> Draft {
        self.changes.push(Change::Put(Entry::Fifo {
            path: path.as_ref().to_vec(),
        }));
        self
    }

    /// Puts an (empty) folder after sealing.
    pub fn folder(mut self, path: impl AsRef<[u8]>) -> Draft {
        self.changes.push(Change::Put(Entry::Folder {
            path: path.as_ref().to_vec(),
        }));
        self
    }

    /// Puts a sparse file of apparent size `len` after sealing.
    pub fn sparse(mut self, path: impl AsRef<[u8]>, head: impl Into<Vec<u8>>, len: u64) -> Draft {
        self.changes.push(Change::Put(Entry::Sparse {
            path: path.as_ref().to_vec(),
            head: head.into(),
            len,
        }));
        self
    }

    /// Edits the honest seal as a parsed document, written back by the canonical writer (a seal
    /// case): see [`seal_doc`]. An edit that finds nothing it names is a problem of the family.
    pub fn edit_doc(self, edit: impl FnOnce(&mut SealDoc) -> Result<(), Miss> + 'static) -> Draft {
        self.edit_doc_as(Layout::Canonical, edit)
    }

    /// Edits the honest seal as a parsed document and writes it in `layout`, a named
    /// non-canonical writer (the cases about layout).
    pub fn edit_doc_as(
        self,
        layout: Layout,
        edit: impl FnOnce(&mut SealDoc) -> Result<(), Miss> + 'static,
    ) -> Draft {
        self.try_edit_seal(move |honest| seal_doc::edited(&honest, layout, edit))
    }

    /// The honest seal written in `layout`: the same value, other bytes.
    pub fn relayout(self, layout: Layout) -> Draft {
        self.edit_doc_as(layout, |_| Ok(()))
    }

    /// Edits the honest seal's bytes: only for the cases whose point is bytes no JSON value
    /// describes (broken syntax, a cut-off document). Prefer [`Draft::edit_doc`].
    pub fn edit_seal(self, edit: impl FnOnce(Vec<u8>) -> Vec<u8> + 'static) -> Draft {
        self.try_edit_seal(move |honest| Ok(edit(honest)))
    }

    /// [`Draft::edit_seal`] with an edit that says when it found nothing to change.
    pub fn try_edit_seal(
        mut self,
        edit: impl FnOnce(Vec<u8>) -> Result<Vec<u8>, Miss> + 'static,
    ) -> Draft {
        self.seal_edit = Some(Box::new(edit));
        self
    }

    /// Pads the (edited) seal with spaces before its last `}` to `len` bytes: still valid JSON,
    /// written as the case is materialized (see [`Padding`]).
    pub fn pad_seal_to(mut self, len: u64) -> Draft {
        self.seal_pad_to = Some(len);
        self
    }

    /// Replaces the seal with these bytes.
    pub fn seal_bytes(self, bytes: impl Into<Vec<u8>>) -> Draft {
        let bytes = bytes.into();
        self.edit_seal(move |_| bytes)
    }

    /// The clock handed to the validator.
    pub fn now(mut self, now: u64) -> Draft {
        self.now = Some(now);
        self
    }

    /// A hostile case: the built-in validator must name every one of `classes`.
    pub fn expect<C: Into<Class>>(mut self, classes: impl IntoIterator<Item = C>) -> Draft {
        let mut c: Vec<Class> = classes.into_iter().map(Into::into).collect();
        c.sort();
        c.dedup();
        self.expect = Some(Expect::FailClosed(c));
        self
    }

    /// An honest packet that selects its own default (a HOLD, chosen): `sealprobe decide`
    /// without `--expect` refuses it with exit 1 and names no reason (SPEC 5.2), so `decide
    /// packet.json && deploy` never deploys on a HOLD. A validator that accepts it (exit 0)
    /// tells that job to deploy: it fails open. [`Case::check`] holds such a case to a packet
    /// that loads and selects exactly its default.
    ///
    /// [`Case::check`]: crate::probe::case::Case::check
    pub fn selects_default(mut self) -> Draft {
        self.expect = Some(Expect::FailClosed(Vec::new()));
        self
    }

    /// A tree case whose expectation is derived from its drift when it is finished (SPEC 7.9,
    /// see [`Case::by_drift`]).
    pub fn by_drift(mut self) -> Draft {
        self.expect = Some(Expect::Pass);
        self.by_drift = true;
        self
    }

    /// A control: every validator must accept it.
    pub fn control(mut self) -> Draft {
        self.expect = Some(Expect::Pass);
        self
    }

    /// A string planted in the case that must never come back.
    pub fn canary(mut self, planted: impl Into<Vec<u8>>) -> Draft {
        self.canaries.push(planted.into());
        self
    }

    fn finish(self, family: Family) -> Result<Case, String> {
        let id = format!("{}/{}", family.name(), self.name);
        let expect = self
            .expect
            .ok_or_else(|| format!("{id}: no expectation (expect or control)"))?;
        let mut inputs = Inputs {
            key: self.key,
            packet: self.packet,
            ..Inputs::default()
        };
        if let (Some(doc), Carrier::Record(format)) = (self.record, self.carrier) {
            inputs.records.insert(format.name.to_owned(), doc);
        }
        if self.carrier == Carrier::Tree || self.carrier == Carrier::SEAL || !self.files.is_empty()
        {
            let honest = honest_seal(&self.files, &self.complete, self.sign.as_ref())
                .map_err(|e| format!("{id}: {e}"))?;
            let seal = match self.seal_edit {
                // An edit that finds nothing to change would make a hostile case an honest one
                // without a word (issue #24): it is a problem of the family, found when the
                // suite is drawn.
                Some(edit) => {
                    let edited = edit(honest.clone())
                        .map_err(|miss| format!("{id}: its seal edit cannot be made: {miss}"))?;
                    if edited == honest {
                        return Err(format!("{id}: its seal edit changed nothing"));
                    }
                    edited
                }
                None => honest,
            };
            if let Some(len) = self.seal_pad_to {
                let spaces = len
                    .checked_sub(seal.len() as u64)
                    .ok_or_else(|| format!("{id}: the seal is longer than its padded length"))?;
                let at = seal.iter().rposition(|b| *b == b'}').unwrap_or(seal.len());
                inputs.seal_padding = Some(Padding { at, spaces });
            }
            inputs.seal = Some(seal);
            if self.carrier == Carrier::Tree {
                let state = Honest::of_files(&self.files, &self.complete);
                record::fill_honest(&state, &mut inputs.records);
            }
        }
        // outside/ holds an honest copy of every sealed file (SPEC 7.1) whose name a file
        // system can hold (the cases about names too long for one have none).
        inputs.outside = self
            .files
            .iter()
            .filter(|(p, _)| fits_a_file_system(p.as_bytes()))
            .map(|(p, bytes)| Entry::File {
                path: p.clone().into_bytes(),
                bytes: bytes.clone(),
            })
            .collect();
        let mut tree: BTreeMap<Vec<u8>, Entry> = self
            .files
            .into_iter()
            .map(|(p, bytes)| {
                let path = p.into_bytes();
                (path.clone(), Entry::File { path, bytes })
            })
            .collect();
        for change in self.changes {
            match change {
                Change::Write(path, bytes) => {
                    tree.insert(path.clone(), Entry::File { path, bytes });
                }
                Change::Remove(path) => {
                    tree.remove(&path)
                        .ok_or_else(|| format!("{id}: nothing to remove at a path"))?;
                }
                Change::Rename(from, to) => {
                    let entry = tree
                        .remove(&from)
                        .ok_or_else(|| format!("{id}: nothing to rename at a path"))?;
                    tree.insert(to.clone(), moved(entry, to));
                }
                Change::Put(entry) => {
                    tree.insert(entry.path().to_vec(), entry);
                }
            }
        }
        inputs.tree = tree.into_values().collect();
        let mut needs = Vec::new();
        if inputs.key.is_some() {
            needs.push(Need::Key);
        }
        if self.now.is_some() {
            needs.push(Need::Now);
        }
        let mut canaries = self.canaries;
        canaries.extend(secrets_of(&inputs));
        canaries.sort();
        canaries.dedup();
        let case = Case {
            id: id.clone(),
            family,
            why: self.why,
            carrier: self.carrier,
            needs,
            expect,
            canaries,
            now: self.now,
            features: Vec::new(),
            inputs,
        };
        if self.by_drift {
            case.by_drift()
        } else {
            case.with_features()
        }
        .map_err(|e| format!("{id}: {e}"))
    }
}

/// Whether Linux can hold `path` below a workspace: no name over 255 bytes (`NAME_MAX`), and the
/// whole well under 4,096 (`PATH_MAX`, with room for the workspace's own folder).
/// Whether a file system can hold this path (every name at most 255 bytes, the whole path well
/// under `PATH_MAX`).
pub(crate) fn fits_a_file_system(path: &[u8]) -> bool {
    path.len() < 3_072 && path.split(|b| *b == b'/').all(|name| name.len() <= 255)
}

fn moved(entry: Entry, path: Vec<u8>) -> Entry {
    match entry {
        Entry::File { bytes, .. } => Entry::File { path, bytes },
        Entry::Folder { .. } => Entry::Folder { path },
        Entry::Symlink { target, .. } => Entry::Symlink { path, target },
        Entry::Fifo { .. } => Entry::Fifo { path },
        Entry::Sparse { head, len, .. } => Entry::Sparse { path, head, len },
    }
}

/// The seal `sealprobe seal` would write for these files (all of them sealed, `complete` folders
/// declared), signed with `sign` when given.
pub fn honest_seal(
    files: &BTreeMap<String, Vec<u8>>,
    complete: &[String],
    sign: Option<&Key>,
) -> Result<Vec<u8>, String> {
    let artifacts = files
        .iter()
        .map(|(p, bytes)| {
            let path = SealPath::parse(p).map_err(|e| format!("{e:?} is not a seal path"))?;
            Ok(fingerprints_once(bytes).into_artifact(path))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let complete = complete
        .iter()
        .map(|c| {
            CompleteFolder::parse(c)
                .ok_or_else(|| "a complete folder is not a seal path".to_owned())
        })
        .collect::<Result<Vec<_>, String>>()?;
    let mut seal = Seal::new(artifacts, complete).map_err(|e| format!("{e:?}"))?;
    if let Some(key) = sign {
        seal.sign(key);
    }
    Ok(seal.to_file_form())
}

/// The fingerprints of `bytes`, computed once per process: families seal the same fixture files
/// for case after case, and the text layer (NFC, confusable skeletons) is most of the cost of
/// drawing the suite. Keyed by the bytes' SHA-256, so equal bytes share one entry and nothing
/// else does.
fn fingerprints_once(bytes: &[u8]) -> Fingerprints {
    static SEEN: OnceLock<Mutex<HashMap<Digest, Fingerprints>>> = OnceLock::new();
    let seen = SEEN.get_or_init(Mutex::default);
    let key = Digest::of(bytes);
    if let Some(f) = seen.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return f;
    }
    let f = fingerprints_of(bytes);
    if let Ok(mut m) = seen.lock() {
        m.insert(key, f.clone());
    }
    f
}

/// What a case holds that is secret by nature: the key, the seal MAC, the grant tokens.
pub fn secrets_of(inputs: &Inputs) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    if let Some(key) = &inputs.key
        && key.len() >= 8
    {
        out.push(key.clone());
    }
    let strings_at =
        |doc: &Option<Vec<u8>>, found: &mut Vec<Vec<u8>>, pick: fn(&Node) -> Vec<String>| {
            if let Some(doc) = doc
                && let Ok(root) = strict_json::parse_with_limit(doc, usize::MAX)
            {
                found.extend(pick(&root).into_iter().map(String::into_bytes));
            }
        };
    strings_at(&inputs.seal, &mut out, |root| member_strings(root, "mac"));
    strings_at(&inputs.packet, &mut out, |root| {
        let Value::Object(top) = &root.value else {
            return Vec::new();
        };
        top.iter()
            .filter(|m| m.key == "grants")
            .flat_map(|m| match &m.value.value {
                Value::Array(items) => items
                    .iter()
                    .flat_map(|g| member_strings(g, "token"))
                    .collect(),
                _ => Vec::new(),
            })
            .collect()
    });
    out.retain(|s| s.len() >= 16);
    out
}

/// The string values of member `key` of the object `node`.
fn member_strings(node: &Node, key: &str) -> Vec<String> {
    match &node.value {
        Value::Object(members) => members
            .iter()
            .filter(|m| m.key == key)
            .filter_map(|m| match &m.value.value {
                Value::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The digest a grant for the packet `doc` binds to (JCS without `grants`); `None` when `doc`
/// is not strict JSON.
pub fn packet_digest(doc: &[u8]) -> Option<String> {
    strict_json::parse(doc)
        .ok()
        .map(|root| digest_without_grants(&root))
}

/// A grant token for `action` on the packet `doc`, minted with `key`.
pub fn mint(key: &Key, action: &str, doc: &[u8], expires: u64) -> Option<String> {
    GrantToken::mint(key, action, &packet_digest(doc)?, expires)
}

/// The cases of one family, in the order they were added.
pub struct Cases {
    family: Family,
    cases: Vec<Case>,
    problems: Vec<String>,
}

impl Cases {
    pub fn new(family: Family) -> Cases {
        Cases {
            family,
            cases: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// Finishes `draft` as a case of this family.
    pub fn add(&mut self, draft: Draft) {
        match draft.finish(self.family) {
            Ok(case) => self.cases.push(case),
            Err(problem) => self.problems.push(problem),
        }
    }

    /// A value a family draws its cases from (the honest seal's digest, another seal's MAC), or
    /// `None` with the problem recorded against the family when it cannot be had: the suite then
    /// refuses to run rather than draw cases from a default.
    pub fn value<T, E: std::fmt::Display>(&mut self, what: &str, got: Result<T, E>) -> Option<T> {
        match got {
            Ok(v) => Some(v),
            Err(e) => {
                self.problems
                    .push(format!("{}: {what}: {e}", self.family.name()));
                None
            }
        }
    }

    /// `doc` with the first `from` replaced by `to`: a text edit of a document a family draws
    /// (a packet, a JSON file) at the place only its text can say (a comment, a repeated key, a
    /// byte that is not UTF-8). When `doc` does not hold `from`, the edit found nothing: the
    /// problem is recorded against the family with the line of the family's code that asked
    /// (never the text, which may be a canary), so the suite refuses to draw instead of running a
    /// hostile case that silently stayed honest; `doc` comes back unchanged meanwhile.
    #[track_caller]
    pub fn replace(&mut self, doc: &[u8], from: &str, to: &str) -> Vec<u8> {
        match super::families::text::replace_first(doc, from.as_bytes(), to.as_bytes()) {
            Some(edited) => edited,
            None => {
                let at = std::panic::Location::caller();
                self.problems.push(format!(
                    "{}: a text edit found nothing to replace ({}:{})",
                    self.family.name(),
                    at.file(),
                    at.line()
                ));
                doc.to_vec()
            }
        }
    }

    /// The cases, or every problem found in drawing them.
    pub fn finish(self) -> Result<Vec<Case>, Vec<String>> {
        if self.problems.is_empty() {
            Ok(self.cases)
        } else {
            Err(self.problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::SealErrorClass;

    /// A seal edit that finds nothing to change (a replace whose target is not in the seal)
    /// would turn a hostile case into an honest one without a word: the family's cases are
    /// refused, naming the case.
    #[test]
    fn a_seal_edit_that_changes_nothing_is_a_problem_of_the_family() {
        let draft = |from: &'static str| {
            Draft::seal("renamed-field", "a field renamed")
                .file("a.txt", b"a\n".to_vec())
                .edit_seal(move |s| {
                    String::from_utf8_lossy(&s)
                        .replacen(from, "\"format_\"", 1)
                        .into_bytes()
                })
                .expect([SealErrorClass::Schema])
        };
        let mut cases = Cases::new(Family::SealTamper);
        cases.add(draft("\"format\""));
        assert!(cases.finish().is_ok());
        let mut cases = Cases::new(Family::SealTamper);
        cases.add(draft("\"no-such-field\""));
        let problems = cases.finish().expect_err("a no-op edit is refused");
        assert!(
            problems[0].contains("seal-tamper/renamed-field")
                && problems[0].contains("changed nothing"),
            "{problems:?}"
        );
    }

    /// A text edit of a drawn document that finds nothing to replace is a problem of the family,
    /// located by the line of the family's code, without the text (which may be a canary).
    #[test]
    fn a_text_edit_that_finds_nothing_is_a_problem_of_the_family() {
        let mut cases = Cases::new(Family::Decision);
        assert_eq!(
            cases.replace(b"{\"a\": 1}", "1", "2"),
            b"{\"a\": 2}".to_vec()
        );
        assert!(cases.finish().is_ok());
        let mut cases = Cases::new(Family::Decision);
        let doc = cases.replace(b"{\"a\": 1}", "canary-text", "2");
        assert_eq!(doc, b"{\"a\": 1}".to_vec());
        let problems = cases.finish().expect_err("a missed text edit is refused");
        assert!(
            problems[0].starts_with("decision: a text edit found nothing")
                && problems[0].contains("src/probe/draft.rs:")
                && !problems[0].contains("canary-text"),
            "{problems:?}"
        );
    }

    /// An edit of the parsed seal that names what the seal does not hold (an artifact at another
    /// path, a member it does not have), or a layout that writes the canonical bytes, is refused
    /// when the suite is drawn, naming the case; the same edit of what is there is a case.
    #[test]
    fn a_parsed_seal_edit_that_misses_is_a_problem_of_the_family() {
        use crate::probe::seal_doc::At;
        let draft = |path: &'static str, layout: Layout| {
            Draft::seal("digest-edited", "a digest edited")
                .file("a.txt", b"a\n".to_vec())
                .edit_doc_as(layout, move |d| {
                    d.set_string(At::Artifact(path), "sha256", "0".repeat(64))
                })
                .expect([crate::seal::Drift::Content])
        };
        let mut cases = Cases::new(Family::SealTamper);
        cases.add(draft("a.txt", Layout::Canonical));
        assert!(cases.finish().is_ok());
        for (path, layout, says) in [
            ("b.txt", Layout::Canonical, "no artifact"),
            ("a.txt", Layout::GivenOrder, "changed nothing"),
        ] {
            let mut cases = Cases::new(Family::SealTamper);
            cases.add(draft(path, layout));
            let problems = cases.finish().expect_err("a missed edit is refused");
            assert!(
                problems[0].contains("seal-tamper/digest-edited") && problems[0].contains(says),
                "{problems:?}"
            );
        }
    }
}
