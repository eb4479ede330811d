//! Shrinking a recipe that did not hold (SPEC 7.9), as proptest and Hypothesis shrink: propose
//! smaller recipes, most reductive first (an edit gone, a file gone, a complete folder gone,
//! then shorter contents, shorter names, smaller edits), keep the first that still fails the
//! same way, and start again from it, until none does or the budget is spent.
//!
//! This module only proposes; running a candidate and comparing how it failed is the engine's
//! job ([`super::engine`]). Every candidate is strictly smaller by [`Recipe::size`], so
//! shrinking ends.

use std::collections::{BTreeMap, BTreeSet};

use super::recipe::{Edit, Recipe};

/// Names with nothing in them a checker could trip on, tried in place of any name.
const PLAIN: &[&str] = &["a", "b", "c", "d", "e"];

/// The smaller recipes to try in place of `r`, most reductive first.
pub fn candidates(r: &Recipe) -> Vec<Recipe> {
    let mut out = Vec::new();
    // An edit gone (the last ones first: later edits more often only add to the drift).
    for i in (0..r.edits.len()).rev() {
        let mut s = r.clone();
        s.edits.remove(i);
        out.push(s);
    }
    // A file gone, with the edits that name it.
    for path in r.files.keys() {
        let mut s = r.clone();
        s.files.remove(path);
        s.edits.retain(|e| !e.names().contains(&path.as_str()));
        if !s.files.is_empty() {
            out.push(s);
        }
    }
    // A complete folder gone.
    for i in 0..r.complete.len() {
        let mut s = r.clone();
        s.complete.remove(i);
        out.push(s);
    }
    // Plain contents in place of odd ones (a BOM, CR, bytes that are not text), then shorter
    // contents: none, the first half, one byte less at either end.
    for (path, bytes) in &r.files {
        if bytes.as_slice() != b"a" && !bytes.is_empty() {
            let mut s = r.clone();
            s.files.insert(path.clone(), b"a".to_vec());
            out.push(s);
        }
    }
    for (path, bytes) in &r.files {
        for shorter in shorter_bytes(bytes) {
            let mut s = r.clone();
            s.files.insert(path.clone(), shorter);
            out.push(s);
        }
    }
    // Simpler edits: a file removed, cut to nothing or one bit flipped in place of whatever
    // drifted it, so that the same weakness found through different edits is one finding.
    for (i, e) in r.edits.iter().enumerate() {
        let path = e.path().to_owned();
        for simpler in [
            Edit::Remove { path: path.clone() },
            Edit::Truncate {
                path: path.clone(),
                len: 0,
            },
            Edit::Flip {
                path,
                at: 0,
                bit: 0,
            },
        ] {
            if simpler.rank() < e.rank() {
                let mut s = r.clone();
                s.edits[i] = simpler;
                out.push(s);
            }
        }
    }
    // Smaller edits.
    for (i, e) in r.edits.iter().enumerate() {
        for smaller in smaller_edits(e) {
            let mut s = r.clone();
            s.edits[i] = smaller;
            out.push(s);
        }
    }
    // Plain names, then shorter ones, each changed everywhere it appears: a name that still
    // fails once it is plain was never the cause.
    let names = r.names();
    for name in &names {
        let folder = name.rsplit_once('/').map(|(f, _)| f);
        if let Some(plain) = PLAIN
            .iter()
            .map(|p| folder.map_or_else(|| (*p).to_owned(), |f| format!("{f}/{p}")))
            .find(|p| !names.contains(&p.as_str()))
        {
            out.push(r.renamed(name, &plain));
        }
    }
    for name in r.names() {
        for shorter in shorter_names(name) {
            if !r.names().contains(&shorter.as_str()) {
                out.push(r.renamed(name, &shorter));
            }
        }
    }
    out.retain(|s| s.size() < r.size());
    out
}

/// The recipe with every part of every name made plain and every odd content (a BOM, CR, bytes
/// that are not text) made `a`, all at once, when that is smaller: one candidate that asks
/// whether any trait matters. A timeout, which affords a few candidates only (each costs the
/// whole deadline), tries it first; without it a checker that hangs on every FIFO shows as one
/// group per set of names. Folders stay folders (`x y/é` becomes two plain words, one in the
/// other): a part is renamed the same way wherever it appears.
pub fn all_plain(r: &Recipe) -> Option<Recipe> {
    let plain = |part: &str| {
        !part.starts_with(['.', '-'])
            && part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_')
    };
    let mut names: Vec<&str> = r.names();
    names.extend(r.complete.iter().map(String::as_str));
    names.sort();
    names.dedup();
    let parts: BTreeSet<&str> = names.iter().flat_map(|n| n.split('/')).collect();
    let mut words = (b'a'..=b'z')
        .map(|c| (c as char).to_string())
        .filter(|w| !parts.contains(w.as_str()));
    let mut to: BTreeMap<&str, String> = BTreeMap::new();
    for part in &parts {
        if !plain(part) && *part != "." {
            to.insert(part, words.next()?);
        }
    }
    let mut s = r.clone();
    for name in &names {
        let new: Vec<&str> = name
            .split('/')
            .map(|p| to.get(p).map_or(p, String::as_str))
            .collect();
        s = s.renamed(name, &new.join("/"));
    }
    for bytes in s.files.values_mut() {
        let odd = bytes.starts_with(b"\xEF\xBB\xBF")
            || bytes.contains(&b'\r')
            || std::str::from_utf8(bytes).is_err();
        if odd {
            *bytes = b"a".to_vec();
        }
    }
    (s.size() < r.size()).then_some(s)
}

