//! Record features (SPEC 7.1, 7.4): what a record must be able to say for a tree case's drift to
//! be seen at all, found from the case itself.
//!
//! A checker of `SHA256SUMS` cannot fail a case whose only drift is an unsealed file in a
//! complete folder (the format cannot say a folder is complete), a symlink to a copy of the
//! sealed bytes (it cannot say a path is a regular file), or an endless file (it gives no length
//! to stop at). Counting those against the checker is a false verdict about it: they are facts
//! about the format. So every tree case carries the features its drift depends on, and a
//! validator whose record format lacks one of them meets the case as `not-applicable`.
//!
//! The features are derived, never declared by hand, so a family cannot get them wrong: the
//! honest record (the case's own seal) is compared with what a reader that follows every path
//! would find in the workspace (`root/`, the honest copies in `outside/`, the files beside
//! them). Each drifted sealed path, missing complete folder or unsealed entry in a complete
//! folder is one drift, with the features a record needs to show it:
//!
//! - a sealed path that is missing, unreadable, or holds other bytes: none (every format shows it);
//! - the sealed bytes reached through a symlink, or a FIFO or device standing there: `file-type`;
//! - an endless file (a huge sparse file, `/dev/zero`): `size`;
//! - an unsealed entry other than a folder in a complete folder, or a complete folder gone:
//!   `complete`.
//!
//! A case is applicable to a format when one of its drifts is: so its features are none when
//! one drift needs none, and otherwise the union of what its drifts need (a smaller set that
//! still shows the case would be "any of", and the union only ever leaves a case unjudged,
//! never judges it wrongly). A hostile tree case with no drift at all, or a control with one, is
//! a defect of its family, found when the suite is drawn.

use std::collections::BTreeMap;

use super::case::Entry;
use crate::digest::Digest;

crate::vocabulary! {
    /// What a record format can say (SPEC 7.1).
    pub enum Feature {
        /// The record says a folder holds nothing else.
        Complete => "complete",
        /// The record says each path is a regular file.
        FileType => "file-type",
        /// The record gives each file's length, so a reader can stop an endless file.
        Size => "size",
        /// The record is authenticated.
        Keyed => "keyed",
        /// The record knows a file is JSON.
        Json => "json",
        /// The record lists folders, so a complete folder that is gone (an empty one: a folder
        /// with sealed files is missed through them) is seen. BagIt lists only files.
        Folders => "folders",
        /// The record can leave entries unlisted: it speaks of the files it names, and a folder
        /// it does not say is complete may hold more. Every format but BagIt and mtree can;
        /// those say every folder they list holds exactly what they list.
        Partial => "partial",
    }
}

/// A sparse file longer than this is endless to a reader without a length to stop at: hashing it
/// takes longer than any case may run.
pub const ENDLESS: u64 = 64 * 1024 * 1024;

/// Symlinks followed on one path before it is a loop (Linux's limit).
const MAX_HOPS: u32 = 40;

/// The honest state as a record states it: each sealed file's length and digest, and the
/// complete folders (`.` is the root).
#[derive(Debug, Clone, Default)]
pub struct Honest {
    pub files: BTreeMap<Vec<u8>, (u64, Digest)>,
    pub complete: Vec<Vec<u8>>,
}

impl Honest {
    /// The honest state of these files and complete folders.
    pub fn of_files(files: &BTreeMap<String, Vec<u8>>, complete: &[String]) -> Honest {
        Honest {
            files: files
                .iter()
                .map(|(p, b)| (p.as_bytes().to_vec(), (b.len() as u64, Digest::of(b))))
                .collect(),
            complete: complete.iter().map(|c| c.as_bytes().to_vec()).collect(),
        }
    }

