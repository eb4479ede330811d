//! Shared harness for the CLI tests: a real tree in a case workspace (`root/` with `seal.json`
//! beside it, [`sealprobe::workspace::Workspace`]), sealed and verified through the `sealprobe`
//! binary exactly as a user would run it; and the one "nothing leaked" check, which is the real
//! leak scanner with the planted strings as secrets plus every built-in token-shape rule.
#![allow(dead_code)]

pub mod layers;
pub mod plant;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use sealprobe::workspace::Workspace;

pub struct Tree {
    pub ws: Workspace,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn report(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).expect("stdout is a JSON report")
    }

    /// The drift classes of the finding for `path`.
    pub fn drift_of(&self, path: &str) -> Vec<String> {
        let report = self.report();
        let finding = report["findings"]
            .as_array()
            .expect("findings array")
            .iter()
            .find(|f| f["path"] == path)
            .unwrap_or_else(|| panic!("no finding for {path}: {}", self.stdout));
        finding["drift"]
            .as_array()
            .expect("drift array")
            .iter()
            .map(|d| d.as_str().expect("class name").to_owned())
            .collect()
    }

    pub fn seal_error_class(&self) -> String {
        self.report()["seal_error"]["class"]
            .as_str()
            .unwrap_or_else(|| panic!("no seal_error: {}", self.stdout))
            .to_owned()
    }
}

impl Tree {
    pub fn new() -> Tree {
        Tree {
            ws: Workspace::temporary().expect("a case workspace"),
        }
    }

    /// The folder that holds `root/` and the inputs beside it.
    pub fn base(&self) -> &Path {
        self.ws.base()
    }

    pub fn root(&self) -> PathBuf {
        self.ws.root()
    }

    pub fn seal_path(&self) -> PathBuf {
        self.ws.seal_path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.ws.path(rel)
    }

    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> &Tree {
        self.ws.file(rel, bytes).expect("write file");
        self
    }

    /// Seals `args` (paths and options) under the root into `seal.json`; panics if refused.
    pub fn seal(&self, args: &[&str]) -> Vec<u8> {
        let run = self.seal_run(args);
        assert_eq!(run.code, 0, "seal refused: {}", run.stderr);
        std::fs::read(self.seal_path()).expect("seal written")
    }

    pub fn seal_run(&self, args: &[&str]) -> Run {
        let mut all = vec!["seal", "--root"];
        let root = self.root();
        let seal = self.seal_path();
        all.push(root.to_str().expect("utf-8 temp path"));
        all.push("--out");
        all.push(seal.to_str().expect("utf-8 temp path"));
        all.extend_from_slice(args);
        sealprobe(&all)
    }

    pub fn set_seal(&self, bytes: impl AsRef<[u8]>) {
        self.ws.seal(bytes).expect("write seal");
    }

    pub fn seal_text(&self) -> String {
        String::from_utf8(std::fs::read(self.seal_path()).expect("seal")).expect("utf-8 seal")
    }

    pub fn verify(&self) -> Run {
        self.verify_format("json")
    }

    pub fn verify_format(&self, format: &str) -> Run {
        let root = self.root();
        let seal = self.seal_path();
        sealprobe(&[
            "verify",
            "--root",
            root.to_str().expect("utf-8"),
            "--format",
            format,
            seal.to_str().expect("utf-8"),
        ])
    }
}

/// The binary under test: `$SEALPROBE_BIN` when set (to run the CLI tests against another
/// build, a release binary or an older commit), else the one cargo built for this test run.
pub fn bin() -> PathBuf {
    std::env::var_os("SEALPROBE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| assert_cmd::cargo::cargo_bin("sealprobe"))
}

/// Runs the binary with `args` (stdin closed) and captures everything.
pub fn sealprobe(args: &[&str]) -> Run {
    let out = Command::new(bin())
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("run sealprobe");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// What the real leak scanner finds in `text` with `planted` as secrets plus every built-in
/// token-shape rule (planted strings shorter than the scanner's minimum are matched by rules
/// only).
pub fn leaks(text: &[u8], planted: &[&str]) -> Vec<sealprobe::leak::Finding> {
    let secrets = planted
        .iter()
        .filter(|p| p.len() >= sealprobe::leak::scan::MIN_SECRET);
    sealprobe::leak::canary_scanner(secrets)
        .expect("a scanner for the planted strings")
        .scan(text)
}

/// Asserts that neither stdout nor stderr of `run` leaks a planted string (in any encoding, or
/// any 16 bytes of it) or anything token-shaped. A planted string shorter than the scanner's
/// minimum secret (8 bytes) cannot be told from ordinary text in every encoding; it must not
/// appear literally.
pub fn assert_nothing_leaked(run: &Run, planted: &[&str]) {
    for (name, out) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        let found = leaks(out.as_bytes(), planted);
        assert!(
            found.is_empty(),
            "{name} leaks: {found:?}\nstdout={}\nstderr={}",
            run.stdout,
            run.stderr
        );
        for short in planted
            .iter()
            .filter(|p| !p.is_empty() && p.len() < sealprobe::leak::scan::MIN_SECRET)
        {
            assert!(
                !out.contains(short),
                "{name} holds a short planted string\nstdout={}\nstderr={}",
                run.stdout,
                run.stderr
            );
        }
    }
}

pub fn exists(p: &Path) -> bool {
    p.symlink_metadata().is_ok()
}

/// Whether the checker `program` is on `PATH`. A checker the tests hold to its verdicts may be
/// missing on a developer's machine (the test then says so and checks nothing of it), never
/// under `CI`, where `.ci/run` installs it: there a missing one fails the test.
pub fn checker_installed(program: &str) -> bool {
    let has = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has {
        assert!(
            std::env::var_os("CI").is_none(),
            "{program} is not installed, and CI must test it"
        );
        eprintln!("{program} is not installed: its verdicts are not checked here");
    }
    has
}

/// `sealprobe gate ARGS --json gate.json` run in `dir` as a user runs it (standard input closed,
/// `CI` unset so the output is the terminal's), and the JSON report when one was written.
pub fn gate_json(dir: &Path, args: &[&str]) -> (Run, Option<serde_json::Value>) {
    let out = std::process::Command::new(bin())
        .arg("gate")
        .args(args)
        .args(["--json", "gate.json"])
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .env_remove("CI")
        .output()
        .expect("run sealprobe gate");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    let report = std::fs::read(dir.join("gate.json"))
        .ok()
        .map(|b| serde_json::from_slice(&b).expect("gate.json is JSON"));
    (run, report)
}

/// The pids of live processes whose command line holds `needle` (a `sleep` of a duration no
/// other test uses).
pub fn processes_with(needle: &str) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .expect("/proc")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let zombie = stat
                .rfind(')')
                .is_some_and(|i| stat[i + 1..].trim_start().starts_with('Z'));
            !zombie
                && String::from_utf8_lossy(&cmdline)
                    .replace('\0', " ")
                    .contains(needle)
        })
        .collect()
}

/// Polls `check` until it holds or `limit` has passed; its last answer.
pub fn wait_for(limit: std::time::Duration, mut check: impl FnMut() -> bool) -> bool {
    let until = std::time::Instant::now() + limit;
    while std::time::Instant::now() < until {
        if check() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    check()
}
