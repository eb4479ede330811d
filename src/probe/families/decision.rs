//! The `decision` family (SPEC 7.2, rules of SPEC 5.2): packets whose grants are valid but whose
//! decision is not. None or two options selected, an unknown option, case and look-alike
//! variants of an option id, a default that requires something, blockers missing, repeated or
//! not exactly `CLOSED`, the packet edited after its grant was minted, every kind of schema and
//! syntax problem, and a packet over the size limit. The FIX7 packet as written selects its HOLD
//! default: without `--expect` that is exit 1 (SPEC 5.2), so those packets must be refused, and
//! name no reason. Controls: an option that needs no grant (run without a key), a granted dry
//! run, and the same granted packet re-ordered, minified, re-indented and re-escaped (the digest
//! is JCS, so layout never breaks a grant).

use serde_json::{Value, json};

use super::ProbeFamily;
use super::packets::*;
use super::text::wide;
use crate::decide::ReasonClass as R;
use crate::probe::case::Family;
use crate::probe::draft::{self, Cases, Draft, Seeded};

pub struct Decision;

// --- the family ------------------------------------------------------------------------------

impl ProbeFamily for Decision {
    fn family(&self) -> Family {
        Family::Decision
    }

    fn draw(&self, cases: &mut Cases, rng: &mut Seeded) {
        let name = packet_name(&rng.word(10));
        let base = fix7(&name);
        let dry = selecting(&base, DRYRUN, &BLOCKERS[..1]);
        let dry_token = grant(&dry, "dryrun");
        let dry_ok = granted(&dry, &[("dryrun", &dry_token)]);
        let dry_doc = doc(&dry_ok);

        // A packet `v` with a fresh, valid dry-run grant: the grant is never the point.
        let fresh = |v: &Value| -> Vec<u8> { with_grants(v, &[("dryrun", &grant(v, "dryrun"))]) };
        // The granted dry-run packet edited by `edit`, re-granted. An edit that leaves the
        // packet as it was (a lookup that found nothing, a replace of a letter the name does not
        // hold) would make a hostile case an honest one: counted, and a problem of the family.
        let unchanged = std::cell::Cell::new(0usize);
        let edited = |edit: &dyn Fn(&mut Value)| -> Vec<u8> {
            let mut v = dry.clone();
            edit(&mut v);
            if v == dry {
                unchanged.set(unchanged.get() + 1);
            }
            fresh(&v)
        };

        controls(cases, &base, &dry, &dry_ok, rng);
        selected(cases, &edited);
        defaults(cases, &base, &edited);
        blockers(cases, &base, &edited);
        schema(cases, &dry_ok, &edited);
        syntax(cases, &dry_doc);
        if unchanged.get() > 0 {
            let n = unchanged.get();
            cases.value::<(), _>(
                "edits of the granted dry run",
                Err(format!("{n} of them changed nothing")),
            );
        }

        // Every reason the one selected option can earn, at once.
        let mut v = selecting(&base, EXECUTION, &BLOCKERS[1..5]);
        v["default"] = json!(PRECHECK);
        push(
            &mut v["options"][3]["requires_closed"],
            json!("FIX7-P0-DNS-CUTOVER-READY"),
        );
        let apply = grant_with(&draft::other_key(), &v, "apply", draft::LATER);
        cases.add(
            keyed(
                "every-reason-at-once",
                "a default that requires something, a blocker open, one missing, a forged apply grant and no cutover grant: a validator that stops at the first problem reports one reason of five",
                with_grants(&v, &[("apply", &apply)]),
            )
            .expect([
                R::DefaultNotHold,
                R::BlockerOpen,
                R::BlockerMissing,
                R::GrantInvalid,
                R::GrantMissing,
            ]),
        );

        // One packet over the 16 MiB limit (the family's only large document): a valid,
        // granted dry run followed by whitespace, which strict JSON allows after the value.
        let mut big = dry_doc.clone();
        big.resize(crate::small_file::DEFAULT_LIMIT + 1, b' ');
        cases.add(
            keyed(
                "packet-over-16-mib",
                "a granted packet padded with whitespace to one byte over 16 MiB: a validator without a size limit reads it whole and authorizes",
                big,
            )
            .expect([R::PacketUnreadable]),
        );
    }
}

/// Honest packets that select their HOLD default: `decide` without `--expect` exits 1 for
/// them (SPEC 5.2), so a validator that accepts one tells `decide packet.json && deploy` to
/// deploy on a HOLD. They name no reason: nothing in them is wrong.
fn holds(cases: &mut Cases, base: &Value) {
    cases.add(
        keyed(
            "fix7-as-written-selects-hold",
            "the FIX7 packet as written selects its HOLD default: a validator that accepts it (exit 0) tells `decide packet.json && deploy` to deploy on a HOLD",
            doc(base),
        )
        .selects_default(),
    );
    cases.add(
        Draft::packet(
            "hold-selected-without-key",
            "a packet that selects its HOLD default, checked without a key: a validator that accepts it because nothing needed checking deploys on a HOLD",
            doc(base),
        )
        .selects_default(),
    );
    let mut no_grants = base.clone();
    if let Some(m) = no_grants.as_object_mut() {
        m.remove("grants");
    }
    cases.add(
        keyed(
            "hold-selected-grants-field-absent",
            "`grants` is optional, and a HOLD packet without the field is still a HOLD: a validator that accepts it deploys on a HOLD",
            doc(&no_grants),
        )
        .selects_default(),
    );
}

