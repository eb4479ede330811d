//! The probe suite as a whole (issue #9): its size, its coverage of every class of the SPEC,
//! its determinism per seed, and `probes emit` writing cases that load back as the same cases.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use sealprobe::decide::ReasonClass;
use sealprobe::probe::static_cases::load_dir;
use sealprobe::probe::{Case, Class, Entry, Family, case_set_digest, suite};
use sealprobe::seal::{Drift, SealErrorClass};

/// The suite for `seed`, drawn once per seed for all the tests of this binary.
fn cases(seed: u64) -> Vec<Case> {
    static SUITES: Mutex<BTreeMap<u64, Vec<Case>>> = Mutex::new(BTreeMap::new());
    let mut suites = SUITES.lock().unwrap_or_else(|p| p.into_inner());
    suites
        .entry(seed)
        .or_insert_with(|| suite(seed).unwrap_or_else(|p| panic!("the suite is broken: {p:#?}")))
        .clone()
}

#[test]
fn the_suite_holds_at_least_600_cases_in_all_12_families() {
    let all = cases(0);
    assert!(all.len() >= 600, "only {} cases", all.len());
    for family in Family::ALL {
        let of: Vec<&Case> = all.iter().filter(|c| c.family == *family).collect();
        assert!(of.len() >= 10, "{}: {} cases", family.name(), of.len());
        assert!(
            of.iter().any(|c| c.expect.is_control()),
            "{}: no control",
            family.name()
        );
    }
}

#[test]
fn every_family_has_a_static_case() {
    let statics = sealprobe::probe::static_cases::load().expect("the static cases load");
    for family in Family::ALL {
        assert!(
            statics.iter().any(|c| c.family == *family),
            "{}: no static case under probes/",
            family.name()
        );
    }
}

#[test]
fn every_class_of_the_spec_is_the_expectation_of_some_case() {
    let expected: BTreeSet<Class> = cases(0)
        .iter()
        .flat_map(|c| c.expect.classes().to_vec())
        .collect();
    let spec_seal_errors = SealErrorClass::ALL
        .iter()
        // `seal-unreadable` is sealprobe's extension (the seal file cannot be read at all), not a
        // property of seal bytes a case could hold.
        .filter(|c| **c != SealErrorClass::Unreadable)
        .map(|c| Class::Seal(*c));
    let all = Drift::ALL
        .iter()
        .map(|d| Class::Drift(*d))
        .chain(spec_seal_errors)
        .chain(ReasonClass::ALL.iter().map(|r| Class::Reason(*r)));
    let missing: Vec<&str> = all
        .filter(|c| !expected.contains(c))
        .map(|c| c.name())
        .collect();
    assert!(missing.is_empty(), "no case expects {missing:?}");
}

#[test]
fn the_same_seed_gives_the_same_suite_and_another_seed_other_content() {
    let a = cases(0);
    let b = cases(0);
    assert_eq!(case_set_digest(&a), case_set_digest(&b));
    assert_eq!(a, b);
    let c = cases(1);
    assert_ne!(case_set_digest(&a), case_set_digest(&c));
    let ids = |cs: &[Case]| cs.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&a), ids(&c), "ids must not depend on the seed");
    // Every family that draws at random changes with the seed; at least most of them do.
    let changed: BTreeSet<Family> = a
        .iter()
        .zip(&c)
        .filter(|(x, y)| x.inputs != y.inputs)
        .map(|(x, _)| x.family)
        .collect();
    assert!(changed.len() >= 6, "only {changed:?} draw at random");
}

/// Only regular files with UTF-8 names: what the static form (and git) can hold.
fn plain(case: &Case) -> bool {
    case.inputs
        .tree
        .iter()
        .all(|e| matches!(e, Entry::File { .. }) && std::str::from_utf8(e.path()).is_ok())
}

