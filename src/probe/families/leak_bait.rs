//! The `leak-bait` family (SPEC 7.2, rules of SPEC 6.1): canaries planted where validators love
//! to echo what they read. Around a syntax error, as an unknown field name, as the value of a
//! rejected field (digest, path, format, MAC, bytes), split across lines, `\u`-escaped, base64 or
//! hex encoded; in drifted file content and in unsealed files; in packets (an unknown field, a
//! status, the `packet` name, `selected`, a wrong token). And token-shaped canaries (a real-looking
//! grant token, a seal MAC, a production grant body) in sealed paths, unsealed file names and
//! packet actions, which reports must redact or refuse (`packet-schema`) and never print.
//!
//! The expected classes are whatever the case is; the point of the family is the leak check the
//! gate runs on every output: no canary, in any encoding, and no token shape may come back.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use super::ProbeFamily;
use super::packets::{
    BLOCKERS, DRYRUN, doc, fix7, grant, granted, keyed, packet_name, selecting, with_grants,
};
use super::text::{replace_in_seal, u_escape};
use crate::decide::ReasonClass as R;
use crate::probe::case::Family;
use crate::probe::draft::{Cases, Draft, LATER, Seeded};
use crate::probe::seal_doc::{self, At, Layout, Miss, SealDoc};
use crate::seal::{Drift, SealErrorClass as S};
use crate::strict_json::Node;
use crate::strict_json::canonical::{self, build};

pub struct LeakBait;

/// 16 random lower-case hex digits.
fn hex16(rng: &mut Seeded) -> String {
    crate::digest::hex(&rng.bytes(8), false)
}

/// 43 random base64url characters (the spelling of 32 random bytes).
fn b64_43(rng: &mut Seeded) -> String {
    URL_SAFE_NO_PAD.encode(rng.bytes(32))
}

/// A real-looking grant token: `spg1.<action>.<16 hex>.<10 digits>.<43 base64url>`.
fn token_shaped(rng: &mut Seeded, action: &str) -> String {
    let hex = hex16(rng);
    let expires = rng.between(1_800_000_001, 1_999_999_999);
    let mac = b64_43(rng);
    format!("spg1.{action}.{hex}.{expires}.{mac}")
}

/// A real-looking seal MAC: `hmac-sha256:<43 base64url>`.
fn mac_shaped(rng: &mut Seeded) -> String {
    format!("hmac-sha256:{}", b64_43(rng))
}

/// A real-looking production grant body without its `spg1.` prefix.
fn production_shaped(rng: &mut Seeded) -> String {
    let hex = hex16(rng);
    let expires = rng.between(1_800_000_001, 1_999_999_999);
    let mac = b64_43(rng);
    format!("cutover.{hex}.{expires}.{mac}")
}

/// `n` random decimal digits, the first not zero.
fn digits(rng: &mut Seeded, n: usize) -> String {
    (0..n)
        .map(|i| {
            let d = if i == 0 {
                rng.between(1, 9)
            } else {
                rng.below(10)
            };
            char::from(b'0' + d as u8)
        })
        .collect()
}

/// Every character of `s` as a JSON `\u` escape.
fn u_escaped(s: &str) -> String {
    s.chars().map(|c| u_escape(c, false)).collect()
}

/// A seal edit on the parsed document, written by the canonical writer.
fn on_doc(edit: impl FnOnce(&mut SealDoc) -> Result<(), Miss> + 'static) -> Edit {
    Box::new(move |honest| seal_doc::edited(&honest, Layout::Canonical, edit))
}

type Edit = Box<dyn FnOnce(Vec<u8>) -> Result<Vec<u8>, Miss>>;

/// The first sealed file (paths sort `config/` first): the artifact whose members the value
/// cases replace.
const FIRST: &str = "config/release.json";

/// Where the first member `key` of the honest seal is.
fn first_with(key: &str) -> At<'static> {
    match key {
        "format" | "complete" | "mac" => At::Top,
        "canonical_sha256" => At::Json(FIRST),
        "lf_sha256" | "skeleton_sha256" | "eol" | "bom" | "final_newline" => At::Text(FIRST),
        _ => At::Artifact(FIRST),
    }
}

/// A value a case writes: a string, or a raw spelling (an escape the canonical writer never
/// writes, a number no JSON value holds).
enum Val {
    Str(String),
    Raw(String),
}

impl Val {
    fn node(self, d: &mut SealDoc) -> Node {
        match self {
            Val::Str(s) => build::string(s),
            Val::Raw(spelled) => d.raw(spelled),
        }
    }
}

/// The honest tree every seal and tree case starts from: text with non-ASCII, JSON, a nested
/// folder with non-ASCII names.
fn honest(d: Draft, word: &str) -> Draft {
    d.file(
        "docs/decision.md",
        format!("# Entscheidung – FIX7\n\nGo/no-go: HOLD ({word}).\n"),
    )
    .file(
        "config/release.json",
        format!("{{\"release\": \"{word}\", \"replicas\": 3}}\n"),
    )
    .file("src/naïve/ünïcode.txt", "Ærøskøbing → Zürich\n")
}

impl ProbeFamily for LeakBait {
    fn family(&self) -> Family {
        Family::LeakBait
    }

    fn draw(&self, cases: &mut Cases, rng: &mut Seeded) {
        let word = rng.word(8);
        seals(cases, rng, &word);
        trees(cases, rng, &word);
        token_names(cases, rng, &word);
        packets(cases, rng);
    }
}

