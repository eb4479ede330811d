//! `sealprobe seal` (SPEC 3.2): deterministic, canonical, and it refuses everything `verify`
//! could not check, naming the refused entry escaped.

mod common;

use common::Tree;

fn sample(t: &Tree) {
    t.write("docs/a.md", "# A\n");
    t.write("docs/sub/b.json", "{\"b\": [1, 2.5, \"x\"]}\n");
    t.write("bin/blob", [0u8, 159, 146, 150, 255]);
    t.write("crlf.txt", "one\r\ntwo\r\n");
    t.write("bom.txt", "\u{feff}with bom");
}

#[test]
fn sealing_is_deterministic_across_creation_order() {
    let first = Tree::new();
    sample(&first);
    let second = Tree::new();
    // Same content, files created in another order.
    second.write("crlf.txt", "one\r\ntwo\r\n");
    second.write("bom.txt", "\u{feff}with bom");
    second.write("docs/sub/b.json", "{\"b\": [1, 2.5, \"x\"]}\n");
    second.write("bin/blob", [0u8, 159, 146, 150, 255]);
    second.write("docs/a.md", "# A\n");
    let a = first.seal(&["."]);
    let b = second.seal(&["."]);
    assert_eq!(a, b);
    assert_eq!(first.seal(&["."]), a, "sealing twice gives the same bytes");
}

#[test]
fn seal_records_layered_fingerprints() {
    let t = Tree::new();
    sample(&t);
    t.seal(&["."]);
    let v: serde_json::Value = serde_json::from_str(&t.seal_text()).unwrap();
    let arts = v["artifacts"].as_array().unwrap();
    let by_path = |p: &str| arts.iter().find(|a| a["path"] == p).unwrap().clone();
    let paths: Vec<&str> = arts.iter().map(|a| a["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        [
            "bin/blob",
            "bom.txt",
            "crlf.txt",
            "docs/a.md",
            "docs/sub/b.json"
        ]
    );
    assert!(
        by_path("bin/blob").get("text").is_none(),
        "binary has no text layer"
    );
    assert!(by_path("bin/blob").get("json").is_none());
    assert_eq!(by_path("bom.txt")["text"]["bom"], true);
    assert_eq!(by_path("bom.txt")["text"]["eol"], "none");
    assert_eq!(by_path("bom.txt")["text"]["final_newline"], false);
    assert_eq!(by_path("crlf.txt")["text"]["eol"], "crlf");
    assert_eq!(by_path("crlf.txt")["text"]["final_newline"], true);
    assert!(by_path("docs/sub/b.json")["json"]["canonical_sha256"].is_string());
    assert!(by_path("docs/a.md").get("json").is_none());
    assert_eq!(by_path("docs/a.md")["bytes"], 4);
    // The N1 digest of "# A\n" is the SHA-256 of "# A" (trailing LF removed).
    assert_eq!(
        by_path("docs/a.md")["text"]["lf_sha256"],
        sha256_hex(b"# A")
    );
}

fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn seal_output_is_canonical_and_verifies() {
    let t = Tree::new();
    sample(&t);
    let bytes = t.seal(&["."]);
    let seal = sealprobe::seal::Seal::load(&bytes, 1 << 24).expect("seal loads");
    assert_eq!(seal.to_file_form(), bytes);
    assert_eq!(t.verify().code, 0);
}