fn controls(cases: &mut Cases, base: &Value, dry: &Value, dry_ok: &Value, rng: &mut Seeded) {
    holds(cases, base);
    // An option that requires closed blockers and no grant is authorized without a key: the
    // control a validator run without `{key}` meets (its sentinel).
    let mut notice = selecting(base, NOTICE, &BLOCKERS[6..]);
    push(
        &mut notice["options"],
        json!({"id": NOTICE, "requires_closed": &BLOCKERS[6..], "requires_grants": []}),
    );
    cases.add(
        Draft::packet(
            "control-blockers-only-without-key",
            "an option that requires one closed blocker and no grant is authorized without a key: it must pass without one",
            doc(&notice),
        )
        .control(),
    );
    cases.add(
        keyed(
            "control-dryrun-granted",
            "a dry run with its one blocker closed and a valid dryrun grant must pass, though six other blockers stay OPEN",
            doc(dry_ok),
        )
        .control(),
    );
    let pre = selecting(base, PRECHECK, &BLOCKERS[..3]);
    cases.add(
        keyed(
            "control-precheck-granted",
            "a realrun precheck with its three blockers closed and a valid realrun-precheck grant must pass",
            with_grants(&pre, &[("realrun-precheck", &grant(&pre, "realrun-precheck"))]),
        )
        .control(),
    );
    let layouts: [(&str, &str, Style); 5] = [
        (
            "control-keys-reversed",
            "the granted dry run with every object's keys in reverse order: the digest is over JCS, so the grant still binds",
            Style {
                reverse: true,
                ..PLAIN
            },
        ),
        (
            "control-minified",
            "the granted dry run on one line without spaces: layout is not part of the decision",
            Style {
                indent: "",
                colon: ":",
                ..PLAIN
            },
        ),
        (
            "control-tabs-and-crlf",
            "the granted dry run indented with tabs and CRLF line endings, as a Windows tool writes it",
            Style {
                indent: "\t",
                newline: "\r\n",
                colon: " : ",
                ..PLAIN
            },
        ),
        (
            "control-escaped-strings",
            "the granted dry run with upper-case letters, non-ASCII characters and slashes written as escapes: same strings, same JCS, same digest",
            Style {
                escape_non_ascii: true,
                escape_upper: true,
                escape_slash: true,
                ..PLAIN
            },
        ),
        (
            "control-reversed-minified-escaped",
            "reverse key order, one line and escaped non-ASCII at once: the grant binds to the value, not the bytes",
            Style {
                reverse: true,
                indent: "",
                colon: ":",
                escape_non_ascii: true,
                ..PLAIN
            },
        ),
    ];
    for (case, why, st) in layouts {
        cases.add(keyed(case, why, emit(dry_ok, &st)).control());
    }
    // Options listed with the default last and blockers in another order: a validator that
    // takes options[0] as the default, or matches blockers by position, gets this wrong.
    let mut shuffled = dry.clone();
    if let Some(o) = shuffled["options"].as_array_mut() {
        o.reverse();
    }
    if let Some(b) = shuffled["blockers"].as_array_mut() {
        b.rotate_left(rng.between(1, 6));
    }
    cases.add(
        keyed(
            "control-default-listed-last",
            "the options listed with HOLD last and the blockers rotated: the default is named by id, blockers are found by id",
            with_grants(&shuffled, &[("dryrun", &grant(&shuffled, "dryrun"))]),
        )
        .control(),
    );
    // Strings JCS escapes in its own way (short escapes, lower-case \u00xx, everything else
    // raw), in fields the digest covers; the grant is minted from an independent RFC 8785 writer.
    let mut tricky = dry.clone();
    tricky["packet"] = json!(format!(
        "{} \u{1}\u{7}\u{8}\t\n\u{c}\r\u{1f}\u{7f} \"q\" \\ / \u{2028}\u{2029} é e\u{301} 😀 \u{fffd}",
        tricky["packet"].as_str().unwrap_or_default()
    ));
    set_status(&mut tricky, &BLOCKERS[6..], "OPEN \u{0} \u{feff} ✓");
    cases.add(
        keyed(
            "control-digest-is-rfc8785",
            "a granted dry run whose name and an unrequired status hold control characters, quotes, U+2028, combining marks and an emoji, with the grant digest computed by an independent RFC 8785 writer: any JCS library must agree",
            with_grants(&tricky, &[("dryrun", &grant_by_rfc8785(&tricky, "dryrun"))]),
        )
        .control(),
    );
    let mut odd = dry.clone();
    set_status(&mut odd, &BLOCKERS[1..2], "closed");
    set_status(&mut odd, &BLOCKERS[2..3], "");
    set_status(&mut odd, &BLOCKERS[3..4], "Ωφειλόμενο – pending");
    cases.add(
        keyed(
            "control-unrequired-blockers-odd-status",
            "blockers the dry run does not require have odd statuses (lower case, empty, Greek): only required blockers must be CLOSED",
            with_grants(&odd, &[("dryrun", &grant(&odd, "dryrun"))]),
        )
        .control(),
    );
}

