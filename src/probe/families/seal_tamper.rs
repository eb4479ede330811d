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
//! Edits work on the canonical file form as text: one member per line, artifacts as blocks of
//! lines. A helper that cannot find what it edits leaves the seal honest, so a broken edit shows
//! up at once as a hostile case that was accepted.

use std::collections::BTreeMap;

use super::ProbeFamily;
use super::text::{replace_first, u_escape, wide};
use crate::probe::case::Family;
use crate::probe::draft::{Cases, Draft, Seeded, honest_seal, other_key, probe_key};
use crate::seal::{Drift, SEAL_SIZE_LIMIT, SealErrorClass};
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

    /// The honest seal of the fixture as text, signed with `key` when given.
    fn seal(&self, key: Option<&Key>) -> String {
        let bytes = honest_seal(&self.files, &self.complete, key).unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }

    /// The fixture without the file at `path`.
    fn without(&self, path: &str) -> BTreeMap<String, Vec<u8>> {
        let mut files = self.files.clone();
        files.remove(path);
        files
    }
}

// --- text edits of a canonical seal ------------------------------------------------------

/// An edit of the seal as text (the honest seal is always UTF-8).
fn as_text(edit: impl FnOnce(String) -> String + 'static) -> impl FnOnce(Vec<u8>) -> Vec<u8> {
    move |honest| match String::from_utf8(honest) {
        Ok(s) => edit(s).into_bytes(),
        Err(e) => e.into_bytes(),
    }
}

/// `s` with the first `from` replaced by `to`.
fn sub(s: &str, from: &str, to: &str) -> String {
    replace_first(s.as_bytes(), from.as_bytes(), to.as_bytes()).map_or_else(
        || s.to_owned(),
        |b| String::from_utf8_lossy(&b).into_owned(),
    )
}

const BLOCK_SEP: &str = "\n    },\n    {\n";

/// The artifact blocks of a canonical seal: the text before the first block, each block (from
/// `    {` to `    }`), and the text after the last one.
fn blocks(seal: &str) -> Option<(String, Vec<String>, String)> {
    const OPEN: &str = "\"artifacts\": [\n";
    let start = seal.find(OPEN)? + OPEN.len();
    let end = start + seal[start..].find("\n  ]")?;
    let pieces: Vec<&str> = seal[start..end].split(BLOCK_SEP).collect();
    let n = pieces.len();
    let blocks = pieces
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let head = if i > 0 { "    {\n" } else { "" };
            let tail = if i + 1 < n { "\n    }" } else { "" };
            format!("{head}{p}{tail}")
        })
        .collect();
    Some((seal[..start].to_owned(), blocks, seal[end..].to_owned()))
}

fn join(head: &str, blocks: &[String], tail: &str) -> String {
    format!("{head}{}{tail}", blocks.join(",\n"))
}

/// Rewrites the list of artifact blocks.
fn with_blocks(seal: String, edit: impl FnOnce(&mut Vec<String>)) -> String {
    match blocks(&seal) {
        Some((head, mut b, tail)) => {
            edit(&mut b);
            join(&head, &b, &tail)
        }
        None => seal,
    }
}

fn path_line(path: &str) -> String {
    format!("\"path\": \"{path}\",")
}

/// Index of the block of the artifact at `path`.
fn block_of(blocks: &[String], path: &str) -> Option<usize> {
    let line = path_line(path);
    blocks.iter().position(|b| b.contains(&line))
}

/// Replaces the value of member `field` inside the block of `path` (the first line whose
/// trimmed text starts with `"field": `), keeping the line's trailing comma.
fn set_field(seal: String, path: &str, field: &str, value: &str) -> String {
    let path = path.to_owned();
    let field = format!("\"{field}\": ");
    let value = value.to_owned();
    with_blocks(seal, move |b| {
        if let Some(i) = block_of(b, &path) {
            let mut done = false;
            let lines: Vec<String> = b[i]
                .split('\n')
                .map(|line| {
                    let trimmed = line.trim_start();
                    match trimmed.strip_prefix(&field) {
                        Some(rest) if !done => {
                            done = true;
                            let indent = &line[..line.len() - trimmed.len()];
                            let comma = if rest.ends_with(',') { "," } else { "" };
                            format!("{indent}{field}{value}{comma}")
                        }
                        _ => line.to_owned(),
                    }
                })
                .collect();
            b[i] = lines.join("\n");
        }
    })
}

/// The string value of member `field` in the block of `path`.
fn get_field(seal: &str, path: &str, field: &str) -> Option<String> {
    let (_, b, _) = blocks(seal)?;
    let block = &b[block_of(&b, path)?];
    let key = format!("\"{field}\": ");
    let line = block
        .split('\n')
        .find(|l| l.trim_start().starts_with(&key))?;
    let value = line.trim_start()[key.len()..].trim_end_matches(',');
    Some(value.trim_matches('"').to_owned())
}

/// Inserts `member` (a `"key": value` text) as a new line, with its comma, right before the
/// line that holds `anchor` (a member line).
fn insert_before(seal: &str, anchor: &str, member: &str) -> String {
    let Some(at) = seal.find(anchor) else {
        return seal.to_owned();
    };
    let line_start = seal[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = seal[line_start..]
        .chars()
        .take_while(|c| *c == ' ')
        .collect();
    format!(
        "{}{indent}{member},\n{}",
        &seal[..line_start],
        &seal[line_start..]
    )
}

/// The block with the first digit of its `sha256` changed.
fn flip_block_sha(block: &str) -> String {
    let key = "\"sha256\": \"";
    match block.find(key) {
        Some(i) => {
            let at = i + key.len();
            let c = if block[at..].starts_with('f') {
                "0"
            } else {
                "f"
            };
            format!("{}{c}{}", &block[..at], &block[at + 1..])
        }
        None => block.to_owned(),
    }
}

/// The first `n` bytes of an ASCII string (all of it when shorter).
fn pre(s: &str, n: usize) -> &str {
    s.get(..n).unwrap_or(s)
}

/// The seal's `mac` value (with its `hmac-sha256:` prefix).
fn mac_of(seal: &str) -> Option<String> {
    let key = "\"mac\": \"";
    let start = seal.find(key)? + key.len();
    let end = start + seal[start..].find('"')?;
    Some(seal[start..end].to_owned())
}

fn set_mac(seal: String, mac: &str) -> String {
    match mac_of(&seal) {
        Some(old) => sub(&seal, &format!("\"{old}\""), &format!("\"{mac}\"")),
        None => seal,
    }
}

/// Removes the `mac` member (the last one: the comma before it goes too).
fn strip_mac(seal: String) -> String {
    match mac_of(&seal) {
        Some(old) => sub(&seal, &format!(",\n  \"mac\": \"{old}\""), ""),
        None => seal,
    }
}

const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `tag` with the character at `i` changed to another base64url character.
fn flip_char(tag: &str, i: usize) -> String {
    let mut b = tag.as_bytes().to_vec();
    if let Some(c) = b.get_mut(i) {
        let at = B64URL.iter().position(|x| x == c).unwrap_or(0);
        *c = B64URL[(at + 1 + (at % 7)) % 64];
        if *c == tag.as_bytes()[i] {
            *c = B64URL[(at + 1) % 64];
        }
    }
    String::from_utf8(b).unwrap_or_default()
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

/// Non-ASCII characters as `\uXXXX` escapes (Python's `ensure_ascii`), lower or upper hex.
fn ensure_ascii(s: &str, upper: bool) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&u_escape(c, upper));
        }
    }
    out
}

