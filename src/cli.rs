//! The command line. `main.rs` calls [`run`]; tests call it too (through the binary).
//!
//! Exit codes mean one thing each: `0` the check passed, `1` it did not (drift, a bad seal, an I/O
//! error, a refusal), `2` the command line itself was wrong (clap's usage errors exit 2).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::decide::{self, judge::KeyState, packet::Packet};
use crate::leak::{self, ScannerBuilder};
use crate::report::{self, Format};
use crate::seal::create::{self, SealRequest};
use crate::seal::verify::{self, VerifyOptions};
use crate::strict_json::DEFAULT_SIZE_LIMIT;
use crate::token::grant::GrantToken;
use crate::token::key::Key;

#[derive(Debug, Parser)]
#[command(
    name = "sealprobe",
    version,
    about = "Fail-closed seals for release artifacts, with drift diagnosis",
    after_help = "Examples:\n  sealprobe seal --root build --out build.seal.json .\n  sealprobe verify --root build build.seal.json\n  sealprobe verify --root build --format json build.seal.json"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Seal files and folders under a root: path, byte length, SHA-256 and layered fingerprints.
    #[command(
        after_help = "Exit status: 0 sealed, 1 refused (symlink, special file, bad or colliding name, I/O error), 2 usage error.\n\nExample:\n  sealprobe seal --root site --complete docs --out site.seal.json docs index.html"
    )]
    Seal {
        /// Folder the sealed paths are relative to.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Write the seal here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
        /// A folder that must hold nothing unsealed (sealed whole). Repeatable.
        #[arg(long, value_name = "DIR")]
        complete: Vec<String>,
        /// Add a MAC made with this key file (at least 32 bytes, mode 0600).
        #[arg(long, value_name = "KEY")]
        key_file: Option<PathBuf>,
        /// Files and folders to seal, relative to the root; `.` seals the whole root.
        #[arg(required_unless_present = "complete")]
        paths: Vec<String>,
    },
    /// Verify a tree against a seal and name every kind of drift.
    #[command(
        after_help = "Exit status: 0 every artifact matches, 1 anything else (drift, bad seal, I/O error), 2 usage error.\n\nExample:\n  sealprobe verify --root site --format json site.seal.json"
    )]
    Verify {
        /// Folder the sealed paths are relative to.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Report format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Largest seal file accepted, in bytes.
        #[arg(long, default_value_t = DEFAULT_SIZE_LIMIT)]
        max_seal_bytes: usize,
        /// Require a seal MAC that verifies with this key file (`seal-mac` otherwise).
        #[arg(long, value_name = "KEY")]
        key_file: Option<PathBuf>,
        /// The seal file.
        seal: PathBuf,
    },
    /// Mint a grant token for one action on one decision packet, into a file (mode 0600).
    #[command(
        after_help = "The token is written only to --out, never to stdout or stderr.\n\nExample:\n  sealprobe grant --key-file grant.key --action dryrun --packet fix7.json --expires 1893456000 --out dryrun.grant"
    )]
    Grant {
        /// Key file (at least 32 bytes, mode 0600).
        #[arg(long, value_name = "KEY")]
        key_file: PathBuf,
        /// The action to authorize (`[a-z0-9-]{1,32}`).
        #[arg(long)]
        action: String,
        /// The decision packet the grant binds to.
        #[arg(long)]
        packet: PathBuf,
        /// Expiry, Unix seconds.
        #[arg(long)]
        expires: u64,
        /// Where to write the token (created with mode 0600).
        #[arg(long)]
        out: PathBuf,
    },
    /// Decide a production decision packet: the selected option only if every rule holds, else HOLD.
    #[command(
        after_help = "Exit status: 0 the selected option is authorized (and equals --expect), 1 the gate fell back to the default or --expect differs, 2 usage error.\n\nExample:\n  sealprobe decide --key-file grant.key --expect AUTHORIZE_PRODUCTION_DRYRUN_ONLY fix7.json"
    )]
    Decide {
        /// Key file to check grant tokens with.
        #[arg(long, value_name = "KEY")]
        key_file: Option<PathBuf>,
        /// The current time, Unix seconds (for tests; default: the clock).
        #[arg(long)]
        now: Option<u64>,
        /// Exit 1 unless the verdict is this option.
        #[arg(long)]
        expect: Option<String>,
        /// Report format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// The decision packet.
        packet: PathBuf,
    },
    /// Find secrets and token-shaped strings in output, however they are encoded.
    #[command(
        after_help = "Exit status: 0 nothing found, 1 a leak found, 2 usage error (bad secrets or rules file, unreadable input).\n\nSecrets: one per line, at least 8 bytes. Encodings searched: literal, JSON \\u escapes (full or mixed), UTF-16LE/BE, base64 and base64url at any alignment, hex, percent-encoding, HTML numeric entities, nested two deep, and any 16-byte run of a secret.\n\nExample:\n  sealprobe scan --secrets secrets.txt --format json build-logs/"
    )]
    Scan {
        /// File with one secret per line.
        #[arg(long)]
        secrets: Option<PathBuf>,
        /// TOML file with more token-shape rules (`[[rule]] id, regex, description`).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Report format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Files or folders (recursively) to scan; `-` or nothing for standard input.
        paths: Vec<PathBuf>,
    },
}

