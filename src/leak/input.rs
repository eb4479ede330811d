//! What `sealprobe scan` reads: files, folders (recursively, in sorted order, symlinks not
//! followed) and standard input. Each input is opened like a small file ([`crate::small_file`]),
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

/// Lists the inputs named on the command line; none means standard input.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<Input>, InputError> {
    if paths.is_empty() {
        return Ok(vec![stdin()]);
    }
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(stdin());
        } else {
            walk(p, &mut out, 0)?;
        }
    }
    Ok(out)
}

fn stdin() -> Input {
    Input {
        name: b"-".to_vec(),
        path: None,
    }
}

fn walk(path: &Path, out: &mut Vec<Input>, depth: usize) -> Result<(), InputError> {
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
        out.push(Input {
            name,
            path: Some(path.to_path_buf()),
        });
    }
    Ok(())
}
