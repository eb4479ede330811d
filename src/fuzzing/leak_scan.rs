//! The `leak_scan` target: a secret planted in any of six encodings is found whole, and the
//! windowed scan of a stream finds exactly what the scan of the whole text finds.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use std::cell::RefCell;
use std::rc::Rc;

use crate::leak::stream::{MIN_WINDOW, StreamScan, Windows};
use crate::leak::{Kind, Scanner, ScannerBuilder};

/// Shortest and longest secret the harness plants.
const MIN_PLANTED: usize = 16;
const MAX_PLANTED: usize = 64;

/// The encodings [`leak_scan`] plants a secret in, indexed by the low bits of its second byte.
pub const PLANTED_ENCODINGS: [&str; 6] = [
    "literal",
    "hex",
    "base64",
    "utf16le",
    "json-escape",
    "percent",
];

/// The index in [`PLANTED_ENCODINGS`] that the `how` byte of a [`leak_scan`] input picks: its
/// low three bits, modulo 6.
pub fn planted_encoding(how: u8) -> usize {
    usize::from(how & 0x07) % PLANTED_ENCODINGS.len()
}

thread_local! {
    /// The scanner of the last secret, with that secret. Building a scanner (every anchor in
    /// every encoding, indexed) costs ten times the scan of a fuzzer-sized text, and most of
    /// libFuzzer's mutations change the filler, the placement or the encoding, not the secret.
    /// A scanner is immutable and depends only on its secrets, so a reused one finds exactly
    /// what a new one would.
    static LAST: RefCell<Option<(Vec<u8>, Rc<Scanner>)>> = const { RefCell::new(None) };
}

/// The scanner for `secret` alone: the last one when the secret is the same, else a new one.
fn scanner_for(secret: &[u8]) -> Rc<Scanner> {
    LAST.with_borrow_mut(|last| {
        if let Some((s, scanner)) = last
            && s == secret
        {
            return Rc::clone(scanner);
        }
        let scanner = Rc::new(
            ScannerBuilder::new()
                .secret(secret)
                .build()
                .unwrap_or_else(|e| {
                    panic!(
                        "a scanner for a {}-byte secret cannot be built: {e}",
                        secret.len()
                    )
                }),
        );
        *last = Some((secret.to_vec(), Rc::clone(&scanner)));
        scanner
    })
}

/// A secret planted in filler text is found, whole, in any of [`PLANTED_ENCODINGS`].
///
/// Layout of `data`: one byte `n` (the secret is `16 + n % 49` bytes long); one byte `how`
/// ([`planted_encoding`] picks the encoding from its low three bits; bit 3 picks upper-case hex digits for hex, `\u` and `%`; for
/// base64, `(how >> 4) % 3` bytes taken from the input are encoded before the secret, to vary its
/// alignment); one byte `cut` (where in the filler the encoded secret goes, scaled); the secret's
/// bytes (printable ASCII kept, other bytes mapped into it); the base64 prefix bytes; the filler.
/// In the filler, `\`, `%`, `&` and non-ASCII bytes become `x`, so the filler cannot form an
/// escape around the secret.
pub fn leak_scan(data: &[u8]) {
    super::confine_rayon_to_this_thread();
    let [n, how, cut, rest @ ..] = data else {
        return;
    };
    let len = MIN_PLANTED + usize::from(*n) % (MAX_PLANTED - MIN_PLANTED + 1);
    let Some((raw, rest)) = rest.split_at_checked(len) else {
        return;
    };
    let secret: Vec<u8> = raw
        .iter()
        .map(|&b| {
            if (0x20..=0x7e).contains(&b) {
                b
            } else {
                0x20 + b % 95
            }
        })
        .collect();
    let upper = how & 0x08 != 0;
    let (planted, rest): (Vec<u8>, &[u8]) = match planted_encoding(*how) {
        0 => (secret.clone(), rest),
        1 => (crate::leak::encoding::hex(&secret, upper), rest),
        2 => {
            let Some((prefix, rest)) = rest.split_at_checked(usize::from(how >> 4) % 3) else {
                return;
            };
            let mut raw = prefix.to_vec();
            raw.extend_from_slice(&secret);
            (STANDARD.encode(raw).into_bytes(), rest)
        }
        3 => (secret.iter().flat_map(|&b| [b, 0]).collect(), rest),
        4 => (
            secret
                .iter()
                .flat_map(|&b| {
                    if upper {
                        format!("\\u{b:04X}")
                    } else {
                        format!("\\u{b:04x}")
                    }
                    .into_bytes()
                })
                .collect(),
            rest,
        ),
        _ => (
            secret
                .iter()
                .flat_map(|&b| {
                    if upper {
                        format!("%{b:02X}")
                    } else {
                        format!("%{b:02x}")
                    }
                    .into_bytes()
                })
                .collect(),
            rest,
        ),
    };
    let filler: Vec<u8> = rest
        .iter()
        .map(|&b| {
            if matches!(b, b'\\' | b'%' | b'&') || !b.is_ascii() {
                b'x'
            } else {
                b
            }
        })
        .collect();
    let at = filler.len() * usize::from(*cut) / usize::from(u8::MAX);
    let mut text = filler[..at].to_vec();
    text.extend_from_slice(&planted);
    text.extend_from_slice(&filler[at..]);

    let scanner = scanner_for(&secret);
    let id = crate::leak::scan::fingerprint(&secret);
    let found = scanner.scan(&text);
    assert!(
        found
            .iter()
            .any(|f| f.kind == Kind::Secret && f.id == id && !f.partial),
        "a secret planted as {} is not found whole",
        PLANTED_ENCODINGS[planted_encoding(*how)]
    );
    // A text within the reach is one window whatever the window size: nothing to compare.
    if text.len() > scanner.reach() {
        let windows = Windows {
            // Windows from half the reach up: every one of them has edges inside the text, and
            // windows smaller still would mostly re-decode the same context.
            window: MIN_WINDOW.max(scanner.reach() / 2) + usize::from(*cut) * 4,
            pieces: 1 + usize::from(*n) % 3,
        };
        let mut windowed = Vec::new();
        let mut stream = StreamScan::new(&scanner, windows);
        // Fed in two parts split where the secret goes, so the stream also scans before the end.
        stream.push(&text[..at], &mut |f, _| windowed.push(f));
        stream.push(&text[at..], &mut |f, _| windowed.push(f));
        stream.finish(&mut |f, _| windowed.push(f));
        assert!(
            windowed == found,
            "the windowed scan differs from the whole scan ({} windows of {})",
            windows.pieces,
            windows.window
        );
    }
}
