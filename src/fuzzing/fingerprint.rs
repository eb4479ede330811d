//! The `fingerprint` target: streaming fingerprints do not depend on how reads are cut.

use crate::seal::fingerprint::{Fingerprinter, fingerprints_of};

/// Most reads a fingerprint input is split into.
const MAX_CUTS: usize = 8;

/// The streaming [`Fingerprinter`] gives the same fingerprints however the bytes are cut into
/// reads. Layout of `data`: one byte `k` (number of cuts, `k % 9`), then `k` little-endian `u16`
/// cut points (taken modulo the payload length + 1, so empty reads happen too), then the payload.
pub fn fingerprint(data: &[u8]) {
    let Some((&k, rest)) = data.split_first() else {
        return;
    };
    let k = usize::from(k) % (MAX_CUTS + 1);
    if rest.len() < 2 * k {
        return;
    }
    let (cut_bytes, payload) = rest.split_at(2 * k);
    let mut cuts: Vec<usize> = cut_bytes
        .chunks_exact(2)
        .map(|c| usize::from(u16::from_le_bytes([c[0], c[1]])) % (payload.len() + 1))
        .collect();
    cuts.sort_unstable();

    let whole = fingerprints_of(payload);
    let mut f = Fingerprinter::new();
    let mut at = 0;
    for cut in cuts {
        f.update(&payload[at..cut]);
        at = cut;
    }
    f.update(&payload[at..]);
    let split = f.finish();
    assert!(
        whole == split,
        "fingerprints differ when the bytes are read in pieces"
    );
}
