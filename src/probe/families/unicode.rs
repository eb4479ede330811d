//! The `unicode` family (SPEC 7.2): text that reads the same but is not the same bytes, one case
//! per kind of SPEC 3.3's `unicode` class. Dashes and quotes folded, space-like characters,
//! NFC and NFD, zero-width and other default-ignorable characters, bidi controls, homoglyphs that
//! the UTS #39 skeleton maps together, compatibility forms that NFKC folds; then the same with
//! line-ending changes (both classes named), in JSON, in large files, under every seal flavour.
//! Beside them, changes that look small but are not the same text to the eye (an accent dropped,
//! a word transliterated), which are `content`: a validator that folds too much passes those.

use unicode_normalization::UnicodeNormalization;

use super::ProbeFamily;
use super::text::{with_bom, words};
use crate::probe::case::Family;
use crate::probe::draft::{Cases, Draft, Seeded};
use crate::seal::Drift;

pub struct Unicode;

/// An LF text with a hole at a random line: the sealed and the drifted text differ only by what
/// is put in the hole.
struct Frame {
    before: String,
    after: String,
}

impl Frame {
    fn new(rng: &mut Seeded) -> Frame {
        let mut before = String::from("Release notes\n");
        for i in 0..rng.between(2, 12) {
            let k = rng.between(3, 8);
            before.push_str(&format!("{i:02}. {}.\n", words(rng, k)));
        }
        before.push_str(&format!("{} ", words(rng, 2)));
        let mut after = format!(" {}.\n", words(rng, 3));
        for _ in 0..rng.between(2, 12) {
            let k = rng.between(3, 8);
            after.push_str(&format!("{}.\n", words(rng, k)));
        }
        Frame { before, after }
    }

    fn with(&self, piece: &str) -> Vec<u8> {
        format!("{}{piece}{}", self.before, self.after).into_bytes()
    }
}

fn crlf(text: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(text)
        .replace('\n', "\r\n")
        .into_bytes()
}

fn cr(text: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(text)
        .replace('\n', "\r")
        .into_bytes()
}

fn drop_final(text: &[u8]) -> Vec<u8> {
    let mut t = text.to_vec();
    while matches!(t.last(), Some(b'\n' | b'\r')) {
        t.pop();
    }
    t
}

fn nfd(s: &str) -> String {
    s.nfd().collect()
}

type Kind = (&'static str, &'static str, &'static str, &'static str);

/// The kinds of SPEC 3.3 `unicode`, one case each: name, sealed piece, drifted piece, why; by
/// group, each with what a validator that passes the group gets wrong.
const GROUPS: &[(&str, &[Kind])] = &[
    (
        "a validator that folds punctuation before hashing, or compares rendered text, passes it",
        DASHES_AND_QUOTES,
    ),
    (
        "a validator that folds spaces (or trims and splits on whitespace) before hashing passes it",
        SPACES,
    ),
    (
        "a validator that normalizes (NFC or NFKC) before hashing passes it",
        FORMS,
    ),
    (
        "a validator that strips invisible characters, or compares what a screen shows, passes it",
        INVISIBLE,
    ),
    (
        "a validator that strips bidi controls, or compares what a screen shows, passes it",
        BIDI,
    ),
    (
        "a validator that compares confusable skeletons instead of bytes passes it",
        HOMOGLYPHS,
    ),
];

