//! The `json-reencode` family (SPEC 7.2). Being written.

use super::ProbeFamily;
use crate::probe::case::Family;
use crate::probe::draft::{Cases, Seeded};

pub struct JsonReencode;

impl ProbeFamily for JsonReencode {
    fn family(&self) -> Family {
        Family::JsonReencode
    }

    fn draw(&self, _cases: &mut Cases, _rng: &mut Seeded) {}
}
