//! SPEC 6.1 redaction (issue #8, defects 1 and 2): a name a report would echo that matches a
//! built-in token shape is printed as `<redacted: token-shaped, N bytes>`, in every format and
//! every error message; a packet string that must be an action, or an id, and breaks its grammar
//! makes the packet `packet-schema` at the string's offset and is never printed.
//!
//! Every run is checked in both formats with the real leak scanner: the planted string as a
//! secret plus every built-in token rule.

mod common;

use common::{Run, Tree, assert_nothing_leaked, sealprobe};
use serde_json::{Value, json};

/// One string of each built-in token shape (grant token, seal MAC, production grant body).
const SHAPES: [(&str, &str); 3] = [
    (
        "grant-token",
        "spg1.cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4wY9bC1dF6gH0jK5lA8sE3uI7oP2q",
    ),
    (
        "seal-mac",
        "hmac-sha256:Zk3pQ8vX2mN7tR4wY9bC1dF6gH0jK5lA8sE3uI7oP2q",
    ),
    (
        "production-grant",
        "cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4wY9bC1dF6gH0jK5lA8sE3uI7oP2q",
    ),
];

/// The action-like string of the issue: not in the action grammar, not a built-in shape.
const PROD_TOKEN: &str = "prod-cutover-token-SECRETSECRET1234";

fn redacted(name: &str) -> String {
    format!("<redacted: token-shaped, {} bytes>", name.len())
}

fn verify_both(t: &Tree) -> [Run; 2] {
    [t.verify_format("json"), t.verify_format("human")]
}

// --- verify: sealed paths and unsealed names -----------------------------------------------

/// Seals `name` (and `keep.txt`), then lets `change` alter the tree; returns the tree.
fn sealed_with(name: &str, change: impl Fn(&Tree)) -> Tree {
    let t = Tree::new();
    t.write(name, "sealed bytes\n");
    t.write("keep.txt", "keep\n");
    t.seal(&["."]);
    change(&t);
    t
}

fn assert_redacted_finding(t: &Tree, name: &str, class: &str) {
    let [json, human] = verify_both(t);
    for run in [&json, &human] {
        assert_eq!(run.code, 1, "{}", run.stdout);
        assert!(
            run.stdout.contains(&redacted(name)),
            "no redaction in {}",
            run.stdout
        );
        assert_nothing_leaked(run, &[name]);
    }
    assert_eq!(json.drift_of(&redacted(name)), vec![class.to_owned()]);
}

#[test]
fn token_shaped_sealed_path_that_is_missing_is_redacted() {
    for (_, token) in SHAPES {
        let t = sealed_with(token, |t| t.ws.remove(token).unwrap());
        assert_redacted_finding(&t, token, "missing");
    }
}

#[test]
fn token_shaped_sealed_path_that_drifted_is_redacted() {
    for (_, token) in SHAPES {
        let t = sealed_with(token, |t| {
            t.write(token, "other bytes\n");
        });
        assert_redacted_finding(&t, token, "content");
    }
}

#[test]
fn token_shaped_sealed_path_in_a_folder_is_redacted_whole() {
    for (_, token) in SHAPES {
        let path = format!("docs/{token}.md");
        let t = sealed_with(&path, |t| {
            t.write(&path, "\u{feff}sealed bytes\n");
        });
        assert_redacted_finding(&t, &path, "bom");
    }
}

#[test]
fn token_shaped_unsealed_name_in_a_complete_folder_is_redacted() {
    for (_, token) in SHAPES {
        let t = Tree::new();
        t.write("docs/a.md", "a\n");
        t.seal(&["--complete", "docs"]);
        let dropped = format!("docs/{token}");
        t.write(&dropped, "dropped in\n");
        assert_redacted_finding(&t, &dropped, "unsealed");
    }
}

#[test]
fn a_passing_tree_with_a_token_shaped_name_prints_no_name() {
    for (_, token) in SHAPES {
        let t = sealed_with(token, |_| {});
        for run in verify_both(&t) {
            assert_eq!(run.code, 0, "{}", run.stdout);
            assert_nothing_leaked(&run, &[token]);
        }
    }
}

