#![no_main]
//! Body and property: `sealprobe::fuzzing::fingerprint`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sealprobe::fuzzing::fingerprint(data));
