use sealprobe::probe::Family;

#[test]
fn filesystem_family_pins() {
    super::pin(Family::Filesystem, &[]);
}