/// Every line's leading spaces replaced by `unit` per two spaces.
fn reindent(s: &str, unit: &str) -> String {
    s.split('\n')
        .map(|line| {
            let n = line.len() - line.trim_start_matches(' ').len();
            format!("{}{}", unit.repeat(n / 2), &line[n..])
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The canonical form with no whitespace between tokens (the seal holds no string with `": `).
fn minify(s: &str) -> String {
    s.split('\n')
        .map(str::trim_start)
        .collect::<String>()
        .replace("\": ", "\":")
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
        let notes_sha = get_field(&honest, NOTES, "sha256").unwrap_or_default();
        let notes_bytes = get_field(&honest, NOTES, "bytes").unwrap_or_default();
        let notes_lf = get_field(&honest, NOTES, "lf_sha256").unwrap_or_default();

        digest_and_length(cases, rng, &fx, &notes_sha, &notes_bytes);
        entries(cases, &fx);
        paths(cases, &fx);
        digests(cases, &fx, &notes_sha, &notes_lf);
        numbers(cases, &fx, &notes_bytes);
        schema(cases, &fx, &notes_bytes);
        versions(cases, &fx);
        reencoded(cases, &fx);
        truncated(cases, rng, &fx, &honest);
        macs(cases, rng, &fx);
        precedence(cases, &fx, &notes_sha, &notes_bytes);
        controls(cases, &fx, &word);
        super::sums::draw(cases, rng);
    }
}

/// Canonical seals that describe another tree: the digest or length of an entry changed.
fn digest_and_length(
    cases: &mut Cases,
    rng: &mut Seeded,
    fx: &Fixture,
    notes_sha: &str,
    notes_bytes: &str,
) {
    let at = rng.below(64);
    let flipped = flip_hex(notes_sha, at);
    cases.add(
        fx.on(Draft::seal(
            "sha256-one-digit-edited",
            "one hex digit of an entry's sha256 was changed and the tree is honest: a validator that trusts the text fingerprints (which still match) passes a seal that names other bytes",
        ))
        .edit_seal(as_text(move |s| set_field(s, NOTES, "sha256", &format!("\"{flipped}\""))))
        .expect([Drift::Content]),
    );
    cases.add(
        fx.on(Draft::seal(
            "sha256-replaced-by-empty-file-digest",
            "the sha256 of an entry is now the digest of the empty file: the bytes on disk are not the bytes this seal names",
        ))
        .edit_seal(as_text(|s| {
            set_field(
                s,
                NOTES,
                "sha256",
                "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"",
            )
        }))
        .expect([Drift::Content]),
    );
    cases.add(
        fx.on(Draft::seal(
            "sha256-swapped-between-entries",
            "the sha256 values of two entries were swapped: a validator that checks the set of digests, not each path's own, passes",
        ))
        .edit_seal(as_text(|s| {
            let a = get_field(&s, NOTES, "sha256").unwrap_or_default();
            let b = get_field(&s, CAFE, "sha256").unwrap_or_default();
            let s = set_field(s, NOTES, "sha256", &format!("\"{b}\""));
            set_field(s, CAFE, "sha256", &format!("\"{a}\""))
        }))
        .expect([Drift::Content]),
    );
    cases.add(
        fx.on(Draft::seal(
            "sha256-edited-binary-entry",
            "the sha256 of a file that is not text was edited: no text layer can explain it, the raw digest must be compared",
        ))
        .edit_seal(as_text(|s| {
            let d = get_field(&s, TOOL, "sha256").unwrap_or_default();
            set_field(s, TOOL, "sha256", &format!("\"{}\"", flip_hex(&d, 0)))
        }))
        .expect([Drift::Content]),
    );
    cases.add(
        fx.on(Draft::seal(
            "sha256-edited-json-entry",
            "the sha256 of a JSON file was edited while its canonical JSON digest still matches: the raw bytes decide, not the JSON value",
        ))
        .edit_seal(as_text(|s| {
            let d = get_field(&s, CONFIG, "sha256").unwrap_or_default();
            set_field(s, CONFIG, "sha256", &format!("\"{}\"", flip_hex(&d, 63)))
        }))
        .expect([Drift::Content]),
    );
    cases.add(
        fx.on(Draft::seal(
            "sha256-edited-nfd-entry",
            "the sha256 of an entry with an NFD name was edited: a validator that cannot open NFD names and skips them passes",
        ))
        .edit_seal(as_text(|s| {
            let d = get_field(&s, RESUME_NFD, "sha256").unwrap_or_default();
            set_field(s, RESUME_NFD, "sha256", &format!("\"{}\"", flip_hex(&d, 31)))
        }))
        .expect([Drift::Content]),
    );
    let flipped = flip_hex(notes_sha, 10);
    cases.add(
        fx.on(Draft::seal(
            "sha256-edited-signed-without-key",
            "a signed seal had a digest edited and no key is handed over: the MAC is not checked, but the digest still must be",
        ))
        .signed_without_key()
        .edit_seal(as_text(move |s| set_field(s, NOTES, "sha256", &format!("\"{flipped}\""))))
        .expect([Drift::Content]),
    );
    let n: u64 = notes_bytes.parse().unwrap_or(1);
    for (name, why, value) in [
        (
            "bytes-plus-one",
            "the sealed length is one more than the file's, with the right digest: a validator that hashes the file and ignores the length passes",
            n + 1,
        ),
        (
            "bytes-minus-one",
            "the sealed length is one less than the file's: a validator that reads only the sealed length and hashes that prefix must still see the extra byte",
            n - 1,
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
                .edit_seal(as_text(move |s| {
                    set_field(s, NOTES, "bytes", &value.to_string())
                }))
                .expect([Drift::Content]),
        );
    }
    cases.add(
        fx.on(Draft::seal(
            "bytes-and-sha256-from-another-entry",
            "an entry's length and digest were copied from another entry while its text layer still fits the file: the bytes at this path are not the ones named (the README's diagnosis for same text, other length: final-newline)",
        ))
        .edit_seal(as_text(|s| {
            let d = get_field(&s, NOTES, "sha256").unwrap_or_default();
            let b = get_field(&s, NOTES, "bytes").unwrap_or_default();
            let s = set_field(s, CAFE, "sha256", &format!("\"{d}\""));
            set_field(s, CAFE, "bytes", &b)
        }))
        .expect([Drift::FinalNewline]),
    );
}

/// Entries removed, repeated or renamed.
fn entries(cases: &mut Cases, fx: &Fixture) {
    let without_notes = honest_seal(&fx.without(NOTES), &fx.complete, None).unwrap_or_default();
    cases.add(
        fx.on(Draft::seal(
            "entry-removed-from-complete-folder",
            "an entry was removed from a seal whose folder is declared complete: the file is still on disk and is now unsealed",
        ))
        .seal_bytes(without_notes)
        .expect([Drift::Unsealed]),
    );
    let without_nfd = honest_seal(&fx.without(RESUME_NFD), &fx.complete, None).unwrap_or_default();
    cases.add(
        fx.on(Draft::seal(
            "entry-removed-nfd-name-from-complete-folder",
            "the entry of a file with an NFD name was removed from a complete folder: a validator that lists folders through a normalizing layer misses the unsealed file",
        ))
        .seal_bytes(without_nfd)
        .expect([Drift::Unsealed]),
    );
    let without_tool = honest_seal(&fx.without(TOOL), &fx.complete, None).unwrap_or_default();
    cases.add(
        fx.on(Draft::seal(
            "entry-removed-binary-from-complete-folder",
            "the only entry of a complete folder was removed: the folder is declared complete, so its file is unsealed",
        ))
        .seal_bytes(without_tool)
        .expect([Drift::Unsealed]),
    );
    let root = [".".to_owned()];
    let whole = honest_seal(&fx.without(README), &root, None).unwrap_or_default();
    cases.add(
        fx.on(Draft::seal(
            "entry-removed-from-complete-root",
            "an entry at the top was removed from a seal that declares the whole root complete (`.`)",
        ))
        .complete(".")
        .seal_bytes(whole)
        .expect([Drift::Unsealed]),
    );
    let none = honest_seal(&BTreeMap::new(), &fx.complete, None).unwrap_or_default();
    cases.add(
        fx.on(Draft::seal(
            "every-entry-removed-complete-kept",
            "a seal that lists no artifact but still declares folders complete: every file in them is unsealed, a validator that passes an empty list passes anything",
        ))
        .seal_bytes(none)
        .expect([Drift::Unsealed]),
    );
    let resigned =
        honest_seal(&fx.without(NOTES), &fx.complete, Some(&probe_key())).unwrap_or_default();
    cases.add(
        fx.on(Draft::seal(
            "entry-removed-resigned-keyed",
            "an entry was removed and the seal signed again with the key: the MAC verifies, and the file it left out is still unsealed; a valid MAC is not a pass",
        ))
        .keyed()
        .seal_bytes(resigned)
        .expect([Drift::Unsealed]),
    );
    cases.add(
        fx.on(Draft::seal(
            "entry-removed-from-keyed-seal",
            "an entry was cut out of a keyed seal checked with the key: the MAC no longer verifies",
        ))
        .keyed()
        .edit_seal(as_text(|s| {
            with_blocks(s, |b| {
                if let Some(i) = block_of(b, NOTES) {
                    b.remove(i);
                }
            })
        }))
        .expect([SealErrorClass::Mac]),
    );
    cases.add(
        fx.on(Draft::seal(
            "entry-repeated",
            "an entry appears twice: a validator that builds a map keeps one copy and never sees that the seal is ambiguous",
        ))
        .edit_seal(as_text(|s| {
            with_blocks(s, |b| {
                if let Some(i) = block_of(b, NOTES) {
                    let copy = b[i].clone();
                    b.insert(i + 1, copy);
                }
            })
        }))
        .expect([SealErrorClass::Path]),
    );
    cases.add(
        fx.on(Draft::seal(
            "entry-repeated-with-other-digest",
            "an entry appears twice, the second copy with another digest: first-wins and last-wins validators read different seals",
        ))
        .edit_seal(as_text(|s| {
            with_blocks(s, |b| {
                if let Some(i) = block_of(b, NOTES) {
                    let copy = flip_block_sha(&b[i]);
                    b.insert(i + 1, copy);
                }
            })
        }))
        .expect([SealErrorClass::Path]),
    );
    cases.add(
        fx.on(Draft::seal(
            "entry-repeated-last",
            "the last entry appears twice at the end of the list: a validator that deduplicates silently accepts an ambiguous seal",
        ))
        .edit_seal(as_text(|s| {
            with_blocks(s, |b| {
                if let Some(last) = b.last().cloned() {
                    b.push(last);
                }
            })
        }))
        .expect([SealErrorClass::Path]),
    );
    cases.add(
        fx.on(Draft::seal(
            "entry-repeated-keyed",
            "an entry appears twice in a keyed seal checked with the key: the seal is refused for its paths before any MAC is computed",
        ))
        .keyed()
        .edit_seal(as_text(|s| {
            with_blocks(s, |b| {
                if let Some(i) = block_of(b, CAFE) {
                    let copy = b[i].clone();
                    b.insert(i, copy);
                }
            })
        }))
        .expect([SealErrorClass::Path]),
    );
    cases.add(
        fx.on(Draft::seal(
            "entry-renamed-to-missing-path",
            "an entry's path was renamed to a file that does not exist: the renamed path is missing and the real file is unsealed in its complete folder",
        ))
        .edit_seal(as_text(|s| sub(&s, &path_line(NOTES), &path_line("docs/nz-notes.md"))))
        .expect([Drift::Missing, Drift::Unsealed]),
    );
    cases.add(
        fx.on(Draft::seal(
            "entry-renamed-case-changed",
            "an entry's path differs from the file's name only in case: on a case-sensitive system the sealed file is not there",
        ))
        .edit_seal(as_text(|s| sub(&s, &path_line(NOTES), &path_line("docs/nOTES.md"))))
        .expect([Drift::PathUnicode, Drift::Unsealed]),
    );
    cases.add(
        fx.on(Draft::seal(
            "entry-renamed-nfc-to-nfd",
            "an entry's NFC path was rewritten in NFD: the bytes of the name differ, a validator that normalizes names opens the wrong file",
        ))
        .edit_seal(as_text(|s| sub(&s, &path_line(CAFE), &path_line(CAFE_NFD))))
        .expect([Drift::PathUnicode, Drift::Unsealed]),
    );
    cases.add(
        Draft::seal(
            "entry-renamed-to-folder",
            "an entry's path now names a folder: a validator that hashes a folder as empty, or skips it, passes",
        )
        .file("docs/sub/config.json", b"{\"a\": 1}\n".to_vec())
        .file("docs/readme.md", b"readme\n".to_vec())
        .edit_seal(as_text(|s| {
            sub(&s, &path_line("docs/sub/config.json"), &path_line("docs/sub"))
        }))
        .expect([Drift::NotRegular]),
    );
}

/// Every bad path form of SPEC 3.1, each in place of an honest path.
fn paths(cases: &mut Cases, fx: &Fixture) {
    // (name, the path as written in the JSON string, why)
    let bad: &[(&str, &str, &str)] = &[
        (
            "path-absolute",
            "/docs/notes.md",
            "an absolute path: a validator that joins it to the root opens a file outside it",
        ),
        (
            "path-absolute-etc-passwd",
            "/etc/passwd",
            "an absolute path to a system file (`/etc/passwd`): a validator that joins it to the root hashes a file outside it",
        ),
        (
            "path-drive-letter",
            "C:/docs/notes.md",
            "a Windows drive letter (`C:/`): a validator that joins it on Windows opens a file outside the root",
        ),
        (
            "path-drive-letter-relative",
            "c:docs/notes.md",
            "a drive-relative Windows path (`c:docs`): on Windows it names a folder on drive C, not below the root",
        ),
        (
            "path-backslash",
            "docs\\\\notes.md",
            "a backslash separator: on Windows it is a folder, elsewhere part of a name, so the seal is ambiguous",
        ),
        (
            "path-backslash-dotdot",
            "docs\\\\..\\\\..\\\\secret.md",
            "backslash `..` segments: a validator that splits only on `/` lets Windows climb out",
        ),
        (
            "path-dot-segment",
            "docs/./notes.md",
            "a `.` segment: a validator that normalizes it lets one file have two seal paths",
        ),
        (
            "path-leading-dot",
            "./docs/notes.md",
            "a leading `./`: a validator that strips it lets one file have many seal paths",
        ),
        (
            "path-trailing-dot",
            "docs/notes.md/.",
            "a trailing `/.` segment: a validator that normalizes it opens the file through a second spelling",
        ),
        (
            "path-dotdot-inside",
            "docs/../docs/notes.md",
            "a `..` segment that comes back: still a `..`, and a lexical check must refuse it",
        ),
        (
            "path-dotdot-escape",
            "../outside.md",
            "a leading `..`: a validator that joins it to the root hashes a file outside it",
        ),
        (
            "path-dotdot-only",
            "..",
            "the path is `..` itself: a validator that opens it reads the root's parent",
        ),
        (
            "path-empty-segment",
            "docs//notes.md",
            "an empty segment (`//`): a validator that collapses it lets one file have two seal paths",
        ),
        (
            "path-trailing-slash",
            "docs/notes.md/",
            "a trailing slash: an empty last segment, which a validator that strips slashes accepts",
        ),
        (
            "path-empty",
            "",
            "an empty path: joined to the root it names the root itself, a folder some validators hash as empty",
        ),
        (
            "path-nul-escaped",
            "docs/notes\\u0000.md",
            "a NUL (escaped `\\u0000`) in a path: C-string APIs cut the name there and open another file",
        ),
        (
            "path-escape-character",
            "docs/\\u001bnotes.md",
            "an ESC (`\\u001b`) in a path: a validator that prints the name sends terminal escapes to the log",
        ),
        (
            "path-newline",
            "docs/notes\\n.md",
            "a newline (`\\n`) in a path: line-based tools and logs split the name, so a report can forge a line",
        ),
        (
            "path-tab",
            "docs/\\tnotes.md",
            "a tab (`\\t`) in a path: a control character a validator that checks only NUL accepts",
        ),
        (
            "path-del",
            "docs/notes\u{7f}.md",
            "a raw DEL (U+007F) in a path: JSON allows it in a string, a seal path does not",
        ),
        (
            "path-c1-control",
            "docs/notes\u{85}.md",
            "a raw C1 control (U+0085, NEL) in a path: a check that stops at U+001F misses it",
        ),
        (
            "path-bidi-override",
            "docs/\u{202e}dm.seton",
            "a right-to-left override (U+202E) in a path: the name shows reversed on screen, so a reviewer reads another file name",
        ),
        (
            "path-bidi-isolate",
            "docs/\u{2067}notes.md",
            "a bidi isolate (U+2067) in a path: the name shows reordered on screen, a check that knows only the overrides misses it",
        ),
        (
            "path-bidi-mark",
            "docs/notes\u{200f}.md",
            "a right-to-left mark (U+200F) in a path: an invisible bidi control, so the name on screen is not the name on disk",
        ),
        (
            "path-arabic-letter-mark",
            "docs/\u{61c}notes.md",
            "an Arabic letter mark (U+061C) in a path: a bidi control outside the U+2000 block, which a range check on U+200E..U+202E misses",
        ),
        (
            "path-dotdot-escaped",
            "\\u002e\\u002e/outside.md",
            "`..` written as `\\u002e\\u002e`: a check on the raw JSON text misses it, the decoded path leaves the root",
        ),
        (
            "path-slash-escaped-dotdot",
            "docs\\u002f..\\u002f..\\u002fsecret.md",
            "`/../` with the slashes escaped as `\\u002f`: the decoded path climbs out of the root",
        ),
        (
            "path-backslash-escaped-unicode",
            "docs\\u005cnotes.md",
            "a backslash written as `\\u005c`: a check on the raw JSON text misses it, the decoded path holds a backslash",
        ),
    ];
    for (name, path, why) in bad {
        let line = path_line(path);
        cases.add(
            fx.on(Draft::seal(name, why))
                .edit_seal(as_text(move |s| sub(&s, &path_line(NOTES), &line)))
                .expect([SealErrorClass::Path]),
        );
    }
    // Paths out of the root to the honest copy in outside/ (SPEC 7.1) while the file drifted: a
    // validator that follows them checks the copy and passes.
    for (name, to, why) in [
        (
            "path-dotdot-to-honest-copy",
            super::sums::DOTDOT,
            "the drifted file's entry points at ../outside/, where an honest copy lies: a validator that follows `..` hashes the copy and passes",
        ),
        (
            "path-absolute-to-honest-copy",
            super::sums::ABSOLUTE,
            "the drifted file's entry is an absolute path to an honest copy outside the root: a validator that follows it hashes the copy and passes",
        ),
    ] {
        let line = path_line(&format!("{to}{NOTES}"));
        let drifted = [fx.files[NOTES].as_slice(), b"drifted after sealing\n"].concat();
        cases.add(
            fx.on(Draft::seal(name, why))
                .write(NOTES, drifted)
                .edit_seal(as_text(move |s| sub(&s, &path_line(NOTES), &line)))
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
        let (of, twin) = ((*of).to_owned(), (*twin).to_owned());
        cases.add(
            fx.on(Draft::seal(name, why))
                .edit_seal(as_text(move |s| {
                    with_blocks(s, |b| {
                        if let Some(i) = block_of(b, &of) {
                            let copy = b[i].replace(&path_line(&of), &path_line(&twin));
                            b.insert(i + 1, copy);
                        }
                    })
                }))
                .expect([SealErrorClass::Path]),
        );
    }
    // Twins only full Unicode case folding finds (CaseFolding.txt status F and C).
    for (name, path, twin, why) in [
        (
            "path-sharp-s-twin",
            "docs/stra\u{df}e.md",
            "docs/STRASSE.md",
            "`stra\u{df}e` and `STRASSE` are equal after full case folding (\u{df} folds to `ss`): a validator that only lower-cases misses the twin",
        ),
        (
            "path-ligature-twin",
            "docs/\u{fb01}le.md",
            "docs/FILE.md",
            "the `\u{fb01}` ligature folds to `fi`: `\u{fb01}le` and `FILE` are one name after case folding",
        ),
        (
            "path-kelvin-sign-twin",
            "docs/\u{212a}elvin.md",
            "docs/kelvin.md",
            "the Kelvin sign (U+212A) is K after NFC: `\u{212a}elvin` and `kelvin` are one name",
        ),
        (
            "path-final-sigma-twin",
            "docs/\u{3bf}\u{3c2}.md",
            "docs/\u{3bf}\u{3c3}.md",
            "Greek final sigma folds to sigma: `\u{3bf}\u{3c2}` and `\u{3bf}\u{3c3}` are one name after case folding",
        ),
    ] {
        let (p, t) = (path.to_owned(), twin.to_owned());
        cases.add(
            Draft::seal(name, why)
                .file(path, b"twin\n".to_vec())
                .file("docs/other.md", b"other\n".to_vec())
                .edit_seal(as_text(move |s| {
                    with_blocks(s, |b| {
                        if let Some(i) = block_of(b, &p) {
                            let copy = b[i].replace(&path_line(&p), &path_line(&t));
                            b.push(copy);
                        }
                    })
                }))
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
            "bin\\\\..",
            "a complete folder with a backslash (`bin\\..`): on Windows it climbs out of the root",
        ),
    ] {
        cases.add(
            fx.on(Draft::seal(name, why))
                .edit_seal(as_text(move |s| {
                    sub(&s, "    \"bin\",\n", &format!("    \"{folder}\",\n"))
                }))
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
                .edit_seal(as_text(move |s| {
                    set_field(s, NOTES, "sha256", &format!("\"{value}\""))
                }))
                .expect([SealErrorClass::Digest]),
        );
    }
    let lf_upper = notes_lf.to_uppercase();
    cases.add(
        fx.on(Draft::seal(
            "lf-digest-uppercase",
            "an upper-case lf_sha256: every digest of the seal is held to the spelling, not only the raw one",
        ))
        .edit_seal(as_text(move |s| set_field(s, NOTES, "lf_sha256", &format!("\"{lf_upper}\""))))
        .expect([SealErrorClass::Digest]),
    );
    cases.add(
        fx.on(Draft::seal(
            "skeleton-digest-short",
            "a 32-digit skeleton_sha256 (an MD5-sized value): a validator that never reads the text layer misses it",
        ))
        .edit_seal(as_text(|s| {
            let d = get_field(&s, NOTES, "skeleton_sha256").unwrap_or_default();
            set_field(s, NOTES, "skeleton_sha256", &format!("\"{}\"", &d[..32.min(d.len())]))
        }))
        .expect([SealErrorClass::Digest]),
    );
    cases.add(
        fx.on(Draft::seal(
            "json-digest-not-hex",
            "a canonical_sha256 with a non-hex character in the JSON layer: a validator that never reads the JSON layer misses a malformed seal",
        ))
        .edit_seal(as_text(|s| {
            let d = get_field(&s, CONFIG, "canonical_sha256").unwrap_or_default();
            let bad = format!("z{}", &d[1.min(d.len())..]);
            set_field(s, CONFIG, "canonical_sha256", &format!("\"{bad}\""))
        }))
        .expect([SealErrorClass::Digest]),
    );
}

/// `bytes` values that are not plain integers in range.
fn numbers(cases: &mut Cases, fx: &Fixture, notes_bytes: &str) {
    let n: u64 = notes_bytes.parse().unwrap_or(1);
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
                .edit_seal(as_text(move |s| set_field(s, NOTES, "bytes", &value)))
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
                .edit_seal(as_text(move |s| set_field(s, NOTES, "bytes", &value)))
                .expect([SealErrorClass::Syntax]),
        );
    }
}

/// Unknown, missing, repeated and wrongly typed fields.
fn schema(cases: &mut Cases, fx: &Fixture, notes_bytes: &str) {
    let bytes_line = format!("\"bytes\": {notes_bytes},");
    let notes_path = path_line(NOTES);
    for (name, after, member, why) in [
        (
            "unknown-top-level-field",
            "\"complete\": [",
            "\"comment\": \"sealed by hand\"",
            "an unknown top-level field: a validator that ignores unknown fields accepts fields it cannot check",
        ),
        (
            "unknown-artifact-field",
            notes_path.as_str(),
            "\"mode\": 420",
            "an unknown field in an entry (`mode`): it claims something the validator never checks",
        ),
        (
            "unknown-field-skip",
            notes_path.as_str(),
            "\"skip\": true",
            "an unknown `skip: true` in an entry: a validator that ignores unknown fields lets a future format turn checks off",
        ),
        (
            "unknown-text-field",
            "\"eol\": \"lf\"",
            "\"encoding\": \"utf-8\"",
            "an unknown field in the text layer: a validator that ignores unknown fields at depth 4 accepts claims it never checks",
        ),
        (
            "unknown-json-field",
            "\"canonical_sha256\"",
            "\"scheme\": \"jcs\"",
            "an unknown field in the JSON layer: a validator that ignores unknown fields at depth 4 accepts claims it never checks",
        ),
    ] {
        let (after, member) = (after.to_owned(), member.to_owned());
        cases.add(
            fx.on(Draft::seal(name, why))
                .edit_seal(as_text(move |s| insert_before(&s, &after, &member)))
                .expect([SealErrorClass::Schema]),
        );
    }
    let token_name = "cutover.0123456789abcdef.1900000000.c2VhbHByb2JlLXNlYWwtdGFtcGVy";
    let member = format!("\"{token_name}\": true");
    cases.add(
        fx.on(Draft::seal(
            "unknown-field-with-token-shaped-name",
            "an unknown field whose name is a production grant body: the seal is refused for its schema, and the name must not be echoed",
        ))
        .canary(token_name)
        .edit_seal(as_text(move |s| insert_before(&s, "\"complete\": [", &member)))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "missing-sha256",
            "an entry without its sha256: a validator that checks only the fields present checks nothing but the length",
        ))
        .edit_seal(as_text(|s| {
            let d = get_field(&s, NOTES, "sha256").unwrap_or_default();
            sub(&s, &format!("\n      \"sha256\": \"{d}\","), "")
        }))
        .expect([SealErrorClass::Schema]),
    );
    let bl = bytes_line.clone();
    cases.add(
        fx.on(Draft::seal(
            "missing-bytes",
            "an entry without its length: an endless file can then never be cut off at the sealed length",
        ))
        .edit_seal(as_text(move |s| sub(&s, &format!("{bl}\n      {}", path_line(NOTES)), &path_line(NOTES))))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "missing-artifacts",
            "a seal without its `artifacts` list, complete folders kept: a validator that defaults a missing list to empty checks nothing it should",
        ))
        .edit_seal(as_text(|s| {
            match (s.find("  \"artifacts\": ["), s.find("  \"complete\"")) {
                (Some(a), Some(c)) if a < c => format!("{}{}", &s[..a], &s[c..]),
                _ => s,
            }
        }))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "text-bom-as-string",
            "a boolean of the text layer written as the string \"false\": truthy in many languages",
        ))
        .edit_seal(as_text(|s| sub(&s, "\"bom\": false", "\"bom\": \"false\"")))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "text-eol-unknown-value",
            "a line-ending style outside the closed set (`unix`): a validator that ignores unknown values accepts fields it cannot interpret",
        ))
        .edit_seal(as_text(|s| sub(&s, "\"eol\": \"lf\"", "\"eol\": \"unix\"")))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "artifacts-as-object",
            "`artifacts` is an object, not a list: a validator that iterates whatever it finds checks nothing",
        ))
        .seal_bytes(
            "{\n  \"artifacts\": {},\n  \"complete\": [\n    \"docs\"\n  ],\n  \"format\": \"sealprobe-seal/1\"\n}\n",
        )
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "seal-is-a-list",
            "the seal is a JSON list, not an object: a validator that looks fields up leniently finds none and may not refuse",
        ))
        .seal_bytes("[\n  \"sealprobe-seal/1\"\n]\n")
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "seal-checks-nothing",
            "a seal with no artifact and no complete folder: it checks nothing, so it must not pass",
        ))
        .seal_bytes("{\n  \"artifacts\": [],\n  \"format\": \"sealprobe-seal/1\"\n}\n")
        .expect([SealErrorClass::Schema]),
    );
    // Repeated JSON keys: first-wins and last-wins parsers read different seals.
    let bl = bytes_line.clone();
    cases.add(
        fx.on(Draft::seal(
            "repeated-key-bytes",
            "an entry holds `bytes` twice with different values: a parser that keeps one copy reads a seal the other copy contradicts",
        ))
        .edit_seal(as_text(move |s| sub(&s, &bl, &format!("{bl}\n      \"bytes\": 1,"))))
        .expect([SealErrorClass::Schema]),
    );
    let pl = path_line(NOTES);
    cases.add(
        fx.on(Draft::seal(
            "repeated-key-path",
            "an entry holds `path` twice: a last-wins parser checks /etc/passwd, a first-wins one the sealed file",
        ))
        .edit_seal(as_text(move |s| sub(&s, &pl, &format!("{pl}\n      \"path\": \"/etc/passwd\","))))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "repeated-key-format",
            "the top-level `format` appears twice, once as version 2: first-wins and last-wins parsers disagree on the version",
        ))
        .edit_seal(as_text(|s| {
            sub(
                &s,
                "  \"format\": \"sealprobe-seal/1\"",
                "  \"format\": \"sealprobe-seal/2\",\n  \"format\": \"sealprobe-seal/1\"",
            )
        }))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "repeated-key-same-value",
            "an entry holds `sha256` twice with the same value: still a repeated key, still refused",
        ))
        .edit_seal(as_text(|s| {
            let d = get_field(&s, NOTES, "sha256").unwrap_or_default();
            let line = format!("\"sha256\": \"{d}\",");
            sub(&s, &line, &format!("{line}\n      {line}"))
        }))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "repeated-key-in-text-layer",
            "the text layer holds `final_newline` twice (depth 4): a parser that checks repeats only at the top accepts it",
        ))
        .edit_seal(as_text(|s| {
            sub(
                &s,
                "\"final_newline\": true,",
                "\"final_newline\": true,\n        \"final_newline\": false,",
            )
        }))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "repeated-key-mac",
            "a keyed seal holds `mac` twice: one copy verifies, the other is what a last-wins parser checks",
        ))
        .keyed()
        .edit_seal(as_text(|s| {
            let mac = mac_of(&s).unwrap_or_default();
            let other = flip_char(&mac, 20);
            sub(
                &s,
                &format!("  \"mac\": \"{mac}\""),
                &format!("  \"mac\": \"{other}\",\n  \"mac\": \"{mac}\""),
            )
        }))
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
                .edit_seal(as_text(move |s| {
                    sub(
                        &s,
                        "\"format\": \"sealprobe-seal/1\"",
                        &format!("\"format\": \"{format}\""),
                    )
                }))
                .expect([SealErrorClass::Version]),
        );
    }
    cases.add(
        fx.on(Draft::seal(
            "version-missing",
            "a seal without `format`: a missing field is a schema error, never an implicit version 1",
        ))
        .edit_seal(as_text(|s| {
            sub(&s, "  ],\n  \"format\": \"sealprobe-seal/1\"\n}", "  ]\n}")
        }))
        .expect([SealErrorClass::Schema]),
    );
}

