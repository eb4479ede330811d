//! The windowed scan finds exactly what a scan of the whole input finds (issue #12, acceptance
//! 1): a secret planted in every encoding, at every offset around a window edge, for window
//! sizes down to the minimum, is found once, with the same offsets, lines and columns.

mod common;

use common::plant::{ENCODINGS, plant};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use sealprobe::leak::stream::{MIN_WINDOW, StreamScan, Windows, scan_inline};
use sealprobe::leak::{Finding, Kind, Scanner, ScannerBuilder};
use sealprobe::report::scan as render;
use sealprobe::strict_json::Position;

fn scanner(secret: &str) -> Scanner {
    ScannerBuilder::new()
        .secret(secret)
        .rules(sealprobe::leak::rules::builtin())
        .build()
        .unwrap()
}

/// The scan of the whole input in memory, with positions: the reference.
fn whole(scanner: &Scanner, text: &[u8]) -> Vec<(Finding, Position)> {
    render::locate(b"-", text, scanner.scan(text))
        .into_iter()
        .map(|l| (l.finding, l.position))
        .collect()
}

/// The windowed scan, fed in chunks of the given sizes (cycled), flushing after each when
/// `flush` is set, as the reader thread does when its writer is slow. With `head`, each chunk is
/// handed over whole with that many bytes of room in front ([`StreamScan::push_chunk`]), in the
/// buffer the last hand-over gave back, whose old bytes are left in place (as the reader thread
/// does); the room is filled with junk first, so a byte read from it that the scan did not
/// write there shows.
fn windowed(
    scanner: &Scanner,
    windows: Windows,
    text: &[u8],
    chunks: &[usize],
    flush: bool,
    head: Option<usize>,
) -> Vec<(Finding, Position)> {
    let mut found = Vec::new();
    let mut out = |f: Finding, p: Position| found.push((f, p));
    let mut stream = StreamScan::new(scanner, windows);
    let mut spare: Vec<u8> = Vec::new();
    let mut at = 0;
    for size in chunks.iter().cycle() {
        if at >= text.len() {
            break;
        }
        let end = (at + size.max(&1)).min(text.len());
        match head {
            Some(head) => {
                let mut chunk = std::mem::take(&mut spare);
                chunk.resize(head.max(chunk.len()), 0);
                chunk[..head].fill(b'Z');
                chunk.truncate(head);
                chunk.extend_from_slice(&text[at..end]);
                spare = stream.push_chunk(chunk, head, &mut out);
            }
            None => stream.push(&text[at..end], &mut out),
        }
        if flush {
            stream.flush(&mut out);
        }
        at = end;
    }
    assert_eq!(stream.finish(&mut out), text.len());
    found
}

/// Filler text of `len` bytes: words, punctuation and line breaks, from a seed.
fn filler(len: usize, seed: u64) -> Vec<u8> {
    let alphabet = b"abcdefghijklmnopqrstuvwxyz   ,.:=\n";
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            alphabet[(x % alphabet.len() as u64) as usize]
        })
        .collect()
}

fn secret_strategy() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[A-Za-z0-9._~!@#$*()\\[\\]{}:,=+/-]{16,40}").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/leak_streaming.txt",
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_secret_across_a_window_edge_is_found_once_where_the_whole_scan_finds_it(
        secret in secret_strategy(),
        window in MIN_WINDOW..1024usize,
        pieces in 1usize..4,
        align in 0usize..3,
        seed in any::<u64>(),
    ) {
        let scanner = scanner(&secret);
        let id = sealprobe::leak::scan::fingerprint(secret.as_bytes());
        let windows = Windows { window, pieces };
        // The edge between the first and the second segment, with the reach of context behind
        // it; the text runs on for more than the reach after it.
        let edge = window * pieces * (1 + scanner.reach() / (window * pieces));
        for encoding in ENCODINGS {
            let planted = plant(&secret, encoding, align);
            let before = filler(edge + 2, seed);
            let after = filler(scanner.reach() * 2 + 64, seed.rotate_left(17));
            // Every start from "ends just before the edge" to "starts just after it".
            for start in edge - planted.len() - 1..=edge + 1 {
                let mut text = before[..start].to_vec();
                text.push(b' ');
                text.extend_from_slice(planted.as_bytes());
                text.push(b' ');
                text.extend_from_slice(&after);
                let reference = whole(&scanner, &text);
                let ours = windowed(&scanner, windows, &text, &[text.len()], false, None);
                prop_assert_eq!(&ours, &reference, "{} at {} (edge {})", encoding, start, edge);
                let secrets: Vec<_> = ours
                    .iter()
                    .filter(|(f, _)| f.kind == Kind::Secret && f.id == id)
                    .collect();
                prop_assert_eq!(secrets.len(), 1, "{} at {}: {:?}", encoding, start, secrets);
                prop_assert!(!secrets[0].0.partial, "{} at {}: partial", encoding, start);
            }
        }
    }

    #[test]
    fn chunks_and_flushes_at_any_size_change_nothing(
        secret in secret_strategy(),
        window in MIN_WINDOW..2048usize,
        pieces in 1usize..4,
        chunks in proptest::collection::vec(1usize..3000, 1..8),
        which in 0..ENCODINGS.len(),
        align in 0usize..3,
        seed in any::<u64>(),
        at in 0usize..12_000,
        head in 0usize..8_000,
    ) {
        let scanner = scanner(&secret);
        let planted = plant(&secret, ENCODINGS[which], align);
        let mut text = filler(at, seed);
        text.push(b'\n');
        text.extend_from_slice(planted.as_bytes());
        text.extend_from_slice(b" spg1.cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4wY9bC1dF6gH0jK5lA8sE3uI7oP2q\n");
        text.extend_from_slice(&filler(12_000 - at, !seed));
        let reference = whole(&scanner, &text);
        prop_assert!(reference.iter().any(|(f, _)| f.kind == Kind::Rule));
        for flush in [false, true] {
            for head in [None, Some(head)] {
                let ours = windowed(&scanner, Windows { window, pieces }, &text, &chunks, flush, head);
                prop_assert_eq!(&ours, &reference, "flush {}, head {:?}", flush, head);
            }
        }
    }
}

