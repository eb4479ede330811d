//! The library's layers point one way (SPEC 1, issue #8): a module uses only modules on lower
//! layers, never one on its own layer or above. `lib.rs` lists the layers; this test reads every
//! source file and checks each `crate::<module>` it names (comments aside).

use std::collections::BTreeMap;
use std::path::Path;

/// The layers, from the leaves up (the same list as `lib.rs`).
const LAYERS: &[&[&str]] = &[
    &["vocabulary", "digest"],
    &["strict_json", "names", "token"],
    &["escape", "beneath", "small_file"],
    &["seal", "decide", "leak"],
    &["report", "workspace"],
    &["command"],
    &["probe"],
    &["gate"],
    &["hunt"],
    &["cli", "fuzzing"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every `crate::name` on a non-comment line of `text`.
fn uses(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        let code = code.split("//").next().unwrap_or("");
        for (i, _) in code.match_indices("crate::") {
            let name: String = code[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            found.push(name);
        }
    }
    found
}

#[test]
fn every_module_is_on_a_layer_and_uses_only_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut problems = BTreeMap::new();
    let mut checked = 0;
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if top == "lib" || top == "main" {
            continue;
        }
        let Some(own) = layer_of(&top) else {
            problems.insert(rel.display().to_string(), format!("{top} is on no layer"));
            continue;
        };
        for used in uses(&std::fs::read_to_string(&file).unwrap()) {
            checked += 1;
            if used == top {
                continue;
            }
            match layer_of(&used) {
                Some(l) if l < own => {}
                Some(_) => {
                    problems.insert(
                        format!("{} uses crate::{used}", rel.display()),
                        format!("{top} (layer {}) may not use {used}", own + 1),
                    );
                }
                // Macros exported at the crate root (`crate::vocabulary!`) are named without a
                // module; anything else unknown is a module missing from the table.
                None => {
                    problems.insert(
                        format!("{} uses crate::{used}", rel.display()),
                        "not a module on a layer".into(),
                    );
                }
            }
        }
    }
    assert!(
        checked > 50,
        "too few uses found ({checked}): is the scan broken?"
    );
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_layer_check_sees_a_violation() {
    assert_eq!(
        uses("use crate::report::Format; // crate::cli"),
        vec!["report"]
    );
    assert_eq!(uses("//! see [`crate::report`]"), Vec::<String>::new());
    assert!(layer_of("report") > layer_of("seal"));
}
