//! The `json-hostile` family (SPEC 7.2). Being written.

use super::ProbeFamily;
use crate::probe::case::Family;
use crate::probe::draft::{Cases, Seeded};

pub struct JsonHostile;

impl ProbeFamily for JsonHostile {
    fn family(&self) -> Family {
        Family::JsonHostile
    }

    fn draw(&self, _cases: &mut Cases, _rng: &mut Seeded) {}
}
