//! Broken and odd inputs that `tests/cli.rs` does not already cover: each ends in a clear
//! message (one line naming the file and line, exit 2) or is read correctly, and a run over
//! many inputs reports the bad one and carries on (exit 1).

mod util;

use util::{fixture, s, stance, stance_unprivileged, Dir};

fn jsonl_ids(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("JSONL");
            v["article"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn lone_cr_line_endings_separate_paragraphs() {
    let d = Dir::new();
    let f = d.write(
        "cr.txt",
        "Moscow welcomed the talks.\r\rKyiv objected.\rIt said so twice.",
    );
    let out = stance(&["classify", s(&f), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    let mut paras: Vec<(String, serde_json::Value)> = v[0]["actors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["actor"].as_str().unwrap().to_string(),
                a["paragraphs"].clone(),
            )
        })
        .collect();
    paras.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        paras,
        [
            ("Russia".to_string(), serde_json::json!([1])),
            ("Ukraine".to_string(), serde_json::json!([2]))
        ]
    );
}

#[cfg(unix)]
#[test]
fn broken_symlink_in_a_folder_is_reported_and_the_rest_classified() {
    let d = Dir::new();
    d.write("f/a.txt", "Moscow welcomed the talks.");
    std::os::unix::fs::symlink(d.path("f/nowhere.txt"), d.path("f/b.txt")).unwrap();
    std::fs::create_dir(d.path("f/c.txt")).unwrap(); // a folder named like a text file
    let out = stance(&["classify", s(&d.path("f")), "--format", "jsonl"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(jsonl_ids(&out.stdout), ["a"]);
    assert!(out.stderr.contains("b.txt: No such file"), "{}", out.stderr);
    assert!(
        out.stderr.contains("1 article classified, 1 input skipped"),
        "{}",
        out.stderr
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let d = Dir::new();
    // others may enter the folder, but not read the file
    std::fs::set_permissions(d.tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let f = d.write("locked.txt", "Moscow welcomed the talks.");
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o000)).unwrap();
    stance_unprivileged(d.tmp.path(), &["classify", s(&f)]).fatal("locked.txt: Permission denied");
}

#[test]
fn folder_without_text_files_is_an_error() {
    let d = Dir::new();
    d.write("f/notes.md", "Moscow welcomed the talks.");
    stance(&["classify", s(&d.path("f"))]).fatal("no *.txt files in this folder");
}

#[test]
fn csv_input_with_extra_columns_is_read() {
    let d = Dir::new();
    let f = d.write(
        "x.csv",
        "source,id,text,url\nwire,x1,Moscow welcomed the talks.,http://example.org\n",
    );
    let out = stance(&["classify", s(&f), "--format", "jsonl"]);
    assert_eq!(jsonl_ids(out.ok()), ["x1"]);
}

#[test]
fn csv_input_missing_a_column_is_an_error() {
    let d = Dir::new();
    let f = d.write("m.csv", "id,body\n1,Moscow welcomed the talks.\n");
    stance(&["classify", s(&f)]).fatal("m.csv:1: missing column `text`");
}

#[test]
fn csv_input_with_a_ragged_row_names_the_line() {
    let d = Dir::new();
    let f = d.write(
        "r.csv",
        "id,text\n1,Moscow welcomed the talks.\n2,Kyiv objected.,stray\n3,Warsaw agreed.\n",
    );
    let out = stance(&["classify", s(&f), "--format", "jsonl"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(jsonl_ids(&out.stdout), ["1", "3"]);
    assert!(
        out.stderr.contains("r.csv:3: expected 2 fields, found 3"),
        "{}",
        out.stderr
    );
}

#[test]
fn duplicate_article_ids_are_reported_with_a_warning() {
    let d = Dir::new();
    let f = d.write(
        "dup.csv",
        "id,text\n7,Moscow welcomed the talks.\n7,Kyiv objected.\n",
    );
    let out = stance(&["classify", s(&f), "--format", "jsonl"]);
    assert_eq!(jsonl_ids(out.ok()), ["7", "7"]);
    assert!(
        out.stderr.contains("warning: ") && out.stderr.contains("article id `7` seen before"),
        "{}",
        out.stderr
    );
}

#[test]
fn jsonl_with_only_a_missing_field_is_fatal_with_its_line() {
    let d = Dir::new();
    let f = d.write("m.jsonl", "\n{\"id\": \"a\"}\n");
    stance(&["classify", s(&f)]).fatal("m.jsonl:2: bad JSON article: missing field `text`");
}

#[test]
fn jsonl_input_not_utf8_names_the_line() {
    let d = Dir::new();
    let f = d.write(
        "u.jsonl",
        b"{\"id\": \"a\", \"text\": \"Moscow agreed.\"}\n{\"id\": \"b\", \"text\": \"Kyiv \xe9\"}\n",
    );
    let out = stance(&["classify", s(&f), "--format", "jsonl"]);
    assert_eq!(out.code, 1);
    assert_eq!(jsonl_ids(&out.stdout), ["a"]);
    assert!(
        out.stderr.contains("u.jsonl:2: not valid UTF-8"),
        "{}",
        out.stderr
    );
}

#[test]
fn labels_csv_with_extra_columns_is_read() {
    let d = Dir::new();
    let src = fixture("mini");
    for e in std::fs::read_dir(src.join("articles")).unwrap() {
        let e = e.unwrap();
        d.write(
            &format!("c/articles/{}", e.file_name().to_string_lossy()),
            std::fs::read(e.path()).unwrap(),
        );
    }
    let labels = std::fs::read_to_string(src.join("labels.csv")).unwrap();
    let mut with_note = String::new();
    for (i, line) in labels.lines().enumerate() {
        with_note.push_str(line);
        with_note.push_str(if i == 0 { ",note\n" } else { ",checked\n" });
    }
    d.write("c/labels.csv", with_note);
    let out = stance(&["validate", s(&d.path("c"))]);
    assert!(out.ok().contains("ok: no problems found"), "{}", out.stdout);
}

#[test]
fn more_folds_than_articles_is_an_error() {
    stance(&["evaluate", "--data", s(&fixture("mini")), "--folds", "50"])
        .fatal("--folds 50 asks for more folds than the data has");
}

#[test]
fn too_few_rows_to_train() {
    let d = Dir::new();
    let f = d.write(
        "two.csv",
        "text,stance\nMoscow agreed.,favor\nKyiv refused.,against\n",
    );
    stance(&["train", "--data", s(&f), "--out", s(&d.path("m.json"))])
        .fatal("stance: 2 rows are too few for 2-fold cross-validation");
    // without cross-validation the same two rows train
    stance(&[
        "train",
        "--data",
        s(&f),
        "--out",
        s(&d.path("m.json")),
        "--alphas",
        "1",
        "--no-calibration",
    ])
    .ok();
}

#[test]
fn out_under_a_file_is_an_error() {
    let d = Dir::new();
    let file = d.write("file", "x");
    let out = file.join("m.json");
    stance(&["train", "--data", s(&fixture("mini")), "--out", s(&out)]).fatal("is not a folder");
    assert_eq!(std::fs::read(&file).unwrap(), b"x");
}

#[cfg(unix)]
#[test]
fn out_in_an_unwritable_folder_is_an_error() {
    use std::os::unix::fs::PermissionsExt;
    let d = Dir::new();
    std::fs::set_permissions(d.tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let dir = d.path("ro");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    // the training data, readable by anyone
    let data = d.write(
        "rows.csv",
        "text,stance\nMoscow agreed.,favor\nKyiv refused.,against\n",
    );
    let out = dir.join("m.json");
    // refused before any training, naming the folder
    stance_unprivileged(
        d.tmp.path(),
        &["train", "--data", s(&data), "--out", s(&out)],
    )
    .fatal("--out: cannot write in");
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn model_that_is_a_folder_is_an_error() {
    let d = Dir::new();
    std::fs::create_dir(d.path("m.json")).unwrap();
    stance(&[
        "classify",
        "--model",
        s(&d.path("m.json")),
        "examples/helsinki-backchannel.txt",
    ])
    .fatal("m.json");
}
