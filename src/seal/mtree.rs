//! mtree specifications, read strictly (SPEC 7.8, `sealprobe verify --mtree`): the full-path
//! form that `mtree -C` writes and NetBSD and FreeBSD `mtree -f` read, one entry per line,
//! `./<path> type=file size=<n> sha256digest=<hex>` for a file and `./<path> type=dir` for a
//! folder, `.` itself first.
//!
//! mtree is a language, not a list: `/set` changes the keywords of the lines after it, `ignore`
//! skips a whole subtree, `optional` lets an entry be missing, `nochange` checks only that it
//! exists, a name holding `*`, `?` or `[` is a glob that may match another file, the
//! hierarchical form walks with `..` and indentation, and any keyword may appear or be left
//! out. A reader that follows one of them where the writer meant another checks something else
//! than the honest state, so this reader takes one spelling of it and refuses the whole record
//! at the first line that is anything else, with a seal error class and the line's position:
//!
//! - `seal-noncanonical`: a BOM, a CR;
//! - `seal-syntax`: a blank line; a comment after the first entry; a `/set`, `/unset`, `..` or
//!   an indented (hierarchical) line; a line continued with `\`; a name that is not `.` or
//!   `./...`; an escape it does not know; an unescaped `*`, `?` or `[`; a keyword other than
//!   `type`, `size`, `sha256digest` (or `sha256`), given twice, without a value, or that does not
//!   apply to the entry's type; a type other than `file` and `dir`; an entry whose folder was not
//!   listed before it, or `.` not first;
//! - `seal-schema`: a file without its `size` or digest, an entry without a `type`, a record
//!   that lists no file;
//! - `seal-digest`: a digest that is not 64 hex digits;
//! - `seal-path`: a name that is not a valid seal path, or one equal to an earlier entry's after
//!   NFC and case folding.
//!
//! Comments (`#`) are read only before the first entry: `#mtree` and what `mtree -c` writes
//! there. Names may be escaped as `mtree` and `vis(3)` escape them (`\ooo`, `\\`, `\s`, `\t`,
//! `\n`, `\r`, `\#`, `\*`, `\?`, `\[`, `\]`, `\M-c`, `\M^c`, `\^c`). Fields are separated by
//! spaces or tabs, and a line may end in them (`mtree -C` ends every line with a space).
//!
//! Every folder an mtree specification lists holds what it lists and nothing else (`mtree -f`
//! reports every other entry as extra), so the listing's complete folders are `.` and every
//! listed folder that lists nothing below it (which must still be there, and a folder).

use std::collections::{BTreeMap, HashSet};

use super::error::{SealError, SealErrorClass};
use super::listing::{BOMS, Listed, Listing, decimal, digest, lines};
use super::model::CompleteFolder;
use super::path::SealPath;
use crate::digest::Digest;

/// Where a line went wrong: the class and the offset in the line.
type LineError = (SealErrorClass, usize);

/// What one entry says.
enum Entry {
    Folder(Option<SealPath>),
    File(SealPath, u64, Digest),
}