    /// The honest state a seal records.
    pub fn of_seal(seal: &[u8]) -> Result<Honest, String> {
        let seal = crate::seal::Seal::load(seal, usize::MAX)
            .map_err(|e| format!("its seal does not load ({})", e.class.name()))?;
        Ok(Honest {
            files: seal
                .artifacts()
                .iter()
                .map(|a| (a.path.as_str().as_bytes().to_vec(), (a.bytes, a.sha256)))
                .collect(),
            complete: seal
                .complete()
                .iter()
                .map(|c| c.as_str().as_bytes().to_vec())
                .collect(),
        })
    }
}

/// What a reader that follows every path finds at one.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Found<'a> {
    /// Nothing, a dangling or looping link, a path through a file.
    Missing,
    Folder,
    /// A regular file's bytes: `head`, then zeros up to `len` (a file is all head; a short
    /// sparse file is its head and its holes). Hashed only when its length is the sealed one.
    Bytes {
        head: &'a [u8],
        len: u64,
    },
    /// A file too long to read to its end.
    Endless,
    /// A FIFO or a device that is not a file of bytes.
    Special,
    /// Something outside the workspace, or beside `root/`, whose bytes are not a sealed file's.
    Other,
}

/// The workspace as a reader finds it: `root/` (the tree), `outside/` (honest copies) and the
/// inputs beside them.
struct Workspace<'a> {
    root: BTreeMap<&'a [u8], &'a Entry>,
    outside: BTreeMap<&'a [u8], &'a Entry>,
    beside: &'a [(&'a str, &'a [u8])],
}

enum Node<'a> {
    Folder,
    Entry(&'a Entry),
    /// A file beside `root/` (the seal, the key...), with its bytes.
    Beside(&'a [u8]),
    Other,
    Missing,
}

fn has_below(map: &BTreeMap<&[u8], &Entry>, folder: &[u8]) -> bool {
    let mut prefix = folder.to_vec();
    prefix.push(b'/');
    map.range(prefix.as_slice()..)
        .next()
        .is_some_and(|(p, _)| p.starts_with(&prefix))
}

impl<'a> Workspace<'a> {
    fn node(&self, at: &[Vec<u8>]) -> Node<'a> {
        let Some((first, rest)) = at.split_first() else {
            return Node::Folder;
        };
        let map = match first.as_slice() {
            b"root" => &self.root,
            b"outside" => &self.outside,
            name if rest.is_empty() => {
                return self
                    .beside
                    .iter()
                    .find(|(n, _)| n.as_bytes() == name)
                    .map_or(Node::Other, |(_, bytes)| Node::Beside(bytes));
            }
            _ => return Node::Missing,
        };
        if rest.is_empty() {
            return Node::Folder;
        }
        let path = rest.join(&b'/');
        match map.get(path.as_slice()) {
            Some(e) => Node::Entry(e),
            None if has_below(map, &path) => Node::Folder,
            None => Node::Missing,
        }
    }

    /// What a reader finds at `path` below `root/`, and whether it went through a symlink.
    fn follow(&self, path: &[u8]) -> (Found<'a>, bool) {
        let mut queue: Vec<Vec<u8>> = components(path).rev().map(<[u8]>::to_vec).collect();
        queue.push(b"root".to_vec());
        let mut at: Vec<Vec<u8>> = Vec::new();
        let mut hops = 0;
        let mut linked = false;
        while let Some(c) = queue.pop() {
            match c.as_slice() {
                b"" | b"." => continue,
                b".." => {
                    if at.pop().is_none() {
                        // Above the workspace: the rest of the system.
                        return (Found::Other, true);
                    }
                    continue;
                }
                _ => {}
            }
            at.push(c);
            let last = queue.is_empty();
            match self.node(&at) {
                Node::Folder => {
                    if last {
                        return (Found::Folder, linked);
                    }
                }
                Node::Missing => return (Found::Missing, linked),
                Node::Other => return (if last { Found::Other } else { Found::Missing }, linked),
                Node::Beside(bytes) if last => return (Found::file(bytes), linked),
                Node::Beside(_) => return (Found::Missing, linked),
                Node::Entry(Entry::Symlink { target, .. }) => {
                    hops += 1;
                    linked = true;
                    if hops > MAX_HOPS {
                        return (Found::Missing, linked);
                    }
                    at.pop();
                    if target.starts_with(b"/") {
                        let rest: Vec<u8> = queue
                            .iter()
                            .rev()
                            .flat_map(|c| [b"/".as_slice(), c].concat())
                            .collect();
                        return (system([target.as_slice(), &rest].concat()), linked);
                    }
                    queue.extend(components(target).rev().map(<[u8]>::to_vec));
                }
                Node::Entry(Entry::Folder { .. }) => {
                    if last {
                        return (Found::Folder, linked);
                    }
                }
                Node::Entry(_) if !last => return (Found::Missing, linked),
                Node::Entry(Entry::File { bytes, .. }) => return (Found::file(bytes), linked),
                Node::Entry(Entry::Sparse { head, len, .. }) => {
                    return (sparse(head, *len), linked);
                }
                Node::Entry(Entry::Fifo { .. }) => return (Found::Special, linked),
            }
        }
        (Found::Folder, linked)
    }
}

