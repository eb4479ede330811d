//! Token-shape rules: regular expressions for strings that are tokens whatever their value, so
//! that a forged, truncated or unknown token in output is still caught.
//!
//! Built-in rules cover sealprobe's own token families (SPEC 4); more come from a TOML file, in
//! sealprobe's own format:
//!
//! ```toml
//! [[rule]]
//! id = "aws-key"
//! regex = "AKIA[0-9A-Z]{16}"
//! description = "AWS access key id"
//! ```
//!
//! or as a gitleaks configuration (`[[rules]]` with allowlists, entropy and secret groups; read by
//! [`gitleaks`]). What a gitleaks rule asks of a match before it is a finding (its secret's
//! entropy, its allowlists' regexes and stopwords) is [`Rule::accepts`]; what depends on an
//! input's path (a rule's `path`, an allowlist's `paths`) is decided per input by [`RuleSet`],
//! which gives each input the rules that apply to it.

use std::collections::BTreeMap;
use std::sync::Arc;

use regex::bytes::Regex;

use super::encoding::ByteSet;
use crate::escape;
use crate::token::shapes;

mod gitleaks;

/// One rule. Built only by [`builtin`], [`from_toml`] or a [`RuleSet`], so its regex always
/// compiled.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub description: String,
    pub regex: Regex,
    /// What a match must pass to be reported (a gitleaks rule's entropy, secret group and
    /// allowlists); `None`: every match is reported.
    check: Option<Arc<Check>>,
}

impl Rule {
    /// Every byte a match of this rule may hold, read from its regex's syntax tree: the bytes
    /// of its literals and classes, with the UTF-8 bytes of the characters beyond ASCII a class
    /// holds (every byte from 0x80 up for a class of thousands of them). A regex that cannot be read again (it compiled, so this is not expected)
    /// may hold any byte.
    pub fn bytes_matched(&self) -> ByteSet {
        let parsed = regex_syntax::ParserBuilder::new()
            .utf8(false)
            .build()
            .parse(self.regex.as_str());
        match parsed {
            Ok(hir) => {
                let mut set = ByteSet::default();
                hir_bytes(&hir, &mut set);
                set
            }
            Err(_) => ByteSet::ALL,
        }
    }
}

fn hir_bytes(hir: &regex_syntax::hir::Hir, set: &mut ByteSet) {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(lit) => lit.0.iter().for_each(|&b| set.insert(b)),
        HirKind::Class(Class::Bytes(class)) => {
            for r in class.ranges() {
                set.insert_range(r.start(), r.end());
            }
        }
        HirKind::Class(Class::Unicode(class)) => {
            for r in class.ranges() {
                let (lo, hi) = (u32::from(r.start()), u32::from(r.end()));
                if lo < 0x80 {
                    set.insert_range(lo as u8, hi.min(0x7f) as u8);
                }
                // The UTF-8 bytes of a short range's characters (`(?i)s` holds U+017F, `ſ`),
                // every byte from 0x80 for a long one.
                let lo = lo.max(0x80);
                if hi >= lo && hi - lo < 4096 {
                    for c in (lo..=hi).filter_map(char::from_u32) {
                        c.encode_utf8(&mut [0; 4])
                            .bytes()
                            .for_each(|b| set.insert(b));
                    }
                } else if hi >= lo {
                    set.insert_range(0x80, 0xff);
                }
            }
        }
        HirKind::Repetition(rep) => hir_bytes(&rep.sub, set),
        HirKind::Capture(cap) => hir_bytes(&cap.sub, set),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            subs.iter().for_each(|sub| hir_bytes(sub, set))
        }
    }
}

