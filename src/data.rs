//! Labelled data: corpus folders, flat CSV files and NewsMTSC JSONL.
//!
//! - **Corpus folder**: `articles/<id>.txt` and `labels.csv` with columns
//!   `article,paragraph,actor,stance,sentiment`. An empty `paragraph` is the article-level
//!   label of that actor in that article. Subfolders (such as `test/`) are not read.
//! - **Flat CSV** (`*.csv`): columns `text` and `stance` and/or `sentiment`, optionally `id`
//!   and `actor`. Each row is one paragraph; an empty or absent `actor` means the stance of
//!   the text's author. Either label may be empty on a row.
//! - **NewsMTSC JSONL** (`*.jsonl`): each target of a sentence is one sentiment example;
//!   the target span is the actor mention; polarity 2/4/6 (or -1/0/1 in the flattened
//!   files) maps to negative/neutral/positive.
//!
//! Labels are read case-insensitively; `none` is accepted for `neutral`.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::actors::{csv_message, Gazetteer};
use crate::article::{paragraphs, Article};
use crate::error::{Error, Result};
use crate::io::read_text;

/// The two things the models label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Task {
    Stance,
    Sentiment,
}

/// Stance labels, in model column order.
pub const STANCE_LABELS: [&str; 3] = ["favor", "against", "neutral"];
/// Sentiment labels, in model column order.
pub const SENTIMENT_LABELS: [&str; 3] = ["positive", "negative", "neutral"];

impl Task {
    /// Both tasks.
    pub const ALL: [Task; 2] = [Task::Stance, Task::Sentiment];

    /// The label names, in model column order.
    pub fn labels(self) -> &'static [&'static str; 3] {
        match self {
            Task::Stance => &STANCE_LABELS,
            Task::Sentiment => &SENTIMENT_LABELS,
        }
    }

    /// The lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Task::Stance => "stance",
            Task::Sentiment => "sentiment",
        }
    }

    /// Parses a label (case-insensitive; `none` = `neutral`).
    pub fn parse(self, s: &str) -> Option<usize> {
        let l = s.trim().to_lowercase();
        let l = if l == "none" {
            "neutral".to_string()
        } else {
            l
        };
        self.labels().iter().position(|x| *x == l)
    }
}

/// Whose stance an example is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A canonical actor; its mentions are found by the gazetteer.
    Actor(String),
    /// A marked span (byte range in the text), as in NewsMTSC.
    Span(Range<usize>),
    /// The author of the text.
    Author,
}

/// One labelled (paragraph, target) pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Grouping key for cross-validation folds (the article id).
    pub group: String,
    /// Paragraph number within the article, when known.
    pub paragraph: Option<usize>,
    pub text: String,
    pub target: Target,
    pub stance: Option<usize>,
    pub sentiment: Option<usize>,
    /// Where the label came from (`file:line`).
    pub origin: String,
    /// The actor mentions of `text` as resolved in the context of its article (pronouns may
    /// refer to the previous paragraph); `None` when the text stands alone.
    pub mentions: Option<Vec<crate::resolve::Mask>>,
}

impl Example {
    /// The label for `task`, if any.
    pub fn label(&self, task: Task) -> Option<usize> {
        match task {
            Task::Stance => self.stance,
            Task::Sentiment => self.sentiment,
        }
    }
}

/// Article-level gold labels for one article.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledArticle {
    pub article: Article,
    /// actor -> (stance, sentiment)
    pub labels: BTreeMap<String, (usize, usize)>,
}

/// Everything read from `--data` paths.
#[derive(Debug, Clone, Default)]
pub struct LabelledData {
    pub examples: Vec<Example>,
    pub articles: Vec<LabelledArticle>,
}

impl LabelledData {
    /// Reads and merges every path.
    pub fn load(paths: &[PathBuf], gazetteer: &Gazetteer) -> Result<Self> {
        let mut all = LabelledData::default();
        for p in paths {
            let d = Self::load_one(p, gazetteer)?;
            all.examples.extend(d.examples);
            all.articles.extend(d.articles);
        }
        let mut ids = BTreeSet::new();
        for a in &all.articles {
            if !ids.insert(a.article.id.clone()) {
                return Err(Error::Usage(format!(
                    "article id `{}` appears in more than one --data path",
                    a.article.id
                )));
            }
        }
        Ok(all)
    }

