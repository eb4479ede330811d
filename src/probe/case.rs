//! The case model (SPEC 7.1): a small workspace of hostile (or honest) inputs, what the built-in
//! validator must say about it, and why a validator that passes it is wrong.
//!
//! A [`Case`] is data. It holds the tree exactly as a validator will find it, the seal, packet,
//! key and `SHA256SUMS` bytes beside it, the canaries planted in it, and the expectation. It is
//! made by a family's generator (through [`super::build`]) or loaded from `probes/` (through
//! [`super::static_cases`]); both are held to the same rules by [`Case::check`]. Writing it to
//! disk is [`super::materialize`]'s job; judging what a validator did with it is the gate's.

use std::fmt;

use super::features::{self, Feature, Honest};
use super::record;
use crate::decide::ReasonClass;
use crate::digest::Digest;
use crate::seal::{Drift, SealErrorClass};
use crate::strict_json::Node;
use crate::strict_json::canonical::{build, jcs};

/// A probe family: one of the twelve of SPEC 7.2, or a data family (`probes/<family>.toml`,
/// `sealprobe gate --probes DIR`) with a name of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    Bytes,
    Unicode,
    LineEndings,
    Bom,
    JsonReencode,
    Filesystem,
    SealTamper,
    JsonHostile,
    ForgedTokens,
    Decision,
    LeakBait,
    Resource,
    /// A data family whose name is none of the above (a plain case name, see [`is_case_name`]).
    Data(&'static str),
}

