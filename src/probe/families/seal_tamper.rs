//! The `seal-tamper` family (SPEC 7.2; seal format 3.1, seal errors 3.3): the tree is honest and
//! the seal document was edited. Some edits leave a canonical, valid seal that now describes
//! another tree (a digest or a length changed, an entry removed from a complete folder, a path
//! renamed): the verifier must compare and name the drift. The others break the seal itself
//! (repeated entries or keys, every bad path form, bad digests and numbers, unknown fields,
//! another version, re-encodings, truncation, an oversize document, a MAC that does not verify):
//! the verifier must refuse the seal with its class and trust none of it. Where a seal has
//! several problems, the class is the first by the README's precedence (size, syntax, version,
//! schema, MAC shape, digest, path, non-canonical).
//!
//! Edits work on the parsed seal ([`SealDoc`]) and are written back by the canonical writer, or
//! by a named [`Layout`] for the cases about layout; an edit that finds nothing it names is a
//! problem of the family, reported when the suite is drawn. Only the cases whose point is bytes
//! no JSON value describes (a cut-off document) edit bytes.

use std::collections::BTreeMap;

use super::ProbeFamily;
use crate::probe::case::Family;
use crate::probe::draft::{Cases, Draft, Seeded, honest_seal, other_key, probe_key};
use crate::probe::seal_doc::{At, Layout, Miss, SealDoc};
use crate::seal::{Drift, SEAL_SIZE_LIMIT, SealErrorClass};
use crate::strict_json::Value;
use crate::strict_json::canonical::{self, build};
use crate::token::key::Key;
use crate::token::mac::SealMac;

pub struct SealTamper;

/// The honest tree most cases start from.
#[derive(Clone)]
struct Fixture {
    files: BTreeMap<String, Vec<u8>>,
    complete: Vec<String>,
}

impl Fixture {
    /// Adds the fixture's files and complete folders to a draft.
    fn on(&self, mut d: Draft) -> Draft {
        for (p, b) in &self.files {
            d = d.file(p, b.clone());
        }
        for c in &self.complete {
            d = d.complete(c);
        }
        d
    }

    /// The honest seal of the fixture, signed with `key` when given.
    fn seal(&self, key: Option<&Key>) -> Result<Vec<u8>, String> {
        honest_seal(&self.files, &self.complete, key)
    }

    /// The fixture without the file at `path`.
    fn without(&self, path: &str) -> BTreeMap<String, Vec<u8>> {
        let mut files = self.files.clone();
        files.remove(path);
        files
    }
}

// --- edits -------------------------------------------------------------------------------------

/// A seal edit that replaces the seal by the honest seal of another tree (written by the seal
/// writer, as `sealprobe seal` would have written it for that tree).
fn seal_of(
    files: BTreeMap<String, Vec<u8>>,
    complete: Vec<String>,
    key: Option<Key>,
) -> impl FnOnce(Vec<u8>) -> Result<Vec<u8>, Miss> {
    move |_| honest_seal(&files, &complete, key.as_ref()).map_err(Miss::new)
}

/// A whole document written by the canonical writer (a seal that is not one).
fn whole(node: crate::strict_json::Node) -> Vec<u8> {
    canonical::file_form(&node)
}

/// The first `n` bytes of an ASCII string (all of it when shorter).
fn pre(s: &str, n: usize) -> &str {
    s.get(..n).unwrap_or(s)
}

/// The MAC (with its `hmac-sha256:` prefix) of a seal.
fn mac_of(seal: &[u8]) -> Result<String, Miss> {
    SealDoc::parse(seal)?.string(At::Top, "mac")
}

/// The position of member `key` among `members`.
fn position(members: &[crate::strict_json::Member], key: &str) -> Result<usize, Miss> {
    members
        .iter()
        .position(|m| m.key == key)
        .ok_or_else(|| Miss::new(format!("no member `{key}`")))
}

/// The members of the object at `at` with `a` and `b` swapped: keys out of byte order once
/// written in [`Layout::GivenOrder`].
fn swap_members(d: &mut SealDoc, at: At<'_>, a: &str, b: &str) -> Result<(), Miss> {
    let members = d.object_at(at)?;
    let (i, j) = (position(members, a)?, position(members, b)?);
    members.swap(i, j);
    Ok(())
}

/// The first two items of a list swapped (out of order once written).
fn swap_first_two(list: &mut [crate::strict_json::Node]) -> Result<(), Miss> {
    if list.len() < 2 {
        return Err(Miss::new("fewer than two items to swap"));
    }
    list.swap(0, 1);
    Ok(())
}

const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `tag` with the character at `i` changed to another base64url character.
fn flip_char(tag: &str, i: usize) -> String {
    tag.char_indices()
        .map(|(j, c)| {
            if j != i {
                return c;
            }
            let at = B64URL.iter().position(|x| char::from(*x) == c).unwrap_or(0);
            let mut other = B64URL[(at + 1 + (at % 7)) % 64];
            if char::from(other) == c {
                other = B64URL[(at + 1) % 64];
            }
            char::from(other)
        })
        .collect()
}

/// A lowercase hex digest with the digit at `i` changed.
fn flip_hex(hex: &str, i: usize) -> String {
    hex.char_indices()
        .map(|(j, c)| {
            if j == i {
                if c == 'f' { '0' } else { 'f' }
            } else {
                c
            }
        })
        .collect()
}

// --- the family ------------------------------------------------------------------------------

const NOTES: &str = "docs/notes.md";
const CAFE: &str = "docs/caf\u{e9}.md";
const CAFE_NFD: &str = "docs/cafe\u{301}.md";
const CONFIG: &str = "docs/sub/config.json";
const RESUME_NFD: &str = "docs/sub/re\u{301}sume\u{301}.txt";
const README: &str = "README.txt";
const TOOL: &str = "bin/tool.bin";

impl ProbeFamily for SealTamper {
    fn family(&self) -> Family {
        Family::SealTamper
    }

    fn draw(&self, cases: &mut Cases, rng: &mut Seeded) {
        let word = rng.word(10);
        let mut tool = vec![0xFF, 0xD8, 0xFF, 0xE0];
        tool.extend(rng.bytes(40));
        let fx = Fixture {
            files: [
                (
                    README,
                    format!("Read me {word}\r\nSecond line\r\n").into_bytes(),
                ),
                (TOOL, tool),
                (CAFE, format!("Caf\u{e9} menu: {word}\n").into_bytes()),
                (NOTES, format!("# Notes {word}\n\nShip it.\n").into_bytes()),
                (
                    CONFIG,
                    format!("{{\"name\": \"{word}\", \"replicas\": 3}}\n").into_bytes(),
                ),
                (
                    RESUME_NFD,
                    format!("r\u{e9}sum\u{e9} {word}\n").into_bytes(),
                ),
            ]
            .into_iter()
            .map(|(p, b)| (p.to_owned(), b))
            .collect(),
            complete: vec!["bin".to_owned(), "docs".to_owned()],
        };
        let honest = fx.seal(None);
        let facts = honest.map_err(Miss::new).and_then(|h| {
            let mut d = SealDoc::parse(&h)?;
            let notes = At::Artifact(NOTES);
            let sha = d.string(notes, "sha256")?;
            let bytes = d.integer(notes, "bytes")?;
            let lf = d.string(At::Text(NOTES), "lf_sha256")?;
            Ok((h.len(), sha, bytes, lf))
        });
        let Some((len, notes_sha, notes_bytes, notes_lf)) =
            cases.value("the honest seal of the fixture", facts)
        else {
            return;
        };

        digest_and_length(cases, rng, &fx, &notes_sha, notes_bytes);
        entries(cases, &fx);
        paths(cases, &fx);
        digests(cases, &fx, &notes_sha, &notes_lf);
        numbers(cases, &fx, notes_bytes);
        schema(cases, &fx);
        versions(cases, &fx);
        reencoded(cases, &fx);
        truncated(cases, rng, &fx, len);
        macs(cases, rng, &fx);
        precedence(cases, &fx, &notes_sha);
        controls(cases, &fx, &word);
    }
}

