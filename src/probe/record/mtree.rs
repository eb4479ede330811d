//! mtree specifications (SPEC 7.8): the full-path form, as `mtree -C` writes it and NetBSD and
//! FreeBSD `mtree -f` read it: `#mtree`, then `. type=dir`, every folder above a sealed file
//! and every complete folder as `./<path> type=dir`, every sealed file as `./<path> type=file
//! size=<n> sha256digest=<hex>`, in path order (a folder before what it holds). It gives sizes
//! and types, and every folder it lists holds what it lists and nothing else, so it expresses
//! `complete`, `file-type` and `size`, but not `partial`: an honest state whose folders hold
//! entries the seal leaves unlisted cannot be written in it (`mtree -f` would call them extra).
//!
//! Names are escaped as FreeBSD's `mtree` escapes them (`strsvis` with `VIS_OCTAL | VIS_GLOB`):
//! every byte outside printable ASCII, a space, `\`, `#` and the glob characters `*`, `?`, `[`,
//! `]` as `\` and three octal digits, so no name is read as a pattern, a comment or two fields.

use super::{RecordFormat, Shape};
use crate::digest::Digest;
use crate::probe::features::{Feature, Honest};

/// The file beside `root/`.
pub const FILE: &str = "mtree.spec";

pub const MTREE: RecordFormat = RecordFormat {
    name: "mtree",
    placeholder: "{mtree}",
    file: FILE,
    shape: Shape::File,
    features: &[
        Feature::Complete,
        Feature::FileType,
        Feature::Size,
        Feature::Folders,
    ],
    title: "an mtree specification",
    honest: Some(specification),
    line: Some(file_line),
};

/// The honest specification of a state (see the module doc).
fn specification(honest: &Honest) -> Vec<u8> {
    let mut folders: std::collections::BTreeSet<&[u8]> = std::collections::BTreeSet::new();
    for p in honest.files.keys().chain(&honest.complete) {
        for (i, b) in p.iter().enumerate() {
            if *b == b'/' {
                folders.insert(&p[..i]);
            }
        }
    }
    folders.extend(
        honest
            .complete
            .iter()
            .filter(|c| c.as_slice() != b".")
            .map(Vec::as_slice),
    );
    let mut lines: Vec<(&[u8], Vec<u8>)> =
        folders.into_iter().map(|f| (f, folder_line(f))).collect();
    lines.extend(
        honest
            .files
            .iter()
            .map(|(p, (len, digest))| (p.as_slice(), file_line(p, *len, *digest))),
    );
    lines.sort();
    let mut out = b"#mtree\n. type=dir\n".to_vec();
    for (_, line) in lines {
        out.extend(line);
    }
    out
}

/// `./<escaped path> type=dir` and a line feed.
fn folder_line(path: &[u8]) -> Vec<u8> {
    let mut out = b"./".to_vec();
    out.extend(escaped(path));
    out.extend_from_slice(b" type=dir\n");
    out
}

/// One file's entry, `./<escaped path> type=file size=<n> sha256digest=<hex>` and a line feed.
pub fn file_line(path: &[u8], len: u64, digest: Digest) -> Vec<u8> {
    let mut out = b"./".to_vec();
    out.extend(escaped(path));
    out.extend(format!(" type=file size={len} sha256digest={}\n", digest.to_hex()).bytes());
    out
}

/// A name with every byte outside printable ASCII, and ` `, `\`, `#`, `*`, `?`, `[`, `]`, as
/// `\ooo`.
fn escaped(path: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(path.len());
    for &b in path {
        if (0x21..=0x7e).contains(&b) && !b"\\#*?[]".contains(&b) {
            out.push(b);
        } else {
            out.extend(format!("\\{b:03o}").bytes());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_honest_specification_lists_folders_before_what_they_hold_with_octal_escapes() {
        let files = [
            ("docs/a b.md".to_owned(), b"one\n".to_vec()),
            ("z#[1]*é.md".to_owned(), b"two\n".to_vec()),
        ]
        .into();
        let honest = Honest::of_files(&files, &["spool/in".to_owned()]);
        let spec = String::from_utf8((MTREE.honest.unwrap())(&honest)).unwrap();
        let (one, two) = (Digest::of(b"one\n").to_hex(), Digest::of(b"two\n").to_hex());
        assert_eq!(
            spec,
            format!(
                "#mtree\n. type=dir\n./docs type=dir\n./docs/a\\040b.md type=file size=4 sha256digest={one}\n./spool type=dir\n./spool/in type=dir\n./z\\043\\1331\\135\\052\\303\\251.md type=file size=4 sha256digest={two}\n"
            )
        );
        // The strict reader takes it back: the same files, the complete folder.
        let listing = crate::seal::mtree::read(spec.as_bytes()).unwrap();
        let names: Vec<&str> = listing.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(names, ["docs/a b.md", "z#[1]*é.md"]);
        let complete: Vec<&str> = listing.complete.iter().map(|c| c.as_str()).collect();
        assert_eq!(complete, [".", "spool/in"]);
    }
}
