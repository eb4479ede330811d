//! The `resource` family (SPEC 7.2): hostile sizes and shapes, where a validator that is right on
//! small trees runs out of time, memory, stack or path buffer, or gives up and passes. Thousands
//! of files and findings, folders hundreds deep, names at and past the 255-byte limit, total
//! paths past PATH_MAX, sparse files of many GiB sealed small, a seal over the 256 MiB limit.
//! Every case must end fast and fail closed (or pass, for the controls) with bounded reading: at most the
//! sealed length plus one byte on the fast path, twice it plus 64 KiB for diagnosis.

use super::ProbeFamily;
use crate::probe::case::Family;
use crate::probe::draft::{Cases, Draft, Seeded};
use crate::seal::{Drift, SEAL_SIZE_LIMIT, SealErrorClass};

pub struct Resource;

const GIB: u64 = 1024 * 1024 * 1024;

/// The `i`-th small file of a big tree: a short seeded line.
fn small(i: usize, word: &str) -> Vec<u8> {
    format!("item {i} of {word}\n").into_bytes()
}

/// Adds `n` small files `folder/item-NNNNN.txt` to the honest tree.
fn many(mut d: Draft, folder: &str, n: usize, word: &str) -> Draft {
    for i in 0..n {
        d = d.file(&format!("{folder}/item-{i:05}.txt"), small(i, word));
    }
    d
}

