use sealprobe::probe::Family;

#[test]
fn unicode_family_pins() {
    super::pin(Family::Unicode, &[]);
}
