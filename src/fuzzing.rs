//! The bodies of the fuzz targets (SPEC 8), one public function per target.
//!
//! Why here and not in `fuzz/fuzz_targets/`? cargo-fuzz needs a nightly toolchain and libFuzzer,
//! but the properties and the inputs that once broke them must be checked on every `cargo test`,
//! on stable, by every developer and by CI. So each target's body lives in the library, the
//! `fuzz/` package only hands libFuzzer's bytes to these functions, and `tests/corpus_replay.rs`
//! feeds them every file of `corpus/<target>/`. One body, two drivers: a crash found by the
//! nightly job becomes a failing test as soon as its input is copied into the corpus.
//!
//! Each function takes the raw bytes (or, for [`verify_drift`], a structured input built from
//! them with `arbitrary`) and panics only when a property is violated. A panic message names the
//! property, never the input: the caller has the input file.
//!
//! | target | property |
//! |---|---|
//! | [`strict_json`] | never panics; accepted ⇒ serde_json accepts and agrees on the value; both canonical forms are fixed points |
//! | [`seal_load`] | accepted ⇒ the canonical file form is exactly the input |
//! | [`verify_drift`] | a sealed tree, mutated: verify passes iff bytes and names are unchanged; every finding names a class |
//! | [`fingerprint`] | streaming fingerprints do not depend on how the bytes are split into reads |
//! | [`token_parse`] | never panics; accepted ⇔ the exact grant grammar; a minted token checks, one changed byte does not |
//! | [`decide`] | no verdict but the default/`HOLD` without every required grant minted by the harness key; no token in a report |
//! | [`leak_scan`] | a secret planted in literal, hex, base64, UTF-16LE, `\u` or `%XX` form is found whole |

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use std::sync::LazyLock;

use arbitrary::{Arbitrary, Unstructured};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, KeyInit, Mac};
use regex::Regex;
use sha2::{Digest as _, Sha256};

use crate::decide::judge::{Decision, HOLD, KeyState};
use crate::decide::packet::{DecisionOption, Packet};
use crate::leak::{Kind, ScannerBuilder};
use crate::names;
use crate::report::escape::escape_path;
use crate::seal::create::{SealRequest, create};
use crate::seal::fingerprint::{Fingerprinter, fingerprints_of};
use crate::seal::model::Seal;
use crate::seal::verify::verify_seal;
use crate::seal::{Drift, Finding};
use crate::strict_json::canonical::build;
use crate::strict_json::canonical::{file_form, jcs};
use crate::strict_json::{self, DEFAULT_SIZE_LIMIT, Value};
use crate::token::grant::GrantToken;
use crate::token::key::Key;

// --- strict_json -------------------------------------------------------------------------------

/// The strict loader never panics; when it accepts a document, serde_json accepts it too and reads
/// the same value; the file form and the JCS form of the value are fixed points (parsing them and
/// writing them again gives the same bytes), and the file form reads back as the same value.
pub fn strict_json(data: &[u8]) {
    let Ok(node) = strict_json::parse(data) else {
        return;
    };
    let theirs: serde_json::Value = match serde_json::from_slice(data) {
        Ok(v) => v,
        Err(_) => panic!("strict_json accepted a document that serde_json rejects"),
    };
    assert!(
        same_value(&node.value, &theirs),
        "strict_json and serde_json read different values"
    );

    let digest_form = jcs(&node);
    let pretty = file_form(&node);
    // The canonical forms may be longer than the input (indentation): re-read them unbounded.
    let again = strict_json::parse_with_limit(&pretty, usize::MAX)
        .unwrap_or_else(|e| panic!("the file form does not load again: {:?}", e.class));
    assert!(
        file_form(&again) == pretty,
        "the file form is not a fixed point"
    );
    assert!(
        jcs(&again) == digest_form,
        "the file form reads back as another value"
    );
    let again = strict_json::parse_with_limit(&digest_form, usize::MAX)
        .unwrap_or_else(|e| panic!("the JCS form does not load again: {:?}", e.class));
    assert!(
        jcs(&again) == digest_form,
        "the JCS form is not a fixed point"
    );
}

/// Structural equality of a strict value and a serde_json value; numbers compared as f64.
fn same_value(ours: &Value, theirs: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (ours, theirs) {
        (Value::Null, J::Null) => true,
        (Value::Bool(a), J::Bool(b)) => a == b,
        (Value::Number(a), J::Number(b)) => b.as_f64().is_some_and(|b| same_f64(a.as_f64(), b)),
        (Value::String(a), J::String(b)) => a == b,
        (Value::Array(a), J::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_value(&x.value, y))
        }
        (Value::Object(a), J::Object(b)) => {
            // Keys are unique on our side (repeated keys are refused), so equal sizes and every
            // key found with an equal value means the same object.
            a.len() == b.len()
                && a.iter()
                    .all(|m| b.get(&m.key).is_some_and(|v| same_value(&m.value.value, v)))
        }
        _ => false,
    }
}

