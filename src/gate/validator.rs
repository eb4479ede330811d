//! The validators a gate can run (SPEC 7.4): the built-in one, in-process through the command
//! layer (so each case's output is byte for byte what the CLI prints, in both formats), and, in
//! tests, validators built to fail in one way each.
//!
//! A validator only runs a case and reports what happened ([`Observation`]): exit status, output,
//! and the classes it named when it names any. It never grades itself; the runner owns every
//! verdict (as x509-limbo learned, an adapter that grades itself passes).

use crate::command;
use crate::probe::case::{Carrier, Case, Class, Need};
use crate::report::Format;
use crate::seal::{Outcome, Record};
use crate::workspace::Workspace;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// It exited with this status.
    Exited(i32),
    /// It was killed by a signal (or, in-process, panicked).
    Crashed,
    /// It was still running at the deadline, and was killed.
    TimedOut,
}

/// One run of a validator on a case.
#[derive(Debug, Clone)]
pub struct Observation {
    /// Which run this was (`json`, `human`, or the validator's own label).
    pub label: String,
    pub ending: Ending,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The classes the validator named, when it reports them (the built-in one always does).
    pub classes: Option<Vec<Class>>,
    /// Output bytes cut beyond the capture limit (command validators), and the leak findings
    /// in them (they were scanned as they streamed by).
    pub cut: u64,
    pub leaks_in_cut: Vec<Leak>,
    /// Processes that still held the validator's output open after it exited (a daemon, a
    /// double fork, `nohup ... &`), all killed: non-zero makes the run a crash (SPEC 7.5).
    pub escaped: usize,
}

impl Observation {
    /// A run that ended so and printed nothing (fields are set by the caller).
    pub fn new(label: impl Into<String>, ending: Ending) -> Observation {
        Observation {
            label: label.into(),
            ending,
            stdout: Vec::new(),
            stderr: Vec::new(),
            classes: None,
            cut: 0,
            leaks_in_cut: Vec::new(),
            escaped: 0,
        }
    }
}

/// One leak in a run's output, located but never quoted: the stream, the byte offset in it,
/// what was found (a rule id, or the first 8 hex digits of a planted string's SHA-256) and its
/// encoding chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leak {
    /// `stdout` or `stderr`.
    pub stream: &'static str,
    pub offset: u64,
    /// `rule` or `secret`.
    pub kind: &'static str,
    pub id: String,
    pub encoding: String,
}

impl Leak {
    /// The leaks a scanner found in `bytes` of `stream`, at offsets from `base`.
    pub fn found(
        scanner: &crate::leak::Scanner,
        stream: &'static str,
        bytes: &[u8],
        base: u64,
    ) -> Vec<Leak> {
        scanner
            .scan(bytes)
            .into_iter()
            .map(|f| Leak::of(stream, base, &f))
            .collect()
    }

    /// One scanner finding in `stream`, whose scanned bytes start at `base`.
    pub fn of(stream: &'static str, base: u64, f: &crate::leak::Finding) -> Leak {
        Leak {
            stream,
            offset: base.saturating_add(f.offset as u64),
            kind: f.kind.name(),
            id: f.id.clone(),
            encoding: f.encoding.clone(),
        }
    }

    /// `stdout byte 120: secret 3f9a0c1d (base64>json-escape)`.
    pub fn describe(&self) -> String {
        format!(
            "{} byte {}: {} {} ({})",
            self.stream, self.offset, self.kind, self.id, self.encoding
        )
    }
}

/// Something the gate can run cases against.
pub trait Validator: Send + Sync {
    /// The name shown in reports (`builtin`, or the command).
    fn name(&self) -> String;

    /// Whether the case can be put to this validator at all; a case it cannot meet is
    /// `not-applicable`, never passed.
    fn meets(&self, case: &Case) -> bool;

    /// When the validator does not meet a `tree` case because its record formats cannot express
    /// what the case's drift depends on: those features ("beyond the format", SPEC 7.1). Empty
    /// otherwise.
    fn beyond_format(&self, _case: &Case) -> Vec<crate::probe::Feature> {
        Vec::new()
    }

    /// Runs the case, materialized in `ws`.
    fn run(&self, case: &Case, ws: &Workspace) -> Vec<Observation>;

