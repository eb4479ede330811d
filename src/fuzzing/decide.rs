//! The `decide` target: no verdict but the default or `HOLD` without every grant minted by the
//! harness key, and no input string in a report but names that passed their grammar.

use std::cell::OnceCell;
use std::collections::HashSet;
use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use regex::Regex;
use sha2::Sha256;

use super::grants::{HARNESS, HARNESS_KEY, in_grant_grammar};
use crate::decide::judge::{Decision, HOLD, Reason, Verdict};
use crate::decide::packet::{BlockerId, DecisionOption, OptionId, Packet};
use crate::strict_json::schema::{FieldPath, KeyName, Step};
use crate::strict_json::{self, Node, Value};
use crate::token::grant::Action;

/// The clock of the [`decide`] harness; seeds' grants expire after it.
pub const DECIDE_NOW: u64 = 1_800_000_000;

/// The id and action grammars of SPEC 5.2 and 4, written independently of the packet loader.
static ID_GRAMMAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\A[A-Z0-9_-]{1,64}\z").expect("a valid regex"));
static ACTION_GRAMMAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\A[a-z0-9-]{1,32}\z").expect("a valid regex"));
/// The member names a field path may keep (every other name is kept by its length only).
static KEY_GRAMMAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\A[A-Za-z0-9_-]{1,64}\z").expect("a valid regex"));

/// The decision gate on a packet document, with the harness key and a fixed clock.
///
/// - A packet that does not load gives `HOLD`, fallen back.
/// - Otherwise, an independent oracle written from SPEC 5.2 (ids compared as bytes; grants
///   checked by recomputing the HMAC with the harness key, not through `GrantToken`) says
///   whether the selected option is authorized. The gate falls back exactly when it is not; the
///   verdict is the selected option when it is, else the default when the default requires
///   nothing, else `HOLD`. So no verdict other than the default or `HOLD` is reached without
///   every grant the selected option requires, minted by the harness key for this packet.
/// - Every name of the decision (verdict, blocker, action) is in its grammar (checked with
///   independent regexes), and no input string comes back: neither rendered report holds 16
///   bytes of any string of the packet (keys, values, tokens, statuses, `selected` entries),
///   except where those bytes are report text or such a name; and no built-in token shape
///   occurs in either report.
pub fn decide(data: &[u8]) {
    let d = crate::decide::judge::decide(Some(data), Some(&HARNESS), DECIDE_NOW);
    let Ok(packet) = Packet::load(data) else {
        assert!(
            d.fell_back() && d.verdict == Verdict::Hold && d.selected.is_none(),
            "a packet that does not load did not give HOLD"
        );
        no_input_in_reports(data, &d);
        return;
    };

    let find = |id: &str| {
        packet
            .options()
            .iter()
            .find(|o| o.id().as_str().as_bytes() == id.as_bytes())
    };
    let default_ok = find(packet.default().as_str())
        .is_some_and(|o| o.requires_closed().is_empty() && o.requires_grants().is_empty());
    let chosen = match packet.selected() {
        [only] => find(only),
        _ => None,
    };
    let authorized = default_ok
        && chosen.is_some_and(|o| blockers_closed(&packet, o) && grants_minted(&packet, o));
    assert_eq!(
        d.selected.as_ref(),
        chosen.map(|o| o.id()),
        "the decision names another selected option"
    );
    if authorized {
        assert!(
            !d.fell_back(),
            "the gate fell back although every rule holds"
        );
    } else {
        assert!(
            d.fell_back(),
            "the gate authorized an option although a rule fails"
        );
        assert!(!d.reasons.is_empty(), "the gate fell back without a reason");
    }
    let expected = match chosen {
        Some(o) if authorized => o.id().as_str(),
        _ if default_ok => packet.default().as_str(),
        _ => HOLD,
    };
    assert!(
        d.verdict.as_str() == expected,
        "the verdict is not the one SPEC 5.2 gives"
    );
    assert!(
        d.default.as_ref() == default_ok.then(|| packet.default()),
        "the decision names another default"
    );

    for r in &d.reasons {
        assert!(
            r.position.is_none() && r.field.is_none(),
            "a loaded packet has a reason with a position"
        );
        if let Some(b) = &r.blocker {
            assert!(
                chosen.is_some_and(|o| o.requires_closed().contains(b)),
                "a reason names a blocker the selected option does not require"
            );
        }
        if let Some(a) = &r.action {
            assert!(
                chosen.is_some_and(|o| o.requires_grants().contains(a)),
                "a reason names an action the selected option does not require"
            );
        }
    }
    no_input_in_reports(data, &d);
}

