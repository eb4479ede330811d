use sealprobe::probe::Family;

#[test]
fn line_endings_family_pins() {
    super::pin(Family::LineEndings, &[]);
}