#[test]
fn emitted_cases_load_back_as_the_same_cases() {
    let all = cases(0);
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("cases");
    let run = common::sealprobe(&["probes", "emit", "--out", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Symlinks, FIFOs and sparse files are made as such (the next test); the static form, like
    // git, holds regular files only, so those cases are taken out before loading back.
    for c in all.iter().filter(|c| !plain(c)) {
        std::fs::remove_dir_all(dir.join(c.family.name()).join(c.name())).unwrap();
    }
    // A seal padded to the size limit is written whole (256 MiB of it); it would load back as
    // those bytes, another representation of the same file, so only its size is checked.
    let padded: Vec<&Case> = all
        .iter()
        .filter(|c| plain(c) && c.inputs.seal_padding.is_some())
        .collect();
    assert!(padded.len() >= 3, "the seal-size cases are padded");
    for c in &padded {
        let folder = dir.join(c.family.name()).join(c.name());
        let written = std::fs::metadata(folder.join("seal.json")).unwrap().len();
        assert_eq!(Some(written), c.seal_len(), "{}", c.id);
        std::fs::remove_dir_all(folder).unwrap();
    }
    let loaded = load_dir(&dir).unwrap_or_else(|p| panic!("{p:#?}"));
    let wanted: Vec<&Case> = all
        .iter()
        .filter(|c| plain(c) && c.inputs.seal_padding.is_none())
        .collect();
    assert_eq!(loaded.len(), wanted.len());
    assert!(wanted.len() >= 300, "only {} plain cases", wanted.len());
    for case in wanted {
        let back = loaded
            .iter()
            .find(|c| c.id == case.id)
            .unwrap_or_else(|| panic!("{} did not load back", case.id));
        assert_eq!(back, case, "{} changed on the way", case.id);
    }
}

#[test]
fn emit_makes_symlinks_fifos_folders_and_sparse_files_as_such() {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::FileTypeExt;
    let all = cases(0);
    let special: Vec<&Case> = all.iter().filter(|c| !plain(c)).collect();
    assert!(!special.is_empty());
    let out = tempfile::tempdir().unwrap();
    let mut seen = BTreeSet::new();
    let mut args = vec!["probes", "emit", "--out", out.path().to_str().unwrap()];
    for case in &special {
        args.extend(["--case", case.id.as_str()]);
    }
    let run = common::sealprobe(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for case in &special {
        let tree = out
            .path()
            .join(case.family.name())
            .join(case.name())
            .join("root");
        for e in &case.inputs.tree {
            let p = tree.join(std::ffi::OsStr::from_bytes(e.path()));
            let meta = std::fs::symlink_metadata(&p)
                .unwrap_or_else(|_| panic!("{}: {} not written", case.id, p.display()));
            let t = meta.file_type();
            let ok = match e {
                Entry::File { bytes, .. } => t.is_file() && meta.len() == bytes.len() as u64,
                Entry::Folder { .. } => t.is_dir(),
                Entry::Symlink { .. } => t.is_symlink(),
                Entry::Fifo { .. } => t.is_fifo(),
                Entry::Sparse { len, .. } => t.is_file() && meta.len() == *len,
            };
            assert!(ok, "{}: {} is not a {}", case.id, p.display(), e.kind());
            seen.insert(e.kind());
        }
    }
    assert!(seen.len() >= 3, "only {seen:?} were emitted");
}

#[test]
fn emit_refuses_to_write_over_a_case_folder() {
    let out = tempfile::tempdir().unwrap();
    let args = [
        "probes",
        "emit",
        "--case",
        "bom/utf8-bom-added",
        "--out",
        out.path().to_str().unwrap(),
    ];
    assert_eq!(common::sealprobe(&args).code, 0);
    let again = common::sealprobe(&args);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
}

#[test]
fn emit_with_a_format_writes_its_records_only_and_leaves_out_what_it_cannot_carry() {
    // Four cases: a tree case SHA256SUMS carries, a tree case about a complete folder it
    // cannot, a hostile seal and a packet. Asked for `sums`, the first is written with
    // SHA256SUMS and no seal; the other three are left out and counted, as the gate would not
    // run them against a SHA256SUMS checker.
    let all = cases(0);
    let complete = all
        .iter()
        .find(|c| {
            c.family == Family::Filesystem
                && c.features.iter().any(|f| f.name() == "complete")
                && !c.expect.is_control()
        })
        .expect("a filesystem case about a complete folder");
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    let run = common::sealprobe(&[
        "probes",
        "emit",
        "--format",
        "sums",
        "--case",
        "bom/utf8-bom-added",
        "--case",
        &complete.id,
        "--case",
        "seal-tamper/digest-63-digits",
        "--case",
        "decision/fix7-as-written-selects-hold",
        "--out",
        dir,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("1 cases written"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("3 cases left out: beyond the formats asked for (sums)"),
        "{}",
        run.stderr
    );
    let bom = out.path().join("bom/utf8-bom-added");
    assert!(bom.join("SHA256SUMS").is_file());
    assert!(bom.join("case.json").is_file());
    assert!(!bom.join("seal.json").exists(), "a seal was written");
    assert!(!out.path().join(&complete.id).exists());
    assert!(!out.path().join("seal-tamper").exists());
    assert!(!out.path().join("decision").exists());

    // Without --format, every format is written; an unknown format is a usage error.
    let every = tempfile::tempdir().unwrap();
    let run = common::sealprobe(&[
        "probes",
        "emit",
        "--case",
        "bom/utf8-bom-added",
        "--out",
        every.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for file in ["seal.json", "SHA256SUMS", "case.json"] {
        assert!(
            every.path().join("bom/utf8-bom-added").join(file).is_file(),
            "{file}"
        );
    }
    let run = common::sealprobe(&["probes", "emit", "--format", "md5", "--out", dir]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

/// The cases of each family, `(family, hostile, control)`, the same for every seed. A family
/// that loses cases fails here, not only below a floor (issue #24: the tests asked for 600 cases
/// in all, so a family could lose 200 and stay green). A change that adds or removes cases
/// updates this table in the same commit, and says why the case-set digest changed.
const PINNED: [(&str, usize, usize); 12] = [
    ("bom", 15, 3),
    ("bytes", 72, 4),
    ("decision", 138, 11),
    ("filesystem", 74, 9),
    ("forged-tokens", 91, 6),
    ("json-hostile", 158, 13),
    ("json-reencode", 79, 4),
    ("leak-bait", 104, 7),
    ("line-endings", 80, 6),
    ("resource", 50, 8),
    ("seal-tamper", 256, 16),
    ("unicode", 105, 5),
];

#[test]
fn every_family_holds_its_pinned_number_of_hostile_cases_and_controls() {
    let pinned: BTreeMap<&str, (usize, usize)> =
        PINNED.iter().map(|&(f, h, c)| (f, (h, c))).collect();
    for seed in [0, 1, 0x5eed] {
        let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for case in cases(seed) {
            let (hostile, control) = counts.entry(case.family.name()).or_default();
            if case.expect.is_control() {
                *control += 1;
            } else {
                *hostile += 1;
            }
        }
        assert_eq!(
            counts, pinned,
            "seed {seed}: the cases per family (hostile, control) are not the pinned ones"
        );
    }
    let (hostile, control) = PINNED
        .iter()
        .fold((0, 0), |(h, c), &(_, fh, fc)| (h + fh, c + fc));
    assert_eq!((hostile, control), (1222, 92));
}
