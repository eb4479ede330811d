//! The read loops: the verify fast path (raw SHA-256 of at most `limit` bytes) and the full
//! fingerprint pass used by sealing and diagnosis. Both stream through one reused buffer, so
//! memory does not grow with file size, and both stop at their limit, so an endless file costs
//! at most `limit` bytes of reading.
//!
//! A large file is hashed by a two-thread pipeline: one thread reads into a small pool of
//! buffers while the caller's thread hashes, so copying out of the page cache overlaps with
//! SHA-256 and a single file hashes at nearly the CPU's SHA-NI rate (see BENCHMARKS.md). Small
//! files are read and hashed on the caller's thread; many files are spread over cores by the
//! caller (rayon).

use std::io::{self, Read};
use std::sync::mpsc::sync_channel;

use sha2::{Digest as _, Sha256};

use super::fingerprint::{Fingerprinter, Fingerprints};
use crate::digest::Digest;

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

/// Files that may be this long or longer are hashed by the read/hash pipeline.
pub const PIPELINE_MIN: u64 = 8 * 1024 * 1024;

/// Buffers in flight in the pipeline, and their size.
const PIPELINE_BUFFERS: usize = 4;
const PIPELINE_BUFFER: usize = 1024 * 1024;

/// Hashes at most `limit` bytes of `reader`.
pub fn hash_bounded(
    reader: &mut (impl Read + Send),
    limit: u64,
    buf: &mut [u8],
) -> io::Result<BoundedHash> {
    if limit >= PIPELINE_MIN {
        return hash_pipelined(reader, limit);
    }
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

/// [`hash_bounded`] for large files: a reader thread fills buffers, this thread hashes them.
fn hash_pipelined(reader: &mut (impl Read + Send), limit: u64) -> io::Result<BoundedHash> {
    let (full_tx, full_rx) = sync_channel::<(Vec<u8>, usize)>(PIPELINE_BUFFERS);
    let (empty_tx, empty_rx) = sync_channel::<Vec<u8>>(PIPELINE_BUFFERS);
    for _ in 0..PIPELINE_BUFFERS {
        // Cannot fail: the channel has room for every buffer and the receiver is alive.
        let _ = empty_tx.send(vec![0u8; PIPELINE_BUFFER]);
    }
    std::thread::scope(|scope| {
        let reading = scope.spawn(move || -> io::Result<(u64, bool)> {
            let mut read: u64 = 0;
            while read < limit {
                let Ok(mut buf) = empty_rx.recv() else {
                    break;
                };
                let want = usize::try_from(limit - read).map_or(buf.len(), |r| r.min(buf.len()));
                let n = loop {
                    match reader.read(&mut buf[..want]) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                };
                if n == 0 {
                    return Ok((read, true));
                }
                read += n as u64;
                if full_tx.send((buf, n)).is_err() {
                    break;
                }
            }
            Ok((read, false))
        });
        let mut sha = Sha256::new();
        for (buf, n) in full_rx {
            sha.update(&buf[..n]);
            // The reader may have finished; a refused buffer is simply dropped.
            let _ = empty_tx.send(buf);
        }
        let (read, eof) = reading
            .join()
            .map_err(|_| io::Error::other("reader thread failed"))??;
        Ok(BoundedHash {
            sha256: Digest(sha.finalize().into()),
            read,
            eof,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sha(data: &[u8]) -> Digest {
        Digest::of(data)
    }

    fn data(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 + i / 4096) as u8).collect()
    }

    #[test]
    fn pipelined_hash_of_a_large_file_matches_sha256_and_reaches_eof() {
        let d = data(PIPELINE_MIN as usize + 3 * PIPELINE_BUFFER + 17);
        let mut buf = vec![0u8; READ_BUFFER];
        let h = hash_bounded(&mut io::Cursor::new(&d), d.len() as u64 + 1, &mut buf).unwrap();
        assert_eq!((h.read, h.eof, h.sha256), (d.len() as u64, true, sha(&d)));
    }

    #[test]
    fn pipelined_hash_stops_at_the_limit() {
        let d = data(PIPELINE_MIN as usize * 2);
        let limit = PIPELINE_MIN + 5;
        let mut buf = vec![0u8; READ_BUFFER];
        let h = hash_bounded(&mut io::Cursor::new(&d), limit, &mut buf).unwrap();
        assert_eq!((h.read, h.eof), (limit, false));
        assert_eq!(h.sha256, sha(&d[..limit as usize]));
    }

    #[test]
    fn small_hash_stops_at_the_limit_and_reports_eof() {
        let d = data(1000);
        let mut buf = vec![0u8; 64];
        let h = hash_bounded(&mut io::Cursor::new(&d), 10, &mut buf).unwrap();
        assert_eq!((h.read, h.eof, h.sha256), (10, false, sha(&d[..10])));
        let h = hash_bounded(&mut io::Cursor::new(&d), 1001, &mut buf).unwrap();
        assert_eq!((h.read, h.eof, h.sha256), (1000, true, sha(&d)));
    }

    #[test]
    fn fingerprint_refuses_more_than_the_limit() {
        let d = data(5000);
        let mut buf = vec![0u8; 512];
        assert!(
            fingerprint_bounded(&mut io::Cursor::new(&d), 4999, &mut buf)
                .unwrap()
                .is_none()
        );
        let f = fingerprint_bounded(&mut io::Cursor::new(&d), 5000, &mut buf)
            .unwrap()
            .unwrap();
        assert_eq!((f.bytes, f.sha256), (5000, sha(&d)));
    }
}
