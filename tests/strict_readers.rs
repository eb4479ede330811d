//! `sealprobe verify --sums`, `--bsd`, `--hashdeep` and `--mtree` (issue #25, SPEC 7.8): the strict readers a team switches
//! to from `sha256sum -c`, with the same manifest. Through the CLI as a user runs them, and through
//! the real gate beside GNU `sha256sum -c --strict`: the two agree on every case where GNU is
//! right, and sealprobe is stricter exactly on the cases the README lists.

mod common;

use std::collections::BTreeMap;

use common::{Tree, sealprobe};
use serde_json::Value;

fn digest(bytes: &[u8]) -> String {
    sealprobe::digest::Digest::of(bytes).to_hex()
}

/// A tree with two files and an honest `SHA256SUMS` and BSD tags beside `root/`.
fn tree() -> Tree {
    let t = Tree::new();
    t.write("app.bin", "binary\n")
        .write("docs/a b (1).md", "notes\n");
    let sums = format!(
        "{}  app.bin\n{} *docs/a b (1).md\n",
        digest(b"binary\n"),
        digest(b"notes\n").to_ascii_uppercase()
    );
    let tags = format!(
        "SHA256 (app.bin) = {}\nSHA256 (docs/a b (1).md) = {}\n",
        digest(b"binary\n"),
        digest(b"notes\n")
    );
    std::fs::write(t.base().join("SHA256SUMS"), sums).unwrap();
    std::fs::write(t.base().join("CHECKSUM.SHA256"), tags).unwrap();
    t
}

fn verify(t: &Tree, args: &[&str]) -> common::Run {
    let root = t.root();
    let mut all = vec!["verify", "--root", root.to_str().unwrap()];
    all.extend(args);
    sealprobe(&all)
}

fn record(t: &Tree, name: &str) -> String {
    t.base().join(name).to_str().unwrap().to_owned()
}

#[test]
fn an_honest_manifest_and_honest_tags_pass_and_say_they_are_unauthenticated() {
    let t = tree();
    for (flag, file, title) in [
        ("--sums", "SHA256SUMS", "SHA256SUMS"),
        ("--bsd", "CHECKSUM.SHA256", "the BSD tags"),
    ] {
        let run = verify(&t, &[flag, &record(&t, file)]);
        assert_eq!(run.code, 0, "{flag}: {}{}", run.stdout, run.stderr);
        assert_eq!(
            run.stdout,
            format!(
                "PASS: 2 of 2 artifacts match (13 bytes hashed); {title} unauthenticated (its format has no MAC)\n"
            )
        );
    }
}

#[test]
fn a_drifted_file_is_content_and_a_symlink_is_never_followed() {
    let t = tree();
    t.write("app.bin", "binary, edited\n");
    std::fs::remove_file(t.path("docs/a b (1).md")).unwrap();
    std::os::unix::fs::symlink("../../outside-copy", t.path("docs/a b (1).md")).unwrap();
    std::fs::write(t.base().join("outside-copy"), "notes\n").unwrap();
    for (flag, file) in [("--sums", "SHA256SUMS"), ("--bsd", "CHECKSUM.SHA256")] {
        let run = verify(&t, &["--format", "json", flag, &record(&t, file)]);
        assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
        assert_eq!(run.drift_of("app.bin"), ["content"]);
        assert_eq!(run.drift_of("docs/a b (1).md"), ["not-regular"]);
        assert_eq!(run.report()["verdict"], "fail");
    }
}