/// `../` from the validator's working folder (`root/`) into the honest copies (SPEC 7.1).
const DOTDOT: &str = "../outside/";

/// An absolute path to the honest copies: Linux's name of the working folder (`root/`), then
/// `../outside/`, so the bytes are the same wherever the case is materialized.
const ABSOLUTE: &str = "/proc/self/cwd/../outside/";

/// Canonical seals that describe another tree: the digest or length of an entry changed.
fn digest_and_length(
    cases: &mut Cases,
    rng: &mut Seeded,
    fx: &Fixture,
    notes_sha: &str,
    notes_bytes: u64,
) {
    let at = rng.below(64);
    let flipped = flip_hex(notes_sha, at);
    cases.add(
        fx.on(Draft::seal(
            "sha256-one-digit-edited",
            "one hex digit of an entry's sha256 was changed and the tree is honest: a validator that trusts the text fingerprints (which still match) passes a seal that names other bytes",
        ))
        .edit_doc(move |d| d.set_string(At::Artifact(NOTES), "sha256", flipped))
        .expect([Drift::Content]),
    );
    cases.add(
        fx.on(Draft::seal(
            "sha256-replaced-by-empty-file-digest",
            "the sha256 of an entry is now the digest of the empty file: the bytes on disk are not the bytes this seal names",
        ))
        .edit_doc(|d| {
            d.set_string(
                At::Artifact(NOTES),
                "sha256",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            )
        })
        .expect([Drift::Content]),
    );
    cases.add(
        fx.on(Draft::seal(
            "sha256-swapped-between-entries",
            "the sha256 values of two entries were swapped: a validator that checks the set of digests, not each path's own, passes",
        ))
        .edit_doc(|d| {
            let a = d.string(At::Artifact(NOTES), "sha256")?;
            let b = d.string(At::Artifact(CAFE), "sha256")?;
            d.set_string(At::Artifact(NOTES), "sha256", b)?;
            d.set_string(At::Artifact(CAFE), "sha256", a)
        })
        .expect([Drift::Content]),
    );
    cases.add(
        fx.on(Draft::seal(
            "sha256-edited-binary-entry",
            "the sha256 of a file that is not text was edited: no text layer can explain it, the raw digest must be compared",
        ))
        .edit_doc(|d| {
            let sha = d.string(At::Artifact(TOOL), "sha256")?;
            d.set_string(At::Artifact(TOOL), "sha256", flip_hex(&sha, 0))
        })
        .expect([Drift::Content]),
    );
    cases.add(
        fx.on(Draft::seal(
            "sha256-edited-json-entry",
            "the sha256 of a JSON file was edited while its canonical JSON digest still matches: the raw bytes decide, not the JSON value",
        ))
        .edit_doc(|d| {
            let sha = d.string(At::Artifact(CONFIG), "sha256")?;
            d.set_string(At::Artifact(CONFIG), "sha256", flip_hex(&sha, 63))
        })
        .expect([Drift::Content]),
    );
    cases.add(
        fx.on(Draft::seal(
            "sha256-edited-nfd-entry",
            "the sha256 of an entry with an NFD name was edited: a validator that cannot open NFD names and skips them passes",
        ))
        .edit_doc(|d| {
            let sha = d.string(At::Artifact(RESUME_NFD), "sha256")?;
            d.set_string(At::Artifact(RESUME_NFD), "sha256", flip_hex(&sha, 31))
        })
        .expect([Drift::Content]),
    );
    let flipped = flip_hex(notes_sha, 10);
    cases.add(
        fx.on(Draft::seal(
            "sha256-edited-signed-without-key",
            "a signed seal had a digest edited and no key is handed over: the MAC is not checked, but the digest still must be",
        ))
        .signed_without_key()
        .edit_doc(move |d| d.set_string(At::Artifact(NOTES), "sha256", flipped))
        .expect([Drift::Content]),
    );
    let n = notes_bytes;
    for (name, why, value) in [
        (
            "bytes-plus-one",
            "the sealed length is one more than the file's, with the right digest: a validator that hashes the file and ignores the length passes",
            n + 1,
        ),
        (
            "bytes-minus-one",
            "the sealed length is one less than the file's: a validator that reads only the sealed length and hashes that prefix must still see the extra byte",
            n.saturating_sub(1),
        ),
        (
            "bytes-zero",
            "the sealed length is 0 while the digest is the file's: length and digest must both hold",
            0,
        ),
        (
            "bytes-max-safe-integer",
            "the sealed length is 2^53 - 1: a validator that trusts the length for its read budget, or wraps it, must still fail on the mismatch",
            (1u64 << 53) - 1,
        ),
    ] {
        cases.add(
            fx.on(Draft::seal(name, why))
                .edit_doc(move |d| d.set(At::Artifact(NOTES), "bytes", build::uint(value)))
                .expect([Drift::Content]),
        );
    }
    cases.add(
        fx.on(Draft::seal(
            "bytes-and-sha256-from-another-entry",
            "an entry's length and digest were copied from another entry while its text layer still fits the file: the bytes at this path are not the ones named (the README's diagnosis for same text, other length: final-newline)",
        ))
        .edit_doc(|d| {
            let sha = d.string(At::Artifact(NOTES), "sha256")?;
            let bytes = d.integer(At::Artifact(NOTES), "bytes")?;
            d.set_string(At::Artifact(CAFE), "sha256", sha)?;
            d.set(At::Artifact(CAFE), "bytes", build::uint(bytes))
        })
        .expect([Drift::FinalNewline]),
    );
}

