//! Reading a gitleaks (v8) configuration into a [`RuleSet`].
//!
//! Every key of the file is checked: gitleaks reads keys without regard to case (through viper)
//! and ignores the ones it does not know; sealprobe reads them without regard to case too, and
//! refuses one it does not know, naming its key path (`rules[3].secretGrop`, tables counted from
//! 1), so a misspelt allowlist or entropy is never silently dropped. Values are never printed.
//!
//! Keys read: `title`, `description`, `minVersion` (checked to be text, else unused),
//! `[[rules]]` (`id`, `description`, `regex`, `secretGroup`, `entropy`, `keywords`, `path`,
//! `tags`, `skipReport`, `[[rules.required]]`, `[rules.allowlist]` or `[[rules.allowlists]]`),
//! `[allowlist]` or `[[allowlists]]` (`description`, `condition`, `regexTarget`, `regexes`,
//! `stopwords`, `paths`, `commits`, and `targetRules` on a global one). `[extend]` is refused.
//! What sealprobe does with each is in SPEC 6.2 and in [`super::Rule::accepts`] and
//! [`super::RuleSet::variant`].

use std::collections::BTreeMap;
use std::sync::Arc;

use regex::bytes::Regex;
use toml::{Table, Value};

use super::{Allowlist, FileRule, RuleError, RuleSet, Target};
use crate::escape;

/// The top-level keys of a gitleaks configuration, lower-cased.
pub(super) const TOP_KEYS: [&str; 7] = [
    "title",
    "description",
    "minversion",
    "rules",
    "allowlist",
    "allowlists",
    "extend",
];

const RULE_KEYS: [&str; 12] = [
    "id",
    "description",
    "regex",
    "secretgroup",
    "entropy",
    "keywords",
    "path",
    "tags",
    "skipreport",
    "required",
    "allowlist",
    "allowlists",
];

const ALLOWLIST_KEYS: [&str; 7] = [
    "description",
    "condition",
    "regextarget",
    "regexes",
    "stopwords",
    "paths",
    "commits",
];

const REQUIRED_KEYS: [&str; 3] = ["id", "withinlines", "withincolumns"];

/// The longest rule id accepted: ids are printed in every finding.
const MAX_ID: usize = 128;

/// A key as an error names it: escaped (redacted when token-shaped), or only its length when it
/// is long.
pub(super) fn shown_key(key: &str) -> String {
    if key.len() > 64 {
        format!("<a key of {} bytes>", key.len())
    } else {
        escape::name(key.as_bytes())
    }
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        shown_key(key)
    } else {
        format!("{at}.{}", shown_key(key))
    }
}

/// The keys of one table, by their lower-cased name, each checked to be one of `allowed`.
struct Fields<'a> {
    /// Where the table is (`rules[2]`), for error messages; empty at the top.
    at: String,
    map: BTreeMap<String, (&'a str, &'a Value)>,
}

impl<'a> Fields<'a> {
    fn of(at: String, table: &'a Table, allowed: &[&str]) -> Result<Fields<'a>, RuleError> {
        let mut map: BTreeMap<String, (&'a str, &'a Value)> = BTreeMap::new();
        for (key, value) in table {
            let lower = key.to_lowercase();
            if !allowed.contains(&lower.as_str()) {
                return Err(RuleError::Key(join(&at, key)));
            }
            if let Some((first, _)) = map.insert(lower, (key, value)) {
                return Err(RuleError::SameKey(join(&at, first), join(&at, key)));
            }
        }
        Ok(Fields { at, map })
    }

    fn has(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    /// The key path of field `name` as written in the file.
    fn path(&self, name: &str) -> String {
        let written = self.map.get(name).map_or(name, |(k, _)| k);
        join(&self.at, written)
    }

    fn str(&self, name: &str) -> Result<Option<&'a str>, RuleError> {
        match self.map.get(name) {
            None => Ok(None),
            Some((_, Value::String(s))) => Ok(Some(s)),
            Some(_) => Err(RuleError::Type(self.path(name), "text")),
        }
    }

    fn strings(&self, name: &str) -> Result<Vec<&'a str>, RuleError> {
        self.list(name, "text", "an array of text", |v| match v {
            Value::String(s) => Some(s.as_str()),
            _ => None,
        })
    }

