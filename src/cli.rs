//! The command line: arguments to [`crate::command`] options, and the bytes a command produced
//! to stdout and stderr. Nothing is judged or rendered here. `main.rs` calls [`run`].
//!
//! Exit codes are [`crate::command::Exit`]'s: `0` the check passed, `1` it did not, `2` a usage
//! error (clap's own usage errors exit 2 as well).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand};

use crate::command::{self, Exit, Ran};
use crate::gate;
use crate::probe::record::{self, RecordFormat};
use crate::probe::{Family, Filter, listing};
use crate::report::Format;
use crate::seal::SEAL_SIZE_LIMIT;
use crate::vocabulary::Vocabulary;

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

// The command is parsed once per process; boxing the gate's options would only make the
// match below harder to read.
#[allow(clippy::large_enum_variant)]
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
        after_help = "Exit status: 0 every artifact matches, 1 anything else (drift, bad seal, I/O error), 2 usage error.\n\nWith --sums, --bsd, --hashdeep, --mtree or --bag the record is a SHA256SUMS manifest, BSD tags, a hashdeep list, an mtree specification or a BagIt bag's folder, read strictly: one line that is not exactly the format refuses the whole record.\n\nExamples:\n  sealprobe verify --root site --format json site.seal.json\n  sealprobe verify --root release --sums SHA256SUMS"
    )]
    Verify {
        /// Folder the sealed paths are relative to (default: `.`; with --bag, the bag's `data`).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Report format.
        #[arg(long, value_parser = vocabulary::<Format>(), default_value = "human")]
        format: Format,
        /// Largest seal file accepted, in bytes (the default is the largest seal `sealprobe
        /// seal` writes).
        #[arg(long, default_value_t = SEAL_SIZE_LIMIT)]
        max_seal_bytes: usize,
        /// Require a seal MAC that verifies with this key file (`seal-mac` otherwise).
        #[arg(long, value_name = "KEY")]
        key_file: Option<PathBuf>,
        /// The record is a seal (the default).
        #[arg(long, group = "record_format")]
        seal: bool,
        /// The record is a GNU SHA256SUMS manifest, read strictly.
        #[arg(long, group = "record_format")]
        sums: bool,
        /// The record is BSD tags (`SHA256 (path) = hex`), read strictly.
        #[arg(long, group = "record_format")]
        bsd: bool,
        /// The record is a hashdeep known-file list (`hashdeep -c sha256 -r -l .`), read
        /// strictly.
        #[arg(long, group = "record_format")]
        hashdeep: bool,
        /// The record is an mtree specification in full-path form (`mtree -C`: `./path
        /// type=file size=N sha256digest=HEX`), read strictly; every folder it lists must hold
        /// nothing it does not list.
        #[arg(long, group = "record_format")]
        mtree: bool,
        /// The record is a BagIt bag (RFC 8493, SHA-256 manifests): RECORD is the bag's folder,
        /// its tag files read strictly, its payload `data/` complete.
        #[arg(long, group = "record_format")]
        bag: bool,
        /// The record file (`-` for standard input).
        #[arg(value_name = "RECORD")]
        record: PathBuf,
    },
    /// Mint a grant token for one action on one decision packet, into a file (mode 0600).
    #[command(
        after_help = "The token is written only to --out, never to stdout or stderr.\n\nExit status: 0 written; 1 the packet cannot be read or is not a valid packet, or --out exists (without --force), is a symlink or cannot be written; 2 usage error, a refused key file, an action outside the grammar or that no option of the packet requires, an expiry over 12 digits or not after now.\n\nExample:\n  sealprobe grant --key-file grant.key --action dryrun --packet fix7.json --expires 1893456000 --out dryrun.grant"
    )]
    Grant {
        /// Key file (at least 32 bytes, mode 0600).
        #[arg(long, value_name = "KEY")]
        key_file: PathBuf,
        /// The action to authorize (`[a-z0-9-]{1,32}`).
        #[arg(long)]
        action: String,
        /// The decision packet the grant binds to (`-` for standard input).
        #[arg(long)]
        packet: PathBuf,
        /// Expiry, Unix seconds; must be after now.
        #[arg(long)]
        expires: u64,
        /// The current time, Unix seconds (for tests; default: the clock).
        #[arg(long)]
        now: Option<u64>,
        /// Where to write the token (created with mode 0600; never through a symlink).
        #[arg(long)]
        out: PathBuf,
        /// Replace an existing regular file at --out.
        #[arg(long)]
        force: bool,
    },
    /// Decide a production decision packet: the selected option only if every rule holds, else HOLD.
    #[command(
        after_help = "Exit status: 0 the selected option is authorized and is not the default (and equals --expect when given), or --expect names the verdict exactly; 1 otherwise: the gate fell back, the default was selected without --expect, --expect differs (a line says which was expected and which came out), or the packet could not be judged (--expect HOLD never matches the gate's own HOLD); 2 usage error.\n\nExample:\n  sealprobe decide --key-file grant.key --expect AUTHORIZE_PRODUCTION_DRYRUN_ONLY fix7.json"
    )]
    Decide {
        /// Key file to check grant tokens with.
        #[arg(long, value_name = "KEY")]
        key_file: Option<PathBuf>,
        /// The current time, Unix seconds (for tests; default: the clock).
        #[arg(long)]
        now: Option<u64>,
        /// The option the job needs: exit 0 exactly when the packet decides it (selected and
        /// authorized, or fallen back to).
        #[arg(long)]
        expect: Option<String>,
        /// Report format.
        #[arg(long, value_parser = vocabulary::<Format>(), default_value = "human")]
        format: Format,
        /// The decision packet (`-` for standard input).
        packet: PathBuf,
    },
    /// The release gate: run every probe against the built-in validator; pass only if every
    /// hostile case fails closed, every control passes, and nothing leaks.
    #[command(
        after_help = "Exit status: 0 every case held and every sentinel control (honest cases run whatever the filters) was accepted; 1 a case did not hold, a sentinel was refused, none ran, fewer ran than the filters select, or the known-failures list is out of date; 2 usage error (also a validator program that cannot be found); 130 or 143 stopped by SIGINT or SIGTERM (every case's processes killed, every workspace removed).\n\nExamples:\n  sealprobe gate\n  sealprobe gate --family bom --family unicode\n  sealprobe gate --case 'seal-tamper/*' --json gate.json --junit gate.xml\n  sealprobe gate --validator 'python3 tools/check.py {seal} {root}'"
    )]
    Gate {
        /// The validator: `builtin` (the default), or a command template with placeholders
        /// {seal} {root} {key} {packet} {sums} {bsd} {hashdeep} {mtree} {bag} {now} {out}, split like a shell would and run without
        /// one, in the case's root/; its program and the files it names are found from the
        /// current folder (repeatable: a compatibility matrix).
        #[arg(long, value_name = "builtin|CMD")]
        validator: Vec<String>,
        /// Command validators print a sealprobe-report/1 (or decision report) on stdout; its
        /// classes are compared with each case's too.
        #[arg(long)]
        validator_report: bool,
        /// A sealing tool with a format of its own, 'CMD {root} {out}': run on the honest state
        /// before the edits, it writes {out}, which a --validator naming {out} reads after them
        /// (a pair meets every tree case).
        #[arg(long, value_name = "CMD")]
        sealer: Option<String>,
        /// A TOML list of known failures ([[known]] id, outcome, reason, optional validator and
        /// link): a run whose every failure is listed does not fail the gate; one that fails
        /// another way too, a listed case that holds, or an id that matches no case, does.
        #[arg(long, value_name = "FILE")]
        known_failures: Option<PathBuf>,
        /// Run only partition K of N (count-based, in case-id order), for a CI matrix.
        #[arg(long, value_name = "K/N", value_parser = parse_partition)]
        partition: Option<(usize, usize)>,
        /// The negative control: run the built-in validator weakened in each of ten ways and pass
        /// only if every weakened one is caught.
        #[arg(long)]
        self_test: bool,
        /// Write a SARIF 2.1.0 report here (one rule per family, one result per case that did
        /// not hold).
        #[arg(long, value_name = "FILE")]
        sarif: Option<PathBuf>,
        /// Write a Markdown report here (for a CI job summary).
        #[arg(long, value_name = "FILE")]
        markdown: Option<PathBuf>,
        /// Write one self-contained HTML page here (the matrix, each cell linked to its cases).
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// Only this family (repeatable): a built-in one, or a data family of --probes.
        #[arg(long, value_parser = family_name)]
        family: Vec<Family>,
        /// Also load the data families in this folder (`<family>.toml` recipe tables and
        /// `<family>/<case>/` folders with `case.json`; repeatable). They count in the case-set
        /// digest.
        #[arg(long, value_name = "DIR")]
        probes: Vec<PathBuf>,
        /// Only cases whose id matches this glob (repeatable; `*` matches across `/`).
        #[arg(long = "case", value_name = "GLOB")]
        cases: Vec<String>,
        /// Seed for the families that draw at random.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Cases run at once, 1 to 64 (default: the number of cores, at most 64).
        #[arg(long)]
        jobs: Option<usize>,
        /// Longest a case may take, in seconds (a case over it is a timeout, and the gate fails).
        #[arg(long, default_value_t = 10.0)]
        timeout: f64,
        /// Write the sealprobe-gate/1 report here.
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Write a JUnit report here.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Make case workspaces below this folder (default: $SEALPROBE_WORKDIR, else /dev/shm
        /// when writable, else the temporary folder).
        #[arg(long, value_name = "DIR")]
        work_dir: Option<PathBuf>,
    },
    /// Search a validator for cases the fixed suite does not hold: random recipes over small
    /// honest trees, each run that does not hold shrunk to the smallest that fails the same way.
    #[command(
        after_help = "Exit status: 0 every drawn recipe held; 1 something was found (or the validator met no drawn recipe, or no control); 2 usage error (also a validator program that cannot be found); 130 or 143 stopped by SIGINT or SIGTERM.\n\nWith --runs N the same seed finds the same findings, shrunk to the same cases, whatever --jobs is; --seed ranges split a long hunt across machines. Findings are written to DIR/hunt.toml as data cases: `sealprobe gate --probes DIR` runs them.\n\nExamples:\n  sealprobe hunt --validator 'sha256sum -c {sums}' --seconds 600 --out found/\n  sealprobe hunt --validator 'python3 tools/check.py {seal} {root}' --runs 5000 --seed 7"
    )]
    Hunt {
        /// The validator: `builtin`, or a command template as for `gate --validator`.
        #[arg(long, value_name = "builtin|CMD")]
        validator: String,
        /// A sealing tool with a format of its own, 'CMD {root} {out}' (as for `gate`).
        #[arg(long, value_name = "CMD")]
        sealer: Option<String>,
        /// Stop after this many seconds (the default, 60, when --runs is not given either).
        #[arg(long, value_name = "N")]
        seconds: Option<u64>,
        /// Stop after this many drawn recipes (deterministic for a seed).
        #[arg(long, value_name = "N")]
        runs: Option<u64>,
        /// The seed of the drawing.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// The most edits composed in one recipe, 1 to 8 (part of what a seed draws).
        #[arg(long, default_value_t = crate::hunt::draw::MAX_EDITS)]
        max_edits: usize,
        /// Runs at once, 1 to 64 (default: the number of cores, at most 64).
        #[arg(long)]
        jobs: Option<usize>,
        /// Write the findings here, as the data family DIR/hunt.toml (new ones appended).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Longest a run may take, in seconds.
        #[arg(long, default_value_t = 10.0)]
        timeout: f64,
        /// Make run workspaces below this folder (as for `gate`).
        #[arg(long, value_name = "DIR")]
        work_dir: Option<PathBuf>,
    },
    /// The probe cases: list them, show one, or write them as files for other tools.
    #[command(
        after_help = "Examples:\n  sealprobe probes list\n  sealprobe probes show bom/utf8-bom-added\n  sealprobe probes emit --case 'bom/*' --out cases/"
    )]
    Probes {
        #[command(subcommand)]
        action: ProbesAction,
        /// Seed for the families that draw at random.
        #[arg(long, default_value_t = 0, global = true)]
        seed: u64,
        /// Only this family (repeatable): a built-in one, or a data family of --probes.
        #[arg(long, value_parser = family_name, global = true)]
        family: Vec<Family>,
        /// Also load the data families in this folder (repeatable).
        #[arg(long, value_name = "DIR", global = true)]
        probes: Vec<PathBuf>,
        /// Only cases whose id matches this glob (repeatable).
        #[arg(long = "case", value_name = "GLOB", global = true)]
        cases: Vec<String>,
    },
    /// Find secrets and token-shaped strings in output, however they are encoded.
    #[command(
        after_help = "Exit status: 0 nothing found, 1 a leak found or an entry below a folder not read (a symlink, FIFO, socket or device; --skip-special accepts those), 2 usage error (bad secrets or rules file, unreadable input).\n\nSecrets: one per line, at least 8 bytes. Encodings searched: literal, JSON \\u escapes (full or mixed), UTF-16LE/BE, base64 and base64url at any alignment, hex, percent-encoding, HTML numeric entities, nested two deep, and any 16-byte run of a secret.\n\nExample:\n  sealprobe scan --secrets secrets.txt --format json build-logs/"
    )]
    Scan {
        /// File with one secret per line.
        #[arg(long)]
        secrets: Option<PathBuf>,
        /// TOML file with more token-shape rules (`[[rule]] id, regex, description`).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Report format.
        #[arg(long, value_parser = vocabulary::<Format>(), default_value = "human")]
        format: Format,
        /// Entries below a folder that are not regular files (symlinks, FIFOs, sockets,
        /// devices) are never read and always listed as `not-read`; with this flag they do not
        /// make the exit status 1.
        #[arg(long)]
        skip_special: bool,
        /// Files or folders (recursively) to scan; `-` or nothing for standard input.
        paths: Vec<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum ProbesAction {
    /// One case per entry: id, carrier, expectation, why; then the case-set digest.
    List,
    /// Everything about one case, and the commands that rerun it and write it out.
    Show {
        /// The case id (`<family>/<name>`).
        id: String,
    },
    /// Write the selected cases as folders `DIR/<family>/<name>/` (case.json, root/, outside/,
    /// seal.json, ...).
    Emit {
        /// The folder to write into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Write the records of this format only (repeatable; default: every format). Cases
        /// no format asked for can carry are left out and counted, as the gate would not run
        /// them. A folder without its seal runs, but does not load back with --probes.
        #[arg(long = "format", value_name = "F", value_parser = record_format())]
        formats: Vec<&'static RecordFormat>,
    },
}

/// A value parser for a closed set: its names are the possible values (shown in `--help`).
fn vocabulary<V: Vocabulary + Clone + Send + Sync>() -> impl TypedValueParser<Value = V> {
    PossibleValuesParser::new(V::names()).try_map(|s| V::from_name(&s).ok_or("unknown value"))
}

/// A `--format` value: the name of a record format of the registry (SPEC 7.8).
fn record_format() -> impl TypedValueParser<Value = &'static RecordFormat> {
    let names: Vec<&'static str> = record::FORMATS.iter().map(|f| f.name).collect();
    PossibleValuesParser::new(names).try_map(|s| record::by_name(&s).ok_or("unknown format"))
}