/// Entries removed, repeated or renamed.
fn entries(cases: &mut Cases, fx: &Fixture) {
    cases.add(
        fx.on(Draft::seal(
            "entry-removed-from-complete-folder",
            "an entry was removed from a seal whose folder is declared complete: the file is still on disk and is now unsealed",
        ))
        .try_edit_seal(seal_of(fx.without(NOTES), fx.complete.clone(), None))
        .expect([Drift::Unsealed]),
    );
    cases.add(
        fx.on(Draft::seal(
            "entry-removed-nfd-name-from-complete-folder",
            "the entry of a file with an NFD name was removed from a complete folder: a validator that lists folders through a normalizing layer misses the unsealed file",
        ))
        .try_edit_seal(seal_of(fx.without(RESUME_NFD), fx.complete.clone(), None))
        .expect([Drift::Unsealed]),
    );
    cases.add(
        fx.on(Draft::seal(
            "entry-removed-binary-from-complete-folder",
            "the only entry of a complete folder was removed: the folder is declared complete, so its file is unsealed",
        ))
        .try_edit_seal(seal_of(fx.without(TOOL), fx.complete.clone(), None))
        .expect([Drift::Unsealed]),
    );
    cases.add(
        fx.on(Draft::seal(
            "entry-removed-from-complete-root",
            "an entry at the top was removed from a seal that declares the whole root complete (`.`)",
        ))
        .complete(".")
        .try_edit_seal(seal_of(fx.without(README), vec![".".to_owned()], None))
        .expect([Drift::Unsealed]),
    );
    cases.add(
        fx.on(Draft::seal(
            "every-entry-removed-complete-kept",
            "a seal that lists no artifact but still declares folders complete: every file in them is unsealed, a validator that passes an empty list passes anything",
        ))
        .try_edit_seal(seal_of(BTreeMap::new(), fx.complete.clone(), None))
        .expect([Drift::Unsealed]),
    );
    cases.add(
        fx.on(Draft::seal(
            "entry-removed-resigned-keyed",
            "an entry was removed and the seal signed again with the key: the MAC verifies, and the file it left out is still unsealed; a valid MAC is not a pass",
        ))
        .keyed()
        .try_edit_seal(seal_of(fx.without(NOTES), fx.complete.clone(), Some(probe_key())))
        .expect([Drift::Unsealed]),
    );
    cases.add(
        fx.on(Draft::seal(
            "entry-removed-from-keyed-seal",
            "an entry was cut out of a keyed seal checked with the key: the MAC no longer verifies",
        ))
        .keyed()
        .edit_doc(|d| d.remove_artifact(NOTES).map(drop))
        .expect([SealErrorClass::Mac]),
    );
    cases.add(
        fx.on(Draft::seal(
            "entry-repeated",
            "an entry appears twice: a validator that builds a map keeps one copy and never sees that the seal is ambiguous",
        ))
        .edit_doc(|d| d.repeat_artifact(NOTES, |i| i + 1).map(drop))
        .expect([SealErrorClass::Path]),
    );
    cases.add(
        fx.on(Draft::seal(
            "entry-repeated-with-other-digest",
            "an entry appears twice, the second copy with another digest: first-wins and last-wins validators read different seals",
        ))
        .edit_doc(|d| {
            let at = d.repeat_artifact(NOTES, |i| i + 1)?;
            let sha = d.string(At::Entry(at), "sha256")?;
            d.set_string(At::Entry(at), "sha256", flip_hex(&sha, 0))
        })
        .expect([SealErrorClass::Path]),
    );
    cases.add(
        fx.on(Draft::seal(
            "entry-repeated-last",
            "the last entry appears twice at the end of the list: a validator that deduplicates silently accepts an ambiguous seal",
        ))
        .edit_doc(|d| {
            let artifacts = d.artifacts_mut()?;
            let last = artifacts.last().cloned().ok_or_else(|| Miss::new("no artifact"))?;
            artifacts.push(last);
            Ok(())
        })
        .expect([SealErrorClass::Path]),
    );
    cases.add(
        fx.on(Draft::seal(
            "entry-repeated-keyed",
            "an entry appears twice in a keyed seal checked with the key: the seal is refused for its paths before any MAC is computed",
        ))
        .keyed()
        .edit_doc(|d| d.repeat_artifact(CAFE, |i| i).map(drop))
        .expect([SealErrorClass::Path]),
    );
    cases.add(
        fx.on(Draft::seal(
            "entry-renamed-to-missing-path",
            "an entry's path was renamed to a file that does not exist: the renamed path is missing and the real file is unsealed in its complete folder",
        ))
        .edit_doc(|d| d.rename(NOTES, "docs/nz-notes.md"))
        .expect([Drift::Missing, Drift::Unsealed]),
    );
    cases.add(
        fx.on(Draft::seal(
            "entry-renamed-case-changed",
            "an entry's path differs from the file's name only in case: on a case-sensitive system the sealed file is not there",
        ))
        .edit_doc(|d| d.rename(NOTES, "docs/nOTES.md"))
        .expect([Drift::PathUnicode, Drift::Unsealed]),
    );
    cases.add(
        fx.on(Draft::seal(
            "entry-renamed-nfc-to-nfd",
            "an entry's NFC path was rewritten in NFD: the bytes of the name differ, a validator that normalizes names opens the wrong file",
        ))
        .edit_doc(|d| d.rename(CAFE, CAFE_NFD))
        .expect([Drift::PathUnicode, Drift::Unsealed]),
    );
}

/// Paths that name another file than the sealed one. Every bad path form of SPEC 3.1 in place of
/// an honest path is a fixed table, `probes/seal-tamper.toml`, joined to this family; here are
/// the cases drawn from the seeded fixture.
fn paths(cases: &mut Cases, fx: &Fixture) {
    // Paths out of the root to the honest copy in outside/ (SPEC 7.1) while the file drifted: a
    // validator that follows them checks the copy and passes.
    for (name, to, why) in [
        (
            "path-dotdot-to-honest-copy",
            DOTDOT,
            "the drifted file's entry points at ../outside/, where an honest copy lies: a validator that follows `..` hashes the copy and passes",
        ),
        (
            "path-absolute-to-honest-copy",
            ABSOLUTE,
            "the drifted file's entry is an absolute path to an honest copy outside the root: a validator that follows it hashes the copy and passes",
        ),
    ] {
        let drifted = [fx.files[NOTES].as_slice(), b"drifted after sealing\n"].concat();
        cases.add(
            fx.on(Draft::seal(name, why))
                .write(NOTES, drifted)
                .edit_doc(move |d| d.rename(NOTES, format!("{to}{NOTES}")))
                .expect([SealErrorClass::Path]),
        );
    }
    // Two paths that are equal after NFC and case folding (each valid alone).
    let twins: &[(&str, &str, &str, &str)] = &[
        (
            "path-nfc-twin",
            CAFE,
            CAFE_NFD,
            "an entry repeated under its NFD spelling: on macOS both open one file, so the seal names a file twice",
        ),
        (
            "path-case-twin",
            NOTES,
            "docs/NOTES.md",
            "an entry repeated in upper case: on a case-insensitive file system both are one file",
        ),
        (
            "path-case-and-nfd-twin",
            CAFE,
            "docs/CAFE\u{301}.MD",
            "an entry repeated in upper case and NFD at once: only NFC and case folding together find the twin",
        ),
    ];
    for (name, of, twin, why) in twins {
        cases.add(
            fx.on(Draft::seal(name, why))
                .edit_doc(move |d| {
                    let at = d.repeat_artifact(of, |i| i + 1)?;
                    d.set_string(At::Entry(at), "path", *twin)
                })
                .expect([SealErrorClass::Path]),
        );
    }
    for (name, folder, why) in [
        (
            "complete-folder-dotdot",
            "..",
            "a complete folder `..`: a validator that lists it reads the root's parent",
        ),
        (
            "complete-folder-absolute",
            "/docs",
            "an absolute complete folder (`/docs`): a validator that lists it reads a folder outside the root",
        ),
        (
            "complete-folder-backslash",
            "bin\\..",
            "a complete folder with a backslash (`bin\\..`): on Windows it climbs out of the root",
        ),
    ] {
        cases.add(
            fx.on(Draft::seal(name, why))
                .edit_doc(move |d| {
                    let first = d
                        .complete_mut()?
                        .first_mut()
                        .ok_or_else(|| Miss::new("no complete folder"))?;
                    if first.value != Value::String("bin".to_owned()) {
                        return Err(Miss::new("the first complete folder is not `bin`"));
                    }
                    *first = build::string(folder);
                    Ok(())
                })
                .expect([SealErrorClass::Path]),
        );
    }
}

