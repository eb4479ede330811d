//! The one bounded reader for small input files: a seal, a packet, a key, a secrets or a rules
//! file (SPEC 6.1).
//!
//! A small file is read whole, so it must be bounded and must never hang the validator:
//!
//! - the path is examined before it is opened (following symlinks: the user named it), so a
//!   folder, a device (`/dev/zero`, a terminal) or a socket is refused without being opened;
//! - it is opened with `O_NONBLOCK | O_NOCTTY`, so opening a FIFO never waits for a writer, and
//!   the type is checked again on the open handle (a file swapped for a device in between is
//!   refused too);
//! - at most `limit + 1` bytes are read: one more than the limit says "too large" without reading
//!   an endless file; a regular file whose handle reports more than the limit is refused before
//!   a byte is read (a seal padded to 256 MiB costs nothing to refuse);
//! - a FIFO or pipe that ends before its first byte is refused as having no writer: a FIFO that
//!   nobody writes to fails at once instead of blocking, while a pipe with a live writer
//!   (`<(command)`, standard input) is waited on and read to its end.
//!
//! Errors name what is wrong with the file, never its bytes; the caller says which file it was.

use std::io::{self, Read as _};
use std::os::fd::{AsFd, BorrowedFd};
use std::path::{Path, PathBuf};

use rustix::event::{PollFd, PollFlags};
use rustix::fs::{FileType, Mode, OFlags};
use rustix::io::Errno;

use crate::token::key::{Key, KeyError, MAX_KEY};

/// The size limit of a small file when its kind sets none (16 MiB).
pub const DEFAULT_LIMIT: usize = 16 * 1024 * 1024;

/// Where a small file comes from: a path, or standard input (`-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Path(PathBuf),
    Stdin,
}

impl Source {
    /// `-` is standard input; anything else a path.
    pub fn from_arg(arg: &Path) -> Source {
        if arg.as_os_str() == "-" {
            Source::Stdin
        } else {
            Source::Path(arg.to_path_buf())
        }
    }
}

/// Why a small file was refused. Never holds its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SmallFileError {
    #[error("does not exist")]
    Missing,
    #[error("cannot be opened (permission denied)")]
    Denied,
    #[error("is a folder, not a file")]
    Folder,
    #[error("is a device, not a file")]
    Device,
    #[error("is a socket, not a file")]
    Socket,
    #[error("is a FIFO or pipe with no writer (nothing was written to it)")]
    NoWriter,
    #[error("is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("cannot be read (I/O error)")]
    Io,
}

fn from_errno(e: Errno) -> SmallFileError {
    if e == Errno::NOENT || e == Errno::NOTDIR {
        SmallFileError::Missing
    } else if e == Errno::ACCESS || e == Errno::PERM {
        SmallFileError::Denied
    } else if e == Errno::ISDIR {
        SmallFileError::Folder
    } else if e == Errno::NXIO {
        SmallFileError::NoWriter
    } else {
        SmallFileError::Io
    }
}

/// What may be read: a regular file, or a FIFO / pipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Readable {
    Regular,
    Pipe,
}

fn readable(mode: u32) -> Result<Readable, SmallFileError> {
    match FileType::from_raw_mode(mode) {
        FileType::RegularFile => Ok(Readable::Regular),
        FileType::Fifo => Ok(Readable::Pipe),
        FileType::Directory => Err(SmallFileError::Folder),
        FileType::Socket => Err(SmallFileError::Socket),
        FileType::CharacterDevice | FileType::BlockDevice => Err(SmallFileError::Device),
        // A symlink cannot be seen through `stat`/`fstat`; anything else is not a file.
        _ => Err(SmallFileError::Device),
    }
}

enum Handle {
    File(std::fs::File),
    Stdin,
}

impl Handle {
    fn fd(&self) -> BorrowedFd<'_> {
        match self {
            Handle::File(f) => f.as_fd(),
            Handle::Stdin => rustix::stdio::stdin(),
        }
    }
}

