use sealprobe::probe::Family;

#[test]
fn bytes_family_pins() {
    super::pin(Family::Bytes, &[]);
}
