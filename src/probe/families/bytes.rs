//! The `bytes` family (SPEC 7.2): raw byte damage. Bit flips (first byte, middle, last byte, late
//! in a file over 1 MiB), same-length edits, truncations (to 0 and 1 bytes, to half, by one byte,
//! inside a UTF-8 sequence), appends (one byte, a NUL, a tail without a newline, a large one), in
//! text, JSON and binary files. A validator that compares lengths, samples a prefix, or trusts a
//! file's size passes some of these; the layers of SPEC 3.3 name each one: a file that is not
//! UTF-8 has no text layer, so any change to it is `content`, while a text file's lost final
//! newline is `final-newline` and nothing else.

use super::ProbeFamily;
use super::text::{drift, word, words};
use crate::probe::case::Family;
use crate::probe::draft::{Cases, Draft, Seeded};
use crate::seal::Drift;

pub struct Bytes;

/// Letters whose lowest bit can be flipped into another plain letter (`b` to `c`, `t` to `u`...).
const FLIPPABLE: &[u8] = b"bdfhjptx";

/// Just over 1 MiB: large enough that a prefix or a sample misses a late change, small enough to
/// keep the suite fast.
const BIG: usize = 1_100_000;

/// An LF text file of `lines` lines (ASCII), starting with the letter `b`, ending with a newline.
fn text(rng: &mut Seeded, lines: usize) -> Vec<u8> {
    let mut out = format!("build notes, {}\n", words(rng, 3));
    for i in 0..lines {
        let k = rng.between(4, 10);
        out.push_str(&format!("step {i:03}: {}.\n", words(rng, k)));
    }
    out.into_bytes()
}

/// A binary file: the PNG signature (0x89 can never start UTF-8), then random bytes.
fn binary(rng: &mut Seeded, len: usize) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(rng.bytes(len.saturating_sub(out.len())));
    out
}

/// A small JSON document (strict, one line per member), ending with a newline.
fn json(rng: &mut Seeded) -> Vec<u8> {
    format!(
        "{{\n  \"release\": \"{}\",\n  \"replicas\": 3,\n  \"digest\": \"{}\",\n  \"tags\": [\"{}\", \"{}\"]\n}}\n",
        word(rng),
        crate::digest::hex(&rng.bytes(16), false),
        word(rng),
        word(rng)
    )
    .into_bytes()
}

/// Flips the lowest bit of the first flippable letter at or after `at` (or before it).
fn flip_letter(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let at = at.min(out.len().saturating_sub(1));
    let pos = (at..out.len())
        .chain((0..at).rev())
        .find(|&i| FLIPPABLE.contains(&out[i]))
        .unwrap_or(at);
    out[pos] ^= 0x01;
    out
}

fn flip_bit(bytes: &[u8], pos: usize, mask: u8) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[pos] ^= mask;
    out
}

/// A cut at about `at` that does not fall right after a newline (so the file no longer ends
/// with one) nor inside a UTF-8 sequence.
fn cut_mid(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut cut = at.clamp(1, bytes.len() - 1);
    while cut > 1 && (bytes[cut - 1] == b'\n' || (bytes[cut] & 0xC0) == 0x80) {
        cut -= 1;
    }
    bytes[..cut].to_vec()
}

impl ProbeFamily for Bytes {
    fn family(&self) -> Family {
        Family::Bytes
    }

