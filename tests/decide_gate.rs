//! `sealprobe decide` (SPEC 5, issue #4): one named test per rule and reason class and per forged
//! token. Every run is checked in both formats for token material (the leak scanner with the
//! tokens as secrets plus the built-in token rules, so any 16-character run in any encoding, or
//! anything token-shaped, counts).

mod common;

use std::os::unix::fs::PermissionsExt;

use common::Tree;
use sealprobe::token::grant::GrantToken;
use sealprobe::token::key::Key;
use serde_json::{Value, json};

const NOW: u64 = 1_800_000_000;
const LATER: u64 = 1_900_000_000;
const DRYRUN: &str = "AUTHORIZE_PRODUCTION_DRYRUN_ONLY";

fn key_bytes(b: u8) -> Vec<u8> {
    vec![b; 32]
}

fn packet() -> Value {
    json!({
        "blockers": [{"id": "B-1", "status": "CLOSED"}, {"id": "B-2", "status": "OPEN"}],
        "default": "HOLD_PRODUCTION",
        "format": "sealprobe-decision/1",
        "grants": [],
        "options": [
            {"id": "HOLD_PRODUCTION", "requires_closed": [], "requires_grants": []},
            {"id": DRYRUN, "requires_closed": ["B-1"], "requires_grants": ["dryrun"]},
            {"id": "AUTHORIZE_PRODUCTION_EXECUTION", "requires_closed": ["B-1", "B-2"],
             "requires_grants": ["apply", "cutover"]}
        ],
        "packet": "FIX7-P0-TEST",
        "selected": [DRYRUN]
    })
}

/// The packet digest as the gate computes it (JCS without `grants`).
fn digest(p: &Value) -> String {
    let doc = serde_json::to_vec(p).unwrap();
    sealprobe::decide::packet::digest_without_grants(&sealprobe::strict_json::parse(&doc).unwrap())
}

fn mint(p: &Value, action: &str, key: u8, expires: u64) -> String {
    let key = Key::from_bytes(key_bytes(key)).unwrap();
    GrantToken::mint(&key, action, &digest(p), expires).unwrap()
}

fn with_grants(mut p: Value, grants: &[(&str, &str)]) -> Value {
    p["grants"] = grants
        .iter()
        .map(|(a, t)| json!({"action": a, "token": t}))
        .collect();
    p
}

struct Outcome {
    code: i32,
    verdict: String,
    reasons: Vec<(String, Option<String>)>,
}

/// Runs `sealprobe decide` on `doc` in both formats; checks that no output holds any part of
/// any of `tokens`; returns the JSON verdict.
fn decide_doc(doc: &[u8], tokens: &[&str], expect: Option<&str>) -> Outcome {
    let t = Tree::new();
    let packet = t.base().join("packet.json");
    std::fs::write(&packet, doc).unwrap();
    let key = t.base().join("grant.key");
    std::fs::write(&key, key_bytes(1)).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut json_run = None;
    for format in ["json", "human"] {
        let now = NOW.to_string();
        let mut args = vec![
            "decide",
            "--key-file",
            key.to_str().unwrap(),
            "--now",
            &now,
            "--format",
            format,
        ];
        if let Some(e) = expect {
            args.extend(["--expect", e]);
        }
        args.push(packet.to_str().unwrap());
        let run = common::sealprobe(&args);
        common::assert_nothing_leaked(&run, tokens);
        if format == "json" {
            json_run = Some(run);
        }
    }
    let run = json_run.unwrap();
    let report: Value = serde_json::from_str(&run.stdout).expect("decision report");
    assert_eq!(report["format"], "sealprobe-decision-report/1");
    Outcome {
        code: run.code,
        verdict: report["verdict"].as_str().unwrap().to_owned(),
        reasons: report["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let about = r
                    .get("blocker")
                    .or(r.get("action"))
                    .and_then(|v| v.as_str())
                    .map(str::to_owned);
                (r["class"].as_str().unwrap().to_owned(), about)
            })
            .collect(),
    }
}

fn decide(p: &Value, tokens: &[&str]) -> Outcome {
    decide_doc(
        serde_json::to_string_pretty(p).unwrap().as_bytes(),
        tokens,
        None,
    )
}

