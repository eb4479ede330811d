//! SPEC 6.1: validators never print file contents, token or MAC values, or any field of a
//! rejected document. Each test plants a token where a careless validator would echo it and
//! checks both report formats for any 16-character run of it.

mod common;

use common::{Tree, assert_nothing_leaked};

const TOKEN: &str =
    "spg1.cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4wY9bC1dF6gH0jK5lA8sE3uI7oP2q";

fn sealed() -> Tree {
    let t = Tree::new();
    t.write("a.txt", "alpha\n");
    t.seal(&["a.txt"]);
    t
}

fn check_both_formats(t: &Tree) {
    for format in ["json", "human"] {
        let run = t.verify_format(format);
        assert_eq!(run.code, 1, "{format}: {}", run.stdout);
        assert_nothing_leaked(&run, &[TOKEN]);
    }
}

#[test]
fn token_in_unknown_field_name_is_not_echoed() {
    let t = sealed();
    let seal = t.seal_text();
    t.set_seal(seal.replacen(
        "\"bytes\":",
        &format!("\"{TOKEN}\": 1,\n      \"bytes\":"),
        1,
    ));
    check_both_formats(&t);
    assert_eq!(t.verify().seal_error_class(), "seal-schema");
}

#[test]
fn token_as_digest_value_is_not_echoed() {
    let t = sealed();
    let seal = t.seal_text();
    let v: serde_json::Value = serde_json::from_str(&seal).unwrap();
    let digest = v["artifacts"][0]["sha256"].as_str().unwrap().to_owned();
    t.set_seal(seal.replace(&digest, TOKEN));
    check_both_formats(&t);
    assert_eq!(t.verify().seal_error_class(), "seal-digest");
}

#[test]
fn token_around_a_syntax_error_is_not_echoed() {
    let t = sealed();
    t.set_seal(format!("{{\"artifacts\": [\"{TOKEN}\" {TOKEN} ]}}"));
    check_both_formats(&t);
    assert_eq!(t.verify().seal_error_class(), "seal-syntax");
}

#[test]
fn token_as_format_value_is_not_echoed() {
    let t = sealed();
    t.set_seal(t.seal_text().replace("sealprobe-seal/1", TOKEN));
    check_both_formats(&t);
}

#[test]
fn token_as_mac_is_not_echoed() {
    let t = sealed();
    let seal = t.seal_text().replace(
        "\"format\": \"sealprobe-seal/1\"",
        &format!("\"format\": \"sealprobe-seal/1\",\n  \"mac\": \"{TOKEN}\""),
    );
    t.set_seal(seal);
    check_both_formats(&t);
}

#[test]
fn token_in_drifted_file_content_is_not_echoed() {
    let t = sealed();
    t.write("a.txt", format!("alpha\ntoken={TOKEN}\n"));
    check_both_formats(&t);
    assert_eq!(t.verify().drift_of("a.txt"), vec!["content"]);
}

#[test]
fn token_in_a_file_that_cannot_be_sealed_is_not_echoed() {
    let t = Tree::new();
    t.write("ok.txt", TOKEN);
    std::os::unix::fs::symlink("ok.txt", t.path("link")).unwrap();
    let run = t.seal_run(&["."]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("link"), "{}", run.stderr);
    assert_nothing_leaked(&run, &[TOKEN]);
}
