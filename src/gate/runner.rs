//! Running cases: each in its own temporary workspace, on its own thread, with a deadline, and
//! `--jobs` of them at a time (rayon). What the validator printed is scanned by the leak scanner
//! with the case's canaries as secrets plus every token-shape rule, then judged.
//!
//! The deadline is kept by waiting for the case's thread with a timeout: a case that does not
//! answer in time is a `timeout` (and fails the gate), its workspace is removed, and its thread is
//! left behind; the gate does not wait for it. A panic on the case's thread is a `crash`. A case whose workspace cannot
//! be written is a crash too, with the reason: the gate never counts a case it could not run.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::judge::{Judged, Verdict, judge};
use super::validator::{Observation, Validator};
use crate::leak;
use crate::probe::case::{Case, Class};
use crate::probe::materialize::materialize;
use crate::workspace::Workspace;

/// How cases are run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Cases run at once.
    pub jobs: usize,
    /// Longest a case may take.
    pub timeout: Duration,
    /// Show a progress bar (on a terminal, outside CI).
    pub progress: bool,
    /// Where case workspaces are made ([`default_work_dir`] by default).
    pub work_dir: PathBuf,
}

/// Where case workspaces go unless told: `$SEALPROBE_WORKDIR`, else `/dev/shm` when it is a
/// writable folder (memory: a suite of a thousand small trees is written and removed in a
/// fraction of the time a disk journal takes), else the system's temporary folder.
pub fn default_work_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SEALPROBE_WORKDIR") {
        return PathBuf::from(dir);
    }
    let shm = Path::new("/dev/shm");
    let writable = tempfile::Builder::new()
        .prefix("sealprobe-probe-")
        .tempdir_in(shm)
        .is_ok();
    if shm.is_dir() && writable {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

/// What became of one case against one validator.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub id: String,
    pub validator: String,
    pub verdict: Verdict,
    pub detail: String,
    /// The exit status of the first run, when it exited.
    pub exit: Option<i32>,
    /// The classes the validator named (first run that named any).
    pub classes: Vec<Class>,
    pub ms: u64,
}

/// Runs `case` against `validator` and judges it.
pub fn run_case(
    case: &Arc<Case>,
    validator: &Arc<dyn Validator>,
    timeout: Duration,
    work_dir: &Path,
) -> CaseResult {
    let start = Instant::now();
    let result = |judged: Judged, exit: Option<i32>, classes: Vec<Class>| CaseResult {
        id: case.id.clone(),
        validator: validator.name(),
        verdict: judged.verdict,
        detail: judged.detail,
        exit,
        classes,
        ms: u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
    };
    if !validator.meets(case) {
        let j = Judged {
            verdict: Verdict::NotApplicable,
            detail: "the validator cannot be given this case's inputs".into(),
        };
        return result(j, None, Vec::new());
    }
    let crash = |detail: String| Judged {
        verdict: Verdict::Crash,
        detail,
    };
    // The workspace is made and removed here, not on the validator's thread: a validator that
    // never answers is abandoned, and its workspace is removed all the same.
    let ws = match Workspace::temporary_in(work_dir) {
        Ok(ws) => Arc::new(ws),
        Err(e) => {
            return result(
                crash(format!("cannot make a workspace: {}", e.kind())),
                None,
                vec![],
            );
        }
    };
    if let Err(e) = materialize(case, &ws) {
        return result(
            crash(format!("cannot write the case: {}", e.kind())),
            None,
            vec![],
        );
    }
    let (tx, rx) = mpsc::channel();
    let (c, v, w) = (Arc::clone(case), Arc::clone(validator), Arc::clone(&ws));
    let spawned = std::thread::Builder::new()
        .name(format!("case {}", case.id))
        .spawn(move || {
            let ran = catch_unwind(AssertUnwindSafe(|| v.run(&c, &w)));
            let _ = tx.send(ran);
        });
    if spawned.is_err() {
        return result(
            crash("cannot start a thread for the case".into()),
            None,
            vec![],
        );
    }
    // Command validators kill their process group at `timeout` themselves and answer; the grace
    // is the backstop for a validator that cannot be interrupted (in-process ones).
    let runs = match rx.recv_timeout(timeout + Duration::from_millis(500)) {
        Ok(Ok(runs)) => runs,
        Ok(Err(_)) | Err(mpsc::RecvTimeoutError::Disconnected) => {
            return result(crash("the validator panicked".into()), None, vec![]);
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            // Best effort: the abandoned thread may still hold the folder open.
            let _ = std::fs::remove_dir_all(ws.base());
            let j = Judged {
                verdict: Verdict::Timeout,
                detail: format!("no answer within {:.1} s", timeout.as_secs_f64()),
            };
            return result(j, None, Vec::new());
        }
    };
    drop(ws);
    let scanner = match leak::canary_scanner(&case.canaries) {
        Ok(s) => s,
        Err(_) => {
            let j = Judged {
                verdict: Verdict::Crash,
                detail: "the leak scanner cannot be built for the case's canaries".into(),
            };
            return result(j, None, Vec::new());
        }
    };
    let scanned: Vec<(Observation, usize)> = runs
        .into_iter()
        .map(|obs| {
            let leaks = scanner.scan(&obs.stdout).len()
                + scanner.scan(&obs.stderr).len()
                + obs.leaks_in_cut;
            (obs, leaks)
        })
        .collect();
    let exit = scanned.first().and_then(|(o, _)| match o.ending {
        super::validator::Ending::Exited(code) => Some(code),
        super::validator::Ending::Crashed | super::validator::Ending::TimedOut => None,
    });
    let classes = scanned
        .iter()
        .find_map(|(o, _)| o.classes.clone())
        .unwrap_or_default();
    result(judge(case, &scanned), exit, classes)
}

/// Runs every case against every validator, `opts.jobs` runs at a time; results come back in
/// case order, validators in the order given for each case.
pub fn run_cases(
    cases: &[Arc<Case>],
    validators: &[Arc<dyn Validator>],
    opts: &RunOptions,
) -> Vec<CaseResult> {
    let pairs: Vec<(&Arc<Case>, &Arc<dyn Validator>)> = cases
        .iter()
        .flat_map(|c| validators.iter().map(move |v| (c, v)))
        .collect();
    let bar = opts.progress.then(|| {
        let bar = indicatif::ProgressBar::new(pairs.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} runs {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let work = || {
        pairs
            .par_iter()
            .map(|(case, validator)| {
                let r = run_case(case, validator, opts.timeout, &opts.work_dir);
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
                r
            })
            .collect::<Vec<_>>()
    };
    let results = match rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .build()
    {
        Ok(pool) => pool.install(work),
        // Without a pool of its own, the gate still runs every case, on the global pool.
        Err(_) => work(),
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    results
}
