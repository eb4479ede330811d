//! What `sealprobe scan` reads: files, folders (recursively, in sorted order, symlinks not
//! followed; every entry below a folder that is not a regular file or folder is listed as not
//! read) and standard input. Each input is opened like a small file ([`crate::small_file`]),
//! without a size limit, and read as a stream ([`super::stream`]): a FIFO without a writer, a
//! device or a socket is refused at once instead of hanging the scan or reading without end,
//! and an input of any size is scanned in flat memory.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use crate::escape;
use crate::small_file::{self, Source};

/// One input to scan.
#[derive(Debug, Clone)]
pub struct Input {
    /// The name shown in findings (raw bytes, escaped when rendered); `-` for standard input.
    pub name: Vec<u8>,
    path: Option<PathBuf>,
}

/// Why inputs could not be listed or read. Names the path, escaped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the input {0}")]
pub struct InputError(String);

impl Input {
    /// Opens the input for reading, with the size its handle reports (0 when unknown: a pipe,
    /// standard input).
    pub fn open(&self) -> Result<(small_file::Stream, u64), InputError> {
        let source = match &self.path {
            Some(p) => Source::Path(p.clone()),
            None => Source::Stdin,
        };
        let file = small_file::open(&source).map_err(|e| self.error(e))?;
        let size = file.size_hint();
        Ok((file.into_stream(), size))
    }

    /// The size of a named regular file, 0 for anything else (for the progress bar only).
    pub fn size_on_disk(&self) -> u64 {
        self.path
            .as_ref()
            .and_then(|p| std::fs::metadata(p).ok())
            .filter(std::fs::Metadata::is_file)
            .map_or(0, |m| m.len())
    }

    /// Why this input could not be read, from the error a read returned.
    pub fn error(&self, e: impl std::fmt::Display) -> InputError {
        match &self.path {
            Some(_) => InputError(format!("{} {e}", escape::name(&self.name))),
            None => InputError(format!("- (standard input) {e}")),
        }
    }
}

/// An entry below a folder that the scan did not read, and what it is (SPEC 6.2: nothing is
/// skipped silently).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotRead {
    /// Raw path bytes (escaped when rendered).
    pub name: Vec<u8>,
    /// `symlink`, `fifo`, `socket`, `device` or `other`.
    pub kind: &'static str,
}

/// What a scan reads, and what it found below folders and did not read.
#[derive(Debug, Clone, Default)]
pub struct Listed {
    pub inputs: Vec<Input>,
    pub not_read: Vec<NotRead>,
}

/// Lists the inputs named on the command line; none means standard input.
pub fn collect(paths: &[PathBuf]) -> Result<Listed, InputError> {
    let mut listed = Listed::default();
    if paths.is_empty() {
        listed.inputs.push(stdin());
        return Ok(listed);
    }
    for p in paths {
        if p.as_os_str() == "-" {
            listed.inputs.push(stdin());
        } else {
            walk(p, &mut listed, 0)?;
        }
    }
    Ok(listed)
}

/// What a file type is called in a report.
fn kind_of(t: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    if t.is_symlink() {
        "symlink"
    } else if t.is_fifo() {
        "fifo"
    } else if t.is_socket() {
        "socket"
    } else if t.is_block_device() || t.is_char_device() {
        "device"
    } else {
        "other"
    }
}

fn stdin() -> Input {
    Input {
        name: b"-".to_vec(),
        path: None,
    }
}

fn walk(path: &Path, out: &mut Listed, depth: usize) -> Result<(), InputError> {
    let name = path.as_os_str().as_bytes().to_vec();
    let err = || InputError(format!("{} cannot be read", escape::name(&name)));
    let meta = std::fs::symlink_metadata(path).map_err(|_| err())?;
    if meta.is_dir() {
        if depth > 256 {
            return Err(err());
        }
        let mut children: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|_| err())?
            .map(|e| e.map(|e| e.path()).map_err(|_| err()))
            .collect::<Result<_, _>>()?;
        children.sort_by(|a, b| a.as_os_str().as_bytes().cmp(b.as_os_str().as_bytes()));
        for child in children {
            walk(&child, out, depth + 1)?;
        }
    } else if meta.is_file() || depth == 0 {
        // A named path is read whatever it is (a FIFO from a shell, say); inside folders only
        // regular files are, so a symlink cannot lead the scan out of the folder.
        out.inputs.push(Input {
            name,
            path: Some(path.to_path_buf()),
        });
    } else {
        // Below a folder, anything else is listed as not read, never skipped silently.
        out.not_read.push(NotRead {
            name,
            kind: kind_of(meta.file_type()),
        });
    }
    Ok(())
}