    /// The items of array `name` that `pick` accepts, each item named `what` when it is not one,
    /// the whole `array` when it is not an array.
    fn list<T>(
        &self,
        name: &str,
        what: &'static str,
        array: &'static str,
        pick: impl Fn(&'a Value) -> Option<T>,
    ) -> Result<Vec<T>, RuleError> {
        match self.map.get(name) {
            None => Ok(Vec::new()),
            Some((_, Value::Array(items))) => items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    pick(v).ok_or_else(|| {
                        RuleError::Type(format!("{}[{}]", self.path(name), i + 1), what)
                    })
                })
                .collect(),
            Some(_) => Err(RuleError::Type(self.path(name), array)),
        }
    }

    fn uint(&self, name: &str) -> Result<Option<u64>, RuleError> {
        match self.map.get(name) {
            None => Ok(None),
            Some((_, Value::Integer(n))) if *n >= 0 => Ok(Some(*n as u64)),
            Some(_) => Err(RuleError::Type(
                self.path(name),
                "a whole number, 0 or more",
            )),
        }
    }

    fn number(&self, name: &str) -> Result<Option<f64>, RuleError> {
        let n = match self.map.get(name) {
            None => return Ok(None),
            Some((_, Value::Integer(n))) => *n as f64,
            Some((_, Value::Float(f))) => *f,
            Some(_) => f64::NAN,
        };
        if n.is_finite() && n >= 0.0 {
            Ok(Some(n))
        } else {
            Err(RuleError::Type(
                self.path(name),
                "a finite number, 0 or more",
            ))
        }
    }

    fn bool(&self, name: &str) -> Result<Option<bool>, RuleError> {
        match self.map.get(name) {
            None => Ok(None),
            Some((_, Value::Boolean(b))) => Ok(Some(*b)),
            Some(_) => Err(RuleError::Type(self.path(name), "true or false")),
        }
    }

    fn table(&self, name: &str) -> Result<Option<&'a Table>, RuleError> {
        match self.map.get(name) {
            None => Ok(None),
            Some((_, Value::Table(t))) => Ok(Some(t)),
            Some(_) => Err(RuleError::Type(self.path(name), "a table")),
        }
    }

    fn tables(&self, name: &str) -> Result<Vec<&'a Table>, RuleError> {
        self.list(
            name,
            "a table",
            "an array of tables ([[...]])",
            |v| match v {
                Value::Table(t) => Some(t),
                _ => None,
            },
        )
    }
}

/// A global allowlist before its targets are resolved.
struct Global {
    index: usize,
    /// `(key path, rule id)` of each `targetRules` entry.
    targets: Vec<(String, String)>,
}

/// Reads a gitleaks configuration (the caller has checked its top-level keys).
pub(super) fn load(table: &Table) -> Result<RuleSet, RuleError> {
    let top = Fields::of(String::new(), table, &TOP_KEYS)?;
    if top.has("extend") {
        return Err(RuleError::Extend);
    }
    for name in ["title", "description", "minversion"] {
        top.str(name)?;
    }
    let mut set = RuleSet::default();
    let mut required: Vec<(String, String)> = Vec::new();
    for (i, rule) in top.tables("rules")?.into_iter().enumerate() {
        let rule = read_rule(format!("rules[{}]", i + 1), rule, &mut set, &mut required)?;
        if set.rules.iter().any(|r| r.id == rule.id) {
            return Err(RuleError::Repeated(escape::name(rule.id.as_bytes())));
        }
        set.rules.push(rule);
    }
    for (at, id) in required {
        if !set.rules.iter().any(|r| r.id == id) {
            return Err(RuleError::NoSuchRule(at));
        }
    }
    let mut globals = Vec::new();
    let old = top.table("allowlist")?;
    let new = top.tables("allowlists")?;
    if old.is_some() && top.has("allowlists") {
        return Err(RuleError::BothAllowlists(
            top.path("allowlist"),
            top.path("allowlists"),
        ));
    }
    if let Some(t) = old {
        globals.push(read_allowlist(top.path("allowlist"), t, true, &mut set)?);
    }
    for (i, t) in new.into_iter().enumerate() {
        let at = format!("{}[{}]", top.path("allowlists"), i + 1);
        globals.push(read_allowlist(at, t, true, &mut set)?);
    }
    for global in globals {
        if global.targets.is_empty() {
            for rule in &mut set.rules {
                rule.allowlists.push(global.index);
            }
            continue;
        }
        for (at, id) in global.targets {
            let rule = set.rules.iter_mut().find(|r| r.id == id);
            let Some(rule) = rule else {
                return Err(RuleError::NoSuchRule(at));
            };
            if !rule.allowlists.contains(&global.index) {
                rule.allowlists.push(global.index);
            }
        }
    }
    Ok(set)
}