fn seals(cases: &mut Cases, rng: &mut Seeded, word: &str) {
    let seal = |name: &str, why: &str| honest(Draft::seal(name, why), word);
    let add = |cases: &mut Cases, name: &str, why: &str, canary: String, class: S, edit: Edit| {
        cases.add(
            seal(name, why)
                .try_edit_seal(edit)
                .canary(canary)
                .expect([class]),
        );
    };

    // Around a syntax error.
    let c = rng.word(24);
    let t = c.clone();
    add(
        cases,
        "syntax-bare-word-after-value",
        "a bare word right after the format value: a parser error that quotes the unexpected token (`Unexpected token X`) prints the canary",
        c,
        S::Syntax,
        Box::new(move |s| {
            replace_in_seal(
                &s,
                "\"format\": \"sealprobe-seal/1\"",
                format!("\"format\": \"sealprobe-seal/1\" {t}"),
            )
        }),
    );
    let c = rng.word(24);
    let t = c.clone();
    add(
        cases,
        "syntax-unterminated-string",
        "the seal ends inside a string that holds the canary: an error that shows the rest of the input prints it",
        c,
        S::Syntax,
        Box::new(move |s| {
            let text = String::from_utf8_lossy(&s).into_owned();
            let at = text
                .find("\"format\": ")
                .ok_or_else(|| Miss::new("no `format` member"))?;
            Ok(format!("{}\"format\": \"{t}", &text[..at]).into_bytes())
        }),
    );
    let c = rng.word(24);
    let t = c.clone();
    add(
        cases,
        "syntax-bad-escape-in-path",
        "an invalid escape (`\\q`) just before the canary inside a path: an error with an excerpt of the line prints it",
        c,
        S::Syntax,
        Box::new(move |s| {
            replace_in_seal(&s, "\"docs/decision.md\"", format!("\"docs/\\q{t}.md\""))
        }),
    );
    let c = rng.word(24);
    let t = c.clone();
    add(
        cases,
        "syntax-unquoted-key",
        "the canary as an unquoted key: an error that names the offending key prints it",
        c,
        S::Syntax,
        Box::new(move |s| {
            replace_in_seal(
                &s,
                "{\n  \"artifacts\"",
                format!("{{\n  {t}: 1,\n  \"artifacts\""),
            )
        }),
    );
    let c = rng.word(24);
    let t = c.clone();
    add(
        cases,
        "syntax-trailing-comma-after-canary",
        "a member named by the canary followed by a trailing comma: the error position is right after the canary",
        c,
        S::Syntax,
        Box::new(move |s| {
            let text = String::from_utf8_lossy(&s).into_owned();
            let end = text
                .rfind('}')
                .ok_or_else(|| Miss::new("no closing brace"))?;
            Ok(format!("{},\n  \"{t}\": 1,\n}}\n", text[..end].trim_end()).into_bytes())
        }),
    );
    let c = rng.word(24);
    let t = c.clone();
    add(
        cases,
        "syntax-trailing-bytes-canary",
        "the canary after the end of the seal: an error that shows the trailing bytes prints it",
        c,
        S::Syntax,
        Box::new(move |s| Ok([s, format!("{t}\n").into_bytes()].concat())),
    );
    let c = rng.word(24);
    let t = c.clone();
    add(
        cases,
        "syntax-comment-with-canary",
        "a `//` comment line holding the canary: JSON has no comments, and the error must not quote the line",
        c,
        S::Syntax,
        Box::new(move |s| {
            replace_in_seal(
                &s,
                "{\n  \"artifacts\"",
                format!("{{\n  // {t}\n  \"artifacts\""),
            )
        }),
    );
    let c = rng.word(24);
    let t = c.clone();
    add(
        cases,
        "syntax-invalid-utf8-after-canary",
        "a byte that is not UTF-8 right after the canary inside a path: a lossy excerpt of the bad byte's surroundings prints it",
        c,
        S::Syntax,
        Box::new(move |s| {
            let mut b = replace_in_seal(&s, "\"docs/decision.md\"", format!("\"docs/{t}@.md\""))?;
            let i = b
                .iter()
                .position(|&x| x == b'@')
                .ok_or_else(|| Miss::new("no `@` in the seal"))?;
            b[i] = 0xFF;
            Ok(b)
        }),
    );
    // Split across lines: each half is a canary too (20 bytes, more than 16).
    let c = rng.word(40);
    let (h1, h2) = (c[..20].to_owned(), c[20..].to_owned());
    let t = c.clone();
    cases.add(
        seal(
            "syntax-canary-split-across-lines",
            "the canary split by a raw line break inside a path string: an error that prints the line before and after the break prints both halves",
        )
        .try_edit_seal(move |s| {
            replace_in_seal(&s,
                "\"docs/decision.md\"",
                format!("\"docs/{}\n{}.md\"", &t[..20], &t[20..]),
            )
        })
        .canary(c)
        .canary(h1)
        .canary(h2)
        .expect([S::Syntax]),
    );

    // As an unknown field name or value.
    let c = rng.word(24);
    let t = c.clone();
    add(
        cases,
        "unknown-top-field-named-canary",
        "an unknown top-level field named by the canary: `unknown field X` prints it",
        c,
        S::Schema,
        on_doc(move |d| d.add(At::Top, &t, build::boolean(true), false)),
    );
    let c = rng.word(24);
    let t = c.clone();
    add(
        cases,
        "unknown-artifact-field-named-canary",
        "an unknown artifact field named by the canary",
        c,
        S::Schema,
        on_doc(move |d| d.add(At::Artifact(FIRST), &t, build::uint(0), false)),
    );
    let c = rng.word(24);
    let t = c.clone();
    add(
        cases,
        "unknown-text-field-named-canary",
        "an unknown field named by the canary inside an artifact's `text` fingerprint",
        c,
        S::Schema,
        on_doc(move |d| d.add(At::Text(FIRST), &t, build::uint(1), false)),
    );
    let c = rng.word(24);
    let t = c.clone();
    add(
        cases,
        "unknown-field-name-u-escaped",
        "an unknown field whose name is the canary written as `\\u` escapes: a validator that prints the decoded key prints the canary",
        c,
        S::Schema,
        on_doc(move |d| {
            let key = d.raw_key(format!("\"{}\"", u_escaped(&t)));
            d.add(At::Top, &key, build::boolean(true), false)
        }),
    );
    let c = rng.word(24);
    let t = c.clone();
    add(
        cases,
        "unknown-field-value-canary",
        "an unknown `comment` field whose value is the canary: a rejected document's fields are never printed",
        c,
        S::Schema,
        on_doc(move |d| d.add(At::Top, "comment", build::string(t), false)),
    );

    // As the value of a rejected field.
    let values: Vec<(&str, &str, &str, Val, String, S)> = {
        let mut v = Vec::new();
        let c = rng.word(24);
        v.push((
            "digest-is-canary",
            "`sha256` holds the canary: `expected digest X, got Y` prints it",
            "sha256",
            Val::Str(c.clone()),
            c,
            S::Digest,
        ));
        let c: String = (0..64)
            .map(|_| char::from(b"0123456789ABCDEF"[rng.below(16)]))
            .collect();
        v.push((
            "digest-upper-case-hex-canary",
            "`sha256` holds 64 upper-case hex digits (the canary): rejected as not lower-case, and never echoed",
            "sha256",
            Val::Str(c.clone()),
            c,
            S::Digest,
        ));
        let c = rng.word(24);
        v.push((
            "lf-digest-is-canary",
            "`lf_sha256` holds the canary",
            "lf_sha256",
            Val::Str(c.clone()),
            c,
            S::Digest,
        ));
        let c = rng.word(24);
        v.push((
            "skeleton-digest-base64-canary",
            "`skeleton_sha256` holds the canary in base64: an echo of the value is an encoded leak",
            "skeleton_sha256",
            Val::Str(STANDARD.encode(&c)),
            c,
            S::Digest,
        ));
        let c = rng.word(24);
        v.push((
            "json-digest-hex-canary",
            "`canonical_sha256` holds the canary in hex (48 digits, not 64)",
            "canonical_sha256",
            Val::Str(crate::digest::hex(c.as_bytes(), false)),
            c,
            S::Digest,
        ));
        for (name, why, path) in [
            (
                "path-dot-dot-canary",
                "a path `../<canary>` that leaves the root: `refusing path X` prints it",
                "../{}",
            ),
            (
                "path-inner-dot-dot-canary",
                "a path `docs/../<canary>`",
                "docs/../{}",
            ),
            (
                "path-absolute-canary",
                "an absolute path `/etc/<canary>`",
                "/etc/{}",
            ),
            (
                "path-drive-letter-canary",
                "a drive-letter path `C:<canary>`",
                "C:{}",
            ),
            (
                "path-backslash-canary",
                "a path with a backslash before the canary",
                "docs\\{}",
            ),
            (
                "path-control-character-canary",
                "a path with a BEL control character after the canary",
                "docs/{}\u{7}",
            ),
            (
                "path-bidi-canary",
                "a path with a right-to-left override before the canary: printing it would reorder the terminal line too",
                "docs/\u{202e}{}",
            ),
            (
                "path-empty-segment-canary",
                "a path with an empty segment before the canary",
                "docs//{}",
            ),
        ] {
            let c = rng.word(24);
            v.push((
                name,
                why,
                "path",
                Val::Str(path.replace("{}", &c)),
                c,
                S::Path,
            ));
        }
        let c = rng.word(24);
        v.push((
            "path-percent-encoded-canary",
            "a path `../` followed by the canary percent-encoded: an echo of the value is an encoded leak",
            "path",
            Val::Str(format!(
                "../{}",
                c.bytes().map(|b| format!("%{b:02X}")).collect::<String>()
            )),
            c,
            S::Path,
        ));
        let c = rng.word(24);
        v.push((
            "format-version-canary",
            "`format` is `sealprobe-seal/<canary>`: `unsupported version X` prints it",
            "format",
            Val::Str(format!("sealprobe-seal/{c}")),
            c,
            S::Version,
        ));
        let c = rng.word(24);
        v.push((
            "format-u-escaped-canary",
            "`format` is the canary written as `\\u` escapes",
            "format",
            Val::Raw(format!("\"{}\"", u_escaped(&c))),
            c,
            S::Version,
        ));
        let c = rng.word(24);
        v.push((
            "bytes-is-canary",
            "`bytes` holds the canary as a string: `expected an integer, got X` prints it",
            "bytes",
            Val::Str(c.clone()),
            c,
            S::Schema,
        ));
        let c = digits(rng, 30);
        v.push((
            "bytes-30-digit-canary",
            "`bytes` is a 30-digit number (the canary), too large for any integer type: the number must not be echoed",
            "bytes",
            Val::Raw(c.clone()),
            c,
            S::Schema,
        ));
        let c = rng.word(24);
        v.push((
            "eol-is-canary",
            "`eol` holds the canary instead of lf/crlf/cr/mixed/none",
            "eol",
            Val::Str(c.clone()),
            c,
            S::Schema,
        ));
        let c = rng.word(24);
        v.push((
            "bom-flag-is-canary",
            "`bom` holds the canary instead of a boolean",
            "bom",
            Val::Str(c.clone()),
            c,
            S::Schema,
        ));
        v
    };
    for (name, why, key, value, canary, class) in values {
        add(
            cases,
            name,
            why,
            canary,
            class,
            on_doc(move |d| {
                let value = value.node(d);
                d.set(first_with(key), key, value)
            }),
        );
    }
    let c = rng.word(24);
    let t = c.clone();
    cases.add(
        seal(
            "complete-folder-canary",
            "a complete folder `../<canary>`: a rejected folder name is never printed",
        )
        .complete("docs")
        .edit_doc(move |d| {
            d.set(
                At::Top,
                "complete",
                build::array(vec![build::string(format!("../{t}"))]),
            )
        })
        .canary(c)
        .expect([S::Path]),
    );
    let c = rng.word(24);
    let t = c.clone();
    cases.add(
        seal(
            "mac-prefix-and-canary",
            "`mac` is `hmac-sha256:<canary>`, too short to be a MAC: `bad MAC X` prints it",
        )
        .edit_doc(move |d| {
            d.add(
                At::Top,
                "mac",
                build::string(format!("hmac-sha256:{t}")),
                false,
            )
        })
        .canary(c)
        .expect([S::Mac]),
    );
    let c = rng.word(24);
    let t = c.clone();
    cases.add(
        seal("mac-is-canary", "`mac` holds the canary without any prefix")
            .edit_doc(move |d| d.add(At::Top, "mac", build::string(t), false))
            .canary(c)
            .expect([S::Mac]),
    );
    cases.add(
        seal(
            "keyed-seal-checked-with-other-key",
            "a seal signed with another key, checked with the probe key: `expected MAC X, found Y` prints the seal MAC and one made with the key",
        )
        .signed_with(Some(crate::probe::draft::other_key()))
        .key(crate::probe::draft::probe_key_bytes())
        .expect([S::Mac]),
    );
    // A rejected seal's fields are never printed, valid paths included (SPEC 6.1).
    let rejected: [(&str, &str, S, bool, Edit); 5] = [
        (
            "noncanonical-seal-canary-path",
            "a seal re-encoded with `\\/` for `/`, whose one path holds the canary: the seal is rejected, so none of its paths may be printed",
            S::NonCanonical,
            false,
            on_doc(|d| {
                // Every path in docs/ spelled with `\/` for its first slash.
                let mut n = 0;
                for i in 0..d.artifacts_mut()?.len() {
                    let path = d.string(At::Entry(i), "path")?;
                    if path.starts_with("docs/") {
                        let written = canonical::pretty_at(&build::string(path), 0);
                        let written =
                            String::from_utf8_lossy(&written).replacen("docs/", "docs\\/", 1);
                        let spelled = d.raw(written);
                        d.set(At::Entry(i), "path", spelled)?;
                        n += 1;
                    }
                }
                if n == 0 {
                    return Err(Miss::new("no path in docs/"));
                }
                Ok(())
            }),
        ),
        (
            "noncanonical-crlf-seal-canary-path",
            "a seal saved with CRLF line endings, whose one path holds the canary",
            S::NonCanonical,
            false,
            Box::new(|h| seal_doc::edited(&h, Layout::Crlf, |_| Ok(()))),
        ),
        (
            "digest-error-beside-canary-path",
            "another artifact's digest is not hex: the seal is rejected, and the valid path holding the canary must not be printed either",
            S::Digest,
            false,
            on_doc(|d| d.set_string(At::Artifact(FIRST), "sha256", "not-a-digest")),
        ),
        (
            "repeated-key-beside-canary-path",
            "a repeated `bytes` key in the first artifact: the seal is rejected, its paths are not a report",
            S::Schema,
            false,
            on_doc(|d| d.add(At::Artifact(FIRST), "bytes", build::uint(1), true)),
        ),
        (
            "keyed-mac-flipped-canary-path",
            "a keyed seal whose MAC was flipped, checked with the key: an unauthenticated seal's paths are not to be trusted or printed",
            S::Mac,
            true,
            on_doc(|d| {
                // The second character of the tag, after `hmac-sha256:`.
                let mac = d.string(At::Top, "mac")?;
                let flipped: String = mac
                    .char_indices()
                    .map(|(i, c)| match (i, c) {
                        (13, 'A') => 'B',
                        (13, _) => 'A',
                        _ => c,
                    })
                    .collect();
                d.set_string(At::Top, "mac", flipped)
            }),
        ),
    ];
    for (name, why, class, with_key, edit) in rejected {
        let c = rng.word(24);
        let mut d = seal(name, why).file(&format!("docs/{c}.md"), "notes\n");
        if with_key {
            d = d.keyed();
        }
        cases.add(d.try_edit_seal(edit).canary(c).expect([class]));
    }
    let forged = format!("hmac-sha256:{}", b64_43(rng));
    let t = forged.clone();
    cases.add(
        seal(
            "keyed-mac-replaced",
            "a keyed seal whose MAC was replaced by another well-formed one, checked with the key: `MAC X does not match Y` prints both",
        )
        .keyed()
        .edit_doc(move |d| d.set_string(At::Top, "mac", t))
        .canary(forged)
        .expect([S::Mac]),
    );
}

