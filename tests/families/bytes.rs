use sealprobe::probe::Family;

#[test]
fn bytes_family_pins() {
    super::pin(
        Family::Bytes,
        &[
            ("flip-text-last-byte", &["final-newline", "content"]),
            ("truncate-text-last-byte", &["final-newline"]),
            ("truncate-inside-utf8-sequence", &["content"]),
            ("truncate-crlf-text-last-byte", &["crlf"]),
            ("same-length-json-space-moved", &["json-reencode"]),
            ("append-space-to-json", &["final-newline", "json-reencode"]),
            ("truncate-binary-to-zero", &["content"]),
            ("control-untouched-tree", &[]),
        ],
    );
}
