//! `sealprobe gate` and `sealprobe probes` from the command line (issue #9): the table, the
//! filters, the JSON and JUnit reports, the exit statuses.

mod common;

use common::sealprobe;

#[test]
fn gate_on_one_family_passes_with_the_table_and_the_case_set() {
    let run = sealprobe(&["gate", "--family", "bom"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("family") && lines[0].contains("failed closed"));
    assert!(
        lines.iter().any(|l| l.starts_with("bom ")),
        "{}",
        run.stdout
    );
    assert!(
        lines.iter().any(|l| l.starts_with("total ")),
        "{}",
        run.stdout
    );
    let set = lines
        .iter()
        .find(|l| l.starts_with("case set "))
        .expect("a case-set line");
    assert_eq!(set.split_whitespace().nth(2).unwrap().len(), 64);
    assert!(lines.last().unwrap().starts_with("PASS"), "{}", run.stdout);
}

#[test]
fn gate_writes_json_and_junit_reports() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("gate.json");
    let junit = dir.path().join("gate.xml");
    let run = sealprobe(&[
        "gate",
        "--case",
        "bom/*",
        "--json",
        json.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).unwrap()).expect("JSON report");
    assert_eq!(report["format"], "sealprobe-gate/1");
    assert_eq!(report["validators"], serde_json::json!(["builtin"]));
    assert_eq!(report["seed"], 0);
    assert_eq!(report["case_set"].as_str().unwrap().len(), 64);
    let cases = report["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for c in cases {
        assert_eq!(c["outcome"], "ok", "{c}");
        assert!(c["id"].as_str().unwrap().starts_with("bom/"));
        assert!(["fail-closed", "pass"].contains(&c["expect"].as_str().unwrap()));
    }
    assert_eq!(report["summary"]["passed"], true);
    assert_eq!(report["summary"]["ran"], cases.len());
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("JUnit XML parses");
    let in_suite = |sentinels: bool| {
        doc.descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .filter(|n| (n.attribute("classname") == Some("sealprobe.sentinels")) == sentinels)
            .count()
    };
    assert_eq!(in_suite(false), cases.len());
    // The sentinel controls are a suite of their own, one test case each.
    let sentinels = report["summary"]["sentinels"].as_array().unwrap();
    assert!(!sentinels.is_empty());
    assert_eq!(in_suite(true), sentinels.len());
    assert!(!doc.descendants().any(|n| n.has_tag_name("failure")));
}

#[test]
fn a_filter_that_selects_nothing_fails_the_gate() {
    let run = sealprobe(&["gate", "--case", "no-such-family/*"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("no case matched"), "{}", run.stdout);
}

#[test]
fn bad_arguments_are_usage_errors() {
    assert_eq!(sealprobe(&["gate", "--case", "["]).code, 2);
    assert_eq!(sealprobe(&["gate", "--family", "nope"]).code, 2);
    assert_eq!(sealprobe(&["gate", "--timeout", "0"]).code, 2);
    assert_eq!(sealprobe(&["gate", "--timeout", "nan"]).code, 2);
    assert_eq!(sealprobe(&["probes", "show", "bom/nope"]).code, 2);
}

#[test]
fn an_unwritable_report_fails_the_gate() {
    let run = sealprobe(&[
        "gate",
        "--family",
        "bom",
        "--json",
        "/nonexistent/dir/gate.json",
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("cannot be written"), "{}", run.stderr);
}

#[test]
fn probes_list_and_show_describe_the_cases() {
    let run = sealprobe(&["probes", "list", "--family", "bom"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("bom/utf8-bom-added"));
    assert!(run.stdout.lines().last().unwrap().contains("case set"));
    let run = sealprobe(&["probes", "show", "bom/utf8-bom-added"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("expect:   fail-closed bom"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("rerun:    sealprobe gate --case bom/utf8-bom-added --seed 0"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_same_seed_prints_the_same_case_set_and_another_seed_another() {
    let set = |seed: &str| {
        let run = sealprobe(&["probes", "list", "--seed", seed]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout.lines().last().unwrap().to_owned()
    };
    assert_eq!(set("0"), set("0"));
    assert_ne!(set("0"), set("7"));
}
