//! Where hex, UTF-16 or base64 in a text carries ASCII text: the pieces the token rules must
//! read decoded (a grant token in base64, a GitHub token in a UTF-16 dump, hex of a JWT).
//!
//! The scanner finds exact secrets in these encodings through its index, but a token rule is a
//! regular expression over the token's own characters: it can only run on decoded text. Decoding
//! every hex digest and base64 blob of a log would cost more than the rest of the scan, and
//! almost all of them hold binary data. A token is ASCII, and ASCII leaves a mark in each
//! encoding that can be checked without decoding:
//! - hex: the first digit of every pair is `0`-`7`;
//! - UTF-16: every other byte is zero (little or big endian) and the others printable;
//! - base64: in each group of four characters (at the group alignment of the encoded stream),
//!   the first is one of the 32 values below `g`, the second has its value's bit 3 clear, the
//!   third its bit 1 (those bits are the high bits of the three bytes).
//!
//! A piece is a stretch of at least [`MIN_TEXT`] such bytes (for base64 at any of the four
//! alignments, and one group more on each side, so a token that starts inside a group whose
//! first byte is not ASCII is still whole). Random base64 passes a group's checks one time in
//! eight, so a blob of binary data yields a piece about once every 4,000 groups.
//!
//! Runs are found by probing every [`MIN_RUN`]th byte: a run long enough to hold a piece holds a
//! probe, so text without such runs costs one load per probe.

use super::encoding::Encoding;
use crate::digest::hex_value;

/// The fewest decoded ASCII bytes in a row that make a piece: the shortest built-in token
/// (`spg.` and six characters) is longer.
pub const MIN_TEXT: usize = 9;

/// The shortest run of encoded characters that can hold a piece (UTF-16 and hex: two bytes a
/// byte; base64: three groups are 12 characters).
const MIN_RUN: usize = 12;

