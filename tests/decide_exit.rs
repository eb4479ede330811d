//! Issue #23, point 8 and the decide part of point 9: `sealprobe decide` exits `0` only for an
//! authorized option other than the default or for the verdict `--expect` names (SPEC 5.2), so
//! `decide packet.json && deploy` never deploys on a HOLD; `sealprobe grant` refuses expired
//! grants, actions the packet never requires and an existing `--out`; a `packet-schema` reason
//! names the field by its path, never its value. Every run is checked for token material with
//! the real leak scanner (the planted tokens as secrets plus every built-in token shape). The
//! gate's side (packets that select their default are refused) is in
//! `tests/command_validators.rs`, whose tests all run the gate.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::{Run, Tree};
use sealprobe::token::grant::GrantToken;
use sealprobe::token::key::Key;
use serde_json::{Value, json};

const NOW: u64 = 1_800_000_000;
const LATER: u64 = 1_900_000_000;
const DRYRUN: &str = "AUTHORIZE_PRODUCTION_DRYRUN_ONLY";
const HOLD: &str = "HOLD_PRODUCTION";
/// An AWS access key id shape that is also a valid option id: `--expect` may hold one.
const TOKEN_SHAPED_ID: &str = "AKIAIOSFODNN7EXAMPLE";

fn fix7() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/fix7/packet.json")
}

fn packet() -> Value {
    json!({
        "blockers": [{"id": "B-1", "status": "CLOSED"}, {"id": "B-2", "status": "OPEN"}],
        "default": HOLD,
        "format": "sealprobe-decision/1",
        "grants": [],
        "options": [
            {"id": HOLD, "requires_closed": [], "requires_grants": []},
            {"id": DRYRUN, "requires_closed": ["B-1"], "requires_grants": ["dryrun"]},
            {"id": "AUTHORIZE_PRODUCTION_EXECUTION", "requires_closed": ["B-1", "B-2"],
             "requires_grants": ["apply", "cutover"]}
        ],
        "packet": "FIX7-P0-TEST",
        "selected": [DRYRUN]
    })
}

fn mint(p: &Value, action: &str) -> String {
    let doc = serde_json::to_vec(p).unwrap();
    let digest = sealprobe::decide::packet::digest_without_grants(
        &sealprobe::strict_json::parse(&doc).unwrap(),
    );
    let key = Key::from_bytes(vec![1; 32]).unwrap();
    GrantToken::mint(&key, action, &digest, LATER).unwrap()
}

/// The test packet with a valid dryrun grant, and the token.
fn granted() -> (Value, String) {
    let mut p = packet();
    let tok = mint(&p, "dryrun");
    p["grants"] = json!([{"action": "dryrun", "token": tok}]);
    (p, tok)
}

/// A workspace with a private key file (`grant.key`, 32 bytes of 1) and `doc` as `packet.json`.
struct Setup {
    t: Tree,
    key: PathBuf,
    packet: PathBuf,
}

impl Setup {
    fn new(doc: &[u8]) -> Setup {
        let t = Tree::new();
        let packet = t.base().join("packet.json");
        std::fs::write(&packet, doc).unwrap();
        let key = t.base().join("grant.key");
        std::fs::write(&key, [1u8; 32]).unwrap();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        Setup { t, key, packet }
    }

    fn of(p: &Value) -> Setup {
        Setup::new(&serde_json::to_vec_pretty(p).unwrap())
    }

    /// `sealprobe decide` with the key and clock, in `format`, with `extra` options before the
    /// packet; checked for leaks of `tokens`.
    fn decide(&self, format: &str, extra: &[&str], tokens: &[&str]) -> Run {
        let now = NOW.to_string();
        let mut args = vec![
            "decide",
            "--key-file",
            self.key.to_str().unwrap(),
            "--now",
            &now,
            "--format",
            format,
        ];
        args.extend_from_slice(extra);
        args.push(self.packet.to_str().unwrap());
        let run = common::sealprobe(&args);
        common::assert_nothing_leaked(&run, tokens);
        run
    }
}

fn verdict(run: &Run) -> String {
    run.report()["verdict"].as_str().unwrap().to_owned()
}