fn assert_hold(o: &Outcome, class: &str) {
    assert_eq!(o.code, 1, "must fall back");
    assert!(
        o.verdict == "HOLD_PRODUCTION" || o.verdict == "HOLD",
        "verdict {}",
        o.verdict
    );
    assert!(
        o.reasons.iter().any(|(c, _)| c == class),
        "want {class}, got {:?}",
        o.reasons
    );
}

fn granted() -> (Value, String) {
    let p = packet();
    let tok = mint(&p, "dryrun", 1, LATER);
    (with_grants(p, &[("dryrun", &tok)]), tok)
}

// --- the happy path and the rules -------------------------------------------------------------

/// Found by the decision probe family: with an option id defined twice, a gate that reads the
/// first copy and one that reads the last disagree, and a copy that requires nothing authorized
/// the selected option with its blocker open and no grant. An id must name one option.
#[test]
fn an_option_id_defined_twice_is_packet_schema() {
    for first_requires_nothing in [true, false] {
        let mut p = packet();
        let loose = json!({"id": DRYRUN, "requires_closed": [], "requires_grants": []});
        let opts = p["options"].as_array_mut().unwrap();
        if first_requires_nothing {
            opts.insert(1, loose);
        } else {
            opts.push(loose);
        }
        let o = decide(&p, &[]);
        assert_hold(&o, "packet-schema");
        assert_eq!(o.verdict, "HOLD");
    }
    let mut p = packet();
    p["options"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "HOLD_PRODUCTION", "requires_closed": ["B-2"], "requires_grants": []}));
    p["selected"] = json!(["HOLD_PRODUCTION"]);
    assert_hold(&decide(&p, &[]), "packet-schema");
}

#[test]
fn valid_grant_authorizes_the_selected_option() {
    let (p, tok) = granted();
    let o = decide_doc(
        serde_json::to_string(&p).unwrap().as_bytes(),
        &[&tok],
        Some(DRYRUN),
    );
    assert_eq!((o.code, o.verdict.as_str()), (0, DRYRUN), "{:?}", o.reasons);
    assert!(o.reasons.is_empty());
}

#[test]
fn expect_other_than_the_verdict_exits_1() {
    let (p, tok) = granted();
    let o = decide_doc(
        serde_json::to_string(&p).unwrap().as_bytes(),
        &[&tok],
        Some("HOLD_PRODUCTION"),
    );
    assert_eq!((o.code, o.verdict.as_str()), (1, DRYRUN));
}

#[test]
fn grant_binds_to_the_decision_not_its_layout() {
    let (p, tok) = granted();
    // Same packet, other key order and whitespace: same digest, still authorized.
    let compact = serde_json::to_string(&p).unwrap();
    let o = decide_doc(compact.as_bytes(), &[&tok], None);
    assert_eq!(o.code, 0, "{:?}", o.reasons);
}

#[test]
fn unparseable_packet_is_packet_syntax_and_hold() {
    let o = decide_doc(b"{\"selected\": [", &[], None);
    assert_hold(&o, "packet-syntax");
    assert_eq!(o.verdict, "HOLD");
}