/// Our numbers are correctly rounded (`str::parse::<f64>`). serde_json without its
/// `float_roundtrip` feature rounds long decimal literals on a best-effort basis, within a unit
/// in the last place or so; a difference of a few ULPs is serde_json's rounding, anything more
/// is a disagreement.
fn same_f64(ours: f64, theirs: f64) -> bool {
    if ours == theirs {
        return true;
    }
    if ours.is_sign_negative() != theirs.is_sign_negative() {
        return false;
    }
    ours.to_bits().abs_diff(theirs.to_bits()) <= 2
}

// --- seal_load ---------------------------------------------------------------------------------

/// When `Seal::load` accepts a document, the document is the seal's canonical file form, byte for
/// byte (a seal re-encoded by another tool is `seal-noncanonical`, never accepted).
pub fn seal_load(data: &[u8]) {
    let Ok(seal) = Seal::load(data, DEFAULT_SIZE_LIMIT) else {
        return;
    };
    assert!(
        seal.to_file_form() == data,
        "Seal::load accepted a document that is not its canonical file form"
    );
}

// --- fingerprint -------------------------------------------------------------------------------

/// Most reads a fingerprint input is split into.
const MAX_CUTS: usize = 8;

/// The streaming [`Fingerprinter`] gives the same fingerprints however the bytes are cut into
/// reads. Layout of `data`: one byte `k` (number of cuts, `k % 9`), then `k` little-endian `u16`
/// cut points (taken modulo the payload length + 1, so empty reads happen too), then the payload.
pub fn fingerprint(data: &[u8]) {
    let Some((&k, rest)) = data.split_first() else {
        return;
    };
    let k = usize::from(k) % (MAX_CUTS + 1);
    if rest.len() < 2 * k {
        return;
    }
    let (cut_bytes, payload) = rest.split_at(2 * k);
    let mut cuts: Vec<usize> = cut_bytes
        .chunks_exact(2)
        .map(|c| usize::from(u16::from_le_bytes([c[0], c[1]])) % (payload.len() + 1))
        .collect();
    cuts.sort_unstable();

    let whole = fingerprints_of(payload);
    let mut f = Fingerprinter::new();
    let mut at = 0;
    for cut in cuts {
        f.update(&payload[at..cut]);
        at = cut;
    }
    f.update(&payload[at..]);
    let split = f.finish();
    assert!(
        whole == split,
        "fingerprints differ when the bytes are read in pieces"
    );
}

// --- verify_drift ------------------------------------------------------------------------------

/// The names a tree is made of. A small fixed alphabet so that mutations collide with existing
/// names: a case twin (`A.TXT`), an NFC/NFD pair (`café.txt`), non-ASCII, nested folders.
pub const NAMES: [&str; 8] = [
    "a.txt",
    "A.TXT",
    "B.json",
    "caf\u{e9}.txt",
    "cafe\u{301}.txt",
    "dir/c.md",
    "dir/\u{3a9}.json",
    "dir/sub/d",
];

/// Largest file content (and largest append) the target writes.
pub const MAX_CONTENT: usize = 4 * 1024;

/// Most files in one tree, and most mutations applied to it.
const MAX_FILES: usize = 6;
const MAX_MUTATIONS: usize = 8;

/// Bytes drawn as one length-prefixed slice (`&[u8]`: length from the end of the input, then the
/// bytes as they are), not as `Vec<u8>`'s one continue-flag per byte: mutations of the fuzzer's
/// input then map onto mutations of the contents, and seeds are easy to write by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob(pub Vec<u8>);

impl<'a> Arbitrary<'a> for Blob {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let bytes: &[u8] = u.arbitrary()?;
        Ok(Blob(bytes.to_vec()))
    }

    fn size_hint(depth: usize) -> (usize, Option<usize>) {
        <&[u8] as Arbitrary>::size_hint(depth)
    }
}

/// One file of the tree before sealing. `name` indexes [`NAMES`] (modulo its length).
#[derive(Debug, Clone, Arbitrary)]
pub struct FileSpec {
    pub name: u8,
    pub contents: Blob,
}

/// Which `complete` folder the seal declares, if any.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum CompleteChoice {
    None,
    Root,
    Dir,
}

/// One change to the sealed tree. `file` picks one of the files present at that moment (modulo
/// their number, in name order); `to` indexes [`NAMES`].
#[derive(Debug, Clone, Arbitrary)]
pub enum Mutation {
    FlipByte { file: u8, at: u16, mask: u8 },
    Truncate { file: u8, len: u16 },
    Append { file: u8, bytes: Blob },
    Rename { file: u8, to: u8 },
    Delete { file: u8 },
    AddBom { file: u8 },
    LfToCrlf { file: u8 },
}

