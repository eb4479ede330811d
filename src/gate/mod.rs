//! The release gate (SPEC 7.4): every probe case against a validator; it passes only if every
//! hostile case fails closed (naming its classes, for the built-in validator), every control
//! passes, nothing crashes or hangs, and no output leaks a canary or a token shape.
//!
//! - [`validator`]: what can be run (the built-in validator, in-process, in both formats).
//! - [`runner`]: workspaces, threads, deadlines, parallelism, the leak scan.
//! - [`judge`]: the verdict on one case.
//! - [`render`]: the per-family table (or the compatibility matrix), `sealprobe-gate/1` JSON
//!   and JUnit; [`sarif`]: SARIF 2.1.0; [`page`]: Markdown (a CI job summary) and HTML.
//! - [`command`]: command validators; [`known`]: the known-failures list; [`selftest`]: the
//!   negative control, the built-in validator weakened one way at a time.
//!
//! [`run`] is the command (`sealprobe gate`): options in, exit status and output out, like the
//! commands of [`crate::command`]. [`GateRun::passed`] is the one definition of a passing gate:
//! it also fails when it ran no case, or fewer than the set holds for the filters.

pub mod command;
pub mod judge;
pub mod known;
pub mod page;
pub mod reaper;
pub mod render;
pub mod runner;
pub mod sarif;
pub mod selftest;
pub mod validator;

#[cfg(test)]
mod toy_format;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::command::{Exit, Ran};
use crate::digest::Digest;
use crate::probe::case::{Case, case_set_digest};
use crate::probe::{Filter, SuiteError, shell_quote, suite_with};
pub use command::{CommandValidator, Sealer};
pub use judge::Verdict;
pub use runner::{CaseResult, PROGRESS_EVERY, Progress, RunOptions, default_work_dir, run_cases};
pub use validator::{Builtin, Ending, Observation, Validator};

/// The options of `sealprobe gate`.
#[derive(Debug, Clone)]
pub struct Options {
    pub seed: u64,
    pub filter: Filter,
    pub run: RunOptions,
    pub reports: Reports,
    /// The validators (the built-in one when empty).
    pub validators: Vec<ValidatorSpec>,
    /// Command validators print a `sealprobe-report/1` or decision report on stdout, whose
    /// classes are compared too.
    pub validator_report: bool,
    /// The known-failures list (SPEC 7.6).
    pub known_failures: Option<PathBuf>,
    /// Run only partition `K` of `N` (1-based): the cases whose index in id order is `K - 1`
    /// modulo `N`.
    pub partition: Option<(usize, usize)>,
    /// The negative control: run the weakened built-in validators instead (SPEC 7.7).
    pub self_test: bool,
    /// A sealer (`--sealer 'CMD {root} {out}'`, SPEC 7.8), run on the honest state before every
    /// validator whose template reads its record (`{out}`).
    pub sealer: Option<String>,
    /// Folders of data families and case folders loaded besides the suite (`--probes`).
    pub probes: Vec<PathBuf>,
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
    /// For each validator, the `--validator` argument that selects it again (`None` for the
    /// built-in one, the default).
    pub rerun_validators: Vec<(String, Option<String>)>,
    /// What the known-failures list did (stale and unknown entries fail the run).
    pub known: known::Applied,
    /// The partition this run covered, if any.
    pub partition: Option<(usize, usize)>,
    /// The sentinel controls (SPEC 7.5): honest cases of every carrier each validator meets,
    /// run whatever the filters selected. A validator that refuses one fails the gate.
    pub sentinels: Vec<CaseResult>,
    pub sentinel_cases: Vec<Arc<Case>>,
    /// For each validator, the repository-relative path of its script when its template names
    /// one below the folder the gate ran in (SARIF locations).
    pub sources: Vec<(String, Option<String>)>,
    /// Options besides `--case`, `--seed` and `--validator` that change a verdict, as they go
    /// into every rerun command (`--timeout S`, `--validator-report`).
    pub rerun_options: Vec<String>,
    /// The sealer's template, for the rerun command of a validator that reads its record.
    pub rerun_sealer: Option<String>,
}

