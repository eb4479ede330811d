//! Command validators (SPEC 7.4, 7.5): any program, given the case's inputs through a template
//! such as `sha256sum -c {sums}` or `python3 check.py --seal {seal} --root {root}`.
//!
//! - The template is split into words like a shell would (quotes honoured, `shell-words`) but run
//!   without a shell; a placeholder expands to exactly one argument, whatever it holds.
//! - Which cases it meets follows from the template alone: a `tree` case needs the placeholder of
//!   a record format that expresses it (`{seal}`, `{sums}`, `{bsd}`, ...), a record case its
//!   format's placeholder, a `packet` case `{packet}`, and
//!   every need its placeholder (`{key}`, `{now}`). A word that holds a placeholder for an input
//!   the case does not have is left out whole (so `--key-file={key}` disappears without a key).
//! - It runs in the case's `root/`, in a process group of its own, with standard input closed.
//!   Over the deadline, the whole group is killed and the run is a timeout.
//! - Exit `0` accepts, `1` to `125` reject; a signal, `101` (a Rust panic) or `126` and above is
//!   a crash (judged in [`super::judge`]).
//! - stdout and stderr are kept up to [`CAPTURE_LIMIT`] each; more is cut and counted, and still
//!   scanned for leaks as it streams by.

use std::io::Read;
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use super::reaper::{self, Ended};
use super::validator::{Ending, Leak, Observation, Validator};
use crate::leak::{self, Scanner};
use crate::probe::case::{Carrier, Case, Class, Need};
use crate::probe::features::Feature;
use crate::probe::record::{self, FORMATS, RecordFormat};
use crate::workspace::Workspace;

/// Bytes of stdout and of stderr kept per run.
pub const CAPTURE_LIMIT: usize = 1024 * 1024;

/// Bytes of the kept output re-scanned with each cut chunk, so that a leak across the cut is
/// found: far longer than any encoded canary.
const OVERLAP: usize = 64 * 1024;

/// The placeholders of SPEC 7.5 other than the record formats' (which come from
/// [`crate::probe::record::FORMATS`]). `{out}` is the record a sealer wrote (SPEC 7.8).
const INPUTS: [&str; 5] = ["{root}", "{packet}", "{key}", "{now}", OUT];

/// The placeholder of a sealer pair's record: the file the sealer wrote from the honest state.
pub const OUT: &str = "{out}";

/// The file beside `root/` a sealer writes (`{out}`).
const SEALED: &str = "sealed.out";

/// Whether `word` holds a placeholder.
fn holds_placeholder(word: &str) -> bool {
    INPUTS.iter().any(|p| word.contains(p)) || FORMATS.iter().any(|f| word.contains(f.placeholder))
}

/// A validator run as a command.
#[derive(Debug, Clone)]
pub struct CommandValidator {
    template: String,
    /// The template's words, the program and every word naming a file in the caller's folder
    /// made absolute (SPEC 7.5).
    words: Vec<String>,
    /// The program as the template wrote it, passed as `argv[0]`.
    argv0: String,
    /// The first file the template names by a path (the program, when written with a `/`, or
    /// the first file word: `tools/check.py`), absolute.
    source: Option<std::path::PathBuf>,
    timeout: Duration,
    /// Read a `sealprobe-report/1` or decision report from stdout (`--validator-report`).
    reports: bool,
    /// The sealer of a pair (`--sealer`): run on the honest state before this validator, for a
    /// template that reads its record (`{out}`).
    sealer: Option<Arc<Sealer>>,
}

/// A sealing tool with a format of its own (`--sealer 'CMD {root} {out}'`, SPEC 7.8): run in a
/// copy of nothing but the honest state (the honest copies in `outside/`), it writes its record
/// to `{out}`, which the validator of the pair reads after the edits. Such a pair meets every
/// `tree` case: the gate cannot know what the sealer's format expresses.
#[derive(Debug, Clone)]
pub struct Sealer {
    command: CommandValidator,
}

