//! The `leak-bait` family (SPEC 7.2). Being written.

use super::ProbeFamily;
use crate::probe::case::Family;
use crate::probe::draft::{Cases, Seeded};

pub struct LeakBait;

impl ProbeFamily for LeakBait {
    fn family(&self) -> Family {
        Family::LeakBait
    }

    fn draw(&self, _cases: &mut Cases, _rng: &mut Seeded) {}
}
