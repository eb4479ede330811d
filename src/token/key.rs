//! The key file: at least 32 bytes, readable by its owner only (as ssh requires of private keys),
//! read from a file and never from the command line.

use std::fmt;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Shortest key accepted, in bytes.
pub const MIN_KEY: usize = 32;

/// Longest key file read; a longer file is refused rather than read whole.
pub const MAX_KEY: usize = 4096;

/// A MAC key. `Debug` shows only its length.
#[derive(Clone)]
pub struct Key(Vec<u8>);

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({} bytes)", self.0.len())
    }
}

/// Why a key file was refused. Never holds key bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the key file cannot be read")]
    Unreadable,
    #[error("the key file is not a regular file")]
    NotRegular,
    #[error("the key file can be read by group or others; run `chmod 600` on it")]
    TooOpen,
    #[error("the key file holds fewer than {MIN_KEY} bytes")]
    TooShort,
    #[error("the key file is larger than {MAX_KEY} bytes")]
    TooLong,
}

impl Key {
    /// Loads a key file, refusing one that group or others can read.
    pub fn load(path: &Path) -> Result<Key, KeyError> {
        let file = std::fs::File::open(path).map_err(|_| KeyError::Unreadable)?;
        let meta = file.metadata().map_err(|_| KeyError::Unreadable)?;
        if !meta.is_file() {
            return Err(KeyError::NotRegular);
        }
        if meta.permissions().mode() & 0o077 != 0 {
            return Err(KeyError::TooOpen);
        }
        let mut bytes = Vec::new();
        file.take(MAX_KEY as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|_| KeyError::Unreadable)?;
        Key::from_bytes(bytes)
    }

    /// A key from bytes already in memory (tests, fuzzing harnesses).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Key, KeyError> {
        if bytes.len() < MIN_KEY {
            return Err(KeyError::TooShort);
        }
        if bytes.len() > MAX_KEY {
            return Err(KeyError::TooLong);
        }
        Ok(Key(bytes))
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }
}