/// Why a rule file was refused. Names the rule (its id as shown by [`crate::escape::name`], so a
/// token-shaped id is redacted, or its position when it has none) or the key path of what is
/// wrong (`rules[3].secretGrop`, tables counted from 1), never the file's other content: no
/// regex, allowlist entry or other value is ever printed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("the rule file is not valid TOML with [[rule]] tables of id, regex and description")]
    Syntax,
    #[error("the rule file is not valid TOML (line {0})")]
    Toml(usize),
    #[error("rule {0}: the regex does not compile")]
    Regex(String),
    #[error("rule number {0} has an empty or invalid id (use [A-Za-z0-9._-]{{1,64}})")]
    Id(usize),
    #[error("rule {0} is defined twice")]
    Repeated(String),
    #[error("rule {0} matches the empty string (it would flag every position)")]
    MatchesEmpty(String),
    #[error("the rule file has an unknown key: {0}")]
    Key(String),
    #[error("{0} and {1} are one key to gitleaks, which reads keys without regard to case")]
    SameKey(String, String),
    #[error(
        "the rule file mixes sealprobe's [[rule]] tables with gitleaks keys ({0}): use one format"
    )]
    Mixed(String),
    #[error("{0} must be {1}")]
    Type(String, &'static str),
    #[error(
        "[extend] is not supported: sealprobe carries no gitleaks default rules and reads no \
         second rule file; pass the whole configuration in one file (gitleaks' own \
         config/gitleaks.toml with your rules added to it)"
    )]
    Extend,
    #[error("{0} is missing or blank, longer than 128 bytes, or holds a control character")]
    GitleaksId(String),
    #[error("rule {0} has neither a regex nor a path")]
    NoPattern(String),
    #[error("rule {0}: the path regex does not compile")]
    PathRegex(String),
    #[error("rule {0}: secretGroup {1} is more than the {2} groups its regex has")]
    SecretGroup(String, u64, usize),
    #[error("{0} does not compile")]
    AllowlistRegex(String),
    #[error("{0} checks nothing: give it commits, paths, regexes or stopwords")]
    EmptyAllowlist(String),
    #[error("{0} names no rule of the file")]
    NoSuchRule(String),
    #[error("{0} and {1} cannot both be given (gitleaks refuses them too)")]
    BothAllowlists(String, String),
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
                check: None,
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
            check: None,
        });
    }
    Ok(rules)
}

impl Rule {
    /// Whether a match of this rule is reported. `matched` is the match; `line`, when known, the
    /// line it is on (from the line break before it, which it includes as gitleaks does, to the
    /// line break after it). Built-in rules and sealprobe's own accept every match; a gitleaks
    /// rule rejects, as gitleaks does:
    /// - a match whose secret (the `secretGroup`, else the first capture group that matched,
    ///   else the whole match, the match taken without leading and trailing line breaks) has a
    ///   Shannon entropy at or below the rule's `entropy`;
    /// - a match an allowlist of the rule (its own, or a global one that targets it) allows:
    ///   a regex against the secret, the match or the line (`regexTarget`), a stopword in the
    ///   secret (in any case), all of them under `condition = "AND"`, any under `OR`. A line
    ///   that is not known allows nothing, so a match is then reported.
    ///
    /// The parts of an allowlist about paths were decided before the scan ([`RuleSet::variant`]).
    pub fn accepts(&self, matched: &[u8], line: Option<&[u8]>) -> bool {
        match &self.check {
            None => true,
            Some(check) => check.accepts(&self.regex, matched, || line),
        }
    }

    /// [`Rule::accepts`] for the match `input[start..end]` of a scanned input, whose line is
    /// looked up in `input` only when an allowlist needs it ([`line_of`]).
    pub fn accepts_in(&self, input: &[u8], start: usize, end: usize) -> bool {
        match &self.check {
            None => true,
            Some(check) => check.accepts(&self.regex, &input[start..end], || {
                line_of(input, start, end)
            }),
        }
    }
}

/// How far from a match's start its line may begin or end and still be known: a scan sees at
/// least this much around every match it reports ([`super::scan::Scanner::reach`]), so whether a
/// line is known does not depend on where a window of a stream begins.
pub const LINE_REACH: usize = super::scan::RULE_REACH;

