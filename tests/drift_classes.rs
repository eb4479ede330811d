//! Every drift class of SPEC 3.3, each on a real tree in a temporary folder, through the CLI.
//! The first seven are the drifts any seal-vs-bytes gate must fail closed on.

mod common;

use common::Tree;

const DOC: &str = "Decision — HOLD by default.\nOwner: café team\n";
const JSON_DOC: &str = "{\n  \"name\": \"café\",\n  \"steps\": [1, 2]\n}\n";

fn sealed_doc() -> Tree {
    let t = Tree::new();
    t.write("docs/decision.md", DOC);
    t.write("data/config.json", JSON_DOC);
    t.seal(&["."]);
    let pass = t.verify();
    assert_eq!(pass.code, 0, "fresh seal must verify: {}", pass.stdout);
    t
}

fn assert_named(t: &Tree, path: &str, class: &str) {
    let run = t.verify();
    assert_eq!(run.code, 1, "must fail closed: {}", run.stdout);
    assert_eq!(run.report()["verdict"], "fail");
    let drift = run.drift_of(path);
    assert!(
        drift.iter().any(|d| d == class),
        "expected {class} for {path}, got {drift:?}"
    );
}

// --- the seven drifts every gate must catch -------------------------------------------------

#[test]
fn seal_digest_edited_is_content() {
    let t = sealed_doc();
    let seal = t.seal_text();
    let report = serde_json::from_str::<serde_json::Value>(&seal).unwrap();
    let digest = report["artifacts"][1]["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    let flipped_first = if digest.starts_with('0') { "1" } else { "0" };
    let edited = format!("{flipped_first}{}", &digest[1..]);
    t.set_seal(seal.replace(&digest, &edited));
    assert_named(&t, "docs/decision.md", "content");
    let run = t.verify();
    assert_eq!(run.drift_of("docs/decision.md"), vec!["content"]);
}

#[test]
fn a_byte_changed_at_the_same_length_is_content_with_no_sha_match() {
    let t = sealed_doc();
    // Same length, one byte different: read to the end, sizes equal, digest differs.
    t.write("docs/decision.md", DOC.replace("HOLD", "HOLT"));
    let run = t.verify();
    assert_eq!(run.code, 1);
    assert_eq!(run.drift_of("docs/decision.md"), vec!["content"]);
    let finding = &run.report()["findings"][0];
    assert_eq!(finding["sha256_match"], false);
    assert_eq!(finding["expected_bytes"], DOC.len() as u64);
    assert_eq!(finding["actual_bytes"], DOC.len() as u64);
}

#[test]
fn seal_length_edited_is_content_with_matching_sha() {
    let t = sealed_doc();
    let len = DOC.len();
    let seal = t.seal_text();
    let edited = seal.replace(
        &format!("\"bytes\": {len},"),
        &format!("\"bytes\": {},", len + 1),
    );
    assert_ne!(seal, edited);
    t.set_seal(edited);
    let run = t.verify();
    assert_eq!(run.code, 1);
    assert_eq!(run.drift_of("docs/decision.md"), vec!["content"]);
    let finding = &run.report()["findings"][0];
    assert_eq!(finding["sha256_match"], true);
    assert_eq!(finding["expected_bytes"], len as u64 + 1);
    assert_eq!(finding["actual_bytes"], len as u64);
}

#[test]
fn em_dash_replaced_by_hyphen_is_unicode() {
    let t = sealed_doc();
    t.write("docs/decision.md", DOC.replace('—', "-"));
    assert_named(&t, "docs/decision.md", "unicode");
}

#[test]
fn json_redumped_with_ensure_ascii_is_json_reencode() {
    let t = sealed_doc();
    // What Python's json.dump(value, f, indent=2, ensure_ascii=True) writes: escapes, no final LF.
    t.write(
        "data/config.json",
        "{\n  \"name\": \"caf\\u00e9\",\n  \"steps\": [\n    1,\n    2\n  ]\n}",
    );
    assert_named(&t, "data/config.json", "json-reencode");
}

#[test]
fn bom_added_is_bom() {
    let t = sealed_doc();
    t.write("docs/decision.md", format!("\u{feff}{DOC}"));
    let run = t.verify();
    assert_eq!(run.code, 1);
    assert_eq!(run.drift_of("docs/decision.md"), vec!["bom"]);
}

#[test]
fn lf_to_crlf_is_crlf() {
    let t = sealed_doc();
    t.write("docs/decision.md", DOC.replace('\n', "\r\n"));
    let run = t.verify();
    assert_eq!(run.code, 1);
    assert_eq!(run.drift_of("docs/decision.md"), vec!["crlf"]);
}

#[test]
fn missing_file_is_missing() {
    let t = sealed_doc();
    std::fs::remove_file(t.path("docs/decision.md")).unwrap();
    let run = t.verify();
    assert_eq!(run.code, 1);
    assert_eq!(run.drift_of("docs/decision.md"), vec!["missing"]);
    assert_eq!(
        run.report()["findings"][0]["actual_bytes"],
        serde_json::Value::Null
    );
}

// --- every other class -------------------------------------------------------------------------

#[test]
fn bom_removed_is_bom() {
    let t = Tree::new();
    t.write("a.txt", format!("\u{feff}{DOC}"));
    t.seal(&["a.txt"]);
    t.write("a.txt", DOC);
    assert_eq!(t.verify().drift_of("a.txt"), vec!["bom"]);
}

#[test]
fn final_newline_removed_is_final_newline() {
    let t = sealed_doc();
    t.write("docs/decision.md", DOC.trim_end_matches('\n'));
    assert_eq!(
        t.verify().drift_of("docs/decision.md"),
        vec!["final-newline"]
    );
}

#[test]
fn extra_trailing_newlines_are_final_newline() {
    let t = sealed_doc();
    t.write("docs/decision.md", format!("{DOC}\n\n"));
    assert_eq!(
        t.verify().drift_of("docs/decision.md"),
        vec!["final-newline"]
    );
}

/// Found by the line-endings probe family: a CRLF file that gained a trailing CRLF still has only
/// CRLF endings, so the line endings did not change; only the trailing newlines did.
#[test]
fn extra_trailing_crlf_in_a_crlf_file_is_final_newline() {
    let t = Tree::new();
    t.write("a.txt", "one\r\ntwo\r\n");
    t.seal(&["a.txt"]);
    t.write("a.txt", "one\r\ntwo\r\n\r\n");
    assert_eq!(t.verify().drift_of("a.txt"), vec!["final-newline"]);
    t.write("a.txt", "one\r\ntwo");
    assert_eq!(t.verify().drift_of("a.txt"), vec!["final-newline"]);
    let t = Tree::new();
    t.write("a.txt", "one\rtwo\r");
    t.seal(&["a.txt"]);
    t.write("a.txt", "one\rtwo\r\r\r");
    assert_eq!(t.verify().drift_of("a.txt"), vec!["final-newline"]);
}

/// Found by the line-endings probe family: in a file that mixes endings, a CRLF moved to another
/// line keeps the length, the features and the LF-normalized text; only the endings changed.
#[test]
fn line_endings_redistributed_in_a_mixed_file_are_crlf() {
    let t = Tree::new();
    t.write("a.txt", "one\r\ntwo\nthree\n");
    t.seal(&["a.txt"]);
    t.write("a.txt", "one\ntwo\r\nthree\n");
    assert_eq!(t.verify().drift_of("a.txt"), vec!["crlf"]);
}

/// Found by the resource probe family: a complete folder too deep to walk whole must still report
/// the unsealed file the walk already saw, beside `unreadable` for the part it could not walk.
#[test]
fn a_walk_past_the_depth_limit_still_reports_what_it_saw() {
    let t = Tree::new();
    t.write("deep/a.md", "a\n");
    t.seal(&["--complete", "deep"]);
    t.write("deep/planted.sh", "echo owned\n");
    let deeper = sealprobe::beneath::MAX_WALK_DEPTH + 44;
    let chain: String = (0..deeper).map(|i| format!("/d{i}")).collect();
    t.ws.folder(format!("deep{chain}")).unwrap();
    let run = t.verify();
    assert_eq!(run.code, 1);
    assert_eq!(run.drift_of("deep/planted.sh"), vec!["unsealed"]);
    let findings = run.report()["findings"].as_array().unwrap().clone();
    assert!(
        findings
            .iter()
            .any(|f| f["drift"] == serde_json::json!(["unreadable"])),
        "{}",
        run.stdout
    );
}

#[test]
fn crlf_and_bom_together_name_both() {
    let t = sealed_doc();
    t.write(
        "docs/decision.md",
        format!("\u{feff}{}", DOC.replace('\n', "\r\n")),
    );
    assert_eq!(t.verify().drift_of("docs/decision.md"), vec!["bom", "crlf"]);
}

#[test]
fn a_small_json_file_redumped_far_longer_is_still_json_reencode() {
    // Diagnosis reads up to twice the sealed length plus 64 KiB: a 120-byte document re-dumped
    // with deep indentation (1.6 KB) is still recognised as the same value.
    let t = Tree::new();
    let items: Vec<String> = (0..60).map(|i| (i % 10).to_string()).collect();
    let compact = format!("[{}]", items.join(","));
    t.write("small.json", &compact);
    t.seal(&["."]);
    let indent = " ".repeat(24);
    let pretty = format!("[\n{indent}{}\n]", items.join(&format!(",\n{indent}")));
    assert!(
        pretty.len() > 2 * compact.len() + 1200,
        "{} bytes",
        pretty.len()
    );
    t.write("small.json", &pretty);
    assert_eq!(t.verify().drift_of("small.json"), vec!["json-reencode"]);
}

#[test]
fn json_key_order_and_spacing_is_json_reencode() {
    let t = sealed_doc();
    t.write(
        "data/config.json",
        "{\"steps\":[1.0,2e0],\"name\":\"caf\\u00e9\"}\n",
    );
    assert_eq!(
        t.verify().drift_of("data/config.json"),
        vec!["json-reencode"]
    );
}

#[test]
fn nfd_text_is_unicode() {
    let t = sealed_doc();
    // é as e + COMBINING ACUTE ACCENT
    t.write("docs/decision.md", DOC.replace('é', "e\u{301}"));
    assert_eq!(t.verify().drift_of("docs/decision.md"), vec!["unicode"]);
}

#[test]
fn zero_width_space_is_unicode() {
    let t = sealed_doc();
    t.write("docs/decision.md", DOC.replace("HOLD", "HO\u{200b}LD"));
    assert_eq!(t.verify().drift_of("docs/decision.md"), vec!["unicode"]);
}

#[test]
fn bidi_control_is_unicode() {
    let t = sealed_doc();
    t.write(
        "docs/decision.md",
        DOC.replace("HOLD", "\u{202e}HOLD\u{202c}"),
    );
    assert_eq!(t.verify().drift_of("docs/decision.md"), vec!["unicode"]);
}

#[test]
fn cyrillic_homoglyph_is_unicode() {
    let t = sealed_doc();
    // Latin "o" in "Owner" replaced by CYRILLIC SMALL LETTER O, "a" in "café" by CYRILLIC A.
    t.write(
        "docs/decision.md",
        DOC.replace("Owner", "Оwner").replace("café", "cаfé"),
    );
    assert_eq!(t.verify().drift_of("docs/decision.md"), vec!["unicode"]);
}

#[test]
fn curly_quotes_and_nbsp_are_unicode() {
    let t = Tree::new();
    t.write("q.txt", "say \"yes\" and 'no' here\n");
    t.seal(&["q.txt"]);
    t.write(
        "q.txt",
        "say \u{201c}yes\u{201d} and \u{2018}no\u{2019}\u{a0}here\n",
    );
    assert_eq!(t.verify().drift_of("q.txt"), vec!["unicode"]);
}

#[test]
fn real_word_change_is_content() {
    let t = sealed_doc();
    t.write("docs/decision.md", DOC.replace("HOLD", "SHIP"));
    assert_eq!(t.verify().drift_of("docs/decision.md"), vec!["content"]);
}

#[test]
fn json_value_changed_is_content_not_json_reencode() {
    // Still JSON, same layout, another value: a re-encoding keeps the value, this does not.
    let t = sealed_doc();
    t.write("data/config.json", JSON_DOC.replace("[1, 2]", "[1, 3]"));
    assert_eq!(t.verify().drift_of("data/config.json"), vec!["content"]);
}

#[test]
fn binary_byte_flip_is_content() {
    let t = Tree::new();
    let mut blob: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    t.write("bin/blob", &blob);
    t.seal(&["bin"]);
    blob[1000] ^= 1;
    t.write("bin/blob", &blob);
    assert_eq!(t.verify().drift_of("bin/blob"), vec!["content"]);
}

#[test]
fn nfd_file_name_is_path_unicode() {
    let t = Tree::new();
    t.write("docs/café.md", DOC);
    t.seal(&["docs"]);
    std::fs::rename(t.path("docs/café.md"), t.path("docs/cafe\u{301}.md")).unwrap();
    let run = t.verify();
    assert_eq!(run.code, 1);
    assert_eq!(run.drift_of("docs/café.md"), vec!["path-unicode"]);
}

#[test]
fn case_changed_file_name_is_path_unicode() {
    let t = Tree::new();
    t.write("docs/README.md", DOC);
    t.seal(&["docs"]);
    std::fs::rename(t.path("docs/README.md"), t.path("docs/readme.md")).unwrap();
    assert_eq!(t.verify().drift_of("docs/README.md"), vec!["path-unicode"]);
}

#[test]
fn case_changed_folder_name_is_path_unicode() {
    let t = Tree::new();
    t.write("Docs/a.md", DOC);
    t.seal(&["Docs"]);
    std::fs::rename(t.path("Docs"), t.path("docs")).unwrap();
    assert_eq!(t.verify().drift_of("Docs/a.md"), vec!["path-unicode"]);
}

#[test]
fn symlink_to_identical_content_outside_root_is_not_regular() {
    let t = sealed_doc();
    let outside = t.base().join("outside.md");
    std::fs::write(&outside, DOC).unwrap();
    std::fs::remove_file(t.path("docs/decision.md")).unwrap();
    std::os::unix::fs::symlink(&outside, t.path("docs/decision.md")).unwrap();
    let run = t.verify();
    assert_eq!(run.code, 1);
    assert_eq!(run.drift_of("docs/decision.md"), vec!["not-regular"]);
    assert_eq!(
        run.report()["summary"]["bytes_hashed"],
        JSON_DOC.len() as u64
    );
}

#[test]
fn symlinked_folder_on_the_path_is_not_regular() {
    let t = sealed_doc();
    let outside = t.base().join("elsewhere");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("decision.md"), DOC).unwrap();
    std::fs::remove_dir_all(t.path("docs")).unwrap();
    std::os::unix::fs::symlink(&outside, t.path("docs")).unwrap();
    assert_eq!(t.verify().drift_of("docs/decision.md"), vec!["not-regular"]);
}