impl GateRun {
    /// Results per case id, in case order.
    pub fn case(&self, id: &str) -> Option<&Case> {
        self.cases.iter().find(|c| c.id == id).map(|c| c.as_ref())
    }

    /// A sentinel control by id (sentinels may lie outside the selected cases).
    pub fn sentinel_case(&self, id: &str) -> Option<&Case> {
        self.sentinel_cases
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.as_ref())
    }

    /// The number of results the run had to produce.
    pub fn expected(&self) -> usize {
        self.cases.len() * self.validators.len()
    }

    /// True only when the run covered every selected case (at least one), every case held, and
    /// every sentinel control was accepted.
    pub fn passed(&self) -> bool {
        self.expected() > 0
            && self.results.len() == self.expected()
            && self.results.iter().all(|r| r.verdict.holds())
            && self.known.is_clean()
            && self.sentinels_held()
            && self.unchecked_validators().is_empty()
    }

    /// Validators this run proves nothing about: none of the selected cases could be given to
    /// them (every run `not-applicable`), or no sentinel control was accepted (none could be
    /// given, so nothing shows the validator runs and accepts honest input).
    pub fn unchecked_validators(&self) -> Vec<&str> {
        self.validators
            .iter()
            .filter(|v| {
                let applicable = self
                    .results
                    .iter()
                    .any(|r| &r.validator == *v && r.verdict != Verdict::NotApplicable);
                let sentinel = self
                    .sentinels
                    .iter()
                    .any(|r| &r.validator == *v && r.verdict == Verdict::Ok);
                !(applicable && sentinel)
            })
            .map(String::as_str)
            .collect()
    }

    /// Every sentinel control was accepted, cleanly (a sentinel is never a known failure).
    pub fn sentinels_held(&self) -> bool {
        self.refused_sentinels().next().is_none()
    }

    /// The sentinel controls that were not accepted cleanly.
    pub fn refused_sentinels(&self) -> impl Iterator<Item = &CaseResult> {
        self.sentinels
            .iter()
            .filter(|r| !matches!(r.verdict, Verdict::Ok | Verdict::NotApplicable))
    }

    /// The command that reruns one case alone against one validator.
    pub fn rerun(&self, id: &str, validator: &str) -> String {
        let mut cmd = format!(
            "sealprobe gate --case {} --seed {}",
            shell_quote(id),
            self.seed
        );
        for option in &self.rerun_options {
            cmd.push(' ');
            cmd.push_str(&shell_quote(option));
        }
        let arg = self
            .rerun_validators
            .iter()
            .find(|(name, _)| name == validator)
            .and_then(|(_, arg)| arg.clone());
        if let Some(arg) = arg {
            if arg.contains(command::OUT)
                && let Some(sealer) = &self.rerun_sealer
            {
                cmd.push_str(" --sealer ");
                cmd.push_str(&shell_quote(sealer));
            }
            cmd.push_str(" --validator ");
            cmd.push_str(&shell_quote(&arg));
        }
        cmd
    }
}

/// Runs `cases` (the selection of `filter` from the suite of `seed`, whose digest is `case_set`)
/// against every one of `validators`, with the sentinel controls drawn from `cases` themselves
/// (a caller that has the whole suite uses [`run_with_sentinels`]).
pub fn run_with(
    cases: Vec<Arc<Case>>,
    case_set: Digest,
    seed: u64,
    filter: Filter,
    validators: Vec<Arc<dyn Validator>>,
    opts: &RunOptions,
) -> GateRun {
    let sentinel_cases = sentinels(cases.iter().map(Arc::as_ref), &validators);
    run_with_sentinels(
        cases,
        sentinel_cases,
        case_set,
        seed,
        filter,
        validators,
        opts,
    )
}

