//! The key: at least 32 bytes, from a file readable by its owner only (as ssh requires of private
//! keys), never from the command line. Reading the file is [`crate::small_file::read_key`]'s
//! job; this module holds the rules a key and its file mode must meet.

use std::fmt;

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

/// Why a key was refused. Never holds key bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("can be read by group or others; run `chmod 600` on it")]
    TooOpen,
    #[error("holds fewer than {MIN_KEY} bytes")]
    TooShort,
    #[error("is larger than {MAX_KEY} bytes")]
    TooLong,
}

impl Key {
    /// A key from bytes already in memory.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Key, KeyError> {
        if bytes.len() < MIN_KEY {
            return Err(KeyError::TooShort);
        }
        if bytes.len() > MAX_KEY {
            return Err(KeyError::TooLong);
        }
        Ok(Key(bytes))
    }

    /// Refuses a key file whose permission bits let group or others read or write it.
    pub fn check_permissions(mode: u32) -> Result<(), KeyError> {
        if mode & 0o077 != 0 {
            Err(KeyError::TooOpen)
        } else {
            Ok(())
        }
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_32_to_4096_bytes_exactly() {
        assert_eq!(
            Key::from_bytes(vec![1; MIN_KEY - 1]).err(),
            Some(KeyError::TooShort)
        );
        assert!(Key::from_bytes(vec![1; MIN_KEY]).is_ok());
        assert!(Key::from_bytes(vec![1; MAX_KEY]).is_ok());
        assert_eq!(
            Key::from_bytes(vec![1; MAX_KEY + 1]).err(),
            Some(KeyError::TooLong)
        );
    }

    #[test]
    fn only_owner_bits_are_allowed_on_a_key_file() {
        for mode in [0o600, 0o400, 0o700, 0o100600] {
            assert_eq!(Key::check_permissions(mode), Ok(()), "{mode:o}");
        }
        for mode in [0o640, 0o604, 0o610, 0o601, 0o666, 0o100644] {
            assert_eq!(
                Key::check_permissions(mode),
                Err(KeyError::TooOpen),
                "{mode:o}"
            );
        }
    }

    #[test]
    fn debug_shows_the_length_only() {
        let key = Key::from_bytes(vec![0x41; 40]).unwrap();
        assert_eq!(format!("{key:?}"), "Key(40 bytes)");
    }
}
