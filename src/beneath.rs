//! Reading files below a root without ever leaving it.
//!
//! Every path is walked component by component from a directory handle of the root with
//! `openat`, each folder opened with `O_NOFOLLOW | O_DIRECTORY`, so a symlink anywhere on the path
//! (inside or outside the root, dangling or looping) is refused rather than followed. The final
//! component is first checked with `fstatat(AT_SYMLINK_NOFOLLOW)` so that devices are never opened,
//! then opened with `O_NOFOLLOW | O_NONBLOCK | O_NOCTTY` (a FIFO swapped in between cannot block us),
//! and the type read from the open handle is the one that counts.
//!
//! This module knows nothing about seals: it answers "give me this regular file" or says why not,
//! and lists folders without following links. Paths come in as `/`-separated relative strings
//! that the caller has already validated (no empty, `.` or `..` segment).

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;

use rustix::fs::{AtFlags, Dir, FileType, Mode, OFlags};
use unicase::UniCase;

use crate::names;

/// Why a path could not be opened as a regular file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Nothing at the path. `twin` is the path (raw bytes, `/`-joined from the root) of an entry
    /// whose name is equal after NFC/NFD or case folding to the first missing component, when
    /// one stands where that component should be: the first such name in byte order.
    Missing { twin: Option<Vec<u8>> },
    /// A symlink, folder, FIFO, socket or device stands at the path (or a symlink on the way).
    NotRegular,
    /// An I/O error (permission, hardware, ...). Only the kind is kept.
    Io(io::ErrorKind),
}

/// What kind of entry a folder listing found. Symlinks are reported, never followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Folder,
    Symlink,
    /// FIFO, socket, device.
    Special,
}

/// One entry of a recursive listing: its `/`-joined path relative to the root, as raw bytes
/// (names need not be UTF-8), and its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: Vec<u8>,
    pub kind: EntryKind,
}

/// What one worker keeps between lookups: the folder opened last by
/// [`Root::open_file_cached`], and the folded names of every folder it has had to search for a
/// twin of a missing name. Listing a folder once per worker, not once per missing file, keeps a
/// tree where thousands of files were renamed (say, to upper case) linear to verify.
#[derive(Debug, Default)]
pub struct FolderCache {
    folder: String,
    fd: Option<OwnedFd>,
    folded: HashMap<String, Twins>,
    listings: usize,
}

impl FolderCache {
    /// How many folders were listed to look for twins (each at most once).
    pub fn listings(&self) -> usize {
        self.listings
    }
}

impl Refusal {
    /// Nothing at the path, and no twin of its name.
    pub const MISSING: Refusal = Refusal::Missing { twin: None };
}

/// Deepest folder nesting a listing descends into; deeper trees are an error, not a crash. A
/// path of `PATH_MAX` (4,096 bytes) holds at most 2,048 folders; a listing holds one descriptor
/// per level, so this stays well inside the usual limit of 1,024 open files, and an honest tree
/// 280 folders deep (a control of the suite) is listed whole.
pub const MAX_WALK_DEPTH: usize = 512;

/// A handle on the root folder. When the root cannot be opened, every lookup below it fails
/// with the same refusal, so a missing root fails closed like any missing file.
#[derive(Debug)]
pub struct Root {
    fd: Result<OwnedFd, Refusal>,
}