/// Parses the command line and runs the command.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Seal {
            root,
            out,
            complete,
            key_file,
            paths,
        } => {
            let key = match key_file.map(|k| Key::load(&k)).transpose() {
                Ok(k) => k,
                Err(e) => return usage_error(e),
            };
            seal(root, out, complete, key, paths)
        }
        Command::Verify {
            root,
            format,
            max_seal_bytes,
            key_file,
            seal,
        } => {
            let key = match key_file.map(|k| Key::load(&k)).transpose() {
                Ok(k) => k,
                Err(e) => return usage_error(e),
            };
            let opts = VerifyOptions {
                seal_size_limit: max_seal_bytes,
                key,
            };
            let outcome = verify::verify_files(&seal, &root, &opts);
            let text = match format {
                Format::Human => report::verify::human(&outcome).into_bytes(),
                Format::Json => report::verify::json(&outcome),
            };
            if write_stdout(&text).is_err() {
                return ExitCode::from(1);
            }
            if outcome.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Command::Scan {
            secrets,
            rules,
            format,
            paths,
        } => scan(secrets, rules, format, paths),
        Command::Grant {
            key_file,
            action,
            packet,
            expires,
            out,
        } => grant(&key_file, &action, &packet, expires, &out),
        Command::Decide {
            key_file,
            now,
            expect,
            format,
            packet,
        } => decide_packet(key_file, now, expect, format, &packet),
    }
}

