//! The gate's reports for people reading a CI run (SPEC 7.4): Markdown for a job summary
//! (`--markdown FILE`, ready for `$GITHUB_STEP_SUMMARY`) and one self-contained HTML page
//! (`--html FILE`). Both show the compatibility matrix (a row per family, a column per
//! validator, each cell the runs that held of those the validator could be given), then every
//! run that did not hold with its why and the command that reruns it alone.
//!
//! What must not be in them: no file contents, no canaries, no tokens, nothing the validator
//! printed. They hold only what the gate already prints in its table: family names, case ids,
//! validator names (templates), verdicts and their one-line details, whys, rerun commands, the
//! case-set digest and the seed. These pages are made to be uploaded and shared; a leak the
//! gate caught must not be republished by its own report.
//!
//! Everything taken from the run is escaped for its format: case ids, whys and validator
//! templates can hold `<`, `&`, quotes, `|` and backticks (`python3 x.py "<a>"`). Control,
//! bidi and zero-width characters are shown as `\u{..}` in both formats, so a name cannot break
//! a table row or reorder what the reader sees. The HTML page loads nothing: no scripts, no
//! fonts, no images, inline CSS only, and a Content-Security-Policy that forbids the rest.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::GateRun;
use super::render::{Tally, known_list_problems, not_held, tallies};
use super::runner::CaseResult;
use crate::probe::case::{Case, Family};

/// A matrix cell: the runs that held and the runs the validator could be given, or `None` when
/// it could be given none (`n/a`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cell {
    held: usize,
    ran: usize,
}

impl Cell {
    fn of(t: Option<&Tally>) -> Option<Cell> {
        let t = t?;
        let ran = t.cases.checked_sub(t.not_applicable).filter(|r| *r > 0)?;
        Some(Cell {
            held: t.failed_closed + t.controls_passed + t.known_failures,
            ran,
        })
    }

    fn text(cell: Option<Cell>) -> String {
        cell.map_or_else(|| "n/a".to_owned(), |c| format!("{}/{}", c.held, c.ran))
    }

    /// The CSS class: `held`, `failed` or `na`.
    fn class(cell: Option<Cell>) -> &'static str {
        match cell {
            Some(c) if c.held == c.ran => "held",
            Some(_) => "failed",
            None => "na",
        }
    }
}

/// The matrix, laid out once for both formats.
struct Matrix {
    families: Vec<Family>,
    /// Per validator, in the run's order: the cell of each family, and the total.
    columns: Vec<(BTreeMap<Family, Tally>, Tally)>,
}

impl Matrix {
    fn new(run: &GateRun) -> Matrix {
        let columns: Vec<(BTreeMap<Family, Tally>, Tally)> = run
            .validators
            .iter()
            .map(|v| tallies(run, Some(v)))
            .collect();
        let mut families: Vec<Family> = columns
            .iter()
            .flat_map(|(p, _)| p.keys().copied())
            .collect();
        families.sort();
        families.dedup();
        Matrix { families, columns }
    }

    fn cell(&self, family: Family, validator: usize) -> Option<Cell> {
        Cell::of(self.columns.get(validator)?.0.get(&family))
    }

    fn total(&self, validator: usize) -> Option<Cell> {
        Cell::of(self.columns.get(validator).map(|(_, t)| t))
    }
}

/// The verdict in a word, and in a sentence: the last line of the table ([`super::render`]).
fn verdict(run: &GateRun) -> (&'static str, String) {
    let (word, rest) = super::render::verdict(run);
    (word, rest.trim_start_matches(':').trim_start().to_owned())
}

/// Characters that are invisible, reorder text, or would break a line: shown as `\u{..}`.
fn is_hidden(c: char) -> bool {
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(c,
            '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E0FFF}')
}

