//! The search (SPEC 7.9): draw recipes, run each through the gate's own runner and judge
//! ([`crate::gate::runner::run_case`]: the same workspaces, deadline, process rules, leak scan
//! and verdicts, no second judge), and shrink every run that did not hold to the smallest
//! recipe that fails the same way.
//!
//! Determinism: run `i` of seed `s` draws its recipe from its own stream (`hunt:i`), runs are
//! handed out in batches and their results taken in run order, and shrink candidates are tried
//! in batches whose first failure (in candidate order) wins. So with `--runs N` the same seed
//! finds the same groups with the same smallest cases, whatever `--jobs` is. A `--seconds`
//! budget ends the search where the time ends, between batches.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::draw::{self, Pools};
use super::finding::{Finding, Key};
use super::recipe::Recipe;
use crate::gate::runner::{CaseResult, UNWRITABLE, run_case};
use crate::gate::{Builtin, Validator, Verdict};
use crate::probe::case::Case;
use crate::probe::draft::Seeded;

/// Candidates tried per shrink, at most: a finding is shrunk in seconds, not minutes.
pub const SHRINK_BUDGET: usize = 400;

/// Candidates tried when shrinking a timeout, at most.
pub const TIMEOUT_SHRINK_BUDGET: usize = 8;

/// How the search runs.
pub struct Search {
    pub validator: Arc<dyn Validator>,
    pub seed: u64,
    /// The most edits in one drawn recipe.
    pub max_edits: usize,
    pub jobs: usize,
    pub timeout: Duration,
    pub work_dir: PathBuf,
    /// Stop after this many runs of drawn recipes.
    pub runs: Option<u64>,
    /// Stop when this much time has passed.
    pub seconds: Option<Duration>,
}

/// What a search did.
#[derive(Debug, Clone, Default)]
pub struct Searched {
    /// Recipes drawn.
    pub drawn: u64,
    /// Drawn recipes that drafted no case (an edit that found nothing), or whose workspace
    /// could not be written: drawn again, never findings.
    pub undrafted: u64,
    /// Drafted cases the validator cannot be given (beyond its format).
    pub not_applicable: u64,
    /// Drafted cases put to the validator, controls and hostile ones.
    pub ran: u64,
    pub controls: u64,
    /// Runs of shrink candidates.
    pub shrink_runs: u64,
    /// Validator runs in all (`ran` plus `shrink_runs`).
    pub validator_runs: u64,
    pub elapsed: Duration,
    /// Every group found, in the order first met.
    pub findings: Vec<Finding>,
}

impl Searched {
    /// Validator runs per second.
    pub fn rate(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 {
            self.validator_runs as f64 / s
        } else {
            0.0
        }
    }
}

/// One drawn recipe and what became of it.
struct Run {
    index: u64,
    recipe: Recipe,
    case: Option<Arc<Case>>,
    result: Option<CaseResult>,
}

/// `work` on the hunt's own pool of `--jobs` threads (on rayon's global pool when it could
/// not be made).
fn within<R: Send>(pool: Option<&rayon::ThreadPool>, work: impl FnOnce() -> R + Send) -> R {
    match pool {
        Some(p) => p.install(work),
        None => work(),
    }
}

/// The recipe of run `index` of `seed`.
pub fn recipe_of_run(seed: u64, index: u64, pools: &Pools, max_edits: usize) -> Recipe {
    let mut c = Seeded::labelled(seed, &format!("hunt:{index}"));
    // One choice first, so the stream's start is not shared with another use of the label.
    let _ = c.below(2);
    draw::recipe(&mut c, pools, max_edits)
}

/// The case name a run's recipe is drafted under (its id is `hunt/<name>`).
fn run_name(index: u64) -> String {
    format!("run-{index}")
}

impl Search {
    /// Runs `case` unless the validator cannot be given it.
    fn run(&self, case: &Arc<Case>) -> CaseResult {
        run_case(case, &self.validator, self.timeout, &self.work_dir)
    }

    /// Draft and run one recipe.
    fn attempt(&self, index: u64, recipe: Recipe) -> Run {
        let case = recipe.case(&run_name(index)).ok().map(Arc::new);
        let result = case
            .as_ref()
            .filter(|c| self.validator.meets(c))
            .map(|c| self.run(c));
        Run {
            index,
            recipe,
            case,
            result,
        }
    }

