//! The rules of SPEC 5.2, applied to a loaded packet. Every rule is checked and every failing
//! one is reported; the verdict is the selected option only when none fails.

use std::collections::HashMap;

use super::packet::{BlockerId, OptionId, Packet, PacketError};
use crate::strict_json::Position;
use crate::strict_json::schema::FieldPath;
use crate::token::grant::{Action, GrantProblem, GrantToken};
use crate::token::key::Key;

/// The verdict when the packet cannot be trusted to name its own default.
pub const HOLD: &str = "HOLD";

crate::vocabulary! {
    /// A reason class (SPEC 5.2). The set is closed.
    pub enum ReasonClass {
        PacketUnreadable => "packet-unreadable",
        PacketSyntax => "packet-syntax",
        PacketSchema => "packet-schema",
        DefaultNotHold => "default-not-hold",
        SelectedCount => "selected-count",
        SelectedUnknown => "selected-unknown",
        BlockerMissing => "blocker-missing",
        BlockerRepeated => "blocker-repeated",
        BlockerOpen => "blocker-open",
        GrantMissing => "grant-missing",
        GrantRepeated => "grant-repeated",
        GrantInvalid => "grant-invalid",
        GrantExpired => "grant-expired",
        GrantWrongPacket => "grant-wrong-packet",
        GrantWrongAction => "grant-wrong-action",
        Key => "key",
    }
}

/// Why the gate fell back: a class and what it is about (a blocker id or a grant action, both
/// typed by their grammar; or a position in the packet, and for `packet-schema` the path of the
/// field, so a user can find it without the report printing its value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub class: ReasonClass,
    pub blocker: Option<BlockerId>,
    pub action: Option<Action>,
    pub position: Option<Position>,
    pub field: Option<FieldPath>,
}

impl Reason {
    pub fn plain(class: ReasonClass) -> Reason {
        Reason {
            class,
            blocker: None,
            action: None,
            position: None,
            field: None,
        }
    }

    fn blocker(class: ReasonClass, id: &BlockerId) -> Reason {
        Reason {
            blocker: Some(id.clone()),
            ..Reason::plain(class)
        }
    }

    fn action(class: ReasonClass, action: &Action) -> Reason {
        Reason {
            action: Some(action.clone()),
            ..Reason::plain(class)
        }
    }

    fn at(class: ReasonClass, position: Position) -> Reason {
        Reason {
            position: Some(position),
            ..Reason::plain(class)
        }
    }

    fn in_field(class: ReasonClass, position: Position, field: FieldPath) -> Reason {
        Reason {
            field: Some(field),
            ..Reason::at(class, position)
        }
    }
}

/// What the gate decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The selected option: every rule holds.
    Authorized(OptionId),
    /// A rule failed; the packet's default, which requires nothing.
    Default(OptionId),
    /// A rule failed and the packet cannot be trusted to name its default: the literal `HOLD`.
    Hold,
}

impl Verdict {
    /// The option id (or `HOLD`) the report prints.
    pub fn as_str(&self) -> &str {
        match self {
            Verdict::Authorized(id) | Verdict::Default(id) => id.as_str(),
            Verdict::Hold => HOLD,
        }
    }

    /// True unless the selected option was authorized.
    pub fn fell_back(&self) -> bool {
        !matches!(self, Verdict::Authorized(_))
    }
}

/// The outcome of the gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub verdict: Verdict,
    /// The option the packet selected, when it selected exactly one known option.
    pub selected: Option<OptionId>,
    /// The packet's default, when it names an option that requires nothing.
    pub default: Option<OptionId>,
    pub reasons: Vec<Reason>,
}

impl Decision {
    pub fn fell_back(&self) -> bool {
        self.verdict.fell_back()
    }

    /// True when the selected option was authorized and is not the default: the one verdict
    /// that means "go" without `--expect` (SPEC 5.2), so that `decide packet.json && deploy`
    /// never deploys on a HOLD.
    pub fn authorizes_action(&self) -> bool {
        matches!(&self.verdict, Verdict::Authorized(id) if self.default.as_ref() != Some(id))
    }

    /// True when the selected option was authorized and is the default (a HOLD, chosen).
    pub fn selected_default(&self) -> bool {
        matches!(&self.verdict, Verdict::Authorized(id) if self.default.as_ref() == Some(id))
    }

    /// The option the packet itself decided on, authorized or fallen back to; `None` for the
    /// gate's own `HOLD`, which names no option of the packet (it could not be judged, or names
    /// no usable default). Only such an option can be what `--expect` names.
    pub fn decided_option(&self) -> Option<&OptionId> {
        match &self.verdict {
            Verdict::Authorized(id) | Verdict::Default(id) => Some(id),
            Verdict::Hold => None,
        }
    }

    /// `HOLD` for this one reason.
    pub fn hold(reason: Reason) -> Decision {
        Decision {
            verdict: Verdict::Hold,
            selected: None,
            default: None,
            reasons: vec![reason],
        }
    }
}

