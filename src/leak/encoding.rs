//! The encodings a validator might print a secret in, each as an encoder (to build search
//! patterns) and a decoder with an offset map (to verify a candidate and locate it in the input).
//!
//! Decoders are forgiving: they decode what they can and pass every other byte through, so a
//! region that mixes escaped and raw characters (`sp\u00671.cut%6Fver`) decodes to the raw text.
//! Each decoded byte remembers the input offset it came from, so a finding in decoded text is
//! reported at its place in the input.

use base64::Engine as _;

use crate::digest::hex_value;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};

/// One layer of encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Encoding {
    JsonEscape,
    Utf16Le,
    Utf16Be,
    Base64,
    Base64Url,
    Hex,
    Percent,
    HtmlEntity,
    /// Default-ignorable code points inserted into text (a U+200B inside a token): invisible on
    /// a terminal, so the decoder removes them.
    Invisible,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::JsonEscape => "json-escape",
            Encoding::Utf16Le => "utf16le",
            Encoding::Utf16Be => "utf16be",
            Encoding::Base64 => "base64",
            Encoding::Base64Url => "base64url",
            Encoding::Hex => "hex",
            Encoding::Percent => "percent",
            Encoding::HtmlEntity => "html-entity",
            Encoding::Invisible => "invisible",
        }
    }
}

/// A set of byte values: the bytes escapes decoded to in a region ([`Decoded::escaped`]), and
/// the bytes a finding may hold (the scanner's check of whether a view region can matter).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ByteSet([u64; 4]);

impl ByteSet {
    pub const ALL: ByteSet = ByteSet([u64::MAX; 4]);

    pub fn insert(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }

    pub fn insert_range(&mut self, lo: u8, hi: u8) {
        for b in lo..=hi {
            self.insert(b);
        }
    }

    pub fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }

    pub fn union(self, other: ByteSet) -> ByteSet {
        ByteSet(std::array::from_fn(|i| self.0[i] | other.0[i]))
    }

    pub fn intersects(&self, other: &ByteSet) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a & b != 0)
    }
}

/// Bytes decoded from an input region, with the input offset of each decoded byte and, at the
/// end, the offset just past the last input byte consumed.
#[derive(Debug, Clone, Default)]
pub struct Decoded {
    pub bytes: Vec<u8>,
    /// `offsets[i]` is where `bytes[i]` starts in the input; `offsets[bytes.len()]` is the end.
    pub offsets: Vec<usize>,
    /// The values of the bytes written one at a time (what escapes decoded to, and the odd
    /// byte a decoder passed through on its own); runs copied as they are do not count. A
    /// match in the decoded text that holds none of them reads the same in the input, unless
    /// the decoder dropped characters inside it (the invisible view, which writes no byte for
    /// what it removes).
    pub escaped: ByteSet,
    /// Set while decoding for the bytes alone ([`decode_bytes_into`]): no offset is written.
    bytes_only: bool,
}

impl Decoded {
    fn push(&mut self, b: u8, at: usize) {
        self.bytes.push(b);
        if !self.bytes_only {
            self.offsets.push(at);
        }
        self.escaped.insert(b);
    }

    /// Copies a run of bytes that decode to themselves, starting at input offset `at`.
    fn push_run(&mut self, run: &[u8], at: usize) {
        self.bytes.extend_from_slice(run);
        if !self.bytes_only {
            self.offsets.extend(at..at + run.len());
        }
    }

    fn finish(&mut self, end: usize) {
        if !self.bytes_only {
            self.offsets.push(end);
        }
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.offsets.clear();
        self.escaped = ByteSet::default();
    }

    /// Maps offsets of `self` (decoded from `outer`) back through `outer`'s offsets.
    pub fn through(mut self, outer: &Decoded) -> Decoded {
        for o in &mut self.offsets {
            *o = outer.offsets[(*o).min(outer.offsets.len() - 1)];
        }
        self
    }
}

/// Decodes `input` (a region starting at input offset `base`) in `enc`.
pub fn decode(enc: Encoding, input: &[u8], base: usize) -> Decoded {
    let mut out = Decoded::default();
    decode_into(enc, input, base, &mut out);
    out
}

/// [`decode`] into a reused buffer (views decode many regions; allocating for each one made
/// threads queue on the allocator).
pub fn decode_into(enc: Encoding, input: &[u8], base: usize, out: &mut Decoded) {
    match enc {
        Encoding::JsonEscape => decode_json_escape(input, base, out),
        Encoding::Utf16Le | Encoding::Utf16Be => {
            decode_utf16(input, base, enc == Encoding::Utf16Le, out)
        }
        Encoding::Base64 | Encoding::Base64Url => decode_base64(input, base, out),
        Encoding::Hex => decode_hex(input, base, out),
        Encoding::Percent => decode_percent(input, base, out),
        Encoding::HtmlEntity => decode_html(input, base, out),
        Encoding::Invisible => decode_invisible(input, base, out),
    }
}

