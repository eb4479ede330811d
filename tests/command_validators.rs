//! The gate against command validators (issue #10, acceptance 2): `sealprobe verify` and
//! `sealprobe decide` themselves, run as commands, must agree with the in-process run case by
//! case; and small validators broken in one way each (tests/validators/broken.py) must each be
//! caught, by the outcome their flaw produces.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sealprobe::gate::{self, Builtin, CommandValidator, GateRun, RunOptions, Validator, Verdict};
use sealprobe::probe::{Carrier, Case, Filter, case_set_digest, suite};

fn all_cases() -> &'static [Case] {
    static SUITE: OnceLock<Vec<Case>> = OnceLock::new();
    SUITE.get_or_init(|| suite(0).unwrap_or_else(|p| panic!("{p:#?}")))
}

fn run(cases: Vec<Case>, validators: Vec<Arc<dyn Validator>>, timeout: Duration) -> GateRun {
    let digest = case_set_digest(&cases);
    gate::run_with(
        cases.into_iter().map(Arc::new).collect(),
        digest,
        0,
        Filter::default(),
        validators,
        &RunOptions {
            jobs: 2,
            timeout,
            progress: sealprobe::gate::Progress::Quiet,
            work_dir: gate::default_work_dir(),
        },
    )
}

fn command(template: &str) -> Arc<dyn Validator> {
    Arc::new(CommandValidator::parse(template, Duration::from_secs(20)).expect("a template"))
}

fn quoted_bin() -> String {
    sealprobe::probe::shell_quote(&common::bin().to_string_lossy())
}

/// One validator's verdict and exit on a case.
type Seen<'a> = (&'a str, Verdict, Option<i32>);

#[test]
fn sealprobe_run_as_a_command_agrees_with_the_in_process_run_case_by_case() {
    let bin = quoted_bin();
    let verify = format!("{bin} verify --root {{root}} --key-file={{key}} {{seal}}");
    let decide = format!("{bin} decide --key-file={{key}} --now {{now}} {{packet}}");
    // A hostile record of another format is read by the built-in validator as `verify --sums`
    // (`--bsd`, ...) reads it: the command of that format must agree with it.
    let by_format = |f: &sealprobe::probe::record::RecordFormat| {
        let flag = sealprobe::seal::Record::from_name(f.name)
            .expect("a format the built-in validator reads")
            .flag();
        format!("{bin} verify --root {{root}} {flag} {}", f.placeholder)
    };
    let readers: Vec<(&str, String)> = sealprobe::probe::record::FORMATS
        .iter()
        .filter(|f| f.read_by_builtin() && f.name != "seal")
        .map(|f| (f.name, by_format(f)))
        .collect();
    assert!(readers.len() >= 2, "SHA256SUMS and BSD tags at least");
    let cases: Vec<Case> = all_cases().to_vec();
    let mut validators: Vec<Arc<dyn Validator>> =
        vec![Arc::new(Builtin), command(&verify), command(&decide)];
    validators.extend(readers.iter().map(|(_, t)| command(t)));
    let run = run(cases.clone(), validators, Duration::from_secs(20));
    let mut by_case: BTreeMap<&str, Vec<Seen>> = BTreeMap::new();
    for r in &run.results {
        by_case
            .entry(r.id.as_str())
            .or_default()
            .push((r.validator.as_str(), r.verdict, r.exit));
    }
    let mut compared = 0;
    for case in &cases {
        let results = &by_case[case.id.as_str()];
        let builtin = results.iter().find(|(v, ..)| *v == "builtin").unwrap();
        assert_eq!(builtin.1, Verdict::Ok, "{}: builtin", case.id);
        let own_reader = match case.carrier {
            Carrier::Record(f) if f.name != "seal" => readers
                .iter()
                .find(|(name, _)| *name == f.name)
                .map(|(_, t)| t.as_str()),
            _ => None,
        };
        let applicable: Vec<_> = results
            .iter()
            .filter(|(v, verdict, _)| match own_reader {
                Some(reader) => *v == reader,
                None => (*v == verify || *v == decide) && *verdict != Verdict::NotApplicable,
            })
            .collect();
        assert_eq!(
            applicable.len(),
            1,
            "{}: exactly one of verify, decide and its format's reader meets it: {results:?}",
            case.id
        );
        let (name, verdict, exit) = applicable[0];
        assert_eq!(*verdict, Verdict::Ok, "{} [{name}]", case.id);
        assert_eq!(*exit, builtin.2, "{} [{name}]: exit differs", case.id);
        compared += 1;
    }
    assert_eq!(compared, cases.len());
    assert!(compared >= 1000, "only {compared} cases compared");
}

