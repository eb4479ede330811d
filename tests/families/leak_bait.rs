use sealprobe::probe::Family;

#[test]
fn leak_bait_family_pins() {
    super::pin(
        Family::LeakBait,
        &[
            ("syntax-bare-word-after-value", &["seal-syntax"]),
            ("unknown-top-field-named-canary", &["seal-schema"]),
            ("digest-is-canary", &["seal-digest"]),
            ("noncanonical-seal-canary-path", &["seal-noncanonical"]),
            ("drift-content-holds-canary", &["content"]),
            (
                "drift-truncated-inside-secret",
                &["content", "final-newline"],
            ),
            ("unsealed-grant-token-name", &["unsealed"]),
            ("sealed-path-grant-token-missing", &["missing"]),
            ("packet-required-action-grant-token", &["packet-schema"]),
            ("packet-status-canary", &["blocker-open"]),
            (
                "static-drifted-config-holds-canary",
                &["content", "unsealed"],
            ),
            ("control-canaries-in-sealed-content", &[]),
            ("control-packet-name-canary", &[]),
        ],
    );
}