const DASHES_AND_QUOTES: &[Kind] = &[
    // Dashes (folded to `-`).
    (
        "em-dash-for-hyphen",
        "build-time",
        "build\u{2014}time",
        "a hyphen became an em dash (an editor's autocorrect): same to the eye, other bytes",
    ),
    (
        "hyphen-for-em-dash",
        "wait\u{2014}then",
        "wait-then",
        "an em dash flattened to a hyphen by a tool that writes ASCII",
    ),
    (
        "en-dash-for-hyphen",
        "pages 10-12",
        "pages 10\u{2013}12",
        "a hyphen in a range became an en dash",
    ),
    (
        "hyphen-for-en-dash",
        "pages 10\u{2013}12",
        "pages 10-12",
        "an en dash flattened to a hyphen",
    ),
    (
        "minus-sign-for-hyphen",
        "offset -5",
        "offset \u{2212}5",
        "a hyphen-minus became a minus sign (U+2212): a negative number no parser reads the same",
    ),
    (
        "non-breaking-hyphen",
        "x-ray",
        "x\u{2011}ray",
        "a hyphen became a non-breaking hyphen (U+2011)",
    ),
    (
        "figure-dash",
        "555-0100",
        "555\u{2012}0100",
        "a hyphen in a number became a figure dash (U+2012)",
    ),
    (
        "horizontal-bar-for-em-dash",
        "yes\u{2014}no",
        "yes\u{2015}no",
        "an em dash became a horizontal bar (U+2015): two dashes that look alike",
    ),
    (
        "fullwidth-hyphen-minus",
        "a-b",
        "a\u{ff0d}b",
        "a hyphen became a fullwidth hyphen-minus (U+FF0D), as CJK input methods type it",
    ),
    // Quotes (folded to `'` and `"`).
    (
        "curly-apostrophe-for-straight",
        "don't",
        "don\u{2019}t",
        "a straight apostrophe became a curly one (smart quotes)",
    ),
    (
        "straight-apostrophe-for-curly",
        "it\u{2019}s",
        "it's",
        "a curly apostrophe flattened to a straight one",
    ),
    (
        "curly-single-quotes",
        "'quoted'",
        "\u{2018}quoted\u{2019}",
        "straight single quotes became curly ones",
    ),
    (
        "curly-double-quotes-for-straight",
        "\"on\"",
        "\u{201c}on\u{201d}",
        "straight double quotes became curly ones (a word processor round trip)",
    ),
    (
        "straight-double-quotes-for-curly",
        "\u{201c}on\u{201d}",
        "\"on\"",
        "curly double quotes flattened to straight ones",
    ),
    (
        "low-double-quote",
        "\"ja\"",
        "\u{201e}ja\u{201c}",
        "straight quotes became German low-high quotes",
    ),
    (
        "guillemets-for-double-quotes",
        "\"oui\"",
        "\u{ab}oui\u{bb}",
        "straight quotes became French guillemets",
    ),
    (
        "single-guillemets",
        "'x'",
        "\u{2039}x\u{203a}",
        "single quotes became single guillemets (U+2039, U+203A)",
    ),
    (
        "fullwidth-quotation-mark",
        "\"q\"",
        "\u{ff02}q\u{ff02}",
        "straight double quotes became fullwidth ones (U+FF02)",
    ),
    (
        "prime-for-apostrophe",
        "5'",
        "5\u{2032}",
        "an apostrophe became a prime (U+2032), which the UTS #39 skeleton maps back",
    ),
];

const SPACES: &[Kind] = &[
    // Space separators (folded to a space).
    (
        "nbsp-for-space",
        "10 kg",
        "10\u{a0}kg",
        "a space became a no-break space (U+00A0), as macOS types Option-Space",
    ),
    (
        "space-for-nbsp",
        "10\u{a0}kg",
        "10 kg",
        "a no-break space flattened to a space",
    ),
    (
        "thin-space-for-space",
        "1 000",
        "1\u{2009}000",
        "a space became a thin space (U+2009)",
    ),
    (
        "narrow-nbsp-for-space",
        "9 h",
        "9\u{202f}h",
        "a space became a narrow no-break space (U+202F), as French typography wants",
    ),
    (
        "em-space-for-space",
        "a b",
        "a\u{2003}b",
        "a space became an em space (U+2003)",
    ),
    (
        "en-space-for-space",
        "a b",
        "a\u{2002}b",
        "a space became an en space (U+2002)",
    ),
    (
        "ideographic-space-for-space",
        "a b",
        "a\u{3000}b",
        "a space became an ideographic space (U+3000)",
    ),
    (
        "figure-space-for-space",
        "1 2",
        "1\u{2007}2",
        "a space became a figure space (U+2007)",
    ),
    (
        "hair-space-for-space",
        "a b",
        "a\u{200a}b",
        "a space became a hair space (U+200A)",
    ),
    (
        "ogham-space-mark-for-space",
        "a b",
        "a\u{1680}b",
        "a space became an Ogham space mark (U+1680)",
    ),
    (
        "thin-space-for-nbsp",
        "10\u{a0}kg",
        "10\u{2009}kg",
        "one exotic space swapped for another (NBSP to thin space)",
    ),
];

