//! How long the scanner's text search for hex, UTF-16 and base64 takes
//! (`sealprobe::leak::text_pieces::pieces`, the search that finds what the token rules read
//! decoded), per encoding, best of five runs over one file:
//!
//!     cargo bench --bench text_pieces                  # the first 32 MiB of the scan bench's logs
//!     cargo bench --bench text_pieces -- path/to/file
//!
//! The default file is `$BENCH_DIR/logs.txt` (`/tmp/sealprobe-scan-bench` unless set), which
//! `benches/scan.sh` generates; BENCHMARKS.md gives the figures.

use std::time::{Duration, Instant};

use sealprobe::leak::encoding::Encoding;
use sealprobe::leak::text_pieces::pieces;

/// How much of the default file is read.
const DEFAULT_BYTES: usize = 32 * 1024 * 1024;

fn main() -> std::process::ExitCode {
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map(std::path::PathBuf::from);
    let (path, limit) = match path {
        Some(p) => (p, usize::MAX),
        None => {
            let dir = std::env::var("BENCH_DIR").unwrap_or("/tmp/sealprobe-scan-bench".into());
            (std::path::Path::new(&dir).join("logs.txt"), DEFAULT_BYTES)
        }
    };
    let mut text = match std::fs::read(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!(
                "cannot read {}: {e} (run `bash benches/scan.sh` to generate it, or give a file)",
                path.display()
            );
            return std::process::ExitCode::FAILURE;
        }
    };
    text.truncate(limit);
    println!("{}: {} bytes", path.display(), text.len());
    for enc in [Encoding::Hex, Encoding::Utf16Le, Encoding::Base64] {
        let mut out = Vec::new();
        let mut best = Duration::MAX;
        for _ in 0..5 {
            out.clear();
            let t = Instant::now();
            pieces(enc, &text, 0, text.len(), &mut out);
            best = best.min(t.elapsed());
        }
        let bytes: usize = out.iter().map(|(s, e)| e - s).sum();
        println!(
            "{:<8} {:>8.1} ms (best of 5), {} pieces, {} bytes",
            enc.name(),
            best.as_secs_f64() * 1e3,
            out.len(),
            bytes
        );
    }
    std::process::ExitCode::SUCCESS
}
