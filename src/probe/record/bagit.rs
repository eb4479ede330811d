//! BagIt bags (RFC 8493, SPEC 7.8): the workspace is the bag. Its tag files lie beside `root/`
//! (`bagit.txt`, `bag-info.txt` with `Payload-Oxum`, `manifest-sha256.txt`,
//! `tagmanifest-sha256.txt`) and `data` is a link to `root/`, so the payload is the case's tree
//! where every other validator finds it, and `bagit.py --validate {bag}` reads a bag whose
//! payload paths resolve inside it (a bag whose `data` links out of the bag is "unsafe" to
//! bagit.py). The placeholder `{bag}` is the workspace folder.
//!
//! A bag is several files, and a case carries each record as one document: the tag files in
//! name order, each after a line `==> <name> <==` ([`pack`], [`unpack`]), so the recipes edit a
//! bag as they edit any record (a manifest line, `Payload-Oxum`, a tag file added or taken
//! away), and a case folder holds the files themselves.
//!
//! The payload manifest gives no size and no type, but the bag says its payload is all of
//! `data/` (every file there must be listed) and gives the payload's total length
//! (`Payload-Oxum`), which bounds every file: it expresses `complete` and `size`. It lists no
//! folder (`folders`), no file type, and cannot leave an entry of the payload unlisted
//! (`partial`).

use super::{RecordFormat, Shape};
use crate::digest::Digest;
use crate::probe::features::{Feature, Honest};

pub use crate::seal::bagit::{
    BAG_INFO, BAGIT, BAGIT_TXT, DATA, MANIFEST, TAG_MANIFEST, is_tag_file, pack, unpack,
};

pub const BAG: RecordFormat = RecordFormat {
    name: "bagit",
    placeholder: "{bag}",
    file: BAGIT,
    shape: Shape::Bag,
    features: &[Feature::Complete, Feature::Size],
    title: "a BagIt bag",
    honest: Some(honest_bag),
    line: Some(manifest_line),
};

/// The honest bag of a state: `Payload-Oxum` its total length and file count, the manifest one
/// line per file in path order, the tag manifest over the three other tag files.
fn honest_bag(honest: &Honest) -> Vec<u8> {
    let octets: u64 = honest.files.values().map(|(len, _)| len).sum();
    let bag_info = format!("Payload-Oxum: {octets}.{}\n", honest.files.len()).into_bytes();
    let manifest = super::lines_of(honest, manifest_line);
    let mut tags = Vec::new();
    for (name, bytes) in [
        (BAGIT, BAGIT_TXT.as_bytes()),
        (BAG_INFO, &bag_info),
        (MANIFEST, &manifest),
    ] {
        tags.extend(format!("{}  {name}\n", Digest::of(bytes).to_hex()).bytes());
    }
    pack(&[
        (BAG_INFO.to_owned(), bag_info.clone()),
        (BAGIT.to_owned(), BAGIT_TXT.as_bytes().to_vec()),
        (MANIFEST.to_owned(), manifest),
        (TAG_MANIFEST.to_owned(), tags),
    ])
}

/// One payload manifest line, `<64 lowercase hex>  data/<path>` and a line feed, with `%`, LF
/// and CR percent-encoded as RFC 8493 (2.1.3) says.
pub fn manifest_line(path: &[u8], _len: u64, digest: Digest) -> Vec<u8> {
    let mut out = format!("{}  {DATA}/", digest.to_hex()).into_bytes();
    for &b in path {
        match b {
            b'%' => out.extend_from_slice(b"%25"),
            b'\n' => out.extend_from_slice(b"%0A"),
            b'\r' => out.extend_from_slice(b"%0D"),
            _ => out.push(b),
        }
    }
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_honest_bag_is_what_bagit_py_writes_with_sha256_only() {
        let files = [
            ("docs/a b%.md".to_owned(), b"one\n".to_vec()),
            ("z.bin".to_owned(), b"two!\n".to_vec()),
        ]
        .into();
        let bag = (BAG.honest.unwrap())(&Honest::of_files(&files, &[]));
        let tags = unpack(&bag).unwrap();
        let names: Vec<&str> = tags.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, [BAG_INFO, BAGIT, MANIFEST, TAG_MANIFEST]);
        assert_eq!(tags[0].1, b"Payload-Oxum: 9.2\n");
        let (one, two) = (
            Digest::of(b"one\n").to_hex(),
            Digest::of(b"two!\n").to_hex(),
        );
        assert_eq!(
            String::from_utf8(tags[2].1.clone()).unwrap(),
            format!("{one}  data/docs/a b%25.md\n{two}  data/z.bin\n")
        );
        let manifest_sha = Digest::of(&tags[2].1).to_hex();
        assert!(
            String::from_utf8(tags[3].1.clone())
                .unwrap()
                .ends_with(&format!("{manifest_sha}  manifest-sha256.txt\n"))
        );
        assert_eq!(
            pack(&tags),
            bag,
            "packing the files again gives the same document"
        );
    }
}
