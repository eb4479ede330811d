//! Token-shape rules: regular expressions for strings that are tokens whatever their value, so
//! that a forged, truncated or unknown token in output is still caught.
//!
//! Built-in rules cover sealprobe's own token families (SPEC 4); more come from a TOML file:
//!
//! ```toml
//! [[rule]]
//! id = "aws-key"
//! regex = "AKIA[0-9A-Z]{16}"
//! description = "AWS access key id"
//! ```

use regex::bytes::Regex;

use crate::escape;
use crate::token::shapes;

/// One rule. Built only by [`builtin`] or [`from_toml`], so its regex always compiled.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub description: String,
    pub regex: Regex,
}

/// Why a rule file was refused. Names the rule (its id as shown by [`crate::escape::name`], so a
/// token-shaped id is redacted, or its position when it has none), never the file's other
/// content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("the rule file is not valid TOML with [[rule]] tables of id, regex and description")]
    Syntax,
    #[error("rule {0}: the regex does not compile")]
    Regex(String),
    #[error("rule number {0} has an empty or invalid id (use [A-Za-z0-9._-]{{1,64}})")]
    Id(usize),
    #[error("rule {0} is defined twice")]
    Repeated(String),
    #[error("rule {0} matches the empty string (it would flag every position)")]
    MatchesEmpty(String),
}

/// The rules sealprobe always applies: the built-in token shapes of [`crate::token::shapes`].
pub fn builtin() -> Vec<Rule> {
    shapes::SHAPES
        .iter()
        .enumerate()
        .filter_map(|(i, shape)| {
            Some(Rule {
                id: shape.id.to_owned(),
                description: shape.description.to_owned(),
                regex: shapes::compiled(i)?.clone(),
            })
        })
        .collect()
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<RuleEntry>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    id: String,
    regex: String,
    description: String,
}

/// Parses a TOML rule file. Every rule must have an id, a regex and a description.
pub fn from_toml(text: &str) -> Result<Vec<Rule>, RuleError> {
    let file: RuleFile = toml::from_str(text).map_err(|_| RuleError::Syntax)?;
    let mut rules: Vec<Rule> = Vec::new();
    for (i, entry) in file.rule.into_iter().enumerate() {
        let id_ok = !entry.id.is_empty()
            && entry.id.len() <= 64
            && entry
                .id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if !id_ok {
            return Err(RuleError::Id(i + 1));
        }
        if rules.iter().any(|r| r.id == entry.id) || builtin().iter().any(|r| r.id == entry.id) {
            return Err(RuleError::Repeated(escape::name(entry.id.as_bytes())));
        }
        let regex = Regex::new(&entry.regex)
            .map_err(|_| RuleError::Regex(escape::name(entry.id.as_bytes())))?;
        if regex.is_match(b"") {
            return Err(RuleError::MatchesEmpty(escape::name(entry.id.as_bytes())));
        }
        rules.push(Rule {
            id: entry.id,
            description: entry.description,
            regex,
        });
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_compile_and_match_their_tokens() {
        let rules = builtin();
        assert_eq!(rules.len(), crate::token::shapes::SHAPES.len());
        let text = b"x spg1.cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4wY9bC1dF6gH0jK5lA8sE3uI7oP2q y";
        assert!(rules[0].regex.is_match(text));
        assert!(
            rules[1]
                .regex
                .is_match(b"mac hmac-sha256:Zk3pQ8vX2mN7tR4wY9bC1dF6gH0j")
        );
        assert!(
            rules[2]
                .regex
                .is_match(b"cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4wY9")
        );
        assert!(!rules[0].regex.is_match(b"spg is a word"));
    }

    #[test]
    fn bad_rule_file_names_the_rule() {
        let err = from_toml("[[rule]]\nid = \"broken\"\nregex = \"(\"\ndescription = \"x\"\n");
        assert_eq!(err.unwrap_err(), RuleError::Regex("broken".into()));
        assert_eq!(
            from_toml("[[rule]]\nid = \"a\"\n").unwrap_err(),
            RuleError::Syntax
        );
        let twice = "[[rule]]\nid = \"a\"\nregex = \"x\"\ndescription = \"\"\n".repeat(2);
        assert_eq!(
            from_toml(&twice).unwrap_err(),
            RuleError::Repeated("a".into())
        );
        let empty = "[[rule]]\nid = \"loose\"\nregex = \"x*\"\ndescription = \"\"\n";
        assert_eq!(
            from_toml(empty).unwrap_err(),
            RuleError::MatchesEmpty("loose".into())
        );
        let token_id = "spg1.cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4wY9";
        let err = from_toml(&format!(
            "[[rule]]\nid = \"{token_id}\"\nregex = \"(\"\ndescription = \"x\"\n"
        ));
        assert_eq!(
            err.unwrap_err(),
            RuleError::Regex(escape::redacted(token_id.len()))
        );
    }
}