#[test]
fn plain_names_are_not_redacted() {
    let t = sealed_with("docs/decision.md", |t| {
        t.write("docs/decision.md", "changed\n");
    });
    let [json, _] = verify_both(&t);
    assert_eq!(json.drift_of("docs/decision.md"), vec!["content"]);
    assert!(!json.stdout.contains("redacted"));
}

#[test]
fn a_token_shaped_input_file_name_is_redacted_in_error_messages() {
    for (_, token) in SHAPES {
        let t = Tree::new();
        let missing = t.base().join(token);
        let run = sealprobe(&[
            "verify",
            "--root",
            t.root().to_str().unwrap(),
            missing.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(
            run.stderr.contains(&redacted(missing.to_str().unwrap())),
            "{}",
            run.stderr
        );
        assert_nothing_leaked(&run, &[token]);
        let run = sealprobe(&["decide", missing.to_str().unwrap()]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert_nothing_leaked(&run, &[token]);
    }
}

// --- seal refusals -------------------------------------------------------------------------

#[test]
fn seal_refusing_a_token_shaped_symlink_redacts_its_name() {
    for (_, token) in SHAPES {
        let t = Tree::new();
        t.write("ok.txt", "ok\n");
        t.ws.symlink(token, "ok.txt").unwrap();
        let run = t.seal_run(&["."]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stderr.contains(&redacted(token)), "{}", run.stderr);
        assert!(run.stderr.contains("symlink"), "{}", run.stderr);
        assert_nothing_leaked(&run, &[token]);
    }
}

#[test]
fn seal_refusing_a_token_shaped_bad_name_redacts_it() {
    for (_, token) in SHAPES {
        let t = Tree::new();
        let name = format!("{token}\u{1b}");
        t.write(&name, "x\n");
        let run = t.seal_run(&["."]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("<redacted: token-shaped"),
            "{}",
            run.stderr
        );
        assert_nothing_leaked(&run, &[token]);
    }
}

#[test]
fn seal_refusing_token_shaped_colliding_names_redacts_both() {
    let token = SHAPES[0].1;
    let t = Tree::new();
    t.write(token, "one\n");
    t.write(&token.to_uppercase(), "two\n");
    let run = t.seal_run(&["."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr.matches("<redacted: token-shaped").count(), 2);
    assert_nothing_leaked(&run, &[token, &token.to_uppercase()]);
}

#[test]
fn scan_reports_a_token_shaped_input_name_redacted() {
    let t = Tree::new();
    let token = SHAPES[0].1;
    t.write(
        &format!("logs/{token}.log"),
        "the secret is hunter2hunter2hunter2\n",
    );
    std::fs::write(t.base().join("secrets.txt"), "hunter2hunter2hunter2\n").unwrap();
    for format in ["json", "human"] {
        let run = sealprobe(&[
            "scan",
            "--secrets",
            t.base().join("secrets.txt").to_str().unwrap(),
            "--format",
            format,
            t.path("logs").to_str().unwrap(),
        ]);
        assert_eq!(run.code, 1, "{}", run.stdout);
        assert!(
            run.stdout.contains("<redacted: token-shaped"),
            "{}",
            run.stdout
        );
        assert_nothing_leaked(&run, &[token, "hunter2hunter2hunter2"]);
    }
}

// --- decide: actions and ids --------------------------------------------------------------

fn packet() -> Value {
    json!({
        "blockers": [{"id": "B-1", "status": "CLOSED"}],
        "default": "HOLD_PRODUCTION",
        "format": "sealprobe-decision/1",
        "grants": [],
        "options": [
            {"id": "HOLD_PRODUCTION", "requires_closed": [], "requires_grants": []},
            {"id": "CUTOVER", "requires_closed": ["B-1"], "requires_grants": ["cutover"]}
        ],
        "packet": "P-1",
        "selected": ["CUTOVER"]
    })
}

/// Decides `p` in both formats; asserts `packet-schema` at the byte offset of the quoted `bad`
/// string, `HOLD`, exit 1, and that nothing of `bad` comes back.
fn assert_schema_at(p: &Value, bad: &str) {
    let doc = serde_json::to_string_pretty(p).unwrap();
    let offset = doc
        .find(&format!("\"{bad}\""))
        .unwrap_or_else(|| panic!("{bad} is not in the packet"));
    let t = Tree::new();
    let path = t.base().join("packet.json");
    std::fs::write(&path, &doc).unwrap();
    for format in ["json", "human"] {
        let run = sealprobe(&[
            "decide",
            "--now",
            "1800000000",
            "--format",
            format,
            path.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 1, "{}", run.stdout);
        assert_nothing_leaked(&run, &[bad]);
        if format == "json" {
            let r = run.report();
            assert_eq!(r["verdict"], "HOLD", "{}", run.stdout);
            assert_eq!(r["reasons"].as_array().unwrap().len(), 1, "{}", run.stdout);
            assert_eq!(r["reasons"][0]["class"], "packet-schema", "{}", run.stdout);
            assert_eq!(r["reasons"][0]["offset"], offset, "{}", run.stdout);
        } else {
            assert!(
                run.stdout.contains(&format!("(byte {offset})")),
                "{}",
                run.stdout
            );
        }
    }
}

fn every_bad_action() -> Vec<&'static str> {
    let mut all = vec![PROD_TOKEN];
    all.extend(SHAPES.iter().map(|(_, t)| *t));
    all
}

#[test]
fn token_in_requires_grants_is_packet_schema_and_never_printed() {
    for bad in every_bad_action() {
        let mut p = packet();
        p["options"][1]["requires_grants"] = json!([bad]);
        assert_schema_at(&p, bad);
    }
}

#[test]
fn token_as_grant_action_is_packet_schema_and_never_printed() {
    for bad in every_bad_action() {
        let mut p = packet();
        p["grants"] = json!([{"action": bad, "token": "spg1.x"}]);
        assert_schema_at(&p, bad);
    }
}

#[test]
fn token_as_blocker_id_is_packet_schema_and_never_printed() {
    for (_, token) in SHAPES {
        let mut p = packet();
        p["blockers"][0]["id"] = json!(token);
        assert_schema_at(&p, token);
        let mut p = packet();
        p["options"][1]["requires_closed"] = json!([token]);
        assert_schema_at(&p, token);
    }
}

#[test]
fn token_as_option_id_is_packet_schema_and_never_printed() {
    for (_, token) in SHAPES {
        let mut p = packet();
        p["options"][1]["id"] = json!(token);
        assert_schema_at(&p, token);
        let mut p = packet();
        p["default"] = json!(token);
        assert_schema_at(&p, token);
    }
}

#[test]
fn token_as_selected_entry_is_selected_unknown_and_never_printed() {
    for (_, token) in SHAPES {
        let mut p = packet();
        p["selected"] = json!([token]);
        let t = Tree::new();
        let path = t.base().join("packet.json");
        std::fs::write(&path, serde_json::to_vec(&p).unwrap()).unwrap();
        for format in ["json", "human"] {
            let run = sealprobe(&["decide", "--format", format, path.to_str().unwrap()]);
            assert_eq!(run.code, 1);
            assert!(run.stdout.contains("selected-unknown"), "{}", run.stdout);
            assert_nothing_leaked(&run, &[token]);
        }
    }
}

#[test]
fn an_action_in_its_grammar_is_still_named_in_reasons() {
    let p = packet();
    let t = Tree::new();
    let path = t.base().join("packet.json");
    std::fs::write(&path, serde_json::to_vec(&p).unwrap()).unwrap();
    let run = sealprobe(&["decide", "--format", "json", path.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    let reasons = run.report()["reasons"].clone();
    assert!(
        reasons
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["class"] == "grant-missing" && r["action"] == "cutover"),
        "{reasons}"
    );
}
