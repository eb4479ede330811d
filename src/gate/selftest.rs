//! The negative control (SPEC 7.7): the built-in validator weakened in one way at a time, and
//! the gate run against each. The gate passes `--self-test` only if every weakened validator is
//! caught (some case does not hold), and the report lists, as cargo-mutants lists mutants, each
//! one `caught` or `missed` and the cases that caught it.
//!
//! Each weakness is one seam over the real validator, never a flag threaded through it: a
//! [`Flaw`] rewrites the case's workspace before the real `sealprobe verify` or `decide` runs on
//! it (strip BOMs, normalize line endings, drop missing files from the seal, re-sign a MAC it
//! should have refused, ...), or adds to its output after (echo the input). So the real
//! validator stays exactly what it is, and what each seam does is plain to read here.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::sync::Arc;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::runner::{CaseResult, RunOptions, run_cases};
use super::validator::{Builtin, Observation, Validator};
use crate::probe::case::{Carrier, Case};
use crate::seal::SEAL_SIZE_LIMIT;
use crate::seal::fingerprint::fingerprints_of;
use crate::seal::model::Seal;
use crate::small_file::{self, Source};
use crate::strict_json;
use crate::token::key::Key;
use crate::token::mac::Tag;
use crate::workspace::Workspace;

crate::vocabulary! {
    /// The ten weaknesses of SPEC 7.7.
    pub enum Flaw {
        BomStripped => "bom-stripped",
        LineEndingsNormalized => "line-endings-normalized",
        MissingSkipped => "missing-files-skipped",
        LengthOnly => "length-only-check",
        FirstRepeatedKeyWins => "first-repeated-key-wins",
        SymlinksFollowed => "symlinks-followed",
        InputEchoed => "input-echoed-in-errors",
        AnyMacAccepted => "any-mac-accepted",
        OptionIdsCaseInsensitive => "option-ids-case-insensitive",
        MacPrefixCompared => "mac-compared-by-prefix",
    }
}

impl Flaw {
    /// What the weakened validator gets wrong, in one line.
    pub fn what(self) -> &'static str {
        match self {
            Flaw::BomStripped => "strips a UTF-8 BOM from every file before hashing",
            Flaw::LineEndingsNormalized => "turns CRLF and CR into LF before hashing",
            Flaw::MissingSkipped => "skips sealed files that are missing",
            Flaw::LengthOnly => "checks lengths, not digests",
            Flaw::FirstRepeatedKeyWins => "reads JSON with repeated keys, keeping the first copy",
            Flaw::SymlinksFollowed => "follows symlinks to the file they point at",
            Flaw::InputEchoed => "prints the rejected document in its error message",
            Flaw::AnyMacAccepted => "accepts any MAC of the right shape",
            Flaw::OptionIdsCaseInsensitive => "compares option ids case-insensitively",
            Flaw::MacPrefixCompared => "compares MACs by their first 8 characters",
        }
    }
}

/// The built-in validator with one flaw.
pub struct Weakened(pub Flaw);

impl Validator for Weakened {
    fn name(&self) -> String {
        format!("weakened: {}", self.0.name())
    }

    fn meets(&self, case: &Case) -> bool {
        Builtin.meets(case)
    }

