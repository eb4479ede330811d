//! A case on disk (SPEC 7.4): `root/` holds the tree; `seal.json`, `packet.json`, `key` and
//! `SHA256SUMS` stand beside it, never inside it, so a validator that walks the root never meets
//! its own inputs.
//!
//! The writers make exactly what a hostile case needs, as such: files with any bytes and any name
//! (names need not be UTF-8), folders, symlinks (dangling, looping, pointing out of the root),
//! FIFOs, sparse files of any apparent size, the canonical file form of a packet, and a key file
//! created with mode 0600 from the start. Tests, the fuzz bodies and the probe families all build
//! their trees here, so there is one way to lay a case out.
//!
//! Paths given to the writers are relative to `root/`, `/`-separated; they are joined as they
//! are (the caller is building hostile trees on purpose, and the workspace is its own folder).

use std::ffi::OsStr;
use std::fs;
use std::io::{self, Write as _};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::strict_json::Node;
use crate::strict_json::canonical::file_form;

/// The file names beside `root/`.
pub const SEAL: &str = "seal.json";
pub const PACKET: &str = "packet.json";
pub const KEY: &str = "key";
pub const SUMS: &str = "SHA256SUMS";
pub const ROOT: &str = "root";
/// Honest copies of the sealed files, beside `root/` (SPEC 7.1).
pub const OUTSIDE: &str = "outside";
/// The case file of the folder form (`sealprobe-case/1`).
pub const CASE: &str = "case.json";

/// One case's folder: `root/` and the inputs beside it.
#[derive(Debug)]
pub struct Workspace {
    base: PathBuf,
    /// `root` when the case is run; `tree` in the static case form (`probes/`, `probes emit`).
    root_name: &'static str,
    /// Removes the folder when the workspace is dropped (temporary workspaces only).
    _temp: Option<tempfile::TempDir>,
}

impl Workspace {
    /// A workspace in a new temporary folder, removed when dropped.
    pub fn temporary() -> io::Result<Workspace> {
        Workspace::temporary_in(&std::env::temp_dir())
    }

    /// A workspace in a new temporary folder below `parent`, removed when dropped.
    pub fn temporary_in(parent: &Path) -> io::Result<Workspace> {
        let temp = tempfile::Builder::new()
            .prefix("sealprobe-case-")
            .tempdir_in(parent)?;
        let ws = Workspace {
            base: temp.path().to_path_buf(),
            root_name: ROOT,
            _temp: Some(temp),
        };
        fs::create_dir(ws.root())?;
        Ok(ws)
    }

    /// A workspace at `base` (created, with `root/`, when missing), kept after use.
    pub fn at(base: &Path) -> io::Result<Workspace> {
        Workspace::at_with_root(base, ROOT)
    }

    fn at_with_root(base: &Path, root_name: &'static str) -> io::Result<Workspace> {
        fs::create_dir_all(base.join(root_name))?;
        Ok(Workspace {
            base: base.to_path_buf(),
            root_name,
            _temp: None,
        })
    }

    /// The folder that holds `root/` and the inputs.
    pub fn base(&self) -> &Path {
        &self.base
    }

    pub fn root(&self) -> PathBuf {
        self.base.join(self.root_name)
    }

    /// `outside/`, beside `root/`.
    pub fn outside(&self) -> PathBuf {
        self.base.join(OUTSIDE)
    }

    pub fn seal_path(&self) -> PathBuf {
        self.base.join(SEAL)
    }

    pub fn packet_path(&self) -> PathBuf {
        self.base.join(PACKET)
    }

    pub fn key_path(&self) -> PathBuf {
        self.base.join(KEY)
    }

    pub fn sums_path(&self) -> PathBuf {
        self.base.join(SUMS)
    }

    /// The path of `rel` (raw bytes, `/`-separated) below `root/`.
    pub fn path(&self, rel: impl AsRef<[u8]>) -> PathBuf {
        self.root().join(OsStr::from_bytes(rel.as_ref()))
    }

    fn parent_of(&self, rel: &[u8]) -> io::Result<PathBuf> {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        Ok(path)
    }

