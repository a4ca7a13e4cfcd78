//! classify's fast path (a paragraph tokenised once for all its actors, columns looked up
//! by parts) must give exactly what the plain path gives: the features of one pair as a bag
//! of names, then the vectorizer and the classifiers.

use stance::actors::Gazetteer;
use stance::article::paragraphs;
use stance::features::split_mentions;
use stance::model::{ColumnCache, Model};

fn check(model: &Model, texts: &[String], exact: bool) -> usize {
    let g = Gazetteer::builtin();
    let a = model.analyzer();
    let mut cache = ColumnCache::default();
    let mut pairs = 0;
    for text in texts {
        for p in paragraphs(text) {
            let pt = &text[p.span.clone()];
            let mentions = g.mentions(pt);
            let mut actors: Vec<usize> = mentions.iter().map(|m| m.actor).collect();
            actors.sort_unstable();
            actors.dedup();
            let prepared = a.prepare(
                pt,
                mentions
                    .iter()
                    .map(|m| (m.span.clone(), m.actor as u32))
                    .collect(),
            );
            cache.reset(prepared.len());
            for actor in actors {
                let (t, o) = split_mentions(&mentions, actor);
                let slow = model.predict_bag(&a.features(pt, &t, &o));
                let fast = model.predict_prepared(&prepared, actor as u32, &mut cache);
                let (s, f) = (slow.stance.unwrap(), fast.stance.unwrap());
                if exact {
                    assert_eq!(s, f, "paragraph {:?}", pt);
                    assert_eq!(slow.sentiment, fast.sentiment);
                } else {
                    for (x, y) in s.iter().zip(&f) {
                        assert!((x - y).abs() < 1e-9, "{x} vs {y}: {pt:?}");
                    }
                }
                pairs += 1;
            }
        }
    }
    pairs
}

fn held_out() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("training-data/test/articles");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect()
}

#[test]
fn builtin_model_fast_path_is_exact_on_the_held_out_split() {
    let n = check(&Model::builtin().unwrap(), &held_out(), true);
    assert!(n > 1000, "{n} pairs");
}

fn trained(extra: &[&str]) -> Model {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("m.json");
    let mini = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/mini");
    let st = std::process::Command::new(env!("CARGO_BIN_EXE_stance"))
        .args([
            "train",
            "--data",
            mini.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .args(["--alphas", "1", "--no-calibration"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    Model::load(&out).unwrap()
}

#[test]
fn other_settings_take_the_plain_path_or_agree() {
    let texts = held_out();
    // role features: compounds `a:x`, `p:x`
    check(&trained(&["--roles", "--min-df", "1"]), &texts, true);
    // no masking: each actor needs its own token view
    check(&trained(&["--no-mask"]), &texts, true);
    // hashing: collisions sum in another order, so equal up to rounding
    check(&trained(&["--hashing", "12"]), &texts, false);
}
