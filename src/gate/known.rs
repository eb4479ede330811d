//! Known failures (SPEC 7.6): a team can gate on a validator with a known weakness without
//! hiding new ones. The list is strict, like an xfail list that errors on an unexpected pass, and
//! each entry pins the *outcome* it excuses:
//!
//! - a listed case that fails exactly as listed (its only failure is the listed outcome) is
//!   `known-failure` and does not fail the gate;
//! - a listed case that fails another way, or as listed *and* another way (a known `failed-open`
//!   that now also leaks or crashes), fails the gate, and its detail says what was listed;
//! - a listed case that now holds is **stale** and fails the gate (remove it from the list);
//! - a listed id that matches no case of the suite fails the gate (a typo hides nothing);
//! - any unlisted failure fails the gate as always.
//!
//! The file is TOML: `[[known]]` tables of `id`, `outcome` (one of the failing outcomes of SPEC
//! 7.4), `reason`, optional `validator` (the validator's name as the gate prints it; absent means
//! every validator) and optional `link`. Unknown fields, a missing or unknown outcome and an empty
//! `reason` are refused.

use serde::Deserialize;

use super::judge::Verdict;
use super::runner::CaseResult;

/// One entry of the list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Known {
    pub id: String,
    /// The one outcome this entry excuses.
    pub outcome: String,
    #[serde(default)]
    pub validator: Option<String>,
    pub reason: String,
    #[serde(default)]
    pub link: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KnownFile {
    #[serde(default)]
    known: Vec<Known>,
}

impl Known {
    fn covers(&self, r: &CaseResult) -> bool {
        self.id == r.id && self.validator.as_ref().is_none_or(|v| *v == r.validator)
    }

    /// The outcome, checked at parse time.
    fn outcome(&self) -> Verdict {
        Verdict::from_name(&self.outcome).unwrap_or(Verdict::Crash)
    }
}

/// The outcomes an entry may pin: every way a run can fail.
pub const FAILING: [Verdict; 6] = [
    Verdict::FailedOpen,
    Verdict::WrongClass,
    Verdict::Leak,
    Verdict::Crash,
    Verdict::Timeout,
    Verdict::ControlFailed,
];

/// Parses the list; a problem names the entry by number, never quotes the file.
pub fn parse(text: &str) -> Result<Vec<Known>, String> {
    let file: KnownFile = toml::from_str(text).map_err(|_| {
        "the known-failures file is not TOML of [[known]] tables with id, outcome, reason, and optional validator and link".to_owned()
    })?;
    let outcomes = FAILING
        .iter()
        .map(|v| v.name())
        .collect::<Vec<_>>()
        .join(", ");
    for (i, k) in file.known.iter().enumerate() {
        let n = i + 1;
        if k.reason.trim().is_empty() {
            return Err(format!("known failure number {n}: the reason is empty"));
        }
        if !Verdict::from_name(&k.outcome).is_some_and(|v| FAILING.contains(&v)) {
            return Err(format!(
                "known failure number {n}: the outcome is not one of {outcomes}"
            ));
        }
    }
    Ok(file.known)
}

/// What the list did to a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Entries whose case now holds (id, validator).
    pub stale: Vec<(String, String)>,
    /// Listed ids that name no case of the suite.
    pub unknown: Vec<String>,
}

impl Applied {
    pub fn is_clean(&self) -> bool {
        self.stale.is_empty() && self.unknown.is_empty()
    }
}

