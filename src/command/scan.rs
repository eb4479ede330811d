//! `sealprobe scan`: build the scanner (built-in rules, secrets, more rules), scan every input as
//! a stream, and write each finding as it settles, so a log of any size is scanned and reported
//! in flat memory.

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;

use super::{Exit, Ran, shown};
use crate::leak::input::{Input, InputError};
use crate::leak::rules::{RuleSet, Variant};
use crate::leak::scan::BuildError;
use crate::leak::stream::{self, Event, Windows};
use crate::leak::{self, Finding, Kind, Scanner, ScannerBuilder};
use crate::report::Format;
use crate::report::scan::{End, Located, Writer};
use crate::small_file::{self, Source};
use crate::strict_json::Position;

/// The options of `sealprobe scan`.
#[derive(Debug, Clone)]
pub struct Options {
    pub secrets: Option<PathBuf>,
    pub rules: Option<PathBuf>,
    pub format: Format,
    /// Files or folders; none or `-` for standard input.
    pub paths: Vec<PathBuf>,
    /// Entries below a folder that are not regular files (symlinks, FIFOs, sockets, devices)
    /// are listed as not read either way; with this they do not fail the scan.
    pub skip_special: bool,
}

/// Runs the scan and keeps what it printed: for the tests and any caller that wants the bytes.
/// The CLI streams the same bytes with [`stream`].
pub fn run(opts: &Options) -> Ran<Vec<Located>> {
    let mut collect = Collect::default();
    let ended = stream(opts, &mut collect);
    Ran {
        exit: ended.exit,
        stdout: collect.stdout,
        stderr: ended.stderr,
        outcome: (ended.exit != Exit::Usage).then_some(collect.found),
    }
}

/// Runs the scan, writing the report to `sink` as findings settle.
pub fn stream(opts: &Options, sink: &mut dyn Sink) -> Streamed {
    let mut secrets: Vec<Vec<u8>> = Vec::new();
    if let Some(path) = &opts.secrets {
        let text = match small_file::read(&Source::from_arg(path), small_file::DEFAULT_LIMIT) {
            Ok(t) => t,
            Err(e) => {
                return Streamed::usage(format_args!("the secrets file {} {e}", shown(path)));
            }
        };
        for line in text.split(|b| *b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if !line.is_empty() {
                secrets.push(line.to_vec());
            }
        }
    }
    let mut more = RuleSet::default();
    if let Some(path) = &opts.rules {
        let text = match small_file::read(&Source::from_arg(path), small_file::DEFAULT_LIMIT) {
            Ok(t) => t,
            Err(e) => {
                return Streamed::usage(format_args!("the rules file {} {e}", shown(path)));
            }
        };
        let Ok(text) = String::from_utf8(text) else {
            return Streamed::usage("the rules file is not UTF-8");
        };
        match leak::rules::load(&text) {
            Ok(set) => more = set,
            Err(e) => return Streamed::usage(e),
        }
    }
    // The scanner for an input without a path (standard input), built first so that a secret
    // too short is refused before the inputs are listed.
    let mut plan = Plan {
        secrets,
        more,
        scanners: Vec::new(),
        variants: HashMap::new(),
    };
    if let Err(e) = plan.scanner_for(None) {
        return Streamed::usage(e);
    }
    let listed = match leak::input::collect(&opts.paths) {
        Ok(listed) => listed,
        Err(e) => return Streamed::usage(e),
    };
    let inputs = &listed.inputs;
    let mut fitted = Vec::with_capacity(inputs.len());
    for input in inputs {
        match plan.scanner_for(input_path(input)) {
            Ok(i) => fitted.push(i),
            Err(e) => return Streamed::usage(e),
        }
    }
    let mut report = Report {
        sink,
        writer: None,
        format: opts.format,
        bytes: 0,
        findings: 0,
        written: Ok(()),
    };
    let stopped = scan_inputs(&plan, inputs, &fitted, &mut report);
    if let Err(e) = stopped {
        // What was found so far has been printed; the report is left without its summary (and
        // a JSON report unterminated), so nobody takes it for the report of every input.
        return Streamed::usage(e);
    }
    let (bytes, findings) = (report.bytes, report.findings);
    let secrets = plan.scanners[0].0.looks_for().0;
    let rules = leak::rules::builtin().len() + plan.more.len();
    let summary = End {
        bytes,
        not_read: listed.not_read.clone(),
        skip_special: opts.skip_special,
        rules,
        secrets,
    };
    let end = match report.writer.take() {
        Some(w) => w,
        None => report.start(),
    }
    .end(&summary);
    report.write(&end);
    // Nothing is skipped silently: an entry not read fails the scan unless --skip-special.
    let clean = findings == 0 && (listed.not_read.is_empty() || opts.skip_special);
    match &report.written {
        Ok(()) => {}
        // The reader went away (`sealprobe scan logs/ | head`): end quietly with the verdict.
        // Only a finding or the closing summary is ever written, so a scan stopped early by a
        // broken pipe has found something, and its verdict is never clean.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(_) => {
            return Streamed {
                exit: Exit::Fail,
                stderr: b"sealprobe: cannot write to stdout\n".to_vec(),
            };
        }
    }
    Streamed {
        exit: if clean { Exit::Pass } else { Exit::Fail },
        stderr: Vec::new(),
    }
}