/// The value of a base64 character (either alphabet), or `None`.
fn b64(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Whether `c` can be inside a run of `enc` (base64 runs go on across the line breaks of
/// wrapped base64).
fn in_run(enc: Encoding, c: u8) -> bool {
    match enc {
        Encoding::Hex => c.is_ascii_hexdigit(),
        Encoding::Utf16Le | Encoding::Utf16Be => c == 0 || (0x20..0x7f).contains(&c) || c == b'\t',
        _ => b64(c).is_some() || c == b'\n' || c == b'\r',
    }
}

/// The pieces of `text` in `enc` (hex, UTF-16LE, UTF-16BE or base64) that lie in runs
/// crossing `[from, to)`, as `[start, end)` offsets into `text`, in order, appended to `out`.
/// A piece starts where its encoding is in step (a hex pair, a UTF-16 unit, a base64 group),
/// so decoding can start there.
pub fn pieces(enc: Encoding, text: &[u8], from: usize, to: usize, out: &mut Vec<(usize, usize)>) {
    let to = to.min(text.len());
    let from = from.min(to);
    let mut done = from;
    let run = |at: usize, done: &mut usize, out: &mut Vec<(usize, usize)>| {
        let mut rs = at;
        while rs > *done && in_run(enc, text[rs - 1]) {
            rs -= 1;
        }
        let mut re = at + 1;
        while re < text.len() && in_run(enc, text[re]) {
            re += 1;
        }
        if re - rs >= MIN_RUN {
            match enc {
                Encoding::Hex => in_step(text, rs, re, 2, hex_byte, out),
                Encoding::Utf16Le => in_step(text, rs, re, 2, |u| ascii(u[0], u[1]), out),
                Encoding::Utf16Be => in_step(text, rs, re, 2, |u| ascii(u[1], u[0]), out),
                _ => base64_pieces(text, rs, re, out),
            }
        }
        *done = re;
    };
    if matches!(enc, Encoding::Utf16Le | Encoding::Utf16Be) {
        // Runs of UTF-16 hold zero bytes; text without any costs one search.
        for at in memchr::memchr_iter(0, &text[from..to]) {
            let at = from + at;
            if at >= done {
                run(at, &mut done, out);
            }
        }
        return;
    }
    let mut probe = from + MIN_RUN - 1;
    while probe < to {
        if in_run(enc, text[probe]) {
            run(probe, &mut done, out);
            probe = (done + MIN_RUN).max(probe + 1);
        } else {
            probe += MIN_RUN;
        }
    }
}

/// A hex pair whose byte is ASCII.
fn hex_byte(pair: &[u8]) -> bool {
    hex_value(pair[0]).is_some_and(|h| h < 8) && hex_value(pair[1]).is_some()
}

/// A UTF-16 unit (`low`, `high`) that is printable ASCII, a tab, a line break or NUL (UTF-16 of
/// UTF-16 holds a NUL every other character).
fn ascii(low: u8, high: u8) -> bool {
    high == 0 && ((0x20..0x7f).contains(&low) || matches!(low, 0 | b'\t' | b'\n' | b'\r'))
}

/// Stretches of at least [`MIN_TEXT`] units of `width` bytes in `[rs, re)` that `ok` accepts,
/// at both phases of the run.
fn in_step(
    text: &[u8],
    rs: usize,
    re: usize,
    width: usize,
    ok: impl Fn(&[u8]) -> bool,
    out: &mut Vec<(usize, usize)>,
) {
    for phase in 0..width {
        let mut streak: Option<usize> = None;
        let mut at = rs + phase;
        while at + width <= re {
            if ok(&text[at..at + width]) {
                streak.get_or_insert(at);
            } else if let Some(s) = streak.take()
                && at - s >= MIN_TEXT * width
            {
                out.push((s, at));
            }
            at += width;
        }
        if let Some(s) = streak
            && at - s >= MIN_TEXT * width
        {
            out.push((s, at));
        }
    }
}

/// Base64 stretches in `[rs, re)` at each of the four group alignments, line breaks skipped.
fn base64_pieces(text: &[u8], rs: usize, re: usize, out: &mut Vec<(usize, usize)>) {
    // Per alignment: the streak's first group start, how many groups it holds, and whether
    // the group being read passes so far.
    let mut first: [Option<usize>; 4] = [None; 4];
    let mut groups = [0usize; 4];
    let mut passing = [true; 4];
    let mut group_start = [rs; 4];
    // The start of the group before each alignment's current one, for the margin.
    let mut before = [None::<usize>; 4];
    let min_groups = MIN_TEXT.div_ceil(3);
    let mut k = 0usize;
    let mut close =
        |a: usize, end: usize, first: &mut [Option<usize>; 4], groups: &mut [usize; 4]| {
            if let Some(s) = first[a].take()
                && groups[a] >= min_groups
            {
                out.push((s, end));
            }
            groups[a] = 0;
        };
    for i in rs..re {
        let Some(v) = b64(text[i]) else {
            continue; // a line break inside a wrapped run
        };
        for a in 0..4 {
            let j = (k + 4 - a) % 4;
            if j == 0 {
                group_start[a] = i;
                passing[a] = true;
            }
            let ok = match j {
                0 => v < 32,
                1 => v & 8 == 0,
                2 => v & 2 == 0,
                _ => true,
            };
            passing[a] &= ok;
            // The chars before the first group start of this alignment are no group.
            if j == 3 && k >= 3 {
                if passing[a] {
                    if first[a].is_none() {
                        // One group of margin before, when there is one.
                        first[a] = Some(before[a].unwrap_or(group_start[a]));
                    }
                    groups[a] += 1;
                } else {
                    // One group of margin after: this failing group.
                    close(a, i + 1, &mut first, &mut groups);
                }
                before[a] = Some(group_start[a]);
            }
        }
        k += 1;
    }
    for a in 0..4 {
        close(a, re, &mut first, &mut groups);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn found(enc: Encoding, text: &[u8]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        pieces(enc, text, 0, text.len(), &mut out);
        out
    }

    #[test]
    fn ascii_text_in_each_encoding_is_a_piece() {
        let token = b"ghp_0123456789abcdefghijklmnopqrstuvwxyz";
        let hex = format!("id={} end", crate::digest::hex(token, false));
        assert!(!found(Encoding::Hex, hex.as_bytes()).is_empty());
        let wide: Vec<u8> = token.iter().flat_map(|&b| [b, 0]).collect();
        assert!(!found(Encoding::Utf16Le, &wide).is_empty());
        let wide_be: Vec<u8> = token.iter().flat_map(|&b| [0, b]).collect();
        assert!(!found(Encoding::Utf16Be, &wide_be).is_empty());
        for glue in ["", "x", "xy", "xyz"] {
            for lead in 0..3 {
                let mut raw = vec![0xffu8; lead];
                raw.extend_from_slice(token);
                let text = format!(
                    "k={glue}{}",
                    base64::engine::general_purpose::STANDARD.encode(&raw)
                );
                let ps = found(Encoding::Base64, text.as_bytes());
                assert!(!ps.is_empty(), "glue {glue:?}, lead {lead}");
            }
        }
    }

    #[test]
    fn glued_base64_is_a_piece_at_its_alignment() {
        let token =
            b"spg1.cutover.3f9a0c1d2e4b5a69.1893456000.Zk3pQ8vX2mN7tR4wY9bC1dF6gH0jK5lA8sE3uI7oP2q";
        let text = format!(
            "data=x{}",
            base64::engine::general_purpose::STANDARD.encode(token)
        );
        let ps = found(Encoding::Base64, text.as_bytes());
        assert!(
            ps.iter().any(|&(s, e)| s == 6 && e >= text.len() - 4),
            "{ps:?} of {}",
            text.len()
        );
    }

    #[test]
    fn binary_data_is_rarely_a_piece() {
        // A SHA-256 digest in hex (of the empty string): bytes with the high bit set half of
        // the time, at either phase.
        let digest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert!(found(Encoding::Hex, digest.as_bytes()).is_empty());
        let blob = base64::engine::general_purpose::STANDARD.encode([0xffu8; 300]);
        assert!(found(Encoding::Base64, blob.as_bytes()).is_empty());
        assert!(
            found(
                Encoding::Utf16Le,
                b"plain log line with no zero bytes at all"
            )
            .is_empty()
        );
    }
}