/// The seal re-encoded by another tool: same value, other bytes.
fn reencoded(cases: &mut Cases, fx: &Fixture) {
    type Edit = fn(String) -> String;
    let text_edits: &[(&str, &str, Edit)] = &[
        (
            "reencoded-crlf",
            "the seal saved with CRLF line endings: a validator that parses JSON and compares values accepts a seal with two spellings",
            |s| s.replace('\n', "\r\n"),
        ),
        (
            "reencoded-ensure-ascii",
            "the seal re-encoded with escaped non-ASCII (`\\u00e9`), as Python's default json.dumps does",
            |s| ensure_ascii(&s, false),
        ),
        (
            "reencoded-ensure-ascii-upper-hex",
            "non-ASCII escaped with upper-case hex (`\\u00E9`): the same value, other bytes, so a value-comparing validator accepts it",
            |s| ensure_ascii(&s, true),
        ),
        (
            "reencoded-indent-4",
            "the seal re-indented with four spaces: a validator that compares parsed values accepts a seal with many spellings",
            |s| reindent(&s, "    "),
        ),
        (
            "reencoded-tab-indent",
            "the seal re-indented with tabs: the same value, other bytes",
            |s| reindent(&s, "\t"),
        ),
        (
            "reencoded-minified",
            "the seal minified onto one line: the same value, so only a byte-for-byte canonical check refuses it",
            |s| format!("{}\n", minify(&s)),
        ),
        (
            "reencoded-key-order-in-entry",
            "`sha256` before `path` in an entry: keys out of byte order, which a value-comparing validator never notices",
            |s| {
                let d = get_field(&s, NOTES, "sha256").unwrap_or_default();
                let sha = format!("\"sha256\": \"{d}\",");
                let pl = path_line(NOTES);
                sub(
                    &s,
                    &format!("{pl}\n      {sha}"),
                    &format!("{sha}\n      {pl}"),
                )
            },
        ),
        (
            "reencoded-key-order-in-text",
            "`eol` before `bom` in the text layer: keys out of byte order at depth 4",
            |s| {
                sub(
                    &s,
                    "\"bom\": false,\n        \"eol\": \"lf\",",
                    "\"eol\": \"lf\",\n        \"bom\": false,",
                )
            },
        ),
        (
            "reencoded-key-order-top-level",
            "`format` written before `artifacts`: top-level keys out of byte order",
            |s| {
                let s = sub(&s, ",\n  \"format\": \"sealprobe-seal/1\"\n}", "\n}");
                sub(
                    &s,
                    "{\n  \"artifacts\"",
                    "{\n  \"format\": \"sealprobe-seal/1\",\n  \"artifacts\"",
                )
            },
        ),
        (
            "reencoded-unsorted-artifacts",
            "the first two entries swapped: artifacts must be sorted by path, a validator that builds a map never notices",
            |s| {
                with_blocks(s, |b| {
                    if b.len() > 1 {
                        b.swap(0, 1);
                    }
                })
            },
        ),
        (
            "reencoded-unsorted-complete",
            "the complete folders listed out of order: a validator that reads them into a set never notices",
            |s| {
                sub(
                    &s,
                    "    \"bin\",\n    \"docs\"\n",
                    "    \"docs\",\n    \"bin\"\n",
                )
            },
        ),
        (
            "reencoded-no-final-newline",
            "the final newline removed: a validator that trims before comparing accepts a second spelling",
            |s| s.trim_end_matches('\n').to_owned(),
        ),
        (
            "reencoded-two-final-newlines",
            "an extra newline after the document: a validator that trims before comparing accepts it",
            |s| format!("{s}\n"),
        ),
        (
            "reencoded-trailing-space",
            "a space at the end of one line: invisible in an editor, still not the canonical bytes",
            |s| sub(&s, "\"bin\",\n", "\"bin\", \n"),
        ),
        (
            "reencoded-space-before-colon",
            "a space before a colon (`\"bytes\" : 29`): valid JSON, not the canonical file form",
            |s| sub(&s, "\"bytes\": ", "\"bytes\" : "),
        ),
        (
            "reencoded-escaped-slash",
            "a path written with escaped slashes (`docs\\/notes.md`): the same value, other bytes",
            |s| sub(&s, &path_line(NOTES), &path_line("docs\\/notes.md")),
        ),
        (
            "reencoded-escaped-ascii-letter",
            "a path with an ASCII letter escaped (`\\u0064ocs`): the same value, so only a byte-for-byte canonical check refuses it",
            |s| sub(&s, &path_line(NOTES), &path_line("\\u0064ocs/notes.md")),
        ),
        (
            "reencoded-leading-whitespace",
            "a newline before the document: valid JSON, not the canonical file form",
            |s| format!("\n{s}"),
        ),
    ];
    for (name, why, edit) in text_edits {
        let edit = *edit;
        cases.add(
            fx.on(Draft::seal(name, why))
                .edit_seal(as_text(edit))
                .expect([SealErrorClass::NonCanonical]),
        );
    }
    cases.add(
        fx.on(Draft::seal(
            "reencoded-bom",
            "the seal saved with a UTF-8 BOM: a BOM-stripping reader sees the canonical text, the bytes are not",
        ))
        .edit_seal(|h| [b"\xEF\xBB\xBF".as_slice(), &h].concat())
        .expect([SealErrorClass::NonCanonical]),
    );
    cases.add(
        fx.on(Draft::seal(
            "reencoded-utf16le",
            "the seal re-encoded as UTF-16LE with a BOM (PowerShell's old default): a reader that decodes by BOM sees the canonical text",
        ))
        .edit_seal(|h| wide(&String::from_utf8_lossy(&h), 2, true, true))
        .expect([SealErrorClass::NonCanonical]),
    );
    cases.add(
        fx.on(Draft::seal(
            "reencoded-crlf-keyed",
            "a keyed seal saved with CRLF, checked with the key: the MAC covers the JCS value (which is unchanged), the file form is still wrong",
        ))
        .keyed()
        .edit_seal(as_text(|s| s.replace('\n', "\r\n")))
        .expect([SealErrorClass::NonCanonical]),
    );
    cases.add(
        fx.on(Draft::seal(
            "reencoded-ensure-ascii-keyed",
            "a keyed seal with escaped non-ASCII, checked with the key: the MAC still verifies over the JCS bytes, and the seal is still not canonical",
        ))
        .keyed()
        .edit_seal(as_text(|s| ensure_ascii(&s, false)))
        .expect([SealErrorClass::NonCanonical]),
    );
}

