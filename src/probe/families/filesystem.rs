//! The `filesystem` family (SPEC 7.2). Being written.

use super::ProbeFamily;
use crate::probe::case::Family;
use crate::probe::draft::{Cases, Seeded};

pub struct Filesystem;

impl ProbeFamily for Filesystem {
    fn family(&self) -> Family {
        Family::Filesystem
    }

    fn draw(&self, _cases: &mut Cases, _rng: &mut Seeded) {}
}
