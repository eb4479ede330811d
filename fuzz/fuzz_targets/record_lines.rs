#![no_main]
//! Body and property: `sealprobe::fuzzing::record_lines`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sealprobe::fuzzing::record_lines(data));
