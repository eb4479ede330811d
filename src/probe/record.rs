//! Record formats (SPEC 7.8): the documents a validator reads to learn the honest state, each
//! with its name, its template placeholder, the file it is written to beside `root/`, and the
//! features (SPEC 7.1) it can express.
//!
//! This registry is the one place that knows them: which cases a command template meets, which
//! files a case is materialized as, and what "beyond the format" means for a validator all come
//! from here.

use std::collections::BTreeMap;

use super::features::{Feature, Honest};
use crate::digest::Digest;

/// Writes the honest line of one file (its path, length and digest) in a format of lines.
pub type LineWriter = fn(&[u8], u64, Digest) -> Vec<u8>;

/// How a record lies beside `root/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One file, `file`, which the placeholder names.
    File,
    /// A BagIt bag ([`bagit`]): the workspace is the bag, its tag files beside `root/` and
    /// `data` a link to `root/`; the placeholder names the workspace folder, and the record is
    /// the tag files packed in one document ([`bagit::pack`]).
    Bag,
}

/// One record format.
#[derive(Debug, Clone, Copy)]
pub struct RecordFormat {
    /// `seal`, `sums`.
    pub name: &'static str,
    /// `{seal}`, `{sums}`.
    pub placeholder: &'static str,
    /// The file beside `root/` (for a bag, its declaration `bagit.txt`).
    pub file: &'static str,
    /// How the record lies beside `root/`: one file, or a bag.
    pub shape: Shape,
    /// What the format can say about the honest state.
    pub features: &'static [Feature],
    /// How a person names the format.
    pub title: &'static str,
    /// Writes the honest record of a state. `None` for the seal: a case carries its own seal,
    /// the source of its honest state, written as `sealprobe seal` writes it.
    pub honest: Option<fn(&Honest) -> Vec<u8>>,
    /// For a format of one line per file: the honest line of a file (its path, length and
    /// digest), as the honest writer writes it. Hostile records edit these lines.
    pub line: Option<LineWriter>,
}

impl RecordFormat {
    /// Where the placeholder points in a workspace whose folder is `base`.
    pub fn path_in(&self, base: &std::path::Path) -> std::path::PathBuf {
        match self.shape {
            Shape::File => base.join(self.file),
            Shape::Bag => base.to_path_buf(),
        }
    }

    /// Whether `sealprobe verify` (the built-in validator) reads this format strictly, and so
    /// names the classes of its hostile records (`--sums`, `--bsd`, SPEC 7.8). A format without
    /// a reader names no class in its hostile records.
    pub fn read_by_builtin(&self) -> bool {
        crate::seal::Record::from_name(self.name).is_some()
    }

    /// Whether a record of this format can show a drift that depends on `features`.
    pub fn expresses(&self, features: &[Feature]) -> bool {
        features.iter().all(|f| self.features.contains(f))
    }
}

/// `sealprobe-seal/1` (SPEC 3.1).
pub const SEAL: RecordFormat = RecordFormat {
    name: "seal",
    placeholder: "{seal}",
    file: crate::workspace::SEAL,
    shape: Shape::File,
    features: &[
        Feature::Complete,
        Feature::FileType,
        Feature::Size,
        Feature::Keyed,
        Feature::Json,
        Feature::Partial,
        Feature::Folders,
    ],
    title: "a seal",
    honest: None,
    line: None,
};

/// GNU `SHA256SUMS`: `<hex>  <path>` lines.
pub const SUMS: RecordFormat = RecordFormat {
    name: "sums",
    placeholder: "{sums}",
    file: crate::workspace::SUMS,
    shape: Shape::File,
    features: &[Feature::Partial],
    title: "SHA256SUMS",
    honest: Some(|honest| lines_of(honest, |path, _, digest| sums_line(path, digest))),
    line: Some(|path, _, digest| sums_line(path, digest)),
};

/// Every record format, in the order reports list them. Adding one is its own file and a line
/// here: placeholders, workspace files, honest records and applicability all come from this list.
pub const FORMATS: &[RecordFormat] = &[
    SEAL,
    SUMS,
    bsd::BSD,
    hashdeep::HASHDEEP,
    mtree::MTREE,
    bagit::BAG,
    #[cfg(test)]
    toy::TOY,
];

pub mod bagit;
mod bsd;
mod hashdeep;
mod mtree;
#[cfg(test)]
mod toy;

/// The format named `name`.
pub fn by_name(name: &str) -> Option<&'static RecordFormat> {
    FORMATS.iter().find(|f| f.name == name)
}

/// The format written to the file `file` beside `root/`.
pub fn by_file(file: &str) -> Option<&'static RecordFormat> {
    FORMATS.iter().find(|f| f.file == file)
}

/// Puts the honest record of every format that has a writer into `records` (by format name),
/// where the case has not given its own: every tree case comes as every record its honest state
/// can be rendered to, so no template word is ever dropped for want of one (SPEC 7.4).
pub fn fill_honest(honest: &Honest, records: &mut BTreeMap<String, Vec<u8>>) {
    for f in FORMATS {
        if let Some(write) = f.honest {
            records
                .entry(f.name.to_owned())
                .or_insert_with(|| write(honest));
        }
    }
}

/// The honest record of a format of lines: the format's line for every file of the state, in
/// path order (the honest `SHA256SUMS`, the honest BSD tags).
pub fn lines_of(honest: &Honest, line: LineWriter) -> Vec<u8> {
    honest
        .files
        .iter()
        .flat_map(|(path, (len, digest))| line(AsRef::<[u8]>::as_ref(path), *len, *digest))
        .collect()
}

/// One manifest line, `<64 lowercase hex>  <path>` and a line feed: the one writer of the
/// format's lines, for the honest record and the recipes' edits of it (`SUMS.line`). A name
/// holding a backslash, a line feed or a CR is written as GNU `sha256sum` writes it: the line
/// starts with a backslash and the name is escaped ([`gnu_name`]).
pub fn sums_line(path: impl AsRef<[u8]>, digest: Digest) -> Vec<u8> {
    let (escaped, name) = gnu_name(path.as_ref());
    let mut out = Vec::with_capacity(name.len() + 68);
    if escaped {
        out.push(b'\\');
    }
    out.extend_from_slice(digest.to_hex().as_bytes());
    out.extend_from_slice(b"  ");
    out.extend_from_slice(&name);
    out.push(b'\n');
    out
}

/// A name as GNU coreutils (9.x) writes it in a checksum line: when it holds a backslash, a line
/// feed or a CR, those are written as two characters each (`\\`, `\n`, `\r`) and the line must
/// start with a backslash (`true`); any other name is written as it is (`false`). GNU and perl
/// `shasum -c` read the escaped form back.
pub fn gnu_name(path: &[u8]) -> (bool, Vec<u8>) {
    if !path.iter().any(|b| matches!(b, b'\\' | b'\n' | b'\r')) {
        return (false, path.to_vec());
    }
    let mut out = Vec::with_capacity(path.len() + 4);
    for &b in path {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
    (true, out)
}

/// How a person names a feature a format lacks: "complete folders".
pub fn feature_words(feature: Feature) -> &'static str {
    match feature {
        Feature::Complete => "complete folders",
        Feature::FileType => "file types",
        Feature::Size => "sizes",
        Feature::Keyed => "authentication",
        Feature::Json => "JSON",
        Feature::Partial => "entries left unlisted",
        Feature::Folders => "folders listed",
    }
}
