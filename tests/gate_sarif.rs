//! The gate's SARIF report (SPEC 7.4, `--sarif FILE`): real `bom` cases from the suite are run
//! against the built-in validator and a fake one that accepts everything, and the report is
//! validated against the SARIF 2.1.0 schema that `serde-sarif` ships (found through
//! `cargo metadata`, not copied), then read for what it must say: one result per run that did not
//! hold, none for runs that held, family rules, the case id and the rerun command in every
//! message, the suite's identity, and no canary. The schema check is itself shown to fail on a
//! broken document, so a pass means something.

use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde_json::Value;

use sealprobe::gate::{self, GateRun, Observation, RunOptions, Validator, sarif};
use sealprobe::probe::{Case, Family, Filter, case_set_digest, suite};
use sealprobe::workspace::Workspace;

/// A validator that accepts everything (every hostile case fails open; controls pass).
struct AcceptAll;

impl Validator for AcceptAll {
    fn name(&self) -> String {
        "accept-all".to_owned()
    }

    fn meets(&self, _: &Case) -> bool {
        true
    }

    fn run(&self, _: &Case, _: &Workspace) -> Vec<Observation> {
        vec![Observation {
            stdout: b"OK\n".to_vec(),
            ..Observation::new("accept-all", gate::Ending::Exited(0))
        }]
    }

    fn rerun_arg(&self) -> Option<String> {
        Some("true {seal}".to_owned())
    }
}

fn opts() -> RunOptions {
    RunOptions {
        jobs: 2,
        timeout: Duration::from_secs(30),
        progress: sealprobe::gate::Progress::Quiet,
        work_dir: gate::default_work_dir(),
    }
}

const SEED: u64 = 0;

/// The `bom` cases of the real suite (hostile ones and controls), and the digest of the whole set.
fn bom_cases() -> &'static (Vec<Arc<Case>>, sealprobe::digest::Digest) {
    static CASES: OnceLock<(Vec<Arc<Case>>, sealprobe::digest::Digest)> = OnceLock::new();
    CASES.get_or_init(|| {
        let all = suite(SEED).unwrap_or_else(|p| panic!("the suite is broken: {p:?}"));
        let digest = case_set_digest(&all);
        let selection = bom_filter().compile().expect("the glob compiles");
        let cases: Vec<Arc<Case>> = all
            .into_iter()
            .filter(|c| selection.admits(c))
            .map(Arc::new)
            .collect();
        assert!(cases.iter().any(|c| c.expect.is_control()), "no control");
        assert!(
            cases.iter().any(|c| !c.expect.is_control()),
            "no hostile case"
        );
        (cases, digest)
    })
}

fn bom_filter() -> Filter {
    Filter {
        families: Vec::new(),
        globs: vec!["bom/*".to_owned()],
    }
}

fn gate_run(validators: Vec<Arc<dyn Validator>>) -> GateRun {
    let (cases, digest) = bom_cases();
    gate::run_with(
        cases.clone(),
        *digest,
        SEED,
        bom_filter(),
        validators,
        &opts(),
    )
}

/// The built-in validator and the accept-all one, on the `bom` cases: run once for every test.
fn mixed() -> &'static GateRun {
    static RUN: OnceLock<GateRun> = OnceLock::new();
    RUN.get_or_init(|| gate_run(vec![Arc::new(gate::Builtin), Arc::new(AcceptAll)]))
}

fn report(run: &GateRun) -> Value {
    let bytes = sarif::sarif(run).expect("the SARIF report is written");
    serde_json::from_slice(&bytes).expect("the SARIF report is JSON")
}

/// `schema.json` of the `serde-sarif` package this crate builds against: `cargo metadata` gives
/// its manifest, and the schema sits in `src/` beside it.
fn schema_path() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    let manifest = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == "serde-sarif")
        .and_then(|p| p["manifest_path"].as_str())
        .expect("serde-sarif is a dependency");
    PathBuf::from(manifest)
        .parent()
        .expect("the manifest is in a folder")
        .join("src")
        .join("schema.json")
}

