//! The `seal-tamper` family (SPEC 7.2). Being written.

use super::ProbeFamily;
use crate::probe::case::Family;
use crate::probe::draft::{Cases, Seeded};

pub struct SealTamper;

impl ProbeFamily for SealTamper {
    fn family(&self) -> Family {
        Family::SealTamper
    }

    fn draw(&self, _cases: &mut Cases, _rng: &mut Seeded) {}
}
