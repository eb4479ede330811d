use sealprobe::probe::Family;

#[test]
fn line_endings_family_pins() {
    super::pin(
        Family::LineEndings,
        &[
            ("lf-to-crlf", &["crlf"]),
            ("final-newline-removed-lf", &["final-newline"]),
            ("json-lf-to-crlf", &["crlf"]),
            ("json-crlf-and-keys-reordered", &["crlf", "json-reencode"]),
            (
                "bom-crlf-and-final-newline",
                &["bom", "crlf", "final-newline"],
            ),
            ("cr-cr-lf-double-conversion", &["crlf", "content"]),
            ("binary-autocrlf-png-header", &["content"]),
            ("control-crlf-sealed-as-crlf", &[]),
            ("control-cr-only-unchanged", &[]),
        ],
    );
}
