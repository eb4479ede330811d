//! Scanning an input of any size with flat memory: the input is read in fixed-size windows, each
//! window is scanned with the bytes around it that the scanner needs, and findings are handed
//! over as soon as no later window can change them, with their line and column.
//!
//! Why this is exact, not approximate: the scan of a range reads at most [`Scanner::reach`]
//! bytes on either side of it and reports no finding starting more than that before it
//! ([`Scanner::scan_range`]). So the buffer holds `reach` bytes of context before the range it
//! scans and `reach` bytes after it, and a range is scanned only when those bytes have arrived
//! (or the input ended). Decoded runs that cross a window edge are decoded again from the
//! context, which starts them exactly where a scan of the whole input does; a finding seen from
//! both sides of an edge is one leak, merged by [`Clusters`] as it would be in one scan. The
//! property test in `tests/leak_streaming.rs` plants a secret in every encoding at every offset
//! around a window edge and checks the findings against a scan of the whole input.
//!
//! Memory: the buffer (a segment of [`Windows::pieces`] windows plus twice the reach), the
//! segment the reader thread reads meanwhile (and at most [`QUEUE`] more waiting), and the
//! findings of clusters not yet settled. The windows of a segment are scanned in parallel.
//!
//! Lag: a finding is handed over once the `2 × reach` bytes after it have been read, or the
//! input ends, so a slow writer's leak is reported a few KiB of output later, not at the end.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::sync::mpsc::{self, TryRecvError};

use rayon::prelude::*;

use super::scan::{Clusters, Finding, Fold, Scanner};
use crate::strict_json::Position;

/// Bytes [`scan_inline`] asks for in one read.
pub const CHUNK: usize = 1 << 20;

/// Segments read and waiting for the scan, at most, besides the one being read: none, so the
/// reader thread reads the next segment while this one is scanned, and a segment is scanned
/// soon after it was read (still in the cache; reading further ahead was slower).
pub const QUEUE: usize = 0;

/// The smallest window: smaller ones work, but spend their time re-reading context.
pub const MIN_WINDOW: usize = 64;

/// How an input is cut: windows of `window` bytes, scanned `pieces` at a time in parallel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Windows {
    pub window: usize,
    pub pieces: usize,
}

impl Default for Windows {
    /// 256 KiB windows, 16 at a time: a window and what is decoded from it stay in a core's
    /// L2 cache, a segment of 4 MiB keeps both cores busy, and the resident memory stays near
    /// 40 MiB whatever the input's size (BENCHMARKS.md).
    fn default() -> Windows {
        Windows {
            window: 256 << 10,
            pieces: 16,
        }
    }
}

/// The line count at one input offset, carried forward as bytes are let go.
#[derive(Debug, Clone, Copy)]
struct Lines {
    /// Input offset this count is at.
    at: usize,
    /// 1-based line of `at`.
    line: usize,
    /// Input offset where that line starts.
    line_start: usize,
}

impl Lines {
    /// Moves the count over `bytes`, which start at `self.at`.
    fn advance(&mut self, bytes: &[u8]) {
        self.skip(Breaks::of(bytes), bytes.len());
    }

    /// Moves the count over `len` bytes whose line breaks are `breaks`.
    fn skip(&mut self, breaks: Breaks, len: usize) {
        if let Some(last) = breaks.last {
            self.line += breaks.count;
            self.line_start = self.at + last + 1;
        }
        self.at += len;
    }
}

/// The line breaks of a stretch of bytes: how many, and the offset of the last. Counted for each
/// window while it is scanned, in parallel, so the thread that hands findings over only adds
/// them up (counting every byte there was 3 % of a scan's samples, taken while both workers
/// waited).
#[derive(Debug, Clone, Copy, Default)]
struct Breaks {
    count: usize,
    last: Option<usize>,
}

impl Breaks {
    fn of(bytes: &[u8]) -> Breaks {
        Breaks {
            count: memchr::memchr_iter(b'\n', bytes).count(),
            last: memchr::memrchr(b'\n', bytes),
        }
    }

    /// The breaks of `bytes[..cut]` from those of `bytes` (`whole`), counting only the bytes
    /// after the cut.
    fn before(whole: Breaks, bytes: &[u8], cut: usize) -> Breaks {
        let after = memchr::memchr_iter(b'\n', &bytes[cut..]).count();
        Breaks {
            count: whole.count - after,
            last: if whole.last.is_some_and(|l| l < cut) {
                whole.last
            } else {
                memchr::memrchr(b'\n', &bytes[..cut])
            },
        }
    }
}

