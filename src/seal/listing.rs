//! Records other than the seal, read strictly (SPEC 7.8): `SHA256SUMS`, BSD tags and hashdeep
//! lists, so a team can switch its release job from `sha256sum -c` (or `hashdeep -a`) to
//! `sealprobe verify --sums` (`--hashdeep`) with the same record and lose nothing a strict
//! reader should catch.
//!
//! A record is read whole before any file is opened, and one line that is not exactly the
//! format refuses the whole record: a reader that skips what it cannot parse never checks the
//! file the skipped line names. The classes are the seal's (SPEC 3.3), because a record is the
//! seal of its format: `seal-noncanonical` for a record that was re-encoded (a BOM, CR line
//! endings, UTF-16/32), `seal-syntax` for a line that is not the format (a blank line, a
//! comment, another algorithm's tag), `seal-digest` for a digest that is not 64 hex digits,
//! `seal-path` for a path that is not a valid seal path (`../`, absolute, a backslash, a control
//! character) or that repeats or collides with an earlier line, `seal-schema` for a record that
//! lists no file. What is accepted beyond the honest writer's own output, because GNU
//! `sha256sum -c` accepts it and nothing is lost: upper-case digests, the `*` binary-mode marker,
//! GNU's escaped lines (`\` first; `\\`, `\n`, `\r` in the name), one leading `./` in a name, and
//! a last line without a line feed. A hashdeep list starts with its two header lines, byte for
//! byte, and gives each file's size.

use std::collections::HashSet;

use super::error::{SealError, SealErrorClass};
use super::model::CompleteFolder;
use super::path::SealPath;
use crate::digest::Digest;

crate::vocabulary! {
    /// The record `sealprobe verify` reads (`--seal`, `--sums`, `--bsd`, `--hashdeep`, `--mtree`).
    pub enum Record {
        /// `sealprobe-seal/1` (SPEC 3).
        Seal => "seal",
        /// GNU `SHA256SUMS`: `<hex>  <path>` lines.
        Sums => "sums",
        /// BSD tags: `SHA256 (<path>) = <hex>` lines.
        Bsd => "bsd",
        /// A hashdeep known-file list: `<size>,<sha256>,<path>` after its header.
        Hashdeep => "hashdeep",
        /// An mtree specification in full-path form (`./<path> type=file size=<n>
        /// sha256digest=<hex>`), read by [`super::mtree`].
        Mtree => "mtree",
        /// A BagIt bag (RFC 8493): its tag files packed in one document, read by
        /// [`super::bagit`].
        Bagit => "bagit",
    }
}

impl Record {
    /// The option of `sealprobe verify` that reads this record: `--sums`, `--bag`.
    pub fn flag(self) -> &'static str {
        match self {
            Record::Seal => "--seal",
            Record::Sums => "--sums",
            Record::Bsd => "--bsd",
            Record::Hashdeep => "--hashdeep",
            Record::Mtree => "--mtree",
            Record::Bagit => "--bag",
        }
    }

    /// How a report names the record: "the seal", "SHA256SUMS".
    pub fn title(self) -> &'static str {
        match self {
            Record::Seal => "the seal",
            Record::Sums => "SHA256SUMS",
            Record::Bsd => "the BSD tags",
            Record::Hashdeep => "the hashdeep list",
            Record::Mtree => "the mtree specification",
            Record::Bagit => "the bag",
        }
    }
}

/// One file a record lists: its path, its length when the format gives one, its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub path: SealPath,
    pub bytes: Option<u64>,
    pub sha256: Digest,
}

/// What a record other than the seal says of the honest state: the files it lists, in record
/// order, and the folders it says are complete.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    pub files: Vec<Listed>,
    pub complete: Vec<CompleteFolder>,
    /// The length of all files together, when the record gives it (a bag's `Payload-Oxum`):
    /// it bounds the read of every file without a length of its own, and once every file
    /// matched, their lengths must add up to it.
    pub total: Option<u64>,
}