    fn run(&self, case: &Case, ws: &Workspace) -> Vec<Observation> {
        // Every seam is best effort: when it cannot rewrite an input (it does not parse, say),
        // the input stays as it is, and the real validator judges it.
        match self.0 {
            Flaw::BomStripped => {
                rewrite_files(ws, |b| b.strip_prefix(b"\xEF\xBB\xBF").map(<[u8]>::to_vec))
            }
            Flaw::LineEndingsNormalized => rewrite_files(ws, |b| {
                let lf = String::from_utf8_lossy(b)
                    .replace("\r\n", "\n")
                    .replace('\r', "\n");
                (lf.as_bytes() != b).then(|| lf.into_bytes())
            }),
            Flaw::MissingSkipped => edit_seal(ws, |seal, root| {
                let kept = seal
                    .artifacts()
                    .iter()
                    .filter(|a| root.join(a.path.as_str()).symlink_metadata().is_ok())
                    .cloned()
                    .collect();
                Seal::new(kept, seal.complete().to_vec()).ok()
            }),
            Flaw::LengthOnly => edit_seal(ws, |seal, root| {
                let artifacts = seal
                    .artifacts()
                    .iter()
                    .map(|a| {
                        // Only a regular file of the sealed length is read (never an endless
                        // or sparse file, nor through a symlink).
                        let path = root.join(a.path.as_str());
                        let same_length = fs::symlink_metadata(&path)
                            .is_ok_and(|m| m.is_file() && m.len() == a.bytes);
                        match same_length.then(|| read_bounded(&path)).flatten() {
                            Some(bytes) if bytes.len() as u64 == a.bytes => {
                                fingerprints_of(&bytes).into_artifact(a.path.clone())
                            }
                            _ => a.clone(),
                        }
                    })
                    .collect();
                Seal::new(artifacts, seal.complete().to_vec()).ok()
            }),
            Flaw::FirstRepeatedKeyWins => {
                for path in [ws.seal_path(), ws.packet_path()] {
                    rewrite(&path, first_key_wins);
                }
            }
            Flaw::SymlinksFollowed => follow_symlinks(&ws.root()),
            Flaw::InputEchoed => {}
            Flaw::AnyMacAccepted => re_sign(case, ws, |_, _| true),
            Flaw::OptionIdsCaseInsensitive => rewrite(&ws.packet_path(), fold_selected),
            Flaw::MacPrefixCompared => {
                re_sign(case, ws, |given, right| given.get(..8) == right.get(..8))
            }
        }
        let mut runs = Builtin.run(case, ws);
        if self.0 == Flaw::InputEchoed {
            let doc = match case.carrier {
                Carrier::Packet => read_bounded(&ws.packet_path()),
                _ => read_bounded(&ws.seal_path()),
            }
            .unwrap_or_default();
            for r in &mut runs {
                if r.ending != super::validator::Ending::Exited(0) {
                    r.stderr.extend_from_slice(b"sealprobe: rejected input: ");
                    r.stderr.extend_from_slice(&doc[..doc.len().min(64 * 1024)]);
                }
            }
        }
        runs
    }

    fn rerun_arg(&self) -> Option<String> {
        None
    }
}

/// Rewrites every regular file below the root with `f` (when it returns new bytes).
fn rewrite_files(ws: &Workspace, f: impl Fn(&[u8]) -> Option<Vec<u8>>) {
    each_entry_below(&ws.root(), |path, t| {
        if t.is_file() {
            rewrite(path, &f);
        }
    });
}

/// Calls `visit` with every entry below `root` that is not a folder, and its type (not
/// followed); the walk never follows a symlink into a folder.
fn each_entry_below(root: &Path, mut visit: impl FnMut(&Path, fs::FileType)) {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(t) = e.file_type() else { continue };
            if t.is_dir() {
                stack.push(e.path());
            } else {
                visit(&e.path(), t);
            }
        }
    }
}

/// A case's file, read with the one bounded reader (SPEC 6.1): a seam must never hang on a
/// FIFO nor read an endless device a hostile case planted where a seal or a key belongs.
fn read_bounded(path: &Path) -> Option<Vec<u8>> {
    small_file::read(&Source::Path(path.to_path_buf()), small_file::DEFAULT_LIMIT).ok()
}

/// Rewrites the file at `path` with `f` (when it returns new bytes).
fn rewrite(path: &Path, f: impl Fn(&[u8]) -> Option<Vec<u8>>) {
    if let Some(bytes) = read_bounded(path)
        && let Some(new) = f(&bytes)
    {
        let _ = fs::write(path, new);
    }
}

/// The case's key, when it has one.
fn key_of(ws: &Workspace) -> Option<Key> {
    read_bounded(&ws.key_path()).and_then(|b| Key::from_bytes(b).ok())
}

/// Loads the seal, edits it with `f`, writes it back canonical (signed again when it was signed
/// and a key is at hand).
fn edit_seal(ws: &Workspace, f: impl Fn(&Seal, &Path) -> Option<Seal>) {
    let Some(doc) = read_bounded(&ws.seal_path()) else {
        return;
    };
    let Ok(seal) = Seal::load(&doc, SEAL_SIZE_LIMIT) else {
        return;
    };
    let Some(mut edited) = f(&seal, &ws.root()) else {
        return;
    };
    if seal.mac().is_some()
        && let Some(key) = key_of(ws)
    {
        edited.sign(&key);
    }
    let _ = fs::write(ws.seal_path(), edited.to_file_form());
}

/// Replaces each symlink below the root by a copy of the regular file it leads to.
fn follow_symlinks(root: &Path) {
    each_entry_below(root, |path, t| {
        if t.is_symlink()
            && fs::metadata(path).is_ok_and(|m| m.is_file())
            && let Some(bytes) = read_bounded(path)
        {
            let _ = fs::remove_file(path);
            let _ = fs::write(path, bytes);
        }
    });
}

