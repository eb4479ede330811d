//! Where hex, UTF-16 or base64 in a text carries text: the pieces the token rules must
//! read decoded (a grant token in base64, a GitHub token in a UTF-16 dump, hex of a JWT).
//!
//! The scanner finds exact secrets in these encodings through its index, but a token rule is a
//! regular expression over the token's own characters: it can only run on decoded text. Decoding
//! every hex digest and base64 blob of a log would cost more than the rest of the scan, and
//! almost all of them hold binary data. A token is text: printable ASCII, with tabs, line breaks
//! and NUL bytes around it (UTF-16 inside another layer has a NUL every other byte). Each
//! encoding unit is checked for that in place, every position of every phase at once in vector
//! code ([`phased_streaks`]):
//! - hex: the pair's byte;
//! - UTF-16: the unit is a text byte and a zero (little or big endian);
//! - base64: the three bytes of the group of four characters (at every alignment).
//!
//! A piece is a stretch of at least [`MIN_TEXT`] such bytes (for base64, one group more on each
//! side, so a token that starts inside a group whose other bytes are not text is still whole).
//! Random bytes are text about two times in five, so a blob of binary data in base64 yields a
//! piece about once every 10,000 groups.

use super::encoding::Encoding;

/// The fewest decoded text bytes in a row that make a piece: the shortest built-in token
/// (`spg.` and six characters) is longer.
pub const MIN_TEXT: usize = 9;

/// A byte a token and the text around it may hold: printable ASCII, a tab, a line break, or
/// NUL (UTF-16 of text inside another layer).
const fn text_byte(b: u8) -> bool {
    (b >= 0x20 && b < 0x7f) || matches!(b, 0 | b'\t' | b'\n' | b'\r')
}

/// The pieces of `text` in `enc` (hex, UTF-16LE, UTF-16BE or base64) that start in
/// `[from, to)` (they may end after `to`), as `[start, end)` offsets into `text`, appended to
/// `out` in order of start. A piece starts where its encoding is in step (a hex pair, a UTF-16
/// unit, a base64 group), so decoding can start there.
pub fn pieces(enc: Encoding, text: &[u8], from: usize, to: usize, out: &mut Vec<(usize, usize)>) {
    let first = out.len();
    find(enc, text, from, to, out);
    // A long piece (a megabyte of base64 text) is read in overlapping parts, so memory stays
    // flat: a token of up to PIECE_OVERLAP encoded bytes lies whole in one of them.
    let found: Vec<(usize, usize)> = out.drain(first..).collect();
    for (s, e) in found {
        let mut at = s;
        loop {
            let end = (at + PIECE_CAP).min(e);
            out.push((at, end));
            if end == e {
                break;
            }
            at += PIECE_CAP - PIECE_OVERLAP;
        }
    }
}

/// The longest piece decoded at once, and how much two parts of a longer one overlap: at least
/// the longest rule match in two layers of encoding (the scanner's reach for them), and both
/// multiples of four, so each part starts in step.
pub const PIECE_CAP: usize = 64 * 1024;
pub const PIECE_OVERLAP: usize = 16 * 1024;

