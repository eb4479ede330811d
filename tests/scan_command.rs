//! `sealprobe scan` through the CLI: inputs, exit codes, usage errors, and reports that never
//! carry the secret.

mod common;

use assert_cmd::Command;
use common::{Tree, sealprobe};

const SECRET: &str = "cutover-key-7f3a9c2b1d4e5f60-Zk3pQ8vX2mN7tR4wY9bC";

fn setup() -> Tree {
    let t = Tree::new();
    t.write("secrets.txt", format!("{SECRET}\n"));
    t
}

fn arg(t: &Tree, rel: &str) -> String {
    t.path(rel).to_str().unwrap().to_owned()
}

#[test]
fn leak_in_a_file_exits_1_with_position() {
    let t = setup();
    t.write("out/a.log", format!("line one\nsecret={SECRET}\n"));
    let run = sealprobe(&[
        "scan",
        "--secrets",
        &arg(&t, "secrets.txt"),
        "--format",
        "json",
        &arg(&t, "out/a.log"),
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["format"], "sealprobe-scan/1");
    let f = &report["findings"][0];
    assert_eq!(
        (f["kind"].as_str(), f["line"].as_u64(), f["column"].as_u64()),
        (Some("secret"), Some(2), Some(8))
    );
    assert_eq!(f["offset"], 16);
    assert_eq!(f["encoding"], "literal");
    common::assert_nothing_leaked(&run, &[SECRET]);
}

#[test]
fn clean_folder_exits_0_and_folders_are_scanned_recursively() {
    let t = setup();
    t.write("out/a.log", "nothing here\n");
    t.write("out/deep/b.log", "nor here\n");
    let run = sealprobe(&[
        "scan",
        "--secrets",
        &arg(&t, "secrets.txt"),
        &arg(&t, "out"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.starts_with("CLEAN"), "{}", run.stdout);
    t.write("out/deep/c.log", format!("x {}\n", &SECRET[5..25]));
    let run = sealprobe(&[
        "scan",
        "--secrets",
        &arg(&t, "secrets.txt"),
        &arg(&t, "out"),
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("deep/c.log:1:3"), "{}", run.stdout);
    assert!(run.stdout.contains("partial"), "{}", run.stdout);
    common::assert_nothing_leaked(&run, &[SECRET]);
}

#[test]
fn standard_input_is_scanned() {
    let t = setup();
    let out = Command::cargo_bin("sealprobe")
        .unwrap()
        .args(["scan", "--secrets", &arg(&t, "secrets.txt"), "-"])
        .write_stdin(format!(
            "token: {}\n",
            SECRET
                .bytes()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("-:1:8") && stdout.contains("hex"),
        "{stdout}"
    );
}

#[test]
fn token_shapes_are_found_without_a_secrets_file() {
    let t = setup();
    t.write(
        "out.log",
        "rejected spg1.apply.0123456789abcdef.1893456000.forged\n",
    );
    let run = sealprobe(&["scan", "--format", "json", &arg(&t, "out.log")]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("\"grant-token\""), "{}", run.stdout);
    assert!(!run.stdout.contains("forged"), "{}", run.stdout);
}

#[test]
fn rules_file_adds_rules_and_a_bad_one_is_named() {
    let t = setup();
    t.write(
        "rules.toml",
        "[[rule]]\nid = \"aws-key\"\nregex = \"AKIA[0-9A-Z]{16}\"\ndescription = \"AWS key id\"\n",
    );
    t.write("out.log", "key AKIAABCDEFGHIJKLMNOP here\n");
    let run = sealprobe(&[
        "scan",
        "--rules",
        &arg(&t, "rules.toml"),
        &arg(&t, "out.log"),
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("rule aws-key"), "{}", run.stdout);
    t.write(
        "bad.toml",
        "[[rule]]\nid = \"broken-one\"\nregex = \"(unclosed\"\ndescription = \"x\"\n",
    );
    let run = sealprobe(&["scan", "--rules", &arg(&t, "bad.toml"), &arg(&t, "out.log")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("broken-one"), "{}", run.stderr);
}

#[test]
fn short_secret_is_a_usage_error_naming_the_line_not_the_secret() {
    let t = setup();
    t.write("short.txt", format!("{SECRET}\nabc\n"));
    t.write("out.log", "x\n");
    let run = sealprobe(&[
        "scan",
        "--secrets",
        &arg(&t, "short.txt"),
        &arg(&t, "out.log"),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("line 2"), "{}", run.stderr);
    common::assert_nothing_leaked(&run, &[SECRET, "abc"]);
}

#[test]
fn unreadable_input_is_a_usage_error() {
    let t = setup();
    let run = sealprobe(&[
        "scan",
        "--secrets",
        &arg(&t, "secrets.txt"),
        &arg(&t, "missing.log"),
    ]);
    assert_eq!(run.code, 2);
}

/// Issue #23, point 6: `scan DIR` never skips an entry silently. A folder holding only a
/// symlink to a leaking log, a FIFO and a socket is not clean: each is listed as `not-read` in
/// both formats and the exit is 1; `--skip-special` accepts them (exit 0), still listed.
#[test]
fn scan_dir_lists_every_entry_it_did_not_read_and_fails_unless_told_to_skip() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    std::fs::write(
        dir.path().join("leak.log"),
        "spg1.cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4wY9bC1dF6gH0jK5lA8sE3uI7oP2q\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("../leak.log", logs.join("current.log")).unwrap();
    sealprobe::workspace::make_fifo(&logs.join("pipe")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(logs.join("sock")).unwrap();
    let path = logs.to_str().unwrap();

    let human = sealprobe(&["scan", path]);
    assert_eq!(human.code, 1, "{}{}", human.stdout, human.stderr);
    for (name, kind) in [
        ("current.log", "symlink"),
        ("pipe", "fifo"),
        ("sock", "socket"),
    ] {
        assert!(
            human
                .stdout
                .lines()
                .any(|l| l.ends_with(&format!("/{name}  not-read  {kind}"))),
            "{}",
            human.stdout
        );
    }
    assert!(
        human
            .stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("NOT-READ: nothing found in 0 bytes, but 3 entries"),
        "{}",
        human.stdout
    );

    let json = sealprobe(&["scan", "--format", "json", path]);
    assert_eq!(json.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let kinds: Vec<&str> = doc["not_read"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["symlink", "fifo", "socket"]);
    assert_eq!(doc["summary"]["not_read"], 3);

    let skipped = sealprobe(&["scan", "--skip-special", path]);
    assert_eq!(skipped.code, 0, "{}", skipped.stdout);
    assert!(skipped.stdout.contains("current.log  not-read  symlink"));
    assert!(
        skipped
            .stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("CLEAN: no secret or token found in 0 bytes; 3 entries not read"),
        "{}",
        skipped.stdout
    );
}

/// Issue #23, point 7 (part): every line that says nothing was found says what was looked for.
#[test]
fn a_clean_line_says_how_many_rules_and_secrets_were_looked_for() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("build.log");
    std::fs::write(&log, "compiling\n").unwrap();
    let secrets = dir.path().join("secrets.txt");
    std::fs::write(&secrets, "first-secret-value\nsecond-secret-value\n").unwrap();
    let run = sealprobe(&[
        "scan",
        "--secrets",
        secrets.to_str().unwrap(),
        log.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        "CLEAN: no secret or token found in 10 bytes (13 rules and 2 secrets looked for)\n"
    );
}

/// Issue #23, point 7: with no rules file, the credentials people leak most are found by the
/// built-in rules (a GitHub token, an AWS access key id, a PEM private key header, a JWT),
/// never reported CLEAN.
#[test]
fn common_credentials_are_found_without_a_rules_file() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("deploy.log");
    std::fs::write(
        &log,
        "token=ghp_R9k2Lm4Xp7Qw1Zt8Vb3Nc6Hd0Jf5Gs2Ak9Ey\n\
         aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n\
         -----BEGIN RSA PRIVATE KEY-----\n\
         Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\n",
    )
    .unwrap();
    let run = sealprobe(&["scan", "--format", "json", log.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let ids: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["github-token", "aws-access-key-id", "private-key", "jwt"]
    );
}
