use sealprobe::probe::Family;

#[test]
fn unicode_family_pins() {
    super::pin(
        Family::Unicode,
        &[
            ("em-dash-for-hyphen", &["unicode"]),
            ("nfc-to-nfd-text", &["unicode"]),
            ("rlo-override", &["unicode"]),
            ("cyrillic-a", &["unicode"]),
            ("nbsp-and-crlf", &["crlf", "unicode"]),
            (
                "homoglyph-bom-crlf-final-newline",
                &["bom", "crlf", "final-newline", "unicode"],
            ),
            ("accent-dropped", &["content"]),
            ("control-nfd-text-unchanged", &[]),
        ],
    );
}
