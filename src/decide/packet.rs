//! The `sealprobe-decision/1` packet, built only by [`Packet::load`] from strict JSON.
//!
//! Option ids are unique: a packet that defines one twice is `packet-schema` at the second, since
//! readers that keep the first and the last copy would decide differently.
//!
//! Every string the gate may print is typed by its grammar when the packet is loaded: option and
//! blocker ids are [`OptionId`] and [`BlockerId`] (`[A-Z0-9_-]{1,64}`), actions in
//! `requires_grants` and `grants[].action` are [`Action`]s (`[a-z0-9-]{1,32}`). A string that
//! breaks its grammar makes the packet `packet-schema` at that string's offset, so no token, dot,
//! colon or invisible character can reach a report through a packet field. `selected` entries,
//! blocker statuses and grant tokens are never printed and stay plain strings: a `selected`
//! entry that names no option is `selected-unknown`, not a schema error.
//!
//! Schema problems are found with the shared [`Walker`]; the first in document order is reported,
//! with its position and the path of the field it is about ([`FieldPath`]: member names and
//! indices, never a value), so a user can find `options[1].requires_grants[0]` without the
//! report printing what is there.

use crate::digest::Digest;
use crate::strict_json::canonical::jcs;
use crate::strict_json::schema::{FieldPath, Fields, KeyName, Object, Step, Walker};
use crate::strict_json::{self, JsonError, JsonErrorClass, Node, Position, Value};
use crate::token::grant::Action;

/// The value of the `format` field.
pub const PACKET_FORMAT: &str = "sealprobe-decision/1";

/// Checks the id grammar `[A-Z0-9_-]{1,64}`.
fn is_id(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

macro_rules! id_type {
    ($(#[$meta:meta])* $Name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $Name(String);

        impl $Name {
            /// Accepts exactly `[A-Z0-9_-]{1,64}`.
            pub fn parse(s: &str) -> Option<$Name> {
                is_id(s).then(|| $Name(s.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// An option id, `[A-Z0-9_-]{1,64}`, compared as bytes.
    OptionId
);
id_type!(
    /// A blocker id, `[A-Z0-9_-]{1,64}`, compared as bytes.
    BlockerId
);

/// One blocker: an id and its status as written (only `CLOSED`, exactly, counts as closed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocker {
    id: BlockerId,
    status: String,
}

impl Blocker {
    pub fn id(&self) -> &BlockerId {
        &self.id
    }

    /// Exactly `CLOSED`: no other case, no whitespace, no look-alike.
    pub fn is_closed(&self) -> bool {
        self.status.as_bytes() == b"CLOSED"
    }

    /// The status as written (never printed by the gate).
    pub fn status(&self) -> &str {
        &self.status
    }
}

/// One grant: the action it is for, and the token (never rendered).
#[derive(Clone, PartialEq, Eq)]
pub struct Grant {
    action: Action,
    token: String,
}

impl Grant {
    pub fn action(&self) -> &Action {
        &self.action
    }

    /// The token as written; it is checked by the judge and never printed.
    pub fn token(&self) -> &str {
        &self.token
    }
}

impl std::fmt::Debug for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Grant({})", self.action.as_str())
    }
}

/// One option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionOption {
    id: OptionId,
    requires_closed: Vec<BlockerId>,
    requires_grants: Vec<Action>,
}

impl DecisionOption {
    pub fn id(&self) -> &OptionId {
        &self.id
    }

    pub fn requires_closed(&self) -> &[BlockerId] {
        &self.requires_closed
    }

    pub fn requires_grants(&self) -> &[Action] {
        &self.requires_grants
    }

    /// True when the option requires nothing (what a default must be).
    pub fn requires_nothing(&self) -> bool {
        self.requires_closed.is_empty() && self.requires_grants.is_empty()
    }
}

/// A schema-valid packet and its digest. Built only by [`Packet::load`].
#[derive(Debug, Clone)]
pub struct Packet {
    blockers: Vec<Blocker>,
    default: OptionId,
    grants: Vec<Grant>,
    options: Vec<DecisionOption>,
    selected: Vec<String>,
    digest: String,
}

impl Packet {
    pub fn blockers(&self) -> &[Blocker] {
        &self.blockers
    }

    pub fn default(&self) -> &OptionId {
        &self.default
    }

    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    pub fn options(&self) -> &[DecisionOption] {
        &self.options
    }

    /// The `selected` entries as written (never printed).
    pub fn selected(&self) -> &[String] {
        &self.selected
    }

    /// SHA-256 (64 hex) of the JCS form of the packet without `grants`.
    pub fn digest(&self) -> &str {
        &self.digest
    }
}

/// Why a packet could not be loaded: not strict JSON, or not the schema. Positions and field
/// paths only, never an excerpt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PacketError {
    /// Not strict JSON (the class says why) at this position.
    Syntax(JsonErrorClass, Position),
    /// Strict JSON that breaks the schema at this position, in this field.
    Schema(Position, FieldPath),
}

/// SHA-256 hex of the JCS form of `root` without its top-level `grants` member.
pub fn digest_without_grants(root: &Node) -> String {
    let mut stripped = root.clone();
    if let Value::Object(members) = &mut stripped.value {
        members.retain(|m| m.key != "grants");
    }
    Digest::of(&jcs(&stripped)).to_hex()
}

const TOP_FIELDS: Fields = &[
    ("blockers", true),
    ("default", true),
    ("format", true),
    ("grants", false),
    ("options", true),
    ("packet", true),
    ("selected", true),
];
const BLOCKER_FIELDS: Fields = &[("id", true), ("status", true)];
const GRANT_FIELDS: Fields = &[("action", true), ("token", true)];
const OPTION_FIELDS: Fields = &[
    ("id", true),
    ("requires_closed", true),
    ("requires_grants", true),
];

/// The packet's schema problems all have one class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Schema;

/// The walker with the packet's grammars on top.
struct Checker(Walker<Schema>);

impl Checker {
    fn string(&mut self, node: Option<&Node>) -> Option<String> {
        self.0.string(node, Schema).map(str::to_owned)
    }

    /// A string that must match `parse`; otherwise a schema problem at the string.
    fn typed<T>(&mut self, node: Option<&Node>, parse: fn(&str) -> Option<T>) -> Option<T> {
        let s = self.0.string(node, Schema)?;
        let typed = parse(s);
        if typed.is_none() {
            self.0.fail(Schema, node?.span.start);
        }
        typed
    }

    fn list<T>(
        &mut self,
        node: Option<&Node>,
        item: impl Fn(&mut Checker, &Node) -> Option<T>,
    ) -> Vec<T> {
        let items = self.0.array(node, Schema).unwrap_or_default();
        items.iter().filter_map(|n| item(self, n)).collect()
    }

    fn object<'n>(&mut self, node: &'n Node, table: Fields) -> Object<'n> {
        self.0.object(node, table, Schema).unwrap_or_default()
    }
}

