//! The `verify_drift` target: a sealed tree in a [`Workspace`], mutated; verify passes iff the
//! bytes and names are unchanged, and every finding names the right kind of class.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use arbitrary::{Arbitrary, Unstructured};

use crate::names;
use crate::seal::create::{SealRequest, create};
use crate::seal::verify::verify_seal;
use crate::seal::{Drift, Finding};
use crate::workspace::Workspace;

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

/// Where the target's trees are written: the gate's choice (`$SEALPROBE_WORKDIR`, `/dev/shm`,
/// the temporary folder), made once.
static WORK_DIR: LazyLock<PathBuf> = LazyLock::new(crate::gate::runner::default_work_dir);

/// The tree as the target believes it is: path to bytes.
type Tree = BTreeMap<String, Vec<u8>>;

/// Writes a tree, seals it with [`create`], mutates it, verifies it with [`verify_seal`].
/// Properties: verify passes iff every sealed name still holds its sealed bytes (and, with a
/// `complete` folder, nothing was added); every finding names at least one drift class; the
/// artifacts that fail are exactly the ones that changed; a missing artifact is `missing` or
/// `path-unicode` (the latter exactly when a twin name stands beside it); a changed one is
/// diagnosed from its content (never `missing`, `not-regular`, `unreadable`, `unsealed`).
pub fn verify_drift(input: VerifyDriftInput) {
    super::confine_rayon_to_this_thread();
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

    // In memory when it can be (/dev/shm): a disk journal would cost more than the checks.
    let ws = Workspace::temporary_in(&WORK_DIR).expect("a temporary folder (not a property)");
    let root = &ws.root();
    for (name, contents) in &sealed {
        ws.file(name, contents)
            .expect("writing a file (not a property)");
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
        apply(&mut tree, m);
    }
    sync(&ws, &sealed, &tree);
    if !*NAMES_KEPT && !disk_matches(root, &tree) {
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

/// Applies one mutation to the model. The disk is brought to the model's final state once, by
/// [`sync`]: verify sees only the final names and bytes, never how they came to be, and writing
/// each step cost up to eight rewrites of whole files an input.
fn apply(tree: &mut Tree, m: Mutation) {
    let pick = |tree: &Tree, i: u8| -> Option<String> {
        let n = tree.len();
        (n > 0).then(|| tree.keys().nth(usize::from(i) % n).cloned())?
    };
    let edit = |tree: &mut Tree, i: u8, f: &dyn Fn(&mut Vec<u8>)| {
        if let Some(name) = pick(tree, i) {
            f(tree.get_mut(&name).expect("picked from the tree"));
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
            let contents = tree.remove(&from).expect("picked from the tree");
            tree.insert(to.to_owned(), contents);
        }
    }
}

/// Brings the disk from the sealed tree to `tree`: removes what is gone, writes what is new or
/// changed.
fn sync(ws: &Workspace, sealed: &Tree, tree: &Tree) {
    for name in sealed.keys().filter(|k| !tree.contains_key(*k)) {
        ws.remove(name).expect("deleting a file (not a property)");
    }
    for (name, contents) in tree {
        if sealed.get(name) != Some(contents) {
            ws.file(name, contents)
                .expect("writing a file (not a property)");
        }
    }
}

/// Whether the work folder's file system keeps every name of [`NAMES`] apart (no case folding,
/// no normalization): found once by writing them all and listing them. When it does, the disk
/// holds exactly what the model says and need not be read back for every input.
static NAMES_KEPT: LazyLock<bool> = LazyLock::new(|| {
    let Ok(ws) = Workspace::temporary_in(&WORK_DIR) else {
        return false;
    };
    let tree: Tree = NAMES
        .iter()
        .map(|n| ((*n).to_owned(), vec![b'x']))
        .collect();
    tree.keys().all(|n| ws.file(n, b"x").is_ok()) && disk_matches(&ws.root(), &tree)
});

/// The files on disk have exactly the model's names, each a regular file of the model's size.
/// The bytes are not read back: every write went through the workspace and succeeded, and what a
/// file system changes behind our back is names (case folding, normalization), never contents.
fn disk_matches(root: &Path, tree: &Tree) -> bool {
    let mut found = BTreeMap::new();
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
                Ok(t) if t.is_file() => match entry.metadata() {
                    Ok(m) => {
                        found.insert(path, m.len());
                    }
                    Err(_) => return false,
                },
                _ => return false,
            }
        }
    }
    found.len() == tree.len()
        && found
            .iter()
            .all(|(k, &len)| tree.get(k).is_some_and(|v| v.len() as u64 == len))
}
