//! The `sealprobe-decision/1` packet, built only by [`Packet::load`] from strict JSON.

use sha2::{Digest as _, Sha256};

use crate::seal::Digest;
use crate::strict_json::canonical::jcs;
use crate::strict_json::{self, JsonError, Member, Node, Position, Value};

/// The value of the `format` field.
pub const PACKET_FORMAT: &str = "sealprobe-decision/1";

/// One blocker: an id and its status as written (only `CLOSED`, exactly, counts as closed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocker {
    pub id: String,
    pub status: String,
}

/// One grant: the action it is for, and the token (never rendered).
#[derive(Clone, PartialEq, Eq)]
pub struct Grant {
    pub action: String,
    pub token: String,
}

impl std::fmt::Debug for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Grant({})", self.action)
    }
}

/// One option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionOption {
    pub id: String,
    pub requires_closed: Vec<String>,
    pub requires_grants: Vec<String>,
}

/// A schema-valid packet and its digest.
#[derive(Debug, Clone)]
pub struct Packet {
    pub blockers: Vec<Blocker>,
    pub default: String,
    pub grants: Vec<Grant>,
    pub options: Vec<DecisionOption>,
    pub packet: String,
    pub selected: Vec<String>,
    /// SHA-256 (64 hex) of the JCS form of the packet without `grants`.
    pub digest: String,
}

/// Why a packet could not be loaded: not strict JSON, or not the schema. Position only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacketError {
    Syntax(Option<Position>),
    Schema(Position),
}

/// `[A-Z0-9_-]{1,64}`: option and blocker ids.
pub fn is_id(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// SHA-256 hex of the JCS form of `root` without its top-level `grants` member.
pub fn digest_without_grants(root: &Node) -> String {
    let mut stripped = root.clone();
    if let Value::Object(members) = &mut stripped.value {
        members.retain(|m| m.key != "grants");
    }
    Digest(Sha256::digest(jcs(&stripped)).into()).to_hex()
}

struct Schema<'a> {
    doc: &'a [u8],
    first: Option<usize>,
}

impl Schema<'_> {
    fn fail(&mut self, offset: usize) {
        if self.first.is_none_or(|f| offset < f) {
            self.first = Some(offset);
        }
    }

    fn object<'n>(&mut self, node: &'n Node, fields: &[(&str, bool)]) -> Vec<(&'n str, &'n Node)> {
        let Value::Object(members) = &node.value else {
            self.fail(node.span.start);
            return Vec::new();
        };
        let mut out = Vec::new();
        for Member {
            key,
            key_span,
            value,
        } in members
        {
            if fields.iter().any(|(f, _)| f == key) {
                out.push((key.as_str(), value));
            } else {
                self.fail(key_span.start);
            }
        }
        for (f, required) in fields {
            if *required && !out.iter().any(|(k, _)| k == f) {
                self.fail(node.span.start);
            }
        }
        out
    }

    fn string(&mut self, node: Option<&Node>, at: usize) -> String {
        match node.map(|n| &n.value) {
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                self.fail(node.map_or(at, |n| n.span.start));
                String::new()
            }
            None => String::new(),
        }
    }

    fn id(&mut self, node: Option<&Node>, at: usize) -> String {
        let s = self.string(node, at);
        if node.is_some() && !is_id(&s) {
            self.fail(node.map_or(at, |n| n.span.start));
        }
        s
    }

    fn array<'n>(&mut self, node: Option<&'n Node>) -> &'n [Node] {
        match node.map(|n| &n.value) {
            Some(Value::Array(items)) => items,
            Some(_) => {
                if let Some(n) = node {
                    self.fail(n.span.start);
                }
                &[]
            }
            None => &[],
        }
    }

    fn strings(&mut self, node: Option<&Node>, ids: bool) -> Vec<String> {
        let items = self.array(node);
        items
            .iter()
            .map(|n| {
                if ids {
                    self.id(Some(n), n.span.start)
                } else {
                    self.string(Some(n), n.span.start)
                }
            })
            .collect()
    }
}

fn get<'n>(fields: &[(&str, &'n Node)], name: &str) -> Option<&'n Node> {
    fields.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
}

impl Packet {
    /// Loads a packet from untrusted bytes.
    pub fn load(doc: &[u8]) -> Result<Packet, PacketError> {
        let root = strict_json::parse(doc).map_err(|JsonError { offset, .. }| {
            PacketError::Syntax(Some(Position::locate(doc, offset)))
        })?;
        let mut s = Schema { doc, first: None };
        let top = s.object(
            &root,
            &[
                ("blockers", true),
                ("default", true),
                ("format", true),
                ("grants", false),
                ("options", true),
                ("packet", true),
                ("selected", true),
            ],
        );
        let at = root.span.start;
        let format = s.string(get(&top, "format"), at);
        if get(&top, "format").is_some() && format != PACKET_FORMAT {
            s.fail(get(&top, "format").map_or(at, |n| n.span.start));
        }
        let blockers = s
            .array(get(&top, "blockers"))
            .iter()
            .map(|n| {
                let f = s.object(n, &[("id", true), ("status", true)]);
                Blocker {
                    id: s.id(get(&f, "id"), n.span.start),
                    status: s.string(get(&f, "status"), n.span.start),
                }
            })
            .collect();
        let grants = s
            .array(get(&top, "grants"))
            .iter()
            .map(|n| {
                let f = s.object(n, &[("action", true), ("token", true)]);
                Grant {
                    action: s.string(get(&f, "action"), n.span.start),
                    token: s.string(get(&f, "token"), n.span.start),
                }
            })
            .collect();
        let options = s
            .array(get(&top, "options"))
            .iter()
            .map(|n| {
                let f = s.object(
                    n,
                    &[
                        ("id", true),
                        ("requires_closed", true),
                        ("requires_grants", true),
                    ],
                );
                DecisionOption {
                    id: s.id(get(&f, "id"), n.span.start),
                    requires_closed: s.strings(get(&f, "requires_closed"), true),
                    requires_grants: s.strings(get(&f, "requires_grants"), false),
                }
            })
            .collect();
        let default = s.id(get(&top, "default"), at);
        let packet = s.string(get(&top, "packet"), at);
        let selected = s.strings(get(&top, "selected"), false);
        if let Some(offset) = s.first {
            return Err(PacketError::Schema(Position::locate(s.doc, offset)));
        }
        Ok(Packet {
            blockers,
            default,
            grants,
            options,
            packet,
            selected,
            digest: digest_without_grants(&root),
        })
    }
}
