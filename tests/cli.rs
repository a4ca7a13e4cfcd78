//! End-to-end tests of the `stance` command line.

mod util;

use std::sync::OnceLock;

use serde_json::Value;
use util::{fixture, root, s, stance, stance_in, Dir};

const EXAMPLE: &str = "examples/helsinki-backchannel.txt";

/// A model trained once on the mini corpus, shared by the tests that need a model file.
fn mini_model() -> &'static std::path::Path {
    static MODEL: OnceLock<(Dir, std::path::PathBuf)> = OnceLock::new();
    let (_, p) = MODEL.get_or_init(|| {
        let d = Dir::new();
        let out = d.path("mini.json");
        stance(&[
            "train",
            "--data",
            s(&fixture("mini")),
            "--out",
            s(&out),
            "--cv-folds",
            "3",
        ])
        .ok();
        (d, out)
    });
    p
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

// ---------------------------------------------------------------- classify

#[test]
fn classify_example_with_builtin_model_reports_each_side() {
    let out = stance(&["classify", EXAMPLE, "--format", "json"]);
    let v = json(out.ok());
    let arts = v.as_array().unwrap();
    assert_eq!(arts.len(), 1);
    assert_eq!(arts[0]["article"], "helsinki-backchannel");
    let actors = arts[0]["actors"].as_array().unwrap();
    let get = |name: &str| {
        actors
            .iter()
            .find(|a| a["actor"] == name)
            .unwrap_or_else(|| panic!("{name} missing from {actors:?}"))
    };
    // the example's clear cases: Moscow and Washington welcome the talks, Brussels insists on
    // sanctions, Kyiv objects to a deal made over its head
    assert_eq!(get("Russia")["stance"], "favor");
    assert_eq!(get("United States")["stance"], "favor");
    assert_eq!(get("European Union")["stance"], "against");
    assert_eq!(get("Ukraine")["stance"], "against");
    assert_eq!(get("European Union")["evidence"]["paragraph"], 6);
    assert_eq!(get("European Union")["paragraphs"], serde_json::json!([6]));
}

#[test]
fn classify_json_has_the_contract_fields() {
    let v = json(stance(&["classify", EXAMPLE, "--format", "json"]).ok());
    let a = &v[0]["actors"][0];
    for k in [
        "actor",
        "stance",
        "confidence",
        "probabilities",
        "sentiment",
        "sentiment_probabilities",
        "mentions",
        "paragraphs",
        "evidence",
    ] {
        assert!(a.get(k).is_some(), "missing {k} in {a}");
    }
    for k in ["favor", "against", "neutral"] {
        assert!(a["probabilities"][k].is_f64());
    }
    for k in ["positive", "negative", "neutral"] {
        assert!(a["sentiment_probabilities"][k].is_f64());
    }
    let p = &a["probabilities"];
    let sum = p["favor"].as_f64().unwrap()
        + p["against"].as_f64().unwrap()
        + p["neutral"].as_f64().unwrap();
    assert!((sum - 1.0).abs() < 1e-9);
    assert!(a.get("paragraph_decisions").is_none());
}

#[test]
fn classify_paragraphs_adds_decisions() {
    let v = json(stance(&["classify", EXAMPLE, "--format", "json", "--paragraphs"]).ok());
    let a = &v[0]["actors"][0];
    let d = a["paragraph_decisions"].as_array().unwrap();
    assert_eq!(d.len(), a["paragraphs"].as_array().unwrap().len());
    assert!(d[0]["stance"].is_string());
}

