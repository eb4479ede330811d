//! The `record_lines` target: the strict readers of `SHA256SUMS`, BSD tags, hashdeep lists,
//! mtree specifications and packed BagIt bags (SPEC 7.8) never panic, and what they accept is
//! what the format's own writer writes back.

use crate::probe::features::Honest;
use crate::probe::record;
use crate::seal::{Listing, Record, listing};

/// The formats the first byte picks from, in order (`byte % 4`).
pub const RECORD_FORMATS: [Record; 4] =
    [Record::Sums, Record::Bsd, Record::Hashdeep, Record::Mtree];

/// The first byte picks the format (`sums`, `bsd`, `hashdeep`, `mtree`, `bagit`), the rest is
/// the record.
/// When the reader accepts it, the listing written again by the format's honest writer is
/// accepted too, and reads back to the same listing (mtree's in path order, as its writer
/// sorts): the reader keeps nothing the writer cannot say (a path, a length, a digest, a
/// complete folder) and loses nothing it can.
pub fn record_lines(data: &[u8]) {
    let Some((&pick, doc)) = data.split_first() else {
        return;
    };
    let format = RECORD_FORMATS[usize::from(pick) % RECORD_FORMATS.len()];
    let Some(Ok(listing)) = listing::read(format, doc) else {
        return;
    };
    let writer = record::by_name(format.name()).expect("every reader has a record format");
    let again = match format {
        Record::Mtree => {
            let honest = Honest {
                files: listing
                    .files
                    .iter()
                    .map(|f| {
                        let len = f.bytes.expect("an mtree entry has its size");
                        (f.path.as_str().as_bytes().to_vec(), (len, f.sha256))
                    })
                    .collect(),
                complete: listing
                    .complete
                    .iter()
                    .map(|c| c.as_str().as_bytes().to_vec())
                    .collect(),
            };
            (writer.honest.expect("an honest writer"))(&honest)
        }
        Record::Bagit => {
            // The bag's declaration, its total and count, the manifest's lines in their order
            // (no tag manifest: it is optional, and checked when present).
            let total = listing.total.expect("a bag gives its total");
            let info = format!("Payload-Oxum: {total}.{}\n", listing.files.len()).into_bytes();
            let line = writer.line.expect("a bag has a manifest line writer");
            let manifest = listing
                .files
                .iter()
                .flat_map(|f| line(f.path.as_str().as_bytes(), 0, f.sha256))
                .collect();
            crate::seal::bagit::pack(&[
                (
                    crate::seal::bagit::BAGIT.into(),
                    crate::seal::bagit::BAGIT_TXT.into(),
                ),
                (crate::seal::bagit::BAG_INFO.into(), info),
                (crate::seal::bagit::MANIFEST.into(), manifest),
            ])
        }
        _ => {
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
            again
        }
    };
    let reread = listing::read(format, &again).expect("a reader");
    assert!(
        reread.map(sorted) == Ok(sorted(listing)),
        "a listing written back by the format's own writer does not read back the same"
    );
}

/// A listing's files and complete folders in path order.
fn sorted(mut listing: Listing) -> Listing {
    listing
        .files
        .sort_by(|a, b| a.path.as_str().cmp(b.path.as_str()));
    listing.complete.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    listing
}