    /// Reads one path: a corpus folder, a flat CSV or a NewsMTSC JSONL file.
    pub fn load_one(path: &Path, gazetteer: &Gazetteer) -> Result<Self> {
        if path.is_dir() {
            return load_corpus(path, gazetteer);
        }
        if !path.exists() {
            return Err(Error::io(
                path,
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            ));
        }
        match path.extension().and_then(|e| e.to_str()) {
            Some("csv") => load_flat_csv(path, gazetteer),
            Some("jsonl") => load_newsmtsc(path),
            _ => Err(Error::input(
                path,
                None,
                "labelled data must be a corpus folder, a .csv file or a .jsonl file",
            )),
        }
    }

    /// Number of examples that carry a label for `task`.
    pub fn count(&self, task: Task) -> usize {
        self.examples
            .iter()
            .filter(|e| e.label(task).is_some())
            .count()
    }
}

#[derive(Deserialize)]
struct LabelRow {
    article: String,
    paragraph: String,
    actor: String,
    stance: String,
    sentiment: String,
}

/// One row of a `labels.csv` file, checked for schema, labels and duplicates (not yet
/// against articles or the gazetteer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelRecord {
    /// 1-based line in the file.
    pub line: usize,
    pub article: String,
    /// `None` for an article-level label.
    pub paragraph: Option<usize>,
    pub actor: String,
    pub stance: usize,
    pub sentiment: usize,
}

/// Reads a `labels.csv` file (`article,paragraph,actor,stance,sentiment`).
pub fn read_labels(path: &Path) -> Result<Vec<LabelRecord>> {
    parse_labels(&read_text(path)?, path)
}

/// Parses the text of a `labels.csv` file; `path` only names it in errors.
pub fn parse_labels(text: &str, path: &Path) -> Result<Vec<LabelRecord>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Error::input(path, Some(1), csv_message(&e)))?
        .clone();
    for col in ["article", "paragraph", "actor", "stance", "sentiment"] {
        if !headers.iter().any(|h| h == col) {
            return Err(Error::input(
                path,
                Some(1),
                format!("missing column `{col}` (need article,paragraph,actor,stance,sentiment)"),
            ));
        }
    }
    let mut out = Vec::new();
    let mut seen: BTreeSet<(String, String, String)> = BTreeSet::new();
    for (i, row) in reader.deserialize::<LabelRow>().enumerate() {
        let line = i + 2;
        let at = |m: String| Error::input(path, Some(line), m);
        let row = row.map_err(|e| at(csv_message(&e)))?;
        let stance = Task::Stance.parse(&row.stance).ok_or_else(|| {
            at(format!(
                "field stance: unknown label `{}` (favor, against, neutral)",
                row.stance
            ))
        })?;
        let sentiment = Task::Sentiment.parse(&row.sentiment).ok_or_else(|| {
            at(format!(
                "field sentiment: unknown label `{}` (positive, negative, neutral)",
                row.sentiment
            ))
        })?;
        if !seen.insert((
            row.article.clone(),
            row.paragraph.clone(),
            row.actor.clone(),
        )) {
            return Err(at(format!(
                "duplicate label for article `{}`, paragraph `{}`, actor `{}`",
                row.article, row.paragraph, row.actor
            )));
        }
        let paragraph = if row.paragraph.is_empty() {
            None
        } else {
            Some(row.paragraph.parse().map_err(|_| {
                at(format!(
                    "field paragraph: `{}` is not a number",
                    row.paragraph
                ))
            })?)
        };
        out.push(LabelRecord {
            line,
            article: row.article,
            paragraph,
            actor: row.actor,
            stance,
            sentiment,
        });
    }
    Ok(out)
}

