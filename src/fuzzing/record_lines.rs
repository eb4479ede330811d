//! The `record_lines` target: the strict readers of `SHA256SUMS`, BSD tags and hashdeep lists
//! (SPEC 7.8) never panic, and what they accept is what the format's own writer writes back.

use crate::probe::record;
use crate::seal::{Record, listing};

/// The first byte picks the format (`sums`, `bsd`, `hashdeep`), the rest is the record. When the
/// reader accepts it, the listing written again with the format's honest line writer (and its
/// header) is accepted too, and reads back to the same listing: the reader keeps nothing the
/// writer cannot say (a path, a length, a digest) and loses nothing it can.
pub fn record_lines(data: &[u8]) {
    let Some((&pick, doc)) = data.split_first() else {
        return;
    };
    let formats = [Record::Sums, Record::Bsd, Record::Hashdeep];
    let format = formats[usize::from(pick) % formats.len()];
    let Some(Ok(listing)) = listing::read(format, doc) else {
        return;
    };
    let writer = record::by_name(format.name()).expect("every reader has a record format");
    let line = writer.line.expect("a format of lines has a line writer");
    let mut again = match format {
        Record::Hashdeep => listing::HASHDEEP_HEADER.as_bytes().to_vec(),
        _ => Vec::new(),
    };
    for f in &listing.files {
        again.extend(line(
            f.path.as_str().as_bytes(),
            f.bytes.unwrap_or(0),
            f.sha256,
        ));
    }
    let reread = listing::read(format, &again).expect("a reader");
    assert!(
        reread.as_ref() == Ok(&listing),
        "a listing written back by the format's own writer does not read back the same"
    );
}
