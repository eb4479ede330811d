//! The `unicode` family (SPEC 7.2). Being written.

use super::ProbeFamily;
use crate::probe::case::Family;
use crate::probe::draft::{Cases, Seeded};

pub struct Unicode;

impl ProbeFamily for Unicode {
    fn family(&self) -> Family {
        Family::Unicode
    }

    fn draw(&self, _cases: &mut Cases, _rng: &mut Seeded) {}
}
