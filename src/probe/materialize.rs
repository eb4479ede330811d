//! Writing a case to disk: into a [`Workspace`] to run it (`root/`, `outside/` and the inputs
//! beside them), or in the folder form (the same, plus `case.json`) for `sealprobe probes emit`,
//! which other tools can run and which `probes/` and `--probes DIR` read back. Special entries are made as such: symlinks,
//! FIFOs, sparse files.

use std::ffi::OsStr;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use super::case::{Case, Entry};
use super::record::{self, RecordFormat};
use super::static_cases::CaseFile;
use crate::workspace::{CASE, Workspace};

/// Writes the case's tree and inputs into `ws`.
pub fn materialize(case: &Case, ws: &Workspace) -> io::Result<()> {
    materialize_with(case, ws, record::FORMATS)
}

/// Writes the case's tree and inputs into `ws`, with the records of `formats` only.
fn materialize_with(case: &Case, ws: &Workspace, formats: &[RecordFormat]) -> io::Result<()> {
    let wanted = |name: &str| formats.iter().any(|f| f.name == name);
    for entry in &case.inputs.tree {
        match entry {
            Entry::File { path, bytes } => ws.file(path, bytes).map(drop)?,
            Entry::Folder { path } => ws.folder(path).map(drop)?,
            Entry::Symlink { path, target } => {
                ws.symlink(path, OsStr::from_bytes(target)).map(drop)?
            }
            Entry::Fifo { path } => ws.fifo(path).map(drop)?,
            Entry::Sparse { path, head, len } => ws.sparse(path, head, *len).map(drop)?,
        }
    }
    let inputs = &case.inputs;
    // Every case has outside/ (SPEC 7.1), empty when nothing is sealed.
    std::fs::create_dir_all(ws.outside())?;
    for entry in &inputs.outside {
        if let Entry::File { path, bytes } = entry {
            ws.outside_file(path, bytes)?;
        }
    }
    if let Some(seal) = inputs.seal.as_ref().filter(|_| wanted(record::SEAL.name)) {
        match inputs.seal_padding {
            Some(pad) => ws.seal_padded(seal, pad.at, pad.spaces).map(drop)?,
            None => ws.seal(seal).map(drop)?,
        }
    }
    if let Some(packet) = &inputs.packet {
        ws.packet_bytes(packet)?;
    }
    if let Some(key) = &inputs.key {
        ws.key(key)?;
    }
    for (name, bytes) in inputs.records.iter().filter(|(name, _)| wanted(name)) {
        let format =
            record::by_name(name).ok_or_else(|| io::Error::other("a record of no known format"))?;
        match format.shape {
            record::Shape::File => drop(ws.beside(format.file, bytes)?),
            record::Shape::Bag => {
                for (file, bytes) in record::bagit::unpack(bytes).map_err(io::Error::other)? {
                    ws.beside(&file, bytes)?;
                }
                std::os::unix::fs::symlink(
                    crate::workspace::ROOT,
                    ws.base().join(record::bagit::DATA),
                )?;
            }
        }
    }
    Ok(())
}

/// Writes the case in the folder form at `dir/<family>/<name>/`, with the records of `formats`
/// (every format, for a folder that loads back: a tree case states its honest state as its
/// seal).
pub fn emit(case: &Case, dir: &Path, formats: &[RecordFormat]) -> io::Result<()> {
    let base = dir.join(case.family.name()).join(case.name());
    let ws = Workspace::at(&base)?;
    materialize_with(case, &ws, formats)?;
    let json = CaseFile::of(case).to_json().map_err(io::Error::other)?;
    std::fs::write(base.join(CASE), json)
}
