//! `sealprobe verify` at the edges (issue #23, point 9): what it says when a complete folder or
//! the root is gone, how names that differ only by Unicode normalization are shown, which name a
//! `path-unicode` finding found, how wide characters line up, and how every command ends when
//! the reader of its stdout goes away. Each test failed against the build before the change.

mod common;

use std::io::Read as _;
use std::process::{Command, Stdio};

use common::{Tree, sealprobe};
use unicode_width::UnicodeWidthStr as _;

/// A token-shaped file name (a grant token's shape): it must never be printed, in any format.
const TOKEN_NAME: &str =
    "spg1.cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4wY9bC1dF6gH0jK5lA8sE3uI7oP2q";

fn findings(run: &common::Run) -> Vec<serde_json::Value> {
    run.report()["findings"]
        .as_array()
        .expect("findings array")
        .clone()
}

#[test]
fn a_deleted_complete_folder_is_missing_and_never_an_unsealed_entry() {
    let t = Tree::new();
    t.write("docs/a.md", "a\n");
    t.write("docs/sub/b.md", "b\n");
    t.write("keep.txt", "k\n");
    t.seal(&["--complete", "docs", "."]);
    std::fs::remove_dir_all(t.path("docs")).unwrap();

    let run = t.verify();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.drift_of("docs/a.md"), ["missing"]);
    assert_eq!(run.drift_of("docs/sub/b.md"), ["missing"]);
    assert_eq!(
        run.drift_of("docs"),
        ["missing"],
        "the complete folder itself"
    );
    assert!(
        findings(&run)
            .iter()
            .all(|f| f["drift"] != serde_json::json!(["unsealed"])),
        "{}",
        run.stdout
    );

    let human = t.verify_format("human");
    assert_eq!(human.code, 1);
    let last = human.stdout.lines().last().unwrap();
    assert!(
        last.starts_with(
            "FAIL: 2 of 3 artifacts drifted, 1 complete folder missing, 0 unsealed entries;"
        ),
        "{}",
        human.stdout
    );
    let folder_line = human
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("docs "))
        .unwrap_or_else(|| panic!("no line for docs: {}", human.stdout));
    assert!(
        folder_line.contains("missing") && folder_line.contains("complete folder"),
        "{folder_line}"
    );
}

#[test]
fn a_deleted_empty_complete_folder_still_fails() {
    let t = Tree::new();
    t.write("keep.txt", "k\n");
    std::fs::create_dir(t.path("spool")).unwrap();
    t.seal(&["--complete", "spool", "keep.txt"]);
    assert_eq!(t.verify().code, 0, "{}", t.verify().stdout);
    std::fs::remove_dir(t.path("spool")).unwrap();
    let run = t.verify();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.drift_of("spool"), ["missing"]);
}

