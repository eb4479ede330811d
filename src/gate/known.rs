//! Known failures (SPEC 7.6): a team can gate on a validator with a known weakness without
//! hiding new ones. The list is strict, like an xfail list that errors on an unexpected pass:
//!
//! - a listed case that fails is `known-failure` and does not fail the gate;
//! - a listed case that now holds is **stale** and fails the gate (remove it from the list);
//! - a listed id that matches no case of the suite fails the gate (a typo hides nothing);
//! - any unlisted failure fails the gate as always.
//!
//! The file is TOML: `[[known]]` tables of `id`, `reason`, optional `validator` (the validator's
//! name as the gate prints it; absent means every validator) and optional `link`. Unknown fields
//! and an empty `reason` are refused.

use serde::Deserialize;

use super::judge::Verdict;
use super::runner::CaseResult;

/// One entry of the list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Known {
    pub id: String,
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
}

/// Parses the list; a problem names the entry by number, never quotes the file.
pub fn parse(text: &str) -> Result<Vec<Known>, String> {
    let file: KnownFile = toml::from_str(text).map_err(|_| {
        "the known-failures file is not TOML of [[known]] tables with id, reason, and optional validator and link".to_owned()
    })?;
    for (i, k) in file.known.iter().enumerate() {
        if k.reason.trim().is_empty() {
            return Err(format!(
                "known failure number {}: the reason is empty",
                i + 1
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

/// Marks the listed failures of `results` as known, and reports stale and unknown entries.
/// `suite_ids` is every case id of the suite (a listed case outside the run's filters is not
/// stale: it was not run).
pub fn apply(known: &[Known], results: &mut [CaseResult], suite_ids: &[&str]) -> Applied {
    let mut applied = Applied::default();
    for k in known {
        if !suite_ids.contains(&k.id.as_str()) {
            applied.unknown.push(k.id.clone());
        }
    }
    for r in results.iter_mut() {
        let Some(k) = known.iter().find(|k| k.covers(r)) else {
            continue;
        };
        match r.verdict {
            Verdict::Ok => applied.stale.push((r.id.clone(), r.validator.clone())),
            Verdict::NotApplicable | Verdict::KnownFailure => {}
            _ => {
                r.detail = format!("{} (known: {})", r.detail, k.reason);
                r.verdict = Verdict::KnownFailure;
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
            detail: String::new(),
            exit: None,
            classes: Vec::new(),
            ms: 0,
        }
    }

    #[test]
    fn listed_failures_are_known_stale_and_unknown_entries_are_reported() {
        let known = parse(
            "[[known]]\nid = \"a/x\"\nreason = \"skips BOMs\"\n\n[[known]]\nid = \"a/y\"\nvalidator = \"v\"\nreason = \"r\"\nlink = \"https://example.invalid/1\"\n\n[[known]]\nid = \"a/typo\"\nreason = \"r\"\n",
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
    fn the_file_is_strict() {
        assert!(parse("[[known]]\nid = \"a/x\"\nreason = \"\"\n").is_err());
        assert!(parse("[[known]]\nid = \"a/x\"\nreason = \"r\"\nextra = 1\n").is_err());
        assert!(parse("[[known]]\nreason = \"r\"\n").is_err());
        assert_eq!(parse("").unwrap(), vec![]);
    }
}