    fn draw(&self, cases: &mut Cases, rng: &mut Seeded) {
        use Drift::{Content, FinalNewline, JsonReencode};

        let notes = text(rng, 40);
        let n = notes.len();
        let doc = json(rng);
        let png = binary(rng, 4096);
        let accents = format!(
            "caf\u{e9} menu, {}\nna\u{ef}ve r\u{e9}sum\u{e9}\n",
            words(rng, 4)
        )
        .into_bytes();
        let rocket = format!("launch \u{1F680} {}\nsecond line\n", words(rng, 3)).into_bytes();
        // Over 1 MiB, so a validator that hashes a prefix or samples misses a late change.
        let mut big_text = Vec::with_capacity(BIG + 128);
        let filler = words(rng, 5);
        for i in 0.. {
            if big_text.len() >= BIG {
                break;
            }
            big_text
                .extend_from_slice(format!("entry {i:06} of the build log, {filler}\n").as_bytes());
        }
        let big_png = binary(rng, BIG);
        let canary = format!("bytes-canary-{}", rng.word(20));

        // --- bit flips ------------------------------------------------------------------
        cases.add(
            drift(
                "flip-text-first-byte",
                "one bit flipped in the first byte of a text file: a validator that skips a header or compares only the tail passes it",
                "docs/notes.md",
                &notes,
                flip_letter(&notes, 0),
            )
            .expect([Content]),
        );
        let mid = rng.between(n / 3, 2 * n / 3);
        cases.add(
            drift(
                "flip-text-middle",
                "one bit flipped in the middle of a text file, same length: a validator that compares sizes or timestamps passes it",
                "docs/notes.md",
                &notes,
                flip_letter(&notes, mid),
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "flip-text-last-byte",
                "the final newline flipped to a vertical tab: the file lost its final newline and gained a character, so both final-newline and content",
                "docs/notes.md",
                &notes,
                flip_bit(&notes, n - 1, 0x01),
            )
            .expect([FinalNewline, Content]),
        );
        cases.add(
            drift(
                "flip-text-newline-in-middle",
                "a line break in the middle flipped to a vertical tab: the line endings are still LF, but the text is not the same text",
                "docs/notes.md",
                &notes,
                {
                    let at = rng.between(n / 4, n / 2);
                    let pos = (at..n).find(|&i| notes[i] == b'\n').unwrap_or(n / 2);
                    flip_bit(&notes, pos, 0x01)
                },
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "flip-text-high-bit",
                "the high bit of one ASCII letter set: the file is no longer UTF-8, so it has no text layer and the change is content",
                "docs/notes.md",
                &notes,
                {
                    let at = rng.between(n / 4, 3 * n / 4);
                    let pos = (at..n).find(|&i| notes[i].is_ascii_lowercase()).unwrap_or(1);
                    flip_bit(&notes, pos, 0x80)
                },
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "flip-inside-utf8-sequence",
                "one bit flipped inside a two-byte UTF-8 sequence turns an e-acute into an e-grave: still UTF-8, a different letter",
                "menu/caf\u{e9}.txt",
                &accents,
                flip_bit(&accents, 4, 0x01),
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "flip-utf8-continuation-byte-invalid",
                "one bit flipped in a UTF-8 continuation byte breaks the sequence: a validator that decodes lossily (U+FFFD) before hashing compares the wrong text",
                "menu/caf\u{e9}.txt",
                &accents,
                flip_bit(&accents, 4, 0x40),
            )
            .expect([Content]),
        );
        {
            let bommed = [b"\xEF\xBB\xBF".as_slice(), &notes].concat();
            cases.add(
                drift(
                    "flip-bom-last-bit",
                    "the last bit of a UTF-8 BOM flipped makes U+FFFE, still valid UTF-8: the BOM is gone and a character the seal never held took its place",
                    "docs/notes.md",
                    &bommed,
                    flip_bit(&bommed, 2, 0x01),
                )
                .expect([Drift::Bom, Content]),
            );
        }
        cases.add(
            drift(
                "flip-binary-first-byte",
                "one bit flipped in the first byte of a binary file (its magic number): not UTF-8, so content",
                "assets/logo.png",
                &png,
                flip_bit(&png, 0, 0x01),
            )
            .expect([Content]),
        );
        let pmid = rng.between(1024, 3072);
        let pbit = 1u8 << rng.below(8);
        cases.add(
            drift(
                "flip-binary-middle",
                "one bit flipped in the middle of a binary file, same length: a validator that checks sizes or a prefix passes it",
                "assets/logo.png",
                &png,
                flip_bit(&png, pmid, pbit),
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "flip-binary-last-byte",
                "one bit flipped in the last byte of a binary file: a validator that stops one byte early passes it",
                "assets/logo.png",
                &png,
                flip_bit(&png, png.len() - 1, 0x80),
            )
            .expect([Content]),
        );
        let late = big_text.len() - rng.between(64, 4000);
        cases.add(
            drift(
                "flip-large-text-late",
                "one bit flipped in the last 4 KiB of a text file over 1 MiB: a validator that hashes a prefix or samples blocks passes it",
                "logs/build.log",
                &big_text,
                flip_letter(&big_text, late),
            )
            .expect([Content]),
        );
        let late = big_png.len() - rng.between(1, 4096);
        cases.add(
            drift(
                "flip-large-binary-late",
                "one bit flipped near the end of a binary file over 1 MiB: only a validator that hashes every byte sees it",
                "dist/app.bin",
                &big_png,
                flip_bit(&big_png, late, 0x10),
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "flip-json-digit",
                "one bit flipped in a JSON number (3 becomes 2): the document still parses, but its value changed",
                "config/release.json",
                &doc,
                {
                    let pos = doc.iter().position(|&b| b == b'3').unwrap_or(0);
                    flip_bit(&doc, pos, 0x01)
                },
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "flip-json-key-letter",
                "one bit flipped in a JSON key: the document parses, but a different key holds the value",
                "config/release.json",
                &doc,
                {
                    let pos = String::from_utf8_lossy(&doc).find("\"digest\"").unwrap_or(0);
                    flip_bit(&doc, pos + 1, 0x01)
                },
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "flip-json-opening-brace",
                "one bit flipped in the opening brace of a JSON file: it no longer parses, which is content, not a re-encoding",
                "config/release.json",
                &doc,
                flip_bit(&doc, 0, 0x01),
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "flip-in-nfd-named-file",
                "a bit flip in a file below a folder named in NFD form: a validator that normalizes names then opens the wrong file, or none",
                "re\u{301}sume\u{301}/d\u{e9}tails/notes.md",
                &notes,
                flip_letter(&notes, mid),
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "flip-keyed",
                "a bit flip under a keyed seal: the MAC verifies, the bytes still do not",
                "docs/notes.md",
                &notes,
                flip_letter(&notes, mid),
            )
            .keyed()
            .expect([Content]),
        );
        cases.add(
            drift(
                "flip-signed-without-key",
                "a bit flip under a signed seal checked without a key: unauthenticated is not a reason to skip the bytes",
                "assets/logo.png",
                &png,
                flip_bit(&png, pmid, pbit),
            )
            .signed_without_key()
            .expect([Content]),
        );
        {
            let mut d = Draft::tree(
                "flip-one-of-many-in-complete-folder",
                "one bit flipped in one of 40 files of a complete folder: a validator that stops after the first few files, or checks only the folder listing, passes it",
            );
            let target = rng.below(40);
            let mut target_bytes = Vec::new();
            for i in 0..40 {
                let body = format!("part {i:02}: {}\n", words(rng, 6)).into_bytes();
                if i == target {
                    target_bytes = body.clone();
                }
                d = d.file(&format!("parts/p{i:02}.txt"), body);
            }
            d = d.complete("parts").write(
                format!("parts/p{target:02}.txt"),
                flip_letter(&target_bytes, 8),
            );
            cases.add(d.expect([Content]));
        }
        cases.add(
            Draft::tree(
                "flip-deeply-nested",
                "a bit flip eight folders down: a validator that does not recurse, or stops at some depth, passes it",
            )
            .file("a/b/c/d/e/f/g/h/deep.txt", notes.clone())
            .file("top.txt", b"top\n".to_vec())
            .write("a/b/c/d/e/f/g/h/deep.txt", flip_letter(&notes, mid))
            .expect([Content]),
        );

        // --- same-length edits ----------------------------------------------------------------
        cases.add(
            drift(
                "same-length-transposition",
                "two adjacent bytes swapped: same length, same multiset of bytes, so a validator that sums or sorts bytes passes it",
                "docs/notes.md",
                &notes,
                {
                    let mut out = notes.clone();
                    let at = rng.between(n / 4, 3 * n / 4);
                    let pos = (at..n - 2)
                        .find(|&i| {
                            out[i] != out[i + 1]
                                && out[i].is_ascii_lowercase()
                                && out[i + 1].is_ascii_lowercase()
                        })
                        .unwrap_or(n / 2);
                    out.swap(pos, pos + 1);
                    out
                },
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "same-length-case-changed",
                "one letter changed to upper case: a validator that folds case before comparing passes it",
                "docs/notes.md",
                &notes,
                {
                    let mut out = notes.clone();
                    out[0] = b'B';
                    out
                },
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "same-length-zeroed-text",
                "a text file overwritten with as many NUL bytes (a crash during write): it has no newline left, and no text the seal knows",
                "docs/notes.md",
                &notes,
                vec![0u8; n],
            )
            .expect([FinalNewline, Content]),
        );
        cases.add(
            drift(
                "same-length-zeroed-binary",
                "a binary file overwritten with as many NUL bytes: a validator that checks sizes passes it",
                "assets/logo.png",
                &png,
                vec![0u8; png.len()],
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "same-length-json-number",
                "a JSON number changed in place (3 replicas to 9): same length, same structure, another value",
                "config/release.json",
                &doc,
                String::from_utf8_lossy(&doc)
                    .replace("\"replicas\": 3", "\"replicas\": 9")
                    .into_bytes(),
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "same-length-json-space-moved",
                "a space moved from after a colon to before it: same length, same JSON value, so json-reencode (and not a pass)",
                "config/release.json",
                &doc,
                String::from_utf8_lossy(&doc)
                    .replace("\"replicas\": 3", "\"replicas\" :3")
                    .into_bytes(),
            )
            .expect([JsonReencode]),
        );
        cases.add(
            drift(
                "same-length-line-joined",
                "a newline in the middle replaced by a space: same length, lines joined, a different text",
                "docs/notes.md",
                &notes,
                {
                    let at = rng.between(n / 4, n / 2);
                    let pos = (at..n - 1).find(|&i| notes[i] == b'\n').unwrap_or(n / 2);
                    let mut out = notes.clone();
                    out[pos] = b' ';
                    out
                },
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "same-length-binary-block",
                "512 bytes in the middle of a binary file replaced by other random bytes",
                "assets/logo.png",
                &png,
                {
                    let mut out = png.clone();
                    let at = rng.between(512, 3000);
                    let block = rng.bytes(512);
                    out[at..at + 512].copy_from_slice(&block);
                    if out == png {
                        out[at] ^= 1;
                    }
                    out
                },
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "same-length-utf8-letter-replaced",
                "an e-acute replaced by a u-umlaut, both two bytes: same length, a different word",
                "menu/caf\u{e9}.txt",
                &accents,
                String::from_utf8_lossy(&accents)
                    .replacen('\u{e9}', "\u{fc}", 1)
                    .into_bytes(),
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "same-length-final-lf-to-cr",
                "the final LF replaced by a CR: same length and the same text, but the line endings are now mixed",
                "docs/notes.md",
                &notes,
                {
                    let mut out = notes.clone();
                    out[n - 1] = b'\r';
                    out
                },
            )
            .expect([Drift::Crlf]),
        );
        {
            let a = format!("alpha {}\n", words(rng, 4)).into_bytes();
            let mut b = format!("bravo {}\n", words(rng, 4)).into_bytes();
            b.resize(a.len() - 1, b'x');
            b.push(b'\n');
            cases.add(
                Draft::tree(
                    "same-length-files-swapped",
                    "two files of one length swapped their bytes: a validator that checks the set of digests, not which path holds which, passes it",
                )
                .file("keys/a.txt", a.clone())
                .file("keys/b.txt", b.clone())
                .write("keys/a.txt", b)
                .write("keys/b.txt", a)
                .expect([Content]),
            );
        }

        // --- truncations ------------------------------------------------------------------
        cases.add(
            drift(
                "truncate-text-to-zero",
                "a text file truncated to 0 bytes: empty is not the sealed text, and its final newline is gone",
                "docs/notes.md",
                &notes,
                Vec::new(),
            )
            .expect([FinalNewline, Content]),
        );
        cases.add(
            drift(
                "truncate-text-to-one-byte",
                "a text file truncated to its first byte (an interrupted copy): final newline gone, text gone",
                "docs/notes.md",
                &notes,
                notes[..1].to_vec(),
            )
            .expect([FinalNewline, Content]),
        );
        cases.add(
            drift(
                "truncate-text-to-half",
                "a text file cut in the middle of a line: a validator that compares only what it read so far, or a prefix, passes it",
                "docs/notes.md",
                &notes,
                cut_mid(&notes, n / 2),
            )
            .expect([FinalNewline, Content]),
        );
        cases.add(
            drift(
                "truncate-text-last-byte",
                "the trailing LF of a text file truncated: only the final newline changed, so final-newline and nothing else",
                "docs/notes.md",
                &notes,
                notes[..n - 1].to_vec(),
            )
            .expect([FinalNewline]),
        );
        cases.add(
            drift(
                "truncate-extra-trailing-newline",
                "a file sealed with two trailing newlines lost one: it still ends with a newline, the text is the same, only the trailing newlines changed",
                "docs/notes.md",
                &[notes.as_slice(), b"\n"].concat(),
                notes.clone(),
            )
            .expect([FinalNewline]),
        );
        {
            let crlf = String::from_utf8_lossy(&notes)
                .replace('\n', "\r\n")
                .into_bytes();
            let m = crlf.len();
            cases.add(
                drift(
                    "truncate-crlf-text-last-byte",
                    "the last LF of a CRLF file truncated leaves a lone CR: the file still ends with a newline, but its endings are now mixed",
                    "docs/notes.txt",
                    &crlf,
                    crlf[..m - 1].to_vec(),
                )
                .expect([Drift::Crlf]),
            );
            cases.add(
                drift(
                    "truncate-crlf-text-last-two-bytes",
                    "the final CRLF of a CRLF file truncated: still CRLF everywhere else, only the final newline is gone",
                    "docs/notes.txt",
                    &crlf,
                    crlf[..m - 2].to_vec(),
                )
                .expect([FinalNewline]),
            );
        }
        {
            let no_final = &notes[..n - 1];
            let last_lf = no_final.iter().rposition(|&b| b == b'\n').unwrap_or(0);
            cases.add(
                drift(
                    "truncate-to-previous-line-end",
                    "a file without a final newline cut back to the end of its previous line: it now ends with a newline it never had, and lost a line",
                    "docs/notes.md",
                    no_final,
                    no_final[..=last_lf].to_vec(),
                )
                .expect([FinalNewline, Content]),
            );
        }
        cases.add(
            drift(
                "truncate-inside-utf8-sequence",
                "a text file cut between the two bytes of an e-acute: it is no longer UTF-8, so no text layer applies and the change is content",
                "menu/caf\u{e9}.txt",
                &accents,
                accents[..4].to_vec(),
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "truncate-inside-four-byte-sequence",
                "a text file cut inside a four-byte emoji: a validator that decodes lossily sees a replacement character, not the cut",
                "docs/launch.txt",
                &rocket,
                {
                    let pos = rocket.iter().position(|&b| b == 0xF0).unwrap_or(7);
                    rocket[..pos + 2].to_vec()
                },
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "truncate-binary-to-zero",
                "a binary file truncated to 0 bytes (a failed download): an empty file is valid UTF-8, but the seal had no text layer to compare",
                "assets/logo.png",
                &png,
                Vec::new(),
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "truncate-binary-to-one-byte",
                "a binary file truncated to its first byte",
                "assets/logo.png",
                &png,
                png[..1].to_vec(),
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "truncate-binary-to-half",
                "a binary file truncated to half its length: a validator that hashes what it read without checking the length passes it",
                "assets/logo.png",
                &png,
                png[..png.len() / 2].to_vec(),
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "truncate-binary-last-byte",
                "a binary file one byte short: a validator that tolerates off-by-one lengths passes it",
                "assets/logo.png",
                &png,
                png[..png.len() - 1].to_vec(),
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "truncate-json-last-byte",
                "the trailing newline of a JSON file truncated: the text is the same, only the final newline changed, so the JSON layer is never reached",
                "config/release.json",
                &doc,
                doc[..doc.len() - 1].to_vec(),
            )
            .expect([FinalNewline]),
        );
        cases.add(
            drift(
                "truncate-json-to-half",
                "a JSON file cut in the middle: it no longer parses, and a validator that trusts a parser's partial result passes it",
                "config/release.json",
                &doc,
                cut_mid(&doc, doc.len() / 2),
            )
            .expect([FinalNewline, Content]),
        );
        cases.add(
            drift(
                "truncate-json-closing-brace",
                "the closing brace of a JSON file truncated with the newlines around it: a lenient parser that closes open objects passes it",
                "config/release.json",
                &doc,
                doc[..doc.len() - 3].to_vec(),
            )
            .expect([FinalNewline, Content]),
        );
        cases.add(
            drift(
                "truncate-large-text-last-byte",
                "the trailing LF of a text file over 1 MiB truncated: one byte short at the very end, only the final newline changed",
                "logs/build.log",
                &big_text,
                big_text[..big_text.len() - 1].to_vec(),
            )
            .expect([FinalNewline]),
        );

        // --- appends ----------------------------------------------------------------------
        cases.add(
            drift(
                "append-one-byte",
                "one letter appended after the final newline: a validator that reads only the sealed length passes it",
                "docs/notes.md",
                &notes,
                [notes.as_slice(), b"x"].concat(),
            )
            .expect([FinalNewline, Content]),
        );
        cases.add(
            drift(
                "append-nul",
                "a NUL byte appended: a validator that reads C strings, or stops at NUL, passes it",
                "docs/notes.md",
                &notes,
                [notes.as_slice(), b"\0"].concat(),
            )
            .expect([FinalNewline, Content]),
        );
        cases.add(
            drift(
                "append-tail-without-newline",
                "a tail without a newline appended: the file no longer ends with a newline and holds text the seal never had",
                "docs/notes.md",
                &notes,
                [notes.as_slice(), words(rng, 5).as_bytes()].concat(),
            )
            .canary(canary.clone())
            .expect([FinalNewline, Content]),
        );
        cases.add(
            drift(
                "append-line",
                "a whole line appended, ending with a newline: line endings and final newline unchanged, the text is not",
                "docs/notes.md",
                &notes,
                [notes.as_slice(), format!("{canary}\n").as_bytes()].concat(),
            )
            .canary(canary.clone())
            .expect([Content]),
        );
        cases.add(
            drift(
                "append-newline",
                "one more LF appended after the final newline: the text is the same, only the trailing newlines changed",
                "docs/notes.md",
                &notes,
                [notes.as_slice(), b"\n"].concat(),
            )
            .expect([FinalNewline]),
        );
        cases.add(
            drift(
                "append-large",
                "256 KiB appended to a 2 KiB file, past the diagnosis budget: content, and a validator that reads the whole file to diagnose it reads what it need not",
                "docs/notes.md",
                &notes,
                {
                    let mut out = notes.clone();
                    let w = words(rng, 3);
                    while out.len() < n + 256 * 1024 {
                        out.extend_from_slice(w.as_bytes());
                        out.push(b' ');
                    }
                    out
                },
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "append-to-binary",
                "random bytes appended to a binary file (a payload after the image data): viewers ignore them, the seal does not",
                "assets/logo.png",
                &png,
                [png.as_slice(), &rng.bytes(64)].concat(),
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "append-nul-to-binary",
                "one NUL byte appended to a binary file: a validator that trims trailing NULs (padding) passes it",
                "assets/logo.png",
                &png,
                [png.as_slice(), b"\0"].concat(),
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "append-space-to-json",
                "a space appended to a JSON file: the same JSON value, but the final newline is no longer last, so final-newline and json-reencode",
                "config/release.json",
                &doc,
                [doc.as_slice(), b" "].concat(),
            )
            .expect([FinalNewline, JsonReencode]),
        );
        cases.add(
            drift(
                "append-second-json-document",
                "a second JSON document appended (JSON Lines style): a parser that stops after the first value passes it",
                "config/release.json",
                &doc,
                [doc.as_slice(), b"{\"replicas\": 0}\n"].concat(),
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "prepend-one-byte",
                "one byte inserted before the first byte: every later byte shifted by one",
                "docs/notes.md",
                &notes,
                [b"#".as_slice(), &notes].concat(),
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "insert-one-byte-middle",
                "one byte inserted in the middle of a text file",
                "docs/notes.md",
                &notes,
                {
                    let mut out = notes.clone();
                    out.insert(mid, b'q');
                    out
                },
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "delete-one-byte-middle",
                "one letter deleted in the middle of a text file",
                "docs/notes.md",
                &notes,
                {
                    let mut out = notes.clone();
                    let pos = (mid..n).find(|&i| out[i].is_ascii_lowercase()).unwrap_or(1);
                    out.remove(pos);
                    out
                },
            )
            .expect([Content]),
        );
        cases.add(
            drift(
                "file-doubled",
                "the file's bytes written twice (an append-mode copy): every byte of the seal is there, followed by all of them again",
                "docs/notes.md",
                &notes,
                [notes.as_slice(), &notes].concat(),
            )
            .expect([Content]),
        );
        cases.add(
            Draft::tree(
                "two-files-two-kinds",
                "a binary file bit-flipped and a text file that lost its final newline: a validator that stops at the first finding misses the second",
            )
            .file("assets/logo.png", png.clone())
            .file("docs/notes.md", notes.clone())
            .file("docs/unchanged.md", b"unchanged\n".to_vec())
            .write("assets/logo.png", flip_bit(&png, pmid, pbit))
            .write("docs/notes.md", notes[..n - 1].to_vec())
            .expect([Content, FinalNewline]),
        );
        cases.add(
            Draft::tree(
                "flip-in-cjk-named-file-keyed",
                "a bit flip in a file with a CJK name, under a keyed seal",
            )
            .file(
                "\u{65e5}\u{672c}\u{8a9e}/\u{30e1}\u{30e2}.txt",
                notes.clone(),
            )
            .keyed()
            .write(
                "\u{65e5}\u{672c}\u{8a9e}/\u{30e1}\u{30e2}.txt",
                flip_letter(&notes, mid),
            )
            .expect([Content]),
        );

        // --- controls ---------------------------------------------------------------------
        cases.add(
            Draft::tree(
                "control-untouched-tree",
                "text, JSON, binary, empty and nested files, NFD and CJK names, a complete folder, all unchanged: must pass",
            )
            .file("docs/notes.md", notes.clone())
            .file("config/release.json", doc.clone())
            .file("assets/logo.png", png.clone())
            .file("run/.keep", Vec::new())
            .file("a/b/c/d/e/f/g/h/deep.txt", notes.clone())
            .file("re\u{301}sume\u{301}/d\u{e9}tails/notes.md", accents.clone())
            .file("\u{65e5}\u{672c}\u{8a9e}/\u{30e1}\u{30e2}.txt", rocket.clone())
            .complete("docs")
            .control(),
        );
        cases.add(
            Draft::tree(
                "control-keyed",
                "a keyed seal over text and binary files, checked with the key and unchanged: must pass",
            )
            .file("docs/notes.md", notes.clone())
            .file("assets/logo.png", png.clone())
            .keyed()
            .control(),
        );
        cases.add(
            Draft::tree(
                "control-signed-without-key",
                "a signed seal checked without a key, files unchanged: unauthenticated, but every byte matches, so it must pass",
            )
            .file("config/release.json", doc.clone())
            .file("docs/notes.md", notes[..n - 1].to_vec())
            .signed_without_key()
            .control(),
        );
    }
}