fn truncated(cases: &mut Cases, rng: &mut Seeded, fx: &Fixture, honest: &str) {
    let len = honest.len();
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
        .edit_seal(|h| {
            let at = h.windows(2).position(|w| w == b"\xC3\xA9").unwrap_or(h.len());
            h[..(at + 1).min(h.len())].to_vec()
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
        .edit_seal(as_text(strip_mac))
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
        .edit_seal(as_text(move |s| {
            let mac = mac_of(&s).unwrap_or_default();
            set_mac(s, &flip_char(&mac, at))
        }))
        .expect([SealErrorClass::Mac]),
    );
    cases.add(
        fx.on(Draft::seal(
            "mac-last-character-flipped",
            "the last character of the MAC changed (a prefix compare of 42 characters passes it)",
        ))
        .keyed()
        .edit_seal(as_text(|s| {
            let mac = mac_of(&s).unwrap_or_default();
            let tag = &mac[12.min(mac.len())..];
            let last = tag.as_bytes().last().copied().unwrap_or(b'A');
            let i = B64URL.iter().position(|c| *c == last).unwrap_or(0);
            // Another character that also leaves the two trailing bits zero.
            let other = B64URL[(i + 4) % 64] as char;
            let new = format!("{}{other}", &mac[..mac.len().saturating_sub(1)]);
            set_mac(s, &new)
        }))
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
    let other = honest_seal(&other_files, &[], Some(&probe_key())).unwrap_or_default();
    let other_mac = mac_of(&String::from_utf8_lossy(&other)).unwrap_or_default();
    cases.add(
        fx.on(Draft::seal(
            "mac-from-another-seal",
            "the MAC was taken from another seal made with the same key: it verifies for that seal, not this one",
        ))
        .keyed()
        .canary(other_mac.clone())
        .edit_seal(as_text(move |s| set_mac(s, &other_mac)))
        .expect([SealErrorClass::Mac]),
    );
    let unsigned = fx.seal(None);
    let over_file_form = SealMac::of(&probe_key(), unsigned.as_bytes()).to_field();
    cases.add(
        fx.on(Draft::seal(
            "mac-over-file-form",
            "the MAC was computed over the file's bytes instead of the JCS form of the seal without `mac`",
        ))
        .keyed()
        .canary(over_file_form.clone())
        .edit_seal(as_text(move |s| set_mac(s, &over_file_form)))
        .expect([SealErrorClass::Mac]),
    );
    cases.add(
        fx.on(Draft::seal(
            "mac-stale-after-digest-edit",
            "a digest was edited in a keyed seal and the MAC kept: a validator that checks the MAC over the original bytes, or not at all, trusts the new digest",
        ))
        .keyed()
        .edit_seal(as_text(|s| {
            let d = get_field(&s, NOTES, "sha256").unwrap_or_default();
            set_field(s, NOTES, "sha256", &format!("\"{}\"", flip_hex(&d, 5)))
        }))
        .expect([SealErrorClass::Mac]),
    );
    cases.add(
        fx.on(Draft::seal(
            "mac-stale-after-text-layer-edit",
            "only the lf_sha256 of a keyed seal was edited: the MAC covers every field, not only the raw digests",
        ))
        .keyed()
        .edit_seal(as_text(|s| {
            let d = get_field(&s, NOTES, "lf_sha256").unwrap_or_default();
            set_field(s, NOTES, "lf_sha256", &format!("\"{}\"", flip_hex(&d, 5)))
        }))
        .expect([SealErrorClass::Mac]),
    );
    cases.add(
        fx.on(Draft::seal(
            "mac-stale-after-complete-removed",
            "the complete folders were removed from a keyed seal: the MAC covers `complete` too",
        ))
        .keyed()
        .edit_seal(as_text(|s| {
            sub(
                &s,
                "  \"complete\": [\n    \"bin\",\n    \"docs\"\n  ],\n",
                "",
            )
        }))
        .expect([SealErrorClass::Mac]),
    );
    cases.add(
        fx.on(Draft::seal(
            "mac-stale-after-entry-renamed",
            "an entry of a keyed seal was renamed: the MAC no longer verifies, and nothing the seal says may be used",
        ))
        .keyed()
        .edit_seal(as_text(|s| sub(&s, &path_line(NOTES), &path_line("docs/nz-notes.md"))))
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
                let mut b = m.as_bytes().to_vec();
                if b.len() > 20 {
                    b[20] = b'+';
                }
                String::from_utf8(b).unwrap_or_default()
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
                    &m[..m.len().saturating_sub(1)],
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
                .edit_seal(as_text(move |s| {
                    let mac = mac_of(&s).unwrap_or_default();
                    set_mac(s, &edit(&mac))
                }))
                .expect([SealErrorClass::Mac]),
        );
    }
    cases.add(
        fx.on(Draft::seal(
            "mac-malformed-without-key",
            "a malformed MAC with no key handed over: the shape is checked whether or not a key is given",
        ))
        .signed_without_key()
        .edit_seal(as_text(|s| set_mac(s, "hmac-sha256:AAAA")))
        .expect([SealErrorClass::Mac]),
    );
    cases.add(
        fx.on(Draft::seal(
            "mac-wrong-type",
            "a MAC written as a number: a wrongly typed field is a schema error",
        ))
        .keyed()
        .edit_seal(as_text(|s| {
            let mac = mac_of(&s).unwrap_or_default();
            sub(&s, &format!("\"{mac}\""), "0")
        }))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "mac-null",
            "a null MAC: a validator that reads null as absent, and absent as unkeyed, skips the check",
        ))
        .keyed()
        .edit_seal(as_text(|s| {
            let mac = mac_of(&s).unwrap_or_default();
            sub(&s, &format!("\"{mac}\""), "null")
        }))
        .expect([SealErrorClass::Schema]),
    );
}

