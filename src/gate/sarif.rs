//! The gate's SARIF 2.1.0 report (`--sarif FILE`, SPEC 7.4), for code-scanning dashboards and
//! editors that read SARIF. It says what the table, the JSON and the JUnit reports say about the
//! cases that did not hold, in the shape those tools expect; it is built with `serde-sarif`'s types
//! (generated from the official schema), never by hand.
//!
//! How a gate run maps onto SARIF:
//!
//! - **One SARIF run per validator.** A validator is the subject under test: the same case can
//!   fail against one validator and hold against another, and each has its own rerun command and
//!   its own verdict. Separate runs keep that apart the way SARIF viewers group findings (by
//!   run), keep each run's `automationDetails.id` distinct (`sealprobe-gate/<validator>/...`, the
//!   part before the last `/` being the category code scanning keys alerts on), and leave no
//!   result whose meaning depends on a property a viewer may not show. The validator is still
//!   named in every result's properties, so a consumer that flattens runs loses nothing.
//! - `tool.driver` is `sealprobe` at the crate's version, with **one rule per probe family**
//!   ([`Family::ALL`], rule id = the family name), so a result's `ruleId` says which kind of
//!   weakness the case probes.
//! - **One result per case that did not hold** (`!verdict.holds()`: failed open, wrong class,
//!   leak, crash, timeout, control failed), at level `error`. Its message carries the outcome,
//!   the case id, the detail, the case's why and the command that reruns it alone; its
//!   properties carry the case id, the outcome, the validator and the rerun command (and the
//!   expectation, exit status and classes); its fingerprint is the validator and the case id.
//!   Cases that held, and `not-applicable` and `known-failure` ones, give no result: SARIF
//!   results are findings, and those are not.
//! - The run's properties carry the case-set digest, the seed, the filters and the counts; its
//!   `automationDetails` name the validator and the seed. A run that did not cover every selected
//!   case (none matched, or fewer ran than the filters select) has a failed invocation with an
//!   error notification: zero results must never read as a clean gate when nothing ran.
//!
//! Like every other report, it holds only what the gate already prints: ids, outcomes, classes,
//! whys, details and commands; never a case's file contents, canaries or tokens.

use std::collections::BTreeMap;

use serde_json::Value;
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification,
    NotificationLevel, PhysicalLocation, PropertyBag, Region, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultKind, ResultLevel, Run, RunAutomationDetails,
    SCHEMA_URL, Sarif, Tool, ToolComponent, Version,
};

use super::GateRun;
use super::runner::CaseResult;
use crate::digest::Digest;
use crate::probe::case::{Case, Family};

/// The key of the fingerprint every result carries (its identity across gate runs).
pub const FINGERPRINT: &str = "sealprobe/validator+case/v1";

/// What a family's cases probe: the rule's short description.
pub fn family_description(family: Family) -> &'static str {
    match family {
        Family::Bytes => {
            "A sealed file's bytes changed (bit flips, same-length edits, truncations, appends): \
             the drift must be reported."
        }
        Family::Unicode => {
            "Names and text that look alike but differ (normalization forms, confusable, \
             zero-width and bidirectional characters) must not pass as the sealed ones."
        }
        Family::LineEndings => "A sealed file's line endings changed: the drift must be reported.",
        Family::Bom => {
            "A byte-order mark was added or removed, or the text re-encoded as UTF-16 or UTF-32: \
             the drift must be reported."
        }
        Family::JsonReencode => {
            "A sealed JSON file re-encoded with the same meaning (escapes, key order, indent, \
             number spelling, a repeated key) is still a different file."
        }
        Family::Filesystem => {
            "The tree changed (files missing, renamed, case-changed, NFD names, symlinks in and \
             out of the root, dangling or looping links, FIFOs, endless files)."
        }
        Family::SealTamper => {
            "The seal or SHA256SUMS manifest was tampered with (digests, lengths, entries, paths, \
             numbers, fields, version, encoding, size, MAC): it must be refused."
        }
        Family::JsonHostile => {
            "A seal document with hostile JSON syntax must be refused, not read leniently."
        }
        Family::ForgedTokens => {
            "A forged or misused grant token (wrong MAC or key, wrong action, replayed, expired, \
             malformed, confusable action) must not grant anything."
        }
        Family::Decision => {
            "A decision packet that must be refused (no or several options selected, unknown or \
             look-alike options, unmet requirements, blockers, edits after the grant)."
        }
        Family::LeakBait => {
            "Canaries and token-shaped values placed where validators echo input: no output may \
             contain them, in any encoding."
        }
        Family::Data(_) => {
            "A case of a data family (a team's own probes, loaded with --probes): it must hold \
             as its recipe says."
        }
        Family::Resource => {
            "Huge entry counts, deep nesting, long paths and endless files: the validator must \
             answer in bounded time and memory."
        }
    }
}

