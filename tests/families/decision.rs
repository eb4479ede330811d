use sealprobe::probe::Family;

#[test]
fn decision_family_pins() {
    super::pin(Family::Decision, &[]);
}