    /// The `--validator` argument that selects this validator again (for rerun commands);
    /// `None` for the default, the built-in validator.
    fn rerun_arg(&self) -> Option<String>;

    /// The file the validator is (a script named by its template), where a report can point
    /// a person at the checker that failed (SARIF locations).
    fn source(&self) -> Option<std::path::PathBuf> {
        None
    }
}

/// The built-in validator: `sealprobe verify` for tree and record cases (the seal, or the
/// hostile record's own format), `sealprobe decide` for packet cases, each in both formats.
pub struct Builtin;

impl Builtin {
    /// `sealprobe verify`, run once, printed in both formats.
    /// A hostile record of another format is read as `verify --sums` (or `--bsd`, ...) reads
    /// it; every other case through its seal.
    fn verify(case: &Case, ws: &Workspace) -> Vec<Observation> {
        let format = case.carrier.record().unwrap_or(&crate::probe::record::SEAL);
        let record = Record::from_name(format.name).unwrap_or(Record::Seal);
        let ran = command::verify::run(&command::verify::Options {
            root: ws.root(),
            format: Format::Json,
            max_seal_bytes: crate::seal::SEAL_SIZE_LIMIT,
            key_file: case.needs(Need::Key).then(|| ws.key_path()),
            record,
            seal: format.path_in(ws.base()),
        });
        let classes = ran.outcome.as_ref().map(verify_classes);
        both_formats(&ran, classes)
    }

    /// `sealprobe decide`, run once, printed in both formats.
    fn decide(case: &Case, ws: &Workspace) -> Vec<Observation> {
        let ran = command::decide::run(&command::decide::Options {
            key_file: case.needs(Need::Key).then(|| ws.key_path()),
            // A case without a clock is judged by the machine's, as the CLI would be.
            now: case.now,
            expect: None,
            format: Format::Json,
            packet: ws.packet_path(),
        });
        let classes = ran
            .outcome
            .as_ref()
            .map(|d| d.reasons.iter().map(|r| Class::Reason(r.class)).collect());
        both_formats(&ran, classes)
    }
}

/// One observation per format of a command's run. A run that stopped before judging names
/// `usage-error` when it was a usage error (exit 2), and nothing otherwise: the built-in validator
/// always says what it found, so the gate always checks its classes.
fn both_formats<T: crate::report::Report + Clone>(
    ran: &command::Ran<T>,
    classes: Option<Vec<Class>>,
) -> Vec<Observation> {
    let classes = Some(classes.unwrap_or_else(|| {
        if ran.exit == command::Exit::Usage {
            vec![Class::Usage]
        } else {
            Vec::new()
        }
    }));
    [Format::Json, Format::Human]
        .into_iter()
        .map(|format| {
            let printed = ran.in_format(format);
            Observation {
                stdout: printed.stdout,
                stderr: printed.stderr,
                classes: classes.clone(),
                ..Observation::new(
                    format.name(),
                    Ending::Exited(i32::from(printed.exit.code())),
                )
            }
        })
        .collect()
}

/// Every class a verification named: its seal error, and the drift of every finding.
pub fn verify_classes(outcome: &Outcome) -> Vec<Class> {
    let mut classes: Vec<Class> = outcome
        .seal_error
        .iter()
        .map(|e| Class::Seal(e.class))
        .chain(
            outcome
                .findings
                .iter()
                .flat_map(|f| f.drift.iter().map(|d| Class::Drift(*d))),
        )
        .collect();
    classes.sort();
    classes.dedup();
    classes
}

impl Validator for Builtin {
    fn name(&self) -> String {
        "builtin".to_owned()
    }

    fn meets(&self, case: &Case) -> bool {
        // The built-in validator reads packets and every record format it has a strict reader
        // of (SPEC 7.8).
        case.carrier.record().is_none_or(|f| f.read_by_builtin())
    }

    fn run(&self, case: &Case, ws: &Workspace) -> Vec<Observation> {
        match case.carrier {
            Carrier::Packet => Builtin::decide(case, ws),
            _ => Builtin::verify(case, ws),
        }
    }

    fn rerun_arg(&self) -> Option<String> {
        None
    }
}