impl Packet {
    /// Loads a packet from untrusted bytes.
    pub fn load(doc: &[u8]) -> Result<Packet, PacketError> {
        let root = strict_json::parse(doc).map_err(|JsonError { class, offset }| {
            PacketError::Syntax(class, Position::locate(doc, offset))
        })?;
        let mut c = Checker(Walker::new());
        let top = c.object(&root, TOP_FIELDS);
        if let Some(format) = top.get("format")
            && c.string(Some(format)).is_some_and(|f| f != PACKET_FORMAT)
        {
            c.0.fail(Schema, format.span.start);
        }
        let blockers = c.list(top.get("blockers"), |c, n| {
            let f = c.object(n, BLOCKER_FIELDS);
            Some(Blocker {
                id: c.typed(f.get("id"), BlockerId::parse)?,
                status: c.string(f.get("status"))?,
            })
        });
        let grants = c.list(top.get("grants"), |c, n| {
            let f = c.object(n, GRANT_FIELDS);
            let action = c.typed(f.get("action"), Action::parse);
            let token = c.string(f.get("token"));
            Some(Grant {
                action: action?,
                token: token?,
            })
        });
        let options: Vec<(DecisionOption, usize)> = c.list(top.get("options"), |c, n| {
            let f = c.object(n, OPTION_FIELDS);
            let at = f.get("id").map_or(n.span.start, |id| id.span.start);
            let id = c.typed(f.get("id"), OptionId::parse);
            let requires_closed = c.list(f.get("requires_closed"), |c, n| {
                c.typed(Some(n), BlockerId::parse)
            });
            let requires_grants = c.list(f.get("requires_grants"), |c, n| {
                c.typed(Some(n), Action::parse)
            });
            Some((
                DecisionOption {
                    id: id?,
                    requires_closed,
                    requires_grants,
                },
                at,
            ))
        });
        // An id names one option: with two, readers that keep the first and the last copy
        // decide differently. The second copy is the problem.
        let mut seen = std::collections::HashSet::new();
        for (o, at) in &options {
            if !seen.insert(o.id.as_str()) {
                c.0.fail(Schema, *at);
            }
        }
        let options: Vec<DecisionOption> = options.into_iter().map(|(o, _)| o).collect();
        let default = c.typed(top.get("default"), OptionId::parse);
        let _name = c.string(top.get("packet"));
        let selected = c.list(top.get("selected"), |c, n| c.string(Some(n)));
        if let Some((Schema, offset, field)) = c.0.first_field_in_document(&root) {
            return Err(PacketError::Schema(Position::locate(doc, offset), field));
        }
        // A clean walk found every required field with its type.
        let default = default.ok_or_else(|| {
            PacketError::Schema(
                Position::locate(doc, 0),
                FieldPath(vec![Step::Key(KeyName::Plain("default".to_owned()))]),
            )
        })?;
        Ok(Packet {
            blockers,
            default,
            grants,
            options,
            selected,
            digest: digest_without_grants(&root),
        })
    }
}