/// Shorter byte strings than `b`: empty, its first half, without its first or its last byte.
fn shorter_bytes(b: &[u8]) -> Vec<Vec<u8>> {
    if b.is_empty() {
        return Vec::new();
    }
    let mut out = vec![Vec::new(), b[..b.len() / 2].to_vec()];
    out.push(b[1..].to_vec());
    out.push(b[..b.len() - 1].to_vec());
    out.dedup();
    out
}

/// Shorter names than `name`: without its folders, without one character, its first half.
/// Characters, not bytes, so a name stays text.
fn shorter_names(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((_, last)) = name.rsplit_once('/') {
        out.push(last.to_owned());
    }
    let chars: Vec<char> = name.chars().collect();
    if chars.len() > 1 {
        out.push(chars[..chars.len() / 2].iter().collect());
        for i in 0..chars.len() {
            let mut c = chars.clone();
            c.remove(i);
            out.push(c.into_iter().collect());
        }
    }
    out.retain(|n| !n.is_empty());
    out.sort();
    out.dedup();
    out
}

/// Smaller forms of one edit: fewer bytes written or appended, a cut or a flip nearer the
/// start, a shorter link target.
fn smaller_edits(e: &Edit) -> Vec<Edit> {
    match e {
        Edit::Write { path, .. } => shorter_bytes(&e.written().unwrap_or_default())
            .into_iter()
            .map(|b| Edit::write(path.clone(), &b))
            .collect(),
        Edit::Append { path, .. } => shorter_bytes(&e.written().unwrap_or_default())
            .into_iter()
            .filter(|b| !b.is_empty())
            .map(|b| Edit::append(path.clone(), &b))
            .collect(),
        Edit::Truncate { path, len } if *len > 0 => vec![Edit::Truncate {
            path: path.clone(),
            len: 0,
        }],
        Edit::Flip { path, at, bit } if *at > 0 || *bit > 0 => vec![
            Edit::Flip {
                path: path.clone(),
                at: 0,
                bit: *bit,
            },
            Edit::Flip {
                path: path.clone(),
                at: *at,
                bit: 0,
            },
        ],
        Edit::Symlink { path, target } if target.len() > 1 => vec![Edit::Symlink {
            path: path.clone(),
            target: "x".to_owned(),
        }],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn every_name_made_plain_at_once_keeps_folders_and_edits() {
        let r = Recipe {
            files: BTreeMap::from([
                ("x y/é".to_owned(), b"\xEF\xBB\xBFhi\r\n".to_vec()),
                ("b".to_owned(), b"plain\n".to_vec()),
            ]),
            complete: vec!["x y".into()],
            edits: vec![Edit::Fifo {
                path: "x y/%1".into(),
            }],
        };
        let p = all_plain(&r).expect("smaller");
        // Odd parts in byte order (`%1`, `x y`, `é`) take the unused words `a`, `c`, `d`.
        assert_eq!(
            p.files.keys().collect::<Vec<_>>(),
            ["b", "c/d"],
            "parts renamed alike, plain ones kept"
        );
        assert_eq!(p.files["c/d"], b"a");
        assert_eq!(p.files["b"], b"plain\n");
        assert_eq!(p.complete, ["c"]);
        assert_eq!(p.edits[0].path(), "c/a");
        assert!(p.size() < r.size());
        // Nothing odd left: no candidate.
        assert!(all_plain(&p).is_none());
    }

    #[test]
    fn every_candidate_is_smaller_and_the_first_drop_an_edit() {
        let r = Recipe {
            files: BTreeMap::from([
                ("a  b".to_owned(), b"hello\n".to_vec()),
                ("c".to_owned(), b"x".to_vec()),
            ]),
            complete: vec![".".into()],
            edits: vec![
                Edit::Flip {
                    path: "a  b".into(),
                    at: 3,
                    bit: 2,
                },
                Edit::Remove { path: "c".into() },
            ],
        };
        let c = candidates(&r);
        assert!(c.iter().all(|s| s.size() < r.size()));
        assert_eq!(c[0].edits.len(), 1);
        assert_eq!(c[0].edits[0].op(), "flip");
        // A file gone takes the edits that name it along.
        assert!(
            c.iter()
                .any(|s| !s.files.contains_key("c") && s.edits.len() == 1)
        );
        // A name shrinks everywhere at once.
        assert!(
            c.iter()
                .any(|s| s.files.contains_key("a ") && s.edits[0].path() == "a ")
        );
    }

    #[test]
    fn a_recipe_of_nothing_has_no_candidate() {
        let r = Recipe {
            files: BTreeMap::from([("a".to_owned(), Vec::new())]),
            complete: Vec::new(),
            edits: Vec::new(),
        };
        assert!(candidates(&r).is_empty());
    }
}