fn read_rule(
    at: String,
    table: &Table,
    set: &mut RuleSet,
    required: &mut Vec<(String, String)>,
) -> Result<FileRule, RuleError> {
    let f = Fields::of(at, table, &RULE_KEYS)?;
    let id = f.str("id")?.unwrap_or("");
    if id.trim().is_empty() || id.len() > MAX_ID || id.chars().any(char::is_control) {
        return Err(RuleError::GitleaksId(format!("{}.id", f.at)));
    }
    let name = || escape::name(id.as_bytes());
    let description = f.str("description")?.unwrap_or("").to_owned();
    let regex_text = f.str("regex")?.filter(|r| !r.is_empty());
    let path_text = f.str("path")?.filter(|p| !p.is_empty());
    let secret_group = f.uint("secretgroup")?.unwrap_or(0);
    let entropy = f.number("entropy")?.unwrap_or(0.0);
    f.strings("keywords")?;
    f.strings("tags")?;
    f.bool("skipreport")?;
    for (i, t) in f.tables("required")?.into_iter().enumerate() {
        let r = Fields::of(
            format!("{}[{}]", f.path("required"), i + 1),
            t,
            &REQUIRED_KEYS,
        )?;
        r.uint("withinlines")?;
        r.uint("withincolumns")?;
        match r.str("id")? {
            Some(id) if !id.trim().is_empty() => required.push((r.path("id"), id.to_owned())),
            _ => {
                return Err(RuleError::Type(
                    r.path("id"),
                    "the id of a rule of the file",
                ));
            }
        }
    }
    let regex = match regex_text {
        None => None,
        Some(text) => {
            let regex = go_regex(text).map_err(|()| RuleError::Regex(name()))?;
            if regex.is_match(b"") {
                return Err(RuleError::MatchesEmpty(name()));
            }
            Some(regex)
        }
    };
    let path = match path_text {
        None => None,
        Some(text) => Some(go_regex(text).map_err(|()| RuleError::PathRegex(name()))?),
    };
    if regex.is_none() && path.is_none() {
        return Err(RuleError::NoPattern(name()));
    }
    if let Some(r) = &regex {
        let groups = r.captures_len() - 1;
        if secret_group > groups as u64 {
            return Err(RuleError::SecretGroup(name(), secret_group, groups));
        }
    }
    let old = f.table("allowlist")?;
    let new = f.tables("allowlists")?;
    if old.is_some() && f.has("allowlists") {
        return Err(RuleError::BothAllowlists(
            f.path("allowlist"),
            f.path("allowlists"),
        ));
    }
    let mut allowlists = Vec::new();
    if let Some(t) = old {
        allowlists.push(read_allowlist(f.path("allowlist"), t, false, set)?.index);
    }
    for (i, t) in new.into_iter().enumerate() {
        let at = format!("{}[{}]", f.path("allowlists"), i + 1);
        allowlists.push(read_allowlist(at, t, false, set)?.index);
    }
    Ok(FileRule {
        id: id.to_owned(),
        description,
        regex,
        path,
        secret_group: secret_group as usize,
        entropy,
        allowlists,
    })
}