/// The structured input of [`verify_drift`].
#[derive(Debug, Clone, Arbitrary)]
pub struct VerifyDriftInput {
    pub files: Vec<FileSpec>,
    pub complete: CompleteChoice,
    pub mutations: Vec<Mutation>,
}

/// Builds a [`VerifyDriftInput`] from raw bytes exactly as libFuzzer's `fuzz_target!` does
/// (`arbitrary_take_rest`), so that a corpus file replays as the input it was found as.
pub fn verify_drift_input(data: &[u8]) -> Option<VerifyDriftInput> {
    VerifyDriftInput::arbitrary_take_rest(Unstructured::new(data)).ok()
}

/// [`verify_drift`] on raw bytes; inputs that do not build are skipped.
pub fn verify_drift_bytes(data: &[u8]) {
    if let Some(input) = verify_drift_input(data) {
        verify_drift(input);
    }
}

/// The tree as the target believes it is: path to bytes.
type Tree = BTreeMap<String, Vec<u8>>;

/// Writes a tree, seals it with [`create`], mutates it, verifies it with [`verify_seal`].
/// Properties: verify passes iff every sealed name still holds its sealed bytes (and, with a
/// `complete` folder, nothing was added); every finding names at least one drift class; the
/// artifacts that fail are exactly the ones that changed; a missing artifact is `missing` or
/// `path-unicode` (the latter exactly when a twin name stands beside it); a changed one is
/// diagnosed from its content (never `missing`, `not-regular`, `unreadable`, `unsealed`).
pub fn verify_drift(input: VerifyDriftInput) {
    let mut sealed = Tree::new();
    for f in input.files.into_iter().take(MAX_FILES) {
        let name = NAMES[usize::from(f.name) % NAMES.len()];
        // `create` refuses names equal after NFC and case folding: seal only the first of twins.
        if sealed
            .keys()
            .any(|k| names::fold_key(k) == names::fold_key(name))
        {
            continue;
        }
        let mut contents = f.contents.0;
        contents.truncate(MAX_CONTENT);
        sealed.insert(name.to_owned(), contents);
    }
    if sealed.is_empty() {
        return;
    }
    let complete = match input.complete {
        CompleteChoice::None => None,
        CompleteChoice::Root => Some("."),
        CompleteChoice::Dir if sealed.keys().any(|k| k.starts_with("dir/")) => Some("dir"),
        CompleteChoice::Dir => None,
    };

    let dir = tempfile::tempdir().expect("a temporary folder (not a property)");
    let root = dir.path();
    for (name, contents) in &sealed {
        write_file(root, name, contents);
    }
    let seal = create(&SealRequest {
        root,
        paths: vec![".".to_owned()],
        complete: complete.iter().map(|c| (*c).to_owned()).collect(),
    })
    .unwrap_or_else(|e| panic!("sealing a valid tree failed: {e}"));
    assert_eq!(
        seal.artifacts().len(),
        sealed.len(),
        "the seal does not list every file"
    );

    let mut tree = sealed.clone();
    for m in input.mutations.into_iter().take(MAX_MUTATIONS) {
        apply(root, &mut tree, m);
    }
    if !disk_matches(root, &tree) {
        // The file system folds names (case-insensitive or normalizing): the model no longer
        // describes the disk, so nothing can be concluded.
        return;
    }

    let outcome = verify_seal(&seal, root);
    assert!(
        outcome.seal_error.is_none(),
        "verify_seal reported a seal error"
    );
    for f in &outcome.findings {
        assert!(!f.drift.is_empty(), "a finding names no drift class");
    }

    let unchanged_sealed = sealed.iter().all(|(k, v)| tree.get(k) == Some(v));
    let added: Vec<&String> = tree
        .keys()
        .filter(|k| !sealed.contains_key(*k))
        .filter(|k| complete.is_some_and(|c| c == "." || k.starts_with("dir/")))
        .collect();
    assert_eq!(
        outcome.passed(),
        unchanged_sealed && added.is_empty(),
        "verify passed = {} but the tree {}",
        outcome.passed(),
        if unchanged_sealed && added.is_empty() {
            "is unchanged"
        } else {
            "changed"
        }
    );

    let mut failed: Vec<&Finding> = Vec::new();
    let mut unsealed: Vec<&Finding> = Vec::new();
    for f in &outcome.findings {
        if f.drift == [Drift::Unsealed] {
            unsealed.push(f);
        } else {
            failed.push(f);
        }
    }
    let changed: Vec<&String> = sealed
        .iter()
        .filter(|(k, v)| tree.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .collect();
    let mut failed_paths: Vec<&[u8]> = failed.iter().map(|f| f.path.as_slice()).collect();
    let mut changed_paths: Vec<&[u8]> = changed.iter().map(|k| k.as_bytes()).collect();
    failed_paths.sort_unstable();
    changed_paths.sort_unstable();
    assert_eq!(
        failed_paths, changed_paths,
        "the failing artifacts are not the changed ones"
    );
    for f in failed {
        let path = std::str::from_utf8(&f.path).expect("sealed paths are UTF-8");
        let expected = sealed[path].len() as u64;
        assert_eq!(f.expected_bytes, Some(expected), "wrong expected_bytes");
        match tree.get(path) {
            None => {
                let twin = tree.keys().any(|k| is_twin_beside(k, path));
                let want = if twin {
                    Drift::PathUnicode
                } else {
                    Drift::Missing
                };
                assert_eq!(f.drift, [want], "a missing artifact is misdiagnosed");
                assert_eq!(f.actual_bytes, None, "a missing artifact has a size");
            }
            Some(now) => {
                assert_eq!(f.actual_bytes, Some(now.len() as u64), "wrong actual_bytes");
                assert!(
                    f.drift.iter().all(|d| !matches!(
                        d,
                        Drift::Missing
                            | Drift::PathUnicode
                            | Drift::NotRegular
                            | Drift::Unreadable
                            | Drift::Unsealed
                    )),
                    "a changed artifact is diagnosed as absent or unreadable"
                );
            }
        }
    }
    let mut unsealed_paths: Vec<&[u8]> = unsealed.iter().map(|f| f.path.as_slice()).collect();
    let mut added_paths: Vec<&[u8]> = added.iter().map(|k| k.as_bytes()).collect();
    unsealed_paths.sort_unstable();
    added_paths.sort_unstable();
    assert_eq!(
        unsealed_paths, added_paths,
        "the unsealed findings are not the added files"
    );
}

/// `other` stands in the same folder as `path` and its name is a twin (NFC/NFD or case).
fn is_twin_beside(other: &str, path: &str) -> bool {
    let (dir_a, name_a) = other.rsplit_once('/').unwrap_or(("", other));
    let (dir_b, name_b) = path.rsplit_once('/').unwrap_or(("", path));
    dir_a == dir_b && names::are_twins(name_a, name_b)
}

fn write_file(root: &Path, name: &str, contents: &[u8]) {
    let path = root.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("creating a folder (not a property)");
    }
    fs::write(&path, contents).expect("writing a file (not a property)");
}

