//! Verdicts about other people's checkers (issue #24): a case whose drift the checker's record
//! format cannot express is "beyond the format", never counted against it; and the escapes every
//! checker of `SHA256SUMS` has (`../`, absolute paths to honest copies in `outside/`) are
//! failures the gate shows. Runs the real `sealprobe gate` against GNU `sha256sum -c`, perl
//! `shasum -c` and, when installed (CI installs it), busybox, as a team would.

mod common;

use serde_json::Value;

/// The checkers of `SHA256SUMS` this machine has. GNU coreutils and perl are part of every
/// system the tests run on; busybox is required under `CI` (`.ci/run` installs it).
fn checkers() -> Vec<&'static str> {
    let mut out = vec!["sha256sum -c {sums}", "shasum -a 256 -c {sums}"];
    if common::checker_installed("busybox") {
        out.push("busybox sha256sum -c {sums}");
    }
    out
}

/// `sealprobe gate ARGS --json gate.json --markdown gate.md --html gate.html` in a temporary
/// folder; the JSON report, and the Markdown and HTML pages in `pages`.
fn gate_with_pages(args: &[&str], pages: &mut Vec<String>) -> (common::Run, Value) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut all = args.to_vec();
    all.extend([
        "--timeout",
        "5",
        "--markdown",
        "gate.md",
        "--html",
        "gate.html",
    ]);
    let (run, report) = common::gate_json(dir.path(), &all);
    for page in ["gate.md", "gate.html"] {
        pages.push(std::fs::read_to_string(dir.path().join(page)).expect("the page"));
    }
    (run, report.expect("gate.json"))
}

fn gate(args: &[&str]) -> (common::Run, Value) {
    gate_with_pages(args, &mut Vec::new())
}

fn names(v: &Value) -> Vec<&str> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|f| f.as_str().expect("a name"))
        .collect()
}

#[test]
fn sums_checkers_fail_open_on_escapes_and_nothing_beyond_their_format_counts() {
    let checkers = checkers();
    let mut args = vec![
        "--case",
        "filesystem/*",
        "--case",
        "resource/*unsealed*",
        "--case",
        "resource/sparse-*",
        "--case",
        "seal-tamper/sums-*",
    ];
    for c in &checkers {
        args.extend(["--validator", c]);
    }
    let mut pages = Vec::new();
    let (run, report) = gate_with_pages(&args, &mut pages);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let cases = report["cases"].as_array().expect("cases");
    let mut beyond = 0;
    for c in cases {
        let (id, outcome) = (c["id"].as_str().unwrap(), c["outcome"].as_str().unwrap());
        // SHA256SUMS can leave entries unlisted (`partial`): only the others are beyond it.
        let features: Vec<&str> = names(&c["features"])
            .into_iter()
            .filter(|f| *f != "partial")
            .collect();
        if id.starts_with("seal-tamper/sums-") && id.ends_with("-path") {
            // `../outside/...` and `/proc/self/cwd/../outside/...`: every one of them follows the
            // path to the honest copy, and the drifted file is never checked.
            assert_eq!(outcome, "failed-open", "{c}");
        }
        if features.is_empty() {
            assert!(names(&c["beyond"]).is_empty(), "{c}");
        } else {
            // SHA256SUMS says nothing of complete folders, file types or sizes.
            assert_eq!(outcome, "not-applicable", "{c}");
            assert_eq!(names(&c["beyond"]), features, "{c}");
            beyond += 1;
        }
    }
    for id in [
        "filesystem/unsealed-file-in-complete-folder",
        "filesystem/symlink-to-honest-copy-outside",
        "filesystem/fifo-at-path",
        "resource/sparse-8-gib-sealed-small",
    ] {
        let of_id: Vec<&Value> = cases.iter().filter(|c| c["id"] == id).collect();
        assert_eq!(of_id.len(), checkers.len(), "{id}");
        assert!(
            of_id.iter().all(|c| c["outcome"] == "not-applicable"),
            "{id}: {of_id:?}"
        );
    }
    // Every checker's line says what was left out and why.
    for c in &checkers {
        let line = format!(
            "beyond the format of {c}: {} cases need complete folders",
            beyond / checkers.len()
        );
        assert!(run.stdout.contains(&line), "{line}\n{}", run.stdout);
    }
    // And the Markdown and HTML pages show them apart.
    for page in &pages {
        assert!(page.contains("Beyond the format"), "{page}");
        assert!(page.contains("cases need complete folders"), "{page}");
    }
    let tally = &report["summary"];
    assert!(tally.to_string().contains("\"beyond_format\""), "{tally}");
}

