//! BagIt bags (RFC 8493), read strictly (SPEC 7.8, `sealprobe verify --bag`): a bag is the
//! payload `data/` and its tag files beside it, `bagit.txt`, `bag-info.txt` (with
//! `Payload-Oxum`), the payload manifest `manifest-sha256.txt` and the tag manifest
//! `tagmanifest-sha256.txt`. The tag files are read as one document, packed in name order, each
//! after a line `==> <name> <==` ([`pack`]); the command packs them from the bag's folder, and
//! the probe suite carries a bag that way.
//!
//! The rules are the other records': the first thing that is not exactly the format refuses the
//! whole bag, with a seal error class and its position in the tag file it is in:
//!
//! - `seal-noncanonical`: a BOM or a CR in a tag file;
//! - `seal-syntax`: `bagit.txt` other than version 1.0 in UTF-8; a `bag-info.txt` line that is
//!   neither `Label: value` nor a continuation; a manifest line that is not `<hex> <path>`; a path
//!   outside `data/`; a `%` that is not `%25`, `%0A` or `%0D`; a manifest or tag manifest of
//!   another algorithm (nothing here checks it); a tag manifest line naming a file that is not a
//!   tag file of the bag;
//! - `seal-schema`: no `bagit.txt`, `bag-info.txt` or payload manifest; no `Payload-Oxum`, two,
//!   or one whose file count is not the manifest's; a `fetch.txt` (the payload is not all
//!   there); a tag manifest that leaves out a tag file; an empty manifest;
//! - `seal-digest`: a digest that is not 64 hex digits, or a tag file whose digest is not the
//!   tag manifest's (a tag file edited after the bag was made);
//! - `seal-path`: a path that is not a valid seal path once `data/` is taken off, or one that
//!   repeats or is a case-folded twin of another.
//!
//! The payload is complete (every file of `data/` must be listed), and `Payload-Oxum`'s length
//! bounds the read of every file; once every file matched, the lengths must add up to it.

use std::collections::{BTreeMap, HashSet};

use super::error::{SealError, SealErrorClass};
use super::listing::{BOMS, Listed, Listing, decimal, digest, lines};
use super::model::CompleteFolder;
use super::path::SealPath;
use crate::digest::Digest;

/// The bag's declaration, as `bagit.py` 1.9 writes it.
pub const BAGIT_TXT: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

/// The payload folder of a bag: a link to `root/`.
pub const DATA: &str = "data";

/// The tag files of an honest bag, in name order.
pub const BAG_INFO: &str = "bag-info.txt";
pub const BAGIT: &str = "bagit.txt";
pub const MANIFEST: &str = "manifest-sha256.txt";
pub const TAG_MANIFEST: &str = "tagmanifest-sha256.txt";

/// Whether `name` is a file of a bag's top level that [`pack`] carries: `bagit.txt`,
/// `bag-info.txt`, `fetch.txt` and every `manifest-<alg>.txt` and `tagmanifest-<alg>.txt`.
pub fn is_tag_file(name: &str) -> bool {
    matches!(name, BAGIT | BAG_INFO | "fetch.txt")
        || ((name.starts_with("manifest-") || name.starts_with("tagmanifest-"))
            && name.ends_with(".txt")
            && !name.contains('/'))
}

/// The line that starts each file of a packed bag.
fn header(name: &str) -> Vec<u8> {
    format!("==> {name} <==\n").into_bytes()
}

/// The tag files of a bag as one document, in name order (the order [`unpack`] wants, so a
/// case folder's files pack back to the same bytes).
pub fn pack(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut sorted: Vec<&(String, Vec<u8>)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = Vec::new();
    for (name, bytes) in sorted {
        out.extend(header(name));
        out.extend_from_slice(bytes);
    }
    out
}

/// The tag files of a packed bag: each starts at a line `==> <name> <==` and runs to the next
/// such line (or the end). The names must be tag files ([`is_tag_file`]), each once, in name
/// order; anything else is an error of the case, never a guess.
pub fn unpack(doc: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut starts = Vec::new();
    let mut at = 0;
    while at < doc.len() {
        let end = doc[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(doc.len(), |i| at + i + 1);
        let line = &doc[at..end];
        if let Some(name) = line
            .strip_prefix(b"==> ")
            .and_then(|l| l.strip_suffix(b" <==\n"))
        {
            let name =
                std::str::from_utf8(name).map_err(|_| "a tag file name that is not UTF-8")?;
            starts.push((at, end, name.to_owned()));
        }
        at = end;
    }
    if starts.first().is_none_or(|(at, ..)| *at != 0) {
        return Err("a packed bag starts with a line `==> <tag file> <==`".into());
    }
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, (_, body, name)) in starts.iter().enumerate() {
        let until = starts.get(i + 1).map_or(doc.len(), |(next, ..)| *next);
        if !is_tag_file(name) {
            return Err(format!("{name} is not a tag file of a bag"));
        }
        if files
            .last()
            .is_some_and(|(last, _)| last.as_str() >= name.as_str())
        {
            return Err("the tag files of a packed bag are in name order, each once".into());
        }
        files.push((name.clone(), doc[*body..until].to_vec()));
    }
    Ok(files)
}

