//! Drawing recipes at random (SPEC 7.9): small honest trees whose names are the hostile names
//! the families use (taken from the suite itself, and composed from the pieces that break
//! checkers: spaces, parentheses, `*`, `%`, `#`, backslashes, newlines, NFD, leading dashes) and
//! whose contents are the families' fixtures, with up to [`MAX_EDITS`] tree edits composed over
//! them.
//!
//! Every choice goes through [`Choose`], so the same drawing serves a seeded hunt (a ChaCha
//! stream per run: run `i` of seed `s` is the same recipe on every machine) and the in-process
//! fuzz target, where libFuzzer's bytes make the choices and its coverage guides them.

use std::collections::{BTreeMap, BTreeSet};

use crate::probe::case::{Carrier, Case, Entry};
use crate::probe::draft::fits_a_file_system;
use crate::probe::features::Honest;
use crate::seal::path::SealPath;

use super::recipe::{ENCODINGS, Edit, Recipe};

/// The most edits composed in one recipe unless `--max-edits` says otherwise, chosen by
/// measurement (BENCHMARKS.md, "The hunt: how deep to compose").
pub const MAX_EDITS: usize = 3;

/// The largest `--max-edits`.
pub const MAX_EDITS_LIMIT: usize = 8;

/// The most files in one honest tree.
pub const MAX_FILES: usize = 3;

/// A name longer than this is not drawn from the suite (the long-name cases are the resource
/// family's; a hunt wants names a person can read in a finding).
const MAX_NAME: usize = 48;

/// A fixture longer than this is not drawn from the suite.
const MAX_CONTENT: usize = 512;

/// Where a drawing's choices come from.
pub trait Choose {
    /// A number in `0..n` (`0` when `n` is 0).
    fn below(&mut self, n: usize) -> usize;

    /// True one time in `n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// One of `items` (`None` when there are none).
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            items.get(self.below(items.len()))
        }
    }
}

impl Choose for crate::probe::draft::Seeded {
    fn below(&mut self, n: usize) -> usize {
        crate::probe::draft::Seeded::below(self, n)
    }
}

/// Choices read from a fuzzer's bytes; when they run out, every choice is the first.
pub struct FromBytes<'a>(pub arbitrary::Unstructured<'a>);

impl Choose for FromBytes<'_> {
    fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        self.0.int_in_range(0..=n - 1).unwrap_or(0)
    }
}

/// Pieces of names that checkers misread: each one broke a real checker or a family holds it.
const PIECES: &[&str] = &[
    " ", "  ", " = ", "(", ")", ") = (", "*", "?", "[", "]", "%", "%25", "%0A", "#", "-", "--",
    "\\", "\n", "\r", "\t", "'", "\"", "$", ";", ",", ":", "=", "~", ".", "..", "é", "e\u{301}",
    "É", "ß", "\u{130}", "ﬁ", "\u{200b}", "\u{a0}", "./", " *", "\\n",
];

/// Filler words for composed names and contents.
const WORDS: &[&str] = &[
    "a", "b", "notes", "release", "data", "x.txt", "app.bin", "sums",
];

/// What recipes are drawn from: names a seal can hold (for the honest files), names of any
/// kind (for files added or renamed after sealing), and contents.
#[derive(Debug, Clone, Default)]
pub struct Pools {
    pub sealed: Vec<String>,
    pub loose: Vec<String>,
    pub contents: Vec<Vec<u8>>,
}

