//! The gate can fail (issue #9, acceptance 2): for each outcome, a validator built to produce it
//! is fed to the runner, and the test asserts that outcome, exit 1, and a report that names the
//! case's why and the command that reruns it. A gate that cannot fail proves nothing.

use std::sync::Arc;
use std::time::Duration;

use sealprobe::command::Exit;
use sealprobe::gate::{
    self, Builtin, Ending, GateRun, Observation, Reports, RunOptions, Validator, Verdict,
};
use sealprobe::probe::draft::{Cases, Draft};
use sealprobe::probe::{Case, Class, Family, Filter, case_set_digest};
use sealprobe::seal::Drift;
use sealprobe::workspace::Workspace;

const CANARY: &str = "canary-Zq8vX2mN7tR4wY9bC1dF";

/// A hostile tree case (a BOM was added: `bom`), a control, both carrying a canary.
fn cases() -> Vec<Arc<Case>> {
    let mut c = Cases::new(Family::Bom);
    c.add(
        Draft::tree("hostile", "an editor added a BOM")
            .file("a.txt", format!("{CANARY}\n"))
            .write("a.txt", format!("\u{feff}{CANARY}\n"))
            .canary(CANARY)
            .expect([Drift::Bom]),
    );
    c.add(
        Draft::tree("control", "an unchanged file must pass")
            .file("a.txt", format!("{CANARY}\n"))
            .canary(CANARY)
            .control(),
    );
    c.finish()
        .unwrap_or_else(|p| panic!("{p:?}"))
        .into_iter()
        .map(Arc::new)
        .collect()
}

/// A validator that answers every case the same way.
struct Fixed {
    name: &'static str,
    ending: Ending,
    classes: Option<Vec<Class>>,
    stdout: Vec<u8>,
}

impl Validator for Fixed {
    fn name(&self) -> String {
        self.name.to_owned()
    }

    fn meets(&self, _: &Case) -> bool {
        true
    }

    fn run(&self, _: &Case, _: &Workspace) -> Vec<Observation> {
        vec![Observation {
            stdout: self.stdout.clone(),
            classes: self.classes.clone(),
            ..Observation::new("fixed", self.ending)
        }]
    }

    fn rerun_arg(&self) -> Option<String> {
        Some(format!("fake-{}", self.name))
    }
}

fn fixed(name: &'static str, code: i32, classes: Option<Vec<Class>>) -> Fixed {
    Fixed {
        name,
        ending: Ending::Exited(code),
        classes,
        stdout: Vec::new(),
    }
}

fn opts(timeout: Duration) -> RunOptions {
    RunOptions {
        jobs: 2,
        timeout,
        progress: sealprobe::gate::Progress::Quiet,
        work_dir: gate::default_work_dir(),
    }
}

fn run(validator: impl Validator + 'static, timeout: Duration) -> GateRun {
    let cases = cases();
    let digest = case_set_digest(&cases.iter().map(|c| (**c).clone()).collect::<Vec<_>>());
    gate::run_with(
        cases,
        digest,
        0,
        Filter::default(),
        vec![Arc::new(validator)],
        &opts(timeout),
    )
}

fn verdict_of(run: &GateRun, name: &str) -> Verdict {
    run.results
        .iter()
        .find(|r| r.id == format!("bom/{name}"))
        .map(|r| r.verdict)
        .unwrap_or_else(|| panic!("no result for {name}"))
}

/// The run failed: exit 1, and the table names the failed case's why and its rerun command.
fn assert_gate_fails(run: GateRun, failed: &str, verdict: Verdict) {
    assert_eq!(verdict_of(&run, failed), verdict);
    assert!(!run.passed());
    let why = run.case(&format!("bom/{failed}")).unwrap().why.clone();
    let rerun = run.rerun(&format!("bom/{failed}"), &run.validators[0]);
    let ran = gate::conclude(run, &Reports::default());
    assert_eq!(ran.exit, Exit::Fail);
    assert_eq!(ran.exit.code(), 1);
    let table = String::from_utf8(ran.stdout).unwrap();
    assert!(
        table.contains(&format!("{} bom/{failed}", verdict.name().to_uppercase())),
        "{table}"
    );
    assert!(table.contains(&why), "{table}");
    assert!(table.contains(&rerun), "{table}");
    assert!(table.lines().last().unwrap().starts_with("FAIL"), "{table}");
}

#[test]
fn the_builtin_validator_holds_both_cases() {
    let run = run(Builtin, Duration::from_secs(30));
    assert_eq!(verdict_of(&run, "hostile"), Verdict::Ok);
    assert_eq!(verdict_of(&run, "control"), Verdict::Ok);
    assert!(run.passed());
    assert_eq!(gate::conclude(run, &Reports::default()).exit, Exit::Pass);
}

#[test]
fn a_validator_that_accepts_everything_fails_open() {
    let run = run(fixed("accept", 0, None), Duration::from_secs(30));
    assert_eq!(verdict_of(&run, "control"), Verdict::Ok);
    assert_gate_fails(run, "hostile", Verdict::FailedOpen);
}

#[test]
fn a_validator_that_names_the_wrong_class_is_wrong_class() {
    let classes = Some(vec![Class::Drift(Drift::Content)]);
    let run = run(fixed("content", 1, classes), Duration::from_secs(30));
    assert_gate_fails(run, "hostile", Verdict::WrongClass);
}

