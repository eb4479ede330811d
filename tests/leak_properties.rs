//! Properties of the leak scanner (issue #3, acceptance 2 and 3).

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use common::plant::{ENCODINGS, plant};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use sealprobe::leak::{Kind, ScannerBuilder};
use sealprobe::report::scan as render;

/// Printable secrets without characters that the surrounding encodings treat specially.
fn secret_strategy() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[A-Za-z0-9._~!@#$*()\\[\\]{}:,=+/-]{16,128}").unwrap()
}

fn text_strategy() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-z ,.:\n]{0,300}").unwrap()
}

/// Scans `text` for `secret`: `Ok` when some finding is the whole secret, else every finding.
fn found_whole(secret: &str, text: &str) -> Result<(), Vec<sealprobe::leak::Finding>> {
    let scanner = ScannerBuilder::new().secret(secret).build().unwrap();
    let found = scanner.scan(text.as_bytes());
    let id = sealprobe::leak::scan::fingerprint(secret.as_bytes());
    if found
        .iter()
        .any(|f| f.kind == Kind::Secret && f.id == id && !f.partial)
    {
        Ok(())
    } else {
        Err(found)
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/leak_properties.txt",
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_planted_secret_is_found_in_every_encoding_at_any_offset(
        secret in secret_strategy(),
        before in text_strategy(),
        after in text_strategy(),
        which in 0..ENCODINGS.len(),
        align in 0usize..3,
    ) {
        let encoding = ENCODINGS[which];
        let planted = plant(&secret, encoding, align);
        let text = format!("{before} {planted} {after}");
        let found = found_whole(&secret, &text);
        prop_assert!(found.is_ok(), "{encoding} not found whole: {found:?}");
    }

    #[test]
    fn rendered_findings_hold_nothing_of_the_secret(
        secret in secret_strategy(),
        which in 0..ENCODINGS.len(),
        align in 0usize..3,
    ) {
        let planted = plant(&secret, ENCODINGS[which], align);
        let text = format!("log: {planted} end\nsecond: {}\n", &secret[..16]);
        let scanner = ScannerBuilder::new()
            .secret(secret.clone())
            .rules(sealprobe::leak::rules::builtin())
            .build()
            .unwrap();
        let found = scanner.scan(text.as_bytes());
        prop_assert!(!found.is_empty());
        let located = render::locate(b"out.log", text.as_bytes(), found);
        // The one leak check: the secret as a secret plus every built-in token rule.
        let check = sealprobe::leak::canary_scanner([&secret]).unwrap();
        let end = render::End {
            bytes: text.len() as u64,
            ..render::End::default()
        };
        for rendered in [render::json(&located, &end), render::human(&located, &end).into_bytes()] {
            let again = check.scan(&rendered);
            prop_assert!(again.is_empty(), "the report itself leaks: {again:?}");
        }
    }

    /// Any 16-byte (or longer) run of a secret, encoded, is a partial leak where it is planted:
    /// the anchors are spaced so that every such run holds a whole one, in every encoding.
    #[test]
    fn any_run_of_16_bytes_of_a_secret_is_found_in_every_encoding(
        secret in secret_strategy(),
        start in any::<proptest::sample::Index>(),
        len in 16usize..40,
        before in text_strategy(),
        which in 0..ENCODINGS.len(),
        align in 0usize..3,
    ) {
        let len = len.min(secret.len());
        let start = start.index(secret.len() - len + 1);
        let run = &secret[start..start + len];
        let text = format!("{before} {} end", plant(run, ENCODINGS[which], align));
        let scanner = ScannerBuilder::new().secret(secret.clone()).build().unwrap();
        let id = sealprobe::leak::scan::fingerprint(secret.as_bytes());
        let found = scanner.scan(text.as_bytes());
        prop_assert!(
            found.iter().any(|f| f.kind == Kind::Secret && f.id == id),
            "{} of {}: {:?}", run.len(), ENCODINGS[which], found
        );
    }
}

/// Secrets with a long periodic stretch: a head, a block repeated many times, a tail (a token
/// padded with `A`s, a run of zeros). The scanner keeps only three anchors of such a run.
fn periodic_secret_strategy() -> impl Strategy<Value = String> {
    (
        proptest::string::string_regex("[A-Za-z0-9._-]{0,20}").unwrap(),
        proptest::string::string_regex("[A-Za-z0-9]{1,8}").unwrap(),
        8usize..120,
        proptest::string::string_regex("[A-Za-z0-9._-]{0,20}").unwrap(),
    )
        .prop_map(|(head, unit, times, tail)| format!("{head}{}{tail}", unit.repeat(times)))
        .prop_filter("at least 16 bytes", |s| s.len() >= 16)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/leak_properties.txt",
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_periodic_secret_is_found_whole_in_every_encoding(
        secret in periodic_secret_strategy(),
        before in text_strategy(),
        which in 0..ENCODINGS.len(),
        align in 0usize..3,
    ) {
        let encoding = ENCODINGS[which];
        let text = format!("{before} {} end", plant(&secret, encoding, align));
        let found = found_whole(&secret, &text);
        prop_assert!(found.is_ok(), "{encoding} not found whole: {found:?}");
    }

    #[test]
    fn any_16_byte_run_of_a_periodic_secret_is_found_where_it_is(
        secret in periodic_secret_strategy(),
        start in any::<proptest::sample::Index>(),
        len in 16usize..64,
        before in text_strategy(),
    ) {
        let len = len.min(secret.len());
        let start = start.index(secret.len() - len + 1);
        let run = &secret[start..start + len];
        let text = format!("{before} {run} end");
        let at = before.len() + 1;
        let scanner = ScannerBuilder::new().secret(secret.clone()).build().unwrap();
        let found = scanner.scan(text.as_bytes());
        prop_assert!(
            found.iter().any(|f| f.kind == Kind::Secret && f.offset <= at && f.offset + f.length >= at + len),
            "the run {start}..{} is not covered: {found:?}", start + len
        );
    }
}

/// A 20,000-byte padded token (the forged-tokens overlong case) echoed into its output once
/// whole and once as a partial run: both are found. (Before the scanner kept three anchors per
/// periodic run, this scan took minutes; `benches/scan.sh` is where its speed is measured.)
#[test]
fn a_long_padded_token_is_found_whole_and_in_part() {
    let secret = format!(
        "spg1.dryrun.0123456789abcdef.1900000000.{}",
        "A".repeat(20_000 - 40)
    );
    let text = format!("x {secret} y {} z", &secret[5_000..9_000]);
    let scanner = ScannerBuilder::new()
        .secret(secret.clone())
        .build()
        .unwrap();
    let found = scanner.scan(text.as_bytes());
    assert!(
        found
            .iter()
            .any(|f| f.offset == 2 && f.length == secret.len() && !f.partial),
        "{found:?}"
    );
    let part = 2 + secret.len() + 3;
    assert!(
        found
            .iter()
            .any(|f| f.partial && f.offset <= part && f.offset + f.length >= part + 4_000),
        "{found:?}"
    );
}

/// 64 MiB of generated output holding no secret: JSON logs with escapes, access logs with
/// percent-encoded query strings, base64 and hex blobs, stack traces.
#[test]
fn no_false_positive_on_64_mib_of_clean_text() {
    let secrets: Vec<String> = (0..50)
        .map(|i| {
            format!(
                "S3cr3t-{i:03}-{}",
                STANDARD_NO_PAD.encode(format!("secret material number {i}"))
            )
        })
        .collect();
    let mut builder = ScannerBuilder::new();
    for s in &secrets {
        builder = builder.secret(s.clone());
    }
    let scanner = builder.build().unwrap();
    let mut text = Vec::with_capacity(64 << 20);
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    while text.len() < 64 << 20 {
        let r = next();
        let blob: Vec<u8> = (0..48).map(|_| next() as u8).collect();
        match r % 5 {
            0 => text.extend_from_slice(
                format!(
                    "{{\"ts\":{r},\"msg\":\"caf\\u00e9 \\\"quoted\\\" {}\"}}\n",
                    r % 997
                )
                .as_bytes(),
            ),
            1 => text.extend_from_slice(
                format!(
                    "10.1.2.3 - - \"GET /q?a=%2F{}&b=x%20y HTTP/1.1\" 200 {}\n",
                    r % 10007,
                    r % 4096
                )
                .as_bytes(),
            ),
            2 => text.extend_from_slice(format!("blob {}\n", STANDARD.encode(&blob)).as_bytes()),
            3 => text.extend_from_slice(
                format!(
                    "hex {}\n",
                    blob.iter().map(|b| format!("{b:02x}")).collect::<String>()
                )
                .as_bytes(),
            ),
            _ => text.extend_from_slice(
                format!(
                    "  at com.example.Service.handle(Service.java:{})\n",
                    r % 500
                )
                .as_bytes(),
            ),
        }
    }
    let found = scanner.scan(&text);
    assert!(
        found.is_empty(),
        "false positives: {:?}",
        &found[..found.len().min(5)]
    );
}
