//! Every rule's matches in a text, from one or two passes over all rules' literal prefixes.
//!
//! Searching a text once per rule (each regex with its own prefilter) made the token rules a
//! third of a scan with thirteen rules, and a team's rule file holds hundreds. Most rules start
//! with one of a few fixed strings (`ghp_`, `AKIA`, `-----BEGIN `, `spg` in any case), which
//! `regex-syntax` can list: an Aho-Corasick search finds every place any of those strings
//! occurs (one search for the prefixes of four bytes or more, one for the shorter ones, see
//! [`searches`]), and a rule is tried only there, anchored. A rule whose matches need not start
//! with a listed string (an unbounded class first, a match that may be empty) is searched on its
//! own, as before.
//!
//! The matches are exactly those of searching each rule from `from` on with
//! [`regex::bytes::Regex::find_at`]: the leftmost match of a rule starts at the first place one
//! of its prefixes occurs where an anchored match exists, and the next search starts where that
//! match ends.

use aho_corasick::{AhoCorasick, MatchKind};
use regex_automata::{Anchored, Input, meta};
use regex_syntax::hir::literal::{ExtractKind, Extractor};

use super::rules::Rule;

/// The fewest bytes a listed prefix may have: shorter ones (one or two letters) occur
/// everywhere and would try the rule at most positions.
const MIN_PREFIX: usize = 3;

/// The most prefixes one rule may list (a case-insensitive word lists every case of it).
const MAX_PREFIXES: usize = 64;

/// The rules of a scanner, ready to be searched together.
#[derive(Debug, Clone)]
pub struct RuleSearch {
    /// Per rule: the anchored form of its regex, when its prefixes are listed.
    anchored: Vec<Option<meta::Regex>>,
    /// All listed prefixes of all rules, in one or two searches ([`searches`]), each with the
    /// index in `literals` of its first pattern; `owners[i]` are the rules prefix `i` starts.
    prefixes: Option<Vec<(AhoCorasick, usize)>>,
    owners: Vec<Vec<usize>>,
    /// The prefixes themselves, and per prefix every prefix that is a prefix of it or has it as
    /// one (both may occur at one place; the search reports only one of them).
    literals: Vec<Vec<u8>>,
    related: Vec<Vec<usize>>,
    /// The longest prefix, so that one starting just before the end of a range is seen whole.
    longest: usize,
}

/// The literal prefixes every match of `pattern` starts with, when they can be listed and each
/// is long enough to be worth searching for.
fn prefixes(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()?;
    let mut seq = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
    seq.minimize_by_preference();
    // Longer prefixes try the rule at fewer places; cut them shorter only as far as needed to
    // list few enough (`spg` in any case and then a digit or a dot: 90 prefixes of four bytes,
    // 10 of three).
    let literals = (MIN_PREFIX..=8).rev().find_map(|k| {
        let mut cut = seq.clone();
        cut.keep_first_bytes(k);
        cut.dedup();
        let literals = cut.literals()?.to_vec();
        (literals.len() <= MAX_PREFIXES).then_some(literals)
    })?;
    if literals.is_empty() || literals.iter().any(|l| l.as_bytes().len() < MIN_PREFIX) {
        return None;
    }
    let mut out: Vec<Vec<u8>> = literals.iter().map(|l| l.as_bytes().to_vec()).collect();
    out.sort();
    out.dedup();
    Some(out)
}

/// The searches for the prefixes: the prefixes of four bytes or more in one, the shorter ones
/// in another (reordered in `literals` and `owners` so each search's patterns are together).
/// The vector search compares as many leading bytes as the shortest pattern has, up to four: in
/// one search, three-byte prefixes (`spg` in any case, `eyJ`) made every pattern's filter
/// looser, and the search of a log took 110 ms; apart, 57 ms and 30 ms (BENCHMARKS.md). None
/// when there is no prefix, or a search cannot be built.
fn searches(
    literals: &mut Vec<Vec<u8>>,
    owners: &mut Vec<Vec<usize>>,
) -> Option<Vec<(AhoCorasick, usize)>> {
    let mut paired: Vec<(Vec<u8>, Vec<usize>)> = literals.drain(..).zip(owners.drain(..)).collect();
    // Stable: the order within each group is kept.
    paired.sort_by_key(|(l, _)| l.len() < 4);
    let long = paired.iter().filter(|(l, _)| l.len() >= 4).count();
    (*literals, *owners) = paired.into_iter().unzip();
    let build = |patterns: &[Vec<u8>]| {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(patterns)
            .ok()
    };
    let mut out = Vec::new();
    for (lo, hi) in [(0, long), (long, literals.len())] {
        if lo < hi {
            out.push((build(&literals[lo..hi])?, lo));
        }
    }
    (!out.is_empty()).then_some(out)
}

