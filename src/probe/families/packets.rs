//! Packet helpers shared by the families whose cases are decision packets (`decision`,
//! `forged-tokens`, `leak-bait`): the FIX7 packet, selecting and closing, minting grants,
//! forging MACs over any message, and a JSON writer with settable layout (key order, indent,
//! escapes) for packets that must stay valid whatever their spelling.

use serde_json::{Value, json};

use super::text::u_escape;
use crate::probe::draft::{self, Draft};
use crate::token::key::Key;
use crate::token::mac::Tag;

pub const HOLD: &str = "HOLD_PRODUCTION";
pub const DRYRUN: &str = "AUTHORIZE_PRODUCTION_DRYRUN_ONLY";
pub const PRECHECK: &str = "AUTHORIZE_PRODUCTION_REALRUN_PRECHECK_ONLY";
pub const EXECUTION: &str = "AUTHORIZE_PRODUCTION_EXECUTION";
/// An option some packets add: one closed blocker and no grant (so no key is needed).
pub const NOTICE: &str = "AUTHORIZE_PRODUCTION_NOTICE_ONLY";

/// The seven FIX7 blockers; the dry run needs the first, the precheck the first three, the
/// execution all seven.
pub const BLOCKERS: [&str; 7] = [
    "FIX7-P0-OPERATOR-INPUT-1",
    "FIX7-P0-OPERATOR-INPUT-2",
    "FIX7-P0-BACKUP-VERIFIED",
    "FIX7-P0-ROLLBACK-REHEARSED",
    "FIX7-P0-CHANGE-WINDOW",
    "FIX7-P0-ONCALL-ACK",
    "FIX7-P0-SEALS-VERIFIED",
];

/// A packet name with non-ASCII characters and a seeded word (the `packet` field is a plain
/// string that no report prints).
pub fn packet_name(word: &str) -> String {
    format!("FIX7-P0-2026-06-12 · Zürich-Ost/Ærø — {word}")
}

/// The FIX7 packet of `examples/fix7/packet.json`: four options, seven blockers all `OPEN`,
/// `HOLD_PRODUCTION` selected, no grants.
pub fn fix7(name: &str) -> Value {
    json!({
        "blockers": BLOCKERS.iter().map(|b| json!({"id": b, "status": "OPEN"})).collect::<Vec<_>>(),
        "default": HOLD,
        "format": "sealprobe-decision/1",
        "grants": [],
        "options": [
            {"id": HOLD, "requires_closed": [], "requires_grants": []},
            {"id": DRYRUN, "requires_closed": &BLOCKERS[..1], "requires_grants": ["dryrun"]},
            {"id": PRECHECK, "requires_closed": &BLOCKERS[..3], "requires_grants": ["realrun-precheck"]},
            {"id": EXECUTION, "requires_closed": &BLOCKERS[..], "requires_grants": ["apply", "cutover"]},
        ],
        "packet": name,
        "selected": [HOLD],
    })
}

/// Sets the status of blockers `ids` (by id) to `status`.
pub fn set_status(v: &mut Value, ids: &[&str], status: &str) {
    if let Some(list) = v["blockers"].as_array_mut() {
        for b in list {
            if ids.iter().any(|id| b["id"] == *id) {
                b["status"] = json!(status);
            }
        }
    }
}

/// `v` with `option` selected and the blockers `closed` set to `CLOSED`.
pub fn selecting(v: &Value, option: &str, closed: &[&str]) -> Value {
    let mut v = v.clone();
    v["selected"] = json!([option]);
    set_status(&mut v, closed, "CLOSED");
    v
}

/// The packet file as a JSON tool writes it (pretty, sorted keys, final newline).
pub fn doc(v: &Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(v).unwrap_or_default();
    out.push(b'\n');
    out
}

/// A valid grant token for `action` on `v` (its grants ignored), minted with the probe key,
/// expiring at [`draft::LATER`].
pub fn grant(v: &Value, action: &str) -> String {
    grant_with(&draft::probe_key(), v, action, draft::LATER)
}

/// A grant token for `action` on `v`, minted with `key`, expiring at `expires`.
pub fn grant_with(key: &Key, v: &Value, action: &str, expires: u64) -> String {
    draft::mint(key, action, &doc(v), expires).unwrap_or_default()
}

/// `v` with exactly these grants.
pub fn granted(v: &Value, grants: &[(&str, &str)]) -> Value {
    let mut v = v.clone();
    v["grants"] = grants
        .iter()
        .map(|(a, t)| json!({"action": a, "token": t}))
        .collect();
    v
}

/// The packet file of `v` with exactly these grants.
pub fn with_grants(v: &Value, grants: &[(&str, &str)]) -> Vec<u8> {
    doc(&granted(v, grants))
}