impl Pools {
    /// The names and fixtures of the suite's tree cases: every sealed path a seal can hold that
    /// is short and not token-shaped, every other name in a tree, every honest file's bytes up
    /// to [`MAX_CONTENT`]; each once, in order. Token-shaped names are left out: printing one is
    /// a leak the leak-bait family already holds every checker to, and a hunt would find it
    /// again in every run that drew one.
    pub fn of_suite(cases: &[Case]) -> Pools {
        let mut sealed = BTreeSet::new();
        let mut loose = BTreeSet::new();
        let mut contents = BTreeSet::new();
        let keep = |p: &[u8]| {
            p.len() <= MAX_NAME
                && !p.is_empty()
                && fits_a_file_system(p)
                && !crate::token::shapes::is_token_shaped(p)
        };
        for case in cases.iter().filter(|c| c.carrier == Carrier::Tree) {
            let Some(honest) = case
                .inputs
                .seal
                .as_deref()
                .and_then(|s| Honest::of_seal(s).ok())
            else {
                continue;
            };
            for p in honest.files.keys().filter(|p| keep(p)) {
                if let Ok(s) = std::str::from_utf8(p) {
                    sealed.insert(s.to_owned());
                }
            }
            for e in &case.inputs.tree {
                if let Ok(s) = std::str::from_utf8(e.path())
                    && keep(e.path())
                    && !honest.files.contains_key(e.path())
                    && !s
                        .split('/')
                        .any(|seg| seg.is_empty() || seg == "." || seg == "..")
                {
                    loose.insert(s.to_owned());
                }
            }
            for e in &case.inputs.outside {
                if let Entry::File { bytes, .. } = e
                    && bytes.len() <= MAX_CONTENT
                {
                    contents.insert(bytes.clone());
                }
            }
        }
        Pools {
            sealed: sealed.into_iter().collect(),
            loose: loose.into_iter().collect(),
            contents: contents.into_iter().collect(),
        }
    }
}

/// A name composed of filler words and hostile pieces, perhaps in a folder; one time in eight a
/// piece alone (`-`, which a checker may read as standard input; `#`; two spaces).
fn composed(c: &mut impl Choose) -> String {
    if c.one_in(8) {
        return c.pick(PIECES).copied().unwrap_or("-").to_owned();
    }
    let mut name = String::new();
    if c.one_in(4) {
        name.push_str(c.pick(PIECES).copied().unwrap_or("-"));
    }
    name.push_str(c.pick(WORDS).copied().unwrap_or("a"));
    for _ in 0..=c.below(2) {
        name.push_str(c.pick(PIECES).copied().unwrap_or(" "));
        name.push_str(c.pick(WORDS).copied().unwrap_or("b"));
    }
    if c.one_in(3) {
        let folder = composed_word(c);
        name = format!("{folder}/{name}");
    }
    name
}

/// A word with a piece in it, for a folder's name.
fn composed_word(c: &mut impl Choose) -> String {
    let word = c.pick(WORDS).copied().unwrap_or("d");
    if c.one_in(2) {
        format!("{word}{}", c.pick(PIECES).copied().unwrap_or(" "))
    } else {
        word.to_owned()
    }
}

/// A name a seal can hold (for an honest file).
fn sealed_name(c: &mut impl Choose, pools: &Pools) -> Option<String> {
    for _ in 0..8 {
        let name = if c.one_in(2) {
            pools.sealed.get(c.below(pools.sealed.len())).cloned()
        } else {
            Some(composed(c))
        };
        if let Some(name) = name
            && SealPath::parse(&name).is_ok()
            && fits_a_file_system(name.as_bytes())
        {
            return Some(name);
        }
    }
    None
}

/// A name of any kind (for a file added or renamed after sealing): one a seal can hold, one
/// from the suite's trees, or a variant of `near` (its case changed, NFD, a piece added).
fn loose_name(c: &mut impl Choose, pools: &Pools, near: Option<&str>) -> Option<String> {
    let name = match (c.below(4), near) {
        (0, Some(n)) => {
            use unicode_normalization::UnicodeNormalization as _;
            match c.below(4) {
                0 => n.to_uppercase(),
                1 => n.nfd().collect(),
                2 => format!("{n}{}", c.pick(PIECES).copied().unwrap_or(" ")),
                _ => format!("{}{n}", c.pick(PIECES).copied().unwrap_or(" ")),
            }
        }
        (1, _) => pools.loose.get(c.below(pools.loose.len())).cloned()?,
        _ => composed(c),
    };
    let segments_ok = !name.starts_with('/')
        && name
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..");
    (segments_ok && !name.contains('\0') && fits_a_file_system(name.as_bytes())).then_some(name)
}

