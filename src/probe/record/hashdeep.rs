//! hashdeep known-file lists (SPEC 7.8): the `%%%% HASHDEEP-1.0` header, the column line
//! `%%%% size,sha256,filename`, then `<size>,<sha256>,./<path>` per file, as
//! `hashdeep -c sha256 -r -l .` writes them in the folder it lists; `hashdeep -a -k LIST` audits
//! a tree against one. It gives each file's length, so it expresses `size`; it says nothing of
//! file types or complete folders (hashdeep's audit walks whatever it is given, and that is the
//! reader's choice, not the record's).
//!
//! The honest writer leaves out the `##` comment lines hashdeep writes after the header (where
//! and how it was invoked): they are not part of the honest state, and readers skip them.

use super::{RecordFormat, Shape};
use crate::digest::Digest;
use crate::probe::features::Feature;

/// The file beside `root/`.
pub const FILE: &str = "hashdeep.txt";

/// The two header lines, as the strict reader wants them.
pub const HEADER: &str = crate::seal::listing::HASHDEEP_HEADER;

pub const HASHDEEP: RecordFormat = RecordFormat {
    name: "hashdeep",
    placeholder: "{hashdeep}",
    file: FILE,
    shape: Shape::File,
    features: &[Feature::Size, Feature::Partial],
    title: "a hashdeep list",
    honest: Some(|honest| {
        let mut out = HEADER.as_bytes().to_vec();
        out.extend(super::lines_of(honest, known_line));
        out
    }),
    line: Some(known_line),
};

/// One known-file line, `<size>,<64 lowercase hex>,./<path>` and a line feed.
pub fn known_line(path: &[u8], len: u64, digest: Digest) -> Vec<u8> {
    let mut out = format!("{len},{},./", digest.to_hex()).into_bytes();
    out.extend_from_slice(path);
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::features::Honest;

    #[test]
    fn the_honest_list_is_what_hashdeep_writes_without_its_comment_lines() {
        let files = [("a, b (1).md".to_owned(), b"one\n".to_vec())].into();
        let list = (HASHDEEP.honest.unwrap())(&Honest::of_files(&files, &[]));
        let hex = Digest::of(b"one\n").to_hex();
        assert_eq!(
            String::from_utf8(list).unwrap(),
            format!("{HEADER}4,{hex},./a, b (1).md\n")
        );
    }
}
