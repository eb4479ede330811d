//! Keys and MACs (SPEC 4): the key file, HMAC-SHA256 tags compared in constant time, grant tokens,
//! the seal MAC, and the token shapes that redaction and the leak scanner's built-in rules share.
//!
//! Key bytes and tag values never leave this module in an error or a `Debug` output: errors are
//! classes, and [`key::Key`] and [`mac::Tag`] do not print their bytes.

pub mod grant;
pub mod key;
pub mod mac;
pub mod shapes;
