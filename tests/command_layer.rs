//! The command layer (issue #8): every CLI command is a library function, and the binary only
//! writes what it returns. A table of cases runs through both, the `sealprobe` binary and
//! `sealprobe::command::*::run` with the same options, and the exit status, stdout and stderr
//! must be byte for byte the same. The release gate relies on this: it runs the built-in
//! validator in-process and judges exactly what a user would see.

mod common;

use std::path::{Path, PathBuf};

use sealprobe::command::{self, Exit, Ran};
use sealprobe::report::Format;
use sealprobe::token::grant::GrantToken;
use sealprobe::token::key::Key;
use serde_json::json;

/// A workspace with a sealed tree (one file drifted later by some cases), a keyed seal, a key,
/// an open key, packets, a secrets file and logs.
struct Fixture {
    t: common::Tree,
}

impl Fixture {
    fn new() -> Fixture {
        let t = common::Tree::new();
        t.write("docs/a.md", "alpha — one\n");
        t.write("b.json", "{\"k\": 1}\n");
        t.ws.key(&[9; 32]).unwrap();
        let key = t.ws.key_path();
        t.seal(&["--complete", "docs", "b.json"]);
        let keyed = t.base().join("keyed.json");
        let run = common::sealprobe(&[
            "seal",
            "--root",
            t.root().to_str().unwrap(),
            "--key-file",
            key.to_str().unwrap(),
            "--out",
            keyed.to_str().unwrap(),
            ".",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let open = t.base().join("open.key");
        std::fs::write(&open, [9; 32]).unwrap();
        std::fs::set_permissions(&open, std::os::unix::fs::PermissionsExt::from_mode(0o644))
            .unwrap();
        let mut packet = json!({
            "blockers": [{"id": "B-1", "status": "CLOSED"}],
            "default": "HOLD_PRODUCTION",
            "format": "sealprobe-decision/1",
            "grants": [],
            "options": [
                {"id": "HOLD_PRODUCTION", "requires_closed": [], "requires_grants": []},
                {"id": "DRYRUN", "requires_closed": ["B-1"], "requires_grants": ["dryrun"]}
            ],
            "packet": "P-1",
            "selected": ["DRYRUN"]
        });
        std::fs::write(t.base().join("bare.json"), packet.to_string()).unwrap();
        let doc = serde_json::to_vec(&packet).unwrap();
        let digest = sealprobe::decide::packet::digest_without_grants(
            &sealprobe::strict_json::parse(&doc).unwrap(),
        );
        let token = GrantToken::mint(
            &Key::from_bytes(vec![9; 32]).unwrap(),
            "dryrun",
            &digest,
            1_900_000_000,
        )
        .unwrap();
        packet["grants"] = json!([{"action": "dryrun", "token": token}]);
        std::fs::write(t.base().join("granted.json"), packet.to_string()).unwrap();
        std::fs::write(t.base().join("secrets.txt"), "hunter2hunter2hunter2\n").unwrap();
        std::fs::write(t.base().join("clean.log"), "nothing here\n").unwrap();
        std::fs::write(
            t.base().join("leak.log"),
            "a\nthe key is aHVudGVyMmh1bnRlcjJodW50ZXIy ok\n",
        )
        .unwrap();
        Fixture { t }
    }

    fn p(&self, name: &str) -> PathBuf {
        self.t.base().join(name)
    }

    fn root(&self) -> PathBuf {
        self.t.root()
    }
}

/// What both sides produced.
#[derive(Debug, PartialEq, Eq)]
struct Bytes {
    code: i32,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

fn from_ran<T>(ran: Ran<T>) -> Bytes {
    Bytes {
        code: i32::from(ran.exit.code()),
        stdout: ran.stdout,
        stderr: ran.stderr,
    }
}

fn from_binary(args: &[String]) -> Bytes {
    let out = std::process::Command::new(common::bin())
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run sealprobe");
    Bytes {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

fn s(p: &Path) -> String {
    p.to_str().unwrap().to_owned()
}

fn format_name(f: Format) -> String {
    f.name().to_owned()
}

/// One row of the table: the arguments, and the library call with the same options.
struct Case {
    name: &'static str,
    args: Vec<String>,
    library: Box<dyn Fn() -> Bytes>,
}

fn verify_case(
    name: &'static str,
    f: &Fixture,
    seal: PathBuf,
    key: Option<PathBuf>,
    format: Format,
) -> Case {
    let mut args = vec!["verify".into(), "--root".into(), s(&f.root())];
    if let Some(k) = &key {
        args.extend(["--key-file".into(), s(k)]);
    }
    args.extend(["--format".into(), format_name(format), s(&seal)]);
    let opts = command::verify::Options {
        root: f.root(),
        format,
        max_seal_bytes: sealprobe::seal::SEAL_SIZE_LIMIT,
        key_file: key,
        record: sealprobe::seal::Record::Seal,
        seal,
    };
    Case {
        name,
        args,
        library: Box::new(move || from_ran(command::verify::run(&opts))),
    }
}

fn decide_case(
    name: &'static str,
    packet: PathBuf,
    key: Option<PathBuf>,
    expect: Option<&str>,
    format: Format,
) -> Case {
    let mut args = vec!["decide".into(), "--now".into(), "1800000000".into()];
    if let Some(k) = &key {
        args.extend(["--key-file".into(), s(k)]);
    }
    if let Some(e) = expect {
        args.extend(["--expect".into(), e.into()]);
    }
    args.extend(["--format".into(), format_name(format), s(&packet)]);
    let opts = command::decide::Options {
        key_file: key,
        now: Some(1_800_000_000),
        expect: expect.map(str::to_owned),
        format,
        packet,
    };
    Case {
        name,
        args,
        library: Box::new(move || from_ran(command::decide::run(&opts))),
    }
}

fn scan_case(
    name: &'static str,
    secrets: Option<PathBuf>,
    paths: Vec<PathBuf>,
    format: Format,
) -> Case {
    let mut args = vec!["scan".into()];
    if let Some(sf) = &secrets {
        args.extend(["--secrets".into(), s(sf)]);
    }
    args.extend(["--format".into(), format_name(format)]);
    args.extend(paths.iter().map(|p| s(p)));
    let opts = command::scan::Options {
        secrets,
        rules: None,
        format,
        paths,
        skip_special: false,
    };
    Case {
        name,
        args,
        library: Box::new(move || from_ran(command::scan::run(&opts))),
    }
}

fn seal_case(name: &'static str, f: &Fixture, paths: &[&str], key: Option<PathBuf>) -> Case {
    let mut args = vec!["seal".into(), "--root".into(), s(&f.root())];
    if let Some(k) = &key {
        args.extend(["--key-file".into(), s(k)]);
    }
    args.extend(paths.iter().map(|p| p.to_string()));
    let opts = command::seal::Options {
        root: f.root(),
        out: None,
        complete: vec![],
        key_file: key,
        paths: paths.iter().map(|p| p.to_string()).collect(),
    };
    Case {
        name,
        args,
        library: Box::new(move || from_ran(command::seal::run(&opts))),
    }
}

fn grant_case(name: &'static str, f: &Fixture, action: &str, key: PathBuf, out: &str) -> Case {
    grant_case_at(name, f, action, key, out, None)
}

/// A grant case with the clock at `now` (the machine's when `None`).
fn grant_case_at(
    name: &'static str,
    f: &Fixture,
    action: &str,
    key: PathBuf,
    out: &str,
    now: Option<u64>,
) -> Case {
    // Each side writes its own --out file; the token goes only there, so stdout and stderr of
    // both must be equal.
    let binary_out = f.p(&format!("{out}.binary"));
    let library_out = f.p(&format!("{out}.library"));
    let mut args = vec![
        "grant".into(),
        "--key-file".into(),
        s(&key),
        "--action".into(),
        action.into(),
        "--packet".into(),
        s(&f.p("bare.json")),
        "--expires".into(),
        "1900000000".into(),
        "--out".into(),
        s(&binary_out),
    ];
    if let Some(now) = now {
        args.extend(["--now".into(), now.to_string()]);
    }
    let opts = command::grant::Options {
        key_file: key,
        action: action.into(),
        packet: f.p("bare.json"),
        expires: 1_900_000_000,
        now,
        out: library_out,
        force: false,
    };
    Case {
        name,
        args,
        library: Box::new(move || from_ran(command::grant::run(&opts))),
    }
}

fn table(f: &Fixture) -> Vec<Case> {
    let key = Some(f.t.ws.key_path());
    let open = Some(f.p("open.key"));
    let seal = f.t.seal_path();
    let mut cases = vec![];
    for format in [Format::Human, Format::Json] {
        cases.extend([
            verify_case("verify unsealed entry", f, seal.clone(), None, format),
            verify_case("verify keyed", f, f.p("keyed.json"), key.clone(), format),
            verify_case(
                "verify unkeyed seal with key",
                f,
                seal.clone(),
                key.clone(),
                format,
            ),
            verify_case("verify missing seal", f, f.p("nope.json"), None, format),
            verify_case("verify seal is a folder", f, f.root(), None, format),
            verify_case("verify seal is a packet", f, f.p("bare.json"), None, format),
            verify_case("verify open key", f, seal.clone(), open.clone(), format),
            decide_case("decide without key", f.p("bare.json"), None, None, format),
            decide_case(
                "decide granted",
                f.p("granted.json"),
                key.clone(),
                None,
                format,
            ),
            decide_case(
                "decide expect differs",
                f.p("granted.json"),
                key.clone(),
                Some("HOLD_PRODUCTION"),
                format,
            ),
            decide_case("decide unreadable", f.p("nope.json"), None, None, format),
            decide_case(
                "decide expect names the fallback",
                f.p("bare.json"),
                None,
                Some("HOLD_PRODUCTION"),
                format,
            ),
            decide_case(
                "decide default selected without expect",
                PathBuf::from(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/examples/fix7/packet.json"
                )),
                None,
                None,
                format,
            ),
            decide_case(
                "decide expect HOLD on an unreadable packet",
                f.p("nope.json"),
                None,
                Some("HOLD"),
                format,
            ),
            decide_case(
                "decide open key",
                f.p("granted.json"),
                open.clone(),
                None,
                format,
            ),
            scan_case(
                "scan clean",
                Some(f.p("secrets.txt")),
                vec![f.p("clean.log")],
                format,
            ),
            scan_case(
                "scan leak",
                Some(f.p("secrets.txt")),
                vec![f.p("leak.log"), f.p("clean.log")],
                format,
            ),
            scan_case(
                "scan bad secrets",
                Some(f.p("nope")),
                vec![f.p("clean.log")],
                format,
            ),
        ]);
    }
    cases.extend([
        seal_case("seal to stdout", f, &["."], None),
        seal_case("seal keyed to stdout", f, &["docs"], key.clone()),
        seal_case("seal missing path", f, &["nope"], None),
        seal_case("seal open key", f, &["."], open.clone()),
        grant_case("grant", f, "dryrun", f.t.ws.key_path(), "g1"),
        grant_case("grant bad action", f, "DRYRUN", f.t.ws.key_path(), "g2"),
        grant_case("grant open key", f, "dryrun", f.p("open.key"), "g3"),
        grant_case(
            "grant unrequired action",
            f,
            "apply",
            f.t.ws.key_path(),
            "g4",
        ),
        grant_case_at(
            "grant expired",
            f,
            "dryrun",
            f.t.ws.key_path(),
            "g5",
            Some(1_900_000_000),
        ),
    ]);
    cases
}

#[test]
fn binary_and_library_print_the_same_bytes_and_exit_the_same() {
    let f = Fixture::new();
    // An unsealed entry in the complete folder: the plain seal fails with a finding, the keyed
    // seal (which has no complete folder) still passes.
    f.t.write("docs/new.md", "dropped in\n");
    let cases = table(&f);
    assert!(cases.len() >= 30);
    let mut codes = std::collections::BTreeSet::new();
    for case in &cases {
        let binary = from_binary(&case.args);
        let library = (case.library)();
        assert_eq!(
            binary,
            library,
            "{}: the binary and the library differ\nbinary stdout: {}\nlibrary stdout: {}\nbinary stderr: {}\nlibrary stderr: {}",
            case.name,
            String::from_utf8_lossy(&binary.stdout),
            String::from_utf8_lossy(&library.stdout),
            String::from_utf8_lossy(&binary.stderr),
            String::from_utf8_lossy(&library.stderr),
        );
        codes.insert(binary.code);
    }
    // The table reaches every exit status.
    assert_eq!(codes.into_iter().collect::<Vec<_>>(), vec![0, 1, 2]);
    // Both grants minted the same token into their own files.
    let a = std::fs::read(f.p("g1.binary")).unwrap();
    let b = std::fs::read(f.p("g1.library")).unwrap();
    assert_eq!(a, b);
}

/// The gate runs a command once and prints it in both formats (`Ran::in_format`); that must be
/// what running it in the other format prints.
#[test]
fn a_run_printed_in_another_format_is_the_run_in_that_format() {
    let f = Fixture::new();
    f.t.write("docs/a.md", "alpha - one\n");
    for seal in [
        f.t.seal_path(),
        f.p("keyed.json"),
        f.p("nope.json"),
        f.p("bare.json"),
    ] {
        let opts = |format| command::verify::Options {
            root: f.root(),
            format,
            max_seal_bytes: sealprobe::seal::SEAL_SIZE_LIMIT,
            key_file: Some(f.t.ws.key_path()),
            record: sealprobe::seal::Record::Seal,
            seal: seal.clone(),
        };
        let json = command::verify::run(&opts(Format::Json));
        let human = command::verify::run(&opts(Format::Human));
        assert_eq!(
            from_ran(json.in_format(Format::Human)),
            from_ran(human.clone())
        );
        assert_eq!(from_ran(human.in_format(Format::Json)), from_ran(json));
    }
    for (packet, key) in [
        (f.p("granted.json"), Some(f.t.ws.key_path())),
        (f.p("bare.json"), None),
        (f.p("nope.json"), None),
        (f.p("granted.json"), Some(f.p("open.key"))),
    ] {
        let opts = |format| command::decide::Options {
            key_file: key.clone(),
            now: Some(1_800_000_000),
            expect: None,
            format,
            packet: packet.clone(),
        };
        let json = command::decide::run(&opts(Format::Json));
        let human = command::decide::run(&opts(Format::Human));
        assert_eq!(from_ran(json.in_format(Format::Human)), from_ran(human));
    }
}

#[test]
fn typed_outcomes_agree_with_the_exit_status() {
    let f = Fixture::new();
    f.t.write("docs/a.md", "alpha - one\n");
    let ran = command::verify::run(&command::verify::Options {
        root: f.root(),
        format: Format::Json,
        max_seal_bytes: sealprobe::seal::SEAL_SIZE_LIMIT,
        key_file: None,
        record: sealprobe::seal::Record::Seal,
        seal: f.t.seal_path(),
    });
    assert_eq!(ran.exit, Exit::Fail);
    let outcome = ran.outcome.expect("a verify outcome");
    assert!(!outcome.passed());
    assert_eq!(
        outcome.findings[0].drift,
        vec![sealprobe::seal::Drift::Unicode]
    );

    let ran = command::decide::run(&command::decide::Options {
        key_file: Some(f.t.ws.key_path()),
        now: Some(1_800_000_000),
        expect: None,
        format: Format::Human,
        packet: f.p("granted.json"),
    });
    assert_eq!(ran.exit, Exit::Pass);
    assert_eq!(ran.outcome.expect("a decision").verdict.as_str(), "DRYRUN");

    let ran = command::decide::run(&command::decide::Options {
        key_file: Some(f.p("open.key")),
        now: None,
        expect: None,
        format: Format::Human,
        packet: f.p("granted.json"),
    });
    assert_eq!(ran.exit, Exit::Usage);
    assert!(ran.outcome.is_none() && ran.stdout.is_empty());
}