/// Makes the seal's MAC and every grant's MAC right when `accept(given, right)` says the one
/// it carries is good enough.
fn re_sign(case: &Case, ws: &Workspace, accept: impl Fn(&str, &str) -> bool) {
    let Some(key) = key_of(ws) else {
        return;
    };
    if case.carrier != Carrier::Packet {
        if let Some(doc) = read_bounded(&ws.seal_path())
            && let Ok(mut seal) = Seal::load(&doc, SEAL_SIZE_LIMIT)
            && let Some(given) = seal.mac().map(|m| m.to_field())
        {
            let mut right = seal.clone();
            right.sign(&key);
            let right_field = right.mac().map(|m| m.to_field()).unwrap_or_default();
            let prefix = "hmac-sha256:".len();
            if accept(&given[prefix..], &right_field[prefix..]) {
                seal.sign(&key);
                let _ = fs::write(ws.seal_path(), seal.to_file_form());
            }
        }
        return;
    }
    rewrite(&ws.packet_path(), |doc| {
        let mut value: serde_json::Value = serde_json::from_slice(doc).ok()?;
        let grants = value.get_mut("grants")?.as_array_mut()?;
        let mut changed = false;
        for g in grants {
            let Some(token) = g.get("token").and_then(|t| t.as_str()).map(str::to_owned) else {
                continue;
            };
            let Some((message, given)) = token.rsplit_once('.') else {
                continue;
            };
            let right = Tag::of(&key, message.as_bytes()).to_base64url();
            if given != right && accept(given, &right) {
                g["token"] = serde_json::Value::String(format!("{message}.{right}"));
                changed = true;
            }
        }
        changed.then(|| serde_json::to_vec_pretty(&value).ok())?
    });
}

/// `selected` entries replaced by the option id they equal case-insensitively.
fn fold_selected(doc: &[u8]) -> Option<Vec<u8>> {
    let mut value: serde_json::Value = serde_json::from_slice(doc).ok()?;
    let ids: Vec<String> = value
        .get("options")?
        .as_array()?
        .iter()
        .filter_map(|o| o.get("id")?.as_str().map(str::to_owned))
        .collect();
    let selected = value.get_mut("selected")?.as_array_mut()?;
    let mut changed = false;
    for s in selected.iter_mut() {
        let Some(given) = s.as_str() else { continue };
        if let Some(id) = ids
            .iter()
            .find(|id| id.as_str() != given && id.eq_ignore_ascii_case(given))
        {
            *s = serde_json::Value::String(id.clone());
            changed = true;
        }
    }
    changed.then(|| serde_json::to_vec_pretty(&value).ok())?
}

/// A JSON value read keeping the first copy of a repeated key.
struct FirstWins(serde_json::Value);

impl<'de> Deserialize<'de> for FirstWins {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FirstWins;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("JSON")
            }

            fn visit_bool<E>(self, b: bool) -> Result<FirstWins, E> {
                Ok(FirstWins(b.into()))
            }

            fn visit_i64<E>(self, n: i64) -> Result<FirstWins, E> {
                Ok(FirstWins(n.into()))
            }

            fn visit_u64<E>(self, n: u64) -> Result<FirstWins, E> {
                Ok(FirstWins(n.into()))
            }

            fn visit_f64<E>(self, n: f64) -> Result<FirstWins, E> {
                Ok(FirstWins(
                    serde_json::Number::from_f64(n).map_or(serde_json::Value::Null, Into::into),
                ))
            }

            fn visit_str<E>(self, s: &str) -> Result<FirstWins, E> {
                Ok(FirstWins(s.into()))
            }

            fn visit_unit<E>(self) -> Result<FirstWins, E> {
                Ok(FirstWins(serde_json::Value::Null))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FirstWins, A::Error> {
                let mut items = Vec::new();
                while let Some(FirstWins(v)) = seq.next_element()? {
                    items.push(v);
                }
                Ok(FirstWins(serde_json::Value::Array(items)))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FirstWins, A::Error> {
                let mut out = serde_json::Map::new();
                while let Some((k, FirstWins(v))) = map.next_entry::<String, FirstWins>()? {
                    out.entry(k).or_insert(v);
                }
                Ok(FirstWins(serde_json::Value::Object(out)))
            }
        }
        d.deserialize_any(V)
    }
}