/// [`run_with`], with the sentinel controls given: they run first, whatever `cases` holds.
pub fn run_with_sentinels(
    cases: Vec<Arc<Case>>,
    sentinel_cases: Vec<Arc<Case>>,
    case_set: Digest,
    seed: u64,
    filter: Filter,
    validators: Vec<Arc<dyn Validator>>,
    opts: &RunOptions,
) -> GateRun {
    let sentinel_results = run_cases(&sentinel_cases, &validators, opts);
    let start = Instant::now();
    let results = run_cases(&cases, &validators, opts);
    GateRun {
        seed,
        filter,
        case_set,
        validators: validators.iter().map(|v| v.name()).collect(),
        rerun_validators: validators
            .iter()
            .map(|v| (v.name(), v.rerun_arg()))
            .collect(),
        cases,
        results,
        elapsed: start.elapsed(),
        known: known::Applied::default(),
        partition: None,
        sentinels: sentinel_results,
        sentinel_cases,
        sources: validators
            .iter()
            .map(|v| (v.name(), v.source().and_then(|p| relative_to_here(&p))))
            .collect(),
        rerun_options: Vec::new(),
        rerun_sealer: None,
    }
}

/// `path` relative to the current folder, `/`-separated, when it lies below it.
fn relative_to_here(path: &std::path::Path) -> Option<String> {
    let here = std::env::current_dir().ok()?;
    let rel = path.strip_prefix(&here).ok()?;
    let parts: Vec<&str> = rel
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect::<Option<_>>()?;
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The sentinel controls for `validators` (SPEC 7.5): for each validator and each carrier it
/// meets, the first control of the suite (in id order) it can be given. Together they prove the
/// validator ran and accepts honest input, whatever the filters selected.
pub fn sentinels<'a>(
    all: impl IntoIterator<Item = &'a Case>,
    validators: &[Arc<dyn Validator>],
) -> Vec<Arc<Case>> {
    let mut picked: Vec<Arc<Case>> = Vec::new();
    let mut controls: Vec<&Case> = all.into_iter().filter(|c| c.expect.is_control()).collect();
    controls.sort_by(|a, b| a.id.cmp(&b.id));
    for carrier in crate::probe::case::Carrier::all() {
        for v in validators {
            if let Some(c) = controls.iter().find(|c| c.carrier == carrier && v.meets(c))
                && !picked.iter().any(|p| p.id == c.id)
            {
                picked.push(Arc::new((*c).clone()));
            }
        }
    }
    picked
}

/// The default `--timeout`: a case over it is a timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Most cases a gate runs at once. Each job holds a thread, a workspace and, for a command
/// validator, its processes and two reader threads; past a few per core the gate only waits on
/// forks and the disk, and thousands of jobs would run into the process limit, where a failed
/// fork would be misread as a crash. 64 covers a 32-core runner at twice its cores.
pub const MAX_JOBS: usize = 64;

/// Which validator to run: `builtin`, or a command template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValidatorSpec {
    Builtin,
    Command(String),
}

impl ValidatorSpec {
    /// `builtin` is the built-in validator; anything else a command template.
    pub fn from_arg(arg: &str) -> ValidatorSpec {
        if arg == "builtin" {
            ValidatorSpec::Builtin
        } else {
            ValidatorSpec::Command(arg.to_owned())
        }
    }

    /// The validator, with its program resolved and checked (SPEC 7.5): a usage error when the
    /// template cannot run, or reads a sealer's record and no sealer is given.
    pub fn build(
        &self,
        timeout: Duration,
        reports: bool,
        sealer: Option<&Arc<Sealer>>,
    ) -> Result<Arc<dyn Validator>, String> {
        Ok(match self {
            ValidatorSpec::Builtin => Arc::new(Builtin),
            ValidatorSpec::Command(t) => {
                let v = CommandValidator::parse(t, timeout)?.reading_reports(reports);
                if v.reads_sealed() && sealer.is_none() {
                    let shown = crate::escape::name(t.as_bytes());
                    return Err(format!(
                        "--validator '{shown}' reads {{out}}, the record of a sealer: give --sealer 'CMD {{root}} {{out}}'"
                    ));
                }
                Arc::new(v.sealed_by(sealer))
            }
        })
    }
}

