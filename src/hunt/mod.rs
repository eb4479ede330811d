//! `sealprobe hunt` (SPEC 7.9): a search for cases the fixed suite does not hold, against any
//! validator, each finding shrunk to the smallest recipe that fails the same way and written as
//! a data case that `sealprobe gate --probes DIR` runs.
//!
//! - [`recipe`]: the recipe the hunt composes, in a data family's own words, drafted by the data
//!   families' reader with its expectation derived from its drift.
//! - [`draw`]: recipes at random, from names and fixtures the families use.
//! - [`shrink`]: smaller recipes to try in place of one that failed.
//! - [`engine`]: the search, through the gate's runner and judge.
//! - [`finding`]: groups, drafted `why`s, the written data cases.
//! - [`render`]: what the command prints.
//!
//! [`run`] is the command, like those of [`crate::command`]: options in, exit status and
//! output out.

pub mod draw;
pub mod engine;
pub mod finding;
pub mod recipe;
pub mod render;
pub mod shrink;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::command::{Exit, Ran};
use crate::gate::{Progress, Sealer, ValidatorSpec};
use crate::probe::case::Family;
pub use engine::{Search, Searched};
pub use finding::Finding;

/// The options of `sealprobe hunt`.
#[derive(Debug, Clone)]
pub struct Options {
    pub validator: ValidatorSpec,
    pub sealer: Option<String>,
    pub seed: u64,
    /// The most edits in one drawn recipe (`--max-edits`).
    pub max_edits: usize,
    pub jobs: usize,
    pub timeout: Duration,
    /// Stop after this many drawn recipes.
    pub runs: Option<u64>,
    /// Stop after this long (the default when neither is given: [`DEFAULT_SECONDS`]).
    pub seconds: Option<u64>,
    /// Where the findings are written (`DIR/hunt.toml`).
    pub out: Option<PathBuf>,
    pub progress: Progress,
    pub work_dir: PathBuf,
}

/// The budget of a hunt given neither `--runs` nor `--seconds`.
pub const DEFAULT_SECONDS: u64 = 60;

/// The file of findings in `--out`.
pub const OUT_FILE: &str = "hunt.toml";

/// One hunt: what it searched and found, and where the findings went.
#[derive(Debug, Clone)]
pub struct Hunted {
    pub seed: u64,
    pub validator: String,
    pub searched: Searched,
    /// The file the findings were written to.
    pub out: Option<PathBuf>,
    /// For each finding, the command that reruns its case in the gate.
    pub reruns: Vec<String>,
}

impl Hunted {
    /// Findings not already in the `--out` file when the hunt started.
    pub fn new_findings(&self) -> usize {
        self.searched.findings.iter().filter(|f| !f.known).count()
    }
}

/// `sealprobe hunt`.
pub fn run(opts: &Options) -> Ran<Hunted> {
    if !(1..=crate::gate::MAX_JOBS).contains(&opts.jobs) {
        return Ran::usage(
            "hunt",
            format!("--jobs must be between 1 and {}", crate::gate::MAX_JOBS),
        );
    }
    if !(1..=draw::MAX_EDITS_LIMIT).contains(&opts.max_edits) {
        return Ran::usage(
            "hunt",
            format!(
                "--max-edits must be between 1 and {}",
                draw::MAX_EDITS_LIMIT
            ),
        );
    }
    if opts.runs == Some(0) || opts.seconds == Some(0) {
        return Ran::usage("hunt", "--runs and --seconds must be at least 1");
    }
    crate::gate::reaper::install_signal_handler();
    let sealer = match opts
        .sealer
        .as_deref()
        .map(|t| Sealer::parse(t, opts.timeout))
    {
        None => None,
        Some(Ok(s)) => Some(Arc::new(s)),
        Some(Err(e)) => return Ran::usage("hunt", e),
    };
    if sealer.is_some()
        && !matches!(&opts.validator, ValidatorSpec::Command(t) if t.contains(crate::gate::command::OUT))
    {
        return Ran::usage(
            "hunt",
            "--sealer is given but the --validator does not read its record ({out})",
        );
    }
    let validator = match opts.validator.build(opts.timeout, false, sealer.as_ref()) {
        Ok(v) => v,
        Err(e) => return Ran::usage("hunt", e),
    };
    let family = match Family::named(recipe::FAMILY) {
        Some(f) => f,
        None => return Ran::stopped(Exit::Fail, "hunt", "the hunt's family has no plain name"),
    };
    let known = match &opts.out {
        None => Vec::new(),
        Some(dir) => match known_names(dir, family) {
            Ok(k) => k,
            Err(e) => return Ran::usage("hunt", e),
        },
    };
    let cases = match crate::probe::suite(opts.seed) {
        Ok(c) => c,
        Err(p) => {
            return Ran::stopped(
                Exit::Fail,
                "hunt",
                format!("the probe suite is broken:\n  {}", p.join("\n  ")),
            );
        }
    };
    let pools = draw::Pools::of_suite(&cases);
    let search = Search {
        validator: Arc::clone(&validator),
        seed: opts.seed,
        max_edits: opts.max_edits,
        jobs: opts.jobs,
        timeout: opts.timeout,
        work_dir: opts.work_dir.clone(),
        runs: opts.runs,
        seconds: match (opts.runs, opts.seconds) {
            (None, None) => Some(Duration::from_secs(DEFAULT_SECONDS)),
            (_, s) => s.map(Duration::from_secs),
        },
    };
    let progress = render::Progressing::new(opts.progress, search.runs, search.seconds);
    let mut searched = search.search(&pools, &|s| progress.update(s));
    progress.finish();
    for f in &mut searched.findings {
        f.known = known.contains(&f.key.case_name());
    }
    let validator_arg = validator.rerun_arg();
    let reruns: Vec<String> = searched
        .findings
        .iter()
        .map(|f| rerun(f, opts, validator_arg.as_deref()))
        .collect();
    let mut hunted = Hunted {
        seed: opts.seed,
        validator: validator.name(),
        searched,
        out: None,
        reruns,
    };
    let mut stderr = Vec::new();
    let mut exit = if hunted.searched.findings.is_empty() {
        Exit::Pass
    } else {
        Exit::Fail
    };
    if hunted.searched.ran == 0 || hunted.searched.controls == 0 {
        stderr.extend_from_slice(
            format!(
                "sealprobe hunt: the validator was given {} of {} drawn recipes and {} controls: nothing shows it runs and accepts honest input, so the hunt proves nothing\n",
                hunted.searched.ran, hunted.searched.drawn, hunted.searched.controls
            )
            .as_bytes(),
        );
        exit = Exit::Fail;
    }
    if let Some(dir) = &opts.out {
        match write_findings(dir, &hunted, opts, family) {
            Ok(path) => hunted.out = Some(path),
            Err(e) => {
                stderr.extend_from_slice(format!("sealprobe hunt: {e}\n").as_bytes());
                exit = Exit::Fail;
            }
        }
    }
    Ran {
        exit,
        stdout: render::summary(&hunted).into_bytes(),
        stderr,
        outcome: Some(hunted),
    }
}