/// `len` pseudo-random bytes from `seed` (xorshift: a 9 MiB blob drawn byte by byte from the
/// family's generator would slow every listing of the suite).
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// A path of `depth` one-letter folders (`a/b/c/...`).
fn deep(depth: usize) -> String {
    (0..depth)
        .map(|i| char::from(b'a' + (i % 26) as u8).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// A path of `n` components of `len` bytes each (`000...0/000...1/...`).
fn long_path(n: usize, len: usize) -> String {
    (0..n)
        .map(|i| format!("{i:0>len$}"))
        .collect::<Vec<_>>()
        .join("/")
}

impl ProbeFamily for Resource {
    fn family(&self) -> Family {
        Family::Resource
    }

    fn draw(&self, cases: &mut Cases, rng: &mut Seeded) {
        let word = rng.word(12);
        let readme = format!("# {word}\n\nA tree with hostile shapes.\n").into_bytes();

        // --- huge entry counts ----------------------------------------------------------------
        let mut big = Draft::tree(
            "control-2000-files",
            "2,000 small files in 20 folders under a complete root and a keyed seal, untouched, must pass: a validator that caps its work refuses a big honest release",
        )
        .file("README.md", readme.clone())
        .complete(".")
        .keyed();
        for f in 0..20 {
            big = many(big, &format!("pkg/m{f:02}"), 100, &word);
        }
        cases.add(big.control());

        let n = 500;
        let wide = 1_000;
        let pos = rng.below(wide);
        cases.add(
            many(
                Draft::tree(
                    "many-files-one-unsealed",
                    "one unsealed file among 1,000 in a complete folder, at a seeded place in the listing: a walker that samples or stops at a count misses it",
                ),
                "spool",
                wide,
                &word,
            )
            .complete("spool")
            .write(format!("spool/item-{pos:05}.txt.orig"), small(pos, &word))
            .expect([Drift::Unsealed]),
        );
        cases.add(
            many(
                Draft::tree(
                    "many-files-last-changed",
                    "the last of 500 sealed files (in path order) has one byte changed: a validator that gives up after a budget misses it",
                ),
                "spool",
                n,
                &word,
            )
            .write(
                format!("spool/item-{:05}.txt", n - 1),
                format!("item {} of {word}!\n", n - 1).into_bytes(),
            )
            .expect([Drift::Content]),
        );
        let gone = rng.below(n);
        cases.add(
            many(
                Draft::tree(
                    "many-files-one-missing",
                    "one of 500 sealed files, at a seeded place, is missing: every artifact must be opened, not a sample",
                ),
                "spool",
                n,
                &word,
            )
            .remove(format!("spool/item-{gone:05}.txt"))
            .expect([Drift::Missing]),
        );
        let mut all_gone = Draft::tree(
            "many-artifacts-none-present",
            "a seal of 4,000 artifacts over an empty root: 4,000 findings, reported in bounded time, never truncated into a pass",
        );
        for i in 0..4_000 {
            let p = format!("gone/g{:02}/item-{i:05}.txt", i % 80);
            all_gone = all_gone.file(&p, small(i, &word)).remove(p);
        }
        cases.add(all_gone.expect([Drift::Missing]));
        let mut flood = Draft::tree(
            "many-unsealed-files",
            "400 files dropped into a complete folder: every one is unsealed, and the report must stay bounded in time",
        )
        .file("inbox/README.md", readme.clone())
        .complete("inbox");
        for i in 0..400 {
            flood = flood.write(format!("inbox/drop-{i:05}.bin"), vec![(i % 251) as u8; 8]);
        }
        cases.add(flood.expect([Drift::Unsealed]));
        let mut fifos = Draft::tree(
            "many-unsealed-fifos",
            "150 FIFOs dropped into a complete folder: a walker that opens entries to look at them blocks on the first",
        )
        .file("run/README.md", readme.clone())
        .complete("run");
        for i in 0..150 {
            fifos = fifos.fifo(format!("run/pipe-{i:03}"));
        }
        cases.add(fifos.expect([Drift::Unsealed]));
        let mut links = many(
            Draft::tree(
                "many-sealed-files-now-symlinks",
                "150 sealed files each replaced by a symlink to an identical copy: 150 not-regular findings, no link followed",
            ),
            "lib",
            150,
            &word,
        );
        for i in 0..150 {
            links = links
                .write(format!("copy/item-{i:05}.txt"), small(i, &word))
                .symlink(
                    format!("lib/item-{i:05}.txt"),
                    format!("../copy/item-{i:05}.txt"),
                );
        }
        cases.add(links.expect([Drift::NotRegular]));
        let mut mixed = Draft::tree(
            "many-files-mixed-drift",
            "300 files: a third gained a BOM, a third got CRLF, a third are gone: every class of every finding must be named",
        );
        for i in 0..300 {
            let p = format!("mix/item-{i:05}.txt");
            let body = format!("item {i} of {word}\nsecond line\n");
            mixed = mixed.file(&p, body.clone());
            mixed = match i % 3 {
                0 => mixed.write(p, format!("\u{feff}{body}")),
                1 => mixed.write(p, body.replace('\n', "\r\n")),
                _ => mixed.remove(p),
            };
        }
        cases.add(mixed.expect([Drift::Bom, Drift::Crlf, Drift::Missing]));
        let mut empties = Draft::tree(
            "many-empty-folders-one-unsealed",
            "400 empty folders in a complete folder and one unsealed file in the last: folders need no seal, but they must all be walked",
        )
        .file("tree/README.md", readme.clone())
        .complete("tree");
        for i in 0..400 {
            empties = empties.folder(format!("tree/f{i:04}"));
        }
        cases.add(
            empties
                .write("tree/f0399/late.txt", b"late\n".to_vec())
                .expect([Drift::Unsealed]),
        );

        let mut twins = Draft::tree(
            "many-case-twins-one-folder",
            "500 sealed files in one folder all renamed to upper case: each is path-unicode, found in bounded time (a twin search that lists the folder again for every missing file is quadratic)",
        );
        for i in 0..500 {
            let p = format!("share/file-{i:04}.txt");
            twins = twins
                .file(&p, small(i, &word))
                .rename(p, format!("share/FILE-{i:04}.TXT"));
        }
        cases.add(twins.expect([Drift::PathUnicode]));
        let mut fifo_paths = many(
            Draft::tree(
                "many-fifos-at-sealed-paths",
                "100 sealed files each replaced by a FIFO nobody writes to: a validator that opens one blocking hangs 100 times",
            ),
            "io",
            100,
            &word,
        );
        for i in 0..100 {
            fifo_paths = fifo_paths.fifo(format!("io/item-{i:05}.txt"));
        }
        cases.add(fifo_paths.expect([Drift::NotRegular]));
        let mut folders = Draft::tree(
            "many-complete-folders-one-unsealed",
            "100 complete folders of one file each, and one unsealed file in the last: every complete folder is listed, not the first few",
        );
        for i in 0..100 {
            folders = folders
                .file(&format!("parts/p{i:03}/part.txt"), small(i, &word))
                .complete(&format!("parts/p{i:03}"));
        }
        cases.add(
            folders
                .write("parts/p099/extra.txt", b"extra\n".to_vec())
                .expect([Drift::Unsealed]),
        );
        let mut declared = Draft::tree(
            "many-complete-folders-missing",
            "a seal that declares 300 complete folders, none of which exists: each is a finding, none is skipped",
        )
        .file("README.md", readme.clone());
        for i in 0..300 {
            declared = declared.complete(&format!("gone/c{i:03}"));
        }
        cases.add(declared.expect([Drift::Missing]));
        let mut long_missing = Draft::tree(
            "many-long-names-missing",
            "200 sealed files with 255-byte names, all gone: long names in many findings, each reported whole",
        )
        .file("README.md", readme.clone());
        for i in 0..200 {
            let p = format!("long/{i:0>255}");
            long_missing = long_missing.file(&p, small(i, &word)).remove(p);
        }
        cases.add(long_missing.folder("long").expect([Drift::Missing]));
        let mut too_long = Draft::tree(
            "many-names-too-long",
            "300 sealed names of 256 to 555 bytes: 300 ENAMETOOLONG errors, each unreadable, none taken for a pass",
        )
        .file("names/index.md", readme.clone());
        for i in 0..300 {
            let p = format!("names/{}", "z".repeat(256 + i));
            too_long = too_long.file(&p, small(i, &word)).remove(p);
        }
        cases.add(too_long.expect([Drift::Unreadable]));
        let mut tokens = Draft::tree(
            "many-unsealed-token-shaped-names",
            "50 files named like production grant bodies dropped into a complete folder: every finding is unsealed and every name redacted",
        )
        .file("drop/README.md", readme.clone())
        .complete("drop");
        for i in 0..50 {
            let name = format!(
                "cutover.{:016x}.{}.{}",
                rng.number(),
                1_900_000_000 + i,
                rng.word(24)
            );
            tokens = tokens
                .write(format!("drop/{name}"), b"x\n".to_vec())
                .canary(name);
        }
        cases.add(tokens.expect([Drift::Unsealed]));

        // --- deep nesting -------------------------------------------------------------------
        let d200 = deep(200);
        let d120 = deep(120);
        cases.add(
            Draft::tree(
                "control-deep-200-complete",
                "a file 200 folders deep in a complete folder, untouched, must pass: the walk limit (512) is above it",
            )
            .file(&format!("deep/{d200}/leaf.txt"), readme.clone())
            .file("deep/top.txt", readme.clone())
            .complete("deep")
            .control(),
        );
        cases.add(
            Draft::tree(
                "deep-120-changed",
                "a file 120 folders deep changed: a validator that stops descending, or recurses without bound, must still fail it",
            )
            .file(&format!("deep/{d120}/leaf.txt"), readme.clone())
            .write(format!("deep/{d120}/leaf.txt"), format!("{word}\n").into_bytes())
            .expect([Drift::Content]),
        );
        let d250 = deep(250);
        cases.add(
            Draft::tree(
                "deep-250-unsealed-at-bottom",
                "an unsealed file 250 folders below a complete folder, within the walk limit: it must be found",
            )
            .file("deep/top.txt", readme.clone())
            .complete("deep")
            .write(format!("deep/{d250}/planted.sh"), b"#!/bin/sh\n".to_vec())
            .expect([Drift::Unsealed]),
        );
        let d600 = deep(600);
        cases.add(
            Draft::tree(
                "deep-600-beyond-walk-limit",
                "an unsealed file 600 folders below a complete folder, past the walk limit of 512: the listing cannot be finished, and that must fail, never pass",
            )
            .file("deep/top.txt", readme.clone())
            .complete("deep")
            .write(format!("deep/{d600}/planted.sh"), b"#!/bin/sh\n".to_vec())
            .expect([Drift::Unreadable]),
        );
        let d280 = deep(280);
        cases.add(
            Draft::tree(
                "control-deep-280-file",
                "a file sealed by name 280 folders deep (no complete folder, so no walk limit applies), untouched, must pass: opening it walks 280 components",
            )
            .file(&format!("{d280}/leaf.txt"), readme.clone())
            .control(),
        );
        cases.add(
            Draft::tree(
                "deep-280-changed",
                "a file 280 folders deep changed: a validator that recurses per component or builds the full path must not crash",
            )
            .file(&format!("{d280}/leaf.txt"), readme.clone())
            .write(format!("{d280}/leaf.txt"), b"changed\n".to_vec())
            .expect([Drift::Content]),
        );
        cases.add(
            Draft::tree(
                "deep-150-missing",
                "a file 150 folders deep is gone, its folders kept: missing at the bottom of a long walk",
            )
            .file(&format!("{}/leaf.txt", deep(150)), readme.clone())
            .file("top.txt", readme.clone())
            .remove(format!("{}/leaf.txt", deep(150)))
            .folder(deep(150))
            .expect([Drift::Missing]),
        );
        cases.add(
            Draft::tree(
                "deep-symlink-on-the-way",
                "a folder 80 levels down on the way to a sealed file is a symlink to an identical copy",
            )
            .file(&format!("{d120}/leaf.txt"), readme.clone())
            .rename(
                format!("{d120}/leaf.txt"),
                format!("mirror/{}/leaf.txt", &d120[160..]),
            )
            .symlink(deep(80), format!("{}mirror", "../".repeat(79)))
            .expect([Drift::NotRegular]),
        );

        let mut shelf = Draft::tree(
            "control-many-files-deep-folder",
            "150 files in one folder 60 levels below a complete folder, untouched, must pass",
        )
        .complete("vault");
        for i in 0..150 {
            shelf = shelf.file(
                &format!("vault/{}/item-{i:03}.txt", deep(60)),
                small(i, &word),
            );
        }
        cases.add(shelf.control());
        cases.add(
            Draft::tree(
                "deep-600-and-unsealed-at-top",
                "a complete folder with an unsealed file at its top and a chain 600 folders deep beside it: the walk limit must not hide the unsealed file it already saw",
            )
            .file("deep/top.txt", readme.clone())
            .complete("deep")
            .write("deep/planted.sh", b"#!/bin/sh\n".to_vec())
            .folder(format!("deep/{d600}"))
            .expect([Drift::Unsealed, Drift::Unreadable]),
        );

        // --- long names and paths -------------------------------------------------------------
        let name255 = format!("{}.txt", "n".repeat(251));
        let cjk85: String = "長".repeat(85);
        cases.add(
            Draft::tree(
                "control-name-255-bytes",
                "names of exactly 255 bytes (ASCII, and 85 three-byte CJK characters), untouched, must pass: the limit is inclusive",
            )
            .file(&format!("names/{name255}"), readme.clone())
            .file(&format!("names/{cjk85}"), readme.clone())
            .control(),
        );
        cases.add(
            Draft::tree(
                "name-255-bytes-changed",
                "a file with a 255-byte name changed: a validator that truncates long names in its path buffer checks another file",
            )
            .file(&format!("names/{name255}"), readme.clone())
            .write(format!("names/{name255}"), format!("{word}\n").into_bytes())
            .expect([Drift::Content]),
        );
        for (name, why, component) in [
            (
                "name-256-bytes-unreadable",
                "a sealed name of 256 bytes: no file system here can hold it, the open fails with ENAMETOOLONG, and that must fail closed as unreadable",
                "n".repeat(256),
            ),
            (
                "name-86-cjk-unreadable",
                "a sealed name of 86 CJK characters is 258 bytes: a validator that counts characters thinks it fits; the open fails with ENAMETOOLONG",
                "長".repeat(86),
            ),
            (
                "name-64-emoji-unreadable",
                "a sealed name of 64 emoji is 256 bytes, one past the limit: the open fails with ENAMETOOLONG",
                "🚀".repeat(64),
            ),
            (
                "name-4000-bytes-unreadable",
                "a sealed name of 4,000 bytes: a validator with a fixed path buffer overflows or truncates it",
                "x".repeat(4_000),
            ),
        ] {
            cases.add(
                Draft::tree(name, why)
                    .file("names/index.md", readme.clone())
                    .file(&format!("names/{component}"), readme.clone())
                    .remove(format!("names/{component}"))
                    .expect([Drift::Unreadable]),
            );
        }
        let long_folder = "f".repeat(300);
        cases.add(
            Draft::tree(
                "folder-300-bytes-unreadable",
                "a sealed file below a folder whose name is 300 bytes: the folder cannot be opened (ENAMETOOLONG), so the file is unreadable",
            )
            .file("README.md", readme.clone())
            .file(&format!("{long_folder}/inner.txt"), readme.clone())
            .remove(format!("{long_folder}/inner.txt"))
            .expect([Drift::Unreadable]),
        );
        cases.add(
            Draft::tree(
                "name-256-bytes-at-root-keyed",
                "a sealed 256-byte name directly under the root, under a keyed seal: the MAC verifies, the file cannot be opened",
            )
            .file("README.md", readme.clone())
            .file(&"r".repeat(256), readme.clone())
            .keyed()
            .remove("r".repeat(256))
            .expect([Drift::Unreadable]),
        );
        cases.add(
            Draft::tree(
                "complete-folder-name-too-long",
                "a complete folder whose name is 256 bytes: neither its file nor its listing can be read, and both must fail closed",
            )
            .file("README.md", readme.clone())
            .file(&format!("{}/a.txt", "c".repeat(256)), readme.clone())
            .complete(&"c".repeat(256))
            .remove(format!("{}/a.txt", "c".repeat(256)))
            .expect([Drift::Unreadable]),
        );
        cases.add(
            Draft::tree(
                "unsealed-255-byte-name",
                "an unsealed file with a 255-byte name in a complete folder: found and reported (escaped, whole), not cut",
            )
            .file("inbox/README.md", readme.clone())
            .complete("inbox")
            .write(format!("inbox/{name255}"), b"x\n".to_vec())
            .expect([Drift::Unsealed]),
        );
        cases.add(
            Draft::tree(
                "name-nfd-258-bytes-unreadable",
                "a sealed NFD name of 86 e-acute (258 bytes, 172 in NFC): a validator that measures the normalized name thinks it fits",
            )
            .file("names/index.md", readme.clone())
            .file(&format!("names/{}", "e\u{301}".repeat(86)), readme.clone())
            .remove(format!("names/{}", "e\u{301}".repeat(86)))
            .expect([Drift::Unreadable]),
        );
        cases.add(
            Draft::tree(
                "unsealed-symlink-long-target",
                "a symlink with a 4,000-byte target dropped into a complete folder: listed as unsealed, never resolved",
            )
            .file("inbox/README.md", readme.clone())
            .complete("inbox")
            .symlink("inbox/link", format!("{}/x", "../".repeat(1_333)))
            .expect([Drift::Unsealed]),
        );
        let lp = long_path(12, 250);
        cases.add(
            Draft::tree(
                "control-long-total-path",
                "a file at a 3,000-byte path (12 components of 250 bytes), untouched, must pass",
            )
            .file(&format!("{lp}/leaf.txt"), readme.clone())
            .control(),
        );
        cases.add(
            Draft::tree(
                "long-total-path-changed",
                "a file at a 3,000-byte path changed: a validator that truncates paths checks another file",
            )
            .file(&format!("{lp}/leaf.txt"), readme.clone())
            .write(format!("{lp}/leaf.txt"), b"changed\n".to_vec())
            .expect([Drift::Content]),
        );
        cases.add(
            Draft::tree(
                "control-long-path-in-complete-folder",
                "a 3,000-byte path inside a complete folder, untouched, must pass: the walker builds long paths too",
            )
            .file(&format!("box/{lp}/leaf.txt"), readme.clone())
            .complete("box")
            .control(),
        );
        cases.add(
            Draft::tree(
                "long-path-unsealed-in-complete-folder",
                "an unsealed file at a 3,000-byte path inside a complete folder: found, reported, not cut",
            )
            .file("box/README.md", readme.clone())
            .complete("box")
            .write(format!("box/{lp}/planted.txt"), b"x\n".to_vec())
            .expect([Drift::Unsealed]),
        );
        let beyond = format!("{lp}/{}/leaf.txt", long_path(8, 250));
        cases.add(
            Draft::tree(
                "path-beyond-path-max",
                "a sealed path of 5,000 bytes, longer than PATH_MAX, whose first 3,000 bytes exist as folders: walked component by component, the rest is missing",
            )
            .file("README.md", readme.clone())
            .file(&beyond, readme.clone())
            .remove(beyond.clone())
            .folder(lp.clone())
            .expect([Drift::Missing]),
        );

        // --- endless and large files ----------------------------------------------------------
        for (name, why, len) in [
            (
                "sparse-8-gib-sealed-small",
                "a file sealed at a few bytes is now 8 GiB of holes: read the sealed length plus one byte, then stop",
                8 * GIB,
            ),
            (
                "sparse-256-gib-sealed-small",
                "a file sealed at a few bytes is now 256 GiB: a validator that reads to the end never finishes",
                256 * GIB,
            ),
            (
                "sparse-1-tib-sealed-small",
                "a file sealed at a few bytes is now 1 TiB of holes: diagnosis reads at most twice the sealed length plus 64 KiB",
                1024 * GIB,
            ),
        ] {
            cases.add(
                Draft::tree(name, why)
                    .file("README.md", readme.clone())
                    .file("data/blob.bin", readme.clone())
                    .sparse("data/blob.bin", readme.clone(), len)
                    .expect([Drift::Content]),
            );
        }
        let doc = format!("{{\n  \"release\": \"{word}\",\n  \"replicas\": 3\n}}\n");
        cases.add(
            Draft::tree(
                "sparse-json-sealed-small",
                "a small JSON file now 8 GiB, starting with the sealed document: diagnosis must not load it to look for a JSON layer",
            )
            .file("config/release.json", doc.clone())
            .sparse("config/release.json", doc.clone(), 8 * GIB)
            .expect([Drift::Content]),
        );
        cases.add(
            Draft::tree(
                "sparse-endless-keyed-deep",
                "a sealed file 40 folders deep, under a keyed seal, now 32 GiB of holes",
            )
            .file(&format!("{}/app.log", deep(40)), readme.clone())
            .keyed()
            .sparse(format!("{}/app.log", deep(40)), readme.clone(), 32 * GIB)
            .expect([Drift::Content]),
        );
        cases.add(
            Draft::tree(
                "sparse-endless-in-complete-folder",
                "a sealed file in a complete folder now 64 GiB: the file fails as content, the listing needs no read at all",
            )
            .file("var/app.log", readme.clone())
            .file("var/README.md", readme.clone())
            .complete("var")
            .sparse("var/app.log", readme.clone(), 64 * GIB)
            .expect([Drift::Content]),
        );
        let log: Vec<u8> = (0..400)
            .flat_map(|i| format!("{i:04} {word} request served\n").into_bytes())
            .collect();
        cases.add(
            Draft::tree(
                "sparse-trailing-holes-within-bound",
                "a crashed writer left the sealed log followed by 20 KiB of holes (NUL bytes): within the diagnosis bound, the final newline is gone and the content changed",
            )
            .file("logs/access.log", log.clone())
            .sparse("logs/access.log", log.clone(), log.len() as u64 + 20 * 1024)
            .expect([Drift::FinalNewline, Drift::Content]),
        );
        cases.add(
            Draft::tree(
                "sparse-preallocated-same-length",
                "a file preallocated at the sealed length but only its first 100 bytes written: same length, holes where text was",
            )
            .file("logs/access.log", log.clone())
            .sparse("logs/access.log", log[..100].to_vec(), log.len() as u64)
            .expect([Drift::FinalNewline, Drift::Content]),
        );
        let mut sparse_many = Draft::tree(
            "many-endless-files",
            "50 sealed files each replaced by a 4 GiB sparse file starting with the sealed bytes: the bound holds per file, not only once",
        );
        for i in 0..50 {
            let p = format!("logs/day-{i:02}.log");
            sparse_many = sparse_many
                .file(&p, small(i, &word))
                .sparse(p, small(i, &word), 4 * GIB);
        }
        cases.add(sparse_many.expect([Drift::Content]));
        let mut blob = noise(rng.number(), 9 * 1024 * 1024 + 17);
        blob[0] = 0xFF; // never text: the drift must be found by the bytes alone
        let mut flipped = blob.clone();
        let at = flipped.len() - 1 - rng.below(64);
        flipped[at] ^= 0x20;
        cases.add(
            Draft::tree(
                "big-binary-late-flip",
                "a 9 MiB binary file with one bit flipped in its last 64 bytes: hashed by the pipelined reader, it must still fail",
            )
            .file("dist/app.bin", blob)
            .write("dist/app.bin", flipped)
            .expect([Drift::Content]),
        );
        let cjk: String = (0..70_000)
            .map(|i| ['豈', '更', '車', '賈'][i % 4])
            .collect();
        let mut compat = cjk.clone();
        let late = compat
            .char_indices()
            .nth(69_000 + rng.below(900))
            .map_or(0, |(i, _)| i);
        // U+8C48 (豈) replaced by U+F900, its CJK compatibility twin: NFKC maps one to the other.
        let tail: String = compat[late..].replacen('豈', "\u{f900}", 1);
        compat.truncate(late);
        compat.push_str(&tail);
        cases.add(
            Draft::tree(
                "long-text-without-ascii",
                "200 KiB of CJK text without one ASCII byte, one ideograph swapped late for its compatibility twin: N2 in bounded pieces still names unicode",
            )
            .file("docs/poem.txt", cjk)
            .write("docs/poem.txt", compat)
            .expect([Drift::Unicode]),
        );

        // --- the seal itself ----------------------------------------------------------------
        cases.add(
            Draft::seal(
                "seal-over-size-limit",
                "a seal of 256 MiB plus one byte (valid JSON, padded with whitespace): refused as seal-size before it is parsed, never read whole",
            )
            .file("README.md", readme.clone())
            .pad_seal_to(SEAL_SIZE_LIMIT as u64 + 1)
            .expect([SealErrorClass::Size]),
        );
    }
}