/// Digests that are not 64 lowercase hex digits.
fn digests(cases: &mut Cases, fx: &Fixture, notes_sha: &str, notes_lf: &str) {
    let upper = notes_sha.to_uppercase();
    let one_upper = {
        // the first letter of the digest in upper case (a digest with no letter is vanishingly rare)
        let i = notes_sha
            .find(|c: char| c.is_ascii_alphabetic())
            .unwrap_or(0);
        notes_sha
            .char_indices()
            .map(|(j, c)| if j == i { c.to_ascii_uppercase() } else { c })
            .collect::<String>()
    };
    let variants: Vec<(&str, String, &str)> = vec![
        (
            "digest-uppercase",
            upper,
            "an upper-case digest: hex compared case-insensitively is a second spelling of one seal",
        ),
        (
            "digest-one-uppercase-letter",
            one_upper,
            "one upper-case hex letter in a digest: compared case-insensitively it passes, so the seal has a second spelling",
        ),
        (
            "digest-63-digits",
            pre(notes_sha, 63).to_owned(),
            "a 63-digit digest: a validator that compares by prefix accepts it",
        ),
        (
            "digest-65-digits",
            format!("{notes_sha}0"),
            "a 65-digit digest: a validator that compares the first 64 digits passes it",
        ),
        (
            "digest-not-hex",
            format!("{}g", pre(notes_sha, 63)),
            "a digest ending in `g`: a validator that decodes hex leniently (stopping at the first bad digit) compares a shorter value",
        ),
        (
            "digest-empty",
            String::new(),
            "an empty digest: a validator that compares a prefix of length 0 passes everything",
        ),
        (
            "digest-with-algorithm-prefix",
            format!("sha256:{notes_sha}"),
            "a digest written `sha256:<hex>`: a validator that strips known prefixes accepts another tool's spelling",
        ),
        (
            "digest-with-trailing-space",
            format!("{notes_sha} "),
            "a digest with a trailing space: a validator that trims passes it",
        ),
        (
            "digest-fullwidth-digit",
            format!("{}\u{ff11}", pre(notes_sha, 63)),
            "a full-width digit (U+FF11) in a digest: Unicode-aware digit checks accept it",
        ),
        (
            "digest-base64",
            "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU".to_owned(),
            "a digest in base64url: the right hash in another encoding is still not the seal's spelling",
        ),
    ];
    for (name, value, why) in variants {
        cases.add(
            fx.on(Draft::seal(name, why))
                .edit_doc(move |d| d.set_string(At::Artifact(NOTES), "sha256", value))
                .expect([SealErrorClass::Digest]),
        );
    }
    let lf_upper = notes_lf.to_uppercase();
    cases.add(
        fx.on(Draft::seal(
            "lf-digest-uppercase",
            "an upper-case lf_sha256: every digest of the seal is held to the spelling, not only the raw one",
        ))
        .edit_doc(move |d| d.set_string(At::Text(NOTES), "lf_sha256", lf_upper))
        .expect([SealErrorClass::Digest]),
    );
    cases.add(
        fx.on(Draft::seal(
            "skeleton-digest-short",
            "a 32-digit skeleton_sha256 (an MD5-sized value): a validator that never reads the text layer misses it",
        ))
        .edit_doc(|d| {
            let sha = d.string(At::Text(NOTES), "skeleton_sha256")?;
            d.set_string(At::Text(NOTES), "skeleton_sha256", pre(&sha, 32))
        })
        .expect([SealErrorClass::Digest]),
    );
    cases.add(
        fx.on(Draft::seal(
            "json-digest-not-hex",
            "a canonical_sha256 with a non-hex character in the JSON layer: a validator that never reads the JSON layer misses a malformed seal",
        ))
        .edit_doc(|d| {
            let sha = d.string(At::Json(CONFIG), "canonical_sha256")?;
            let bad = format!("z{}", sha.get(1..).unwrap_or_default());
            d.set_string(At::Json(CONFIG), "canonical_sha256", bad)
        })
        .expect([SealErrorClass::Digest]),
    );
}

/// `bytes` values that are not plain integers in range.
/// Each is written as the JSON text the case names (a raw value): most are spellings a JSON value
/// does not keep (`1.0`, `-0`, `1e400`), and the others read the same whichever way they are made.
fn numbers(cases: &mut Cases, fx: &Fixture, notes_bytes: u64) {
    let n = notes_bytes;
    let schema: Vec<(&str, String, &str)> = vec![
        (
            "bytes-float",
            format!("{n}.0"),
            "a length written `N.0`: the same number to a float parser, but not an integer",
        ),
        (
            "bytes-exponent",
            "1e3".to_owned(),
            "a length written with an exponent (`1e3`): integers must be spelled as integers",
        ),
        (
            "bytes-negative",
            "-1".to_owned(),
            "a negative length: a validator that casts it to unsigned reads a huge budget",
        ),
        (
            "bytes-minus-zero",
            "-0".to_owned(),
            "a length of `-0`: equal to 0 as a float, but not a non-negative integer spelled as one",
        ),
        (
            "bytes-fraction",
            format!("{n}.5"),
            "a fractional length: a validator that truncates or rounds it checks another length",
        ),
        (
            "bytes-string",
            format!("\"{n}\""),
            "a length as a string (`\"29\"`): a loosely typed validator converts it and passes",
        ),
        (
            "bytes-null",
            "null".to_owned(),
            "a null length: a validator that skips the length check when it is absent passes",
        ),
        (
            "bytes-true",
            "true".to_owned(),
            "a boolean length: true is 1 in many languages, so a loosely typed validator checks a one-byte length",
        ),
        (
            "bytes-array",
            format!("[{n}]"),
            "a length in an array (`[29]`): a validator that takes the first number it finds reads a length the schema never allowed",
        ),
        (
            "bytes-2-pow-53",
            "9007199254740992".to_owned(),
            "a length of 2^53: not exactly held by a double, so two implementations read different seals",
        ),
        (
            "bytes-2-pow-64",
            "18446744073709551616".to_owned(),
            "a length of 2^64: a validator that parses it into a 64-bit integer wraps it to 0 or saturates",
        ),
        (
            "bytes-overflow",
            "1e400".to_owned(),
            "a length of 1e400: overflows a double to infinity, which a lenient parser keeps as an endless read budget",
        ),
    ];
    for (name, value, why) in schema {
        cases.add(
            fx.on(Draft::seal(name, why))
                .edit_doc(move |d| {
                    let raw = d.raw(value);
                    d.set(At::Artifact(NOTES), "bytes", raw)
                })
                .expect([SealErrorClass::Schema]),
        );
    }
    for (name, value, why) in [
        (
            "bytes-leading-zero",
            format!("0{n}"),
            "a length with a leading zero is not JSON at all (and octal in some parsers)",
        ),
        (
            "bytes-plus-sign",
            format!("+{n}"),
            "a length with a plus sign: not JSON, a lenient number parser accepts it",
        ),
        (
            "bytes-hex",
            format!("0x{n:x}"),
            "a length in hex: not JSON, a JavaScript-style parser reads a number",
        ),
    ] {
        cases.add(
            fx.on(Draft::seal(name, why))
                .edit_doc(move |d| {
                    let raw = d.raw(value);
                    d.set(At::Artifact(NOTES), "bytes", raw)
                })
                .expect([SealErrorClass::Syntax]),
        );
    }
}