#[test]
fn a_validator_that_refuses_a_control_is_control_failed() {
    let run = run(fixed("refuse", 1, None), Duration::from_secs(30));
    assert_eq!(verdict_of(&run, "hostile"), Verdict::Ok);
    assert_gate_fails(run, "control", Verdict::ControlFailed);
}

/// Runs the built-in validator, then echoes the file it judged (as a careless validator would).
struct Echoes;

impl Validator for Echoes {
    fn name(&self) -> String {
        "echoes".into()
    }

    fn meets(&self, _: &Case) -> bool {
        true
    }

    fn run(&self, case: &Case, ws: &Workspace) -> Vec<Observation> {
        let mut runs = Builtin.run(case, ws);
        for r in &mut runs {
            let file = std::fs::read(ws.root().join("a.txt")).unwrap_or_default();
            r.stderr.extend_from_slice(b"while reading a.txt: ");
            // Even base64 of the content is a leak: the scanner decodes.
            use base64::Engine as _;
            r.stderr.extend(
                base64::engine::general_purpose::STANDARD
                    .encode(file)
                    .into_bytes(),
            );
        }
        runs
    }

    fn rerun_arg(&self) -> Option<String> {
        Some("echoes".into())
    }
}

#[test]
fn a_validator_that_echoes_its_input_leaks() {
    let run = run(Echoes, Duration::from_secs(30));
    assert_eq!(verdict_of(&run, "control"), Verdict::Leak);
    assert_gate_fails(run, "hostile", Verdict::Leak);
}

#[test]
fn a_validator_that_prints_a_token_shape_leaks_even_without_a_canary() {
    let mut v = fixed("token", 1, None);
    v.stdout = b"refused grant spg1.dryrun.0123456789abcdef.1900000000.x".to_vec();
    let run = run(v, Duration::from_secs(30));
    assert_gate_fails(run, "hostile", Verdict::Leak);
}

struct Hangs;

impl Validator for Hangs {
    fn name(&self) -> String {
        "hangs".into()
    }

    fn meets(&self, _: &Case) -> bool {
        true
    }

    fn run(&self, _: &Case, _: &Workspace) -> Vec<Observation> {
        std::thread::sleep(Duration::from_secs(3600));
        Vec::new()
    }

    fn rerun_arg(&self) -> Option<String> {
        Some("hangs".into())
    }
}

#[test]
fn a_validator_that_hangs_is_a_timeout_and_the_gate_does_not_wait() {
    let start = std::time::Instant::now();
    let work = tempfile::tempdir().unwrap();
    let cases = cases();
    let digest = case_set_digest(&cases.iter().map(|c| (**c).clone()).collect::<Vec<_>>());
    let run = gate::run_with(
        cases,
        digest,
        0,
        Filter::default(),
        vec![Arc::new(Hangs)],
        &RunOptions {
            work_dir: work.path().to_path_buf(),
            ..opts(Duration::from_millis(300))
        },
    );
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "the gate waited for a hung case"
    );
    // The abandoned cases' workspaces are removed all the same.
    assert_eq!(std::fs::read_dir(work.path()).unwrap().count(), 0);
    assert_eq!(verdict_of(&run, "control"), Verdict::Timeout);
    assert_gate_fails(run, "hostile", Verdict::Timeout);
}

struct Panics;

impl Validator for Panics {
    fn name(&self) -> String {
        "panics".into()
    }

    fn meets(&self, _: &Case) -> bool {
        true
    }

    fn run(&self, _: &Case, _: &Workspace) -> Vec<Observation> {
        panic!("a validator bug")
    }

    fn rerun_arg(&self) -> Option<String> {
        Some("panics".into())
    }
}

#[test]
fn a_validator_that_panics_is_a_crash_never_a_failure_closed() {
    let run = run(Panics, Duration::from_secs(30));
    assert_gate_fails(run, "hostile", Verdict::Crash);
}

#[test]
fn exit_101_and_signals_are_crashes() {
    for code in [101, 126, 127, 255] {
        let gate_run = run(fixed("exits", code, None), Duration::from_secs(30));
        assert_gate_fails(gate_run, "hostile", Verdict::Crash);
    }
    let mut killed = fixed("killed", 0, None);
    killed.ending = Ending::Crashed;
    let gate_run = run(killed, Duration::from_secs(30));
    assert_gate_fails(gate_run, "hostile", Verdict::Crash);
}

#[test]
fn a_gate_that_ran_no_case_fails() {
    let run = gate::run_with(
        Vec::new(),
        case_set_digest(&[]),
        0,
        Filter::default(),
        vec![Arc::new(Builtin)],
        &opts(Duration::from_secs(30)),
    );
    assert!(!run.passed());
    let ran = gate::conclude(run, &Reports::default());
    assert_eq!(ran.exit, Exit::Fail);
    assert!(
        String::from_utf8(ran.stdout)
            .unwrap()
            .contains("no case matched")
    );
}

#[test]
fn a_gate_that_ran_fewer_cases_than_selected_fails() {
    let mut short = run(Builtin, Duration::from_secs(30));
    assert!(short.passed());
    short.results.pop();
    assert!(!short.passed());
    let ran = gate::conclude(short, &Reports::default());
    assert_eq!(ran.exit, Exit::Fail);
    assert!(
        String::from_utf8(ran.stdout)
            .unwrap()
            .contains("ran 1 of the 2 runs")
    );
}
