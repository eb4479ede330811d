//! The verdict on one case: what the validator did against what the case expects. Pure: the
//! runner has already run the validator and scanned its output.
//!
//! Precedence, worst first: a crash (a panic, a signal, exit 101 or 126 and above) is never
//! counted as failing closed; a leak fails a case whatever else it did; then a control that was
//! refused, or a hostile case that was accepted; then a hostile case refused without naming
//! every expected class. Each run of the validator (both formats, for the built-in one) is
//! judged, and the worst verdict counts.

use super::validator::{Ending, Observation};
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

/// The verdict and one line on why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judged {
    pub verdict: Verdict,
    pub detail: String,
}

fn judged(verdict: Verdict, detail: impl Into<String>) -> Judged {
    Judged {
        verdict,
        detail: detail.into(),
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

/// Judges one run. `leaks` is the number of leak findings in its stdout and stderr.
fn judge_one(case: &Case, obs: &Observation, leaks: usize) -> Judged {
    let label = &obs.label;
    let code = match obs.ending {
        Ending::Exited(code) if !is_crash(obs.ending) => code,
        Ending::Exited(code) => {
            return judged(Verdict::Crash, format!("{label}: crashed (exit {code})"));
        }
        Ending::Crashed => {
            return judged(
                Verdict::Crash,
                format!("{label}: crashed (killed or panicked)"),
            );
        }
        Ending::TimedOut => {
            return judged(Verdict::Timeout, format!("{label}: killed at the deadline"));
        }
    };
    if leaks > 0 {
        return judged(
            Verdict::Leak,
            format!(
                "{label}: the output leaks ({leaks} finding{})",
                if leaks == 1 { "" } else { "s" }
            ),
        );
    }
    match &case.expect {
        Expect::Pass if code != 0 => judged(
            Verdict::ControlFailed,
            format!("{label}: a control was refused (exit {code})"),
        ),
        Expect::Pass => judged(Verdict::Ok, format!("{label}: accepted")),
        Expect::FailClosed(_) if code == 0 => judged(
            Verdict::FailedOpen,
            format!("{label}: a hostile case was accepted (exit 0)"),
        ),
        Expect::FailClosed(expected) => match &obs.classes {
            None => judged(Verdict::Ok, format!("{label}: refused (exit {code})")),
            Some(named) => {
                let missing: Vec<Class> = expected
                    .iter()
                    .filter(|c| !named.contains(c))
                    .copied()
                    .collect();
                if missing.is_empty() {
                    judged(
                        Verdict::Ok,
                        format!("{label}: refused (exit {code}), named {}", names(named)),
                    )
                } else {
                    judged(
                        Verdict::WrongClass,
                        format!(
                            "{label}: refused (exit {code}) but named {} instead of {}",
                            names(named),
                            names(expected)
                        ),
                    )
                }
            }
        },
    }
}

/// Judges every run of one case; the worst verdict counts. No run at all is a crash: a
/// validator that produced nothing did not fail closed.
pub fn judge(case: &Case, runs: &[(Observation, usize)]) -> Judged {
    runs.iter()
        .map(|(obs, leaks)| judge_one(case, obs, *leaks))
        .max_by_key(|j| j.verdict.severity())
        .unwrap_or_else(|| judged(Verdict::Crash, "the validator produced no run"))
}