/// Unknown, missing, repeated and wrongly typed fields.
fn schema(cases: &mut Cases, fx: &Fixture) {
    for (name, at, key, value, why) in [
        (
            "unknown-top-level-field",
            At::Top,
            "comment",
            build::string("sealed by hand"),
            "an unknown top-level field: a validator that ignores unknown fields accepts fields it cannot check",
        ),
        (
            "unknown-artifact-field",
            At::Artifact(NOTES),
            "mode",
            build::uint(420),
            "an unknown field in an entry (`mode`): it claims something the validator never checks",
        ),
        (
            "unknown-field-skip",
            At::Artifact(NOTES),
            "skip",
            build::boolean(true),
            "an unknown `skip: true` in an entry: a validator that ignores unknown fields lets a future format turn checks off",
        ),
        (
            "unknown-text-field",
            At::Text(CAFE),
            "encoding",
            build::string("utf-8"),
            "an unknown field in the text layer: a validator that ignores unknown fields at depth 4 accepts claims it never checks",
        ),
        (
            "unknown-json-field",
            At::Json(CONFIG),
            "scheme",
            build::string("jcs"),
            "an unknown field in the JSON layer: a validator that ignores unknown fields at depth 4 accepts claims it never checks",
        ),
    ] {
        cases.add(
            fx.on(Draft::seal(name, why))
                .edit_doc(move |d| d.add(at, key, value, false))
                .expect([SealErrorClass::Schema]),
        );
    }
    let token_name = "cutover.0123456789abcdef.1900000000.c2VhbHByb2JlLXNlYWwtdGFtcGVy";
    cases.add(
        fx.on(Draft::seal(
            "unknown-field-with-token-shaped-name",
            "an unknown field whose name is a production grant body: the seal is refused for its schema, and the name must not be echoed",
        ))
        .canary(token_name)
        .edit_doc(move |d| d.add(At::Top, token_name, build::boolean(true), false))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "missing-sha256",
            "an entry without its sha256: a validator that checks only the fields present checks nothing but the length",
        ))
        .edit_doc(|d| d.remove(At::Artifact(NOTES), "sha256").map(drop))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "missing-bytes",
            "an entry without its length: an endless file can then never be cut off at the sealed length",
        ))
        .edit_doc(|d| d.remove(At::Artifact(NOTES), "bytes").map(drop))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "missing-artifacts",
            "a seal without its `artifacts` list, complete folders kept: a validator that defaults a missing list to empty checks nothing it should",
        ))
        .edit_doc(|d| d.remove(At::Top, "artifacts").map(drop))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "text-bom-as-string",
            "a boolean of the text layer written as the string \"false\": truthy in many languages",
        ))
        .edit_doc(|d| d.set_string(At::Text(README), "bom", "false"))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "text-eol-unknown-value",
            "a line-ending style outside the closed set (`unix`): a validator that ignores unknown values accepts fields it cannot interpret",
        ))
        .edit_doc(|d| d.set_string(At::Text(CAFE), "eol", "unix"))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "artifacts-as-object",
            "`artifacts` is an object, not a list: a validator that iterates whatever it finds checks nothing",
        ))
        .seal_bytes(whole(build::object([
            ("artifacts", build::object(Vec::<(&str, _)>::new())),
            ("complete", build::array(vec![build::string("docs")])),
            ("format", build::string("sealprobe-seal/1")),
        ])))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "seal-is-a-list",
            "the seal is a JSON list, not an object: a validator that looks fields up leniently finds none and may not refuse",
        ))
        .seal_bytes(whole(build::array(vec![build::string("sealprobe-seal/1")])))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "seal-checks-nothing",
            "a seal with no artifact and no complete folder: it checks nothing, so it must not pass",
        ))
        .seal_bytes(whole(build::object([
            ("artifacts", build::array(Vec::new())),
            ("format", build::string("sealprobe-seal/1")),
        ])))
        .expect([SealErrorClass::Schema]),
    );
    // Repeated JSON keys: first-wins and last-wins parsers read different seals.
    cases.add(
        fx.on(Draft::seal(
            "repeated-key-bytes",
            "an entry holds `bytes` twice with different values: a parser that keeps one copy reads a seal the other copy contradicts",
        ))
        .edit_doc(|d| d.add(At::Artifact(NOTES), "bytes", build::uint(1), false))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "repeated-key-path",
            "an entry holds `path` twice: a last-wins parser checks /etc/passwd, a first-wins one the sealed file",
        ))
        .edit_doc(|d| d.add(At::Artifact(NOTES), "path", build::string("/etc/passwd"), false))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "repeated-key-format",
            "the top-level `format` appears twice, once as version 2: first-wins and last-wins parsers disagree on the version",
        ))
        .edit_doc(|d| d.add(At::Top, "format", build::string("sealprobe-seal/2"), true))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "repeated-key-same-value",
            "an entry holds `sha256` twice with the same value: still a repeated key, still refused",
        ))
        .edit_doc(|d| {
            let sha = d.string(At::Artifact(NOTES), "sha256")?;
            d.add(At::Artifact(NOTES), "sha256", build::string(sha), false)
        })
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "repeated-key-in-text-layer",
            "the text layer holds `final_newline` twice (depth 4): a parser that checks repeats only at the top accepts it",
        ))
        .edit_doc(|d| d.add(At::Text(README), "final_newline", build::boolean(false), false))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "repeated-key-mac",
            "a keyed seal holds `mac` twice: one copy verifies, the other is what a last-wins parser checks",
        ))
        .keyed()
        .edit_doc(|d| {
            let mac = d.string(At::Top, "mac")?;
            d.add(At::Top, "mac", build::string(flip_char(&mac, 20)), true)
        })
        .expect([SealErrorClass::Schema]),
    );
}

fn versions(cases: &mut Cases, fx: &Fixture) {
    for (name, format, why) in [
        (
            "version-2",
            "sealprobe-seal/2",
            "a seal of another version: its fields may mean other things, so a v1 validator must refuse it",
        ),
        (
            "version-0",
            "sealprobe-seal/0",
            "a seal of version 0: a validator that checks only the prefix of the format accepts it",
        ),
        (
            "version-trailing-space",
            "sealprobe-seal/1 ",
            "the format with a trailing space: a validator that trims passes it",
        ),
        (
            "version-upper-case",
            "SEALPROBE-SEAL/1",
            "the format in upper case: compared case-insensitively it passes",
        ),
        (
            "version-other-tool",
            "sha256sums/1",
            "another tool's format name (`sha256sums/1`): a validator that ignores `format` reads a document meant for another tool",
        ),
        (
            "version-1-0",
            "sealprobe-seal/1.0",
            "the format `sealprobe-seal/1.0`: a prefix match on `sealprobe-seal/1` passes it",
        ),
    ] {
        cases.add(
            fx.on(Draft::seal(name, why))
                .edit_doc(move |d| d.set_string(At::Top, "format", format))
                .expect([SealErrorClass::Version]),
        );
    }
    cases.add(
        fx.on(Draft::seal(
            "version-missing",
            "a seal without `format`: a missing field is a schema error, never an implicit version 1",
        ))
        .edit_doc(|d| d.remove(At::Top, "format").map(drop))
        .expect([SealErrorClass::Schema]),
    );
}