/// The line of the match `input[start..end]`: from the line break before it (included, as
/// gitleaks includes it) or the start of `input`, to the line break after it (excluded) or the
/// end of `input`. `None` when either end lies more than [`LINE_REACH`] bytes from `start`.
///
/// The start and end of `input` count as the start and end of the scanned stream: a stream's
/// window holds more than `LINE_REACH` bytes before and after the range it scans unless the
/// stream begins or ends there.
pub fn line_of(input: &[u8], start: usize, end: usize) -> Option<&[u8]> {
    let floor = start.saturating_sub(LINE_REACH);
    let from = match memchr::memrchr(b'\n', &input[floor..start]) {
        Some(i) => floor + i,
        None if floor == 0 => 0,
        None => return None,
    };
    let ceil = start.saturating_add(LINE_REACH).min(input.len());
    if end > ceil {
        return None;
    }
    let to = match memchr::memchr(b'\n', &input[end..ceil]) {
        Some(i) => end + i,
        None if ceil == input.len() => ceil,
        None => return None,
    };
    Some(&input[from..to])
}

/// What a gitleaks rule asks of a match (see [`Rule::accepts`]).
#[derive(Debug)]
struct Check {
    /// The capture group that is the secret; 0: the first group that matched.
    secret_group: usize,
    /// A secret at or below this entropy is not reported; 0: no minimum.
    entropy: f64,
    /// The allowlists that apply to this input, with their path checks already passed.
    allowlists: Vec<Arc<Allowlist>>,
}

impl Check {
    fn accepts<'a>(
        &self,
        regex: &Regex,
        matched: &'a [u8],
        line: impl FnOnce() -> Option<&'a [u8]>,
    ) -> bool {
        let matched = trim_line_breaks(matched);
        let secret = self.secret(regex, matched);
        if self.entropy != 0.0 && shannon_entropy(secret) <= self.entropy {
            return false;
        }
        let mut line = Some(line);
        let mut known: Option<Option<&[u8]>> = None;
        let mut line = || *known.get_or_insert_with(|| line.take().and_then(|f| f()));
        let lower = (!secret.is_empty()).then(|| String::from_utf8_lossy(secret).to_lowercase());
        !self
            .allowlists
            .iter()
            .any(|a| a.allows(secret, lower.as_deref(), matched, &mut line))
    }

    /// The secret of a match, as gitleaks takes it: the regex is run again on the match alone;
    /// with capture groups, the secret is `secretGroup` (empty when it did not take part), or
    /// without one the first group that matched something; else the whole match.
    fn secret<'a>(&self, regex: &Regex, matched: &'a [u8]) -> &'a [u8] {
        let Some(caps) = regex.captures(matched) else {
            return matched;
        };
        if caps.len() < 2 {
            return matched;
        }
        if self.secret_group > 0 {
            return caps
                .get(self.secret_group)
                .map_or(&[][..], |m| m.as_bytes());
        }
        caps.iter()
            .skip(1)
            .flatten()
            .find(|m| !m.is_empty())
            .map_or(matched, |m| m.as_bytes())
    }
}

/// The match without leading and trailing line feeds (gitleaks trims them before anything else).
fn trim_line_breaks(mut bytes: &[u8]) -> &[u8] {
    while let [b'\n', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b'\n'] = bytes {
        bytes = rest;
    }
    bytes
}

/// Shannon entropy in bits per byte, as gitleaks computes it: characters counted (a byte that is
/// not UTF-8 counts as U+FFFD), each frequency taken over the length in bytes.
pub fn shannon_entropy(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts: BTreeMap<char, usize> = BTreeMap::new();
    for chunk in data.utf8_chunks() {
        for c in chunk.valid().chars() {
            *counts.entry(c).or_default() += 1;
        }
        *counts.entry(char::REPLACEMENT_CHARACTER).or_default() += chunk.invalid().len();
    }
    let inv = 1.0 / data.len() as f64;
    counts
        .values()
        .filter(|&&n| n > 0)
        .map(|&n| {
            let f = n as f64 * inv;
            -f * f.log2()
        })
        .sum()
}

/// Which text an allowlist's regexes are run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Secret,
    Match,
    Line,
}

/// A gitleaks allowlist, compiled.
#[derive(Debug)]
struct Allowlist {
    /// `condition = "AND"`: every check it has must allow; else any one.
    and: bool,
    target: Target,
    regexes: Vec<Regex>,
    /// Lower-cased.
    stopwords: Vec<String>,
    paths: Vec<Regex>,
    /// It lists commits: they never match a file, so under AND it never allows anything.
    commits: bool,
}