impl Family {
    /// The twelve built-in families, in report order.
    pub const ALL: &'static [Family] = &[
        Family::Bytes,
        Family::Unicode,
        Family::LineEndings,
        Family::Bom,
        Family::JsonReencode,
        Family::Filesystem,
        Family::SealTamper,
        Family::JsonHostile,
        Family::ForgedTokens,
        Family::Decision,
        Family::LeakBait,
        Family::Resource,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Family::Bytes => "bytes",
            Family::Unicode => "unicode",
            Family::LineEndings => "line-endings",
            Family::Bom => "bom",
            Family::JsonReencode => "json-reencode",
            Family::Filesystem => "filesystem",
            Family::SealTamper => "seal-tamper",
            Family::JsonHostile => "json-hostile",
            Family::ForgedTokens => "forged-tokens",
            Family::Decision => "decision",
            Family::LeakBait => "leak-bait",
            Family::Resource => "resource",
            Family::Data(name) => name,
        }
    }

    /// The built-in family with exactly this name.
    pub fn from_name(name: &str) -> Option<Family> {
        Family::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// The family a data file or folder named `name` belongs to: a built-in one, or a data
    /// family of that name. Each name is kept once for the rest of the process (interned, so
    /// loading the same folder again keeps nothing more).
    pub fn named(name: &str) -> Option<Family> {
        use std::collections::BTreeSet;
        use std::sync::{Mutex, OnceLock};
        static NAMES: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
        if let Some(f) = Family::from_name(name) {
            return Some(f);
        }
        if !is_case_name(name) {
            return None;
        }
        let mut names = NAMES.get_or_init(Mutex::default).lock().ok()?;
        let kept = match names.get(name) {
            Some(kept) => *kept,
            None => {
                let kept: &'static str = Box::leak(name.to_owned().into_boxed_str());
                names.insert(kept);
                kept
            }
        };
        Some(Family::Data(kept))
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The document that holds a case's point (SPEC 7.1), which decides which validators can be
/// judged on it. A record carrier names its format from the one registry ([`record::FORMATS`]),
/// so a format with hostile records of its own needs no new carrier: its name is the carrier's.
#[derive(Debug, Clone, Copy)]
pub enum Carrier {
    /// The tree drifted from an honest record (every record format carries it).
    Tree,
    /// The record document itself is hostile, in this format (`seal`, `sums`, ...).
    Record(&'static record::RecordFormat),
    /// A decision packet, with its grants.
    Packet,
}

impl Carrier {
    /// A hostile seal.
    pub const SEAL: Carrier = Carrier::Record(&record::SEAL);
    /// A hostile SHA256SUMS manifest.
    pub const SUMS: Carrier = Carrier::Record(&record::SUMS);

    /// The stable name: `tree`, `packet`, or the record format's name.
    pub fn name(self) -> &'static str {
        match self {
            Carrier::Tree => "tree",
            Carrier::Record(f) => f.name,
            Carrier::Packet => "packet",
        }
    }

    /// The carrier with exactly this name.
    pub fn from_name(name: &str) -> Option<Carrier> {
        Carrier::all().find(|c| c.name() == name)
    }

    /// Every carrier: the tree, each record format in the registry's order, the packet.
    pub fn all() -> impl Iterator<Item = Carrier> {
        std::iter::once(Carrier::Tree)
            .chain(record::FORMATS.iter().map(Carrier::Record))
            .chain(std::iter::once(Carrier::Packet))
    }

    /// The record format whose document is hostile, for a record carrier.
    pub fn record(self) -> Option<&'static record::RecordFormat> {
        match self {
            Carrier::Record(f) => Some(f),
            _ => None,
        }
    }
}

impl PartialEq for Carrier {
    fn eq(&self, other: &Carrier) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Carrier {}

impl fmt::Display for Carrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

crate::vocabulary! {
    /// Other inputs a case hands over.
    pub enum Need {
        /// A key file.
        Key => "key",
        /// A clock (`now`, Unix seconds).
        Now => "now",
    }
}

/// A class the built-in validator must name: a drift class, a seal error class or a decision
/// reason, or `usage-error` (an extension: the validator refused an input file it was handed,
/// such as a key shorter than 32 bytes, before judging anything, with exit 2). The sets share no
/// name, so a class is found from its name alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    Drift(Drift),
    Seal(SealErrorClass),
    Reason(ReasonClass),
    Usage,
}

/// The name of [`Class::Usage`].
pub const USAGE_ERROR: &str = "usage-error";

impl Class {
    pub fn name(self) -> &'static str {
        match self {
            Class::Drift(d) => d.name(),
            Class::Seal(s) => s.name(),
            Class::Reason(r) => r.name(),
            Class::Usage => USAGE_ERROR,
        }
    }

    pub fn from_name(name: &str) -> Option<Class> {
        if name == USAGE_ERROR {
            return Some(Class::Usage);
        }
        Drift::from_name(name)
            .map(Class::Drift)
            .or_else(|| SealErrorClass::from_name(name).map(Class::Seal))
            .or_else(|| ReasonClass::from_name(name).map(Class::Reason))
    }

    /// Every class of every set.
    pub fn all() -> Vec<Class> {
        Drift::ALL
            .iter()
            .map(|d| Class::Drift(*d))
            .chain(SealErrorClass::ALL.iter().map(|s| Class::Seal(*s)))
            .chain(ReasonClass::ALL.iter().map(|r| Class::Reason(*r)))
            .chain(std::iter::once(Class::Usage))
            .collect()
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl From<Drift> for Class {
    fn from(d: Drift) -> Class {
        Class::Drift(d)
    }
}

impl From<SealErrorClass> for Class {
    fn from(s: SealErrorClass) -> Class {
        Class::Seal(s)
    }
}

impl From<ReasonClass> for Class {
    fn from(r: ReasonClass) -> Class {
        Class::Reason(r)
    }
}

/// What a validator must do with the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Refuse it (non-zero exit); the built-in validator must name every one of these classes.
    FailClosed(Vec<Class>),
    /// A control: accept it (exit 0), naming nothing.
    Pass,
}

impl Expect {
    pub fn name(&self) -> &'static str {
        match self {
            Expect::FailClosed(_) => "fail-closed",
            Expect::Pass => "pass",
        }
    }

    pub fn classes(&self) -> &[Class] {
        match self {
            Expect::FailClosed(c) => c,
            Expect::Pass => &[],
        }
    }

    pub fn is_control(&self) -> bool {
        matches!(self, Expect::Pass)
    }
}

/// One entry of the tree as the validator finds it. Paths are raw bytes, `/`-separated, relative
/// to `root/` (names need not be UTF-8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    File {
        path: Vec<u8>,
        bytes: Vec<u8>,
    },
    Folder {
        path: Vec<u8>,
    },
    Symlink {
        path: Vec<u8>,
        target: Vec<u8>,
    },
    Fifo {
        path: Vec<u8>,
    },
    /// A file of apparent size `len`: `head` written first, holes after.
    Sparse {
        path: Vec<u8>,
        head: Vec<u8>,
        len: u64,
    },
}