/// Applies one mutation to the disk and to the model alike.
fn apply(root: &Path, tree: &mut Tree, m: Mutation) {
    let pick = |tree: &Tree, i: u8| -> Option<String> {
        let n = tree.len();
        (n > 0).then(|| tree.keys().nth(usize::from(i) % n).cloned())?
    };
    let edit = |tree: &mut Tree, i: u8, f: &dyn Fn(&mut Vec<u8>)| {
        if let Some(name) = pick(tree, i) {
            let contents = tree.get_mut(&name).expect("picked from the tree");
            f(contents);
            write_file(root, &name, contents);
        }
    };
    match m {
        Mutation::FlipByte { file, at, mask } => edit(tree, file, &|c| {
            if !c.is_empty() {
                let i = usize::from(at) % c.len();
                c[i] ^= mask;
            }
        }),
        Mutation::Truncate { file, len } => edit(tree, file, &|c| c.truncate(usize::from(len))),
        Mutation::Append { file, bytes } => edit(tree, file, &|c| {
            c.extend_from_slice(&bytes.0[..bytes.0.len().min(MAX_CONTENT)]);
        }),
        Mutation::AddBom { file } => edit(tree, file, &|c| {
            c.splice(0..0, [0xEF, 0xBB, 0xBF]);
        }),
        Mutation::LfToCrlf { file } => edit(tree, file, &|c| {
            let mut out = Vec::with_capacity(c.len());
            for (i, &b) in c.iter().enumerate() {
                if b == b'\n' && (i == 0 || c[i - 1] != b'\r') {
                    out.push(b'\r');
                }
                out.push(b);
            }
            *c = out;
        }),
        Mutation::Delete { file } => {
            if let Some(name) = pick(tree, file) {
                tree.remove(&name);
                fs::remove_file(root.join(&name)).expect("deleting a file (not a property)");
            }
        }
        Mutation::Rename { file, to } => {
            let Some(from) = pick(tree, file) else {
                return;
            };
            let to = NAMES[usize::from(to) % NAMES.len()];
            if from == to {
                return;
            }
            let target = root.join(to);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).expect("creating a folder (not a property)");
            }
            fs::rename(root.join(&from), &target).expect("renaming a file (not a property)");
            let contents = tree.remove(&from).expect("picked from the tree");
            tree.insert(to.to_owned(), contents);
        }
    }
}

