//! The `forged-tokens` family (SPEC 7.2, grammar of SPEC 4): grant tokens that look right and
//! are not. MACs flipped, made with another key or over another message; tokens for another
//! action, another packet, or a time that has passed; every way to bend the exact grammar
//! (`spg0`/`spg2`, truncation, padding, the standard base64 alphabet, whitespace, case, look-alike
//! and zero-width characters, leading zeros, 13-digit expiries), often with a MAC that verifies
//! over the bent message, so a validator that parses loosely and then checks the MAC accepts it.
//! Also two grants for one action, none, and no key. Controls: valid grants for one and for two
//! actions, the execution with every blocker closed, and expiry edges that are still valid.
//!
//! The bends a template spells (a prefix, a suffix, a part cut, upper-cased or re-spelled in
//! the standard alphabet, a message forged, a token padded to a length) are data,
//! `probes/forged-tokens.toml`; this file keeps the cases drawn from the seed.
//!
//! Grants are checked MAC first (README, "Decisions"): a token that does not verify is
//! `grant-invalid` whatever else it claims; then action, packet digest, expiry.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::ProbeFamily;
use super::packets::{
    BLOCKERS, DRYRUN, EXECUTION, PLAIN, PRECHECK, Style, digest16, doc, emit, fix7, grant,
    grant_with, granted, keyed, packet_name, selecting, with_grants,
};
use crate::decide::ReasonClass as R;
use crate::probe::case::{Class, Family};
use crate::probe::draft::{self, Cases, Draft, LATER, NOW, Seeded};

pub struct ForgedTokens;

/// A case name, its why, and the grants (action, token) of its packet.
type Grants<'a, T> = (&'a str, &'a str, Vec<(&'a str, T)>);

/// An execution case: name, why, grants, and the reasons expected.
type ExecCase<'a> = (&'a str, &'a str, Vec<(&'a str, String)>, Vec<R>);

/// `token` with the character at byte `i` replaced by another base64url character.
fn flip_at(token: &str, i: usize) -> String {
    let mut b = token.as_bytes().to_vec();
    b[i] = if b[i] == b'A' { b'B' } else { b'A' };
    String::from_utf8(b).unwrap_or_default()
}

/// The MAC part of a token.
fn tag_of(token: &str) -> &str {
    token.rsplit('.').next().unwrap_or_default()
}

/// The token without its MAC part (`spg1.<action>.<digest16>.<expires>`).
fn body_of(token: &str) -> &str {
    token.rsplit_once('.').map_or(token, |(b, _)| b)
}

impl ProbeFamily for ForgedTokens {
    fn family(&self) -> Family {
        Family::ForgedTokens
    }

