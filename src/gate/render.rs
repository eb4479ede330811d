//! What a gate run prints: the per-family table (human), `sealprobe-gate/1` (JSON) and JUnit.
//! Every case that did not hold is named with its `why` and the command that reruns it alone,
//! in every format.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::GateRun;
use super::judge::Verdict;
use super::runner::CaseResult;
use crate::probe::case::{Case, Family};
use crate::probe::features::Feature;
use crate::probe::record::feature_words;
use crate::strict_json::canonical::{build, file_form};
use crate::strict_json::{Node, Value};

/// The value of the JSON report's `format` field.
pub const GATE_FORMAT: &str = "sealprobe-gate/1";

/// Counts per family (and in total).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub cases: usize,
    pub failed_closed: usize,
    pub failed_open: usize,
    pub wrong_class: usize,
    pub leaks: usize,
    pub crashes: usize,
    pub timeouts: usize,
    pub controls: usize,
    pub controls_passed: usize,
    pub not_applicable: usize,
    /// The not-applicable cases whose drift the validator's record cannot express.
    pub beyond_format: usize,
    pub known_failures: usize,
}

impl Tally {
    fn add(&mut self, case: &Case, r: &CaseResult) {
        self.cases += 1;
        // A control the validator could not be given is not a control it passed or failed.
        if case.expect.is_control() && r.verdict != Verdict::NotApplicable {
            self.controls += 1;
        }
        match r.verdict {
            Verdict::Ok if case.expect.is_control() => self.controls_passed += 1,
            Verdict::Ok => self.failed_closed += 1,
            Verdict::FailedOpen => self.failed_open += 1,
            Verdict::WrongClass => self.wrong_class += 1,
            Verdict::Leak => self.leaks += 1,
            Verdict::Crash => self.crashes += 1,
            Verdict::Timeout => self.timeouts += 1,
            Verdict::ControlFailed => {}
            Verdict::NotApplicable => {
                self.not_applicable += 1;
                if !r.beyond.is_empty() {
                    self.beyond_format += 1;
                }
            }
            Verdict::KnownFailure => self.known_failures += 1,
        }
    }
}

/// The tally of every family that has selected cases, and the total, for one validator (or all
/// of them together when `validator` is `None`).
pub fn tallies(run: &GateRun, validator: Option<&str>) -> (BTreeMap<Family, Tally>, Tally) {
    let mut per: BTreeMap<Family, Tally> = BTreeMap::new();
    let mut total = Tally::default();
    for r in &run.results {
        if validator.is_some_and(|v| v != r.validator) {
            continue;
        }
        if let Some(case) = run.case(&r.id) {
            per.entry(case.family).or_default().add(case, r);
            total.add(case, r);
        }
    }
    (per, total)
}

/// Every run that did not hold, with its case, in the run's order (the table, the Markdown and
/// the HTML list the same runs).
pub(crate) fn not_held(run: &GateRun) -> Vec<(&CaseResult, &Case)> {
    run.results
        .iter()
        .filter(|r| !r.verdict.holds())
        .filter_map(|r| run.case(&r.id).map(|c| (r, c)))
        .collect()
}

/// A name or a line from outside (a validator's template, a detail holding a known-failures
/// reason) as the human report shows it: control, bidi and invisible characters escaped,
/// token-shaped text redacted, like every echoed name.
fn shown(text: &str) -> String {
    crate::escape::name(text.as_bytes())
}

/// What is wrong with the known-failures list, one line each (stale and unknown entries), as
/// every report says it.
pub(crate) fn known_list_problems(run: &GateRun) -> Vec<String> {
    let stale = run.known.stale.iter().map(|(id, validator)| {
        format!(
            "STALE known failure {id} [{}]: the case now holds; remove it from the known-failures list",
            shown(validator)
        )
    });
    let unknown = run.known.unknown.iter().map(|id| {
        format!(
            "UNKNOWN known failure {}: the id matches no case of the suite",
            shown(id)
        )
    });
    stale.chain(unknown).collect()
}