/// Reads a packed bag (see the module doc): its payload, complete, with `Payload-Oxum`'s total.
pub fn read(doc: &[u8]) -> Result<Listing, SealError> {
    let files = unpack(doc).map_err(|_| SealError::at(SealErrorClass::Syntax, doc, 0))?;
    read_files(&files)
}

/// Reads a bag from its tag files, by name (what `sealprobe verify --bag` reads from the bag's
/// folder, never packed: a tag file holding a line `==> <name> <==` is only a line of it).
pub fn read_files(files: &[(String, Vec<u8>)]) -> Result<Listing, SealError> {
    let tags: BTreeMap<&str, &[u8]> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    // Each name once, and only tag files: anything else is not a bag this reader knows.
    if tags.len() != files.len() || tags.keys().any(|name| !is_tag_file(name)) {
        return Err(SealError::unpositioned(SealErrorClass::Syntax));
    }
    for (name, bytes) in &tags {
        if BOMS.iter().any(|bom| bytes.starts_with(bom)) {
            return Err(SealError::at(SealErrorClass::NonCanonical, bytes, 0));
        }
        if let Some(cr) = bytes.iter().position(|&b| b == b'\r') {
            return Err(SealError::at(SealErrorClass::NonCanonical, bytes, cr));
        }
        if *name == "fetch.txt" {
            return Err(SealError::at(SealErrorClass::Schema, bytes, 0));
        }
        if *name != MANIFEST && *name != TAG_MANIFEST && name.contains("manifest-") {
            return Err(SealError::at(SealErrorClass::Syntax, bytes, 0));
        }
    }
    let need = |name: &str| {
        tags.get(name)
            .copied()
            .ok_or_else(|| SealError::unpositioned(SealErrorClass::Schema))
    };
    let bagit = need(BAGIT)?;
    if let Some(at) = BAGIT_TXT.bytes().zip(bagit).position(|(a, b)| a != *b) {
        return Err(SealError::at(SealErrorClass::Syntax, bagit, at));
    }
    if bagit.len() != BAGIT_TXT.len() {
        return Err(SealError::at(
            SealErrorClass::Syntax,
            bagit,
            bagit.len().min(BAGIT_TXT.len()),
        ));
    }
    let (octets, count) = payload_oxum(need(BAG_INFO)?)?;
    let manifest = need(MANIFEST)?;
    let mut listing = payload_manifest(manifest)?;
    if listing.files.len() as u64 != count {
        return Err(SealError::unpositioned(SealErrorClass::Schema));
    }
    if let Some(tag_manifest) = tags.get(TAG_MANIFEST) {
        check_tag_manifest(tag_manifest, &tags)?;
    }
    listing.total = Some(octets);
    Ok(listing)
}

/// `Payload-Oxum: <octets>.<count>` from `bag-info.txt`, which must hold it once; every other
/// line is `Label: value` or a continuation (a line starting with a space or tab).
fn payload_oxum(info: &[u8]) -> Result<(u64, u64), SealError> {
    let at = |class, offset| SealError::at(class, info, offset);
    let mut oxum = None;
    for (start, line) in lines(info) {
        if matches!(line.first(), Some(b' ' | b'\t')) && start > 0 {
            continue;
        }
        let colon = line
            .iter()
            .position(|&b| b == b':')
            .filter(|&c| c > 0 && line.get(c + 1) == Some(&b' '))
            .ok_or_else(|| at(SealErrorClass::Syntax, start))?;
        if &line[..colon] != b"Payload-Oxum" {
            continue;
        }
        let value = &line[colon + 2..];
        let parsed = value
            .iter()
            .position(|&b| b == b'.')
            .and_then(|dot| Some((decimal(&value[..dot])?, decimal(&value[dot + 1..])?)))
            .ok_or_else(|| at(SealErrorClass::Syntax, start + colon + 2))?;
        if oxum.replace(parsed).is_some() {
            return Err(at(SealErrorClass::Schema, start));
        }
    }
    oxum.ok_or_else(|| SealError::unpositioned(SealErrorClass::Schema))
}

/// `<hex> <path>` lines: the digest, one or more spaces or tabs, the path.
fn hex_and_name(line: &[u8]) -> Result<(Digest, usize), (SealErrorClass, usize)> {
    let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    let gap = line[digits..]
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    if digits == 0 || gap == 0 || digits + gap == line.len() {
        return Err((SealErrorClass::Syntax, digits));
    }
    let sha256 = digest(&line[..digits]).ok_or((SealErrorClass::Digest, 0))?;
    Ok((sha256, digits + gap))
}

