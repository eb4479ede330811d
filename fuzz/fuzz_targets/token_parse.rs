#![no_main]
//! Body and property: `sealprobe::fuzzing::token_parse`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sealprobe::fuzzing::token_parse(data));
