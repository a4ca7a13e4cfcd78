//! The labelled corpus: it validates, and the validator and agreement commands work.

mod util;

use util::{s, stance, Dir};

#[test]
fn training_and_held_out_corpora_validate() {
    let r = stance(&["validate", "training-data", "training-data/test"]);
    let out = r.ok();
    assert!(out.contains("ok: no problems found"), "{out}\n{}", r.stderr);
}

#[test]
fn corpus_meets_its_size_and_balance_targets() {
    let r = stance(&["validate", "training-data", "training-data/test"]);
    let out = r.ok();
    let mut labels = 0;
    for (line, min_articles) in out
        .lines()
        .filter(|l| l.contains(" articles, "))
        .zip([300, 60])
    {
        let n = |word: &str| -> usize {
            let i = line.find(word).unwrap();
            line[..i]
                .trim_end()
                .rsplit([' ', ':', ','])
                .next()
                .unwrap()
                .parse()
                .unwrap()
        };
        assert!(n(" articles") >= min_articles, "{line}");
        labels += n(" paragraph labels");
    }
    assert!(labels >= 3000, "{labels} paragraph labels");
    for line in out
        .lines()
        .filter(|l| l.trim_start().starts_with("stance:"))
    {
        for pct in line
            .split('%')
            .filter_map(|p| p.rsplit(' ').next()?.parse::<f64>().ok())
        {
            assert!(pct >= 20.0, "class below 20%: {line}");
        }
    }
}

#[test]
fn validate_reports_each_problem() {
    let d = Dir::new();
    d.write(
        "a/articles/x1.txt",
        "Head\n\nMoscow welcomed the talks.\n\nOfficials met.",
    );
    d.write(
        "a/labels.csv",
        "article,paragraph,actor,stance,sentiment\n\
         x1,2,Russia,favor,positive\n\
         x1,3,Ukraine,neutral,neutral\n\
         x1,,Russia,against,positive\n",
    );
    d.write("b/articles/x1.txt", "Another text about Kyiv.");
    d.write("b/labels.csv", "article,paragraph,actor,stance,sentiment\nx1,1,Ukraine,neutral,neutral\nx1,,Ukraine,neutral,neutral\n");
    let r = stance(&["validate", s(&d.path("a")), s(&d.path("b"))]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for needle in [
        "actor `Ukraine` is not found by the detector in paragraph 3",
        "article-level stance of `Russia` is against but its paragraphs give favor",
        "`Ukraine` has paragraph labels but no article-level label",
        "article id also in",
        "problems found",
    ] {
        assert!(
            r.stderr.contains(needle),
            "missing `{needle}` in:\n{}",
            r.stderr
        );
    }
}

#[test]
fn agreement_reports_kappa() {
    let d = Dir::new();
    let a = d.write(
        "a.csv",
        "article,paragraph,actor,stance,sentiment\nx,1,Russia,favor,positive\nx,2,Russia,against,negative\nx,3,Russia,neutral,neutral\nx,4,Russia,favor,neutral\nx,,Russia,favor,neutral\n",
    );
    let b = d.write(
        "b.csv",
        "article,paragraph,actor,stance,sentiment\nx,1,Russia,favor,positive\nx,2,Russia,against,negative\nx,3,Russia,neutral,neutral\nx,4,Russia,neutral,neutral\n",
    );
    let out = stance(&["agreement", s(&a), s(&b)]);
    let t = out.ok();
    assert!(t.contains("4 pairs labelled in both"), "{t}");
    // stance: 3 of 4 agree; marginals (2,1,1) vs (1,1,2): chance 0.3125
    assert!(t.contains("stance: Cohen's kappa 0.636"), "{t}");
    assert!(t.contains("sentiment: Cohen's kappa 1.000"), "{t}");
}
