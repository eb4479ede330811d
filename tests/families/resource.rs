use sealprobe::probe::Family;

#[test]
fn resource_family_pins() {
    super::pin(Family::Resource, &[]);
}