/// Marks the failures of `results` that are listed with exactly their outcome as known, and
/// reports stale and unknown entries. `suite_ids` is every case id of the suite (a listed case
/// outside the run's filters is not stale: it was not run).
pub fn apply(known: &[Known], results: &mut [CaseResult], suite_ids: &[&str]) -> Applied {
    let mut applied = Applied::default();
    for k in known {
        if !suite_ids.contains(&k.id.as_str()) {
            applied.unknown.push(k.id.clone());
        }
    }
    for r in results.iter_mut() {
        let listed: Vec<&Known> = known.iter().filter(|k| k.covers(r)).collect();
        if listed.is_empty() {
            continue;
        }
        match r.verdict {
            Verdict::Ok => applied.stale.push((r.id.clone(), r.validator.clone())),
            Verdict::NotApplicable | Verdict::KnownFailure => {}
            _ => {
                let excused: Vec<Verdict> = listed.iter().map(|k| k.outcome()).collect();
                let unexcused: Vec<&str> = r
                    .failures
                    .iter()
                    .filter(|f| !excused.contains(f))
                    .map(|f| f.name())
                    .collect();
                let as_listed: Vec<&str> = excused.iter().map(|v| v.name()).collect();
                if unexcused.is_empty() {
                    let reasons: Vec<&str> = listed.iter().map(|k| k.reason.as_str()).collect();
                    r.detail = format!("{} (known: {})", r.detail, reasons.join("; "));
                    r.verdict = Verdict::KnownFailure;
                } else {
                    r.detail = format!(
                        "{} (listed as a known {}, but now {})",
                        r.detail,
                        as_listed.join(" and "),
                        unexcused.join(" and ")
                    );
                }
            }
        }
    }
    applied
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(id: &str, validator: &str, verdict: Verdict) -> CaseResult {
        CaseResult {
            id: id.into(),
            validator: validator.into(),
            verdict,
            failures: if verdict.holds() {
                Vec::new()
            } else {
                vec![verdict]
            },
            detail: String::new(),
            exit: None,
            classes: Vec::new(),
            beyond: Vec::new(),
            ms: 0,
        }
    }

    #[test]
    fn listed_failures_are_known_stale_and_unknown_entries_are_reported() {
        let known = parse(
            "[[known]]\nid = \"a/x\"\noutcome = \"failed-open\"\nreason = \"skips BOMs\"\n\n[[known]]\nid = \"a/y\"\noutcome = \"leak\"\nvalidator = \"v\"\nreason = \"r\"\nlink = \"https://example.invalid/1\"\n\n[[known]]\nid = \"a/typo\"\noutcome = \"crash\"\nreason = \"r\"\n",
        )
        .unwrap();
        let mut results = vec![
            result("a/x", "v", Verdict::FailedOpen),
            result("a/y", "v", Verdict::Ok),
            result("a/y", "w", Verdict::Leak),
            result("a/z", "v", Verdict::Crash),
        ];
        let applied = apply(&known, &mut results, &["a/x", "a/y", "a/z"]);
        assert_eq!(results[0].verdict, Verdict::KnownFailure);
        assert_eq!(
            results[2].verdict,
            Verdict::Leak,
            "listed for another validator"
        );
        assert_eq!(results[3].verdict, Verdict::Crash, "unlisted");
        assert_eq!(applied.stale, vec![("a/y".to_owned(), "v".to_owned())]);
        assert_eq!(applied.unknown, vec!["a/typo".to_owned()]);
        assert!(!applied.is_clean());
    }

    #[test]
    fn a_known_failed_open_that_now_also_leaks_fails_the_gate() {
        let known =
            parse("[[known]]\nid = \"a/x\"\noutcome = \"failed-open\"\nreason = \"r\"\n").unwrap();
        let mut results = vec![result("a/x", "v", Verdict::Leak)];
        results[0].failures = vec![Verdict::FailedOpen, Verdict::Leak];
        apply(&known, &mut results, &["a/x"]);
        assert_eq!(results[0].verdict, Verdict::Leak);
        assert!(
            results[0]
                .detail
                .contains("listed as a known failed-open, but now leak"),
            "{}",
            results[0].detail
        );
    }

    #[test]
    fn a_known_failure_that_fails_another_way_fails_the_gate() {
        let known =
            parse("[[known]]\nid = \"a/x\"\noutcome = \"failed-open\"\nreason = \"r\"\n").unwrap();
        let mut results = vec![result("a/x", "v", Verdict::Crash)];
        apply(&known, &mut results, &["a/x"]);
        assert_eq!(results[0].verdict, Verdict::Crash);
    }

    #[test]
    fn two_entries_excuse_two_outcomes_of_one_run() {
        let known = parse(
            "[[known]]\nid = \"a/x\"\noutcome = \"failed-open\"\nreason = \"r\"\n\n[[known]]\nid = \"a/x\"\noutcome = \"leak\"\nreason = \"echoes names\"\n",
        )
        .unwrap();
        let mut results = vec![result("a/x", "v", Verdict::Leak)];
        results[0].failures = vec![Verdict::FailedOpen, Verdict::Leak];
        apply(&known, &mut results, &["a/x"]);
        assert_eq!(results[0].verdict, Verdict::KnownFailure);
    }

    #[test]
    fn the_file_is_strict() {
        assert!(parse("[[known]]\nid = \"a/x\"\noutcome = \"leak\"\nreason = \"\"\n").is_err());
        assert!(
            parse("[[known]]\nid = \"a/x\"\nreason = \"r\"\n").is_err(),
            "no outcome"
        );
        assert!(
            parse("[[known]]\nid = \"a/x\"\noutcome = \"ok\"\nreason = \"r\"\n").is_err(),
            "ok is not a failure"
        );
        assert!(
            parse("[[known]]\nid = \"a/x\"\noutcome = \"known-failure\"\nreason = \"r\"\n")
                .is_err()
        );
        assert!(
            parse("[[known]]\nid = \"a/x\"\noutcome = \"leak\"\nreason = \"r\"\nextra = 1\n")
                .is_err()
        );
        assert!(parse("[[known]]\nreason = \"r\"\n").is_err());
        assert_eq!(parse("").unwrap(), vec![]);
    }
}