/// The document rewritten with the first copy of every repeated key (in the file form, so a
/// seal stays canonical); `None` when it has no repeated key or is not JSON.
fn first_key_wins(doc: &[u8]) -> Option<Vec<u8>> {
    if strict_json::parse(doc).is_ok() {
        return None;
    }
    let FirstWins(value) = serde_json::from_slice(doc).ok()?;
    let node = strict_json::parse(&serde_json::to_vec(&value).ok()?).ok()?;
    Some(strict_json::canonical::file_form(&node))
}

/// What became of one weakened validator.
#[derive(Debug, Clone)]
pub struct Caught {
    pub flaw: Flaw,
    /// The runs that did not hold (empty: missed).
    pub by: Vec<CaseResult>,
}

impl Caught {
    pub fn caught(&self) -> bool {
        !self.by.is_empty()
    }
}

/// Runs every flaw over `cases`.
pub fn run(cases: &[Arc<Case>], flaws: &[Flaw], opts: &RunOptions) -> Vec<Caught> {
    let validators: Vec<Arc<dyn Validator>> = flaws
        .iter()
        .map(|f| Arc::new(Weakened(*f)) as Arc<dyn Validator>)
        .collect();
    let results = run_cases(cases, &validators, opts);
    let mut by: BTreeMap<String, Vec<CaseResult>> = BTreeMap::new();
    for r in results {
        if !r.verdict.holds() {
            by.entry(r.validator.clone()).or_default().push(r);
        }
    }
    flaws
        .iter()
        .map(|f| Caught {
            flaw: *f,
            by: by.remove(&Weakened(*f).name()).unwrap_or_default(),
        })
        .collect()
}

/// `sealprobe-self-test/1`: each weakened validator, caught or missed, and the runs that caught
/// it (id, outcome, detail).
pub fn json(caught: &[Caught], seed: u64, case_set: &crate::digest::Digest) -> Vec<u8> {
    use crate::strict_json::canonical::{build, file_form};
    let weakened = caught
        .iter()
        .map(|c| {
            build::object([
                ("flaw", build::string(c.flaw.name())),
                ("what", build::string(c.flaw.what())),
                ("caught", build::boolean(c.caught())),
                (
                    "by",
                    build::array(
                        c.by.iter()
                            .map(|r| {
                                build::object([
                                    ("id", build::string(r.id.clone())),
                                    ("outcome", build::string(r.verdict.name())),
                                    ("detail", build::string(r.detail.clone())),
                                ])
                            })
                            .collect(),
                    ),
                ),
            ])
        })
        .collect();
    file_form(&build::object([
        ("format", build::string("sealprobe-self-test/1")),
        ("case_set", build::string(case_set.to_hex())),
        ("seed", build::uint(seed)),
        ("weakened", build::array(weakened)),
        (
            "passed",
            build::boolean(!caught.is_empty() && caught.iter().all(Caught::caught)),
        ),
    ]))
}

/// The report: one line per weakened validator, caught or missed, and the cases that caught it.
pub fn table(caught: &[Caught], seed: u64, case_set: &str, cases: usize) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let width = Flaw::ALL.iter().map(|f| f.name().len()).max().unwrap_or(0);
    for c in caught {
        let verdict = if c.caught() { "caught" } else { "MISSED" };
        let _ = writeln!(
            out,
            "{:<width$}  {verdict:<6}  {}",
            c.flaw.name(),
            c.flaw.what()
        );
        let shown: Vec<String> =
            c.by.iter()
                .take(5)
                .map(|r| format!("{} ({})", r.id, r.verdict.name()))
                .collect();
        if !shown.is_empty() {
            let more = c.by.len().saturating_sub(shown.len());
            let tail = if more > 0 {
                format!(", and {more} more")
            } else {
                String::new()
            };
            let _ = writeln!(out, "{:<width$}          by {}{tail}", "", shown.join(", "));
        }
    }
    let n = caught.iter().filter(|c| c.caught()).count();
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "case set {case_set}  seed {seed}  {cases} cases per weakened validator"
    );
    if n == caught.len() && !caught.is_empty() {
        let _ = writeln!(
            out,
            "PASS: the gate caught {n} of {} weakened validators",
            caught.len()
        );
    } else {
        let _ = writeln!(
            out,
            "FAIL: the gate missed {} of {} weakened validators; a probe suite that cannot catch them cannot be trusted",
            caught.len() - n,
            caught.len()
        );
    }
    out
}