fn selected(cases: &mut Cases, edited: Edited) {
    let sel = |list: Value| move |v: &mut Value| v["selected"] = list.clone();
    cases.add(
        keyed(
            "selected-none",
            "`selected` is empty: a validator that treats no selection as the first option, or as the default, proceeds",
            edited(&sel(json!([]))),
        )
        .expect([R::SelectedCount]),
    );
    cases.add(
        keyed(
            "selected-two",
            "two options selected, both satisfiable: a validator that checks only the first authorizes an ambiguous decision",
            edited(&sel(json!([DRYRUN, HOLD]))),
        )
        .expect([R::SelectedCount]),
    );
    cases.add(
        keyed(
            "selected-same-twice",
            "the dry run selected twice: a validator that de-duplicates `selected` sees one option",
            edited(&sel(json!([DRYRUN, DRYRUN]))),
        )
        .expect([R::SelectedCount]),
    );
    cases.add(
        keyed(
            "selected-all-four",
            "every option selected at once: exactly one must be",
            edited(&sel(json!([HOLD, DRYRUN, PRECHECK, EXECUTION]))),
        )
        .expect([R::SelectedCount]),
    );
    cases.add(
        keyed(
            "selected-unknown-and-known",
            "an unknown option beside the dry run: two selections, one naming nothing; both reasons must be given",
            edited(&sel(json!(["AUTHORIZE_EVERYTHING", DRYRUN]))),
        )
        .expect([R::SelectedCount, R::SelectedUnknown]),
    );
    cases.add(
        keyed(
            "selected-unknown",
            "the selection names no option: a validator that falls through to 'no requirements' authorizes it",
            edited(&sel(json!(["AUTHORIZE_PRODUCTION_EVERYTHING"]))),
        )
        .expect([R::SelectedUnknown]),
    );
    let variants: [(&str, &str, String); 12] = [
        (
            "selected-lower-case",
            "the selected id in lower case: ids are compared as bytes, a case-insensitive match authorizes the dry run",
            DRYRUN.to_lowercase(),
        ),
        (
            "selected-title-case",
            "the selected id in title case",
            "Authorize_Production_Dryrun_Only".to_owned(),
        ),
        (
            "selected-leading-space",
            "the selected id with a leading space: a validator that trims strings matches it",
            format!(" {DRYRUN}"),
        ),
        (
            "selected-trailing-newline",
            "the selected id with a trailing newline, as `echo` leaves it",
            format!("{DRYRUN}\n"),
        ),
        (
            "selected-cyrillic-a",
            "the selected id with a Cyrillic А (U+0410) for the Latin A: same to the eye, not the same bytes",
            DRYRUN.replacen('A', "\u{410}", 1),
        ),
        (
            "selected-cyrillic-o",
            "the selected id with a Cyrillic О (U+041E) in ONLY: a validator that compares skeletons matches it",
            DRYRUN.replace("ONLY", "\u{41e}NLY"),
        ),
        (
            "selected-fullwidth",
            "the selected id in fullwidth letters: NFKC folds it to the real id, byte comparison does not",
            DRYRUN
                .chars()
                .map(|c| {
                    if c.is_ascii_uppercase() {
                        char::from_u32(c as u32 - 0x41 + 0xFF21).unwrap_or(c)
                    } else {
                        c
                    }
                })
                .collect(),
        ),
        (
            "selected-zero-width-space",
            "a zero-width space inside the selected id: invisible in a terminal",
            DRYRUN.replacen("DRYRUN", "DRY\u{200b}RUN", 1),
        ),
        (
            "selected-soft-hyphen",
            "a soft hyphen inside the selected id: a validator that strips default-ignorable characters matches it",
            DRYRUN.replacen("PRODUCTION", "PRODUC\u{ad}TION", 1),
        ),
        (
            "selected-hyphens-for-underscores",
            "the selected id with hyphens for underscores: a validator that normalizes separators matches it",
            DRYRUN.replace('_', "-"),
        ),
        (
            "selected-prefix",
            "the selected id cut short: a validator that matches by prefix picks the dry run",
            "AUTHORIZE_PRODUCTION_DRYRUN".to_owned(),
        ),
        (
            "selected-empty-string",
            "an empty string selected: it names no option",
            String::new(),
        ),
    ];
    for (case, why, id) in variants {
        cases.add(keyed(case, why, edited(&sel(json!([id])))).expect([R::SelectedUnknown]));
    }
}

fn defaults(cases: &mut Cases, base: &Value, edited: Edited) {
    cases.add(
        keyed(
            "default-requires-grant",
            "the default is the dry run, which needs a blocker and a grant: falling back to it would authorize something; the verdict must not be a default that requires anything",
            edited(&|v| v["default"] = json!(DRYRUN)),
        )
        .expect([R::DefaultNotHold]),
    );
    cases.add(
        keyed(
            "default-requires-grant-hold-selected",
            "HOLD is selected but the default is the execution option: the selection is harmless, the packet is not",
            {
                let mut v = base.clone();
                v["default"] = json!(EXECUTION);
                doc(&v)
            },
        )
        .expect([R::DefaultNotHold]),
    );
    cases.add(
        keyed(
            "default-requires-closed-blocker-only",
            "the default requires one blocker, already CLOSED, and no grant: it still requires something",
            edited(&|v| {
                push(&mut v["options"], json!({"id": "HOLD_AFTER_INPUT", "requires_closed": [BLOCKERS[0]], "requires_grants": []}));
                v["default"] = json!("HOLD_AFTER_INPUT");
            }),
        )
        .expect([R::DefaultNotHold]),
    );
    cases.add(
        keyed(
            "default-requires-grant-only",
            "the default requires a grant and no blocker: a validator that checks only requires_closed calls it a HOLD",
            edited(&|v| {
                push(&mut v["options"], json!({"id": "HOLD_WITH_GRANT", "requires_closed": [], "requires_grants": ["dryrun"]}));
                v["default"] = json!("HOLD_WITH_GRANT");
            }),
        )
        .expect([R::DefaultNotHold]),
    );
    cases.add(
        keyed(
            "default-unknown",
            "the default names no option: there is nothing safe to fall back to",
            edited(&|v| v["default"] = json!("HOLD_PRODUCTION_NOW")),
        )
        .expect([R::DefaultNotHold]),
    );
    cases.add(
        keyed(
            "default-hyphen-variant",
            "the default is HOLD-PRODUCTION, one character off the real HOLD_PRODUCTION: no option has that id",
            edited(&|v| v["default"] = json!("HOLD-PRODUCTION")),
        )
        .expect([R::DefaultNotHold]),
    );
}