fn find(enc: Encoding, text: &[u8], from: usize, to: usize, out: &mut Vec<(usize, usize)>) {
    let to = to.min(text.len());
    let from = from.min(to);
    let first = out.len();
    match enc {
        Encoding::Hex => {
            phased_streaks::<2, MIN_TEXT>(text, from, to, hex_flags, |_, s, e| {
                out.push((s, e));
            });
        }
        Encoding::Utf16Le | Encoding::Utf16Be => {
            // UTF-16 of ASCII holds zero bytes; text without any costs one search.
            if memchr::memchr(0, &text[from..to]).is_none() {
                return;
            }
            let little = enc == Encoding::Utf16Le;
            for phase in 0..2 {
                let n = (text.len().saturating_sub(from + phase)) / 2;
                let limit = (to.saturating_sub(from + phase)).div_ceil(2);
                let at = |u: usize| from + phase + 2 * u;
                let unit = |u: usize| {
                    let (a, b) = (text[at(u)], text[at(u) + 1]);
                    // Two NUL characters in a row are no text (UTF-16 of UTF-16 has one
                    // every other character).
                    (if little {
                        text_unit(a, b)
                    } else {
                        text_unit(b, a)
                    }) && text.get(at(u)..at(u) + 4).is_none_or(|q| q != [0, 0, 0, 0])
                };
                streaks(n, limit, MIN_TEXT, unit, |f, e| out.push((at(f), at(e))));
            }
        }
        _ => {
            phased_streaks::<4, { MIN_TEXT.div_ceil(3) }>(
                text,
                from,
                to,
                base64_flags,
                |_, s, e| {
                    // One group of margin on either side: a token that starts or ends inside a
                    // group whose other bytes are not text is still whole.
                    let margin = s >= from + 4
                        && text[s - 4..s]
                            .iter()
                            .all(|&c| super::encoding::base64_value(c).is_some());
                    let s = if margin { s - 4 } else { s };
                    // The group after, up to a line break: the piece of wrapped base64 must end
                    // there for the next line's piece to join it.
                    let after = &text[e..(e + 4).min(text.len())];
                    let end = e + after
                        .iter()
                        .position(|&c| c == b'\n' || c == b'\r')
                        .unwrap_or(after.len());
                    out.push((s, end));
                },
            );
            // Wrapped base64 (MIME, PEM): a piece that ends at a line break and one that starts
            // right after it are one, when the first holds whole groups (the decoder skips
            // line breaks).
            out[first..].sort_unstable();
            // Merged pieces, with how many base64 characters they hold (line breaks left out),
            // by where they end (pieces of other alignments lie between them).
            let mut merged: Vec<(usize, usize, usize)> = Vec::new();
            let mut ending: std::collections::HashMap<usize, Vec<usize>> = Default::default();
            for &(s, e) in &out[first..] {
                let joins = (1..=2).find_map(|gap| {
                    let at = s.checked_sub(gap)?;
                    ending.get(&at)?.iter().copied().find(|&i| {
                        let (_, me, chars) = merged[i];
                        text[me..s].iter().all(|&c| c == b'\n' || c == b'\r')
                            && chars.is_multiple_of(4)
                    })
                });
                let i = match joins {
                    Some(i) => {
                        let old = merged[i].1;
                        if let Some(list) = ending.get_mut(&old) {
                            list.retain(|&j| j != i);
                        }
                        merged[i].1 = e;
                        merged[i].2 += e - s;
                        i
                    }
                    None => {
                        merged.push((s, e, e - s));
                        merged.len() - 1
                    }
                };
                ending.entry(e).or_default().push(i);
            }
            let mut merged: Vec<(usize, usize)> =
                merged.into_iter().map(|(s, e, _)| (s, e)).collect();
            merged.sort_unstable();
            out.truncate(first);
            out.extend(merged);
            return;
        }
    }
    out[first..].sort_unstable();
}

/// A unit check of [`phased_streaks`]: `flags(bytes, out, scratch)` sets `out[i]` for every
/// position of `bytes`; `scratch` is room it may use (the buffers of the streak search, free
/// while units are checked).
type Flags = fn(&[u8], &mut [u8], &mut Scratch);

/// Two buffers of a block's positions.
type Scratch = [[u8; BLOCK + SPAN]; 2];

/// Positions checked per block by [`phased_streaks`]; its buffers live on the stack.
const BLOCK: usize = 2048;

/// Room after a block for the units a streak check there reads (up to 9 hex pairs), and for the
/// last, partial, vector of positions.
const SPAN: usize = 64;

