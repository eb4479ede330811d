//! The `forged-tokens` family (SPEC 7.2). Being written.

use super::ProbeFamily;
use crate::probe::case::Family;
use crate::probe::draft::{Cases, Seeded};

pub struct ForgedTokens;

impl ProbeFamily for ForgedTokens {
    fn family(&self) -> Family {
        Family::ForgedTokens
    }

    fn draw(&self, _cases: &mut Cases, _rng: &mut Seeded) {}
}
