//! The test-only record format `toy` (`src/probe/record/toy.rs`, issue #24) through the real
//! gate: a format added as its own file and one registry line meets every tree case whose
//! features it expresses, and every other tree case is "beyond the format", never failed.

use std::sync::Arc;
use std::time::Duration;

use crate::gate::command::CommandValidator;
use crate::gate::judge::Verdict;
use crate::gate::runner::{Progress, RunOptions};
use crate::gate::validator::Validator;
use crate::probe::case::{Carrier, Case};
use crate::probe::{Filter, case_set_digest, suite};

/// A strict checker of the toy format: every listed path must have the listed size (read
/// from `stat`, before a byte is read) and digest; it prints nothing.
const CHECKER: &str = r#"import hashlib, os, sys
ok = True
with open(sys.argv[1], "rb") as f:
    for line in f.read().split(b"\n"):
        if not line:
            continue
        size, digest, path = line.split(b" ")
        path = bytes.fromhex(path.decode())
        try:
            if os.stat(path).st_size != int(size):
                ok = False
                continue
            h = hashlib.sha256()
            with open(path, "rb") as data:
                h.update(data.read(int(size) + 1))
            ok = ok and h.hexdigest().encode() == digest
        except OSError:
            ok = False
sys.exit(0 if ok else 1)
"#;

#[test]
fn the_toy_format_meets_every_tree_case_its_features_express() {
    let cases = suite(0).expect("the suite draws");
    let tree: Vec<Arc<Case>> = cases
        .iter()
        .filter(|c| c.carrier == Carrier::Tree)
        .cloned()
        .map(Arc::new)
        .collect();
    // Every tree case comes with its honest toy record.
    assert!(tree.iter().all(|c| c.inputs.records.contains_key("toy")));
    let dir = tempfile::tempdir().expect("a folder");
    std::fs::write(dir.path().join("check.py"), CHECKER).expect("the checker");
    let validator: Arc<dyn Validator> = Arc::new(
        CommandValidator::parse_in(
            // The key and the clock are taken and ignored: the toy record is not keyed.
            "python3 check.py {toy} --key={key} --now={now}",
            Duration::from_secs(10),
            dir.path(),
        )
        .expect("the template"),
    );
    let opts = RunOptions {
        jobs: 2,
        timeout: Duration::from_secs(10),
        progress: Progress::Quiet,
        work_dir: dir.path().to_path_buf(),
    };
    let run = crate::gate::run_with(
        tree.clone(),
        case_set_digest(&cases),
        0,
        Filter::default(),
        vec![validator],
        &opts,
    );
    let (mut met, mut beyond) = (0, 0);
    for r in &run.results {
        let case = run.case(&r.id).expect("a case of the run");
        if case.features.iter().all(|f| {
            matches!(
                f,
                crate::probe::Feature::Size | crate::probe::Feature::Partial
            )
        }) {
            // The checker is strict: every case it can be given holds.
            assert_eq!(r.verdict, Verdict::Ok, "{}: {}", r.id, r.detail);
            met += 1;
        } else {
            assert_eq!(r.verdict, Verdict::NotApplicable, "{}", r.id);
            assert!(!r.beyond.is_empty(), "{}", r.id);
            beyond += 1;
        }
    }
    assert_eq!(met + beyond, tree.len());
    assert!(met > 400 && beyond > 40, "{met} met, {beyond} beyond");
    // Endless files are within the format: a size tells a reader where to stop.
    assert!(
        run.results
            .iter()
            .any(|r| r.id == "resource/sparse-8-gib-sealed-small" && r.verdict == Verdict::Ok)
    );
    assert!(run.passed(), "the run holds");
}
