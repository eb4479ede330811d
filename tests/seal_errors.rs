//! Every seal error class of SPEC 3.3, through the CLI: a bad seal fails closed with its class
//! and a position, and no artifact is trusted.

mod common;

use common::Tree;

fn sealed() -> Tree {
    let t = Tree::new();
    t.write("docs/café.md", "menu\n");
    t.write("docs/b.txt", "b\n");
    t.seal(&["docs"]);
    assert_eq!(t.verify().code, 0);
    t
}

fn assert_seal_error(t: &Tree, class: &str) -> serde_json::Value {
    let run = t.verify();
    assert_eq!(run.code, 1, "a bad seal must fail: {}", run.stdout);
    let report = run.report();
    assert_eq!(report["verdict"], "fail");
    assert_eq!(run.seal_error_class(), class, "{}", run.stdout);
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
    assert_eq!(report["summary"]["passed"], 0);
    report["seal_error"].clone()
}

fn reindent(seal: &str, indent: &[u8]) -> Vec<u8> {
    let value: serde_json::Value = serde_json::from_str(seal).unwrap();
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(indent);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    serde::Serialize::serialize(&value, &mut ser).unwrap();
    out.push(b'\n');
    out
}

#[test]
fn seal_reencoded_with_ensure_ascii_is_noncanonical() {
    let t = sealed();
    t.set_seal(t.seal_text().replace('é', "\\u00e9"));
    let e = assert_seal_error(&t, "seal-noncanonical");
    assert!(e["line"].as_u64().unwrap() > 1);
}

#[test]
fn seal_with_indent_4_is_noncanonical() {
    let t = sealed();
    let same_indent = reindent(&t.seal_text(), b"  ");
    assert_eq!(
        same_indent,
        t.seal_text().as_bytes(),
        "re-indenting with 2 spaces is a no-op"
    );
    t.set_seal(reindent(&t.seal_text(), b"    "));
    let e = assert_seal_error(&t, "seal-noncanonical");
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_u64()),
        (Some(2), Some(3))
    );
}

#[test]
fn seal_with_crlf_is_noncanonical() {
    let t = sealed();
    t.set_seal(t.seal_text().replace('\n', "\r\n"));
    let e = assert_seal_error(&t, "seal-noncanonical");
    assert_eq!(e["offset"], 1);
}

#[test]
fn seal_with_bom_is_noncanonical() {
    let t = sealed();
    t.set_seal(format!("\u{feff}{}", t.seal_text()));
    let e = assert_seal_error(&t, "seal-noncanonical");
    assert_eq!(e["offset"], 0);
}

#[test]
fn seal_in_utf16_is_noncanonical() {
    let t = sealed();
    let mut wide = vec![0xFF, 0xFE];
    for unit in t.seal_text().encode_utf16() {
        wide.extend_from_slice(&unit.to_le_bytes());
    }
    t.set_seal(wide);
    assert_seal_error(&t, "seal-noncanonical");
}

#[test]
fn minified_seal_is_noncanonical() {
    let t = sealed();
    let value: serde_json::Value = serde_json::from_str(&t.seal_text()).unwrap();
    t.set_seal(serde_json::to_vec(&value).unwrap());
    assert_seal_error(&t, "seal-noncanonical");
}

#[test]
fn unsorted_artifacts_are_noncanonical() {
    let t = sealed();
    let mut value: serde_json::Value = serde_json::from_str(&t.seal_text()).unwrap();
    value["artifacts"].as_array_mut().unwrap().reverse();
    t.set_seal(reindent(&value.to_string(), b"  "));
    assert_seal_error(&t, "seal-noncanonical");
}

#[test]
fn missing_final_newline_is_noncanonical() {
    let t = sealed();
    t.set_seal(t.seal_text().trim_end());
    assert_seal_error(&t, "seal-noncanonical");
}

#[test]
fn repeated_key_in_seal_entry_is_seal_schema() {
    let t = sealed();
    let seal = t.seal_text();
    // Repeat the first "bytes" key of an entry with another value: parsers that keep the last
    // copy would read a different seal.
    let repeated = seal.replacen("\"bytes\": 2,", "\"bytes\": 2,\n      \"bytes\": 3,", 1);
    assert_ne!(seal, repeated);
    t.set_seal(&repeated);
    let e = assert_seal_error(&t, "seal-schema");
    let offset = e["offset"].as_u64().unwrap() as usize;
    assert_eq!(&repeated[offset..offset + 8], "\"bytes\":");
    assert!(
        repeated[..offset].contains("\"bytes\": 2"),
        "points at the second copy"
    );
}