impl Sealer {
    /// Splits and resolves the sealer's template as a validator's (SPEC 7.5); it must name both
    /// `{root}` (the honest tree) and `{out}` (the record it writes).
    pub fn parse(template: &str, timeout: Duration) -> Result<Sealer, String> {
        let shown = crate::escape::name(template.as_bytes());
        if !template.contains("{root}") || !template.contains(OUT) {
            return Err(format!(
                "--sealer '{shown}': names {{root}} (the honest tree) and {{out}} (the record it writes)"
            ));
        }
        let command = CommandValidator::parse(template, timeout)
            .map_err(|e| e.replacen("--validator", "--sealer", 1))?;
        Ok(Sealer { command })
    }

    /// The template, as given.
    pub fn template(&self) -> &str {
        &self.command.template
    }

    /// Seals the honest state of the case in `ws`: `None` when `{out}` was written and the
    /// sealer exited 0; otherwise why not, as an observation that makes the run a crash (the
    /// pair cannot judge the case, and a broken pair must not pass).
    fn seal(&self, case: &Case, ws: &Workspace, scanner: Arc<Scanner>) -> Option<Observation> {
        let honest = ws.base().join("honest");
        let out = ws.base().join(SEALED);
        let failed = |why: String| Observation {
            stderr: format!("sealprobe gate: the sealer {why}\n").into_bytes(),
            ..Observation::new("sealer", Ending::Crashed)
        };
        // The honest state: the honest copies of the sealed files, and the complete folders
        // (which may hold no file).
        let laid = copy_files(&ws.outside(), &honest).and_then(|()| {
            for folder in case.honest_folders().unwrap_or_default() {
                if folder != b"." {
                    std::fs::create_dir_all(honest.join(std::ffi::OsStr::from_bytes(&folder)))?;
                }
            }
            Ok(())
        });
        if let Err(e) = laid {
            return Some(failed(format!(
                "cannot be given the honest state ({})",
                e.kind()
            )));
        }
        let _ = std::fs::remove_file(&out);
        let path = |p: &Path| p.to_string_lossy().into_owned();
        let args: Vec<String> = self
            .command
            .words
            .iter()
            .map(|w| {
                w.replace("{root}", &path(&honest))
                    .replace(OUT, &path(&out))
            })
            .collect();
        let ran = self.command.execute(&args, &honest, scanner, "sealer");
        match ran.ending {
            Ending::Exited(0) if out.is_file() => None,
            Ending::Exited(0) => Some(failed("exited 0 but wrote no {out}".into())),
            Ending::Exited(code) => Some(failed(format!("failed (exit {code})"))),
            Ending::Crashed => Some(failed("crashed".into())),
            Ending::TimedOut => Some(failed("was killed at the deadline".into())),
        }
    }
}

