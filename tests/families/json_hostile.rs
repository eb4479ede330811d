use sealprobe::probe::Family;

#[test]
fn json_hostile_family_pins() {
    super::pin(
        Family::JsonHostile,
        &[
            ("seal-overlong-slash", &["seal-syntax"]),
            ("seal-bom", &["seal-noncanonical"]),
            ("seal-utf16le-without-bom", &["seal-noncanonical"]),
            ("seal-repeated-key-escaped-spelling", &["seal-schema"]),
            ("seal-nesting-65", &["seal-syntax"]),
            ("seal-nesting-64", &["seal-schema"]),
            ("seal-escaped-surrogate-pair", &["seal-noncanonical"]),
            ("packet-bom", &["packet-syntax"]),
            ("packet-repeated-selected", &["packet-syntax"]),
            ("packet-lone-high-surrogate", &["packet-syntax"]),
            ("packet-number-overflow", &["packet-syntax"]),
            ("packet-nesting-64", &["packet-schema"]),
            ("packet-unknown-field", &["packet-schema"]),
            ("static-seal-with-json5-comment", &["seal-syntax"]),
            ("control-packet-escaped-e-acute", &[]),
            ("control-seal-keyed", &[]),
        ],
    );
}