/// Reads an mtree specification (see the module doc).
pub fn read(doc: &[u8]) -> Result<Listing, SealError> {
    if BOMS.iter().any(|bom| doc.starts_with(bom)) {
        return Err(SealError::at(SealErrorClass::NonCanonical, doc, 0));
    }
    let mut files = Vec::new();
    // Folders listed so far, by path (`.` is ""), and whether anything is listed below each: a
    // map, so a specification of many folders is read in n log n, never n squared.
    let mut folders: BTreeMap<String, bool> = BTreeMap::new();
    let mut folded = HashSet::new();
    for (start, line) in lines(doc) {
        let at = |(class, offset): LineError| SealError::at(class, doc, start + offset);
        if let Some(cr) = line.iter().position(|&b| b == b'\r') {
            return Err(at((SealErrorClass::NonCanonical, cr)));
        }
        if line.first() == Some(&b'#') && folders.is_empty() {
            continue;
        }
        let entry = entry(line).map_err(at)?;
        let (path, is_folder) = match &entry {
            Entry::Folder(p) => (p.as_ref(), true),
            Entry::File(p, ..) => (Some(p), false),
        };
        let path_str = path.map_or("", SealPath::as_str);
        // `.` first, and every other entry in a folder listed before it.
        let parent = match (path, folders.is_empty()) {
            (None, true) => None,
            (Some(p), false) => Some(p.as_str().rsplit_once('/').map_or("", |(up, _)| up)),
            _ => return Err(at((SealErrorClass::Syntax, 0))),
        };
        if let Some(parent) = parent {
            match folders.get_mut(parent) {
                Some(below) => *below = true,
                None => return Err(at((SealErrorClass::Syntax, 0))),
            }
        }
        if !folded.insert(crate::names::fold_key(path_str)) {
            return Err(at((SealErrorClass::Path, 0)));
        }
        if is_folder {
            folders.insert(path_str.to_owned(), false);
        }
        if let Entry::File(path, bytes, sha256) = entry {
            files.push(Listed {
                path,
                bytes: Some(bytes),
                sha256,
            });
        }
    }
    if files.is_empty() {
        return Err(SealError::unpositioned(SealErrorClass::Schema));
    }
    let complete = folders
        .iter()
        .filter(|(path, below)| path.is_empty() || !**below)
        .filter_map(|(path, _)| CompleteFolder::parse(if path.is_empty() { "." } else { path }))
        .collect();
    Ok(Listing {
        files,
        complete,
        total: None,
    })
}

/// One entry line: its name, then `key=value` keywords.
fn entry(line: &[u8]) -> Result<Entry, LineError> {
    let mut fields = fields(line)?;
    let Some((name_at, raw)) = fields.next() else {
        return Err((SealErrorClass::Syntax, 0));
    };
    if name_at != 0 || raw.last() == Some(&b'\\') {
        // Indented (the hierarchical form), or a name continued on the next line.
        return Err((SealErrorClass::Syntax, name_at));
    }
    let path = name(raw)?;
    let (mut kind, mut size, mut sha256) = (None, None, None);
    for (at, field) in fields {
        let Some(eq) = field.iter().position(|&b| b == b'=') else {
            // `ignore`, `optional`, `nochange`, or a continuation `\`.
            return Err((SealErrorClass::Syntax, at));
        };
        let (key, value) = (&field[..eq], &field[eq + 1..]);
        let value_at = at + eq + 1;
        let slot_taken = match key {
            b"type" => kind.replace((value_at, value)).is_some(),
            b"size" => size.replace((value_at, value)).is_some(),
            b"sha256digest" | b"sha256" => sha256.replace((value_at, value)).is_some(),
            _ => return Err((SealErrorClass::Syntax, at)),
        };
        if slot_taken {
            return Err((SealErrorClass::Syntax, at));
        }
    }
    let end = line.len();
    match kind {
        Some((_, b"dir")) => match (size, sha256) {
            (None, None) => Ok(Entry::Folder(path)),
            (Some((at, _)), _) | (None, Some((at, _))) => Err((SealErrorClass::Syntax, at)),
        },
        Some((_, b"file")) => {
            let path = path.ok_or((SealErrorClass::Syntax, 0))?;
            let (size_at, size) = size.ok_or((SealErrorClass::Schema, end))?;
            let (hex_at, hex) = sha256.ok_or((SealErrorClass::Schema, end))?;
            let bytes = decimal(size).ok_or((SealErrorClass::Syntax, size_at))?;
            if !hex.iter().all(u8::is_ascii_hexdigit) || hex.is_empty() {
                return Err((SealErrorClass::Syntax, hex_at));
            }
            let digest = digest(hex).ok_or((SealErrorClass::Digest, hex_at))?;
            Ok(Entry::File(path, bytes, digest))
        }
        Some((at, _)) => Err((SealErrorClass::Syntax, at)),
        None => Err((SealErrorClass::Schema, end)),
    }
}