    fn draw(&self, cases: &mut Cases, rng: &mut Seeded) {
        let key = draft::probe_key();
        let other = draft::other_key();
        let name = packet_name(&rng.word(10));
        let base = fix7(&name);
        let dry = selecting(&base, DRYRUN, &BLOCKERS[..1]);
        let d16 = digest16(&dry);
        let full = draft::packet_digest(&doc(&dry)).unwrap_or_default();
        let good = grant(&dry, "dryrun");
        let tag = tag_of(&good).to_owned();
        let mac_at = good.len() - tag.len();
        // A valid cutover grant for this very packet, listed first: a validator that checks the
        // first grant, or any grant, instead of the one for the required action, accepts.
        let decoy = grant(&dry, "cutover");
        let put = |token: &str| with_grants(&dry, &[("cutover", &decoy), ("dryrun", token)]);
        let msg = |action: &str, d16: &str, expires: &str| format!("spg1.{action}.{d16}.{expires}");
        let later = LATER.to_string();

        let forged = |cases: &mut Cases, name: &str, why: &str, token: String, class: R| {
            cases.add(keyed(name, why, put(&token)).expect([class]));
        };

        // --- the MAC does not verify ------------------------------------------------------------
        for (case, why, i) in [
            (
                "mac-flipped-first-char",
                "the first character of the MAC changed: a validator that checks only the token's shape accepts it",
                0,
            ),
            (
                "mac-flipped-middle-char",
                "one character in the middle of the MAC changed",
                21,
            ),
            (
                "mac-flipped-char-42",
                "the last full character of the MAC changed: a validator that compares a prefix of the MAC misses it",
                41,
            ),
        ] {
            forged(
                cases,
                case,
                why,
                flip_at(&good, mac_at + i),
                R::GrantInvalid,
            );
        }
        let last = tag.as_bytes()[42];
        let canonical_last = if last == b'A' { 'E' } else { 'A' };
        forged(
            cases,
            "mac-last-char-changed",
            "the last MAC character replaced by another that is still a canonical spelling (low bits zero): the bytes differ, the MAC does not verify",
            format!("{}{canonical_last}", &good[..good.len() - 1]),
            R::GrantInvalid,
        );
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let pos = alphabet.iter().position(|&c| c == last).unwrap_or(0);
        forged(
            cases,
            "mac-stray-trailing-bits",
            "the last MAC character with its two unused bits set: a lenient base64 decoder yields the very same 32 bytes and verifies it, but it is not the one spelling of the MAC",
            format!(
                "{}{}",
                &good[..good.len() - 1],
                char::from(alphabet[pos | 1])
            ),
            R::GrantInvalid,
        );
        forged(
            cases,
            "mac-all-a",
            "a MAC of 43 `A`s (32 zero bytes): a well-formed tag that is nobody's MAC",
            format!("{}.{}", body_of(&good), "A".repeat(43)),
            R::GrantInvalid,
        );
        forged(
            cases,
            "mac-from-other-key",
            "a token minted with another key: the grammar is perfect, the MAC is not ours",
            grant_with(&other, &dry, "dryrun", LATER),
            R::GrantInvalid,
        );
        forged(
            cases,
            "mac-from-other-key-wrong-action",
            "a token for `apply` minted with another key: the MAC is checked first, so it is invalid, not merely for the wrong action",
            grant_with(&other, &dry, "apply", LATER),
            R::GrantInvalid,
        );
        forged(
            cases,
            "mac-from-other-key-expired",
            "an expired token minted with another key: invalid before it is expired",
            grant_with(&other, &dry, "dryrun", NOW - 3600),
            R::GrantInvalid,
        );
        let renamed = {
            let mut v = dry.clone();
            v["packet"] = Value::from("FIX7-P0-2026-06-13");
            v
        };
        forged(
            cases,
            "mac-from-other-key-other-packet",
            "a token for another packet minted with another key: invalid before it is a replay",
            grant_with(&other, &renamed, "dryrun", LATER),
            R::GrantInvalid,
        );
        let replayed = grant(&renamed, "dryrun");
        forged(
            cases,
            "digest-rewritten-mac-kept",
            "a token replayed from another packet with its digest16 rewritten to this packet's: the MAC covers the digest, so it no longer verifies",
            format!("{}.{}", msg("dryrun", &d16, &later), tag_of(&replayed)),
            R::GrantInvalid,
        );
        let expired = grant_with(&key, &dry, "dryrun", NOW - 60);
        forged(
            cases,
            "expiry-extended-mac-kept",
            "an expired token with its expiry rewritten to a later time: the MAC covers the expiry",
            format!("{}.{}", msg("dryrun", &d16, &later), tag_of(&expired)),
            R::GrantInvalid,
        );
        let apply = grant(&dry, "apply");
        forged(
            cases,
            "action-rewritten-mac-kept",
            "an `apply` token with its action rewritten to `dryrun`: the MAC covers the action",
            format!("{}.{}", msg("dryrun", &d16, &later), tag_of(&apply)),
            R::GrantInvalid,
        );
        let tag_over =
            |message: &str| crate::token::mac::Tag::of(&key, message.as_bytes()).to_base64url();
        forged(
            cases,
            "mac-over-body-without-prefix",
            "the MAC was computed over `dryrun.<digest16>.<expires>` without `spg1.`: a validator with another MAC message accepts its own forgeries",
            format!(
                "{}.{}",
                msg("dryrun", &d16, &later),
                tag_over(&format!("dryrun.{d16}.{later}"))
            ),
            R::GrantInvalid,
        );
        forged(
            cases,
            "mac-over-full-digest",
            "the MAC was computed over the full 64-digit digest while the token carries 16: the MAC message is the token's own first four parts",
            format!(
                "{}.{}",
                msg("dryrun", &d16, &later),
                tag_over(&msg("dryrun", &full, &later))
            ),
            R::GrantInvalid,
        );
        forged(
            cases,
            "mac-with-seal-prefix",
            "the MAC written as a seal MAC (`hmac-sha256:` and the tag): not base64url",
            format!("{}.hmac-sha256:{tag}", body_of(&good)),
            R::GrantInvalid,
        );
        let raw = URL_SAFE_NO_PAD.decode(&tag).unwrap_or_default();
        forged(
            cases,
            "mac-hex-encoded",
            "the right MAC bytes written as 64 hex digits instead of base64url",
            format!("{}.{}", body_of(&good), crate::digest::hex(&raw, false)),
            R::GrantInvalid,
        );
        cases.add(
            Draft::packet(
                "key-handed-over-is-another-key",
                "the token was minted with the probe key but the validator is handed another key: nothing it holds verifies",
                put(&good),
            )
            .key(draft::other_key_bytes())
            .expect([R::GrantInvalid]),
        );

        let probe = draft::probe_key_bytes();
        let key_files: [(&str, &str, Vec<u8>, Class); 3] = [
            (
                "key-file-too-short",
                "the key file holds the first 16 bytes of the key: keys are at least 32 bytes, a validator that accepts short keys accepts keys that can be guessed (sealprobe refuses the key file: a usage error, exit 2)",
                probe[..16].to_vec(),
                Class::Usage,
            ),
            (
                "key-file-trailing-newline",
                "the key file holds the key and a newline `echo` added: the key is the file's bytes, so nothing verifies; a validator that trims the key file accepts",
                [probe.as_slice(), b"\n"].concat(),
                Class::Reason(R::GrantInvalid),
            ),
            (
                "key-file-hex-encoded",
                "the key file holds the key as 64 hex digits: those 64 bytes are another key, a validator that hex-decodes key files accepts",
                crate::digest::hex(&probe, false).into_bytes(),
                Class::Reason(R::GrantInvalid),
            ),
        ];
        for (case, why, bytes, class) in key_files {
            cases.add(
                Draft::packet(case, why, put(&good))
                    .key(bytes)
                    .expect([class]),
            );
        }

        // --- verifies, but not for this action, packet or time ------------------------------
        forged(
            cases,
            "wrong-action-apply",
            "a valid `apply` token for this packet, listed as the dryrun grant: a validator that checks the MAC and the packet but not the action accepts",
            apply.clone(),
            R::GrantWrongAction,
        );
        forged(
            cases,
            "wrong-action-longer-name",
            "a valid token for `dryrun-all`: a validator that matches actions by prefix accepts it for `dryrun`",
            grant(&dry, "dryrun-all"),
            R::GrantWrongAction,
        );
        forged(
            cases,
            "wrong-action-and-other-packet",
            "a valid `apply` token from another packet: the action is checked before the packet",
            grant(&renamed, "apply"),
            R::GrantWrongAction,
        );
        forged(
            cases,
            "replay-other-packet-name",
            "a valid dryrun token minted for a packet with another name: replayed here, it binds to the other decision",
            replayed.clone(),
            R::GrantWrongPacket,
        );
        let on_hold = selecting(&base, super::packets::HOLD, &BLOCKERS[..1]);
        forged(
            cases,
            "replay-from-hold-selection",
            "a valid dryrun token minted while HOLD was selected: switching the selection afterwards makes it a replay",
            grant(&on_hold, "dryrun"),
            R::GrantWrongPacket,
        );
        // Minted over the SHA-256 of the file as written (without grants) instead of its JCS form:
        // a validator that hashes its own serialization accepts this one and refuses honest ones.
        let mut stripped = dry.clone();
        if let Some(m) = stripped.as_object_mut() {
            m.remove("grants");
        }
        let file_digest = crate::digest::Digest::of(&doc(&stripped)).to_hex();
        forged(
            cases,
            "replay-digest-of-file-bytes",
            "a token bound to the SHA-256 of the pretty-printed file instead of its JCS form: the digest is over JCS, whatever the layout",
            crate::token::grant::GrantToken::mint(&key, "dryrun", &file_digest, LATER)
                .unwrap_or_default(),
            R::GrantWrongPacket,
        );
        forged(
            cases,
            "replay-and-expired",
            "an expired token from another packet: it fails on the packet before the time",
            grant_with(&key, &renamed, "dryrun", NOW - 1),
            R::GrantWrongPacket,
        );
        forged(
            cases,
            "expired-one-second-ago",
            "a token that expired one second before now",
            grant_with(&key, &dry, "dryrun", NOW - 1),
            R::GrantExpired,
        );
        forged(
            cases,
            "expiry-exactly-now",
            "a token whose expiry is exactly now: valid only while now < expires, so it has expired",
            grant_with(&key, &dry, "dryrun", NOW),
            R::GrantExpired,
        );
        forged(
            cases,
            "expired-at-one",
            "a token that expired at second 1 of 1970: a validator that treats small numbers as durations accepts",
            grant_with(&key, &dry, "dryrun", 1),
            R::GrantExpired,
        );
        cases.add(
            keyed(
                "judged-at-expiry",
                "a valid token judged at the second it expires",
                put(&good),
            )
            .now(LATER)
            .expect([R::GrantExpired]),
        );
        cases.add(
            keyed(
                "judged-after-expiry",
                "a valid token judged a day after it expired: a validator that ignores the clock it is given accepts",
                put(&good),
            )
            .now(LATER + 86_400)
            .expect([R::GrantExpired]),
        );

        // --- repeated, missing, no key --------------------------------------------------------
        let second = grant_with(&key, &dry, "dryrun", LATER + 1);
        let repeated: [Grants<&str>; 3] = [
            (
                "two-valid-grants-one-action",
                "two valid dryrun grants, with different expiries: exactly one grant per action, so there is no saying which one was meant",
                vec![("dryrun", good.as_str()), ("dryrun", second.as_str())],
            ),
            (
                "same-grant-twice",
                "the same valid dryrun grant listed twice",
                vec![("dryrun", good.as_str()), ("dryrun", good.as_str())],
            ),
            (
                "valid-and-forged-grant-one-action",
                "a forged dryrun grant and a valid one: a validator that accepts if any grant verifies lets the forgery ride along",
                vec![
                    ("dryrun", &good[..good.len() - 1]),
                    ("dryrun", good.as_str()),
                ],
            ),
        ];
        for (case, why, grants) in repeated {
            cases.add(keyed(case, why, with_grants(&dry, &grants)).expect([R::GrantRepeated]));
        }
        cases.add(
            keyed(
                "grant-missing-empty-list",
                "the dry run is selected and `grants` is empty",
                with_grants(&dry, &[]),
            )
            .expect([R::GrantMissing]),
        );
        let mut absent = dry.clone();
        if let Some(m) = absent.as_object_mut() {
            m.remove("grants");
        }
        cases.add(
            keyed(
                "grant-missing-field-absent",
                "the dry run is selected and there is no `grants` field",
                doc(&absent),
            )
            .expect([R::GrantMissing]),
        );
        cases.add(
            keyed(
                "grant-listed-under-other-action",
                "only an `apply` grant (valid, for this packet) and the dry run needs `dryrun`: a grant is found by its action",
                with_grants(&dry, &[("apply", &apply), ("cutover", &decoy)]),
            )
            .expect([R::GrantMissing]),
        );
        cases.add(
            keyed(
                "grant-entry-mislabelled",
                "the valid dryrun token listed under action `apply`: the dryrun grant is found by its entry's action, and there is none",
                with_grants(&dry, &[("apply", &good)]),
            )
            .expect([R::GrantMissing]),
        );
        cases.add(
            keyed(
                "grant-action-trailing-space",
                "the grant's action is `dryrun ` with a trailing space: outside the action grammar, so the packet breaks the schema",
                with_grants(&dry, &[("dryrun ", &good)]),
            )
            .expect([R::PacketSchema]),
        );
        cases.add(
            Draft::packet(
                "no-key-handed-over",
                "a valid dryrun grant and no key: nothing can be verified, so nothing is authorized",
                put(&good),
            )
            .expect([R::Key]),
        );
        cases.add(
            Draft::packet(
                "no-key-and-grant-missing",
                "no key and no grant: both reasons must be reported",
                with_grants(&dry, &[]),
            )
            .expect([R::Key, R::GrantMissing]),
        );
        cases.add(
            Draft::packet(
                "no-key-forged-grant",
                "no key and a forged grant: a validator that skips grant checks without a key authorizes the forgery",
                put(&grant_with(&other, &dry, "dryrun", LATER)),
            )
            .expect([R::Key]),
        );

        // --- the execution: apply and cutover ------------------------------------------------
        let exec = selecting(&base, EXECUTION, &BLOCKERS);
        let e_apply = grant(&exec, "apply");
        let e_cutover = grant(&exec, "cutover");
        let exec_cases: [ExecCase; 6] = [
            (
                "execution-cutover-missing",
                "the execution with every blocker closed and only the apply grant: cutover needs its own grant",
                vec![("apply", e_apply.clone())],
                vec![R::GrantMissing],
            ),
            (
                "execution-grants-swapped",
                "the apply entry holds the cutover token and the cutover entry the apply token: both are for the wrong action",
                vec![("apply", e_cutover.clone()), ("cutover", e_apply.clone())],
                vec![R::GrantWrongAction],
            ),
            (
                "execution-one-token-for-both",
                "the apply token listed for apply and again for cutover: one grant cannot authorize two actions",
                vec![("apply", e_apply.clone()), ("cutover", e_apply.clone())],
                vec![R::GrantWrongAction],
            ),
            (
                "execution-cutover-expired",
                "a valid apply grant and a cutover grant that expired an hour ago",
                vec![
                    ("apply", e_apply.clone()),
                    ("cutover", grant_with(&key, &exec, "cutover", NOW - 3600)),
                ],
                vec![R::GrantExpired],
            ),
            (
                "execution-apply-from-other-key",
                "a valid cutover grant and an apply grant minted with another key",
                vec![
                    ("apply", grant_with(&other, &exec, "apply", LATER)),
                    ("cutover", e_cutover.clone()),
                ],
                vec![R::GrantInvalid],
            ),
            (
                "execution-apply-repeated",
                "the apply grant twice and the cutover grant once",
                vec![
                    ("apply", e_apply.clone()),
                    ("apply", e_apply.clone()),
                    ("cutover", e_cutover.clone()),
                ],
                vec![R::GrantRepeated],
            ),
        ];
        for (case, why, grants, classes) in exec_cases {
            let g: Vec<(&str, &str)> = grants.iter().map(|(a, t)| (*a, t.as_str())).collect();
            cases.add(keyed(case, why, with_grants(&exec, &g)).expect(classes));
        }
        cases.add(
            Draft::packet(
                "execution-no-key",
                "the execution with both valid grants and no key",
                with_grants(&exec, &[("apply", &e_apply), ("cutover", &e_cutover)]),
            )
            .expect([R::Key]),
        );

        // --- controls -----------------------------------------------------------------------
        cases.add(
            keyed(
                "control-dryrun-grant",
                "a valid dryrun grant for this packet, beside a valid cutover grant it does not need: must pass",
                put(&good),
            )
            .control(),
        );
        let mut two = selecting(&base, PRECHECK, &BLOCKERS[..3]);
        two["options"][2]["requires_grants"] = Value::from(vec!["dryrun", "realrun-precheck"]);
        let two_grants = [
            ("realrun-precheck", grant(&two, "realrun-precheck")),
            ("dryrun", grant(&two, "dryrun")),
        ];
        let g: Vec<(&str, &str)> = two_grants.iter().map(|(a, t)| (*a, t.as_str())).collect();
        cases.add(
            keyed(
                "control-two-actions",
                "a precheck that requires dryrun and realrun-precheck grants, both valid, listed in the other order: must pass",
                with_grants(&two, &g),
            )
            .control(),
        );
        cases.add(
            keyed(
                "control-execution-all-closed",
                "the execution with all seven blockers closed and valid apply and cutover grants: must pass",
                with_grants(&exec, &[("apply", &e_apply), ("cutover", &e_cutover)]),
            )
            .control(),
        );
        cases.add(
            keyed(
                "control-expires-one-second-after-now",
                "a grant expiring one second after now is still valid (now < expires)",
                put(&grant_with(&key, &dry, "dryrun", NOW + 1)),
            )
            .control(),
        );
        cases.add(
            keyed(
                "control-expiry-twelve-digits",
                "an expiry of twelve digits (999999999999) is within the grammar: must pass",
                put(&grant_with(&key, &dry, "dryrun", 999_999_999_999)),
            )
            .control(),
        );
        cases.add(
            keyed(
                "control-token-written-with-escapes",
                "the valid token's upper-case letters written as JSON `\\u` escapes: after JSON decoding it is the same token, so it must pass",
                emit(
                    &granted(&dry, &[("dryrun", &good)]),
                    &Style {
                        escape_upper: true,
                        ..PLAIN
                    },
                ),
            )
            .control(),
        );
    }
}