/// Reads a record of `record`'s format; `None` for the seal, which has its own loader.
pub fn read(record: Record, doc: &[u8]) -> Option<Result<Listing, SealError>> {
    let form = match record {
        Record::Seal => return None,
        Record::Sums => Form::Sums,
        Record::Bsd => Form::Bsd,
        Record::Hashdeep => Form::Hashdeep,
        Record::Mtree => return Some(super::mtree::read(doc)),
        Record::Bagit => return Some(super::bagit::read(doc)),
    };
    Some(read_lines(doc, form))
}

/// The formats of one line per file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Sums,
    Bsd,
    Hashdeep,
}

/// The header a hashdeep list of SHA-256 digests starts with: the version line and the column
/// line, exactly as `hashdeep -c sha256` writes them (the probes' honest writer writes this too).
pub const HASHDEEP_HEADER: &str = "%%%% HASHDEEP-1.0\n%%%% size,sha256,filename\n";

/// Byte-order marks of UTF-8, UTF-16 and UTF-32 (UTF-32 LE starts like UTF-16 LE).
pub(super) const BOMS: &[&[u8]] = &[
    b"\xEF\xBB\xBF",
    b"\xFE\xFF",
    b"\xFF\xFE",
    b"\x00\x00\xFE\xFF",
];

fn read_lines(doc: &[u8], form: Form) -> Result<Listing, SealError> {
    if BOMS.iter().any(|bom| doc.starts_with(bom)) {
        return Err(SealError::at(SealErrorClass::NonCanonical, doc, 0));
    }
    let mut files = Vec::new();
    let mut folded = HashSet::new();
    let mut start = 0;
    if form == Form::Hashdeep {
        // The header, byte for byte (another version, other columns, CRLF: refused), then the
        // `##` lines hashdeep writes after it (where and how it ran), and nowhere else.
        if let Some(at) = HASHDEEP_HEADER.bytes().zip(doc).position(|(a, b)| a != *b) {
            let class = if doc[at] == b'\r' {
                SealErrorClass::NonCanonical
            } else {
                SealErrorClass::Syntax
            };
            return Err(SealError::at(class, doc, at));
        }
        if doc.len() < HASHDEEP_HEADER.len() {
            return Err(SealError::at(SealErrorClass::Syntax, doc, doc.len()));
        }
        start = HASHDEEP_HEADER.len();
        while doc[start..].starts_with(b"##") {
            match doc[start..].iter().position(|&b| b == b'\n') {
                Some(i) => start += i + 1,
                None => start = doc.len(),
            }
        }
    }
    for (at_line, line) in lines(&doc[start..]) {
        let start = start + at_line;
        let at = |class, offset: usize| SealError::at(class, doc, start + offset);
        if line.last() == Some(&b'\r') {
            return Err(at(SealErrorClass::NonCanonical, line.len() - 1));
        }
        let (path, name_at, sha256, bytes) = match form {
            Form::Sums => sums_line(line).map(|(p, n, d)| (p, n, d, None)),
            Form::Bsd => tag_line(line).map(|(p, n, d)| (p, n, d, None)),
            Form::Hashdeep => known_line(line).map(|(p, n, d, b)| (p, n, d, Some(b))),
        }
        .map_err(|(class, offset)| at(class, offset))?;
        // Two lines for one file, or for two names one file system may take for one (equal
        // after NFC and case folding, as the seal's paths), leave the reader to choose which to
        // believe: the record is ambiguous.
        if !folded.insert(crate::names::fold_key(path.as_str())) {
            return Err(at(SealErrorClass::Path, name_at));
        }
        files.push(Listed {
            path,
            bytes,
            sha256,
        });
    }
    if files.is_empty() {
        return Err(SealError::unpositioned(SealErrorClass::Schema));
    }
    Ok(Listing {
        files,
        complete: Vec::new(),
        total: None,
    })
}

/// Where a line went wrong: the class and the offset in the line.
type LineError = (SealErrorClass, usize);

