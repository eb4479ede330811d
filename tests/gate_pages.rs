//! The gate's Markdown and HTML reports (SPEC 7.4, 7.5: a compatibility matrix, one column per
//! validator). One run of real cases (`bom/*`, `filesystem/missing*`) against the built-in
//! validator and a fake that accepts everything, whose name holds `|`, `<`, `&` and `"`; the
//! Markdown is read back structurally, and the HTML page is rendered by headless Chromium and
//! its DOM read back. That one test needs Debian's Chromium and is opt-in: it is `#[ignore]`d, so
//! `cargo test --workspace` on a machine with only a Rust toolchain lists it as ignored, and
//! `cargo test --test gate_pages -- --ignored` runs it (`.ci/run` always does). Asked for and
//! Chromium missing is a failure with a message that says how to install it, never a skip.

use std::collections::BTreeSet;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use regex::Regex;
use sealprobe::gate::{
    self, Builtin, Ending, GateRun, Observation, RunOptions, Validator, Verdict, page,
};
use sealprobe::probe::{Case, Family, Filter, case_set_digest, shell_quote, suite};
use sealprobe::workspace::Workspace;

/// A validator name that breaks Markdown tables and HTML if either is not escaped.
const FAKE: &str = r#"accept|all <em>x</em> & "y" 'z'"#;

/// Accepts every case, naming nothing.
struct AcceptsAll;

impl Validator for AcceptsAll {
    fn name(&self) -> String {
        FAKE.to_owned()
    }

    fn meets(&self, _: &Case) -> bool {
        true
    }

    fn run(&self, _: &Case, _: &Workspace) -> Vec<Observation> {
        vec![Observation::new("accepts-all", Ending::Exited(0))]
    }

    fn rerun_arg(&self) -> Option<String> {
        Some(FAKE.to_owned())
    }
}

/// The run every test reads (made once).
fn run() -> &'static GateRun {
    static RUN: OnceLock<GateRun> = OnceLock::new();
    RUN.get_or_init(|| {
        let all = suite(0).expect("the probe suite");
        let filter = Filter {
            families: Vec::new(),
            globs: vec!["bom/*".into(), "filesystem/missing*".into()],
        };
        let selection = filter.compile().unwrap();
        let digest = case_set_digest(&all);
        let cases: Vec<Arc<Case>> = all
            .into_iter()
            .filter(|c| selection.admits(c))
            .map(Arc::new)
            .collect();
        let validators: Vec<Arc<dyn Validator>> = vec![Arc::new(Builtin), Arc::new(AcceptsAll)];
        let opts = RunOptions {
            jobs: 2,
            timeout: Duration::from_secs(30),
            progress: sealprobe::gate::Progress::Quiet,
            work_dir: gate::default_work_dir(),
        };
        let run = gate::run_with(cases, digest, 0, filter, validators, &opts);
        assert_eq!(run.results.len(), run.expected());
        run
    })
}

/// The families of the run, in the matrix's order.
fn families(run: &GateRun) -> Vec<Family> {
    let set: BTreeSet<Family> = run.cases.iter().map(|c| c.family).collect();
    set.into_iter().collect()
}

/// `held/ran` for one validator over the cases `pick` selects, counted from the results alone.
fn expected_cell(run: &GateRun, validator: &str, pick: impl Fn(&Case) -> bool) -> String {
    let mut held = 0;
    let mut ran = 0;
    for r in &run.results {
        let case = run.case(&r.id).unwrap();
        if r.validator != validator || !pick(case) || r.verdict == Verdict::NotApplicable {
            continue;
        }
        ran += 1;
        if r.verdict.holds() {
            held += 1;
        }
    }
    if ran == 0 {
        "n/a".into()
    } else {
        format!("{held}/{ran}")
    }
}

fn failed(run: &GateRun) -> Vec<&sealprobe::gate::CaseResult> {
    run.results.iter().filter(|r| !r.verdict.holds()).collect()
}

#[test]
fn the_run_has_what_the_pages_must_show() {
    let run = run();
    assert_eq!(families(run), vec![Family::Bom, Family::Filesystem]);
    assert!(
        run.cases
            .iter()
            .any(|c| c.id.starts_with("filesystem/missing"))
    );
    // The built-in validator holds every case; the fake fails open on every hostile one.
    assert!(
        run.results
            .iter()
            .filter(|r| r.validator == "builtin")
            .all(|r| r.verdict == Verdict::Ok)
    );
    assert!(!failed(run).is_empty());
    assert!(failed(run).iter().all(|r| r.validator == FAKE));
    assert!(!run.passed());
}

