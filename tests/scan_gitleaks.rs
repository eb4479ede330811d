//! `sealprobe scan --rules FILE` with a gitleaks configuration (issue #23, point 7; SPEC 6.2):
//! the file loads in both allowlist syntaxes, its rules find what gitleaks finds, what its
//! allowlists, entropy and secret groups drop is not reported, and everything it cannot honour
//! is a usage error (exit 2) that names a key path or a rule, never a value.

mod common;

use common::{Run, Tree, assert_nothing_leaked, sealprobe};

/// A token of the test rule `acme-token`: `acme_` and 20 characters of high entropy.
const TOKEN: &str = "acme_Zk3pQ8vX2mN7tR4wY9bC";

/// The rule every test starts from: Go syntax (`\b` is an ASCII word boundary there).
const RULE: &str = r#"
[[rules]]
id = "acme-token"
description = "Acme API token"
regex = '''\b(acme_[a-zA-Z0-9]{20})\b'''
keywords = ["acme_"]
tags = ["api", "acme"]
"#;

fn arg(t: &Tree, rel: &str) -> String {
    t.path(rel).to_str().unwrap().to_owned()
}

/// Writes `config` and `files`, scans every file with the config as `--rules` (JSON report).
fn scan(config: &str, files: &[(&str, &str)]) -> (Tree, Run) {
    let t = Tree::new();
    t.write("gitleaks.toml", config);
    let mut args = vec![
        "scan".to_owned(),
        "--rules".to_owned(),
        arg(&t, "gitleaks.toml"),
        "--format".to_owned(),
        "json".to_owned(),
    ];
    for (name, text) in files {
        t.write(&format!("in/{name}"), text);
        args.push(arg(&t, &format!("in/{name}")));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = sealprobe(&args);
    (t, run)
}

/// The findings of a JSON report as `(file name, rule id, encoding)`, in report order.
fn found(run: &Run) -> Vec<(String, String, String)> {
    assert!(
        run.code == 0 || run.code == 1,
        "exit {}: {}{}",
        run.code,
        run.stdout,
        run.stderr
    );
    let doc = run.report();
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let name = path.rsplit('/').next().unwrap().to_owned();
            (
                name,
                f["id"].as_str().unwrap().to_owned(),
                f["encoding"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The file names with a finding of `id`.
fn files_with(run: &Run, id: &str) -> Vec<String> {
    found(run)
        .into_iter()
        .filter(|(_, i, _)| i == id)
        .map(|(f, _, _)| f)
        .collect()
}

/// A usage error: exit 2, no report, and stderr says `scan:` and the given words.
fn assert_usage(run: &Run, words: &[&str]) {
    assert_eq!(run.code, 2, "stdout={}\nstderr={}", run.stdout, run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    for w in words {
        assert!(run.stderr.contains(w), "{w:?} not in {}", run.stderr);
    }
}

#[test]
fn older_allowlist_syntax_loads_and_its_rule_finds_its_match() {
    let config = format!(
        "title = \"team rules\"\ndescription = \"ours\"\nminVersion = \"v8.25.0\"\n\n\
         [allowlist]\ndescription = \"global\"\nstopwords = [\"dummy\"]\n{RULE}\
         [rules.allowlist]\ndescription = \"the placeholder\"\nregexes = ['''^acme_0{{20}}$''']\n"
    );
    let (_t, run) = scan(
        &config,
        &[
            ("real.log", &format!("deploy with {TOKEN} now\n")),
            ("placeholder.log", "key acme_00000000000000000000\n"),
            ("stopword.log", "key acme_DUMMYQ8vX2mN7tR4wY9b\n"),
        ],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        found(&run),
        [("real.log".into(), "acme-token".into(), "literal".into())]
    );
    assert_eq!(run.report()["findings"][0]["column"], 13);
    // 13 built-in rules and the file's one.
    assert_eq!(run.report()["summary"]["rules"], 14);
    assert_nothing_leaked(&run, &[TOKEN]);
}

#[test]
fn newer_allowlists_syntax_with_target_rules_loads_and_finds() {
    let config = format!(
        "{RULE}\
         [[rules.allowlists]]\ndescription = \"the placeholder\"\nregexTarget = \"match\"\n\
         regexes = ['''^acme_0{{20}}$''']\n\n\
         [[allowlists]]\ndescription = \"only for acme\"\ntargetRules = [\"acme-token\"]\n\
         stopwords = [\"dummy\"]\n\n\
         [[allowlists]]\npaths = ['''(?:^|/)fixtures\\.log$''']\n"
    );
    let (_t, run) = scan(
        &config,
        &[
            ("real.log", &format!("{TOKEN}\n")),
            ("placeholder.log", "acme_00000000000000000000\n"),
            ("stopword.log", "acme_xDummyQ8vX2mN7tR4wY9\n"),
            ("fixtures.log", &format!("{TOKEN}\n")),
        ],
    );
    assert_eq!(files_with(&run, "acme-token"), ["real.log"]);
    assert_eq!(run.code, 1);
}

#[test]
fn both_allowlist_syntaxes_at_once_are_refused_as_gitleaks_does() {
    let config = format!(
        "{RULE}[rules.allowlist]\nstopwords = [\"a\"]\n[[rules.allowlists]]\nstopwords = [\"b\"]\n"
    );
    let (_t, run) = scan(&config, &[("a.log", "x\n")]);
    assert_usage(&run, &["rules[1]", "allowlist"]);
    let config =
        format!("[allowlist]\nstopwords = [\"a\"]\n[[allowlists]]\nstopwords = [\"b\"]\n{RULE}");
    let (_t, run) = scan(&config, &[("a.log", "x\n")]);
    assert_usage(&run, &["allowlist"]);
}

#[test]
fn allowlist_regexes_apply_to_the_secret_the_match_or_the_line() {
    // The rule's secret is group 1 (the 20 characters); the match includes `acme_`.
    let rule = r#"
[[rules]]
id = "acme-token"
regex = '''\bacme_([a-zA-Z0-9]{20})\b'''
"#;
    let files = [
        ("secret.log", "acme_PLACEHOLDERvX2mN7tR4\n"),
        ("match.log", "acme_Zk3pQ8vX2mN7tR4wY9bC\n"),
        (
            "line.log",
            "first line\nexport EXAMPLE_ONLY=acme_Yk3pQ8vX2mN7tR4wY9bD\n",
        ),
        ("kept.log", "acme_Xk3pQ8vX2mN7tR4wY9bE\n"),
    ];
    let secret = format!("{rule}[[rules.allowlists]]\nregexes = ['''^PLACEHOLDER''']\n");
    let (_t, run) = scan(&secret, &files);
    assert_eq!(
        files_with(&run, "acme-token"),
        ["match.log", "line.log", "kept.log"]
    );
    // The same regex against the match (which starts `acme_`) drops nothing.
    let on_match = format!(
        "{rule}[[rules.allowlists]]\nregexTarget = \"match\"\nregexes = ['''^PLACEHOLDER''']\n"
    );
    let (_t, run) = scan(&on_match, &files);
    assert_eq!(files_with(&run, "acme-token").len(), 4, "{}", run.stdout);
    let on_match = format!(
        "{rule}[[rules.allowlists]]\nregexTarget = \"match\"\nregexes = ['''^acme_Zk3p''']\n"
    );
    let (_t, run) = scan(&on_match, &files);
    assert_eq!(
        files_with(&run, "acme-token"),
        ["secret.log", "line.log", "kept.log"]
    );
    let on_line = format!(
        "{rule}[[rules.allowlists]]\nregexTarget = \"line\"\nregexes = ['''EXAMPLE_ONLY=''']\n"
    );
    let (_t, run) = scan(&on_line, &files);
    assert_eq!(
        files_with(&run, "acme-token"),
        ["secret.log", "match.log", "kept.log"]
    );
}

#[test]
fn a_stopword_in_the_secret_drops_the_match_in_any_case() {
    let config = format!("{RULE}[[rules.allowlists]]\nstopwords = [\"Sample\"]\n");
    let (_t, run) = scan(
        &config,
        &[
            ("upper.log", "acme_xSAMPLEQ8vX2mN7tR4wY\n"),
            ("lower.log", "acme_xsampleQ8vX2mN7tR4wY\n"),
            ("kept.log", &format!("{TOKEN}\n")),
        ],
    );
    assert_eq!(files_with(&run, "acme-token"), ["kept.log"]);
}

#[test]
fn path_allowlists_drop_whole_files_in_the_command_layer() {
    let config = format!(
        "[[allowlists]]\npaths = ['''(?:^|/)vendor/''']\n{RULE}\
         [[rules.allowlists]]\npaths = ['''\\.lock$''']\n"
    );
    let t = Tree::new();
    t.write("gitleaks.toml", &config);
    for name in ["vendor/a.log", "deps.lock", "app/b.log"] {
        t.write(&format!("in/{name}"), format!("{TOKEN}\n"));
    }
    let run = sealprobe(&[
        "scan",
        "--rules",
        &arg(&t, "gitleaks.toml"),
        "--format",
        "json",
        &arg(&t, "in"),
    ]);
    assert_eq!(files_with(&run, "acme-token"), ["b.log"]);
    // Standard input has no path: a path allowlist never applies to it.
    let out = assert_cmd::Command::new(common::bin())
        .args(["scan", "--rules", &arg(&t, "gitleaks.toml"), "-"])
        .write_stdin(format!("{TOKEN}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("-:1:1  rule acme-token"));
}

#[test]
fn and_needs_every_check_of_the_allowlist_or_needs_one() {
    let files = [
        ("with.md", "intro\nexample: acme_Zk3pQ8vX2mN7tR4wY9bC\n"),
        ("without.md", "acme_Zk3pQ8vX2mN7tR4wY9bC\n"),
        ("with.txt", "example: acme_Zk3pQ8vX2mN7tR4wY9bC\n"),
        ("without.txt", "acme_Zk3pQ8vX2mN7tR4wY9bC\n"),
    ];
    let allowlist = "paths = ['''\\.md$''']\nregexTarget = \"line\"\nregexes = ['''example:''']\n";
    let and = format!("{RULE}[[rules.allowlists]]\ncondition = \"AND\"\n{allowlist}");
    let (_t, run) = scan(&and, &files);
    assert_eq!(
        files_with(&run, "acme-token"),
        ["without.md", "with.txt", "without.txt"]
    );
    let or = format!("{RULE}[[rules.allowlists]]\ncondition = \"OR\"\n{allowlist}");
    let (_t, run) = scan(&or, &files);
    assert_eq!(files_with(&run, "acme-token"), ["without.txt"]);
    // The default condition is OR.
    let default = format!("{RULE}[[rules.allowlists]]\n{allowlist}");
    let (_t, run) = scan(&default, &files);
    assert_eq!(files_with(&run, "acme-token"), ["without.txt"]);
    // AND of a regex and a stopword, no path.
    let both = format!(
        "{RULE}[[rules.allowlists]]\ncondition = \"AND\"\nregexes = ['''^acme_Zk''']\nstopwords = [\"q8v\"]\n"
    );
    let (_t, run) = scan(
        &both,
        &[
            ("both.log", "acme_Zk3pQ8vX2mN7tR4wY9bC\n"),
            ("regex-only.log", "acme_Zk3pR8vX2mN7tR4wY9bC\n"),
            ("stopword-only.log", "acme_Yk3pQ8vX2mN7tR4wY9bC\n"),
        ],
    );
    assert_eq!(
        files_with(&run, "acme-token"),
        ["regex-only.log", "stopword-only.log"]
    );
    let bad = format!("{RULE}[[rules.allowlists]]\ncondition = \"XOR\"\nstopwords = [\"a\"]\n");
    let (_t, run) = scan(&bad, &[("a.log", "x\n")]);
    assert_usage(&run, &["rules[1].allowlists[1].condition"]);
    assert!(!run.stderr.contains("XOR"), "{}", run.stderr);
}

#[test]
fn commits_never_apply_to_files() {
    let or = format!("{RULE}[[rules.allowlists]]\ncommits = [\"0123abc\"]\n");
    let (_t, run) = scan(&or, &[("a.log", &format!("{TOKEN}\n"))]);
    assert_eq!(files_with(&run, "acme-token"), ["a.log"]);
    let and = format!(
        "{RULE}[[rules.allowlists]]\ncondition = \"AND\"\ncommits = [\"0123abc\"]\nstopwords = [\"zk3p\"]\n"
    );
    let (_t, run) = scan(&and, &[("a.log", &format!("{TOKEN}\n"))]);
    assert_eq!(files_with(&run, "acme-token"), ["a.log"]);
}

#[test]
fn a_secret_at_or_below_the_entropy_is_not_reported() {
    let config = RULE.replace("keywords", "entropy = 3.5\nkeywords");
    let (_t, run) = scan(
        &config,
        &[
            ("low.log", "acme_aaaaaaaaaabbbbbbbbbb\n"),
            ("high.log", &format!("{TOKEN}\n")),
        ],
    );
    assert_eq!(files_with(&run, "acme-token"), ["high.log"]);
    // An integer entropy reads as a number too.
    let config = RULE.replace("keywords", "entropy = 4\nkeywords");
    let (_t, run) = scan(&config, &[("high.log", &format!("{TOKEN}\n"))]);
    assert_eq!(files_with(&run, "acme-token"), ["high.log"]);
    let config = RULE.replace("keywords", "entropy = nan\nkeywords");
    let (_t, run) = scan(&config, &[("a.log", "x\n")]);
    assert_usage(&run, &["rules[1].entropy"]);
}

#[test]
fn the_secret_is_the_secret_group_else_the_first_group_that_matched() {
    let rule = |group: &str| {
        format!(
            "[[rules]]\nid = \"acme-token\"\nregex = '''(acme)_([a-zA-Z0-9]{{20}})'''\nentropy = 3.5\n{group}"
        )
    };
    let input = [("a.log", &*format!("{TOKEN}\n"))];
    // Group 1 is `acme` (entropy 2): below 3.5, so nothing is reported.
    let (_t, run) = scan(&rule(""), &input);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(found(&run).is_empty());
    let (_t, run) = scan(&rule("secretGroup = 0\n"), &input);
    assert!(found(&run).is_empty());
    let (_t, run) = scan(&rule("secretGroup = 2\n"), &input);
    assert_eq!(files_with(&run, "acme-token"), ["a.log"]);
    // A group the regex does not have is refused, as gitleaks refuses it.
    let (_t, run) = scan(&rule("secretGroup = 3\n"), &input);
    assert_usage(&run, &["acme-token", "secretGroup"]);
    // Without groups the secret is the whole match.
    let whole =
        "[[rules]]\nid = \"acme-token\"\nregex = '''acme_[a-zA-Z0-9]{20}'''\nentropy = 3.5\n";
    let (_t, run) = scan(whole, &input);
    assert_eq!(files_with(&run, "acme-token"), ["a.log"]);
}

#[test]
fn an_unknown_key_is_a_usage_error_naming_its_path_not_its_value() {
    let config = format!(
        "{RULE}\n[[rules]]\nid = \"second\"\nregex = '''x{{3}}'''\nsecretGrop = \"{TOKEN}\"\n"
    );
    let (_t, run) = scan(&config, &[("a.log", "x\n")]);
    assert_usage(&run, &["rules[2].secretGrop"]);
    assert_nothing_leaked(&run, &[TOKEN]);
    let nested = format!("{RULE}[[rules.allowlists]]\nregexTraget = \"line\"\n");
    let (_t, run) = scan(&nested, &[("a.log", "x\n")]);
    assert_usage(&run, &["rules[1].allowlists[1].regexTraget"]);
    assert!(!run.stderr.contains("\"line\""), "{}", run.stderr);
    let top = format!("{RULE}[allowlists]\npaths = []\n");
    let (_t, run) = scan(&top, &[("a.log", "x\n")]);
    assert_usage(&run, &["allowlists"]);
    let global = format!("{RULE}[allowlist]\nstopword = [\"{TOKEN}\"]\n");
    let (_t, run) = scan(&global, &[("a.log", "x\n")]);
    assert_usage(&run, &["allowlist.stopword"]);
    assert_nothing_leaked(&run, &[TOKEN]);
    // A key that is itself token-shaped is named redacted.
    let shaped =
        format!("{RULE}\"spg1.cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4wY9\" = 1\n");
    let (_t, run) = scan(&shaped, &[("a.log", "x\n")]);
    assert_usage(&run, &["rules[1].<redacted: token-shaped"]);
    assert_nothing_leaked(&run, &[]);
    // A value of the wrong type names the key, not the value.
    let typed = format!("{RULE}[[rules.allowlists]]\nstopwords = \"{TOKEN}\"\n");
    let (_t, run) = scan(&typed, &[("a.log", "x\n")]);
    assert_usage(&run, &["rules[1].allowlists[1].stopwords"]);
    assert_nothing_leaked(&run, &[TOKEN]);
}

#[test]
fn keys_are_read_without_regard_to_case_as_gitleaks_reads_them() {
    let config = "[[rules]]\nID = \"acme-token\"\nRegex = '''acme_[a-zA-Z0-9]{20}'''\n\
                  [[rules.allowlists]]\nStopWords = [\"zk3p\"]\nregextarget = \"match\"\n";
    let (_t, run) = scan(
        config,
        &[
            ("a.log", &format!("{TOKEN}\n")),
            ("b.log", "acme_Yk3pQ8vX2mN7tR4wY9bC\n"),
        ],
    );
    assert_eq!(files_with(&run, "acme-token"), ["b.log"]);
    let twice = "[[rules]]\nid = \"a\"\nregex = '''x{3}'''\nRegex = '''y{3}'''\n";
    let (_t, run) = scan(twice, &[("a.log", "x\n")]);
    assert_usage(&run, &["rules[1].Regex"]);
}

#[test]
fn extend_is_refused_with_what_to_do_instead() {
    for extend in [
        "[extend]\nuseDefault = true\n",
        "[extend]\npath = \"base.toml\"\n",
    ] {
        let (_t, run) = scan(&format!("{extend}{RULE}"), &[("a.log", "x\n")]);
        assert_usage(&run, &["[extend]", "whole"]);
        assert!(!run.stderr.contains("base.toml"), "{}", run.stderr);
    }
}

#[test]
fn a_regex_that_does_not_compile_names_the_rule_and_not_the_regex() {
    let config = "[[rules]]\nid = \"broken-rule\"\nregex = '''(unclosed'''\n";
    let (_t, run) = scan(config, &[("a.log", "x\n")]);
    assert_usage(&run, &["broken-rule", "regex"]);
    assert!(!run.stderr.contains("unclosed"), "{}", run.stderr);
    let empty = "[[rules]]\nid = \"everywhere\"\nregex = '''x*'''\n";
    let (_t, run) = scan(empty, &[("a.log", "x\n")]);
    assert_usage(&run, &["everywhere", "empty"]);
    let allow = format!("{RULE}[[rules.allowlists]]\nregexes = ['''ok''', '''(bad''']\n");
    let (_t, run) = scan(&allow, &[("a.log", "x\n")]);
    assert_usage(&run, &["rules[1].allowlists[1].regexes[2]"]);
    assert!(!run.stderr.contains("(bad"), "{}", run.stderr);
    let nothing = "[[rules]]\nid = \"nothing\"\ndescription = \"no regex, no path\"\n";
    let (_t, run) = scan(nothing, &[("a.log", "x\n")]);
    assert_usage(&run, &["nothing", "regex", "path"]);
}

#[test]
fn a_token_shaped_rule_id_is_redacted_in_errors_and_findings() {
    let id = "spg1.cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4wY9";
    let config = format!("[[rules]]\nid = \"{id}\"\nregex = '''(bad'''\n");
    let (_t, run) = scan(&config, &[("a.log", "x\n")]);
    assert_usage(&run, &["<redacted: token-shaped"]);
    assert_nothing_leaked(&run, &[id]);
    let config = format!("[[rules]]\nid = \"{id}\"\nregex = '''acme_[a-zA-Z0-9]{{20}}'''\n");
    let (_t, run) = scan(&config, &[("a.log", &format!("{TOKEN}\n"))]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("<redacted: token-shaped"),
        "{}",
        run.stdout
    );
    assert_nothing_leaked(&run, &[id, TOKEN]);
}

#[test]
fn rule_ids_must_be_printable_and_bounded_and_unique() {
    let (_t, run) = scan(
        "[[rules]]\nid = \"  \"\nregex = '''x{3}'''\n",
        &[("a.log", "x\n")],
    );
    assert_usage(&run, &["rules[1].id"]);
    let long = "a".repeat(129);
    let (_t, run) = scan(
        &format!("[[rules]]\nid = \"{long}\"\nregex = '''x{{3}}'''\n"),
        &[("a.log", "x\n")],
    );
    assert_usage(&run, &["rules[1].id"]);
    assert!(!run.stderr.contains(&long));
    let (_t, run) = scan(
        "[[rules]]\nid = \"bell\\u0007\"\nregex = '''x{3}'''\n",
        &[("a.log", "x\n")],
    );
    assert_usage(&run, &["rules[1].id"]);
    let (_t, run) = scan(&format!("{RULE}{RULE}"), &[("a.log", "x\n")]);
    assert_usage(&run, &["acme-token", "twice"]);
    // An id of gitleaks' own that a built-in rule also has (`jwt`, `private-key`) is accepted.
    let (_t, run) = scan(
        "[[rules]]\nid = \"jwt\"\nregex = '''acme_[a-zA-Z0-9]{20}'''\n",
        &[("a.log", &format!("{TOKEN}\n"))],
    );
    assert_eq!(files_with(&run, "jwt"), ["a.log"]);
}

#[test]
fn target_rules_must_name_rules_of_the_file() {
    let config = format!("{RULE}[[allowlists]]\ntargetRules = [\"nope\"]\nstopwords = [\"a\"]\n");
    let (_t, run) = scan(&config, &[("a.log", "x\n")]);
    assert_usage(&run, &["allowlists[1].targetRules[1]"]);
    let empty = format!("{RULE}[[allowlists]]\ndescription = \"checks nothing\"\n");
    let (_t, run) = scan(&empty, &[("a.log", "x\n")]);
    assert_usage(&run, &["allowlists[1]"]);
}

#[test]
fn path_rules_flag_files_by_name_and_a_rule_with_both_needs_both() {
    let config = r#"
[[rules]]
id = "pkcs12-file"
description = "a PKCS #12 file"
path = '''(?i)(?:^|/)[^/]+\.p(?:12|fx)$'''

[[rules]]
id = "php-secret"
regex = '''secret_key'\s*=>\s*'([a-z0-9]{16})'''
path = '''\.php$'''
"#;
    let php = "$c = ['secret_key' => 'q8vx2mn7tr4wy9bc'];\n";
    let (_t, run) = scan(
        config,
        &[
            ("cert.P12", "binary"),
            ("cert.txt", "binary"),
            ("conf.php", php),
            ("conf.txt", php),
        ],
    );
    assert_eq!(
        found(&run),
        [
            ("cert.P12".into(), "pkcs12-file".into(), "path".into()),
            ("conf.php".into(), "php-secret".into(), "literal".into()),
        ]
    );
    let human = {
        let t = Tree::new();
        t.write("g.toml", config);
        t.write("in/cert.pfx", "");
        sealprobe(&["scan", "--rules", &arg(&t, "g.toml"), &arg(&t, "in")])
    };
    assert_eq!(human.code, 1);
    assert!(
        human
            .stdout
            .contains("cert.pfx:1:1  rule pkcs12-file  path  bytes 0..0"),
        "{}",
        human.stdout
    );
    // The path is matched as gitleaks walks it: `./in/x.php` is `in/x.php`.
    let anchored = "[[rules]]\nid = \"in-php\"\npath = '''^in/[^/]+\\.php$'''\n";
    let t = Tree::new();
    t.write("g.toml", anchored);
    t.write("in/x.php", "x");
    let run = assert_cmd::Command::new(common::bin())
        .current_dir(t.root())
        .args(["scan", "--rules", "g.toml", "./in"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stdout).contains("rule in-php  path"));
}

#[test]
fn built_in_rules_are_not_affected_by_the_files_allowlists() {
    let config = format!("[allowlist]\npaths = ['''.*''']\nregexes = ['''.*''']\n{RULE}");
    let (_t, run) = scan(
        &config,
        &[(
            "a.log",
            &format!("{TOKEN} token=ghp_R9k2Lm4Xp7Qw1Zt8Vb3Nc6Hd0Jf5Gs2Ak9Ey\n"),
        )],
    );
    assert_eq!(
        found(&run),
        [("a.log".into(), "github-token".into(), "literal".into())]
    );
}

#[test]
fn go_classes_and_word_boundaries_are_ascii_as_in_go() {
    // In Go `\b` and `\w` are ASCII: `é` is no word character, so a token right after it
    // starts at a word boundary. (Rust's Unicode `\b` would see none and miss it.)
    let (_t, run) = scan(RULE, &[("a.log", &format!("é{TOKEN}\n"))]);
    assert_eq!(files_with(&run, "acme-token"), ["a.log"]);
    let w = "[[rules]]\nid = \"w\"\nregex = '''key=(\\w{8})\\W'''\n";
    let (_t, run) = scan(
        w,
        &[
            ("ascii.log", "key=abcdefgh;\n"),
            ("unicode.log", "key=abcdéfgh;\n"),
        ],
    );
    assert_eq!(files_with(&run, "w"), ["ascii.log"]);
}

#[test]
fn keywords_do_not_limit_where_a_rule_runs() {
    let config = RULE.replace("[\"acme_\"]", "[\"never-in-the-input\"]");
    let (_t, run) = scan(&config, &[("a.log", &format!("{TOKEN}\n"))]);
    assert_eq!(files_with(&run, "acme-token"), ["a.log"]);
}

#[test]
fn mixing_sealprobe_rule_tables_and_gitleaks_keys_is_refused() {
    let config =
        format!("[[rule]]\nid = \"mine\"\nregex = \"x{{3}}\"\ndescription = \"x\"\n{RULE}");
    let (_t, run) = scan(&config, &[("a.log", "x\n")]);
    assert_usage(&run, &["[[rule]]", "rules"]);
    let (_t, run) = scan("[[rulez]]\nid = \"x\"\n", &[("a.log", "x\n")]);
    assert_usage(&run, &["rulez"]);
    let (_t, run) = scan("[[rules]\nid = \n", &[("a.log", "x\n")]);
    assert_usage(&run, &["TOML", "line 1"]);
}

#[test]
fn required_rules_and_skip_report_are_read_and_reported_as_plain_rules() {
    let config = format!(
        "{RULE}skipReport = true\n[[rules.required]]\nid = \"acme-user\"\nwithinLines = 2\n\n\
         [[rules]]\nid = \"acme-user\"\nregex = '''user=[a-z]{{4,}}'''\n"
    );
    let (_t, run) = scan(&config, &[("a.log", &format!("{TOKEN}\n"))]);
    assert_eq!(files_with(&run, "acme-token"), ["a.log"]);
    let missing = format!("{RULE}[[rules.required]]\nid = \"nope\"\n");
    let (_t, run) = scan(&missing, &[("a.log", "x\n")]);
    assert_usage(&run, &["rules[1].required[1].id"]);
}

/// gitleaks' own default configuration (tests/data/gitleaks/, MIT, see NOTE.txt there) loads
/// unchanged, and a handful of its rules find their textbook examples.
#[test]
fn gitleaks_default_config_loads_and_finds_textbook_examples() {
    let config =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/gitleaks/gitleaks.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let rules = text.matches("\n[[rules]]\n").count();
    assert!(rules > 150, "{rules}");
    let log = [
        "token=ghp_R9k2Lm4Xp7Qw1Zt8Vb3Nc6Hd0Jf5Gs2Ak9Ey",
        "aws_access_key_id = AKIAZ7QW3ERT5YUI2OPL",
        "aws_example = AKIAIOSFODNN7EXAMPLE",
        "gitlab: glpat-Zk3pQ8vX2mN7tR4wY9bC",
        "stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc ",
        "-----BEGIN RSA PRIVATE KEY-----",
        "MIIEowIBAAKCAQEAq8vX2mN7tR4wY9bC1dF6gH0jK5lA8sE3uI7oP2qZk3pQ8vX2mN7tR4wY9bC1dF6gH0jK5",
        "-----END RSA PRIVATE KEY-----",
        "",
    ]
    .join("\n");
    let (_t, run) = scan(&text, &[("deploy.log", &log), ("cert.p12", "x")]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let ids: Vec<String> = found(&run).into_iter().map(|(_, id, _)| id).collect();
    for id in [
        "github-pat",
        "aws-access-token",
        "gitlab-pat",
        "stripe-access-token",
        "private-key",
        "pkcs12-file",
    ] {
        assert!(ids.iter().any(|i| i == id), "{id} not in {ids:?}");
    }
    // gitleaks' AWS rule allowlists the documentation's example key: line 3 has only the
    // built-in rule's finding.
    let doc = run.report();
    let on_line_3: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["line"] == 3)
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(on_line_3, ["aws-access-key-id"]);
    assert_eq!(doc["summary"]["rules"].as_u64(), Some(13 + rules as u64));
}

/// A file over 4 MiB is scanned in windows by a reader thread: an allowlist on the line still
/// drops exactly the matches on allowlisted lines, wherever a window begins.
#[test]
fn line_allowlists_hold_across_the_windows_of_a_large_input() {
    let config = format!(
        "{RULE}[[rules.allowlists]]\nregexTarget = \"line\"\nregexes = ['''^\\nexample:''']\n"
    );
    let mut text = String::from("head\n");
    let mut kept = 0;
    let mut n = 0u32;
    while text.len() < 5 << 20 {
        // Lines of varying length, so tokens fall at every offset around window edges.
        text.push_str(&"x".repeat((n as usize * 7919) % 3000));
        text.push('\n');
        let token = format!("acme_Zk3pQ8vX2mN7tR4w{n:04}");
        if n.is_multiple_of(3) {
            text.push_str(&format!("example: {token}\n"));
        } else {
            text.push_str(&format!("key {token}\n"));
            kept += 1;
        }
        n += 1;
    }
    let (_t, run) = scan(&config, &[("big.log", &text)]);
    assert_eq!(files_with(&run, "acme-token").len(), kept, "{}", run.stderr);
    assert!(kept > 1000, "{kept}");
}
