//! Keys and MACs (SPEC 4): the key file, HMAC-SHA256 tags compared in constant time, grant tokens
//! and the seal MAC.
//!
//! Key bytes and tag values never leave this module in an error or a `Debug` output: errors are
//! classes, and [`key::Key`] does not print its bytes.

pub mod grant;
pub mod key;
pub mod mac;
