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
use crate::seal::Outcome;
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
    pub leaks_in_cut: usize,
}

/// Something the gate can run cases against.
pub trait Validator: Send + Sync {
    /// The name shown in reports (`builtin`, or the command).
    fn name(&self) -> String;

    /// Whether the case can be put to this validator at all; a case it cannot meet is
    /// `not-applicable`, never passed.
    fn meets(&self, case: &Case) -> bool;

    /// Runs the case, materialized in `ws`.
    fn run(&self, case: &Case, ws: &Workspace) -> Vec<Observation>;

    /// The `--validator` argument that selects this validator again (for rerun commands);
    /// `None` for the default, the built-in validator.
    fn rerun_arg(&self) -> Option<String>;
}

/// The built-in validator: `sealprobe verify` for tree and seal cases, `sealprobe decide` for
/// packet cases, each in both formats.
pub struct Builtin;

impl Builtin {
    /// `sealprobe verify`, run once, printed in both formats.
    fn verify(case: &Case, ws: &Workspace) -> Vec<Observation> {
        let ran = command::verify::run(&command::verify::Options {
            root: ws.root(),
            format: Format::Json,
            max_seal_bytes: crate::strict_json::DEFAULT_SIZE_LIMIT,
            key_file: case.needs(Need::Key).then(|| ws.key_path()),
            seal: ws.seal_path(),
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
                label: format.name().to_owned(),
                ending: Ending::Exited(i32::from(printed.exit.code())),
                stdout: printed.stdout,
                stderr: printed.stderr,
                classes: classes.clone(),
                cut: 0,
                leaks_in_cut: 0,
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
        // The built-in validator reads seals and packets, not SHA256SUMS manifests.
        case.carrier != Carrier::Sums
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