impl<'a> Found<'a> {
    fn file(bytes: &'a [u8]) -> Found<'a> {
        Found::Bytes {
            head: bytes,
            len: bytes.len() as u64,
        }
    }

    /// Whether these are the sealed bytes: the lengths first, the digest only when they agree.
    fn is(&self, sealed_len: u64, sealed: &Digest) -> bool {
        let Found::Bytes { head, len } = self else {
            return false;
        };
        if *len != sealed_len {
            return false;
        }
        let mut sha = <sha2::Sha256 as sha2::Digest>::new();
        sha2::Digest::update(&mut sha, head);
        let mut zeros = (*len).saturating_sub(head.len() as u64);
        let block = [0u8; 64 * 1024];
        while zeros > 0 {
            let n = zeros.min(block.len() as u64) as usize;
            sha2::Digest::update(&mut sha, &block[..n]);
            zeros -= n as u64;
        }
        Digest(sha2::Digest::finalize(sha).into()) == *sealed
    }
}

/// A sparse file as a reader finds it: its head and holes when short, endless when not.
fn sparse(head: &[u8], len: u64) -> Found<'_> {
    if len <= ENDLESS {
        Found::Bytes {
            head,
            len: len.max(head.len() as u64),
        }
    } else {
        Found::Endless
    }
}

/// A path outside the workspace, as a link names it: the devices a case points at, or other
/// bytes.
fn system(path: Vec<u8>) -> Found<'static> {
    match path.as_slice() {
        b"/dev/null" => Found::Bytes { head: b"", len: 0 },
        b"/dev/zero" | b"/dev/urandom" | b"/dev/random" => Found::Endless,
        _ => Found::Other,
    }
}

fn components(path: &[u8]) -> impl DoubleEndedIterator<Item = &[u8]> {
    path.split(|b| *b == b'/')
}

/// Whether the honest state holds entries a record of it leaves unlisted, so a record must be
/// able to leave them out (`partial`): an entry of `root/` that is not a sealed file, a folder
/// above one, a complete folder or a folder above one. An entry below a sealed path is part of
/// that path's drift, and one below a complete folder that is not a folder is drift
/// (`complete`), so neither is counted; a folder below a complete folder is (the seal allows it,
/// a record that lists every folder does not). A format that says every folder it lists holds
/// exactly what it lists (BagIt's payload, mtree's specification) cannot render such a state:
/// its honest record would fail the control.
pub fn leaves_unlisted(honest: &Honest, tree: &[Entry]) -> bool {
    let mut listed_or_above: std::collections::BTreeSet<&[u8]> = std::collections::BTreeSet::new();
    for p in honest.files.keys().chain(&honest.complete) {
        listed_or_above.insert(p);
        for (i, b) in p.iter().enumerate() {
            if *b == b'/' {
                listed_or_above.insert(&p[..i]);
            }
        }
    }
    let below = |p: &[u8], above: &[u8]| {
        above == b"." || (p.len() > above.len() && p.starts_with(above) && p[above.len()] == b'/')
    };
    tree.iter().any(|entry| {
        let p = entry.path();
        let drift = honest.files.keys().any(|f| below(p, f))
            || (!matches!(entry, Entry::Folder { .. })
                && honest.complete.iter().any(|c| below(p, c)));
        !listed_or_above.contains(p) && !drift
    })
}

