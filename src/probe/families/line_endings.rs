//! The `line-endings` family (SPEC 7.2): LF, CRLF and CR swapped for one another, in a whole file
//! or one line, mixed endings, final newlines added and removed, extra trailing newlines, and the
//! same in JSON, in a file over 1 MiB and together with a BOM. Git's `autocrlf`, editors and
//! transfer tools do all of these; a validator that normalizes line endings before hashing passes
//! them. SPEC 3.3 names the feature that changed (`crlf`, `final-newline`); when the N1 text then
//! matches, nothing else. A change N1 does not undo (a doubled conversion, a blank line, a Unicode
//! line separator) is `content` too, and a file that is not UTF-8 has no text layer at all.

use super::ProbeFamily;
use super::text::{drift, wide, with_bom, word, words};
use crate::probe::case::Family;
use crate::probe::draft::{Cases, Draft, Seeded};
use crate::seal::Drift;

pub struct LineEndings;

fn lines(rng: &mut Seeded, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let k = rng.between(2, 7);
            format!("{i:02} {}", words(rng, k))
        })
        .collect()
}

/// The lines joined, line `i` followed by `ends[i % ends.len()]`; the last one by `last`.
fn join(lines: &[String], ends: &[&str], last: &str) -> Vec<u8> {
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        out.push_str(l);
        if i + 1 < lines.len() {
            out.push_str(ends[i % ends.len()]);
        }
    }
    out.push_str(last);
    out.into_bytes()
}

/// Every line ending `eol`, the last one too.
fn uniform(lines: &[String], eol: &str) -> Vec<u8> {
    join(lines, &[eol], eol)
}

/// The lines joined by `eol`, no final newline.
fn no_final(lines: &[String], eol: &str) -> Vec<u8> {
    join(lines, &[eol], "")
}

/// `lines` ending `eol`, except line `k`, which ends `other`.
fn one_line(lines: &[String], eol: &str, k: usize, other: &str) -> Vec<u8> {
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        out.push_str(l);
        out.push_str(if i == k { other } else { eol });
    }
    out.into_bytes()
}

fn replace(text: &[u8], from: &str, to: &str) -> Vec<u8> {
    String::from_utf8_lossy(text).replace(from, to).into_bytes()
}

impl ProbeFamily for LineEndings {
    fn family(&self) -> Family {
        Family::LineEndings
    }