/// Calls `found(phase, start, end)` for every maximal streak of at least `MIN` units of `STEP`
/// bytes that `flags` accepts, at every phase, that starts in `[from, to)` (offsets in `text`;
/// a streak may run past `to`). The phase of a unit is its offset from `from`, modulo `STEP`.
///
/// `flags(bytes, out, _)` sets `out[i]` to 1 where the unit at `bytes[i..]` is accepted, else 0,
/// for every position of `bytes` (units that run past its end are not accepted). It is written
/// with comparisons only, over a block at a time, so the compiler turns it into vector code:
/// every position of every phase is checked at a fraction of a cycle, where a check per unit
/// through a table (four loads a base64 group, at four alignments) was most of the cost of the
/// scanner's text search. A streak then starts wherever `min` units in a row are accepted,
/// which is found with `memchr`, and only streaks are walked one unit at a time.
fn phased_streaks<const STEP: usize, const MIN: usize>(
    text: &[u8],
    from: usize,
    to: usize,
    flags: Flags,
    mut found: impl FnMut(usize, usize, usize),
) {
    const { assert!(STEP * MIN <= SPAN && STEP <= 4 && MIN >= 1) };
    let mut ok = [0u8; BLOCK + SPAN];
    let mut run = [0u8; BLOCK];
    let mut scratch = [[0u8; BLOCK + SPAN]; 2];
    // Where the last streak found at each phase ended: starts before it are inside it.
    let mut covered = [0usize; 4];
    let mut b = from;
    while b < to {
        let n = (to - b).min(BLOCK);
        let bytes = &text[b..(b + n + SPAN).min(text.len())];
        flags(bytes, &mut ok[..bytes.len()], &mut scratch);
        ok[bytes.len()..].fill(0);
        all_of(&ok, STEP, MIN, &mut run[..n], &mut scratch);
        let mut i = 0;
        while let Some(hit) = memchr::memchr(1, &run[i..n]) {
            let start = b + i + hit;
            i += hit + 1;
            let phase = (start - from) % STEP;
            if start < covered[phase] {
                continue;
            }
            // A streak's first `MIN` units hold; walk on while the next unit does.
            let mut end = start + MIN * STEP;
            let mut one = [0u8; 1];
            while end + STEP <= text.len() {
                flags(&text[end..end + STEP], &mut one, &mut scratch);
                if one[0] == 0 {
                    break;
                }
                end += STEP;
            }
            covered[phase] = end;
            found(phase, start, end);
        }
        b += n;
    }
}

/// Sets `run[i]` to `ok[i] & ok[i + step] & … & ok[i + (min - 1) * step]`, in passes that
/// each `and` two shifted copies (so each is vector code): `ok` ANDed with itself `step` later
/// holds two units in a row, that with itself `2 × step` later four, and the runs of the
/// powers of two that make up `min` are ANDed at their offsets. Nine units take five passes.
/// `ok` must reach `(min - 1) × step` positions past `run`.
#[multiversion::multiversion(targets("x86_64+avx2"))]
fn all_of(ok: &[u8; BLOCK + SPAN], step: usize, min: usize, run: &mut [u8], scratch: &mut Scratch) {
    let n = run.len();
    // The positions of `ok` ever read.
    let need = n + (min - 1) * step;
    let [a, b] = scratch;
    // Which buffer holds `power` (None: `ok` itself); `power[i]`: the `span` units from `i`
    // all hold; `units`: how many units `run` holds.
    let mut at: Option<bool> = None;
    let mut span = 1;
    let mut units = 0;
    let mut left = min;
    while left > 0 {
        let power: &[u8] = match at {
            None => ok,
            Some(false) => a,
            Some(true) => b,
        };
        if left & 1 == 1 {
            let later = &power[units * step..units * step + n];
            if units == 0 {
                run.copy_from_slice(later);
            } else {
                for (r, &p) in run.iter_mut().zip(later) {
                    *r &= p;
                }
            }
            units += span;
        }
        left >>= 1;
        if left > 0 {
            let d = span * step;
            let (power, next): (&[u8], &mut [u8]) = match at {
                None => (ok, a),
                Some(false) => (a, b),
                Some(true) => (b, a),
            };
            let len = need.saturating_sub(d);
            for (x, (&p, &q)) in next[..len]
                .iter_mut()
                .zip(power[..len].iter().zip(&power[d..d + len]))
            {
                *x = p & q;
            }
            at = Some(!at.unwrap_or(true));
            span *= 2;
        }
    }
}