/// The files on disk are exactly the model's, with the model's bytes.
fn disk_matches(root: &Path, tree: &Tree) -> bool {
    let mut found = Tree::new();
    let mut stack = vec![String::new()];
    while let Some(rel) = stack.pop() {
        let Ok(entries) = fs::read_dir(root.join(&rel)) else {
            return false;
        };
        for entry in entries {
            let Ok(entry) = entry else { return false };
            let Ok(name) = entry.file_name().into_string() else {
                return false;
            };
            let path = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                Ok(t) if t.is_file() => match fs::read(entry.path()) {
                    Ok(bytes) => {
                        found.insert(path, bytes);
                    }
                    Err(_) => return false,
                },
                _ => return false,
            }
        }
    }
    &found == tree
}

// --- shared by token_parse and decide ----------------------------------------------------------

/// The key of the grant harnesses: every grant they mint, and every grant a seed carries, is made
/// with it. A fuzzer cannot forge a MAC under it, so a grant it accepts was minted by us.
pub fn harness_key() -> Key {
    Key::from_bytes(HARNESS_KEY.to_vec()).expect("a 32-byte key is accepted")
}

const HARNESS_KEY: [u8; 32] = [0x42; 32];

/// The grant grammar of SPEC 4, written independently of [`GrantToken::parse`].
static GRANT_GRAMMAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\Aspg1\.[a-z0-9-]{1,32}\.[0-9a-f]{16}\.(?:0|[1-9][0-9]{0,11})\.[A-Za-z0-9_-]{43}\z",
    )
    .expect("the grant grammar is a valid regex")
});

fn lower_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Numbers drawn from the input's SHA-256 (splitmix64): parameters that depend on the input
/// without having to be spelled in it.
struct Draw(u64);