/// Every blocker the option requires exists once, with status exactly `CLOSED`.
fn blockers_closed(packet: &Packet, option: &DecisionOption) -> bool {
    option.requires_closed().iter().all(|id| {
        let mut found = packet
            .blockers()
            .iter()
            .filter(|b| b.id().as_str().as_bytes() == id.as_str().as_bytes());
        matches!((found.next(), found.next()), (Some(b), None) if b.status().as_bytes() == b"CLOSED")
    })
}

/// Every action the option requires has exactly one grant, minted by the harness key for this
/// action and packet, not expired.
fn grants_minted(packet: &Packet, option: &DecisionOption) -> bool {
    option.requires_grants().iter().all(|action| {
        let mut found = packet
            .grants()
            .iter()
            .filter(|g| g.action().as_str().as_bytes() == action.as_str().as_bytes());
        match (found.next(), found.next()) {
            (Some(g), None) => minted_by_harness(g.token(), action.as_str(), packet.digest()),
            _ => false,
        }
    })
}

/// The token is `spg1.<action>.<digest16>.<expires>.<mac>` for this action and packet, expires
/// after [`DECIDE_NOW`], and its MAC is HMAC-SHA256 under the harness key, recomputed here.
fn minted_by_harness(token: &str, action: &str, digest: &str) -> bool {
    if !in_grant_grammar(token) {
        return false;
    }
    let Some((message, tag)) = token.rsplit_once('.') else {
        return false;
    };
    let parts: Vec<&str> = message.split('.').collect();
    let [_, act, digest16, expires] = parts[..] else {
        return false;
    };
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&HARNESS_KEY)
        .expect("HMAC accepts any key length");
    mac.update(message.as_bytes());
    act == action
        && digest.get(..16) == Some(digest16)
        && expires.parse::<u64>().is_ok_and(|e| e > DECIDE_NOW)
        && URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()) == tag
}

/// Stand for the decision's names in a report rendered to learn the report's own text; each is
/// in its grammar, so it can be put where a name goes.
const ID_MARK: &str = "SEALPROBE-FUZZ-MARK";
const ACTION_MARK: &str = "sealprobe-fuzz-mark";

/// Every string of a JSON document (member names and string values), at any depth.
fn strings_of(node: &Node, out: &mut Vec<String>) {
    match &node.value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|n| strings_of(n, out)),
        Value::Object(members) => {
            for m in members {
                out.push(m.key.clone());
                strings_of(&m.value, out);
            }
        }
        _ => {}
    }
}

/// The decision with its names replaced by the marks.
fn marked(d: &Decision) -> Decision {
    let id = || OptionId::parse(ID_MARK).unwrap_or_else(|| panic!("the id mark is an id"));
    Decision {
        verdict: match &d.verdict {
            Verdict::Authorized(_) => Verdict::Authorized(id()),
            Verdict::Default(_) => Verdict::Default(id()),
            Verdict::Hold => Verdict::Hold,
        },
        selected: d.selected.as_ref().map(|_| id()),
        default: d.default.as_ref().map(|_| id()),
        reasons: d
            .reasons
            .iter()
            .map(|r| Reason {
                blocker: r.blocker.as_ref().map(|_| {
                    BlockerId::parse(ID_MARK).unwrap_or_else(|| panic!("the id mark is an id"))
                }),
                action: r.action.as_ref().map(|_| {
                    Action::parse(ACTION_MARK)
                        .unwrap_or_else(|| panic!("the action mark is an action"))
                }),
                field: r.field.as_ref().map(|f| {
                    FieldPath(
                        f.0.iter()
                            .map(|step| match step {
                                Step::Key(KeyName::Plain(_)) => {
                                    Step::Key(KeyName::Plain(ID_MARK.to_owned()))
                                }
                                other => other.clone(),
                            })
                            .collect(),
                    )
                }),
                ..r.clone()
            })
            .collect(),
    }
}