/// [`phased_streaks`]' check for base64: the group of four characters at each position decodes
/// to three text bytes and is not `AAAA` (three NUL bytes: a run of `A` is no text).
#[multiversion::multiversion(targets("x86_64+avx2"))]
fn base64_flags(bytes: &[u8], out: &mut [u8], scratch: &mut Scratch) {
    if bytes.len() < 4 {
        out.fill(0);
        return;
    }
    // Each character's value, or 64 or more when it is not a base64 character.
    let value = &mut scratch[0][..bytes.len()];
    for (v, &b) in value.iter_mut().zip(bytes) {
        // All lanes computed and masked, no branch, so this is vector code.
        let upper = u8::from(b.wrapping_sub(b'A') < 26).wrapping_neg();
        let lower = u8::from(b.wrapping_sub(b'a') < 26).wrapping_neg();
        let digit = u8::from(b.wrapping_sub(b'0') < 10).wrapping_neg();
        let v62 = u8::from((b == b'+') | (b == b'-')).wrapping_neg();
        let v63 = u8::from((b == b'/') | (b == b'_')).wrapping_neg();
        let valid = upper | lower | digit | v62 | v63;
        *v = (upper & b.wrapping_sub(b'A'))
            | (lower & b.wrapping_sub(b'a' - 26))
            | (digit & b.wrapping_add(52 - b'0'))
            | (v62 & 62)
            | (v63 & 63)
            | (!valid & 0x80);
    }
    let n = bytes.len() - 3;
    let quads = value
        .iter()
        .zip(&value[1..])
        .zip(value[2..].iter().zip(&value[3..]));
    for (o, ((&a, &b), (&c, &d))) in out[..n].iter_mut().zip(quads) {
        let valid = (a | b | c | d) < 64;
        let first = (a << 2) | (b >> 4);
        let second = (b << 4) | (c >> 2);
        let third = (c << 6) | d;
        let nuls = (a | b | c | d) == 0;
        *o = u8::from(valid & text_lane(first) & text_lane(second) & text_lane(third) & !nuls);
    }
    out[n..].fill(0);
}

/// [`text_byte`] in a form the compiler turns into vector code.
#[inline(always)]
fn text_lane(b: u8) -> bool {
    (b.wrapping_sub(0x20) < 0x5f) | (b == 0) | (b == b'\t') | (b == b'\n') | (b == b'\r')
}

/// [`phased_streaks`]' check for hex: the pair at each position is the hex of a text byte.
/// (Skipping the stretches with no run of 18 hex digits first, as a prefilter, cost as much as
/// it saved: 20 ms for 32 MiB of the bench's logs either way.)
#[multiversion::multiversion(targets("x86_64+avx2"))]
fn hex_flags(bytes: &[u8], out: &mut [u8], _: &mut Scratch) {
    hex_pairs(bytes, out);
}

/// `out[i]` is 1 when `bytes[i..i + 2]` is the hex of a text byte.
#[multiversion::multiversion(targets("x86_64+avx2"))]
fn hex_pairs(bytes: &[u8], out: &mut [u8]) {
    if bytes.len() < 2 {
        out.fill(0);
        return;
    }
    let n = bytes.len() - 1;
    // A digit's value, or 16 or more when it is not a hex digit.
    let value = |b: u8| {
        let digit = b.wrapping_sub(b'0');
        let letter = (b | 0x20).wrapping_sub(b'a');
        let is_digit = u8::from(digit < 10).wrapping_neg();
        let is_letter = u8::from(letter < 6).wrapping_neg();
        (is_digit & digit)
            | (is_letter & letter.wrapping_add(10))
            | (!(is_digit | is_letter) & 0x80)
    };
    for (o, (&a, &b)) in out[..n].iter_mut().zip(bytes.iter().zip(&bytes[1..])) {
        let (high, low) = (value(a), value(b));
        *o = u8::from(((high | low) < 16) & text_lane((high << 4) | low));
    }
    out[n..].fill(0);
}

