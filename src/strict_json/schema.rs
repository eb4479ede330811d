//! Walking a strict JSON document against a table of fields: the one schema checker behind the
//! seal loader and the packet loader.
//!
//! A loader describes each object as a table of `(name, required)` and asks the [`Walker`] for
//! its members and their typed values. Every problem is recorded with the loader's own class and
//! the byte offset it is about, never with an excerpt:
//!
//! - an unknown member: at its key;
//! - a missing required member: at the object;
//! - a value of the wrong type (or an integer not spelled as a plain integer): at the value.
//!
//! A repeated key never reaches a walker: the strict parser refuses it (`repeated-key`).
//! The walker keeps going after a problem so that the loader can choose which one to report: the
//! first in document order ([`Walker::first_in_document`]) or the first by a precedence of
//! classes ([`Walker::first_by_precedence`]).
//!
//! A problem can also be named by the field it is about ([`Walker::first_field_in_document`]): a
//! [`FieldPath`] of member names and array indices from the root, such as
//! `options[1].requires_grants[0]`, found again from the offset (and, for a missing member, its
//! name from the table). A path holds positions and classes, never an excerpt: a member name is
//! kept only when it is a plain name ([`KeyName`]), otherwise only its length.

use super::{Member, Node, Value};

/// Member names of an object and whether each is required.
pub type Fields = &'static [(&'static str, bool)];

/// The known members of an object, by name (objects have a handful of members, so a scan is
/// cheaper than hashing).
#[derive(Debug, Default)]
pub struct Object<'n>(Vec<&'n Member>);

impl<'n> Object<'n> {
    /// The value of member `name`, when present.
    pub fn get(&self, name: &str) -> Option<&'n Node> {
        self.0.iter().find(|m| m.key == name).map(|m| &m.value)
    }
}

/// A member name in a [`FieldPath`]. A member the schema knows is kept by name (its names are
/// 1 to 64 bytes of `[A-Za-z0-9_-]`); an unknown member only by its length: its name is a field
/// of a rejected document, which no report prints (SPEC 6.1), and a canary or a secret that is
/// not token-shaped would otherwise reach the logs (the leak-bait family plants one there).
/// Renderers still show a kept name through the one rendering path, which redacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyName {
    Plain(String),
    /// An unknown member's name (or one that is not plain), by its length in bytes.
    Other(usize),
}

impl KeyName {
    fn of(key: &str) -> KeyName {
        let plain = (1..=64).contains(&key.len())
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if plain {
            KeyName::Plain(key.to_owned())
        } else {
            KeyName::Other(key.len())
        }
    }
}

/// One step from a document's root towards a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A member of an object.
    Key(KeyName),
    /// An item of an array (0-based).
    Index(usize),
}

/// Where a schema problem is, as the steps from the root: empty for the document itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Step>);

impl FieldPath {
    /// The path to what a problem at `offset` is about: the node that starts there, or the
    /// member whose key starts there (an unknown member, kept by its length only), then
    /// `missing` (a required member absent from the object at `offset`). The members passed
    /// through on the way are known ones: a walker never looks inside an unknown member.
    pub fn locate(root: &Node, offset: usize, missing: Option<&str>) -> FieldPath {
        let mut steps = Vec::new();
        let mut node = root;
        while node.span.start != offset {
            match &node.value {
                Value::Object(members) => {
                    if let Some(m) = members.iter().find(|m| m.key_span.start == offset) {
                        steps.push(Step::Key(KeyName::Other(m.key.len())));
                        return FieldPath(steps);
                    }
                    let Some(m) = members.iter().find(|m| contains(&m.value, offset)) else {
                        break;
                    };
                    steps.push(Step::Key(KeyName::of(&m.key)));
                    node = &m.value;
                }
                Value::Array(items) => {
                    // Items are in document order: the one that holds the offset is the last
                    // that starts at or before it.
                    let i = items.partition_point(|n| n.span.start <= offset);
                    let Some(item) = i.checked_sub(1).map(|i| (i, &items[i])) else {
                        break;
                    };
                    if !contains(item.1, offset) {
                        break;
                    }
                    steps.push(Step::Index(item.0));
                    node = item.1;
                }
                _ => break,
            }
        }
        if let Some(name) = missing {
            steps.push(Step::Key(KeyName::of(name)));
        }
        FieldPath(steps)
    }
}

