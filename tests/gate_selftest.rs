//! The negative control (issue #10, acceptance 1; SPEC 7.7): `sealprobe gate --self-test` runs
//! the ten weakened built-in validators and passes only if each one is caught. These tests show
//! it catches every one over the whole suite, name the cases that did, and that it can fail:
//! each weakened validator rerun without the cases that caught it is reported missed, and the
//! command then exits 1.

mod common;

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sealprobe::gate::selftest::{self, Caught, Flaw};
use sealprobe::gate::{self, RunOptions};
use sealprobe::probe::{Case, case_set_digest, suite};

fn all_cases() -> &'static [Arc<Case>] {
    static SUITE: OnceLock<Vec<Arc<Case>>> = OnceLock::new();
    SUITE.get_or_init(|| {
        suite(0)
            .unwrap_or_else(|p| panic!("{p:#?}"))
            .into_iter()
            .map(Arc::new)
            .collect()
    })
}

fn options() -> RunOptions {
    RunOptions {
        jobs: 2,
        timeout: Duration::from_secs(60),
        progress: sealprobe::gate::Progress::Quiet,
        work_dir: gate::default_work_dir(),
    }
}

/// The self-test over the whole suite, run once per test binary.
fn whole_suite() -> &'static [Caught] {
    static CAUGHT: OnceLock<Vec<Caught>> = OnceLock::new();
    CAUGHT.get_or_init(|| selftest::run(all_cases(), Flaw::ALL, &options()))
}

#[test]
fn every_weakened_validator_is_caught_by_named_cases() {
    let caught = whole_suite();
    assert_eq!(caught.len(), 10, "SPEC 7.7 names ten weaknesses");
    for c in caught {
        assert!(
            c.caught(),
            "{} was missed by the whole suite",
            c.flaw.name()
        );
        for r in &c.by {
            assert!(
                !r.verdict.holds(),
                "{} lists a case that held",
                c.flaw.name()
            );
            assert!(
                all_cases().iter().any(|k| k.id == r.id),
                "{} is not a case",
                r.id
            );
        }
    }
    let digest = case_set_digest(
        &all_cases()
            .iter()
            .map(|c| (**c).clone())
            .collect::<Vec<_>>(),
    );
    let table = selftest::table(caught, 0, &digest.to_hex(), all_cases().len());
    for c in caught {
        let line = table
            .lines()
            .find(|l| l.starts_with(c.flaw.name()))
            .unwrap_or_else(|| panic!("no line for {}:\n{table}", c.flaw.name()));
        assert!(line.contains("caught"), "{line}");
    }
    assert!(
        table.contains("PASS: the gate caught 10 of 10 weakened validators"),
        "{table}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&selftest::json(caught, 0, &digest)).unwrap();
    assert_eq!(json["format"], "sealprobe-self-test/1");
    assert_eq!(json["passed"], true);
    assert_eq!(json["weakened"].as_array().map(Vec::len), Some(10));
}

#[test]
fn each_weakened_validator_is_missed_without_the_cases_that_caught_it() {
    for c in whole_suite() {
        let catching: BTreeSet<&str> = c.by.iter().map(|r| r.id.as_str()).collect();
        let rest: Vec<Arc<Case>> = all_cases()
            .iter()
            .filter(|k| !catching.contains(k.id.as_str()))
            .cloned()
            .collect();
        assert!(rest.len() < all_cases().len());
        let again = selftest::run(&rest, &[c.flaw], &options());
        assert_eq!(again.len(), 1);
        assert!(
            !again[0].caught(),
            "{} is still caught without its cases, by {:?}",
            c.flaw.name(),
            again[0].by.iter().map(|r| &r.id).collect::<Vec<_>>()
        );
        let table = selftest::table(&again, 0, "x", rest.len());
        assert!(table.contains("MISSED"), "{table}");
        assert!(!table.contains("PASS"), "{table}");
        let json: serde_json::Value = serde_json::from_slice(&selftest::json(
            &again,
            0,
            &sealprobe::digest::Digest::of(b"x"),
        ))
        .unwrap();
        assert_eq!(json["passed"], false);
        assert_eq!(json["weakened"][0]["caught"], false);
    }
}

/// The same through the command: one catching case per weakened validator passes the
/// self-test (exit 0, each flaw `caught` by its case); dropping one case makes that flaw
/// `MISSED` and the self-test exit 1, with the report file saying so.
#[test]
fn the_self_test_command_passes_with_a_case_per_flaw_and_fails_without_one() {
    let picks: Vec<(&str, &str)> = whole_suite()
        .iter()
        .map(|c| (c.flaw.name(), c.by[0].id.as_str()))
        .collect();
    let args = |skip: Option<&str>| -> Vec<String> {
        let mut a = vec!["gate".to_owned(), "--self-test".to_owned()];
        let ids: BTreeSet<&str> = picks.iter().map(|(_, id)| *id).collect();
        for id in ids.into_iter().filter(|id| Some(*id) != skip) {
            a.push("--case".to_owned());
            a.push(id.to_owned());
        }
        a
    };
    let all = args(None);
    let run = common::sealprobe(&all.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    for (flaw, id) in &picks {
        let line = run
            .stdout
            .lines()
            .position(|l| l.starts_with(flaw))
            .unwrap();
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert!(lines[line].contains("caught"), "{}", lines[line]);
        assert!(
            lines[line + 1].contains(id),
            "{flaw} is not said to be caught by {id}"
        );
    }
    // Nothing of the cases' secrets (keys, MACs, tokens, planted canaries) is in the report.
    let canaries: Vec<String> = all_cases()
        .iter()
        .filter(|k| picks.iter().any(|(_, id)| *id == k.id))
        .flat_map(|k| {
            k.canaries
                .iter()
                .map(|c| String::from_utf8_lossy(c).into_owned())
        })
        .collect();
    common::assert_nothing_leaked(
        &run,
        &canaries.iter().map(String::as_str).collect::<Vec<_>>(),
    );

    // Drop the case that caught the option-id flaw (no other case of a one-per-flaw pick can).
    let (flaw, id) = picks
        .iter()
        .find(|(f, _)| *f == Flaw::OptionIdsCaseInsensitive.name())
        .copied()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("self-test.json");
    let mut fewer = args(Some(id));
    fewer.extend(["--json".to_owned(), report.to_string_lossy().into_owned()]);
    let run = common::sealprobe(&fewer.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let line = run.stdout.lines().find(|l| l.starts_with(flaw)).unwrap();
    assert!(line.contains("MISSED"), "{line}");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(json["passed"], false);
    let missed: Vec<&str> = json["weakened"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["caught"] == false)
        .filter_map(|w| w["flaw"].as_str())
        .collect();
    assert!(missed.contains(&flaw), "{missed:?}");
}