// ---------------------------------------------------------------------------------------------
// Markdown

/// The cells of a Markdown table row: split at every `|` not escaped by a backslash.
fn md_cells(line: &str) -> Vec<String> {
    let inner = line
        .trim()
        .strip_prefix('|')
        .unwrap()
        .strip_suffix('|')
        .unwrap();
    let mut cells = vec![String::new()];
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let last = cells.last_mut().unwrap();
                last.push('\\');
                if let Some(n) = chars.next() {
                    last.push(n);
                }
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    cells.into_iter().map(|c| c.trim().to_owned()).collect()
}

/// The content of a code span (`s` is exactly one).
fn md_code(s: &str) -> String {
    let fence = s.chars().take_while(|c| *c == '`').count();
    assert!(fence > 0, "not a code span: {s}");
    let body = &s[fence..s.len() - fence];
    assert!(s.ends_with(&"`".repeat(fence)), "not a code span: {s}");
    let body = if body.len() >= 2 && body.starts_with(' ') && body.ends_with(' ') {
        &body[1..body.len() - 1]
    } else {
        body
    };
    body.to_owned()
}

/// Markdown prose without its backslash escapes.
fn md_unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

#[test]
fn markdown_has_the_matrix_and_every_run_that_did_not_hold() {
    let run = run();
    let md = String::from_utf8(page::markdown(run)).unwrap();
    let lines: Vec<&str> = md.lines().collect();
    assert_eq!(lines[0], "# sealprobe gate: FAIL", "{md}");
    assert!(md.contains(&format!("- case set: `{}`", run.case_set.to_hex())));
    assert!(md.contains("- seed: `0`"));

    // The table: header, rule, a row per family, the total.
    let table: Vec<&str> = lines
        .iter()
        .copied()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .collect();
    let fams = families(run);
    assert_eq!(table.len(), 2 + fams.len() + 1, "{md}");
    let header = md_cells(table[0]);
    assert_eq!(header.len(), 1 + run.validators.len(), "{}", table[0]);
    assert_eq!(header[0], "family");
    // In a table cell, GFM reads `\|` inside a code span as `|`.
    let names: Vec<String> = header[1..]
        .iter()
        .map(|c| md_code(c).replace("\\|", "|"))
        .collect();
    assert_eq!(names, run.validators);
    assert_eq!(names[1], FAKE);
    let rule = md_cells(table[1]);
    assert_eq!(rule.len(), header.len());
    assert!(rule.iter().all(|c| c.contains("---")), "{}", table[1]);
    for (row, family) in table[2..].iter().zip(&fams) {
        let cells = md_cells(row);
        assert_eq!(cells.len(), header.len(), "{row}");
        assert_eq!(cells[0], family.name());
        for (cell, v) in cells[1..].iter().zip(&run.validators) {
            assert_eq!(
                *cell,
                expected_cell(run, v, |c| c.family == *family),
                "{row}"
            );
        }
    }
    let total = md_cells(table[table.len() - 1]);
    assert_eq!(total.len(), header.len());
    assert_eq!(total[0], "**total**");
    for (cell, v) in total[1..].iter().zip(&run.validators) {
        assert_eq!(
            cell.trim_matches('*'),
            expected_cell(run, v, |_| true),
            "{md}"
        );
    }

    // Every run that did not hold: a heading naming the case and the validator, then its
    // outcome, why and rerun command (a code span).
    let failures = failed(run);
    assert!(
        md.contains(&format!(
            "\n## Runs that did not hold ({})\n",
            failures.len()
        )),
        "{md}"
    );
    let sections: Vec<&str> = md.split("\n### ").skip(1).collect();
    assert_eq!(sections.len(), failures.len());
    for (r, section) in failures.iter().zip(&sections) {
        let case = run.case(&r.id).unwrap();
        let mut lines = section.lines();
        let heading = lines.next().unwrap();
        let (id, validator) = heading.split_once(" on ").unwrap();
        assert_eq!(md_code(id), r.id);
        assert_eq!(md_code(validator), r.validator);
        let field = |name: &str| {
            section
                .lines()
                .find_map(|l| l.strip_prefix(&format!("- {name}: ")))
                .unwrap_or_else(|| panic!("no {name} in {section}"))
                .to_owned()
        };
        assert!(
            field("outcome").starts_with(&format!("**{}**: ", r.verdict.name())),
            "{section}"
        );
        assert_eq!(md_unescape(&field("why")), case.why);
        let rerun = md_code(&field("rerun"));
        assert_eq!(rerun, run.rerun(&r.id, &r.validator));
        assert!(rerun.contains(&format!("--case {}", r.id)), "{rerun}");
        assert!(
            rerun.ends_with(&format!(" --validator {}", shell_quote(FAKE))),
            "{rerun}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// HTML, rendered by Chromium

/// Debian's Chromium, or a failure that says how to get it.
fn chromium() -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("chromium"))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "chromium is not installed: install Debian's chromium (`apt-get install -y chromium`, \
             /usr/bin/chromium); this test renders the HTML report in headless Chromium and does \
             not skip without it"
        )
    })
}