    fn draw(&self, cases: &mut Cases, rng: &mut Seeded) {
        use Drift::{Bom, Content, Crlf, FinalNewline, JsonReencode};
        const P: &str = "docs/notes.txt";

        let ls = lines(rng, 14);
        let lf = uniform(&ls, "\n");
        let crlf = uniform(&ls, "\r\n");
        let cr = uniform(&ls, "\r");
        let mixed = join(&ls, &["\r\n", "\n"], "\n");
        let k = rng.between(3, ls.len() - 3);

        // --- whole-file conversions ------------------------------------------------------
        let whole: &[(&str, &[u8], &[u8], &str)] = &[
            (
                "lf-to-crlf",
                &lf,
                &crlf,
                "LF endings converted to CRLF (git autocrlf on checkout, a Windows editor)",
            ),
            (
                "crlf-to-lf",
                &crlf,
                &lf,
                "CRLF endings converted to LF (dos2unix, git on commit)",
            ),
            (
                "lf-to-cr",
                &lf,
                &cr,
                "LF endings converted to classic Mac CR",
            ),
            (
                "cr-to-lf",
                &cr,
                &lf,
                "classic Mac CR endings converted to LF",
            ),
            ("crlf-to-cr", &crlf, &cr, "CRLF endings converted to CR"),
            ("cr-to-crlf", &cr, &crlf, "CR endings converted to CRLF"),
            (
                "lf-to-mixed",
                &lf,
                &mixed,
                "every other LF turned into CRLF (a merge of two checkouts): mixed endings",
            ),
            (
                "mixed-to-lf",
                &mixed,
                &lf,
                "a file sealed with mixed endings normalized to LF",
            ),
            (
                "mixed-to-crlf",
                &mixed,
                &crlf,
                "a file sealed with mixed endings normalized to CRLF",
            ),
            (
                "mixed-to-cr",
                &mixed,
                &cr,
                "a file sealed with mixed endings converted to CR",
            ),
        ];
        for (name, sealed, now, why) in whole {
            cases.add(
                drift(
                    name,
                    &format!(
                        "{why}: a validator that normalizes line endings before hashing passes it"
                    ),
                    P,
                    sealed,
                    now.to_vec(),
                )
                .expect([Crlf]),
            );
        }

        // --- one line ---------------------------------------------------------------------
        cases.add(
            drift(
                "one-line-lf-to-crlf",
                "one LF in the middle of the file became CRLF: a validator that checks only the first line ending (or the last) passes it",
                P,
                &lf,
                one_line(&ls, "\n", k, "\r\n"),
            )
            .expect([Crlf]),
        );
        cases.add(
            drift(
                "one-line-crlf-to-lf",
                "one CRLF in the middle of a CRLF file became LF (a line pasted from elsewhere)",
                P,
                &crlf,
                one_line(&ls, "\r\n", k, "\n"),
            )
            .expect([Crlf]),
        );
        cases.add(
            drift(
                "one-line-lf-to-cr",
                "one LF in the middle became a lone CR: one line fewer in some viewers, the same text in N1",
                P,
                &lf,
                one_line(&ls, "\n", k, "\r"),
            )
            .expect([Crlf]),
        );
        cases.add(
            drift(
                "one-line-cr-to-lf",
                "one CR of a CR-only file became LF",
                P,
                &cr,
                one_line(&ls, "\r", k, "\n"),
            )
            .expect([Crlf]),
        );
        cases.add(
            drift(
                "final-lf-to-crlf",
                "only the last line ending became CRLF: a validator that looks at the first lines only passes it",
                P,
                &lf,
                one_line(&ls, "\n", ls.len() - 1, "\r\n"),
            )
            .expect([Crlf]),
        );
        cases.add(
            drift(
                "final-crlf-to-lf",
                "only the last CRLF of a CRLF file became LF",
                P,
                &crlf,
                one_line(&ls, "\r\n", ls.len() - 1, "\n"),
            )
            .expect([Crlf]),
        );
        cases.add(
            drift(
                "final-lf-to-cr",
                "the last LF became a CR: same length, same N1 text, but the endings are mixed now",
                P,
                &lf,
                one_line(&ls, "\n", ls.len() - 1, "\r"),
            )
            .expect([Crlf]),
        );
        cases.add(
            drift(
                "first-lf-to-crlf",
                "only the first line ending became CRLF: a validator that checks the tail of the file passes it",
                P,
                &lf,
                one_line(&ls, "\n", 0, "\r\n"),
            )
            .expect([Crlf]),
        );

        // --- final newlines ---------------------------------------------------------------
        let finals: &[(&str, Vec<u8>, Vec<u8>, &str)] = &[
            (
                "final-newline-removed-lf",
                lf.clone(),
                no_final(&ls, "\n"),
                "the final LF removed (an editor set to not add one)",
            ),
            (
                "final-newline-added-lf",
                no_final(&ls, "\n"),
                lf.clone(),
                "a final LF added to a file sealed without one (an editor that always adds one)",
            ),
            (
                "final-crlf-removed",
                crlf.clone(),
                no_final(&ls, "\r\n"),
                "the final CRLF of a CRLF file removed: still CRLF everywhere else",
            ),
            (
                "final-crlf-added",
                no_final(&ls, "\r\n"),
                crlf.clone(),
                "a final CRLF added to a CRLF file sealed without one",
            ),
            (
                "final-cr-removed",
                cr.clone(),
                no_final(&ls, "\r"),
                "the final CR of a CR-only file removed",
            ),
            (
                "final-cr-added",
                no_final(&ls, "\r"),
                cr.clone(),
                "a final CR added to a CR-only file sealed without one",
            ),
            (
                "extra-trailing-lf",
                lf.clone(),
                [lf.as_slice(), b"\n"].concat(),
                "an extra LF after the final newline: N1 drops trailing newlines, so only final-newline explains it",
            ),
            (
                "many-extra-trailing-lfs",
                lf.clone(),
                [lf.as_slice(), b"\n\n\n\n\n"].concat(),
                "five extra trailing LFs: a validator that trims trailing whitespace passes it",
            ),
            (
                "trailing-lfs-removed",
                [lf.as_slice(), b"\n\n"].concat(),
                lf.clone(),
                "a file sealed with three trailing LFs came back with one",
            ),
            (
                "extra-trailing-crlf",
                crlf.clone(),
                [crlf.as_slice(), b"\r\n"].concat(),
                "an extra trailing CRLF in a CRLF file: every ending is still CRLF, so only the trailing newlines changed, which is final-newline, not crlf",
            ),
            (
                "extra-trailing-cr",
                cr.clone(),
                [cr.as_slice(), b"\r"].concat(),
                "an extra trailing CR in a CR-only file: every ending is still CR, only the trailing newlines changed, which is final-newline, not crlf",
            ),
            (
                "trailing-crlfs-removed",
                [crlf.as_slice(), b"\r\n\r\n"].concat(),
                crlf.clone(),
                "a CRLF file sealed with three trailing CRLFs came back with one: the endings did not change, the trailing newlines did",
            ),
        ];
        for (name, sealed, now, why) in finals {
            cases.add(drift(name, why, P, sealed, now.clone()).expect([FinalNewline]));
        }
        let both: &[(&str, Vec<u8>, Vec<u8>, &str)] = &[
            (
                "final-lf-added-to-crlf-file",
                no_final(&ls, "\r\n"),
                [no_final(&ls, "\r\n").as_slice(), b"\n"].concat(),
                "a final LF (not CRLF) added to a CRLF file without one: the endings are mixed now and a final newline appeared",
            ),
            (
                "lf-to-crlf-final-newline-removed",
                lf.clone(),
                no_final(&ls, "\r\n"),
                "converted to CRLF and the final newline dropped in the same save: both classes",
            ),
            (
                "crlf-to-lf-final-newline-added",
                no_final(&ls, "\r\n"),
                lf.clone(),
                "converted to LF and a final newline added in the same save: both classes",
            ),
        ];
        for (name, sealed, now, why) in both {
            cases.add(drift(name, why, P, sealed, now.clone()).expect([Crlf, FinalNewline]));
        }

        // --- mixed files ------------------------------------------------------------------
        {
            // Line k ends CRLF and line k+1 LF; swapping them keeps the length and the N1 text.
            let mut ends: Vec<&str> = vec!["\n"; ls.len()];
            ends[1] = "\r\n";
            ends[k] = "\r\n";
            let sealed = join(&ls, &ends, "\n");
            let mut swapped = ends.clone();
            swapped[k] = "\n";
            swapped[k + 1] = "\r\n";
            cases.add(
                drift(
                    "mixed-endings-redistributed",
                    "in a file with mixed endings, one CRLF moved to the next line: same length, same N1 text, same features, yet line endings changed, which is crlf",
                    P,
                    &sealed,
                    join(&ls, &swapped, "\n"),
                )
                .expect([Crlf]),
            );
            let mut more = ends.clone();
            more[k + 1] = "\r\n";
            cases.add(
                drift(
                    "mixed-one-more-crlf",
                    "in a file with mixed endings, one more LF became CRLF: still mixed, same N1 text, one byte longer",
                    P,
                    &sealed,
                    join(&ls, &more, "\n"),
                )
                .expect([Crlf]),
            );
        }

        // --- conversions N1 does not undo ---------------------------------------------------
        cases.add(
            drift(
                "cr-cr-lf-double-conversion",
                "CRLF converted to CRLF again (CR CR LF, a unix2dos run twice): N1 reads a blank line after every line, so crlf and content",
                P,
                &crlf,
                replace(&crlf, "\r\n", "\r\r\n"),
            )
            .expect([Crlf, Content]),
        );
        cases.add(
            drift(
                "lf-cr-pairs",
                "LF written as LF CR (reversed pairs, as some old tools did): two newlines each in N1, so crlf and content",
                P,
                &lf,
                replace(&lf, "\n", "\n\r"),
            )
            .expect([Crlf, Content]),
        );
        cases.add(
            drift(
                "crlf-to-double-lf",
                "every CR of a CRLF file turned into LF (a bad byte-wise conversion): blank lines everywhere, so crlf and content",
                P,
                &crlf,
                replace(&crlf, "\r", "\n"),
            )
            .expect([Crlf, Content]),
        );
        cases.add(
            drift(
                "trailing-space-and-crlf",
                "converted to CRLF with a space before each ending: a validator that trims lines and normalizes endings passes it",
                P,
                &lf,
                replace(&lf, "\n", " \r\n"),
            )
            .expect([Crlf, Content]),
        );
        let with_blank = one_line(&ls, "\n", k, "\n\n");
        let content_cases: &[(&str, &[u8], Vec<u8>, &str)] = &[
            (
                "blank-line-added",
                &lf,
                with_blank.clone(),
                "a blank line added in the middle: line endings unchanged, but N1 keeps inner newlines, so content",
            ),
            (
                "blank-line-removed",
                &with_blank,
                lf.clone(),
                "a blank line removed from the middle: a validator that squeezes blank lines passes it",
            ),
            (
                "leading-newline-added",
                &lf,
                [b"\n".as_slice(), &lf].concat(),
                "a newline added at the very start: N1 drops only trailing newlines, so content",
            ),
            (
                "trailing-whitespace-added",
                &lf,
                replace(&lf, "\n", " \n"),
                "a space added before every newline: a validator that trims lines passes it",
            ),
            (
                "tab-for-spaces",
                &lf,
                replace(&lf, " ", "\t"),
                "spaces turned into tabs: whitespace is content",
            ),
            (
                "line-separator-for-lf",
                &lf,
                one_line(&ls, "\n", k, "\u{2028}"),
                "one LF replaced by U+2028 LINE SEPARATOR: not a line ending SPEC 3.3 knows, so content",
            ),
            (
                "next-line-for-lf",
                &lf,
                one_line(&ls, "\n", k, "\u{85}"),
                "one LF replaced by U+0085 NEXT LINE: not a line ending SPEC 3.3 knows, so content",
            ),
            (
                "form-feed-for-lf",
                &lf,
                one_line(&ls, "\n", k, "\u{c}"),
                "one LF replaced by a form feed: a validator that splits on any vertical whitespace passes it",
            ),
            (
                "lines-rejoined-differently",
                &lf,
                {
                    let mut joined = ls.clone();
                    let moved = joined.remove(k + 1);
                    joined[k].push_str(&moved);
                    uniform(&joined, "\n")
                },
                "two lines joined into one: the same bytes minus one newline, so content",
            ),
        ];
        for (name, sealed, now, why) in content_cases {
            cases.add(drift(name, why, P, sealed, now.clone()).expect([Content]));
        }

        // --- JSON ---------------------------------------------------------------------------
        let json_lf = format!(
            "{{\n  \"release\": \"{}\",\n  \"replicas\": 3,\n  \"regions\": [\n    \"{}\",\n    \"{}\"\n  ]\n}}\n",
            word(rng),
            word(rng),
            word(rng)
        )
        .into_bytes();
        let json_crlf = replace(&json_lf, "\n", "\r\n");
        const J: &str = "config/release.json";
        cases.add(
            drift(
                "json-lf-to-crlf",
                "a JSON file converted to CRLF: N1 matches, so the diagnosis is crlf alone and the JSON layer is never reached",
                J,
                &json_lf,
                json_crlf.clone(),
            )
            .expect([Crlf]),
        );
        cases.add(
            drift(
                "json-crlf-to-lf",
                "a JSON file sealed with CRLF converted to LF: crlf, not json-reencode",
                J,
                &json_crlf,
                json_lf.clone(),
            )
            .expect([Crlf]),
        );
        cases.add(
            drift(
                "json-lf-to-cr",
                "a JSON file converted to CR endings (CR is JSON whitespace too): crlf",
                J,
                &json_lf,
                replace(&json_lf, "\n", "\r"),
            )
            .expect([Crlf]),
        );
        cases.add(
            drift(
                "json-final-newline-removed",
                "the final newline of a JSON file removed: final-newline, and the same JSON value is no excuse to pass",
                J,
                &json_lf,
                json_lf[..json_lf.len() - 1].to_vec(),
            )
            .expect([FinalNewline]),
        );
        cases.add(
            drift(
                "json-crlf-and-keys-reordered",
                "a JSON file re-serialized with other key order and CRLF endings: the endings are crlf, the N1 text differs, the JCS value does not, so json-reencode too",
                J,
                &json_lf,
                {
                    let s = String::from_utf8_lossy(&json_lf).into_owned();
                    let release = s.lines().nth(1).unwrap_or_default().to_owned();
                    let replicas = s.lines().nth(2).unwrap_or_default().to_owned();
                    let swapped = s.replacen(
                        &format!("{release}\n{replicas}\n"),
                        &format!("{replicas}\n{release}\n"),
                        1,
                    );
                    assert_ne!(swapped, s, "the two members were swapped");
                    replace(swapped.as_bytes(), "\n", "\r\n")
                },
            )
            .expect([Crlf, JsonReencode]),
        );
        cases.add(
            drift(
                "json-crlf-with-bom-added",
                "a JSON file saved by a Windows editor with a BOM and CRLF: bom and crlf",
                J,
                &json_lf,
                with_bom(&json_crlf),
            )
            .expect([Bom, Crlf]),
        );

        // --- with a BOM ---------------------------------------------------------------------
        cases.add(
            drift(
                "bom-added-with-crlf",
                "a BOM and CRLF added together (Notepad): both classes must be named",
                P,
                &lf,
                with_bom(&crlf),
            )
            .expect([Bom, Crlf]),
        );
        cases.add(
            drift(
                "bom-kept-lf-to-crlf",
                "a file sealed with a BOM kept it but went to CRLF: a validator that skips BOM files, or strips the BOM and compares, misses the endings",
                P,
                &with_bom(&lf),
                with_bom(&crlf),
            )
            .expect([Crlf]),
        );
        cases.add(
            drift(
                "bom-removed-crlf-to-lf",
                "a Windows file (BOM, CRLF) converted for Unix: BOM dropped and endings to LF",
                P,
                &with_bom(&crlf),
                lf.clone(),
            )
            .expect([Bom, Crlf]),
        );
        cases.add(
            drift(
                "bom-crlf-and-final-newline",
                "a BOM added, endings to CRLF and the final newline dropped in one save: all three classes",
                P,
                &lf,
                with_bom(&no_final(&ls, "\r\n")),
            )
            .expect([Bom, Crlf, FinalNewline]),
        );

        // --- over 1 MiB, the change late -----------------------------------------------------
        // Just over 1 MiB with LF endings.
        let big: Vec<String> = {
            let filler = words(rng, 5);
            let mut out = Vec::new();
            let mut len = 0;
            while len < 1_100_000 {
                let l = format!("entry {:05} of the build log, {filler}", out.len());
                len += l.len() + 1;
                out.push(l);
            }
            out
        };
        let big_lf = uniform(&big, "\n");
        let big_crlf = uniform(&big, "\r\n");
        cases.add(
            drift(
                "large-one-line-crlf-late",
                "one line ending near the end of a file over 1 MiB became CRLF: a validator that checks a prefix or samples passes it",
                "logs/build.log",
                &big_lf,
                one_line(&big, "\n", big.len() - rng.between(2, 40), "\r\n"),
            )
            .expect([Crlf]),
        );
        cases.add(
            drift(
                "large-crlf-final-newline-removed",
                "the final CRLF of a CRLF file over 1 MiB removed: two bytes short at the very end",
                "logs/build.log",
                &big_crlf,
                big_crlf[..big_crlf.len() - 2].to_vec(),
            )
            .expect([FinalNewline]),
        );
        cases.add(
            drift(
                "large-lf-to-crlf-with-bom",
                "a file over 1 MiB converted to CRLF with a BOM: the diagnosis must read it all, within twice the sealed length",
                "logs/build.log",
                &big_lf,
                with_bom(&big_crlf),
            )
            .expect([Bom, Crlf]),
        );

        // --- not UTF-8: no text layer, so content --------------------------------------------
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(rng.bytes(600));
        png.extend_from_slice(b"\n\r\n");
        cases.add(
            drift(
                "binary-autocrlf-png-header",
                "git autocrlf turned the CRLF of a PNG signature into LF: a binary file has no text layer, so this is content and the image is broken",
                "assets/logo.png",
                &png,
                replace_bytes(&png, b"\r\n", b"\n"),
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "binary-lf-to-crlf",
                "every LF byte of a binary file became CRLF (a text-mode FTP transfer): content, never crlf",
                "assets/logo.png",
                &png,
                replace_bytes(&png, b"\n", b"\r\n"),
            )
            .expect([Content]),
        );
        let utf16 = |text: &str| wide(text, 2, true, true);
        let text16 = String::from_utf8_lossy(&lf).into_owned();
        cases.add(
            drift(
                "utf16-lf-to-crlf",
                "a UTF-16LE file converted to CRLF: not UTF-8, so no text layer and the change is content",
                "docs/utf16.txt",
                &utf16(&text16),
                utf16(&text16.replace('\n', "\r\n")),
            )
            .expect([Content]),
        );

        // --- seal flavours, names, folders ----------------------------------------------------
        cases.add(
            drift(
                "lf-to-crlf-keyed",
                "LF to CRLF under a keyed seal: the MAC verifies, the bytes do not",
                P,
                &lf,
                crlf.clone(),
            )
            .keyed()
            .expect([Crlf]),
        );
        cases.add(
            drift(
                "crlf-to-lf-signed-without-key",
                "CRLF to LF under a signed seal checked without a key",
                P,
                &crlf,
                lf.clone(),
            )
            .signed_without_key()
            .expect([Crlf]),
        );
        cases.add(
            drift(
                "crlf-in-nfd-named-file",
                "LF to CRLF in a file whose folder is named in NFD",
                "re\u{301}sume\u{301}/notes.txt",
                &lf,
                crlf.clone(),
            )
            .expect([Crlf]),
        );
        {
            let mut d = Draft::tree(
                "crlf-one-of-many-in-complete-folder",
                "one of sixteen files of a complete folder converted to CRLF",
            );
            let target = rng.below(16);
            for i in 0..16 {
                d = d.file(&format!("docs/p{i:02}.txt"), lf.clone());
            }
            d = d
                .complete("docs")
                .write(format!("docs/p{target:02}.txt"), crlf.clone());
            cases.add(d.expect([Crlf]));
        }
        cases.add(
            Draft::tree(
                "two-files-two-classes",
                "one file converted to CRLF, another lost its final newline: a validator that stops at the first finding misses one class",
            )
            .file("docs/a.txt", lf.clone())
            .file("docs/b.txt", lf.clone())
            .file("docs/c.txt", lf.clone())
            .write("docs/a.txt", crlf.clone())
            .write("docs/c.txt", no_final(&ls, "\n"))
            .expect([Crlf, FinalNewline]),
        );

        // --- controls -----------------------------------------------------------------------
        cases.add(
            Draft::tree(
                "control-crlf-sealed-as-crlf",
                "CRLF files (text, JSON, a script) sealed as CRLF and unchanged: a validator that wants LF fails it",
            )
            .file(P, crlf.clone())
            .file(J, json_crlf.clone())
            .file("bin/run.cmd", b"@echo off\r\nrun.exe\r\n".to_vec())
            .control(),
        );
        cases.add(
            Draft::tree(
                "control-cr-only-unchanged",
                "a CR-only file (classic Mac) sealed and unchanged: must pass",
            )
            .file(P, cr.clone())
            .signed_without_key()
            .control(),
        );
        cases.add(
            Draft::tree(
                "control-no-final-newline-unchanged",
                "files without a final newline (LF, CRLF, CR, one line) sealed and unchanged: a validator that adds one before hashing fails it",
            )
            .file("docs/lf.txt", no_final(&ls, "\n"))
            .file("docs/crlf.txt", no_final(&ls, "\r\n"))
            .file("docs/cr.txt", no_final(&ls, "\r"))
            .file("docs/one.txt", b"single line".to_vec())
            .complete("docs")
            .control(),
        );
        cases.add(
            Draft::tree(
                "control-mixed-unchanged",
                "a file with mixed endings and extra trailing newlines sealed and unchanged: must pass",
            )
            .file(P, [mixed.as_slice(), b"\r\n\n\r"].concat())
            .control(),
        );
        cases.add(
            Draft::tree(
                "control-keyed-crlf-json",
                "a CRLF JSON file with a BOM under a keyed seal, unchanged: must pass",
            )
            .file(J, with_bom(&json_crlf))
            .keyed()
            .control(),
        );
    }
}

fn replace_bytes(data: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 8);
    let mut i = 0;
    while i < data.len() {
        if data[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(data[i]);
            i += 1;
        }
    }
    out
}
