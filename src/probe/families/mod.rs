//! The probe families (SPEC 7.2): one file each, one [`ProbeFamily`] implementation each, one
//! line each in [`REGISTRY`]. A family reads like a table of cases: for each, a name, the one
//! line `why` (written for the person whose validator just failed), the inputs, and what the
//! built-in validator must name. Controls (cases every validator must accept) sit beside the
//! hostile ones, so a validator that refuses everything fails the gate too.
//!
//! To add a family: write `families/<name>.rs` with a unit struct implementing [`ProbeFamily`],
//! add a variant to [`super::Family`], and add one line here. `probes/README.md` has a worked
//! example.

use super::case::Family;
use super::draft::{Cases, Seeded};

mod bom;
mod bytes;
mod decision;
mod filesystem;
mod forged_tokens;
mod json_hostile;
mod json_reencode;
mod leak_bait;
mod line_endings;
pub(crate) mod packets;
mod resource;
mod seal_tamper;
pub(crate) mod text;
mod unicode;

/// A family of cases.
pub trait ProbeFamily: Sync {
    /// Which family this is (every case's id starts with its name).
    fn family(&self) -> Family;

    /// Draws the family's cases into `cases`. Anything random is drawn from `rng`, so the same
    /// seed always gives the same cases.
    fn draw(&self, cases: &mut Cases, rng: &mut Seeded);
}

/// Every family, in the order of SPEC 7.2.
pub const REGISTRY: &[&dyn ProbeFamily] = &[
    &bytes::Bytes,
    &unicode::Unicode,
    &line_endings::LineEndings,
    &bom::Bom,
    &json_reencode::JsonReencode,
    &filesystem::Filesystem,
    &seal_tamper::SealTamper,
    &json_hostile::JsonHostile,
    &forged_tokens::ForgedTokens,
    &decision::Decision,
    &leak_bait::LeakBait,
    &resource::Resource,
];
