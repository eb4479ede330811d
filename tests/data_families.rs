//! Data families and the folder form (issue #24, SPEC 7.3): a team's own family written as a
//! TOML recipe table runs in the gate with `--probes` and changes the case-set digest; a
//! malformed one is a usage error naming the file and line; a case written by `probes emit`,
//! moved to a family of its own name, loads back with `--probes` and runs (emit and load are
//! one format); emitted `case.json` files and real gate reports are valid against the JSON
//! Schemas in `docs/schemas/`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

const TEAM: &str = r#"format = "sealprobe-family/1"

[[case]]
name = "notes-bom-added"
why = "an editor added a UTF-8 BOM to the release notes"
expect = ["bom"]
files = { "docs/notes.md" = "Release notes\n", "bin/app" = { hex = "7f454c46" } }
edits = [{ op = "reencode", path = "docs/notes.md", encoding = "utf-8-bom" }]

[[case]]
name = "app-bit-flipped"
why = "one bit of the binary flipped after sealing"
expect = ["content"]
files = { "bin/app" = { hex = "7f454c460201" } }
edits = [{ op = "flip", path = "bin/app", at = 4, bit = 0 }]

[[case]]
name = "notes-now-a-link-to-the-honest-copy"
why = "the notes replaced by a symlink to their honest copy outside the root"
expect = ["not-regular"]
files = { "docs/notes.md" = "Release notes\n" }
edits = [{ op = "symlink", path = "docs/notes.md", target = "../../outside/docs/notes.md" }]

[[case]]
name = "control-untouched"
why = "the honest tree must pass"
control = true
files = { "docs/notes.md" = "Release notes\n" }
"#;

fn run(dir: &Path, args: &[&str]) -> common::Run {
    let out = Command::new(common::bin())
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env_remove("CI")
        .output()
        .expect("run sealprobe");
    common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn case_set(run: &common::Run) -> String {
    run.stdout
        .lines()
        .find_map(|l| l.strip_prefix("case set "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("no case set line: {}", run.stdout))
        .to_owned()
}

fn schema(name: &str) -> jsonschema::Validator {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("docs/schemas")
        .join(name);
    let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let schema: Value = serde_json::from_slice(&text).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

fn assert_valid(schema: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = schema
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("the file")).expect("JSON")
}

/// `sealprobe gate ARGS --json report.json` in `dir`: the run, and its report, which must be
/// valid against the `sealprobe-gate/1` schema.
fn gate_report(dir: &Path, args: &[&str]) -> (common::Run, Value) {
    let mut all = vec!["gate"];
    all.extend_from_slice(args);
    all.extend(["--json", "report.json"]);
    let r = run(dir, &all);
    let report = json(&dir.join("report.json"));
    assert_valid(&schema("sealprobe-gate-1.json"), &report, "report.json");
    (r, report)
}

#[test]
fn a_toml_family_runs_in_the_gate_and_changes_the_case_set() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("mine")).unwrap();
    std::fs::write(dir.path().join("mine/team.toml"), TEAM).unwrap();
    let base = run(dir.path(), &["gate", "--family", "bom"]);
    assert_eq!(base.code, 0, "{}{}", base.stdout, base.stderr);
    let (with, report) = gate_report(dir.path(), &["--probes", "mine", "--family", "team"]);
    assert_eq!(with.code, 0, "{}{}", with.stdout, with.stderr);
    assert!(
        with.stdout.contains("(3 hostile, 1 controls)"),
        "{}",
        with.stdout
    );
    assert_ne!(
        case_set(&base),
        case_set(&with),
        "the data family counts in the digest"
    );
    let ids: Vec<&str> = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 4, "{ids:?}");
    assert!(ids.iter().all(|id| id.starts_with("team/")), "{ids:?}");
    // The link to the honest copy is beyond SHA256SUMS, and its report says so.
    let (sums, report) = gate_report(
        dir.path(),
        &[
            "--probes",
            "mine",
            "--family",
            "team",
            "--validator",
            "sha256sum -c {sums}",
        ],
    );
    assert_eq!(sums.code, 0, "{}{}", sums.stdout, sums.stderr);
    assert!(
        report["cases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["beyond"][0] == "file-type" && c["exit"].is_null())
    );
    assert!(
        sums.stdout.contains("1 cases need file types"),
        "{}",
        sums.stdout
    );
    // Without the folder, the family is unknown: a usage error, never an empty pass.
    let missing = run(dir.path(), &["gate", "--family", "team"]);
    assert_eq!(missing.code, 2, "{}{}", missing.stdout, missing.stderr);
    assert!(
        missing.stderr.contains("--family team"),
        "{}",
        missing.stderr
    );
}

/// `sealprobe ARGS` in `dir` is a usage error (exit 2) whose message names `at` (file and line)
/// and says `says`.
fn usage_error(dir: &Path, args: &[&str], at: &str, says: &str) -> common::Run {
    let r = run(dir, args);
    assert_eq!(r.code, 2, "{says}: {}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(at) && r.stderr.contains(says),
        "{says} at {at}: {}",
        r.stderr
    );
    r
}

