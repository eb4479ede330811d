//! `sealprobe scan`: build the scanner (built-in rules, secrets, more rules), scan every input,
//! render the findings.

use std::path::PathBuf;

use super::{Exit, Ran, shown};
use crate::leak::{self, ScannerBuilder};
use crate::report::scan::Located;
use crate::report::{self, Format, Report as _, ScanReport};
use crate::small_file::{self, Source};

/// The options of `sealprobe scan`.
#[derive(Debug, Clone)]
pub struct Options {
    pub secrets: Option<PathBuf>,
    pub rules: Option<PathBuf>,
    pub format: Format,
    /// Files or folders; none or `-` for standard input.
    pub paths: Vec<PathBuf>,
}

pub fn run(opts: &Options) -> Ran<Vec<Located>> {
    let mut builder = ScannerBuilder::new().rules(leak::rules::builtin());
    if let Some(path) = &opts.secrets {
        let text = match small_file::read(&Source::from_arg(path), small_file::DEFAULT_LIMIT) {
            Ok(t) => t,
            Err(e) => {
                return Ran::usage("scan", format_args!("the secrets file {} {e}", shown(path)));
            }
        };
        for line in text.split(|b| *b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if !line.is_empty() {
                builder = builder.secret(line);
            }
        }
    }
    if let Some(path) = &opts.rules {
        let text = match small_file::read(&Source::from_arg(path), small_file::DEFAULT_LIMIT) {
            Ok(t) => t,
            Err(e) => {
                return Ran::usage("scan", format_args!("the rules file {} {e}", shown(path)));
            }
        };
        let Ok(text) = String::from_utf8(text) else {
            return Ran::usage("scan", "the rules file is not UTF-8");
        };
        match leak::rules::from_toml(&text) {
            Ok(more) => builder = builder.rules(more),
            Err(e) => return Ran::usage("scan", e),
        }
    }
    let scanner = match builder.build() {
        Ok(s) => s,
        Err(e) => return Ran::usage("scan", e),
    };
    let inputs = match leak::input::collect(&opts.paths) {
        Ok(inputs) => inputs,
        Err(e) => return Ran::usage("scan", e),
    };
    let mut found = Vec::new();
    let mut bytes: u64 = 0;
    for input in inputs {
        let data = match input.read() {
            Ok(d) => d,
            Err(e) => return Ran::usage("scan", e),
        };
        bytes = bytes.saturating_add(data.len() as u64);
        let findings = scanner.scan(&data);
        found.extend(report::scan::locate(&input.name, &data, findings));
    }
    let stdout = ScanReport {
        found: &found,
        bytes,
    }
    .render(opts.format);
    Ran {
        exit: if found.is_empty() {
            Exit::Pass
        } else {
            Exit::Fail
        },
        stdout,
        stderr: Vec::new(),
        outcome: Some(found),
    }
}