/// A `--family` value: a built-in family, or the name a data family may have.
fn family_name(s: &str) -> Result<Family, String> {
    Family::named(s).ok_or_else(|| {
        format!(
            "not a family name (one of {}, or a data family's plain name)",
            Family::ALL
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// Parses the command line, runs the command, writes what it printed.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let exit = match cli.command {
        Command::Seal {
            root,
            out,
            complete,
            key_file,
            paths,
        } => emit(command::seal::run(&command::seal::Options {
            root,
            out,
            complete,
            key_file,
            paths,
        })),
        Command::Verify {
            root,
            format,
            max_seal_bytes,
            key_file,
            seal: _,
            sums,
            bsd,
            hashdeep,
            mtree,
            bag,
            record,
        } => emit(command::verify::run(&command::verify::Options {
            root: root.unwrap_or_else(|| {
                if bag {
                    record.join(crate::seal::bagit::DATA)
                } else {
                    PathBuf::from(".")
                }
            }),
            format,
            max_seal_bytes,
            key_file,
            record: if sums {
                crate::seal::Record::Sums
            } else if bsd {
                crate::seal::Record::Bsd
            } else if hashdeep {
                crate::seal::Record::Hashdeep
            } else if mtree {
                crate::seal::Record::Mtree
            } else if bag {
                crate::seal::Record::Bagit
            } else {
                crate::seal::Record::Seal
            },
            seal: record,
        })),
        Command::Grant {
            key_file,
            action,
            packet,
            expires,
            now,
            out,
            force,
        } => emit(command::grant::run(&command::grant::Options {
            key_file,
            action,
            packet,
            expires,
            now,
            out,
            force,
        })),
        Command::Decide {
            key_file,
            now,
            expect,
            format,
            packet,
        } => emit(command::decide::run(&command::decide::Options {
            key_file,
            now,
            expect,
            format,
            packet,
        })),
        Command::Gate {
            validator,
            validator_report,
            sealer,
            known_failures,
            partition,
            self_test,
            sarif,
            markdown,
            html,
            family,
            probes,
            cases,
            seed,
            jobs,
            timeout,
            json,
            junit,
            work_dir,
        } => {
            if let Some(refused) = refused_timeout("gate", timeout) {
                return refused;
            }
            // The default is the number of cores, at most the cap; a --jobs over the cap is a
            // usage error (gate::MAX_JOBS says why).
            let jobs = jobs.unwrap_or_else(default_jobs);
            emit(gate::run(&gate::Options {
                seed,
                filter: Filter {
                    families: family,
                    globs: cases,
                },
                run: gate::RunOptions {
                    jobs,
                    timeout: Duration::from_secs_f64(timeout),
                    progress: if progress_wanted() {
                        gate::Progress::Bar
                    } else {
                        gate::Progress::Lines
                    },
                    work_dir: work_dir.unwrap_or_else(gate::default_work_dir),
                },
                reports: gate::Reports {
                    json,
                    junit,
                    sarif,
                    markdown,
                    html,
                },
                validators: validator
                    .iter()
                    .map(|v| gate::ValidatorSpec::from_arg(v))
                    .collect(),
                validator_report,
                known_failures,
                partition,
                self_test,
                sealer,
                probes,
            }))
        }
        Command::Hunt {
            validator,
            sealer,
            seconds,
            runs,
            seed,
            max_edits,
            jobs,
            out,
            timeout,
            work_dir,
        } => {
            if let Some(refused) = refused_timeout("hunt", timeout) {
                return refused;
            }
            emit(crate::hunt::run(&crate::hunt::Options {
                validator: gate::ValidatorSpec::from_arg(&validator),
                sealer,
                seed,
                max_edits,
                jobs: jobs.unwrap_or_else(default_jobs),
                timeout: Duration::from_secs_f64(timeout),
                runs,
                seconds,
                out,
                progress: if progress_wanted() {
                    gate::Progress::Bar
                } else {
                    gate::Progress::Lines
                },
                work_dir: work_dir.unwrap_or_else(gate::default_work_dir),
            }))
        }
        Command::Probes {
            action,
            seed,
            family,
            probes,
            cases,
        } => emit(listing::run(&listing::Options {
            probes,
            action: match action {
                ProbesAction::List => listing::Action::List,
                ProbesAction::Show { id } => listing::Action::Show(id),
                ProbesAction::Emit { out, formats } => listing::Action::Emit(out, formats),
            },
            seed,
            filter: Filter {
                families: family,
                globs: cases,
            },
        })),
        Command::Scan {
            secrets,
            rules,
            format,
            skip_special,
            paths,
        } => scan(&command::scan::Options {
            secrets,
            rules,
            format,
            paths,
            skip_special,
        }),
    };
    ExitCode::from(exit.code())
}

/// A usage error when `--timeout` is not a number of seconds above 0 and at most a day.
fn refused_timeout(command: &str, timeout: f64) -> Option<ExitCode> {
    (!(timeout.is_finite() && timeout > 0.0 && timeout <= 86_400.0)).then(|| {
        ExitCode::from(
            emit(Ran::<()>::usage(
                command,
                "--timeout must be a number of seconds above 0, at most 86400",
            ))
            .code(),
        )
    })
}

/// The number of cores, at most [`gate::MAX_JOBS`] (a `--jobs` over the cap is a usage error;
/// the cap says why).
fn default_jobs() -> usize {
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(gate::MAX_JOBS)
}

/// Writes a command's bytes; output that cannot be written is a failure, never a pass.
///
/// A broken pipe is not such a failure: the reader went away on purpose (`sealprobe probes list
/// | head -1`), so the command ends quietly, as ripgrep does, with the exit status of what it
/// decided. That is `0` only for a check that passed: a failed verify piped into `head` still
/// exits `1`.
fn emit<T>(ran: Ran<T>) -> Exit {
    // Why an input was refused comes first, then the report that says what was decided.
    let _ = write_all(&mut std::io::stderr().lock(), &ran.stderr);
    let written = write_all(&mut std::io::stdout().lock(), &ran.stdout);
    match written {
        Ok(()) => ran.exit,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ran.exit,
        Err(_) => {
            let _ = write_all(
                &mut std::io::stderr().lock(),
                b"sealprobe: cannot write to stdout\n",
            );
            Exit::Fail
        }
    }
}

/// `sealprobe scan`, streamed: each finding is written (and flushed) as it settles, so a log of
/// any size is reported as it goes, in flat memory.
fn scan(opts: &command::scan::Options) -> Exit {
    let mut sink = ScanOut {
        stdout: std::io::stdout(),
        bar: None,
        wanted: progress_wanted(),
    };
    let ended = command::scan::stream(opts, &mut sink);
    if let Some(bar) = sink.bar.take() {
        bar.finish_and_clear();
    }
    let _ = write_all(&mut std::io::stderr().lock(), &ended.stderr);
    ended.exit
}

/// Inputs at least this large get a progress bar (on a terminal, outside CI).
const SCAN_PROGRESS_FROM: u64 = 64 * 1024 * 1024;

/// The scan's stdout, and its progress bar on stderr.
struct ScanOut {
    stdout: std::io::Stdout,
    bar: Option<indicatif::ProgressBar>,
    wanted: bool,
}

impl command::scan::Sink for ScanOut {
    fn stdout(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        use std::io::Write as _;
        let write = || {
            let mut out = self.stdout.lock();
            out.write_all(bytes)?;
            out.flush()
        };
        // Lines go above the bar, not through it.
        match &self.bar {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }

    fn progress(&mut self, scanned: u64, total: u64) {
        if self.bar.is_none() && self.wanted && total.max(scanned) > SCAN_PROGRESS_FROM {
            // A pipe's size is unknown: the bar then counts bytes without an end.
            let (bar, template) = if total >= scanned && total > 0 {
                let t = "{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec} {elapsed}";
                (indicatif::ProgressBar::new(total), t)
            } else {
                let t = "{spinner} {bytes} scanned {binary_bytes_per_sec} {elapsed}";
                (indicatif::ProgressBar::no_length(), t)
            };
            bar.set_style(
                indicatif::ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(scanned);
        }
    }
}

/// `K/N` with `1 <= K <= N`.
fn parse_partition(s: &str) -> Result<(usize, usize), String> {
    let bad = || "expected K/N with 1 <= K <= N, such as 2/3".to_owned();
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (k, n): (usize, usize) = (k.parse().map_err(|_| bad())?, n.parse().map_err(|_| bad())?);
    if k == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// A progress bar only on a terminal, and never in CI.
fn progress_wanted() -> bool {
    use std::io::IsTerminal as _;
    std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}

fn write_all(out: &mut impl Write, bytes: &[u8]) -> std::io::Result<()> {
    out.write_all(bytes)?;
    out.flush()
}
