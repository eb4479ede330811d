//! How long each fuzz body takes on its own, without libFuzzer's instrumentation: the bodies of
//! `sealprobe::fuzzing` run over every file of `corpus/<target>/`, in a loop, for a few seconds.
//!
//!     cargo bench --bench fuzz_bodies                 # every target, 3 s each
//!     cargo bench --bench fuzz_bodies -- token_parse 10
//!
//! `fuzz/nightly.sh` reports what libFuzzer reaches (instrumented, on mutated inputs); this tells
//! how much of a target's time is its own work, and runs under `perf record` as it is
//! (FUZZING.md shows both).

use std::time::Instant;

const TARGETS: [&str; 7] = [
    "strict_json",
    "seal_load",
    "verify_drift",
    "fingerprint",
    "token_parse",
    "decide",
    "leak_scan",
];

fn body(target: &str) -> Option<fn(&[u8])> {
    use sealprobe::fuzzing as f;
    Some(match target {
        "strict_json" => f::strict_json,
        "seal_load" => f::seal_load,
        "verify_drift" => f::verify_drift_bytes,
        "fingerprint" => f::fingerprint,
        "token_parse" => f::token_parse,
        "decide" => f::decide,
        "leak_scan" => f::leak_scan,
        _ => return None,
    })
}

fn main() {
    // `cargo bench` passes `--bench`; everything else is ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let seconds: f64 = args.iter().find_map(|a| a.parse().ok()).unwrap_or(3.0);
    let chosen: Vec<&str> = args
        .iter()
        .filter(|a| a.parse::<f64>().is_err())
        .map(String::as_str)
        .collect();
    let targets: Vec<&str> = if chosen.is_empty() {
        TARGETS.to_vec()
    } else {
        chosen
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    println!(
        "{:<14} {:>10} {:>12} {:>12}",
        "target", "inputs", "us/input", "inputs/s"
    );
    for target in targets {
        let Some(run) = body(target) else {
            eprintln!("fuzz_bodies: no target {target}; the targets are {TARGETS:?}");
            std::process::exit(2);
        };
        let mut inputs = Vec::new();
        for entry in std::fs::read_dir(root.join(target)).expect("corpus/<target>/ is readable") {
            inputs.push(std::fs::read(entry.expect("a corpus entry").path()).expect("a seed"));
        }
        let start = Instant::now();
        let mut runs = 0u64;
        while start.elapsed().as_secs_f64() < seconds {
            for input in &inputs {
                run(input);
                runs += 1;
            }
        }
        let elapsed = start.elapsed().as_secs_f64();
        println!(
            "{target:<14} {:>10} {:>12.1} {:>12.0}",
            inputs.len(),
            elapsed * 1e6 / runs as f64,
            runs as f64 / elapsed
        );
    }
}