/// The windowed scan of one input, fed bytes as they come.
#[derive(Debug)]
pub struct StreamScan<'s> {
    scanner: &'s Scanner,
    windows: Windows,
    reach: usize,
    /// The bytes held are `buf[front..]` (the buffer, below): bytes let go move `front` on
    /// rather than the rest of the buffer back, and a chunk handed over whole
    /// ([`StreamScan::push_chunk`]) becomes the buffer with the bytes held before it written
    /// in front of its data.
    buf: Vec<u8>,
    front: usize,
    /// Input offset of the buffer's first byte.
    base: usize,
    /// Index in the buffer before which every candidate has been scanned.
    scanned: usize,
    /// The count at the buffer's first byte.
    lines: Lines,
    clusters: Clusters,
    /// Where each finding not yet handed over starts, in lines (found while its bytes were in
    /// the buffer).
    positions: BTreeMap<usize, Position>,
}

impl<'s> StreamScan<'s> {
    pub fn new(scanner: &'s Scanner, windows: Windows) -> StreamScan<'s> {
        let windows = Windows {
            window: windows.window.max(MIN_WINDOW),
            pieces: windows.pieces.max(1),
        };
        StreamScan {
            scanner,
            windows,
            reach: scanner.reach(),
            buf: Vec::new(),
            front: 0,
            base: 0,
            scanned: 0,
            lines: Lines {
                at: 0,
                line: 1,
                line_start: 0,
            },
            clusters: Clusters::default(),
            positions: BTreeMap::new(),
        }
    }

    fn segment(&self) -> usize {
        self.windows.window.saturating_mul(self.windows.pieces)
    }

    /// The bytes held: the context before the part not yet scanned, that part, and the
    /// context after it.
    fn held(&self) -> &[u8] {
        &self.buf[self.front..]
    }

    /// Bytes fed so far.
    pub fn bytes(&self) -> usize {
        self.base + self.held().len()
    }

    /// Adds input; scans every full segment whose context after it has arrived.
    pub fn push(&mut self, bytes: &[u8], out: &mut dyn FnMut(Finding, Position)) {
        // The bytes let go are dropped from the buffer only when it would grow otherwise.
        if self.front > 0 && self.buf.len() + bytes.len() > self.buf.capacity() {
            self.buf.drain(..self.front);
            self.front = 0;
        }
        self.buf.extend_from_slice(bytes);
        self.scan_ready(out);
    }

    /// Adds the input in `chunk[head..]` without copying it when the bytes held fit in the
    /// `head` bytes before it (a reader thread reads a segment at a time into chunks with room
    /// in front for the context: copying every byte into the buffer was a tenth of a scan's
    /// time, on the one thread while the others waited). Returns a buffer to read into again.
    pub fn push_chunk(
        &mut self,
        mut chunk: Vec<u8>,
        head: usize,
        out: &mut dyn FnMut(Finding, Position),
    ) -> Vec<u8> {
        let held = self.held().len();
        if held > head || head > chunk.len() {
            self.push(chunk.get(head..).unwrap_or_default(), out);
            return chunk;
        }
        chunk[head - held..head].copy_from_slice(self.held());
        let old = std::mem::replace(&mut self.buf, chunk);
        self.front = head - held;
        self.scan_ready(out);
        old
    }

    /// Scans the segments whose context after them has arrived: one segment at a time, the
    /// last step taking all that is ready if that is less than two segments, so that what is
    /// held after a push is only the context on either side (and fits in front of the next
    /// chunk).
    fn scan_ready(&mut self, out: &mut dyn FnMut(Finding, Position)) {
        loop {
            let ready = self.held().len().saturating_sub(self.reach + self.scanned);
            if ready < self.segment() {
                return;
            }
            let take = if ready < self.segment().saturating_mul(2) {
                ready
            } else {
                self.segment()
            };
            self.step(self.scanned + take, false, out);
        }
    }

    /// Scans what can be scanned before more input comes (called when the reader is waiting).
    pub fn flush(&mut self, out: &mut dyn FnMut(Finding, Position)) {
        let end = self.held().len().saturating_sub(self.reach);
        if end > self.scanned {
            self.step(end, false, out);
        }
    }

    /// The input ended: scans the rest and hands over every finding. Returns the input's size.
    pub fn finish(mut self, out: &mut dyn FnMut(Finding, Position)) -> usize {
        let end = self.held().len();
        self.step(end, true, out);
        self.bytes()
    }

    /// Scans `[scanned, end)` of the buffer, hands over what is settled, lets go of the bytes
    /// no later window needs.
    fn step(&mut self, end: usize, eof: bool, out: &mut dyn FnMut(Finding, Position)) {
        let window = self.windows.window;
        let ranges: Vec<(usize, usize)> = (self.scanned..end)
            .step_by(window)
            .map(|s| (s, (s + window).min(end)))
            .collect();
        let start_of_step = self.scanned;
        let (scanner, buf) = (self.scanner, &self.buf[self.front..]);
        // Each window's folds, each fold with the line breaks between the window's start and
        // its offset (None for a fold that starts before its window), and the window's breaks.
        type Scanned = (Vec<(Fold, Option<Breaks>)>, Breaks);
        let scanned: Vec<Scanned> = ranges
            .par_iter()
            .map(|&(s, e)| {
                let mut folds: Vec<(Fold, Option<Breaks>)> = scanner
                    .scan_range(buf, s, e)
                    .into_iter()
                    .map(|f| (f, None))
                    .collect();
                folds.sort_by_key(|(f, _)| f.best().offset);
                let mut at = Lines {
                    at: s,
                    line: 0,
                    line_start: 0,
                };
                for (f, breaks) in &mut folds {
                    let offset = f.best().offset;
                    if offset < s {
                        continue;
                    }
                    at.advance(&buf[at.at..offset]);
                    *breaks = Some(Breaks {
                        count: at.line,
                        last: (at.line > 0).then(|| at.line_start - 1 - s),
                    });
                }
                (folds, Breaks::of(&buf[s..e]))
            })
            .collect();
        // The count at the start of each window (from the count at `buf[0]`), then each fold's
        // line; a fold that starts before its window (in the context) is counted from the
        // start of the buffer.
        let context = Breaks::of(&buf[..start_of_step]);
        let mut lines = self.lines;
        lines.skip(context, start_of_step);
        let mut raw: Vec<(Fold, Position)> = Vec::new();
        for (&(s, e), (folds, breaks)) in ranges.iter().zip(&scanned) {
            for (f, before) in folds {
                let offset = f.best().offset;
                let mut here = lines;
                match before {
                    Some(b) => here.skip(*b, offset - s),
                    None => {
                        here = self.lines;
                        here.advance(&buf[..offset]);
                    }
                }
                let mut f = f.clone();
                f.shift(self.base);
                let at = offset + self.base;
                raw.push((
                    f,
                    Position {
                        line: here.line,
                        column: at - here.line_start + 1,
                        offset: at,
                    },
                ));
            }
            lines.skip(*breaks, e - s);
        }
        raw.sort_by_key(|(f, _)| f.best().offset);
        let raw: Vec<Fold> = raw
            .into_iter()
            .map(|(f, position)| {
                self.positions.insert(position.offset, position);
                f
            })
            .collect();
        self.clusters.extend(raw);
        self.scanned = end;
        let frontier = if eof {
            usize::MAX
        } else {
            (self.base + end).saturating_sub(self.reach)
        };
        for f in self.clusters.settled(frontier) {
            debug_assert!(
                self.positions.contains_key(&f.offset),
                "a finding without its line"
            );
            let position = self.positions.get(&f.offset).copied().unwrap_or(Position {
                line: 0,
                column: 0,
                offset: f.offset,
            });
            out(f, position);
        }
        let keep_from = self.clusters.earliest().unwrap_or(frontier).min(frontier);
        self.positions = self.positions.split_off(&keep_from);
        if !eof {
            let drop = end.saturating_sub(self.reach);
            // Up to `drop` from the windows' counts: the context, whole windows, and the part
            // of the last window before `drop`.
            let mut at = self.lines;
            at.skip(context, start_of_step);
            for (&(s, e), (_, breaks)) in ranges.iter().zip(&scanned) {
                if e <= drop {
                    at.skip(*breaks, e - s);
                } else if s < drop {
                    at.skip(Breaks::before(*breaks, &buf[s..e], drop - s), drop - s);
                }
            }
            if drop < start_of_step {
                at = self.lines;
                at.advance(&buf[..drop]);
            }
            self.lines = at;
            self.front += drop;
            self.base += drop;
            self.scanned -= drop;
        }
    }
}

/// Scans `reader` to its end on the calling thread (no reader thread: for small files, many of
/// which are scanned in parallel). Returns the input's size.
pub fn scan_inline(
    scanner: &Scanner,
    windows: Windows,
    mut reader: impl Read,
    out: &mut dyn FnMut(Finding, Position),
) -> io::Result<usize> {
    let mut stream = StreamScan::new(scanner, windows);
    let mut chunk = vec![0u8; CHUNK.min(windows.window.saturating_mul(windows.pieces).max(4096))];
    loop {
        match reader.read(&mut chunk) {
            Ok(0) => return Ok(stream.finish(out)),
            Ok(n) => stream.push(&chunk[..n], out),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// What [`scan_reader`] tells its caller as it goes.
#[derive(Debug)]
pub enum Event {
    /// A finding has settled.
    Found(Finding, Position),
    /// Every candidate before this input offset has been scanned.
    Scanned(usize),
}

/// Scans `reader` to its end while a thread reads ahead, telling `events` of each finding as it
/// settles and of the bytes scanned; `events` returns false to stop the scan (which then ends
/// with an error of kind `Interrupted`). When the reader has nothing to give and its last read
/// came back short (a slow writer, not a file), what has arrived is scanned at once. Returns
/// the input's size.
///
/// A reader blocked in `read` keeps its thread until the input ends or the process exits: the
/// scan returns on an error or a stop without waiting for it.
pub fn scan_reader(
    scanner: &Scanner,
    windows: Windows,
    mut reader: impl Read + Send + 'static,
    events: &mut dyn FnMut(Event) -> bool,
) -> io::Result<usize> {
    let mut stream = StreamScan::new(scanner, windows);
    // Each read asks for a segment, into a chunk with room in front for the context the scan
    // holds between segments (twice its reach), so the chunk becomes the scan's buffer as it is
    // ([`StreamScan::push_chunk`]).
    let head = stream.reach.saturating_mul(2);
    let want = stream.segment();
    let size = head.saturating_add(want);
    let (full_tx, full_rx) = mpsc::sync_channel::<io::Result<(Vec<u8>, usize)>>(QUEUE);
    let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>();
    std::thread::Builder::new()
        .name("sealprobe-scan-reader".into())
        .spawn(move || {
            loop {
                let mut chunk = empty_rx.try_recv().unwrap_or_default();
                // A buffer given back is read into as it is (its bytes are overwritten, not
                // cleared first); only a new or shorter one is grown.
                if chunk.len() < size {
                    chunk.resize(size, 0);
                }
                let got = loop {
                    match reader.read(&mut chunk[head..size]) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        other => break other,
                    }
                };
                let end = matches!(got, Ok(0) | Err(_));
                let got = got.map(|n| {
                    chunk.truncate(head + n);
                    (chunk, n)
                });
                if full_tx.send(got).is_err() || end {
                    return;
                }
            }
        })?;
    let mut found: Vec<(Finding, Position)> = Vec::new();
    let mut tell = |found: &mut Vec<(Finding, Position)>, scanned: usize| {
        let mut go = true;
        for (f, p) in found.drain(..) {
            go = go && events(Event::Found(f, p));
        }
        if go && events(Event::Scanned(scanned)) {
            Ok(())
        } else {
            Err(io::Error::new(
                io::ErrorKind::Interrupted,
                "the scan was stopped",
            ))
        }
    };
    // Whether the last read filled its chunk: a file being read, not a writer that is slow.
    let mut flowing = false;
    loop {
        let next = match full_rx.try_recv() {
            Ok(next) => next,
            // The next chunk of a file is a moment away: scanning the few windows buffered now
            // would leave a core idle (a step of one window), and a file was scanned at 1.6
            // cores of 2 that way.
            Err(TryRecvError::Empty) if flowing => full_rx.recv().map_err(|_| reader_gone())?,
            Err(TryRecvError::Empty) => {
                stream.flush(&mut |f, p| found.push((f, p)));
                tell(&mut found, stream.scanned_to())?;
                full_rx.recv().map_err(|_| reader_gone())?
            }
            Err(TryRecvError::Disconnected) => return Err(reader_gone()),
        };
        let (chunk, n) = next?;
        flowing = n == want;
        if n == 0 {
            let size = stream.finish(&mut |f, p| found.push((f, p)));
            tell(&mut found, size)?;
            return Ok(size);
        }
        let spare = stream.push_chunk(chunk, head, &mut |f, p| found.push((f, p)));
        tell(&mut found, stream.scanned_to())?;
        // The reader thread may have ended after its last send; then the buffer is not reused.
        let _ = empty_tx.send(spare);
    }
}

fn reader_gone() -> io::Error {
    io::Error::other("the reader thread stopped")
}

impl StreamScan<'_> {
    /// Input offset up to which every candidate has been scanned.
    pub fn scanned_to(&self) -> usize {
        self.base + self.scanned
    }
}