/// The features a tree case depends on (see the module doc): `None` when the tree is the honest
/// state, nothing drifted.
///
/// `beside` are the files next to `root/` (`seal.json`, `key`...), which a link may point at.
pub fn required(
    honest: &Honest,
    tree: &[Entry],
    outside: &[Entry],
    beside: &[(&str, &[u8])],
) -> Option<Vec<Feature>> {
    let drifts = drifts(honest, tree, outside, beside);
    if drifts.is_empty() {
        return None;
    }
    if drifts.iter().any(Vec::is_empty) {
        return Some(Vec::new());
    }
    Some(every(&drifts))
}

/// The features every drift of a tree needs together (`None` when nothing drifted): what a
/// record must say for a reader to see *all* of its drift, not only one. The hunt (SPEC 7.9)
/// puts a composed case only to a validator whose format says all of it, so that a checker that
/// hangs on a FIFO its format cannot call wrong is never blamed for it because another drift
/// of the same case was one it could see.
pub fn required_for_all(
    honest: &Honest,
    tree: &[Entry],
    outside: &[Entry],
    beside: &[(&str, &[u8])],
) -> Option<Vec<Feature>> {
    let drifts = drifts(honest, tree, outside, beside);
    (!drifts.is_empty()).then(|| every(&drifts))
}

/// The union of what `drifts` need, sorted.
fn every(drifts: &[Vec<Feature>]) -> Vec<Feature> {
    let mut all: Vec<Feature> = drifts.iter().flatten().copied().collect();
    all.sort();
    all.dedup();
    all
}

