//! The `strict_json` target: the strict loader agrees with serde_json on every document it
//! accepts, and both canonical forms are fixed points.

use crate::strict_json::canonical::{file_form, jcs};
use crate::strict_json::{self, Value};

/// The strict loader never panics; when it accepts a document, serde_json accepts it too and reads
/// the same value; the file form and the JCS form of the value are fixed points (parsing them and
/// writing them again gives the same bytes), and the file form reads back as the same value.
pub fn strict_json(data: &[u8]) {
    let Ok(node) = strict_json::parse(data) else {
        return;
    };
    let theirs: serde_json::Value = match serde_json::from_slice(data) {
        Ok(v) => v,
        Err(_) => panic!("strict_json accepted a document that serde_json rejects"),
    };
    assert!(
        same_value(&node.value, &theirs),
        "strict_json and serde_json read different values"
    );

    let digest_form = jcs(&node);
    let pretty = file_form(&node);
    // The canonical forms may be longer than the input (indentation): re-read them unbounded.
    let again = strict_json::parse_with_limit(&pretty, usize::MAX)
        .unwrap_or_else(|e| panic!("the file form does not load again: {:?}", e.class));
    assert!(
        file_form(&again) == pretty,
        "the file form is not a fixed point"
    );
    assert!(
        jcs(&again) == digest_form,
        "the file form reads back as another value"
    );
    let again = strict_json::parse_with_limit(&digest_form, usize::MAX)
        .unwrap_or_else(|e| panic!("the JCS form does not load again: {:?}", e.class));
    assert!(
        jcs(&again) == digest_form,
        "the JCS form is not a fixed point"
    );
}

/// Structural equality of a strict value and a serde_json value; numbers compared as f64.
fn same_value(ours: &Value, theirs: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (ours, theirs) {
        (Value::Null, J::Null) => true,
        (Value::Bool(a), J::Bool(b)) => a == b,
        (Value::Number(a), J::Number(b)) => b.as_f64().is_some_and(|b| same_f64(a.as_f64(), b)),
        (Value::String(a), J::String(b)) => a == b,
        (Value::Array(a), J::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_value(&x.value, y))
        }
        (Value::Object(a), J::Object(b)) => {
            // Keys are unique on our side (repeated keys are refused), so equal sizes and every
            // key found with an equal value means the same object.
            a.len() == b.len()
                && a.iter()
                    .all(|m| b.get(&m.key).is_some_and(|v| same_value(&m.value.value, v)))
        }
        _ => false,
    }
}

/// Our numbers are correctly rounded (`str::parse::<f64>`). serde_json without its
/// `float_roundtrip` feature rounds long decimal literals on a best-effort basis, within a unit
/// in the last place or so; a difference of a few ULPs is serde_json's rounding, anything more
/// is a disagreement.
fn same_f64(ours: f64, theirs: f64) -> bool {
    if ours == theirs {
        return true;
    }
    if ours.is_sign_negative() != theirs.is_sign_negative() {
        return false;
    }
    ours.to_bits().abs_diff(theirs.to_bits()) <= 2
}