/// A report written to a file.
type Renderer = dyn Fn(&GateRun) -> Result<Vec<u8>, String>;

/// `sealprobe gate`.
pub fn run(opts: &Options) -> Ran<GateRun> {
    if opts.self_test {
        let given: Vec<&str> = [
            (!opts.validators.is_empty(), "--validator"),
            (opts.known_failures.is_some(), "--known-failures"),
            (opts.validator_report, "--validator-report"),
            (opts.sealer.is_some(), "--sealer"),
            (opts.reports.junit.is_some(), "--junit"),
            (opts.reports.sarif.is_some(), "--sarif"),
            (opts.reports.markdown.is_some(), "--markdown"),
            (opts.reports.html.is_some(), "--html"),
        ]
        .into_iter()
        .filter_map(|(given, name)| given.then_some(name))
        .collect();
        if !given.is_empty() {
            return Ran::usage(
                "gate",
                format!(
                    "--self-test runs the weakened built-in validators only and writes only --json; it does not take {}",
                    given.join(", ")
                ),
            );
        }
    }
    if !(1..=MAX_JOBS).contains(&opts.run.jobs) {
        return Ran::usage("gate", format!("--jobs must be between 1 and {MAX_JOBS}"));
    }
    reaper::install_signal_handler();
    let specs = if opts.validators.is_empty() {
        vec![ValidatorSpec::Builtin]
    } else {
        opts.validators.clone()
    };
    let sealer = match opts
        .sealer
        .as_deref()
        .map(|t| Sealer::parse(t, opts.run.timeout))
    {
        None => None,
        Some(Ok(s)) => Some(Arc::new(s)),
        Some(Err(e)) => return Ran::usage("gate", e),
    };
    if sealer.is_some()
        && !specs
            .iter()
            .any(|s| matches!(s, ValidatorSpec::Command(t) if t.contains(command::OUT)))
    {
        return Ran::usage(
            "gate",
            "--sealer is given but no --validator reads its record ({out})",
        );
    }
    let mut validators: Vec<Arc<dyn Validator>> = Vec::new();
    for spec in &specs {
        match spec.build(opts.run.timeout, opts.validator_report, sealer.as_ref()) {
            Ok(v) if validators.iter().any(|w| w.name() == v.name()) => {
                return Ran::usage("gate", "the same --validator is given twice");
            }
            Ok(v) => validators.push(v),
            Err(e) => return Ran::usage("gate", e),
        }
    }
    let all = match suite_with(opts.seed, &opts.probes) {
        Ok(c) => c,
        Err(SuiteError::Usage(problems)) => {
            return Ran::usage(
                "gate",
                format!(
                    "a --probes folder is malformed:\n  {}",
                    problems.join("\n  ")
                ),
            );
        }
        Err(SuiteError::Broken(problems)) => {
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
    let selection = match opts.filter.compile_for(&all) {
        Ok(s) => s,
        Err(e) => return Ran::usage("gate", e),
    };
    let known = match &opts.known_failures {
        None => Vec::new(),
        Some(path) => {
            let read = crate::small_file::read(
                &crate::small_file::Source::from_arg(path),
                crate::small_file::DEFAULT_LIMIT,
            )
            .map_err(|e| format!("the known-failures file {e}"))
            .and_then(|b| {
                String::from_utf8(b).map_err(|_| "the known-failures file is not UTF-8".into())
            })
            .and_then(|t| known::parse(&t));
            match read {
                Ok(k) => k,
                Err(e) => return Ran::usage("gate", e),
            }
        }
    };
    if let Some((k, n)) = opts.partition
        && !(1..=n).contains(&k)
    {
        return Ran::usage("gate", "--partition K/N needs 1 <= K <= N");
    }
    let case_set = case_set_digest(&all);
    let suite_ids: Vec<String> = all.iter().map(|c| c.id.clone()).collect();
    let sentinel_cases = sentinels(&all, &validators);
    let cases: Vec<Arc<Case>> = all
        .into_iter()
        .filter(|c| selection.admits(c))
        .enumerate()
        .filter(|(i, _)| opts.partition.is_none_or(|(k, n)| i % n == k - 1))
        .map(|(_, c)| Arc::new(c))
        .collect();
    if opts.self_test {
        return self_test(&cases, &case_set, opts);
    }
    let mut run = run_with_sentinels(
        cases,
        sentinel_cases,
        case_set,
        opts.seed,
        opts.filter.clone(),
        validators,
        &opts.run,
    );
    let ids: Vec<&str> = suite_ids.iter().map(String::as_str).collect();
    run.known = known::apply(&known, &mut run.results, &ids);
    run.partition = opts.partition;
    if opts.run.timeout != DEFAULT_TIMEOUT {
        run.rerun_options.extend([
            "--timeout".to_owned(),
            opts.run.timeout.as_secs_f64().to_string(),
        ]);
    }
    if opts.validator_report {
        run.rerun_options.push("--validator-report".to_owned());
    }
    run.rerun_sealer = sealer.map(|s| s.template().to_owned());
    for dir in &opts.probes {
        let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.clone());
        run.rerun_options
            .extend(["--probes".to_owned(), dir.to_string_lossy().into_owned()]);
    }
    conclude(run, &opts.reports)
}

/// `sealprobe gate --self-test`: every weakened validator over the selected cases; exit 0 only
/// when every one was caught.
fn self_test(cases: &[Arc<Case>], case_set: &Digest, opts: &Options) -> Ran<GateRun> {
    let caught = selftest::run(cases, selftest::Flaw::ALL, &opts.run);
    let all = !caught.is_empty() && caught.iter().all(|c| c.caught());
    let mut stderr = Vec::new();
    let mut exit = if all { Exit::Pass } else { Exit::Fail };
    if let Some(path) = &opts.reports.json
        && std::fs::write(path, selftest::json(&caught, opts.seed, case_set)).is_err()
    {
        stderr.extend_from_slice(b"sealprobe gate: the self-test report cannot be written\n");
        exit = Exit::Fail;
    }
    Ran {
        exit,
        stdout: selftest::table(&caught, opts.seed, &case_set.to_hex(), cases.len()).into_bytes(),
        stderr,
        outcome: None,
    }
}

/// Where a gate run's report files go.
#[derive(Debug, Clone, Default)]
pub struct Reports {
    /// `sealprobe-gate/1`.
    pub json: Option<PathBuf>,
    /// JUnit.
    pub junit: Option<PathBuf>,
    /// SARIF 2.1.0.
    pub sarif: Option<PathBuf>,
    /// Markdown, for a CI job summary.
    pub markdown: Option<PathBuf>,
    /// One self-contained HTML page.
    pub html: Option<PathBuf>,
}

/// The end of every gate run: the table on stdout, the report files, and the exit status (`0`
/// only when the run passed and every report was written).
pub fn conclude(run: GateRun, reports: &Reports) -> Ran<GateRun> {
    let mut stderr = Vec::new();
    let mut exit = if run.passed() { Exit::Pass } else { Exit::Fail };
    let json = |run: &GateRun| Ok(render::json(run));
    let markdown = |run: &GateRun| Ok(page::markdown(run));
    let html = |run: &GateRun| Ok(page::html(run));
    let files: [(Option<&PathBuf>, &Renderer); 5] = [
        (reports.json.as_ref(), &json),
        (reports.junit.as_ref(), &render::junit),
        (reports.sarif.as_ref(), &sarif::sarif),
        (reports.markdown.as_ref(), &markdown),
        (reports.html.as_ref(), &html),
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