/// Lines of filler words, perhaps with a BOM in front and CRLF line ends.
fn composed_text(c: &mut impl Choose) -> Vec<u8> {
    let mut text = String::new();
    if c.one_in(3) {
        text.push('\u{feff}');
    }
    let crlf = c.one_in(3);
    for _ in 0..=c.below(3) {
        text.push_str(c.pick(WORDS).copied().unwrap_or("a"));
        if c.one_in(4) {
            text.push_str(c.pick(PIECES).copied().unwrap_or(" "));
        }
        text.push_str(if crlf { "\r\n" } else { "\n" });
    }
    text.into_bytes()
}

/// A file's bytes: a fixture of the suite, composed text, a few arbitrary bytes, or nothing.
fn content(c: &mut impl Choose, pools: &Pools) -> Vec<u8> {
    match c.below(8) {
        0..=2 if !pools.contents.is_empty() => {
            pools.contents[c.below(pools.contents.len())].clone()
        }
        3 => (0..1 + c.below(8)).map(|_| c.below(256) as u8).collect(),
        4 if c.one_in(2) => Vec::new(),
        _ => composed_text(c),
    }
}

/// Bytes an append adds: a line end, a space, a BOM, a NUL, a word.
fn appended(c: &mut impl Choose) -> Vec<u8> {
    let pieces: &[&[u8]] = &[b"\n", b"\r\n", b" ", b"\xEF\xBB\xBF", b"\0", b"x", b"\n\n"];
    c.pick(pieces).map_or(b"\n".to_vec(), |p| p.to_vec())
}

/// The link target that lands on the honest copy of `path` in `outside/`, from `root/<path>`.
fn to_outside(path: &str) -> String {
    format!(
        "{}outside/{path}",
        "../".repeat(path.matches('/').count() + 1)
    )
}

/// A recipe: 1 to [`MAX_FILES`] honest files, perhaps the root or a folder complete, and 0 to
/// `max_edits` edits, each drawn against the tree as the edits before it left it.
pub fn recipe(c: &mut impl Choose, pools: &Pools, max_edits: usize) -> Recipe {
    let mut files = BTreeMap::new();
    for _ in 0..1 + c.below(MAX_FILES) {
        if let Some(name) = sealed_name(c, pools) {
            let bytes = content(c, pools);
            files.insert(name, bytes);
        }
    }
    let complete = match c.below(6) {
        0..=1 => vec![".".to_owned()],
        2 => files
            .keys()
            .find_map(|p| p.rsplit_once('/').map(|(folder, _)| folder.to_owned()))
            .into_iter()
            .collect(),
        _ => Vec::new(),
    };
    // Edits: none (a control) one time in eight; one in four of eight, two in two, and
    // `max_edits` in the last (each capped at `max_edits`).
    let depth = match c.below(8) {
        0 => 0,
        1..=4 => 1,
        5..=6 => 2,
        _ => max_edits,
    }
    .min(max_edits);
    let mut now: BTreeMap<String, Vec<u8>> = files.clone();
    let mut edits = Vec::new();
    for _ in 0..depth {
        if let Some(e) = edit(c, pools, &mut now) {
            edits.push(e);
        }
    }
    Recipe {
        files,
        complete,
        edits,
    }
}