/// An opened small file, type-checked on its handle.
pub struct SmallFile {
    handle: Handle,
    kind: Readable,
    mode: u32,
    /// The size the handle reports (a hint for the buffer; what is read is what counts).
    size: u64,
}

/// Opens `source` without blocking, refusing anything that is not a regular file or a pipe.
pub fn open(source: &Source) -> Result<SmallFile, SmallFileError> {
    let handle = match source {
        Source::Stdin => Handle::Stdin,
        Source::Path(path) => {
            let st = rustix::fs::stat(path).map_err(from_errno)?;
            readable(st.st_mode)?;
            let fd = rustix::fs::open(
                path,
                OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(from_errno)?;
            Handle::File(std::fs::File::from(fd))
        }
    };
    let st = rustix::fs::fstat(handle.fd()).map_err(from_errno)?;
    let kind = readable(st.st_mode)?;
    Ok(SmallFile {
        handle,
        kind,
        mode: st.st_mode,
        size: u64::try_from(st.st_size).unwrap_or(0),
    })
}

/// Opens and reads `source`, at most `limit` bytes.
pub fn read(source: &Source, limit: usize) -> Result<Vec<u8>, SmallFileError> {
    open(source)?.read(limit)
}

impl SmallFile {
    /// The permission bits (`st_mode & 0o7777`) of the open handle.
    pub fn permissions(&self) -> u32 {
        self.mode & 0o7777
    }

    /// Reads to the end, refusing more than `limit` bytes (at most `limit + 1` are read).
    pub fn read(self, limit: usize) -> Result<Vec<u8>, SmallFileError> {
        if self.kind == Readable::Regular && self.size > u64::try_from(limit).unwrap_or(u64::MAX) {
            return Err(SmallFileError::TooLarge { limit });
        }
        let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
        // A regular file says how large it is: read it into one buffer of that size (plus the
        // byte that tells whether it grew), never more than the cap.
        let hint = self.size.saturating_add(1).min(cap);
        let mut out: Vec<u8> = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
        loop {
            let left = cap.saturating_sub(out.len() as u64);
            if left == 0 {
                return Err(SmallFileError::TooLarge { limit });
            }
            // `read_to_end` keeps what it read before an error, and retries on EINTR itself.
            let got = match &self.handle {
                Handle::File(f) => f.take(left).read_to_end(&mut out),
                Handle::Stdin => std::io::stdin().lock().take(left).read_to_end(&mut out),
            };
            match got {
                Ok(_) => break,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => wait_readable(self.handle.fd())?,
                Err(_) => return Err(SmallFileError::Io),
            }
        }
        if out.len() > limit {
            return Err(SmallFileError::TooLarge { limit });
        }
        if out.is_empty() && self.kind == Readable::Pipe {
            return Err(SmallFileError::NoWriter);
        }
        Ok(out)
    }
}

/// A named input read to its end in pieces, of any size (the leak scanner's inputs): opened and
/// type-checked like a small file, with no limit. A named FIFO that ends before its first byte
/// is refused as having no writer, as [`SmallFile::read`] refuses it. Standard input that is a
/// pipe and ends at once is an empty input: `grep … | sealprobe scan` may rightly scan nothing,
/// and its writer did exist (the shell made the pipe for it).
pub struct Stream {
    file: SmallFile,
    read_any: bool,
}

impl SmallFile {
    /// This file as a stream of any length.
    pub fn into_stream(self) -> Stream {
        Stream {
            file: self,
            read_any: false,
        }
    }

    /// The size the open handle reports: a regular file's length, 0 for a pipe.
    pub fn size_hint(&self) -> u64 {
        if self.kind == Readable::Regular {
            self.size
        } else {
            0
        }
    }
}

impl io::Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let got = match &self.file.handle {
                Handle::File(f) => (&mut &*f).read(buf),
                Handle::Stdin => std::io::stdin().lock().read(buf),
            };
            match got {
                Ok(0)
                    if !buf.is_empty()
                        && !self.read_any
                        && self.file.kind == Readable::Pipe
                        && matches!(self.file.handle, Handle::File(_)) =>
                {
                    return Err(SmallFileError::NoWriter.into());
                }
                Ok(n) => {
                    self.read_any |= n > 0;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    wait_readable(self.file.handle.fd())?;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Err(SmallFileError::Io.into()),
            }
        }
    }
}

