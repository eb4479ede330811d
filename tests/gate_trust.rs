//! The gate's verdict cannot be fooled (issue #22): one named test per way it once said PASS, or
//! a false verdict, when it should not. Each runs the real `sealprobe gate` binary against small
//! validator scripts written here, as a release job would, and checks what it prints, its exit
//! status, and that nothing of a case (no process, no workspace) is left behind.

mod common;

use std::os::unix::fs::PermissionsExt as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A grant token's shape (the scanner's `grant-token` rule); no key ever minted it.
const TOKEN: &str =
    "spg1.cutover.0123456789abcdef.1893456000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/// A folder for one test: scripts, the gate's workspaces (`work/`), its reports.
struct Scene {
    dir: tempfile::TempDir,
}

impl Scene {
    fn new() -> Scene {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::create_dir(dir.path().join("work")).expect("work/");
        Scene { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes an executable script at `rel`.
    fn script(&self, rel: &str, body: &str) -> PathBuf {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("the script's folder");
        }
        std::fs::write(&path, body).expect("write the script");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        path
    }

    /// `sealprobe gate ARGS --work-dir work/`, run in this folder.
    fn gate(&self, args: &[&str]) -> common::Run {
        let out = Command::new(common::bin())
            .arg("gate")
            .args(args)
            .arg("--work-dir")
            .arg(self.path("work"))
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .env_remove("CI")
            .output()
            .expect("run sealprobe gate");
        common::Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Every path left in the gate's work folder (relative to it).
    fn workspaces_left(&self) -> Vec<String> {
        fn walk(dir: &std::path::Path, base: &std::path::Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = e.path();
                out.push(
                    path.strip_prefix(base)
                        .unwrap_or(&path)
                        .display()
                        .to_string(),
                );
                if e.file_type().is_ok_and(|t| t.is_dir()) {
                    walk(&path, base, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.path("work"), &self.path("work"), &mut out);
        out
    }

    /// No process whose command line holds one of `needles` is alive, and no workspace is
    /// left.
    fn assert_nothing_left(&self, needles: &[&str]) {
        for needle in needles {
            assert_eq!(
                common::processes_with(needle),
                Vec::<u32>::new(),
                "{needle}: a process the validator started outlived its case"
            );
        }
        assert_eq!(self.workspaces_left(), Vec::<String>::new());
    }

    fn json(&self, rel: &str) -> Value {
        serde_json::from_slice(&std::fs::read(self.path(rel)).expect("the JSON report"))
            .expect("JSON")
    }
}

fn outcome_of<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no result for {id}"))
}

/// A validator that prints a token, starts a process that outlives it by one of three ways
/// (`setsid`, a double fork, `nohup ... &`), and refuses: the leak is reported, the run is an
/// escaped crash, and the process it left is killed with the case.
fn escaping_validator_is_caught(how: &str, sleep: &str) {
    let scene = Scene::new();
    let script = scene.script(
        "escape.sh",
        &format!("#!/bin/sh\necho \"rejected {TOKEN}\"\n{how}\nexit 1\n"),
    );
    let template = format!("{} {{sums}}", script.display());
    let started = Instant::now();
    let run = scene.gate(&[
        "--case",
        "bom/utf8-bom-added",
        "--validator",
        &template,
        "--json",
        "gate.json",
    ]);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "the gate waited for the process the validator left"
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report = scene.json("gate.json");
    let case = outcome_of(&report, "bom/utf8-bom-added");
    assert_eq!(case["outcome"], "crash", "{case}");
    let detail = case["detail"].as_str().expect("detail");
    assert!(detail.contains("escaped"), "{detail}");
    assert!(
        detail.contains("the output leaks") && detail.contains("stdout byte 9: rule grant-token"),
        "the leak is named by stream, offset and rule: {detail}"
    );
    assert!(!run.stdout.contains("nothing leaked"), "{}", run.stdout);
    common::assert_nothing_leaked(&run, &[TOKEN]);
    scene.assert_nothing_left(&[sleep]);
}

#[test]
fn a_setsid_daemon_cannot_hide_a_leak_nor_outlive_its_case() {
    escaping_validator_is_caught("setsid sh -c 'exec sleep 41.01' &", "sleep 41.01");
}

#[test]
fn a_double_forked_process_cannot_hide_a_leak_nor_outlive_its_case() {
    escaping_validator_is_caught("(sh -c 'exec sleep 41.02' &) &", "sleep 41.02");
}

#[test]
fn a_nohup_process_cannot_hide_a_leak_nor_outlive_its_case() {
    escaping_validator_is_caught("nohup sleep 41.03 &", "sleep 41.03");
}

/// A checker in the style teams write: loads the seal, hashes each sealed path below the root
/// (refusing symlinks and anything but a regular file), exits 1 on any difference.
const CHECK_PY: &str = r#"import hashlib, json, os, stat, sys
seal, root = sys.argv[1], sys.argv[2]
doc = json.load(open(seal, "rb"))
bad = 0
for a in doc["artifacts"]:
    p = os.path.join(root, a["path"])
    try:
        st = os.lstat(p)
    except OSError:
        bad += 1
        continue
    if not stat.S_ISREG(st.st_mode):
        bad += 1
        continue
    data = open(p, "rb").read(a["bytes"] + 1)
    if len(data) != a["bytes"] or hashlib.sha256(data).hexdigest() != a["sha256"]:
        bad += 1
sys.exit(1 if bad else 0)
"#;

#[test]
fn the_readme_relative_script_template_works_as_written() {
    let scene = Scene::new();
    std::fs::create_dir_all(scene.path("tools")).unwrap();
    std::fs::write(scene.path("tools/check.py"), CHECK_PY).unwrap();
    let run = scene.gate(&[
        "--family",
        "bom",
        "--validator",
        "python3 tools/check.py {seal} {root}",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("sentinel controls: 2 of 2 accepted"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("PASS"), "{}", run.stdout);
}

#[test]
fn a_validator_that_refuses_everything_fails_the_gate_on_a_single_hostile_case() {
    let scene = Scene::new();
    let script = scene.script(
        "refuse.sh",
        "#!/bin/sh\necho 'file not found' >&2\nexit 2\n",
    );
    let template = format!("{} {{seal}}", script.display());
    let run = scene.gate(&["--case", "bom/utf8-bom-added", "--validator", &template]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("the validator refuses honest input or did not run"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("FAIL: the validator refused a sentinel control")
    );
}

#[test]
fn a_misspelled_program_is_one_usage_error() {
    let scene = Scene::new();
    let run = scene.gate(&["--validator", "pyhton3 tools/check.py {seal} {root}"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "", "no case ran");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].contains("'pyhton3' is not found on PATH"),
        "{}",
        lines[0]
    );
    assert_eq!(scene.workspaces_left(), Vec::<String>::new());
}

#[test]
fn self_test_with_options_it_would_ignore_is_a_usage_error() {
    let scene = Scene::new();
    std::fs::write(
        scene.path("known.toml"),
        "[[known]]\nid = \"bom/utf8-bom-added\"\noutcome = \"failed-open\"\nreason = \"r\"\n",
    )
    .unwrap();
    for extra in [
        &["--validator", "sha256sum -c {sums}"][..],
        &["--known-failures", "known.toml"][..],
        &["--validator-report"][..],
        &["--junit", "self.xml"][..],
        &["--sarif", "self.sarif"][..],
        &["--markdown", "self.md"][..],
        &["--html", "self.html"][..],
    ] {
        let mut args = vec!["--self-test", "--case", "bom/*"];
        args.extend_from_slice(extra);
        let run = scene.gate(&args);
        assert_eq!(run.code, 2, "{extra:?}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr
                .contains("--self-test runs the weakened built-in validators only")
        );
        assert_eq!(run.stdout, "", "{extra:?}: nothing ran");
    }
}

/// Accepts everything; on a manifest that does not verify it also prints a token. Honest input
/// verifies, so its sentinel controls hold.
const ACCEPTS_AND_LEAKS: &str = "#!/bin/sh\nif sha256sum -c --quiet \"$1\" >/dev/null 2>&1; then exit 0; fi\necho \"skipped {TOKEN}\"\nexit 0\n";

#[test]
fn a_known_failed_open_that_now_leaks_fails_the_gate() {
    let scene = Scene::new();
    let script = scene.script("lenient.sh", &ACCEPTS_AND_LEAKS.replace("{TOKEN}", TOKEN));
    let template = format!("{} {{sums}}", script.display());
    let known = format!(
        "[[known]]\nid = \"bom/utf8-bom-added\"\noutcome = \"failed-open\"\nvalidator = \"{}\"\nreason = \"does not check\"\n",
        template
    );
    std::fs::write(scene.path("known.toml"), &known).unwrap();
    let args = [
        "--case",
        "bom/utf8-bom-added",
        "--validator",
        &template,
        "--known-failures",
        "known.toml",
    ];
    let run = scene.gate(&args);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("listed as a known failed-open, but now leak"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("nothing leaked"), "{}", run.stdout);

    // Listing the leak too excuses the run, and the last line still says it leaks.
    std::fs::write(
        scene.path("known.toml"),
        format!(
            "{known}\n[[known]]\nid = \"bom/utf8-bom-added\"\noutcome = \"leak\"\nvalidator = \"{template}\"\nreason = \"prints what it skipped\"\n"
        ),
    )
    .unwrap();
    let run = scene.gate(&args);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let last = run.stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("PASS with 1 known failures, 1 of which leak"),
        "{last}"
    );
    common::assert_nothing_leaked(&run, &[TOKEN]);
}

/// Exits 0 (accepts) when it is not given a readable manifest, as `rhash -c` does when it
/// prints its usage; checks the manifest with `sha256sum -c` when it is.
const ACCEPTS_WITHOUT_A_MANIFEST: &str = "#!/bin/sh\nif [ $# -ne 1 ] || [ ! -s \"$1\" ]; then echo usage; exit 0; fi\nexec sha256sum -c \"$1\"\n";

#[test]
fn a_sums_template_meets_every_static_tree_case_with_a_manifest() {
    let scene = Scene::new();
    let script = scene.script("rhash-like.sh", ACCEPTS_WITHOUT_A_MANIFEST);
    let template = format!("{} {{sums}}", script.display());
    let run = scene.gate(&[
        "--case",
        "*/static-*",
        "--validator",
        &template,
        "--json",
        "gate.json",
    ]);
    let report = scene.json("gate.json");
    let statics: Vec<&Value> = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["outcome"] != "not-applicable")
        .collect();
    assert!(statics.len() >= 7, "{}", run.stdout);
    assert!(
        report["cases"].as_array().unwrap().iter().any(|c| c["id"]
            == "resource/static-unsealed-120-deep-in-complete-folder"
            && c["beyond"][0] == "complete"),
        "{}",
        run.stdout
    );
    for c in statics {
        // The manifest was given and read: every drift in a sealed file is caught. (A complete
        // folder is beyond what SHA256SUMS can say: that case is not applicable.)
        assert_eq!(c["outcome"], "ok", "{c}");
        assert_eq!(c["exit"], 1, "{c}");
    }
}

#[test]
fn reruns_carry_every_option_that_changes_the_verdict() {
    let scene = Scene::new();
    let script = scene.script("accept.sh", "#!/bin/sh\nexit 0\n");
    let template = format!("{} {{seal}}", script.display());
    let run = scene.gate(&[
        "--case",
        "bom/utf8-bom-added",
        "--validator",
        &template,
        "--timeout",
        "5",
        "--validator-report",
    ]);
    assert_eq!(run.code, 1);
    let rerun = run
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("rerun: "))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert_eq!(
        rerun,
        format!(
            "sealprobe gate --case bom/utf8-bom-added --seed 0 --timeout 5 --validator-report --validator '{template}'"
        )
    );
}

#[test]
fn control_characters_in_a_template_never_reach_the_terminal() {
    let scene = Scene::new();
    let template = "sh -c 'exit 0' \u{1b}[31mred\u{7} {seal}";
    let run = scene.gate(&["--case", "bom/utf8-bom-added", "--validator", template]);
    assert_eq!(run.code, 1);
    assert!(
        !run.stdout.bytes().any(|b| b == 0x1b || b == 0x07),
        "{:?}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\\u{1b}[31mred\\u{7}"),
        "{}",
        run.stdout
    );
}

#[test]
fn jobs_beyond_the_cap_are_a_usage_error() {
    let scene = Scene::new();
    let run = scene.gate(&["--jobs", "10000", "--case", "bom/*"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("--jobs must be between 1 and 64"));
    let run = scene.gate(&["--jobs", "0", "--case", "bom/*"]);
    assert_eq!(run.code, 2);
}

#[test]
fn a_timed_out_case_leaves_no_process_behind() {
    let scene = Scene::new();
    let script = scene.script(
        "hang.sh",
        "#!/bin/sh\nsetsid sh -c 'exec sleep 43.02' &\n(sh -c 'exec sleep 43.03' &) &\nexec sleep 43.01\n",
    );
    let template = format!("{} {{sums}}", script.display());
    let run = scene.gate(&[
        "--case",
        "bom/utf8-bom-added",
        "--validator",
        &template,
        "--timeout",
        "1",
        "--json",
        "gate.json",
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report = scene.json("gate.json");
    assert_eq!(
        outcome_of(&report, "bom/utf8-bom-added")["outcome"],
        "timeout"
    );
    scene.assert_nothing_left(&["sleep 43.01", "sleep 43.02", "sleep 43.03"]);
}

#[test]
fn sigterm_mid_run_leaves_no_process_and_no_workspace() {
    let scene = Scene::new();
    let script = scene.script(
        "slow.sh",
        "#!/bin/sh\nsetsid sh -c 'exec sleep 42.02' &\nexec sleep 42.01\n",
    );
    let template = format!("{} {{sums}}", script.display());
    let mut gate = Command::new(common::bin())
        .args(["gate", "--family", "bom", "--jobs", "2", "--timeout", "60"])
        .arg("--validator")
        .arg(&template)
        .arg("--work-dir")
        .arg(scene.path("work"))
        .current_dir(scene.dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the gate");
    assert!(
        common::wait_for(Duration::from_secs(20), || common::processes_with(
            "sleep 42.02"
        )
        .len()
            >= 2),
        "the validators never started"
    );
    assert!(!scene.workspaces_left().is_empty());
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(gate.id() as i32).expect("a pid"),
        rustix::process::Signal::TERM,
    )
    .expect("SIGTERM the gate");
    let status = gate.wait().expect("the gate exits");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut gate.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(143), "{err}");
    assert!(err.contains("stopped by a signal"), "{err}");
    for needle in ["sleep 42.01", "sleep 42.02"] {
        assert!(
            common::wait_for(Duration::from_secs(2), || common::processes_with(needle)
                .is_empty()),
            "{needle} outlived the gate"
        );
    }
    assert_eq!(scene.workspaces_left(), Vec::<String>::new());
}

#[test]
fn a_validator_that_meets_no_selected_case_fails_the_gate() {
    let scene = Scene::new();
    // `{packet}` alone meets no case of the `bom` family, and no packet control without a key
    // or a clock: nothing shows that this validator checks anything.
    let run = scene.gate(&["--family", "bom", "--validator", "false {packet}"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let last = run.stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("FAIL: nothing was checked against"),
        "{last}"
    );
}

#[test]
fn junit_markdown_and_html_fail_when_the_gate_fails_on_a_sentinel() {
    let scene = Scene::new();
    let run = scene.gate(&[
        "--case",
        "bom/utf8-bom-added",
        "--validator",
        "false {seal}",
        "--junit",
        "gate.xml",
        "--markdown",
        "gate.md",
        "--html",
        "gate.html",
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let junit = std::fs::read_to_string(scene.path("gate.xml")).unwrap();
    let doc = roxmltree::Document::parse(&junit).expect("JUnit XML");
    let failures: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .filter_map(|n| n.attribute("message").map(str::to_owned))
        .collect();
    assert!(
        failures
            .iter()
            .any(|m| m.contains("the validator refuses honest input")),
        "{junit}"
    );
    let markdown = std::fs::read_to_string(scene.path("gate.md")).unwrap();
    assert!(markdown.starts_with("# sealprobe gate: FAIL"), "{markdown}");
    assert!(markdown.contains("Sentinel controls refused"), "{markdown}");
    let html = std::fs::read_to_string(scene.path("gate.html")).unwrap();
    assert!(html.contains("id=\"sentinels\""), "{html}");
    assert!(!html.contains("nothing leaked"), "{html}");
}

#[test]
fn an_option_value_is_not_taken_for_a_file_of_the_same_name() {
    let scene = Scene::new();
    std::fs::write(scene.path("json"), "not an argument").unwrap();
    // Checks the manifest only when its option value arrives as written; accepts otherwise.
    scene.script(
        "check.sh",
        "#!/bin/sh\n[ \"$2\" = json ] || exit 0\nexec sha256sum -c \"$3\"\n",
    );
    let run = scene.gate(&[
        "--case",
        "bom/utf8-bom-added",
        "--validator",
        "./check.sh --format json {sums}",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}