#[test]
fn a_malformed_family_is_a_usage_error_naming_the_file_and_line() {
    for (broken, line, says) in [
        (
            TEAM.replace("[\"content\"]", "[\"contnet\"]"),
            10,
            "unknown class",
        ),
        (
            TEAM.replace("op = \"flip\"", "op = \"explode\""),
            15,
            "unknown variant",
        ),
        (
            TEAM.replace("[[case]]\nname = \"app", "[[case]\nname = \"app"),
            10,
            "expected",
        ),
        (TEAM.replace("at = 4", "at = 40"), 10, "has no byte 40"),
        (
            TEAM.replace("expect = [\"content\"]", "control = true"),
            10,
            "drifts from its seal",
        ),
        (
            TEAM.replace("why = \"the honest", "whyy = \"the honest"),
            26,
            "unknown field",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("team.toml"), &broken).unwrap();
        for cmd in [
            &["gate", "--probes", "."][..],
            &["probes", "list", "--probes", "."],
        ] {
            let r = usage_error(dir.path(), cmd, &format!("./team.toml:{line}: "), says);
            assert_eq!(r.stdout, "", "nothing ran");
        }
    }
}

/// A grant token's shape (the scanner's `grant-token` rule); no key ever minted it.
const TOKEN: &str =
    "spg1.cutover.0123456789abcdef.1893456000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

#[test]
fn an_error_in_a_family_file_never_echoes_what_it_refused() {
    for broken in [
        // A token-shaped field name, an unknown class, an unknown edit, a path with no file.
        TEAM.replace(
            "why = \"the honest",
            &format!("\"{TOKEN}\" = 1\nwhy = \"the honest"),
        ),
        TEAM.replace("[\"content\"]", &format!("[\"{TOKEN}\"]")),
        TEAM.replace("op = \"flip\"", &format!("op = \"{TOKEN}\"")),
        TEAM.replace("path = \"bin/app\", at", &format!("path = \"{TOKEN}\", at")),
        TEAM.replace(
            "encoding = \"utf-8-bom\"",
            &format!("encoding = \"{TOKEN}\""),
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("team.toml"), &broken).unwrap();
        let r = run(dir.path(), &["gate", "--probes", "."]);
        assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains("./team.toml:"), "{}", r.stderr);
        common::assert_nothing_leaked(&r, &[TOKEN]);
    }
}

