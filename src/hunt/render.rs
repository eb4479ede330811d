//! What `sealprobe hunt` prints: the summary on stdout (what was drawn and run, runs per second,
//! each finding in one block with its rerun command), and progress on stderr while it runs (a
//! bar on a terminal, a line every ten seconds in a pipe or with `CI` set). No file contents are
//! printed: a finding names its traits, sizes and case, and the case itself is in `--out`.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{Hunted, Searched};
use crate::gate::{PROGRESS_EVERY, Progress};

/// The summary of a hunt.
pub fn summary(h: &Hunted) -> String {
    let s = &h.searched;
    let mut out = format!(
        "sealprobe hunt: seed {}, validator {}\n",
        h.seed,
        crate::escape::name(h.validator.as_bytes())
    );
    out.push_str(&format!(
        "{} recipes drawn: {} run ({} controls), {} beyond the validator's format, {} drafted no case\n",
        s.drawn, s.ran, s.controls, s.not_applicable, s.undrafted
    ));
    out.push_str(&format!(
        "{} validator runs in {:.1} s ({:.1} runs/s), {} of them shrinking\n",
        s.validator_runs,
        s.elapsed.as_secs_f64(),
        s.rate(),
        s.shrink_runs
    ));
    if s.findings.is_empty() {
        out.push_str("nothing found: every drawn recipe held\n");
        return out;
    }
    let new = h.new_findings();
    out.push_str(&format!(
        "{} finding{} ({} new){}\n",
        s.findings.len(),
        if s.findings.len() == 1 { "" } else { "s" },
        new,
        h.out.as_ref().map_or_else(
            || ", not written (give --out DIR to write them as cases)".to_owned(),
            |p| format!(
                ", in {}",
                crate::escape::name(p.as_os_str().as_encoded_bytes())
            )
        )
    ));
    for (i, (f, rerun)) in s.findings.iter().zip(&h.reruns).enumerate() {
        out.push_str(&format!(
            "\n{}. {}{}\n",
            i + 1,
            f.key.words(),
            if f.known {
                "  (known: already in --out)"
            } else {
                ""
            }
        ));
        out.push_str(&format!(
            "   first at run {}, {} run{} in this group; shrunk to {} file{} and {} edit{}: case hunt/{}\n",
            f.first_run,
            f.runs,
            if f.runs == 1 { "" } else { "s" },
            f.recipe.files.len(),
            if f.recipe.files.len() == 1 { "" } else { "s" },
            f.recipe.edits.len(),
            if f.recipe.edits.len() == 1 { "" } else { "s" },
            f.key.case_name()
        ));
        out.push_str(&format!("   {}\n", f.detail));
        out.push_str(&match &f.builtin {
            Ok(classes) if classes.is_empty() => "   sealprobe verify holds it\n".to_owned(),
            Ok(classes) => format!(
                "   sealprobe verify holds it, naming {}\n",
                classes
                    .iter()
                    .map(|c| c.name())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            Err(why) => format!(
                "   sealprobe verify does not hold it either (a defect of sealprobe): {why}\n"
            ),
        });
        out.push_str(&format!("   rerun: {rerun}\n"));
    }
    out
}

/// Progress while a hunt runs.
pub struct Progressing {
    mode: Progress,
    bar: Option<indicatif::ProgressBar>,
    /// The bar counts recipes drawn (a run budget), not seconds.
    in_runs: bool,
    last: Mutex<Instant>,
}

impl Progressing {
    /// Progress in `mode`, measured in runs when the hunt has a run budget, else in seconds.
    pub fn new(mode: Progress, runs: Option<u64>, seconds: Option<Duration>) -> Progressing {
        let bar = (mode == Progress::Bar).then(|| {
            let (len, unit) = match (runs, seconds) {
                (Some(n), _) => (n, "recipes"),
                (None, s) => (s.map_or(0, |s| s.as_secs()), "s"),
            };
            let bar = indicatif::ProgressBar::new(len);
            bar.set_style(
                indicatif::ProgressStyle::with_template(&format!(
                    "{{bar:40}} {{pos}}/{{len}} {unit}  {{msg}}"
                ))
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        Progressing {
            mode,
            bar,
            in_runs: runs.is_some(),
            last: Mutex::new(Instant::now()),
        }
    }

    /// After a batch.
    pub fn update(&self, s: &Searched) {
        let msg = format!(
            "{} runs, {:.0} runs/s, {} found",
            s.validator_runs,
            s.rate(),
            s.findings.len()
        );
        if let Some(bar) = &self.bar {
            let pos = if self.in_runs {
                s.drawn
            } else {
                s.elapsed.as_secs()
            };
            bar.set_position(pos.min(bar.length().unwrap_or(pos)));
            bar.set_message(msg);
            return;
        }
        if self.mode == Progress::Lines
            && let Ok(mut last) = self.last.lock()
            && last.elapsed() >= PROGRESS_EVERY
        {
            *last = Instant::now();
            let line = format!(
                "sealprobe hunt: {} recipes drawn in {:.0} s, {msg}\n",
                s.drawn,
                s.elapsed.as_secs_f64()
            );
            let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
        }
    }

    /// The bar cleared.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