/// Reads one allowlist into `set.allowlists`.
fn read_allowlist(
    at: String,
    table: &Table,
    global: bool,
    set: &mut RuleSet,
) -> Result<Global, RuleError> {
    let mut keys = ALLOWLIST_KEYS.to_vec();
    if global {
        keys.push("targetrules");
    }
    let f = Fields::of(at, table, &keys)?;
    f.str("description")?;
    let and = match f.str("condition")?.map(str::to_uppercase).as_deref() {
        None | Some("" | "OR" | "||") => false,
        Some("AND" | "&&") => true,
        Some(_) => return Err(RuleError::Type(f.path("condition"), "AND or OR")),
    };
    // gitleaks reads this value as written (`match`, not `Match`).
    let target = match f.str("regextarget")? {
        None | Some("" | "secret") => Target::Secret,
        Some("match") => Target::Match,
        Some("line") => Target::Line,
        Some(_) => {
            return Err(RuleError::Type(
                f.path("regextarget"),
                "secret, match or line",
            ));
        }
    };
    let compile = |name: &str| -> Result<Vec<Regex>, RuleError> {
        f.strings(name)?
            .into_iter()
            .enumerate()
            .map(|(i, text)| {
                go_regex(text)
                    .map_err(|()| RuleError::AllowlistRegex(format!("{}[{}]", f.path(name), i + 1)))
            })
            .collect()
    };
    let regexes = compile("regexes")?;
    let paths = compile("paths")?;
    let mut stopwords = Vec::new();
    for (i, word) in f.strings("stopwords")?.into_iter().enumerate() {
        if word.is_empty() {
            return Err(RuleError::Type(
                format!("{}[{}]", f.path("stopwords"), i + 1),
                "a word, not empty (it would allow every match)",
            ));
        }
        stopwords.push(word.to_lowercase());
    }
    let commits = !f.strings("commits")?.is_empty();
    if regexes.is_empty() && paths.is_empty() && stopwords.is_empty() && !commits {
        return Err(RuleError::EmptyAllowlist(f.at.clone()));
    }
    let targets = if global {
        f.strings("targetrules")?
            .into_iter()
            .enumerate()
            .map(|(i, id)| {
                (
                    format!("{}[{}]", f.path("targetrules"), i + 1),
                    id.to_owned(),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    set.allowlists.push(Arc::new(Allowlist {
        and,
        target,
        regexes,
        stopwords,
        paths,
        commits,
    }));
    Ok(Global {
        index: set.allowlists.len() - 1,
        targets,
    })
}

/// Compiles a regex written for Go's `regexp` (RE2 syntax) so that it means what it means in Go.
///
/// The two languages are nearly one; where they differ on what a gitleaks file holds, the
/// pattern is rewritten: `\d`, `\s`, `\w`, their negations and `\b`, `\B` are ASCII in Go and
/// Unicode in Rust (`é` is a word character to Rust, so Rust's `\b` would see no boundary in
/// `éAKIA…` where Go does), so they are written out as Go defines them; `\Q…\E` is quoted; and
/// inside a bracket class `[`, `&` and `~` are literal in Go but start a nested class or a set
/// operation in Rust, so they are escaped. What differs still: `.` and negated classes do not
/// match bytes that are not UTF-8 (Go reads such a byte as U+FFFD); octal escapes (`\123`) and
/// `\C` do not compile, and so are refused.
pub(super) fn go_regex(pattern: &str) -> Result<Regex, ()> {
    Regex::new(&go_to_rust(pattern)).map_err(|_| ())
}

fn go_to_rust(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 32);
    let mut chars = pattern.chars().peekable();
    // Inside a bracket class; just after its `[` or `[^` (where `]` is a literal).
    let (mut class, mut fresh) = (false, false);
    while let Some(c) = chars.next() {
        let was_fresh = std::mem::replace(&mut fresh, false);
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    out.push('\\');
                    break;
                };
                match (e, class) {
                    ('d' | 'D' | 's' | 'S' | 'w' | 'W', _) => out.push_str(perl_class(e, class)),
                    ('b', false) => out.push_str(r"(?-u:\b)"),
                    ('B', false) => out.push_str(r"(?-u:\B)"),
                    ('Q', false) => {
                        let mut literal = String::new();
                        while let Some(q) = chars.next() {
                            if q == '\\' && chars.peek() == Some(&'E') {
                                chars.next();
                                break;
                            }
                            literal.push(q);
                        }
                        out.push_str(&regex::escape(&literal));
                    }
                    _ => {
                        out.push('\\');
                        out.push(e);
                    }
                }
            }
            '[' if !class => {
                out.push('[');
                class = true;
                fresh = true;
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
            }
            '[' if chars.peek() == Some(&':') => {
                // A POSIX class, `[:alpha:]`: the same in both.
                out.push('[');
                while let Some(p) = chars.next() {
                    out.push(p);
                    if p == ':' && chars.peek() == Some(&']') {
                        chars.next();
                        out.push(']');
                        break;
                    }
                }
            }
            '{' if !class => {
                // A repetition `{n}`, `{n,}` or `{n,m}`; any other brace is a literal in Go
                // (`{{[^}]+}}`) and an error in Rust.
                let rest: String = chars.clone().collect();
                match repetition(&rest) {
                    Some(len) => {
                        out.push('{');
                        out.extend(chars.by_ref().take(len));
                    }
                    None => out.push_str(r"\{"),
                }
            }
            '}' if !class => out.push_str(r"\}"),
            '[' | '&' | '~' if class => {
                out.push('\\');
                out.push(c);
            }
            ']' if class && !was_fresh => {
                out.push(']');
                class = false;
            }
            _ => out.push(c),
        }
    }
    out
}

