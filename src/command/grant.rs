//! `sealprobe grant`: mint a grant token into a private file. The token is never printed.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::{Exit, Ran, shown};
use crate::decide::packet::Packet;
use crate::small_file::{self, Source};
use crate::token::grant::{Action, GrantToken, MAX_EXPIRES};

/// The options of `sealprobe grant`.
#[derive(Debug, Clone)]
pub struct Options {
    pub key_file: PathBuf,
    pub action: String,
    /// The packet the grant binds to; `-` for standard input.
    pub packet: PathBuf,
    pub expires: u64,
    pub out: PathBuf,
}

/// What was minted: the action (the token itself went only to the `--out` file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minted {
    pub action: Action,
}

pub fn run(opts: &Options) -> Ran<Minted> {
    let key = match small_file::read_key(&Source::from_arg(&opts.key_file)) {
        Ok(k) => k,
        Err(e) => return Ran::usage("grant", e),
    };
    let Some(action) = Action::parse(&opts.action) else {
        return Ran::usage("grant", "the action must match [a-z0-9-]{1,32}");
    };
    if opts.expires > MAX_EXPIRES {
        return Ran::usage("grant", "the expiry must be at most 12 digits");
    }
    let doc = match small_file::read(&Source::from_arg(&opts.packet), small_file::DEFAULT_LIMIT) {
        Ok(doc) => doc,
        Err(e) => {
            return Ran::stopped(
                Exit::Fail,
                "grant",
                format_args!("the packet file {} {e}", shown(&opts.packet)),
            );
        }
    };
    let Ok(packet) = Packet::load(&doc) else {
        return Ran::stopped(
            Exit::Fail,
            "grant",
            "the packet is not a valid sealprobe-decision/1 document; run `sealprobe decide` on it to see why",
        );
    };
    let Some(token) = GrantToken::mint(&key, action.as_str(), packet.digest(), opts.expires) else {
        return Ran::usage("grant", "the grant cannot be minted");
    };
    if write_private(&opts.out, format!("{token}\n").as_bytes()).is_err() {
        return Ran::stopped(Exit::Fail, "grant", "cannot write the --out file");
    }
    Ran {
        exit: Exit::Pass,
        stdout: Vec::new(),
        stderr: super::line(
            "grant",
            format_args!(
                "grant for action {} written to the --out file (mode 0600)",
                action.as_str()
            ),
        ),
        outcome: Some(Minted { action }),
    }
}

/// Writes `bytes` to a file only its owner can read, whatever mode it had before. A symlink at
/// the path is refused rather than followed, so the token cannot be redirected elsewhere.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(path)?;
    if !f.metadata()?.is_file() {
        return Err(std::io::Error::other(
            "the --out path is not a regular file",
        ));
    }
    f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    f.write_all(bytes)?;
    f.sync_all()
}
