//! Hostile `SHA256SUMS` manifests (SPEC 7.5), part of the `seal-tamper` family: the `sums`
//! carrier. Each makes one line unreadable (a BOM on line 1, a 63- or 65-digit or upper-case
//! digest, CRLF, a NUL, a backslash-escaped name, the line repeated with another digest, a `../`
//! or absolute path) while the file that line names has drifted, so a reader that skips what it
//! cannot parse passes the drift. And an empty manifest, and one where no line is valid: a
//! checker that checks nothing must not pass. Controls: the clean manifest, and the `*`
//! binary-mode marker.
//!
//! The built-in validator reads seals, not manifests, so these cases name the drift class of
//! the drifted file for the record only (no validator that reports classes meets them).

use std::collections::BTreeMap;

use crate::digest::Digest;
use crate::probe::draft::{Cases, Draft, Seeded, honest_sums, sums_line};
use crate::probe::record::SUMS;
use crate::seal::Drift;

const APP: &str = "release/app.bin";
const NOTES: &str = "release/notes.md";
const CONFIG: &str = "release/config.json";
const GUIDE: &str = "docs/guide.md";

/// `../` from the validator's working folder (`root/`) into the honest copies.
pub const DOTDOT: &str = "../outside/";

/// An absolute path to the honest copies: Linux's name of the working folder (`root/`), then
/// `../outside/`.
pub const ABSOLUTE: &str = "/proc/self/cwd/../outside/";

/// The manifest line of `bytes` at `path`.
fn line(path: &str, bytes: &[u8]) -> Vec<u8> {
    sums_line(path, Digest::of(bytes))
}

/// The manifest of `files`, with the line of `path` replaced by `replacement`.
fn with_line(files: &BTreeMap<String, Vec<u8>>, path: &str, replacement: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (p, bytes) in files {
        if p == path {
            out.extend_from_slice(replacement);
        } else {
            out.extend(line(p, bytes));
        }
    }
    out
}

