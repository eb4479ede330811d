//! The gate in CI (issue #10): known failures (SPEC 7.6, strict) and partitions (`--partition
//! K/N`, count-based, covering the suite exactly once), through the command line.

mod common;

use std::collections::BTreeMap;

use common::sealprobe;

/// Runs the gate with `args` and a JSON report; returns the exit and the report.
fn gate(args: &[&str]) -> (i32, serde_json::Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("gate.json");
    let mut all = vec!["gate", "--json", json.to_str().unwrap()];
    all.extend_from_slice(args);
    let run = sealprobe(&all);
    let report = std::fs::read(&json)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(serde_json::Value::Null);
    (run.code, report, run.stdout)
}

fn known_file(dir: &std::path::Path, entries: &[(&str, Option<&str>)]) -> String {
    let mut text = String::new();
    for (id, validator) in entries {
        text.push_str(&format!(
            "[[known]]\nid = \"{id}\"\noutcome = \"failed-open\"\nreason = \"a test\"\n"
        ));
        if let Some(v) = validator {
            text.push_str(&format!("validator = \"{v}\"\n"));
        }
        text.push('\n');
    }
    let path = dir.join("known.toml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// `true {seal}` accepts everything: every hostile case it meets fails open.
const ACCEPTS_ALL: &str = "true {seal}";

fn failed_open_ids(report: &serde_json::Value) -> Vec<String> {
    report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["outcome"] == "failed-open")
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn listed_failures_pass_the_gate_and_the_list_is_strict() {
    let dir = tempfile::tempdir().unwrap();
    let (code, report, _) = gate(&["--validator", ACCEPTS_ALL, "--case", "bom/utf8-*"]);
    assert_eq!(code, 1);
    let failing = failed_open_ids(&report);
    assert!(failing.len() >= 5, "{failing:?}");

    // Every failure listed: the gate passes, the runs are known failures.
    let entries: Vec<(&str, Option<&str>)> = failing
        .iter()
        .map(|id| (id.as_str(), Some(ACCEPTS_ALL)))
        .collect();
    let known = known_file(dir.path(), &entries);
    let (code, report, stdout) = gate(&[
        "--validator",
        ACCEPTS_ALL,
        "--case",
        "bom/utf8-*",
        "--known-failures",
        &known,
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        report["cases"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["outcome"] == "known-failure")
            .count()
            == failing.len()
    );

    // One failure left out: that one fails the gate.
    let known = known_file(dir.path(), &entries[1..]);
    let (code, _, stdout) = gate(&[
        "--validator",
        ACCEPTS_ALL,
        "--case",
        "bom/utf8-*",
        "--known-failures",
        &known,
    ]);
    assert_eq!(code, 1);
    assert!(stdout.contains(&failing[0]), "{stdout}");

    // A listed case that holds is stale: it fails the gate.
    let mut stale = entries.clone();
    stale.push(("bom/control-bom-kept", None));
    let known = known_file(dir.path(), &stale);
    let (code, report, stdout) = gate(&[
        "--validator",
        ACCEPTS_ALL,
        "--case",
        "bom/utf8-*",
        "--case",
        "bom/control-bom-kept",
        "--known-failures",
        &known,
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("STALE known failure bom/control-bom-kept"),
        "{stdout}"
    );
    assert_eq!(
        report["summary"]["stale_known_failures"][0]["id"],
        "bom/control-bom-kept"
    );

    // A listed id that matches no case fails the gate.
    let mut typo = entries.clone();
    typo.push(("bom/no-such-case", None));
    let known = known_file(dir.path(), &typo);
    let (code, _, stdout) = gate(&[
        "--validator",
        ACCEPTS_ALL,
        "--case",
        "bom/utf8-*",
        "--known-failures",
        &known,
    ]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("UNKNOWN known failure bom/no-such-case"),
        "{stdout}"
    );

    // A file that is not the format is a usage error.
    std::fs::write(dir.path().join("bad.toml"), "[[known]]\nid = 1\n").unwrap();
    let bad = dir.path().join("bad.toml");
    let (code, _, _) = gate(&["--known-failures", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
}

#[test]
fn partitions_cover_the_suite_exactly_once() {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut set = None;
    for k in 1..=3 {
        let (code, report, stdout) = gate(&["--partition", &format!("{k}/3")]);
        assert_eq!(code, 0, "{stdout}");
        assert!(stdout.contains(&format!("partition {k}/3")), "{stdout}");
        let cases = report["cases"].as_array().unwrap();
        assert!(!cases.is_empty());
        for c in cases {
            *seen
                .entry(c["id"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
        // Every partition names the same suite.
        let this = report["case_set"].as_str().unwrap().to_owned();
        assert_eq!(set.get_or_insert(this.clone()), &this);
    }
    let (_, whole, _) = gate(&[]);
    let all: Vec<String> = whole["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(seen.len(), all.len(), "the partitions cover another set");
    assert!(
        seen.values().all(|n| *n == 1),
        "a case ran in two partitions"
    );
    assert!(all.iter().all(|id| seen.contains_key(id)));
}

#[test]
fn a_bad_partition_is_a_usage_error() {
    for p in ["0/3", "4/3", "1/0", "a/b", "3"] {
        assert_eq!(sealprobe(&["gate", "--partition", p]).code, 2, "{p}");
    }
}
