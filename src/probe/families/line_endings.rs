//! The `line-endings` family (SPEC 7.2). Being written.

use super::ProbeFamily;
use crate::probe::case::Family;
use crate::probe::draft::{Cases, Seeded};

pub struct LineEndings;

impl ProbeFamily for LineEndings {
    fn family(&self) -> Family {
        Family::LineEndings
    }

    fn draw(&self, _cases: &mut Cases, _rng: &mut Seeded) {}
}