#[test]
fn classify_explain_lists_features_both_ways() {
    let v = json(stance(&["classify", EXAMPLE, "--format", "json", "--explain"]).ok());
    let eu = v[0]["actors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["actor"] == "European Union")
        .unwrap();
    let e = &eu["explanation"]["stance"];
    assert_eq!(e["label"], "against");
    assert_eq!(e["paragraph"], eu["evidence"]["paragraph"]);
    let toward = e["toward"].as_array().unwrap();
    assert!(!toward.is_empty() && toward.len() <= 5);
    assert!(toward.iter().all(|c| c["weight"].as_f64().unwrap() > 0.0));
    assert!(e["away"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["weight"].as_f64().unwrap() < 0.0));
    // sanctions talk is what makes Brussels `against`
    assert!(
        toward
            .iter()
            .any(|c| c["feature"].as_str().unwrap().contains("sanction")),
        "{toward:?}"
    );
    // the context model's part: the paragraph's own evidence dominates a clear paragraph
    let ctx = e["context"].as_array().unwrap();
    let names: Vec<&str> = ctx.iter().map(|c| c["feature"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "own paragraph",
            "actor's other paragraphs",
            "other actors in the paragraph"
        ]
    );
    assert!(ctx[0]["weight"].as_f64().unwrap() > 1.0, "{ctx:?}");
    let t = stance(&["classify", EXAMPLE, "--explain"]);
    assert!(t.ok().contains("why stance against (¶6)"), "{}", t.stdout);
    assert!(
        t.stdout.contains("context of ¶6: own paragraph +"),
        "{}",
        t.stdout
    );
}

#[test]
fn classify_formats_agree() {
    let j = json(stance(&["classify", EXAMPLE, "--format", "json"]).ok());
    let l = stance(&["classify", EXAMPLE, "--format", "jsonl"]);
    let lines: Vec<&str> = l.ok().lines().collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(json(lines[0]), j[0]);
    let c = stance(&["classify", EXAMPLE, "--format", "csv"]);
    let mut r = csv::Reader::from_reader(c.ok().as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>()[..3],
        ["article", "actor", "stance"]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), j[0]["actors"].as_array().unwrap().len());
    assert_eq!(&rows[0][1], j[0]["actors"][0]["actor"].as_str().unwrap());
    let m = stance(&["classify", EXAMPLE, "--format", "markdown"]);
    assert!(m.ok().contains("| actor | stance |"));
    let t = stance(&["classify", EXAMPLE]);
    assert!(t.ok().starts_with("helsinki-backchannel\n"));
}

#[test]
fn classify_reads_stdin_jsonl_csv_and_folders() {
    let d = Dir::new();
    let text = std::fs::read_to_string(root().join(EXAMPLE)).unwrap();
    let r = stance_in(
        &root(),
        &["classify", "-", "--format", "jsonl"],
        Some(text.as_bytes()),
    );
    assert_eq!(json(r.ok().trim())["article"], "stdin");

    let line = serde_json::json!({"id": 7, "text": text, "date": "2025-03-04"}).to_string();
    let jl = d.write("in.jsonl", format!("{line}\n{line}\n"));
    let out = stance(&["classify", s(&jl), "--format", "jsonl"]);
    let rows: Vec<Value> = out.ok().lines().map(json).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["article"], "7");
    assert_eq!(rows[0]["date"], "2025-03-04");

    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["id", "text"]).unwrap();
    w.write_record(["a1", &text]).unwrap();
    let c = d.write("in.csv", w.into_inner().unwrap());
    let out = stance(&["classify", s(&c), "--format", "jsonl"]);
    assert_eq!(json(out.ok().trim())["article"], "a1");

    d.write("folder/b.txt", &text);
    d.write("folder/sub/a.txt", &text);
    d.write("folder/skip.md", "not an article");
    let out = stance(&["classify", s(&d.path("folder")), "--format", "jsonl"]);
    let ids: Vec<String> = out
        .ok()
        .lines()
        .map(|l| json(l)["article"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["b", "a"]); // sorted by path: folder/b.txt < folder/sub/a.txt
}

