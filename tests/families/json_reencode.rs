use sealprobe::probe::Family;

#[test]
fn json_reencode_family_pins() {
    super::pin(Family::JsonReencode, &[]);
}