fn load_corpus(dir: &Path, gazetteer: &Gazetteer) -> Result<LabelledData> {
    let labels_path = dir.join("labels.csv");
    let articles_dir = dir.join("articles");
    if !labels_path.is_file() || !articles_dir.is_dir() {
        return Err(Error::input(
            dir,
            None,
            "not a corpus folder (needs labels.csv and articles/)",
        ));
    }
    // articles
    let mut articles: BTreeMap<String, (Article, Vec<Range<usize>>)> = BTreeMap::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&articles_dir)
        .map_err(|e| Error::io(&articles_dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    entries.sort();
    for p in entries {
        let id = p
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        // the same `Date:` header rule as classify, so paragraph numbers agree
        let (date, text) = crate::input::date_header(read_text(&p)?);
        let paras: Vec<Range<usize>> = paragraphs(&text).into_iter().map(|p| p.span).collect();
        if paras.is_empty() {
            return Err(Error::input(&p, None, "empty article"));
        }
        let article = Article {
            date,
            ..Article::new(id.clone(), text)
        };
        articles.insert(id, (article, paras));
    }
    // labels
    let mut examples = Vec::new();
    let mut resolved_by_article: BTreeMap<String, Vec<Vec<crate::resolve::Resolved>>> =
        BTreeMap::new();
    let mut article_labels: BTreeMap<String, BTreeMap<String, (usize, usize)>> = BTreeMap::new();
    for row in read_labels(&labels_path)? {
        let at = |m: String| Error::input(&labels_path, Some(row.line), m);
        let (article, paras) = articles.get(&row.article).ok_or_else(|| {
            at(format!(
                "article `{}` has no file articles/{}.txt",
                row.article, row.article
            ))
        })?;
        if gazetteer.actor_index(&row.actor).is_none() {
            return Err(at(format!("actor `{}` is not in the gazetteer", row.actor)));
        }
        let Some(n) = row.paragraph else {
            article_labels
                .entry(row.article.clone())
                .or_default()
                .insert(row.actor.clone(), (row.stance, row.sentiment));
            continue;
        };
        if n == 0 || n > paras.len() {
            return Err(at(format!(
                "paragraph {n} does not exist: article `{}` has {} paragraphs",
                row.article,
                paras.len()
            )));
        }
        let resolved = resolved_by_article
            .entry(row.article.clone())
            .or_insert_with(|| {
                let texts: Vec<&str> = paras.iter().map(|r| &article.text[r.clone()]).collect();
                crate::resolve::resolve(gazetteer, &texts)
            });
        examples.push(Example {
            group: row.article.clone(),
            paragraph: Some(n),
            text: article.text[paras[n - 1].clone()].to_string(),
            target: Target::Actor(row.actor.clone()),
            stance: Some(row.stance),
            sentiment: Some(row.sentiment),
            origin: format!("{}:{}", labels_path.display(), row.line),
            mentions: Some(
                resolved[n - 1]
                    .iter()
                    .map(|r| (r.span.clone(), r.actor))
                    .collect(),
            ),
        });
    }
    let labelled_articles = articles
        .into_values()
        .filter_map(|(a, _)| {
            article_labels
                .remove(&a.id)
                .map(|labels| LabelledArticle { article: a, labels })
        })
        .collect();
    Ok(LabelledData {
        examples,
        articles: labelled_articles,
    })
}

fn load_flat_csv(path: &Path, gazetteer: &Gazetteer) -> Result<LabelledData> {
    parse_flat_csv(&read_text(path)?, path, gazetteer)
}

/// Parses a flat CSV of labelled texts (`text,stance[,sentiment,actor,id]`); `path` only
/// names it in errors.
pub fn parse_flat_csv(text: &str, path: &Path, gazetteer: &Gazetteer) -> Result<LabelledData> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Error::input(path, Some(1), csv_message(&e)))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let text_col =
        col("text").ok_or_else(|| Error::input(path, Some(1), "missing column `text`"))?;
    let (stance_col, sentiment_col) = (col("stance"), col("sentiment"));
    if stance_col.is_none() && sentiment_col.is_none() {
        return Err(Error::input(
            path,
            Some(1),
            "missing column `stance` (or `sentiment`)",
        ));
    }
    let (id_col, actor_col) = (col("id"), col("actor"));
    let mut examples = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize).unwrap_or(i + 2);
            Error::input(path, Some(line), csv_message(&e))
        })?;
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(i + 2);
        let at = |m: String| Error::input(path, Some(line), m);
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("");
        let text = get(Some(text_col));
        if text.is_empty() {
            return Err(at("field text: empty".into()));
        }
        let parse = |task: Task, c: Option<usize>| -> Result<Option<usize>> {
            let v = get(c);
            if v.is_empty() {
                return Ok(None);
            }
            task.parse(v).map(Some).ok_or_else(|| {
                at(format!(
                    "field {}: unknown label `{v}` ({})",
                    task.name(),
                    task.labels().join(", ")
                ))
            })
        };
        let stance = parse(Task::Stance, stance_col)?;
        let sentiment = parse(Task::Sentiment, sentiment_col)?;
        if stance.is_none() && sentiment.is_none() {
            continue; // an unlabelled row teaches nothing
        }
        let actor = get(actor_col);
        let target = if actor.is_empty() {
            Target::Author
        } else if gazetteer.actor_index(actor).is_some() {
            Target::Actor(actor.to_string())
        } else {
            return Err(at(format!(
                "field actor: `{actor}` is not in the gazetteer"
            )));
        };
        let id = get(id_col);
        examples.push(Example {
            group: if id.is_empty() {
                format!("row{line}")
            } else {
                id.to_string()
            },
            paragraph: None,
            text: text.to_string(),
            target,
            stance,
            sentiment,
            origin: format!("{}:{line}", path.display()),
            mentions: None,
        });
    }
    Ok(LabelledData {
        examples,
        articles: Vec::new(),
    })
}

