//! The read loops: the verify fast path (raw SHA-256 of at most `limit` bytes) and the full
//! fingerprint pass used by sealing and diagnosis. Both stream through one reused buffer, so
//! memory does not grow with file size, and both stop at their limit, so an endless file costs
//! at most `limit` bytes of reading.

use std::io::{self, Read};

use sha2::{Digest as _, Sha256};

use super::fingerprint::{Fingerprinter, Fingerprints};
use super::model::Digest;

/// Size of the read buffer: large enough to amortize system calls, small enough for L2.
pub const READ_BUFFER: usize = 256 * 1024;

/// What the fast path read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoundedHash {
    pub sha256: Digest,
    /// Bytes read (and hashed): never more than the limit.
    pub read: u64,
    /// True when end of file was reached before the limit.
    pub eof: bool,
}

/// Hashes at most `limit` bytes of `reader`.
pub fn hash_bounded(reader: &mut impl Read, limit: u64, buf: &mut [u8]) -> io::Result<BoundedHash> {
    let mut sha = Sha256::new();
    let mut read: u64 = 0;
    let mut eof = false;
    while read < limit {
        let want = usize::try_from(limit - read).map_or(buf.len(), |r| r.min(buf.len()));
        match reader.read(&mut buf[..want]) {
            Ok(0) => {
                eof = true;
                break;
            }
            Ok(n) => {
                sha.update(&buf[..n]);
                read += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(BoundedHash {
        sha256: Digest(sha.finalize().into()),
        read,
        eof,
    })
}

/// Computes all fingerprints of `reader`, or `None` when it holds more than `limit` bytes.
pub fn fingerprint_bounded(
    reader: &mut impl Read,
    limit: u64,
    buf: &mut [u8],
) -> io::Result<Option<Fingerprints>> {
    let mut f = Fingerprinter::new();
    let mut read: u64 = 0;
    loop {
        match reader.read(buf) {
            Ok(0) => return Ok(Some(f.finish())),
            Ok(n) => {
                read += n as u64;
                if read > limit {
                    return Ok(None);
                }
                f.update(&buf[..n]);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}