fn blockers(cases: &mut Cases, base: &Value, edited: Edited) {
    cases.add(
        keyed(
            "blocker-missing-from-list",
            "the one blocker the dry run needs is not in the blocker list at all: a validator that checks only listed blockers finds nothing open",
            edited(&|v| {
                if let Some(b) = v["blockers"].as_array_mut() {
                    b.remove(0);
                }
            }),
        )
        .expect([R::BlockerMissing]),
    );
    cases.add(
        keyed(
            "blocker-required-but-unknown",
            "the dry run requires a blocker id no blocker has: an absent blocker is not a closed one",
            edited(&|v| {
                push(&mut v["options"][1]["requires_closed"], json!("FIX7-P0-OPERATOR-INPUT-3"));
            }),
        )
        .expect([R::BlockerMissing]),
    );
    cases.add(
        keyed(
            "blocker-id-one-character-off",
            "the blocker list holds FIX7-P0-OPERATOR-INPUT-7 where the dry run requires INPUT-1: a validator that matches ids by prefix or edit distance finds it",
            edited(&|v| v["blockers"][0]["id"] = json!("FIX7-P0-OPERATOR-INPUT-7")),
        )
        .expect([R::BlockerMissing]),
    );
    cases.add(
        keyed(
            "blockers-empty-execution",
            "the execution is selected with both grants and the blocker list is empty: seven blockers are missing, none is closed",
            {
                let mut v = selecting(base, EXECUTION, &[]);
                v["blockers"] = json!([]);
                with_grants(&v, &[("apply", &grant(&v, "apply")), ("cutover", &grant(&v, "cutover"))])
            },
        )
        .expect([R::BlockerMissing]),
    );
    cases.add(
        keyed(
            "blocker-repeated-both-closed",
            "the required blocker is listed twice, both CLOSED: a blocker must exist exactly once",
            edited(&|v| {
                push(
                    &mut v["blockers"],
                    json!({"id": BLOCKERS[0], "status": "CLOSED"}),
                );
            }),
        )
        .expect([R::BlockerRepeated]),
    );
    cases.add(
        keyed(
            "blocker-repeated-open-and-closed",
            "the required blocker is listed OPEN and again CLOSED further down: a validator that keeps the last one sees it closed",
            edited(&|v| {
                v["blockers"][0]["status"] = json!("OPEN");
                push(&mut v["blockers"], json!({"id": BLOCKERS[0], "status": "CLOSED"}));
            }),
        )
        .expect([R::BlockerRepeated]),
    );
    let statuses: [(&str, &str, &str); 13] = [
        (
            "blocker-open",
            "the one blocker the dry run needs is OPEN",
            "OPEN",
        ),
        (
            "blocker-closed-lower-case",
            "`closed` in lower case: only `CLOSED` exactly counts, a case-insensitive comparison passes it",
            "closed",
        ),
        (
            "blocker-closed-title-case",
            "`Closed` in title case",
            "Closed",
        ),
        (
            "blocker-closed-leading-space",
            "` CLOSED` with a leading space: a validator that trims statuses passes it",
            " CLOSED",
        ),
        (
            "blocker-closed-trailing-newline",
            "`CLOSED` with a trailing newline",
            "CLOSED\n",
        ),
        (
            "blocker-closed-trailing-nul",
            "`CLOSED` followed by a NUL: a C-string comparison stops at the NUL and matches",
            "CLOSED\u{0}",
        ),
        (
            "blocker-closed-cyrillic-es",
            "`CLOSED` with a Cyrillic С (U+0421): same to the eye",
            "\u{421}LOSED",
        ),
        (
            "blocker-closed-fullwidth",
            "`CLOSED` in fullwidth letters: NFKC folds it to CLOSED, byte comparison does not",
            "\u{ff23}\u{ff2c}\u{ff2f}\u{ff33}\u{ff25}\u{ff24}",
        ),
        (
            "blocker-closed-zero-width",
            "`CLOSED` with a zero-width joiner inside",
            "CLO\u{200d}SED",
        ),
        (
            "blocker-closed-prefix",
            "`CLOSED_PENDING_REVIEW`: a validator that checks the prefix passes it",
            "CLOSED_PENDING_REVIEW",
        ),
        (
            "blocker-status-done",
            "`DONE` is not `CLOSED`: a validator that accepts any non-OPEN status passes it",
            "DONE",
        ),
        (
            "blocker-status-empty",
            "an empty status: a validator that only rejects OPEN passes it",
            "",
        ),
        (
            "blocker-status-not-open",
            "`NOT OPEN`: contains no OPEN token a naive check looks for, and is still not CLOSED",
            "NOT OPEN",
        ),
    ];
    for (case, why, status) in statuses {
        cases.add(
            keyed(
                case,
                why,
                edited(&|v| v["blockers"][0]["status"] = json!(status)),
            )
            .expect([R::BlockerOpen]),
        );
    }
    let mut v = selecting(base, EXECUTION, &BLOCKERS[..6]);
    let grants = [
        ("apply", grant(&v, "apply")),
        ("cutover", grant(&v, "cutover")),
    ];
    let g: Vec<(&str, &str)> = grants.iter().map(|(a, t)| (*a, t.as_str())).collect();
    cases.add(
        keyed(
            "execution-last-blocker-open",
            "the execution with both grants and six of seven blockers closed: the last one, SEALS-VERIFIED, is still OPEN",
            with_grants(&v, &g),
        )
        .expect([R::BlockerOpen]),
    );
    set_status(&mut v, &BLOCKERS, "OPEN");
    set_status(&mut v, &BLOCKERS[..1], "CLOSED");
    let grants = [
        ("apply", grant(&v, "apply")),
        ("cutover", grant(&v, "cutover")),
    ];
    let g: Vec<(&str, &str)> = grants.iter().map(|(a, t)| (*a, t.as_str())).collect();
    cases.add(
        keyed(
            "execution-with-dryrun-blockers",
            "the execution with both grants but only the dry run's blocker closed: the execution needs all seven",
            with_grants(&v, &g),
        )
        .expect([R::BlockerOpen]),
    );
}