/// The seal re-encoded by another tool: same value, other bytes. Each is the honest seal written
/// by a named non-canonical [`Layout`], after an edit where the layout is a member order or a
/// spelling the writer does not choose.
fn reencoded(cases: &mut Cases, fx: &Fixture) {
    type Edit = fn(&mut SealDoc) -> Result<(), Miss>;
    let same: Edit = |_| Ok(());
    let relaid: &[(&str, &str, Layout, Edit)] = &[
        (
            "reencoded-crlf",
            "the seal saved with CRLF line endings: a validator that parses JSON and compares values accepts a seal with two spellings",
            Layout::Crlf,
            same,
        ),
        (
            "reencoded-ensure-ascii",
            "the seal re-encoded with escaped non-ASCII (`\\u00e9`), as Python's default json.dumps does",
            Layout::EnsureAscii { upper: false },
            same,
        ),
        (
            "reencoded-ensure-ascii-upper-hex",
            "non-ASCII escaped with upper-case hex (`\\u00E9`): the same value, other bytes, so a value-comparing validator accepts it",
            Layout::EnsureAscii { upper: true },
            same,
        ),
        (
            "reencoded-indent-4",
            "the seal re-indented with four spaces: a validator that compares parsed values accepts a seal with many spellings",
            Layout::Indent("    "),
            same,
        ),
        (
            "reencoded-tab-indent",
            "the seal re-indented with tabs: the same value, other bytes",
            Layout::Indent("\t"),
            same,
        ),
        (
            "reencoded-minified",
            "the seal minified onto one line: the same value, so only a byte-for-byte canonical check refuses it",
            Layout::Minified,
            same,
        ),
        (
            "reencoded-key-order-in-entry",
            "`sha256` before `path` in an entry: keys out of byte order, which a value-comparing validator never notices",
            Layout::GivenOrder,
            |d| swap_members(d, At::Artifact(NOTES), "path", "sha256"),
        ),
        (
            "reencoded-key-order-in-text",
            "`eol` before `bom` in the text layer: keys out of byte order at depth 4",
            Layout::GivenOrder,
            |d| swap_members(d, At::Text(CAFE), "bom", "eol"),
        ),
        (
            "reencoded-key-order-top-level",
            "`format` written before `artifacts`: top-level keys out of byte order",
            Layout::GivenOrder,
            |d| {
                let top = d.top_mut()?;
                let format = top.remove(position(top, "format")?);
                top.insert(0, format);
                Ok(())
            },
        ),
        (
            "reencoded-unsorted-artifacts",
            "the first two entries swapped: artifacts must be sorted by path, a validator that builds a map never notices",
            Layout::Canonical,
            |d| swap_first_two(d.artifacts_mut()?),
        ),
        (
            "reencoded-unsorted-complete",
            "the complete folders listed out of order: a validator that reads them into a set never notices",
            Layout::Canonical,
            |d| swap_first_two(d.complete_mut()?),
        ),
        (
            "reencoded-no-final-newline",
            "the final newline removed: a validator that trims before comparing accepts a second spelling",
            Layout::NoFinalNewline,
            same,
        ),
        (
            "reencoded-two-final-newlines",
            "an extra newline after the document: a validator that trims before comparing accepts it",
            Layout::TwoFinalNewlines,
            same,
        ),
        (
            "reencoded-trailing-space",
            "a space at the end of one line: invisible in an editor, still not the canonical bytes",
            Layout::TrailingSpace,
            same,
        ),
        (
            "reencoded-space-before-colon",
            "a space before each colon (`\"bytes\" : 29`): valid JSON, not the canonical file form",
            Layout::SpaceBeforeColon,
            same,
        ),
        (
            "reencoded-escaped-slash",
            "a path written with escaped slashes (`docs\\/notes.md`): the same value, other bytes",
            Layout::Canonical,
            |d| {
                let spelled = d.raw("\"docs\\/notes.md\"");
                d.set(At::Artifact(NOTES), "path", spelled)
            },
        ),
        (
            "reencoded-escaped-ascii-letter",
            "a path with an ASCII letter escaped (`\\u0064ocs`): the same value, so only a byte-for-byte canonical check refuses it",
            Layout::Canonical,
            |d| {
                let spelled = d.raw("\"\\u0064ocs/notes.md\"");
                d.set(At::Artifact(NOTES), "path", spelled)
            },
        ),
        (
            "reencoded-leading-whitespace",
            "a newline before the document: valid JSON, not the canonical file form",
            Layout::LeadingNewline,
            same,
        ),
        (
            "reencoded-bom",
            "the seal saved with a UTF-8 BOM: a BOM-stripping reader sees the canonical text, the bytes are not",
            Layout::Bom,
            same,
        ),
        (
            "reencoded-utf16le",
            "the seal re-encoded as UTF-16LE with a BOM (PowerShell's old default): a reader that decodes by BOM sees the canonical text",
            Layout::Utf16Le,
            same,
        ),
    ];
    for (name, why, layout, edit) in relaid {
        cases.add(
            fx.on(Draft::seal(name, why))
                .edit_doc_as(*layout, *edit)
                .expect([SealErrorClass::NonCanonical]),
        );
    }
    cases.add(
        fx.on(Draft::seal(
            "reencoded-crlf-keyed",
            "a keyed seal saved with CRLF, checked with the key: the MAC covers the JCS value (which is unchanged), the file form is still wrong",
        ))
        .keyed()
        .relayout(Layout::Crlf)
        .expect([SealErrorClass::NonCanonical]),
    );
    cases.add(
        fx.on(Draft::seal(
            "reencoded-ensure-ascii-keyed",
            "a keyed seal with escaped non-ASCII, checked with the key: the MAC still verifies over the JCS bytes, and the seal is still not canonical",
        ))
        .keyed()
        .relayout(Layout::EnsureAscii { upper: false })
        .expect([SealErrorClass::NonCanonical]),
    );
}

/// Cut-off seals: bytes no JSON value describes, so these edit bytes.
fn truncated(cases: &mut Cases, rng: &mut Seeded, fx: &Fixture, len: usize) {
    let cut = rng.between(len / 4, len * 3 / 4);
    for (name, why, keep) in [
        (
            "truncated-somewhere-inside",
            "the seal cut off somewhere inside: a streaming reader that checks entries as it reads them passes the first ones",
            cut,
        ),
        (
            "truncated-to-one-byte",
            "the seal is a lone `{`: a streaming reader that has seen no entry yet may pass",
            1,
        ),
        (
            "truncated-before-closing-brace",
            "the seal lost its closing brace: every entry is complete, the document is not",
            len.saturating_sub(2),
        ),
    ] {
        cases.add(
            fx.on(Draft::seal(name, why))
                .edit_seal(move |h| h[..keep.min(h.len())].to_vec())
                .expect([SealErrorClass::Syntax]),
        );
    }
    cases.add(
        fx.on(Draft::seal(
            "truncated-inside-utf8-sequence",
            "the seal cut inside the two bytes of an `\u{e9}`: the document ends in the middle of a character",
        ))
        .try_edit_seal(|h| {
            let at = h
                .windows(2)
                .position(|w| w == b"\xC3\xA9")
                .ok_or_else(|| Miss::new("no \u{e9} in the seal"))?;
            Ok(h[..=at].to_vec())
        })
        .expect([SealErrorClass::Syntax]),
    );
    cases.add(
        fx.on(Draft::seal(
            "empty-seal",
            "an empty seal file: a validator that treats it as an empty list checks nothing and passes",
        ))
        .seal_bytes(Vec::new())
        .expect([SealErrorClass::Syntax]),
    );
    cases.add(
        fx.on(Draft::seal(
            "whitespace-only-seal",
            "a seal file that holds only a newline: a validator that treats blank input as an empty seal checks nothing",
        ))
        .seal_bytes(b"\n".to_vec())
        .expect([SealErrorClass::Syntax]),
    );
    // The limit is the one `sealprobe seal` writes up to and `verify` reads by default
    // (SEAL_SIZE_LIMIT); the padding is written as the case is made, never held in memory.
    let limit = SEAL_SIZE_LIMIT as u64;
    cases.add(
        fx.on(Draft::seal(
            "oversize-seal",
            "a seal one byte over the 256 MiB limit: a validator without a limit reads whatever size it is handed",
        ))
        .pad_seal_to(limit + 1)
        .expect([SealErrorClass::Size]),
    );
    cases.add(
        fx.on(Draft::seal(
            "seal-exactly-at-size-limit",
            "a seal of exactly 256 MiB (padded with spaces) is within the limit: an off-by-one limit calls it seal-size, but it is only not canonical",
        ))
        .pad_seal_to(limit)
        .expect([SealErrorClass::NonCanonical]),
    );
}

