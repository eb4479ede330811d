//! The recursive-descent parser behind [`super::parse`]. Recursion depth is bounded by
//! [`super::MAX_DEPTH`], so hostile nesting cannot exhaust the stack.

use std::collections::HashSet;

use super::{
    DEFAULT_SIZE_LIMIT, JsonError, JsonErrorClass, MAX_DEPTH, MAX_SAFE_INTEGER, Member, Node,
    Number, Span, Value,
};

/// Parses `doc` with the default size limit (16 MiB).
pub fn parse(doc: &[u8]) -> Result<Node, JsonError> {
    parse_with_limit(doc, DEFAULT_SIZE_LIMIT)
}

/// Parses `doc`, refusing documents longer than `limit` bytes.
pub fn parse_with_limit(doc: &[u8], limit: usize) -> Result<Node, JsonError> {
    if doc.len() > limit {
        return Err(err(JsonErrorClass::TooLarge, limit));
    }
    check_encoding(doc)?;
    let mut p = Parser { b: doc, pos: 0 };
    p.skip_ws();
    let node = p.value(0)?;
    p.skip_ws();
    if p.pos < doc.len() {
        return Err(err(JsonErrorClass::TrailingBytes, p.pos));
    }
    Ok(node)
}

/// Objects up to this many members are checked for repeated keys by a linear scan.
const SMALL_OBJECT: usize = 32;

fn err(class: JsonErrorClass, offset: usize) -> JsonError {
    JsonError { class, offset }
}

/// Refuses a BOM, UTF-16/32 and anything that is not UTF-8 before parsing starts, so that the
/// parser itself only ever sees valid UTF-8.
fn check_encoding(doc: &[u8]) -> Result<(), JsonError> {
    if doc.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(err(JsonErrorClass::Bom, 0));
    }
    let wide_bom = doc.starts_with(&[0xFE, 0xFF])
        || doc.starts_with(&[0xFF, 0xFE])
        || doc.starts_with(&[0x00, 0x00, 0xFE, 0xFF]);
    if wide_bom || is_wide_without_bom(doc) {
        return Err(err(JsonErrorClass::WideEncoding, 0));
    }
    std::str::from_utf8(doc)
        .map(|_| ())
        .map_err(|e| err(JsonErrorClass::NotUtf8, e.valid_up_to()))
}

/// UTF-16 or UTF-32 without a BOM, by the patterns of RFC 4627 section 3: JSON text starts with
/// two ASCII characters, so the NULs of the first four bytes tell the encoding (`00 00 00 xx`,
/// `00 xx 00 xx`, `xx 00 00 00`, `xx 00 xx 00`; a one-character document in UTF-16 is `00 xx` or
/// `xx 00`). Any other NUL is a byte that is not JSON (a syntax error), not a re-encoding.
fn is_wide_without_bom(doc: &[u8]) -> bool {
    let nul = |i: usize| doc.get(i) == Some(&0);
    let ascii = |i: usize| doc.get(i).is_some_and(|b| *b != 0);
    match doc.len() {
        0 | 1 => false,
        2 | 3 => (nul(0) && ascii(1)) || (ascii(0) && nul(1)),
        _ => {
            (nul(0) && nul(1) && nul(2) && ascii(3))
                || (nul(0) && ascii(1) && nul(2) && ascii(3))
                || (ascii(0) && nul(1) && nul(2) && nul(3))
                || (ascii(0) && nul(1) && ascii(2) && nul(3))
        }
    }
}

