#![no_main]
//! Body and property: `sealprobe::fuzzing::verify_drift`. The bytes are turned into a
//! `VerifyDriftInput` by `sealprobe::fuzzing::verify_drift_bytes` (with `arbitrary_take_rest`, as
//! `fuzz_target!` would), so the corpus replay on stable decodes a file exactly as libFuzzer did.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sealprobe::fuzzing::verify_drift_bytes(data));
