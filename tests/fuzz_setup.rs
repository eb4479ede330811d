//! The nightly fuzz job's inputs are consistent (issue #11): every target of `fuzz/Cargo.toml` has
//! its source, seeds and a dictionary; every dictionary parses as libFuzzer reads it (libFuzzer
//! refuses a whole run over one bad line); and the dictionaries hold what SPEC 8's targets need
//! (BOMs, `\u` escapes, bidi and zero-width characters, token prefixes, and every field name the
//! seeds of the seal and packet targets use).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `[[bin]]` names of `fuzz/Cargo.toml`: the targets `cargo fuzz list` prints.
fn targets() -> Vec<String> {
    let manifest = std::fs::read_to_string(root().join("fuzz/Cargo.toml")).unwrap();
    let doc: toml::Table = manifest.parse().unwrap();
    let bins = doc["bin"]
        .as_array()
        .expect("fuzz/Cargo.toml lists [[bin]] targets");
    bins.iter()
        .map(|b| b["name"].as_str().unwrap().to_owned())
        .collect()
}

/// The entries of a libFuzzer dictionary, decoded; `Err` names the first line libFuzzer would
/// refuse. Syntax (libFuzzer's ParseDictionaryFile): blank lines and `#` comments; otherwise an
/// optional `name=` and a double-quoted string whose escapes are `\\`, `\"` and `\xHH`.
fn parse_dict(text: &str) -> Result<Vec<Vec<u8>>, usize> {
    let mut entries = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let quoted = match line.find('"') {
            Some(i)
                if line[..i]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '=') =>
            {
                &line[i..]
            }
            _ => return Err(n + 1),
        };
        let inner = quoted
            .strip_prefix('"')
            .and_then(|q| q.strip_suffix('"'))
            .filter(|q| !q.is_empty())
            .ok_or(n + 1)?;
        let bytes = inner.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => match bytes.get(i + 1) {
                    Some(b'\\') | Some(b'"') => {
                        out.push(bytes[i + 1]);
                        i += 2;
                    }
                    Some(b'x') => {
                        let hex = inner.get(i + 2..i + 4).ok_or(n + 1)?;
                        out.push(u8::from_str_radix(hex, 16).map_err(|_| n + 1)?);
                        i += 4;
                    }
                    _ => return Err(n + 1),
                },
                b'"' => return Err(n + 1),
                b => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        entries.push(out);
    }
    Ok(entries)
}

fn dict(target: &str) -> Vec<Vec<u8>> {
    let path = root().join(format!("fuzz/dictionaries/{target}.dict"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse_dict(&text)
        .unwrap_or_else(|line| panic!("{}:{line}: libFuzzer refuses this line", path.display()))
}

fn holds(entries: &[Vec<u8>], piece: &[u8]) -> bool {
    entries
        .iter()
        .any(|e| memchr::memmem::find(e, piece).is_some())
}

/// Every member name of every valid seed (`seed-*`; the `hostile-*` ones carry unknown fields on
/// purpose) of `corpus/<target>/`.
fn member_names(target: &str) -> BTreeSet<String> {
    fn walk(v: &serde_json::Value, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    out.insert(k.clone());
                    walk(v, out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut names = BTreeSet::new();
    for e in std::fs::read_dir(root().join("corpus").join(target)).unwrap() {
        let path = e.unwrap().path();
        if !path
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("seed-")
        {
            continue;
        }
        let bytes = std::fs::read(path).unwrap();
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) {
            walk(&v, &mut names);
        }
    }
    names
}

#[test]
fn every_target_has_its_source_seeds_and_a_dictionary_that_parses() {
    let targets = targets();
    assert!(targets.len() >= 7, "fuzz/Cargo.toml lists {targets:?}");
    for t in &targets {
        assert!(
            root().join(format!("fuzz/fuzz_targets/{t}.rs")).is_file(),
            "{t}: no source"
        );
        let seeds = std::fs::read_dir(root().join("corpus").join(t))
            .unwrap_or_else(|e| panic!("corpus/{t}/: {e}"))
            .count();
        assert!(seeds > 0, "corpus/{t}/ is empty");
        assert!(dict(t).len() >= 10, "{t}.dict holds fewer than 10 entries");
    }
}

#[test]
fn the_dictionary_parser_refuses_what_libfuzzer_refuses() {
    assert_eq!(
        parse_dict("# c\n\n\"a\\x41\\\\\\\"\"\nkw=\"b\"\n"),
        Ok(vec![b"aA\\\"".to_vec(), b"b".to_vec()])
    );
    for bad in [
        "a",
        "\"a",
        "\"\"",
        "\"\\q\"",
        "\"\\x4\"",
        "\"a\"b\"",
        "x y=\"a\"",
    ] {
        assert_eq!(parse_dict(bad), Err(1), "{bad:?} should be refused");
    }
}

#[test]
fn the_json_dictionaries_hold_boms_escapes_bidi_zero_width_and_punctuation() {
    for t in ["strict_json", "seal_load", "decide"] {
        let d = dict(t);
        for piece in [
            &b"\xef\xbb\xbf"[..], // BOM
            b"\xe2\x80\x8b",      // zero-width space
            b"\xe2\x80\xae",      // right-to-left override
            b"\\u",
            b"{",
            b"}",
            b"[",
            b"]",
            b":",
            b",",
        ] {
            assert!(
                holds(&d, piece),
                "{t}.dict lacks {:?}",
                String::from_utf8_lossy(piece)
            );
        }
    }
}

#[test]
fn the_seal_and_packet_dictionaries_name_every_field_their_seeds_use() {
    for t in ["seal_load", "decide"] {
        let d = dict(t);
        let names = member_names(t);
        assert!(names.len() >= 5, "corpus/{t}/ seeds name only {names:?}");
        for name in names {
            assert!(
                holds(&d, format!("\"{name}\"").as_bytes()),
                "{t}.dict lacks the field name {name:?}"
            );
        }
    }
}

#[test]
fn the_token_and_scan_dictionaries_hold_the_token_prefixes() {
    for t in ["token_parse", "decide", "leak_scan"] {
        assert!(holds(&dict(t), b"spg1."), "{t}.dict lacks spg1.");
    }
    for piece in [&b"\\u00"[..], b"%", b"&#x", b"prod-cutover-token-"] {
        assert!(
            holds(&dict("leak_scan"), piece),
            "leak_scan.dict lacks {piece:?}"
        );
    }
}

#[test]
fn options_files_name_only_targets_and_libfuzzer_flags() {
    let targets = targets();
    let dir = root().join("fuzz/options");
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        assert!(
            targets.contains(&name),
            "{}: no such target",
            path.display()
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines = text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
        assert_eq!(lines.next(), Some("[libfuzzer]"), "{}", path.display());
        for l in lines {
            let (k, v) = l
                .split_once('=')
                .unwrap_or_else(|| panic!("{}: {l:?}", path.display()));
            assert!(
                k.trim().chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{l:?}"
            );
            assert!(!v.trim().is_empty() && !v.trim().contains(' '), "{l:?}");
        }
    }
    assert!(Path::new(&dir).join("token_parse.options").is_file());
}