/// The payload manifest: every line `<hex> data/<path>`, the path percent-decoded (`%25`,
/// `%0A`, `%0D`), each path once, at least one.
fn payload_manifest(manifest: &[u8]) -> Result<Listing, SealError> {
    let mut files = Vec::new();
    let mut folded = HashSet::new();
    for (start, line) in lines(manifest) {
        let at = |(class, offset): (SealErrorClass, usize)| {
            SealError::at(class, manifest, start + offset)
        };
        let (sha256, name_at) = hex_and_name(line).map_err(at)?;
        let raw = line[name_at..]
            .strip_prefix(b"data/")
            .ok_or((SealErrorClass::Syntax, name_at))
            .map_err(at)?;
        let decoded =
            percent_decoded(raw).map_err(|i| at((SealErrorClass::Syntax, name_at + 5 + i)))?;
        let path = std::str::from_utf8(&decoded)
            .ok()
            .and_then(|s| SealPath::parse(s).ok())
            .ok_or((SealErrorClass::Path, name_at + 5))
            .map_err(at)?;
        if !folded.insert(crate::names::fold_key(path.as_str())) {
            return Err(at((SealErrorClass::Path, name_at + 5)));
        }
        files.push(Listed {
            path,
            bytes: None,
            sha256,
        });
    }
    if files.is_empty() {
        return Err(SealError::unpositioned(SealErrorClass::Schema));
    }
    Ok(Listing {
        files,
        complete: CompleteFolder::parse(".").into_iter().collect(),
        total: None,
    })
}

/// A manifest path with `%25`, `%0A`, `%0D` (either case) decoded; `Err(offset)` at any other
/// `%`.
fn percent_decoded(raw: &[u8]) -> Result<Vec<u8>, usize> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] != b'%' {
            out.push(raw[i]);
            i += 1;
            continue;
        }
        let code = raw.get(i + 1..i + 3).map(|c| c.to_ascii_uppercase());
        out.push(match code.as_deref() {
            Some(b"25") => b'%',
            Some(b"0A") => b'\n',
            Some(b"0D") => b'\r',
            _ => return Err(i),
        });
        i += 3;
    }
    Ok(out)
}

