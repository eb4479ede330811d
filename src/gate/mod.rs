//! The release gate (SPEC 7.4): every probe case against a validator; it passes only if every
//! hostile case fails closed (naming its classes, for the built-in validator), every control
//! passes, nothing crashes or hangs, and no output leaks a canary or a token shape.
//!
//! - [`validator`]: what can be run (the built-in validator, in-process, in both formats).
//! - [`runner`]: workspaces, threads, deadlines, parallelism, the leak scan.
//! - [`judge`]: the verdict on one case.
//! - [`render`]: the per-family table, `sealprobe-gate/1` JSON and JUnit.
//!
//! [`run`] is the command (`sealprobe gate`): options in, exit status and output out, like the
//! commands of [`crate::command`]. [`GateRun::passed`] is the one definition of a passing gate:
//! it also fails when it ran no case, or fewer than the set holds for the filters.

pub mod judge;
pub mod render;
pub mod runner;
pub mod validator;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::command::{Exit, Ran};
use crate::digest::Digest;
use crate::probe::case::{Case, case_set_digest};
use crate::probe::{Filter, shell_quote, suite};
pub use judge::Verdict;
pub use runner::{CaseResult, RunOptions, default_work_dir, run_cases};
pub use validator::{Builtin, Ending, Observation, Validator};

/// The options of `sealprobe gate`.
#[derive(Debug, Clone)]
pub struct Options {
    pub seed: u64,
    pub filter: Filter,
    pub run: RunOptions,
    pub reports: Reports,
}

/// One gate run: the cases it was to run, what became of each, and the suite's identity.
#[derive(Debug, Clone)]
pub struct GateRun {
    pub seed: u64,
    pub filter: Filter,
    /// The digest of the whole case set for the seed (not only the filtered cases).
    pub case_set: Digest,
    pub validators: Vec<String>,
    /// The cases the filters selected (what the run had to cover).
    pub cases: Vec<Arc<Case>>,
    pub results: Vec<CaseResult>,
    pub elapsed: Duration,
    /// `--validator` arguments that select the validators again (empty for the built-in one).
    pub rerun_validators: Vec<String>,
}

impl GateRun {
    /// Results per case id, in case order.
    pub fn case(&self, id: &str) -> Option<&Case> {
        self.cases.iter().find(|c| c.id == id).map(|c| c.as_ref())
    }

    /// The number of results the run had to produce.
    pub fn expected(&self) -> usize {
        self.cases.len() * self.validators.len()
    }

    /// True only when the run covered every selected case (at least one) and every case held.
    pub fn passed(&self) -> bool {
        self.expected() > 0
            && self.results.len() == self.expected()
            && self.results.iter().all(|r| r.verdict.holds())
    }

    /// The command that reruns one case alone.
    pub fn rerun(&self, id: &str) -> String {
        let mut cmd = format!(
            "sealprobe gate --case {} --seed {}",
            shell_quote(id),
            self.seed
        );
        for v in &self.rerun_validators {
            cmd.push_str(" --validator ");
            cmd.push_str(&shell_quote(v));
        }
        cmd
    }
}

/// Runs `cases` (the selection of `filter` from the suite of `seed`, whose digest is `case_set`)
/// against `validator`.
pub fn run_with(
    cases: Vec<Arc<Case>>,
    case_set: Digest,
    seed: u64,
    filter: Filter,
    validator: Arc<dyn Validator>,
    opts: &RunOptions,
) -> GateRun {
    let start = Instant::now();
    let results = run_cases(&cases, &validator, opts);
    GateRun {
        seed,
        filter,
        case_set,
        validators: vec![validator.name()],
        rerun_validators: validator.rerun_arg().into_iter().collect(),
        cases,
        results,
        elapsed: start.elapsed(),
    }
}

/// A report written to a file.
type Renderer = dyn Fn(&GateRun) -> Result<Vec<u8>, String>;

/// `sealprobe gate` with the built-in validator.
pub fn run(opts: &Options) -> Ran<GateRun> {
    let all = match suite(opts.seed) {
        Ok(c) => c,
        Err(problems) => {
            let mut text = String::from("sealprobe gate: the probe suite is broken:\n");
            for p in problems {
                text.push_str(&format!("  {p}\n"));
            }
            return Ran {
                exit: Exit::Fail,
                stdout: Vec::new(),
                stderr: text.into_bytes(),
                outcome: None,
            };
        }
    };
    let selection = match opts.filter.compile() {
        Ok(s) => s,
        Err(e) => return Ran::usage("gate", e),
    };
    let case_set = case_set_digest(&all);
    let cases: Vec<Arc<Case>> = all
        .into_iter()
        .filter(|c| selection.admits(c))
        .map(Arc::new)
        .collect();
    let run = run_with(
        cases,
        case_set,
        opts.seed,
        opts.filter.clone(),
        Arc::new(Builtin),
        &opts.run,
    );
    conclude(run, &opts.reports)
}

/// Where a gate run's report files go.
#[derive(Debug, Clone, Default)]
pub struct Reports {
    /// `sealprobe-gate/1`.
    pub json: Option<PathBuf>,
    /// JUnit.
    pub junit: Option<PathBuf>,
}

/// The end of every gate run: the table on stdout, the report files, and the exit status (`0`
/// only when the run passed and every report was written).
pub fn conclude(run: GateRun, reports: &Reports) -> Ran<GateRun> {
    let mut stderr = Vec::new();
    let mut exit = if run.passed() { Exit::Pass } else { Exit::Fail };
    let json = |run: &GateRun| Ok(render::json(run));
    let files: [(Option<&PathBuf>, &Renderer); 2] = [
        (reports.json.as_ref(), &json),
        (reports.junit.as_ref(), &render::junit),
    ];
    for (path, render) in files {
        let Some(path) = path else {
            continue;
        };
        let written = render(&run).and_then(|bytes| {
            std::fs::write(path, bytes).map_err(|_| "cannot be written".to_owned())
        });
        if written.is_err() {
            stderr.extend(
                format!(
                    "sealprobe gate: the report {} cannot be written\n",
                    crate::escape::name(path.as_os_str().as_encoded_bytes())
                )
                .into_bytes(),
            );
            exit = Exit::Fail;
        }
    }
    Ran {
        exit,
        stdout: render::table(&run).into_bytes(),
        stderr,
        outcome: Some(run),
    }
}
