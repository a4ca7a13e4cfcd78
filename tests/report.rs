//! `stance report`: corpus summaries in every format, over time, filters, the HTML page,
//! and the page rendered in a real headless browser.

mod util;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;
use util::{fixture, s, stance, Dir};

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn mini() -> PathBuf {
    fixture("mini/articles")
}

/// The mini articles as dated JSONL: m1..m6 on 2025-01-10, 01-20, 02-05, 02-25, 03-15, 03-16.
fn dated_jsonl(d: &Dir) -> PathBuf {
    let dates = [
        "2025-01-10",
        "2025-01-20",
        "2025-02-05",
        "2025-02-25",
        "2025-03-15",
        "2025-03-16",
    ];
    let mut files: Vec<_> = std::fs::read_dir(mini())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut out = String::new();
    for (f, date) in files.iter().zip(dates) {
        let text = std::fs::read_to_string(f).unwrap();
        let id = f.file_stem().unwrap().to_string_lossy().to_string();
        out.push_str(
            &serde_json::json!({"id": id, "date": date, "text": text, "url": format!("https://example.org/{id}")})
                .to_string(),
        );
        out.push('\n');
    }
    d.write("dated.jsonl", out)
}

#[test]
fn summary_counts_agree_with_the_article_reports() {
    // count each actor's article-level stances from classify's own output
    let out = stance(&["classify", s(&mini()), "--format", "jsonl"]);
    let mut want: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    let mut mentions: BTreeMap<String, u64> = BTreeMap::new();
    for line in out.ok().lines() {
        for a in json(line)["actors"].as_array().unwrap() {
            let name = a["actor"].as_str().unwrap().to_string();
            let i = ["favor", "against", "neutral"]
                .iter()
                .position(|l| a["stance"] == *l)
                .unwrap();
            want.entry(name.clone()).or_default()[i] += 1;
            *mentions.entry(name).or_default() += a["mentions"].as_u64().unwrap();
        }
    }
    let v = json(stance(&["report", s(&mini()), "--format", "json"]).ok());
    assert_eq!(v["articles"], 6);
    let actors = v["actors"].as_array().unwrap();
    assert_eq!(actors.len(), want.len());
    let mut last = u64::MAX;
    for a in actors {
        let name = a["actor"].as_str().unwrap();
        let c = want[name];
        let n = (c[0] + c[1] + c[2]) as f64;
        assert_eq!(a["counts"]["favor"], c[0], "{name}");
        assert_eq!(a["counts"]["against"], c[1], "{name}");
        assert_eq!(a["counts"]["neutral"], c[2], "{name}");
        assert_eq!(a["articles"], c[0] + c[1] + c[2]);
        assert_eq!(a["mentions"], mentions[name]);
        assert!((a["favor"].as_f64().unwrap() - c[0] as f64 / n).abs() < 1e-12);
        // most articles first
        let k = a["articles"].as_u64().unwrap();
        assert!(k <= last);
        last = k;
        // evidence: only its side, most confident first
        for side in ["favor", "against"] {
            let ev = a["evidence"][side].as_array().unwrap();
            assert!(ev.len() <= 3);
            let confs: Vec<f64> = ev
                .iter()
                .map(|e| e["confidence"].as_f64().unwrap())
                .collect();
            assert!(confs.windows(2).all(|w| w[0] >= w[1]), "{confs:?}");
        }
    }
    let russia = &actors[0];
    assert_eq!(russia["actor"], "Russia");
    assert_eq!(russia["evidence"]["favor"][0]["article"], "m1-call");
}

