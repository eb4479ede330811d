//! The `decision` family (SPEC 7.2). Being written.

use super::ProbeFamily;
use crate::probe::case::Family;
use crate::probe::draft::{Cases, Seeded};

pub struct Decision;

impl ProbeFamily for Decision {
    fn family(&self) -> Family {
        Family::Decision
    }

    fn draw(&self, _cases: &mut Cases, _rng: &mut Seeded) {}
}