/// `[\]<64 hex> <space or *><name>`, as GNU `sha256sum` writes it.
fn sums_line(line: &[u8]) -> Result<(SealPath, usize, Digest), LineError> {
    let escaped = line.first() == Some(&b'\\');
    let from = usize::from(escaped);
    let digits = line[from..]
        .iter()
        .take_while(|b| b.is_ascii_hexdigit())
        .count();
    let sep = from + digits;
    if digits == 0
        || line.get(sep) != Some(&b' ')
        || !matches!(line.get(sep + 1), Some(b' ' | b'*'))
    {
        return Err((SealErrorClass::Syntax, sep));
    }
    let sha256 = digest(&line[from..sep]).ok_or((SealErrorClass::Digest, from))?;
    let name_at = sep + 2;
    Ok((name(&line[name_at..], escaped, name_at)?, name_at, sha256))
}

/// `[\]SHA256 (<name>) = <64 hex>`, as `sha256sum --tag` writes it. The name ends at the last
/// `) = ` of the line: the digest holds none, and a name may.
fn tag_line(line: &[u8]) -> Result<(SealPath, usize, Digest), LineError> {
    const TAG: &[u8] = b"SHA256 (";
    const SEP: &[u8] = b") = ";
    let escaped = line.first() == Some(&b'\\');
    let from = usize::from(escaped);
    if !line[from..].starts_with(TAG) {
        return Err((SealErrorClass::Syntax, from));
    }
    let name_at = from + TAG.len();
    let sep = line[name_at..]
        .windows(SEP.len())
        .rposition(|w| w == SEP)
        .map(|i| name_at + i)
        .ok_or((SealErrorClass::Syntax, name_at))?;
    let hex = &line[sep + SEP.len()..];
    if hex.is_empty() || !hex.iter().all(u8::is_ascii_hexdigit) {
        return Err((SealErrorClass::Syntax, sep + SEP.len()));
    }
    let sha256 = digest(hex).ok_or((SealErrorClass::Digest, sep + SEP.len()))?;
    Ok((
        name(&line[name_at..sep], escaped, name_at)?,
        name_at,
        sha256,
    ))
}

/// `<size>,<64 hex>,<name>`, as `hashdeep -c sha256 -l` writes it: the size in decimal without
/// a sign or leading zero, the name as it is (the last field, so it may hold commas), with the
/// `./` hashdeep puts before a name found below `.` taken off.
fn known_line(line: &[u8]) -> Result<(SealPath, usize, Digest, u64), LineError> {
    let digits = line.iter().take_while(|b| b.is_ascii_digit()).count();
    if line.get(digits) != Some(&b',') {
        return Err((SealErrorClass::Syntax, digits));
    }
    let bytes = decimal(&line[..digits]).ok_or((SealErrorClass::Syntax, 0))?;
    let hex_at = digits + 1;
    let hex_len = line[hex_at..]
        .iter()
        .take_while(|b| b.is_ascii_hexdigit())
        .count();
    if hex_len == 0 || line.get(hex_at + hex_len) != Some(&b',') {
        return Err((SealErrorClass::Syntax, hex_at + hex_len));
    }
    let sha256 = digest(&line[hex_at..hex_at + hex_len]).ok_or((SealErrorClass::Digest, hex_at))?;
    let name_at = hex_at + hex_len + 1;
    Ok((
        name(&line[name_at..], false, name_at)?,
        name_at,
        sha256,
        bytes,
    ))
}

/// The lines of a record, each with its offset (the last may lack its line feed).
pub(super) fn lines(doc: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= doc.len() {
            return None;
        }
        let end = doc[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(doc.len(), |i| at + i);
        let line = (at, &doc[at..end]);
        at = end + 1;
        Some(line)
    })
}

/// Decimal digits, no sign, no leading zero, at most `u64::MAX` (a size, a count).
pub(super) fn decimal(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || (digits.len() > 1 && digits[0] == b'0') {
        return None;
    }
    std::str::from_utf8(digits)
        .ok()
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))?
        .parse()
        .ok()
}

/// 64 hex digits of either case; `None` for any other count (every record's digests).
pub(super) fn digest(hex: &[u8]) -> Option<Digest> {
    if hex.len() != 64 {
        return None;
    }
    Digest::parse_hex(&String::from_utf8_lossy(hex).to_ascii_lowercase())
}