/// [`decode_into`] for the bytes and [`Decoded::escaped`] alone, leaving `offsets` empty: a
/// view region is searched first, and decoded again with offsets only where something was
/// found (writing eight bytes of offset for each byte decoded was a fifth of a view's cost).
pub fn decode_bytes_into(enc: Encoding, input: &[u8], out: &mut Decoded) {
    out.bytes_only = true;
    decode_into(enc, input, 0, out);
    out.bytes_only = false;
}

/// Drops every default-ignorable code point ([`crate::token::shapes::is_default_ignorable`],
/// the set redaction uses); every other byte, valid UTF-8 or not, decodes to itself.
fn decode_invisible(input: &[u8], base: usize, out: &mut Decoded) {
    out.clear();
    let mut kept = 0;
    for chunk in input.utf8_chunks() {
        let valid = chunk.valid();
        let at = valid.as_ptr() as usize - input.as_ptr() as usize;
        for (i, c) in valid.char_indices() {
            if crate::token::shapes::is_default_ignorable(c) {
                out.push_run(&input[kept..at + i], base + kept);
                kept = at + i + c.len_utf8();
            }
        }
    }
    out.push_run(&input[kept..], base + kept);
    out.finish(base + input.len());
}

/// Copies the bytes from `i` up to the next `marker` (which starts an escape) as themselves;
/// returns where the copy stopped.
fn copy_plain(input: &[u8], i: usize, marker: u8, base: usize, out: &mut Decoded) -> usize {
    let next = memchr::memchr(marker, &input[i..]).map_or(input.len(), |n| i + n);
    if next > i {
        out.push_run(&input[i..next], base + i);
    }
    next
}

fn push_char(out: &mut Decoded, c: char, at: usize) {
    let mut buf = [0u8; 4];
    for b in c.encode_utf8(&mut buf).bytes() {
        out.push(b, at);
    }
}

fn hex4(input: &[u8], i: usize) -> Option<u32> {
    let digits = input.get(i..i + 4)?;
    digits
        .iter()
        .try_fold(0u32, |acc, &c| Some(acc * 16 + u32::from(hex_value(c)?)))
}

fn decode_json_escape(input: &[u8], base: usize, out: &mut Decoded) {
    out.clear();
    let mut i = 0;
    while i < input.len() {
        let next = copy_plain(input, i, b'\\', base, out);
        if next > i {
            i = next;
            continue;
        }
        let at = base + i;
        if input[i] == b'\\' && i + 1 < input.len() {
            let short = match input[i + 1] {
                b'"' => Some(b'"'),
                b'\\' => Some(b'\\'),
                b'/' => Some(b'/'),
                b'n' => Some(b'\n'),
                b'r' => Some(b'\r'),
                b't' => Some(b'\t'),
                b'b' => Some(8),
                b'f' => Some(12),
                _ => None,
            };
            if let Some(b) = short {
                out.push(b, at);
                i += 2;
                continue;
            }
            if input[i + 1] == b'u'
                && let Some(unit) = hex4(input, i + 2)
            {
                if (0xD800..0xDC00).contains(&unit)
                    && input.get(i + 6) == Some(&b'\\')
                    && input.get(i + 7) == Some(&b'u')
                    && let Some(low) = hex4(input, i + 8)
                    && (0xDC00..0xE000).contains(&low)
                {
                    let cp = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                    if let Some(c) = char::from_u32(cp) {
                        push_char(out, c, at);
                    }
                    i += 12;
                    continue;
                }
                match char::from_u32(unit) {
                    Some(c) => push_char(out, c, at),
                    None => out.push(b'?', at),
                }
                i += 6;
                continue;
            }
        }
        out.push(input[i], at);
        i += 1;
    }
    out.finish(base + input.len());
}

fn decode_percent(input: &[u8], base: usize, out: &mut Decoded) {
    out.clear();
    let mut i = 0;
    while i < input.len() {
        let next = copy_plain(input, i, b'%', base, out);
        if next > i {
            i = next;
            continue;
        }
        if input[i] == b'%'
            && let (Some(h), Some(l)) = (
                input.get(i + 1).and_then(|c| hex_value(*c)),
                input.get(i + 2).and_then(|c| hex_value(*c)),
            )
        {
            out.push(h << 4 | l, base + i);
            i += 3;
            continue;
        }
        // `+` stays `+`: it is a space only in form encoding, and a literal `+` is more likely
        // part of base64 than a space in a secret.
        out.push(input[i], base + i);
        i += 1;
    }
    out.finish(base + input.len());
}