/// Each drift of the tree from the honest state, as the features a record needs to show it.
fn drifts(
    honest: &Honest,
    tree: &[Entry],
    outside: &[Entry],
    beside: &[(&str, &[u8])],
) -> Vec<Vec<Feature>> {
    let ws = Workspace {
        root: tree.iter().map(|e| (e.path(), e)).collect(),
        outside: outside.iter().map(|e| (e.path(), e)).collect(),
        beside,
    };
    let mut drifts: Vec<Vec<Feature>> = Vec::new();
    for (path, (len, sha)) in &honest.files {
        let (found, linked) = ws.follow(path);
        match found {
            Found::Bytes { .. } if found.is(*len, sha) => {
                if linked {
                    drifts.push(vec![Feature::FileType]);
                }
            }
            Found::Endless => drifts.push(vec![Feature::Size]),
            Found::Special => drifts.push(vec![Feature::FileType]),
            Found::Bytes { .. } | Found::Missing | Found::Folder | Found::Other => {
                drifts.push(Vec::new())
            }
        }
    }
    let mut sealed_or_above: std::collections::BTreeSet<&[u8]> = std::collections::BTreeSet::new();
    for f in honest.files.keys() {
        sealed_or_above.insert(f);
        for (i, b) in f.iter().enumerate() {
            if *b == b'/' {
                sealed_or_above.insert(&f[..i]);
            }
        }
    }
    let in_complete = |p: &[u8]| {
        honest.complete.iter().any(|c| {
            c.as_slice() == b"." || (p.len() > c.len() && p.starts_with(c) && p[c.len()] == b'/')
        })
    };
    for c in &honest.complete {
        if c.as_slice() == b"." {
            continue;
        }
        let (found, linked) = ws.follow(c);
        if found != Found::Folder || linked {
            drifts.push(vec![Feature::Folders]);
        }
    }
    for entry in tree {
        let p = entry.path();
        // A complete folder may hold other folders: every entry but a folder must be sealed.
        if sealed_or_above.contains(p) || matches!(entry, Entry::Folder { .. }) {
            continue;
        }
        if in_complete(p) {
            drifts.push(vec![Feature::Complete]);
        }
    }
    drifts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, bytes: &[u8]) -> Entry {
        Entry::File {
            path: path.as_bytes().to_vec(),
            bytes: bytes.to_vec(),
        }
    }

    fn link(path: &str, target: &str) -> Entry {
        Entry::Symlink {
            path: path.as_bytes().to_vec(),
            target: target.as_bytes().to_vec(),
        }
    }

    /// `docs/a.md` ("a\n") and `b.md` ("b\n") sealed, `docs` complete.
    fn honest() -> (Honest, Vec<Entry>) {
        let files = [file("b.md", b"b\n"), file("docs/a.md", b"a\n")];
        let honest = Honest {
            files: files
                .iter()
                .map(|e| match e {
                    Entry::File { path, bytes } => {
                        (path.clone(), (bytes.len() as u64, Digest::of(bytes)))
                    }
                    _ => unreachable!(),
                })
                .collect(),
            complete: vec![b"docs".to_vec()],
        };
        (honest, files.to_vec())
    }

    /// The features of the honest state with `edit` applied to its tree (outside/ holds the
    /// honest copies, `key` beside the root holds "a\n").
    fn of(edit: impl FnOnce(&mut Vec<Entry>)) -> Option<Vec<Feature>> {
        let (honest, files) = honest();
        let mut tree = files.clone();
        edit(&mut tree);
        tree.sort_by(|a, b| a.path().cmp(b.path()));
        required(&honest, &tree, &files, &[("key", b"a\n")])
    }

    fn put(tree: &mut Vec<Entry>, entry: Entry) {
        tree.retain(|e| e.path() != entry.path());
        tree.push(entry);
    }

    #[test]
    fn the_honest_tree_does_not_drift() {
        assert_eq!(of(|_| {}), None);
        // An empty folder in a complete folder is allowed; a file outside it is not sealed.
        assert_eq!(
            of(|t| t.push(Entry::Folder {
                path: b"docs/new".to_vec()
            })),
            None
        );
        assert_eq!(of(|t| t.push(file("loose.md", b"x"))), None);
    }

    #[test]
    fn drift_every_format_shows_needs_no_feature() {
        assert_eq!(of(|t| put(t, file("b.md", b"B\n"))), Some(vec![]));
        assert_eq!(of(|t| t.retain(|e| e.path() != b"b.md")), Some(vec![]));
        assert_eq!(of(|t| put(t, link("b.md", "b.md"))), Some(vec![]), "a loop");
        assert_eq!(of(|t| put(t, link("b.md", "nowhere"))), Some(vec![]));
        assert_eq!(of(|t| put(t, link("b.md", "/etc/hostname"))), Some(vec![]));
        assert_eq!(
            of(|t| put(
                t,
                Entry::Folder {
                    path: b"b.md".to_vec()
                }
            )),
            Some(vec![])
        );
        // One drift any format shows is enough, whatever else drifted.
        assert_eq!(
            of(|t| {
                put(t, file("b.md", b"B\n"));
                t.push(file("docs/new.md", b"new"));
            }),
            Some(vec![])
        );
    }

    #[test]
    fn the_sealed_bytes_through_a_link_need_file_types() {
        for target in [
            "../../outside/docs/a.md",
            "../docs/../../root/docs/../../outside/docs/a.md",
            "../../key",
        ] {
            assert_eq!(
                of(|t| put(t, link("docs/a.md", target))),
                Some(vec![Feature::FileType]),
                "{target}"
            );
        }
        assert_eq!(
            of(|t| put(t, link("docs", "../outside/docs"))),
            Some(vec![Feature::FileType, Feature::Folders]).map(|mut v| {
                v.sort();
                v
            }),
            "a complete folder that is a link is also a complete folder gone"
        );
        assert_eq!(
            of(|t| put(
                t,
                Entry::Fifo {
                    path: b"b.md".to_vec()
                }
            )),
            Some(vec![Feature::FileType])
        );
    }

    #[test]
    fn endless_files_need_sizes() {
        assert_eq!(
            of(|t| put(t, link("b.md", "/dev/zero"))),
            Some(vec![Feature::Size])
        );
        let sparse = |len| Entry::Sparse {
            path: b"b.md".to_vec(),
            head: b"b\n".to_vec(),
            len,
        };
        assert_eq!(of(|t| put(t, sparse(8 << 30))), Some(vec![Feature::Size]));
        assert_eq!(
            of(|t| put(t, sparse(ENDLESS + 1))),
            Some(vec![Feature::Size])
        );
        // A short sparse file is read to its end: other bytes, or the sealed ones.
        assert_eq!(of(|t| put(t, sparse(ENDLESS))), Some(vec![]));
        assert_eq!(of(|t| put(t, sparse(2))), None);
    }

    #[test]
    fn unsealed_entries_and_lost_complete_folders_need_complete() {
        for entry in [
            file("docs/new.md", b"new"),
            file("docs/deep/er/new.md", b"new"),
            link("docs/link", "a.md"),
            Entry::Fifo {
                path: b"docs/pipe".to_vec(),
            },
        ] {
            assert_eq!(
                of(|t| t.push(entry.clone())),
                Some(vec![Feature::Complete]),
                "{entry:?}"
            );
        }
        let (mut honest, files) = honest();
        honest.complete.push(b"spool".to_vec());
        assert_eq!(
            required(&honest, &files, &files, &[]),
            Some(vec![Feature::Folders]),
            "a complete folder gone is seen only by a record that lists folders"
        );
        // The root as a complete folder holds every entry.
        honest.complete = vec![b".".to_vec()];
        let mut tree = files.clone();
        tree.push(file("top.md", b"x"));
        assert_eq!(
            required(&honest, &tree, &files, &[]),
            Some(vec![Feature::Complete])
        );
    }

    #[test]
    fn entries_the_record_leaves_unlisted_need_partial() {
        let (honest, files) = honest();
        let with = |entry: Entry| {
            let mut tree = files.clone();
            tree.push(entry);
            leaves_unlisted(&honest, &tree)
        };
        assert!(!leaves_unlisted(&honest, &files), "the honest tree");
        assert!(
            with(file("loose.md", b"x")),
            "a file outside complete folders"
        );
        assert!(with(link("loose", "b.md")), "a link outside them");
        assert!(
            with(Entry::Folder {
                path: b"docs/new".to_vec()
            }),
            "a folder in a complete folder"
        );
        assert!(
            with(Entry::Folder {
                path: b"empty".to_vec()
            }),
            "an empty folder"
        );
        // Drift is not an unlisted entry: a file in a complete folder, one below a sealed path.
        assert!(!with(file("docs/new.md", b"new")));
        assert!(!with(file("b.md/inner", b"x")));
        assert!(!with(Entry::Folder {
            path: b"docs".to_vec()
        }));
        let mut complete = honest.clone();
        complete.complete.push(b"spool/in".to_vec());
        assert!(!leaves_unlisted(
            &complete,
            &[
                files.clone(),
                vec![
                    Entry::Folder {
                        path: b"spool".to_vec()
                    },
                    Entry::Folder {
                        path: b"spool/in".to_vec()
                    }
                ]
            ]
            .concat()
        ));
    }

    #[test]
    fn drifts_that_each_need_a_feature_need_them_all() {
        let mut both = vec![Feature::Complete, Feature::FileType];
        both.sort();
        assert_eq!(
            of(|t| {
                put(t, link("b.md", "../outside/b.md"));
                t.push(file("docs/new.md", b"new"));
            }),
            Some(both)
        );
    }
}