/// Keyed seals checked with the key whose MAC does not verify, and MACs of the wrong shape.
fn macs(cases: &mut Cases, rng: &mut Seeded, fx: &Fixture) {
    cases.add(
        fx.on(Draft::seal(
            "mac-stripped",
            "the MAC was removed from a keyed seal and the key is given: a validator that checks a MAC only when there is one accepts any seal",
        ))
        .keyed()
        .edit_doc(|d| d.remove(At::Top, "mac").map(drop))
        .expect([SealErrorClass::Mac]),
    );
    cases.add(
        fx.on(Draft::seal(
            "mac-never-signed-key-given",
            "an unsigned seal checked with a key: with a key, a seal without a valid MAC fails",
        ))
        .key(crate::probe::draft::probe_key_bytes())
        .expect([SealErrorClass::Mac]),
    );
    let at = rng.below(42) + 12;
    cases.add(
        fx.on(Draft::seal(
            "mac-one-character-flipped",
            "one character of the MAC changed: a validator that compares by prefix or ignores the MAC passes",
        ))
        .keyed()
        .edit_doc(move |d| {
            let mac = d.string(At::Top, "mac")?;
            d.set_string(At::Top, "mac", flip_char(&mac, at))
        })
        .expect([SealErrorClass::Mac]),
    );
    cases.add(
        fx.on(Draft::seal(
            "mac-last-character-flipped",
            "the last character of the MAC changed (a prefix compare of 42 characters passes it)",
        ))
        .keyed()
        .edit_doc(|d| {
            let mac = d.string(At::Top, "mac")?;
            let last = mac
                .as_bytes()
                .last()
                .copied()
                .ok_or_else(|| Miss::new("an empty MAC"))?;
            let i = B64URL.iter().position(|c| *c == last).unwrap_or(0);
            // Another character that also leaves the two trailing bits zero.
            let other = B64URL[(i + 4) % 64] as char;
            let new = format!("{}{other}", pre(&mac, mac.len() - 1));
            d.set_string(At::Top, "mac", new)
        })
        .expect([SealErrorClass::Mac]),
    );
    cases.add(
        fx.on(Draft::seal(
            "mac-from-another-key",
            "the seal was signed with another key than the one given: the MAC is well formed and does not verify",
        ))
        .signed_with(Some(other_key()))
        .key(crate::probe::draft::probe_key_bytes())
        .expect([SealErrorClass::Mac]),
    );
    cases.add(
        fx.on(Draft::seal(
            "mac-checked-with-another-key",
            "the seal was signed with one key and is checked with another: a validator that accepts any well-formed MAC passes it",
        ))
        .signed_with(Some(probe_key()))
        .key(crate::probe::draft::other_key_bytes())
        .expect([SealErrorClass::Mac]),
    );
    let mut other_files = BTreeMap::new();
    other_files.insert("docs/other.md".to_owned(), b"another release\n".to_vec());
    let other = honest_seal(&other_files, &[], Some(&probe_key())).map_err(Miss::new);
    let Some(other_mac) = cases.value("another seal's MAC", other.and_then(|s| mac_of(&s))) else {
        return;
    };
    cases.add(
        fx.on(Draft::seal(
            "mac-from-another-seal",
            "the MAC was taken from another seal made with the same key: it verifies for that seal, not this one",
        ))
        .keyed()
        .canary(other_mac.clone())
        .edit_doc(move |d| d.set_string(At::Top, "mac", other_mac))
        .expect([SealErrorClass::Mac]),
    );
    let Some(unsigned) = cases.value("the honest seal of the fixture", fx.seal(None)) else {
        return;
    };
    let over_file_form = SealMac::of(&probe_key(), &unsigned).to_field();
    cases.add(
        fx.on(Draft::seal(
            "mac-over-file-form",
            "the MAC was computed over the file's bytes instead of the JCS form of the seal without `mac`",
        ))
        .keyed()
        .canary(over_file_form.clone())
        .edit_doc(move |d| d.set_string(At::Top, "mac", over_file_form))
        .expect([SealErrorClass::Mac]),
    );
    cases.add(
        fx.on(Draft::seal(
            "mac-stale-after-digest-edit",
            "a digest was edited in a keyed seal and the MAC kept: a validator that checks the MAC over the original bytes, or not at all, trusts the new digest",
        ))
        .keyed()
        .edit_doc(|d| {
            let sha = d.string(At::Artifact(NOTES), "sha256")?;
            d.set_string(At::Artifact(NOTES), "sha256", flip_hex(&sha, 5))
        })
        .expect([SealErrorClass::Mac]),
    );
    cases.add(
        fx.on(Draft::seal(
            "mac-stale-after-text-layer-edit",
            "only the lf_sha256 of a keyed seal was edited: the MAC covers every field, not only the raw digests",
        ))
        .keyed()
        .edit_doc(|d| {
            let sha = d.string(At::Text(NOTES), "lf_sha256")?;
            d.set_string(At::Text(NOTES), "lf_sha256", flip_hex(&sha, 5))
        })
        .expect([SealErrorClass::Mac]),
    );
    cases.add(
        fx.on(Draft::seal(
            "mac-stale-after-complete-removed",
            "the complete folders were removed from a keyed seal: the MAC covers `complete` too",
        ))
        .keyed()
        .edit_doc(|d| d.remove(At::Top, "complete").map(drop))
        .expect([SealErrorClass::Mac]),
    );
    cases.add(
        fx.on(Draft::seal(
            "mac-stale-after-entry-renamed",
            "an entry of a keyed seal was renamed: the MAC no longer verifies, and nothing the seal says may be used",
        ))
        .keyed()
        .edit_doc(|d| d.rename(NOTES, "docs/nz-notes.md"))
        .expect([SealErrorClass::Mac]),
    );
    // Malformed MACs: refused for their shape, key or no key.
    type MacEdit = fn(&str) -> String;
    let malformed: &[(&str, &str, MacEdit)] = &[
        (
            "mac-malformed-short",
            "a MAC of five characters: a validator that compares by prefix accepts a short tag",
            |_| "hmac-sha256:short".to_owned(),
        ),
        (
            "mac-malformed-empty",
            "an empty MAC string: a validator that treats empty as absent, and absent as unkeyed, skips the check",
            |_| String::new(),
        ),
        (
            "mac-malformed-prefix-only",
            "a MAC that is only the `hmac-sha256:` prefix: an empty tag, which a prefix compare matches",
            |_| "hmac-sha256:".to_owned(),
        ),
        (
            "mac-malformed-other-algorithm",
            "a MAC labelled `hmac-sha1:`: a validator that ignores the label accepts an algorithm the seal does not use",
            |m| m.replacen("hmac-sha256:", "hmac-sha1:", 1),
        ),
        (
            "mac-malformed-upper-case-prefix",
            "the prefix in upper case (`HMAC-SHA256:`): a validator that compares the label case-insensitively accepts a second spelling",
            |m| m.replacen("hmac-sha256:", "HMAC-SHA256:", 1),
        ),
        (
            "mac-malformed-no-prefix",
            "the bare tag without its `hmac-sha256:` prefix: a validator that strips an optional prefix accepts an unlabelled MAC",
            |m| m.replacen("hmac-sha256:", "", 1),
        ),
        (
            "mac-malformed-padded",
            "the tag with base64 padding (`=`): a validator that decodes leniently accepts a second spelling",
            |m| format!("{m}="),
        ),
        (
            "mac-malformed-standard-alphabet",
            "a tag character from the standard base64 alphabet (`+`): a decoder that accepts both alphabets gives one MAC two spellings",
            |m| {
                m.char_indices()
                    .map(|(i, c)| if i == 20 { '+' } else { c })
                    .collect()
            },
        ),
        (
            "mac-malformed-trailing-bits",
            "a last tag character whose two trailing bits are not zero: a second spelling of a MAC",
            |m| {
                let last = m.as_bytes().last().copied().unwrap_or(b'A');
                let i = B64URL.iter().position(|c| *c == last).unwrap_or(0);
                format!(
                    "{}{}",
                    pre(m, m.len().saturating_sub(1)),
                    B64URL[(i / 4) * 4 + 1] as char
                )
            },
        ),
        (
            "mac-malformed-hex",
            "the tag in hex (64 digits) instead of base64url: a validator that accepts several encodings of a MAC gives a MAC many spellings",
            |_| format!("hmac-sha256:{}", "ab".repeat(32)),
        ),
        (
            "mac-malformed-leading-space",
            "a space before the MAC: a validator that trims accepts a second spelling",
            |m| format!(" {m}"),
        ),
    ];
    for (name, why, edit) in malformed {
        let edit = *edit;
        cases.add(
            fx.on(Draft::seal(name, why))
                .keyed()
                .edit_doc(move |d| {
                    let mac = d.string(At::Top, "mac")?;
                    d.set_string(At::Top, "mac", edit(&mac))
                })
                .expect([SealErrorClass::Mac]),
        );
    }
    cases.add(
        fx.on(Draft::seal(
            "mac-malformed-without-key",
            "a malformed MAC with no key handed over: the shape is checked whether or not a key is given",
        ))
        .signed_without_key()
        .edit_doc(|d| d.set_string(At::Top, "mac", "hmac-sha256:AAAA"))
        .expect([SealErrorClass::Mac]),
    );
    cases.add(
        fx.on(Draft::seal(
            "mac-wrong-type",
            "a MAC written as a number: a wrongly typed field is a schema error",
        ))
        .keyed()
        .edit_doc(|d| d.set(At::Top, "mac", build::uint(0)))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "mac-null",
            "a null MAC: a validator that reads null as absent, and absent as unkeyed, skips the check",
        ))
        .keyed()
        .edit_doc(|d| d.set(At::Top, "mac", build::node(Value::Null)))
        .expect([SealErrorClass::Schema]),
    );
}

