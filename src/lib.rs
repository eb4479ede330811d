//! sealprobe: a fail-closed integrity gate and the hostile-input probe suite that proves it.
//!
//! The library holds everything; the `sealprobe` binary only parses arguments and calls into it.
//!
//! - [`strict_json`]: the one JSON loader (strict, positioned errors) and the canonical writers.
//! - [`seal`]: the `sealprobe-seal/1` model, sealing a tree, verifying it and diagnosing drift.
//! - [`beneath`]: file access below a root that never follows symlinks nor blocks on FIFOs.
//! - [`report`]: the one rendering path (escaping) and the human and JSON reports.
//! - [`names`]: when two names are the same to the eye (NFC + case folding).
//! - [`cli`]: the command line, shared by the binary and the tests.
//! - [`fuzzing`]: the bodies of the fuzz targets, so that `cargo test` replays the corpus on stable.
#![forbid(unsafe_code)]

pub mod beneath;
pub mod cli;
pub mod command;
pub mod decide;
pub mod digest;
pub mod escape;
pub mod fuzzing;
pub mod leak;
pub mod names;
pub mod report;
pub mod seal;
pub mod small_file;
pub mod strict_json;
pub mod token;
pub mod vocabulary;
pub mod workspace;
