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
use super::reaper;
use super::validator::{Leak, Observation, Validator};
use crate::leak;
use crate::probe::case::{Case, Class};
use crate::probe::features::Feature;
use crate::probe::materialize::materialize;
use crate::probe::record;
use crate::workspace::Workspace;

/// How cases are run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Cases run at once.
    pub jobs: usize,
    /// Longest a case may take.
    pub timeout: Duration,
    /// How progress is shown while cases run.
    pub progress: Progress,
    /// Where case workspaces are made ([`default_work_dir`] by default).
    pub work_dir: PathBuf,
}

/// How a gate shows that it is working.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// A progress bar on stderr (a terminal, outside CI).
    Bar,
    /// A line on stderr every [`PROGRESS_EVERY`] (a pipe, or `CI` set): a long run in a CI log
    /// shows it is alive, without a bar's control characters.
    Lines,
    /// Nothing (the library's own callers, tests).
    Quiet,
}

/// How often [`Progress::Lines`] prints.
pub const PROGRESS_EVERY: Duration = Duration::from_secs(10);

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

/// How the detail of a run begins when its workspace could not be written: the run says nothing
/// about the validator (a gate counts it as a crash all the same; the hunt draws again).
pub const UNWRITABLE: &str = "cannot write the case";

/// What became of one case against one validator.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub id: String,
    pub validator: String,
    pub verdict: Verdict,
    /// Every way the run failed (empty when it held): known failures match on all of them.
    pub failures: Vec<Verdict>,
    pub detail: String,
    /// The exit status of the first run, when it exited.
    pub exit: Option<i32>,
    /// The classes the validator named (first run that named any).
    pub classes: Vec<Class>,
    /// For a `not-applicable` tree case: the features its drift depends on that the validator's
    /// record formats cannot express ("beyond the format"); empty otherwise.
    pub beyond: Vec<Feature>,
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
        failures: judged.failures,
        detail: judged.detail,
        exit,
        classes,
        beyond: Vec::new(),
        ms: u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
    };
    if !validator.meets(case) {
        let beyond = validator.beyond_format(case);
        let detail = if beyond.is_empty() {
            "the validator cannot be given this case's inputs".to_owned()
        } else {
            format!(
                "beyond the format: the drift can only be seen in a record of {}",
                beyond
                    .iter()
                    .map(|f| record::feature_words(*f))
                    .collect::<Vec<_>>()
                    .join(" and ")
            )
        };
        let j = Judged::held(Verdict::NotApplicable, detail);
        return CaseResult {
            beyond,
            ..result(j, None, Vec::new())
        };
    }
    let crash = |detail: String| Judged::failed(Verdict::Crash, detail);
    // The workspace is made and removed here, not on the validator's thread: a validator that
    // never answers is abandoned, and its workspace is removed all the same.
    if reaper::stopping() {
        return result(crash("the gate is stopping".into()), None, vec![]);
    }
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
    // Listed while it exists, so that a SIGINT or SIGTERM of the gate removes it too.
    let _listed = reaper::Listed::workspace(ws.base());
    if let Err(e) = materialize(case, &ws) {
        return result(crash(format!("{UNWRITABLE}: {}", e.kind())), None, vec![]);
    }
    let (tx, rx) = mpsc::channel();
    let (c, v, w) = (Arc::clone(case), Arc::clone(validator), Arc::clone(&ws));
    let spawned = std::thread::Builder::new()
        .name(format!("case {}", case.id))
        .spawn(move || {
            let ran = catch_unwind(AssertUnwindSafe(|| v.run(&c, &w)));
            // The workspace is removed by the runner, not here: a thread's last reference would
            // remove it after the answer was sent, while the gate may already be exiting, and
            // leave half a workspace behind.
            drop(w);
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
            let j = Judged::failed(
                Verdict::Timeout,
                format!("no answer within {:.1} s", timeout.as_secs_f64()),
            );
            return result(j, None, Vec::new());
        }
    };
    drop(ws);
    let scanner = match leak::canary_scanner(&case.canaries) {
        Ok(s) => s,
        Err(_) => {
            let j = Judged::failed(
                Verdict::Crash,
                "the leak scanner cannot be built for the case's canaries",
            );
            return result(j, None, Vec::new());
        }
    };
    let scanned: Vec<(Observation, Vec<Leak>)> = runs
        .into_iter()
        .map(|obs| {
            let mut leaks = Leak::found(&scanner, "stdout", &obs.stdout, 0);
            leaks.extend(Leak::found(&scanner, "stderr", &obs.stderr, 0));
            leaks.extend(obs.leaks_in_cut.iter().cloned());
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
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = pairs.len();
    let (stop, stopped) = mpsc::channel::<()>();
    let started = Instant::now();
    let lines = (opts.progress == Progress::Lines && total > 0).then(|| {
        let done = &done;
        move || {
            while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(PROGRESS_EVERY) {
                let line = format!(
                    "sealprobe gate: {} of {total} runs done, {:.0} s\n",
                    done.load(std::sync::atomic::Ordering::Relaxed),
                    started.elapsed().as_secs_f64()
                );
                let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
            }
        }
    });
    let bar = (opts.progress == Progress::Bar).then(|| {
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
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
                r
            })
            .collect::<Vec<_>>()
    };
    let results = std::thread::scope(|scope| {
        if let Some(lines) = lines {
            scope.spawn(lines);
        }
        let results = match rayon::ThreadPoolBuilder::new()
            .num_threads(opts.jobs.max(1))
            .build()
        {
            Ok(pool) => pool.install(work),
            // Without a pool of its own, the gate still runs every case, on the global pool.
            Err(_) => work(),
        };
        drop(stop);
        results
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    // Cases cut short by the gate's own SIGINT or SIGTERM are no verdict: the signal's thread
    // ends the process.
    reaper::park_if_stopping();
    results
}