#[test]
fn a_root_that_does_not_exist_fails_with_one_line_saying_so() {
    let t = Tree::new();
    t.write("a.txt", "a\n");
    t.seal(&["."]);
    let missing = t.base().join("no-such-root");
    let seal = t.seal_path();
    for format in ["human", "json"] {
        let run = sealprobe(&[
            "verify",
            "--root",
            missing.to_str().unwrap(),
            "--format",
            format,
            seal.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert_eq!(
            run.stdout, "",
            "{format}: no report about a root that is not there"
        );
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(
            run.stderr.starts_with("sealprobe verify: the root ")
                && run
                    .stderr
                    .trim_end()
                    .ends_with("no-such-root does not exist"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn a_root_that_is_a_file_fails_with_one_line_saying_so() {
    let t = Tree::new();
    t.write("a.txt", "a\n");
    t.seal(&["."]);
    let file = t.path("a.txt");
    let seal = t.seal_path();
    let run = sealprobe(&[
        "verify",
        "--root",
        file.to_str().unwrap(),
        seal.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.trim_end().ends_with("a.txt is not a folder"),
        "{}",
        run.stderr
    );
}

/// The NFC name sealed, the NFD one on disk: the `path-unicode` line and the `unsealed` line must
/// not show the same-looking name. The combining mark of the name that is not NFC is escaped.
#[test]
fn an_nfd_rename_never_prints_two_names_that_look_the_same() {
    let t = Tree::new();
    t.write("docs/café.txt", "c\n");
    t.seal(&["--complete", "docs"]);
    std::fs::rename(t.path("docs/café.txt"), t.path("docs/cafe\u{301}.txt")).unwrap();

    let human = t.verify_format("human");
    assert_eq!(human.code, 1);
    assert!(
        !human.stdout.contains("cafe\u{301}"),
        "the raw combining mark is printed: {}",
        human.stdout
    );
    let unsealed = human
        .stdout
        .lines()
        .find(|l| l.contains("unsealed") && !l.starts_with("FAIL"))
        .unwrap_or_else(|| panic!("no unsealed line: {}", human.stdout));
    assert!(
        unsealed.trim_start().starts_with("docs/cafe\\u{301}.txt "),
        "{unsealed}"
    );
    let twin = human
        .stdout
        .lines()
        .find(|l| l.contains("path-unicode"))
        .unwrap_or_else(|| panic!("no path-unicode line: {}", human.stdout));
    assert!(twin.trim_start().starts_with("docs/café.txt "), "{twin}");

    let json = t.verify();
    let paths: Vec<String> = findings(&json)
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    assert!(paths.contains(&"docs/café.txt".to_owned()), "{paths:?}");
    assert!(
        paths.contains(&"docs/cafe\\u{301}.txt".to_owned()),
        "{paths:?}"
    );
}

#[test]
fn a_path_unicode_finding_names_the_name_it_found() {
    let t = Tree::new();
    t.write("docs/café.txt", "c\n");
    t.write("Docs2/a.md", "a\n");
    t.seal(&["."]);
    std::fs::rename(t.path("docs/café.txt"), t.path("docs/cafe\u{301}.txt")).unwrap();
    std::fs::rename(t.path("Docs2"), t.path("DOCS2")).unwrap();

    let run = t.verify();
    let by_path = |p: &str| {
        findings(&run)
            .into_iter()
            .find(|f| f["path"] == p)
            .unwrap_or_else(|| panic!("no finding for {p}: {}", run.stdout))
    };
    let nfd = by_path("docs/café.txt");
    assert_eq!(nfd["drift"], serde_json::json!(["path-unicode"]));
    assert_eq!(nfd["found"], "docs/cafe\\u{301}.txt");
    // A folder on the way was renamed: the name found is that folder's.
    let folder = by_path("Docs2/a.md");
    assert_eq!(folder["drift"], serde_json::json!(["path-unicode"]));
    assert_eq!(folder["found"], "DOCS2");

    let human = t.verify_format("human");
    let line = human
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("docs/café.txt "))
        .unwrap_or_else(|| panic!("{}", human.stdout));
    assert!(
        line.trim_end()
            .ends_with("on disk as docs/cafe\\u{301}.txt"),
        "{line}"
    );
}

#[test]
fn the_name_a_path_unicode_finding_found_is_redacted_when_token_shaped() {
    let t = Tree::new();
    let sealed = format!("keys/é{TOKEN_NAME}");
    t.write(&sealed, "k\n");
    t.seal(&["."]);
    let on_disk = format!("keys/e\u{301}{TOKEN_NAME}");
    std::fs::rename(t.path(&sealed), t.path(&on_disk)).unwrap();
    for format in ["json", "human"] {
        let run = t.verify_format(format);
        assert_eq!(run.code, 1);
        assert!(run.stdout.contains("path-unicode"), "{}", run.stdout);
        common::assert_nothing_leaked(&run, &[TOKEN_NAME]);
    }
    let run = t.verify();
    let f = &findings(&run)[0];
    assert!(
        f["found"]
            .as_str()
            .is_some_and(|s| s.starts_with("<redacted: token-shaped")),
        "{}",
        run.stdout
    );
}

/// Every human line starts its class column at the same display column, whatever the width of
/// the characters before it (CJK ideographs take two columns, a combining mark none).
#[test]
fn human_columns_line_up_by_display_width() {
    let t = Tree::new();
    t.write("docs/報告書.md", "one\n");
    t.write("docs/a.md", "two\n");
    t.write("docs/q\u{301}.md", "three\n");
    t.seal(&["."]);
    t.write("docs/報告書.md", "changed\n");
    t.write("docs/a.md", "changed\n");
    t.write("docs/q\u{301}.md", "changed\n");
    let run = t.verify_format("human");
    assert_eq!(run.code, 1);
    let columns: Vec<usize> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("  "))
        .map(|l| {
            let at = l.find("content").unwrap_or_else(|| panic!("{l}"));
            l[..at].width()
        })
        .collect();
    assert_eq!(columns.len(), 3, "{}", run.stdout);
    assert!(
        columns.iter().all(|c| *c == columns[0]),
        "{columns:?}\n{}",
        run.stdout
    );
}

/// Runs `sealprobe args` with its stdout a pipe whose reading end is already closed.
fn with_stdout_closed(args: &[&str]) -> (i32, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut child = Command::new(common::bin())
        .args(args)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    (status.code().unwrap_or(-1), stderr)
}

#[test]
fn a_broken_pipe_ends_probes_list_quietly_with_exit_0() {
    // `sealprobe probes list | head -1`: head reads one line and goes away.
    let mut child = Command::new(common::bin())
        .args(["probes", "list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    let _ = child.stdout.as_mut().unwrap().read(&mut first).unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "");

    let (code, stderr) = with_stdout_closed(&["probes", "list"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
}

/// A broken pipe ends quietly, but never turns a failed check into a pass: the exit status is
/// the verdict's.
#[test]
fn a_broken_pipe_keeps_the_verdict_of_verify_and_scan() {
    let t = Tree::new();
    t.write("a.txt", "a\n");
    t.seal(&["."]);
    let root = t.root();
    let seal = t.seal_path();
    let verify = [
        "verify",
        "--root",
        root.to_str().unwrap(),
        seal.to_str().unwrap(),
    ];
    assert_eq!(with_stdout_closed(&verify), (0, String::new()));
    t.write("a.txt", "b\n");
    assert_eq!(with_stdout_closed(&verify), (1, String::new()));

    let clean = t.path("a.txt");
    assert_eq!(
        with_stdout_closed(&["scan", clean.to_str().unwrap()]),
        (0, String::new())
    );
    t.write("leak.txt", format!("token {TOKEN_NAME}\n"));
    let leak = t.path("leak.txt");
    assert_eq!(
        with_stdout_closed(&["scan", leak.to_str().unwrap()]),
        (1, String::new())
    );
}
