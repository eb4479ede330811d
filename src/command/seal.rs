//! `sealprobe seal`: seal a tree and write the canonical seal (to a file, or to stdout).

use std::path::PathBuf;

use super::{Exit, Ran, key};
use crate::seal::Seal;
use crate::seal::create::{self, SealRequest};

/// The options of `sealprobe seal`.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    /// Where to write the seal; stdout when `None`.
    pub out: Option<PathBuf>,
    pub complete: Vec<String>,
    pub key_file: Option<PathBuf>,
    pub paths: Vec<String>,
}

pub fn run(opts: &Options) -> Ran<Seal> {
    let key = match key("seal", opts.key_file.as_deref()) {
        Ok(k) => k,
        Err(stopped) => return stopped,
    };
    let req = SealRequest {
        root: &opts.root,
        paths: opts.paths.clone(),
        complete: opts.complete.clone(),
    };
    let mut seal = match create::create(&req) {
        Ok(s) => s,
        Err(e) => return Ran::stopped(Exit::Fail, "seal", e),
    };
    if let Some(key) = &key {
        seal.sign(key);
    }
    let bytes = seal.to_file_form();
    let stdout = match &opts.out {
        Some(path) => {
            if std::fs::write(path, &bytes).is_err() {
                return Ran::stopped(Exit::Fail, "seal", "cannot write the seal file");
            }
            Vec::new()
        }
        None => bytes,
    };
    Ran {
        exit: Exit::Pass,
        stdout,
        stderr: Vec::new(),
        outcome: Some(seal),
    }
}
