use sealprobe::probe::Family;

#[test]
fn leak_bait_family_pins() {
    super::pin(Family::LeakBait, &[]);
}