/// The stderr lines of `run` that start with `sealprobe decide:`.
fn decide_lines(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|l| l.starts_with("sealprobe decide:"))
        .collect()
}

// --- decide: the exit status ------------------------------------------------------------------

/// The reviewer's finding: the FIX7 example selects `HOLD_PRODUCTION`, and `decide packet.json
/// && deploy` deployed. Now it exits 1, in both formats, and one line says why.
#[test]
fn decide_exits_1_when_the_default_is_selected_without_expect() {
    let s = Setup::new(&std::fs::read(fix7()).unwrap());
    for format in ["json", "human"] {
        let run = s.decide(format, &[], &[]);
        assert_eq!(run.code, 1, "{format}: {}{}", run.stdout, run.stderr);
        let lines = decide_lines(&run);
        assert_eq!(lines.len(), 1, "{format}: {}", run.stderr);
        assert!(
            lines[0].contains("selects its default HOLD_PRODUCTION")
                && lines[0].contains("--expect HOLD_PRODUCTION"),
            "{}",
            lines[0]
        );
        if format == "json" {
            assert_eq!(verdict(&run), HOLD);
            assert_eq!(run.report()["fell_back"], false);
        } else {
            assert!(
                run.stdout.starts_with("verdict: HOLD_PRODUCTION"),
                "{}",
                run.stdout
            );
        }
    }
    // Through the shell, as a release job writes it: nothing is deployed.
    let script = format!(
        "{} decide {} && echo DEPLOYED",
        sealprobe::probe::shell_quote(&common::bin().to_string_lossy()),
        sealprobe::probe::shell_quote(&fix7().to_string_lossy())
    );
    let out = std::process::Command::new("sh")
        .args(["-c", &script])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("DEPLOYED"));
}

/// Naming the default with `--expect` is how a job says a HOLD is what it wants.
#[test]
fn decide_exits_0_when_expect_names_the_selected_default() {
    let s = Setup::new(&std::fs::read(fix7()).unwrap());
    for format in ["json", "human"] {
        let run = s.decide(format, &["--expect", HOLD], &[]);
        assert_eq!(run.code, 0, "{format}: {}{}", run.stdout, run.stderr);
        assert!(decide_lines(&run).is_empty(), "{}", run.stderr);
    }
}

#[test]
fn decide_exits_0_for_an_authorized_option_other_than_the_default_without_expect() {
    let (p, tok) = granted();
    let s = Setup::of(&p);
    for format in ["json", "human"] {
        let run = s.decide(format, &[], &[&tok]);
        assert_eq!(run.code, 0, "{format}: {}{}", run.stdout, run.stderr);
        assert!(decide_lines(&run).is_empty(), "{}", run.stderr);
    }
}

/// The reviewer's finding: `--expect` with another option exited 1 with no line saying so.
#[test]
fn expect_mismatch_prints_a_line_with_the_expected_option_and_the_verdict() {
    let (p, tok) = granted();
    let s = Setup::of(&p);
    for format in ["json", "human"] {
        let run = s.decide(format, &["--expect", HOLD], &[&tok]);
        assert_eq!(run.code, 1, "{format}");
        let lines = decide_lines(&run);
        assert_eq!(lines.len(), 1, "{}", run.stderr);
        assert!(
            lines[0].contains("--expect HOLD_PRODUCTION")
                && lines[0].contains("verdict is AUTHORIZE_PRODUCTION_DRYRUN_ONLY"),
            "{}",
            lines[0]
        );
    }
    // A fallback that --expect does not name: the line names both, and the fallback.
    let s = Setup::of(&packet());
    let run = s.decide("human", &["--expect", DRYRUN], &[]);
    assert_eq!(run.code, 1);
    let lines = decide_lines(&run);
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].contains("--expect AUTHORIZE_PRODUCTION_DRYRUN_ONLY")
            && lines[0].contains("verdict is HOLD_PRODUCTION"),
        "{}",
        lines[0]
    );
}

