//! Property tests: paragraph splitting loses nothing, classify is deterministic and does not
//! depend on input order, a model saved and loaded predicts exactly as before.

use proptest::prelude::*;
use stance::actors::Gazetteer;
use stance::article::{paragraphs, sentences, Article};
use stance::model::Model;
use stance::report::{classify, ReportOptions};

/// Text made of words, actor names, punctuation and every kind of line break.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Moscow".to_string()),
        Just("the Kremlin".to_string()),
        Just("Kyiv".to_string()),
        Just("U.S.".to_string()),
        Just("Mr.".to_string()),
        Just(" ".to_string()),
        Just(".".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\r".to_string()),
        Just("\n\n".to_string()),
        Just(" \t\n".to_string()),
        "[a-zA-Zé’'\"]{1,8}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn paragraphs_partition_the_text_without_losing_a_character(t in text()) {
        let ps = paragraphs(&t);
        let mut covered = vec![false; t.len()];
        let mut last_end = 0;
        for (i, p) in ps.iter().enumerate() {
            prop_assert_eq!(p.number, i + 1);
            prop_assert!(p.span.start >= last_end, "paragraphs overlap or are out of order");
            prop_assert!(!p.span.is_empty());
            let s = &t[p.span.clone()];
            prop_assert_eq!(s, s.trim());
            for c in covered.iter_mut().take(p.span.end).skip(p.span.start) {
                *c = true;
            }
            last_end = p.span.end;
            // sentences lie inside their paragraph, in order
            let mut prev = 0;
            for r in sentences(s) {
                prop_assert!(r.start >= prev && r.end <= s.len());
                prev = r.end;
            }
        }
        for (i, ch) in t.char_indices() {
            if !ch.is_whitespace() {
                prop_assert!(covered[i], "character {:?} at {} is in no paragraph", ch, i);
            }
        }
    }

    #[test]
    fn classify_is_deterministic_and_order_free(ts in prop::collection::vec(text(), 1..5)) {
        let model = Model::builtin().unwrap();
        let gaz = Gazetteer::builtin();
        let arts: Vec<Article> = ts.iter().enumerate().map(|(i, t)| Article::new(format!("a{i}"), t.clone())).collect();
        let opts = ReportOptions::default();
        let forward: Vec<_> = arts.iter().map(|a| classify(&model, &gaz, a, &opts)).collect();
        let mut backward: Vec<_> = arts.iter().rev().map(|a| classify(&model, &gaz, a, &opts)).collect();
        backward.reverse();
        prop_assert_eq!(&forward, &backward);
        let again: Vec<_> = arts.iter().map(|a| classify(&model, &gaz, a, &opts)).collect();
        prop_assert_eq!(forward, again);
    }
}

#[test]
fn a_saved_and_loaded_model_predicts_exactly_as_before() {
    let model = Model::builtin().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.json");
    model.save(&path).unwrap();
    let loaded = Model::load(&path).unwrap();
    assert_eq!(model.to_json(), loaded.to_json());
    let gaz = Gazetteer::builtin();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/helsinki-backchannel.txt"
    ))
    .unwrap();
    let a = Article::new("x", text);
    let opts = ReportOptions {
        paragraphs: true,
        explain: true,
        by_person: true,
    };
    assert_eq!(
        classify(&model, &gaz, &a, &opts),
        classify(&loaded, &gaz, &a, &opts)
    );
}