#[test]
fn dotdot_path_is_seal_path() {
    let t = sealed();
    t.set_seal(t.seal_text().replace("docs/b.txt", "docs/../b.txt"));
    let e = assert_seal_error(&t, "seal-path");
    assert!(e["line"].as_u64().unwrap() > 1);
}

#[test]
fn absolute_path_is_seal_path() {
    let t = sealed();
    t.set_seal(t.seal_text().replace("docs/b.txt", "/etc/passwd"));
    assert_seal_error(&t, "seal-path");
}

#[test]
fn every_bad_path_form_is_seal_path() {
    for bad in [
        "",
        "docs//b.txt",
        "./docs/b.txt",
        "docs/.",
        "docs\\\\b.txt",
        "C:/b.txt",
        "docs/b\\u0000.txt",
        "docs/b\\u001b.txt",
        "docs/\u{202e}b.txt",
        "docs/",
    ] {
        let t = sealed();
        t.set_seal(t.seal_text().replace("docs/b.txt", bad));
        let run = t.verify();
        assert_eq!(run.code, 1);
        assert_eq!(
            run.seal_error_class(),
            "seal-path",
            "path form {bad:?}: {}",
            run.stdout
        );
    }
}

#[test]
fn paths_equal_after_nfc_and_case_folding_are_seal_path() {
    let t = sealed();
    t.set_seal(t.seal_text().replace("docs/b.txt", "docs/CAFE\u{301}.md"));
    assert_seal_error(&t, "seal-path");
}

#[test]
fn uppercase_digest_is_seal_digest() {
    let t = sealed();
    let seal = t.seal_text();
    let v: serde_json::Value = serde_json::from_str(&seal).unwrap();
    let digest = v["artifacts"][0]["sha256"].as_str().unwrap().to_owned();
    let upper = digest.to_uppercase();
    assert_ne!(digest, upper);
    t.set_seal(seal.replace(&digest, &upper));
    assert_seal_error(&t, "seal-digest");
}