const FORMS: &[Kind] = &[
    // Normalization forms and compatibility characters.
    (
        "kelvin-sign-for-k",
        "300 K",
        "300 \u{212a}",
        "a letter K became the Kelvin sign (U+212A), which NFC maps back",
    ),
    (
        "angstrom-sign-for-a-ring",
        "\u{c5}ngstr\u{f6}m",
        "\u{212b}ngstr\u{f6}m",
        "an A-ring became the Angstrom sign (U+212B)",
    ),
    (
        "ohm-sign-for-omega",
        "50 \u{3a9}",
        "50 \u{2126}",
        "a Greek Omega became the Ohm sign (U+2126)",
    ),
    (
        "combining-marks-reordered",
        "a\u{301}\u{323}",
        "a\u{323}\u{301}",
        "two combining marks in the other order: canonically equivalent, other bytes",
    ),
    (
        "ligature-fi",
        "file",
        "\u{fb01}le",
        "the letters fi became the ligature U+FB01 (a PDF copy)",
    ),
    (
        "ellipsis-for-three-dots",
        "wait...",
        "wait\u{2026}",
        "three dots became an ellipsis (U+2026)",
    ),
    (
        "fullwidth-letters",
        "release",
        "\u{ff52}\u{ff45}\u{ff4c}\u{ff45}\u{ff41}\u{ff53}\u{ff45}",
        "a word typed in fullwidth letters, which NFKC folds",
    ),
    (
        "fullwidth-digits",
        "port 8080",
        "port \u{ff18}\u{ff10}\u{ff18}\u{ff10}",
        "digits typed in fullwidth form",
    ),
    (
        "math-bold-letters",
        "admin",
        "\u{1d41a}\u{1d41d}\u{1d426}\u{1d422}\u{1d427}",
        "a word in mathematical bold letters (U+1D41A...), which NFKC folds",
    ),
    (
        "roman-numeral-two",
        "part II",
        "part \u{2161}",
        "the letters II became the Roman numeral two (U+2161)",
    ),
];

const INVISIBLE: &[Kind] = &[
    // Zero-width and other default-ignorable characters (removed).
    (
        "zero-width-space",
        "release",
        "rel\u{200b}ease",
        "a zero-width space (U+200B) inside a word: invisible, other bytes",
    ),
    (
        "zero-width-non-joiner",
        "release",
        "rel\u{200c}ease",
        "a zero-width non-joiner (U+200C) inside a word",
    ),
    (
        "zero-width-joiner",
        "release",
        "rel\u{200d}ease",
        "a zero-width joiner (U+200D) inside a word",
    ),
    (
        "word-joiner",
        "release",
        "rel\u{2060}ease",
        "a word joiner (U+2060) inside a word",
    ),
    (
        "soft-hyphen",
        "release",
        "rel\u{ad}ease",
        "a soft hyphen (U+00AD), invisible unless the line breaks there",
    ),
    (
        "bom-in-middle",
        "release",
        "rel\u{feff}ease",
        "a byte-order mark (U+FEFF) in the middle of the text, where no tool strips it as a BOM",
    ),
    (
        "combining-grapheme-joiner",
        "release",
        "rel\u{34f}ease",
        "a combining grapheme joiner (U+034F) inside a word",
    ),
    (
        "variation-selector",
        "ok",
        "o\u{fe0f}k",
        "a variation selector (U+FE0F) after a letter",
    ),
    (
        "mongolian-vowel-separator",
        "release",
        "rel\u{180e}ease",
        "a Mongolian vowel separator (U+180E), once a space, now invisible",
    ),
    (
        "invisible-times",
        "2x",
        "2\u{2062}x",
        "an invisible times operator (U+2062)",
    ),
    (
        "hangul-filler",
        "value",
        "value\u{3164}",
        "a Hangul filler (U+3164), the invisible letter used to hide identifiers",
    ),
    (
        "tag-characters",
        "approved",
        "approved\u{e0001}\u{e0079}\u{e0065}\u{e0073}\u{e007f}",
        "Unicode tag characters appended (ASCII smuggling: invisible text a model reads)",
    ),
];

