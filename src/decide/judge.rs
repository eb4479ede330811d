//! The rules of SPEC 5.2, applied to a loaded packet. Every rule is checked and every failing
//! one is reported; the verdict is the selected option only when none fails.

use super::packet::{DecisionOption, Packet, PacketError};
use crate::strict_json::Position;
use crate::token::grant::{GrantProblem, GrantToken};
use crate::token::key::Key;

/// The verdict when the packet cannot be trusted to name its own default.
pub const HOLD: &str = "HOLD";

/// A reason class (SPEC 5.2). The set is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReasonClass {
    PacketSyntax,
    PacketSchema,
    DefaultNotHold,
    SelectedCount,
    SelectedUnknown,
    BlockerMissing,
    BlockerRepeated,
    BlockerOpen,
    GrantMissing,
    GrantRepeated,
    GrantInvalid,
    GrantExpired,
    GrantWrongPacket,
    GrantWrongAction,
    Key,
}

impl ReasonClass {
    pub fn name(self) -> &'static str {
        match self {
            ReasonClass::PacketSyntax => "packet-syntax",
            ReasonClass::PacketSchema => "packet-schema",
            ReasonClass::DefaultNotHold => "default-not-hold",
            ReasonClass::SelectedCount => "selected-count",
            ReasonClass::SelectedUnknown => "selected-unknown",
            ReasonClass::BlockerMissing => "blocker-missing",
            ReasonClass::BlockerRepeated => "blocker-repeated",
            ReasonClass::BlockerOpen => "blocker-open",
            ReasonClass::GrantMissing => "grant-missing",
            ReasonClass::GrantRepeated => "grant-repeated",
            ReasonClass::GrantInvalid => "grant-invalid",
            ReasonClass::GrantExpired => "grant-expired",
            ReasonClass::GrantWrongPacket => "grant-wrong-packet",
            ReasonClass::GrantWrongAction => "grant-wrong-action",
            ReasonClass::Key => "key",
        }
    }
}

/// Why the gate fell back: a class and what it is about (a blocker id or a grant action, both
/// schema-checked names; or a position in the packet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub class: ReasonClass,
    pub blocker: Option<String>,
    pub action: Option<String>,
    pub position: Option<Position>,
}

impl Reason {
    fn plain(class: ReasonClass) -> Reason {
        Reason {
            class,
            blocker: None,
            action: None,
            position: None,
        }
    }

    fn blocker(class: ReasonClass, id: &str) -> Reason {
        Reason {
            blocker: Some(id.to_owned()),
            ..Reason::plain(class)
        }
    }

    fn action(class: ReasonClass, action: &str) -> Reason {
        Reason {
            action: Some(action.to_owned()),
            ..Reason::plain(class)
        }
    }
}

/// The outcome of the gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub verdict: String,
    /// The option the packet selected, when it selected exactly one known option.
    pub selected: Option<String>,
    pub fell_back: bool,
    pub reasons: Vec<Reason>,
}

/// The key as the gate received it: absent, refused, or usable.
pub enum KeyState<'a> {
    Absent,
    Refused,
    Usable(&'a Key),
}

/// Decides a packet document at time `now`.
pub fn decide(doc: Option<&[u8]>, key: KeyState<'_>, now: u64) -> Decision {
    let hold = |reason: Reason| Decision {
        verdict: HOLD.to_owned(),
        selected: None,
        fell_back: true,
        reasons: vec![reason],
    };
    let Some(doc) = doc else {
        return hold(Reason::plain(ReasonClass::PacketSyntax));
    };
    let packet = match Packet::load(doc) {
        Ok(p) => p,
        Err(PacketError::Syntax(position)) => {
            return hold(Reason {
                position,
                ..Reason::plain(ReasonClass::PacketSyntax)
            });
        }
        Err(PacketError::Schema(position)) => {
            return hold(Reason {
                position: Some(position),
                ..Reason::plain(ReasonClass::PacketSchema)
            });
        }
    };
    judge(&packet, key, now)
}

fn option<'p>(packet: &'p Packet, id: &str) -> Option<&'p DecisionOption> {
    packet
        .options
        .iter()
        .find(|o| o.id.as_bytes() == id.as_bytes())
}

fn judge(packet: &Packet, key: KeyState<'_>, now: u64) -> Decision {
    let mut reasons = Vec::new();
    let default_ok = option(packet, &packet.default)
        .is_some_and(|o| o.requires_closed.is_empty() && o.requires_grants.is_empty());
    if !default_ok {
        reasons.push(Reason::plain(ReasonClass::DefaultNotHold));
    }
    let mut chosen = None;
    if packet.selected.len() != 1 {
        reasons.push(Reason::plain(ReasonClass::SelectedCount));
    }
    for s in &packet.selected {
        if option(packet, s).is_none() {
            reasons.push(Reason::plain(ReasonClass::SelectedUnknown));
        }
    }
    if let [only] = &packet.selected[..] {
        chosen = option(packet, only);
    }
    if let Some(opt) = chosen {
        for id in &opt.requires_closed {
            let found: Vec<_> = packet
                .blockers
                .iter()
                .filter(|b| b.id.as_bytes() == id.as_bytes())
                .collect();
            match found[..] {
                [] => reasons.push(Reason::blocker(ReasonClass::BlockerMissing, id)),
                [b] if b.status == "CLOSED" => {}
                [_] => reasons.push(Reason::blocker(ReasonClass::BlockerOpen, id)),
                _ => reasons.push(Reason::blocker(ReasonClass::BlockerRepeated, id)),
            }
        }
        let key = match key {
            KeyState::Usable(k) => Some(k),
            KeyState::Absent | KeyState::Refused if !opt.requires_grants.is_empty() => {
                reasons.push(Reason::plain(ReasonClass::Key));
                None
            }
            _ => None,
        };
        for action in &opt.requires_grants {
            let found: Vec<_> = packet
                .grants
                .iter()
                .filter(|g| g.action.as_bytes() == action.as_bytes())
                .collect();
            let grant = match found[..] {
                [] => {
                    reasons.push(Reason::action(ReasonClass::GrantMissing, action));
                    continue;
                }
                [g] => g,
                _ => {
                    reasons.push(Reason::action(ReasonClass::GrantRepeated, action));
                    continue;
                }
            };
            let Some(key) = key else {
                continue;
            };
            let checked = GrantToken::parse(&grant.token)
                .and_then(|t| t.check(key, action, &packet.digest, now));
            let class = match checked {
                Ok(()) => continue,
                Err(GrantProblem::Invalid) => ReasonClass::GrantInvalid,
                Err(GrantProblem::Expired) => ReasonClass::GrantExpired,
                Err(GrantProblem::WrongPacket) => ReasonClass::GrantWrongPacket,
                Err(GrantProblem::WrongAction) => ReasonClass::GrantWrongAction,
            };
            reasons.push(Reason::action(class, action));
        }
    }
    let fell_back = !reasons.is_empty();
    let verdict = if !fell_back {
        chosen.map_or_else(|| HOLD.to_owned(), |o| o.id.clone())
    } else if default_ok {
        packet.default.clone()
    } else {
        HOLD.to_owned()
    };
    Decision {
        verdict,
        selected: chosen.map(|o| o.id.clone()),
        fell_back,
        reasons,
    }
}
