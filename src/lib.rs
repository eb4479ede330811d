//! sealprobe: a fail-closed integrity gate and the hostile-input probe suite that proves it.
//!
//! The library holds everything; the `sealprobe` binary only parses arguments and calls into it.
//! Modules are layered from the leaves up; a module uses only modules on lower layers
//! (`tests/layers.rs` checks it):
//!
//! 1. [`vocabulary`]: the closed sets of names (classes, formats), declared once each.
//!    [`digest`]: SHA-256 values and the one hex encoder and parser.
//! 2. [`strict_json`]: the one JSON loader (strict, positioned errors), the schema walker and the
//!    canonical writers. [`names`]: when two names are the same to the eye (NFC + case folding).
//!    [`token`]: keys, MACs, grant tokens, and the token shapes redaction and the scanner share.
//! 3. [`escape`]: escaping and redaction of every echoed name. [`beneath`]: file access below a
//!    root that never follows symlinks nor blocks on FIFOs. [`small_file`]: the one bounded reader
//!    for seals, packets, keys, secrets and rules files.
//! 4. [`seal`]: the `sealprobe-seal/1` model, sealing, verifying and diagnosing drift.
//!    [`decide`]: decision packets and the SPEC 5.2 rules. [`leak`]: the leak scanner.
//! 5. [`report`]: the human and JSON renderers. [`workspace`]: a case on disk (`root/` and the
//!    inputs beside it) and the writers for hostile trees.
//! 6. [`command`]: one function per CLI command: options in, exit status, output bytes and the
//!    typed outcome out.
//! 7. [`probe`]: the probe library: case model, families, static cases, `probes` listing.
//! 8. [`gate`]: the release gate: validators, runner, verdicts, reports.
//! 9. [`hunt`]: the search for cases the suite does not hold, through the gate's runner and
//!    judge, with shrinking.
//! 10. [`cli`]: arguments to options, bytes to stdout. [`fuzzing`]: the bodies of the fuzz
//!     targets, so that `cargo test` replays the corpus on stable.
#![deny(unsafe_code)]

pub mod beneath;
pub mod cli;
pub mod command;
pub mod decide;
pub mod digest;
pub mod escape;
pub mod fuzzing;
pub mod gate;
pub mod hunt;
pub mod leak;
pub mod names;
pub mod probe;
pub mod report;
pub mod seal;
pub mod small_file;
pub mod strict_json;
pub mod token;
pub mod vocabulary;
pub mod workspace;
