//! The `bytes` family (SPEC 7.2). Being written.

use super::ProbeFamily;
use crate::probe::case::Family;
use crate::probe::draft::{Cases, Seeded};

pub struct Bytes;

impl ProbeFamily for Bytes {
    fn family(&self) -> Family {
        Family::Bytes
    }

    fn draw(&self, _cases: &mut Cases, _rng: &mut Seeded) {}
}
