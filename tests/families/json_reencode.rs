use sealprobe::probe::Family;

#[test]
fn json_reencode_family_pins() {
    super::pin(
        Family::JsonReencode,
        &[
            ("ensure-ascii", &["json-reencode"]),
            ("minified-no-newline", &["final-newline", "json-reencode"]),
            ("bom-crlf-ascii", &["bom", "crlf", "json-reencode"]),
            ("repeated-key-added", &["content"]),
            ("key-nfd", &["unicode"]),
            ("ensure-ascii-past-diagnosis-bound", &["content"]),
            ("control-canonical-untouched", &[]),
            ("control-minified-untouched", &[]),
        ],
    );
}