impl Root {
    /// Opens the root folder. The root itself may be reached through a symlink (the user named
    /// it); nothing below it may.
    pub fn open(path: &Path) -> Root {
        let fd = rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| refusal_from_errno(e, false));
        Root { fd }
    }

    /// Why the root itself is unusable, if it is.
    pub fn refusal(&self) -> Option<Refusal> {
        self.fd.as_ref().err().cloned()
    }

    /// Opens the regular file at `rel` (validated, `/`-separated) for reading.
    pub fn open_file(&self, rel: &str) -> Result<File, Refusal> {
        self.open_file_cached(rel, &mut FolderCache::default())
    }

    /// Like [`Root::open_file`], reusing the handle of the folder opened last when `rel` lies
    /// in the same folder (artifacts are sorted, so neighbours usually share a folder). This saves
    /// one `openat` per path component on trees with many small files.
    pub fn open_file_cached(&self, rel: &str, cache: &mut FolderCache) -> Result<File, Refusal> {
        match self.open_file_in(rel, cache) {
            Err(Refusal::Missing { .. }) => Err(Refusal::Missing {
                twin: self.twin_of(rel, cache),
            }),
            other => other,
        }
    }

    /// The twin (a name equal after NFC and case folding) of the first component of `rel` that
    /// does not exist, as a path from the root, when its folder holds one. Best effort: what
    /// cannot be looked at has no twin.
    fn twin_of(&self, rel: &str, cache: &mut FolderCache) -> Option<Vec<u8>> {
        let root = self.fd.as_ref().ok()?;
        let components: Vec<&str> = rel.split('/').collect();
        let mut dir: Option<OwnedFd> = None;
        for (i, name) in components.iter().enumerate() {
            let parent = dir.as_ref().map_or(root.as_fd(), |d| d.as_fd());
            match rustix::fs::statat(parent, *name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(st)
                    if i + 1 < components.len()
                        && FileType::from_raw_mode(st.st_mode) == FileType::Directory =>
                {
                    let Ok(next) = rustix::fs::openat(
                        parent,
                        *name,
                        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                        Mode::empty(),
                    ) else {
                        return None;
                    };
                    dir = Some(next);
                }
                Err(e) if e == rustix::io::Errno::NOENT => {
                    let folder = components[..i].join("/");
                    if !cache.folded.contains_key(&folder) {
                        cache.listings += 1;
                        let names = folded_names(parent);
                        cache.folded.insert(folder.clone(), names);
                    }
                    let twin = cache.folded.get(&folder)?.get(&names::fold_key(name))?;
                    let mut path = folder.into_bytes();
                    if !path.is_empty() {
                        path.push(b'/');
                    }
                    path.extend_from_slice(twin.as_bytes());
                    return Some(path);
                }
                _ => return None,
            }
        }
        None
    }

    fn open_file_in(&self, rel: &str, cache: &mut FolderCache) -> Result<File, Refusal> {
        let root = self.fd.as_ref().map_err(Refusal::clone)?;
        let (folder, last) = match rel.rsplit_once('/') {
            Some((folder, last)) => (folder, last),
            None => ("", rel),
        };
        if last.is_empty() {
            return Err(Refusal::MISSING);
        }
        if folder.is_empty() {
            return open_regular(root.as_fd(), last);
        }
        if cache.folder != folder || cache.fd.is_none() {
            cache.fd = None;
            cache.fd = open_folders(root.as_fd(), folder.split('/'))?;
            cache.folder = folder.to_owned();
        }
        match &cache.fd {
            Some(fd) => open_regular(fd.as_fd(), last),
            None => Err(Refusal::MISSING),
        }
    }

    /// Kind of the entry at `rel` without following symlinks.
    pub fn kind_of(&self, rel: &str) -> Result<EntryKind, Refusal> {
        let root = self.fd.as_ref().map_err(Refusal::clone)?;
        if rel == "." {
            return Ok(EntryKind::Folder);
        }
        let components: Vec<&str> = rel.split('/').collect();
        let (last, folders) = components.split_last().ok_or(Refusal::MISSING)?;
        let dir = open_folders(root.as_fd(), folders.iter().copied())?;
        let parent = dir.as_ref().map_or(root.as_fd(), |d| d.as_fd());
        let st = stat_nofollow(parent, last)?;
        Ok(kind_from_type(FileType::from_raw_mode(st.st_mode)))
    }

    /// Lists everything below the folder `rel` (`.` for the root), recursively, without following
    /// symlinks, sorted by path bytes. Folders are listed too. A subfolder that cannot be listed
    /// (an I/O error, or deeper than [`MAX_WALK_DEPTH`]) does not hide what was found elsewhere:
    /// it is returned in [`Walk::refused`] and the walk goes on.
    pub fn walk(&self, rel: &str) -> Result<Walk, Refusal> {
        let root = self.fd.as_ref().map_err(Refusal::clone)?;
        let dir = if rel == "." {
            None
        } else {
            match open_folders(root.as_fd(), rel.split('/')) {
                Ok(dir) => dir,
                Err(Refusal::Missing { .. }) => {
                    return Err(Refusal::Missing {
                        twin: self.twin_of(rel, &mut FolderCache::default()),
                    });
                }
                Err(r) => return Err(r),
            }
        };
        let start = match dir {
            Some(d) => d,
            None => rustix::fs::openat(
                root,
                ".",
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(|e| refusal_from_errno(e, false))?,
        };
        let prefix: Vec<u8> = if rel == "." {
            Vec::new()
        } else {
            rel.as_bytes().to_vec()
        };
        let mut walk = Walk::default();
        walk_into(start, &prefix, 0, &mut walk).map_err(|(_, r)| r)?;
        walk.entries.sort_by(|a, b| a.path.cmp(&b.path));
        walk.refused.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(walk)
    }
}