/// Seals with several problems: the class is the first by the documented precedence (size,
/// syntax, version, schema, MAC shape, digest, path, non-canonical).
fn precedence(cases: &mut Cases, fx: &Fixture, notes_sha: &str, notes_bytes: &str) {
    let upper = notes_sha.to_uppercase();
    let bytes_line = format!("\"bytes\": {notes_bytes},");
    let v2 = |s: &str| {
        sub(
            s,
            "\"format\": \"sealprobe-seal/1\"",
            "\"format\": \"sealprobe-seal/2\"",
        )
    };
    let trailing_comma = |s: &str| {
        sub(
            s,
            "\"format\": \"sealprobe-seal/1\"\n}",
            "\"format\": \"sealprobe-seal/1\",\n}",
        )
    };
    let unknown = |s: &str| insert_before(s, "\"complete\": [", "\"comment\": \"x\"");
    let dotdot = |s: &str| sub(s, &path_line(CAFE), &path_line("../cafe.md"));
    let up = upper.clone();
    cases.add(
        fx.on(Draft::seal(
            "precedence-version-over-schema",
            "another version and an unknown field: version comes first, since a v2 seal may define the field",
        ))
        .edit_seal(as_text(move |s| unknown(&v2(&s))))
        .expect([SealErrorClass::Version]),
    );
    cases.add(
        fx.on(Draft::seal(
            "precedence-schema-over-digest",
            "an unknown field and an upper-case digest: schema comes before digest in the documented precedence",
        ))
        .edit_seal(as_text(move |s| {
            unknown(&set_field(s, NOTES, "sha256", &format!("\"{up}\"")))
        }))
        .expect([SealErrorClass::Schema]),
    );
    let up = upper.clone();
    cases.add(
        fx.on(Draft::seal(
            "precedence-mac-shape-over-digest",
            "a malformed MAC and an upper-case digest: MAC shape comes before digest in the documented precedence",
        ))
        .keyed()
        .edit_seal(as_text(move |s| {
            let s = set_mac(s, "hmac-sha256:short");
            set_field(s, NOTES, "sha256", &format!("\"{up}\""))
        }))
        .expect([SealErrorClass::Mac]),
    );
    let up = upper.clone();
    cases.add(
        fx.on(Draft::seal(
            "precedence-digest-over-path",
            "a `..` path and, later in the seal, an upper-case digest: digest before path, whatever the order in the document",
        ))
        .edit_seal(as_text(move |s| dotdot(&set_field(s, NOTES, "sha256", &format!("\"{up}\"")))))
        .expect([SealErrorClass::Digest]),
    );
    cases.add(
        fx.on(Draft::seal(
            "precedence-path-over-noncanonical",
            "a `..` path in a seal saved with CRLF: path comes before non-canonical in the documented precedence",
        ))
        .edit_seal(as_text(move |s| dotdot(&s).replace('\n', "\r\n")))
        .expect([SealErrorClass::Path]),
    );
    let bl = bytes_line.clone();
    cases.add(
        fx.on(Draft::seal(
            "precedence-repeated-key-before-syntax",
            "a repeated key early in the seal and a trailing comma at its end: the strict loader refuses the document at its first problem in document order, the repeated key (schema)",
        ))
        .edit_seal(as_text(move |s| {
            trailing_comma(&sub(&s, &bl, &format!("{bl}\n      \"bytes\": 1,")))
        }))
        .expect([SealErrorClass::Schema]),
    );
    let bl = bytes_line.clone();
    cases.add(
        fx.on(Draft::seal(
            "precedence-repeated-key-before-version",
            "a repeated key in an entry of a version-2 seal: a document the strict loader refuses is never read for its version; the repeated key (schema) is reported",
        ))
        .edit_seal(as_text(move |s| v2(&sub(&s, &bl, &format!("{bl}\n      \"bytes\": 1,")))))
        .expect([SealErrorClass::Schema]),
    );
    let bl = bytes_line.clone();
    cases.add(
        fx.on(Draft::seal(
            "precedence-number-range-before-version",
            "a length of 1e400 in a version-2 seal: a document the strict loader refuses is never read for its version; the number out of range (schema) is reported",
        ))
        .edit_seal(as_text(move |s| v2(&sub(&s, &bl, "\"bytes\": 1e400,"))))
        .expect([SealErrorClass::Schema]),
    );
    let bl = bytes_line.clone();
    cases.add(
        fx.on(Draft::seal(
            "precedence-number-range-before-syntax",
            "a length of 1e400 early and a trailing comma at the end: the strict loader refuses the document at its first problem in document order, the number out of range (schema)",
        ))
        .edit_seal(as_text(move |s| {
            trailing_comma(&sub(&s, &bl, "\"bytes\": 1e400,"))
        }))
        .expect([SealErrorClass::Schema]),
    );
    cases.add(
        fx.on(Draft::seal(
            "precedence-bom-before-path",
            "a `..` path in a seal saved with a BOM: the strict loader refuses a BOM before it reads a byte of the document, so the seal is reported re-encoded (non-canonical)",
        ))
        .edit_seal(as_text(move |s| format!("\u{feff}{}", dotdot(&s))))
        .expect([SealErrorClass::NonCanonical]),
    );
    cases.add(
        fx.on(Draft::seal(
            "precedence-utf16-before-version",
            "a version-2 seal re-encoded as UTF-16LE: the strict loader refuses UTF-16 before it reads the document, so the seal is reported re-encoded (non-canonical), not by its version",
        ))
        .edit_seal(move |h| wide(&v2(&String::from_utf8_lossy(&h)), 2, true, true))
        .expect([SealErrorClass::NonCanonical]),
    );
    cases.add(
        fx.on(Draft::seal(
            "precedence-version-over-mac-shape",
            "a malformed MAC in a version-2 seal: version comes before MAC shape in the documented precedence",
        ))
        .keyed()
        .edit_seal(as_text(move |s| v2(&set_mac(s, "hmac-sha256:short"))))
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
        .edit_seal(as_text(|s| {
            sub(
                &s,
                "  \"complete\": [\n    \"bin\",\n    \"docs\"\n  ],\n",
                "  \"complete\": [],\n",
            )
        }))
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
