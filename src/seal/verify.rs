//! `sealprobe verify`: check every sealed artifact against the bytes under a root.
//!
//! Fast path: open each artifact below the root (never following a symlink), hash at most
//! `bytes + 1` bytes, compare length and SHA-256. Artifacts are checked in parallel (rayon, one
//! reused buffer per worker). Only an artifact that fails is read again for diagnosis, bounded by
//! twice its sealed length plus 64 KiB. Then every `complete` folder is listed and each entry the
//! seal does not name is reported `unsealed`. The verdict is pass only when nothing was found.

use std::collections::HashSet;
use std::path::Path;

use rayon::prelude::*;

use super::drift::{self, Drift};
use super::error::{SealError, SealErrorClass};
use super::hashing::{self, READ_BUFFER};
use super::listing::{Listed, Listing, Record};
use super::model::{Artifact, CompleteFolder, SEAL_SIZE_LIMIT, Seal};
use crate::beneath::{EntryKind, FolderCache, Refusal, Root};
use crate::token::key::Key;

/// Extra bytes diagnosis may read beyond twice the sealed length.
pub const DIAGNOSIS_SLACK: u64 = 64 * 1024;

/// One thing that is wrong under the root. `path` holds raw bytes (names found on disk need not
/// be UTF-8); the report escapes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub path: Vec<u8>,
    pub drift: Vec<Drift>,
    pub expected_bytes: Option<u64>,
    pub actual_bytes: Option<u64>,
    pub sha256_match: bool,
    /// For `path-unicode`: the path of the entry whose name is equal after NFC/NFD or case
    /// folding to the first missing component of `path` (that component's twin, not a file
    /// that was checked).
    pub found: Option<Vec<u8>>,
    /// What `path` is: a sealed artifact, an entry the seal does not list, or a complete folder
    /// (or a part of one) that could not be listed.
    pub subject: Subject,
}

/// What a finding is about. The report counts each kind apart: a complete folder that is gone
/// is neither a drifted artifact nor an unsealed entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A sealed artifact (`expected_bytes` is its sealed length).
    Artifact,
    /// An entry below a complete folder that the seal does not list (`unsealed`).
    Unsealed,
    /// A folder named in `complete` that is missing, not a folder, or cannot be listed.
    CompleteFolder,
    /// A folder below a complete folder that cannot be listed (`unreadable`).
    FolderPart,
}

/// Counts for the report's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub artifacts: u64,
    pub passed: u64,
    pub failed: u64,
    pub bytes_hashed: u64,
}

/// The result of a verification. `pass` is derived, never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The record that was read: the seal, or a record of another format (`--sums`, `--bsd`).
    pub record: Record,
    pub seal_error: Option<SealError>,
    pub authenticated: bool,
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.seal_error.is_none() && self.findings.is_empty()
    }

    /// The outcome for a bad (or unreadable) seal: nothing was checked.
    pub fn seal_error(e: SealError) -> Outcome {
        Outcome {
            record: Record::Seal,
            seal_error: Some(e),
            authenticated: false,
            findings: Vec::new(),
            summary: Summary::default(),
        }
    }
}

/// Options of a verification.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Largest seal file accepted (`seal-size` beyond).
    pub seal_size_limit: usize,
    /// When set, the seal must carry a MAC that verifies with this key (`seal-mac` otherwise).
    pub key: Option<Key>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            seal_size_limit: SEAL_SIZE_LIMIT,
            key: None,
        }
    }
}

/// Verifies the tree under `root` against the seal document `doc`.
pub fn verify_bytes(doc: &[u8], root: &Path, opts: &VerifyOptions) -> Outcome {
    let seal = match Seal::load(doc, opts.seal_size_limit) {
        Ok(seal) => seal,
        Err(e) => return Outcome::seal_error(e),
    };
    let authenticated = match &opts.key {
        Some(key) if seal.mac_verifies(key) => true,
        Some(_) => return Outcome::seal_error(SealError::unpositioned(SealErrorClass::Mac)),
        None => false,
    };
    Outcome {
        authenticated,
        ..verify_seal(&seal, root)
    }
}

/// Verifies the tree under `root` against a loaded seal.
pub fn verify_seal(seal: &Seal, root: &Path) -> Outcome {
    verify_all(
        Record::Seal,
        seal.artifacts(),
        |a| a.path.as_str().as_bytes(),
        seal.complete(),
        root,
        check_artifact,
    )
}