/// A regular file up to this size is read whole by one worker, many such files in parallel;
/// a larger one, or a pipe, is read by a reader thread and scanned in parallel windows.
const SMALL_INPUT: u64 = 4 * 1024 * 1024;

/// Files scanned side by side, at most, and their bytes, at most.
const BATCH_FILES: usize = 64;
const BATCH_BYTES: u64 = 32 * 1024 * 1024;

/// Where a scan's report goes as it is made, and who is told of its progress.
pub trait Sink {
    /// The next bytes of the report.
    fn stdout(&mut self, bytes: &[u8]) -> std::io::Result<()>;
    /// A finding, once, as it is reported.
    fn found(&mut self, _located: &Located) {}
    /// Bytes scanned so far over every input, out of `total` (the named regular files' sizes;
    /// pipes and standard input count for nothing there).
    fn progress(&mut self, _scanned: u64, _total: u64) {}
}

/// How a streamed scan ended: its exit status and what it says on stderr.
#[derive(Debug, Clone)]
pub struct Streamed {
    pub exit: Exit,
    pub stderr: Vec<u8>,
}

impl Streamed {
    fn usage(message: impl std::fmt::Display) -> Streamed {
        let ran: Ran<()> = Ran::usage("scan", message);
        Streamed {
            exit: ran.exit,
            stderr: ran.stderr,
        }
    }
}

/// The report being written: the head goes out with the first finding or the summary.
struct Report<'a> {
    sink: &'a mut dyn Sink,
    writer: Option<Writer>,
    format: Format,
    bytes: u64,
    findings: u64,
    written: std::io::Result<()>,
}

impl Report<'_> {
    fn start(&mut self) -> Writer {
        let (writer, head) = Writer::begin(self.format);
        self.write(&head);
        writer
    }

    fn write(&mut self, bytes: &[u8]) {
        if self.written.is_ok() && !bytes.is_empty() {
            self.written = self.sink.stdout(bytes);
        }
    }

    fn found(&mut self, path: &[u8], finding: Finding, position: Position) {
        let located = Located {
            path: path.to_vec(),
            position,
            finding,
        };
        let mut writer = match self.writer.take() {
            Some(w) => w,
            None => self.start(),
        };
        let bytes = writer.finding(&located);
        self.writer = Some(writer);
        self.write(&bytes);
        self.sink.found(&located);
        self.findings += 1;
    }
}

/// Which scanner each input is scanned with. The scanners differ only in the rules of a gitleaks
/// file, which may depend on an input's path (a rule's `path`, an allowlist's `paths`): inputs
/// whose paths call for the same rules share one scanner ([`leak::rules::RuleSet::variant`]).
struct Plan {
    secrets: Vec<Vec<u8>>,
    more: RuleSet,
    /// Each scanner, with the ids of the path-only rules that flag its inputs.
    scanners: Vec<(Scanner, Vec<String>)>,
    variants: HashMap<Variant, usize>,
}

impl Plan {
    /// The index of the scanner for an input at `path`, built when it is the first of its kind.
    fn scanner_for(&mut self, path: Option<&[u8]>) -> Result<usize, BuildError> {
        let variant = self.more.variant(path);
        if let Some(&i) = self.variants.get(&variant) {
            return Ok(i);
        }
        let builder = ScannerBuilder::new()
            .rules(leak::rules::builtin())
            .rules(self.more.rules(&variant));
        let scanner = self
            .secrets
            .iter()
            .fold(builder, |b, s| b.secret(s.as_slice()))
            .build()?;
        self.scanners.push((scanner, self.more.path_hits(&variant)));
        self.variants.insert(variant, self.scanners.len() - 1);
        Ok(self.scanners.len() - 1)
    }
}

