use sealprobe::probe::Family;

#[test]
fn seal_tamper_family_pins() {
    super::pin(Family::SealTamper, &[]);
}