/// The `language` pattern of the SARIF 2.1.0 schema as first published: the stray `]` is an
/// erratum (oasis-tcs/sarif-spec#488, fixed in the 2.1.0 errata as [`LANGUAGE_FIXED`]).
/// `serde-sarif` 0.8 ships the schema from before the errata, and `jsonschema` checks every
/// `pattern` of a schema against the meta-schema's `"format": "regex"` and refuses to compile it.
const LANGUAGE_ERRATUM: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
const LANGUAGE_FIXED: &str = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$";

/// Replaces the erratum pattern wherever it occurs (only `language` properties carry it) and
/// returns the JSON pointers it was replaced at; nothing else of the schema is touched.
fn fix_language_erratum(node: &mut Value, at: &str, fixed: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                let here = format!("{at}/{key}");
                if key == "pattern" && value == LANGUAGE_ERRATUM {
                    *value = Value::from(LANGUAGE_FIXED);
                    fixed.push(here);
                } else {
                    fix_language_erratum(value, &here, fixed);
                }
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter_mut().enumerate() {
                fix_language_erratum(value, &format!("{at}/{i}"), fixed);
            }
        }
        _ => {}
    }
}

/// The SARIF 2.1.0 schema, compiled once, formats checked too. Its one published erratum that
/// stops it from compiling (the `language` pattern) is corrected in memory as the errata did;
/// the file itself is read as `serde-sarif` ships it.
fn schema() -> &'static jsonschema::Validator {
    static SCHEMA: OnceLock<jsonschema::Validator> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let path = schema_path();
        let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut schema: Value = serde_json::from_slice(&text).expect("the schema is JSON");
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        assert!(
            schema["$id"]
                .as_str()
                .is_some_and(|id| id.ends_with("sarif-schema-2.1.0.json")),
            "not the SARIF 2.1.0 schema: {}",
            schema["$id"]
        );
        let mut fixed = Vec::new();
        fix_language_erratum(&mut schema, "", &mut fixed);
        for at in &fixed {
            assert!(at.ends_with("/properties/language/pattern"), "{at}");
        }
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("the SARIF schema compiles")
    })
}

fn assert_valid(doc: &Value) {
    let errors: Vec<String> = schema()
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "not valid SARIF 2.1.0: {errors:#?}");
}

fn runs(doc: &Value) -> &Vec<Value> {
    doc["runs"].as_array().expect("runs")
}

fn results(run: &Value) -> &Vec<Value> {
    run["results"]
        .as_array()
        .expect("results (present even when empty)")
}

#[test]
fn the_report_is_valid_sarif_2_1_0() {
    let run = mixed();
    assert!(!run.passed(), "the accept-all validator must fail the gate");
    let doc = report(run);
    assert_eq!(doc["version"], "2.1.0");
    assert_valid(&doc);
}

#[test]
fn the_schema_check_can_fail() {
    let doc = report(mixed());
    let mut no_version = doc.clone();
    no_version
        .as_object_mut()
        .expect("an object")
        .remove("version");
    assert!(
        !schema().is_valid(&no_version),
        "a log without version passed"
    );
    let mut bad_level = doc.clone();
    let first = runs(&bad_level)
        .iter()
        .position(|r| !results(r).is_empty())
        .expect("a run with results");
    bad_level["runs"][first]["results"][0]["level"] = Value::from("fatal");
    assert!(
        !schema().is_valid(&bad_level),
        "a level outside the enum passed"
    );
    let mut no_tool = doc;
    no_tool["runs"][0]
        .as_object_mut()
        .expect("an object")
        .remove("tool");
    assert!(!schema().is_valid(&no_tool), "a run without tool passed");
}