#[test]
fn short_digest_is_seal_digest() {
    let t = sealed();
    let seal = t.seal_text();
    let v: serde_json::Value = serde_json::from_str(&seal).unwrap();
    let digest = v["artifacts"][1]["text"]["lf_sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    t.set_seal(seal.replace(&digest, &digest[..63]));
    assert_seal_error(&t, "seal-digest");
}

#[test]
fn float_length_is_seal_schema() {
    let t = sealed();
    t.set_seal(t.seal_text().replace("\"bytes\": 2,", "\"bytes\": 2.0,"));
    assert_seal_error(&t, "seal-schema");
}

#[test]
fn every_inexact_length_is_seal_schema() {
    for bad in [
        "1e0",
        "-0",
        "-2",
        "2.5",
        "\"2\"",
        "null",
        "9007199254740992",
        "1e400",
    ] {
        let t = sealed();
        t.set_seal(
            t.seal_text()
                .replace("\"bytes\": 2,", &format!("\"bytes\": {bad},")),
        );
        let run = t.verify();
        assert_eq!(run.code, 1);
        assert_eq!(
            run.seal_error_class(),
            "seal-schema",
            "length {bad}: {}",
            run.stdout
        );
    }
}

#[test]
fn unknown_field_is_seal_schema_at_its_key() {
    let t = sealed();
    let seal = t
        .seal_text()
        .replacen("\"bytes\": 2,", "\"bytes\": 2,\n      \"owner\": \"x\",", 1);
    t.set_seal(&seal);
    let e = assert_seal_error(&t, "seal-schema");
    let offset = e["offset"].as_u64().unwrap() as usize;
    assert!(seal[offset..].starts_with("\"owner\""));
    assert_eq!(e["column"], 7);
}

#[test]
fn missing_field_is_seal_schema() {
    let t = sealed();
    let v: serde_json::Value = serde_json::from_str(&t.seal_text()).unwrap();
    let mut v = v.clone();
    v["artifacts"][0].as_object_mut().unwrap().remove("sha256");
    t.set_seal(reindent(&v.to_string(), b"  "));
    assert_seal_error(&t, "seal-schema");
}

#[test]
fn wrong_type_is_seal_schema() {
    let t = sealed();
    t.set_seal(
        t.seal_text()
            .replacen("\"bom\": false", "\"bom\": \"false\"", 1),
    );
    assert_seal_error(&t, "seal-schema");
}

#[test]
fn empty_artifact_list_is_seal_schema() {
    let t = Tree::new();
    t.set_seal("{\n  \"artifacts\": [],\n  \"format\": \"sealprobe-seal/1\"\n}\n");
    assert_seal_error(&t, "seal-schema");
}

#[test]
fn version_2_is_seal_version() {
    let t = sealed();
    t.set_seal(
        t.seal_text()
            .replace("sealprobe-seal/1", "sealprobe-seal/2"),
    );
    assert_seal_error(&t, "seal-version");
}

#[test]
fn missing_format_is_seal_schema_and_wrong_type_is_seal_version() {
    let t = sealed();
    t.set_seal(
        t.seal_text()
            .replace("\"format\": \"sealprobe-seal/1\"", "\"format\": 1"),
    );
    assert_seal_error(&t, "seal-version");
}

#[test]
fn malformed_mac_is_seal_mac() {
    let t = sealed();
    let seal = t.seal_text();
    let with_mac = seal.replace(
        "\"format\": \"sealprobe-seal/1\"",
        "\"format\": \"sealprobe-seal/1\",\n  \"mac\": \"hmac-sha256:short\"",
    );
    t.set_seal(with_mac);
    assert_seal_error(&t, "seal-mac");
}

#[test]
fn truncated_seal_is_seal_syntax() {
    let t = sealed();
    let seal = t.seal_text();
    t.set_seal(&seal[..seal.len() / 2]);
    let e = assert_seal_error(&t, "seal-syntax");
    assert_eq!(e["offset"], seal.len() / 2);
}

#[test]
fn leading_zero_length_is_seal_syntax() {
    // `02` is not JSON at all, so it is a syntax error before it is a schema error.
    let t = sealed();
    t.set_seal(t.seal_text().replace("\"bytes\": 2,", "\"bytes\": 02,"));
    assert_seal_error(&t, "seal-syntax");
}

#[test]
fn empty_seal_is_seal_syntax() {
    let t = sealed();
    t.set_seal("");
    let e = assert_seal_error(&t, "seal-syntax");
    assert_eq!(
        (
            e["line"].as_u64(),
            e["column"].as_u64(),
            e["offset"].as_u64()
        ),
        (Some(1), Some(1), Some(0))
    );
}

#[test]
fn oversize_seal_is_seal_size() {
    let t = sealed();
    let limit = t.seal_text().len() - 1;
    let run = common::sealprobe(&[
        "verify",
        "--root",
        t.root().to_str().unwrap(),
        "--format",
        "json",
        "--max-seal-bytes",
        &limit.to_string(),
        t.seal_path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(run.seal_error_class(), "seal-size");
}

#[test]
fn unreadable_seal_file_is_seal_unreadable() {
    let t = sealed();
    std::fs::remove_file(t.seal_path()).unwrap();
    let run = t.verify();
    assert_eq!(run.code, 1);
    assert_eq!(run.seal_error_class(), "seal-unreadable");
    assert_eq!(run.report()["seal_error"]["line"], serde_json::Value::Null);
}

#[test]
fn human_report_of_bad_seal_gives_class_and_position() {
    let t = sealed();
    t.set_seal(
        t.seal_text()
            .replace("sealprobe-seal/1", "sealprobe-seal/2"),
    );
    let run = t.verify_format("human");
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.starts_with("seal-version at line "),
        "{}",
        run.stdout
    );
    assert!(run.stdout.lines().last().unwrap().starts_with("FAIL"));
}

#[test]
fn usage_error_exits_2() {
    let run = common::sealprobe(&["verify", "--format", "yaml", "seal.json"]);
    assert_eq!(run.code, 2);
    let run = common::sealprobe(&["verify"]);
    assert_eq!(run.code, 2);
}