/// The fields of a line and their offsets: runs of bytes other than space and tab.
fn fields(line: &[u8]) -> Result<impl Iterator<Item = (usize, &[u8])>, LineError> {
    if line.is_empty() {
        return Err((SealErrorClass::Syntax, 0));
    }
    let mut at = 0;
    Ok(std::iter::from_fn(move || {
        while at < line.len() && matches!(line[at], b' ' | b'\t') {
            at += 1;
        }
        if at == line.len() {
            return None;
        }
        let from = at;
        while at < line.len() && !matches!(line[at], b' ' | b'\t') {
            at += 1;
        }
        Some((from, &line[from..at]))
    }))
}

/// An entry's name: `.` (the root, `None`) or `./` and a seal path, unescaped.
fn name(raw: &[u8]) -> Result<Option<SealPath>, LineError> {
    if raw == b"." {
        return Ok(None);
    }
    let Some(rest) = raw.strip_prefix(b"./") else {
        // `/set`, `/unset`, `..`, a name of the hierarchical form.
        return Err((SealErrorClass::Syntax, 0));
    };
    let bytes = unescape(rest).map_err(|i| (SealErrorClass::Syntax, 2 + i))?;
    std::str::from_utf8(&bytes)
        .ok()
        .and_then(|s| SealPath::parse(s).ok())
        .map(Some)
        .ok_or((SealErrorClass::Path, 2))
}

