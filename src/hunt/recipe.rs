//! The recipe the hunt composes (SPEC 7.9): a small honest tree, the complete folders, and tree
//! edits of SPEC 7.1, in the words of a data family's `[[case]]` (`probes/README.md`).
//!
//! A hunt recipe is never run in a form of its own: [`Recipe::table`] writes it as the TOML
//! table a data family holds, and [`Recipe::case`] hands that table to the data families' own
//! reader ([`crate::probe::data::case_by_drift`]), which drafts, seals and checks it as it does
//! every recipe of `probes/`, with the expectation derived from the drift. So the case the hunt
//! runs is the case it writes to `--out`, byte for byte, and the gate runs it again from there.

use std::collections::BTreeMap;

use crate::probe::case::{Case, Entry, Family};
use crate::probe::data::case_by_drift;

/// The family the hunt's cases belong to, and the name of the file it writes (`hunt.toml`).
pub const FAMILY: &str = "hunt";

pub use crate::probe::data::Edit;

/// The encodings a re-encode edit names (the data families' own list).
pub const ENCODINGS: &[&str] = &[
    "utf-8-bom",
    "no-bom",
    "crlf",
    "lf",
    "utf-16le",
    "utf-16be",
    "utf-32le",
    "utf-32be",
];

/// What the hunt needs of an edit beyond what a data family does with it: its names, how simple
/// it is, and the edit with a name changed (shrinking).
impl Edit {
    /// How simple the edit is, for shrinking: a file removed is the simplest drift, then a file
    /// cut, a bit flipped, and on to edits that need more to explain.
    pub fn rank(&self) -> usize {
        match self {
            Edit::Remove { .. } => 0,
            Edit::Truncate { .. } => 1,
            Edit::Flip { .. } => 2,
            Edit::Append { .. } => 3,
            Edit::Write { .. } => 4,
            Edit::Reencode { .. } => 5,
            Edit::Rename { .. } => 6,
            Edit::Symlink { .. } => 7,
            Edit::Fifo { .. } => 8,
            Edit::Folder { .. } => 9,
            Edit::Sparse { .. } => 10,
        }
    }

    /// Every name the edit holds: its path, and a rename's new name.
    pub fn names(&self) -> Vec<&str> {
        match self {
            Edit::Rename { path, to } => vec![path, to],
            _ => vec![self.path()],
        }
    }

    /// The edit with every name `from` spelled `to` (a name shrunk everywhere at once).
    fn renamed(&self, from: &str, to: &str) -> Edit {
        let mut e = self.clone();
        if e.path() == from {
            *e.path_mut() = to.to_owned();
        }
        if let Edit::Rename { to: new, .. } = &mut e
            && new == from
        {
            *new = to.to_owned();
        }
        e
    }

    /// The edit as a data family's inline table.
    fn table(&self) -> toml::Table {
        match toml::Value::try_from(self) {
            Ok(toml::Value::Table(t)) => t,
            // An edit always serializes as a table (its fields and `op`).
            _ => toml::Table::new(),
        }
    }
}

/// A composed recipe: the honest files (sealed), the complete folders, the edits in order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Recipe {
    pub files: BTreeMap<String, Vec<u8>>,
    pub complete: Vec<String>,
    pub edits: Vec<Edit>,
}

impl Recipe {
    /// The recipe as the body of a data family's `[[case]]` (without `name`, `why` and the
    /// expectation).
    pub fn table(&self) -> toml::Table {
        let mut t = toml::Table::new();
        let files: toml::Table = self
            .files
            .iter()
            .map(|(path, bytes)| {
                let value = match Edit::spelled(bytes) {
                    (Some(text), _) => text.into(),
                    (None, hex) => toml::Value::Table(toml::Table::from_iter([(
                        "hex".to_owned(),
                        hex.unwrap_or_default().into(),
                    )])),
                };
                (path.clone(), value)
            })
            .collect();
        t.insert("files".into(), toml::Value::Table(files));
        if !self.complete.is_empty() {
            t.insert(
                "complete".into(),
                toml::Value::Array(self.complete.iter().map(|c| c.as_str().into()).collect()),
            );
        }
        if !self.edits.is_empty() {
            t.insert(
                "edits".into(),
                toml::Value::Array(
                    self.edits
                        .iter()
                        .map(|e| toml::Value::Table(e.table()))
                        .collect(),
                ),
            );
        }
        t
    }

    /// The case this recipe drafts, named `name`, its expectation derived from its drift; or
    /// why it drafts none (an edit that finds nothing, a tree no file system can hold), which
    /// is a recipe to draw again, never a finding.
    pub fn case(&self, name: &str) -> Result<Case, String> {
        let mut t = self.table();
        t.insert("name".into(), name.into());
        t.insert("why".into(), "drawn by the hunt".into());
        let family = Family::named(FAMILY).ok_or("the hunt's family has no plain name")?;
        let case = case_by_drift(t, family)?;
        if !laid_out(&case.inputs.tree) {
            return Err("an entry lies below one that is not a folder".into());
        }
        Ok(case)
    }

