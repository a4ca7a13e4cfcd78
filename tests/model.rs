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

#[test]
fn shipped_model_decides_articles_with_a_stacked_model_and_old_models_still_work() {
    let shipped = std::fs::read(root().join("models/stance-model.json")).unwrap();
    let mut m: serde_json::Value = serde_json::from_slice(&shipped).unwrap();
    for task in ["stance", "sentiment"] {
        let a = &m[task]["article"];
        assert!(
            a.is_object(),
            "{task}: no article model in the shipped model"
        );
        assert!(a["rows"].as_u64().unwrap() > 1000, "{task}: {}", a["rows"]);
    }
    let article = "examples/helsinki-backchannel.txt";
    let stacked: serde_json::Value =
        serde_json::from_str(stance(&["classify", "--format", "json", article]).ok()).unwrap();
    // a model written before the article model existed has no `article` field: it loads,
    // and article-level labels come from the prevailing rule instead
    for task in ["stance", "sentiment"] {
        m[task].as_object_mut().unwrap().remove("article");
        m[task].as_object_mut().unwrap().remove("context");
    }
    let d = Dir::new();
    let old = d.write("old.json", serde_json::to_vec(&m).unwrap());
    let out = stance(&["classify", "--format", "json", "--model", s(&old), article]);
    let rule: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    let probs = |v: &serde_json::Value| -> Vec<f64> {
        v[0]["actors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["probabilities"]["favor"].as_f64().unwrap())
            .collect()
    };
    let (a, b) = (probs(&stacked), probs(&rule));
    assert_eq!(a.len(), b.len());
    assert!(
        a.iter().zip(&b).any(|(x, y)| (x - y).abs() > 1e-6),
        "{a:?} {b:?}"
    );
}

#[test]
fn too_few_article_labels_fall_back_to_the_prevailing_rule() {
    let d = Dir::new();
    let out = d.path("m.json");
    let run = stance(&["train", "--data", "tests/data/mini", "--out", s(&out)]);
    run.ok();
    assert!(
        run.stderr.contains("too few for the article model"),
        "{}",
        run.stderr
    );
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert!(m["stance"].get("article").is_none());
}

#[test]
fn the_stacked_models_can_be_left_out_and_the_mini_corpus_gets_a_context_model() {
    let d = Dir::new();
    let with = d.path("with.json");
    stance(&["train", "--data", "tests/data/mini", "--out", s(&with)]).ok();
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(&with).unwrap()).unwrap();
    assert!(
        m["stance"]["context"].is_object(),
        "mini has several pairs per article"
    );
    let without = d.path("without.json");
    stance(&[
        "train",
        "--data",
        "tests/data/mini",
        "--out",
        s(&without),
        "--no-context-model",
        "--no-article-model",
    ])
    .ok();
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(&without).unwrap()).unwrap();
    for task in ["stance", "sentiment"] {
        assert!(m[task].get("context").is_none() && m[task].get("article").is_none());
    }
    // both classify the same article without complaint
    for model in [&with, &without] {
        stance(&[
            "classify",
            "--model",
            s(model),
            "--paragraphs",
            "examples/helsinki-backchannel.txt",
        ])
        .ok();
    }
}