#[test]
fn fifo_at_path_is_not_regular_and_does_not_block() {
    let t = sealed_doc();
    std::fs::remove_file(t.path("docs/decision.md")).unwrap();
    t.ws.fifo("docs/decision.md").expect("mkfifo");
    // The harness kills the run after 60 s; a blocking open would fail the test.
    let run = t.verify();
    assert_eq!(run.code, 1);
    assert_eq!(run.drift_of("docs/decision.md"), vec!["not-regular"]);
}

#[test]
fn folder_at_path_is_not_regular() {
    let t = sealed_doc();
    std::fs::remove_file(t.path("docs/decision.md")).unwrap();
    std::fs::create_dir(t.path("docs/decision.md")).unwrap();
    assert_eq!(t.verify().drift_of("docs/decision.md"), vec!["not-regular"]);
}

#[test]
fn endless_sparse_file_fails_at_once_reading_one_byte_more() {
    let t = Tree::new();
    t.write("small.bin", b"0123456789");
    t.seal(&["small.bin"]);
    let f = std::fs::File::create(t.path("small.bin")).unwrap();
    f.set_len(8 << 30).unwrap(); // 8 GiB of holes
    let run = t.verify();
    assert_eq!(run.code, 1);
    assert_eq!(run.drift_of("small.bin"), vec!["content"]);
    let report = run.report();
    assert_eq!(report["findings"][0]["actual_bytes"], 8u64 << 30);
    // At most bytes + 1 were hashed.
    assert_eq!(report["summary"]["bytes_hashed"], 11);
}

