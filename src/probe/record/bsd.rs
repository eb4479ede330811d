//! BSD tags (SPEC 7.8): `SHA256 (<path>) = <hex>` lines, as `sha256sum --tag`, `shasum --tag`
//! and the BSD `sha256` tool write them. Like `SHA256SUMS` it says nothing but a path and a
//! digest (no size, no file type, no complete folders), so it expresses no feature.
//!
//! The honest writer follows GNU coreutils (`sha256sum --tag`): a name holding a backslash, a
//! line feed or a CR is escaped and the line starts with a backslash, which GNU and perl
//! `shasum -c` read back. A name holding `) = ` needs no escape: readers that take the last
//! `) = ` of the line read it right, and that is a control of the suite.

use super::{RecordFormat, Shape};
use crate::digest::Digest;
use crate::probe::features::Feature;

/// The file beside `root/`: FreeBSD's release checksum file is named this way.
pub const FILE: &str = "CHECKSUM.SHA256";

pub const BSD: RecordFormat = RecordFormat {
    name: "bsd",
    placeholder: "{bsd}",
    file: FILE,
    shape: Shape::File,
    features: &[Feature::Partial],
    title: "BSD tags",
    honest: Some(|honest| super::lines_of(honest, |path, _, digest| tag_line(path, digest))),
    line: Some(|path, _, digest| tag_line(path, digest)),
};

/// One tag line, `SHA256 (<path>) = <64 lowercase hex>` and a line feed, with GNU's escape
/// for a name holding a backslash, a line feed or a CR ([`super::gnu_name`]).
pub fn tag_line(path: impl AsRef<[u8]>, digest: Digest) -> Vec<u8> {
    let (escaped, name) = super::gnu_name(path.as_ref());
    let mut out = Vec::with_capacity(name.len() + 80);
    if escaped {
        out.push(b'\\');
    }
    out.extend_from_slice(b"SHA256 (");
    out.extend_from_slice(&name);
    out.extend_from_slice(b") = ");
    out.extend_from_slice(digest.to_hex().as_bytes());
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest() -> Digest {
        Digest::of(b"x")
    }

    #[test]
    fn a_plain_name_is_written_as_sha256sum_tag_writes_it() {
        let hex = digest().to_hex();
        assert_eq!(
            tag_line("docs/a (b) = c.md", digest()),
            format!("SHA256 (docs/a (b) = c.md) = {hex}\n").into_bytes()
        );
    }

    #[test]
    fn a_name_with_a_backslash_line_feed_or_cr_is_escaped_as_gnu_escapes_it() {
        let hex = digest().to_hex();
        assert_eq!(
            tag_line(b"a\\b\nc\rd", digest()),
            format!("\\SHA256 (a\\\\b\\nc\\rd) = {hex}\n").into_bytes()
        );
        // And a SHA256SUMS line the same way.
        assert_eq!(
            super::super::sums_line(b"a\\b\nc\rd", digest()),
            format!("\\{hex}  a\\\\b\\nc\\rd\n").into_bytes()
        );
    }
}