/// Lines are counted across windows of every size: smaller than the scanner's reach, and
/// larger (where a step lets go of its bytes in the middle of its last window, and the count
/// there is made from the window's own count).
#[test]
fn a_reader_is_scanned_to_its_end_with_lines_counted_across_windows() {
    let secret = "cutover-key-7f3a9c2b1d4e5f60-Zk3pQ8vX2mN7tR4wY9bC";
    let scanner = scanner(secret);
    let mut text = Vec::new();
    let mut expected = Vec::new();
    for i in 0..20_000 {
        text.extend_from_slice(format!("line {i} of the log\n").as_bytes());
        if i % 500 == 7 {
            let line = text.iter().filter(|&&b| b == b'\n').count() + 1;
            expected.push((line, text.len()));
            text.extend_from_slice(format!("{secret}\n").as_bytes());
        }
    }
    let reach = scanner.reach();
    for (window, pieces) in [
        (MIN_WINDOW, 2),
        (reach + 100, 1),
        (3 * reach + 7, 2),
        (20_000, 3),
    ] {
        let windows = Windows { window, pieces };
        let mut found = Vec::new();
        let size =
            scan_inline(&scanner, windows, &text[..], &mut |f, p| found.push((f, p))).unwrap();
        assert_eq!(size, text.len());
        let got: Vec<(usize, usize)> = found.iter().map(|(_, p)| (p.line, p.offset)).collect();
        assert_eq!(got, expected, "windows of {window}, {pieces} at a time");
        assert!(found.iter().all(|(_, p)| p.column == 1));
    }
}

/// A reader that gives whole chunks (as a file does) except at the reads listed, which come back
/// short (as a pipe's do).
struct Reads {
    text: std::io::Cursor<Vec<u8>>,
    count: usize,
    short: Vec<usize>,
}

impl std::io::Read for Reads {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.count += 1;
        let len = if self.short.contains(&self.count) {
            buf.len().min(1000 + self.count)
        } else {
            buf.len()
        };
        self.text.read(&mut buf[..len])
    }
}

/// The reader thread's scan: whole chunks (a file) wait for the next one rather than scanning
/// the windows buffered, short reads (a pipe) are scanned at once. Over segments of several
/// chunks, with short reads between, the findings, offsets and lines are those of one scan of
/// the whole input.
#[test]
fn a_file_read_in_whole_chunks_is_scanned_as_the_whole_scan_finds_it() {
    use sealprobe::leak::stream::{Event, scan_reader};
    let secret = "cutover-key-7f3a9c2b1d4e5f60-Zk3pQ8vX2mN7tR4wY9bC";
    let scanner = scanner(secret);
    let mut text = Vec::new();
    let mut i = 0usize;
    while text.len() < 7 << 20 {
        text.extend_from_slice(format!("line {i} of the log, nothing to see\n").as_bytes());
        if i % 5_000 == 17 {
            text.extend_from_slice(format!("key={secret} grant=spg1.cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4wY9bC1dF6gH0jK5lA8sE3uI7oP2q\n").as_bytes());
        }
        i += 1;
    }
    let reference = whole(&scanner, &text);
    assert!(reference.len() > 20, "{}", reference.len());
    for (window, pieces, short) in [
        (256 << 10, 6, vec![]),
        (300 << 10, 5, vec![3, 4, 9]),
        (1 << 20, 2, vec![2]),
    ] {
        let reader = Reads {
            text: std::io::Cursor::new(text.clone()),
            count: 0,
            short,
        };
        let mut found = Vec::new();
        let size = scan_reader(&scanner, Windows { window, pieces }, reader, &mut |e| {
            if let Event::Found(f, p) = e {
                found.push((f, p));
            }
            true
        })
        .unwrap();
        assert_eq!(size, text.len());
        assert_eq!(found, reference, "windows of {window}, {pieces} at a time");
    }
}