fn trees(cases: &mut Cases, rng: &mut Seeded, word: &str) {
    let tree = |name: &str, why: &str| honest(Draft::tree(name, why), word);
    let c = rng.word(24);
    cases.add(
        tree(
            "drift-content-holds-canary",
            "the drifted file's new content holds the canary: a validator that shows a diff or the new bytes prints it",
        )
        .write(
            "docs/decision.md",
            format!("# Entscheidung – FIX7\n\nGo/no-go: GO ({c}).\n"),
        )
        .canary(c)
        .expect([Drift::Content]),
    );
    let c = rng.word(24);
    cases.add(
        tree(
            "drift-json-value-canary",
            "a JSON file's value changed to the canary: a validator that reports which value changed prints it",
        )
        .write(
            "config/release.json",
            format!("{{\"release\": \"{c}\", \"replicas\": 3}}\n"),
        )
        .canary(c)
        .expect([Drift::Content]),
    );
    let c = rng.word(24);
    cases.add(
        tree(
            "drift-nested-file-canary",
            "the file below a folder with non-ASCII names drifted to content holding the canary",
        )
        .write("src/naïve/ünïcode.txt", format!("Ærøskøbing → {c}\n"))
        .canary(c)
        .expect([Drift::Content]),
    );
    let c = rng.word(24);
    cases.add(
        tree(
            "drift-keyed-content-canary",
            "a keyed seal, the key handed over, and drifted content holding the canary: neither the canary nor the key or MAC may print",
        )
        .keyed()
        .write("docs/decision.md", format!("GO {c}\n"))
        .canary(c)
        .expect([Drift::Content]),
    );
    let c = rng.word(40);
    let (h1, h2) = (c[..20].to_owned(), c[20..].to_owned());
    cases.add(
        tree(
            "drift-canary-split-across-lines",
            "the drifted content holds the canary split over two lines: a line-by-line diff prints both halves",
        )
        .write("docs/decision.md", format!("GO\n{h1}\n{h2}\n"))
        .canary(c)
        .canary(h1)
        .canary(h2)
        .expect([Drift::Content]),
    );
    // Sealed content that holds a secret, then drifted: the old content must not print either.
    let secret = |rng: &mut Seeded| {
        let c = rng.word(24);
        let text = format!("token-rotation: {c}\nowner: Zoë - ops\n");
        (c, text)
    };
    let (c, text) = secret(rng);
    cases.add(
        Draft::tree(
            "drift-appended-after-secret",
            "a file holding a secret had a line appended: a diff with context prints the secret line",
        )
        .file("ops/rotation.txt", text.clone())
        .write("ops/rotation.txt", format!("{text}approved: yes\n"))
        .canary(c)
        .expect([Drift::Content]),
    );
    let (c, text) = secret(rng);
    cases.add(
        Draft::tree(
            "drift-crlf-around-secret",
            "a file holding a secret got CRLF line endings: a validator that shows the changed lines prints it",
        )
        .file("ops/rotation.txt", text.clone())
        .write("ops/rotation.txt", text.replace('\n', "\r\n"))
        .canary(c)
        .expect([Drift::Crlf]),
    );
    let (c, text) = secret(rng);
    cases.add(
        Draft::tree(
            "drift-bom-before-secret",
            "a BOM was added before a secret: a validator that shows the first line prints it",
        )
        .file("ops/rotation.txt", text.clone())
        .write("ops/rotation.txt", format!("\u{feff}{text}"))
        .canary(c)
        .expect([Drift::Bom]),
    );
    let (c, text) = secret(rng);
    cases.add(
        Draft::tree(
            "drift-final-newline-after-secret",
            "the final newline after a secret was removed: a validator that shows the last line prints it",
        )
        .file("ops/rotation.txt", text.clone())
        .write("ops/rotation.txt", text.trim_end().to_owned())
        .canary(c)
        .expect([Drift::FinalNewline]),
    );
    let (c, text) = secret(rng);
    cases.add(
        Draft::tree(
            "drift-unicode-beside-secret",
            "an ASCII hyphen beside a secret became an en dash: a validator that shows the look-alike line prints the secret",
        )
        .file("ops/rotation.txt", text.clone())
        .write("ops/rotation.txt", text.replace(" - ", " \u{2013} "))
        .canary(c)
        .expect([Drift::Unicode]),
    );
    let c = rng.word(24);
    let json_text = format!("{{\"api_key\": \"{c}\", \"region\": \"eu-zürich\"}}\n");
    cases.add(
        Draft::tree(
            "drift-json-reencode-secret",
            "a JSON file holding a secret was re-encoded (keys reordered, non-ASCII escaped): a validator that shows both values prints it",
        )
        .file("config/secrets.json", json_text)
        .write(
            "config/secrets.json",
            format!("{{\n    \"region\": \"eu-z\\u00fcrich\",\n    \"api_key\": \"{c}\"\n}}\n"),
        )
        .canary(c)
        .expect([Drift::JsonReencode]),
    );
    let (c, text) = secret(rng);
    cases.add(
        Draft::tree(
            "drift-truncated-inside-secret",
            "a file truncated in the middle of a secret: the part that is left must not print",
        )
        .file("ops/rotation.txt", text.clone())
        .write("ops/rotation.txt", text[..16 + 20].to_owned())
        .canary(c.clone())
        .canary(c[..20].to_owned())
        .expect([Drift::Content, Drift::FinalNewline]),
    );
    let (c, text) = secret(rng);
    cases.add(
        Draft::tree(
            "missing-file-held-secret",
            "a file holding a secret was deleted: nothing of what the seal recorded about it but its path may print",
        )
        .file("ops/rotation.txt", text)
        .file("ops/readme.md", "rotation notes\n")
        .remove("ops/rotation.txt")
        .canary(c)
        .expect([Drift::Missing]),
    );
    let c = rng.word(24);
    cases.add(
        tree(
            "unsealed-file-holds-canary",
            "a file that appeared in a complete folder holds the canary: its name may print, its content never",
        )
        .complete("docs")
        .write("docs/draft-notes.md", format!("password: {c}\n"))
        .canary(c)
        .expect([Drift::Unsealed]),
    );
    let c = rng.word(24);
    cases.add(
        tree(
            "unsealed-json-holds-canary",
            "an unsealed JSON file in a complete folder holds the canary in a value",
        )
        .complete("config")
        .write("config/override.json", format!("{{\"token\": \"{c}\"}}\n"))
        .canary(c)
        .expect([Drift::Unsealed]),
    );

    // Controls: canaries in sealed content, nothing changed.
    let c1 = rng.word(24);
    let c2 = rng.word(24);
    cases.add(
        Draft::tree(
            "control-canaries-in-sealed-content",
            "an unchanged tree whose files hold canaries: it must pass, and nothing may print the content",
        )
        .file("ops/rotation.txt", format!("token-rotation: {c1}\n"))
        .file("config/secrets.json", format!("{{\"api_key\": \"{c2}\"}}\n"))
        .file("docs/decision.md", "HOLD\n")
        .complete("ops")
        .canary(c1)
        .canary(c2)
        .control(),
    );
    let c = rng.word(24);
    cases.add(
        Draft::tree(
            "control-canary-in-sealed-content-keyed",
            "an unchanged tree under a keyed seal, a file holding a canary: it must pass, and neither the canary, the key nor the MAC may print",
        )
        .file("ops/rotation.txt", format!("token-rotation: {c}\n"))
        .file("src/naïve/ünïcode.txt", "Ærøskøbing\n")
        .keyed()
        .canary(c)
        .control(),
    );
}