pub fn draw(cases: &mut Cases, rng: &mut Seeded) {
    let word = rng.word(12);
    let files: BTreeMap<String, Vec<u8>> = [
        (
            APP,
            [b"\x7fELF\x02\x01".as_slice(), &rng.bytes(200)].concat(),
        ),
        (
            NOTES,
            format!("# Release {word}\n\nShip it.\n").into_bytes(),
        ),
        (
            CONFIG,
            format!("{{\"release\": \"{word}\"}}\n").into_bytes(),
        ),
        (GUIDE, format!("Guide for {word}\n").into_bytes()),
    ]
    .into_iter()
    .map(|(p, b)| (p.to_owned(), b))
    .collect();
    let drifted = |path: &str| {
        let mut b = files[path].clone();
        b.extend_from_slice(b"appended after release\n");
        b
    };
    // A tree with every file sealed, one of them drifted, and this manifest beside it.
    let case = |name: &str, why: &str, manifest: Vec<u8>, changed: Option<&str>| {
        let mut d = Draft::record(&SUMS, name, why, manifest);
        for (p, b) in &files {
            d = d.file(p, b.clone());
        }
        match changed {
            Some(path) => d.write(path, drifted(path)).expect([Drift::Content]),
            None => d.expect(Vec::<Drift>::new()),
        }
    };
    let honest = |path: &str| line(path, &files[path]);
    let hex = |path: &str| Digest::of(&files[path]).to_hex();

    let first = files.keys().next().cloned().unwrap_or_default();
    cases.add(case(
        "sums-bom-on-line-1",
        "a BOM before the first line: a reader that cannot parse that line and skips it never checks the file it names, which drifted",
        [b"\xEF\xBB\xBF".as_slice(), &with_line(&files, &first, &honest(&first))].concat(),
        Some(&first),
    ));
    cases.add(case(
        "sums-digest-63-digits",
        "the line of the drifted file has a 63-digit digest: skipping the malformed line skips the drift",
        with_line(&files, NOTES, format!("{}  {NOTES}\n", &hex(NOTES)[1..]).as_bytes()),
        Some(NOTES),
    ));
    cases.add(case(
        "sums-digest-65-digits",
        "the line of the drifted file has a 65-digit digest: skipping the malformed line skips the drift",
        with_line(&files, NOTES, format!("{}0  {NOTES}\n", hex(NOTES)).as_bytes()),
        Some(NOTES),
    ));
    cases.add(case(
        "sums-upper-case-digest",
        "the line of the drifted file spells its digest in upper case: a reader that refuses the spelling and skips the line skips the drift",
        with_line(&files, NOTES, format!("{}  {NOTES}\n", hex(NOTES).to_uppercase()).as_bytes()),
        Some(NOTES),
    ));
    let crlf: Vec<u8> = String::from_utf8_lossy(&honest_sums(&files))
        .replace('\n', "\r\n")
        .into_bytes();
    cases.add(case(
        "sums-crlf",
        "the manifest went through a Windows editor (CRLF): a reader that keeps the CR in the file name finds no such file, and one that ignores missing files then checks nothing",
        crlf,
        Some(CONFIG),
    ));
    cases.add(case(
        "sums-nul-in-line",
        "a NUL inside the drifted file's line: a reader that stops at the NUL, or skips the line, never checks the file",
        with_line(&files, CONFIG, format!("{}  {CONFIG}\0\n", hex(CONFIG)).as_bytes()),
        Some(CONFIG),
    ));
    cases.add(case(
        "sums-backslash-escaped-name",
        "the drifted file's line is in GNU's escaped form (a leading backslash): a reader that does not know it reads a digest it cannot parse and skips the line",
        with_line(&files, GUIDE, format!("\\{}  {GUIDE}\n", hex(GUIDE)).as_bytes()),
        Some(GUIDE),
    ));
    cases.add(case(
        "sums-repeated-line-other-digest",
        "the drifted file is listed twice, with its sealed digest and then with its new one: a reader that keeps the last line for a name accepts the drift",
        with_line(
            &files,
            NOTES,
            &[honest(NOTES), line(NOTES, &drifted(NOTES))].concat(),
        ),
        Some(NOTES),
    ));
    // The honest copies in outside/ (SPEC 7.1): a reader that follows a path out of the root
    // lands on the sealed bytes, passes the line, and never checks the drifted file. The
    // absolute path names outside/ through the validator's working folder (`root/`), so it is
    // the same bytes wherever the case is materialized.
    cases.add(case(
        "sums-dotdot-path",
        "the drifted file is listed as ../outside/release/notes.md, where an honest copy lies: a reader that follows the path out of the folder checks the copy, never the file",
        with_line(&files, NOTES, format!("{}  {DOTDOT}{NOTES}\n", hex(NOTES)).as_bytes()),
        Some(NOTES),
    ));
    cases.add(case(
        "sums-absolute-path",
        "the drifted file is listed under an absolute path to an honest copy outside the root: a reader that follows absolute paths checks the copy, never the file",
        with_line(&files, NOTES, format!("{}  {ABSOLUTE}{NOTES}\n", hex(NOTES)).as_bytes()),
        Some(NOTES),
    ));
    cases.add(case(
        "sums-empty-manifest",
        "an empty manifest: a checker that verifies every line it finds verifies nothing and must not pass",
        Vec::new(),
        None,
    ));
    cases.add(case(
        "sums-no-valid-line",
        "no line of the manifest is valid (digests cut short): a checker that skips malformed lines checks nothing, and a file drifted",
        files
            .iter()
            .map(|(p, b)| format!("{}  {p}\n", &Digest::of(b).to_hex()[..40]))
            .collect::<String>()
            .into_bytes(),
        Some(APP),
    ));
    cases.add(case(
        "sums-comment-line-hides-drift",
        "the drifted file's line is commented out with #: a checker that skips comment-like lines never checks the file",
        with_line(&files, GUIDE, format!("# {}  {GUIDE}\n", hex(GUIDE)).as_bytes()),
        Some(GUIDE),
    ));

    // Controls.
    let mut clean = Draft::record(
        &SUMS,
        "control-sums-clean",
        "the honest manifest of an unchanged tree must pass",
        honest_sums(&files),
    );
    let mut binary = Draft::record(
        &SUMS,
        "control-sums-binary-marker",
        "the same manifest in binary mode (`<hex> *<path>`, as `sha256sum -b` writes it) must pass",
        files
            .iter()
            .map(|(p, b)| format!("{} *{p}\n", Digest::of(b).to_hex()))
            .collect::<String>()
            .into_bytes(),
    );
    for (p, b) in &files {
        clean = clean.file(p, b.clone());
        binary = binary.file(p, b.clone());
    }
    cases.add(clean.control());
    cases.add(binary.control());
}