impl Allowlist {
    /// Whether the allowlist's regexes and stopwords allow a match (its paths were checked before
    /// the scan; an empty target allows nothing, as in gitleaks).
    fn allows<'a>(
        &self,
        secret: &[u8],
        lower_secret: Option<&str>,
        matched: &[u8],
        line: &mut impl FnMut() -> Option<&'a [u8]>,
    ) -> bool {
        let mut regex_hit = || {
            let target = match self.target {
                Target::Secret => Some(secret),
                Target::Match => Some(matched),
                Target::Line => line(),
            };
            target.is_some_and(|t| !t.is_empty() && self.regexes.iter().any(|r| r.is_match(t)))
        };
        let stopword_hit =
            || lower_secret.is_some_and(|s| self.stopwords.iter().any(|w| s.contains(w.as_str())));
        let has_regexes = !self.regexes.is_empty();
        let has_stopwords = !self.stopwords.is_empty();
        if self.and {
            (!has_regexes || regex_hit()) && (!has_stopwords || stopword_hit())
        } else {
            (has_regexes && regex_hit()) || (has_stopwords && stopword_hit())
        }
    }

    fn has_content_checks(&self) -> bool {
        !self.regexes.is_empty() || !self.stopwords.is_empty()
    }

    fn path_allows(&self, path: Option<&[u8]>) -> bool {
        path.is_some_and(|p| !p.is_empty() && self.paths.iter().any(|r| r.is_match(p)))
    }
}

/// The rules of a `--rules` file, in either format, before they are fitted to an input.
#[derive(Debug, Default)]
pub struct RuleSet {
    rules: Vec<FileRule>,
    allowlists: Vec<Arc<Allowlist>>,
}

/// One rule of a rule file.
#[derive(Debug)]
struct FileRule {
    id: String,
    description: String,
    /// `None`: a gitleaks rule with only a `path`, which flags a file by its name.
    regex: Option<Regex>,
    path: Option<Regex>,
    secret_group: usize,
    entropy: f64,
    /// Indices in [`RuleSet::allowlists`]: the rule's own, then the global ones that target it.
    allowlists: Vec<usize>,
}

/// Which rules of a [`RuleSet`] apply to one input, and with which allowlists: inputs with equal
/// variants can share one scanner.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variant(Vec<Option<Vec<u32>>>);

/// Reads a `--rules` file: sealprobe's own `[[rule]]` format ([`from_toml`]) or a gitleaks
/// configuration (`[[rules]]`, `[allowlist]`, `[[allowlists]]`, ...). Both at once, or a key
/// that is in neither, is refused.
pub fn load(text: &str) -> Result<RuleSet, RuleError> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let at = e.span().map_or(0, |s| s.start).min(text.len());
        RuleError::Toml(
            1 + text.as_bytes()[..at]
                .iter()
                .filter(|&&b| b == b'\n')
                .count(),
        )
    })?;
    let gitleaks_keys: Vec<&String> = table
        .keys()
        .filter(|k| gitleaks::TOP_KEYS.contains(&k.to_lowercase().as_str()))
        .collect();
    if let Some(unknown) = table
        .keys()
        .find(|k| *k != "rule" && !gitleaks_keys.contains(k))
    {
        return Err(RuleError::Key(gitleaks::shown_key(unknown)));
    }
    match (table.contains_key("rule"), gitleaks_keys.first()) {
        (true, Some(k)) => Err(RuleError::Mixed(gitleaks::shown_key(k))),
        (_, None) => Ok(RuleSet::plain(from_toml(text)?)),
        (false, Some(_)) => gitleaks::load(&table),
    }
}

impl RuleSet {
    fn plain(rules: Vec<Rule>) -> RuleSet {
        RuleSet {
            rules: rules
                .into_iter()
                .map(|r| FileRule {
                    id: r.id,
                    description: r.description,
                    regex: Some(r.regex),
                    path: None,
                    secret_group: 0,
                    entropy: 0.0,
                    allowlists: Vec::new(),
                })
                .collect(),
            allowlists: Vec::new(),
        }
    }

