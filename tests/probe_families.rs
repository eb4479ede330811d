//! Each probe family pins a few of its cases by id with the classes they expect, and runs them
//! through the gate with the built-in validator (issue #9, acceptance 3). One module per family
//! in `tests/families/`; the shared checks are here.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sealprobe::gate::{self, Builtin, RunOptions, Verdict};
use sealprobe::probe::{Case, Family, Filter, case_set_digest, suite};

#[path = "families/bom.rs"]
mod bom;
#[path = "families/bytes.rs"]
mod bytes;
#[path = "families/decision.rs"]
mod decision;
#[path = "families/filesystem.rs"]
mod filesystem;
#[path = "families/forged_tokens.rs"]
mod forged_tokens;
#[path = "families/json_hostile.rs"]
mod json_hostile;
#[path = "families/json_reencode.rs"]
mod json_reencode;
#[path = "families/leak_bait.rs"]
mod leak_bait;
#[path = "families/line_endings.rs"]
mod line_endings;
#[path = "families/resource.rs"]
mod resource;
#[path = "families/seal_tamper.rs"]
mod seal_tamper;
#[path = "families/unicode.rs"]
mod unicode;

/// The suite at seed 0, drawn once for all the tests of this binary.
fn suite0() -> &'static [Case] {
    static SUITE: OnceLock<Vec<Case>> = OnceLock::new();
    SUITE.get_or_init(|| suite(0).unwrap_or_else(|p| panic!("the suite is broken: {p:#?}")))
}

/// The cases of `family` at seed 0.
pub fn cases_of(family: Family) -> Vec<Case> {
    suite0()
        .iter()
        .filter(|c| c.family == family)
        .cloned()
        .collect()
}

/// Asserts that the family has at least ten cases and a control, that each pinned case exists
/// with exactly the pinned classes (`[]` for a control), and that the built-in validator holds
/// every pinned case through the gate.
pub fn pin(family: Family, pins: &[(&str, &[&str])]) {
    let cases = cases_of(family);
    assert!(
        cases.len() >= 10,
        "{}: only {} cases",
        family.name(),
        cases.len()
    );
    assert!(
        cases.iter().any(|c| c.expect.is_control()),
        "{}: no control",
        family.name()
    );
    assert!(pins.len() >= 3, "pin at least three cases");
    let mut chosen = Vec::new();
    for (name, classes) in pins {
        let id = format!("{}/{name}", family.name());
        let case = cases
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no case {id}"));
        let got: Vec<&str> = case.expect.classes().iter().map(|c| c.name()).collect();
        let mut want: Vec<&str> = classes.to_vec();
        want.sort_unstable();
        let mut got_sorted = got.clone();
        got_sorted.sort_unstable();
        assert_eq!(got_sorted, want, "{id}: expected classes");
        assert_eq!(
            case.expect.is_control(),
            classes.is_empty(),
            "{id}: control or not"
        );
        chosen.push(Arc::new(case.clone()));
    }
    let run = gate::run_with(
        chosen,
        case_set_digest(&cases),
        0,
        Filter::default(),
        vec![Arc::new(Builtin)],
        &RunOptions {
            jobs: 2,
            timeout: Duration::from_secs(30),
            progress: sealprobe::gate::Progress::Quiet,
            work_dir: gate::default_work_dir(),
        },
    );
    for r in &run.results {
        assert_eq!(r.verdict, Verdict::Ok, "{}: {}", r.id, r.detail);
    }
    assert!(run.passed());
}