impl Draw {
    fn new(data: &[u8]) -> Draw {
        let h = Sha256::digest(data);
        let mut seed = [0; 8];
        seed.copy_from_slice(&h[..8]);
        Draw(u64::from_le_bytes(seed))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

// --- token_parse -------------------------------------------------------------------------------

/// Largest `expires` the grammar allows (12 digits).
const MAX_EXPIRES: u64 = 999_999_999_999;

const ACTION_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789-";

/// Two properties of grant tokens.
///
/// 1. The input as a string (inputs that are not UTF-8 are skipped): [`GrantToken::parse`] never
///    panics and accepts it exactly when it matches the grammar of SPEC 4 (checked with an
///    independent regex, anchored, so surrounding whitespace is refused too).
/// 2. With the harness key, a token minted for an action, a packet digest and an expiry drawn
///    from the input is in the grammar, parses, and checks for that action, digest and a time
///    before its expiry; not at its expiry, not for another action, packet or key; and with the
///    byte at an input-chosen position replaced by any other byte it no longer checks.
pub fn token_parse(data: &[u8]) {
    if let Ok(s) = std::str::from_utf8(data) {
        let accepted = GrantToken::parse(s).is_ok();
        let grammar = GRANT_GRAMMAR.is_match(s);
        assert!(
            !accepted || grammar,
            "GrantToken::parse accepted a string outside the grant grammar"
        );
        assert!(
            accepted || !grammar,
            "GrantToken::parse refused a string in the grant grammar"
        );
        assert!(
            !accepted || s.trim() == s,
            "GrantToken::parse accepted a token with surrounding whitespace"
        );
    }
    minted_tokens(data);
}

fn minted_tokens(data: &[u8]) {
    use crate::token::grant::GrantProblem;

    let key = harness_key();
    let digest = lower_hex(&Sha256::digest(data));
    let mut draw = Draw::new(data);
    let action: String = (0..1 + draw.below(32))
        .map(|_| char::from(ACTION_CHARS[draw.below(ACTION_CHARS.len())]))
        .collect();
    let expires = match draw.below(4) {
        0 => 1,
        1 => MAX_EXPIRES,
        2 => 1 + draw.below(1000) as u64,
        _ => 1 + draw.next() % MAX_EXPIRES,
    };
    let now = expires - 1 - (draw.next() % expires.min(1000));

    assert!(
        GrantToken::mint(&key, &action, &digest, MAX_EXPIRES + 1).is_none(),
        "mint accepted an expiry of 13 digits"
    );
    let token = GrantToken::mint(&key, &action, &digest, expires)
        .unwrap_or_else(|| panic!("mint refused a valid action, digest and expiry"));
    assert!(
        GRANT_GRAMMAR.is_match(&token),
        "a minted token is outside the grant grammar"
    );
    let parsed =
        GrantToken::parse(&token).unwrap_or_else(|p| panic!("a minted token does not parse: {p}"));
    assert_eq!(
        parsed.action(),
        action,
        "a minted token names another action"
    );
    assert_eq!(
        parsed.check(&key, &action, &digest, now),
        Ok(()),
        "a minted token does not check before its expiry"
    );
    assert_eq!(
        parsed.check(&key, &action, &digest, expires),
        Err(GrantProblem::Expired),
        "a minted token still checks at its expiry"
    );
    let other_key = Key::from_bytes(vec![0x43; 32]).expect("a 32-byte key is accepted");
    assert_eq!(
        parsed.check(&other_key, &action, &digest, now),
        Err(GrantProblem::Invalid),
        "a minted token checks with another key"
    );
    let other_action = format!("{action}x");
    assert_ne!(
        parsed.check(&key, &other_action, &digest, now),
        Ok(()),
        "a minted token checks for another action"
    );
    let mut other_digest = digest.clone().into_bytes();
    let i = draw.below(16);
    other_digest[i] = if other_digest[i] == b'0' { b'1' } else { b'0' };
    let other_digest = String::from_utf8(other_digest).expect("ASCII");
    assert_ne!(
        parsed.check(&key, &action, &other_digest, now),
        Ok(()),
        "a minted token checks for another packet"
    );

    let at = draw.below(token.len());
    let original = token.as_bytes()[at];
    let mut changed = token.clone().into_bytes();
    for b in (0..=u8::MAX).filter(|&b| b != original) {
        changed[at] = b;
        // A byte that breaks UTF-8 cannot even be handed to the parser.
        let Ok(changed) = std::str::from_utf8(&changed) else {
            continue;
        };
        if let Ok(t) = GrantToken::parse(changed) {
            assert_ne!(
                t.check(&key, &action, &digest, now),
                Ok(()),
                "a minted token with one byte changed still checks"
            );
        }
    }
}

// --- decide ------------------------------------------------------------------------------------

/// The clock of the [`decide`] harness; seeds' grants expire after it.
pub const DECIDE_NOW: u64 = 1_800_000_000;

/// The decision gate on a packet document, with the harness key and a fixed clock.
///
/// - An unreadable packet gives `HOLD`, fallen back.
/// - Otherwise, an independent oracle written from SPEC 5.2 (ids compared as bytes; grants
///   checked by recomputing the HMAC with the harness key, not through [`GrantToken`]) says
///   whether the selected option is authorized. The gate falls back exactly when it is not; the
///   verdict is the selected option when it is, else the default when the default requires
///   nothing, else `HOLD`. So no verdict other than the default or `HOLD` is reached without
///   every grant the selected option requires, minted by the harness key for this packet.
/// - Every string of the decision comes from a field of the packet other than a token (reasons
///   name blockers and actions the selected option requires), and neither rendered report holds
///   16 bytes of any grant token, except where those bytes are report text or such a string.
pub fn decide(data: &[u8]) {
    let key = harness_key();
    let d = crate::decide::judge::decide(Some(data), KeyState::Usable(&key), DECIDE_NOW);
    let Ok(packet) = Packet::load(data) else {
        assert!(
            d.fell_back && d.verdict == HOLD && d.selected.is_none(),
            "a packet that does not load did not give HOLD"
        );
        return;
    };

    let find = |id: &str| {
        packet
            .options
            .iter()
            .find(|o| o.id.as_bytes() == id.as_bytes())
    };
    let default_ok = find(&packet.default)
        .is_some_and(|o| o.requires_closed.is_empty() && o.requires_grants.is_empty());
    let chosen = match &packet.selected[..] {
        [only] => find(only),
        _ => None,
    };
    let authorized = default_ok
        && chosen.is_some_and(|o| blockers_closed(&packet, o) && grants_minted(&packet, o));
    assert_eq!(
        d.selected.as_deref(),
        chosen.map(|o| o.id.as_str()),
        "the decision names another selected option"
    );
    if authorized {
        assert!(!d.fell_back, "the gate fell back although every rule holds");
    } else {
        assert!(
            d.fell_back,
            "the gate authorized an option although a rule fails"
        );
        assert!(!d.reasons.is_empty(), "the gate fell back without a reason");
    }
    let expected = match chosen {
        Some(o) if authorized => o.id.as_str(),
        _ if default_ok => packet.default.as_str(),
        _ => HOLD,
    };
    assert!(
        d.verdict == expected,
        "the verdict is not the one SPEC 5.2 gives"
    );

    for r in &d.reasons {
        assert!(
            r.position.is_none(),
            "a loaded packet has a reason with a position"
        );
        if let Some(b) = &r.blocker {
            assert!(
                chosen.is_some_and(|o| o.requires_closed.contains(b)),
                "a reason names a blocker the selected option does not require"
            );
        }
        if let Some(a) = &r.action {
            assert!(
                chosen.is_some_and(|o| o.requires_grants.contains(a)),
                "a reason names an action the selected option does not require"
            );
        }
    }
    no_token_in_reports(&packet, &d);
}

/// Every blocker the option requires exists once, with status exactly `CLOSED`.
fn blockers_closed(packet: &Packet, option: &DecisionOption) -> bool {
    option.requires_closed.iter().all(|id| {
        let mut found = packet
            .blockers
            .iter()
            .filter(|b| b.id.as_bytes() == id.as_bytes());
        matches!((found.next(), found.next()), (Some(b), None) if b.status.as_bytes() == b"CLOSED")
    })
}

/// Every action the option requires has exactly one grant, minted by the harness key for this
/// action and packet, not expired.
fn grants_minted(packet: &Packet, option: &DecisionOption) -> bool {
    option.requires_grants.iter().all(|action| {
        let mut found = packet
            .grants
            .iter()
            .filter(|g| g.action.as_bytes() == action.as_bytes());
        match (found.next(), found.next()) {
            (Some(g), None) => minted_by_harness(&g.token, action, &packet.digest),
            _ => false,
        }
    })
}

/// The token is `spg1.<action>.<digest16>.<expires>.<mac>` for this action and packet, expires
/// after [`DECIDE_NOW`], and its MAC is HMAC-SHA256 under the harness key, recomputed here.
fn minted_by_harness(token: &str, action: &str, digest: &str) -> bool {
    if !GRANT_GRAMMAR.is_match(token) {
        return false;
    }
    let Some((message, tag)) = token.rsplit_once('.') else {
        return false;
    };
    let parts: Vec<&str> = message.split('.').collect();
    let [_, act, digest16, expires] = parts[..] else {
        return false;
    };
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&HARNESS_KEY)
        .expect("HMAC accepts any key length");
    mac.update(message.as_bytes());
    act == action
        && digest.get(..16) == Some(digest16)
        && expires.parse::<u64>().is_ok_and(|e| e > DECIDE_NOW)
        && URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()) == tag
}

