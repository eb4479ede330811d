//! The two canonical forms of SPEC section 2.
//!
//! - [`file_form`]: what sealprobe writes for people (seals, example packets). Keys sorted by byte
//!   order, two-space indent, `": "`, LF, non-ASCII raw, one final LF. Numbers use the same
//!   ECMAScript spelling as JCS. For values without fractional numbers (every seal) it is
//!   byte-for-byte what Python's `json.dumps(v, indent=2, sort_keys=True, ensure_ascii=False)`
//!   plus a final LF writes, so other tools can produce a canonical seal too. (Python spells
//!   floats differently: `1.0`, `1e-06`.)
//! - [`jcs`]: RFC 8785 (JSON Canonicalization Scheme), what every digest and MAC is computed over.
//!   Compact, keys sorted by UTF-16 code units, numbers in ECMAScript spelling (`ryu-js`).
//!
//! Both escape strings the same minimal way (RFC 8785 3.2.2.2): `\"`, `\\`, the five short
//! control escapes, other control characters as `\u00xx`; everything else is written raw.

use super::{Node, Number, Value};

/// Serializes `node` in the file form, with the final LF.
pub fn file_form(node: &Node) -> Vec<u8> {
    styled(node, &Style::FILE_FORM)
}

/// How [`styled`] lays a document out. [`Style::FILE_FORM`] is the file form; every other style
/// is a named non-canonical writer, for the probe cases about layout (a seal re-indented, saved
/// with CRLF, minified, with its keys in another order): the same value, other bytes, written by
/// this writer so that a change to the file form carries over to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Members sorted by key bytes (else written in the order the value holds them).
    pub sorted: bool,
    /// Written once per level of nesting after each line break.
    pub indent: &'static str,
    /// The line break between members and items (empty: all on one line).
    pub newline: &'static str,
    /// Between a key and its value.
    pub colon: &'static str,
    /// After the document.
    pub end: &'static str,
}

impl Style {
    /// The file form: keys sorted, two-space indent, LF, `": "`, one final LF.
    pub const FILE_FORM: Style = Style {
        sorted: true,
        indent: "  ",
        newline: "\n",
        colon: ": ",
        end: "\n",
    };
}

/// Serializes `node` in `style`, with its `end`.
pub fn styled(node: &Node, style: &Style) -> Vec<u8> {
    let mut out = Vec::new();
    write_pretty(&node.value, 0, style, &mut out);
    out.extend_from_slice(style.end.as_bytes());
    out
}

/// Serializes `node` as [`file_form`] does when it is nested `indent` levels deep (no final
/// newline): the pieces of a document written as it is made, one member at a time.
pub fn pretty_at(node: &Node, indent: usize) -> Vec<u8> {
    let mut out = Vec::new();
    write_pretty(&node.value, indent, &Style::FILE_FORM, &mut out);
    out
}

/// Serializes `node` in the digest form (RFC 8785 JCS).
pub fn jcs(node: &Node) -> Vec<u8> {
    let mut out = Vec::new();
    write_jcs(&node.value, &mut out);
    out
}

fn write_pretty(value: &Value, indent: usize, style: &Style, out: &mut Vec<u8>) {
    match value {
        Value::Array(items) if !items.is_empty() => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                newline(indent + 1, style, out);
                write_pretty(&item.value, indent + 1, style, out);
            }
            newline(indent, style, out);
            out.push(b']');
        }
        Value::Object(members) if !members.is_empty() => {
            let mut sorted: Vec<_> = members.iter().collect();
            if style.sorted {
                sorted.sort_by(|a, b| a.key.as_bytes().cmp(b.key.as_bytes()));
            }
            out.push(b'{');
            for (i, m) in sorted.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                newline(indent + 1, style, out);
                write_string(&m.key, out);
                out.extend_from_slice(style.colon.as_bytes());
                write_pretty(&m.value.value, indent + 1, style, out);
            }
            newline(indent, style, out);
            out.push(b'}');
        }
        other => write_scalar(other, out),
    }
}

fn newline(indent: usize, style: &Style, out: &mut Vec<u8>) {
    out.extend_from_slice(style.newline.as_bytes());
    for _ in 0..indent {
        out.extend_from_slice(style.indent.as_bytes());
    }
}

fn write_jcs(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_jcs(&item.value, out);
            }
            out.push(b']');
        }
        Value::Object(members) => {
            let mut sorted: Vec<_> = members.iter().collect();
            sorted.sort_by(|a, b| a.key.encode_utf16().cmp(b.key.encode_utf16()));
            out.push(b'{');
            for (i, m) in sorted.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(&m.key, out);
                out.push(b':');
                write_jcs(&m.value.value, out);
            }
            out.push(b'}');
        }
        other => write_scalar(other, out),
    }
}

fn write_scalar(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(_) => out.extend_from_slice(b"[]"),
        Value::Object(_) => out.extend_from_slice(b"{}"),
    }
}

/// ECMAScript `Number.prototype.toString` spelling, as RFC 8785 requires (`-0` is written `0`).
fn write_number(n: &Number, out: &mut Vec<u8>) {
    let v = n.as_f64();
    if v == 0.0 {
        out.push(b'0');
        return;
    }
    let mut buf = ryu_js::Buffer::new();
    out.extend_from_slice(buf.format_finite(v).as_bytes());
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut run_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: Option<&[u8]> = match b {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            0x08 => Some(b"\\b"),
            0x09 => Some(b"\\t"),
            0x0A => Some(b"\\n"),
            0x0C => Some(b"\\f"),
            0x0D => Some(b"\\r"),
            _ => None,
        };
        if escape.is_none() && b >= 0x20 {
            continue;
        }
        out.extend_from_slice(&bytes[run_start..i]);
        match escape {
            Some(e) => out.extend_from_slice(e),
            None => {
                out.extend_from_slice(b"\\u00");
                out.extend_from_slice(crate::digest::hex(&[b], false).as_bytes());
            }
        }
        run_start = i + 1;
    }
    out.extend_from_slice(&bytes[run_start..]);
    out.push(b'"');
}

/// Builders for values that sealprobe writes itself (no source spans).
pub mod build {
    use super::super::{Member, Node, Number, Span, Value};

    const NO_SPAN: Span = Span { start: 0, end: 0 };

    pub fn node(value: Value) -> Node {
        Node {
            value,
            span: NO_SPAN,
        }
    }

    pub fn string(s: impl Into<String>) -> Node {
        node(Value::String(s.into()))
    }

    pub fn uint(n: u64) -> Node {
        node(Value::Number(Number::from_u64(n)))
    }

    pub fn boolean(b: bool) -> Node {
        node(Value::Bool(b))
    }

    pub fn array(items: Vec<Node>) -> Node {
        node(Value::Array(items))
    }

    pub fn object<K: Into<String>>(members: impl IntoIterator<Item = (K, Node)>) -> Node {
        node(Value::Object(
            members
                .into_iter()
                .map(|(k, v)| Member {
                    key: k.into(),
                    key_span: NO_SPAN,
                    value: v,
                })
                .collect(),
        ))
    }
}