/// Verifies the tree under `root` against a record of another format (`--sums`, `--bsd`,
/// `--hashdeep`): the same reading rules as for a seal (below a handle on the root, no symlink
/// followed, devices never opened), each file hashed up to its listed length plus one byte, or
/// its length on the open handle plus one when the record gives none. Such a record holds no
/// fingerprint to diagnose by, so a file with other bytes is `content`.
///
/// A record that gives the length of all files together (a bag's `Payload-Oxum`) bounds each
/// file's read by it, and once every file matched, their lengths must add up to it: a total
/// that does not is the record's fault (`seal-schema`), as a tag file that lies.
pub fn verify_listing(record: Record, listing: &Listing, root: &Path) -> Outcome {
    let outcome = verify_all(
        record,
        &listing.files,
        |f| f.path.as_str().as_bytes(),
        &listing.complete,
        root,
        |root, listed, buf, folders| check_listed(root, listed, listing.total, buf, folders),
    );
    match listing.total {
        Some(total) if outcome.passed() && outcome.summary.bytes_hashed != total => Outcome {
            seal_error: Some(SealError::unpositioned(SealErrorClass::Schema)),
            ..outcome
        },
        _ => outcome,
    }
}

/// Checks every item of a record in parallel (rayon, one reused buffer and folder cache per
/// worker), then lists every complete folder for entries the record does not name.
fn verify_all<T: Sync>(
    record: Record,
    items: &[T],
    path: impl Fn(&T) -> &[u8],
    complete: &[CompleteFolder],
    root: &Path,
    check: impl Fn(&Root, &T, &mut [u8], &mut FolderCache) -> (Option<Finding>, u64) + Sync,
) -> Outcome {
    let root = Root::open(root);
    let checked: Vec<(Option<Finding>, u64)> = items
        .par_iter()
        .map_init(
            || (vec![0u8; READ_BUFFER], FolderCache::default()),
            |(buf, folders), item| check(&root, item, buf, folders),
        )
        .collect();
    let mut summary = Summary {
        artifacts: items.len() as u64,
        ..Summary::default()
    };
    let mut findings = Vec::new();
    for (finding, hashed) in checked {
        summary.bytes_hashed += hashed;
        match finding {
            Some(f) => {
                summary.failed += 1;
                findings.push(f);
            }
            None => summary.passed += 1,
        }
    }
    let named = items.iter().map(path).collect();
    findings.extend(unsealed_entries(named, complete, &root));
    Outcome {
        record,
        seal_error: None,
        authenticated: false,
        findings,
        summary,
    }
}

/// Checks one file of a listing; returns its finding (if it fails) and the bytes hashed for it.
/// `total`, when the record gives one, bounds the read of a file it gives no length of.
fn check_listed(
    root: &Root,
    listed: &Listed,
    total: Option<u64>,
    buf: &mut [u8],
    folders: &mut FolderCache,
) -> (Option<Finding>, u64) {
    let h = match open_and_hash(root, &listed.path, listed.bytes, total, buf, folders) {
        Ok(h) => h,
        Err(f) => return (Some(f), 0),
    };
    let sha256_match = h.hashed.sha256 == listed.sha256;
    if h.hashed.eof && sha256_match && listed.bytes.is_none_or(|b| b == h.hashed.read) {
        return (None, h.hashed.read);
    }
    let read = h.hashed.read;
    (Some(h.drifted(vec![Drift::Content], sha256_match)), read)
}

/// Checks one artifact; returns its finding (if it fails) and the bytes hashed for it.
fn check_artifact(
    root: &Root,
    artifact: &Artifact,
    buf: &mut [u8],
    folders: &mut FolderCache,
) -> (Option<Finding>, u64) {
    let h = match open_and_hash(
        root,
        &artifact.path,
        Some(artifact.bytes),
        None,
        buf,
        folders,
    ) {
        Ok(h) => h,
        Err(f) => return (Some(f), 0),
    };
    let sha256_match = h.hashed.sha256 == artifact.sha256;
    if h.hashed.read == artifact.bytes && h.hashed.eof && sha256_match {
        return (None, h.hashed.read);
    }
    let read = h.hashed.read;
    let drift = diagnose_file(root, artifact, buf);
    (Some(h.drifted(drift, sha256_match)), read)
}

/// A file of a record, opened below the root and hashed up to its recorded length plus one byte.
struct Hashed {
    hashed: hashing::BoundedHash,
    /// What the report says was found: the bytes read, or when reading stopped early (an endless
    /// or sparse file) the larger of that and the length the open handle reports.
    actual: u64,
    /// The finding of this file, with no drift yet.
    finding: Finding,
}

impl Hashed {
    /// The finding of a file that drifted: its classes, the length found, and whether its bytes
    /// were all hashed and still have the recorded digest (a length-only change).
    fn drifted(self, drift: Vec<Drift>, sha256_match: bool) -> Finding {
        Finding {
            drift,
            actual_bytes: Some(self.actual),
            sha256_match: sha256_match && self.hashed.eof,
            ..self.finding
        }
    }
}