#[derive(Deserialize)]
struct MtscSentence {
    #[serde(default)]
    primary_gid: Option<String>,
    #[serde(default)]
    sentence_normalized: Option<String>,
    #[serde(default)]
    targets: Option<Vec<MtscTarget>>,
    // flattened ("-hf") form
    #[serde(default)]
    sentence: Option<String>,
    #[serde(flatten)]
    flat: Option<MtscFlat>,
}

#[derive(Deserialize)]
struct MtscTarget {
    from: usize,
    to: usize,
    polarity: f64,
}

#[derive(Deserialize)]
struct MtscFlat {
    from: usize,
    to: usize,
    polarity: f64,
}

/// Byte range of the characters `from..to` (code-point offsets, as NewsMTSC gives them).
fn char_span(text: &str, from: usize, to: usize) -> Option<Range<usize>> {
    let mut idx = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()));
    let start = idx.nth(from)?;
    let end = if to >= from {
        text.char_indices()
            .map(|(b, _)| b)
            .chain(std::iter::once(text.len()))
            .nth(to)?
    } else {
        return None;
    };
    Some(start..end)
}

fn load_newsmtsc(path: &Path) -> Result<LabelledData> {
    parse_newsmtsc(&read_text(path)?, path)
}

/// Parses NewsMTSC JSONL text; `path` only names it in errors.
pub fn parse_newsmtsc(text: &str, path: &Path) -> Result<LabelledData> {
    let mut examples = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let ln = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let at = |m: String| Error::input(path, Some(ln), m);
        let s: MtscSentence =
            serde_json::from_str(line).map_err(|e| at(format!("not a NewsMTSC record: {e}")))?;
        let (sentence, group, targets): (String, String, Vec<(usize, usize, f64)>) =
            match (s.sentence_normalized, s.targets, s.sentence, s.flat) {
                (Some(text), Some(t), _, _) => (
                    text,
                    s.primary_gid.unwrap_or_else(|| format!("line{ln}")),
                    t.into_iter().map(|t| (t.from, t.to, t.polarity)).collect(),
                ),
                // flattened rows: group by sentence so folds do not split one sentence
                (_, _, Some(text), Some(f)) => (text.clone(), text, vec![(f.from, f.to, f.polarity)]),
                _ => {
                    return Err(at(
                        "missing field `sentence_normalized`/`targets` (or `sentence`/`from`/`to`/`polarity`)"
                            .into(),
                    ))
                }
            };
        for (from, to, pol) in targets {
            let sentiment = match pol {
                p if p == 2.0 || p == -1.0 => 1,
                p if p == 4.0 || p == 0.0 => 2,
                p if p == 6.0 || p == 1.0 => 0,
                p => return Err(at(format!("field polarity: unknown value {p}"))),
            };
            let span = char_span(&sentence, from, to)
                .filter(|r| r.start < r.end)
                .ok_or_else(|| at(format!("target span {from}..{to} is outside the sentence")))?;
            examples.push(Example {
                group: group.clone(),
                paragraph: None,
                text: sentence.clone(),
                target: Target::Span(span),
                stance: None,
                sentiment: Some(sentiment),
                origin: format!("{}:{ln}", path.display()),
                mentions: None,
            });
        }
    }
    Ok(LabelledData {
        examples,
        articles: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_parse_case_insensitively() {
        assert_eq!(Task::Stance.parse("FAVOR"), Some(0));
        assert_eq!(Task::Stance.parse("none"), Some(2));
        assert_eq!(Task::Sentiment.parse("Negative"), Some(1));
        assert_eq!(Task::Stance.parse("pro"), None);
    }

    #[test]
    fn char_spans_become_byte_spans() {
        let s = "“He was”";
        assert_eq!(&s[char_span(s, 1, 3).unwrap()], "He");
        assert!(char_span(s, 3, 30).is_none());
    }
}
