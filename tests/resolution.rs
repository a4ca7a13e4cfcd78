//! Actor resolution end to end: who gets a pair in `stance classify`, and `--by-person`.

mod util;

use serde_json::Value;
use util::{s, stance, Dir};

fn report(text: &str, extra: &[&str]) -> Value {
    let d = Dir::new();
    let f = d.write("a.txt", text);
    let mut args = vec!["classify", s(&f), "--format", "json"];
    args.extend_from_slice(extra);
    let out = stance(&args);
    serde_json::from_str::<Value>(out.ok()).unwrap()[0].clone()
}

fn actor<'a>(r: &'a Value, name: &str) -> Option<&'a Value> {
    r["actors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["actor"] == name)
}

#[test]
fn a_pronoun_carries_the_actor_into_the_next_paragraph() {
    let r = report(
        "Sergey Lavrov met reporters in Geneva on Monday.\n\nHe said Moscow was ready for a new round of talks with Washington.\n\nThe weather was mild.",
        &[],
    );
    let russia = actor(&r, "Russia").expect("Russia found");
    assert_eq!(russia["paragraphs"], serde_json::json!([1, 2]));
}

#[test]
fn a_place_or_topic_use_makes_no_pair() {
    // Ukraine appears only as a place and in "the Ukraine war"; Poland only as a place
    let r = report(
        "Donald Trump flew to Warsaw on Tuesday and spoke about the Ukraine war for an hour.",
        &[],
    );
    assert!(actor(&r, "United States").is_some());
    assert!(actor(&r, "Poland").is_none(), "{r}");
    assert!(actor(&r, "Ukraine").is_none(), "{r}");
    // ...unless the actor also acts in the paragraph
    let r = report(
        "Donald Trump flew to Warsaw, where Poland's president told him sanctions must stay.",
        &[],
    );
    assert!(actor(&r, "Poland").is_some(), "{r}");
}

#[test]
fn by_person_breaks_rows_down() {
    let text = "Russian Foreign Minister Sergey Lavrov welcomed the talks with Washington.\n\n\
                Kremlin spokesman Dmitry Peskov said Moscow was in no hurry.\n\n\
                Lavrov later said he hoped for a summit soon.";
    let r = report(text, &["--by-person"]);
    let russia = actor(&r, "Russia").unwrap();
    let persons = russia["persons"].as_array().expect("persons");
    let names: Vec<&str> = persons
        .iter()
        .map(|p| p["person"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Russian Foreign Minister Sergey Lavrov",
            "Kremlin spokesman Dmitry Peskov"
        ],
        "{persons:?}"
    );
    assert_eq!(persons[0]["paragraphs"], serde_json::json!([1, 3]));
    assert_eq!(persons[1]["paragraphs"], serde_json::json!([2]));
    for p in persons {
        let pr = &p["probabilities"];
        let sum = pr["favor"].as_f64().unwrap()
            + pr["against"].as_f64().unwrap()
            + pr["neutral"].as_f64().unwrap();
        assert!((sum - 1.0).abs() < 1e-9);
    }
    // without the flag there is no `persons` field
    assert!(actor(&report(text, &[]), "Russia")
        .unwrap()
        .get("persons")
        .is_none());
    // the table shows one indented row per person
    let d = Dir::new();
    let f = d.write("a.txt", text);
    let t = stance(&["classify", s(&f), "--by-person"]);
    assert_eq!(
        t.ok()
            .lines()
            .filter(|l| l.trim_start().starts_with('·'))
            .count(),
        2,
        "{}",
        t.stdout
    );
}

#[test]
fn article_level_labels_come_from_the_paragraphs_that_name_the_actor() {
    // like the article-level labels it is trained on: a paragraph that refers to Russia only
    // through "he" gets its own decision but does not move Russia's article-level label
    let named = "Talks in Geneva\n\nRussian Foreign Minister Sergei Lavrov said Moscow welcomed \
                 the talks and wanted them to continue.\n";
    let with_pronoun = format!(
        "{named}\nHe later warned that he would walk away and called the American proposal an \
         insult.\n"
    );
    let d = Dir::new();
    let russia = |text: &str, name: &str| -> serde_json::Value {
        let f = d.write(name, text);
        let out = stance(&["classify", "--format", "json", "--paragraphs", s(&f)]);
        let v: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
        v[0]["actors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["actor"] == "Russia")
            .unwrap()
            .clone()
    };
    let a = russia(&with_pronoun, "a.txt");
    let b = russia(named, "b.txt");
    assert_eq!(a["paragraphs"], serde_json::json!([2, 3]));
    assert_eq!(a["paragraph_decisions"].as_array().unwrap().len(), 2);
    assert_eq!(a["probabilities"], b["probabilities"]);
    assert_eq!(a["sentiment_probabilities"], b["sentiment_probabilities"]);
}
