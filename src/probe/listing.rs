//! `sealprobe probes list | show ID | emit [--format F] --out DIR`: the suite made visible and reusable by
//! other tools (SPEC 7.3). Same shape as the commands of [`crate::command`]: options in, exit
//! status and output bytes out.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::case::{Case, Entry};
use super::record::{self, RecordFormat};
use super::{Filter, case_set_digest, materialize, shell_quote};
use crate::command::{Exit, Ran};
use crate::escape;

/// What `probes` does.
#[derive(Debug, Clone)]
pub enum Action {
    List,
    Show(String),
    /// Write the chosen cases into the folder, with the records of these formats (none named:
    /// every format).
    Emit(PathBuf, Vec<&'static RecordFormat>),
}

/// The options of `sealprobe probes`.
#[derive(Debug, Clone)]
pub struct Options {
    pub action: Action,
    pub seed: u64,
    pub filter: Filter,
    /// Folders of data families and case folders loaded besides the suite (`--probes`).
    pub probes: Vec<std::path::PathBuf>,
}

fn problems_ran(problems: Vec<String>) -> Ran<()> {
    let mut text = String::from("sealprobe probes: the probe suite is broken:\n");
    for p in problems {
        let _ = writeln!(text, "  {p}");
    }
    Ran {
        exit: Exit::Fail,
        stdout: Vec::new(),
        stderr: text.into_bytes(),
        outcome: None,
    }
}

pub fn run(opts: &Options) -> Ran<()> {
    let cases = match super::suite_with(opts.seed, &opts.probes) {
        Ok(c) => c,
        Err(super::SuiteError::Broken(p)) => return problems_ran(p),
        Err(super::SuiteError::Usage(p)) => {
            return Ran::usage(
                "probes",
                format!("a --probes folder is malformed:\n  {}", p.join("\n  ")),
            );
        }
    };
    let selection = match opts.filter.compile_for(&cases) {
        Ok(s) => s,
        Err(e) => return Ran::usage("probes", e),
    };
    let chosen = selection.select(&cases);
    match &opts.action {
        Action::List => Ran {
            exit: Exit::Pass,
            stdout: list(&chosen, opts.seed, &cases).into_bytes(),
            stderr: Vec::new(),
            outcome: Some(()),
        },
        Action::Show(id) => match cases.iter().find(|c| &c.id == id) {
            Some(case) => Ran {
                exit: Exit::Pass,
                stdout: show(case, opts.seed).into_bytes(),
                stderr: Vec::new(),
                outcome: Some(()),
            },
            None => Ran::usage(
                "probes",
                "no case has this id; `sealprobe probes list` lists them",
            ),
        },
        Action::Emit(dir, formats) => emit(&chosen, dir, formats),
    }
}

fn list(chosen: &[&Case], seed: u64, all: &[Case]) -> String {
    let width = chosen.iter().map(|c| c.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for c in chosen {
        let classes: Vec<&str> = c.expect.classes().iter().map(|k| k.name()).collect();
        let expect = if c.expect.is_control() {
            "pass".to_owned()
        } else {
            format!("fail-closed {}", classes.join(","))
        };
        let _ = writeln!(
            out,
            "{:<width$}  {:<6}  {}\n{:<width$}  {}",
            c.id,
            c.carrier.name(),
            expect,
            "",
            c.why
        );
    }
    let families: std::collections::BTreeSet<_> = chosen.iter().map(|c| c.family).collect();
    let _ = writeln!(
        out,
        "{} of {} cases, {} families, seed {seed}, case set {}",
        chosen.len(),
        all.len(),
        families.len(),
        case_set_digest(all).to_hex()
    );
    out
}

fn show(c: &Case, seed: u64) -> String {
    let mut out = String::new();
    let classes: Vec<&str> = c.expect.classes().iter().map(|k| k.name()).collect();
    let needs: Vec<&str> = c.needs.iter().map(|n| n.name()).collect();
    let _ = writeln!(out, "id:       {}", c.id);
    let _ = writeln!(out, "why:      {}", c.why);
    let _ = writeln!(out, "carrier:  {}", c.carrier.name());
    let _ = writeln!(out, "expect:   {} {}", c.expect.name(), classes.join(" "));
    let _ = writeln!(out, "needs:    {}", needs.join(" "));
    if let Some(now) = c.now {
        let _ = writeln!(out, "now:      {now}");
    }
    let _ = writeln!(out, "canaries: {}", c.canaries.len());
    let _ = writeln!(out, "tree:");
    for e in &c.inputs.tree {
        let what = match e {
            Entry::File { bytes, .. } => format!("{} bytes", bytes.len()),
            Entry::Sparse { len, .. } => format!("sparse, {len} bytes"),
            Entry::Symlink { target, .. } => format!("-> {}", escape::name(target)),
            Entry::Folder { .. } | Entry::Fifo { .. } => String::new(),
        };
        let line = format!("  {:<8} {}  {what}", e.kind(), escape::name(e.path()));
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let len = |b: &Option<Vec<u8>>| b.as_ref().map(|b| b.len() as u64);
    let mut inputs = vec![
        ("seal.json", c.seal_len()),
        ("packet.json", len(&c.inputs.packet)),
        ("key", len(&c.inputs.key)),
    ];
    for (name, bytes) in &c.inputs.records {
        if let Some(f) = crate::probe::record::by_name(name) {
            inputs.push((f.file, Some(bytes.len() as u64)));
        }
    }
    for (name, bytes) in inputs {
        if let Some(n) = bytes {
            let _ = writeln!(out, "{name:<12} {n} bytes");
        }
    }
    let id = shell_quote(&c.id);
    let _ = writeln!(out, "rerun:    sealprobe gate --case {id} --seed {seed}");
    let _ = writeln!(
        out,
        "as files: sealprobe probes emit --case {id} --seed {seed} --out DIR"
    );
    out
}

fn emit(chosen: &[&Case], dir: &std::path::Path, asked: &[&'static RecordFormat]) -> Ran<()> {
    if chosen.is_empty() {
        return Ran::stopped(Exit::Fail, "probes", "no case matches the filter");
    }
    let formats: Vec<RecordFormat> = if asked.is_empty() {
        record::FORMATS.to_vec()
    } else {
        asked.iter().map(|f| **f).collect()
    };
    // Asked for formats, as the gate does for a validator of them: a case none of them carries
    // (packet cases included) is left out, and counted, never written with its point missing.
    // Asked for none, every case is written with every record.
    let (kept, left): (Vec<&Case>, Vec<&Case>) = chosen
        .iter()
        .partition(|c| asked.is_empty() || c.carried_by(formats.iter()));
    if kept.is_empty() {
        return Ran::stopped(
            Exit::Fail,
            "probes",
            "no case of the selection can be written in the formats asked for",
        );
    }
    for c in &kept {
        let folder = dir.join(c.family.name()).join(c.name());
        if folder.symlink_metadata().is_ok() {
            return Ran::stopped(
                Exit::Fail,
                "probes",
                format_args!(
                    "{} already exists; emit into an empty folder",
                    escape::name(folder.as_os_str().as_encoded_bytes())
                ),
            );
        }
        if materialize::emit(c, dir, &formats).is_err() {
            return Ran::stopped(
                Exit::Fail,
                "probes",
                format_args!("cannot write case {}", c.id),
            );
        }
    }
    let mut stderr = format!(
        "sealprobe probes: {} cases written to {}\n",
        kept.len(),
        escape::name(dir.as_os_str().as_encoded_bytes())
    );
    if !left.is_empty() {
        let names: Vec<&str> = formats.iter().map(|f| f.name).collect();
        let _ = writeln!(
            stderr,
            "sealprobe probes: {} cases left out: beyond the formats asked for ({}), as the gate would not run them",
            left.len(),
            names.join(", ")
        );
    }
    Ran {
        exit: Exit::Pass,
        stdout: Vec::new(),
        stderr: stderr.into_bytes(),
        outcome: Some(()),
    }
}