/// `--expect` comes from the command line and may be token-shaped: the mismatch line shows it
/// through the one rendering path, redacted.
#[test]
fn expect_mismatch_line_redacts_a_token_shaped_expect() {
    let s = Setup::new(&std::fs::read(fix7()).unwrap());
    for format in ["json", "human"] {
        let run = s.decide(format, &["--expect", TOKEN_SHAPED_ID], &[TOKEN_SHAPED_ID]);
        assert_eq!(run.code, 1);
        let lines = decide_lines(&run);
        assert_eq!(lines.len(), 1, "{}", run.stderr);
        assert!(
            lines[0].contains("<redacted: token-shaped, 20 bytes>"),
            "{}",
            lines[0]
        );
    }
}

/// The packet selects the dry run, its grant is missing, the gate falls back to the default:
/// `--expect HOLD_PRODUCTION` names that verdict exactly, so the job that wanted a HOLD passes.
#[test]
fn expect_that_names_the_fallback_verdict_exits_0() {
    let s = Setup::of(&packet());
    for format in ["json", "human"] {
        let run = s.decide(format, &["--expect", HOLD], &[]);
        assert_eq!(run.code, 0, "{format}: {}{}", run.stdout, run.stderr);
        assert!(decide_lines(&run).is_empty(), "{}", run.stderr);
        if format == "json" {
            assert_eq!(verdict(&run), HOLD);
            assert_eq!(run.report()["fell_back"], true);
        }
    }
}

