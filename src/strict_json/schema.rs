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

/// Records schema problems as `(class, offset)`.
#[derive(Debug)]
pub struct Walker<C> {
    problems: Vec<(C, usize)>,
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
        self.problems.push((class, offset));
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
                self.fail(class, node.span.start);
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
        self.problems.iter().copied().min_by_key(|(_, o)| *o)
    }

    /// The first problem of the first class in `order` that has any; within a class, the first
    /// in the document. Classes not in `order` are not reported.
    pub fn first_by_precedence(&self, order: &[C]) -> Option<(C, usize)> {
        order.iter().find_map(|class| {
            self.problems
                .iter()
                .filter(|(c, _)| c == class)
                .map(|(_, o)| *o)
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
        let mut offsets: Vec<(char, usize)> = w.problems.clone();
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

    #[test]
    fn a_non_object_is_one_problem() {
        let node = parse(b"[1]").unwrap();
        let mut w = Walker::new();
        assert!(w.object(&node, TABLE, ()).is_none());
        assert_eq!(w.first_in_document(), Some(((), 0)));
    }
}