fn grant(key_file: &Path, action: &str, packet: &Path, expires: u64, out: &Path) -> ExitCode {
    let key = match Key::load(key_file) {
        Ok(k) => k,
        Err(e) => return usage_error(e),
    };
    if !crate::token::grant::is_action(action) {
        return usage_error("the action must match [a-z0-9-]{1,32}");
    }
    let Ok(doc) = std::fs::read(packet) else {
        return usage_error("cannot read the packet");
    };
    let digest = match Packet::load(&doc) {
        Ok(p) => p.digest,
        Err(_) => {
            eprintln!(
                "sealprobe grant: the packet is not a valid sealprobe-decision/1 document; run `sealprobe decide` on it to see why"
            );
            return ExitCode::from(1);
        }
    };
    let Some(token) = GrantToken::mint(&key, action, &digest, expires) else {
        return usage_error("the expiry must be at most 12 digits");
    };
    match write_private(out, format!("{token}\n").as_bytes()) {
        Ok(()) => {
            eprintln!(
                "sealprobe grant: grant for action {action} written to the --out file (mode 0600)"
            );
            ExitCode::SUCCESS
        }
        Err(_) => {
            eprintln!("sealprobe grant: cannot write the --out file");
            ExitCode::from(1)
        }
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

fn decide_packet(
    key_file: Option<PathBuf>,
    now: Option<u64>,
    expect: Option<String>,
    format: Format,
    packet: &Path,
) -> ExitCode {
    let key = key_file.map(|k| Key::load(&k));
    let state = match &key {
        None => KeyState::Absent,
        Some(Ok(k)) => KeyState::Usable(k),
        Some(Err(_)) => KeyState::Refused,
    };
    let now = now.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    });
    let doc = std::fs::File::open(packet).ok().and_then(|f| {
        let mut doc = Vec::new();
        f.take(DEFAULT_SIZE_LIMIT as u64 + 1)
            .read_to_end(&mut doc)
            .ok()
            .map(|_| doc)
    });
    let decision = decide::decide(doc.as_deref(), state, now);
    let text = match format {
        Format::Human => report::decide::human(&decision).into_bytes(),
        Format::Json => report::decide::json(&decision),
    };
    if write_stdout(&text).is_err() {
        return ExitCode::from(1);
    }
    let expected = expect
        .as_deref()
        .is_none_or(|e| e.as_bytes() == decision.verdict.as_bytes());
    if !decision.fell_back && expected {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn usage_error(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("sealprobe: {msg}");
    ExitCode::from(2)
}

fn scan(
    secrets: Option<PathBuf>,
    rules: Option<PathBuf>,
    format: Format,
    paths: Vec<PathBuf>,
) -> ExitCode {
    let mut builder = ScannerBuilder::new().rules(leak::rules::builtin());
    if let Some(path) = secrets {
        let Ok(text) = std::fs::read(&path) else {
            return usage_error("cannot read the secrets file");
        };
        for line in text.split(|b| *b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if !line.is_empty() {
                builder = builder.secret(line);
            }
        }
    }
    if let Some(path) = rules {
        let Ok(text) = std::fs::read_to_string(&path) else {
            return usage_error("cannot read the rules file as UTF-8");
        };
        match leak::rules::from_toml(&text) {
            Ok(more) => builder = builder.rules(more),
            Err(e) => return usage_error(e),
        }
    }
    let scanner = match builder.build() {
        Ok(s) => s,
        Err(e) => return usage_error(e),
    };
    let inputs = match leak::input::collect(&paths) {
        Ok(inputs) => inputs,
        Err(e) => return usage_error(e),
    };
    let mut found = Vec::new();
    let mut bytes: u64 = 0;
    for input in inputs {
        let data = match input.read() {
            Ok(d) => d,
            Err(e) => return usage_error(e),
        };
        bytes += data.len() as u64;
        let findings = scanner.scan(&data);
        found.extend(report::scan::locate(&input.name, &data, findings));
    }
    let text = match format {
        Format::Human => report::scan::human(&found, bytes).into_bytes(),
        Format::Json => report::scan::json(&found, bytes),
    };
    if write_stdout(&text).is_err() {
        return ExitCode::from(2);
    }
    if found.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn seal(
    root: PathBuf,
    out: Option<PathBuf>,
    complete: Vec<String>,
    key: Option<Key>,
    paths: Vec<String>,
) -> ExitCode {
    let req = SealRequest {
        root: &root,
        paths,
        complete,
    };
    let mut seal = match create::create(&req) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sealprobe seal: {e}");
            return ExitCode::from(1);
        }
    };
    if let Some(key) = &key {
        seal.sign(key);
    }
    let bytes = seal.to_file_form();
    let written = match out {
        Some(path) => std::fs::write(&path, &bytes).map_err(|_| "cannot write the seal file"),
        None => write_stdout(&bytes).map_err(|_| "cannot write to stdout"),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("sealprobe seal: {msg}");
            ExitCode::from(1)
        }
    }
}

fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes)?;
    stdout.flush()
}