#[test]
fn io_error_while_reading_is_unreadable() {
    // /proc/self/mem is a regular file whose first page cannot be read (EIO): a real I/O error.
    let seal = sealprobe::seal::Seal::new(
        vec![sealprobe::seal::Artifact {
            path: sealprobe::seal::path::SealPath::parse("mem").unwrap(),
            bytes: 10,
            sha256: sealprobe::digest::Digest([7; 32]),
            text: None,
            json: None,
        }],
        vec![],
    )
    .unwrap();
    let t = Tree::new();
    t.set_seal(seal.to_file_form());
    let run = common::sealprobe(&[
        "verify",
        "--root",
        "/proc/self",
        "--format",
        "json",
        t.seal_path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.drift_of("mem"), vec!["unreadable"]);
}

#[test]
fn extra_file_in_complete_folder_is_unsealed() {
    let t = Tree::new();
    t.write("docs/a.md", DOC);
    t.write("other/free.txt", "not checked\n");
    t.seal(&["--complete", "docs"]);
    assert_eq!(t.verify().code, 0);
    t.write("docs/new.md", "surprise\n");
    t.write("other/more.txt", "outside complete folders\n");
    let run = t.verify();
    assert_eq!(run.code, 1);
    assert_eq!(run.drift_of("docs/new.md"), vec!["unsealed"]);
    assert_eq!(run.report()["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn symlink_and_fifo_in_complete_folder_are_unsealed() {
    let t = Tree::new();
    t.write("docs/a.md", DOC);
    t.seal(&["--complete", "docs"]);
    std::os::unix::fs::symlink("a.md", t.path("docs/link.md")).unwrap();
    t.ws.fifo("docs/pipe").unwrap();
    let run = t.verify();
    assert_eq!(run.drift_of("docs/link.md"), vec!["unsealed"]);
    assert_eq!(run.drift_of("docs/pipe"), vec!["unsealed"]);
}

/// The CLI stops at a root that is gone with one line (tests/verify_edges.rs); the library
/// underneath still fails closed on its own: every artifact is missing.
#[test]
fn missing_root_fails_every_artifact_as_missing() {
    let t = sealed_doc();
    std::fs::remove_dir_all(t.root()).unwrap();
    let doc = std::fs::read(t.seal_path()).unwrap();
    let outcome = sealprobe::seal::verify::verify_bytes(
        &doc,
        &t.root(),
        &sealprobe::seal::verify::VerifyOptions::default(),
    );
    assert!(!outcome.passed());
    let drift = |p: &str| {
        outcome
            .findings
            .iter()
            .find(|f| f.path == p.as_bytes())
            .map(|f| f.drift.clone())
    };
    let missing = Some(vec![sealprobe::seal::Drift::Missing]);
    assert_eq!(drift("docs/decision.md"), missing);
    assert_eq!(drift("data/config.json"), missing);
    let run = t.verify();
    assert_eq!((run.code, run.stdout.as_str()), (1, ""), "{}", run.stderr);
}

#[test]
fn human_report_names_classes_and_verdict() {
    let t = sealed_doc();
    t.write("docs/decision.md", DOC.replace('\n', "\r\n"));
    let run = t.verify_format("human");
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("docs/decision.md"), "{}", run.stdout);
    assert!(run.stdout.contains("crlf"), "{}", run.stdout);
    let last = run.stdout.lines().last().unwrap();
    assert!(last.starts_with("FAIL: 1 of 2 artifacts drifted"), "{last}");
    assert!(last.contains("unauthenticated"), "{last}");
}

#[test]
fn unchanged_tree_passes_in_both_formats() {
    let t = sealed_doc();
    let human = t.verify_format("human");
    assert_eq!(human.code, 0);
    assert!(
        human.stdout.starts_with("PASS: 2 of 2 artifacts match"),
        "{}",
        human.stdout
    );
    let json = t.verify();
    let report = json.report();
    assert_eq!(report["verdict"], "pass");
    assert_eq!(report["authenticated"], false);
    assert_eq!(report["summary"]["passed"], 2);
    assert_eq!(
        report["summary"]["bytes_hashed"],
        (DOC.len() + JSON_DOC.len()) as u64
    );
}