/// What a recursive listing found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Walk {
    /// Every entry listed, sorted by path.
    pub entries: Vec<Entry>,
    /// Folders that could not be listed, with why, sorted by path.
    pub refused: Vec<(Vec<u8>, Refusal)>,
}

/// Lists `dir` (at `prefix`) into `walk`. An error listing `dir` itself is returned (the caller
/// records it against `dir`'s path); a subfolder that fails is recorded and skipped.
fn walk_into(
    dir: OwnedFd,
    prefix: &[u8],
    depth: usize,
    walk: &mut Walk,
) -> Result<(), (Vec<u8>, Refusal)> {
    let fail = |e: rustix::io::Errno| (prefix.to_vec(), Refusal::Io(io::Error::from(e).kind()));
    let mut listing = Dir::read_from(&dir).map_err(fail)?;
    let mut children = Vec::new();
    while let Some(entry) = listing.read() {
        let entry = entry.map_err(fail)?;
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        let kind = match entry.file_type() {
            FileType::Unknown => {
                let st = rustix::fs::statat(&dir, entry.file_name(), AtFlags::SYMLINK_NOFOLLOW)
                    .map_err(fail)?;
                kind_from_type(FileType::from_raw_mode(st.st_mode))
            }
            t => kind_from_type(t),
        };
        let mut path = prefix.to_vec();
        if !path.is_empty() {
            path.push(b'/');
        }
        path.extend_from_slice(name);
        children.push((entry.file_name().to_owned(), Entry { path, kind }));
    }
    // The listing's own descriptor is closed before descending: one descriptor per level.
    drop(listing);
    for (name, entry) in children {
        if entry.kind != EntryKind::Folder {
            walk.entries.push(entry);
            continue;
        }
        let path = entry.path.clone();
        walk.entries.push(entry);
        if depth + 1 > MAX_WALK_DEPTH {
            walk.refused.push((path, Refusal::Io(io::ErrorKind::Other)));
            continue;
        }
        let sub = rustix::fs::openat(
            &dir,
            name.as_c_str(),
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        );
        match sub {
            Ok(sub) => {
                if let Err(refused) = walk_into(sub, &path, depth + 1, walk) {
                    walk.refused.push(refused);
                }
            }
            Err(e) => walk.refused.push((path, refusal_from_errno(e, false))),
        }
    }
    Ok(())
}

fn kind_from_type(t: FileType) -> EntryKind {
    match t {
        FileType::RegularFile => EntryKind::File,
        FileType::Directory => EntryKind::Folder,
        FileType::Symlink => EntryKind::Symlink,
        _ => EntryKind::Special,
    }
}

fn stat_nofollow(parent: BorrowedFd<'_>, name: &str) -> Result<rustix::fs::Stat, Refusal> {
    rustix::fs::statat(parent, name, AtFlags::SYMLINK_NOFOLLOW).map_err(|e| {
        if e == rustix::io::Errno::NOENT {
            // Whether a twin stands beside it is asked by the callers that report it, with
            // their cache of folded folder listings.
            Refusal::MISSING
        } else {
            refusal_from_errno(e, false)
        }
    })
}

/// Opens the regular file `name` in `parent`: type-checked before opening (so a device is never
/// opened), opened without following a symlink and without blocking, type-checked again on the
/// handle.
fn open_regular(parent: BorrowedFd<'_>, name: &str) -> Result<File, Refusal> {
    let st = stat_nofollow(parent, name)?;
    if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
        return Err(Refusal::NotRegular);
    }
    let fd = rustix::fs::openat(
        parent,
        name,
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY,
        Mode::empty(),
    )
    .map_err(|e| refusal_from_errno(e, true))?;
    let st = rustix::fs::fstat(&fd).map_err(|e| Refusal::Io(io::Error::from(e).kind()))?;
    if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
        return Err(Refusal::NotRegular);
    }
    Ok(File::from(fd))
}