#[test]
fn the_built_in_validator_holds_the_escapes_and_meets_every_feature() {
    let (run, report) = gate(&[
        "--case",
        "seal-tamper/*-path",
        "--case",
        "seal-tamper/path-*-to-honest-copy",
        "--case",
        "filesystem/*",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let cases = report["cases"].as_array().expect("cases");
    for c in cases {
        // The built-in validator reads hostile manifests and tags as `verify --sums` and
        // `--bsd` read them, and holds them too.
        assert_eq!(c["outcome"], "ok", "{c}");
    }
    for id in [
        "seal-tamper/sums-dotdot-path",
        "seal-tamper/bsd-absolute-path",
    ] {
        assert!(cases.iter().any(|c| c["id"] == id), "{id} ran");
    }
    for id in [
        "seal-tamper/path-dotdot-to-honest-copy",
        "seal-tamper/path-absolute-to-honest-copy",
        "filesystem/symlink-to-honest-copy-outside",
    ] {
        assert!(cases.iter().any(|c| c["id"] == id), "{id} ran");
    }
    assert!(!run.stdout.contains("beyond the format"), "{}", run.stdout);
}

/// BSD tags (`SHA256 (<path>) = <hex>`, the `bsd` record): GNU `sha256sum -c` and perl
/// `shasum -c` read the honest tags (names with spaces, parentheses and `) = ` included), both
/// follow `../` and absolute paths to honest copies, and without `--strict` GNU skips a line of
/// another algorithm or a cut digest and passes the drift. Each verdict here was first checked
/// by hand on the emitted case (`probes emit --case ID --format bsd`).
#[test]
fn bsd_tag_checkers_read_honest_tags_and_fail_open_where_they_skip_or_escape() {
    let gnu = "sha256sum -c {bsd}";
    let strict = "sha256sum -c --strict {bsd}";
    let perl = "shasum -a 256 -c {bsd}";
    let (run, report) = gate(&[
        "--case",
        "seal-tamper/*bsd*",
        "--validator",
        gnu,
        "--validator",
        strict,
        "--validator",
        perl,
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let cases = report["cases"].as_array().expect("cases");
    let outcome = |id: &str, validator: &str| -> String {
        let c = cases
            .iter()
            .find(|c| c["id"] == format!("seal-tamper/{id}") && c["validator"] == validator)
            .unwrap_or_else(|| panic!("{id} ran against {validator}"));
        c["outcome"].as_str().unwrap().to_owned()
    };
    for v in [gnu, strict, perl] {
        for control in ["control-bsd-clean", "control-bsd-names-with-parentheses"] {
            assert_eq!(outcome(control, v), "ok", "{control} under {v}");
        }
        for escape in ["bsd-dotdot-path", "bsd-absolute-path"] {
            assert_eq!(outcome(escape, v), "failed-open", "{escape} under {v}");
        }
        for held in [
            "bsd-empty-record",
            "bsd-repeated-line-new-digest",
            "bsd-crlf",
        ] {
            assert_eq!(outcome(held, v), "ok", "{held} under {v}");
        }
    }
    for skipped in ["bsd-md5-tag", "bsd-sha512-tag", "bsd-digest-63-digits"] {
        assert_eq!(outcome(skipped, gnu), "failed-open", "{skipped}");
        assert_eq!(outcome(skipped, strict), "ok", "{skipped} under --strict");
    }
    for skipped in ["bsd-lower-case-tag", "bsd-bom-on-line-1"] {
        assert_eq!(outcome(skipped, gnu), "failed-open", "{skipped}");
        assert_eq!(outcome(skipped, strict), "ok", "{skipped} under --strict");
        assert_eq!(
            outcome(skipped, perl),
            "failed-open",
            "{skipped} under perl"
        );
    }
    // perl skips the MD5 line too, checks a SHA512 tag as SHA-512 and a cut digest as a
    // mismatch, and reads OpenSSL's `SHA256(path)= ` spelling as no line at all (GNU refuses it).
    assert_eq!(outcome("bsd-md5-tag", perl), "failed-open");
    assert_eq!(outcome("bsd-sha512-tag", perl), "ok");
    assert_eq!(outcome("bsd-digest-63-digits", perl), "ok");
    assert_eq!(outcome("bsd-openssl-spelling", perl), "failed-open");
    assert_eq!(outcome("bsd-openssl-spelling", gnu), "ok");
}

/// busybox `sha256sum -c` reads no BSD tag at all: it refuses the honest tags, so the gate
/// stops on its sentinel control instead of counting its refusals of hostile tags as holds.
#[test]
fn busybox_cannot_read_bsd_tags_and_the_gate_says_so() {
    if !checkers().iter().any(|c| c.starts_with("busybox")) {
        return;
    }
    let (run, report) = gate(&[
        "--case",
        "seal-tamper/*bsd*",
        "--validator",
        "busybox sha256sum -c {bsd}",
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("the validator refused a sentinel control"),
        "{}",
        run.stdout
    );
    let clean = report["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["id"] == "seal-tamper/control-bsd-clean")
        .expect("the clean tags ran");
    assert_eq!(clean["outcome"], "control-failed", "{clean}");
}

/// hashdeep 4.4 in audit mode (`hashdeep -c sha256 -r -l -a -k {hashdeep} .`, the `hashdeep`
/// record): it audits the whole tree, so every hostile list fails (a hidden, repeated, cut or
/// redirected line, another header, CRLF, a BOM, garbage, empty); but it reads an endless sparse
/// file to its end instead of stopping at the listed size (a timeout), and an honest file at a
/// 3,022-byte path counts as "moved" and fails the audit (a control refused), and so does an
/// honest tree with a file the list does not name, outside every complete folder (the audit
/// takes the list for the whole tree). Each verdict here was first checked by hand on the
/// emitted case. CI installs hashdeep.
#[test]
fn hashdeep_audits_hold_every_hostile_list_but_read_endless_files_and_refuse_long_paths() {
    if !common::checker_installed("hashdeep") {
        return;
    }
    let hashdeep = "hashdeep -c sha256 -r -l -a -k {hashdeep} .";
    let (run, report) = gate(&[
        "--case",
        "seal-tamper/*hashdeep*",
        "--case",
        "resource/sparse-8-gib-sealed-small",
        "--case",
        "resource/control-long-total-path",
        "--case",
        "filesystem/control-unsealed-file-outside-complete-folders",
        "--validator",
        hashdeep,
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let cases = report["cases"].as_array().expect("cases");
    let mut hostile = 0;
    for c in cases {
        let id = c["id"].as_str().unwrap();
        let want = match id {
            "resource/sparse-8-gib-sealed-small" => "timeout",
            "resource/control-long-total-path" => "control-failed",
            // The audit takes the list for the whole tree (found by the hunt, issue #26).
            "filesystem/control-unsealed-file-outside-complete-folders" => "control-failed",
            _ => "ok",
        };
        assert_eq!(c["outcome"], want, "{c}");
        hostile += usize::from(id.starts_with("seal-tamper/hashdeep-"));
    }
    assert_eq!(hostile, 12, "every hostile list ran");
}

/// NetBSD mtree 20180822 (`mtree -f {mtree} -p .`, the `mtree` record): it reads the honest
/// specification and every control of the format, and refuses what it cannot parse (a BOM, CRLF,
/// garbage, an unknown escape or keyword, `./..`) or what drifted; but it exits 0 when an entry
/// is only missing or extra, so a commented-out entry, an empty specification, an `ignore`d
/// folder and an `optional` missing file all pass; it checks only the keywords an entry has (no
/// digest: only the size) and keeps the last of two entries for one name. Each verdict was
/// first checked by hand on the emitted case (README). CI installs mtree-netbsd.
#[test]
fn netbsd_mtree_exits_zero_on_missing_and_extra_entries_and_follows_its_keywords() {
    if !common::checker_installed("mtree") {
        return;
    }
    let (run, report) = gate(&[
        "--case",
        "seal-tamper/*mtree*",
        "--validator",
        "mtree -f {mtree} -p .",
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let open = [
        "mtree-comment-hides-entry",
        "mtree-empty-record",
        "mtree-entry-without-digest",
        "mtree-ignore-on-folder",
        "mtree-optional-on-missing-file",
        "mtree-repeated-entry-new-digest",
    ];
    let cases = report["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 17, "every mtree case ran");
    for c in cases {
        let name = c["id"].as_str().unwrap().trim_start_matches("seal-tamper/");
        let want = if open.contains(&name) {
            "failed-open"
        } else {
            "ok"
        };
        assert_eq!(c["outcome"], want, "{c}");
    }
}

/// bagit.py 1.9.0 (PyPI `bagit`), `bagit.py --validate {bag}` and with `--fast`: the full check
/// holds every hostile bag, but it reads `%25` in a manifest path as three characters (it
/// decodes only `%0A` and `%0D`, where RFC 8493 2.1.3 makes `%` be written `%25`), so the honest
/// bag of a name with `%` is refused; it takes an NFD name for the NFC name its manifest lists,
/// and does not see a link to a folder in the payload. `--fast` checks only `Payload-Oxum`: a
/// `Payload-Oxum` rewritten to the drifted length passes, with the tag manifest stale or
/// deleted. Each verdict was first checked by hand on the emitted case (README). CI installs
/// bagit from PyPI.
#[test]
fn bagit_py_misreads_percent_and_fast_checks_only_payload_oxum() {
    if !common::checker_installed("bagit.py") {
        return;
    }
    let (full, fast) = (
        "bagit.py --validate {bag}",
        "bagit.py --validate --fast {bag}",
    );
    let (run, report) = gate(&[
        "--case",
        "seal-tamper/*bag-*",
        "--case",
        "filesystem/nfd-name-in-complete-folder",
        "--case",
        "filesystem/unsealed-symlink-to-folder-in-complete-folder",
        "--validator",
        full,
        "--validator",
        fast,
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let cases = report["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 2 * 16, "every case ran against both");
    for c in cases {
        let id = c["id"].as_str().unwrap();
        let name = id.trim_start_matches("seal-tamper/");
        let want = match (c["validator"].as_str().unwrap() == fast, name) {
            (false, "control-bag-names-with-percent") => "control-failed",
            (
                true,
                "bag-oxum-rewritten-to-drifted-length"
                | "bag-tagmanifest-deleted-after-bag-info-edit",
            ) => "failed-open",
            (_, _) if id.starts_with("filesystem/") => "failed-open",
            _ => "ok",
        };
        assert_eq!(c["outcome"], want, "{c}");
    }
}

/// Names some checkers read as more than a name, found by `sealprobe hunt` (issue #26) and kept
/// in `probes/filesystem.toml`: GNU, perl and busybox `sha256sum -c` read standard input for a
/// listed `-` (the honest tree is refused, and a file named `-` sealed empty passes whatever it
/// now holds); rhash reads a name of one space as none and `*` as a pattern, in both formats;
/// bagit.py strips the space from a manifest line; NetBSD mtree matches a name holding `*` as a
/// pattern. Each verdict was first checked by hand on the emitted case (README); rhash, bagit.py
/// and mtree refuse the records they write themselves for these trees. CI installs each.
#[test]
fn some_checkers_read_a_name_as_standard_input_a_pattern_or_nothing() {
    let dash = [
        ("control-file-named-dash", "control-failed"),
        ("file-named-dash-sealed-empty-then-written", "failed-open"),
        ("control-file-named-space", "ok"),
        ("control-file-named-star", "ok"),
    ];
    let trims_and_globs = [
        ("control-file-named-dash", "ok"),
        ("file-named-dash-sealed-empty-then-written", "ok"),
        ("control-file-named-space", "control-failed"),
        ("control-file-named-star", "control-failed"),
    ];
    let mut want: Vec<(&str, [(&str, &str); 4])> = checkers()
        .into_iter()
        .chain(["sha256sum -c {bsd}", "shasum -a 256 -c {bsd}"])
        .map(|c| (c, dash))
        .collect();
    if common::checker_installed("rhash") {
        want.push(("rhash -c {sums}", trims_and_globs));
        want.push(("rhash -c {bsd}", trims_and_globs));
    }
    if common::checker_installed("bagit.py") {
        let mut strips = trims_and_globs;
        strips[3].1 = "ok";
        want.push(("bagit.py --validate {bag}", strips));
    }
    if common::checker_installed("mtree") {
        let mut globs = trims_and_globs;
        globs[2].1 = "ok";
        want.push(("mtree -f {mtree} -p .", globs));
    }
    let mut args = vec!["--case", "filesystem/*file-named-*"];
    for (v, _) in &want {
        args.extend(["--validator", v]);
    }
    let (run, report) = gate(&args);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let cases = report["cases"].as_array().expect("cases");
    assert_eq!(
        cases.len(),
        4 * want.len(),
        "every case ran against every checker"
    );
    for (validator, outcomes) in &want {
        for (name, outcome) in outcomes {
            let c = cases
                .iter()
                .find(|c| c["id"] == format!("filesystem/{name}") && c["validator"] == *validator)
                .unwrap_or_else(|| panic!("{name} ran against {validator}"));
            assert_eq!(c["outcome"], *outcome, "{name} under {validator}: {c}");
        }
    }
}
