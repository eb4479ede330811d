#![no_main]
//! Body and property: `sealprobe::fuzzing::hunt`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sealprobe::fuzzing::hunt(data));
