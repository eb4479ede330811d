//! A record format that exists only in the tests (issue #24): proof that a format is its own file
//! plus one registry line. Its record is `<size> <sha256> <hex of the path>` lines, so it
//! expresses sizes and nothing else. `src/gate/toy_format.rs` runs a checker of it, written in
//! Python, through the real gate over every tree case of the suite.

use super::{RecordFormat, Shape};
use crate::probe::features::{Feature, Honest};

pub const TOY: RecordFormat = RecordFormat {
    name: "toy",
    placeholder: "{toy}",
    file: "TOY",
    shape: Shape::File,
    features: &[Feature::Size, Feature::Partial],
    title: "the toy format",
    honest: Some(|honest: &Honest| {
        honest
            .files
            .iter()
            .flat_map(|(path, (len, digest))| {
                format!(
                    "{len} {} {}\n",
                    digest.to_hex(),
                    crate::digest::hex(path, false)
                )
                .into_bytes()
            })
            .collect()
    }),
    line: None,
};
