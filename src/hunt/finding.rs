//! What the hunt found (SPEC 7.9): each run that did not hold, shrunk, grouped by the kind of
//! failure and what caused it, and written as a data case (SPEC 7.3) that `sealprobe gate
//! --probes DIR` runs, with its `why` drafted from its edits and the command that reruns it.
//!
//! A group's [`Key`] is what a person would call "the same bug": how the run failed, which edits
//! the smallest recipe still needs, and the traits of its names and contents (two spaces, a `#`,
//! a BOM...). Its case name is made from the key, so the same bug found again, by another seed on
//! another machine, gets the same name, and a hunt that writes into a folder that already holds
//! it knows it is not new.

use std::collections::BTreeSet;

use unicode_normalization::{IsNormalized, is_nfc_quick};

use super::recipe::{Edit, FAMILY, Recipe};
use crate::digest::Digest;
use crate::gate::Verdict;
use crate::probe::case::Class;

/// A trait: its name, and whether a name (or content) has it.
type Trait<T> = (&'static str, fn(&T) -> bool);

/// Traits of names: what in a name a checker can trip on.
const NAME_TRAITS: &[Trait<str>] = &[
    ("two-spaces", |n| n.contains("  ")),
    ("space", |n| n.contains(' ')),
    ("leading-dash", |n| n.split('/').any(|s| s.starts_with('-'))),
    ("leading-dot", |n| n.split('/').any(|s| s.starts_with('.'))),
    ("hash", |n| n.contains('#')),
    ("parenthesis", |n| n.contains(['(', ')'])),
    ("equals", |n| n.contains('=')),
    ("glob", |n| n.contains(['*', '?', '[', ']'])),
    ("percent", |n| n.contains('%')),
    ("backslash", |n| n.contains('\\')),
    ("newline", |n| n.contains('\n')),
    ("carriage-return", |n| n.contains('\r')),
    ("tab", |n| n.contains('\t')),
    ("quote", |n| n.contains(['\'', '"'])),
    ("shell", |n| n.contains(['$', ';', '&', '|', '~'])),
    ("comma-or-colon", |n| n.contains([',', ':'])),
    ("folder", |n| n.contains('/')),
    ("non-ascii", |n| !n.is_ascii()),
    ("not-nfc", |n| is_nfc_quick(n.chars()) != IsNormalized::Yes),
    ("invisible", |n| {
        n.chars()
            .any(|c| matches!(c, '\u{200b}'..='\u{200f}' | '\u{a0}' | '\u{feff}'))
    }),
];

/// Traits of contents. An empty file is no trait: shrinking makes every content empty that
/// can be, so "empty" would say how a finding was shrunk, not what caused it.
const CONTENT_TRAITS: &[Trait<[u8]>] = &[
    ("bom", |b| b.starts_with(b"\xEF\xBB\xBF")),
    ("crlf", |b| b.windows(2).any(|w| w == b"\r\n")),
    ("binary", |b| std::str::from_utf8(b).is_err()),
];

/// What makes two findings the same: how the run failed, the edits, the traits of the names and
/// of the contents.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub failures: Vec<Verdict>,
    pub edits: BTreeSet<String>,
    pub names: BTreeSet<&'static str>,
    pub contents: BTreeSet<&'static str>,
}

impl Key {
    /// The key of a run of `recipe` that failed in the ways `failures`.
    pub fn of(recipe: &Recipe, failures: &[Verdict]) -> Key {
        let edits = recipe
            .edits
            .iter()
            .map(|e| match e {
                Edit::Reencode { encoding, .. } => format!("reencode-{encoding}"),
                Edit::Write { path, .. } if !recipe.files.contains_key(path) => "add".to_owned(),
                e => e.op().to_owned(),
            })
            .collect();
        let names = recipe
            .names()
            .into_iter()
            .flat_map(|n| {
                NAME_TRAITS
                    .iter()
                    .filter(move |(_, has)| has(n))
                    .map(|(t, _)| *t)
            })
            .collect();
        let bytes: Vec<Vec<u8>> = recipe
            .files
            .values()
            .cloned()
            .chain(recipe.edits.iter().filter_map(Edit::written))
            .collect();
        let contents = bytes
            .iter()
            .flat_map(|b| {
                CONTENT_TRAITS
                    .iter()
                    .filter(move |(_, has)| has(b))
                    .map(|(t, _)| *t)
            })
            .collect();
        Key {
            failures: failures.to_vec(),
            edits,
            names,
            contents,
        }
    }

