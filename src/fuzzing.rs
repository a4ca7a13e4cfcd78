//! Entry points for the fuzz targets under `fuzz/` and for the regression test that
//! replays their saved corpora (`tests/fuzz_corpus.rs`). Each takes arbitrary bytes, runs
//! one reader or pipeline stage on them, and checks its invariants with `assert!`; an
//! error result is fine, a panic is a bug.
#![doc(hidden)]

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::actors::Gazetteer;
use crate::article::{paragraphs, sentences, Article};
use crate::input::{articles_from_reader, InputFormat};
use crate::model::Model;
use crate::report::{classify, ReportOptions};

fn builtin() -> &'static (Model, Gazetteer) {
    static CELL: OnceLock<(Model, Gazetteer)> = OnceLock::new();
    CELL.get_or_init(|| {
        (
            Model::builtin().expect("built-in model"),
            Gazetteer::builtin(),
        )
    })
}

fn origin() -> &'static Path {
    Path::new("<fuzz>")
}

/// Paragraph and sentence splitting, then the whole classify pipeline on the text.
pub fn split(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let paras = paragraphs(text);
    let mut last = 0;
    for (i, p) in paras.iter().enumerate() {
        assert_eq!(p.number, i + 1, "paragraphs are numbered from 1 in order");
        assert!(p.span.start >= last && p.span.start <= p.span.end && p.span.end <= text.len());
        assert!(text.is_char_boundary(p.span.start) && text.is_char_boundary(p.span.end));
        assert!(
            !text[p.span.clone()].trim().is_empty(),
            "no empty paragraph"
        );
        // what lies between paragraphs is white space only
        assert!(text[last..p.span.start].trim().is_empty());
        last = p.span.end;
        let ptext = &text[p.span.clone()];
        let mut s_last = 0;
        for s in sentences(ptext) {
            assert!(s.start >= s_last && s.start < s.end && s.end <= ptext.len());
            assert!(ptext.is_char_boundary(s.start) && ptext.is_char_boundary(s.end));
            s_last = s.end;
        }
    }
    assert!(text[last..].trim().is_empty());
    if text.len() <= 64 * 1024 {
        let (model, gazetteer) = builtin();
        let report = classify(
            model,
            gazetteer,
            &Article::new("fuzz", text),
            &ReportOptions {
                paragraphs: true,
                explain: true,
                by_person: true,
            },
        );
        for a in &report.actors {
            if let Some(p) = &a.probabilities {
                let sum = p.favor + p.against + p.neutral;
                assert!(
                    (sum - 1.0).abs() < 1e-6,
                    "stance probabilities sum to {sum}"
                );
            }
        }
    }
}

/// Actor matching with the built-in gazetteer, and with a gazetteer read from the input.
pub fn actors(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let check = |g: &Gazetteer, text: &str| {
        let mut last = 0;
        for m in g.mentions(text) {
            assert!(m.span.start >= last && m.span.start < m.span.end && m.span.end <= text.len());
            assert!(text.is_char_boundary(m.span.start) && text.is_char_boundary(m.span.end));
            assert!(m.actor < g.actors().len());
            last = m.span.end;
        }
    };
    check(&builtin().1, text);
    // first line(s) up to a blank line: a gazetteer CSV; the rest: text to match
    let (csv, rest) = text.split_once("\n\n").unwrap_or((text, text));
    if let Ok(g) = Gazetteer::from_csv_str(csv, origin()) {
        check(&g, rest);
    }
}

/// The CSV readers: article input, labels.csv, flat training CSV, gazetteer.
pub fn csv(data: &[u8]) {
    let reader = Box::new(Cursor::new(data.to_vec()));
    if let Ok(articles) =
        articles_from_reader(reader, PathBuf::from("<fuzz>"), "fuzz", InputFormat::Csv)
    {
        for a in articles.take(1000).flatten() {
            assert!(!a.text.trim().is_empty());
        }
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = crate::data::parse_labels(text, origin());
    let _ = crate::data::parse_flat_csv(text, origin(), &builtin().1);
    let _ = Gazetteer::from_csv_str(text, origin());
}

/// The JSONL readers: article input and NewsMTSC.
pub fn jsonl(data: &[u8]) {
    let reader = Box::new(Cursor::new(data.to_vec()));
    if let Ok(articles) =
        articles_from_reader(reader, PathBuf::from("<fuzz>"), "fuzz", InputFormat::Jsonl)
    {
        for a in articles.take(1000).flatten() {
            assert!(!a.text.trim().is_empty());
        }
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(d) = crate::data::parse_newsmtsc(text, origin()) {
        for e in &d.examples {
            if let crate::data::Target::Span(s) = &e.target {
                assert!(s.start <= s.end && s.end <= e.text.len());
                assert!(e.text.is_char_boundary(s.start) && e.text.is_char_boundary(s.end));
            }
        }
    }
}

/// The model loader; a model that loads must also predict.
pub fn model(data: &[u8]) {
    if let Ok(m) = Model::from_slice(data, origin()) {
        let g = &builtin().1;
        let article = Article::new(
            "fuzz",
            "Moscow welcomed the talks with Washington.\n\nKyiv warned against them.",
        );
        let _ = classify(&m, g, &article, &ReportOptions::default());
    }
}