/// The names the decision may print, each checked against its grammar independently: a name
/// outside its grammar must never come back, whatever the packet says.
fn names_of(d: &Decision) -> Vec<&str> {
    let mut names = Vec::new();
    if d.verdict != Verdict::Hold {
        let v = d.verdict.as_str();
        assert!(ID_GRAMMAR.is_match(v), "a verdict outside the id grammar");
        names.push(v);
    }
    for r in &d.reasons {
        if let Some(b) = &r.blocker {
            assert!(
                ID_GRAMMAR.is_match(b.as_str()),
                "a blocker outside the id grammar came back"
            );
            names.push(b.as_str());
        }
        if let Some(a) = &r.action {
            assert!(
                ACTION_GRAMMAR.is_match(a.as_str()),
                "an action outside the action grammar came back"
            );
            names.push(a.as_str());
        }
        for step in r.field.iter().flat_map(|f| &f.0) {
            if let Step::Key(KeyName::Plain(k)) = step {
                assert!(
                    KEY_GRAMMAR.is_match(k),
                    "a member name outside the plain-name grammar came back"
                );
                names.push(k);
            }
        }
    }
    names
}

/// Neither report holds a 16-byte run of any string of the packet document, unless every byte of
/// that run is report text (found by rendering the same decision with its names replaced by
/// marks) or one of the decision's names (in their grammars, so a token may only equal one by
/// being such a name). And no built-in token shape occurs in either report.
fn no_input_in_reports(data: &[u8], d: &Decision) {
    let Ok(root) = strict_json::parse(data) else {
        // Nothing was parsed, so nothing of it can have reached the report but a position.
        return;
    };
    let mut strings = Vec::new();
    strings_of(&root, &mut strings);
    // Every 16-byte run of every string, once, and only when a report has a window its own text
    // and names do not cover: such a window is a packet string's run exactly when it is in this
    // set (one pass over the strings instead of a search of every string for every window).
    let runs: OnceCell<HashSet<&[u8]>> = OnceCell::new();
    let runs = || {
        runs.get_or_init(|| {
            strings
                .iter()
                .flat_map(|s| s.as_bytes().windows(16))
                .collect()
        })
    };
    let marked = marked(d);
    let names = names_of(d);
    let reports = [
        (
            crate::report::decide::json(d),
            crate::report::decide::json(&marked),
        ),
        (
            crate::report::decide::human(d).into_bytes(),
            crate::report::decide::human(&marked).into_bytes(),
        ),
    ];
    for (report, template) in reports {
        assert!(
            !crate::token::shapes::is_token_shaped(&report),
            "a decision report holds a token shape"
        );
        let uncovered = uncovered_windows(&report, &template, &names);
        assert!(
            uncovered.iter().all(|w| !runs().contains(w)),
            "a decision report holds 16 bytes of a packet string"
        );
    }
}

/// The 16-byte windows of `report` that are not made wholly of the report's own text (the
/// pieces of `template` between the marks) and the decision's `names`.
fn uncovered_windows<'r>(report: &'r [u8], template: &[u8], names: &[&str]) -> Vec<&'r [u8]> {
    let pieces: Vec<&[u8]> = split_on(template, ID_MARK.as_bytes())
        .into_iter()
        .flat_map(|p| split_on(p, ACTION_MARK.as_bytes()))
        .collect();
    if is_template_filled_with_names(report, &pieces, names) {
        // Every byte is in a piece or a name, so every window is covered: what the search below
        // would find, without building a searcher for every piece.
        return Vec::new();
    }
    let mut known: Vec<&[u8]> = names.iter().map(|n| n.as_bytes()).collect();
    for piece in pieces {
        known.push(piece.trim_ascii_end());
        known.push(piece);
    }
    // A report lists one line per reason, so most pieces come many times; each is looked for
    // once.
    known.sort_unstable();
    known.dedup();
    let covered = cover(report, &known);
    report
        .windows(16)
        .enumerate()
        .filter(|(i, _)| !covered[*i..*i + 16].iter().all(|&c| c))
        .map(|(_, w)| w)
        .collect()
}