#[test]
fn repeated_key_in_packet_is_packet_syntax() {
    let o = decide_doc(br#"{"selected": ["A"], "selected": ["B"]}"#, &[], None);
    assert_hold(&o, "packet-syntax");
}

#[test]
fn unknown_field_is_packet_schema() {
    let mut p = packet();
    p["approved_by"] = json!("someone");
    assert_hold(&decide(&p, &[]), "packet-schema");
}

#[test]
fn bad_option_id_is_packet_schema() {
    let mut p = packet();
    p["options"][0]["id"] = json!("hold_production");
    assert_hold(&decide(&p, &[]), "packet-schema");
}

#[test]
fn default_that_requires_something_is_default_not_hold() {
    let (mut p, tok) = granted();
    p["default"] = json!(DRYRUN);
    let o = decide(&p, &[&tok]);
    assert_hold(&o, "default-not-hold");
    assert_eq!(o.verdict, "HOLD");
}

#[test]
fn no_selection_is_selected_count() {
    let mut p = packet();
    p["selected"] = json!([]);
    assert_hold(&decide(&p, &[]), "selected-count");
}

#[test]
fn two_selections_are_selected_count() {
    let mut p = packet();
    p["selected"] = json!([DRYRUN, "HOLD_PRODUCTION"]);
    assert_hold(&decide(&p, &[]), "selected-count");
}

#[test]
fn unknown_selection_is_selected_unknown() {
    let mut p = packet();
    p["selected"] = json!(["AUTHORIZE_EVERYTHING"]);
    assert_hold(&decide(&p, &[]), "selected-unknown");
}

#[test]
fn case_variant_of_the_selection_is_selected_unknown() {
    let mut p = packet();
    p["selected"] = json!(["authorize_production_dryrun_only"]);
    assert_hold(&decide(&p, &[]), "selected-unknown");
}

#[test]
fn confusable_selection_is_selected_unknown() {
    let mut p = packet();
    p["selected"] = json!(["AUTHORIZE_PRODUCTION_DRYRUN_ОNLY"]); // Cyrillic О
    assert_hold(&decide(&p, &[]), "selected-unknown");
}

#[test]
fn missing_blocker_is_blocker_missing() {
    let (mut p, tok) = granted();
    p["blockers"] = json!([{"id": "B-2", "status": "OPEN"}]);
    let o = decide(&p, &[&tok]);
    assert_hold(&o, "blocker-missing");
    assert!(
        o.reasons
            .contains(&("blocker-missing".into(), Some("B-1".into())))
    );
}

#[test]
fn repeated_blocker_is_blocker_repeated() {
    let (mut p, tok) = granted();
    p["blockers"] = json!([{"id": "B-1", "status": "CLOSED"}, {"id": "B-1", "status": "OPEN"}]);
    assert_hold(&decide(&p, &[&tok]), "blocker-repeated");
}

#[test]
fn open_blocker_is_blocker_open() {
    let (mut p, tok) = granted();
    p["blockers"][0]["status"] = json!("OPEN");
    assert_hold(&decide(&p, &[&tok]), "blocker-open");
}

#[test]
fn closed_in_lower_case_is_blocker_open() {
    let (mut p, tok) = granted();
    p["blockers"][0]["status"] = json!("closed");
    assert_hold(&decide(&p, &[&tok]), "blocker-open");
}

#[test]
fn missing_grant_is_grant_missing() {
    let o = decide(&packet(), &[]);
    assert_hold(&o, "grant-missing");
    assert!(
        o.reasons
            .contains(&("grant-missing".into(), Some("dryrun".into())))
    );
}

#[test]
fn execution_needs_separate_apply_and_cutover_grants() {
    let mut p = packet();
    p["selected"] = json!(["AUTHORIZE_PRODUCTION_EXECUTION"]);
    let apply = mint(&p, "apply", 1, LATER);
    let p = with_grants(p, &[("apply", &apply)]);
    let o = decide(&p, &[&apply]);
    assert_hold(&o, "grant-missing");
    assert_hold(&o, "blocker-open");
    assert!(
        o.reasons
            .contains(&("grant-missing".into(), Some("cutover".into())))
    );
}

#[test]
fn two_grants_for_one_action_are_grant_repeated() {
    let p = packet();
    let a = mint(&p, "dryrun", 1, LATER);
    let b = mint(&p, "dryrun", 1, LATER + 1);
    assert_hold(
        &decide(
            &with_grants(p, &[("dryrun", &a), ("dryrun", &b)]),
            &[&a, &b],
        ),
        "grant-repeated",
    );
}

#[test]
fn missing_key_is_key() {
    let (p, tok) = granted();
    let t = Tree::new();
    let path = t.base().join("p.json");
    std::fs::write(&path, serde_json::to_vec(&p).unwrap()).unwrap();
    let run = common::sealprobe(&[
        "decide",
        "--now",
        "1800000000",
        "--format",
        "json",
        path.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("\"key\""), "{}", run.stdout);
    common::assert_nothing_leaked(&run, &[tok.as_str()]);
}

/// A refused key file is a usage error for every command (README, "Exit statuses"): a release
/// job that passed a key expected it to be used, so `decide` never judges without it.
#[test]
fn key_readable_by_others_is_a_usage_error() {
    let (p, tok) = granted();
    let t = Tree::new();
    let path = t.base().join("p.json");
    std::fs::write(&path, serde_json::to_vec(&p).unwrap()).unwrap();
    let key = t.base().join("open.key");
    std::fs::write(&key, key_bytes(1)).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    for format in ["json", "human"] {
        let run = common::sealprobe(&[
            "decide",
            "--key-file",
            key.to_str().unwrap(),
            "--now",
            "1800000000",
            "--format",
            format,
            path.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 2, "{format}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        assert!(run.stderr.contains("chmod 600"), "{}", run.stderr);
        common::assert_nothing_leaked(&run, &[tok.as_str()]);
    }
}

#[test]
fn unreadable_packet_is_hold_with_packet_unreadable() {
    for format in ["json", "human"] {
        let run = common::sealprobe(&["decide", "--format", format, "/nonexistent/packet.json"]);
        assert_eq!(run.code, 1);
        assert!(
            run.stdout.contains("HOLD") && run.stdout.contains("packet-unreadable"),
            "{}",
            run.stdout
        );
        assert!(run.stderr.contains("does not exist"), "{}", run.stderr);
    }
    let run = common::sealprobe(&["decide", "--format", "json", "/nonexistent/packet.json"]);
    assert_eq!(run.report()["verdict"], "HOLD");
    assert_eq!(run.report()["reasons"][0]["class"], "packet-unreadable");
}

// --- forged tokens --------------------------------------------------------------------------

fn forged(token: &str, class: &str) {
    let p = with_grants(packet(), &[("dryrun", token)]);
    let (_, good) = granted();
    let o = decide(&p, &[token, &good]);
    assert_hold(&o, class);
    assert!(
        o.reasons.contains(&(class.into(), Some("dryrun".into()))),
        "{:?}",
        o.reasons
    );
}

fn good_token() -> String {
    mint(&packet(), "dryrun", 1, LATER)
}

fn flip_char(s: &str, from_end: usize) -> String {
    let mut b = s.as_bytes().to_vec();
    let i = b.len() - from_end;
    b[i] = if b[i] == b'A' { b'B' } else { b'A' };
    String::from_utf8(b).unwrap()
}

#[test]
fn flipped_mac_is_grant_invalid() {
    forged(&flip_char(&good_token(), 3), "grant-invalid");
}

#[test]
fn mac_from_another_key_is_grant_invalid() {
    forged(&mint(&packet(), "dryrun", 2, LATER), "grant-invalid");
}

#[test]
fn token_for_another_action_is_grant_wrong_action() {
    forged(&mint(&packet(), "apply", 1, LATER), "grant-wrong-action");
}

#[test]
fn replay_on_another_packet_is_grant_wrong_packet() {
    let mut other = packet();
    other["packet"] = json!("FIX7-P0-OTHER");
    forged(&mint(&other, "dryrun", 1, LATER), "grant-wrong-packet");
}

#[test]
fn packet_edited_after_the_grant_is_grant_wrong_packet() {
    let (mut p, tok) = granted();
    p["blockers"][1]["status"] = json!("CLOSED");
    let o = decide(&p, &[&tok]);
    assert_hold(&o, "grant-wrong-packet");
}

#[test]
fn expired_token_is_grant_expired() {
    forged(&mint(&packet(), "dryrun", 1, NOW), "grant-expired");
}

#[test]
fn spg0_and_spg2_are_grant_invalid() {
    forged(&good_token().replacen("spg1", "spg0", 1), "grant-invalid");
    forged(&good_token().replacen("spg1", "spg2", 1), "grant-invalid");
}

#[test]
fn truncated_token_is_grant_invalid() {
    let t = good_token();
    forged(&t[..t.len() - 4], "grant-invalid");
}

#[test]
fn padded_token_is_grant_invalid() {
    forged(&format!("{}=", good_token()), "grant-invalid");
}

#[test]
fn standard_alphabet_token_is_grant_invalid() {
    // Force a tag character that differs between the alphabets.
    let mut t = good_token();
    let tag_start = t.rfind('.').unwrap() + 1;
    t.replace_range(tag_start..tag_start + 1, "+");
    forged(&t, "grant-invalid");
}

#[test]
fn surrounding_whitespace_or_newline_is_grant_invalid() {
    forged(&format!(" {}", good_token()), "grant-invalid");
    forged(&format!("{}\n", good_token()), "grant-invalid");
}

#[test]
fn upper_case_action_is_grant_invalid() {
    forged(
        &good_token().replacen("dryrun", "DRYRUN", 1),
        "grant-invalid",
    );
}

#[test]
fn cyrillic_look_alike_in_the_action_is_grant_invalid() {
    forged(
        &good_token().replacen("dryrun", "drуrun", 1),
        "grant-invalid",
    );
}

#[test]
fn zero_width_character_in_the_action_is_grant_invalid() {
    forged(
        &good_token().replacen("dryrun", "dry\u{200b}run", 1),
        "grant-invalid",
    );
}

#[test]
fn empty_token_is_grant_invalid() {
    forged("", "grant-invalid");
}

#[test]
fn token_of_20000_characters_is_grant_invalid() {
    let long = format!(
        "{}{}",
        good_token(),
        "A".repeat(20_000 - good_token().len())
    );
    assert_eq!(long.len(), 20_000);
    forged(&long, "grant-invalid");
}

#[test]
fn the_fix7_example_decides_hold_production() {
    let doc = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/fix7/packet.json"
    ))
    .unwrap();
    let packet = sealprobe::decide::packet::Packet::load(&doc).unwrap();
    assert_eq!(packet.options().len(), 4);
    assert_eq!(packet.blockers().len(), 7);
    assert!(packet.blockers().iter().all(|b| b.status() == "OPEN"));
    let o = decide_doc(&doc, &[], Some("HOLD_PRODUCTION"));
    assert_eq!((o.code, o.verdict.as_str()), (0, "HOLD_PRODUCTION"));
}

/// A temp folder with the test packet and a key file of the given mode.
fn grant_setup(key_mode: u32) -> (Tree, std::path::PathBuf, std::path::PathBuf) {
    let t = Tree::new();
    let packet_path = t.base().join("packet.json");
    std::fs::write(&packet_path, serde_json::to_vec(&packet()).unwrap()).unwrap();
    let key = t.base().join("grant.key");
    std::fs::write(&key, key_bytes(1)).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(key_mode)).unwrap();
    (t, packet_path, key)
}

#[test]
fn grant_writes_the_token_only_to_a_private_file() {
    let (t, packet_path, key) = grant_setup(0o600);
    let out = t.base().join("dryrun.grant");
    let run = common::sealprobe(&[
        "grant",
        "--key-file",
        key.to_str().unwrap(),
        "--action",
        "dryrun",
        "--packet",
        packet_path.to_str().unwrap(),
        "--expires",
        &LATER.to_string(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let token = std::fs::read_to_string(&out).unwrap();
    let token = token.trim_end();
    assert_eq!(token, mint(&packet(), "dryrun", 1, LATER));
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o600
    );
    common::assert_nothing_leaked(&run, &[token]);
}

#[test]
fn grant_refuses_a_key_readable_by_others_and_a_bad_action() {
    let (t, packet_path, key) = grant_setup(0o640);
    let out = t.base().join("g");
    let args = |action: &str| {
        vec![
            "grant".to_owned(),
            "--key-file".into(),
            key.to_str().unwrap().into(),
            "--action".into(),
            action.into(),
            "--packet".into(),
            packet_path.to_str().unwrap().into(),
            "--expires".into(),
            "1900000000".into(),
            "--out".into(),
            out.to_str().unwrap().into(),
        ]
    };
    let a = args("dryrun");
    let run = common::sealprobe(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.code, 2);
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let a = args("DRYRUN");
    let run = common::sealprobe(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.code, 2);
    assert!(!out.exists());
}

#[test]
fn a_loaded_packet_shows_its_grants_by_action_never_by_token() {
    let (p, tok) = granted();
    let doc = serde_json::to_vec(&p).unwrap();
    let packet = sealprobe::decide::packet::Packet::load(&doc).expect("the packet loads");
    let shown = format!("{packet:?}");
    assert!(shown.contains("Grant(dryrun)"), "{shown}");
    // The MAC is the token's secret part (its digest field is the packet's digest, shown by
    // design); the built-in rules catch the token's shape.
    let mac = tok.rsplit('.').next().unwrap();
    let scanner = sealprobe::leak::canary_scanner([mac.as_bytes()]).unwrap();
    let found = scanner.scan(shown.as_bytes());
    assert!(found.is_empty(), "Debug shows the token: {found:?}");
}