#[test]
fn one_bad_line_refuses_the_whole_record_at_its_position_without_quoting_it() {
    let t = tree();
    let secretish = "docs/../../outside-qx6gCf1rdaLr";
    let sums = format!(
        "{}  app.bin\n{}  {secretish}\n",
        digest(b"binary\n"),
        digest(b"notes\n")
    );
    std::fs::write(t.base().join("SHA256SUMS"), sums).unwrap();
    let run = verify(&t, &["--sums", &record(&t, "SHA256SUMS")]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "seal-path at line 2, column 67 (byte 140): a path in the record is not a valid relative \
         path, or it repeats an earlier one\nFAIL: SHA256SUMS is refused whole; no file was checked\n"
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let found = common::leaks(run.stdout.as_bytes(), &[secretish, "outside-qx6gCf1rdaLr"]);
    assert!(found.is_empty(), "{found:?}");
    let json = verify(
        &t,
        &["--format", "json", "--sums", &record(&t, "SHA256SUMS")],
    );
    assert_eq!(json.seal_error_class(), "seal-path");
    assert_eq!(json.report()["seal_error"]["line"], 2);
}

#[test]
fn a_key_with_a_record_that_has_no_mac_and_two_formats_at_once_are_usage_errors() {
    let t = tree();
    let key = t.base().join("key");
    std::fs::write(&key, [7u8; 32]).unwrap();
    let key_arg = format!("--key-file={}", key.display());
    let run = verify(&t, &[&key_arg, "--sums", &record(&t, "SHA256SUMS")]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stderr,
        "sealprobe verify: --key-file needs a seal: SHA256SUMS has no MAC to check\n"
    );
    assert!(run.stdout.is_empty());
    let run = verify(&t, &["--sums", "--bsd", &record(&t, "SHA256SUMS")]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    // An unreadable record is said to be one, not a seal.
    let run = verify(&t, &["--sums", &record(&t, "NOPE")]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with("sealprobe verify: the record file "),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .starts_with("seal-unreadable: the record file cannot be read\n"),
        "{}",
        run.stdout
    );
}

/// The outcome of every case for every validator of a gate run: `id -> validator -> outcome`.
fn outcomes(report: &Value) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for c in report["cases"].as_array().expect("cases") {
        out.entry(c["id"].as_str().unwrap().to_owned())
            .or_default()
            .insert(
                c["validator"].as_str().unwrap().to_owned(),
                c["outcome"].as_str().unwrap().to_owned(),
            );
    }
    out
}

/// Where GNU `sha256sum -c --strict` does not hold and `sealprobe verify` does: the README lists
/// each (section "Strict readers"). Every other case has the same outcome under both.
const GNU_STRICT_FAILS_OPEN: &[(&str, &[&str])] = &[
    (
        "sums",
        &[
            "seal-tamper/sums-absolute-path",
            "seal-tamper/sums-comment-line-hides-drift",
            "seal-tamper/sums-dotdot-path",
        ],
    ),
    (
        "bsd",
        &[
            "seal-tamper/bsd-absolute-path",
            "seal-tamper/bsd-dotdot-path",
        ],
    ),
];

/// GNU prints the names it checks; a token-shaped sealed name is then a leak (SPEC 6.1), which
/// sealprobe redacts.
const GNU_PRINTS_TOKEN_SHAPED_NAMES: &[&str] = &[
    "leak-bait/control-token-shaped-sealed-path",
    "leak-bait/sealed-folder-grant-token-bom",
    "leak-bait/sealed-path-grant-token-content",
    "leak-bait/sealed-path-grant-token-missing",
    "leak-bait/sealed-path-production-grant-crlf",
    "leak-bait/sealed-path-seal-mac-missing",
    "leak-bait/sealed-token-path-case-changed",
    "leak-bait/sealed-token-path-now-symlink",
];

/// GNU reads standard input for a listed file named `-`, in both formats: the honest tree is
/// refused, and a file sealed empty passes whatever it now holds (found by the hunt, issue #26).
const GNU_READS_DASH_AS_STDIN: &[(&str, &str)] = &[
    ("filesystem/control-file-named-dash", "control-failed"),
    (
        "filesystem/file-named-dash-sealed-empty-then-written",
        "failed-open",
    ),
];

#[test]
fn verify_agrees_with_gnu_strict_wherever_gnu_holds_and_is_stricter_only_where_listed() {
    let bin = common::bin();
    for (format, stricter) in GNU_STRICT_FAILS_OPEN {
        let ours = format!("{} verify --{format} {{{format}}}", bin.display());
        let gnu = format!("sha256sum -c --strict {{{format}}}");
        let dir = tempfile::tempdir().unwrap();
        let (out, report) = common::gate_json(
            dir.path(),
            &["--timeout", "10", "--validator", &ours, "--validator", &gnu],
        );
        let report = report.expect("gate.json");
        let mut differ = Vec::new();
        let mut met = 0;
        for (id, by) in outcomes(&report) {
            let (o, g) = (&by[&ours], &by[&gnu]);
            assert_eq!(
                o == "not-applicable",
                g == "not-applicable",
                "{id}: both meet the same cases"
            );
            if o == "not-applicable" {
                continue;
            }
            met += 1;
            assert_eq!(
                o, "ok",
                "{id}: sealprobe verify --{format} holds every case"
            );
            if g != "ok" {
                differ.push((id, g.clone()));
            }
        }
        let mut want: Vec<(String, String)> = stricter
            .iter()
            .map(|id| (id.to_string(), "failed-open".to_owned()))
            .chain(
                GNU_PRINTS_TOKEN_SHAPED_NAMES
                    .iter()
                    .map(|id| (id.to_string(), "leak".to_owned())),
            )
            .chain(
                GNU_READS_DASH_AS_STDIN
                    .iter()
                    .map(|(id, o)| (id.to_string(), o.to_string())),
            )
            .collect();
        want.sort();
        assert_eq!(differ, want, "{format}");
        // The comparison covers the whole suite the format can carry, not a handful of cases.
        assert!(met > 450, "{format}: {met} cases met");
        assert_eq!(out.code, 1, "GNU's failures fail the gate");
    }
}

/// A hashdeep list gives each file's length: a file longer than listed fails after one byte more,
/// and the whole suite run through `verify --hashdeep` holds (the endless sparse files included,
/// which hashdeep itself reads to the end).
#[test]
fn a_hashdeep_list_is_read_with_its_sizes_and_the_suite_holds_through_it() {
    let t = tree();
    let list = format!(
        "%%%% HASHDEEP-1.0\n%%%% size,sha256,filename\n## Invoked from: /x\n7,{},./app.bin\n6,{},./docs/a b (1).md\n",
        digest(b"binary\n"),
        digest(b"notes\n")
    );
    std::fs::write(t.base().join("hashdeep.txt"), list).unwrap();
    let file = record(&t, "hashdeep.txt");
    let run = verify(&t, &["--hashdeep", &file]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .ends_with("the hashdeep list unauthenticated (its format has no MAC)\n")
    );
    let f = std::fs::File::options()
        .write(true)
        .open(t.path("app.bin"))
        .unwrap();
    f.set_len(1 << 40).unwrap();
    let run = verify(&t, &["--format", "json", "--hashdeep", &file]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.drift_of("app.bin"), ["content"]);
    let finding = &run.report()["findings"][0];
    assert_eq!(finding["expected_bytes"], 7);
    assert_eq!(finding["actual_bytes"], 1u64 << 40);
    assert_eq!(
        run.report()["summary"]["bytes_hashed"],
        8 + 6,
        "one byte past the listed size"
    );

    let bin = common::bin();
    let dir = tempfile::tempdir().unwrap();
    let template = format!("{} verify --hashdeep {{hashdeep}}", bin.display());
    let (out, _) = common::gate_json(dir.path(), &["--timeout", "10", "--validator", &template]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("PASS: every probe failed closed"),
        "{}",
        out.stdout
    );
}

/// An mtree specification lists folders as well as files, and every folder it lists holds what
/// it lists and nothing else: an extra file anywhere is `unsealed`, a listed empty folder that is
/// gone is `missing`; sizes bound the read as in a hashdeep list. The whole suite run through
/// `verify --mtree` holds, every hostile specification included.
#[test]
fn an_mtree_specification_is_complete_in_every_folder_and_the_suite_holds_through_it() {
    let t = tree();
    std::fs::create_dir(t.path("spool")).unwrap();
    let spec = format!(
        "#mtree\n. type=dir\n./app.bin type=file size=7 sha256digest={}\n./docs type=dir\n./docs/a\\040b\\040(1).md type=file size=6 sha256={} \n./spool type=dir\n",
        digest(b"binary\n"),
        digest(b"notes\n")
    );
    std::fs::write(t.base().join("mtree.spec"), spec).unwrap();
    let file = record(&t, "mtree.spec");
    let run = verify(&t, &["--mtree", &file]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .ends_with("the mtree specification unauthenticated (its format has no MAC)\n"),
        "{}",
        run.stdout
    );
    t.write("docs/new.md", "planted\n");
    std::fs::remove_dir(t.path("spool")).unwrap();
    let run = verify(&t, &["--format", "json", "--mtree", &file]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.drift_of("docs/new.md"), ["unsealed"]);
    assert_eq!(run.drift_of("spool"), ["missing"]);

    let bin = common::bin();
    let dir = tempfile::tempdir().unwrap();
    let template = format!("{} verify --mtree {{mtree}}", bin.display());
    let (out, report) =
        common::gate_json(dir.path(), &["--timeout", "10", "--validator", &template]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("PASS: every probe failed closed"),
        "{}",
        out.stdout
    );
    let held_mtree = report.expect("a JSON report")["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"].as_str().unwrap().starts_with("seal-tamper/mtree-"))
        .inspect(|c| assert_eq!(c["outcome"], "ok", "{c}"))
        .count();
    assert_eq!(held_mtree, 15, "every hostile specification ran and held");
}

