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

use std::fs::File;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;

use rustix::fs::{AtFlags, Dir, FileType, Mode, OFlags};

use crate::names;

/// Why a path could not be opened as a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Nothing at the path. `unicode_twin` is true when a name equal after NFC/NFD or case
    /// folding exists where the missing component should be.
    Missing { unicode_twin: bool },
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

/// The folder opened last by [`Root::open_file_cached`], kept by each worker.
#[derive(Debug, Default)]
pub struct FolderCache {
    folder: String,
    fd: Option<OwnedFd>,
}

/// Deepest folder nesting a listing descends into; deeper trees are an error, not a crash.
pub const MAX_WALK_DEPTH: usize = 256;

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
        self.fd.as_ref().err().copied()
    }

    /// Opens the regular file at `rel` (validated, `/`-separated) for reading.
    pub fn open_file(&self, rel: &str) -> Result<File, Refusal> {
        self.open_file_cached(rel, &mut FolderCache::default())
    }

    /// Like [`Root::open_file`], reusing the handle of the folder opened last when `rel` lies
    /// in the same folder (artifacts are sorted, so neighbours usually share a folder). This saves
    /// one `openat` per path component on trees with many small files.
    pub fn open_file_cached(&self, rel: &str, cache: &mut FolderCache) -> Result<File, Refusal> {
        let root = self.fd.as_ref().map_err(|r| *r)?;
        let (folder, last) = match rel.rsplit_once('/') {
            Some((folder, last)) => (folder, last),
            None => ("", rel),
        };
        if last.is_empty() {
            return Err(Refusal::Missing {
                unicode_twin: false,
            });
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
            None => Err(Refusal::Missing {
                unicode_twin: false,
            }),
        }
    }

    /// Kind of the entry at `rel` without following symlinks.
    pub fn kind_of(&self, rel: &str) -> Result<EntryKind, Refusal> {
        let root = self.fd.as_ref().map_err(|r| *r)?;
        if rel == "." {
            return Ok(EntryKind::Folder);
        }
        let components: Vec<&str> = rel.split('/').collect();
        let (last, folders) = components.split_last().ok_or(Refusal::Missing {
            unicode_twin: false,
        })?;
        let dir = open_folders(root.as_fd(), folders.iter().copied())?;
        let parent = dir.as_ref().map_or(root.as_fd(), |d| d.as_fd());
        let st = stat_nofollow(parent, last)?;
        Ok(kind_from_type(FileType::from_raw_mode(st.st_mode)))
    }

    /// Lists everything below the folder `rel` (`.` for the root), recursively, without following
    /// symlinks, sorted by path bytes. Folders are listed too.
    pub fn walk(&self, rel: &str) -> Result<Vec<Entry>, Refusal> {
        let root = self.fd.as_ref().map_err(|r| *r)?;
        let dir = if rel == "." {
            None
        } else {
            open_folders(root.as_fd(), rel.split('/'))?
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
        let mut out = Vec::new();
        walk_into(start, &prefix, 0, &mut out)?;
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }
}

fn walk_into(
    dir: OwnedFd,
    prefix: &[u8],
    depth: usize,
    out: &mut Vec<Entry>,
) -> Result<(), Refusal> {
    if depth > MAX_WALK_DEPTH {
        return Err(Refusal::Io(io::ErrorKind::Other));
    }
    let mut listing = Dir::read_from(&dir).map_err(|e| Refusal::Io(io::Error::from(e).kind()))?;
    let mut children = Vec::new();
    while let Some(entry) = listing.read() {
        let entry = entry.map_err(|e| Refusal::Io(io::Error::from(e).kind()))?;
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        let kind = match entry.file_type() {
            FileType::Unknown => {
                let st = rustix::fs::statat(&dir, entry.file_name(), AtFlags::SYMLINK_NOFOLLOW)
                    .map_err(|e| Refusal::Io(io::Error::from(e).kind()))?;
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
    for (name, entry) in children {
        if entry.kind == EntryKind::Folder {
            let sub = rustix::fs::openat(
                &dir,
                name.as_c_str(),
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(|e| refusal_from_errno(e, false))?;
            let path = entry.path.clone();
            out.push(entry);
            walk_into(sub, &path, depth + 1, out)?;
        } else {
            out.push(entry);
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
            Refusal::Missing {
                unicode_twin: has_unicode_twin(parent, name),
            }
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
        _ => Err(Refusal::Missing {
            unicode_twin: false,
        }),
    }
}

fn refusal_from_errno(e: rustix::io::Errno, final_component: bool) -> Refusal {
    use rustix::io::Errno;
    if e == Errno::NOENT {
        Refusal::Missing {
            unicode_twin: false,
        }
    } else if e == Errno::LOOP || e == Errno::NOTDIR || (final_component && e == Errno::NXIO) {
        Refusal::NotRegular
    } else {
        Refusal::Io(io::Error::from(e).kind())
    }
}

/// True when `parent` holds an entry whose name equals `name` after NFC/NFD and case folding.
/// Best effort: a folder that cannot be listed has no twin.
fn has_unicode_twin(parent: BorrowedFd<'_>, name: &str) -> bool {
    let Ok(mut listing) = Dir::read_from(parent) else {
        return false;
    };
    while let Some(Ok(entry)) = listing.read() {
        if let Ok(other) = std::str::from_utf8(entry.file_name().to_bytes())
            && names::are_twins(other, name)
        {
            return true;
        }
    }
    false
}
