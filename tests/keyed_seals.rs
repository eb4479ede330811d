//! Keyed seals (issue #4, acceptance 4): with `--key-file`, a seal must carry a MAC that
//! verifies; stripped, flipped or borrowed MACs fail as `seal-mac`. Key files must be private.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{Tree, assert_nothing_leaked, sealprobe};

fn key_file(t: &Tree, name: &str, byte: u8, mode: u32) -> String {
    let p = t.base().join(name);
    std::fs::write(&p, vec![byte; 32]).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    p.to_str().unwrap().to_owned()
}

fn keyed_tree() -> (Tree, String) {
    let t = Tree::new();
    t.write("a.txt", "alpha\n");
    let key = key_file(&t, "seal.key", 7, 0o600);
    t.seal(&["--key-file", &key, "a.txt"]);
    (t, key)
}

fn verify_with_key(t: &Tree, key: &str, format: &str) -> common::Run {
    sealprobe(&[
        "verify",
        "--root",
        t.root().to_str().unwrap(),
        "--key-file",
        key,
        "--format",
        format,
        t.seal_path().to_str().unwrap(),
    ])
}

fn mac_of(seal: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(seal).unwrap();
    v["mac"].as_str().expect("keyed seal has a mac").to_owned()
}

#[test]
fn a_loaded_seal_gives_back_its_mac_and_an_unkeyed_one_none() {
    // The gate's self-test and the seal-tamper probes read a seal's MAC through `Seal::mac`.
    let (t, _) = keyed_tree();
    let text = t.seal_text();
    let keyed = sealprobe::seal::Seal::load(text.as_bytes(), 1 << 20).unwrap();
    assert_eq!(keyed.mac().map(|m| m.to_field()), Some(mac_of(&text)));
    let plain = Tree::new();
    plain.write("a.txt", "alpha\n");
    let unkeyed = sealprobe::seal::Seal::load(&plain.seal(&["a.txt"]), 1 << 20).unwrap();
    assert!(unkeyed.mac().is_none());
}

#[test]
fn keyed_seal_verifies_and_is_authenticated() {
    let (t, key) = keyed_tree();
    let run = verify_with_key(&t, &key, "json");
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.report()["authenticated"], true);
    assert_nothing_leaked(&run, &[mac_of(&t.seal_text()).as_str()]);
    let human = verify_with_key(&t, &key, "human");
    assert!(
        human.stdout.contains("seal authenticated"),
        "{}",
        human.stdout
    );
}

#[test]
fn without_a_key_the_mac_is_not_checked_and_the_report_says_so() {
    let (t, _) = keyed_tree();
    let run = t.verify();
    assert_eq!(run.code, 0);
    assert_eq!(run.report()["authenticated"], false);
}

#[test]
fn stripped_mac_is_seal_mac() {
    let (t, key) = keyed_tree();
    let seal = t.seal_text();
    let mac = mac_of(&seal);
    t.set_seal(seal.replace(&format!(",\n  \"mac\": \"{mac}\""), ""));
    assert_eq!(t.verify().code, 0, "the stripped seal is itself canonical");
    let run = verify_with_key(&t, &key, "json");
    assert_eq!(run.code, 1);
    assert_eq!(run.seal_error_class(), "seal-mac");
}

#[test]
fn flipped_mac_is_seal_mac() {
    let (t, key) = keyed_tree();
    let seal = t.seal_text();
    let mac = mac_of(&seal);
    let mut flipped = mac.clone().into_bytes();
    let i = flipped.len() - 5;
    flipped[i] = if flipped[i] == b'A' { b'B' } else { b'A' };
    t.set_seal(seal.replace(&mac, std::str::from_utf8(&flipped).unwrap()));
    let run = verify_with_key(&t, &key, "json");
    assert_eq!(run.code, 1);
    assert_eq!(run.seal_error_class(), "seal-mac");
    assert_nothing_leaked(&run, &[mac.as_str()]);
}

#[test]
fn mac_copied_from_another_seal_is_seal_mac() {
    let (t, key) = keyed_tree();
    let other = Tree::new();
    other.write("a.txt", "other content\n");
    other.seal(&["--key-file", &key, "a.txt"]);
    let seal = t.seal_text();
    t.set_seal(seal.replace(&mac_of(&seal), &mac_of(&other.seal_text())));
    let run = verify_with_key(&t, &key, "json");
    assert_eq!(run.code, 1);
    assert_eq!(run.seal_error_class(), "seal-mac");
}

#[test]
fn mac_from_another_key_is_seal_mac() {
    let (t, _) = keyed_tree();
    let other_key = key_file(&t, "other.key", 9, 0o600);
    let run = verify_with_key(&t, &other_key, "json");
    assert_eq!(run.code, 1);
    assert_eq!(run.seal_error_class(), "seal-mac");
}

#[test]
fn key_file_readable_by_others_is_refused() {
    let t = Tree::new();
    t.write("a.txt", "alpha\n");
    let open = key_file(&t, "open.key", 7, 0o644);
    let run = t.seal_run(&["--key-file", &open, "a.txt"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("chmod 600"), "{}", run.stderr);
}

#[test]
fn short_key_file_is_refused() {
    let t = Tree::new();
    t.write("a.txt", "alpha\n");
    let p = t.base().join("short.key");
    std::fs::write(&p, b"0123456789").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    let run = t.seal_run(&["--key-file", p.to_str().unwrap(), "a.txt"]);
    assert_eq!(run.code, 2);
    assert_nothing_leaked(&run, &["0123456789"]);
}