/// A BagIt bag is a folder: `verify --bag BAG` reads its tag files strictly and checks its
/// payload `BAG/data` (the default root) as complete, each file bounded by `Payload-Oxum`. An
/// unlisted payload file is `unsealed`; a `Payload-Oxum` that the matching files do not add up
/// to refuses the bag (`seal-schema`). The whole suite run through `verify --bag` holds, every
/// hostile bag included.
#[test]
fn a_bag_is_read_from_its_folder_with_a_complete_payload_and_the_suite_holds_through_it() {
    let t = Tree::new();
    t.write("app.bin", "binary\n")
        .write("docs/100% (1).md", "notes\n");
    let bag = t.base().join("bag");
    std::fs::create_dir(&bag).unwrap();
    std::os::unix::fs::symlink(t.root(), bag.join("data")).unwrap();
    let manifest = format!(
        "{}  data/app.bin\n{}  data/docs/100%25 (1).md\n",
        digest(b"binary\n"),
        digest(b"notes\n")
    );
    let write_bag = |info: &str| {
        std::fs::write(bag.join("bagit.txt"), sealprobe::seal::bagit::BAGIT_TXT).unwrap();
        std::fs::write(bag.join("bag-info.txt"), info).unwrap();
        std::fs::write(bag.join("manifest-sha256.txt"), &manifest).unwrap();
    };
    write_bag("Payload-Oxum: 13.2\n");
    let bag_arg = bag.to_str().unwrap();
    let run = sealprobe(&["verify", "--bag", bag_arg]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout,
        "PASS: 2 of 2 artifacts match (13 bytes hashed); the bag unauthenticated (its format has no MAC)\n"
    );
    // A tag file is read as a file: a line shaped like the packed form's header is a line.
    write_bag("Payload-Oxum: 13.2\n==> a: b <==\n");
    let run = sealprobe(&["verify", "--bag", bag_arg]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    write_bag("Payload-Oxum: 14.2\n");
    let run = sealprobe(&["verify", "--format", "json", "--bag", bag_arg]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.report()["seal_error"]["class"], "seal-schema");
    write_bag("Payload-Oxum: 13.2\n");
    t.write("docs/planted.sh", "echo owned\n");
    let run = sealprobe(&["verify", "--format", "json", "--bag", bag_arg]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.drift_of("docs/planted.sh"), ["unsealed"]);

    let bin = common::bin();
    let dir = tempfile::tempdir().unwrap();
    let template = format!("{} verify --bag {{bag}}", bin.display());
    let (out, report) =
        common::gate_json(dir.path(), &["--timeout", "10", "--validator", &template]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let held_bags = report.expect("a JSON report")["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"].as_str().unwrap().starts_with("seal-tamper/bag-"))
        .inspect(|c| assert_eq!(c["outcome"], "ok", "{c}"))
        .count();
    assert_eq!(held_bags, 12, "every hostile bag ran and held");
}
