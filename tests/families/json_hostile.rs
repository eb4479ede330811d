use sealprobe::probe::Family;

#[test]
fn json_hostile_family_pins() {
    super::pin(Family::JsonHostile, &[]);
}
