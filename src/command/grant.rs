//! `sealprobe grant`: mint a grant token into a private file. The token is never printed.
//!
//! A grant that cannot authorize anything is refused rather than minted (issue #23): one that
//! is expired when written (a usage error, like an expiry over 12 digits), one for an action no
//! option of the packet requires (a usage error, like an action outside the grammar). A grant
//! file already at `--out` is kept unless `--force` says to replace it, and a symlink there is
//! never written through or replaced (exit 1, like any `--out` that cannot be written).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::{Exit, Ran, now_or_clock, shown};
use crate::decide::packet::Packet;
use crate::escape;
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
    /// The current time, Unix seconds; the clock when `None` (as for `decide`).
    pub now: Option<u64>,
    pub out: PathBuf,
    /// Replace a regular file at `out` (never a symlink).
    pub force: bool,
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
    let now = now_or_clock(opts.now);
    if opts.expires <= now {
        // A token is valid while now < expires (SPEC 4): this one never would be.
        return Ran::usage(
            "grant",
            format_args!(
                "the expiry {} is not after now ({now}): the grant would be expired when written",
                opts.expires
            ),
        );
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
    let shown_action = escape::name(action.as_str().as_bytes());
    if !packet
        .options()
        .iter()
        .any(|o| o.requires_grants().contains(&action))
    {
        return Ran::usage(
            "grant",
            format_args!(
                "no option of the packet requires action {shown_action}: a grant for it would authorize nothing"
            ),
        );
    }
    if let Some(why) = out_refused(&opts.out, opts.force) {
        return Ran::stopped(
            Exit::Fail,
            "grant",
            format_args!("the --out path {} {why}", shown(&opts.out)),
        );
    }
    let Some(token) = GrantToken::mint(&key, action.as_str(), packet.digest(), opts.expires) else {
        return Ran::usage("grant", "the grant cannot be minted");
    };
    let bytes = format!("{token}\n");
    let written = if opts.force {
        replace_private(&opts.out, bytes.as_bytes())
    } else {
        create_private(&opts.out, bytes.as_bytes())
    };
    if written.is_err() {
        return Ran::stopped(
            Exit::Fail,
            "grant",
            format_args!("cannot write the --out file {}", shown(&opts.out)),
        );
    }
    Ran {
        exit: Exit::Pass,
        stdout: Vec::new(),
        stderr: super::line(
            "grant",
            format_args!("grant for action {shown_action} written to the --out file (mode 0600)"),
        ),
        outcome: Some(Minted { action }),
    }
}

/// Why `path` cannot take the grant, if it cannot: a symlink (with or without `--force`: the
/// token must not land where the link points, nor the link silently vanish), something other
/// than a regular file, or a file that exists without `--force`. Checked before minting so the
/// message is precise; the writes below still refuse on their own if the path changes after.
fn out_refused(path: &Path, force: bool) -> Option<&'static str> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(_) => Some("cannot be checked"),
        Ok(m) if m.file_type().is_symlink() => {
            Some("is a symlink; a grant is never written through or over one")
        }
        Ok(m) if !m.is_file() => Some("is not a regular file"),
        Ok(_) if !force => Some("already exists; pass --force to replace it"),
        Ok(_) => None,
    }
}

/// Creates `path` (which must not exist, not even as a dangling symlink: `O_EXCL` does not
/// follow one) with mode 0600 and writes `bytes`. A file left half-written is removed.
fn create_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(path)?;
    let written = fill_private(&mut f, bytes);
    if written.is_err() {
        let _ = std::fs::remove_file(path);
    }
    written
}

/// Replaces `path` (`--force`) by renaming a new private file over it: a rename replaces the
/// directory entry and never writes through a symlink that appeared there since the check, and
/// another hard link to the old file keeps the old bytes rather than receiving the token.
fn replace_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".sealprobe-grant-")
        .tempfile_in(dir)?;
    fill_private(tmp.as_file_mut(), bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Makes `f` owner-only whatever the umask, writes `bytes`, and syncs.
fn fill_private(f: &mut std::fs::File, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if !f.metadata()?.is_file() {
        return Err(std::io::Error::other(
            "the --out path is not a regular file",
        ));
    }
    f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    f.write_all(bytes)?;
    f.sync_all()
}