    /// Whether a run with key `other` has every trait of this one and failed the same way: it
    /// is counted to this group without being shrunk (it would most likely shrink to it).
    ///
    /// A group whose cause is a trait of names or contents, and whose smallest recipe needs
    /// only the simplest drift (a file removed, cut or flipped), takes a run with that trait
    /// whatever edits drifted it: the trait is what the checker trips on.
    pub fn found_in(&self, other: &Key) -> bool {
        let simple = ["remove", "truncate", "flip"];
        let edits = self.edits.is_subset(&other.edits)
            || ((!self.names.is_empty() || !self.contents.is_empty())
                && !other.edits.is_empty()
                && self.edits.iter().all(|e| simple.contains(&e.as_str())));
        self.failures == other.failures
            && edits
            && self.names.is_subset(&other.names)
            && self.contents.is_subset(&other.contents)
    }

    /// The key in words: `failed-open, edits flip, names two-spaces, contents bom`.
    pub fn words(&self) -> String {
        let list = |s: Vec<String>| {
            if s.is_empty() {
                "none".to_owned()
            } else {
                s.join(" ")
            }
        };
        format!(
            "{}; edits {}; names {}; contents {}",
            list(self.failures.iter().map(|v| v.name().to_owned()).collect()),
            list(self.edits.iter().cloned().collect()),
            list(self.names.iter().map(|t| (*t).to_owned()).collect()),
            list(self.contents.iter().map(|t| (*t).to_owned()).collect()),
        )
    }

    /// The case name of the group: the key as a plain name (cut to stay short) and 8 hex digits
    /// of the digest of the whole key, so the same key always gets the same name.
    pub fn case_name(&self) -> String {
        let parts: Vec<String> = self
            .failures
            .iter()
            .map(|v| v.name().to_owned())
            .chain(self.edits.iter().cloned())
            .chain(self.names.iter().map(|t| (*t).to_owned()))
            .chain(self.contents.iter().map(|t| (*t).to_owned()))
            .collect();
        let mut slug: String = parts
            .join("-")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        slug.truncate(60);
        let slug = slug.trim_end_matches('-');
        let digest = Digest::of(self.words().as_bytes()).to_hex();
        format!("{slug}-{}", &digest[..8])
    }
}

/// The `why` of a finding, drafted from its key: what a validator that fails the case gets
/// wrong, in one line. A person reviews it before the case joins a family.
pub fn why(key: &Key, control: bool) -> String {
    let what = if control {
        "refuses an honest tree"
    } else if key.failures.contains(&Verdict::FailedOpen) {
        "accepts a tree that drifted from its record"
    } else {
        "does not hold a drifted tree"
    };
    let mut why = format!("found by the hunt: {what}");
    let how: Vec<String> = key
        .failures
        .iter()
        .filter_map(|v| match v {
            Verdict::Leak => Some("its output leaks".to_owned()),
            Verdict::Crash => Some("it crashes".to_owned()),
            Verdict::Timeout => Some("it does not answer in time".to_owned()),
            _ => None,
        })
        .collect();
    if !how.is_empty() {
        why.push_str(&format!(" ({})", how.join(", ")));
    }
    if !key.edits.is_empty() {
        let edits: Vec<String> = key.edits.iter().map(|e| edit_words(e)).collect();
        why.push_str(&format!(" after {}", edits.join(" and ")));
    }
    if !key.names.is_empty() {
        let names: Vec<String> = key.names.iter().map(|t| t.replace('-', " ")).collect();
        why.push_str(&format!("; names with: {}", names.join(", ")));
    }
    if !key.contents.is_empty() {
        let contents: Vec<String> = key.contents.iter().map(|t| t.replace('-', " ")).collect();
        why.push_str(&format!("; contents: {}", contents.join(", ")));
    }
    why
}

/// An edit of a key in words.
fn edit_words(edit: &str) -> String {
    match edit {
        "write" => "a file rewritten".into(),
        "append" => "bytes appended".into(),
        "truncate" => "a file cut".into(),
        "flip" => "a bit flipped".into(),
        "remove" => "a file removed".into(),
        "rename" => "a file renamed".into(),
        "symlink" => "a file replaced by a symlink".into(),
        "fifo" => "a file replaced by a FIFO".into(),
        "folder" => "a file replaced by a folder".into(),
        "add" => "a file added".into(),
        e => match e.strip_prefix("reencode-") {
            Some(enc) => format!("a file re-encoded ({enc})"),
            None => e.to_owned(),
        },
    }
}