#[test]
fn reading_classify_output_gives_the_same_summary() {
    let d = Dir::new();
    let reports = d.write(
        "reports.jsonl",
        stance(&["classify", s(&mini()), "--format", "jsonl"]).ok(),
    );
    let direct = stance(&["report", s(&mini()), "--format", "json"]);
    let from_reports = stance(&["report", s(&reports), "--format", "json"]);
    assert_eq!(direct.ok(), from_reports.ok());
    // and a bad line in the reports is skipped and named
    let mut text = std::fs::read_to_string(&reports).unwrap();
    text.push_str("{\"article\": \"x\", \"actors\": 3}\n");
    let bad = d.write("bad.jsonl", text);
    let r = stance(&["report", s(&bad), "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("bad.jsonl:7: bad article report"),
        "{}",
        r.stderr
    );
    assert_eq!(json(&r.stdout)["articles"], 6);
}

#[test]
fn table_csv_and_markdown() {
    let t = stance(&["report", s(&mini())]);
    let t = t.ok();
    assert!(t.starts_with("6 articles, "), "{t}");
    assert!(t.contains("Russia "), "{t}");
    assert!(t.contains("strongest evidence"), "{t}");
    let c = stance(&["report", s(&mini()), "--format", "csv"]);
    let mut r = csv::Reader::from_reader(c.ok().as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, stance::summary::CSV_HEADER);
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert!(rows.iter().all(|row| &row[1] == "all"));
    assert_eq!(&rows[0][0], "Russia");
    let m = stance(&["report", s(&mini()), "--format", "markdown"]);
    let m = m.ok();
    assert!(m.contains("| actor | articles | mentions | favor | against | neutral | confidence |"));
    assert!(m.contains("| Russia | 6 |"), "{m}");
}

#[test]
fn by_month_and_week() {
    let d = Dir::new();
    let f = dated_jsonl(&d);
    let v = json(stance(&["report", s(&f), "--format", "json", "--by", "month"]).ok());
    assert_eq!(v["dated"], 6);
    assert_eq!(v["by"], "month");
    assert_eq!(
        v["periods"],
        serde_json::json!(["2025-01", "2025-02", "2025-03"])
    );
    let russia = &v["actors"][0];
    let per: Vec<(String, u64)> = russia["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["period"].as_str().unwrap().to_string(),
                p["articles"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        per,
        [
            ("2025-01".into(), 2),
            ("2025-02".into(), 2),
            ("2025-03".into(), 2)
        ]
    );
    let v = json(stance(&["report", s(&f), "--format", "json", "--by", "week"]).ok());
    let periods = v["periods"].as_array().unwrap();
    assert_eq!(periods.first().unwrap(), "2025-W02");
    assert_eq!(periods.last().unwrap(), "2025-W11");
    assert_eq!(
        periods.len(),
        10,
        "every week between, with or without articles"
    );
    // CSV: one `all` row per actor, then its periods
    let c = stance(&[
        "report",
        s(&f),
        "--format",
        "csv",
        "--by",
        "month",
        "--actor",
        "russia",
    ]);
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(c.ok().as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let keys: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("Russia", "all"),
            ("Russia", "2025-01"),
            ("Russia", "2025-02"),
            ("Russia", "2025-03")
        ]
    );
}

#[test]
fn date_line_of_a_text_file() {
    let d = Dir::new();
    let f = d.write(
        "dated.txt",
        "Date: 2024-11-05\n\nMoscow welcomed the talks.\n\nKyiv objected.\n",
    );
    let v = json(stance(&["classify", s(&f), "--format", "json"]).ok());
    assert_eq!(v[0]["date"], "2024-11-05");
    // the header is not a paragraph: the body starts at paragraph 1
    assert_eq!(v[0]["actors"][0]["actor"], "Russia");
    assert_eq!(v[0]["actors"][0]["paragraphs"], serde_json::json!([1]));
    let v = json(stance(&["report", s(&f), "--format", "json", "--by", "month"]).ok());
    assert_eq!(v["periods"], serde_json::json!(["2024-11"]));
    // a date that cannot be read: warned, kept out of the periods, still counted
    let g = d.write(
        "odd.txt",
        "Date: the day after\n\nMoscow welcomed the talks.\n",
    );
    let r = stance(&["report", s(&g), "--format", "json", "--by", "month"]);
    let v = json(r.ok());
    assert_eq!(
        (v["articles"].as_u64(), v["dated"].as_u64()),
        (Some(1), Some(0))
    );
    assert!(r.stderr.contains("date `the day after`"), "{}", r.stderr);
}

#[test]
fn filters() {
    let v = json(
        stance(&[
            "report",
            s(&mini()),
            "--format",
            "json",
            "--actor",
            "ukraine",
            "--actor",
            "Russia",
        ])
        .ok(),
    );
    let names: Vec<&str> = v["actors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["actor"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Russia", "Ukraine"]);
    let all = json(stance(&["report", s(&mini()), "--format", "json"]).ok());
    let few = json(
        stance(&[
            "report",
            s(&mini()),
            "--format",
            "json",
            "--min-mentions",
            "5",
        ])
        .ok(),
    );
    let kept: Vec<&Value> = all["actors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["mentions"].as_u64().unwrap() >= 5)
        .collect();
    assert!(!kept.is_empty() && kept.len() < all["actors"].as_array().unwrap().len());
    assert_eq!(few["actors"].as_array().unwrap().len(), kept.len());
    stance(&["report", s(&mini()), "--actor", "Atlantis"])
        .fatal("--actor `Atlantis`: not an actor");
}

/// Every `href="#x"` of the page points at an `id="x"`; nothing is loaded from elsewhere.
fn check_page(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    for banned in ["<script", "<link", "src=\"http", "@import", "url("] {
        assert!(!html.contains(banned), "page loads `{banned}`");
    }
    let ids: std::collections::BTreeSet<&str> = html
        .split("id=\"")
        .skip(1)
        .map(|t| &t[..t.find('"').unwrap()])
        .collect();
    for t in html.split("href=\"#").skip(1) {
        let target = &t[..t.find('"').unwrap()];
        assert!(ids.contains(target), "dangling link #{target}");
    }
}

#[test]
fn html_page_is_self_contained_with_charts_and_evidence() {
    let d = Dir::new();
    let f = dated_jsonl(&d);
    let out = d.path("page.html");
    let r = stance(&["report", s(&f), "--format", "html", "--out", s(&out)]);
    assert_eq!(r.ok(), "", "the page goes to --out, not stdout");
    let html = std::fs::read_to_string(&out).unwrap();
    check_page(&html);
    assert_eq!(html.matches("<svg").count(), 2, "bar chart and line chart");
    assert!(html.contains("Stance over time"));
    assert!(html.contains("<mark class=\"self\" title=\"Russia\">"));
    assert!(html.contains("href=\"https://example.org/m1-call\""));
    // without dates: one chart, no time section; text is escaped
    let g = d.write("x.txt", "Moscow <b>welcomed</b> the talks & Kyiv objected.");
    let r = stance(&["report", s(&g), "--format", "html", "--title", "A & B"]);
    let html = r.ok();
    check_page(html);
    assert_eq!(html.matches("<svg").count(), 1);
    assert!(!html.contains("Stance over time"));
    assert!(html.contains("&lt;b&gt;welcomed&lt;/b&gt;"));
    assert!(html.contains("<h1>A &amp; B</h1>"));
}

fn chromium() -> Option<PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

#[test]
fn html_page_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("STANCE_REQUIRE_BROWSER").is_none(),
            "STANCE_REQUIRE_BROWSER is set but no chromium was found"
        );
        eprintln!("skipped: no chromium (.ci/run installs it)");
        return;
    };
    let d = Dir::new();
    let f = dated_jsonl(&d);
    let page = d.path("page.html");
    stance(&["report", s(&f), "--format", "html", "--out", s(&page)]).ok();
    let url = format!("file://{}", page.display());
    let run = |extra: &[&str]| {
        let profile = d.path(&format!("profile-{}", extra.len()));
        std::process::Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--window-size=1200,1600",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(extra)
            .arg(&url)
            .output()
            .expect("run chromium")
    };
    // the DOM after parsing: both charts and every bar are there
    let dom = run(&["--dump-dom"]);
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let stderr = String::from_utf8_lossy(&dom.stderr).into_owned();
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert_eq!(dom.matches("<svg").count(), 2, "{dom}");
    assert!(dom.matches("<rect").count() >= 3 * 4, "{dom}");
    assert!(dom.contains("<mark class=\"self\""));
    assert!(!stderr.contains("CONSOLE"), "console messages: {stderr}");
    // and it paints: a screenshot that is not blank
    let png = d.path("shot.png");
    let shot = run(&[&format!("--screenshot={}", png.display())]);
    assert!(
        shot.status.success(),
        "{}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert!(bytes.starts_with(b"\x89PNG"));
    assert!(
        bytes.len() > 20_000,
        "screenshot is {} bytes: blank?",
        bytes.len()
    );
}