fn schema(cases: &mut Cases, dry_ok: &Value, edited: Edited) {
    type Edit = Box<dyn Fn(&mut Value)>;
    let remove = |path: &'static [&'static str], field: &'static str| -> Edit {
        Box::new(move |v: &mut Value| {
            let mut at = &mut *v;
            for p in path {
                at = match p.parse::<usize>() {
                    Ok(i) => &mut at[i],
                    Err(_) => &mut at[*p],
                };
            }
            if let Some(m) = at.as_object_mut() {
                m.remove(field);
            }
        })
    };
    let edits: Vec<(&str, &str, Edit)> = vec![
        (
            "schema-unknown-top-field",
            "an unknown top-level field (`approved_by`): a validator that ignores unknown fields lets a packet say things the gate never checks",
            Box::new(|v: &mut Value| v["approved_by"] = json!("Zoë Ærøskøbing")),
        ),
        (
            "schema-unknown-override-field",
            "an unknown `override: true` field: a validator that reads it, or ignores it, is not checking the schema",
            Box::new(|v: &mut Value| v["override"] = json!(true)),
        ),
        (
            "schema-field-name-case-variant",
            "`Selected` instead of `selected`: a case-insensitive field lookup reads it, the schema has no such field and misses the real one",
            Box::new(|v: &mut Value| {
                if let Some(m) = v.as_object_mut()
                    && let Some(s) = m.remove("selected")
                {
                    m.insert("Selected".into(), s);
                }
            }),
        ),
        (
            "schema-unknown-blocker-field",
            "a blocker with an unknown `closed_by` field",
            Box::new(|v: &mut Value| v["blockers"][0]["closed_by"] = json!("on-call")),
        ),
        (
            "schema-unknown-option-field",
            "an option with an unknown `requires_approval` field: requirements the gate does not know are requirements it does not check",
            Box::new(|v: &mut Value| v["options"][1]["requires_approval"] = json!(["cab"])),
        ),
        (
            "schema-unknown-grant-field",
            "a grant with an unknown `expires` field beside its token",
            Box::new(|v: &mut Value| v["grants"][0]["expires"] = json!(draft::LATER)),
        ),
        (
            "schema-missing-blockers",
            "no `blockers` field: a validator that treats it as an empty list reports the blocker missing instead of a broken packet",
            remove(&[], "blockers"),
        ),
        (
            "schema-missing-default",
            "no `default` field",
            remove(&[], "default"),
        ),
        (
            "schema-missing-format",
            "no `format` field: the packet does not say it is a sealprobe-decision/1 packet",
            remove(&[], "format"),
        ),
        (
            "schema-missing-options",
            "no `options` field",
            remove(&[], "options"),
        ),
        (
            "schema-missing-packet-name",
            "no `packet` field",
            remove(&[], "packet"),
        ),
        (
            "schema-missing-selected",
            "no `selected` field",
            remove(&[], "selected"),
        ),
        (
            "schema-missing-requires-closed",
            "the selected option has no `requires_closed`: a validator that defaults it to [] skips the blocker",
            remove(&["options", "1"], "requires_closed"),
        ),
        (
            "schema-missing-requires-grants",
            "the selected option has no `requires_grants`: a validator that defaults it to [] needs no grant",
            remove(&["options", "1"], "requires_grants"),
        ),
        (
            "schema-missing-option-id",
            "an option without an `id`",
            remove(&["options", "2"], "id"),
        ),
        (
            "schema-missing-blocker-status",
            "a blocker without a `status`",
            remove(&["blockers", "3"], "status"),
        ),
        (
            "schema-missing-grant-token",
            "a grant without a `token`",
            remove(&["grants", "0"], "token"),
        ),
        (
            "schema-missing-grant-action",
            "a grant without an `action`: a validator that matches grants by token alone accepts it",
            remove(&["grants", "0"], "action"),
        ),
        (
            "schema-format-version-2",
            "`format` is sealprobe-decision/2: an unknown version must not be read as version 1",
            Box::new(|v: &mut Value| v["format"] = json!("sealprobe-decision/2")),
        ),
        (
            "schema-format-seal",
            "`format` is sealprobe-seal/1: a seal is not a decision packet",
            Box::new(|v: &mut Value| v["format"] = json!("sealprobe-seal/1")),
        ),
        (
            "schema-format-case-variant",
            "`format` in upper case",
            Box::new(|v: &mut Value| v["format"] = json!("SEALPROBE-DECISION/1")),
        ),
        (
            "schema-blockers-object",
            "`blockers` is an object keyed by id instead of a list",
            Box::new(|v: &mut Value| {
                v["blockers"] = json!({BLOCKERS[0]: "CLOSED", BLOCKERS[1]: "OPEN"})
            }),
        ),
        (
            "schema-selected-string",
            "`selected` is a bare string, not a list: a validator that accepts either reads one selection",
            Box::new(|v: &mut Value| v["selected"] = json!(DRYRUN)),
        ),
        (
            "schema-selected-null",
            "`selected` is null",
            Box::new(|v: &mut Value| v["selected"] = Value::Null),
        ),
        (
            "schema-selected-number",
            "`selected` holds the number 1 (an index into options)",
            Box::new(|v: &mut Value| v["selected"] = json!([1])),
        ),
        (
            "schema-requires-closed-string",
            "the selected option's `requires_closed` is a bare string",
            Box::new(|v: &mut Value| v["options"][1]["requires_closed"] = json!(BLOCKERS[0])),
        ),
        (
            "schema-status-boolean",
            "a blocker status is `true`: a truthy check calls it closed",
            Box::new(|v: &mut Value| v["blockers"][0]["status"] = json!(true)),
        ),
        (
            "schema-packet-name-number",
            "`packet` is a number",
            Box::new(|v: &mut Value| v["packet"] = json!(20260612)),
        ),
        (
            "schema-default-null",
            "`default` is null",
            Box::new(|v: &mut Value| v["default"] = Value::Null),
        ),
        (
            "schema-grants-object",
            "`grants` is an object keyed by action",
            Box::new(|v: &mut Value| {
                let t = v["grants"][0]["token"].clone();
                v["grants"] = json!({"dryrun": t});
            }),
        ),
        (
            "schema-grants-null",
            "`grants` is null rather than absent or a list",
            Box::new(|v: &mut Value| v["grants"] = Value::Null),
        ),
        (
            "schema-token-array",
            "a grant's token is a list of its parts",
            Box::new(|v: &mut Value| {
                let t = v["grants"][0]["token"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                v["grants"][0]["token"] = json!(t.split('.').collect::<Vec<_>>());
            }),
        ),
        (
            "schema-requires-grants-number",
            "`requires_grants` holds a number",
            Box::new(|v: &mut Value| v["options"][1]["requires_grants"] = json!([0])),
        ),
        (
            "schema-option-id-lower-case",
            "the selected option's id and selection in lower case, consistently: ids are [A-Z0-9_-], so the packet breaks the schema",
            Box::new(|v: &mut Value| {
                v["options"][1]["id"] = json!(DRYRUN.to_lowercase());
                v["selected"] = json!([DRYRUN.to_lowercase()]);
            }),
        ),
        (
            "schema-option-id-65-characters",
            "an option id of 65 characters, selected: ids are at most 64",
            Box::new(|v: &mut Value| {
                let long = format!("{DRYRUN}_{}", "X".repeat(65 - DRYRUN.len() - 1));
                v["options"][1]["id"] = json!(long);
                v["selected"] = json!([long]);
            }),
        ),
        (
            "schema-option-id-empty",
            "an option id that is the empty string",
            Box::new(|v: &mut Value| v["options"][2]["id"] = json!("")),
        ),
        (
            "schema-option-id-cyrillic",
            "an option id with a Cyrillic letter, selected as written: non-ASCII is outside the id grammar",
            Box::new(|v: &mut Value| {
                let id = DRYRUN.replace("ONLY", "\u{41e}NLY");
                v["options"][1]["id"] = json!(id);
                v["selected"] = json!([id]);
            }),
        ),
        (
            "schema-option-id-with-dot",
            "an option id with a dot (AUTHORIZE.PRODUCTION)",
            Box::new(|v: &mut Value| {
                v["options"][3]["id"] = json!("AUTHORIZE.PRODUCTION.EXECUTION")
            }),
        ),
        (
            "schema-blocker-id-with-space",
            "a blocker id with a space, required as written",
            Box::new(|v: &mut Value| {
                v["blockers"][0]["id"] = json!("FIX7 P0 OPERATOR INPUT 1");
                v["options"][1]["requires_closed"] = json!(["FIX7 P0 OPERATOR INPUT 1"]);
            }),
        ),
        (
            "schema-blocker-id-non-ascii",
            "a blocker id with Ü, required as written",
            Box::new(|v: &mut Value| {
                v["blockers"][0]["id"] = json!("FIX7-P0-ÜBERGABE");
                v["options"][1]["requires_closed"] = json!(["FIX7-P0-ÜBERGABE"]);
            }),
        ),
        (
            "schema-requires-closed-lower-case",
            "a required blocker id in lower case",
            Box::new(|v: &mut Value| {
                v["options"][1]["requires_closed"] = json!([BLOCKERS[0].to_lowercase()])
            }),
        ),
        (
            "schema-action-upper-case",
            "the required action and its grant's action both DRYRUN: actions are [a-z0-9-]",
            Box::new(|v: &mut Value| {
                v["options"][1]["requires_grants"] = json!(["DRYRUN"]);
                v["grants"][0]["action"] = json!("DRYRUN");
            }),
        ),
        (
            "schema-action-with-dot",
            "a required action with a dot (dry.run): a dot in an action would split a token differently",
            Box::new(|v: &mut Value| v["options"][1]["requires_grants"] = json!(["dry.run"])),
        ),
        (
            "schema-action-33-characters",
            "a required action of 33 characters: actions are at most 32",
            Box::new(|v: &mut Value| v["options"][3]["requires_grants"] = json!(["a".repeat(33)])),
        ),
        (
            "schema-grant-action-underscore",
            "a grant for action dry_run: the underscore is outside the action grammar",
            Box::new(|v: &mut Value| v["grants"][0]["action"] = json!("dry_run")),
        ),
        (
            "schema-grant-action-empty",
            "a grant whose action is empty",
            Box::new(|v: &mut Value| {
                push(&mut v["grants"], json!({"action": "", "token": "x"}));
            }),
        ),
        (
            "schema-grant-action-cyrillic",
            "a grant for the action drуrun with a Cyrillic у: outside the action grammar",
            Box::new(|v: &mut Value| v["grants"][0]["action"] = json!("dr\u{443}run")),
        ),
        (
            "schema-options-empty-and-unknown-field",
            "no options at all and an unknown field: the schema problem comes first",
            Box::new(|v: &mut Value| {
                v["options"] = json!([]);
                v["notes"] = json!("n/a");
            }),
        ),
    ];
    for (case, why, edit) in edits {
        // Grants stay as minted for the packet as edited, so only the schema is wrong.
        let mut v = dry_ok.clone();
        edit(&mut v);
        let bytes = match v.get("grants").and_then(Value::as_array) {
            Some(list)
                if list.len() == 1
                    && v["grants"][0]["action"] == "dryrun"
                    && v["grants"][0]["token"].is_string() =>
            {
                let mut w = v.clone();
                w["grants"][0]["token"] = json!(grant(&v, "dryrun"));
                doc(&w)
            }
            _ => doc(&v),
        };
        cases.add(keyed(case, why, bytes).expect([R::PacketSchema]));
    }
    for (case, why, top) in [
        (
            "schema-top-level-array",
            "the packet is wrapped in a list",
            json!([dry_ok]),
        ),
        (
            "schema-top-level-string",
            "the packet is a JSON string holding the packet",
            json!(String::from_utf8_lossy(&doc(dry_ok))),
        ),
    ] {
        cases.add(keyed(case, why, doc(&top)).expect([R::PacketSchema]));
    }
    // An option id defined twice: the packet no longer says which requirements its selection
    // carries. SPEC 5.2 gives options by id and compares ids as bytes; an id that names two
    // options names none with certainty, so the packet breaks the schema.
    let mut twice = selecting(
        &fix7(dry_ok["packet"].as_str().unwrap_or_default()),
        DRYRUN,
        &[],
    );
    if let Some(o) = twice["options"].as_array_mut() {
        o.insert(
            0,
            json!({"id": DRYRUN, "requires_closed": [], "requires_grants": []}),
        );
    }
    cases.add(
        keyed(
            "option-id-twice-first-requires-nothing",
            "the dry run defined twice, the first copy requiring nothing, its blocker OPEN and no grant: a validator that takes the first option with the id authorizes a dry run nobody granted",
            doc(&twice),
        )
        .expect([R::PacketSchema]),
    );
    let mut twice = selecting(
        &fix7(dry_ok["packet"].as_str().unwrap_or_default()),
        DRYRUN,
        &[],
    );
    push(
        &mut twice["options"],
        json!({"id": DRYRUN, "requires_closed": [], "requires_grants": []}),
    );
    cases.add(
        keyed(
            "option-id-twice-last-requires-nothing",
            "the dry run defined twice, the last copy requiring nothing: a validator that builds a map of options (last one wins) authorizes a dry run nobody granted",
            doc(&twice),
        )
        .expect([R::PacketSchema]),
    );
    let mut twice = fix7(dry_ok["packet"].as_str().unwrap_or_default());
    push(
        &mut twice["options"],
        json!({"id": HOLD, "requires_closed": [BLOCKERS[4]], "requires_grants": ["apply"]}),
    );
    cases.add(
        keyed(
            "default-id-twice",
            "HOLD_PRODUCTION defined twice, the second copy requiring a blocker and a grant: whether the default requires something depends on which copy a validator reads",
            doc(&twice),
        )
        .expect([R::PacketSchema]),
    );
    cases.add(
        keyed(
            "options-empty",
            "a packet with no options: the default and the selection name nothing",
            edited(&|v| v["options"] = json!([])),
        )
        .expect([R::DefaultNotHold, R::SelectedUnknown]),
    );
}