#[test]
fn one_result_per_run_that_did_not_hold_and_none_for_runs_that_held() {
    let run = mixed();
    let doc = report(run);
    assert_eq!(runs(&doc).len(), run.validators.len());
    let mut total = 0;
    for (sarif_run, validator) in runs(&doc).iter().zip(&run.validators) {
        assert_eq!(sarif_run["properties"]["validator"], validator.as_str());
        let failing: Vec<&gate::CaseResult> = run
            .results
            .iter()
            .filter(|r| &r.validator == validator && !r.verdict.holds())
            .collect();
        let got = results(sarif_run);
        assert_eq!(got.len(), failing.len(), "validator {validator}");
        for (r, res) in failing.iter().zip(got) {
            let p = &res["properties"];
            assert_eq!(p["case"], r.id.as_str());
            assert_eq!(p["outcome"], r.verdict.name());
            assert_eq!(p["validator"], validator.as_str());
            assert_eq!(p["rerun"], run.rerun(&r.id, validator).as_str());
            assert_eq!(res["level"], "error");
        }
        // No result names a case that held against this validator.
        for r in run.results.iter().filter(|r| &r.validator == validator) {
            if r.verdict.holds() {
                assert!(
                    got.iter()
                        .all(|res| res["properties"]["case"] != r.id.as_str()),
                    "{} held against {validator} but has a result",
                    r.id
                );
            }
        }
        total += got.len();
    }
    let builtin_failures = run
        .results
        .iter()
        .filter(|r| r.validator == "builtin" && !r.verdict.holds())
        .count();
    assert_eq!(
        builtin_failures, 0,
        "the built-in validator holds every bom case"
    );
    let hostile = bom_cases()
        .0
        .iter()
        .filter(|c| !c.expect.is_control())
        .count();
    assert_eq!(
        total, hostile,
        "every hostile case failed open against accept-all"
    );
}

