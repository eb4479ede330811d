use sealprobe::probe::Family;

#[test]
fn forged_tokens_family_pins() {
    super::pin(
        Family::ForgedTokens,
        &[
            ("mac-flipped-first-char", &["grant-invalid"]),
            ("mac-from-other-key-wrong-action", &["grant-invalid"]),
            ("leading-zero-in-expiry", &["grant-invalid"]),
            ("wrong-action-apply", &["grant-wrong-action"]),
            ("replay-other-packet-name", &["grant-wrong-packet"]),
            ("expiry-exactly-now", &["grant-expired"]),
            ("two-valid-grants-one-action", &["grant-repeated"]),
            ("grant-missing-empty-list", &["grant-missing"]),
            ("no-key-and-grant-missing", &["key", "grant-missing"]),
            ("static-grant-minted-with-other-key", &["grant-invalid"]),
            ("control-dryrun-grant", &[]),
            ("control-execution-all-closed", &[]),
        ],
    );
}