/// Calls `found(first, end)` for every maximal streak of at least `min` units that `ok`
/// accepts, among units `0..n`, that starts before `limit`. A streak of `min` holds unit
/// `u + min - 1` when it starts at `u`, so that one is checked first: where it fails (most
/// places, in text that is not the encoding), the next `min` units are skipped at once.
fn streaks(
    n: usize,
    limit: usize,
    min: usize,
    ok: impl Fn(usize) -> bool,
    mut found: impl FnMut(usize, usize),
) {
    let mut u = 0;
    while u < limit && u + min <= n {
        // The last unit of a streak starting at `u`, then back towards `u`.
        match (u..u + min).rev().find(|&v| !ok(v)) {
            Some(bad) => u = bad + 1,
            None => {
                let mut e = u + min;
                while e < n && ok(e) {
                    e += 1;
                }
                found(u, e);
                u = e + 1;
            }
        }
    }
}

/// A UTF-16 unit (`low`, `high`) that is a text byte (UTF-16 of UTF-16 holds a NUL every other
/// character).
fn text_unit(low: u8, high: u8) -> bool {
    high == 0 && text_byte(low)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use proptest::prelude::*;

    fn found(enc: Encoding, text: &[u8]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        pieces(enc, text, 0, text.len(), &mut out);
        out
    }

    // The reference: each unit decoded and its bytes checked one by one, one phase at a time,
    // through `streaks`.
    fn text_group(g: &[u8]) -> bool {
        let v: Option<Vec<u8>> = g
            .iter()
            .map(|&c| super::super::encoding::base64_value(c))
            .collect();
        let Some(v) = v else {
            return false;
        };
        let bytes = [
            (v[0] << 2) | (v[1] >> 4),
            (v[1] << 4) | (v[2] >> 2),
            (v[2] << 6) | v[3],
        ];
        bytes.iter().all(|&b| text_byte(b))
    }

    fn hex_byte(pair: &[u8]) -> bool {
        let digit = |c: u8| (c as char).to_digit(16);
        match (digit(pair[0]), digit(pair[1])) {
            (Some(h), Some(l)) => text_byte((h * 16 + l) as u8),
            _ => false,
        }
    }

    fn streaks_one_phase_at_a_time(
        text: &[u8],
        from: usize,
        to: usize,
        step: usize,
        min: usize,
    ) -> Vec<(usize, usize, usize)> {
        let mut all = Vec::new();
        for phase in 0..step {
            let n = (text.len().saturating_sub(from + phase)) / step;
            let limit = (to.saturating_sub(from + phase)).div_ceil(step);
            let at = |u: usize| from + phase + step * u;
            let ok = |u: usize| {
                let unit = &text[at(u)..at(u) + step];
                if step == 2 {
                    hex_byte(unit)
                } else {
                    text_group(unit) && unit != b"AAAA"
                }
            };
            streaks(n, limit, min, ok, |f, e| all.push((phase, at(f), at(e))));
        }
        all.sort_unstable();
        all
    }

    fn streaks_in_vector_code(
        text: &[u8],
        from: usize,
        to: usize,
        step: usize,
        min: usize,
    ) -> Vec<(usize, usize, usize)> {
        let mut all = Vec::new();
        let push = |p, s, e| all.push((p, s, e));
        match (step, min) {
            (2, MIN_TEXT) => phased_streaks::<2, MIN_TEXT>(text, from, to, hex_flags, push),
            (4, 3) => phased_streaks::<4, 3>(text, from, to, base64_flags, push),
            _ => unreachable!("the searches the scanner runs"),
        }
        all.sort_unstable();
        all
    }

    /// Text made of what makes streaks and breaks them: ASCII-carrying base64 and hex, binary
    /// base64, runs of `A`, line breaks, long enough to cross the blocks of the vector search.
    fn mixed_text() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..40).prop_map(|raw| {
                base64::engine::general_purpose::STANDARD
                    .encode(&raw)
                    .into_bytes()
            }),
            "[ -~]{0,60}".prop_map(|t| {
                base64::engine::general_purpose::STANDARD
                    .encode(t.as_bytes())
                    .into_bytes()
            }),
            "[ -~]{0,40}".prop_map(|t| crate::digest::hex(t.as_bytes(), false).into_bytes()),
            "[0-9a-fA-F]{0,40}".prop_map(String::into_bytes),
            (0usize..30).prop_map(|n| vec![b'A'; n]),
            "[A-Za-z0-9+/_\\-= \n]{0,30}".prop_map(String::into_bytes),
        ];
        (proptest::collection::vec(piece, 0..200), 0usize..4).prop_map(|(v, pad)| {
            let mut t = vec![b'x'; pad];
            t.extend(v.concat());
            t
        })
    }

    /// Every range of short texts, up to their last byte: a block may start a byte or two
    /// before the end (a panic, found by the window-edge property of `tests/leak_streaming.rs`).
    #[test]
    fn vector_streaks_agree_on_every_range_of_short_texts() {
        let texts: [&[u8]; 4] = [
            b"aGVsbG8gd29ybGQhIHRleHQ=",
            b"68656c6c6f20776f726c6421",
            b"xQUFBQUFBaGVsbG8gd29ybGQh",
            b"",
        ];
        for text in texts {
            for from in 0..=text.len() {
                for to in from..=text.len() + 1 {
                    for (step, min) in [(2, MIN_TEXT), (4, MIN_TEXT.div_ceil(3))] {
                        assert_eq!(
                            streaks_in_vector_code(text, from, to.min(text.len()), step, min),
                            streaks_one_phase_at_a_time(text, from, to.min(text.len()), step, min),
                            "{from}..{to} of {text:?}"
                        );
                    }
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 300,
            failure_persistence: Some(Box::new(
                proptest::test_runner::FileFailurePersistence::Direct(
                    "tests/proptest-regressions/text_pieces.txt",
                ),
            )),
            ..ProptestConfig::default()
        })]
        /// The vector search finds exactly the streaks the lookup-per-unit search found, at
        /// every phase, for hex pairs and base64 groups, in any sub-range.
        #[test]
        fn vector_streaks_are_the_streaks_of_the_unit_search(
            text in mixed_text(),
            cut in (0usize..1000, 0usize..5000),
        ) {
            let from = cut.0.min(text.len());
            let to = (from + cut.1).min(text.len());
            for (step, min) in [(2, MIN_TEXT), (4, MIN_TEXT.div_ceil(3))] {
                prop_assert_eq!(
                    streaks_in_vector_code(&text, from, to, step, min),
                    streaks_one_phase_at_a_time(&text, from, to, step, min),
                    "step {}", step
                );
            }
        }
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

    /// Control characters (other than tab, CR and LF) and DEL are not text: a stretch of them
    /// in hex or base64 (at its alignment) is no piece, and a token after them is a piece of
    /// its own.
    #[test]
    fn control_characters_are_not_text() {
        let controls: Vec<u8> = (1u8..0x20)
            .filter(|b| !matches!(b, b'\t' | b'\n' | b'\r'))
            .chain([0x7f])
            .collect();
        let hex = crate::digest::hex(&controls, false);
        assert!(found(Encoding::Hex, hex.as_bytes()).is_empty());
        let b64 = base64::engine::general_purpose::STANDARD.encode(&controls);
        // At their own alignment; read out of step, the characters may decode to anything.
        let ps = found(Encoding::Base64, b64.as_bytes());
        assert!(ps.iter().all(|&(s, _)| s % 4 != 0), "{ps:?} in {b64}");
        let mut raw = controls.clone();
        raw.extend_from_slice(b"ghp_0123456789abcdefghijklmnopqrstuvwxyz");
        let b64 = base64::engine::general_purpose::STANDARD.encode(&raw);
        let ps = found(Encoding::Base64, b64.as_bytes());
        let aligned: Vec<_> = ps.iter().filter(|&&(s, _)| s % 4 == 0).collect();
        assert_eq!(aligned.len(), 1, "{ps:?}");
        assert!(aligned[0].0 >= 4 * (controls.len() / 3) - 4, "{ps:?}");
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