impl RuleSearch {
    pub fn new(rules: &[Rule]) -> RuleSearch {
        let mut anchored = Vec::with_capacity(rules.len());
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        for (r, rule) in rules.iter().enumerate() {
            let pattern = rule.regex.as_str();
            let compiled = prefixes(pattern).and_then(|listed| {
                let regex = meta::Regex::builder()
                    .syntax(regex_automata::util::syntax::Config::new().utf8(false))
                    .build(pattern)
                    .ok()?;
                Some((listed, regex))
            });
            match compiled {
                Some((listed, regex)) => {
                    for literal in listed {
                        match literals.iter().position(|l| *l == literal) {
                            Some(i) => owners[i].push(r),
                            None => {
                                literals.push(literal);
                                owners.push(vec![r]);
                            }
                        }
                    }
                    anchored.push(Some(regex));
                }
                None => anchored.push(None),
            }
        }
        // A search that cannot be built (more prefixes than the automaton takes) is no reason
        // to panic: every rule is then searched on its own, as a rule without prefixes is.
        let prefixes = searches(&mut literals, &mut owners);
        let longest = literals.iter().map(Vec::len).max().unwrap_or(0);
        let related = literals
            .iter()
            .map(|a| {
                (0..literals.len())
                    .filter(|&j| a.starts_with(&literals[j]) || literals[j].starts_with(a))
                    .collect()
            })
            .collect();
        if prefixes.is_none() {
            anchored.iter_mut().for_each(|a| *a = None);
        }
        RuleSearch {
            anchored,
            prefixes,
            owners,
            literals,
            related,
            longest,
        }
    }