/// The command that reruns a finding's case in the gate.
fn rerun(f: &Finding, opts: &Options, validator: Option<&str>) -> String {
    use crate::probe::shell_quote;
    let dir = opts.out.as_ref().map_or_else(
        || "DIR".to_owned(),
        |d| {
            std::path::absolute(d)
                .unwrap_or_else(|_| d.clone())
                .to_string_lossy()
                .into_owned()
        },
    );
    let mut cmd = format!(
        "sealprobe gate --probes {} --case {}",
        shell_quote(&dir),
        shell_quote(&format!("{}/{}", recipe::FAMILY, f.key.case_name()))
    );
    if opts.timeout != crate::gate::DEFAULT_TIMEOUT {
        cmd.push_str(&format!(" --timeout {}", opts.timeout.as_secs_f64()));
    }
    if let Some(v) = validator {
        if let Some(s) = &opts.sealer
            && v.contains(crate::gate::command::OUT)
        {
            cmd.push_str(&format!(" --sealer {}", shell_quote(s)));
        }
        cmd.push_str(&format!(" --validator {}", shell_quote(v)));
    }
    crate::escape::name(cmd.as_bytes())
}

/// The case names already in `dir/hunt.toml` (none when there is no such file); a file that
/// is not a data family that loads is refused, so a hunt never appends to a broken file.
fn known_names(dir: &Path, family: Family) -> Result<Vec<String>, String> {
    let path = dir.join(OUT_FILE);
    let text = match std::fs::read(&path) {
        Ok(b) => String::from_utf8(b).map_err(|_| format!("--out: {OUT_FILE} is not UTF-8"))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("--out: {OUT_FILE} cannot be read ({})", e.kind())),
    };
    let cases = crate::probe::data::load(&text, OUT_FILE, family).map_err(|p| {
        format!(
            "--out: {OUT_FILE} is not a data family that loads:\n  {}",
            p.join("\n  ")
        )
    })?;
    Ok(cases.iter().map(|c| c.name().to_owned()).collect())
}

/// Appends the new findings to `dir/hunt.toml` (started with a header when absent), checks that
/// the whole file still loads as a data family, and writes it in one rename.
fn write_findings(
    dir: &Path,
    hunted: &Hunted,
    opts: &Options,
    family: Family,
) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("--out cannot be made ({})", e.kind()))?;
    let path = dir.join(OUT_FILE);
    let mut text = match std::fs::read(&path) {
        Ok(b) => String::from_utf8(b).map_err(|_| format!("{OUT_FILE} is not UTF-8"))?,
        Err(_) => finding::file_header(),
    };
    let template = crate::escape::name(hunted.validator.as_bytes());
    for (f, rerun) in hunted.searched.findings.iter().zip(&hunted.reruns) {
        if f.known {
            continue;
        }
        let depth = if opts.max_edits == draw::MAX_EDITS {
            String::new()
        } else {
            format!(" --max-edits {}", opts.max_edits)
        };
        let origin = format!(
            "found by `sealprobe hunt --seed {}{depth}` at run {} against {template} ({} run{} fell into this group)",
            opts.seed,
            f.first_run,
            f.runs,
            if f.runs == 1 { "" } else { "s" }
        );
        text.push_str(&f.data_case(&origin, rerun)?);
    }
    crate::probe::data::load(&text, OUT_FILE, family).map_err(|p| {
        format!(
            "the findings do not load back as a data family (a defect of sealprobe):\n  {}",
            p.join("\n  ")
        )
    })?;
    let tmp = dir.join(format!(".{OUT_FILE}.tmp"));
    std::fs::write(&tmp, &text)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| format!("{OUT_FILE} cannot be written ({})", e.kind()))?;
    Ok(path)
}