    /// Writes a file below the root (parents created), replacing what stood there. The parents
    /// are made only when the write finds them missing: most writes go to a folder that exists,
    /// and the fuzz targets write thousands of trees a second.
    pub fn file(&self, rel: impl AsRef<[u8]>, bytes: impl AsRef<[u8]>) -> io::Result<PathBuf> {
        let path = self.path(rel);
        match fs::write(&path, bytes.as_ref()) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent)?;
                }
                fs::write(&path, bytes)?;
            }
            other => other?,
        }
        Ok(path)
    }

    /// Writes an honest copy below `outside/` (parents created).
    pub fn outside_file(
        &self,
        rel: impl AsRef<[u8]>,
        bytes: impl AsRef<[u8]>,
    ) -> io::Result<PathBuf> {
        let path = self.outside().join(OsStr::from_bytes(rel.as_ref()));
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, bytes)?;
        Ok(path)
    }

    /// Creates a folder below the root (parents too).
    pub fn folder(&self, rel: impl AsRef<[u8]>) -> io::Result<PathBuf> {
        let path = self.path(rel);
        fs::create_dir_all(&path)?;
        Ok(path)
    }

    /// A symlink below the root pointing at `target` (taken as written: relative, absolute,
    /// dangling or looping).
    pub fn symlink(&self, rel: impl AsRef<[u8]>, target: impl AsRef<Path>) -> io::Result<PathBuf> {
        let path = self.parent_of(rel.as_ref())?;
        std::os::unix::fs::symlink(target, &path)?;
        Ok(path)
    }

    /// A FIFO below the root (nobody writes to it).
    pub fn fifo(&self, rel: impl AsRef<[u8]>) -> io::Result<PathBuf> {
        let path = self.parent_of(rel.as_ref())?;
        make_fifo(&path)?;
        Ok(path)
    }

    /// A sparse file of apparent size `len` below the root: `head` written first, the rest holes.
    pub fn sparse(&self, rel: impl AsRef<[u8]>, head: &[u8], len: u64) -> io::Result<PathBuf> {
        let path = self.parent_of(rel.as_ref())?;
        let mut f = fs::File::create(&path)?;
        f.write_all(head)?;
        f.set_len(len)?;
        Ok(path)
    }

    /// Removes a file, symlink or FIFO below the root.
    pub fn remove(&self, rel: impl AsRef<[u8]>) -> io::Result<()> {
        fs::remove_file(self.path(rel))
    }

    /// Renames an entry below the root (the target's parents are created).
    pub fn rename(&self, from: impl AsRef<[u8]>, to: impl AsRef<[u8]>) -> io::Result<()> {
        let target = self.parent_of(to.as_ref())?;
        fs::rename(self.path(from), target)
    }

    /// Writes `seal.json` as given (hostile seals included).
    pub fn seal(&self, bytes: impl AsRef<[u8]>) -> io::Result<PathBuf> {
        let path = self.seal_path();
        fs::write(&path, bytes)?;
        Ok(path)
    }

    /// Writes `seal.json`: `bytes` with `spaces` spaces inserted at byte `at`, in pieces, so a
    /// seal of hundreds of MiB is never held whole.
    pub fn seal_padded(&self, bytes: &[u8], at: usize, spaces: u64) -> io::Result<PathBuf> {
        use std::io::Write as _;
        let path = self.seal_path();
        let (head, tail) = bytes.split_at(at.min(bytes.len()));
        let mut out = io::BufWriter::new(fs::File::create(&path)?);
        out.write_all(head)?;
        let chunk = vec![b' '; 1 << 20];
        let mut left = spaces;
        while left > 0 {
            let n = usize::try_from(left).unwrap_or(usize::MAX).min(chunk.len());
            out.write_all(&chunk[..n])?;
            left -= n as u64;
        }
        out.write_all(tail)?;
        out.flush()?;
        Ok(path)
    }

    /// Writes `packet.json` as given.
    pub fn packet_bytes(&self, bytes: impl AsRef<[u8]>) -> io::Result<PathBuf> {
        let path = self.packet_path();
        fs::write(&path, bytes)?;
        Ok(path)
    }

    /// Writes `packet.json` in the canonical file form of `packet`.
    pub fn packet(&self, packet: &Node) -> io::Result<PathBuf> {
        self.packet_bytes(file_form(packet))
    }

    /// Writes `key`, created with mode 0600 (never readable by others, not even for a moment).
    pub fn key(&self, bytes: &[u8]) -> io::Result<PathBuf> {
        let path = self.key_path();
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&path)?;
        f.set_permissions(fs::Permissions::from_mode(0o600))?;
        f.write_all(bytes)?;
        Ok(path)
    }

    /// Writes `SHA256SUMS` as given.
    pub fn sums(&self, bytes: impl AsRef<[u8]>) -> io::Result<PathBuf> {
        self.beside(SUMS, bytes)
    }

    /// Writes a record beside `root/` (`file` is a record format's file name).
    pub fn beside(&self, file: &str, bytes: impl AsRef<[u8]>) -> io::Result<PathBuf> {
        let path = self.base.join(file);
        fs::write(&path, bytes)?;
        Ok(path)
    }
}