/// `s` with hidden characters made visible.
fn visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_hidden(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Markdown

/// Prose for Markdown: every character that can open markup mid-line is backslash-escaped
/// (CommonMark allows a backslash before any ASCII punctuation). `(` and `!` mean something
/// only next to a `[`, which is escaped; `$` is GitHub's math; the text never starts a line, so
/// `#`, `-` and `+` need nothing.
fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in visible(s).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~' | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A code span: its content is shown as is (no markup inside), fenced by more backticks than it
/// holds in a row. `in_table`: a `|` must still be escaped (GFM splits cells first, and takes
/// `\|` inside a code span as `|`).
fn md_code(s: &str, in_table: bool) -> String {
    let mut body = visible(s);
    if in_table {
        body = body.replace('|', "\\|");
    }
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    // A space on each side keeps a leading or trailing backtick out of the fence (and is
    // stripped again by the renderer).
    let pad = if body.starts_with('`') || body.ends_with('`') || body.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// The gate's report as Markdown, for a CI job summary.
pub fn markdown(run: &GateRun) -> Vec<u8> {
    let (word, sentence) = verdict(run);
    let matrix = Matrix::new(run);
    let mut out = String::new();
    let _ = writeln!(out, "# sealprobe gate: {word}");
    let _ = writeln!(out);
    let _ = writeln!(out, "**{word}**: {}", md_text(&sentence));
    let _ = writeln!(out);
    let _ = writeln!(out, "- case set: `{}`", run.case_set.to_hex());
    let _ = writeln!(out, "- seed: `{}`", run.seed);
    let names: Vec<String> = run.validators.iter().map(|v| md_code(v, false)).collect();
    let _ = writeln!(out, "- validators: {}", names.join(", "));
    let _ = writeln!(
        out,
        "- {} cases, {} runs in {:.1} s",
        run.cases.len(),
        run.results.len(),
        run.elapsed.as_secs_f64()
    );
    let _ = writeln!(out);

    let _ = writeln!(out, "## Compatibility matrix");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Each cell: the runs that held of those the validator could be given (`n/a`: none could)."
    );
    let _ = writeln!(out);
    let mut header = String::from("| family |");
    let mut rule = String::from("| :--- |");
    for v in &run.validators {
        let _ = write!(header, " {} |", md_code(v, true));
        rule.push_str(" ---: |");
    }
    let _ = writeln!(out, "{header}");
    let _ = writeln!(out, "{rule}");
    for &f in &matrix.families {
        let mut row = format!("| {} |", md_text(f.name()));
        for i in 0..run.validators.len() {
            let _ = write!(row, " {} |", Cell::text(matrix.cell(f, i)));
        }
        let _ = writeln!(out, "{row}");
    }
    let mut row = String::from("| **total** |");
    for i in 0..run.validators.len() {
        let _ = write!(row, " **{}** |", Cell::text(matrix.total(i)));
    }
    let _ = writeln!(out, "{row}");

    let beyond = super::render::beyond_lines(run);
    if !beyond.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "## Beyond the format");
        let _ = writeln!(out);
        for line in beyond {
            let _ = writeln!(out, "- {}", md_text(&line));
        }
    }
    let failures = not_held(run);
    if !failures.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "## Runs that did not hold ({})", failures.len());
        for (r, c) in failures {
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "### {} on {}",
                md_code(&c.id, false),
                md_code(&r.validator, false)
            );
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "- outcome: **{}**: {}",
                r.verdict.name(),
                md_text(&r.detail)
            );
            let _ = writeln!(out, "- why: {}", md_text(&c.why));
            let _ = writeln!(
                out,
                "- rerun: {}",
                md_code(&run.rerun(&c.id, &r.validator), false)
            );
        }
    }
    let refused: Vec<&CaseResult> = run.refused_sentinels().collect();
    if !refused.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "## Sentinel controls refused ({}): the validator refuses honest input or did not run",
            refused.len()
        );
        for r in refused {
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "- {} on {}: **{}**: {}; rerun: {}",
                md_code(&r.id, false),
                md_code(&r.validator, false),
                r.verdict.name(),
                md_text(&r.detail),
                md_code(&run.rerun(&r.id, &r.validator), false)
            );
        }
    }
    for line in known_list_problems(run) {
        let _ = writeln!(out);
        let _ = writeln!(out, "- {}", md_text(&line));
    }
    out.into_bytes()
}

// ---------------------------------------------------------------------------------------------
// HTML

/// Text for HTML, in content or in a quoted attribute value.
fn h(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in visible(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A fragment of an element id: ASCII letters, digits and `-` are kept, every other byte is
/// `_` and two hex digits. So the encoding is one-to-one, and `__` never occurs in it, which
/// makes `__` a safe separator between parts.
fn id_part(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "_{b:02x}");
        }
    }
    out
}

/// The id of a validator's section.
fn validator_id(validator: &str) -> String {
    format!("v__{}", id_part(validator))
}

/// The id of the section of one family and validator (a matrix cell's target).
fn cell_id(family: Family, validator: &str) -> String {
    format!("cell__{}__{}", id_part(family.name()), id_part(validator))
}

/// The id of one case's run against one validator.
fn run_id(case: &str, validator: &str) -> String {
    format!("run__{}__{}", id_part(case), id_part(validator))
}