/// The DOM Chromium builds from the page at `path`, serialized (`--dump-dom`).
fn dump_dom(path: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", path.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start chromium ({e}): install Debian's chromium"));
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium did not finish within 20 s: {}",
                err.join().unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let dom = out.join().unwrap();
    let err = err.join().unwrap();
    assert!(status.success(), "chromium failed ({status}): {err}");
    assert!(
        dom.contains("<table"),
        "chromium dumped no table: {dom}\n{err}"
    );
    dom
}

/// Text of serialized HTML: tags removed, character references decoded.
fn text_of(html: &str) -> String {
    let tags = Regex::new(r"<[^>]*>").unwrap();
    decode(&tags.replace_all(html, ""))
}

fn decode(s: &str) -> String {
    let refs = Regex::new(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);").unwrap();
    refs.replace_all(s, |c: &regex::Captures| {
        let r = &c[1];
        let ch = if let Some(hex) = r.strip_prefix("#x") {
            u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
        } else if let Some(dec) = r.strip_prefix('#') {
            dec.parse().ok().and_then(char::from_u32)
        } else {
            match r {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => None,
            }
        };
        ch.map_or_else(|| c[0].to_owned(), String::from)
    })
    .into_owned()
}

/// One cell of the rendered matrix.
#[derive(Debug)]
struct DomCell {
    tag: String,
    class: Option<String>,
    href: Option<String>,
    text: String,
}

