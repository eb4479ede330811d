#![no_main]
//! Body and property: `sealprobe::fuzzing::seal_load`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sealprobe::fuzzing::seal_load(data));