/// The literal `HOLD` is the gate's own fallback for a packet it could not judge (unreadable,
/// not JSON, schema broken, no usable default), not an option of the packet: `--expect HOLD`
/// never turns an unreadable packet into exit 0.
#[test]
fn expect_hold_never_passes_a_packet_that_could_not_be_judged() {
    let unusable_default = {
        let mut p = packet();
        p["default"] = json!(DRYRUN);
        serde_json::to_vec(&p).unwrap()
    };
    let docs: [(&str, &[u8]); 4] = [
        ("unreadable", b""),
        ("syntax", b"{\"format\": "),
        ("schema", br#"{"format": "sealprobe-decision/1"}"#),
        ("default-not-hold", &unusable_default),
    ];
    for (what, doc) in docs {
        let s = Setup::new(doc);
        if what == "unreadable" {
            std::fs::remove_file(&s.packet).unwrap();
        }
        for format in ["json", "human"] {
            let run = s.decide(format, &["--expect", "HOLD"], &[]);
            assert_eq!(run.code, 1, "{what} {format}: {}{}", run.stdout, run.stderr);
            if format == "json" {
                assert_eq!(verdict(&run), "HOLD", "{what}");
            }
            let line = decide_lines(&run)
                .into_iter()
                .find(|l| l.contains("--expect HOLD"))
                .unwrap_or_else(|| panic!("{what}: no --expect line: {}", run.stderr));
            assert!(line.contains("could not be judged"), "{line}");
        }
    }
    // A packet whose own option is called HOLD is judged like any other.
    let mut p = packet();
    p["options"][0]["id"] = json!("HOLD");
    p["default"] = json!("HOLD");
    p["selected"] = json!(["HOLD"]);
    let run = Setup::of(&p).decide("json", &["--expect", "HOLD"], &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn expect_outside_the_option_id_grammar_is_a_usage_error() {
    let s = Setup::new(&std::fs::read(fix7()).unwrap());
    for bad in [
        "hold_production",
        "",
        "HOLD PRODUCTION",
        "spg1.dryrun.0123456789abcdef",
    ] {
        let run = s.decide("json", &["--expect", bad], &[]);
        assert_eq!(run.code, 2, "{bad:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
        assert!(run.stderr.contains("--expect"), "{}", run.stderr);
    }
}

// --- grant: refusals ----------------------------------------------------------------------------

/// `sealprobe grant` with the setup's key and packet, the dryrun action unless `action` is given.
fn grant(s: &Setup, action: &str, expires: u64, out: &Path, extra: &[&str]) -> Run {
    let expires = expires.to_string();
    let mut args = vec![
        "grant",
        "--key-file",
        s.key.to_str().unwrap(),
        "--action",
        action,
        "--packet",
        s.packet.to_str().unwrap(),
        "--expires",
        &expires,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let run = common::sealprobe(&args);
    // The MAC of the token grant would have minted (or did), its secret part, is never printed,
    // nor anything token-shaped (the action may be: it is a name, not a secret).
    let token = mint(&packet(), action);
    let mac = token.rsplit('.').next().unwrap();
    common::assert_nothing_leaked(&run, &[mac]);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    run
}

fn grant_lines(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|l| l.starts_with("sealprobe grant:"))
        .collect()
}

#[test]
fn grant_refuses_an_expiry_at_or_before_now() {
    let s = Setup::of(&packet());
    let out = s.t.base().join("dryrun.grant");
    let now = NOW.to_string();
    for expires in [NOW, NOW - 1, 1] {
        let run = grant(&s, "dryrun", expires, &out, &["--now", &now]);
        assert_eq!(run.code, 2, "{expires}: {}", run.stderr);
        assert!(grant_lines(&run)[0].contains("expir"), "{}", run.stderr);
        assert!(!common::exists(&out));
    }
    // Without --now, the clock: a grant that expired in 1970 is refused too.
    let run = grant(&s, "dryrun", 1, &out, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!common::exists(&out));
    let run = grant(&s, "dryrun", NOW + 1, &out, &["--now", &now]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn grant_refuses_an_action_the_packet_never_requires() {
    let s = Setup::of(&packet());
    let out = s.t.base().join("g");
    for action in ["deploy", "realrun-precheck"] {
        let run = grant(&s, action, LATER, &out, &[]);
        assert_eq!(run.code, 2, "{action}: {}", run.stderr);
        let lines = grant_lines(&run);
        assert!(
            lines[0].contains(&format!("action {action}")) && lines[0].contains("requires"),
            "{}",
            run.stderr
        );
        assert!(!common::exists(&out));
    }
    // Every action some option requires is minted, whichever option is selected.
    for action in ["dryrun", "apply", "cutover"] {
        let out = s.t.base().join(action);
        let run = grant(&s, action, LATER, &out, &[]);
        assert_eq!(run.code, 0, "{action}: {}", run.stderr);
    }
}

#[test]
fn grant_refuses_an_existing_out_without_force() {
    let s = Setup::of(&packet());
    let out = s.t.base().join("dryrun.grant");
    std::fs::write(&out, b"keep me\n").unwrap();
    let run = grant(&s, "dryrun", LATER, &out, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        grant_lines(&run)[0].contains("already exists") && run.stderr.contains("--force"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(out.to_str().unwrap()), "{}", run.stderr);
    assert_eq!(std::fs::read(&out).unwrap(), b"keep me\n");
}

#[test]
fn grant_force_replaces_the_out_file_with_mode_0600() {
    let s = Setup::of(&packet());
    let out = s.t.base().join("dryrun.grant");
    std::fs::write(&out, b"an old grant\n").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).unwrap();
    let run = grant(&s, "dryrun", LATER, &out, &["--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        format!("{}\n", mint(&packet(), "dryrun"))
    );
    let meta = std::fs::symlink_metadata(&out).unwrap();
    assert!(meta.is_file());
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    // Nothing else was left in the folder (no temporary file).
    let mut names: Vec<String> = std::fs::read_dir(s.t.base())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        names
            .iter()
            .all(|n| ["dryrun.grant", "grant.key", "packet.json", "root"].contains(&n.as_str())),
        "{names:?}"
    );
}

/// A symlink at `--out` is refused with or without `--force`, dangling or not, and the file it
/// points at is never written.
#[test]
fn grant_refuses_a_symlink_at_out_even_with_force() {
    let s = Setup::of(&packet());
    let target = s.t.base().join("elsewhere");
    std::fs::write(&target, b"victim\n").unwrap();
    let link = s.t.base().join("dryrun.grant");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let dangling = s.t.base().join("dangling.grant");
    let nowhere = s.t.base().join("nowhere");
    std::os::unix::fs::symlink(&nowhere, &dangling).unwrap();
    for out in [&link, &dangling] {
        for extra in [&[][..], &["--force"][..]] {
            let run = grant(&s, "dryrun", LATER, out, extra);
            assert_eq!(run.code, 1, "{extra:?}: {}", run.stderr);
            assert!(grant_lines(&run)[0].contains("symlink"), "{}", run.stderr);
            assert!(std::fs::symlink_metadata(out).unwrap().is_symlink());
        }
    }
    assert_eq!(std::fs::read(&target).unwrap(), b"victim\n");
    assert!(!common::exists(&nowhere));
}

// --- packet-schema: the field path ------------------------------------------------------------

/// Runs decide in both formats on `doc`; returns the JSON reason and the human report.
fn schema_reason(doc: &[u8], planted: &[&str]) -> (Value, String) {
    let s = Setup::new(doc);
    let json_run = s.decide("json", &[], planted);
    let human = s.decide("human", &[], planted);
    assert_eq!((json_run.code, human.code), (1, 1));
    let report = json_run.report();
    assert_eq!(report["verdict"], "HOLD");
    let reasons = report["reasons"].as_array().unwrap();
    assert_eq!(reasons.len(), 1, "{}", json_run.stdout);
    assert_eq!(reasons[0]["class"], "packet-schema");
    (reasons[0].clone(), human.stdout)
}

fn assert_field(doc: &[u8], planted: &[&str], field: &str) {
    let (reason, human) = schema_reason(doc, planted);
    assert_eq!(reason["field"], field, "{reason}");
    assert!(
        human.contains(&format!("field {field} at line")),
        "{field}: {human}"
    );
}

/// An edit of the test packet.
type Edit = Box<dyn Fn(&mut Value)>;

#[test]
fn packet_schema_names_the_field_by_its_path_in_both_formats() {
    let token = mint(&packet(), "cutover");
    let edits: Vec<(&str, Edit)> = vec![
        (
            "options[1].requires_grants[0]",
            Box::new(|p| p["options"][1]["requires_grants"][0] = json!("Dry.Run")),
        ),
        (
            "options[2].requires_grants[1]",
            Box::new(move |p| p["options"][2]["requires_grants"][1] = json!(token.clone())),
        ),
        (
            "blockers[1].status",
            Box::new(|p| p["blockers"][1]["status"] = json!(7)),
        ),
        (
            "blockers[0].id",
            Box::new(|p| p["blockers"][0]["id"] = json!("b-1")),
        ),
        (
            "options[2].requires_closed",
            Box::new(|p| {
                p["options"][2]
                    .as_object_mut()
                    .unwrap()
                    .remove("requires_closed");
            }),
        ),
        (
            "options[1].<unknown field, 5 bytes>",
            Box::new(|p| p["options"][1]["color"] = json!("blue")),
        ),
        (
            "format",
            Box::new(|p| p["format"] = json!("sealprobe-decision/2")),
        ),
        (
            "default",
            Box::new(|p| {
                p.as_object_mut().unwrap().remove("default");
            }),
        ),
        ("selected[0]", Box::new(|p| p["selected"] = json!([1]))),
    ];
    let planted = mint(&packet(), "cutover");
    for (field, edit) in &edits {
        let mut p = packet();
        edit(&mut p);
        assert_field(&serde_json::to_vec_pretty(&p).unwrap(), &[&planted], field);
    }
    // The second definition of an option id is the problem.
    let mut p = packet();
    p["options"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": DRYRUN, "requires_closed": [], "requires_grants": []}));
    assert_field(&serde_json::to_vec(&p).unwrap(), &[], "options[3].id");
    // A document that is not an object at all.
    assert_field(b"[1, 2]", &[], "(the packet)");
}

/// An unknown member's name is a field of the rejected packet (SPEC 6.1): it is shown by its
/// length only, whatever it is: a token, a token shape, an invisible character, or a plain name
/// that could be a secret that is not token-shaped.
#[test]
fn packet_schema_never_shows_the_name_of_an_unknown_field() {
    let token = mint(&packet(), "cutover");
    let ghp = format!("ghp_{}", "a1B2c3D4e5".repeat(4).get(..36).unwrap());
    let secret = "hunter2-not-token-shaped-at-all";
    for key in [
        token.as_str(),
        ghp.as_str(),
        "a\u{202e}b",
        secret,
        "approved_by",
    ] {
        let mut p = packet();
        p["blockers"][1][key] = json!(token.clone());
        let doc = serde_json::to_vec_pretty(&p).unwrap();
        let shown = format!("blockers[1].<unknown field, {} bytes>", key.len());
        assert_field(&doc, &[&token, &ghp, secret], &shown);
    }
}
