//! The `bom` family (SPEC 7.2): a UTF-8 byte-order mark added or removed, and text re-encoded
//! as UTF-16 or UTF-32. Editors on some systems add a BOM on save; a validator that strips it
//! before hashing, or decodes the file before comparing, passes bytes that are not the bytes that
//! were sealed.

use super::ProbeFamily;
use super::text::{BOM, wide, with_bom};
use crate::probe::case::Family;
use crate::probe::draft::{Cases, Draft, Seeded};
use crate::seal::Drift;

pub struct Bom;

impl ProbeFamily for Bom {
    fn family(&self) -> Family {
        Family::Bom
    }

    fn draw(&self, cases: &mut Cases, rng: &mut Seeded) {
        let word = rng.word(12);
        let notes = format!("Release notes {word}\nSecond line.\n").into_bytes();
        let config = format!("{{\"release\": \"{word}\", \"replicas\": 3}}\n").into_bytes();
        // A text file over 1 MiB: the validator must not stop early or sample.
        let big: Vec<u8> = (0..30_000)
            .flat_map(|i| format!("line {i:06} of the build log {word}\n").into_bytes())
            .collect();

        cases.add(
            Draft::tree(
                "utf8-bom-added",
                "an editor added a UTF-8 BOM: the bytes differ from the sealed ones even if the text does not",
            )
            .file("docs/notes.md", notes.clone())
            .write("docs/notes.md", with_bom(&notes))
            .expect([Drift::Bom]),
        );
        cases.add(
            Draft::tree(
                "utf8-bom-removed",
                "a tool dropped the UTF-8 BOM the file was sealed with",
            )
            .file("docs/notes.md", with_bom(&notes))
            .write("docs/notes.md", notes.clone())
            .expect([Drift::Bom]),
        );
        cases.add(
            Draft::tree(
                "utf8-bom-added-to-json",
                "a BOM before a JSON document: many parsers skip it, the seal does not",
            )
            .file("config/release.json", config.clone())
            .write("config/release.json", with_bom(&config))
            .expect([Drift::Bom]),
        );
        cases.add(
            Draft::tree(
                "utf8-bom-added-to-large-file",
                "a BOM added to a file over 1 MiB: a validator that compares lengths only, or hashes a prefix, misses nothing here but a BOM",
            )
            .file("logs/build.log", big.clone())
            .write("logs/build.log", with_bom(&big))
            .expect([Drift::Bom]),
        );
        cases.add(
            Draft::tree(
                "utf8-bom-and-crlf",
                "a Windows editor added a BOM and CRLF line endings at once: both must be named",
            )
            .file("docs/notes.md", notes.clone())
            .write(
                "docs/notes.md",
                with_bom(
                    &String::from_utf8_lossy(&notes)
                        .replace('\n', "\r\n")
                        .into_bytes(),
                ),
            )
            .expect([Drift::Bom, Drift::Crlf]),
        );
        cases.add(
            Draft::tree(
                "utf8-bom-added-in-nfd-folder",
                "a BOM added to a file below a folder whose name is in NFD form",
            )
            .file("re\u{301}sume\u{301}/notes.md", notes.clone())
            .write("re\u{301}sume\u{301}/notes.md", with_bom(&notes))
            .expect([Drift::Bom]),
        );
        cases.add(
            Draft::tree(
                "utf8-bom-added-keyed",
                "a BOM added under a keyed seal: the MAC verifies, the bytes still do not",
            )
            .file("docs/notes.md", notes.clone())
            .keyed()
            .write("docs/notes.md", with_bom(&notes))
            .expect([Drift::Bom]),
        );
        cases.add(
            Draft::tree(
                "utf8-bom-added-in-complete-folder",
                "a BOM added to one of many files in a complete folder",
            )
            .file("docs/a.md", notes.clone())
            .file("docs/b.md", b"b\n".to_vec())
            .file("docs/c.md", b"c\n".to_vec())
            .complete("docs")
            .write("docs/b.md", with_bom(b"b\n"))
            .expect([Drift::Bom]),
        );
        cases.add(
            Draft::tree(
                "double-bom",
                "two BOMs: a validator that strips one still sees a zero-width character the seal never held",
            )
            .file("docs/notes.md", notes.clone())
            .write("docs/notes.md", [BOM, BOM, &notes].concat())
            .expect([Drift::Bom, Drift::Unicode]),
        );
        for (name, width, little) in [
            ("utf16le-reencoded", 2, true),
            ("utf16be-reencoded", 2, false),
            ("utf32le-reencoded", 4, true),
            ("utf32be-reencoded", 4, false),
        ] {
            let text = String::from_utf8_lossy(&notes).into_owned();
            cases.add(
                Draft::tree(
                    name,
                    "text re-encoded as UTF-16/32 with a BOM: a validator that decodes before comparing sees the same text",
                )
                .file("docs/notes.md", notes.clone())
                .write("docs/notes.md", wide(&text, width, little, true))
                .expect([Drift::Content]),
            );
        }

        // Controls: a BOM that was sealed and is still there, under every seal flavour.
        cases.add(
            Draft::tree(
                "control-bom-kept",
                "a file sealed with a BOM and unchanged must pass",
            )
            .file("docs/notes.md", with_bom(&notes))
            .file("config/release.json", with_bom(&config))
            .control(),
        );
        cases.add(
            Draft::tree(
                "control-bom-kept-keyed",
                "a keyed seal over files with BOMs, checked with the key, must pass",
            )
            .file("docs/notes.md", with_bom(&notes))
            .keyed()
            .control(),
        );
        cases.add(
            Draft::tree(
                "control-large-file-unchanged",
                "a file over 1 MiB sealed with a BOM and unchanged must pass",
            )
            .file("logs/build.log", with_bom(&big))
            .signed_without_key()
            .control(),
        );
    }
}