/// The first 16 hex digits of the digest of `v` (what a grant for it binds to).
pub fn digest16(v: &Value) -> String {
    draft::packet_digest(&doc(v))
        .map(|d| d[..16].to_owned())
        .unwrap_or_default()
}

/// `<message>.<HMAC-SHA256 of message under key, base64url>`: a token whose MAC verifies over
/// whatever `message` says, grammar or not.
pub fn forge(key: &Key, message: &str) -> String {
    format!(
        "{message}.{}",
        Tag::of(key, message.as_bytes()).to_base64url()
    )
}

/// How [`emit`] lays out a JSON value.
#[derive(Clone, Copy)]
pub struct Style {
    /// Keys in reverse byte order instead of sorted.
    pub reverse: bool,
    /// One level of indentation; empty for a single line.
    pub indent: &'static str,
    pub newline: &'static str,
    /// What follows a key.
    pub colon: &'static str,
    /// Write every non-ASCII character as `\u` escapes.
    pub escape_non_ascii: bool,
    /// Write every ASCII upper-case letter as a `\u` escape.
    pub escape_upper: bool,
    /// Write `/` as `\/`.
    pub escape_slash: bool,
}

pub const PLAIN: Style = Style {
    reverse: false,
    indent: "  ",
    newline: "\n",
    colon: ": ",
    escape_non_ascii: false,
    escape_upper: false,
    escape_slash: false,
};

pub fn emit_string(s: &str, st: &Style, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' if st.escape_slash => out.push_str("\\/"),
            c if (c as u32) < 0x20 => out.push_str(&u_escape(c, false)),
            c if (!c.is_ascii() && st.escape_non_ascii)
                || (c.is_ascii_uppercase() && st.escape_upper) =>
            {
                out.push_str(&u_escape(c, true))
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

pub fn emit_into(v: &Value, st: &Style, depth: usize, out: &mut String) {
    let line = |out: &mut String, depth: usize| {
        if !st.indent.is_empty() {
            out.push_str(st.newline);
            out.push_str(&st.indent.repeat(depth));
        }
    };
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            if st.reverse {
                keys.reverse();
            }
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                line(out, depth + 1);
                emit_string(k, st, out);
                out.push_str(st.colon);
                emit_into(&map[*k], st, depth + 1, out);
            }
            if !keys.is_empty() {
                line(out, depth);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                line(out, depth + 1);
                emit_into(item, st, depth + 1, out);
            }
            if !items.is_empty() {
                line(out, depth);
            }
            out.push(']');
        }
        Value::String(s) => emit_string(s, st, out),
        other => out.push_str(&other.to_string()),
    }
}

/// `v` written in the layout `st`, with a final newline (none when on one line).
pub fn emit(v: &Value, st: &Style) -> Vec<u8> {
    let mut out = String::new();
    emit_into(v, st, 0, &mut out);
    if !st.indent.is_empty() {
        out.push_str(st.newline);
    }
    out.into_bytes()
}

/// Appends the RFC 8785 (JCS) form of `v` to `out`, written here apart from the crate's own
/// canonicalizer, so a control minted with it checks that the digest really is JCS. Numbers are
/// written as serde_json spells them, which is the JCS spelling for the integers packets hold.
pub fn rfc8785(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                rfc8785(&Value::String((*k).clone()), out);
                out.push(':');
                rfc8785(&map[*k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                rfc8785(item, out);
            }
            out.push(']');
        }
        Value::String(s) => {
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\u{8}' => out.push_str("\\b"),
                    '\t' => out.push_str("\\t"),
                    '\n' => out.push_str("\\n"),
                    '\u{c}' => out.push_str("\\f"),
                    '\r' => out.push_str("\\r"),
                    c if (c as u32) < 0x20 => out.push_str(&u_escape(c, false)),
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// A grant for `action` on `v` whose digest is computed with [`rfc8785`], not the crate's JCS.
pub fn grant_by_rfc8785(v: &Value, action: &str) -> String {
    let mut stripped = v.clone();
    if let Some(m) = stripped.as_object_mut() {
        m.remove("grants");
    }
    let mut text = String::new();
    rfc8785(&stripped, &mut text);
    let digest = crate::digest::Digest::of(text.as_bytes()).to_hex();
    crate::token::grant::GrantToken::mint(&draft::probe_key(), action, &digest, draft::LATER)
        .unwrap_or_default()
}

/// A packet case judged with the probe key.
pub fn keyed(name: &str, why: &str, bytes: Vec<u8>) -> Draft {
    Draft::packet(name, why, bytes).key(draft::probe_key_bytes())
}

/// Appends `item` to the array at `v` (nothing when `v` is not an array).
pub fn push(v: &mut Value, item: Value) {
    if let Some(list) = v.as_array_mut() {
        list.push(item);
    }
}

/// The granted dry run edited by an edit and granted again.
pub type Edited<'a> = &'a dyn Fn(&dyn Fn(&mut Value)) -> Vec<u8>;