/// `report` is the template's pieces in order with one of `names` between each two: the report
/// rendered as usual, names where the marks were.
fn is_template_filled_with_names(report: &[u8], pieces: &[&[u8]], names: &[&str]) -> bool {
    let mut rest = report;
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            let next = names.iter().map(|n| n.as_bytes()).find(|n| {
                rest.strip_prefix(*n)
                    .is_some_and(|after| after.starts_with(piece))
            });
            let Some(name) = next else {
                return false;
            };
            rest = &rest[name.len()..];
        }
        let Some(after) = rest.strip_prefix(*piece) else {
            return false;
        };
        rest = after;
    }
    rest.is_empty()
}

/// The pieces of `text` between occurrences of `sep`.
fn split_on<'t>(text: &'t [u8], sep: &[u8]) -> Vec<&'t [u8]> {
    let mut pieces = Vec::new();
    let mut at = 0;
    for i in memchr::memmem::find_iter(text, sep) {
        pieces.push(&text[at..i]);
        at = i + sep.len();
    }
    pieces.push(&text[at..]);
    pieces
}

/// Which bytes of `text` lie inside an occurrence of one of `known`.
fn cover(text: &[u8], known: &[&[u8]]) -> Vec<bool> {
    let mut covered = vec![false; text.len()];
    for k in known.iter().filter(|k| !k.is_empty()) {
        for i in memchr::memmem::find_iter(text, k) {
            covered[i..i + k.len()].iter_mut().for_each(|c| *c = true);
        }
    }
    covered
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "prod-cutover-token-SECRETSECRET1234";

    /// Whether a report would be let through, judged as [`no_input_in_reports`] judges it.
    fn let_through(report: &[u8], template: &[u8], names: &[&str], strings: &[&str]) -> bool {
        let runs: HashSet<&[u8]> = strings
            .iter()
            .flat_map(|s| s.as_bytes().windows(16))
            .collect();
        uncovered_windows(report, template, names)
            .iter()
            .all(|w| !runs.contains(w))
    }

    #[test]
    fn a_report_holding_16_bytes_of_a_packet_string_is_caught_anywhere() {
        let template = b"HOLD: grant-missing for sealprobe-fuzz-mark\n";
        for at in [0, 5, 19] {
            let report = format!("HOLD: grant-missing for apply\n{}\n", &SECRET[at..at + 16]);
            assert!(
                !let_through(report.as_bytes(), template, &["apply"], &["a note", SECRET]),
                "16 bytes from offset {at} went through"
            );
        }
    }

    #[test]
    fn report_text_and_the_decision_names_are_not_packet_strings() {
        // The packet holds the report's own words and a long name; both may come back.
        let strings = ["HOLD: grant-missing for ", "deploy-production-cutover-now"];
        let template = b"HOLD: grant-missing for sealprobe-fuzz-mark\nHOLD: grant-missing for sealprobe-fuzz-mark\n";
        let report = b"HOLD: grant-missing for deploy-production-cutover-now\nHOLD: grant-missing for apply\n";
        assert!(
            uncovered_windows(
                report,
                template,
                &["deploy-production-cutover-now", "apply"]
            )
            .is_empty()
        );
        assert!(let_through(
            report,
            template,
            &["deploy-production-cutover-now", "apply"],
            &strings
        ));
        // Without the name among the decision's names, it is a packet string that came back.
        assert!(!let_through(report, template, &["apply"], &strings));
    }

    #[test]
    fn a_report_is_the_template_filled_with_names_only_when_it_is_exactly_that() {
        let template = b"HOLD: grant-missing for sealprobe-fuzz-mark\nHOLD: grant-missing for sealprobe-fuzz-mark\n";
        let pieces = split_on(template, ACTION_MARK.as_bytes());
        let names = ["apply-now", "apply"];
        let filled = b"HOLD: grant-missing for apply\nHOLD: grant-missing for apply-now\n";
        assert!(is_template_filled_with_names(filled, &pieces, &names));
        assert!(!is_template_filled_with_names(filled, &pieces, &["apply"]));
        assert!(!is_template_filled_with_names(
            &filled[1..],
            &pieces,
            &names
        ));
        assert!(!is_template_filled_with_names(
            b"HOLD: grant-missing for apply\nHOLD: grant-missing for apply-now\nmore",
            &pieces,
            &names
        ));
        assert!(!is_template_filled_with_names(
            b"HOLD: grant-missing for apply-nowSECRETSECRET\nHOLD: grant-missing for apply\n",
            &pieces,
            &names
        ));
    }
}