/// The name of a line, unescaped when the line is GNU's escaped form, as a seal path. One
/// leading `./` is taken off: `find . -type f | xargs sha256sum` and `hashdeep -l .` write every
/// name so, and `./a` names nothing but `a` (a second `./`, or `.` anywhere else, is refused
/// with every other dot segment).
fn name(raw: &[u8], escaped: bool, at: usize) -> Result<SealPath, LineError> {
    let (raw, at) = match raw.strip_prefix(b"./") {
        Some(rest) => (rest, at + 2),
        None => (raw, at),
    };
    let mut out = Vec::with_capacity(raw.len());
    if escaped {
        let mut bytes = raw.iter().enumerate();
        while let Some((i, &b)) = bytes.next() {
            if b != b'\\' {
                out.push(b);
                continue;
            }
            match bytes.next() {
                Some((_, b'\\')) => out.push(b'\\'),
                Some((_, b'n')) => out.push(b'\n'),
                Some((_, b'r')) => out.push(b'\r'),
                _ => return Err((SealErrorClass::Syntax, at + i)),
            }
        }
    } else {
        out.extend_from_slice(raw);
    }
    std::str::from_utf8(&out)
        .ok()
        .and_then(|s| SealPath::parse(s).ok())
        .ok_or((SealErrorClass::Path, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4";

    fn sums(doc: &str) -> Result<Listing, SealError> {
        read_lines(doc.as_bytes(), Form::Sums)
    }

    fn tags(doc: &str) -> Result<Listing, SealError> {
        read_lines(doc.as_bytes(), Form::Bsd)
    }

    fn class(r: Result<Listing, SealError>) -> &'static str {
        r.err().map_or("ok", |e| e.class.name())
    }

    fn paths(r: Result<Listing, SealError>) -> Vec<String> {
        r.unwrap()
            .files
            .iter()
            .map(|f| f.path.as_str().to_owned())
            .collect()
    }

    #[test]
    fn an_honest_manifest_reads_in_record_order_with_gnu_s_variations() {
        let upper = HEX.to_ascii_uppercase();
        let doc = format!("{HEX}  b.txt\n{upper} *a b (1).txt\n\\{HEX}  c.txt");
        assert_eq!(paths(sums(&doc)), ["b.txt", "a b (1).txt", "c.txt"]);
        // What `find . -type f | xargs sha256sum` writes: one leading `./` is no part of a name.
        let mixed = format!("{HEX}  ./b.txt\nSHA256 (./x) = {HEX}\n");
        assert_eq!(class(sums(&mixed)), "seal-syntax");
        assert_eq!(paths(sums(&format!("{HEX}  ./b.txt\n"))), ["b.txt"]);
        assert_eq!(paths(tags(&format!("SHA256 (./x) = {HEX}\n"))), ["x"]);
        for twice in ["././b.txt", "./../b.txt", "./"] {
            assert_eq!(
                class(sums(&format!("{HEX}  {twice}\n"))),
                "seal-path",
                "{twice}"
            );
        }
        assert_eq!(class(sums(&format!("{HEX}  ./b\n{HEX}  b\n"))), "seal-path");
        let listing = sums(&doc).unwrap();
        assert!(listing.files.iter().all(|f| f.bytes.is_none()));
        assert_eq!(listing.files[1].sha256.to_hex(), HEX);
    }

    #[test]
    fn every_unreadable_line_refuses_the_whole_manifest_with_its_class() {
        let ok = format!("{HEX}  ok.txt\n");
        for (line, want) in [
            (format!("\u{FEFF}{HEX}  a\n"), "seal-noncanonical"),
            (format!("{HEX}  a\r\n"), "seal-noncanonical"),
            ("\n".to_owned(), "seal-syntax"),
            (format!("# {HEX}  a\n"), "seal-syntax"),
            (format!("{HEX} a\n"), "seal-syntax"),
            (format!("SHA256 (a) = {HEX}\n"), "seal-syntax"),
            (format!("{}  a\n", &HEX[1..]), "seal-digest"),
            (format!("{HEX}0  a\n"), "seal-digest"),
            (format!("{HEX}  ../outside/a\n"), "seal-path"),
            (format!("{HEX}  /abs/a\n"), "seal-path"),
            (format!("{HEX}  a\0\n"), "seal-path"),
            (format!("{HEX}  a\\b\n"), "seal-path"),
            (format!("\\{HEX}  a\\qb\n"), "seal-syntax"),
            (format!("{HEX}  ok.txt\n"), "seal-path"),
            (format!("{HEX}  OK.txt\n"), "seal-path"),
            (format!("{HEX}  \n"), "seal-path"),
        ] {
            let got = if line.starts_with('\u{FEFF}') {
                class(sums(&format!("{line}{ok}")))
            } else {
                class(sums(&format!("{ok}{line}")))
            };
            assert_eq!(got, want, "{line:?}");
        }
        assert_eq!(class(sums("")), "seal-schema");
    }

    #[test]
    fn a_refusal_points_at_its_line() {
        let doc = format!("{HEX}  a\n{HEX}  ../b\n");
        let e = sums(&doc).unwrap_err();
        let p = e.position.unwrap();
        assert_eq!((p.line, p.offset), (2, 66 + 2 + 66));
    }

    #[test]
    fn tags_read_to_the_last_close_paren_equals_and_refuse_other_spellings() {
        let doc = format!("SHA256 (a) = b.md) = {HEX}\n\\SHA256 (x\\\\y) = {HEX}\n");
        let r = tags(&doc);
        assert_eq!(class(r.clone()), "seal-path", "x\\y holds a backslash");
        let doc = format!("SHA256 (a) = b.md) = {HEX}\nSHA256 (c (1).md) = {HEX}\n");
        assert_eq!(paths(tags(&doc)), ["a) = b.md", "c (1).md"]);
        for (line, want) in [
            (format!("MD5 (a) = {HEX}\n"), "seal-syntax"),
            (format!("sha256 (a) = {HEX}\n"), "seal-syntax"),
            (format!("SHA256(a)= {HEX}\n"), "seal-syntax"),
            (format!("SHA256 (a) = {}\n", &HEX[..40]), "seal-digest"),
            (format!("SHA256 (a) = {HEX} \n"), "seal-syntax"),
            (format!("SHA256 (../a) = {HEX}\n"), "seal-path"),
            (format!("{HEX}  a\n"), "seal-syntax"),
        ] {
            assert_eq!(class(tags(&line)), want, "{line:?}");
        }
    }

    #[test]
    fn a_hashdeep_list_reads_its_header_comments_sizes_and_names_with_commas() {
        let head = "%%%% HASHDEEP-1.0\n%%%% size,sha256,filename\n";
        let doc = format!("{head}## Invoked from: /x\n## \n4,{HEX},./a, b.md\n0,{HEX},c\n");
        let listing = read_lines(doc.as_bytes(), Form::Hashdeep).unwrap();
        let got: Vec<(&str, Option<u64>)> = listing
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.bytes))
            .collect();
        assert_eq!(got, [("a, b.md", Some(4)), ("c", Some(0))]);
        let class = |doc: String| class(read_lines(doc.as_bytes(), Form::Hashdeep));
        for (doc, want) in [
            (String::new(), "seal-syntax"),
            (head.to_owned(), "seal-schema"),
            ("%%%% HASHDEEP-2.0\n".to_owned(), "seal-syntax"),
            (head.replace("sha256", "md5"), "seal-syntax"),
            (head.replace('\n', "\r\n"), "seal-noncanonical"),
            (format!("{head}4,{HEX},./a\n## hidden\n"), "seal-syntax"),
            (format!("{head}04,{HEX},./a\n"), "seal-syntax"),
            (format!("{head}-4,{HEX},./a\n"), "seal-syntax"),
            (
                format!("{head}99999999999999999999,{HEX},./a\n"),
                "seal-syntax",
            ),
            (format!("{head}4,{},./a\n", &HEX[1..]), "seal-digest"),
            (format!("{head}4,{HEX},../a\n"), "seal-path"),
            (format!("{head}4,{HEX},./a\n5,{HEX},a\n"), "seal-path"),
            (format!("{HEX}  a\n"), "seal-syntax"),
        ] {
            assert_eq!(class(doc.clone()), want, "{doc:?}");
        }
    }

    #[test]
    fn the_seal_is_not_read_here() {
        assert!(read(Record::Seal, b"{}").is_none());
        assert!(read(Record::Sums, b"").unwrap().is_err());
    }
}
