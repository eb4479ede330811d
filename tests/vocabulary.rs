//! The closed sets of names (issue #8, "a typed vocabulary"): every set has `ALL`, `name` and
//! `from_name`, declared once, and the names are exactly the SPEC's, so expectation files,
//! reports and tests spell classes identically.

use std::collections::HashSet;

use sealprobe::decide::ReasonClass;
use sealprobe::report::Format;
use sealprobe::seal::{Drift, Eol, SealErrorClass};
use sealprobe::strict_json::JsonErrorClass;
use sealprobe::vocabulary::Vocabulary;

fn round_trips<V: Vocabulary + std::fmt::Debug + std::fmt::Display>() {
    let mut seen = HashSet::new();
    assert!(!V::ALL.is_empty());
    for &m in V::ALL {
        assert!(seen.insert(m.name()), "{} is named twice", m.name());
        assert_eq!(V::from_name(m.name()), Some(m));
        assert_eq!(m.to_string(), m.name());
        assert_eq!(V::from_name(&m.name().to_uppercase()), None);
        assert_eq!(V::from_name(&format!(" {}", m.name())), None);
        assert_eq!(V::from_name(&format!("{}\n", m.name())), None);
    }
    assert_eq!(V::from_name(""), None);
    assert_eq!(V::names().len(), V::ALL.len());
}

#[test]
fn every_vocabulary_round_trips_its_names() {
    round_trips::<Drift>();
    round_trips::<SealErrorClass>();
    round_trips::<ReasonClass>();
    round_trips::<JsonErrorClass>();
    round_trips::<Eol>();
    round_trips::<Format>();
}

#[test]
fn drift_classes_are_the_spec_table_in_order() {
    assert_eq!(
        Drift::names(),
        [
            "missing",
            "path-unicode",
            "not-regular",
            "unreadable",
            "bom",
            "crlf",
            "final-newline",
            "json-reencode",
            "unicode",
            "content",
            "unsealed"
        ]
    );
}

#[test]
fn seal_error_classes_are_the_spec_set_plus_unreadable() {
    let mut names = SealErrorClass::names();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "seal-digest",
            "seal-mac",
            "seal-noncanonical",
            "seal-path",
            "seal-schema",
            "seal-size",
            "seal-syntax",
            "seal-unreadable",
            "seal-version"
        ]
    );
}

#[test]
fn reason_classes_are_the_spec_set() {
    let mut names = ReasonClass::names();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "blocker-missing",
            "blocker-open",
            "blocker-repeated",
            "default-not-hold",
            "grant-expired",
            "grant-invalid",
            "grant-missing",
            "grant-repeated",
            "grant-wrong-action",
            "grant-wrong-packet",
            "key",
            "packet-schema",
            "packet-syntax",
            "packet-unreadable",
            "selected-count",
            "selected-unknown"
        ]
    );
}