const BIDI: &[Kind] = &[
    // Bidi controls (removed).
    (
        "rlo-override",
        "abc",
        "\u{202e}abc\u{202c}",
        "a right-to-left override (U+202E): the text shows reversed, the letters are the same",
    ),
    (
        "lro-override",
        "abc",
        "\u{202d}abc\u{202c}",
        "a left-to-right override (U+202D) and a pop",
    ),
    (
        "lre-embedding",
        "abc",
        "\u{202a}abc\u{202c}",
        "a left-to-right embedding (U+202A)",
    ),
    (
        "rle-embedding",
        "abc",
        "\u{202b}abc\u{202c}",
        "a right-to-left embedding (U+202B)",
    ),
    (
        "lri-isolate",
        "abc",
        "\u{2066}abc\u{2069}",
        "a left-to-right isolate (U+2066) and its pop (U+2069)",
    ),
    (
        "rli-isolate",
        "abc",
        "\u{2067}abc\u{2069}",
        "a right-to-left isolate (U+2067)",
    ),
    (
        "fsi-isolate",
        "abc",
        "\u{2068}abc\u{2069}",
        "a first-strong isolate (U+2068)",
    ),
    (
        "lrm-mark",
        "abc",
        "abc\u{200e}",
        "a left-to-right mark (U+200E)",
    ),
    (
        "rlm-mark",
        "abc",
        "\u{200f}abc",
        "a right-to-left mark (U+200F)",
    ),
    (
        "arabic-letter-mark",
        "abc",
        "a\u{61c}bc",
        "an Arabic letter mark (U+061C)",
    ),
];

const HOMOGLYPHS: &[Kind] = &[
    // Homoglyphs (UTS #39 skeleton).
    (
        "cyrillic-a",
        "admin",
        "\u{430}dmin",
        "a Latin a replaced by a Cyrillic a (U+0430)",
    ),
    (
        "cyrillic-e",
        "release",
        "r\u{435}lease",
        "a Latin e replaced by a Cyrillic ie (U+0435)",
    ),
    (
        "cyrillic-o",
        "root",
        "r\u{43e}ot",
        "a Latin o replaced by a Cyrillic o (U+043E)",
    ),
    (
        "cyrillic-er",
        "deploy",
        "de\u{440}loy",
        "a Latin p replaced by a Cyrillic er (U+0440)",
    ),
    (
        "cyrillic-es",
        "secure",
        "se\u{441}ure",
        "a Latin c replaced by a Cyrillic es (U+0441)",
    ),
    (
        "cyrillic-i",
        "ship it",
        "sh\u{456}p it",
        "a Latin i replaced by a Cyrillic i (U+0456)",
    ),
    (
        "cyrillic-u-for-y",
        "yes",
        "\u{443}es",
        "a Latin y replaced by a Cyrillic u (U+0443)",
    ),
    (
        "whole-word-cyrillic",
        "scope",
        "\u{455}\u{441}\u{43e}\u{440}\u{435}",
        "a whole word spelled in Cyrillic look-alikes",
    ),
    (
        "greek-omicron",
        "token",
        "t\u{3bf}ken",
        "a Latin o replaced by a Greek omicron (U+03BF)",
    ),
    (
        "greek-capital-alpha",
        "Admin",
        "\u{391}dmin",
        "a Latin A replaced by a Greek Alpha (U+0391)",
    ),
    (
        "rn-for-m",
        "modern",
        "rnodern",
        "the letter m replaced by r and n, which read the same: ASCII only, yet a UTS #39 confusable",
    ),
    (
        "digit-one-for-letter-l",
        "lib",
        "1ib",
        "a letter l replaced by a digit 1, a UTS #39 confusable",
    ),
    (
        "digit-zero-for-capital-o",
        "OK",
        "0K",
        "a capital O replaced by a digit 0, a UTS #39 confusable",
    ),
];