impl Drop for Workspace {
    /// A temporary workspace is removed, also when a validator took permissions away from
    /// something in it (`chmod 000` on a folder makes `remove_dir_all` fail): permissions are
    /// given back to the owner and the removal is tried once more.
    fn drop(&mut self) {
        if let Some(temp) = self._temp.take() {
            let base = temp.path().to_path_buf();
            if temp.close().is_err() && base.exists() {
                give_back_permissions(&base);
                let _ = fs::remove_dir_all(&base);
            }
        }
    }
}

/// `u+rwx` on every folder below `path` (not following symlinks), so it can be removed.
fn give_back_permissions(path: &Path) {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return;
    };
    if !meta.is_dir() {
        return;
    }
    let mode = meta.permissions().mode() | 0o700;
    let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode));
    if let Ok(entries) = fs::read_dir(path) {
        for entry in entries.flatten() {
            give_back_permissions(&entry.path());
        }
    }
}

/// Makes a FIFO at `path` (mode 0600).
pub fn make_fifo(path: &Path) -> io::Result<()> {
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .map_err(io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_keeps_inputs_beside_the_root() {
        let ws = Workspace::temporary().unwrap();
        ws.file("a/b.txt", b"x").unwrap();
        ws.seal(b"{}").unwrap();
        ws.key(&[1; 32]).unwrap();
        assert!(ws.root().join("a/b.txt").is_file());
        assert_eq!(ws.seal_path().parent(), Some(ws.base()));
        let mode = fs::metadata(ws.key_path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_file_below_missing_folders_makes_them_and_a_rewrite_replaces_it() {
        let ws = Workspace::temporary().unwrap();
        ws.file("d/e/f.txt", b"first, longer").unwrap();
        ws.file("d/e/f.txt", b"second").unwrap();
        ws.file("d/g.txt", b"beside").unwrap();
        assert_eq!(fs::read(ws.path("d/e/f.txt")).unwrap(), b"second");
        assert_eq!(fs::read(ws.path("d/g.txt")).unwrap(), b"beside");
        // A parent that is a file is an error, not a silent replacement.
        assert!(ws.file("d/g.txt/h", b"x").is_err());
    }

    #[test]
    fn special_entries_are_made_as_such() {
        let ws = Workspace::temporary().unwrap();
        ws.fifo("p").unwrap();
        ws.symlink("l", "../outside").unwrap();
        ws.sparse("s", b"head", 1 << 30).unwrap();
        ws.file(b"caf\xe9".as_slice(), b"latin-1 name").unwrap();
        use std::os::unix::fs::FileTypeExt;
        assert!(
            fs::symlink_metadata(ws.path("p"))
                .unwrap()
                .file_type()
                .is_fifo()
        );
        assert!(
            fs::symlink_metadata(ws.path("l"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::metadata(ws.path("s")).unwrap().len(), 1 << 30);
        assert!(ws.path(b"caf\xe9".as_slice()).is_file());
    }
}