#[test]
fn rules_are_families_and_messages_name_the_case_and_its_rerun() {
    let run = mixed();
    let doc = report(run);
    let families: Vec<&str> = Family::ALL.iter().map(|f| f.name()).collect();
    for sarif_run in runs(&doc) {
        let driver = &sarif_run["tool"]["driver"];
        assert_eq!(driver["name"], "sealprobe");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        let rules: Vec<&str> = driver["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .map(|r| r["id"].as_str().expect("rule id"))
            .collect();
        assert_eq!(rules, families, "one rule per family");
        for rule in driver["rules"].as_array().expect("rules") {
            let d = rule["shortDescription"]["text"].as_str().expect("text");
            assert!(!d.is_empty());
        }
        for res in results(sarif_run) {
            let id = res["properties"]["case"].as_str().expect("case id");
            let case = run.case(id).expect("a selected case");
            let rule = res["ruleId"].as_str().expect("ruleId");
            assert_eq!(rule, case.family.name());
            assert!(families.contains(&rule));
            let index = res["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert_eq!(rules[index], rule);
            let text = res["message"]["text"].as_str().expect("message text");
            assert!(text.contains(id), "{text}");
            assert!(text.contains("sealprobe gate --case"), "{text}");
            assert!(text.contains(&case.why), "{text}");
            assert!(text.contains("failed-open") || text.contains("FAILED-OPEN"));
            assert!(text.contains("--validator"), "{text}");
            let fingerprints = res["fingerprints"].as_object().expect("fingerprints");
            assert_eq!(fingerprints.len(), 1);
        }
    }
}

#[test]
fn the_runs_carry_the_case_set_and_the_seed() {
    let run = mixed();
    let doc = report(run);
    for sarif_run in runs(&doc) {
        let p = &sarif_run["properties"];
        assert_eq!(p["case_set"], run.case_set.to_hex().as_str());
        assert_eq!(p["seed"], SEED);
        assert_eq!(p["cases"], run.cases.len());
        assert_eq!(p["ran"], run.cases.len());
        let id = sarif_run["automationDetails"]["id"].as_str().expect("id");
        assert!(id.starts_with("sealprobe-gate/"), "{id}");
        assert_eq!(sarif_run["invocations"][0]["executionSuccessful"], true);
    }
    let ids: Vec<&Value> = runs(&doc)
        .iter()
        .map(|r| &r["automationDetails"]["id"])
        .collect();
    assert_ne!(ids[0], ids[1], "each validator's run has its own id");
}

#[test]
fn the_report_holds_no_canary_and_no_token() {
    let run = mixed();
    let bytes = sarif::sarif(run).expect("written");
    assert!(
        run.cases.iter().any(|c| !c.canaries.is_empty()),
        "the bom cases plant canaries, so there is something to find"
    );
    for case in &run.cases {
        let scanner = sealprobe::leak::canary_scanner(&case.canaries).expect("scanner");
        let found = scanner.scan(&bytes);
        assert!(found.is_empty(), "{}: {found:?}", case.id);
        // The scan can fail: the same report with the case's canary in it is caught.
        if let Some(canary) = case.canaries.first() {
            let mut planted = bytes.clone();
            planted.extend_from_slice(canary);
            assert!(!scanner.scan(&planted).is_empty(), "{}", case.id);
        }
    }
}

#[test]
fn an_all_passing_run_has_zero_results() {
    let run = gate_run(vec![Arc::new(gate::Builtin)]);
    assert!(run.passed(), "the built-in validator holds every bom case");
    let doc = report(&run);
    assert_valid(&doc);
    assert_eq!(runs(&doc).len(), 1);
    assert!(results(&runs(&doc)[0]).is_empty());
    assert_eq!(runs(&doc)[0]["properties"]["gate_passed"], true);
}

#[test]
fn a_run_that_ran_nothing_is_a_failed_invocation_not_a_clean_report() {
    let (_, digest) = bom_cases();
    let run = gate::run_with(
        Vec::new(),
        *digest,
        SEED,
        Filter {
            families: Vec::new(),
            globs: vec!["no-such/*".to_owned()],
        },
        vec![Arc::new(gate::Builtin)],
        &opts(),
    );
    assert!(!run.passed());
    let doc = report(&run);
    assert_valid(&doc);
    let invocation = &runs(&doc)[0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let note = &invocation["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "error");
    assert!(
        note["message"]["text"]
            .as_str()
            .expect("text")
            .contains("no case matched")
    );
}

/// GitHub code scanning refuses a result without a physical location whose artifact URI is a
/// path in the repository. A validator without a script of its own points at the folder where
/// `sealprobe probes emit --case ID --out sealprobe-cases` writes the case.
#[test]
fn every_result_has_a_repository_relative_location() {
    let run = mixed();
    let doc = report(run);
    let mut seen = 0;
    for sarif_run in runs(&doc) {
        for res in results(sarif_run) {
            let case = res["properties"]["case"].as_str().expect("a case id");
            let (family, name) = case.split_once('/').expect("family/name");
            let locations = res["locations"].as_array().expect("locations");
            assert_eq!(locations.len(), 1, "{res}");
            let uri = &locations[0]["physicalLocation"]["artifactLocation"]["uri"];
            assert_eq!(
                uri,
                &Value::from(format!("{}/{family}/{name}", sarif::CASES_FOLDER)),
                "{res}"
            );
            seen += 1;
        }
    }
    assert!(seen > 0, "no result to check");
}

/// A validator whose template names a script in the repository: every result points at the
/// script (line 1), so the alert sits on the checker that let the case through; the report
/// still validates against the schema.
#[test]
fn a_script_validator_s_results_point_at_the_script() {
    let validator = gate::CommandValidator::parse(
        "python3 tests/validators/broken.py crash {root} {seal}",
        Duration::from_secs(30),
    )
    .expect("the template resolves from the package folder");
    let run = gate_run(vec![Arc::new(validator)]);
    let doc = report(&run);
    assert_valid(&doc);
    let all: Vec<&Value> = runs(&doc).iter().flat_map(results).collect();
    assert!(!all.is_empty(), "the crashing validator produced no result");
    for res in all {
        let location = &res["locations"][0]["physicalLocation"];
        assert_eq!(
            location["artifactLocation"]["uri"], "tests/validators/broken.py",
            "{res}"
        );
        assert_eq!(location["region"]["startLine"], 1, "{res}");
    }
}
