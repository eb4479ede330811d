//! The verdict on one case: what the validator did against what the case expects. Pure: the
//! runner has already run the validator and scanned its output.
//!
//! Precedence, worst first: a timeout; a crash (a panic, a signal, exit 101 or 126 and above, or
//! output held open after the validator exited) is never counted as failing closed; a leak
//! fails a case whatever else it did; then a control that was refused, or a hostile case that
//! was accepted; then a hostile case refused without naming every expected class. Each run of
//! the validator (both formats, for the built-in one) is judged; the worst verdict counts, and
//! every failure is kept beside it, so nothing a run did wrong is hidden by something worse.

use super::validator::{Ending, Leak, Observation};
use crate::probe::case::{Case, Class, Expect};

crate::vocabulary! {
    /// What became of one case (SPEC 7.4).
    pub enum Verdict {
        Ok => "ok",
        FailedOpen => "failed-open",
        WrongClass => "wrong-class",
        Leak => "leak",
        Crash => "crash",
        Timeout => "timeout",
        ControlFailed => "control-failed",
        NotApplicable => "not-applicable",
        KnownFailure => "known-failure",
    }
}

impl Verdict {
    /// True when the case held (or could not be put to the validator, which is reported apart).
    pub fn holds(self) -> bool {
        matches!(
            self,
            Verdict::Ok | Verdict::NotApplicable | Verdict::KnownFailure
        )
    }

    /// Worse verdicts win when several runs of one case disagree.
    fn severity(self) -> u8 {
        match self {
            Verdict::Ok | Verdict::NotApplicable | Verdict::KnownFailure => 0,
            Verdict::WrongClass => 1,
            Verdict::FailedOpen | Verdict::ControlFailed => 2,
            Verdict::Leak => 3,
            Verdict::Crash => 4,
            Verdict::Timeout => 5,
        }
    }
}

/// The verdict and one line on why. A run can fail in several ways at once (a hostile case
/// accepted *and* a token printed; a validator that crashed after leaking): `verdict` is the
/// worst, `failures` every way it failed (sorted, no repeats), and `detail` says each. Known
/// failures (SPEC 7.6) match on the whole set, so a listed `failed-open` that now also leaks is
/// not excused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judged {
    pub verdict: Verdict,
    pub failures: Vec<Verdict>,
    pub detail: String,
}

impl Judged {
    /// A run that held (or could not be given to the validator): no failure.
    pub fn held(verdict: Verdict, detail: impl Into<String>) -> Judged {
        Judged {
            verdict,
            failures: Vec::new(),
            detail: detail.into(),
        }
    }

    /// A run that failed in one way.
    pub fn failed(verdict: Verdict, detail: impl Into<String>) -> Judged {
        Judged {
            verdict,
            failures: vec![verdict],
            detail: detail.into(),
        }
    }
}

/// A crash, by the validator protocol: killed, a Rust panic (101), or 126 and above.
pub fn is_crash(ending: Ending) -> bool {
    match ending {
        Ending::Crashed => true,
        Ending::TimedOut => false,
        Ending::Exited(code) => code == 101 || !(0..126).contains(&code),
    }
}

fn names(classes: &[Class]) -> String {
    if classes.is_empty() {
        "nothing".to_owned()
    } else {
        classes
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Leak findings listed in a detail line; the rest are counted.
const LEAKS_SHOWN: usize = 3;

/// The leaks of a run as a clause: where each is (stream and byte offset), what it is (a rule
/// id, or a planted string's fingerprint) and its encoding chain; never the secret.
fn leak_clause(leaks: &[Leak]) -> String {
    let shown: Vec<String> = leaks.iter().take(LEAKS_SHOWN).map(Leak::describe).collect();
    let more = leaks.len().saturating_sub(LEAKS_SHOWN);
    format!(
        "the output leaks ({} finding{}: {}{})",
        leaks.len(),
        if leaks.len() == 1 { "" } else { "s" },
        shown.join(", "),
        if more > 0 {
            format!(", and {more} more")
        } else {
            String::new()
        }
    )
}

/// Judges one run: every way it failed, worst first.
fn judge_one(case: &Case, obs: &Observation, leaks: &[Leak]) -> Judged {
    let label = &obs.label;
    let mut found: Vec<(Verdict, String)> = Vec::new();
    let code = match obs.ending {
        Ending::Exited(code) if !is_crash(obs.ending) => Some(code),
        Ending::Exited(code) => {
            found.push((Verdict::Crash, format!("crashed (exit {code})")));
            None
        }
        Ending::Crashed => {
            found.push((Verdict::Crash, "crashed (killed or panicked)".to_owned()));
            None
        }
        Ending::TimedOut => {
            found.push((Verdict::Timeout, "killed at the deadline".to_owned()));
            None
        }
    };
    if obs.escaped > 0 {
        found.push((
            Verdict::Crash,
            format!(
                "escaped: its output was still held open after it exited ({} process{} left behind, killed)",
                obs.escaped,
                if obs.escaped == 1 { "" } else { "es" }
            ),
        ));
    }
    if !leaks.is_empty() {
        found.push((Verdict::Leak, leak_clause(leaks)));
    }
    let mut held = String::new();
    if let Some(code) = code {
        match &case.expect {
            Expect::Pass if code != 0 => found.push((
                Verdict::ControlFailed,
                format!("a control was refused (exit {code})"),
            )),
            Expect::Pass => held = "accepted".to_owned(),
            Expect::FailClosed(_) if code == 0 => found.push((
                Verdict::FailedOpen,
                "a hostile case was accepted (exit 0)".to_owned(),
            )),
            Expect::FailClosed(expected) => match &obs.classes {
                None => held = format!("refused (exit {code})"),
                Some(named) => {
                    let missing = expected.iter().any(|c| !named.contains(c));
                    if missing {
                        found.push((
                            Verdict::WrongClass,
                            format!(
                                "refused (exit {code}) but named {} instead of {}",
                                names(named),
                                names(expected)
                            ),
                        ));
                    } else {
                        held = format!("refused (exit {code}), named {}", names(named));
                    }
                }
            },
        }
    }
    if found.is_empty() {
        return Judged::held(Verdict::Ok, format!("{label}: {held}"));
    }
    found.sort_by_key(|(v, _)| std::cmp::Reverse(v.severity()));
    let mut failures: Vec<Verdict> = found.iter().map(|(v, _)| *v).collect();
    failures.sort();
    failures.dedup();
    Judged {
        verdict: found[0].0,
        failures,
        detail: format!(
            "{label}: {}",
            found
                .into_iter()
                .map(|(_, d)| d)
                .collect::<Vec<_>>()
                .join("; ")
        ),
    }
}

/// Judges every run of one case: the worst verdict counts, and the failures of every run are
/// kept. No run at all is a crash: a validator that produced nothing did not fail closed.
pub fn judge(case: &Case, runs: &[(Observation, Vec<Leak>)]) -> Judged {
    let judged: Vec<Judged> = runs
        .iter()
        .map(|(obs, leaks)| judge_one(case, obs, leaks))
        .collect();
    let Some(worst) = judged.iter().max_by_key(|j| j.verdict.severity()).cloned() else {
        return Judged::failed(Verdict::Crash, "the validator produced no run");
    };
    let mut failures: Vec<Verdict> = judged.iter().flat_map(|j| j.failures.clone()).collect();
    failures.sort();
    failures.dedup();
    Judged { failures, ..worst }
}