/// One edit of a file in `now` (the files as the edits so far left them), kept up to date.
fn edit(c: &mut impl Choose, pools: &Pools, now: &mut BTreeMap<String, Vec<u8>>) -> Option<Edit> {
    let paths: Vec<String> = now.keys().cloned().collect();
    let path = c.pick(&paths)?.clone();
    let bytes = now.get(&path)?.clone();
    let edit = match c.below(12) {
        0 => Edit::write(path.clone(), &content(c, pools)),
        1 => Edit::append(path.clone(), &appended(c)),
        2 if !bytes.is_empty() => {
            let len = bytes.len();
            let cuts = [0, 1, len / 2, len - 1];
            Edit::Truncate {
                path: path.clone(),
                len: *c.pick(&cuts)?.min(&(len - 1)),
            }
        }
        3 if !bytes.is_empty() => Edit::Flip {
            path: path.clone(),
            at: c.below(bytes.len()),
            bit: c.below(8) as u8,
        },
        4 | 5 if std::str::from_utf8(&bytes).is_ok() => Edit::Reencode {
            path: path.clone(),
            encoding: (*c.pick(ENCODINGS)?).to_owned(),
        },
        6 => Edit::Remove { path: path.clone() },
        7 | 8 => Edit::Rename {
            path: path.clone(),
            to: loose_name(c, pools, Some(&path))?,
        },
        9 => Edit::Symlink {
            path: path.clone(),
            target: if c.one_in(3) {
                c.pick(&paths)?.rsplit('/').next()?.to_owned()
            } else {
                to_outside(&path)
            },
        },
        10 => {
            if c.one_in(2) {
                Edit::Fifo { path: path.clone() }
            } else {
                Edit::Folder { path: path.clone() }
            }
        }
        _ => Edit::write(loose_name(c, pools, Some(&path))?, &content(c, pools)),
    };
    match &edit {
        Edit::Write { path, .. } => {
            now.insert(path.clone(), edit.written()?);
        }
        Edit::Remove { path }
        | Edit::Symlink { path, .. }
        | Edit::Fifo { path }
        | Edit::Folder { path } => {
            now.remove(path);
        }
        Edit::Rename { path, to } => {
            let b = now.remove(path)?;
            now.insert(to.clone(), b);
        }
        // The edits of a file's bytes are applied by the drafting; what is kept here is only
        // which files there are.
        Edit::Append { .. }
        | Edit::Truncate { .. }
        | Edit::Flip { .. }
        | Edit::Reencode { .. }
        | Edit::Sparse { .. } => {}
    }
    Some(edit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::case::Family;
    use crate::probe::draft::Seeded;

    fn pools() -> Pools {
        Pools {
            sealed: vec!["a b.txt".into(), "d/(x).md".into()],
            loose: vec!["new\nline".into()],
            contents: vec![b"one\n".to_vec(), b"\xEF\xBB\xBFtwo\r\n".to_vec()],
        }
    }

    /// The same seed draws the same recipes; another seed draws others.
    #[test]
    fn drawing_is_deterministic_for_a_seed() {
        let family = Family::named("hunt").expect("plain");
        let draw = |seed| {
            let mut c = Seeded::new(seed, family);
            (0..50)
                .map(|_| recipe(&mut c, &pools(), MAX_EDITS))
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(1), draw(1));
        assert_ne!(draw(1), draw(2));
    }

    /// Most drawn recipes draft a case, and both hostile cases and controls are drawn.
    #[test]
    fn most_recipes_draft_and_both_kinds_are_drawn() {
        let family = Family::named("hunt").expect("plain");
        let mut c = Seeded::new(7, family);
        let (mut ok, mut controls, mut hostile) = (0, 0, 0);
        for i in 0..300 {
            if let Ok(case) = recipe(&mut c, &pools(), MAX_EDITS).case(&format!("r{i}")) {
                ok += 1;
                if case.expect.is_control() {
                    controls += 1;
                } else {
                    hostile += 1;
                }
            }
        }
        assert!(ok > 200, "{ok} of 300 drafted");
        assert!(
            controls > 10 && hostile > 100,
            "{controls} controls, {hostile} hostile"
        );
    }

    /// Bytes run out: every choice is the first, and drawing still ends.
    #[test]
    fn a_fuzzer_with_no_bytes_still_draws() {
        let mut c = FromBytes(arbitrary::Unstructured::new(&[]));
        let r = recipe(&mut c, &pools(), MAX_EDITS);
        assert!(r.files.len() <= 1);
    }
}
