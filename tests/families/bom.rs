use sealprobe::probe::Family;

#[test]
fn bom_family_pins() {
    super::pin(
        Family::Bom,
        &[
            ("utf8-bom-added", &["bom"]),
            ("utf8-bom-removed", &["bom"]),
            ("utf8-bom-and-crlf", &["bom", "crlf"]),
            ("double-bom", &["bom", "unicode"]),
            ("utf16le-reencoded", &["content"]),
            ("control-bom-kept", &[]),
        ],
    );
}