impl ProbeFamily for Unicode {
    fn family(&self) -> Family {
        Family::Unicode
    }

    fn draw(&self, cases: &mut Cases, rng: &mut Seeded) {
        use Drift::{Bom, Content, Crlf, FinalNewline};

        for (wrong, kinds) in GROUPS {
            for (name, sealed, now, why) in *kinds {
                let frame = Frame::new(rng);
                cases.add(
                    Draft::tree(name, &format!("{why}: {wrong}"))
                        .file("docs/notes.md", frame.with(sealed))
                        .write("docs/notes.md", frame.with(now))
                        .expect([Drift::Unicode]),
                );
            }
        }

        let accented = "caf\u{e9} r\u{e9}sum\u{e9} na\u{ef}ve \u{fc}ber Stra\u{df}e";
        let hangul = "\u{d55c}\u{ad6d}\u{c5b4}";
        let frame = Frame::new(rng);
        let nfc_text = frame.with(accented);
        let nfd_text = frame.with(&nfd(accented));
        cases.add(
            Draft::tree(
                "nfc-to-nfd-text",
                "text re-saved in NFD (as macOS file systems and some editors do): same letters to the eye, decomposed bytes",
            )
            .file("docs/notes.md", nfc_text.clone())
            .write("docs/notes.md", nfd_text.clone())
            .expect([Drift::Unicode]),
        );
        cases.add(
            Draft::tree(
                "nfd-to-nfc-text",
                "text sealed in NFD re-saved in NFC: composed bytes the seal never held",
            )
            .file("docs/notes.md", nfd_text.clone())
            .write("docs/notes.md", nfc_text.clone())
            .expect([Drift::Unicode]),
        );
        let frame = Frame::new(rng);
        cases.add(
            Draft::tree(
                "hangul-nfc-to-nfd",
                "Hangul syllables decomposed into conjoining jamo: the same Korean word, three times the characters",
            )
            .file("docs/ko.md", frame.with(hangul))
            .write("docs/ko.md", frame.with(&nfd(hangul)))
            .expect([Drift::Unicode]),
        );

        // --- unicode with line endings and a BOM: every class named ---------------------------
        let frame = Frame::new(rng);
        let plain = frame.with("10 kg");
        let nbsp = frame.with("10\u{a0}kg");
        cases.add(
            Draft::tree(
                "nbsp-and-crlf",
                "a no-break space and CRLF line endings at once: both crlf and unicode must be named",
            )
            .file("docs/notes.md", plain.clone())
            .write("docs/notes.md", crlf(&nbsp))
            .expect([Crlf, Drift::Unicode]),
        );
        cases.add(
            Draft::tree(
                "nbsp-and-cr-only",
                "a no-break space and classic Mac CR line endings: crlf and unicode",
            )
            .file("docs/notes.md", plain.clone())
            .write("docs/notes.md", cr(&nbsp))
            .expect([Crlf, Drift::Unicode]),
        );
        let frame = Frame::new(rng);
        cases.add(
            Draft::tree(
                "em-dash-and-final-newline-removed",
                "a hyphen became an em dash and the final newline was dropped: final-newline and unicode",
            )
            .file("docs/notes.md", frame.with("build-time"))
            .write("docs/notes.md", drop_final(&frame.with("build\u{2014}time")))
            .expect([FinalNewline, Drift::Unicode]),
        );
        cases.add(
            Draft::tree(
                "crlf-sealed-nfd-now-lf",
                "a CRLF file sealed in NFC comes back in NFD with LF endings (a copy through macOS and git): crlf and unicode",
            )
            .file("docs/notes.md", crlf(&nfc_text))
            .write("docs/notes.md", nfd_text.clone())
            .expect([Crlf, Drift::Unicode]),
        );
        let frame = Frame::new(rng);
        cases.add(
            Draft::tree(
                "zero-width-and-bom-added",
                "a zero-width space inside a word and a BOM at the start: bom and unicode",
            )
            .file("docs/notes.md", frame.with("release"))
            .write("docs/notes.md", with_bom(&frame.with("rel\u{200b}ease")))
            .expect([Bom, Drift::Unicode]),
        );
        let frame = Frame::new(rng);
        cases.add(
            Draft::tree(
                "homoglyph-bom-crlf-final-newline",
                "a Cyrillic homoglyph, a BOM, CRLF endings and no final newline, all at once: every one of the four classes must be named",
            )
            .file("docs/notes.md", frame.with("admin"))
            .write(
                "docs/notes.md",
                with_bom(&drop_final(&crlf(&frame.with("\u{430}dmin")))),
            )
            .expect([Bom, Crlf, FinalNewline, Drift::Unicode]),
        );
        let frame = Frame::new(rng);
        cases.add(
            Draft::tree(
                "many-kinds-at-once",
                "a dash, curly quotes, a no-break space, a zero-width space, an NFD letter, a bidi mark and a homoglyph in one line: still only unicode",
            )
            .file(
                "docs/notes.md",
                frame.with("a-b \"q\" 10 kg release caf\u{e9} abc admin"),
            )
            .write(
                "docs/notes.md",
                frame.with(
                    "a\u{2013}b \u{201c}q\u{201d} 10\u{a0}kg rel\u{200b}ease cafe\u{301} \u{200f}abc \u{430}dmin",
                ),
            )
            .expect([Drift::Unicode]),
        );

        // --- seal flavours, names and folders ----------------------------------------------
        let frame = Frame::new(rng);
        cases.add(
            Draft::tree(
                "homoglyph-keyed",
                "a Cyrillic homoglyph under a keyed seal: the MAC verifies, the text does not",
            )
            .file("docs/notes.md", frame.with("deploy"))
            .keyed()
            .write("docs/notes.md", frame.with("de\u{440}loy"))
            .expect([Drift::Unicode]),
        );
        cases.add(
            Draft::tree(
                "nfd-text-signed-without-key",
                "NFD text under a signed seal checked without a key",
            )
            .file("docs/notes.md", nfc_text.clone())
            .signed_without_key()
            .write("docs/notes.md", nfd_text.clone())
            .expect([Drift::Unicode]),
        );
        let frame = Frame::new(rng);
        cases.add(
            Draft::tree(
                "zero-width-in-nfd-named-file",
                "a zero-width joiner in a file whose folder is named in NFD: a validator that normalizes names opens nothing, or the wrong file",
            )
            .file("re\u{301}sume\u{301}/notes.md", frame.with("release"))
            .write("re\u{301}sume\u{301}/notes.md", frame.with("rel\u{200d}ease"))
            .expect([Drift::Unicode]),
        );
        {
            let mut d = Draft::tree(
                "homoglyph-in-complete-folder",
                "a homoglyph in one of twelve files of a complete folder",
            );
            let target = rng.below(12);
            let frame = Frame::new(rng);
            for i in 0..12 {
                d = d.file(
                    &format!("docs/p{i:02}.md"),
                    frame.with(&format!("part {i}")),
                );
            }
            d = d.complete("docs").write(
                format!("docs/p{target:02}.md"),
                frame.with(&format!("p\u{430}rt {target}")),
            );
            cases.add(d.expect([Drift::Unicode]));
        }

        // --- over 1 MiB, the change late ---------------------------------------------------
        // Just over 1 MiB, with non-ASCII on every line (so UTF-8 sequences straddle reads).
        let mut big = String::with_capacity(1_100_128);
        let filler = words(rng, 4);
        for i in 0.. {
            if big.len() >= 1_100_000 {
                break;
            }
            big.push_str(&format!(
                "entry {i:05} caf\u{e9} \u{2014} na\u{ef}ve {filler}\n"
            ));
        }
        let tail = words(rng, 6);
        cases.add(
            Draft::tree(
                "large-homoglyph-late",
                "a Cyrillic homoglyph in the last lines of a text file over 1 MiB: a validator that normalizes a prefix, or samples, passes it",
            )
            .file(
                "logs/build.log",
                format!("{big}approved by admin\n{tail}\n").into_bytes(),
            )
            .write(
                "logs/build.log",
                format!("{big}approved by \u{430}dmin\n{tail}\n").into_bytes(),
            )
            .expect([Drift::Unicode]),
        );
        cases.add(
            Draft::tree(
                "large-nbsp-late-with-crlf",
                "a no-break space near the end of a text file over 1 MiB that also went to CRLF: crlf and unicode",
            )
            .file("logs/build.log", format!("{big}size 10 kg\n{tail}\n").into_bytes())
            .write(
                "logs/build.log",
                crlf(format!("{big}size 10\u{a0}kg\n{tail}\n").as_bytes()),
            )
            .expect([Crlf, Drift::Unicode]),
        );

        // --- looks small, is content ---------------------------------------------------------
        let negatives: &[(&str, &str, &str, &str)] = &[
            (
                "accent-dropped",
                "caf\u{e9}",
                "cafe",
                "an accent dropped (cafe for caf\u{e9}) is another word: a validator that strips diacritics calls it unicode",
            ),
            (
                "umlaut-transliterated",
                "\u{fc}ber",
                "ueber",
                "an umlaut transliterated (ue for \u{fc}) is another spelling, not the same text to the eye",
            ),
            (
                "em-dash-for-double-hyphen",
                "a\u{2014}b",
                "a--b",
                "an em dash written as two hyphens is two characters where one was: content",
            ),
            (
                "zero-width-space-for-space",
                "two words",
                "two\u{200b}words",
                "a space replaced by a zero-width space joins two words: content, not an invisible insertion",
            ),
            (
                "nbsp-removed",
                "10\u{a0}kg",
                "10kg",
                "a no-break space removed joins two tokens: content",
            ),
            (
                "different-cyrillic-word",
                "\u{434}\u{43e}\u{43c}",
                "\u{434}\u{44b}\u{43c}",
                "one Cyrillic word replaced by another (a different vowel): content, whatever script",
            ),
            (
                "homoglyph-plus-real-edit",
                "admin 3",
                "\u{430}dmin 4",
                "a homoglyph hides a real edit on the same line (3 became 4): content, not unicode",
            ),
        ];
        for (name, sealed, now, why) in negatives {
            let frame = Frame::new(rng);
            cases.add(
                Draft::tree(name, why)
                    .file("docs/notes.md", frame.with(sealed))
                    .write("docs/notes.md", frame.with(now))
                    .expect([Content]),
            );
        }

        // --- controls -----------------------------------------------------------------------
        cases.add(
            Draft::tree(
                "control-nfc-text-unchanged",
                "non-ASCII text in NFC (accents, Hangul, dashes, curly quotes), sealed and unchanged: must pass",
            )
            .file("docs/notes.md", nfc_text.clone())
            .file(
                "docs/ko.md",
                format!("{hangul} \u{2014} \u{201c}ok\u{201d}\n").into_bytes(),
            )
            .control(),
        );
        cases.add(
            Draft::tree(
                "control-nfd-text-unchanged",
                "text sealed in NFD and unchanged: a validator that normalizes before hashing, or refuses NFD, fails it",
            )
            .file("docs/notes.md", nfd_text.clone())
            .file("docs/ko.md", nfd(hangul).into_bytes())
            .signed_without_key()
            .control(),
        );
        cases.add(
            Draft::tree(
                "control-non-ascii-names-unchanged",
                "files under NFD, NFC, Cyrillic and CJK names in a complete folder, unchanged: must pass",
            )
            .file("names/re\u{301}sume\u{301}.md", nfd_text)
            .file("names/r\u{e9}sum\u{e9}-nfc.md", nfc_text)
            .file("names/\u{430}dmin.md", b"cyrillic a\n".to_vec())
            .file("names/\u{65e5}\u{672c}.md", b"cjk\n".to_vec())
            .complete("names")
            .keyed()
            .control(),
        );
    }
}