#[test]
fn seal_writes_to_stdout_without_out() {
    let t = Tree::new();
    sample(&t);
    let run = common::sealprobe(&["seal", "--root", t.root().to_str().unwrap(), "docs"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("{\n  \"artifacts\": ["));
    assert!(run.stdout.ends_with("}\n"));
    assert!(!run.stdout.contains("bin/blob"));
}

#[test]
fn seal_refuses_a_symlink() {
    let t = Tree::new();
    sample(&t);
    std::os::unix::fs::symlink("a.md", t.path("docs/link.md")).unwrap();
    let run = t.seal_run(&["."]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("docs/link.md") && run.stderr.contains("symlink"),
        "{}",
        run.stderr
    );
    assert!(!common::exists(&t.seal_path()), "no seal is written");
}

#[test]
fn seal_refuses_a_fifo() {
    let t = Tree::new();
    sample(&t);
    t.ws.fifo("docs/pipe").unwrap();
    let run = t.seal_run(&["docs"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("docs/pipe"), "{}", run.stderr);
}

#[test]
fn seal_refuses_control_characters_in_names_and_shows_them_escaped() {
    let t = Tree::new();
    t.write("docs/evil\u{1b}[31m.md", "x");
    let run = t.seal_run(&["docs"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("docs/evil\\u{1b}[31m.md"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains('\u{1b}'),
        "raw escape character must not reach the terminal"
    );
}

#[test]
fn seal_refuses_bidi_controls_and_backslashes_in_names() {
    for name in ["docs/a\u{202e}txt.md", "docs/a\\b.md"] {
        let t = Tree::new();
        t.write(name, "x");
        let run = t.seal_run(&["docs"]);
        assert_eq!(run.code, 1, "{name:?} must be refused");
        assert!(!run.stderr.contains('\u{202e}'));
    }
}

#[test]
fn seal_refuses_names_equal_after_nfc() {
    let t = Tree::new();
    t.write("docs/café.md", "1");
    t.write("docs/cafe\u{301}.md", "2");
    let run = t.seal_run(&["docs"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("NFC"), "{}", run.stderr);
}

#[test]
fn seal_refuses_names_equal_after_case_folding() {
    let t = Tree::new();
    t.write("docs/Readme.md", "1");
    t.write("docs/README.md", "2");
    assert_eq!(t.seal_run(&["docs"]).code, 1);
}

#[test]
fn seal_refuses_a_missing_path_and_bad_arguments() {
    let t = Tree::new();
    sample(&t);
    assert_eq!(t.seal_run(&["nope.txt"]).code, 1);
    assert_eq!(t.seal_run(&["../outside"]).code, 1);
    assert_eq!(t.seal_run(&["/etc/passwd"]).code, 1);
}

#[test]
fn complete_folder_is_sealed_whole() {
    let t = Tree::new();
    sample(&t);
    t.seal(&["--complete", "docs"]);
    let v: serde_json::Value = serde_json::from_str(&t.seal_text()).unwrap();
    assert_eq!(v["complete"], serde_json::json!(["docs"]));
    assert_eq!(v["artifacts"].as_array().unwrap().len(), 2);
    assert_eq!(t.verify().code, 0);
}

#[test]
fn complete_must_be_a_folder() {
    let t = Tree::new();
    sample(&t);
    assert_eq!(t.seal_run(&["--complete", "crlf.txt"]).code, 1);
}

/// Issue #23, point 5: the reviewer sealed 60,000 files into a 25.7 MB seal that `verify`
/// refused as `seal-size` with its defaults. A seal of 60,000 artifacts with paths of 60 bytes
/// (built in memory, no files) must load with the limit `verify` uses by default.
#[test]
fn a_seal_of_60000_artifacts_loads_with_the_verify_defaults() {
    use sealprobe::digest::Digest;
    use sealprobe::seal::fingerprint::fingerprints_of;
    use sealprobe::seal::path::SealPath;
    use sealprobe::seal::{Seal, verify::VerifyOptions};
    let artifacts = (0..60_000)
        .map(|i| {
            let path = format!("src/module{:03}/file{i:06}_{}.rs", i % 500, "x".repeat(24));
            let body = Digest::of(path.as_bytes()).to_hex();
            fingerprints_of(body.as_bytes()).into_artifact(SealPath::parse(&path).unwrap())
        })
        .collect();
    let doc = Seal::new(artifacts, Vec::new()).unwrap().to_file_form();
    assert!(doc.len() > 25_000_000, "{} bytes", doc.len());
    let limit = VerifyOptions::default().seal_size_limit;
    assert_eq!(limit, sealprobe::seal::SEAL_SIZE_LIMIT);
    let loaded = Seal::load(&doc, limit).map_err(|e| e.class.name());
    assert_eq!(loaded.map(|s| s.artifacts().len()), Ok(60_000));
}

/// `seal` and `verify` agree on size through one constant: the CLI's `--max-seal-bytes`
/// default is it (the refusal in `seal` is unit-tested in `command::seal` with a small limit).
#[test]
fn verify_reads_by_default_the_largest_seal_that_seal_writes() {
    let run = common::sealprobe(&["verify", "--help"]);
    assert_eq!(run.code, 0);
    let default = format!("[default: {}]", sealprobe::seal::SEAL_SIZE_LIMIT);
    assert!(run.stdout.contains(&default), "{}", run.stdout);
}

#[test]
fn seal_refuses_a_root_that_does_not_exist_in_one_line() {
    let t = Tree::new();
    let missing = t.base().join("buidl");
    let run = common::sealprobe(&["seal", "--root", missing.to_str().unwrap(), "."]);
    assert_eq!((run.code, run.stdout.as_str()), (1, ""));
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.trim_end().ends_with("buidl does not exist"),
        "{}",
        run.stderr
    );
}
