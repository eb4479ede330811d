use sealprobe::probe::Family;

#[test]
fn seal_tamper_family_pins() {
    super::pin(
        Family::SealTamper,
        &[
            ("sha256-one-digit-edited", &["content"]),
            ("bytes-plus-one", &["content"]),
            ("entry-removed-from-complete-folder", &["unsealed"]),
            ("entry-repeated", &["seal-path"]),
            ("repeated-key-bytes", &["seal-schema"]),
            ("path-dotdot-escape", &["seal-path"]),
            ("path-nfc-twin", &["seal-path"]),
            ("digest-uppercase", &["seal-digest"]),
            ("bytes-float", &["seal-schema"]),
            ("version-2", &["seal-version"]),
            ("reencoded-ensure-ascii", &["seal-noncanonical"]),
            ("truncated-before-closing-brace", &["seal-syntax"]),
            ("oversize-seal", &["seal-size"]),
            ("mac-from-another-seal", &["seal-mac"]),
            ("precedence-digest-over-path", &["seal-digest"]),
            ("static-entry-deleted-by-hand", &["unsealed"]),
            ("control-honest-seal", &[]),
            ("control-honest-keyed", &[]),
        ],
    );
}