    /// Calls `found(rule, start, end)` for every non-empty match of every rule that starts in
    /// `[from, to)` of `hay` (`hay` before `from` is context, for `\b`), in order of start per
    /// rule. `found` returns where that rule's next match may start: the match's end, or later
    /// to skip part of the text.
    pub fn each(
        &self,
        rules: &[Rule],
        hay: &[u8],
        from: usize,
        to: usize,
        mut found: impl FnMut(usize, usize, usize) -> usize,
    ) {
        // Rules with no listed prefixes: one search each.
        for (r, rule) in rules.iter().enumerate() {
            if self.anchored[r].is_some() {
                continue;
            }
            let mut at = from;
            while at < to {
                let Some(m) = rule.regex.find_at(hay, at) else {
                    break;
                };
                if m.start() >= to {
                    break;
                }
                if m.is_empty() {
                    at = m.start() + 1;
                    continue;
                }
                at = found(r, m.start(), m.end()).max(m.start() + 1);
            }
        }
        let Some(searches) = &self.prefixes else {
            return;
        };
        // Where each prefix occurs, in order of start. A search reports one prefix per place
        // and goes on after it; starting again one byte later finds prefixes that begin inside
        // it, and the rules of every prefix that also occurs at the same place (one is a prefix
        // of the other) are tried there too.
        let mut starts: Vec<(usize, usize)> = Vec::new();
        let scope = &hay[..to.saturating_add(self.longest).min(hay.len())];
        for (ac, first) in searches {
            let mut at = from;
            while at < to {
                let Some(m) = ac.find(aho_corasick::Input::new(scope).range(at..)) else {
                    break;
                };
                if m.start() >= to {
                    break;
                }
                for &p in &self.related[first + m.pattern().as_usize()] {
                    if scope[m.start()..].starts_with(&self.literals[p]) {
                        starts.extend(self.owners[p].iter().map(|&r| (m.start(), r)));
                    }
                }
                at = m.start() + 1;
            }
        }
        starts.sort_unstable();
        starts.dedup();
        let mut next = vec![from; rules.len()];
        for (at, r) in starts {
            if at < next[r] {
                continue;
            }
            let regex = self.anchored[r]
                .as_ref()
                .expect("only rules with listed prefixes own a prefix");
            let input = Input::new(hay).range(at..).anchored(Anchored::Yes);
            if let Some(m) = regex.find(input)
                && !m.is_empty()
            {
                next[r] = found(r, m.start(), m.end()).max(m.start() + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What searching each rule on its own finds: `(rule, start, end)`, rule by rule.
    fn one_by_one(
        rules: &[Rule],
        hay: &[u8],
        from: usize,
        to: usize,
    ) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        for (r, rule) in rules.iter().enumerate() {
            let mut at = from;
            while let Some(m) = rule.regex.find_at(hay, at) {
                if m.start() >= to {
                    break;
                }
                at = m.end().max(m.start() + 1);
                if !m.is_empty() {
                    out.push((r, m.start(), m.end()));
                }
            }
        }
        out.sort_unstable();
        out
    }

    fn together(rules: &[Rule], hay: &[u8], from: usize, to: usize) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        RuleSearch::new(rules).each(rules, hay, from, to, |r, s, e| {
            out.push((r, s, e));
            e
        });
        out.sort_unstable();
        out
    }

    #[test]
    fn every_builtin_rule_lists_its_prefixes() {
        for shape in crate::token::shapes::SHAPES {
            let listed = prefixes(shape.regex).unwrap_or_else(|| panic!("{}", shape.id));
            assert!(listed.iter().all(|p| p.len() >= MIN_PREFIX), "{}", shape.id);
        }
        // An unbounded class first: nothing to list, so the rule is searched on its own.
        assert_eq!(prefixes(r"[a-z]+@[a-z]+\.com"), None);
        assert_eq!(prefixes(r"x?"), None);
    }

    #[test]
    fn a_rule_with_no_prefixes_is_still_searched() {
        let rules = crate::leak::rules::from_toml(
            "[[rule]]\nid = \"mail\"\nregex = \"[a-z]+@corp[.]example\"\ndescription = \"\"\n",
        )
        .unwrap();
        let hay = b"to: alice@corp.example, bob@corp.example";
        assert_eq!(
            together(&rules, hay, 0, hay.len()),
            one_by_one(&rules, hay, 0, hay.len())
        );
        assert_eq!(together(&rules, hay, 0, hay.len()).len(), 2);
    }

    /// Text made of pieces of tokens: every rule's prefixes, token characters, separators.
    fn text() -> impl Strategy<Value = Vec<u8>> {
        let pieces = prop_oneof![
            Just(b"spg1.".to_vec()),
            Just(b"SPG.".to_vec()),
            Just(b"cutover.".to_vec()),
            Just(b"0123456789abcdef".to_vec()),
            Just(b".1893456000.".to_vec()),
            Just(b"hmac-sha256:".to_vec()),
            Just(b"ghp_".to_vec()),
            Just(b"AKIA".to_vec()),
            Just(b"xoxb-123456-".to_vec()),
            Just(b"eyJ".to_vec()),
            Just(b"-----BEGIN PRIVATE KEY-----".to_vec()),
            "[A-Za-z0-9_-]{1,40}".prop_map(String::into_bytes),
            "[ .\"=:/\n]{1,3}".prop_map(String::into_bytes),
        ];
        proptest::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: Some(Box::new(
                proptest::test_runner::FileFailurePersistence::Direct(
                    "tests/proptest-regressions/rule_search.txt",
                ),
            )),
            ..ProptestConfig::default()
        })]
        #[test]
        fn one_pass_finds_what_each_rule_finds_alone(hay in text(), a in 0usize..64, b in 0usize..512) {
            let rules = crate::leak::rules::builtin();
            let from = a.min(hay.len());
            let to = (from + b).min(hay.len());
            prop_assert_eq!(together(&rules, &hay, from, to), one_by_one(&rules, &hay, from, to));
        }
    }
}