fn token_names(cases: &mut Cases, rng: &mut Seeded, word: &str) {
    let tree = |name: &str, why: &str| honest(Draft::tree(name, why), word);
    let spg = token_shaped(rng, "cutover");
    cases.add(
        tree(
            "sealed-path-grant-token-missing",
            "a sealed file named like a grant token was deleted: the report must redact the path, not print the token",
        )
        .file(&format!("releases/{spg}"), "cutover approved\n")
        .remove(format!("releases/{spg}"))
        .canary(spg)
        .expect([Drift::Missing]),
    );
    let spg = token_shaped(rng, "apply");
    cases.add(
        tree(
            "sealed-path-grant-token-content",
            "a sealed file named like a grant token changed: the finding's path is token-shaped and must be redacted",
        )
        .file(&spg, "apply approved\n")
        .write(&spg, "apply approved twice\n")
        .canary(spg)
        .expect([Drift::Content]),
    );
    let spg = token_shaped(rng, "cutover");
    cases.add(
        tree(
            "sealed-folder-grant-token-bom",
            "a file below a folder named like a grant token gained a BOM: the whole path is redacted",
        )
        .file(&format!("releases/{spg}/manifest.json"), "{\"ok\": true}\n")
        .write(
            format!("releases/{spg}/manifest.json"),
            "\u{feff}{\"ok\": true}\n",
        )
        .canary(spg)
        .expect([Drift::Bom]),
    );
    let mac = mac_shaped(rng);
    cases.add(
        tree(
            "sealed-path-seal-mac-missing",
            "a sealed file named like a seal MAC was deleted",
        )
        .file(&format!("keys/{mac}"), "key material\n")
        .remove(format!("keys/{mac}"))
        .canary(mac)
        .expect([Drift::Missing]),
    );
    let prod = production_shaped(rng);
    cases.add(
        tree(
            "sealed-path-production-grant-crlf",
            "a sealed file named like a production grant body got CRLF line endings",
        )
        .file(&format!("grants/{prod}.txt"), "line one\nline two\n")
        .write(format!("grants/{prod}.txt"), "line one\r\nline two\r\n")
        .canary(prod)
        .expect([Drift::Crlf]),
    );
    let spg = token_shaped(rng, "cutover");
    let upper = spg.to_uppercase();
    cases.add(
        tree(
            "sealed-token-path-case-changed",
            "a sealed file named like a grant token was renamed to its upper-case form: both names are token-shaped, neither may print",
        )
        .file(&format!("releases/{spg}"), "cutover approved\n")
        .rename(format!("releases/{spg}"), format!("releases/{upper}"))
        .canary(spg)
        .canary(upper)
        .expect([Drift::PathUnicode]),
    );
    let spg = token_shaped(rng, "cutover");
    cases.add(
        tree(
            "sealed-token-path-now-symlink",
            "a sealed file named like a grant token was replaced by a symlink",
        )
        .file(&format!("releases/{spg}"), "cutover approved\n")
        .symlink(format!("releases/{spg}"), "../docs/decision.md")
        .canary(spg)
        .expect([Drift::NotRegular]),
    );
    let spg = token_shaped(rng, "apply");
    cases.add(
        tree(
            "sealed-token-path-keyed",
            "a keyed seal over a file named like a grant token, which drifted: the key, the MAC and the name must all stay out of the report",
        )
        .file(&format!("releases/{spg}"), "apply approved\n")
        .keyed()
        .write(format!("releases/{spg}"), "apply revoked\n")
        .canary(spg)
        .expect([Drift::Content]),
    );
    let spg = token_shaped(rng, "cutover");
    cases.add(
        tree(
            "unsealed-grant-token-name",
            "a file named like a grant token appeared in a complete folder: `unsealed entry X` must redact the name",
        )
        .complete("docs")
        .write(format!("docs/{spg}"), "x\n")
        .canary(spg)
        .expect([Drift::Unsealed]),
    );
    let mac = mac_shaped(rng);
    cases.add(
        tree(
            "unsealed-seal-mac-name",
            "a file named like a seal MAC appeared in a complete folder",
        )
        .complete("docs")
        .write(format!("docs/{mac}"), "x\n")
        .canary(mac)
        .expect([Drift::Unsealed]),
    );
    let prod = production_shaped(rng);
    cases.add(
        tree(
            "unsealed-production-grant-name",
            "a file named like a production grant body appeared in a complete folder",
        )
        .complete("docs")
        .write(format!("docs/{prod}"), "x\n")
        .canary(prod)
        .expect([Drift::Unsealed]),
    );
    let spg = token_shaped(rng, "apply");
    cases.add(
        tree(
            "unsealed-token-inside-name",
            "an unsealed backup whose name holds a grant token between other words: the whole name is redacted, not just the token",
        )
        .complete("docs")
        .write(format!("docs/backup-{spg}.tar"), "x\n")
        .canary(spg)
        .expect([Drift::Unsealed]),
    );
    let spg = token_shaped(rng, "cutover");
    cases.add(
        tree(
            "unsealed-token-named-folder",
            "an unsealed folder named like a grant token, with a file inside, in a complete folder",
        )
        .complete("docs")
        .write(format!("docs/{spg}/readme.txt"), "x\n")
        .canary(spg)
        .expect([Drift::Unsealed]),
    );
    let spg = token_shaped(rng, "cutover");
    cases.add(
        tree(
            "unsealed-token-named-symlink",
            "an unsealed symlink named like a grant token in a complete folder",
        )
        .complete("docs")
        .symlink(format!("docs/{spg}"), "decision.md")
        .canary(spg)
        .expect([Drift::Unsealed]),
    );
    let spg = token_shaped(rng, "apply");
    cases.add(
        tree(
            "unsealed-in-token-named-complete-folder",
            "a file appeared in a complete folder that is itself named like a grant token: the unsealed path holds the token and must be redacted",
        )
        .file(&format!("releases/{spg}/manifest.json"), "{\"ok\": true}\n")
        .complete(&format!("releases/{spg}"))
        .write(format!("releases/{spg}/extra.bin"), "x\n")
        .canary(spg)
        .expect([Drift::Unsealed]),
    );
    let spg = token_shaped(rng, "cutover");
    cases.add(
        tree(
            "control-token-shaped-sealed-path",
            "an unchanged tree with a sealed file named like a grant token: it must pass, and the name must not print",
        )
        .file(&format!("releases/{spg}"), "cutover approved\n")
        .canary(spg)
        .control(),
    );
}