fn contains(node: &Node, offset: usize) -> bool {
    node.span.start <= offset && offset < node.span.end
}

/// One recorded problem: its class, the offset it is about, and the name of the member it is
/// about when that member is missing (so a path can name it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Problem<C> {
    class: C,
    offset: usize,
    missing: Option<&'static str>,
}

/// Records schema problems as a class and an offset (and a missing member's name).
#[derive(Debug)]
pub struct Walker<C> {
    problems: Vec<Problem<C>>,
}

impl<C> Default for Walker<C> {
    fn default() -> Self {
        Walker {
            problems: Vec::new(),
        }
    }
}

impl<C: Copy + Eq> Walker<C> {
    pub fn new() -> Walker<C> {
        Walker::default()
    }

    /// Records a problem of `class` at `offset`.
    pub fn fail(&mut self, class: C, offset: usize) {
        self.record(class, offset, None);
    }

    fn record(&mut self, class: C, offset: usize, missing: Option<&'static str>) {
        self.problems.push(Problem {
            class,
            offset,
            missing,
        });
    }

    /// Checks that `node` is an object with only the fields of `table` and all the required
    /// ones; returns its known members. `None` when it is not an object at all.
    pub fn object<'n>(&mut self, node: &'n Node, table: Fields, class: C) -> Option<Object<'n>> {
        let Value::Object(members) = &node.value else {
            self.fail(class, node.span.start);
            return None;
        };
        let mut known = Object(Vec::with_capacity(members.len()));
        for m in members {
            if table.iter().any(|(name, _)| *name == m.key) {
                known.0.push(m);
            } else {
                self.fail(class, m.key_span.start);
            }
        }
        for (name, required) in table {
            if *required && known.get(name).is_none() {
                self.record(class, node.span.start, Some(name));
            }
        }
        Some(known)
    }

    /// The string at `node` (absent: `None`, silently; the object check reports it).
    pub fn string<'n>(&mut self, node: Option<&'n Node>, class: C) -> Option<&'n str> {
        let node = node?;
        match &node.value {
            Value::String(s) => Some(s),
            _ => self.wrong_type(node, class),
        }
    }

    pub fn boolean(&mut self, node: Option<&Node>, class: C) -> Option<bool> {
        let node = node?;
        match &node.value {
            Value::Bool(b) => Some(*b),
            _ => self.wrong_type(node, class),
        }
    }

    /// A non-negative integer spelled as one (`0|[1-9][0-9]*`, at most 2^53 - 1).
    pub fn uint(&mut self, node: Option<&Node>, class: C) -> Option<u64> {
        let node = node?;
        match &node.value {
            Value::Number(n) if n.as_exact_u64().is_some() => n.as_exact_u64(),
            _ => self.wrong_type(node, class),
        }
    }

    pub fn array<'n>(&mut self, node: Option<&'n Node>, class: C) -> Option<&'n [Node]> {
        let node = node?;
        match &node.value {
            Value::Array(items) => Some(items),
            _ => self.wrong_type(node, class),
        }
    }

    fn wrong_type<T>(&mut self, node: &Node, class: C) -> Option<T> {
        self.fail(class, node.span.start);
        None
    }

    /// True when no problem was recorded.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    /// The problem that comes first in the document.
    pub fn first_in_document(&self) -> Option<(C, usize)> {
        self.first().map(|p| (p.class, p.offset))
    }

    /// The problem that comes first in the document, with the path of the field it is about in
    /// `root`, the document walked.
    pub fn first_field_in_document(&self, root: &Node) -> Option<(C, usize, FieldPath)> {
        self.first().map(|p| {
            (
                p.class,
                p.offset,
                FieldPath::locate(root, p.offset, p.missing),
            )
        })
    }

    /// Of problems at one offset, the first recorded (an object's missing members in table
    /// order).
    fn first(&self) -> Option<Problem<C>> {
        self.problems.iter().copied().min_by_key(|p| p.offset)
    }

    /// The first problem of the first class in `order` that has any; within a class, the first
    /// in the document. Classes not in `order` are not reported.
    pub fn first_by_precedence(&self, order: &[C]) -> Option<(C, usize)> {
        order.iter().find_map(|class| {
            self.problems
                .iter()
                .filter(|p| p.class == *class)
                .map(|p| p.offset)
                .min()
                .map(|o| (*class, o))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strict_json::parse;

    const TABLE: Fields = &[("a", true), ("b", false)];

    #[test]
    fn unknown_missing_and_wrong_type_are_positioned() {
        let doc = br#"{"b": 1, "zz": true}"#;
        let root = parse(doc).unwrap();
        let mut w = Walker::new();
        let o = w.object(&root, TABLE, 'x').unwrap();
        assert_eq!(w.string(o.get("b"), 't'), None);
        let mut offsets: Vec<(char, usize)> =
            w.problems.iter().map(|p| (p.class, p.offset)).collect();
        offsets.sort_by_key(|p| p.1);
        // missing `a` at the object (0), wrong type at the value of b (6), unknown key at 9.
        assert_eq!(offsets, vec![('x', 0), ('t', 6), ('x', 9)]);
        assert_eq!(w.first_in_document(), Some(('x', 0)));
        assert_eq!(w.first_by_precedence(&['t', 'x']), Some(('t', 6)));
    }

    #[test]
    fn integers_must_be_spelled_as_integers() {
        for (doc, ok) in [("1", true), ("1.0", false), ("1e3", false), ("-0", false)] {
            let node = parse(doc.as_bytes()).unwrap();
            let mut w = Walker::new();
            assert_eq!(w.uint(Some(&node), ()).is_some(), ok, "{doc}");
            assert_eq!(w.is_clean(), ok);
        }
    }

    fn path(doc: &str, offset: usize, missing: Option<&str>) -> FieldPath {
        FieldPath::locate(&parse(doc.as_bytes()).unwrap(), offset, missing)
    }

    fn key(name: &str) -> Step {
        Step::Key(KeyName::Plain(name.to_owned()))
    }

    #[test]
    fn a_path_names_members_and_indices_down_to_the_offset() {
        let doc = r#"{"a": [{"b": 1}, {"c": [true, "x"]}], "zz": 2}"#;
        let at = |needle: &str| doc.find(needle).unwrap();
        assert_eq!(path(doc, 0, None), FieldPath(vec![]));
        assert_eq!(path(doc, 0, Some("d")), FieldPath(vec![key("d")]));
        assert_eq!(
            path(doc, at("\"x\""), None),
            FieldPath(vec![key("a"), Step::Index(1), key("c"), Step::Index(1)])
        );
        assert_eq!(
            path(doc, at("{\"c\""), Some("b")),
            FieldPath(vec![key("a"), Step::Index(1), key("b")])
        );
        // An unknown member is found at its key, and kept by its length only.
        assert_eq!(
            path(doc, at("\"zz\""), None),
            FieldPath(vec![Step::Key(KeyName::Other(2))])
        );
    }

    #[test]
    fn a_member_name_that_is_not_plain_is_kept_by_its_length_only() {
        let doc = "{\"a\u{202e}b\": {\"spg1.x\": [1]}}";
        let at = |needle: &str| doc.find(needle).unwrap();
        assert_eq!(
            path(doc, at("[1]"), None),
            FieldPath(vec![
                Step::Key(KeyName::Other(5)),
                Step::Key(KeyName::Other(6))
            ])
        );
        assert_eq!(KeyName::of(&"x".repeat(65)), KeyName::Other(65));
        assert_eq!(KeyName::of(""), KeyName::Other(0));
        assert_eq!(
            Step::Key(KeyName::of("requires_grants")),
            key("requires_grants")
        );
    }

    #[test]
    fn the_first_problem_names_a_missing_member_by_its_table_name() {
        let doc = br#"{"b": "s"}"#;
        let root = parse(doc).unwrap();
        let mut w = Walker::new();
        let o = w.object(&root, TABLE, ()).unwrap();
        assert_eq!(w.string(o.get("b"), ()), Some("s"));
        assert_eq!(
            w.first_field_in_document(&root),
            Some(((), 0, FieldPath(vec![key("a")])))
        );
    }

    #[test]
    fn a_non_object_is_one_problem() {
        let node = parse(b"[1]").unwrap();
        let mut w = Walker::new();
        assert!(w.object(&node, TABLE, ()).is_none());
        assert_eq!(w.first_in_document(), Some(((), 0)));
    }
}
