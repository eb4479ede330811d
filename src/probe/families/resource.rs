//! The `resource` family (SPEC 7.2). Being written.

use super::ProbeFamily;
use crate::probe::case::Family;
use crate::probe::draft::{Cases, Seeded};

pub struct Resource;

impl ProbeFamily for Resource {
    fn family(&self) -> Family {
        Family::Resource
    }

    fn draw(&self, _cases: &mut Cases, _rng: &mut Seeded) {}
}
