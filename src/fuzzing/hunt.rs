//! The `hunt` target: the hunt's engine (SPEC 7.9) in-process against the built-in validator,
//! with libFuzzer's bytes making every choice of the drawing ([`crate::hunt::draw::FromBytes`]),
//! so coverage of the reader, the drift diagnosis and the renderers guides which recipes are
//! composed.
//!
//! Property: every recipe that drafts a case holds against the built-in validator, judged by the
//! gate's own runner and judge: a tree that drifted from its honest seal fails closed, one that
//! did not is accepted, and nothing crashes, hangs or leaks. A recipe the drafting refuses (an
//! edit that finds nothing) is skipped, as the hunt skips it.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::gate::runner::{UNWRITABLE, run_case};
use crate::gate::{Builtin, Validator};
use crate::hunt::draw::{self, FromBytes, Pools};

/// The names and fixtures of the suite of seed 0, drawn once per process.
fn pools() -> &'static Pools {
    static POOLS: OnceLock<Pools> = OnceLock::new();
    POOLS.get_or_init(|| match crate::probe::suite(0) {
        Ok(cases) => Pools::of_suite(&cases),
        Err(_) => panic!("hunt: the probe suite is broken"),
    })
}

/// Draws a recipe from `data`, and checks that the built-in validator holds it.
pub fn hunt(data: &[u8]) {
    super::confine_rayon_to_this_thread();
    let mut choose = FromBytes(arbitrary::Unstructured::new(data));
    let recipe = draw::recipe(&mut choose, pools(), draw::MAX_EDITS);
    let Ok(case) = recipe.case("fuzz") else {
        return;
    };
    let builtin: Arc<dyn Validator> = Arc::new(Builtin);
    let work = crate::gate::default_work_dir();
    let r = run_case(&Arc::new(case), &builtin, Duration::from_secs(10), &work);
    if r.detail.contains(UNWRITABLE) {
        return;
    }
    assert!(
        r.verdict.holds(),
        "hunt: the built-in validator did not hold a drawn recipe ({})",
        r.verdict.name()
    );
}