impl Entry {
    pub fn path(&self) -> &[u8] {
        match self {
            Entry::File { path, .. }
            | Entry::Folder { path }
            | Entry::Symlink { path, .. }
            | Entry::Fifo { path }
            | Entry::Sparse { path, .. } => path,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Entry::File { .. } => "file",
            Entry::Folder { .. } => "folder",
            Entry::Symlink { .. } => "symlink",
            Entry::Fifo { .. } => "fifo",
            Entry::Sparse { .. } => "sparse",
        }
    }
}

/// Spaces inserted into `seal.json` when it is written: a seal at the size limit
/// ([`crate::seal::SEAL_SIZE_LIMIT`], 256 MiB) is written as it is needed, never held in memory
/// or hashed whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Padding {
    /// The byte offset in `seal` where the spaces go.
    pub at: usize,
    /// How many spaces.
    pub spaces: u64,
}

/// The inputs of a case, as bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    /// `root/`, in path order.
    pub tree: Vec<Entry>,
    /// `seal.json` (with [`Inputs::seal_padding`] inserted when set).
    pub seal: Option<Vec<u8>>,
    /// Spaces inserted into `seal.json` as it is written.
    pub seal_padding: Option<Padding>,
    /// `packet.json`.
    pub packet: Option<Vec<u8>>,
    /// `key` (written with mode 0600).
    pub key: Option<Vec<u8>>,
    /// The records beside `root/` other than the seal, by format name (SPEC 7.8): every tree
    /// case has the honest record of every format ([`super::record::fill_honest`]); a record
    /// case has its hostile one.
    pub records: std::collections::BTreeMap<String, Vec<u8>>,
    /// `outside/`: honest copies of the sealed files, beside `root/` (SPEC 7.1), so a path that
    /// escapes the root (`../`, absolute, a symlink) lands on honest bytes and a validator that
    /// follows it passes, and fails the case, instead of failing by accident. Files only.
    pub outside: Vec<Entry>,
}

impl Inputs {
    /// The record of `format` the case hands over: the seal, or a record beside it.
    pub fn record(&self, format: &record::RecordFormat) -> Option<&[u8]> {
        if format.name == record::SEAL.name {
            self.seal.as_deref()
        } else {
            self.records.get(format.name).map(Vec::as_slice)
        }
    }
}

/// One probe case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// `<family>/<name>`, stable across seeds.
    pub id: String,
    pub family: Family,
    /// One line for the person whose validator just failed: what it gets wrong.
    pub why: String,
    pub carrier: Carrier,
    /// Sorted, no repeats.
    pub needs: Vec<Need>,
    pub expect: Expect,
    /// Strings planted in the case that no output may contain, in any encoding.
    pub canaries: Vec<Vec<u8>>,
    /// The clock, when the case needs one.
    pub now: Option<u64>,
    /// The record features a `tree` case's drift depends on (SPEC 7.1), derived from the case by
    /// [`super::features`]; empty for other carriers, whose record is their own format.
    pub features: Vec<Feature>,
    pub inputs: Inputs,
}

/// Why a case is malformed (a defect of the family or of the static case, never of a validator).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("probe case {id}: {problem}")]
pub struct CaseError {
    pub id: String,
    pub problem: String,
}

/// `[a-z0-9][a-z0-9._-]{0,79}`: a case name is a file name on every system and needs no
/// quoting in a shell.
pub fn is_case_name(name: &str) -> bool {
    (1..=80).contains(&name.len())
        && name.bytes().enumerate().all(|(i, b)| {
            b.is_ascii_lowercase()
                || b.is_ascii_digit()
                || (i > 0 && matches!(b, b'.' | b'_' | b'-'))
        })
}