fn syntax(cases: &mut Cases, dry_doc: &[u8]) {
    let text = String::from_utf8_lossy(dry_doc).into_owned();
    let last_brace = text.rfind('}').unwrap_or(0);
    let deep = {
        let compact = String::from_utf8_lossy(&emit(
            &serde_json::from_slice::<Value>(dry_doc).unwrap_or_default(),
            &Style {
                indent: "",
                colon: ":",
                ..PLAIN
            },
        ))
        .into_owned();
        compact.replacen(
            &format!("\"selected\":[\"{DRYRUN}\"]"),
            &format!(
                "\"selected\":{}\"{DRYRUN}\"{}",
                "[".repeat(70),
                "]".repeat(70)
            ),
            1,
        )
    };
    let utf16 = wide(&text, 2, true, false);
    let docs: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "syntax-truncated",
            "the granted packet cut in half: a streaming reader that acts on what it has read so far authorizes",
            dry_doc[..dry_doc.len() / 2].to_vec(),
        ),
        (
            "syntax-truncated-last-brace",
            "the granted packet without its closing brace: a lenient parser completes it",
            dry_doc[..last_brace].to_vec(),
        ),
        (
            "syntax-trailing-comma",
            "a trailing comma before the closing brace, which JavaScript tolerates and JSON does not",
            {
                let mut t = text[..last_brace].trim_end().to_owned();
                t.push_str(",\n}\n");
                t.into_bytes()
            },
        ),
        (
            "syntax-two-documents",
            "the granted packet twice in one file: trailing bytes after the value",
            [dry_doc, dry_doc].concat(),
        ),
        (
            "syntax-trailing-garbage",
            "the granted packet followed by `garbage`",
            [dry_doc, b"garbage\n"].concat(),
        ),
        (
            "syntax-repeated-selected",
            "`selected` twice, HOLD first and the dry run last: a first-wins parser sees HOLD, a last-wins parser the granted dry run; strict JSON has no repeated keys",
            cases.replace(
                dry_doc,
                "{\n",
                &format!("{{\n  \"selected\": [\"{HOLD}\"],\n"),
            ),
        ),
        (
            "syntax-repeated-status",
            "the required blocker's status twice, OPEN then CLOSED: a last-wins parser sees it closed",
            cases.replace(
                dry_doc,
                "\"status\": \"CLOSED\"",
                "\"status\": \"OPEN\",\n      \"status\": \"CLOSED\"",
            ),
        ),
        (
            "syntax-repeated-key-escaped",
            "`sel\\u0065cted` (HOLD) beside `selected`: the same key once escapes are decoded; a parser that compares raw key bytes misses the repetition",
            cases.replace(
                dry_doc,
                "{\n",
                &format!("{{\n  \"sel\\u0065cted\": [\"{HOLD}\"],\n"),
            ),
        ),
        (
            "syntax-bom",
            "the granted packet with a UTF-8 BOM in front: strict JSON has none",
            [b"\xEF\xBB\xBF".as_slice(), dry_doc].concat(),
        ),
        (
            "syntax-utf16",
            "the granted packet re-encoded as UTF-16LE without a BOM",
            utf16,
        ),
        (
            "syntax-comment",
            "a `//` comment inside the packet, as JSON5 and JSONC allow",
            cases.replace(dry_doc, "{\n", "{\n  // approved on the bridge call\n"),
        ),
        (
            "syntax-single-quotes",
            "a key in single quotes",
            cases.replace(dry_doc, "\"format\"", "'format'"),
        ),
        (
            "syntax-unquoted-key",
            "an unquoted key",
            cases.replace(dry_doc, "\"default\"", "default"),
        ),
        (
            "syntax-nan",
            "`NaN` as a value",
            cases.replace(dry_doc, "\"selected\": [", "\"selected\": [NaN, "),
        ),
        (
            "syntax-invalid-utf8",
            "a byte that is not UTF-8 inside the packet name: a lossy decoder replaces it and reads on",
            {
                let mut b = cases.replace(dry_doc, "Zürich", "Z@rich");
                if let Some(i) = b.iter().position(|&c| c == b'@') {
                    b[i] = 0xFF;
                }
                b
            },
        ),
        (
            "syntax-overlong-utf8",
            "an overlong UTF-8 encoding of `/` (C0 AF) inside the packet name",
            {
                let mut b = cases.replace(dry_doc, "Zürich", "Z@@rich");
                if let Some(i) = b.iter().position(|&c| c == b'@') {
                    b[i] = 0xC0;
                    b[i + 1] = 0xAF;
                }
                b
            },
        ),
        (
            "syntax-lone-surrogate",
            "a lone surrogate escape (\\ud800) inside the packet name",
            cases.replace(dry_doc, "Zürich", "Z\\ud800rich"),
        ),
        (
            "syntax-raw-newline-in-string",
            "a raw line break inside the packet name string",
            cases.replace(dry_doc, "Zürich", "Zü\nrich"),
        ),
        (
            "syntax-too-deep",
            "the selection nested 71 levels deep: deeper than the 64 strict JSON allows",
            deep.into_bytes(),
        ),
    ];
    for (case, why, bytes) in docs {
        cases.add(keyed(case, why, bytes).expect([R::PacketSyntax]));
    }
}