/// Decides a packet document at time `now`. `None` stands for a packet that could not be read
/// at all (`packet-unreadable`); `key` is the usable key, if one was given.
pub fn decide(doc: Option<&[u8]>, key: Option<&Key>, now: u64) -> Decision {
    let Some(doc) = doc else {
        return Decision::hold(Reason::plain(ReasonClass::PacketUnreadable));
    };
    match Packet::load(doc) {
        Ok(packet) => judge(&packet, key, now),
        Err(PacketError::Syntax(_, position)) => {
            Decision::hold(Reason::at(ReasonClass::PacketSyntax, position))
        }
        Err(PacketError::Schema(position, field)) => {
            Decision::hold(Reason::in_field(ReasonClass::PacketSchema, position, field))
        }
    }
}

/// Items of a packet list by key, in document order: every lookup of the rules is one hash
/// probe, so judging is linear in the packet (200,000 blockers all required once took minutes,
/// scanning the list for each).
fn by_key<'p, T>(items: &'p [T], key: impl Fn(&'p T) -> &'p str) -> HashMap<&'p str, Vec<&'p T>> {
    let mut map: HashMap<&str, Vec<&T>> = HashMap::with_capacity(items.len());
    for item in items {
        map.entry(key(item)).or_default().push(item);
    }
    map
}

fn judge(packet: &Packet, key: Option<&Key>, now: u64) -> Decision {
    let mut reasons = Vec::new();
    let options = by_key(packet.options(), |o| o.id().as_str());
    // Option ids are unique (a repeated one is refused when the packet is loaded).
    let option = |id: &str| options.get(id).and_then(|found| found.first().copied());
    let default = option(packet.default().as_str()).filter(|o| o.requires_nothing());
    if default.is_none() {
        reasons.push(Reason::plain(ReasonClass::DefaultNotHold));
    }
    if packet.selected().len() != 1 {
        reasons.push(Reason::plain(ReasonClass::SelectedCount));
    }
    for s in packet.selected() {
        if option(s).is_none() {
            reasons.push(Reason::plain(ReasonClass::SelectedUnknown));
        }
    }
    let chosen = match packet.selected() {
        [only] => option(only),
        _ => None,
    };
    if let Some(opt) = chosen {
        let blockers = by_key(packet.blockers(), |b| b.id().as_str());
        let grants = by_key(packet.grants(), |g| g.action().as_str());
        for id in opt.requires_closed() {
            let found: &[&_] = blockers.get(id.as_str()).map_or(&[], Vec::as_slice);
            match found[..] {
                [] => reasons.push(Reason::blocker(ReasonClass::BlockerMissing, id)),
                [b] if b.is_closed() => {}
                [_] => reasons.push(Reason::blocker(ReasonClass::BlockerOpen, id)),
                _ => reasons.push(Reason::blocker(ReasonClass::BlockerRepeated, id)),
            }
        }
        if key.is_none() && !opt.requires_grants().is_empty() {
            reasons.push(Reason::plain(ReasonClass::Key));
        }
        for action in opt.requires_grants() {
            let found: &[&_] = grants.get(action.as_str()).map_or(&[], Vec::as_slice);
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
            let checked = GrantToken::parse(grant.token())
                .and_then(|t| t.check(key, action, packet.digest(), now));
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
    let verdict = match (chosen, default) {
        (Some(o), _) if reasons.is_empty() => Verdict::Authorized(o.id().clone()),
        (_, Some(d)) => Verdict::Default(d.id().clone()),
        _ => Verdict::Hold,
    };
    Decision {
        verdict,
        selected: chosen.map(|o| o.id().clone()),
        default: default.map(|d| d.id().clone()),
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A packet of many blockers, one of them repeated and one required but absent: the indexed
    /// rules name exactly those two, as a scan of the list per id did.
    #[test]
    fn many_blockers_are_judged_by_id_repeated_and_missing_ones_named() {
        let ids: Vec<String> = (0..5_000).map(|i| format!("B-{i:05}")).collect();
        let mut blockers: Vec<String> = ids
            .iter()
            .map(|id| format!(r#"{{"id":"{id}","status":"CLOSED"}}"#))
            .collect();
        blockers.push(r#"{"id":"B-04999","status":"CLOSED"}"#.to_owned());
        let mut required: Vec<String> = ids.iter().map(|id| format!(r#""{id}""#)).collect();
        required.push(r#""B-ABSENT""#.to_owned());
        let doc = format!(
            r#"{{"blockers":[{}],"default":"HOLD","format":"sealprobe-decision/1","options":[{{"id":"HOLD","requires_closed":[],"requires_grants":[]}},{{"id":"GO","requires_closed":[{}],"requires_grants":[]}}],"packet":"P","selected":["GO"]}}"#,
            blockers.join(","),
            required.join(",")
        );
        let d = decide(Some(doc.as_bytes()), None, 0);
        assert_eq!(d.verdict.as_str(), "HOLD");
        let named: Vec<(ReasonClass, Option<&str>)> = d
            .reasons
            .iter()
            .map(|r| (r.class, r.blocker.as_ref().map(BlockerId::as_str)))
            .collect();
        assert_eq!(
            named,
            vec![
                (ReasonClass::BlockerRepeated, Some("B-04999")),
                (ReasonClass::BlockerMissing, Some("B-ABSENT")),
            ]
        );
    }
}
