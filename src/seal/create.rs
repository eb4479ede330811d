//! `sealprobe seal`: read a tree and build the seal that describes it.
//!
//! Sealing refuses everything `verify` would refuse or could not check: symlinks, special
//! files, names that are not valid seal paths, and names that collide after NFC and case folding.
//! So `seal` never writes a seal that `verify` would reject on an unchanged tree.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

use rayon::prelude::*;

use super::hashing::{self, READ_BUFFER};
use super::model::{Artifact, CompleteFolder, ModelProblem, Seal};
use super::path::SealPath;
use crate::beneath::{EntryKind, Refusal, Root};
use crate::escape;

/// What to seal.
#[derive(Debug, Clone)]
pub struct SealRequest<'a> {
    pub root: &'a Path,
    /// Files and folders to seal, relative to the root (`.` for all of it).
    pub paths: Vec<String>,
    /// Folders that must hold nothing unsealed; they are sealed whole.
    pub complete: Vec<String>,
}

/// Why a name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    Symlink,
    Special,
    /// Not a valid seal path: not UTF-8, backslash, control or bidi characters.
    BadName,
    NotAFolder,
    Missing,
    Unreadable,
}

/// Why sealing failed. Paths are raw bytes, rendered escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateError {
    /// The root folder cannot be opened.
    Root,
    /// A name that cannot be sealed.
    Refused { path: Vec<u8>, why: Why },
    /// Two names equal after NFC and case folding.
    Collision { first: Vec<u8>, second: Vec<u8> },
    /// Nothing to seal.
    Empty,
}

impl fmt::Display for CreateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CreateError::Root => write!(f, "the root folder cannot be opened"),
            CreateError::Refused { path, why } => {
                let reason = match why {
                    Why::Symlink => "it is a symlink (sealprobe never follows symlinks)",
                    Why::Special => "it is not a regular file or folder",
                    Why::BadName => {
                        "its name is not a valid seal path (UTF-8, no backslash, control or bidi characters)"
                    }
                    Why::NotAFolder => "a --complete folder must be a folder",
                    Why::Missing => "it does not exist",
                    Why::Unreadable => "it cannot be read",
                };
                write!(f, "refusing to seal {}: {reason}", escape::name(path))
            }
            CreateError::Collision { first, second } => write!(
                f,
                "refusing to seal {} and {}: the names are equal after NFC and case folding",
                escape::name(first),
                escape::name(second)
            ),
            CreateError::Empty => write!(f, "nothing to seal"),
        }
    }
}

impl std::error::Error for CreateError {}

/// Seals the request. Deterministic: the same tree gives the same seal.
pub fn create(req: &SealRequest<'_>) -> Result<Seal, CreateError> {
    let root = Root::open(req.root);
    if root.refusal().is_some() {
        return Err(CreateError::Root);
    }
    let mut complete = Vec::new();
    for c in &req.complete {
        let name = argument(c)?;
        match root.kind_of(&name) {
            Ok(EntryKind::Folder) => {}
            Ok(_) => return Err(refused(&name, Why::NotAFolder)),
            Err(r) => return Err(refused(&name, why_of(r))),
        }
        complete.push(CompleteFolder::parse(&name).ok_or_else(|| refused(&name, Why::BadName))?);
    }
    let mut files: BTreeSet<Vec<u8>> = BTreeSet::new();
    for p in req.paths.iter().chain(&req.complete) {
        let name = argument(p)?;
        match root.kind_of(&name).map_err(|r| refused(&name, why_of(r)))? {
            EntryKind::File => {
                files.insert(name.into_bytes());
            }
            EntryKind::Folder => {
                let walk = root.walk(&name).map_err(|r| refused(&name, why_of(r)))?;
                if let Some((path, r)) = walk.refused.into_iter().next() {
                    return Err(refused_bytes(path, why_of(r)));
                }
                for e in walk.entries {
                    match e.kind {
                        EntryKind::File => {
                            files.insert(e.path);
                        }
                        EntryKind::Folder => {}
                        EntryKind::Symlink => return Err(refused_bytes(e.path, Why::Symlink)),
                        EntryKind::Special => return Err(refused_bytes(e.path, Why::Special)),
                    }
                }
            }
            EntryKind::Symlink => return Err(refused(&name, Why::Symlink)),
            EntryKind::Special => return Err(refused(&name, Why::Special)),
        }
    }
    let paths: Vec<SealPath> = files
        .into_iter()
        .map(|raw| {
            std::str::from_utf8(&raw)
                .ok()
                .and_then(|s| SealPath::parse(s).ok())
                .ok_or(CreateError::Refused {
                    path: raw.clone(),
                    why: Why::BadName,
                })
        })
        .collect::<Result<_, _>>()?;
    let artifacts: Vec<Artifact> = paths
        .into_par_iter()
        .map_init(
            || vec![0u8; READ_BUFFER],
            |buf, path| read_artifact(&root, path, buf),
        )
        .collect::<Result<_, _>>()?;
    Seal::new(artifacts, complete).map_err(|p| match p {
        ModelProblem::Duplicate(a) => refused(a.as_str(), Why::BadName),
        ModelProblem::Collision(a, b) => CreateError::Collision {
            first: a.as_str().as_bytes().to_vec(),
            second: b.as_str().as_bytes().to_vec(),
        },
        ModelProblem::Empty => CreateError::Empty,
    })
}

fn read_artifact(root: &Root, path: SealPath, buf: &mut [u8]) -> Result<Artifact, CreateError> {
    let mut file = root
        .open_file(path.as_str())
        .map_err(|r| refused(path.as_str(), why_of(r)))?;
    let fp = hashing::fingerprint_bounded(&mut file, u64::MAX, buf)
        .ok()
        .flatten()
        .ok_or_else(|| refused(path.as_str(), Why::Unreadable))?;
    Ok(fp.into_artifact(path))
}

/// Normalizes a path argument: `.` stays, a trailing `/` is dropped, the rest must be a seal path.
fn argument(arg: &str) -> Result<String, CreateError> {
    let trimmed = if arg == "." {
        arg
    } else {
        arg.trim_end_matches('/')
    };
    if trimmed == "." || SealPath::parse(trimmed).is_ok() {
        Ok(trimmed.to_owned())
    } else {
        Err(refused(arg, Why::BadName))
    }
}

fn refused(path: &str, why: Why) -> CreateError {
    refused_bytes(path.as_bytes().to_vec(), why)
}

fn refused_bytes(path: Vec<u8>, why: Why) -> CreateError {
    CreateError::Refused { path, why }
}

fn why_of(r: Refusal) -> Why {
    match r {
        Refusal::Missing { .. } => Why::Missing,
        Refusal::NotRegular => Why::Symlink,
        Refusal::Io(_) => Why::Unreadable,
    }
}
