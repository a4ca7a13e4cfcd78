//! The shipped model is reproducible from the repository by its documented command.

mod util;

use util::{root, s, stance, Dir};

#[test]
fn shipped_model_is_reproducible_from_training_data() {
    let d = Dir::new();
    let out = d.path("retrained.json");
    // the command documented in README.md ("Retrain the shipped model")
    stance(&["train", "--data", "training-data", "--out", s(&out)]).ok();
    let shipped = std::fs::read(root().join("models/stance-model.json")).unwrap();
    let retrained = std::fs::read(&out).unwrap();
    assert!(
        shipped == retrained,
        "models/stance-model.json differs from a fresh `stance train --data training-data`; \
         retrain it with that command and commit the result"
    );
}

#[test]
fn shipped_model_never_saw_the_test_split() {
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root().join("models/stance-model.json")).unwrap())
            .unwrap();
    let data: Vec<&str> = m["summary"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(data, ["training-data"]);
}