#[test]
fn an_emitted_case_loads_back_under_a_family_of_its_own_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    let ids = [
        "bom/utf8-bom-added",
        "filesystem/symlink-to-honest-copy-outside",
        "filesystem/fifo-at-path",
        "resource/sparse-8-gib-sealed-small",
        "seal-tamper/sums-dotdot-path",
        "forged-tokens/mac-flipped-middle-char",
    ];
    let mut args = vec!["probes", "emit", "--out", "raw"];
    for id in ids {
        args.extend(["--case", id]);
    }
    let emitted = run(dir.path(), &args);
    assert_eq!(emitted.code, 0, "{}", emitted.stderr);
    let case_schema = schema("sealprobe-case-1.json");
    std::fs::create_dir_all(dir.path().join("mine/own")).unwrap();
    for id in ids {
        let (family, name) = id.split_once('/').unwrap();
        let from = dir.path().join("raw").join(family).join(name);
        assert!(from.join("outside").is_dir(), "{id}: outside/ written");
        let mut case = json(&from.join("case.json"));
        assert_valid(&case_schema, &case, id);
        // Moved to the family `own`: folder and id.
        case["id"] = Value::String(format!("own/{name}"));
        std::fs::write(
            from.join("case.json"),
            serde_json::to_vec_pretty(&case).unwrap(),
        )
        .unwrap();
        std::fs::rename(&from, dir.path().join("mine/own").join(name)).unwrap();
    }
    let (r, report) = gate_report(dir.path(), &["--probes", "mine", "--family", "own"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let cases = report["cases"].as_array().unwrap();
    // Every one held, the manifest case read as `verify --sums` reads it.
    assert_eq!(cases.len(), ids.len());
    for c in cases {
        assert_eq!(c["outcome"], "ok", "{c}");
    }
    assert!(cases.iter().any(|c| c["id"] == "own/sums-dotdot-path"));
    // And a case.json that states features its drift does not have is refused.
    let path = dir.path().join("mine/own/fifo-at-path/case.json");
    let mut case = json(&path);
    case["features"] = serde_json::json!([]);
    std::fs::write(&path, serde_json::to_vec(&case).unwrap()).unwrap();
    let r = run(dir.path(), &["probes", "list", "--probes", "mine"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(
            "fifo-at-path: case.json states other features than its drift depends on (file-type)"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn every_emitted_case_of_a_family_is_a_valid_case_file() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &[
            "probes",
            "emit",
            "--family",
            "filesystem",
            "--family",
            "decision",
            // Every record carrier (sums, bsd): the schema must name each.
            "--family",
            "seal-tamper",
            "--out",
            "all",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let case_schema = schema("sealprobe-case-1.json");
    let mut n = 0;
    for family in std::fs::read_dir(dir.path().join("all")).unwrap() {
        for case in std::fs::read_dir(family.unwrap().path()).unwrap() {
            let path = case.unwrap().path().join("case.json");
            assert_valid(&case_schema, &json(&path), &path.display().to_string());
            n += 1;
        }
    }
    assert!(n > 200, "{n} cases");
    // The schema is not a rubber stamp.
    let mut bad = json(
        &dir.path()
            .join("all/decision")
            .read_dir()
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path()
            .join("case.json"),
    );
    bad["expect"] = Value::String("maybe".into());
    assert!(!case_schema.is_valid(&bad));
}

#[test]
fn a_data_family_has_its_own_sarif_rule() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("team.toml"), TEAM).unwrap();
    // Accepts everything: the team's hostile cases fail open and become SARIF results.
    let r = run(
        dir.path(),
        &[
            "gate",
            "--probes",
            ".",
            "--family",
            "team",
            "--validator",
            "true {seal}",
            "--sarif",
            "gate.sarif",
        ],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let sarif = json(&dir.path().join("gate.sarif"));
    let run0 = &sarif["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run0["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let i = result["ruleIndex"].as_u64().expect("a rule index") as usize;
        assert_eq!(rules[i]["id"], "team", "{result}");
        assert_eq!(result["ruleId"], "team");
    }
}

/// Writes the data family `family` (its TOML) to `mine/` in a new folder, runs the built-in
/// gate on it, checks that it passed with `summary` ("(2 hostile, 1 controls)"), and gives the
/// folder and the family's cases from the JSON report, each of which held and named the
/// classes it expects.
fn passing_family(family: &str, toml: &str, summary: &str) -> (tempfile::TempDir, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("mine")).unwrap();
    std::fs::write(dir.path().join(format!("mine/{family}.toml")), toml).unwrap();
    let (r, report) = gate_report(dir.path(), &["--probes", "mine", "--family", family]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains(summary), "{}", r.stdout);
    let ours: Vec<Value> = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["family"] == family)
        .cloned()
        .collect();
    for c in &ours {
        assert_eq!(c["outcome"], "ok", "{c}");
        let named = c["classes"].as_array().unwrap();
        for expected in c["expected_classes"].as_array().unwrap() {
            assert!(named.contains(expected), "{c}");
        }
    }
    (dir, ours)
}

/// Each broken variant of the data family `mine/<family>.toml` below `dir`, written in turn, is
/// a usage error naming the file, the line given and `says`, and no run shows any of `secrets`.
/// A variant that is the honest file is a bug of the test.
fn each_refused(
    dir: &Path,
    family: &str,
    honest: &str,
    variants: Vec<(String, usize, &str)>,
    secrets: &[&str],
) {
    for (broken, line, says) in variants {
        assert_ne!(
            broken, honest,
            "the broken variant for {says} changed nothing"
        );
        std::fs::write(dir.join(format!("mine/{family}.toml")), &broken).unwrap();
        let at = format!("mine/{family}.toml:{line}: ");
        let r = usage_error(dir, &["gate", "--probes", "mine"], &at, says);
        common::assert_nothing_leaked(&r, secrets);
    }
}

/// Seal cases as recipes (SPEC 7.1, 7.3): edits of the parsed seal and named layouts.
const SEALS: &str = r#"format = "sealprobe-family/1"

[[case]]
name = "digest-edited"
why = "the digest of one entry was edited: the bytes on disk are not the ones named"
expect = ["content"]
files = { "docs/notes.md" = "Release notes\n", "docs/other.md" = "other\n" }
seal_edits = [{ op = "set", at = "docs/notes.md", key = "sha256", value = '"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"' }]

[[case]]
name = "bytes-float"
why = "a length spelled with a fraction"
expect = ["seal-schema"]
files = { "docs/notes.md" = "Release notes\n" }
seal_edits = [{ op = "set", at = "docs/notes.md", key = "bytes", raw = "14.0" }]

[[case]]
name = "format-twice"
why = "the format repeated, version 2 first"
expect = ["seal-schema"]
files = { "docs/notes.md" = "Release notes\n" }
seal_edits = [{ op = "add", at = "top", key = "format", value = '"sealprobe-seal/2"', first = true }]

[[case]]
name = "lf-digest-upper-case"
why = "an upper-case digest in the text layer"
expect = ["seal-digest"]
files = { "docs/notes.md" = "Release notes\n" }
seal_edits = [{ op = "set", at = "docs/notes.md", layer = "text", key = "lf_sha256", value = '"ABC"' }]

[[case]]
name = "saved-with-crlf"
why = "the seal saved with CRLF line endings"
expect = ["seal-noncanonical"]
files = { "docs/notes.md" = "Release notes\n" }
layout = "crlf"

[[case]]
name = "entry-repeated-as-twin"
why = "an entry repeated under an upper-case twin of its path"
expect = ["seal-path"]
files = { "docs/notes.md" = "Release notes\n" }
seal_edits = [{ op = "repeat-artifact", path = "docs/notes.md", to = "docs/NOTES.md" }]

[[case]]
name = "twin-listed-last"
why = "a full-case-folding twin listed after every other entry"
expect = ["seal-path"]
files = { "docs/a.md" = "twin\n", "docs/b.md" = "other\n" }
seal_edits = [{ op = "repeat-artifact", path = "docs/a.md", to = "docs/A.md", last = true }]

[[case]]
name = "entry-removed-from-complete-folder"
why = "an entry cut from a complete folder: its file is unsealed"
expect = ["unsealed"]
files = { "docs/notes.md" = "Release notes\n", "docs/other.md" = "other\n" }
complete = ["docs"]
seal_edits = [{ op = "remove-artifact", path = "docs/other.md" }]
"#;

#[test]
fn a_toml_family_of_seal_edits_runs_and_an_edit_that_misses_is_a_usage_error() {
    let (dir, ours) = passing_family("seals", SEALS, "(8 hostile, 0 controls)");
    assert_eq!(ours.len(), 8);
    // Every case is a seal case (the listing's second column).
    let list = run(
        dir.path(),
        &["probes", "list", "--probes", "mine", "--family", "seals"],
    );
    let carriers: Vec<&str> = list
        .stdout
        .lines()
        .filter(|l| l.starts_with("seals/"))
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    assert_eq!(carriers, ["seal"; 8], "{}", list.stdout);
    // `last = true` puts the copy after every entry, not right after the one it repeats.
    let r = run(
        dir.path(),
        &[
            "probes",
            "emit",
            "--probes",
            "mine",
            "--case",
            "seals/twin-listed-last",
            "--out",
            "emitted",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let seal = std::fs::read_to_string(dir.path().join("emitted/seals/twin-listed-last/seal.json"))
        .unwrap();
    let at = |p: &str| {
        seal.find(&format!("\"path\": \"{p}\""))
            .unwrap_or_else(|| panic!("{p} not in the seal"))
    };
    assert!(
        at("docs/a.md") < at("docs/b.md") && at("docs/b.md") < at("docs/A.md"),
        "the copy is not last"
    );
    for (broken, line, says) in [
        // An artifact the seal does not hold (token-shaped, so it must not be echoed).
        (
            SEALS.replace(
                "at = \"docs/notes.md\", key = \"sha256\"",
                &format!("at = \"{TOKEN}\", key = \"sha256\""),
            ),
            3,
            "the seal does not hold",
        ),
        // A member the layer does not have.
        (
            SEALS.replace("key = \"lf_sha256\"", "key = \"lf_sha512\""),
            24,
            "the seal does not hold",
        ),
        // A value that is not JSON.
        (
            SEALS.replace("value = '\"ABC\"'", "value = 'ABC'"),
            24,
            "not strict JSON",
        ),
        // A layout that writes the canonical bytes, and one that does not exist.
        (
            SEALS.replace("layout = \"crlf\"", "layout = \"given-order\""),
            31,
            "changed nothing",
        ),
        (
            SEALS.replace("layout = \"crlf\"", "layout = \"sideways\""),
            31,
            "unknown layout",
        ),
    ] {
        std::fs::write(dir.path().join("mine/seals.toml"), &broken).unwrap();
        let at = format!("mine/seals.toml:{line}: ");
        let r = usage_error(dir.path(), &["gate", "--probes", "mine"], &at, says);
        common::assert_nothing_leaked(&r, &[TOKEN]);
    }
}

/// Packet cases as recipes (SPEC 7.1, 7.3): the honest packet, its edits, its grants, and edits
/// after the grants.
const PACKETS: &str = r#"format = "sealprobe-family/1"

[[case]]
name = "control-dryrun-granted"
why = "the dry run selected, its blocker closed, its grant minted with the key: it must pass"
control = true
keyed = true
packet = "fix7"
packet_edits = [
  { op = "set", at = "/selected/0", value = '"AUTHORIZE_PRODUCTION_DRYRUN_ONLY"' },
  { op = "set", at = "/blockers/0/status", value = '"CLOSED"' },
]
grants = [{ action = "dryrun" }]

[[case]]
name = "requirement-removed"
why = "the dry run no longer requires its blocker, yet the blocker is still OPEN for the others"
expect = ["blocker-open"]
keyed = true
packet = { json = '{"format": "sealprobe-decision/1", "packet": "own", "default": "HOLD", "selected": ["GO"], "grants": [], "blockers": [{"id": "B-1", "status": "OPEN"}], "options": [{"id": "HOLD", "requires_closed": [], "requires_grants": []}, {"id": "GO", "requires_closed": ["B-1"], "requires_grants": []}]}' }

[[case]]
name = "empty-file"
why = "an empty packet file: nothing is not a HOLD packet"
expect = ["packet-syntax"]
keyed = true
packet = { text = "" }

[[case]]
name = "as-written-selects-hold"
why = "the FIX7 packet as written selects its HOLD default"
selects_default = true
keyed = true
packet = "fix7"

[[group]]

[group.shared]
expect = ["grant-invalid"]
keyed = true
packet = "fix7"
packet_edits = [
  { op = "set", at = "/selected/0", value = '"AUTHORIZE_PRODUCTION_DRYRUN_ONLY"' },
  { op = "set", at = "/blockers/0/status", value = '"CLOSED"' },
]

[[group.case]]
name = "grant-from-another-key"
why = "the dry run's grant was minted with a key the validator never saw"
grants = [{ action = "dryrun", key = "other" }]

[[group.case]]
name = "grant-for-another-action"
why = "the token listed under dryrun names the apply action"
expect = ["grant-wrong-action"]
grants = [{ action = "dryrun", token_action = "apply" }]

[[group.case]]
name = "grant-expired"
why = "the dry run's grant expired before the clock"
expect = ["grant-expired"]
grants = [{ action = "dryrun", expires = 1700000000 }]

[[group.case]]
name = "blocker-added-after-grant"
why = "an OPEN blocker was added after the grant was minted"
expect = ["grant-wrong-packet"]
grants = [{ action = "dryrun" }]
after_grant = [{ op = "add", at = "/blockers/-", value = '{"id": "FIX7-P0-LATE", "status": "OPEN"}' }]

[[group.case]]
name = "token-after-a-space"
why = "a valid token with a leading space: a validator that trims accepts"
grants = [{ action = "dryrun", token = " {token}" }]

[[group.case]]
name = "spg0-forged"
why = "version 0 with a MAC that verifies over the spg0 message: only version 1 exists"
grants = [{ action = "dryrun", forge = "spg0.{action}.{digest16}.{expires}" }]
"#;

#[test]
fn a_toml_family_of_packet_edits_runs_and_an_edit_that_misses_is_a_usage_error() {
    let (dir, ours) = passing_family("packets", PACKETS, "(9 hostile, 1 controls)");
    assert_eq!(ours.len(), 10);
    each_refused(
        dir.path(),
        "packets",
        PACKETS,
        vec![
            // A member the packet does not hold (token-shaped, so it must not be echoed).
            (
                PACKETS.replacen("at = \"/selected/0\"", &format!("at = \"/{TOKEN}\""), 1),
                3,
                "the packet does not hold",
            ),
            // An element past the end of an array.
            (
                PACKETS.replacen(
                    "at = \"/blockers/0/status\"",
                    "at = \"/blockers/9/status\"",
                    1,
                ),
                3,
                "the packet does not hold",
            ),
            // A value set to what it was.
            (
                PACKETS.replacen("'\"CLOSED\"'", "'\"OPEN\"'", 1),
                3,
                "to what it was",
            ),
            // A key that is neither probe nor other.
            (
                PACKETS.replace("key = \"other\"", "key = \"third\""),
                47,
                "key is probe or other",
            ),
            // A seal MAC without a key for a packet case, which has no seal: refused, never
            // silently dropped.
            (
                PACKETS.replacen(
                    "packet = \"fix7\"\n",
                    "packet = \"fix7\"\nsigned_without_key = true\n",
                    1,
                ),
                3,
                "a packet case has no files",
            ),
            // An unknown honest packet, and grants without a packet.
            (
                PACKETS.replacen("packet = \"fix7\"", "packet = \"fix8\"", 1),
                3,
                "packet is",
            ),
            (
                PACKETS.replacen("packet = \"fix7\"\n", "files = { \"a\" = \"b\" }\n", 1),
                3,
                "need a packet",
            ),
            // A token part that does not exist, and a token spelled as the minted one.
            (
                PACKETS.replace("token = \" {token}\"", "token = \" {tokn}\""),
                71,
                "an unknown part",
            ),
            (
                PACKETS.replace("token = \" {token}\"", "token = \"{body}.{mac}\""),
                71,
                "spelled as the minted one",
            ),
            // A packet given as text takes no grants.
            (
                PACKETS.replace(
                    "packet = { text = \"\" }",
                    "packet = { text = \"\" }\ngrants = [{ action = \"dryrun\" }]",
                ),
                22,
                "takes no edits or grants",
            ),
            // A value that is not strict JSON (a repeated key).
            (
                PACKETS.replace(
                    "'{\"id\": \"FIX7-P0-LATE\", \"status\": \"OPEN\"}'",
                    "'{\"id\": \"FIX7-P0-LATE\", \"id\": \"OPEN\"}'",
                ),
                64,
                "not strict JSON",
            ),
        ],
        &[TOKEN],
    );
}

/// Cases that share fields: a group's `[group.shared]` fields go to each of its cases, and a
/// field a case gives replaces the shared one.
const GROUPED: &str = r#"format = "sealprobe-family/1"

[[group]]

[group.shared]
expect = ["grant-invalid"]
keyed = true
packet = "fix7"
packet_edits = [
  { op = "set", at = "/selected/0", value = '"AUTHORIZE_PRODUCTION_DRYRUN_ONLY"' },
  { op = "set", at = "/blockers/0/status", value = '"CLOSED"' },
]
grants = [{ action = "dryrun", key = "other" }]

[[group.case]]
name = "from-another-key"
why = "the grant was minted with a key the validator never saw"

[[group.case]]
name = "trailing-newline"
why = "a valid token with a trailing newline"
grants = [{ action = "dryrun", token = "{token}\n" }]

[[group.case]]
name = "control-granted"
why = "the dry run granted with the key: it must pass"
expect = []
control = true
grants = [{ action = "dryrun" }]
"#;

#[test]
fn a_group_shares_its_fields_with_its_cases_and_a_case_replaces_them() {
    let (dir, ours) = passing_family("grouped", GROUPED, "(2 hostile, 1 controls)");
    assert_eq!(ours.len(), 3);
    each_refused(
        dir.path(),
        "grouped",
        GROUPED,
        vec![
            // A group that shares a name.
            (
                GROUPED.replace("expect = [\"grant-invalid\"]\n", "why = \"shared\"\n"),
                15,
                "a group shares no name or why",
            ),
            // A field no recipe has, in a case, and in the shared fields (each case names it).
            (
                GROUPED.replace(
                    "name = \"from-another-key\"",
                    "name = \"from-another-key\"\nflavour = 1",
                ),
                15,
                "unknown field",
            ),
            (
                GROUPED.replace("keyed = true", "keyed = true\nflavour = 1"),
                16,
                "unknown field",
            ),
            // A group with no case: its shared fields would go unread.
            (
                format!("{GROUPED}\n[[group]]\n\n[group.shared]\nexpct = 1\n"),
                GROUPED.lines().count() + 2,
                "a [[group]] has no [[group.case]]",
            ),
        ],
        &[TOKEN],
    );
}

/// Hostile manifests as recipes (SPEC 7.1, record edits): the honest `SHA256SUMS` of the
/// files, rendered by the format's own writer, with one line or the whole record edited.
const MANIFESTS: &str = r#"format = "sealprobe-family/1"

[[group]]

[group.shared]
record = "sums"
files = { "a.txt" = "A\n", "b.txt" = "B\n" }
edits = [{ op = "append", path = "a.txt", text = "appended\n" }]

[[group.case]]
name = "digest-63-digits"
why = "the drifted file's line has a 63-digit digest: skipping the line skips the drift"
expect = ["seal-digest"]
record_edits = [{ op = "line", path = "a.txt", spell = "{hex[1..]}  {path}\n" }]

[[group.case]]
name = "repeated-line-new-digest"
why = "the drifted file listed again with its new digest: a reader that keeps the last line accepts"
expect = ["seal-path"]
record_edits = [{ op = "line", path = "a.txt", spell = "{line}{hex-now}  {path}\n" }]

[[group.case]]
name = "bom-on-line-1"
why = "a BOM before the first line, whose file drifted"
expect = ["seal-noncanonical"]
record_edits = [{ op = "prefix", text = "\uFEFF" }]

[[group.case]]
name = "crlf"
why = "the manifest saved with CRLF"
expect = ["seal-noncanonical"]
record_edits = [{ op = "reencode", encoding = "crlf" }]

[[group.case]]
name = "no-valid-line"
why = "every digest cut to 40 digits: a checker that skips malformed lines checks nothing"
expect = ["seal-digest"]
record_edits = [{ op = "every-line", spell = "{hex[..40]}  {path}\n" }]

[[group.case]]
name = "empty"
why = "an empty manifest: a checker that verifies every line it finds verifies nothing"
expect = ["seal-schema"]
edits = []
record_edits = [{ op = "truncate", len = 0 }]

[[group.case]]
name = "control-clean"
why = "the honest manifest of an unchanged tree must pass"
expect = []
control = true
edits = []
"#;

#[test]
fn a_toml_family_of_hostile_manifests_writes_them_from_the_honest_record() {
    use sealprobe::digest::Digest;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("mine")).unwrap();
    std::fs::write(dir.path().join("mine/manifests.toml"), MANIFESTS).unwrap();
    let r = run(
        dir.path(),
        &[
            "probes",
            "emit",
            "--probes",
            "mine",
            "--family",
            "manifests",
            "--out",
            "emitted",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sums = |case: &str| {
        std::fs::read(
            dir.path()
                .join("emitted/manifests")
                .join(case)
                .join("SHA256SUMS"),
        )
        .unwrap()
    };
    let a = Digest::of(b"A\n").to_hex();
    let b = Digest::of(b"B\n").to_hex();
    let now = Digest::of(b"A\nappended\n").to_hex();
    let clean = format!("{a}  a.txt\n{b}  b.txt\n");
    for (case, expected) in [
        ("control-clean", clean.clone()),
        (
            "digest-63-digits",
            format!("{}  a.txt\n{b}  b.txt\n", &a[1..]),
        ),
        (
            "repeated-line-new-digest",
            format!("{a}  a.txt\n{now}  a.txt\n{b}  b.txt\n"),
        ),
        ("bom-on-line-1", format!("\u{feff}{clean}")),
        ("crlf", clean.replace('\n', "\r\n")),
        (
            "no-valid-line",
            format!("{}  a.txt\n{}  b.txt\n", &a[..40], &b[..40]),
        ),
        ("empty", String::new()),
    ] {
        assert_eq!(String::from_utf8(sums(case)).unwrap(), expected, "{case}");
    }
    // Every case is a sums case, and a strict reading of the manifests holds them all: GNU
    // `sha256sum --strict -c` refuses every hostile one and accepts the clean one.
    let (r, report) = gate_report(
        dir.path(),
        &[
            "--probes",
            "mine",
            "--family",
            "manifests",
            "--validator",
            "sha256sum --strict -c {sums}",
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    for c in report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["family"] == "manifests")
    {
        assert_eq!(c["outcome"], "ok", "{c}");
    }
    for (broken, says) in [
        (
            MANIFESTS.replace(
                "path = \"a.txt\", spell = \"{hex[1..]}",
                "path = \"c.txt\", spell = \"{hex[1..]}",
            ),
            "no file at",
        ),
        (
            MANIFESTS.replace("{hex[1..]}", "{hex[1..99]}"),
            "a cut outside the part",
        ),
        (
            MANIFESTS.replace("{hex[1..]}", "{digest}"),
            "an unknown part",
        ),
        (
            MANIFESTS.replace("{hex[1..]}  {path}\\n", "{line}"),
            "it changes nothing",
        ),
        (MANIFESTS.replace("len = 0", "len = 999"), "it cuts nothing"),
        (
            MANIFESTS.replace("record = \"sums\"", "record = \"seal\""),
            "no format of lines",
        ),
    ] {
        assert_ne!(
            broken, MANIFESTS,
            "the broken variant for {says} changed nothing"
        );
        std::fs::write(dir.path().join("mine/manifests.toml"), &broken).unwrap();
        usage_error(
            dir.path(),
            &["gate", "--probes", "mine"],
            "mine/manifests.toml:",
            says,
        );
    }
}

/// Large and non-text bytes as recipes (SPEC 7.3): `{ repeat, count }`, a list of pieces joined,
/// `bytes = ...` in an edit, and a seal signed with no key handed over.
const SPELLED: &str = r#"format = "sealprobe-family/1"

[[case]]
name = "zeros-gained-a-byte"
why = "a file of zeros gained one byte at the end"
expect = ["content"]
files = { "img/disk.raw" = { repeat = "\u0000", count = 70000 } }
edits = [{ op = "write", path = "img/disk.raw", bytes = [{ repeat = "\u0000", count = 70000 }, "x"] }]

[[case]]
name = "control-pieces-signed-without-key"
why = "a file spelled in pieces under a seal signed with no key handed over, unchanged: must pass"
control = true
signed_without_key = true
files = { "data/list.json" = ["[", { repeat = "0,", count = 999 }, "0]\n"] }
"#;

#[test]
fn a_toml_family_spells_large_files_in_pieces_and_signs_without_a_key() {
    let (dir, ours) = passing_family("spelled", SPELLED, "(1 hostile, 1 controls)");
    assert_eq!(ours.len(), 2);
    let r = run(
        dir.path(),
        &[
            "probes", "emit", "--out", "out", "--probes", "mine", "--family", "spelled",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let case = dir.path().join("out/spelled/zeros-gained-a-byte");
    let honest = std::fs::read(case.join("outside/img/disk.raw")).unwrap();
    let now = std::fs::read(case.join("root/img/disk.raw")).unwrap();
    assert_eq!(honest, vec![0u8; 70000]);
    assert_eq!(now, [vec![0u8; 70000], b"x".to_vec()].concat());
    let control = dir
        .path()
        .join("out/spelled/control-pieces-signed-without-key");
    let list = std::fs::read(control.join("root/data/list.json")).unwrap();
    assert_eq!(list, format!("[{}0]\n", "0,".repeat(999)).into_bytes());
    assert!(
        json(&control.join("seal.json"))["mac"].is_string(),
        "signed"
    );
    assert!(!control.join("key").exists(), "no key handed over");
    each_refused(
        dir.path(),
        "spelled",
        SPELLED,
        vec![
            // A count that spells far more than a recipe may: an error, never the allocation.
            (
                SPELLED.replace("count = 999", "count = 999999999999"),
                10,
                "a repeat spells more than",
            ),
            (
                SPELLED.replace(
                    "signed_without_key = true",
                    "signed_without_key = true\nkeyed = true",
                ),
                10,
                "keyed and signed_without_key are exclusive",
            ),
            (
                SPELLED.replace("bytes = [", "text = \"x\", bytes = ["),
                3,
                "exactly one of text, hex or bytes",
            ),
        ],
        &[TOKEN],
    );
}

/// Token transforms and padding (SPEC 7.1 token edits): every grant at one expiry, so the
/// control's valid token is the one each hostile case re-spells.
const TRANSFORMS: &str = r#"format = "sealprobe-family/1"

[[group]]

[group.shared]
expect = ["grant-invalid"]
keyed = true
packet = "fix7"
packet_edits = [
  { op = "set", at = "/selected/0", value = '"AUTHORIZE_PRODUCTION_DRYRUN_ONLY"' },
  { op = "set", at = "/blockers/0/status", value = '"CLOSED"' },
]

[[group.case]]
name = "control-valid"
why = "the valid dry-run grant"
expect = []
control = true
grants = [{ action = "dryrun", expires = 1900000001 }]

[[group.case]]
name = "upper"
why = "the token in upper case"
grants = [{ action = "dryrun", expires = 1900000001, token = "{token|upper}" }]

[[group.case]]
name = "standard"
why = "the MAC in the standard base64 alphabet"
grants = [{ action = "dryrun", expires = 1900000001, token = "{body}.{mac|standard-base64}" }]

[[group.case]]
name = "half"
why = "the first half of the token, upper-cased"
grants = [{ action = "dryrun", expires = 1900000001, token = "{token[..41]|upper}" }]

[[group.case]]
name = "padded"
why = "the token padded to 20,000 characters"
grants = [{ action = "dryrun", expires = 1900000001, pad = { to = 20000, with = "A" } }]
"#;

#[test]
fn token_transforms_and_padding_re_spell_the_minted_token() {
    let (dir, ours) = passing_family("transforms", TRANSFORMS, "(4 hostile, 1 controls)");
    assert_eq!(ours.len(), 5);
    let r = run(
        dir.path(),
        &[
            "probes",
            "emit",
            "--out",
            "out",
            "--probes",
            "mine",
            "--family",
            "transforms",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let token = |case: &str| -> String {
        let packet = json(
            &dir.path()
                .join(format!("out/transforms/{case}/packet.json")),
        );
        packet["grants"][0]["token"].as_str().unwrap().to_owned()
    };
    let valid = token("control-valid");
    let (body, mac) = valid.rsplit_once('.').unwrap();
    assert!(mac.contains(['-', '_']), "at this expiry the MAC re-spells");
    assert_eq!(token("upper"), valid.to_uppercase());
    assert_eq!(
        token("standard"),
        format!("{body}.{}", mac.replace('-', "+").replace('_', "/"))
    );
    assert_eq!(token("half"), valid[..41].to_uppercase());
    assert_eq!(
        token("padded"),
        format!("{valid}{}", "A".repeat(20_000 - valid.len()))
    );
    each_refused(
        dir.path(),
        "transforms",
        TRANSFORMS,
        vec![
            (
                TRANSFORMS.replace("{token|upper}", "{token|lower}"),
                21,
                "an unknown transform",
            ),
            (
                TRANSFORMS.replace("to = 20000", "to = 20"),
                36,
                "pad is one character, to a length longer than the token",
            ),
            (
                TRANSFORMS.replace("with = \"A\"", "with = \"AB\""),
                36,
                "pad is one character",
            ),
            // At the default expiry the standard spelling of this MAC is the MAC itself.
            (
                TRANSFORMS.replace(
                    "expires = 1900000001, token = \"{body}.{mac|standard-base64}\"",
                    "token = \"{body}.{mac|standard-base64}\"",
                ),
                26,
                "spelled as the minted one",
            ),
        ],
        &[&valid],
    );
}

/// The published case schema names every carrier of the registry, no more: a record format
/// added to `src/probe/record.rs` fails here until `docs/schemas/sealprobe-case-1.json` lists it,
/// so an emitted case never carries a name its own schema refuses.
#[test]
fn the_case_schema_names_every_carrier_of_the_registry() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/schemas/sealprobe-case-1.json");
    let schema = json(&path);
    let mut listed: Vec<&str> = schema["properties"]["carrier"]["enum"]
        .as_array()
        .expect("the carrier is an enum")
        .iter()
        .map(|v| v.as_str().expect("a name"))
        .collect();
    let mut carriers: Vec<&str> = sealprobe::probe::Carrier::all().map(|c| c.name()).collect();
    listed.sort_unstable();
    carriers.sort_unstable();
    assert_eq!(listed, carriers);
}

/// Hostile hashdeep lists as recipes: the honest list written by the format's own writer, a
/// header `replace`d, a line spelled with the drifted file's new size (`{size-now}`).
const LISTS: &str = r#"format = "sealprobe-family/1"

[[group]]

[group.shared]
record = "hashdeep"
files = { "a.txt" = "A\n", "b, c.txt" = "B\n" }
edits = [{ op = "append", path = "a.txt", text = "appended\n" }]

[[group.case]]
name = "size-rewritten"
why = "the drifted file's size rewritten to its new length, its digest left sealed"
expect = ["content"]
record_edits = [{ op = "line", path = "a.txt", spell = "{size-now},{hex},./{path}\n" }]

[[group.case]]
name = "version-2"
why = "the header of a version no reader knows"
expect = ["seal-syntax"]
record_edits = [{ op = "replace", from = "HASHDEEP-1.0", to = "HASHDEEP-2.0" }]

[[group.case]]
name = "control-clean"
why = "the honest list of an unchanged tree must pass"
expect = []
control = true
edits = []
"#;

#[test]
fn a_hashdeep_family_replaces_headers_and_spells_new_sizes() {
    use sealprobe::digest::Digest;
    let (dir, ours) = passing_family("lists", LISTS, "(2 hostile, 1 controls)");
    assert_eq!(ours.len(), 3);
    let r = run(
        dir.path(),
        &[
            "probes", "emit", "--probes", "mine", "--family", "lists", "--out", "out",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let list = |case: &str| {
        std::fs::read_to_string(dir.path().join("out/lists").join(case).join("hashdeep.txt"))
            .unwrap()
    };
    let (a, b) = (Digest::of(b"A\n").to_hex(), Digest::of(b"B\n").to_hex());
    let head = "%%%% HASHDEEP-1.0\n%%%% size,sha256,filename\n";
    let clean = format!("{head}2,{a},./a.txt\n2,{b},./b, c.txt\n");
    assert_eq!(list("control-clean"), clean);
    assert_eq!(
        list("size-rewritten"),
        clean.replace(&format!("2,{a}"), &format!("11,{a}"))
    );
    assert_eq!(list("version-2"), clean.replace("1.0", "2.0"));
    each_refused(
        dir.path(),
        "lists",
        LISTS,
        vec![
            (
                LISTS.replacen("from = \"HASHDEEP-1.0\"", "from = \"HASHDEEP-9.9\"", 1),
                16,
                "the text is not in the record once",
            ),
            (
                LISTS.replacen("from = \"HASHDEEP-1.0\"", "from = \"%%%%\"", 1),
                16,
                "the text is not in the record once",
            ),
            (
                LISTS.replacen("to = \"HASHDEEP-2.0\"", "to = \"HASHDEEP-1.0\"", 1),
                16,
                "it changes nothing",
            ),
        ],
        &[],
    );
}