/// One group of findings: the smallest recipe that fails its way, and how often it was met.
#[derive(Debug, Clone)]
pub struct Finding {
    pub key: Key,
    pub recipe: Recipe,
    /// The judge's detail of the smallest recipe's run.
    pub detail: String,
    /// Whether the smallest recipe is a control.
    pub control: bool,
    /// The first run (of the seed's stream) that failed this way.
    pub first_run: u64,
    /// Runs counted to this group.
    pub runs: u64,
    /// What `sealprobe verify` says about the smallest case: the classes it names when it holds
    /// the case (refuses a hostile one, accepts a control), or how it does not.
    pub builtin: Result<Vec<Class>, String>,
    /// Already in the `--out` folder when the hunt started.
    pub known: bool,
}

impl Finding {
    /// The data case (a `[[case]]` of `hunt.toml`) with comments saying where it came from and
    /// how to rerun it; commented out whole when `sealprobe verify` does not hold it either (it
    /// could not name the classes, and the defect is sealprobe's).
    pub fn data_case(&self, origin: &str, rerun: &str) -> Result<String, String> {
        let mut t = self.recipe.table();
        t.insert("name".into(), self.key.case_name().into());
        t.insert("why".into(), why(&self.key, self.control).into());
        // Why the case cannot be written as a case that loads, if it cannot.
        let unwritable = match (&self.builtin, self.control) {
            (Ok(_), true) => {
                t.insert("control".into(), true.into());
                None
            }
            (Ok(classes), false) if !classes.is_empty() => {
                t.insert(
                    "expect".into(),
                    toml::Value::Array(classes.iter().map(|c| c.name().into()).collect()),
                );
                None
            }
            (Ok(_), false) => Some("sealprobe verify refuses this case but names no class"),
            (Err(_), _) => Some(
                "sealprobe verify does not hold this case either: a defect of sealprobe, to report",
            ),
        };
        let doc = toml::Table::from_iter([(
            "case".to_owned(),
            toml::Value::Array(vec![toml::Value::Table(t)]),
        )]);
        let body = toml::to_string(&doc).map_err(|_| "the case cannot be written as TOML")?;
        let mut out = format!("\n# {origin}\n# {}\n# rerun: {rerun}\n", self.key.words());
        if let Some(why) = unwritable {
            out.push_str(&format!("# {why}\n"));
            for line in body.lines() {
                out.push_str("# ");
                out.push_str(line);
                out.push('\n');
            }
        } else {
            out.push_str(&body);
        }
        Ok(out)
    }
}

/// Folds every group another group explains into that one: a group found later with fewer
/// traits (or fewer edits) shows that the earlier group's traits were not the cause. A timeout
/// is shrunk with a few candidates only, so its names keep their traits; without this, one
/// checker that waits on every FIFO shows as a group per set of names (hashdeep did: seven).
/// The explaining group keeps its smallest case and takes the runs and the first run of the
/// groups it explains; the order of the rest is kept, so a seed still gives the same findings.
pub fn fold_explained(findings: &mut Vec<Finding>) {
    let mut i = 0;
    while i < findings.len() {
        let by = (0..findings.len()).find(|&j| {
            j != i
                && findings[j].key.found_in(&findings[i].key)
                && !findings[i].key.found_in(&findings[j].key)
        });
        match by {
            Some(j) => {
                let folded = findings.remove(i);
                let j = if j > i { j - 1 } else { j };
                findings[j].runs += folded.runs;
                findings[j].first_run = findings[j].first_run.min(folded.first_run);
                i = 0;
            }
            None => i += 1,
        }
    }
}