    /// How many rules the file holds (those that flag a path only included).
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Which rules apply to the input at `path` (`None`: standard input, which has no path),
    /// and with which allowlists, as gitleaks decides it before it reads a file:
    /// - a rule with a `path` applies only where it matches; on standard input a rule with a
    ///   regex as well applies (fail closed), one with only a path does not;
    /// - an allowlist (`OR`) with a matching path turns the rule off for the input; one under
    ///   `AND` whose path check passes turns it off when it has no other check, and keeps its
    ///   regexes and stopwords for the scan; one under `AND` whose path check fails, or that
    ///   lists commits, never allows anything here and is dropped.
    ///
    /// The path is matched as gitleaks names a walked file: cleaned as Go's `filepath.Clean`
    /// cleans it (`./logs//a.log` is `logs/a.log`).
    pub fn variant(&self, path: Option<&[u8]>) -> Variant {
        let path = path.map(go_clean);
        let path = path.as_deref();
        let mut path_hit: Vec<Option<bool>> = vec![None; self.allowlists.len()];
        let states = self
            .rules
            .iter()
            .map(|rule| {
                if let Some(p) = &rule.path {
                    let applies = match path {
                        Some(path) => p.is_match(path),
                        None => rule.regex.is_some(),
                    };
                    if !applies {
                        return None;
                    }
                }
                let mut active = Vec::new();
                for &i in &rule.allowlists {
                    let a = &self.allowlists[i];
                    let mut hit = || *path_hit[i].get_or_insert_with(|| a.path_allows(path));
                    if a.and {
                        if a.commits || (!a.paths.is_empty() && !hit()) {
                            continue;
                        }
                        if !a.has_content_checks() {
                            return None;
                        }
                    } else if !a.paths.is_empty() && hit() {
                        return None;
                    } else if !a.has_content_checks() {
                        continue;
                    }
                    active.push(i as u32);
                }
                Some(active)
            })
            .collect();
        Variant(states)
    }

    /// The scanner rules of a variant: every rule with a regex that applies, with what it asks
    /// of a match.
    pub fn rules(&self, variant: &Variant) -> Vec<Rule> {
        self.rules
            .iter()
            .zip(&variant.0)
            .filter_map(|(rule, state)| {
                let (regex, active) = (rule.regex.as_ref()?, state.as_ref()?);
                let check = (rule.secret_group > 0 || rule.entropy != 0.0 || !active.is_empty())
                    .then(|| {
                        Arc::new(Check {
                            secret_group: rule.secret_group,
                            entropy: rule.entropy,
                            allowlists: active
                                .iter()
                                .map(|&i| Arc::clone(&self.allowlists[i as usize]))
                                .collect(),
                        })
                    });
                Some(Rule {
                    id: rule.id.clone(),
                    description: rule.description.clone(),
                    regex: regex.clone(),
                    check,
                })
            })
            .collect()
    }

    /// The ids of the rules with only a path that flag the input of this variant.
    pub fn path_hits(&self, variant: &Variant) -> Vec<String> {
        self.rules
            .iter()
            .zip(&variant.0)
            .filter(|(rule, state)| rule.regex.is_none() && state.is_some())
            .map(|(rule, _)| rule.id.clone())
            .collect()
    }
}