/// The tag manifest: `<hex> <name>` lines naming tag files of the bag, each once, every one of
/// `bagit.txt`, `bag-info.txt` and the payload manifest among them, each digest that file's.
fn check_tag_manifest(doc: &[u8], tags: &BTreeMap<&str, &[u8]>) -> Result<(), SealError> {
    let mut seen = HashSet::new();
    for (start, line) in lines(doc) {
        let at =
            |(class, offset): (SealErrorClass, usize)| SealError::at(class, doc, start + offset);
        let (digest, name_at) = hex_and_name(line).map_err(at)?;
        let name = std::str::from_utf8(&line[name_at..]).unwrap_or_default();
        let Some(bytes) = tags.get(name).filter(|_| name != TAG_MANIFEST) else {
            return Err(at((SealErrorClass::Syntax, name_at)));
        };
        if !seen.insert(name) {
            return Err(at((SealErrorClass::Syntax, name_at)));
        }
        if Digest::of(bytes) != digest {
            return Err(at((SealErrorClass::Digest, 0)));
        }
    }
    if [BAGIT, BAG_INFO, MANIFEST]
        .iter()
        .any(|n| !seen.contains(n))
    {
        return Err(SealError::unpositioned(SealErrorClass::Schema));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4";

    /// A packed bag of these tag files, its tag manifest made over them unless one is given.
    fn bag(info: &str, manifest: &str, extra: &[(&str, &str)]) -> Vec<u8> {
        let mut files: Vec<(String, Vec<u8>)> = vec![
            (BAGIT.into(), BAGIT_TXT.into()),
            (BAG_INFO.into(), info.into()),
            (MANIFEST.into(), manifest.into()),
        ];
        let tags: String = files
            .iter()
            .map(|(n, b)| format!("{}  {n}\n", Digest::of(b).to_hex()))
            .collect();
        files.push((TAG_MANIFEST.into(), tags.into_bytes()));
        for (n, b) in extra {
            files.retain(|(name, _)| name != n);
            files.push(((*n).into(), (*b).into()));
        }
        pack(&files)
    }

    fn class(doc: &[u8]) -> &'static str {
        read(doc).err().map_or("ok", |e| e.class.name())
    }

    #[test]
    fn an_honest_bag_reads_its_payload_complete_and_its_oxum() {
        let manifest = format!("{HEX}  data/a b%25.md\n{HEX}\tdata/docs/c.md\n");
        let doc = bag(
            "Source-Organization: x\n  continued\nPayload-Oxum: 9.2\n",
            &manifest,
            &[],
        );
        let read = read(&doc).unwrap();
        let names: Vec<&str> = read.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(names, ["a b%.md", "docs/c.md"]);
        assert_eq!(read.total, Some(9));
        let complete: Vec<&str> = read.complete.iter().map(|c| c.as_str()).collect();
        assert_eq!(complete, ["."], "the payload is complete");
        // Without a tag manifest (RFC 8493 makes it optional) the bag still reads.
        let mut files = unpack(&doc).unwrap();
        files.retain(|(n, _)| n != TAG_MANIFEST);
        assert!(read_ok(&pack(&files)));
    }

    fn read_ok(doc: &[u8]) -> bool {
        read(doc).is_ok()
    }

    #[test]
    fn every_way_a_bag_is_not_exactly_the_format_refuses_it_whole() {
        let m = format!("{HEX}  data/a.md\n");
        let info = "Payload-Oxum: 4.1\n";
        let other_tags = format!("{HEX}  bagit.txt\n");
        for (doc, want) in [
            (bag(info, &m, &[]), "ok"),
            (bag(info, &format!("\u{FEFF}{m}"), &[]), "seal-noncanonical"),
            (
                bag(info, &m.replace('\n', "\r\n"), &[]),
                "seal-noncanonical",
            ),
            (
                bag(info, &m, &[("fetch.txt", "https://x/a 4 data/a.md\n")]),
                "seal-schema",
            ),
            (bag(info, &m, &[("manifest-md5.txt", "x\n")]), "seal-syntax"),
            (
                bag(
                    info,
                    &m,
                    &[(
                        BAGIT,
                        "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n",
                    )],
                ),
                "seal-syntax",
            ),
            (
                bag("Payload-Oxum: 4.1\nPayload-Oxum: 5.1\n", &m, &[]),
                "seal-schema",
            ),
            (bag("Bagging-Date: 2026-12-07\n", &m, &[]), "seal-schema"),
            (bag("Payload-Oxum: 4.2\n", &m, &[]), "seal-schema"),
            (bag("Payload-Oxum: 4\n", &m, &[]), "seal-syntax"),
            (bag("no colon here\n", &m, &[]), "seal-syntax"),
            (bag(info, "", &[]), "seal-schema"),
            (bag(info, &format!("{HEX}  a.md\n"), &[]), "seal-syntax"),
            (
                bag(info, &format!("{HEX}  data/../outside/a.md\n"), &[]),
                "seal-path",
            ),
            (
                bag(info, &format!("{HEX}  data/a%41.md\n"), &[]),
                "seal-syntax",
            ),
            (
                bag(info, &format!("{HEX}  data/a%0A.md\n"), &[]),
                "seal-path",
            ),
            (
                bag(
                    "Payload-Oxum: 8.2\n",
                    &format!("{m}{HEX}  data/A.md\n"),
                    &[],
                ),
                "seal-path",
            ),
            (
                bag(info, &format!("{}  data/a.md\n", &HEX[1..]), &[]),
                "seal-digest",
            ),
            (bag(info, &m, &[(TAG_MANIFEST, &other_tags)]), "seal-digest"),
            (
                bag(info, &m, &[(TAG_MANIFEST, &format!("{HEX}  seal.json\n"))]),
                "seal-syntax",
            ),
            (b"garbage".to_vec(), "seal-syntax"),
        ] {
            assert_eq!(class(&doc), want, "{}", String::from_utf8_lossy(&doc));
        }
        // A tag manifest that leaves a tag file out.
        let mut files = unpack(&bag(info, &m, &[])).unwrap();
        let tags = &mut files.iter_mut().find(|(n, _)| n == TAG_MANIFEST).unwrap().1;
        let kept: Vec<u8> = tags
            .split_inclusive(|b| *b == b'\n')
            .filter(|l| !l.ends_with(b"bagit.txt\n"))
            .flatten()
            .copied()
            .collect();
        *tags = kept;
        assert_eq!(class(&pack(&files)), "seal-schema");
    }

    #[test]
    fn a_packed_bag_is_refused_unless_its_tag_files_come_in_name_order_once() {
        assert!(unpack(b"").is_err());
        assert!(unpack(b"stray\n==> bagit.txt <==\n").is_err());
        assert!(unpack(b"==> ../x <==\n").is_err());
        assert!(unpack(b"==> seal.json <==\n").is_err());
        assert!(unpack(b"==> bagit.txt <==\n==> bag-info.txt <==\n").is_err());
        assert!(unpack(b"==> bagit.txt <==\n==> bagit.txt <==\n").is_err());
        let files = unpack(b"==> bagit.txt <==\n==> fetch.txt <==\nx\n").unwrap();
        assert_eq!(files[1], ("fetch.txt".to_owned(), b"x\n".to_vec()));
    }
}
