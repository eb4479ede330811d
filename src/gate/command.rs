//! Command validators (SPEC 7.4, 7.5): any program, given the case's inputs through a template
//! such as `sha256sum -c {sums}` or `python3 check.py --seal {seal} --root {root}`.
//!
//! - The template is split into words like a shell would (quotes honoured, `shell-words`) but run
//!   without a shell; a placeholder expands to exactly one argument, whatever it holds.
//! - Which cases it meets follows from the template alone: a `tree` case needs `{seal}` or
//!   `{sums}`, a `seal` case `{seal}`, a `sums` case `{sums}`, a `packet` case `{packet}`, and
//!   every need its placeholder (`{key}`, `{now}`). A word that holds a placeholder for an input
//!   the case does not have is left out whole (so `--key-file={key}` disappears without a key).
//! - It runs in the case's `root/`, in a process group of its own, with standard input closed.
//!   Over the deadline, the whole group is killed and the run is a timeout.
//! - Exit `0` accepts, `1` to `125` reject; a signal, `101` (a Rust panic) or `126` and above is
//!   a crash (judged in [`super::judge`]).
//! - stdout and stderr are kept up to [`CAPTURE_LIMIT`] each; more is cut and counted, and still
//!   scanned for leaks as it streams by.

use std::io::Read;
use std::os::unix::process::{CommandExt as _, ExitStatusExt as _};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use super::validator::{Ending, Observation, Validator};
use crate::leak::{self, Scanner};
use crate::probe::case::{Carrier, Case, Class, Need};
use crate::workspace::Workspace;

/// Bytes of stdout and of stderr kept per run.
pub const CAPTURE_LIMIT: usize = 1024 * 1024;

/// Bytes of the kept output re-scanned with each cut chunk, so that a leak across the cut is
/// found: far longer than any encoded canary.
const OVERLAP: usize = 64 * 1024;

/// The placeholders of SPEC 7.5.
pub const PLACEHOLDERS: [&str; 6] = ["{seal}", "{root}", "{packet}", "{key}", "{sums}", "{now}"];

/// A validator run as a command.
#[derive(Debug, Clone)]
pub struct CommandValidator {
    template: String,
    words: Vec<String>,
    timeout: Duration,
    /// Read a `sealprobe-report/1` or decision report from stdout (`--validator-report`).
    reports: bool,
}

impl CommandValidator {
    /// Splits `template` like a shell; refuses an empty one, unbalanced quotes, and a template
    /// that can meet no case at all.
    pub fn parse(template: &str, timeout: Duration) -> Result<CommandValidator, String> {
        let words = shell_words::split(template)
            .map_err(|_| format!("--validator {template:?}: unbalanced quotes"))?;
        if words.is_empty() {
            return Err("--validator: the template is empty".into());
        }
        if words[0].contains('{') && PLACEHOLDERS.iter().any(|p| words[0].contains(p)) {
            return Err(format!(
                "--validator {template:?}: the program itself cannot be a placeholder"
            ));
        }
        let v = CommandValidator {
            template: template.to_owned(),
            words,
            timeout,
            reports: false,
        };
        if !["{seal}", "{sums}", "{packet}"].iter().any(|p| v.has(p)) {
            return Err(format!(
                "--validator {template:?}: names none of {{seal}}, {{sums}}, {{packet}}, so it meets no case"
            ));
        }
        Ok(v)
    }

    /// Whether the validator prints a report on stdout whose classes are compared too.
    pub fn reading_reports(mut self, reports: bool) -> CommandValidator {
        self.reports = reports;
        self
    }

    fn has(&self, placeholder: &str) -> bool {
        self.words.iter().any(|w| w.contains(placeholder))
    }

    /// The arguments for `case` in `ws`: placeholders filled in, words for absent inputs left out.
    pub fn arguments(&self, case: &Case, ws: &Workspace) -> Vec<String> {
        let path = |p: &Path| p.to_string_lossy().into_owned();
        let values: [(&str, Option<String>); 6] = [
            (
                "{seal}",
                case.inputs.seal.as_ref().map(|_| path(&ws.seal_path())),
            ),
            ("{root}", Some(path(&ws.root()))),
            (
                "{packet}",
                case.inputs.packet.as_ref().map(|_| path(&ws.packet_path())),
            ),
            (
                "{key}",
                case.inputs.key.as_ref().map(|_| path(&ws.key_path())),
            ),
            (
                "{sums}",
                case.inputs.sums.as_ref().map(|_| path(&ws.sums_path())),
            ),
            ("{now}", case.now.map(|n| n.to_string())),
        ];
        self.words
            .iter()
            .filter_map(|word| {
                let mut out = word.clone();
                for (p, value) in &values {
                    if out.contains(p) {
                        out = out.replace(p, value.as_deref()?);
                    }
                }
                Some(out)
            })
            .collect()
    }
}

/// What one pipe produced.
#[derive(Debug, Default)]
struct Captured {
    kept: Vec<u8>,
    cut: u64,
    leaks_in_cut: usize,
}

/// Reads `pipe` to its end: keeps the first [`CAPTURE_LIMIT`] bytes, counts the rest, and scans
/// the rest as it streams by (with [`OVERLAP`] bytes before each chunk, counting only findings
/// that end in the new bytes).
fn capture(mut pipe: impl Read, scanner: &Scanner) -> Captured {
    let mut got = Captured::default();
    let mut carry: Vec<u8> = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match pipe.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let chunk = &buf[..n];
        let room = CAPTURE_LIMIT - got.kept.len();
        let (keep, rest) = chunk.split_at(room.min(n));
        got.kept.extend_from_slice(keep);
        if rest.is_empty() {
            continue;
        }
        if carry.is_empty() {
            let from = got.kept.len().saturating_sub(OVERLAP);
            carry = got.kept[from..].to_vec();
        }
        got.cut += rest.len() as u64;
        let before = carry.len();
        carry.extend_from_slice(rest);
        got.leaks_in_cut += scanner
            .scan(&carry)
            .iter()
            .filter(|f| f.offset + f.length > before)
            .count();
        let from = carry.len().saturating_sub(OVERLAP);
        carry.drain(..from);
    }
    got
}

