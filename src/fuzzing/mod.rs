//! The bodies of the fuzz targets (SPEC 8), one public function per target.
//!
//! Why here and not in `fuzz/fuzz_targets/`? cargo-fuzz needs a nightly toolchain and libFuzzer,
//! but the properties and the inputs that once broke them must be checked on every `cargo test`,
//! on stable, by every developer and by CI. So each target's body lives in the library, the
//! `fuzz/` package only hands libFuzzer's bytes to these functions, and `tests/corpus_replay.rs`
//! feeds them every file of `corpus/<target>/`. One body, two drivers: a crash found by the
//! nightly job becomes a failing test as soon as its input is copied into the corpus.
//!
//! Each function takes the raw bytes (or, for [`verify_drift`], a structured input built from
//! them with `arbitrary`) and panics only when a property is violated. A panic message names the
//! property, never the input: the caller has the input file.
//!
//! | target | property |
//! |---|---|
//! | [`strict_json`] | never panics; accepted ⇒ serde_json accepts and agrees on the value; both canonical forms are fixed points |
//! | [`seal_load`] | accepted ⇒ the canonical file form is exactly the input |
//! | [`verify_drift`] | a sealed tree, mutated: verify passes iff bytes and names are unchanged; every finding names a class |
//! | [`fingerprint`] | streaming fingerprints do not depend on how the bytes are split into reads |
//! | [`token_parse`] | never panics; accepted ⇔ the exact grant grammar; a minted token checks, one changed byte does not |
//! | [`decide`] | no verdict but the default/`HOLD` without every required grant minted by the harness key; no string of the packet in a report but names in their grammar; no token shape in a report |
//! | [`leak_scan`] | a secret planted in literal, hex, base64, UTF-16LE, `\u` or `%XX` form is found whole |
//! | [`hunt`] | the hunt's engine against the built-in validator: every drawn recipe that drafts a case holds (a drifted tree fails closed, an honest one passes, nothing crashes or leaks) |
//! | [`record_lines`] | never panics; an accepted `SHA256SUMS`, BSD tags, hashdeep list, mtree specification or bag reads back the same once its own writer wrote it again |

//!
//! One file per target; [`grants`] holds what `token_parse` and `decide` share (the harness key,
//! an independent grant grammar, numbers drawn from the input).

mod decide;
mod fingerprint;
mod grants;
mod hunt;
mod leak_scan;
mod record_lines;
mod seal_load;
mod strict_json;
mod token_parse;
mod verify_drift;

pub use decide::{DECIDE_NOW, decide};
pub use fingerprint::fingerprint;
pub use grants::harness_key;
pub use hunt::hunt;
pub use leak_scan::{PLANTED_ENCODINGS, leak_scan, planted_encoding};
pub use record_lines::{RECORD_FORMATS, record_lines};
pub use seal_load::seal_load;
pub use strict_json::strict_json;
pub use token_parse::token_parse;
pub use verify_drift::{
    Blob, CompleteChoice, FileSpec, MAX_CONTENT, Mutation, NAMES, VerifyDriftInput, verify_drift,
    verify_drift_bytes, verify_drift_input,
};

/// Confines rayon to the calling thread, for the rest of its life.
///
/// Sealing, verifying and scanning hand their work to rayon's pool. For the tiny inputs of a
/// fuzzer, waking a pool thread and waiting for it costs more than the work (`perf` on
/// `verify_drift`: a quarter of its time in `sched_yield` and futex wake-ups), and libFuzzer runs
/// one input at a time on one thread anyway. So a thread that runs a body becomes the only
/// thread of a pool of its own (`use_current_thread`), once: the parallel iterators then run in
/// order on the caller, with the same results (rayon's `collect` keeps order). The parallel path
/// itself is exercised by the tests and the gate. A thread that already works for a pool (a rayon
/// worker) is left as it is.
pub(crate) fn confine_rayon_to_this_thread() {
    thread_local! {
        static POOL: Option<rayon::ThreadPool> = match rayon::current_thread_index() {
            Some(_) => None,
            None => rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .use_current_thread()
                .build()
                .ok(),
        };
    }
    POOL.with(|_| ());
}