/// The help every rule shares: what a result means and what to do with it.
const RULE_HELP: &str = "Each result is one probe case that did not hold against the validator \
     of its run: a hostile case accepted (failed-open) or refused without its classes \
     (wrong-class), a control refused (control-failed), output that leaks a canary or a token \
     (leak), a crash or a timeout. The message gives the case's why and the command that reruns \
     it alone.";

fn text(s: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s.into()).build()
}

fn bag(entries: impl IntoIterator<Item = (&'static str, Value)>) -> PropertyBag {
    PropertyBag::builder()
        .additional_properties(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect::<BTreeMap<String, Value>>(),
        )
        .build()
}

fn strings<S: Into<String>>(items: impl IntoIterator<Item = S>) -> Value {
    Value::Array(items.into_iter().map(|s| Value::String(s.into())).collect())
}

fn level(l: impl serde::Serialize) -> Result<Value, String> {
    serde_json::to_value(l).map_err(|_| "a SARIF level cannot be serialized".to_owned())
}

/// The families that have a rule: the twelve of SPEC 7.2 in their order, then the data families
/// of the run (`--probes`) by name. A result's `ruleIndex` is its family's place here.
fn rule_families(run: &GateRun) -> Vec<Family> {
    let mut data: Vec<Family> = run
        .cases
        .iter()
        .map(|c| c.family)
        .filter(|f| matches!(f, Family::Data(_)))
        .collect();
    data.sort();
    data.dedup();
    Family::ALL.iter().copied().chain(data).collect()
}

/// The rules: one per family of [`rule_families`].
fn rules(run: &GateRun) -> Result<Vec<ReportingDescriptor>, String> {
    let error = level(ResultLevel::Error)?;
    Ok(rule_families(run)
        .iter()
        .map(|f| {
            ReportingDescriptor::builder()
                .id(f.name())
                .short_description(text(family_description(*f)))
                .help(text(RULE_HELP))
                .default_configuration(
                    ReportingConfiguration::builder()
                        .level(error.clone())
                        .build(),
                )
                .build()
        })
        .collect())
}

/// The name of a validator in `automationDetails.id`: `builtin`, or `command-` and the first 16
/// hex digits of the template's SHA-256 (a template holds spaces and slashes; the id is a path).
fn slug(validator: &str) -> String {
    if validator == "builtin" {
        validator.to_owned()
    } else {
        let hex = Digest::of(validator.as_bytes()).to_hex();
        format!("command-{}", &hex[..16])
    }
}

/// Where a result points (GitHub code scanning refuses a result without a physical location
/// whose `artifactLocation.uri` is a path in the repository): the validator's script when its
/// template names one below the folder the gate ran in (`tools/check.py`: the checker that let
/// the case through, line 1); otherwise `sealprobe-cases/<family>/<name>`, the folder that
/// `sealprobe probes emit --case ID --out sealprobe-cases` writes the case to.
fn location(run: &GateRun, r: &CaseResult, case: &Case) -> Location {
    let script = run
        .sources
        .iter()
        .find(|(name, _)| *name == r.validator)
        .and_then(|(_, source)| source.clone());
    let physical = match script {
        Some(uri) => PhysicalLocation::builder()
            .artifact_location(ArtifactLocation::builder().uri(uri).build())
            .region(Region::builder().start_line(1).build())
            .build(),
        None => PhysicalLocation::builder()
            .artifact_location(
                ArtifactLocation::builder()
                    .uri(format!(
                        "{CASES_FOLDER}/{}/{}",
                        case.family.name(),
                        case.name()
                    ))
                    .build(),
            )
            .build(),
    };
    Location::builder().physical_location(physical).build()
}

/// The folder a result's location names when the validator has no script in the repository.
pub const CASES_FOLDER: &str = "sealprobe-cases";

/// One case that did not hold, as a SARIF result.
fn result(run: &GateRun, r: &CaseResult, case: &Case) -> SarifResult {
    let rerun = run.rerun(&case.id, &r.validator);
    let who = if run.validators.len() > 1 {
        format!(" [{}]", r.validator)
    } else {
        String::new()
    };
    let message = format!(
        "{} {}{who}: {}\nwhy: {}\nrerun: {rerun}",
        r.verdict.name().to_uppercase(),
        case.id,
        r.detail,
        case.why
    );
    let rule = rule_families(run)
        .iter()
        .position(|f| *f == case.family)
        .and_then(|i| i64::try_from(i).ok());
    let identity = Digest::of(format!("{}\0{}", r.validator, case.id).as_bytes()).to_hex();
    let properties = bag([
        ("case", Value::String(case.id.clone())),
        ("family", Value::String(case.family.name().to_owned())),
        ("outcome", Value::String(r.verdict.name().to_owned())),
        ("validator", Value::String(r.validator.clone())),
        ("rerun", Value::String(rerun)),
        ("expect", Value::String(case.expect.name().to_owned())),
        (
            "expected_classes",
            strings(case.expect.classes().iter().map(|k| k.name())),
        ),
        ("exit", r.exit.map_or(Value::Null, Value::from)),
        ("classes", strings(r.classes.iter().map(|k| k.name()))),
        ("detail", Value::String(r.detail.clone())),
    ]);
    let built = SarifResult::builder()
        .rule_id(case.family.name())
        .kind(ResultKind::Fail)
        .level(ResultLevel::Error)
        .message(Message::builder().text(message).build())
        .locations(vec![location(run, r, case)])
        .fingerprints(BTreeMap::from([(FINGERPRINT.to_owned(), identity)]))
        .properties(properties);
    match rule {
        Some(i) => built.rule_index(i).build(),
        None => built.build(),
    }
}

/// One validator's run.
fn validator_run(run: &GateRun, validator: &str, placed: &mut usize) -> Result<Run, String> {
    let mine: Vec<&CaseResult> = run
        .results
        .iter()
        .filter(|r| r.validator == validator)
        .collect();
    let mut results = Vec::new();
    for r in mine.iter().filter(|r| !r.verdict.holds()) {
        let case = run.case(&r.id).ok_or_else(|| {
            format!(
                "the run has a result for {}, a case it did not select",
                r.id
            )
        })?;
        results.push(result(run, r, case));
    }
    *placed += results.len();
    // A refused sentinel control fails the gate: it is a finding too.
    for r in run.refused_sentinels().filter(|r| r.validator == validator) {
        if let Some(case) = run.sentinel_case(&r.id) {
            results.push(result(run, r, case));
        }
    }
    let complete = !run.cases.is_empty() && mine.len() == run.cases.len();
    let mut invocation = Invocation::builder().execution_successful(complete).build();
    if !complete {
        let why = if run.cases.is_empty() {
            "no case matched the filters; a gate that runs nothing is no gate".to_owned()
        } else {
            format!(
                "ran {} of the {} cases the filters select",
                mine.len(),
                run.cases.len()
            )
        };
        invocation.tool_execution_notifications = Some(vec![
            Notification::builder()
                .level(level(NotificationLevel::Error)?)
                .message(Message::builder().text(why).build())
                .build(),
        ]);
    }
    let case_set = run.case_set.to_hex();
    let rerun_arg = run
        .rerun_validators
        .iter()
        .find(|(name, _)| name == validator)
        .and_then(|(_, arg)| arg.clone());
    let driver = ToolComponent::builder()
        .name("sealprobe")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .rules(rules(run)?)
        .build();
    let automation = RunAutomationDetails::builder()
        .id(format!(
            "sealprobe-gate/{}/seed-{}",
            slug(validator),
            run.seed
        ))
        .description(
            Message::builder()
                .text(format!(
                    "sealprobe gate against {validator}, seed {}, case set {case_set}",
                    run.seed
                ))
                .build(),
        )
        .build();
    let properties = bag([
        ("case_set", Value::String(case_set)),
        ("seed", Value::from(run.seed)),
        ("validator", Value::String(validator.to_owned())),
        (
            "validator_arg",
            rerun_arg.map_or(Value::Null, Value::String),
        ),
        (
            "families",
            strings(run.filter.families.iter().map(|f| f.name())),
        ),
        ("case_globs", strings(run.filter.globs.iter().cloned())),
        ("cases", Value::from(run.cases.len())),
        ("ran", Value::from(mine.len())),
        ("did_not_hold", Value::from(results.len())),
        ("gate_passed", Value::Bool(run.passed())),
    ]);
    Ok(Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .automation_details(automation)
        .invocations(vec![invocation])
        .properties(properties)
        .results(results)
        .build())
}

/// The SARIF 2.1.0 report of a gate run: one run per validator, one result per case that did
/// not hold. Fails (and writes nothing) when a result that did not hold could not be placed: a
/// report that silently drops a failure is worse than none.
pub fn sarif(run: &GateRun) -> Result<Vec<u8>, String> {
    if run.validators.is_empty() {
        return Err("the gate run names no validator".to_owned());
    }
    let mut placed = 0;
    let runs = run
        .validators
        .iter()
        .map(|v| validator_run(run, v, &mut placed))
        .collect::<Result<Vec<Run>, String>>()?;
    let failing = run.results.iter().filter(|r| !r.verdict.holds()).count();
    if placed != failing {
        return Err(format!(
            "{failing} results did not hold but {placed} were placed in a validator's run"
        ));
    }
    let version = serde_json::to_value(Version::V2_1_0)
        .map_err(|_| "the SARIF version cannot be serialized".to_owned())?;
    let log = Sarif::builder()
        .schema(SCHEMA_URL)
        .version(version)
        .runs(runs)
        .build();
    let mut bytes = serde_json::to_vec_pretty(&log)
        .map_err(|_| "the SARIF report cannot be serialized".to_owned())?;
    bytes.push(b'\n');
    Ok(bytes)
}