/// Stands for a packet string in a report rendered to learn the report's own text.
const MARK: &str = "@@sealprobe-fuzz-mark@@";

/// Neither report holds a 16-byte run of a grant token, unless every byte of that run is report
/// text (found by rendering the same decision with its strings replaced by a mark) or a string of
/// the decision, as the report writes it, that the packet states outside its grants (an option
/// or blocker id, a required action): a token may legitimately equal such a name.
fn no_token_in_reports(packet: &Packet, d: &Decision) {
    let tokens: Vec<&[u8]> = packet
        .grants
        .iter()
        .map(|g| g.token.as_bytes())
        .filter(|t| t.len() >= 16)
        .collect();
    if tokens.is_empty() {
        return;
    }
    let marked = Decision {
        verdict: MARK.to_owned(),
        selected: d.selected.clone(),
        fell_back: d.fell_back,
        reasons: d
            .reasons
            .iter()
            .map(|r| crate::decide::Reason {
                blocker: r.blocker.as_ref().map(|_| MARK.to_owned()),
                action: r.action.as_ref().map(|_| MARK.to_owned()),
                ..r.clone()
            })
            .collect(),
    };
    let mut strings: Vec<Vec<u8>> = Vec::new();
    // A string of the decision excuses a run only when it is a name the packet states outside
    // its grants; a token that reached the decision is not excused by its own presence there.
    let names: Vec<&str> = packet
        .options
        .iter()
        .flat_map(|o| {
            std::iter::once(&o.id)
                .chain(&o.requires_closed)
                .chain(&o.requires_grants)
        })
        .chain(packet.blockers.iter().map(|b| &b.id))
        .chain(std::iter::once(&packet.default))
        .map(String::as_str)
        .chain(std::iter::once(HOLD))
        .collect();
    let from_packet = d
        .reasons
        .iter()
        .flat_map(|r| r.blocker.iter().chain(r.action.iter()))
        .chain(std::iter::once(&d.verdict))
        .filter(|s| names.contains(&s.as_str()));
    for s in from_packet {
        let shown = escape_path(s.as_bytes());
        let json = crate::strict_json::canonical::file_form(&build::string(shown.clone()));
        // `"…"` and the final line feed.
        strings.push(json[1..json.len() - 2].to_vec());
        strings.push(shown.trim_end().as_bytes().to_vec());
        strings.push(shown.into_bytes());
    }
    let reports = [
        (
            crate::report::decide::json(d),
            crate::report::decide::json(&marked),
        ),
        (
            crate::report::decide::human(d).into_bytes(),
            crate::report::decide::human(&marked).into_bytes(),
        ),
    ];
    for (report, template) in reports {
        let mut known = strings.clone();
        for piece in split_on(&template, MARK.as_bytes()) {
            known.push(piece.trim_ascii_end().to_vec());
            known.push(piece.to_vec());
        }
        let covered = cover(&report, &known);
        for (i, w) in report.windows(16).enumerate() {
            if covered[i..i + 16].iter().all(|&c| c) {
                continue;
            }
            assert!(
                !tokens.iter().any(|t| memchr::memmem::find(t, w).is_some()),
                "a decision report holds 16 bytes of a grant token"
            );
        }
    }
}

/// The pieces of `text` between occurrences of `sep`.
fn split_on<'t>(text: &'t [u8], sep: &[u8]) -> Vec<&'t [u8]> {
    let mut pieces = Vec::new();
    let mut at = 0;
    for i in memchr::memmem::find_iter(text, sep) {
        pieces.push(&text[at..i]);
        at = i + sep.len();
    }
    pieces.push(&text[at..]);
    pieces
}

