//! Token shapes match anywhere (issue #23, point 1; SPEC 6.1, 6.2): one character before a token,
//! or a default-ignorable code point inside its prefix, must hide it neither from redaction nor
//! from the scanner (nor from the gate's leak check, which is the same scanner). The matrix is
//! every built-in token shape × every prefix class (word character, digit, non-ASCII letter,
//! fullwidth letter), and every default-ignorable code point at every position of each token's
//! prefix; then the same names through the real `verify` and `scan` binaries.

mod common;

use common::{Tree, assert_nothing_leaked, sealprobe};
use sealprobe::leak::{Kind, canary_scanner};
use sealprobe::token::shapes::is_default_ignorable;

/// One string of each built-in token shape, and how many of its first bytes are its prefix (the
/// part a rule keys on: `spg1.` and the action, `hmac-sha256:`, the action and the digest).
const TOKENS: [(&str, &str, usize); 4] = [
    (
        "grant-token (dryrun: no other rule knows the action)",
        DRYRUN,
        12,
    ),
    (
        "grant-token",
        "spg1.cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4wY9bC1dF6gH0jK5lA8sE3uI7oP2q",
        13,
    ),
    (
        "seal-mac",
        "hmac-sha256:Zk3pQ8vX2mN7tR4wY9bC1dF6gH0jK5lA8sE3uI7oP2q",
        13,
    ),
    (
        "production-grant",
        "cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4wY9bC1dF6gH0jK5lA8sE3uI7oP2q",
        25,
    ),
];

/// A grant for an action no other rule knows (`dryrun`): only the grant-token rule can see it.
const DRYRUN: &str =
    "spg1.dryrun.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4wY9bC1dF6gH0jK5lA8sE3uI7oP2q";

/// A word character, a digit, a non-ASCII letter, a fullwidth letter, and longer names.
const PREFIXES: [&str; 7] = ["_", "x", "0", "é", "ｘ", "release_", "docs/a"];

fn ignorables() -> Vec<char> {
    (0..=0x10FFFFu32)
        .filter_map(char::from_u32)
        .filter(|c| is_default_ignorable(*c))
        .collect()
}

/// Every name of the matrix: (what it is, the name).
fn hostile_names() -> Vec<(String, String)> {
    let mut names = Vec::new();
    for (id, token, _) in TOKENS {
        for prefix in PREFIXES {
            names.push((format!("{id} after {prefix:?}"), format!("{prefix}{token}")));
        }
    }
    let all = ignorables();
    for (id, token, prefix_len) in TOKENS {
        for at in 1..prefix_len {
            for c in &all {
                let mut name = token.to_owned();
                name.insert(at, *c);
                names.push((format!("{id} with U+{:04X} at {at}", u32::from(*c)), name));
            }
        }
    }
    names
}

#[test]
fn redaction_hides_every_token_after_any_prefix_and_with_any_ignorable() {
    let names = hostile_names();
    assert!(names.len() > 100_000, "{}", names.len());
    for (what, name) in &names {
        let shown = sealprobe::escape::name(name.as_bytes());
        assert_eq!(
            shown,
            format!("<redacted: token-shaped, {} bytes>", name.len()),
            "{what}"
        );
    }
}

#[test]
fn the_scanner_finds_every_token_after_any_prefix_and_with_any_ignorable() {
    let scanner = canary_scanner(std::iter::empty::<&[u8]>()).expect("the built-in rules");
    for (what, name) in hostile_names() {
        let line = format!("2026-12-05 rejected {name} (see log)\n");
        let found = scanner.scan(line.as_bytes());
        let at = line.find(&name).expect("planted");
        assert!(
            found.iter().any(|f| f.kind == Kind::Rule
                && f.offset <= at + name.len()
                && f.offset + f.length > at),
            "{what}: {found:?}"
        );
    }
}

/// `verify` on `t` fails, shows a redaction, and leaks none of `planted`, in both formats.
fn assert_verify_redacts(t: &Tree, planted: &[&str]) {
    for format in ["json", "human"] {
        let run = t.verify_format(format);
        assert_eq!(run.code, 1, "{}", run.stdout);
        assert!(
            run.stdout.contains("<redacted: token-shaped"),
            "{}",
            run.stdout
        );
        assert_nothing_leaked(&run, planted);
    }
}

#[test]
fn verify_redacts_a_token_behind_a_word_character_in_both_formats() {
    for (_, token, _) in TOKENS {
        for prefix in ["_", "é", "ｘ"] {
            let name = format!("{prefix}{token}");
            let t = Tree::new();
            t.write(&name, "sealed bytes\n");
            t.write("keep.txt", "keep\n");
            t.seal(&["."]);
            t.ws.remove(&name).unwrap();
            assert_verify_redacts(&t, &[name.as_str()]);
        }
    }
}

#[test]
fn verify_redacts_an_unsealed_name_with_a_zero_width_space_in_its_token() {
    let token = DRYRUN;
    let name = format!("docs/{}", token.replacen("spg1", "spg1\u{200b}", 1));
    let t = Tree::new();
    t.write("docs/a.txt", "sealed\n");
    t.seal(&["--complete", "docs", "."]);
    t.write(&name, "dropped in later\n");
    assert_verify_redacts(&t, &[name.as_str(), token]);
}

#[test]
fn scan_redacts_token_shaped_input_names_in_findings_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let token = DRYRUN;
    let name = format!("x{token}");
    let path = dir.path().join(&name);
    std::fs::write(&path, format!("leaked {token}\n")).unwrap();
    for format in ["human", "json"] {
        let run = sealprobe(&["scan", "--format", format, path.to_str().unwrap()]);
        assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
        assert!(
            run.stdout.contains("<redacted: token-shaped"),
            "{}",
            run.stdout
        );
        assert!(!run.stdout.contains(&name), "{}", run.stdout);
    }
    let missing = dir.path().join(format!("_{token}"));
    let run = sealprobe(&["scan", missing.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(!run.stderr.contains(token), "{}", run.stderr);
    assert!(
        run.stderr.contains("<redacted: token-shaped"),
        "{}",
        run.stderr
    );
}

/// Decoded view regions are searched end to end; a rule match that would run from one region
/// into the next is dropped, and must not hide a real token that starts in the next region.
#[test]
fn a_token_right_after_another_escaped_region_is_found() {
    let scanner = canary_scanner(std::iter::empty::<&[u8]>()).expect("the built-in rules");
    // Line 1 ends in an escaped `spg1.ab` (a region of the json-escape view); line 2 starts
    // with letters and then holds a token with an escape in it (the next region). End to end,
    // `spg1.ab` + `cdefg` + the token read as one long grant-token match across the two.
    let text = format!(
        "a \\u0073pg1.ab\ncdefg{}\n",
        DRYRUN.replacen("dryrun", "dry\\u0072un", 1)
    );
    let found = scanner.scan(text.as_bytes());
    let token = text.find("spg1.dry").unwrap();
    assert!(
        found
            .iter()
            .any(|f| f.id == "grant-token" && f.offset == token && f.encoding == "json-escape"),
        "{found:?}"
    );
}
