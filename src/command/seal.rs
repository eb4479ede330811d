//! `sealprobe seal`: seal a tree and write the canonical seal (to a file, or to stdout).

use std::path::PathBuf;

use super::{Exit, Ran, key, root};
use crate::seal::create::{self, SealRequest};
use crate::seal::{SEAL_SIZE_LIMIT, Seal};

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
    run_within(opts, SEAL_SIZE_LIMIT)
}

/// Seals, refusing a seal larger than `limit` bytes: `seal` never writes a seal that `verify`
/// refuses with its defaults, and both use [`SEAL_SIZE_LIMIT`]. (The limit is a parameter only
/// so that the refusal is tested on a small tree.)
fn run_within(opts: &Options, limit: usize) -> Ran<Seal> {
    let key = match key("seal", opts.key_file.as_deref()) {
        Ok(k) => k,
        Err(stopped) => return stopped,
    };
    if let Err(stopped) = root("seal", &opts.root) {
        return stopped;
    }
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
    if bytes.len() > limit {
        return Ran::stopped(
            Exit::Fail,
            "seal",
            format_args!(
                "refusing to write a seal of {} bytes ({} files): `sealprobe verify` reads seals of at most {limit} bytes; seal the tree in parts (one seal per folder)",
                bytes.len(),
                seal.artifacts().len()
            ),
        );
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::verify::{VerifyOptions, verify_bytes};

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("root")).unwrap();
        for i in 0..20 {
            std::fs::write(dir.path().join(format!("root/f{i}.txt")), format!("{i}\n")).unwrap();
        }
        dir
    }

    fn options(dir: &tempfile::TempDir, out: Option<PathBuf>) -> Options {
        Options {
            root: dir.path().join("root"),
            out,
            complete: vec![".".to_owned()],
            key_file: None,
            paths: Vec::new(),
        }
    }

    #[test]
    fn a_seal_over_the_limit_is_refused_and_nothing_is_written() {
        let dir = tree();
        let size = run_within(&options(&dir, None), usize::MAX).stdout.len();
        assert!(size > 1000);
        let out = dir.path().join("seal.json");
        for to in [Some(out.clone()), None] {
            let ran = run_within(&options(&dir, to), size - 1);
            assert_eq!(ran.exit, Exit::Fail);
            assert!(ran.stdout.is_empty() && ran.outcome.is_none());
            let message = String::from_utf8(ran.stderr).unwrap();
            assert_eq!(
                message,
                format!(
                    "sealprobe seal: refusing to write a seal of {size} bytes (20 files): `sealprobe verify` reads seals of at most {} bytes; seal the tree in parts (one seal per folder)\n",
                    size - 1
                )
            );
            assert!(out.symlink_metadata().is_err(), "nothing written");
        }
    }

    #[test]
    fn a_seal_at_the_limit_is_written_and_verify_reads_it_with_the_same_limit() {
        let dir = tree();
        let size = run_within(&options(&dir, None), usize::MAX).stdout.len();
        let out = dir.path().join("seal.json");
        let ran = run_within(&options(&dir, Some(out.clone())), size);
        assert_eq!(
            ran.exit,
            Exit::Pass,
            "{}",
            String::from_utf8_lossy(&ran.stderr)
        );
        let doc = std::fs::read(&out).unwrap();
        assert_eq!(doc.len(), size);
        let verified = verify_bytes(
            &doc,
            &dir.path().join("root"),
            &VerifyOptions {
                seal_size_limit: size,
                key: None,
            },
        );
        assert!(verified.passed(), "{verified:?}");
    }

    #[test]
    fn seal_and_verify_use_one_limit() {
        assert_eq!(VerifyOptions::default().seal_size_limit, SEAL_SIZE_LIMIT);
    }
}