fn packets(cases: &mut Cases, rng: &mut Seeded) {
    let name = packet_name(&rng.word(10));
    let base = fix7(&name);
    let dry = selecting(&base, DRYRUN, &BLOCKERS[..1]);
    // The granted dry run edited by `edit`, its grant minted for the packet as edited.
    let fresh = |edit: &dyn Fn(&mut Value)| -> Vec<u8> {
        let mut v = dry.clone();
        edit(&mut v);
        with_grants(&v, &[("dryrun", &grant(&v, "dryrun"))])
    };
    let add =
        |cases: &mut Cases, name: &str, why: &str, bytes: Vec<u8>, canary: String, class: R| {
            cases.add(keyed(name, why, bytes).canary(canary).expect([class]));
        };

    let c = rng.word(24);
    add(
        cases,
        "packet-unknown-field-named-canary",
        "an unknown packet field named by the canary: `unknown field X` prints it",
        fresh(&|v| v[c.as_str()] = json!(true)),
        c.clone(),
        R::PacketSchema,
    );
    let c = rng.word(24);
    add(
        cases,
        "packet-unknown-field-value-canary",
        "an unknown `approved_by` field whose value is the canary",
        fresh(&|v| v["approved_by"] = json!(c)),
        c.clone(),
        R::PacketSchema,
    );
    let c = rng.word(24);
    let escaped = u_escaped(&c);
    let edited = cases.replace(
        &fresh(&|_| {}),
        "{\n",
        &format!("{{\n  \"{escaped}\": 1,\n"),
    );
    add(
        cases,
        "packet-unknown-field-u-escaped",
        "an unknown field whose name is the canary in `\\u` escapes",
        edited,
        c.clone(),
        R::PacketSchema,
    );
    let c = rng.word(24);
    add(
        cases,
        "packet-status-canary",
        "the required blocker's status is the canary: statuses are never printed, only blocker ids",
        fresh(&|v| v["blockers"][0]["status"] = json!(c)),
        c.clone(),
        R::BlockerOpen,
    );
    let c = rng.word(24);
    add(
        cases,
        "packet-name-canary-blocker-open",
        "the `packet` name is the canary and the required blocker is OPEN: a validator that titles its report with the packet name prints it",
        fresh(&|v| {
            v["packet"] = json!(c);
            v["blockers"][0]["status"] = json!("OPEN");
        }),
        c.clone(),
        R::BlockerOpen,
    );
    let c = rng.word(24);
    add(
        cases,
        "packet-selected-canary",
        "`selected` holds the canary: `unknown option X` prints it",
        fresh(&|v| v["selected"] = json!([c])),
        c.clone(),
        R::SelectedUnknown,
    );
    let c = rng.word(24);
    cases.add(
        keyed(
            "packet-selected-canary-beside-option",
            "`selected` holds the canary and the dry run: two selections, one naming nothing, neither to be echoed",
            fresh(&|v| v["selected"] = json!([c, DRYRUN])),
        )
        .canary(c.clone())
        .expect([R::SelectedCount, R::SelectedUnknown]),
    );
    let c = rng.word(24);
    add(
        cases,
        "packet-default-canary",
        "`default` is the canary, outside the id grammar: `bad default X` prints it",
        fresh(&|v| v["default"] = json!(c)),
        c.clone(),
        R::PacketSchema,
    );
    let c = rng.word(24);
    add(
        cases,
        "packet-option-id-canary",
        "an option id is the canary, outside the id grammar",
        fresh(&|v| v["options"][2]["id"] = json!(c)),
        c.clone(),
        R::PacketSchema,
    );
    let c = rng.word(24);
    add(
        cases,
        "packet-blocker-id-canary",
        "a blocker id is the canary, outside the id grammar: an id is printed only when it is a valid id",
        fresh(&|v| v["blockers"][4]["id"] = json!(c)),
        c.clone(),
        R::PacketSchema,
    );
    let c = rng.word(24);
    add(
        cases,
        "packet-requires-closed-canary",
        "the selected option requires a blocker named by the canary, outside the id grammar",
        fresh(&|v| v["options"][1]["requires_closed"] = json!([c])),
        c.clone(),
        R::PacketSchema,
    );
    let c = rng.word(24);
    add(
        cases,
        "packet-token-is-canary",
        "the dryrun grant's token is the canary: `invalid token X` prints it",
        with_grants(&dry, &[("dryrun", &c)]),
        c.clone(),
        R::GrantInvalid,
    );
    let c = rng.word(43);
    let d16 = super::packets::digest16(&dry);
    add(
        cases,
        "packet-token-mac-is-canary",
        "a well-formed token whose MAC part is the canary: `MAC X does not verify` prints it",
        with_grants(
            &dry,
            &[("dryrun", &format!("spg1.dryrun.{d16}.{LATER}.{c}"))],
        ),
        c.clone(),
        R::GrantInvalid,
    );
    let c = rng.word(24);
    add(
        cases,
        "packet-token-base64-canary",
        "the dryrun grant's token is the canary in base64: an echo is an encoded leak",
        with_grants(&dry, &[("dryrun", &STANDARD.encode(&c))]),
        c.clone(),
        R::GrantInvalid,
    );
    let c = rng.word(24);
    add(
        cases,
        "packet-overlong-token-ends-in-canary",
        "a 5,000-character token that ends in the canary: a validator that prints the token's tail to show where it went wrong prints it",
        with_grants(
            &dry,
            &[("dryrun", &format!("{}{c}", "A".repeat(5_000 - c.len())))],
        ),
        c.clone(),
        R::GrantInvalid,
    );
    let c = rng.word(24);
    add(
        cases,
        "packet-action-secret-suffix",
        "a required action `prod-cutover-token-<CANARY>` in upper case, outside the action grammar: it makes the packet packet-schema and is never printed",
        fresh(&|v| {
            v["options"][1]["requires_grants"] =
                json!([format!("prod-cutover-token-{}", c.to_uppercase())])
        }),
        c.to_uppercase(),
        R::PacketSchema,
    );
    for (case, why, shaped, at_grant) in [
        (
            "packet-required-action-grant-token",
            "a real-looking grant token pasted where a required action goes: `grant missing for action X` would print it, so it is packet-schema",
            token_shaped(rng, "cutover"),
            false,
        ),
        (
            "packet-grant-action-grant-token",
            "a real-looking grant token pasted as a grant's action",
            token_shaped(rng, "cutover"),
            true,
        ),
        (
            "packet-required-action-production-grant",
            "a production grant body pasted where a required action goes",
            production_shaped(rng),
            false,
        ),
        (
            "packet-grant-action-seal-mac",
            "a seal MAC pasted as a grant's action",
            mac_shaped(rng),
            true,
        ),
    ] {
        let bytes = if at_grant {
            // Beside the valid dryrun grant (the grants are what this case is about).
            let token = grant(&dry, "dryrun");
            with_grants(&dry, &[("dryrun", &token), (&shaped, "x")])
        } else {
            let s = shaped.clone();
            fresh(&move |v: &mut Value| v["options"][3]["requires_grants"] = json!(["apply", s]))
        };
        add(cases, case, why, bytes, shaped, R::PacketSchema);
    }
    let c = rng.word(24);
    let edited = cases.replace(
        &fresh(&|_| {}),
        "\"packet\": \"",
        &format!("\"packet\": {c} \""),
    );
    add(
        cases,
        "packet-syntax-bare-word-canary",
        "a bare word (the canary) after the packet name: an error that quotes the unexpected token prints it",
        edited,
        c.clone(),
        R::PacketSyntax,
    );
    let c = rng.word(40);
    let split = cases.replace(
        &fresh(&|_| {}),
        "\"packet\": \"",
        &format!("\"packet\": \"{}\n{}", &c[..20], &c[20..]),
    );
    cases.add(
        keyed(
            "packet-syntax-canary-split-across-lines",
            "the packet name holds the canary split by a raw line break: an error that prints the lines around it prints both halves",
            split,
        )
        .canary(c[..20].to_owned())
        .canary(c[20..].to_owned())
        .canary(c)
        .expect([R::PacketSyntax]),
    );
    let c = rng.word(24);
    let edited = cases.replace(
        &fresh(&|_| {}),
        "\"status\": \"CLOSED\"",
        &format!("\"status\": \"{c}\",\n      \"status\": \"CLOSED\""),
    );
    add(
        cases,
        "packet-repeated-status-canary",
        "the required blocker's status twice, the canary first: a repeated-key error that quotes both values prints it",
        edited,
        c.clone(),
        R::PacketSyntax,
    );
    let c = rng.word(24);
    add(
        cases,
        "packet-bom-and-canary-name",
        "a BOM before a packet whose name is the canary: the syntax error must not show the first line",
        [
            b"\xEF\xBB\xBF".as_slice(),
            &fresh(&|v| v["packet"] = json!(c)),
        ]
        .concat(),
        c.clone(),
        R::PacketSyntax,
    );
    // A rejected packet's valid ids are not printed either.
    let c = rng.word(24).to_uppercase();
    add(
        cases,
        "packet-rejected-canary-blocker-id",
        "a required blocker with a valid id that is the canary, and an unknown field: the packet is rejected, so not even its valid ids may be printed",
        fresh(&|v| {
            v["blockers"][0]["id"] = json!(c);
            v["blockers"][0]["status"] = json!("OPEN");
            v["options"][1]["requires_closed"] = json!([c]);
            v["reviewed"] = json!(false);
        }),
        c.clone(),
        R::PacketSchema,
    );
    let c = rng.word(24).to_uppercase();
    let b = fresh(&|v| {
        v["blockers"][0]["id"] = json!(c);
        v["blockers"][0]["status"] = json!("OPEN");
        v["options"][1]["requires_closed"] = json!([c]);
    });
    let edited = cases.replace(&b, "\"format\"", ",\"format\"");
    add(
        cases,
        "packet-syntax-canary-blocker-id",
        "an OPEN required blocker whose id is the canary, in a packet with a trailing comma: a syntax error prints a position, not the blocker",
        edited,
        c.clone(),
        R::PacketSyntax,
    );
    // A real, valid grant token of this very packet, pasted into fields that are not grants.
    let real = grant(&dry, "cutover");
    add(
        cases,
        "packet-real-token-in-status",
        "a valid cutover token pasted into the required blocker's status: statuses are never printed",
        fresh(&|v| v["blockers"][0]["status"] = json!(real)),
        real.clone(),
        R::BlockerOpen,
    );
    add(
        cases,
        "packet-real-token-in-selected",
        "a valid cutover token pasted into `selected`",
        fresh(&|v| v["selected"] = json!([real])),
        real.clone(),
        R::SelectedUnknown,
    );
    add(
        cases,
        "packet-real-token-in-unknown-field",
        "a valid cutover token in an unknown `cutover_token` field",
        fresh(&|v| v["cutover_token"] = json!(real)),
        real.clone(),
        R::PacketSchema,
    );

    // Controls.
    let c = rng.word(24);
    cases.add(
        keyed(
            "control-packet-name-canary",
            "a granted dry run whose `packet` name is the canary: it must pass, and the name must not print",
            fresh(&|v| v["packet"] = json!(c)),
        )
        .canary(c.clone())
        .control(),
    );
    // Controls select a granted dry run, not their HOLD default: without `--expect`, `decide`
    // refuses a packet that selects its default (SPEC 5.2), and a control must be accepted.
    let shaped = token_shaped(rng, "cutover");
    cases.add(
        keyed(
            "control-token-shaped-packet-name",
            "a granted dry run whose `packet` name is a real-looking grant token: it must pass without printing the name",
            fresh(&|v| v["packet"] = json!(shaped)),
        )
        .canary(shaped.clone())
        .control(),
    );
    let c = rng.word(24);
    cases.add(
        keyed(
            "control-canary-status-of-unrequired-blocker",
            "a granted dry run where a blocker it does not need has the canary as its status: it must pass without printing the status",
            fresh(&|v| v["blockers"][5]["status"] = json!(c)),
        )
        .canary(c.clone())
        .control(),
    );
    let c = rng.word(24);
    let v = granted(&dry, &[("dryrun", &grant(&dry, "dryrun")), ("apply", &c)]);
    cases.add(
        keyed(
            "control-canary-grant-for-unrequired-action",
            "a granted dry run and a junk `apply` grant holding the canary: nothing requires it, it must pass, and the token must not print",
            doc(&v),
        )
        .canary(c)
        .control(),
    );
}