/// A name with mtree's and `vis(3)`'s escapes undone; `Err(offset)` at an escape it does not
/// know, a cut one, or an unescaped glob character (`*`, `?`, `[`), which mtree readers take
/// as a pattern.
fn unescape(raw: &[u8]) -> Result<Vec<u8>, usize> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if matches!(b, b'*' | b'?' | b'[') {
            return Err(i);
        }
        if b != b'\\' {
            out.push(b);
            i += 1;
            continue;
        }
        let rest = &raw[i + 1..];
        let (byte, len) = match rest {
            [a @ b'0'..=b'3', b @ b'0'..=b'7', c @ b'0'..=b'7', ..] => {
                ((a - b'0') << 6 | (b - b'0') << 3 | (c - b'0'), 3)
            }
            [b's', ..] => (b' ', 1),
            [b't', ..] => (b'\t', 1),
            [b'n', ..] => (b'\n', 1),
            [b'r', ..] => (b'\r', 1),
            [c @ (b'\\' | b'#' | b'*' | b'?' | b'[' | b']'), ..] => (*c, 1),
            [b'M', b'-', c @ 0x21..=0x7e, ..] => (c | 0x80, 3),
            [b'M', b'^', b'?', ..] => (0xff, 3),
            [b'M', b'^', c @ 0x40..=0x5f, ..] => ((c ^ 0x40) | 0x80, 3),
            [b'^', b'?', ..] => (0x7f, 2),
            [b'^', c @ 0x40..=0x5f, ..] => (c ^ 0x40, 2),
            _ => return Err(i),
        };
        out.push(byte);
        i += 1 + len;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4";

    fn file(name: &str) -> String {
        format!("{name} type=file size=4 sha256digest={HEX}\n")
    }

    fn class(doc: &str) -> &'static str {
        read(doc.as_bytes()).err().map_or("ok", |e| e.class.name())
    }

    fn honest() -> String {
        format!(
            "#mtree\n. type=dir\n{}./docs type=dir\n{}./empty type=dir\n",
            file("./a\\040b"),
            file("./docs/c")
        )
    }

    #[test]
    fn an_honest_specification_reads_its_files_sizes_and_complete_folders() {
        let listing = read(honest().as_bytes()).unwrap();
        let files: Vec<(&str, Option<u64>)> = listing
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.bytes))
            .collect();
        assert_eq!(files, [("a b", Some(4)), ("docs/c", Some(4))]);
        let complete: Vec<&str> = listing.complete.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            complete,
            [".", "empty"],
            "docs lists a file, so . covers it"
        );
    }

    #[test]
    fn what_mtree_c_capital_writes_reads_with_vis_escapes_and_trailing_spaces() {
        // `mtree -C` output, byte for byte but the digests (checked by hand on NetBSD mtree
        // 20180822): `sha256=`, a space at the end of each line, vis(3) escapes.
        let doc = format!(
            ". type=dir \n./a\\sb type=file size=2 sha256={HEX} \n./h\\#s type=file size=2 sha256={HEX} \n./\\M-C\\M-).md type=file size=2 sha256={HEX} \n./\\M-E\\M^Q type=file size=2 sha256={HEX} \n"
        );
        let listing = read(doc.as_bytes()).unwrap();
        let names: Vec<&str> = listing.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(names, ["a b", "h#s", "é.md", "ő"]);
        // A backslash is in no seal path (3.1), escaped or not.
        assert_eq!(
            class(&format!(". type=dir\n{}", file("./bk\\\\q"))),
            "seal-path"
        );
    }

    #[test]
    fn every_line_that_is_not_the_one_spelling_refuses_the_whole_record() {
        let ok = honest();
        for (line, want) in [
            ("\n".to_owned(), "seal-syntax"),
            ("# hidden\n".to_owned(), "seal-syntax"),
            ("/set type=file\n".to_owned(), "seal-syntax"),
            ("/unset all\n".to_owned(), "seal-syntax"),
            ("..\n".to_owned(), "seal-syntax"),
            (format!("    {}", file("./z")), "seal-syntax"),
            (file("z"), "seal-syntax"),
            (
                format!("./z type=file size=4 \\\n    sha256digest={HEX}\n"),
                "seal-syntax",
            ),
            (
                format!("./z type=file size=4 sha256digest={HEX} ignore\n"),
                "seal-syntax",
            ),
            (
                format!("./z type=file size=4 sha256digest={HEX} optional\n"),
                "seal-syntax",
            ),
            (
                format!("./z type=file size=4 sha256digest={HEX} nochange\n"),
                "seal-syntax",
            ),
            (
                format!("./z type=file size=4 sha256digest={HEX} mode=0644\n"),
                "seal-syntax",
            ),
            (
                format!("./z type=file size=4 sha256digest={HEX} size=5\n"),
                "seal-syntax",
            ),
            (
                format!("./z type=link size=4 sha256digest={HEX}\n"),
                "seal-syntax",
            ),
            ("./d type=dir size=4\n".to_owned(), "seal-syntax"),
            (file("./*"), "seal-syntax"),
            (file("./a?"), "seal-syntax"),
            (file("./\\q"), "seal-syntax"),
            (file("./nowhere/z"), "seal-syntax"),
            (
                format!("./z type=file size=04 sha256digest={HEX}\n"),
                "seal-syntax",
            ),
            (
                format!("./z type=file size=-4 sha256digest={HEX}\n"),
                "seal-syntax",
            ),
            (format!("./z type=file sha256digest={HEX}\n"), "seal-schema"),
            ("./z type=file size=4\n".to_owned(), "seal-schema"),
            (format!("./z size=4 sha256digest={HEX}\n"), "seal-schema"),
            (
                format!("./z type=file size=4 sha256digest={}\n", &HEX[1..]),
                "seal-digest",
            ),
            (file("./../outside/z"), "seal-path"),
            (file("./a\\040b"), "seal-path"),
            (file("./A\\040B"), "seal-path"),
            (file("./\\000"), "seal-path"),
            (file("./docs"), "seal-path"),
            (file("./z").replace('\n', "\r\n"), "seal-noncanonical"),
        ] {
            assert_eq!(class(&format!("{ok}{line}")), want, "{line:?}");
        }
        assert_eq!(class(&format!("\u{FEFF}{ok}")), "seal-noncanonical");
        assert_eq!(class(""), "seal-schema");
        assert_eq!(class("#mtree\n. type=dir\n"), "seal-schema");
        assert_eq!(class(&file("./a")), "seal-syntax", ". is not first");
        assert_eq!(
            class(&format!("{}. type=dir\n", file("./a"))),
            "seal-syntax"
        );
        assert_eq!(class(". type=file\n"), "seal-syntax");
    }

    #[test]
    fn a_refusal_points_at_its_line() {
        let doc = format!(". type=dir\n{}", file("./../b"));
        let p = read(doc.as_bytes()).unwrap_err().position.unwrap();
        assert_eq!(p.line, 2);
    }
}