/// The broken validator in `mode`, over the cases whose id starts with one of `prefixes`.
fn broken(mode: &str, prefixes: &[&str], timeout: Duration) -> GateRun {
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/validators/broken.py");
    let template = format!(
        "python3 {} {mode} {{root}} {{seal}}",
        sealprobe::probe::shell_quote(&script.to_string_lossy())
    );
    let cases: Vec<Case> = all_cases()
        .iter()
        .filter(|c| prefixes.iter().any(|p| c.id.starts_with(p)))
        .cloned()
        .collect();
    assert!(!cases.is_empty());
    run(cases, vec![command(&template)], timeout)
}

/// The run failed, with at least one case of `verdict` whose id starts with `where_`.
fn caught(run: &GateRun, verdict: Verdict, where_: &str) {
    assert!(!run.passed(), "the gate passed a broken validator");
    let hits: Vec<&str> = run
        .results
        .iter()
        .filter(|r| r.verdict == verdict && r.id.starts_with(where_))
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        !hits.is_empty(),
        "no {} among {where_}*: {:?}",
        verdict.name(),
        run.results
            .iter()
            .map(|r| (r.id.as_str(), r.verdict.name()))
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_validator_that_skips_missing_files_fails_open() {
    let run = broken("skip-missing", &["filesystem/"], Duration::from_secs(20));
    caught(&run, Verdict::FailedOpen, "filesystem/missing");
}

#[test]
fn a_validator_that_hashes_a_prefix_fails_open_on_appends() {
    let run = broken("prefix", &["bytes/append"], Duration::from_secs(20));
    caught(&run, Verdict::FailedOpen, "bytes/append");
}

#[test]
fn a_validator_that_follows_symlinks_fails_open() {
    let run = broken(
        "follow-symlinks",
        &["filesystem/symlink"],
        Duration::from_secs(20),
    );
    caught(&run, Verdict::FailedOpen, "filesystem/symlink");
}

#[test]
fn a_validator_that_echoes_its_input_leaks() {
    let run = broken(
        "echo",
        &["leak-bait/", "bytes/flip"],
        Duration::from_secs(20),
    );
    caught(&run, Verdict::Leak, "leak-bait/");
}

#[test]
fn a_validator_that_hangs_times_out_and_its_group_is_killed() {
    let start = std::time::Instant::now();
    let run = broken("hang", &["bom/utf8-bom-added"], Duration::from_secs(1));
    caught(&run, Verdict::Timeout, "bom/");
    assert!(start.elapsed() < Duration::from_secs(60));
}

/// A validator that starts a child and waits for it: at the deadline the whole process group
/// goes, the child too (killing only the direct child would leave the `sleep` running).
#[test]
fn at_the_deadline_the_validators_children_are_killed_too() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("child.pid");
    let template = format!(
        "sh -c 'sleep 300 & echo $! > \"$0\"; wait' {} {{seal}}",
        sealprobe::probe::shell_quote(&pid_file.to_string_lossy())
    );
    let cases: Vec<Case> = all_cases()
        .iter()
        .filter(|c| c.id == "bom/utf8-bom-added")
        .cloned()
        .collect();
    // The command keeps its own deadline (the CLI gives it `--timeout`); the runner waits a
    // grace beyond it.
    let validator: Arc<dyn Validator> =
        Arc::new(CommandValidator::parse(&template, Duration::from_secs(1)).unwrap());
    let run = run(cases, vec![validator], Duration::from_secs(1));
    caught(&run, Verdict::Timeout, "bom/");
    let pid = std::fs::read_to_string(&pid_file).expect("the child wrote its pid");
    let pid = pid.trim();
    assert!(!pid.is_empty());
    // Gone, or at most a zombie waiting for its (new) parent to reap it.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let alive = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|stat| stat.rsplit(") ").next().map(|rest| !rest.starts_with('Z')))
            .unwrap_or(false);
        if !alive {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the validator's child {pid} survived the deadline"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_validator_that_crashes_is_a_crash() {
    let run = broken("crash", &["bom/"], Duration::from_secs(20));
    caught(&run, Verdict::Crash, "bom/");
    assert!(
        run.results
            .iter()
            .all(|r| matches!(r.verdict, Verdict::Crash | Verdict::NotApplicable))
    );
}

#[test]
fn an_honest_lenient_validator_still_passes_the_controls_it_meets() {
    let run = broken("honest", &["bytes/", "bom/"], Duration::from_secs(20));
    for r in &run.results {
        let case = run.case(&r.id).unwrap();
        if case.expect.is_control() && r.verdict != Verdict::NotApplicable {
            assert_eq!(r.verdict, Verdict::Ok, "{}: {}", r.id, r.detail);
        }
    }
}

#[test]
fn with_validator_report_a_command_validator_is_judged_on_its_classes_too() {
    let bin = quoted_bin();
    let template =
        format!("{bin} verify --format json --root {{root}} --key-file={{key}} {{seal}}");
    let reporting: Arc<dyn Validator> = Arc::new(
        CommandValidator::parse(&template, Duration::from_secs(20))
            .unwrap()
            .reading_reports(true),
    );
    let cases: Vec<Case> = all_cases()
        .iter()
        .filter(|c| c.id.starts_with("bom/") || c.id.starts_with("seal-tamper/digest"))
        .cloned()
        .collect();
    let reported = run(cases, vec![reporting], Duration::from_secs(20));
    assert!(reported.passed(), "{}", gate::render::table(&reported));
    // sealprobe's own report names the classes, so every hostile run compared them.
    assert!(reported.results.iter().any(|r| !r.classes.is_empty()));

    // A validator whose stdout is no report names no class: refused, but the wrong class.
    let silent: Arc<dyn Validator> = Arc::new(
        CommandValidator::parse(
            "sh -c 'echo no report; exit 1' sh {seal}",
            Duration::from_secs(20),
        )
        .unwrap()
        .reading_reports(true),
    );
    let cases: Vec<Case> = all_cases()
        .iter()
        .filter(|c| c.id.starts_with("bom/utf8-bom-added"))
        .cloned()
        .collect();
    let silent_run = run(cases, vec![silent], Duration::from_secs(20));
    assert!(!silent_run.passed());
    assert!(
        silent_run
            .results
            .iter()
            .filter(|r| r.verdict != Verdict::NotApplicable)
            .all(|r| r.verdict == Verdict::WrongClass)
    );
}

/// The decision family's packets that select their HOLD default are no longer controls: under
/// the exit rule they are refused (exit 1) and name no reason. The built-in validator and
/// `sealprobe decide` run as a command template both hold them, and a validator that accepts
/// everything (`true`, exit 0) fails them open: it would deploy on a HOLD.
#[test]
fn the_gate_expects_packets_that_select_their_default_to_be_refused_with_no_reason() {
    use sealprobe::probe::case::Expect;

    let holds: Vec<Case> = all_cases()
        .iter()
        .filter(|c| {
            c.id.starts_with("decision/") && c.id.contains("selects-hold")
                || c.id.starts_with("decision/hold-selected-")
        })
        .cloned()
        .collect();
    assert_eq!(
        holds.len(),
        3,
        "{:?}",
        holds.iter().map(|c| &c.id).collect::<Vec<_>>()
    );
    for c in &holds {
        assert_eq!(c.expect, Expect::FailClosed(vec![]), "{}", c.id);
    }
    let bin = quoted_bin();
    let template = format!("{bin} decide --key-file={{key}} --now {{now}} {{packet}}");
    let honest = run(
        holds.clone(),
        vec![Arc::new(Builtin), command(&template)],
        Duration::from_secs(20),
    );
    let judged: Vec<_> = honest
        .results
        .iter()
        .filter(|r| holds.iter().any(|c| c.id == r.id))
        .collect();
    assert_eq!(judged.len(), 6);
    for r in judged {
        assert_eq!(
            r.verdict,
            Verdict::Ok,
            "{} [{}]: {}",
            r.id,
            r.validator,
            r.detail
        );
        assert_eq!(r.exit, Some(1), "{} [{}]", r.id, r.validator);
    }
    let accepting = run(
        holds.clone(),
        vec![command("true {packet} {key} {now}")],
        Duration::from_secs(20),
    );
    assert!(!accepting.passed());
    for r in accepting
        .results
        .iter()
        .filter(|r| holds.iter().any(|c| c.id == r.id))
    {
        assert_eq!(r.verdict, Verdict::FailedOpen, "{}: {}", r.id, r.detail);
    }
}