/// The header of a `hunt.toml` the hunt starts.
pub fn file_header() -> String {
    format!(
        "# Cases found by `sealprobe hunt` (SPEC 7.9): a data family ({FAMILY}), run with\n# `sealprobe gate --probes <this folder>`. Review each `why` before it joins a family.\nformat = \"{}\"\n",
        crate::probe::data::FAMILY_FORMAT
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn recipe(name: &str, edits: Vec<Edit>) -> Recipe {
        Recipe {
            files: BTreeMap::from([(name.to_owned(), b"\xEF\xBB\xBFa\n".to_vec())]),
            complete: Vec::new(),
            edits,
        }
    }

    fn finding(name: &str, first_run: u64) -> Finding {
        let r = recipe(
            name,
            vec![Edit::Fifo {
                path: name.to_owned(),
            }],
        );
        Finding {
            key: Key::of(&r, &[Verdict::Timeout]),
            recipe: r,
            detail: String::new(),
            control: false,
            first_run,
            runs: 2,
            builtin: Err(String::new()),
            known: false,
        }
    }

    #[test]
    fn a_group_with_fewer_traits_takes_in_the_groups_it_explains() {
        // A timeout on a FIFO met first under odd names, then under a plain one.
        let mut found = vec![
            finding("x*y", 5),
            finding("é", 9),
            finding("a", 12),
            finding("a", 12),
        ];
        found[3].key.failures = vec![Verdict::FailedOpen];
        fold_explained(&mut found);
        let kept: Vec<(String, u64, u64)> = found
            .iter()
            .map(|f| (f.key.words(), f.first_run, f.runs))
            .collect();
        assert_eq!(
            kept,
            [
                (
                    "timeout; edits fifo; names none; contents bom".to_owned(),
                    5,
                    6
                ),
                (
                    "failed-open; edits fifo; names none; contents bom".to_owned(),
                    12,
                    2
                ),
            ]
        );
        // Groups that do not explain each other are all kept.
        let mut apart = vec![finding("x*y", 1), finding("é", 2)];
        fold_explained(&mut apart);
        assert_eq!(apart.len(), 2);
    }

    #[test]
    fn a_key_names_the_failure_edits_and_traits() {
        let r = recipe(
            "a  b",
            vec![Edit::Reencode {
                path: "a  b".into(),
                encoding: "crlf".into(),
            }],
        );
        let k = Key::of(&r, &[Verdict::FailedOpen]);
        assert_eq!(
            k.words(),
            "failed-open; edits reencode-crlf; names space two-spaces; contents bom"
        );
        let name = k.case_name();
        assert!(crate::probe::case::is_case_name(&name), "{name}");
        assert!(name.starts_with("failed-open-reencode-crlf-space-two-spaces-bom-"));
        // The same key, the same name; another key, another.
        assert_eq!(
            Key::of(&r.clone(), &[Verdict::FailedOpen]).case_name(),
            name
        );
        assert_ne!(Key::of(&r, &[Verdict::Leak]).case_name(), name);
        let w = why(&k, false);
        assert!(
            w.contains("accepts a tree that drifted") && w.contains("crlf") && !w.contains('\n'),
            "{w}"
        );
    }

    /// A finding `sealprobe verify` holds is a case that loads, expecting what it named; one it
    /// does not hold is written commented out, saying so, and loads as nothing.
    #[test]
    fn a_finding_is_a_case_that_loads_unless_sealprobe_fails_it_too() {
        let r = recipe("a", vec![Edit::Remove { path: "a".into() }]);
        let mut f = Finding {
            key: Key::of(&r, &[Verdict::FailedOpen]),
            recipe: r,
            detail: String::new(),
            control: false,
            first_run: 3,
            runs: 1,
            builtin: Ok(vec![Class::Drift(crate::seal::Drift::Missing)]),
            known: false,
        };
        let family = crate::probe::case::Family::named(FAMILY).expect("plain");
        let doc = |f: &Finding| {
            format!(
                "{}{}",
                file_header(),
                f.data_case("origin", "rerun").expect("written")
            )
        };
        let cases = crate::probe::data::load(&doc(&f), "hunt.toml", family).expect("loads");
        assert_eq!(cases.len(), 1);
        assert_eq!(
            cases[0].expect.classes(),
            [Class::Drift(crate::seal::Drift::Missing)]
        );
        f.builtin = Err("failed-open".into());
        let text = doc(&f);
        assert!(text.contains("# sealprobe verify does not hold this case either"));
        let cases = crate::probe::data::load(&text, "hunt.toml", family).expect("loads");
        assert!(cases.is_empty());
    }

    #[test]
    fn a_run_with_more_traits_is_covered_by_a_group() {
        let small = Key::of(
            &recipe(
                "a  b",
                vec![Edit::Remove {
                    path: "a  b".into(),
                }],
            ),
            &[Verdict::FailedOpen],
        );
        let big = Key::of(
            &recipe(
                "x/a  #b",
                vec![
                    Edit::Remove {
                        path: "x/a  #b".into(),
                    },
                    Edit::Fifo { path: "y".into() },
                ],
            ),
            &[Verdict::FailedOpen],
        );
        assert!(small.found_in(&big));
        assert!(!big.found_in(&small));
    }
}