#[test]
fn classify_skips_a_bad_input_and_carries_on() {
    let d = Dir::new();
    let good = root().join(EXAMPLE);
    let empty = d.write("empty.txt", "");
    let out = stance(&["classify", s(&empty), s(&good), "--format", "jsonl"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 1);
    assert!(
        out.stderr.contains("empty.txt: empty article"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("1 article classified, 1 input skipped"),
        "{}",
        out.stderr
    );

    let jl = d.write(
        "mixed.jsonl",
        "{\"id\": \"a\", \"text\": \"Moscow welcomed the talks.\"}\n{broken\n{\"id\": \"c\"}\n{\"id\": \"d\", \"text\": \"Kyiv objected.\"}\n",
    );
    let out = stance(&["classify", s(&jl), "--format", "jsonl"]);
    assert_eq!(out.code, 1);
    let ids: Vec<String> = out
        .stdout
        .lines()
        .map(|l| json(l)["article"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["a", "d"]);
    assert!(
        out.stderr.contains("mixed.jsonl:2: bad JSON article"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("mixed.jsonl:3: bad JSON article: missing field `text`"),
        "{}",
        out.stderr
    );
}

#[test]
fn classify_article_without_actors_has_empty_report() {
    let d = Dir::new();
    let f = d.write(
        "weather.txt",
        "Rain is expected on Tuesday.\n\nTemperatures will fall.",
    );
    let v = json(stance(&["classify", s(&f), "--format", "json"]).ok());
    assert_eq!(v[0]["actors"], serde_json::json!([]));
}

#[test]
fn classify_with_extra_gazetteer() {
    let d = Dir::new();
    let g = d.write(
        "extra.csv",
        "actor,alias,kind\nBelgium,De Wever,leader\nBelgium,Belgium,country\n",
    );
    let f = d.write("a.txt", "De Wever said Belgium would block the loan.");
    let v = json(stance(&["classify", s(&f), "--format", "json", "--actors", s(&g)]).ok());
    assert_eq!(v[0]["actors"][0]["actor"], "Belgium");
    assert_eq!(v[0]["actors"][0]["mentions"], 2);
    // replace: only the extra gazetteer's actors
    let f = d.write("b.txt", "Moscow and Belgium disagreed.");
    let v = json(
        stance(&[
            "classify",
            s(&f),
            "--format",
            "json",
            "--actors",
            s(&g),
            "--actors-replace",
        ])
        .ok(),
    );
    assert_eq!(v[0]["actors"].as_array().unwrap().len(), 1);
}

// ---------------------------------------------------------------- train and evaluate

#[test]
fn train_is_deterministic() {
    let d = Dir::new();
    let a = d.path("a.json");
    let b = d.path("b.json");
    for out in [&a, &b] {
        let r = stance(&[
            "train",
            "--data",
            s(&fixture("mini")),
            "--out",
            s(out),
            "--seed",
            "3",
            "--cv-folds",
            "3",
        ]);
        let summary = r.ok();
        assert!(summary.contains("stance: 41 rows"), "{summary}");
        assert!(summary.contains("<- chosen"), "{summary}");
        assert!(summary.contains("iterations"), "{summary}");
        assert!(r.stderr.contains("choosing alpha"), "{}", r.stderr);
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

#[test]
fn train_on_flat_csv_and_classify_with_it() {
    let d = Dir::new();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["id", "text", "stance", "actor"]).unwrap();
    for i in 0..12 {
        let (t, st) = match i % 3 {
            0 => (
                format!("Moscow welcomed the talks and praised the call number {i}."),
                "favor",
            ),
            1 => (
                format!("Warsaw condemned the talks and demanded sanctions, note {i}."),
                "against",
            ),
            _ => (format!("Officials met on day {i} in Geneva."), "neutral"),
        };
        w.write_record([format!("r{i}"), t, st.to_string(), String::new()])
            .unwrap();
    }
    let data = d.write("flat.csv", w.into_inner().unwrap());
    let model = d.path("flat.json");
    let r = stance(&[
        "train",
        "--data",
        s(&data),
        "--out",
        s(&model),
        "--cv-folds",
        "3",
    ]);
    assert!(r.ok().contains("stance: 12 rows"));
    assert!(
        !r.stdout.contains("sentiment:"),
        "no sentiment labels, no sentiment model"
    );
    let f = d.write("a.txt", "Moscow welcomed the talks.");
    let v = json(stance(&["classify", s(&f), "--model", s(&model), "--format", "json"]).ok());
    assert_eq!(v[0]["actors"][0]["actor"], "Russia");
    assert!(v[0]["actors"][0]["sentiment"].is_null());
}

#[test]
fn evaluate_json_shape() {
    let r = stance(&[
        "evaluate",
        "--data",
        s(&fixture("mini")),
        "--model",
        s(mini_model()),
        "--format",
        "json",
    ]);
    let v = json(r.ok());
    for task in ["stance", "sentiment"] {
        for level in ["paragraph", "article"] {
            let m = &v[task][level];
            for k in [
                "n",
                "accuracy",
                "macro_f1",
                "per_class",
                "confusion",
                "baseline",
            ] {
                assert!(m.get(k).is_some(), "{task}.{level} lacks {k}");
            }
            assert_eq!(m["confusion"]["labels"].as_array().unwrap().len(), 3);
            assert!(m["baseline"]["label"].is_string());
        }
        assert!(v[task]["article"]["actor_precision"].is_f64());
        assert!(v[task]["article"]["actor_recall"].is_f64());
        assert!(v[task]["paragraph"].get("actor_precision").is_none());
    }
    assert_eq!(v["stance"]["paragraph"]["n"], 41);
    assert_eq!(
        v["stance"]["article"]["per_class"]["favor"]["support"]
            .as_u64()
            .unwrap()
            > 0,
        true
    );
}

#[test]
fn evaluate_flat_csv_has_no_article_level() {
    let d = Dir::new();
    let data = d.write(
        "f.csv",
        "text,stance\nMoscow welcomed the talks.,favor\nWarsaw condemned them.,against\n",
    );
    let v = json(
        stance(&[
            "evaluate",
            "--data",
            s(&data),
            "--model",
            s(mini_model()),
            "--format",
            "json",
        ])
        .ok(),
    );
    assert!(v["stance"]["article"].is_null());
    assert!(v["sentiment"]["paragraph"].is_null());
    assert_eq!(v["stance"]["paragraph"]["n"], 2);
}

#[test]
fn evaluate_cross_validates_with_folds() {
    let r = stance(&[
        "evaluate",
        "--data",
        s(&fixture("mini")),
        "--folds",
        "3",
        "--cv-folds",
        "2",
        "--format",
        "json",
    ]);
    let v = json(r.ok());
    assert_eq!(v["stance"]["paragraph"]["n"], 41);
    assert!(r.stderr.contains("fold 3/3"), "{}", r.stderr);
    let r = stance(&["evaluate", "--data", s(&fixture("mini")), "--folds", "7"]);
    r.fatal("--folds 7 asks for more folds than the data has");
}

#[test]
fn evaluate_table_names_levels_and_baseline() {
    let out = stance(&[
        "evaluate",
        "--data",
        s(&fixture("mini")),
        "--model",
        s(mini_model()),
    ]);
    let t = out.ok();
    assert!(t.contains("stance, paragraph level (n = 41)"), "{t}");
    assert!(t.contains("majority baseline"), "{t}");
    assert!(t.contains("actors found: precision"), "{t}");
}

// ---------------------------------------------------------------- errors

#[test]
fn error_missing_input_file() {
    stance(&["classify", "no/such/file.txt"]).fatal("no/such/file.txt");
}

#[test]
fn error_empty_and_whitespace_files() {
    let d = Dir::new();
    let e = d.write("e.txt", "");
    stance(&["classify", s(&e)]).fatal("e.txt: empty article");
    let w = d.write("w.txt", " \n\t\n");
    stance(&["classify", s(&w)]).fatal("w.txt: empty article");
}

#[test]
fn error_non_utf8_text() {
    let d = Dir::new();
    let f = d.write("latin1.txt", b"Moscow\n\nKyiv \xe9t\xe9\n");
    stance(&["classify", s(&f)]).fatal("latin1.txt:3: not valid UTF-8");
}

#[test]
fn bom_and_crlf_are_accepted() {
    let d = Dir::new();
    let f = d.write(
        "bom.txt",
        "\u{feff}Moscow welcomed the talks.\r\n\r\nKyiv objected.\r\n",
    );
    let v = json(stance(&["classify", s(&f), "--format", "json"]).ok());
    let actors = v[0]["actors"].as_array().unwrap();
    assert_eq!(actors.len(), 2);
}

fn corpus_with_labels(d: &Dir, labels: &str) -> std::path::PathBuf {
    d.write(
        "c/articles/a1.txt",
        "Title\n\nMoscow welcomed the talks.\n\nWarsaw objected.",
    );
    d.write("c/labels.csv", labels);
    d.path("c")
}

#[test]
fn error_labels_missing_column() {
    let d = Dir::new();
    let c = corpus_with_labels(&d, "article,paragraph,actor,stance\na1,2,Russia,favor\n");
    stance(&["train", "--data", s(&c), "--out", s(&d.path("m.json"))])
        .fatal("labels.csv:1: missing column `sentiment`");
}

#[test]
fn error_labels_unknown_label() {
    let d = Dir::new();
    let c = corpus_with_labels(
        &d,
        "article,paragraph,actor,stance,sentiment\na1,2,Russia,favor,positive\na1,3,Poland,pro,negative\n",
    );
    stance(&["train", "--data", s(&c), "--out", s(&d.path("m.json"))])
        .fatal("labels.csv:3: field stance: unknown label `pro`");
}

#[test]
fn error_labels_paragraph_that_does_not_exist() {
    let d = Dir::new();
    let c = corpus_with_labels(
        &d,
        "article,paragraph,actor,stance,sentiment\na1,9,Russia,favor,positive\n",
    );
    stance(&["evaluate", "--data", s(&c)])
        .fatal("labels.csv:2: paragraph 9 does not exist: article `a1` has 3 paragraphs");
}

#[test]
fn error_labels_unknown_article_and_actor() {
    let d = Dir::new();
    let c = corpus_with_labels(
        &d,
        "article,paragraph,actor,stance,sentiment\na2,1,Russia,favor,positive\n",
    );
    stance(&["evaluate", "--data", s(&c)]).fatal("labels.csv:2: article `a2` has no file");
    let c = corpus_with_labels(
        &d,
        "article,paragraph,actor,stance,sentiment\na1,2,Atlantis,favor,positive\n",
    );
    stance(&["evaluate", "--data", s(&c)])
        .fatal("labels.csv:2: actor `Atlantis` is not in the gazetteer");
}

#[test]
fn error_flat_csv_missing_column_and_bad_label() {
    let d = Dir::new();
    let f = d.write("f.csv", "body,stance\nx,favor\n");
    stance(&["train", "--data", s(&f), "--out", s(&d.path("m.json"))])
        .fatal("f.csv:1: missing column `text`");
    let f = d.write("g.csv", "text,stance\nx,favor\ny,maybe\n");
    stance(&["train", "--data", s(&f), "--out", s(&d.path("m.json"))])
        .fatal("g.csv:3: field stance: unknown label `maybe`");
}

#[test]
fn error_training_single_class() {
    let d = Dir::new();
    let f = d.write(
        "one.csv",
        "text,stance\nMoscow agreed.,favor\nKyiv agreed.,favor\n",
    );
    stance(&["train", "--data", s(&f), "--out", s(&d.path("m.json"))]).fatal("single class");
}

#[test]
fn error_model_files() {
    let d = Dir::new();
    let cases: [(&str, &[u8], &str); 5] = [
        (
            "empty.json",
            b"",
            "empty.json: not a usable stance model: the file is empty",
        ),
        (
            "garbage.json",
            b"\x00\x01binary",
            "garbage.json: not a usable stance model: not JSON",
        ),
        (
            "other.json",
            b"{\"hello\": 1}",
            "other.json: not a usable stance model: no `\"format\": \"stance-model\"`",
        ),
        (
            "newer.json",
            b"{\"format\": \"stance-model\", \"version\": 99}",
            "format version 99 is newer",
        ),
        (
            "partial.json",
            b"{\"format\": \"stance-model\", \"version\": 1, \"analyzer\": {}}",
            "partial.json: not a usable stance model: corrupt",
        ),
    ];
    for (name, bytes, needle) in cases {
        let m = d.write(name, bytes);
        stance(&["classify", "--model", s(&m), EXAMPLE]).fatal(needle);
    }
    // truncated real model
    let full = std::fs::read(mini_model()).unwrap();
    let m = d.write("trunc.json", &full[..full.len() / 2]);
    stance(&["classify", "--model", s(&m), EXAMPLE]).fatal("trunc.json: not a usable stance model");
    stance(&["classify", "--model", s(&d.path("none.json")), EXAMPLE]).fatal("none.json");
}

#[test]
fn error_out_in_missing_folder_keeps_nothing() {
    let d = Dir::new();
    let out = d.path("no/such/dir/m.json");
    stance(&["train", "--data", s(&fixture("mini")), "--out", s(&out)])
        .fatal("the folder does not exist");
    assert!(!out.exists());
}

#[test]
fn train_replaces_model_atomically() {
    let d = Dir::new();
    let out = d.write("m.json", "old");
    stance(&[
        "train",
        "--data",
        s(&fixture("mini")),
        "--out",
        s(&out),
        "--cv-folds",
        "2",
    ])
    .ok();
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"{\"format\":\"stance-model\""));
    let leftovers: Vec<_> = std::fs::read_dir(d.tmp.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "temporary files left: {leftovers:?}");
}

#[test]
fn error_gazetteer_problems() {
    let d = Dir::new();
    let g = d.write("g.csv", "actor,alias,kind\nRussia,,x\n");
    stance(&["classify", EXAMPLE, "--actors", s(&g)]).fatal("g.csv:2: empty alias");
    let g = d.write(
        "h.csv",
        "actor,alias,kind\nRussia,Moskva,x\nUkraine,Moskva,x\n",
    );
    stance(&["classify", EXAMPLE, "--actors", s(&g)]).fatal("h.csv:3: alias `Moskva`");
}

#[test]
fn usage_errors_exit_2() {
    let r = stance(&["classify"]);
    assert_eq!(r.code, 2);
    let r = stance(&["frobnicate"]);
    assert_eq!(r.code, 2);
}

#[test]
fn closed_pipe_ends_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let d = Dir::new();
    let text = std::fs::read_to_string(root().join(EXAMPLE)).unwrap();
    let lines: String = (0..3000)
        .map(|i| serde_json::json!({"id": i, "text": text}).to_string() + "\n")
        .collect();
    let big = d.write("big.jsonl", lines);
    let mut child = Command::new(env!("CARGO_BIN_EXE_stance"))
        .args(["classify", s(&big), "--format", "jsonl"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 100];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---------------------------------------------------------------- odd inputs

#[test]
fn error_binary_data() {
    let d = Dir::new();
    let f = d.write("blob.txt", b"Moscow\x00\x00\x00Kyiv");
    stance(&["classify", s(&f)]).fatal("blob.txt: binary data");
}

#[test]
fn jsonl_number_where_text_belongs_is_reported() {
    let d = Dir::new();
    let f = d.write("n.jsonl", "{\"id\": \"a\", \"text\": 42}\n");
    stance(&["classify", s(&f)])
        .fatal("n.jsonl:1: bad JSON article: invalid type: integer `42`, expected a string");
}

#[test]
fn csv_with_quoted_newlines_and_quotes() {
    let d = Dir::new();
    let f = d.write(
        "q.csv",
        "id,text\nq1,\"Moscow \"\"welcomed\"\" the talks.\n\nKyiv objected.\"\n",
    );
    let v = json(stance(&["classify", s(&f), "--format", "json"]).ok());
    assert_eq!(v[0]["article"], "q1");
    assert_eq!(v[0]["actors"].as_array().unwrap().len(), 2);
}

#[test]
fn huge_paragraph_and_unbroken_line_complete() {
    let d = Dir::new();
    // one 10 MB paragraph of many sentences naming two actors, and a 1 MB word
    let para = "Moscow welcomed the talks while Warsaw warned against them. ".repeat(180_000);
    assert!(para.len() > 10 << 20);
    let f = d.write("big.txt", &para);
    let v = json(stance(&["classify", s(&f), "--format", "json"]).ok());
    assert_eq!(v[0]["actors"].as_array().unwrap().len(), 2);
    let f = d.write("word.txt", "x".repeat(1 << 20));
    let v = json(stance(&["classify", s(&f), "--format", "json"]).ok());
    assert_eq!(v[0]["actors"], serde_json::json!([]));
}

#[cfg(unix)]
#[test]
fn folder_with_symlink_loop_is_walked_once() {
    let d = Dir::new();
    d.write("f/a.txt", "Moscow welcomed the talks.");
    std::os::unix::fs::symlink(d.path("f"), d.path("f/loop")).unwrap();
    let out = stance(&["classify", s(&d.path("f")), "--format", "jsonl"]);
    assert_eq!(out.ok().lines().count(), 1);
}

#[test]
fn thousands_of_tiny_files() {
    let d = Dir::new();
    for i in 0..2000 {
        d.write(&format!("many/{i:04}.txt"), "Kyiv objected.");
    }
    let out = stance(&["classify", s(&d.path("many")), "--format", "jsonl"]);
    let lines: Vec<&str> = out.ok().lines().collect();
    assert_eq!(lines.len(), 2000);
    assert_eq!(json(lines[0])["article"], "0000");
    assert_eq!(json(lines[1999])["article"], "1999");
}