/// A path cleaned lexically as Go's `filepath.Clean` cleans it: repeated and trailing slashes
/// and `.` elements removed, `..` taken back where it can be.
pub fn go_clean(path: &[u8]) -> Vec<u8> {
    let rooted = path.first() == Some(&b'/');
    let mut parts: Vec<&[u8]> = Vec::new();
    for part in path.split(|&b| b == b'/') {
        match part {
            b"" | b"." => {}
            b".." => match parts.last() {
                Some(&last) if last != b".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(part),
            },
            _ => parts.push(part),
        }
    }
    let mut out = if rooted { b"/".to_vec() } else { Vec::new() };
    out.extend(parts.join(&b'/'));
    if out.is_empty() {
        out.push(b'.');
    }
    out
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
    fn the_bytes_a_rule_may_match_come_from_its_regex() {
        let bytes = |regex: &str| {
            let file =
                format!("[[rule]]\nid = \"r\"\nregex = '''{regex}'''\ndescription = \"x\"\n");
            from_toml(&file).unwrap()[0].bytes_matched()
        };
        let ascii = bytes("AKIA[0-9A-Z]{16}");
        assert!(ascii.contains(b'K') && ascii.contains(b'7') && !ascii.contains(b'a'));
        assert!((0x80..=0xff).all(|b| !ascii.contains(b)));
        // Case-insensitive `s` holds U+017F (`ſ`, C5 BF) and `k` the Kelvin sign (E2 84 AA),
        // not every byte beyond ASCII.
        let folded = bytes("(?i)sk[0-9]+");
        assert!(
            [b's', b'S', b'k', b'K', 0xc5, 0xbf, 0xe2, 0x84, 0xaa]
                .iter()
                .all(|&b| folded.contains(b))
        );
        assert!(!folded.contains(0xc3) && !folded.contains(b'a'));
        // A class of thousands of characters, or any character, may hold any byte.
        for wide in [r"\w+", ".+", "[^a]+"] {
            assert!((0x80..=0xff).all(|b| bytes(wide).contains(b)), "{wide}");
        }
        assert!(bytes(r"(?-u:\xff)x").contains(0xff));
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

    #[test]
    fn entropy_is_counted_as_gitleaks_counts_it() {
        assert_eq!(shannon_entropy(b""), 0.0);
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert_eq!(shannon_entropy(b"ab"), 1.0);
        assert_eq!(shannon_entropy(b"abcd"), 2.0);
        // Characters are counted, over the length in bytes (Go's quirk, kept).
        assert_eq!(shannon_entropy("\u{e9}\u{e9}".as_bytes()), 0.5);
        // Bytes that are not UTF-8 are one character, U+FFFD.
        assert_eq!(shannon_entropy(&[0xff, 0xfe]), 0.0);
    }

    #[test]
    fn the_line_of_a_match_includes_the_break_before_it_and_is_bounded() {
        let text = b"first\nkey=acme_x end\nlast";
        assert_eq!(line_of(text, 10, 16), Some(&b"\nkey=acme_x end"[..]));
        assert_eq!(line_of(text, 0, 5), Some(&b"first"[..]));
        assert_eq!(line_of(text, 21, 25), Some(&b"\nlast"[..]));
        // The line starts too far before the match to be known.
        let long = [
            b"\n".to_vec(),
            b"x".repeat(LINE_REACH + 10),
            b"match".to_vec(),
        ]
        .concat();
        assert_eq!(line_of(&long, LINE_REACH + 11, LINE_REACH + 16), None);
        // The start of the input within reach is the start of the line.
        let near = [b"x".repeat(LINE_REACH - 1), b"match".to_vec()].concat();
        assert_eq!(
            line_of(&near, LINE_REACH - 1, LINE_REACH + 4),
            Some(&near[..])
        );
        let long = [b"match".to_vec(), b"x".repeat(LINE_REACH + 10)].concat();
        assert_eq!(line_of(&long, 0, 5), None);
        assert_eq!(line_of(&long, 0, long.len()), None);
    }

    #[test]
    fn paths_are_cleaned_as_go_cleans_them() {
        for (raw, clean) in [
            ("./logs//a.log", "logs/a.log"),
            ("logs/", "logs"),
            ("/a/../b", "/b"),
            ("/../b", "/b"),
            ("../x/./y", "../x/y"),
            ("a/..", "."),
            ("", "."),
            ("a/b/../../..", ".."),
        ] {
            assert_eq!(go_clean(raw.as_bytes()), clean.as_bytes(), "{raw}");
        }
    }

    #[test]
    fn a_rule_file_is_read_in_the_format_it_is_written_in() {
        let plain = "[[rule]]\nid = \"a\"\nregex = \"x{3}\"\ndescription = \"\"\n";
        assert_eq!(load(plain).unwrap().len(), 1);
        assert!(load("").unwrap().is_empty());
        let gitleaks = "[[rules]]\nid = \"a\"\nregex = '''x{3}'''\n";
        assert_eq!(load(gitleaks).unwrap().len(), 1);
        let mixed = format!("{plain}{gitleaks}");
        assert_eq!(load(&mixed).unwrap_err(), RuleError::Mixed("rules".into()));
        assert_eq!(
            load("[[rulez]]\n").unwrap_err(),
            RuleError::Key("rulez".into())
        );
        assert_eq!(load("a = \n").unwrap_err(), RuleError::Toml(1));
        assert_eq!(load("\n\n[x\n").unwrap_err(), RuleError::Toml(3));
    }

    #[test]
    fn a_gitleaks_rule_accepts_a_match_as_gitleaks_reports_it() {
        let text = "[[rules]]\nid = \"t\"\nregex = '''k=(a+)|k=(b[a-z0-9]+)'''\n\
                    entropy = 1.5\n[[rules.allowlists]]\nregexTarget = \"line\"\n\
                    regexes = ['''skip''']\n[[rules.allowlists]]\nstopwords = [\"ZZ\"]\n";
        let set = load(text).unwrap();
        let rules = set.rules(&set.variant(Some(b"a.log")));
        let rule = &rules[0];
        // The secret is the first group that matched: group 2 here.
        assert!(rule.accepts(b"k=b8x3q9", None));
        // Too little entropy in the secret.
        assert!(!rule.accepts(b"k=bbbbbbb", None));
        // The line allowlist: only with a known line that holds `skip`.
        assert!(!rule.accepts(b"k=b8x3q9", Some(b"\nskip k=b8x3q9")));
        assert!(rule.accepts(b"k=b8x3q9", Some(b"\nk=b8x3q9")));
        assert!(!rule.accepts_in(b"k=b8x3q9 skip", 0, 8));
        assert!(rule.accepts_in(b"k=b8x3q9 kept", 0, 8));
        // A stopword, in any case.
        assert!(!rule.accepts(b"k=b8zzq9", None));
        // Line breaks around the match are not part of the secret.
        assert!(rule.accepts(b"\nk=b8x3q9\n", None));
        // Built-in rules accept everything.
        assert!(builtin()[0].accepts(b"", None));
    }

    #[test]
    fn path_rules_and_allowlists_are_decided_per_input() {
        let text = "[[rules]]\nid = \"php\"\nregex = '''x{3}'''\npath = '''\\.php$'''\n\
                    [[rules]]\nid = \"p12\"\npath = '''\\.p12$'''\n\
                    [[rules]]\nid = \"any\"\nregex = '''y{3}'''\n\
                    [[rules.allowlists]]\ncondition = \"AND\"\npaths = ['''^docs/''']\n\
                    stopwords = [\"ok\"]\n\
                    [[allowlists]]\npaths = ['''^vendor/''']\n";
        let set = load(text).unwrap();
        let ids = |path: Option<&[u8]>| -> Vec<String> {
            let v = set.variant(path);
            let mut ids: Vec<String> = set.rules(&v).into_iter().map(|r| r.id).collect();
            ids.extend(set.path_hits(&v));
            ids
        };
        assert_eq!(ids(Some(b"a.php")), ["php", "any"]);
        assert_eq!(ids(Some(b"./a.p12")), ["any", "p12"]);
        assert!(ids(Some(b"vendor/a.php")).is_empty());
        // Standard input: the regex rule with a path runs, the path-only rule does not.
        assert_eq!(ids(None), ["php", "any"]);
        // The AND allowlist keeps its stopword only under docs/.
        assert_ne!(set.variant(Some(b"docs/a")), set.variant(Some(b"src/a")));
        assert_eq!(set.variant(Some(b"src/a")), set.variant(Some(b"src/b")));
        let docs = set.rules(&set.variant(Some(b"docs/a")));
        assert!(!docs[0].accepts(b"yyyok", None));
        let src = set.rules(&set.variant(Some(b"src/a")));
        assert!(src[0].accepts(b"yyyok", None));
    }
}