/// Opens `path` below the root (never following a symlink, never opening a device) and hashes at
/// most `bytes + 1` bytes of it; with no recorded length, `bound` (a record's total), else the
/// open handle's length, is the bound (a file that is longer by the time it is read, or says 0
/// like a file of /proc, fails). A file that cannot be opened or read is its finding.
fn open_and_hash(
    root: &Root,
    path: &super::path::SealPath,
    bytes: Option<u64>,
    bound: Option<u64>,
    buf: &mut [u8],
    folders: &mut FolderCache,
) -> Result<Hashed, Finding> {
    let finding = |drift: Vec<Drift>| Finding {
        path: path.as_str().as_bytes().to_vec(),
        drift,
        expected_bytes: bytes,
        actual_bytes: None,
        sha256_match: false,
        found: None,
        subject: Subject::Artifact,
    };
    let mut file = root
        .open_file_cached(path.as_str(), folders)
        .map_err(|refusal| {
            let (drift, found) = drift_of(refusal);
            Finding {
                found,
                ..finding(vec![drift])
            }
        })?;
    let limit = bytes
        .or(bound)
        .or_else(|| file.metadata().ok().map(|m| m.len()))
        .ok_or_else(|| finding(vec![Drift::Unreadable]))?
        .saturating_add(1);
    let hashed = hashing::hash_bounded(&mut file, limit, buf)
        .map_err(|_| finding(vec![Drift::Unreadable]))?;
    let actual = if hashed.eof {
        hashed.read
    } else {
        file.metadata()
            .map_or(hashed.read, |m| m.len().max(hashed.read))
    };
    Ok(Hashed {
        hashed,
        actual,
        finding: finding(Vec::new()),
    })
}

/// Reads a drifted artifact again (bounded) and names its drift classes.
fn diagnose_file(root: &Root, artifact: &Artifact, buf: &mut [u8]) -> Vec<Drift> {
    let limit = artifact
        .bytes
        .saturating_mul(2)
        .saturating_add(DIAGNOSIS_SLACK);
    let mut file = match root.open_file(artifact.path.as_str()) {
        Ok(f) => f,
        Err(refusal) => return vec![drift_of(refusal).0],
    };
    match hashing::fingerprint_bounded(&mut file, limit, buf) {
        Ok(Some(now)) => drift::diagnose(artifact, &now),
        Ok(None) => vec![Drift::Content],
        Err(_) => vec![Drift::Unreadable],
    }
}

/// The drift class of a refusal, and the twin found for `path-unicode`.
fn drift_of(refusal: Refusal) -> (Drift, Option<Vec<u8>>) {
    match refusal {
        Refusal::Missing { twin: Some(twin) } => (Drift::PathUnicode, Some(twin)),
        Refusal::Missing { twin: None } => (Drift::Missing, None),
        Refusal::NotRegular => (Drift::NotRegular, None),
        Refusal::Io(_) => (Drift::Unreadable, None),
    }
}

/// A finding about something that is not a sealed artifact: no sealed length, nothing read.
fn not_an_artifact(path: Vec<u8>, refusal: Option<Refusal>, subject: Subject) -> Finding {
    let (drift, found) = refusal.map_or((Drift::Unsealed, None), drift_of);
    Finding {
        path,
        drift: vec![drift],
        expected_bytes: None,
        actual_bytes: None,
        sha256_match: false,
        found,
        subject,
    }
}

/// Every entry below a `complete` folder that is not a folder and not in the record.
fn unsealed_entries(
    sealed: HashSet<&[u8]>,
    complete: &[CompleteFolder],
    root: &Root,
) -> Vec<Finding> {
    let mut reported: HashSet<Vec<u8>> = HashSet::new();
    let mut findings = Vec::new();
    for folder in complete {
        // A complete folder that is gone (or not a folder, or cannot be listed) is one finding
        // about the folder: its sealed files are each `missing` already, and the folder may
        // have sealed none, so it must fail by itself.
        let walk = match root.walk(folder.as_str()) {
            Ok(walk) => walk,
            Err(refusal) => {
                findings.push(not_an_artifact(
                    folder.as_str().as_bytes().to_vec(),
                    Some(refusal),
                    Subject::CompleteFolder,
                ));
                continue;
            }
        };
        // A part of the folder that could not be listed may hide unsealed entries: it fails as
        // unreadable (or what its refusal says), and what was listed is still checked.
        for (path, refusal) in walk.refused {
            if reported.insert(path.clone()) {
                findings.push(not_an_artifact(path, Some(refusal), Subject::FolderPart));
            }
        }
        let entries = walk.entries;
        for entry in entries {
            if entry.kind == EntryKind::Folder || sealed.contains(entry.path.as_slice()) {
                continue;
            }
            if reported.insert(entry.path.clone()) {
                findings.push(not_an_artifact(entry.path, None, Subject::Unsealed));
            }
        }
    }
    findings
}