/// Seals with several problems: the class is the first by the documented precedence (size,
/// syntax, version, schema, MAC shape, digest, path, non-canonical).
fn precedence(cases: &mut Cases, fx: &Fixture, notes_sha: &str) {
    type Edit = fn(&mut SealDoc) -> Result<(), Miss>;
    let v2: Edit = |d| d.set_string(At::Top, "format", "sealprobe-seal/2");
    let unknown: Edit = |d| d.add(At::Top, "comment", build::string("x"), false);
    let dotdot: Edit = |d| d.rename(CAFE, "../cafe.md");
    let repeated: Edit = |d| d.add(At::Artifact(NOTES), "bytes", build::uint(1), false);
    let overflow: Edit = |d| {
        let raw = d.raw("1e400");
        d.set(At::Artifact(NOTES), "bytes", raw)
    };
    let short_mac: Edit = |d| d.set_string(At::Top, "mac", "hmac-sha256:short");
    let upper = notes_sha.to_uppercase();
    let up = upper.clone();
    cases.add(
        fx.on(Draft::seal(
            "precedence-version-over-schema",
            "another version and an unknown field: version comes first, since a v2 seal may define the field",
        ))
        .edit_doc(move |d| {
            v2(d)?;
            unknown(d)
        })
        .expect([SealErrorClass::Version]),
    );
    cases.add(
        fx.on(Draft::seal(
            "precedence-schema-over-digest",
            "an unknown field and an upper-case digest: schema comes before digest in the documented precedence",
        ))
        .edit_doc(move |d| {
            d.set_string(At::Artifact(NOTES), "sha256", up)?;
            unknown(d)
        })
        .expect([SealErrorClass::Schema]),
    );
    let up = upper.clone();
    cases.add(
        fx.on(Draft::seal(
            "precedence-mac-shape-over-digest",
            "a malformed MAC and an upper-case digest: MAC shape comes before digest in the documented precedence",
        ))
        .keyed()
        .edit_doc(move |d| {
            short_mac(d)?;
            d.set_string(At::Artifact(NOTES), "sha256", up)
        })
        .expect([SealErrorClass::Mac]),
    );
    let up = upper.clone();
    cases.add(
        fx.on(Draft::seal(
            "precedence-digest-over-path",
            "a `..` path and, later in the seal, an upper-case digest: digest before path, whatever the order in the document",
        ))
        .edit_doc(move |d| {
            d.set_string(At::Artifact(NOTES), "sha256", up)?;
            dotdot(d)
        })
        .expect([SealErrorClass::Digest]),
    );
    cases.add(
        fx.on(Draft::seal(
            "precedence-path-over-noncanonical",
            "a `..` path in a seal saved with CRLF: path comes before non-canonical in the documented precedence",
        ))
        .edit_doc_as(Layout::Crlf, dotdot)
        .expect([SealErrorClass::Path]),
    );
    cases.add(
        fx.on(Draft::seal(
            "precedence-repeated-key-before-syntax",
            "a repeated key early in the seal and a trailing comma at its end: the strict loader refuses the document at its first problem in document order, the repeated key (schema)",
        ))
        .edit_doc_as(Layout::TrailingComma, repeated)
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "precedence-repeated-key-before-version",
            "a repeated key in an entry of a version-2 seal: a document the strict loader refuses is never read for its version; the repeated key (schema) is reported",
        ))
        .edit_doc(move |d| {
            repeated(d)?;
            v2(d)
        })
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "precedence-number-range-before-version",
            "a length of 1e400 in a version-2 seal: a document the strict loader refuses is never read for its version; the number out of range (schema) is reported",
        ))
        .edit_doc(move |d| {
            overflow(d)?;
            v2(d)
        })
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "precedence-number-range-before-syntax",
            "a length of 1e400 early and a trailing comma at the end: the strict loader refuses the document at its first problem in document order, the number out of range (schema)",
        ))
        .edit_doc_as(Layout::TrailingComma, overflow)
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "precedence-bom-before-path",
            "a `..` path in a seal saved with a BOM: the strict loader refuses a BOM before it reads a byte of the document, so the seal is reported re-encoded (non-canonical)",
        ))
        .edit_doc_as(Layout::Bom, dotdot)
        .expect([SealErrorClass::NonCanonical]),
    );
    cases.add(
        fx.on(Draft::seal(
            "precedence-utf16-before-version",
            "a version-2 seal re-encoded as UTF-16LE: the strict loader refuses UTF-16 before it reads the document, so the seal is reported re-encoded (non-canonical), not by its version",
        ))
        .edit_doc_as(Layout::Utf16Le, v2)
        .expect([SealErrorClass::NonCanonical]),
    );
    cases.add(
        fx.on(Draft::seal(
            "precedence-version-over-mac-shape",
            "a malformed MAC in a version-2 seal: version comes before MAC shape in the documented precedence",
        ))
        .keyed()
        .edit_doc(move |d| {
            short_mac(d)?;
            v2(d)
        })
        .expect([SealErrorClass::Version]),
    );
}

fn controls(cases: &mut Cases, fx: &Fixture, word: &str) {
    cases.add(
        fx.on(Draft::seal(
            "control-honest-seal",
            "an honest, unkeyed seal with complete folders, NFC and NFD names, text, JSON and binary files must pass",
        ))
        .control(),
    );
    cases.add(
        fx.on(Draft::seal(
            "control-honest-keyed",
            "an honest keyed seal checked with its key: a validator that refuses it computes the MAC over the wrong bytes",
        ))
        .keyed()
        .control(),
    );
    cases.add(
        fx.on(Draft::seal(
            "control-signed-without-key",
            "a signed seal checked without a key: unauthenticated, but every artifact matches; a validator that refuses it demands a key the caller did not give",
        ))
        .signed_without_key()
        .control(),
    );
    cases.add(
        fx.on(Draft::seal(
            "control-complete-root",
            "an honest keyed seal that declares the whole root complete (`.`): a validator that refuses it cannot read `.` or lists the seal file's folder instead of the root",
        ))
        .complete(".")
        .keyed()
        .control(),
    );
    cases.add(
        Draft::seal(
            "control-deep-non-ascii-tree",
            "an honest seal over nested folders with Cyrillic, CJK, emoji and combining-mark names must pass",
        )
        .file("a/b/c/d/e/f/deep.txt", format!("deep {word}\n").into_bytes())
        .file("\u{434}\u{43e}\u{43a}\u{438}/\u{43e}\u{442}\u{447}\u{451}\u{442}.md", b"report\n".to_vec())
        .file("\u{65e5}\u{672c}/\u{1f680}-launch.txt", b"launch\n".to_vec())
        .file("mixed/e\u{301}\u{e9}.txt", b"both forms in one name\n".to_vec())
        .file("empty.txt", Vec::new())
        .complete("a")
        .complete("mixed")
        .keyed()
        .control(),
    );
    cases.add(
        fx.on(Draft::seal(
            "empty-complete-list",
            "a seal that writes the optional `complete` as an empty list: that is a second spelling of no complete folder, and a seal has one spelling (README, \"One spelling per seal\"), so it is non-canonical",
        ))
        .edit_doc(|d| d.set(At::Top, "complete", build::array(Vec::new())))
        .expect([SealErrorClass::NonCanonical]),
    );
    cases.add(
        Draft::tree(
            "control-empty-subfolder-in-complete-folder",
            "an empty folder added inside a complete folder: only entries other than folders must be sealed, so this passes",
        )
        .file("docs/a.md", format!("a {word}\n").into_bytes())
        .complete("docs")
        .folder("docs/later")
        .control(),
    );
}