/// An input's path as the rules of a gitleaks file see it; standard input has none.
fn input_path(input: &Input) -> Option<&[u8]> {
    // `leak::input` names standard input `-` and every file by the path it was reached by, which
    // is never `-` alone (a `-` argument is standard input).
    (input.name != b"-").then_some(input.name.as_slice())
}

/// The finding of a rule with only a `path` (a gitleaks rule that flags a file by its name): at
/// the start of the input, empty, with `path` as its encoding.
fn path_finding(id: &str) -> (Finding, Position) {
    (
        Finding {
            offset: 0,
            length: 0,
            kind: Kind::Rule,
            id: id.to_owned(),
            partial: false,
            encoding: "path".to_owned(),
        },
        Position {
            line: 1,
            column: 1,
            offset: 0,
        },
    )
}

/// Scans every input in order, each with its scanner (`fitted`, an index in `plan.scanners`):
/// runs of small regular files in parallel, each larger input or pipe in parallel windows. Stops
/// at the first input that cannot be read.
fn scan_inputs(
    plan: &Plan,
    inputs: &[Input],
    fitted: &[usize],
    report: &mut Report<'_>,
) -> Result<(), InputError> {
    let total: u64 = inputs.iter().map(Input::size_on_disk).sum();
    let windows = Windows::default();
    let mut batch: Vec<Item<'_>> = Vec::new();
    let mut batch_bytes = 0;
    for (input, &k) in inputs.iter().zip(fitted) {
        let (scanner, hits) = &plan.scanners[k];
        let (stream, size) = input.open()?;
        if size > 0 && size <= SMALL_INPUT {
            batch.push(Item {
                input,
                scanner,
                hits,
                stream,
            });
            batch_bytes += size;
            if batch.len() >= BATCH_FILES || batch_bytes >= BATCH_BYTES {
                scan_batch(windows, std::mem::take(&mut batch), report, total)?;
                batch_bytes = 0;
            }
            continue;
        }
        scan_batch(windows, std::mem::take(&mut batch), report, total)?;
        batch_bytes = 0;
        for id in hits {
            let (f, p) = path_finding(id);
            report.found(&input.name, f, p);
        }
        let before = report.bytes;
        let mut events = |event: Event| match event {
            Event::Found(f, p) => {
                report.found(&input.name, f, p);
                report.written.is_ok()
            }
            Event::Scanned(n) => {
                report.sink.progress(before + n as u64, total);
                report.written.is_ok()
            }
        };
        let size = match stream::scan_reader(scanner, windows, stream, &mut events) {
            Ok(size) => size,
            // Stopped because stdout is gone: the caller says so.
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return Ok(()),
            Err(e) => return Err(input.error(e)),
        };
        report.bytes = before + size as u64;
    }
    scan_batch(windows, batch, report, total)
}

/// A small file of a batch, with its scanner and the path-only rules that flag it.
struct Item<'a> {
    input: &'a Input,
    scanner: &'a Scanner,
    hits: &'a [String],
    stream: small_file::Stream,
}

/// Scans small files side by side, then reports them in order.
fn scan_batch(
    windows: Windows,
    batch: Vec<Item<'_>>,
    report: &mut Report<'_>,
    total: u64,
) -> Result<(), InputError> {
    let results: Vec<_> = batch
        .into_par_iter()
        .map(|item| {
            let mut found = Vec::new();
            let size = stream::scan_inline(item.scanner, windows, item.stream, &mut |f, p| {
                found.push((f, p))
            });
            (item.input, item.hits, size, found)
        })
        .collect();
    for (input, hits, size, found) in results {
        let size = size.map_err(|e| input.error(e))?;
        for (f, p) in hits.iter().map(|id| path_finding(id)).chain(found) {
            report.found(&input.name, f, p);
        }
        report.bytes += size as u64;
        report.sink.progress(report.bytes, total);
        if report.written.is_err() {
            break;
        }
    }
    Ok(())
}

/// Collects a streamed scan: the bytes it printed and the findings.
#[derive(Default)]
struct Collect {
    stdout: Vec<u8>,
    found: Vec<Located>,
}

impl Sink for Collect {
    fn stdout(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.stdout.extend_from_slice(bytes);
        Ok(())
    }

    fn found(&mut self, located: &Located) {
        self.found.push(located.clone());
    }
}