/// Lays out rows of cells by display width (a wide character takes two columns): the first
/// column left-aligned, the others right-aligned, a rule before the last row.
fn grid(rows: &[Vec<String>], out: &mut String) {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; columns];
    for r in rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(crate::escape::width(cell));
        }
    }
    for (i, r) in rows.iter().enumerate() {
        if i + 1 == rows.len() && rows.len() > 2 {
            let width = widths.iter().sum::<usize>() + 2 * columns.saturating_sub(1);
            let _ = writeln!(out, "{}", "-".repeat(width));
        }
        let mut line = String::new();
        for (j, (cell, w)) in r.iter().zip(&widths).enumerate() {
            let pad = w.saturating_sub(crate::escape::width(cell));
            if j == 0 {
                let _ = write!(line, "{cell}{}", " ".repeat(pad));
            } else {
                let _ = write!(line, "  {}{cell}", " ".repeat(pad));
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

/// One validator's table: a row per family and the total.
fn detail_table(run: &GateRun, validator: &str, out: &mut String) {
    let (per, total) = tallies(run, Some(validator));
    let row = |name: &str, t: &Tally| -> Vec<String> {
        vec![
            name.to_owned(),
            t.cases.to_string(),
            t.failed_closed.to_string(),
            t.failed_open.to_string(),
            t.wrong_class.to_string(),
            t.leaks.to_string(),
            t.crashes.to_string(),
            t.timeouts.to_string(),
            format!("{}/{}", t.controls_passed, t.controls),
            t.not_applicable.to_string(),
        ]
    };
    let header = [
        "family",
        "cases",
        "failed closed",
        "failed open",
        "wrong class",
        "leaks",
        "crashes",
        "timeouts",
        "controls",
        "n/a",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| (*h).to_owned()).collect()];
    rows.extend(per.iter().map(|(f, t)| row(f.name(), t)));
    rows.push(row("total", &total));
    grid(&rows, out);
}

/// The compatibility matrix: a row per family, a column per validator, each cell the cases that
/// held of those the validator could be given (`n/a` when it could be given none).
fn matrix(run: &GateRun, out: &mut String) {
    let cell = |t: Option<&Tally>| match t {
        Some(t) if t.cases > t.not_applicable => {
            let ran = t.cases - t.not_applicable;
            let held = t.failed_closed + t.controls_passed + t.known_failures;
            format!("{held}/{ran}")
        }
        _ => "n/a".to_owned(),
    };
    let per: Vec<(BTreeMap<Family, Tally>, Tally)> = run
        .validators
        .iter()
        .map(|v| tallies(run, Some(v)))
        .collect();
    let mut families: Vec<Family> = per.iter().flat_map(|(p, _)| p.keys().copied()).collect();
    families.sort();
    families.dedup();
    let mut rows = vec![
        std::iter::once("family".to_owned())
            .chain(run.validators.iter().cloned())
            .collect::<Vec<_>>(),
    ];
    for f in families {
        rows.push(
            std::iter::once(f.name().to_owned())
                .chain(per.iter().map(|(p, _)| cell(p.get(&f))))
                .collect(),
        );
    }
    rows.push(
        std::iter::once("total".to_owned())
            .chain(per.iter().map(|(_, t)| cell(Some(t))))
            .collect(),
    );
    grid(&rows, out);
}

/// The human report: the table (one validator) or the matrix (several), every case that did not
/// hold with its why and rerun command, the suite's identity and the verdict.
pub fn table(run: &GateRun) -> String {
    let mut out = String::new();
    let several = run.validators.len() > 1;
    match run.validators.as_slice() {
        [one] => detail_table(run, one, &mut out),
        _ => matrix(run, &mut out),
    }
    let (_, total) = tallies(run, None);
    let failures = not_held(run);
    // With several validators, each line names whose run it was.
    let who = |validator: &str| {
        if several {
            format!(" [{}]", shown(validator))
        } else {
            String::new()
        }
    };
    if !failures.is_empty() {
        let _ = writeln!(out);
        for (r, c) in &failures {
            let who = who(&r.validator);
            let _ = writeln!(
                out,
                "{} {}{who}: {}",
                r.verdict.name().to_uppercase(),
                c.id,
                shown(&r.detail)
            );
            let _ = writeln!(out, "  why:   {}", c.why);
            let _ = writeln!(out, "  rerun: {}", shown(&run.rerun(&c.id, &r.validator)));
        }
    }
    let problems = known_list_problems(run);
    if !problems.is_empty() {
        let _ = writeln!(out);
        for line in problems {
            let _ = writeln!(out, "{line}");
        }
    }
    let refused: Vec<&CaseResult> = run.refused_sentinels().collect();
    if !refused.is_empty() {
        let _ = writeln!(out);
        for r in &refused {
            let who = who(&r.validator);
            let _ = writeln!(
                out,
                "SENTINEL {}{who}: the validator refuses honest input or did not run: {}",
                r.id,
                shown(&r.detail)
            );
            let _ = writeln!(out, "  rerun: {}", shown(&run.rerun(&r.id, &r.validator)));
        }
    }
    let _ = writeln!(out);
    let label = if several { "validators" } else { "validator" };
    let names: Vec<String> = run.validators.iter().map(|v| shown(v)).collect();
    let _ = writeln!(
        out,
        "case set {}  seed {}  {label} {}  {} cases in {:.1} s",
        run.case_set.to_hex(),
        run.seed,
        names.join(", "),
        run.cases.len(),
        run.elapsed.as_secs_f64()
    );
    if let Some((k, n)) = run.partition {
        let _ = writeln!(
            out,
            "partition {k}/{n}: {} of the selected cases",
            run.cases.len()
        );
    }
    let known_leaks = run
        .results
        .iter()
        .filter(|r| r.verdict == Verdict::KnownFailure && r.failures.contains(&Verdict::Leak))
        .count();
    if total.known_failures > 0 {
        let _ = writeln!(
            out,
            "{} known failures (listed, not counted against the gate){}",
            total.known_failures,
            if known_leaks > 0 {
                format!("; {known_leaks} of them leak")
            } else {
                String::new()
            }
        );
    }
    let accepted = run
        .sentinels
        .iter()
        .filter(|r| r.verdict == Verdict::Ok)
        .count();
    let _ = writeln!(
        out,
        "sentinel controls: {accepted} of {} accepted (honest cases run whatever the filters, so a validator that never ran cannot pass)",
        run.sentinels
            .iter()
            .filter(|r| r.verdict != Verdict::NotApplicable)
            .count()
    );
    if total.not_applicable > total.beyond_format {
        let _ = writeln!(
            out,
            "{} runs not applicable: the validator cannot be given the case's inputs (never counted as passed)",
            total.not_applicable - total.beyond_format
        );
    }
    for line in beyond_lines(run) {
        let _ = writeln!(out, "{line}");
    }
    let (word, rest) = verdict(run);
    let _ = writeln!(out, "{word}{rest}");
    out
}

/// One line per validator that met cases beyond its record format (SPEC 7.1): "beyond the
/// format of `sha256sum -c {sums}`: 59 cases need complete folders (37), file types (10) or
/// sizes (12), which its record cannot express (not counted, neither failed nor passed)". The
/// table, the Markdown and the HTML all print these lines.
pub(crate) fn beyond_lines(run: &GateRun) -> Vec<String> {
    let mut per: BTreeMap<&str, (usize, BTreeMap<Feature, usize>)> = BTreeMap::new();
    for r in &run.results {
        if r.verdict != Verdict::NotApplicable || r.beyond.is_empty() {
            continue;
        }
        let entry = per.entry(r.validator.as_str()).or_default();
        entry.0 += 1;
        for f in &r.beyond {
            *entry.1.entry(*f).or_default() += 1;
        }
    }
    run.validators
        .iter()
        .filter_map(|v| {
            let (cases, features) = per.get(v.as_str())?;
            let words: Vec<String> = features
                .iter()
                .map(|(f, n)| format!("{} ({n})", feature_words(*f)))
                .collect();
            Some(format!(
                "beyond the format of {}: {cases} cases need {}, which its record cannot express (not counted, neither failed nor passed)",
                crate::escape::name(v.as_bytes()),
                words.join(", ")
            ))
        })
        .collect()
}

/// The gate's verdict: `PASS` or `FAIL`, and the rest of the last line (from `: ` or ` with`).
/// One function, so the table, the Markdown and the HTML always say the same thing.
pub(crate) fn verdict(run: &GateRun) -> (&'static str, String) {
    let (_, total) = tallies(run, None);
    let known_leaks = run
        .results
        .iter()
        .filter(|r| r.verdict == Verdict::KnownFailure && r.failures.contains(&Verdict::Leak))
        .count();
    if run.passed() && total.known_failures == 0 {
        return (
            "PASS",
            format!(
                ": every probe failed closed, every control passed, nothing leaked ({} hostile, {} controls)",
                total.failed_closed, total.controls_passed
            ),
        );
    }
    if run.passed() {
        return (
            "PASS",
            format!(
                " with {} known failures{}: every other probe failed closed and every other control passed ({} hostile, {} controls)",
                total.known_failures,
                if known_leaks > 0 {
                    format!(", {known_leaks} of which leak")
                } else {
                    String::new()
                },
                total.failed_closed,
                total.controls_passed
            ),
        );
    }
    let failures = not_held(run).len();
    let unchecked = run.unchecked_validators();
    let text = if run.expected() == 0 {
        "no case matched the filters; a gate that runs nothing is no gate".to_owned()
    } else if run.results.len() != run.expected() {
        format!(
            "ran {} of the {} runs the filters select",
            run.results.len(),
            run.expected()
        )
    } else if !run.sentinels_held() {
        "the validator refused a sentinel control (honest input), so its refusals prove nothing"
            .to_owned()
    } else if failures > 0 {
        format!(
            "{failures} of {} runs did not hold ({} held)",
            run.results.len(),
            total.failed_closed + total.controls_passed
        )
    } else if !unchecked.is_empty() {
        let names: Vec<String> = unchecked.iter().map(|v| shown(v)).collect();
        format!(
            "nothing was checked against {}: none of the selected cases, or no sentinel control, could be given to it",
            names.join(", ")
        )
    } else {
        format!(
            "the known-failures list is out of date ({} stale, {} unknown)",
            run.known.stale.len(),
            run.known.unknown.len()
        )
    };
    ("FAIL", format!(": {text}"))
}

fn null() -> Node {
    build::node(Value::Null)
}

/// The `sealprobe-gate/1` report.
pub fn json(run: &GateRun) -> Vec<u8> {
    let (per, total) = tallies(run, None);
    let cases: Vec<Node> = run
        .results
        .iter()
        .filter_map(|r| run.case(&r.id).map(|c| (r, c)))
        .map(|(r, c)| {
            let mut m = vec![
                ("id", build::string(c.id.clone())),
                ("family", build::string(c.family.name())),
                ("expect", build::string(c.expect.name())),
                (
                    "expected_classes",
                    build::array(
                        c.expect
                            .classes()
                            .iter()
                            .map(|k| build::string(k.name()))
                            .collect(),
                    ),
                ),
                ("validator", build::string(r.validator.clone())),
                ("outcome", build::string(r.verdict.name())),
                ("exit", r.exit.map_or_else(null, |e| build::node(number(e)))),
                (
                    "classes",
                    build::array(r.classes.iter().map(|k| build::string(k.name())).collect()),
                ),
                (
                    "features",
                    build::array(c.features.iter().map(|f| build::string(f.name())).collect()),
                ),
                (
                    "beyond",
                    build::array(r.beyond.iter().map(|f| build::string(f.name())).collect()),
                ),
                ("ms", build::uint(r.ms)),
                ("why", build::string(c.why.clone())),
                ("detail", build::string(r.detail.clone())),
            ];
            if !r.verdict.holds() {
                m.push(("rerun", build::string(run.rerun(&c.id, &r.validator))));
            }
            build::object(m)
        })
        .collect();
    let tally = |t: &Tally| {
        build::object([
            ("cases", build::uint(t.cases as u64)),
            ("failed_closed", build::uint(t.failed_closed as u64)),
            ("failed_open", build::uint(t.failed_open as u64)),
            ("wrong_class", build::uint(t.wrong_class as u64)),
            ("leaks", build::uint(t.leaks as u64)),
            ("crashes", build::uint(t.crashes as u64)),
            ("timeouts", build::uint(t.timeouts as u64)),
            ("controls", build::uint(t.controls as u64)),
            ("controls_passed", build::uint(t.controls_passed as u64)),
            ("not_applicable", build::uint(t.not_applicable as u64)),
            ("beyond_format", build::uint(t.beyond_format as u64)),
            ("known_failures", build::uint(t.known_failures as u64)),
        ])
    };
    let families = build::object(
        per.iter()
            .map(|(f, t)| (f.name(), tally(t)))
            .collect::<Vec<_>>(),
    );
    file_form(&build::object([
        ("format", build::string(GATE_FORMAT)),
        ("sealprobe", build::string(env!("CARGO_PKG_VERSION"))),
        ("case_set", build::string(run.case_set.to_hex())),
        (
            "validators",
            build::array(
                run.validators
                    .iter()
                    .map(|v| build::string(v.clone()))
                    .collect(),
            ),
        ),
        ("seed", build::uint(run.seed)),
        ("cases", build::array(cases)),
        (
            "summary",
            build::object([
                ("passed", build::boolean(run.passed())),
                (
                    "stale_known_failures",
                    build::array(
                        run.known
                            .stale
                            .iter()
                            .map(|(id, v)| {
                                build::object([
                                    ("id", build::string(id.clone())),
                                    ("validator", build::string(v.clone())),
                                ])
                            })
                            .collect(),
                    ),
                ),
                (
                    "unknown_known_failures",
                    build::array(
                        run.known
                            .unknown
                            .iter()
                            .map(|id| build::string(crate::escape::name(id.as_bytes())))
                            .collect(),
                    ),
                ),
                (
                    "sentinels",
                    build::array(
                        run.sentinels
                            .iter()
                            .map(|r| {
                                build::object([
                                    ("id", build::string(r.id.clone())),
                                    ("validator", build::string(r.validator.clone())),
                                    ("outcome", build::string(r.verdict.name())),
                                    ("detail", build::string(r.detail.clone())),
                                    ("rerun", build::string(run.rerun(&r.id, &r.validator))),
                                ])
                            })
                            .collect(),
                    ),
                ),
                ("expected", build::uint(run.expected() as u64)),
                ("ran", build::uint(run.results.len() as u64)),
                (
                    "ms",
                    build::uint(u64::try_from(run.elapsed.as_millis()).unwrap_or(u64::MAX)),
                ),
                ("total", tally(&total)),
                ("families", families),
                (
                    "by_validator",
                    build::object(
                        run.validators
                            .iter()
                            .map(|v| (v.clone(), tally(&tallies(run, Some(v)).1)))
                            .collect::<Vec<_>>(),
                    ),
                ),
            ]),
        ),
    ]))
}

/// An exit status as a JSON number (negative statuses do not occur, but are kept exact).
fn number(e: i32) -> Value {
    match u64::try_from(e) {
        Ok(n) => build::uint(n).value,
        Err(_) => Value::String(e.to_string()),
    }
}

/// A JUnit report: one suite per family, one test case per case; a case that did not hold is a
/// failure whose message is the verdict and whose description is the why and the rerun command.
pub fn junit(run: &GateRun) -> Result<Vec<u8>, String> {
    let mut report = Report::new("sealprobe gate");
    let mut suites: BTreeMap<Family, TestSuite> = BTreeMap::new();
    for r in &run.results {
        let Some(case) = run.case(&r.id) else {
            continue;
        };
        let status = if r.verdict.holds() {
            if r.verdict == Verdict::NotApplicable {
                TestCaseStatus::skipped()
            } else {
                TestCaseStatus::success()
            }
        } else {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(format!("{}: {}", r.verdict.name(), r.detail));
            s.set_type(r.verdict.name());
            s.set_description(format!(
                "why: {}\nrerun: {}",
                case.why,
                run.rerun(&case.id, &r.validator)
            ));
            s
        };
        let name = if run.validators.len() > 1 {
            format!("{} [{}]", case.id, r.validator)
        } else {
            case.id.clone()
        };
        let mut tc = TestCase::new(name, status);
        tc.set_classname(format!("sealprobe.{}", case.family.name()));
        tc.set_time(std::time::Duration::from_millis(r.ms));
        suites
            .entry(case.family)
            .or_insert_with(|| TestSuite::new(case.family.name()))
            .add_test_case(tc);
    }
    report.add_test_suites(suites.into_values());
    // The gate fails on these too, so the JUnit report must show them as failures.
    let mut sentinels = TestSuite::new("sentinels");
    for r in &run.sentinels {
        let status = if r.verdict == Verdict::Ok || r.verdict == Verdict::NotApplicable {
            TestCaseStatus::success()
        } else {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(format!(
                "{}: the validator refuses honest input or did not run: {}",
                r.verdict.name(),
                r.detail
            ));
            s.set_type(r.verdict.name());
            s.set_description(format!("rerun: {}", run.rerun(&r.id, &r.validator)));
            s
        };
        let mut tc = TestCase::new(format!("{} [{}]", r.id, r.validator), status);
        tc.set_classname("sealprobe.sentinels");
        tc.set_time(std::time::Duration::from_millis(r.ms));
        sentinels.add_test_case(tc);
    }
    report.add_test_suite(sentinels);
    let problems = known_list_problems(run);
    if !problems.is_empty() {
        let mut list = TestSuite::new("known-failures");
        for (i, line) in problems.into_iter().enumerate() {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(line);
            let mut tc = TestCase::new(format!("entry {}", i + 1), s);
            tc.set_classname("sealprobe.known-failures");
            list.add_test_case(tc);
        }
        report.add_test_suite(list);
    }
    report.set_time(run.elapsed);
    report
        .to_string()
        .map(String::into_bytes)
        .map_err(|_| "the JUnit report cannot be serialized".to_owned())
}
