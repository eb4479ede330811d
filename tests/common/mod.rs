//! Shared harness for the CLI tests: a real tree in a temporary folder, sealed and verified
//! through the `sealprobe` binary exactly as a user would run it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub struct Tree {
    pub dir: tempfile::TempDir,
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
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("root")).expect("root folder");
        Tree { dir }
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("root")
    }

    pub fn seal_path(&self) -> PathBuf {
        self.dir.path().join("seal.json")
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> &Tree {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("parent folders");
        }
        std::fs::write(p, bytes).expect("write file");
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
        std::fs::write(self.seal_path(), bytes).expect("write seal");
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

/// Runs the binary with `args` (stdin closed) and captures everything.
pub fn sealprobe(args: &[&str]) -> Run {
    let out = Command::cargo_bin("sealprobe")
        .expect("binary built")
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

/// Every window of `n` characters of `secret`.
pub fn windows(secret: &str, n: usize) -> Vec<String> {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() <= n {
        return vec![secret.to_owned()];
    }
    chars.windows(n).map(|w| w.iter().collect()).collect()
}

/// Asserts that no 16-character run of `secret` appears in the output of `run`.
pub fn assert_no_leak(run: &Run, secret: &str) {
    for w in windows(secret, 16) {
        assert!(
            !run.stdout.contains(&w) && !run.stderr.contains(&w),
            "output leaks part of the secret: stdout={} stderr={}",
            run.stdout,
            run.stderr
        );
    }
}

pub fn exists(p: &Path) -> bool {
    p.symlink_metadata().is_ok()
}
