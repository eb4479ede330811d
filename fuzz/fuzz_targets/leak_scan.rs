#![no_main]
//! Body and property: `sealprobe::fuzzing::leak_scan`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sealprobe::fuzzing::leak_scan(data));
