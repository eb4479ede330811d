//! Replays every file of `corpus/<target>/` through the body of its fuzz target
//! (`sealprobe::fuzzing`), on stable, in every `cargo test`. The corpus holds the seeds and every
//! input that once crashed a target (fuzz/nightly.sh copies minimized crashes there), so a bug the
//! nightly fuzzer found stays a failing test until it is fixed.
//!
//! Every input is run even after one fails; the failure lists all failing files by name.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use sealprobe::fuzzing;

/// The files of `corpus/<target>/`, sorted; hidden files (`.gitkeep`) are not inputs.
fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.is_file())
        .filter(|p| {
            !p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "corpus/{target}/ is empty: every fuzz target needs seeds"
    );
    files
}

/// Runs `body` on every corpus file of `target`; fails listing each file whose run panicked.
fn replay(target: &str, body: impl Fn(&[u8])) {
    let files = corpus(target);
    let mut failures = Vec::new();
    for file in &files {
        let data = std::fs::read(file).expect("a readable corpus file");
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| body(&data))) {
            let why = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)")
                .to_owned();
            failures.push(format!("{}: {why}", file.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} inputs in corpus/{target}/ break the target's property:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn strict_json_corpus() {
    replay("strict_json", fuzzing::strict_json);
}

#[test]
fn seal_load_corpus() {
    replay("seal_load", fuzzing::seal_load);
}

#[test]
fn fingerprint_corpus() {
    replay("fingerprint", fuzzing::fingerprint);
}

/// Structured target: the bytes are decoded the way `fuzz_target!` decodes them
/// (`arbitrary_take_rest`, in `fuzzing::verify_drift_input`); inputs that do not decode are
/// skipped, but at least one input of the corpus must decode.
#[test]
fn verify_drift_corpus() {
    let decoded = corpus("verify_drift")
        .iter()
        .filter(|f| fuzzing::verify_drift_input(&std::fs::read(f).expect("readable")).is_some())
        .count();
    assert!(decoded > 0, "no input of corpus/verify_drift/ decodes");
    replay("verify_drift", |data| {
        if let Some(input) = fuzzing::verify_drift_input(data) {
            fuzzing::verify_drift(input);
        }
    });
}

/// The seeds of `seal_load` include seals that load: otherwise the target's property (accepted ⇒
/// canonical) would never be exercised by the replay.
#[test]
fn seal_load_corpus_has_accepted_seals() {
    let accepted = corpus("seal_load")
        .iter()
        .filter(|f| {
            let doc = std::fs::read(f).expect("readable");
            sealprobe::seal::Seal::load(&doc, sealprobe::seal::SEAL_SIZE_LIMIT).is_ok()
        })
        .count();
    assert!(
        accepted >= 2,
        "only {accepted} seeds of corpus/seal_load/ load"
    );
}

#[test]
fn token_parse_corpus() {
    replay("token_parse", fuzzing::token_parse);
}

#[test]
fn decide_corpus() {
    replay("decide", fuzzing::decide);
}

#[test]
fn leak_scan_corpus() {
    replay("leak_scan", fuzzing::leak_scan);
}

/// The seeds of `token_parse` include tokens that parse, and the seeds of `decide` include
/// packets whose selected option is authorized by grants of the harness key: otherwise the
/// replay would never exercise the accepting side of either property.
#[test]
fn grant_corpora_reach_the_accepting_side() {
    use sealprobe::decide::judge::decide;
    use sealprobe::token::grant::GrantToken;

    let parsed = corpus("token_parse")
        .iter()
        .filter(|f| {
            let data = std::fs::read(f).expect("readable");
            std::str::from_utf8(&data).is_ok_and(|s| GrantToken::parse(s).is_ok())
        })
        .count();
    assert!(
        parsed >= 2,
        "only {parsed} seeds of corpus/token_parse/ parse"
    );

    let key = fuzzing::harness_key();
    let authorized = corpus("decide")
        .iter()
        .filter(|f| {
            let doc = std::fs::read(f).expect("readable");
            let d = decide(Some(&doc), Some(&key), fuzzing::DECIDE_NOW);
            !d.fell_back()
                && d.reasons.is_empty()
                && d.selected.as_ref().map(|s| s.as_str()) != Some("HOLD_PRODUCTION")
        })
        .count();
    assert!(
        authorized >= 2,
        "only {authorized} seeds of corpus/decide/ authorize an option that requires grants"
    );
}

/// Every planted encoding has a seed in `corpus/leak_scan/`.
#[test]
fn leak_scan_corpus_covers_every_encoding() {
    let mut seen = [false; fuzzing::PLANTED_ENCODINGS.len()];
    for f in corpus("leak_scan") {
        let data = std::fs::read(&f).expect("readable");
        if let Some(how) = data.get(1) {
            seen[fuzzing::planted_encoding(*how)] = true;
        }
    }
    for (name, seen) in fuzzing::PLANTED_ENCODINGS.iter().zip(seen) {
        assert!(
            seen,
            "no seed of corpus/leak_scan/ plants the secret as {name}"
        );
    }
}

#[test]
fn hunt_corpus() {
    replay("hunt", fuzzing::hunt);
}

/// The seeds of `hunt` draft cases, hostile ones and controls both, so the replay runs the
/// built-in validator on each kind.
#[test]
fn hunt_corpus_drafts_hostile_cases_and_controls() {
    use sealprobe::hunt::draw::{self, FromBytes, Pools};
    let pools = Pools::of_suite(&sealprobe::probe::suite(0).expect("the suite draws"));
    let (mut hostile, mut controls) = (0, 0);
    for f in corpus("hunt") {
        let data = std::fs::read(f).expect("readable");
        let recipe = draw::recipe(
            &mut FromBytes(arbitrary::Unstructured::new(&data)),
            &pools,
            draw::MAX_EDITS,
        );
        match recipe.case("seed") {
            Ok(c) if c.expect.is_control() => controls += 1,
            Ok(_) => hostile += 1,
            Err(_) => {}
        }
    }
    assert!(
        hostile >= 8 && controls >= 1,
        "corpus/hunt/ drafts {hostile} hostile cases and {controls} controls"
    );
}

#[test]
fn record_lines_corpus() {
    replay("record_lines", fuzzing::record_lines);
}

/// The seeds of `record_lines` include a record of every format that its reader accepts, so the
/// write-back property is exercised for each by the replay.
#[test]
fn record_lines_corpus_has_accepted_records_of_every_format() {
    use sealprobe::fuzzing::RECORD_FORMATS as formats;
    use sealprobe::seal::listing;
    let mut accepted = std::collections::BTreeSet::new();
    for f in corpus("record_lines") {
        let data = std::fs::read(f).expect("readable");
        if let Some((&pick, doc)) = data.split_first() {
            let format = formats[usize::from(pick) % formats.len()];
            if matches!(listing::read(format, doc), Some(Ok(_))) {
                accepted.insert(format.name());
            }
        }
    }
    assert_eq!(accepted.len(), formats.len(), "accepted only {accepted:?}");
}