    /// Every name the recipe holds: its files and the names its edits give.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.files.keys().map(String::as_str).collect();
        names.extend(self.edits.iter().flat_map(Edit::names));
        names.sort();
        names.dedup();
        names
    }

    /// The recipe with the name `from` spelled `to` everywhere.
    pub fn renamed(&self, from: &str, to: &str) -> Recipe {
        let files = self
            .files
            .iter()
            .map(|(p, b)| {
                let p = if p == from { to.to_owned() } else { p.clone() };
                (p, b.clone())
            })
            .collect();
        Recipe {
            files,
            complete: self
                .complete
                .iter()
                .map(|c| if c == from { to.to_owned() } else { c.clone() })
                .collect(),
            edits: self.edits.iter().map(|e| e.renamed(from, to)).collect(),
        }
    }

    /// How big the recipe is, to compare two: edits, then files, then how simple the edits
    /// are ([`Edit::rank`]), then how odd its names and contents are, then the bytes of its
    /// names and contents. A shrink step is kept only
    /// when it makes this smaller, so shrinking ends.
    pub fn size(&self) -> (usize, usize, usize, usize, usize) {
        let bytes: usize = self
            .files
            .iter()
            .map(|(p, b)| p.len() + b.len())
            .chain(self.edits.iter().map(|e| match e {
                Edit::Write { .. } | Edit::Append { .. } => e.written().map_or(0, |b| b.len()) + 1,
                Edit::Rename { to, .. } => to.len() + 1,
                Edit::Symlink { target, .. } => target.len() + 1,
                Edit::Truncate { len, .. } => *len,
                Edit::Flip { at, bit, .. } => *at + usize::from(*bit),
                _ => 1,
            }))
            .chain(self.complete.iter().map(String::len))
            .sum();
        let ranks = self.edits.iter().map(Edit::rank).sum();
        // Characters of names other than lower-case letters and digits, and bytes of contents
        // other than those and line feeds: a plain name or content is smaller than a hostile
        // one of the same length.
        let odd_names: usize = self
            .names()
            .iter()
            .map(|n| {
                n.chars()
                    .filter(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
                    .count()
            })
            .sum();
        let odd_bytes: usize = self
            .files
            .values()
            .map(|b| {
                b.iter()
                    .filter(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || **c == b'\n'))
                    .count()
            })
            .sum();
        let odd = odd_names + odd_bytes;
        (self.edits.len(), self.files.len(), ranks, odd, bytes)
    }
}

/// Whether a tree can be written as it is listed: nothing lies below an entry that is not a
/// folder (a file replaced by a FIFO while a rename put a file below it).
fn laid_out(tree: &[Entry]) -> bool {
    let kinds: BTreeMap<&[u8], bool> = tree
        .iter()
        .map(|e| (e.path(), matches!(e, Entry::Folder { .. })))
        .collect();
    tree.iter().all(|e| {
        let p = e.path();
        p.iter()
            .enumerate()
            .filter(|(_, b)| **b == b'/')
            .all(|(i, _)| kinds.get(&p[..i]).is_none_or(|folder| *folder))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::case::Expect;

    fn recipe(edits: Vec<Edit>) -> Recipe {
        Recipe {
            files: BTreeMap::from([
                ("a  b.txt".to_owned(), b"one\n".to_vec()),
                ("d/#c".to_owned(), vec![0xff, 0x00]),
            ]),
            complete: vec![".".into()],
            edits,
        }
    }

    /// A recipe that drifts is hostile, one that does not is a control: the expectation comes
    /// from the drift, never from the recipe.
    #[test]
    fn the_expectation_is_derived_from_the_drift() {
        let hostile = recipe(vec![Edit::Flip {
            path: "a  b.txt".into(),
            at: 0,
            bit: 0,
        }])
        .case("h")
        .expect("drafts");
        assert_eq!(hostile.expect, Expect::FailClosed(Vec::new()));
        assert_eq!(hostile.id, "hunt/h");
        let control = recipe(vec![]).case("c").expect("drafts");
        assert_eq!(control.expect, Expect::Pass);
        // A folder added outside the sealed files, in a complete folder: folders may be
        // added there, so still a control.
        let folder = recipe(vec![Edit::Folder { path: "e".into() }])
            .case("f")
            .expect("drafts");
        assert_eq!(folder.expect, Expect::Pass);
        // A file added to the complete root: hostile.
        let added = recipe(vec![Edit::write("new\nline", b"x")])
            .case("w")
            .expect("drafts");
        assert!(!added.expect.is_control());
    }

    /// The table is the data family's own spelling: bytes that are not UTF-8 as hex, and it
    /// reads back through the data families' reader as the same case.
    #[test]
    fn the_table_is_a_data_case_that_reads_back() {
        let r = recipe(vec![
            Edit::Reencode {
                path: "a  b.txt".into(),
                encoding: "crlf".into(),
            },
            Edit::Rename {
                path: "d/#c".into(),
                to: "d/#C".into(),
            },
        ]);
        let text = toml::to_string(&r.table()).expect("writes");
        assert!(text.contains("hex = \"ff00\""), "{text}");
        let again: toml::Table = toml::from_str(&text).expect("reads");
        assert_eq!(again, r.table());
        assert!(r.case("x").is_ok());
    }

    /// An edit that finds nothing is no case (the recipe is drawn again), and so is a tree
    /// where a file stands above another entry.
    #[test]
    fn a_recipe_that_cannot_be_drafted_is_refused() {
        assert!(
            recipe(vec![Edit::Truncate {
                path: "none".into(),
                len: 0
            }])
            .case("x")
            .is_err()
        );
        let r = recipe(vec![
            Edit::Rename {
                path: "a  b.txt".into(),
                to: "f/g".into(),
            },
            Edit::Fifo { path: "f".into() },
        ]);
        let e = r.case("x").expect_err("a FIFO above a file");
        assert!(e.contains("below"), "{e}");
    }

    #[test]
    fn a_name_is_renamed_everywhere() {
        let r = recipe(vec![Edit::Rename {
            path: "a  b.txt".into(),
            to: "z".into(),
        }]);
        let s = r.renamed("a  b.txt", "ab");
        assert!(s.files.contains_key("ab"));
        assert_eq!(s.edits[0].path(), "ab");
        assert!(s.size() < r.size());
    }
}
