//! The `seal_load` target: an accepted seal is its own canonical file form.

use crate::seal::SEAL_SIZE_LIMIT;
use crate::seal::Seal;

/// When `Seal::load` accepts a document, the document is the seal's canonical file form, byte for
/// byte (a seal re-encoded by another tool is `seal-noncanonical`, never accepted).
pub fn seal_load(data: &[u8]) {
    let Ok(seal) = Seal::load(data, SEAL_SIZE_LIMIT) else {
        return;
    };
    assert!(
        seal.to_file_form() == data,
        "Seal::load accepted a document that is not its canonical file form"
    );
}