/// Which bytes of `text` lie inside an occurrence of one of `known`.
fn cover(text: &[u8], known: &[Vec<u8>]) -> Vec<bool> {
    let mut covered = vec![false; text.len()];
    for k in known.iter().filter(|k| !k.is_empty()) {
        for i in memchr::memmem::find_iter(text, k) {
            covered[i..i + k.len()].iter_mut().for_each(|c| *c = true);
        }
    }
    covered
}

// --- leak_scan ---------------------------------------------------------------------------------

/// Shortest and longest secret the harness plants.
const MIN_PLANTED: usize = 16;
const MAX_PLANTED: usize = 64;

/// The encodings [`leak_scan`] plants a secret in, indexed by the low bits of its second byte.
pub const PLANTED_ENCODINGS: [&str; 6] = [
    "literal",
    "hex",
    "base64",
    "utf16le",
    "json-escape",
    "percent",
];

/// The index in [`PLANTED_ENCODINGS`] that the `how` byte of a [`leak_scan`] input picks: its
/// low three bits, modulo 6.
pub fn planted_encoding(how: u8) -> usize {
    usize::from(how & 0x07) % PLANTED_ENCODINGS.len()
}

/// A secret planted in filler text is found, whole, in any of [`PLANTED_ENCODINGS`].
///
/// Layout of `data`: one byte `n` (the secret is `16 + n % 49` bytes long); one byte `how`
/// ([`planted_encoding`] picks the encoding from its low three bits; bit 3 picks upper-case hex digits for hex, `\u` and `%`; for
/// base64, `(how >> 4) % 3` bytes taken from the input are encoded before the secret, to vary its
/// alignment); one byte `cut` (where in the filler the encoded secret goes, scaled); the secret's
/// bytes (printable ASCII kept, other bytes mapped into it); the base64 prefix bytes; the filler.
/// In the filler, `\`, `%`, `&` and non-ASCII bytes become `x`, so the filler cannot form an
/// escape around the secret.
pub fn leak_scan(data: &[u8]) {
    let [n, how, cut, rest @ ..] = data else {
        return;
    };
    let len = MIN_PLANTED + usize::from(*n) % (MAX_PLANTED - MIN_PLANTED + 1);
    let Some((raw, rest)) = rest.split_at_checked(len) else {
        return;
    };
    let secret: Vec<u8> = raw
        .iter()
        .map(|&b| {
            if (0x20..=0x7e).contains(&b) {
                b
            } else {
                0x20 + b % 95
            }
        })
        .collect();
    let upper = how & 0x08 != 0;
    let (planted, rest): (Vec<u8>, &[u8]) = match planted_encoding(*how) {
        0 => (secret.clone(), rest),
        1 => (crate::leak::encoding::hex(&secret, upper), rest),
        2 => {
            let Some((prefix, rest)) = rest.split_at_checked(usize::from(how >> 4) % 3) else {
                return;
            };
            let mut raw = prefix.to_vec();
            raw.extend_from_slice(&secret);
            (STANDARD.encode(raw).into_bytes(), rest)
        }
        3 => (secret.iter().flat_map(|&b| [b, 0]).collect(), rest),
        4 => (
            secret
                .iter()
                .flat_map(|&b| {
                    if upper {
                        format!("\\u{b:04X}")
                    } else {
                        format!("\\u{b:04x}")
                    }
                    .into_bytes()
                })
                .collect(),
            rest,
        ),
        _ => (
            secret
                .iter()
                .flat_map(|&b| {
                    if upper {
                        format!("%{b:02X}")
                    } else {
                        format!("%{b:02x}")
                    }
                    .into_bytes()
                })
                .collect(),
            rest,
        ),
    };
    let filler: Vec<u8> = rest
        .iter()
        .map(|&b| {
            if matches!(b, b'\\' | b'%' | b'&') || !b.is_ascii() {
                b'x'
            } else {
                b
            }
        })
        .collect();
    let at = filler.len() * usize::from(*cut) / usize::from(u8::MAX);
    let mut text = filler[..at].to_vec();
    text.extend_from_slice(&planted);
    text.extend_from_slice(&filler[at..]);

    let scanner = ScannerBuilder::new()
        .secret(secret.clone())
        .build()
        .unwrap_or_else(|e| panic!("a scanner for a {len}-byte secret cannot be built: {e}"));
    let id = crate::leak::scan::fingerprint(&secret);
    let found = scanner.scan(&text);
    assert!(
        found
            .iter()
            .any(|f| f.kind == Kind::Secret && f.id == id && !f.partial),
        "a secret planted as {} is not found whole",
        PLANTED_ENCODINGS[planted_encoding(*how)]
    );
}
