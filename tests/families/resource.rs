use sealprobe::probe::Family;

#[test]
fn resource_family_pins() {
    super::pin(
        Family::Resource,
        &[
            ("many-files-one-unsealed", &["unsealed"]),
            ("many-files-mixed-drift", &["bom", "crlf", "missing"]),
            ("deep-600-beyond-walk-limit", &["unreadable"]),
            ("name-86-cjk-unreadable", &["unreadable"]),
            ("sparse-1-tib-sealed-small", &["content"]),
            ("seal-over-size-limit", &["seal-size"]),
            ("control-name-255-bytes", &[]),
            ("control-deep-200-complete", &[]),
        ],
    );
}