/// Walks down `names` from `root`, one `open_folder` per component; `None` when there are no
/// components (the folder is the root itself).
fn open_folders<'n>(
    root: BorrowedFd<'_>,
    names: impl Iterator<Item = &'n str>,
) -> Result<Option<OwnedFd>, Refusal> {
    let mut dir: Option<OwnedFd> = None;
    for name in names {
        let parent = dir.as_ref().map_or(root, |d| d.as_fd());
        dir = Some(open_folder(parent, name)?);
    }
    Ok(dir)
}

/// Opens the folder `name` in `parent` with `O_NOFOLLOW | O_DIRECTORY`. Only when that fails is
/// the entry examined: a symlink is refused as not-regular; a file where a folder should be
/// means the sealed path does not exist.
fn open_folder(parent: BorrowedFd<'_>, name: &str) -> Result<OwnedFd, Refusal> {
    let opened = rustix::fs::openat(
        parent,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    );
    let err = match opened {
        Ok(fd) => return Ok(fd),
        Err(e) => e,
    };
    let st = stat_nofollow(parent, name)?;
    match FileType::from_raw_mode(st.st_mode) {
        FileType::Symlink => Err(Refusal::NotRegular),
        FileType::Directory => Err(refusal_from_errno(err, false)),
        _ => Err(Refusal::MISSING),
    }
}

fn refusal_from_errno(e: rustix::io::Errno, final_component: bool) -> Refusal {
    use rustix::io::Errno;
    if e == Errno::NOENT {
        Refusal::MISSING
    } else if e == Errno::LOOP || e == Errno::NOTDIR || (final_component && e == Errno::NXIO) {
        Refusal::NotRegular
    } else {
        Refusal::Io(io::Error::from(e).kind())
    }
}

/// The names of one folder by their NFC and case-folded key: for each key, the first name in
/// byte order that has it.
type Twins = HashMap<UniCase<String>, String>;

/// The names in `parent`, NFC and case folded (names that are not UTF-8 cannot be twins of a
/// seal path and are left out). Best effort: a folder that cannot be listed has none.
fn folded_names(parent: BorrowedFd<'_>) -> Twins {
    let mut out = Twins::new();
    let Ok(mut listing) = Dir::read_from(parent) else {
        return out;
    };
    while let Some(Ok(entry)) = listing.read() {
        if let Ok(name) = std::str::from_utf8(entry.file_name().to_bytes())
            && name != "."
            && name != ".."
        {
            let kept = out
                .entry(names::fold_key(name))
                .or_insert_with(|| name.to_owned());
            if name.as_bytes() < kept.as_bytes() {
                *kept = name.to_owned();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twins_are_found_with_one_listing_per_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("docs")).unwrap();
        for i in 0..50 {
            std::fs::write(dir.path().join(format!("docs/FILE{i}.TXT")), b"x").unwrap();
        }
        let root = Root::open(dir.path());
        let mut cache = FolderCache::default();
        for i in 0..50 {
            let r = root.open_file_cached(&format!("docs/file{i}.txt"), &mut cache);
            let twin = format!("docs/FILE{i}.TXT").into_bytes();
            assert_eq!(r.err(), Some(Refusal::Missing { twin: Some(twin) }));
        }
        let r = root.open_file_cached("docs/other.txt", &mut cache);
        assert_eq!(r.err(), Some(Refusal::MISSING));
        assert_eq!(cache.listings(), 1);
        // A missing folder on the way is looked up in its own parent.
        let r = root.open_file_cached("DOCS/FILE1.TXT", &mut cache);
        let twin = b"docs".to_vec();
        assert_eq!(r.err(), Some(Refusal::Missing { twin: Some(twin) }));
        assert_eq!(cache.listings(), 2);
    }

    #[test]
    fn of_several_twins_the_first_in_byte_order_is_named() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["Readme.md", "README.md", "readme.MD"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let root = Root::open(dir.path());
        let r = root.open_file("readme.md");
        let twin = b"README.md".to_vec();
        assert_eq!(r.err(), Some(Refusal::Missing { twin: Some(twin) }));
    }
}