const STYLE: &str = "\
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#1b1b1b;line-height:1.4}
h1.pass{color:#116329}h1.fail{color:#a40e26}
code{font-family:ui-monospace,monospace;font-size:.95em;background:#f3f3f3;padding:0 .2em;word-break:break-all}
dl.meta{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dl.meta dt{font-weight:600}dl.meta dd{margin:0}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #c8c8c8;padding:.3em .7em}
thead th{background:#f0f0f0;text-align:center}tbody th,tfoot th{text-align:left}td{text-align:right}
tfoot th,tfoot td{font-weight:700;border-top:2px solid #888}
td.held{background:#dafbe1}td.failed{background:#ffebe9}td.na{background:#eee;color:#666}
td a{color:inherit}
section.validator{margin-top:2em}section.cell{margin-left:1em}
article.run{border-left:4px solid #cf222e;padding:.2em 1em;margin:.8em 0;background:#fff8f7}
article.run dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}article.run dd{margin:0}
p.held{color:#116329}p.na{color:#666}
";

/// The gate's report as one self-contained HTML page.
pub fn html(run: &GateRun) -> Vec<u8> {
    let (word, sentence) = verdict(run);
    let matrix = Matrix::new(run);
    let mut out = String::new();
    let _ = writeln!(out, "<!DOCTYPE html>");
    let _ = writeln!(out, "<html lang=\"en\">");
    let _ = writeln!(out, "<head>");
    let _ = writeln!(out, "<meta charset=\"utf-8\">");
    let _ = writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    );
    let _ = writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    );
    let _ = writeln!(out, "<title>sealprobe gate: {word}</title>");
    let _ = writeln!(out, "<style>\n{STYLE}</style>");
    let _ = writeln!(out, "</head>");
    let _ = writeln!(out, "<body>");
    let _ = writeln!(
        out,
        "<h1 class=\"{}\">sealprobe gate: {word}</h1>",
        word.to_lowercase()
    );
    let _ = writeln!(
        out,
        "<p id=\"verdict\"><strong>{word}</strong>: {}</p>",
        h(&sentence)
    );
    let _ = writeln!(out, "<dl class=\"meta\">");
    let _ = writeln!(
        out,
        "<dt>case set</dt><dd><code>{}</code></dd>",
        run.case_set.to_hex()
    );
    let _ = writeln!(out, "<dt>seed</dt><dd><code>{}</code></dd>", run.seed);
    let names: Vec<String> = run
        .validators
        .iter()
        .map(|v| format!("<code>{}</code>", h(v)))
        .collect();
    let _ = writeln!(out, "<dt>validators</dt><dd>{}</dd>", names.join(", "));
    let _ = writeln!(
        out,
        "<dt>runs</dt><dd>{} cases, {} runs in {:.1} s</dd>",
        run.cases.len(),
        run.results.len(),
        run.elapsed.as_secs_f64()
    );
    let _ = writeln!(out, "</dl>");

    let _ = writeln!(out, "<h2>Compatibility matrix</h2>");
    let _ = writeln!(
        out,
        "<p>Each cell: the runs that held of those the validator could be given (n/a: none could).</p>"
    );
    let _ = writeln!(out, "<table id=\"matrix\">");
    let _ = write!(out, "<thead><tr><th scope=\"col\">family</th>");
    for v in &run.validators {
        let _ = write!(out, "<th scope=\"col\"><code>{}</code></th>", h(v));
    }
    let _ = writeln!(out, "</tr></thead>");
    let _ = writeln!(out, "<tbody>");
    for &f in &matrix.families {
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", h(f.name()));
        for (i, v) in run.validators.iter().enumerate() {
            let cell = matrix.cell(f, i);
            let _ = write!(
                out,
                "<td class=\"{}\"><a href=\"#{}\">{}</a></td>",
                Cell::class(cell),
                cell_id(f, v),
                Cell::text(cell)
            );
        }
        let _ = writeln!(out, "</tr>");
    }
    let _ = writeln!(out, "</tbody>");
    let _ = write!(out, "<tfoot><tr><th scope=\"row\">total</th>");
    for (i, v) in run.validators.iter().enumerate() {
        let cell = matrix.total(i);
        let _ = write!(
            out,
            "<td class=\"{}\"><a href=\"#{}\">{}</a></td>",
            Cell::class(cell),
            validator_id(v),
            Cell::text(cell)
        );
    }
    let _ = writeln!(out, "</tr></tfoot>");
    let _ = writeln!(out, "</table>");
    let beyond = super::render::beyond_lines(run);
    if !beyond.is_empty() {
        let _ = writeln!(out, "<section class=\"beyond\" id=\"beyond\">");
        let _ = writeln!(out, "<h2>Beyond the format</h2>");
        for line in beyond {
            let _ = writeln!(out, "<p>{}</p>", h(&line));
        }
        let _ = writeln!(out, "</section>");
    }

    let failures = not_held(run);
    for (i, v) in run.validators.iter().enumerate() {
        let _ = writeln!(
            out,
            "<section class=\"validator\" id=\"{}\">",
            validator_id(v)
        );
        let _ = writeln!(out, "<h2><code>{}</code></h2>", h(v));
        for &f in &matrix.families {
            let cell = matrix.cell(f, i);
            let _ = writeln!(out, "<section class=\"cell\" id=\"{}\">", cell_id(f, v));
            let _ = writeln!(
                out,
                "<h3>{} on <code>{}</code>: {}</h3>",
                h(f.name()),
                h(v),
                Cell::text(cell)
            );
            let here: Vec<&(&CaseResult, &Case)> = failures
                .iter()
                .filter(|(r, c)| r.validator == *v && c.family == f)
                .collect();
            match cell {
                None => {
                    let _ = writeln!(
                        out,
                        "<p class=\"na\">The validator cannot be given any of these cases' inputs (never counted as passed).</p>"
                    );
                }
                Some(_) if here.is_empty() => {
                    let _ = writeln!(out, "<p class=\"held\">Every run held.</p>");
                }
                Some(_) => {}
            }
            for (r, c) in here {
                let _ = writeln!(
                    out,
                    "<article class=\"run\" id=\"{}\">",
                    run_id(&c.id, &r.validator)
                );
                let _ = writeln!(out, "<h4><code>{}</code></h4>", h(&c.id));
                let _ = writeln!(out, "<dl>");
                let _ = writeln!(
                    out,
                    "<dt>outcome</dt><dd><strong>{}</strong>: {}</dd>",
                    h(r.verdict.name()),
                    h(&r.detail)
                );
                let _ = writeln!(out, "<dt>why</dt><dd>{}</dd>", h(&c.why));
                let _ = writeln!(
                    out,
                    "<dt>rerun</dt><dd><code class=\"rerun\">{}</code></dd>",
                    h(&run.rerun(&c.id, &r.validator))
                );
                let _ = writeln!(out, "</dl>");
                let _ = writeln!(out, "</article>");
            }
            let _ = writeln!(out, "</section>");
        }
        let _ = writeln!(out, "</section>");
    }
    let refused: Vec<&CaseResult> = run.refused_sentinels().collect();
    if !refused.is_empty() {
        let _ = writeln!(out, "<section class=\"sentinels\" id=\"sentinels\">");
        let _ = writeln!(
            out,
            "<h2>Sentinel controls refused: the validator refuses honest input or did not run</h2>"
        );
        for r in refused {
            let _ = writeln!(out, "<article class=\"sentinel\">");
            let _ = writeln!(
                out,
                "<h4><code>{}</code> on <code>{}</code></h4>",
                h(&r.id),
                h(&r.validator)
            );
            let _ = writeln!(
                out,
                "<dl><dt>outcome</dt><dd><strong>{}</strong>: {}</dd><dt>rerun</dt><dd><code>{}</code></dd></dl>",
                h(r.verdict.name()),
                h(&r.detail),
                h(&run.rerun(&r.id, &r.validator))
            );
            let _ = writeln!(out, "</article>");
        }
        let _ = writeln!(out, "</section>");
    }
    let problems = known_list_problems(run);
    if !problems.is_empty() {
        let _ = writeln!(out, "<section class=\"known\" id=\"known-failures\">");
        let _ = writeln!(out, "<h2>The known-failures list is out of date</h2>");
        for line in problems {
            let _ = writeln!(out, "<p>{}</p>", h(&line));
        }
        let _ = writeln!(out, "</section>");
    }
    let _ = writeln!(out, "</body>");
    let _ = writeln!(out, "</html>");
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::{h, id_part, md_code, md_text};

    #[test]
    fn html_text_is_escaped() {
        assert_eq!(
            h("python3 x.py \"<a>\" & 'b'"),
            "python3 x.py &quot;&lt;a&gt;&quot; &amp; &#39;b&#39;"
        );
        assert_eq!(h("a\nb\u{202e}c"), "a\\u{a}b\\u{202e}c");
    }

    #[test]
    fn id_parts_are_one_to_one_and_never_hold_a_double_underscore() {
        assert_eq!(id_part("bom/utf8-bom"), "bom_2futf8-bom");
        assert_eq!(id_part("a_b"), "a_5fb");
        assert_ne!(id_part("a/b"), id_part("a_2fb"));
        for s in ["a__b", "__", "x_y_z", "sha256sum -c {sums}", "é"] {
            assert!(!id_part(s).contains("__"), "{s}");
        }
    }

    #[test]
    fn markdown_escapes_markup_and_fences_code() {
        assert_eq!(md_text("a|b <i> *c*"), "a\\|b \\<i\\> \\*c\\*");
        assert_eq!(md_code("a`b", false), "``a`b``");
        assert_eq!(md_code("`x", false), "`` `x ``");
        assert_eq!(md_code("a|b", true), "`a\\|b`");
        assert_eq!(md_code("a|b", false), "`a|b`");
        assert_eq!(md_code("x\ny", false), "`x\\u{a}y`");
    }
}
