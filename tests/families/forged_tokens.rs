use sealprobe::probe::Family;

#[test]
fn forged_tokens_family_pins() {
    super::pin(Family::ForgedTokens, &[]);
}