/// Copies the regular files and folders below `from` to `to` (made anew): the honest state a
/// sealer reads, so that it can change nothing the case needs.
fn copy_files(from: &Path, to: &Path) -> std::io::Result<()> {
    if to.exists() {
        std::fs::remove_dir_all(to)?;
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_files(&entry.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

impl CommandValidator {
    /// Splits `template` like a shell and resolves it against the current folder (see
    /// [`CommandValidator::parse_in`]).
    pub fn parse(template: &str, timeout: Duration) -> Result<CommandValidator, String> {
        let here = std::env::current_dir()
            .map_err(|e| format!("the current folder cannot be read ({})", e.kind()))?;
        CommandValidator::parse_in(template, timeout, &here)
    }

    /// Splits `template` like a shell; refuses an empty one, unbalanced quotes, a template that
    /// can meet no case at all, and a program that cannot be found or run. Resolves it against
    /// `caller` (the folder the gate was started in), because the validator runs in the case's
    /// `root/`: a program with a `/` in it is taken relative to `caller`, one without is looked
    /// up on `PATH` (as a shell would), and every later word that names a regular file relative
    /// to `caller` (not an option, not a placeholder) is made absolute. So `python3
    /// tools/check.py {seal}` finds its script, and `pyhton3 ...` is one usage error.
    pub fn parse_in(
        template: &str,
        timeout: Duration,
        caller: &Path,
    ) -> Result<CommandValidator, String> {
        let shown = crate::escape::name(template.as_bytes());
        let mut words = shell_words::split(template)
            .map_err(|_| format!("--validator '{shown}': unbalanced quotes"))?;
        if words.is_empty() {
            return Err("--validator: the template is empty".into());
        }
        if holds_placeholder(&words[0]) {
            return Err(format!(
                "--validator '{shown}': the program itself cannot be a placeholder"
            ));
        }
        let documents: Vec<&str> = FORMATS
            .iter()
            .map(|f| f.placeholder)
            .chain(["{packet}", OUT])
            .collect();
        if !documents
            .iter()
            .any(|p| words.iter().any(|w| w.contains(p)))
        {
            return Err(format!(
                "--validator '{shown}': names none of {}, so it meets no case",
                documents.join(", ")
            ));
        }
        let argv0 = words[0].clone();
        words[0] = resolve_program(&words[0], caller)?;
        let mut source = argv0.contains('/').then(|| words[0].clone().into());
        for word in words.iter_mut().skip(1) {
            if let Some(file) = file_in(word, caller) {
                *word = file;
                source = source.or_else(|| Some(word.clone().into()));
            }
        }
        Ok(CommandValidator {
            template: template.to_owned(),
            words,
            argv0,
            source,
            timeout,
            reports: false,
            sealer: None,
        })
    }

    /// Pairs the validator with the sealer whose record it reads (`{out}`); a template without
    /// `{out}` is left as it is.
    pub fn sealed_by(mut self, sealer: Option<&Arc<Sealer>>) -> CommandValidator {
        if self.has(OUT) {
            self.sealer = sealer.cloned();
        }
        self
    }

    /// Whether the template reads a sealer's record.
    pub fn reads_sealed(&self) -> bool {
        self.has(OUT)
    }

    /// Whether the validator prints a report on stdout whose classes are compared too.
    pub fn reading_reports(mut self, reports: bool) -> CommandValidator {
        self.reports = reports;
        self
    }

    fn has(&self, placeholder: &str) -> bool {
        self.words.iter().any(|w| w.contains(placeholder))
    }

    /// The record formats the template names a placeholder of.
    fn formats(&self) -> impl Iterator<Item = &'static RecordFormat> {
        FORMATS.iter().filter(|f| self.has(f.placeholder))
    }

    /// The arguments for `case` in `ws`: placeholders filled in, words for absent inputs left out.
    pub fn arguments(&self, case: &Case, ws: &Workspace) -> Vec<String> {
        let path = |p: &Path| p.to_string_lossy().into_owned();
        let mut values: Vec<(&str, Option<String>)> = vec![
            ("{root}", Some(path(&ws.root()))),
            (
                "{packet}",
                case.inputs.packet.as_ref().map(|_| path(&ws.packet_path())),
            ),
            (
                "{key}",
                case.inputs.key.as_ref().map(|_| path(&ws.key_path())),
            ),
            ("{now}", case.now.map(|n| n.to_string())),
            (
                OUT,
                self.sealer.as_ref().map(|_| path(&ws.base().join(SEALED))),
            ),
        ];
        for f in FORMATS {
            let present = if f.name == record::SEAL.name {
                case.inputs.seal.is_some()
            } else {
                case.inputs.records.contains_key(f.name)
            };
            values.push((f.placeholder, present.then(|| path(&f.path_in(ws.base())))));
        }
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

/// Whether `path` is a regular file someone may execute.
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The absolute path of the template's program: relative to `caller` when it holds a `/`, else
/// the first executable of that name on `PATH` (relative `PATH` entries taken from `caller`).
fn resolve_program(program: &str, caller: &Path) -> Result<String, String> {
    let shown = crate::escape::name(program.as_bytes());
    if program.contains('/') {
        let path = caller.join(program);
        return if is_executable(&path) {
            Ok(path.to_string_lossy().into_owned())
        } else {
            Err(format!(
                "--validator: the program '{shown}' is not an executable file (relative to the folder the gate was started in)"
            ))
        };
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| caller.join(dir).join(program))
            .find(|p| is_executable(p))
    });
    match found {
        Some(path) => Ok(path.to_string_lossy().into_owned()),
        None => Err(format!(
            "--validator: the program '{shown}' is not found on PATH (the template runs without a shell)"
        )),
    }
}

/// `word` made absolute when it is written like a file path (it holds a `/` or a `.`, as
/// `tools/check.py` or `check.py` do, and is not `.` or `..`) and names a regular file relative to
/// `caller`; `None` for options, placeholders, absolute paths, bare words (the `json` of
/// `--format json` stays `json` even beside a file of that name) and anything that is not an
/// existing file there.
fn file_in(word: &str, caller: &Path) -> Option<String> {
    if word.is_empty()
        || word == "."
        || word == ".."
        || !(word.contains('/') || word.contains('.'))
        || word.starts_with('-')
        || word.starts_with('/')
        || holds_placeholder(word)
    {
        return None;
    }
    let path = caller.join(word);
    std::fs::metadata(&path)
        .is_ok_and(|m| m.is_file())
        .then(|| path.to_string_lossy().into_owned())
}

/// What one pipe produced so far.
#[derive(Debug, Default)]
struct Captured {
    kept: Vec<u8>,
    cut: u64,
    leaks_in_cut: Vec<Leak>,
}

/// Reads `pipe` to its end into `got` (shared, so that what was captured is judged even when a
/// process that escaped holds the pipe open): keeps the first [`CAPTURE_LIMIT`] bytes, counts the
/// rest, and scans the rest as it streams by (with [`OVERLAP`] bytes before each chunk, keeping
/// only findings that end in the new bytes).
fn capture(mut pipe: impl Read, stream: &'static str, scanner: &Scanner, got: &Mutex<Captured>) {
    let mut carry: Vec<u8> = Vec::new();
    let mut seen: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match pipe.read(&mut buf) {
            Ok(0) => break,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
            Ok(n) => n,
        };
        let Ok(mut got) = got.lock() else {
            break;
        };
        let chunk = &buf[..n];
        seen += n as u64;
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
        let base = seen - carry.len() as u64;
        let found: Vec<Leak> = scanner
            .scan(&carry)
            .iter()
            .filter(|f| f.offset + f.length > before)
            .map(|f| Leak::of(stream, base, f))
            .collect();
        got.leaks_in_cut.extend(found);
        let from = carry.len().saturating_sub(OVERLAP);
        carry.drain(..from);
    }
}

/// How long the output pipes may stay open after the validator exited before the run is
/// `escaped`: a process it left behind holds them (a child that finishes its last write just
/// after its parent exits is given this long).
const PIPE_GRACE: Duration = Duration::from_millis(200);

/// How long the readers are waited for once every process of the case was killed.
const DRAIN_LIMIT: Duration = Duration::from_secs(2);

impl Validator for CommandValidator {
    fn name(&self) -> String {
        self.template.clone()
    }

    fn meets(&self, case: &Case) -> bool {
        let carried = match case.carrier {
            Carrier::Packet => self.has("{packet}"),
            Carrier::Tree if self.sealer.is_some() => case.honest_folders().is_some(),
            _ => case.carried_by(self.formats()),
        };
        carried
            && (!case.needs(Need::Key) || self.has("{key}"))
            && (!case.needs(Need::Now) || self.has("{now}"))
    }

    fn run(&self, case: &Case, ws: &Workspace) -> Vec<Observation> {
        let args = self.arguments(case, ws);
        let failed = |why: String| Observation {
            stderr: format!("sealprobe gate: {why}\n").into_bytes(),
            ..Observation::new("command", Ending::Crashed)
        };
        if args.is_empty() {
            return vec![failed("the template expands to no program".into())];
        }
        let scanner = match leak::canary_scanner(&case.canaries) {
            Ok(s) => Arc::new(s),
            Err(_) => return vec![failed("the leak scanner cannot be built".into())],
        };
        if let Some(sealer) = &self.sealer
            && let Some(refused) = sealer.seal(case, ws, Arc::clone(&scanner))
        {
            return vec![refused];
        }
        vec![self.execute(&args, &ws.root(), scanner, "command")]
    }

    fn rerun_arg(&self) -> Option<String> {
        Some(self.template.clone())
    }

    fn beyond_format(&self, case: &Case) -> Vec<Feature> {
        if case.carrier != Carrier::Tree
            || self.sealer.is_some()
            || self.formats().next().is_none()
            || self.formats().any(|f| f.expresses(&case.features))
        {
            return Vec::new();
        }
        // The features none of the template's formats expresses; when each is expressed by one
        // of them but no one format expresses them all, every feature of the case.
        let known: Vec<Feature> = self.formats().flat_map(|f| f.features).copied().collect();
        let missing: Vec<Feature> = case
            .features
            .iter()
            .filter(|f| !known.contains(f))
            .copied()
            .collect();
        if missing.is_empty() {
            case.features.clone()
        } else {
            missing
        }
    }

    fn source(&self) -> Option<std::path::PathBuf> {
        self.source.clone()
    }
}

impl CommandValidator {
    /// Runs `args` in `cwd` below the anchor (every process it starts is killed when it ends),
    /// with standard input closed, over the deadline killed; captures and scans its output.
    fn execute(
        &self,
        args: &[String],
        cwd: &Path,
        scanner: Arc<Scanner>,
        label: &str,
    ) -> Observation {
        let failed = |why: String| Observation {
            stderr: format!("sealprobe gate: {why}\n").into_bytes(),
            ..Observation::new(label, Ending::Crashed)
        };
        let Some((program, rest)) = args.split_first() else {
            return failed("the template expands to no program".into());
        };
        let mut command = Command::new(program);
        command
            .arg0(&self.argv0)
            .args(rest)
            .current_dir(cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut process = match reaper::spawn(command) {
            Ok(p) => p,
            Err(e) => {
                return failed(format!("the {label} cannot be started ({})", e.kind()));
            }
        };
        let (stdout, stderr) = process.take_pipes();
        let shared: [Arc<Mutex<Captured>>; 2] = Default::default();
        let readers: Vec<mpsc::Receiver<()>> = [
            (
                stdout.map(|p| Box::new(p) as Box<dyn Read + Send>),
                "stdout",
            ),
            (
                stderr.map(|p| Box::new(p) as Box<dyn Read + Send>),
                "stderr",
            ),
        ]
        .into_iter()
        .zip(&shared)
        .map(|((pipe, stream), got)| {
            let (tx, rx) = mpsc::channel();
            let scanner = Arc::clone(&scanner);
            let got = Arc::clone(got);
            std::thread::spawn(move || {
                if let Some(p) = pipe {
                    capture(p, stream, &scanner, &got);
                }
                let _ = tx.send(());
            });
            rx
        })
        .collect();
        let deadline = Instant::now() + self.timeout;
        let ending = match process.wait_until(deadline) {
            Some(Ended::Exited(code)) => Ending::Exited(code),
            Some(Ended::Signaled) => Ending::Crashed,
            None => Ending::TimedOut,
        };
        // The validator has ended (or is killed now). Its output ends with it unless a process
        // it left behind holds a pipe: then the run escaped, and is judged on what was captured.
        let grace = Instant::now() + PIPE_GRACE;
        let timed_out = ending == Ending::TimedOut;
        let drained_in_grace = !timed_out
            && readers.iter().all(|rx| {
                rx.recv_timeout(grace.saturating_duration_since(Instant::now()))
                    .is_ok()
            });
        let killed = process.end();
        let escaped = if timed_out || drained_in_grace {
            0
        } else {
            killed.max(1)
        };
        let drain = Instant::now() + DRAIN_LIMIT;
        if !drained_in_grace {
            for rx in &readers {
                let _ = rx.recv_timeout(drain.saturating_duration_since(Instant::now()));
            }
        }
        let [out, err] = shared.map(|got| {
            got.lock()
                .map(|mut g| std::mem::take(&mut *g))
                .unwrap_or_default()
        });
        let classes = self.reports.then(|| report_classes(&out.kept));
        let mut leaks_in_cut = out.leaks_in_cut;
        leaks_in_cut.extend(err.leaks_in_cut);
        Observation {
            stdout: out.kept,
            stderr: err.kept,
            classes,
            cut: out.cut + err.cut,
            leaks_in_cut,
            escaped,
            ..Observation::new(label, ending)
        }
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