/// The length of a Go repetition's rest (`3}`, `3,}`, `3,5}`) at the start of `rest`, the
/// `{` before it already read.
fn repetition(rest: &str) -> Option<usize> {
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let n = digits(rest);
    if n == 0 {
        return None;
    }
    let mut at = n;
    if rest[at..].starts_with(',') {
        at += 1 + digits(&rest[at + 1..]);
    }
    rest[at..].starts_with('}').then_some(at + 1)
}

/// Go's Perl class `\e` (ASCII), outside a bracket class or inside one.
fn perl_class(e: char, in_class: bool) -> &'static str {
    match (e, in_class) {
        ('d', false) => "[0-9]",
        ('D', false) => "[^0-9]",
        ('s', false) => r"[\t\n\f\r ]",
        ('S', false) => r"[^\t\n\f\r ]",
        ('w', false) => "[0-9A-Za-z_]",
        ('W', false) => "[^0-9A-Za-z_]",
        ('d', true) => "0-9",
        ('D', true) => r"\x00-\x2F\x3A-\x{10FFFF}",
        ('s', true) => r"\t\n\f\r ",
        ('S', true) => r"\x00-\x08\x0B\x0E-\x1F\x21-\x{10FFFF}",
        ('w', true) => "0-9A-Za-z_",
        _ => r"\x00-\x2F\x3A-\x40\x5B-\x5E\x60\x7B-\x{10FFFF}",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_match(pattern: &str, text: &str) -> bool {
        go_regex(pattern).unwrap().is_match(text.as_bytes())
    }

    #[test]
    fn perl_classes_and_word_boundaries_are_ascii_as_in_go() {
        assert!(is_match(r"\bAKIA", "éAKIA"));
        assert!(!is_match(r"^\w+$", "café"));
        assert!(is_match(r"^\W$", "é"));
        assert!(!is_match(r"^\d$", "٣"));
        assert!(is_match(r"^\D$", "٣"));
        assert!(!is_match(r"^\s$", "\u{a0}"));
        assert!(is_match(r"^\S$", "\u{a0}"));
        assert!(is_match(r"^[\w.-]+$", "a.b-c_9"));
        assert!(!is_match(r"^[\w]+$", "é"));
        assert!(is_match(r"^[\W]+$", "é!"));
        assert!(!is_match(r"^[\S]$", " "));
        assert!(is_match(r"^[\s\S-]{3}$", "a\n-"));
        assert!(is_match(r"^[^\d]$", "x"));
        assert!(!is_match(r"^[^\d]$", "7"));
        assert!(is_match(r"\Bb", "ab"));
    }

    #[test]
    fn brackets_read_as_go_reads_them() {
        // `]` first is a literal; `[` and `&&` inside a class are literals in Go.
        assert!(is_match(r"^[]a]+$", "]a]"));
        assert!(is_match(r"^[^]a]$", "b"));
        assert!(is_match(r"^[[a]+$", "[a["));
        assert!(is_match(r"^[a&&b]+$", "a&b"));
        assert!(is_match(r"^[~]$", "~"));
        assert!(is_match(r"^[[:alpha:]]+$", "abc"));
        assert!(!is_match(r"^[[:alpha:]]+$", "ab1"));
        assert!(is_match(r"^[\]]$", "]"));
        assert!(is_match(r"^\Qa.b*\E$", "a.b*"));
        assert!(!is_match(r"^\Qa.b\E$", "axb"));
        assert!(is_match(r"(?i)^[a-z]+\.(?-i:x)$", "AbC.x"));
        // A brace that is no repetition is a literal.
        assert!(is_match(r"^\$?{{[^}]+}}$", "{{ secrets.X }}"));
        assert!(is_match(r"^a{2}b{1,}c{1,2}$", "aabbbc"));
        assert!(is_match(r"^x{,2}$", "x{,2}"));
        assert!(is_match(r"^{$", "{"));
        assert!(go_regex(r"(unclosed").is_err());
        assert!(go_regex(r"\C").is_err());
    }
}