struct Parser<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn syntax(&self) -> JsonError {
        err(JsonErrorClass::Syntax, self.pos)
    }

    fn expect_literal(&mut self, lit: &[u8]) -> Result<(), JsonError> {
        for &want in lit {
            if self.peek() != Some(want) {
                return Err(self.syntax());
            }
            self.pos += 1;
        }
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Result<Node, JsonError> {
        let start = self.pos;
        let value = match self.peek() {
            Some(b'{') => self.object(depth + 1)?,
            Some(b'[') => self.array(depth + 1)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => {
                self.expect_literal(b"true")?;
                Value::Bool(true)
            }
            Some(b'f') => {
                self.expect_literal(b"false")?;
                Value::Bool(false)
            }
            Some(b'n') => {
                self.expect_literal(b"null")?;
                Value::Null
            }
            Some(b'-' | b'0'..=b'9') => Value::Number(self.number()?),
            _ => return Err(self.syntax()),
        };
        Ok(Node {
            value,
            span: Span {
                start,
                end: self.pos,
            },
        })
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_DEPTH {
            return Err(err(JsonErrorClass::TooDeep, self.pos));
        }
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    items.shrink_to_fit();
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.syntax()),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_DEPTH {
            return Err(err(JsonErrorClass::TooDeep, self.pos));
        }
        self.pos += 1; // '{'
        let mut members: Vec<Member> = Vec::new();
        // Small objects (every seal entry) are checked for repeated keys by a scan of the keys
        // read so far; a hash set takes over once an object grows past a few dozen members.
        let mut seen: Option<HashSet<String>> = None;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.syntax());
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = Span {
                start: key_start,
                end: self.pos,
            };
            let repeated = match &mut seen {
                Some(set) => !set.insert(key.clone()),
                None => {
                    let repeated = members.iter().any(|m| m.key == key);
                    if members.len() >= SMALL_OBJECT {
                        seen = Some(members.iter().map(|m| m.key.clone()).collect());
                        if let Some(set) = &mut seen {
                            set.insert(key.clone());
                        }
                    }
                    repeated
                }
            };
            if repeated {
                return Err(err(JsonErrorClass::RepeatedKey, key_start));
            }
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.syntax());
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth)?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    // A seal holds an object of five members per artifact, hundreds of
                    // thousands of them: the spare capacity of a doubled vector (three unused
                    // members of 96 bytes) would be a sixth of the parsed value.
                    members.shrink_to_fit();
                    return Ok(Value::Object(members));
                }
                _ => return Err(self.syntax()),
            }
        }
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The whole document was checked to be UTF-8 and a run stops only at ASCII bytes,
            // so the run is a valid UTF-8 slice.
            match std::str::from_utf8(&self.b[run_start..self.pos]) {
                Ok(run) => out.push_str(run),
                Err(_) => return Err(err(JsonErrorClass::NotUtf8, run_start)),
            }
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => self.escape(&mut out)?,
                _ => return Err(self.syntax()), // control character or end of input
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let escape_start = self.pos;
        self.pos += 1; // backslash
        let c = self.peek().ok_or_else(|| self.syntax())?;
        self.pos += 1;
        let ch = match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4()?;
                match unit {
                    0xD800..=0xDBFF => {
                        if self.b.get(self.pos) == Some(&b'\\')
                            && self.b.get(self.pos + 1) == Some(&b'u')
                        {
                            self.pos += 2;
                            let low = self.hex4()?;
                            if !(0xDC00..=0xDFFF).contains(&low) {
                                return Err(err(JsonErrorClass::LoneSurrogate, escape_start));
                            }
                            let cp = 0x10000
                                + ((u32::from(unit) - 0xD800) << 10)
                                + (u32::from(low) - 0xDC00);
                            char::from_u32(cp)
                                .ok_or_else(|| err(JsonErrorClass::LoneSurrogate, escape_start))?
                        } else {
                            return Err(err(JsonErrorClass::LoneSurrogate, escape_start));
                        }
                    }
                    0xDC00..=0xDFFF => {
                        return Err(err(JsonErrorClass::LoneSurrogate, escape_start));
                    }
                    _ => char::from_u32(u32::from(unit))
                        .ok_or_else(|| err(JsonErrorClass::LoneSurrogate, escape_start))?,
                }
            }
            _ => {
                self.pos -= 1;
                return Err(self.syntax());
            }
        };
        out.push(ch);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u16, JsonError> {
        let mut v: u16 = 0;
        for _ in 0..4 {
            let c = self.peek().ok_or_else(|| self.syntax())?;
            let d = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => return Err(self.syntax()),
            };
            v = (v << 4) | u16::from(d);
            self.pos += 1;
        }
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Number, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.syntax()),
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            integer = false;
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.syntax());
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            integer = false;
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.syntax());
            }
        }
        let literal = std::str::from_utf8(&self.b[start..self.pos])
            .map_err(|_| err(JsonErrorClass::Syntax, start))?;
        let value: f64 = literal
            .parse()
            .map_err(|_| err(JsonErrorClass::Syntax, start))?;
        if !value.is_finite() {
            return Err(err(JsonErrorClass::NumberRange, start));
        }
        let mantissa = literal.split(['e', 'E']).next().unwrap_or("");
        if value == 0.0 && mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
            return Err(err(JsonErrorClass::NumberRange, start));
        }
        // JCS (RFC 8785) writes every double from 2^53 up to 1e21 as a plain integer, and this
        // loader refuses integer literals beyond 2^53. Refusing such a value whatever its
        // spelling (`1e20`, `9.007199254740992e15`) keeps both canonical forms of every accepted
        // document loadable, so that they stay fixed points.
        let magnitude = value.abs();
        if magnitude > MAX_SAFE_INTEGER as f64 && magnitude < 1e21 {
            return Err(err(JsonErrorClass::NumberRange, start));
        }
        if integer {
            let digits = literal.trim_start_matches('-');
            // A literal too long for u64 fails its parse at the first overflowing digit.
            let exact = digits.parse::<u64>().is_ok_and(|n| n <= MAX_SAFE_INTEGER);
            if !exact {
                return Err(err(JsonErrorClass::NumberRange, start));
            }
        }
        Ok(Number {
            literal: literal.to_owned(),
            value,
        })
    }
}