impl Validator for CommandValidator {
    fn name(&self) -> String {
        self.template.clone()
    }

    fn meets(&self, case: &Case) -> bool {
        let carried = match case.carrier {
            Carrier::Tree => self.has("{seal}") || self.has("{sums}"),
            Carrier::Seal => self.has("{seal}"),
            Carrier::Sums => self.has("{sums}"),
            Carrier::Packet => self.has("{packet}"),
        };
        carried
            && (!case.needs(Need::Key) || self.has("{key}"))
            && (!case.needs(Need::Now) || self.has("{now}"))
    }

    fn run(&self, case: &Case, ws: &Workspace) -> Vec<Observation> {
        let args = self.arguments(case, ws);
        let failed = |why: &str| Observation {
            label: "command".into(),
            ending: Ending::Crashed,
            stdout: Vec::new(),
            stderr: format!("sealprobe gate: {why}\n").into_bytes(),
            classes: None,
            cut: 0,
            leaks_in_cut: 0,
        };
        let Some((program, rest)) = args.split_first() else {
            return vec![failed("the template expands to no program")];
        };
        let scanner = match leak::canary_scanner(&case.canaries) {
            Ok(s) => Arc::new(s),
            Err(_) => return vec![failed("the leak scanner cannot be built")],
        };
        let child = Command::new(program)
            .args(rest)
            .current_dir(ws.root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(_) => return vec![failed("the validator cannot be started")],
        };
        let readers: Vec<mpsc::Receiver<Captured>> = [
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ]
        .into_iter()
        .map(|pipe| {
            let (tx, rx) = mpsc::channel();
            let scanner = Arc::clone(&scanner);
            std::thread::spawn(move || {
                let got = pipe.map_or_else(Captured::default, |p| capture(p, &scanner));
                let _ = tx.send(got);
            });
            rx
        })
        .collect();
        let deadline = Instant::now() + self.timeout;
        let ending = loop {
            match child.try_wait() {
                Ok(Some(status)) => {
                    break match (status.code(), status.signal()) {
                        (Some(code), _) => Ending::Exited(code),
                        _ => Ending::Crashed,
                    };
                }
                Ok(None) if Instant::now() >= deadline => {
                    kill_group(child.id());
                    let _ = child.wait();
                    break Ending::TimedOut;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(2)),
                Err(_) => {
                    kill_group(child.id());
                    break Ending::Crashed;
                }
            }
        };
        // The group is gone (or exited); a descendant that left the group may still hold a pipe
        // open, so the readers get a short grace and are then abandoned.
        kill_group(child.id());
        let mut outputs = readers
            .into_iter()
            .map(|rx| rx.recv_timeout(Duration::from_secs(2)).unwrap_or_default());
        let (out, err) = (
            outputs.next().unwrap_or_default(),
            outputs.next().unwrap_or_default(),
        );
        let classes = self.reports.then(|| report_classes(&out.kept));
        vec![Observation {
            label: "command".into(),
            ending,
            stdout: out.kept,
            stderr: err.kept,
            classes,
            cut: out.cut + err.cut,
            leaks_in_cut: out.leaks_in_cut + err.leaks_in_cut,
        }]
    }

    fn rerun_arg(&self) -> Option<String> {
        Some(self.template.clone())
    }
}

/// The classes a validator's own report names: the seal error and every finding's drift of a
/// `sealprobe-report/1`, or the reasons of a `sealprobe-decision-report/1`. Output that is not
/// such a report names nothing (so an expected class is missing: `wrong-class`).
pub fn report_classes(stdout: &[u8]) -> Vec<Class> {
    use crate::strict_json::{self, Node, Value};
    let Ok(root) = strict_json::parse(stdout) else {
        return Vec::new();
    };
    let get = |n: &'_ Node, key: &str| -> Option<Node> {
        match &n.value {
            Value::Object(m) => m.iter().find(|m| m.key == key).map(|m| m.value.clone()),
            _ => None,
        }
    };
    let string = |n: Option<Node>| match n.map(|n| n.value) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    };
    let items = |n: Option<Node>| match n.map(|n| n.value) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let mut names: Vec<String> = Vec::new();
    match string(get(&root, "format")).as_deref() {
        Some(crate::report::verify::REPORT_FORMAT) => {
            if let Some(e) = get(&root, "seal_error") {
                names.extend(string(get(&e, "class")));
            }
            for f in items(get(&root, "findings")) {
                names.extend(
                    items(get(&f, "drift"))
                        .into_iter()
                        .filter_map(|d| string(Some(d))),
                );
            }
        }
        Some(crate::report::decide::DECISION_REPORT_FORMAT) => {
            for r in items(get(&root, "reasons")) {
                names.extend(string(get(&r, "class")));
            }
        }
        _ => {}
    }
    let mut classes: Vec<Class> = names.iter().filter_map(|n| Class::from_name(n)).collect();
    classes.sort();
    classes.dedup();
    classes
}

/// Kills the process group led by `pid` (best effort: it may be gone already).
fn kill_group(pid: u32) {
    if let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}