    /// The search, with its findings shrunk and grouped; `progress` is called after each batch
    /// with the runs done so far.
    pub fn search(&self, pools: &Pools, progress: &dyn Fn(&Searched)) -> Searched {
        let start = Instant::now();
        let mut out = Searched::default();
        let batch = (self.jobs * 8).max(8) as u64;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.jobs.max(1))
            .build()
            .ok();
        let time_left = |start: Instant| self.seconds.is_none_or(|s| start.elapsed() < s);
        let mut next = 0u64;
        let mut groups: BTreeMap<Key, usize> = BTreeMap::new();
        while time_left(start) && self.runs.is_none_or(|n| next < n) {
            let end = self.runs.map_or(next + batch, |n| n.min(next + batch));
            let runs: Vec<Run> = within(pool.as_ref(), || {
                (next..end)
                    .into_par_iter()
                    .map(|i| self.attempt(i, recipe_of_run(self.seed, i, pools, self.max_edits)))
                    .collect()
            });
            // Runs cut short by a SIGINT or SIGTERM are no verdict: the signal's thread ends
            // the process after its cleanup.
            crate::gate::reaper::park_if_stopping();
            next = end;
            for run in runs {
                out.drawn += 1;
                let (Some(case), Some(result)) = (&run.case, &run.result) else {
                    if run.case.is_some() {
                        out.not_applicable += 1;
                    } else {
                        out.undrafted += 1;
                    }
                    continue;
                };
                if result.detail.contains(UNWRITABLE) {
                    out.undrafted += 1;
                    continue;
                }
                out.ran += 1;
                out.validator_runs += 1;
                if case.expect.is_control() {
                    out.controls += 1;
                }
                if result.verdict.holds() {
                    continue;
                }
                let raw = Key::of(&run.recipe, &result.failures);
                if let Some(i) = groups
                    .iter()
                    .find(|(k, _)| k.found_in(&raw))
                    .map(|(_, i)| *i)
                {
                    out.findings[i].runs += 1;
                    continue;
                }
                let (smallest, detail, control, tried) =
                    self.shrink(run.recipe.clone(), result, case, pool.as_ref(), start);
                out.shrink_runs += tried;
                out.validator_runs += tried;
                let key = Key::of(&smallest, &result.failures);
                match groups
                    .iter()
                    .find(|(k, _)| k.found_in(&key))
                    .map(|(_, i)| i)
                {
                    Some(i) => {
                        let f = &mut out.findings[*i];
                        f.runs += 1;
                        // A group that explains this one keeps its own case.
                        if f.key == key && smallest.size() < f.recipe.size() {
                            f.recipe = smallest;
                            f.detail = detail;
                        }
                    }
                    None => {
                        groups.insert(key.clone(), out.findings.len());
                        out.findings.push(Finding {
                            key,
                            recipe: smallest,
                            detail,
                            control,
                            first_run: run.index,
                            runs: 1,
                            builtin: Err(String::new()),
                            known: false,
                        });
                    }
                }
            }
            out.elapsed = start.elapsed();
            progress(&out);
        }
        super::finding::fold_explained(&mut out.findings);
        for f in &mut out.findings {
            f.builtin = self.builtin_on(&f.recipe);
        }
        out.elapsed = start.elapsed();
        out
    }

    /// Shrinks `recipe`, which failed as `first` says: the smallest recipe that still fails in
    /// exactly the same ways, the detail of its run, whether it is a control, and how many
    /// candidates were run.
    fn shrink(
        &self,
        recipe: Recipe,
        first: &CaseResult,
        case: &Case,
        pool: Option<&rayon::ThreadPool>,
        start: Instant,
    ) -> (Recipe, String, bool, u64) {
        let mut best = recipe;
        let mut detail = first.detail.clone();
        let mut control = case.expect.is_control();
        let mut tried = 0u64;
        let width = self.jobs.max(1) * 2;
        // A run that hangs costs a whole deadline: such a finding gets a few tries only.
        let hangs = first.failures.contains(&Verdict::Timeout);
        let budget = if hangs {
            TIMEOUT_SHRINK_BUDGET
        } else {
            SHRINK_BUDGET
        };
        'outer: loop {
            let mut candidates = super::shrink::candidates(&best);
            if hangs && let Some(plain) = super::shrink::all_plain(&best) {
                candidates.insert(0, plain);
            }
            for chunk in candidates.chunks(width) {
                if tried as usize >= budget
                    || self.seconds.is_some_and(|s| start.elapsed() >= s + s / 4)
                {
                    break 'outer;
                }
                let runs: Vec<Run> = within(pool, || {
                    chunk
                        .par_iter()
                        .map(|r| self.attempt(u64::MAX, r.clone()))
                        .collect()
                });
                crate::gate::reaper::park_if_stopping();
                tried += runs.iter().filter(|r| r.result.is_some()).count() as u64;
                let same = runs.into_iter().find(|r| {
                    r.result.as_ref().is_some_and(|res| {
                        res.failures == first.failures && !res.detail.contains(UNWRITABLE)
                    })
                });
                if let Some(r) = same {
                    best = r.recipe;
                    if let (Some(res), Some(c)) = (r.result, r.case) {
                        detail = res.detail;
                        control = c.expect.is_control();
                    }
                    continue 'outer;
                }
            }
            break;
        }
        (best, detail, control, tried)
    }

    /// What `sealprobe verify` says about a recipe's case: the classes it names when it holds
    /// the case, or why it does not.
    fn builtin_on(&self, recipe: &Recipe) -> Result<Vec<crate::probe::case::Class>, String> {
        let case = Arc::new(recipe.case("builtin")?);
        let builtin: Arc<dyn Validator> = Arc::new(Builtin);
        let r = run_case(&case, &builtin, self.timeout, &self.work_dir);
        if r.verdict == Verdict::Ok {
            Ok(r.classes)
        } else {
            Err(r.detail)
        }
    }
}
