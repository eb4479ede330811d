use sealprobe::probe::Family;

#[test]
fn decision_family_pins() {
    super::pin(
        Family::Decision,
        &[
            ("selected-none", &["selected-count"]),
            (
                "selected-unknown-and-known",
                &["selected-count", "selected-unknown"],
            ),
            ("selected-cyrillic-o", &["selected-unknown"]),
            ("default-requires-grant", &["default-not-hold"]),
            ("blocker-missing-from-list", &["blocker-missing"]),
            ("blocker-repeated-open-and-closed", &["blocker-repeated"]),
            ("blocker-closed-lower-case", &["blocker-open"]),
            (
                "edited-required-blocker-closed-after-grant",
                &["grant-wrong-packet"],
            ),
            ("schema-unknown-top-field", &["packet-schema"]),
            ("syntax-repeated-selected", &["packet-syntax"]),
            ("packet-over-16-mib", &["packet-unreadable"]),
            (
                "every-reason-at-once",
                &[
                    "default-not-hold",
                    "blocker-open",
                    "blocker-missing",
                    "grant-invalid",
                    "grant-missing",
                ],
            ),
            ("static-closed-in-lower-case", &["blocker-open"]),
            ("control-blockers-only-without-key", &[]),
            ("control-keys-reversed", &[]),
            ("control-digest-is-rfc8785", &[]),
        ],
    );
}