impl Case {
    /// The complete folders of the case's honest state, when that state can be laid down as
    /// files and folders: every sealed file has its honest copy in `outside/` and every complete
    /// folder fits a file system. `None` otherwise (a name too long for any file system, a
    /// record case): a sealer pair (SPEC 7.8) cannot be shown such a state, so it cannot judge
    /// the case.
    pub fn honest_folders(&self) -> Option<Vec<Vec<u8>>> {
        let honest = super::features::Honest::of_seal(self.inputs.seal.as_deref()?).ok()?;
        let copies: std::collections::BTreeSet<&[u8]> =
            self.inputs.outside.iter().map(Entry::path).collect();
        let all_copied = honest.files.keys().all(|p| copies.contains(p.as_slice()));
        let folders_fit = honest
            .complete
            .iter()
            .all(|c| super::draft::fits_a_file_system(c));
        (all_copied && folders_fit).then_some(honest.complete)
    }

    /// The case's name within its family.
    pub fn name(&self) -> &str {
        self.id
            .split_once('/')
            .map_or(self.id.as_str(), |(_, name)| name)
    }

    pub fn needs(&self, need: Need) -> bool {
        self.needs.contains(&need)
    }

    /// Checks the rules every case must meet, generated or static.
    pub fn check(&self) -> Result<(), CaseError> {
        let fail = |problem: &str| {
            Err(CaseError {
                id: self.id.clone(),
                problem: problem.to_owned(),
            })
        };
        let Some((family, name)) = self.id.split_once('/') else {
            return fail("the id is not <family>/<name>");
        };
        if family != self.family.name() || !is_case_name(name) {
            return fail("the id is not <family>/<name> with a plain name");
        }
        if self.why.trim().is_empty() || self.why.contains('\n') {
            return fail("the why is not one line");
        }
        let mut sorted = self.needs.clone();
        sorted.sort();
        sorted.dedup();
        if sorted != self.needs {
            return fail("needs are not sorted and unique");
        }
        if self.needs(Need::Key) != self.inputs.key.is_some() {
            return fail("needs key exactly when the case has a key");
        }
        if self.needs(Need::Now) != self.now.is_some() {
            return fail("needs now exactly when the case has a clock");
        }
        let has = match self.carrier {
            Carrier::Tree => self.inputs.seal.is_some(),
            Carrier::Record(f) => self.inputs.record(f).is_some(),
            Carrier::Packet => self.inputs.packet.is_some(),
        };
        if !has {
            return fail("the carrier's document is missing");
        }
        // No template word is ever dropped because a tree case lacks a record it should have.
        if self.carrier == Carrier::Tree
            && record::FORMATS
                .iter()
                .any(|f| f.honest.is_some() && !self.inputs.records.contains_key(f.name))
        {
            return fail("a tree case lacks the honest record of a format");
        }
        if self
            .inputs
            .records
            .keys()
            .any(|name| record::by_name(name).is_none())
        {
            return fail("a record of no known format");
        }
        // A hostile manifest may name no class: no validator that reports classes reads one.
        // Nor may an honest packet that selects its own default: nothing in it is wrong, and
        // `decide` refuses it without `--expect` (SPEC 5.2) with no reason.
        if let Expect::FailClosed(classes) = &self.expect
            && classes.is_empty()
            && self.carrier.record().is_none_or(|f| f.read_by_builtin())
            && !self.packet_selects_its_default()
        {
            return fail("a hostile case names no class");
        }
        if self.canaries.iter().any(|c| c.len() < 8) {
            return fail("a canary is shorter than 8 bytes (the scanner's shortest secret)");
        }
        if let Some(pad) = self.inputs.seal_padding
            && self.inputs.seal.as_ref().is_none_or(|s| pad.at > s.len())
        {
            return fail("the seal padding is not inside the seal");
        }
        let mut paths: Vec<&[u8]> = self.inputs.tree.iter().map(Entry::path).collect();
        let before = paths.len();
        paths.sort();
        paths.dedup();
        if paths.len() != before {
            return fail("two tree entries share a path");
        }
        if self
            .inputs
            .outside
            .iter()
            .any(|e| !matches!(e, Entry::File { .. }))
        {
            return fail("outside/ holds something other than files");
        }
        // The features are derived once, when the case is made ([`Case::with_features`], which
        // refuses a hostile tree case that does not drift and a control that does); deriving
        // them again here would double the cost of drawing the suite.
        Ok(())
    }

