#![no_main]
//! Body and property: `sealprobe::fuzzing::strict_json`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sealprobe::fuzzing::strict_json(data));