/// The rows of `<table id="matrix">`, each a list of its cells.
fn matrix_rows(dom: &str) -> Vec<Vec<DomCell>> {
    let start = dom
        .find(r#"<table id="matrix""#)
        .unwrap_or_else(|| panic!("no table#matrix in {dom}"));
    let end = start + dom[start..].find("</table>").unwrap();
    let table = &dom[start..end];
    let row = Regex::new(r"(?s)<tr[^>]*>(.*?)</tr>").unwrap();
    let cell = Regex::new(r#"(?s)<(th|td)([^>]*)>(.*?)</(?:th|td)>"#).unwrap();
    let class = Regex::new(r#"\bclass="([^"]*)""#).unwrap();
    let href = Regex::new(r#"<a\b[^>]*\bhref="([^"]*)""#).unwrap();
    row.captures_iter(table)
        .map(|r| {
            cell.captures_iter(&r[1])
                .map(|c| DomCell {
                    tag: c[1].to_owned(),
                    class: class.captures(&c[2]).map(|m| decode(&m[1])),
                    href: href.captures(&c[3]).map(|m| decode(&m[1])),
                    text: text_of(&c[3]).trim().to_owned(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn html_is_self_contained_and_escaped() {
    let run = run();
    let html = String::from_utf8(page::html(run)).unwrap();
    let lower = html.to_lowercase();
    for forbidden in [
        "<script", "<link", "<img", "<iframe", " src=", "url(", "@import",
    ] {
        assert!(!lower.contains(forbidden), "the page holds {forbidden}");
    }
    assert!(!lower.contains("http://") && !lower.contains("https://"));
    assert!(lower.contains("<style>"));
    // The fake's name never appears raw: its `<em>` would be markup.
    assert!(!html.contains(FAKE));
    assert!(!html.contains("<em>"));
    assert!(html.contains("accept|all &lt;em&gt;x&lt;/em&gt; &amp; &quot;y&quot; &#39;z&#39;"));
    // Ids are unique, and every link is to one of them.
    let id = Regex::new(r#"\bid="([^"]*)""#).unwrap();
    let ids: Vec<&str> = id
        .captures_iter(&html)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "an id is used twice");
    for id in &ids {
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "{id}"
        );
    }
    let href = Regex::new(r#"\bhref="([^"]*)""#).unwrap();
    for h in href.captures_iter(&html) {
        let target = h[1].strip_prefix('#').expect("only links within the page");
        assert!(
            unique.contains(target),
            "a link to #{target}, which is not there"
        );
    }
}

#[test]
#[ignore = "opt-in, needs Chromium: cargo test --test gate_pages -- --ignored (README, Tests)"]
fn html_matrix_renders_in_chromium() {
    let run = run();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gate.html");
    std::fs::write(&path, page::html(run)).unwrap();
    let started = Instant::now();
    let dom = dump_dom(&path);
    let took = started.elapsed();

    let rows = matrix_rows(&dom);
    let fams = families(run);
    let columns = 1 + run.validators.len();
    assert_eq!(rows.len(), 1 + fams.len() + 1, "{rows:#?}");
    for r in &rows {
        assert_eq!(r.len(), columns, "{r:#?}");
        assert_eq!(r[0].tag, "th");
    }
    // The header: `family`, then the validators' names as text (escaped, not markup).
    let header: Vec<&str> = rows[0].iter().map(|c| c.text.as_str()).collect();
    assert_eq!(header[0], "family");
    assert_eq!(
        header[1..],
        run.validators
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()[..]
    );
    assert_eq!(header[2], FAKE);
    assert!(!dom.contains("<em>"), "the fake's name became markup");

    // A row per family, then the total; each cell `held/ran`, coloured by its class, and a
    // link to a section that exists.
    let id = Regex::new(r#"\bid="([^"]*)""#).unwrap();
    let ids: BTreeSet<String> = id.captures_iter(&dom).map(|c| decode(&c[1])).collect();
    let body = &rows[1..];
    for (i, row) in body.iter().enumerate() {
        let family = fams.get(i);
        assert_eq!(row[0].text, family.map_or("total", |f| f.name()));
        for (cell, v) in row[1..].iter().zip(&run.validators) {
            assert_eq!(cell.tag, "td");
            let expected = expected_cell(run, v, |c| family.is_none_or(|f| c.family == *f));
            assert_eq!(cell.text, expected, "{family:?} {v}");
            let (held, ran) = expected.split_once('/').unwrap();
            let class = if held == ran { "held" } else { "failed" };
            assert_eq!(cell.class.as_deref(), Some(class), "{cell:?}");
            let href = cell.href.as_deref().expect("a cell links to its section");
            let target = href.strip_prefix('#').expect("a link within the page");
            assert!(ids.contains(target), "#{target} is not in the DOM");
        }
    }
    // The fake's column is all failures, the built-in one all held.
    assert!(body.iter().all(|r| r[1].class.as_deref() == Some("held")));
    assert!(body.iter().all(|r| r[2].class.as_deref() == Some("failed")));

    // Every run that did not hold is an element of its own, with its why and rerun command.
    let article = Regex::new(r#"(?s)<article class="run" id="([^"]*)">(.*?)</article>"#).unwrap();
    let heading = Regex::new(r"(?s)<h4>(.*?)</h4>").unwrap();
    let rerun_code = Regex::new(r#"(?s)<code class="rerun">(.*?)</code>"#).unwrap();
    // (id, case id, rerun command, all text)
    let articles: Vec<(String, String, String, String)> = article
        .captures_iter(&dom)
        .map(|c| {
            let inner = &c[2];
            let field = |re: &Regex| {
                re.captures(inner)
                    .map(|m| text_of(&m[1]))
                    .unwrap_or_else(|| panic!("{inner}"))
            };
            (
                decode(&c[1]),
                field(&heading),
                field(&rerun_code),
                text_of(inner),
            )
        })
        .collect();
    let failures = failed(run);
    assert_eq!(articles.len(), failures.len());
    let mut seen = BTreeSet::new();
    for r in &failures {
        let case = run.case(&r.id).unwrap();
        let rerun = run.rerun(&r.id, &r.validator);
        let (id, _, _, text) = articles
            .iter()
            .find(|(_, case_id, command, _)| *case_id == r.id && *command == rerun)
            .unwrap_or_else(|| panic!("no section for {} on {}", r.id, r.validator));
        assert!(ids.contains(id));
        assert!(text.contains(&case.why), "{text}");
        assert!(text.contains(r.verdict.name()), "{text}");
        assert!(seen.insert(id.clone()), "two runs share the id {id}");
    }
    assert!(took < Duration::from_secs(10), "chromium took {took:?}");
}