/// Waits until a pipe with a live writer has bytes or is closed.
fn wait_readable(fd: BorrowedFd<'_>) -> Result<(), SmallFileError> {
    let mut fds = [PollFd::new(&fd, PollFlags::IN)];
    loop {
        match rustix::event::poll(&mut fds, None) {
            Ok(_) => return Ok(()),
            Err(e) if e == Errno::INTR => {}
            Err(e) => return Err(from_errno(e)),
        }
    }
}

/// Why a key file was refused: the file itself, or the key rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyFileError {
    #[error("the key file {0}")]
    File(SmallFileError),
    #[error("the key file {0}")]
    Key(KeyError),
}

/// Reads a key file: the mode is checked on the open handle before a byte is read, then at most
/// [`MAX_KEY`] bytes are read.
pub fn read_key(source: &Source) -> Result<Key, KeyFileError> {
    let file = open(source).map_err(KeyFileError::File)?;
    Key::check_permissions(file.permissions()).map_err(KeyFileError::Key)?;
    let bytes = file.read(MAX_KEY).map_err(|e| match e {
        SmallFileError::TooLarge { .. } => KeyFileError::Key(KeyError::TooLong),
        e => KeyFileError::File(e),
    })?;
    Key::from_bytes(bytes).map_err(KeyFileError::Key)
}

impl From<SmallFileError> for io::Error {
    fn from(e: SmallFileError) -> io::Error {
        io::Error::other(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &Path) -> Source {
        Source::Path(p.to_path_buf())
    }

    #[test]
    fn a_regular_file_is_read_up_to_its_limit() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        std::fs::write(&f, b"12345").unwrap();
        assert_eq!(read(&path(&f), 5).unwrap(), b"12345");
        assert_eq!(
            read(&path(&f), 4),
            Err(SmallFileError::TooLarge { limit: 4 })
        );
        std::fs::write(&f, b"").unwrap();
        assert_eq!(read(&path(&f), 4).unwrap(), b"");
    }

    #[test]
    fn folders_devices_and_missing_files_are_refused_without_reading() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(&path(dir.path()), 10), Err(SmallFileError::Folder));
        assert_eq!(
            read(&path(Path::new("/dev/zero")), 10),
            Err(SmallFileError::Device)
        );
        assert_eq!(
            read(&path(Path::new("/dev/null")), 10),
            Err(SmallFileError::Device)
        );
        assert_eq!(
            read(&path(&dir.path().join("nope")), 10),
            Err(SmallFileError::Missing)
        );
    }

    #[test]
    fn a_fifo_without_a_writer_fails_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            FileType::Fifo,
            Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        assert_eq!(read(&path(&fifo), 10), Err(SmallFileError::NoWriter));
    }

    #[test]
    fn a_pipe_with_a_slow_writer_is_waited_on() {
        use std::os::fd::AsRawFd;
        // The child holds the write end from the moment it is spawned, then writes late, in
        // two steps, as `<(command)` would.
        let mut child = std::process::Command::new("sh")
            .args(["-c", "sleep 0.2; printf 'hello '; sleep 0.2; printf world"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let pipe = child.stdout.take().unwrap();
        let by_path = PathBuf::from(format!("/dev/fd/{}", pipe.as_raw_fd()));
        assert_eq!(read(&path(&by_path), 100).unwrap(), b"hello world");
        child.wait().unwrap();
    }
}