fn decode_html(input: &[u8], base: usize, out: &mut Decoded) {
    out.clear();
    let mut i = 0;
    while i < input.len() {
        let next = copy_plain(input, i, b'&', base, out);
        if next > i {
            i = next;
            continue;
        }
        if input[i] == b'&' && input.get(i + 1) == Some(&b'#') {
            let (radix, start) = match input.get(i + 2) {
                Some(b'x' | b'X') => (16, i + 3),
                _ => (10, i + 2),
            };
            let mut j = start;
            let mut cp: u32 = 0;
            while j < input.len() && j - start < 8 {
                let d = match (radix, input[j]) {
                    (10, c @ b'0'..=b'9') => u32::from(c - b'0'),
                    (16, c) => match hex_value(c) {
                        Some(v) => u32::from(v),
                        None => break,
                    },
                    _ => break,
                };
                cp = cp * radix + d;
                j += 1;
            }
            if j > start
                && input.get(j) == Some(&b';')
                && let Some(c) = char::from_u32(cp)
            {
                push_char(out, c, base + i);
                i = j + 1;
                continue;
            }
        }
        out.push(input[i], base + i);
        i += 1;
    }
    out.finish(base + input.len());
}

fn decode_hex(input: &[u8], base: usize, out: &mut Decoded) {
    out.clear();
    let mut i = 0;
    while i + 1 < input.len() {
        match (hex_value(input[i]), hex_value(input[i + 1])) {
            (Some(h), Some(l)) => {
                out.push(h << 4 | l, base + i);
                i += 2;
            }
            _ => break,
        }
    }
    out.finish(base + i);
}

fn decode_utf16(input: &[u8], base: usize, little: bool, out: &mut Decoded) {
    out.clear();
    let mut i = 0;
    while i + 1 < input.len() {
        let unit = if little {
            u16::from_le_bytes([input[i], input[i + 1]])
        } else {
            u16::from_be_bytes([input[i], input[i + 1]])
        };
        match char::from_u32(u32::from(unit)) {
            Some(c) => push_char(out, c, base + i),
            None => break,
        }
        i += 2;
    }
    out.finish(base + i);
}

/// The value of a character of either base64 alphabet.
pub const fn base64_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Decodes base64 (either alphabet) from the start of `input`, which must be at a group
/// boundary. Line breaks inside the run (MIME and PEM wrapping) are skipped.
fn decode_base64(input: &[u8], base: usize, out: &mut Decoded) {
    out.clear();
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut group_start = base;
    let mut end = base;
    for (i, &c) in input.iter().enumerate() {
        if c == b'\n' || c == b'\r' {
            continue;
        }
        let Some(v) = base64_value(c) else {
            break;
        };
        if bits == 0 {
            group_start = base + i;
        }
        acc = acc << 6 | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8, group_start);
            acc &= (1 << bits) - 1;
        }
        end = base + i + 1;
    }
    out.finish(end);
}

// --- encoders, for the search patterns ---------------------------------------------------------

pub fn hex(raw: &[u8], upper: bool) -> Vec<u8> {
    crate::digest::hex(raw, upper).into_bytes()
}

pub fn utf16(raw: &[u8], little: bool) -> Option<Vec<u8>> {
    if !raw.is_ascii() {
        return None;
    }
    Some(
        raw.iter()
            .flat_map(|&b| if little { [b, 0] } else { [0, b] })
            .collect(),
    )
}

/// The base64 text that encodes `raw` whatever bytes surround it, for each of the three
/// alignments `raw` can have in a longer encoded stream: only whole groups made of `raw`'s own
/// bytes. Returns `(chars, raw bytes skipped before them)`.
pub fn base64_cores(raw: &[u8], url: bool) -> Vec<(Vec<u8>, usize)> {
    let mut cores = Vec::new();
    for skip in 0..3 {
        let Some(body) = raw.get(skip..) else {
            continue;
        };
        let whole = body.len() / 3 * 3;
        if whole == 0 {
            continue;
        }
        let text = if url {
            URL_SAFE_NO_PAD.encode(&body[..whole])
        } else {
            STANDARD_NO_PAD.encode(&body[..whole])
        };
        cores.push((text.into_bytes(), skip));
    }
    cores
}