    /// Whether a reader of the record formats `formats` meets this case (SPEC 7.4): a tree case
    /// when one of them expresses its features, a record case when its format is one of them;
    /// never a packet case, which no record carries.
    pub fn carried_by<'f>(
        &self,
        mut formats: impl Iterator<Item = &'f record::RecordFormat>,
    ) -> bool {
        match self.carrier {
            Carrier::Tree => formats.any(|f| f.expresses(&self.features)),
            Carrier::Record(own) => formats.any(|f| f.name == own.name),
            Carrier::Packet => false,
        }
    }

    /// The record features this case depends on (see [`super::features`]): for a `tree` case,
    /// what its drift from its honest seal needs a record to say; none for other carriers. A
    /// hostile tree case that does not drift, or a control that does, is refused: its verdict
    /// would say nothing about any validator.
    pub fn derive_features(&self) -> Result<Vec<Feature>, String> {
        if self.carrier != Carrier::Tree {
            return Ok(Vec::new());
        }
        let (honest, found) = self.honest_and_drift(false)?;
        match (found, &self.expect) {
            (None, Expect::FailClosed(_)) => {
                Err("a hostile tree case whose tree does not drift from its seal".into())
            }
            (Some(_), Expect::Pass) => Err("a control whose tree drifts from its seal".into()),
            (found, _) => Ok(self.with_partial(&honest, found.unwrap_or_default())),
        }
    }

    /// What a tree case's tree is against its honest seal (see [`super::features::required`]):
    /// `None` when it is the honest state, or the features its drift depends on. The hunt
    /// (SPEC 7.9) derives its expectation from it: a tree that drifts must fail closed, one that
    /// does not must pass.
    pub fn drift(&self) -> Result<Option<Vec<Feature>>, String> {
        self.honest_and_drift(false).map(|(_, found)| found)
    }

    /// The honest state the case's seal records, and [`Case::drift`].
    /// With `all`, the features every drift needs together rather than those of the one that
    /// needs least ([`features::required_for_all`]).
    fn honest_and_drift(&self, all: bool) -> Result<(Honest, Option<Vec<Feature>>), String> {
        let seal = self
            .inputs
            .seal
            .as_deref()
            .ok_or("a tree case has no seal")?;
        let honest = Honest::of_seal(seal)?;
        let mut beside: Vec<(&str, &[u8])> = [
            (crate::workspace::SEAL, &self.inputs.seal),
            (crate::workspace::PACKET, &self.inputs.packet),
            (crate::workspace::KEY, &self.inputs.key),
        ]
        .into_iter()
        .filter_map(|(name, bytes)| Some((name, bytes.as_deref()?)))
        .collect();
        beside.extend(
            self.inputs
                .records
                .iter()
                .filter_map(|(name, bytes)| Some((record::by_name(name)?.file, bytes.as_slice()))),
        );
        let required = if all {
            features::required_for_all
        } else {
            features::required
        };
        let found = required(&honest, &self.inputs.tree, &self.inputs.outside, &beside);
        Ok((honest, found))
    }

    /// `features` with `partial` added when the honest state leaves entries unlisted.
    fn with_partial(&self, honest: &Honest, mut features: Vec<Feature>) -> Vec<Feature> {
        if features::leaves_unlisted(honest, &self.inputs.tree) {
            features.push(Feature::Partial);
            features.sort();
        }
        features
    }

    /// The case with its expectation derived from its drift (SPEC 7.9): a tree that drifts
    /// from its honest seal is hostile, naming no class yet (the hunt drafts them from the
    /// built-in validator's verdict), and one that does not is a control. Its features are
    /// those every drift needs together ([`features::required_for_all`]): a composed case is
    /// put only to a validator whose format says all of its drift.
    pub fn by_drift(mut self) -> Result<Case, String> {
        if self.carrier != Carrier::Tree {
            return Err("only a tree case has an expectation derived from its drift".into());
        }
        let (honest, found) = self.honest_and_drift(true)?;
        self.expect = match found {
            Some(_) => Expect::FailClosed(Vec::new()),
            None => Expect::Pass,
        };
        self.features = self.with_partial(&honest, found.unwrap_or_default());
        Ok(self)
    }

    /// The case with its features derived (see [`Case::derive_features`]).
    pub fn with_features(mut self) -> Result<Case, String> {
        self.features = self.derive_features()?;
        Ok(self)
    }

    /// True when the case's packet loads and selects exactly its default option.
    fn packet_selects_its_default(&self) -> bool {
        let Some(doc) = &self.inputs.packet else {
            return false;
        };
        crate::decide::packet::Packet::load(doc)
            .is_ok_and(|p| p.selected() == [p.default().as_str()])
    }

    /// The case as a JSON value for the case-set digest: its id, expectation, and the SHA-256 of
    /// every byte it materializes.
    pub fn digest_node(&self) -> Node {
        let sha = |b: &[u8]| build::string(Digest::of(b).to_hex());
        let opt = |b: &Option<Vec<u8>>| {
            b.as_deref()
                .map_or_else(|| build::node(crate::strict_json::Value::Null), sha)
        };
        let entries = |entries: &[Entry]| -> Vec<Node> {
            entries
                .iter()
                .map(|e| {
                    let mut m = vec![
                        ("kind", build::string(e.kind())),
                        ("path", build::string(crate::digest::hex(e.path(), false))),
                    ];
                    match e {
                        Entry::File { bytes, .. } => m.push(("sha256", sha(bytes))),
                        Entry::Symlink { target, .. } => {
                            m.push(("target", build::string(crate::digest::hex(target, false))))
                        }
                        Entry::Sparse { head, len, .. } => {
                            m.push(("sha256", sha(head)));
                            m.push(("len", build::uint(*len)));
                        }
                        Entry::Folder { .. } | Entry::Fifo { .. } => {}
                    }
                    build::object(m)
                })
                .collect()
        };
        let mut members = vec![
            ("id", build::string(self.id.clone())),
            ("carrier", build::string(self.carrier.name())),
            ("expect", build::string(self.expect.name())),
            (
                "classes",
                build::array(
                    self.expect
                        .classes()
                        .iter()
                        .map(|c| build::string(c.name()))
                        .collect(),
                ),
            ),
            (
                "needs",
                build::array(self.needs.iter().map(|n| build::string(n.name())).collect()),
            ),
            (
                "now",
                self.now
                    .map_or_else(|| build::node(crate::strict_json::Value::Null), build::uint),
            ),
            (
                "canaries",
                build::array(self.canaries.iter().map(|c| sha(c)).collect()),
            ),
            ("tree", build::array(entries(&self.inputs.tree))),
            ("outside", build::array(entries(&self.inputs.outside))),
            (
                "features",
                build::array(
                    self.features
                        .iter()
                        .map(|f| build::string(f.name()))
                        .collect(),
                ),
            ),
            ("seal", opt(&self.inputs.seal)),
            ("packet", opt(&self.inputs.packet)),
            ("key", opt(&self.inputs.key)),
            (
                "records",
                build::object(
                    self.inputs
                        .records
                        .iter()
                        .map(|(name, bytes)| (name.clone(), sha(bytes)))
                        .collect::<Vec<_>>(),
                ),
            ),
        ];
        // Only a padded seal has it, so that the other cases' entries keep their digest.
        if let Some(pad) = self.inputs.seal_padding {
            members.push((
                "seal_padding",
                build::object([
                    ("at", build::uint(pad.at as u64)),
                    ("spaces", build::uint(pad.spaces)),
                ]),
            ));
        }
        build::object(members)
    }

    /// The size of `seal.json` as it is written, padding included.
    pub fn seal_len(&self) -> Option<u64> {
        let pad = self.inputs.seal_padding.map_or(0, |p| p.spaces);
        self.inputs
            .seal
            .as_ref()
            .map(|s| (s.len() as u64).saturating_add(pad))
    }
}

/// The case-set digest (SPEC 7.1): SHA-256 over the JCS form of every case's id and materialized
/// bytes, in id order. Two runs that print the same digest ran the same suite.
pub fn case_set_digest(cases: &[Case]) -> Digest {
    let mut sorted: Vec<&Case> = cases.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    Digest::of(&jcs(&build::array(
        sorted.iter().map(|c| c.digest_node()).collect(),
    )))
}
