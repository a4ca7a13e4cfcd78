//! Inputs of `stance classify`: text files, folders, JSONL, CSV and standard input.
//!
//! - a `.txt` file (or any file that is not `.jsonl`/`.csv`) is one article whose id is the
//!   file stem;
//! - a folder stands for every `*.txt` file below it, sorted by path;
//! - a `.jsonl` file holds one article a line: `id`, `text`, optional `title`, `date`, `url`;
//! - a `.csv` file has columns `id,text`, optional `title`, `date`, `url`;
//! - `-` is standard input, read as one text article with id `stdin` unless
//!   `--input-format jsonl|csv` says otherwise.
//!
//! Articles are produced one at a time ([`Articles`]), so a large JSONL or CSV file is
//! streamed, never held in memory whole. A bad article (a broken JSONL line, an empty
//! text) is an `Err` item: the caller reports it and goes on.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::actors::csv_message;
use crate::article::Article;
use crate::error::{Error, Result};

/// How to read an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// By extension: `.jsonl`, `.csv`, anything else is text.
    Auto,
    Text,
    Jsonl,
    Csv,
    /// Article reports, as `stance classify --format jsonl` writes them (`stance report`
    /// only; auto-detected for `.jsonl` files whose first line has `actors` and no `text`).
    Reports,
}

/// One input after expanding folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    /// A name for messages.
    pub fn name(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "<stdin>".to_string(),
        }
    }
}

/// Expands folders into their `*.txt` files (sorted); a folder that cannot be read, or a
/// path that does not exist, is an `Err` item.
pub fn expand(paths: &[PathBuf]) -> Vec<Result<Input>> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Ok(Input::Stdin));
        } else if p.is_dir() {
            let mut files = Vec::new();
            let mut errors = Vec::new();
            walk(p, &mut files, &mut errors, 0);
            if files.is_empty() && errors.is_empty() {
                errors.push(Error::input(p, None, "no *.txt files in this folder"));
            }
            files.sort();
            out.extend(errors.into_iter().map(Err));
            out.extend(files.into_iter().map(|f| Ok(Input::File(f))));
        } else if p.exists() {
            out.push(Ok(Input::File(p.clone())));
        } else {
            out.push(Err(Error::io(
                p,
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            )));
        }
    }
    out
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<Error>, depth: usize) {
    // symlink loops: bounded depth, and symlinked folders are not followed
    if depth > 64 {
        errors.push(Error::input(
            dir,
            None,
            "folder nesting too deep (symlink loop?)",
        ));
        return;
    }
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            errors.push(Error::io(dir, e));
            return;
        }
    };
    for entry in rd {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                errors.push(Error::io(dir, e));
                continue;
            }
        };
        let path = entry.path();
        let ft = match entry.file_type() {
            Ok(t) => t,
            Err(e) => {
                errors.push(Error::io(&path, e));
                continue;
            }
        };
        if ft.is_dir() {
            walk(&path, files, errors, depth + 1);
        } else if path.extension().is_some_and(|e| e == "txt")
            && (ft.is_file() || (ft.is_symlink() && !path.is_dir()))
        {
            // a broken symlink is kept, so that opening it reports it
            files.push(path);
        }
    }
}

#[derive(Deserialize)]
struct JsonArticle {
    id: serde_json::Value,
    text: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

/// A stream of articles from one input.
pub struct Articles {
    inner: Box<dyn Iterator<Item = Result<Article>> + Send>,
}

impl Iterator for Articles {
    type Item = Result<Article>;
    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next()
    }
}

fn format_of(input: &Input, format: InputFormat) -> InputFormat {
    match (format, input) {
        (InputFormat::Auto, Input::Stdin) => InputFormat::Text,
        (InputFormat::Auto, Input::File(p)) => match p.extension().and_then(|e| e.to_str()) {
            Some("jsonl") => InputFormat::Jsonl,
            Some("csv") => InputFormat::Csv,
            _ => InputFormat::Text,
        },
        (f, _) => f,
    }
}

fn open(input: &Input) -> Result<(Box<dyn Read + Send>, PathBuf)> {
    match input {
        Input::Stdin => Ok((Box::new(std::io::stdin()), PathBuf::from("<stdin>"))),
        Input::File(p) => {
            let f = File::open(p).map_err(|e| Error::io(p, e))?;
            Ok((Box::new(f), p.clone()))
        }
    }
}

/// A text file may open with a `Date: ...` line: it gives the article's date and is not
/// part of the text (nor are the blank lines after it), so paragraph 1 is the first
/// paragraph of the body.
pub fn date_header(text: String) -> (Option<String>, String) {
    let body = text.trim_start();
    let first = body.lines().next().unwrap_or("");
    let Some(rest) = first
        .strip_prefix("Date:")
        .or_else(|| first.strip_prefix("date:"))
    else {
        return (None, text);
    };
    let date = rest.trim().to_string();
    let after = body[first.len()..].trim_start_matches(['\r', '\n', ' ', '\t']);
    let date = (!date.is_empty()).then_some(date);
    (date, after.to_string())
}

fn check_text(origin: &Path, line: Option<usize>, text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::input(origin, line, "empty article"));
    }
    if text.contains('\0') {
        return Err(Error::input(
            origin,
            line,
            "binary data (NUL bytes), not text",
        ));
    }
    Ok(())
}

/// The non-empty lines of a JSON-lines stream, each with its 1-based line number, trimmed
/// and without a byte-order mark; a line that is not UTF-8 or cannot be read is an `Err`.
fn json_lines(
    reader: Box<dyn Read + Send>,
    origin: PathBuf,
) -> impl Iterator<Item = Result<(usize, String)>> {
    let mut lines = BufReader::new(reader);
    let mut n = 0usize;
    let mut buf = Vec::new();
    std::iter::from_fn(move || loop {
        buf.clear();
        n += 1;
        match lines.read_until(b'\n', &mut buf) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(e) => return Some(Err(Error::io(&origin, e))),
        }
        match std::str::from_utf8(&buf) {
            Ok(s) => {
                let line = s.trim_start_matches('\u{feff}').trim();
                if !line.is_empty() {
                    return Some(Ok((n, line.to_string())));
                }
            }
            Err(_) => return Some(Err(Error::input(&origin, Some(n), "not valid UTF-8"))),
        }
    })
}

/// Opens one input as a stream of articles.
pub fn articles(input: &Input, format: InputFormat) -> Result<Articles> {
    let (reader, origin) = open(input)?;
    let id = match input {
        Input::Stdin => "stdin".to_string(),
        Input::File(p) => p
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string(),
    };
    articles_from_reader(reader, origin, &id, format_of(input, format))
}

/// Reads articles in `format` from any reader. `origin` names the input in errors and
/// `id` is the article id of a plain-text input.
pub fn articles_from_reader(
    reader: Box<dyn Read + Send>,
    origin: PathBuf,
    id: &str,
    format: InputFormat,
) -> Result<Articles> {
    match format {
        InputFormat::Reports => Err(Error::input(
            &origin,
            None,
            "holds article reports, not articles (`stance report` reads them)",
        )),
        InputFormat::Text | InputFormat::Auto => {
            let mut bytes = Vec::new();
            let mut reader = reader;
            reader
                .read_to_end(&mut bytes)
                .map_err(|e| Error::io(&origin, e))?;
            let text = crate::io::decode(bytes, &origin)?;
            check_text(&origin, None, &text)?;
            let (date, text) = date_header(text);
            check_text(&origin, None, &text)?;
            let article = Article {
                date,
                ..Article::new(id, text)
            };
            Ok(Articles {
                inner: Box::new(std::iter::once(Ok(article))),
            })
        }
        InputFormat::Jsonl => {
            let iter = json_lines(reader, origin.clone()).map(move |item| {
                let (n, line) = item?;
                let parsed: std::result::Result<JsonArticle, _> = serde_json::from_str(&line);
                match parsed {
                    Err(e) => Err(Error::input(
                        &origin,
                        Some(n),
                        format!("bad JSON article: {e}"),
                    )),
                    Ok(a) => {
                        let id = match a.id {
                            serde_json::Value::String(s) => s,
                            serde_json::Value::Number(x) => x.to_string(),
                            _ => {
                                return Err(Error::input(
                                    &origin,
                                    Some(n),
                                    "field id: must be a string or a number",
                                ))
                            }
                        };
                        check_text(&origin, Some(n), &a.text).map(|_| Article {
                            id,
                            text: a.text,
                            title: a.title,
                            date: a.date,
                            url: a.url,
                        })
                    }
                }
            });
            Ok(Articles {
                inner: Box::new(iter),
            })
        }
        InputFormat::Csv => {
            let mut rdr = csv::ReaderBuilder::new().from_reader(reader);
            let headers = rdr
                .headers()
                .map_err(|e| Error::input(&origin, Some(1), csv_message(&e)))?
                .clone();
            let col = |n: &str| {
                headers
                    .iter()
                    .position(|h| h.trim_start_matches('\u{feff}') == n)
            };
            let id_col =
                col("id").ok_or_else(|| Error::input(&origin, Some(1), "missing column `id`"))?;
            let text_col = col("text")
                .ok_or_else(|| Error::input(&origin, Some(1), "missing column `text`"))?;
            let (title_col, date_col, url_col) = (col("title"), col("date"), col("url"));
            let mut records = rdr.into_records();
            let iter = std::iter::from_fn(move || {
                let rec = records.next()?;
                Some(match rec {
                    Err(e) => {
                        let line = e.position().map(|p| p.line() as usize);
                        Err(Error::input(&origin, line, csv_message(&e)))
                    }
                    Ok(r) => {
                        let line = r.position().map(|p| p.line() as usize);
                        let get = |c: Option<usize>| c.and_then(|c| r.get(c)).map(str::to_string);
                        let text = get(Some(text_col)).unwrap_or_default();
                        check_text(&origin, line, &text).map(|_| Article {
                            id: get(Some(id_col)).unwrap_or_default(),
                            text,
                            title: get(title_col).filter(|s| !s.is_empty()),
                            date: get(date_col).filter(|s| !s.is_empty()),
                            url: get(url_col).filter(|s| !s.is_empty()),
                        })
                    }
                })
            });
            Ok(Articles {
                inner: Box::new(iter),
            })
        }
    }
}

/// Whether `input` is to be read as article reports: `--input-format reports`, or a `.jsonl`
/// file whose first non-empty line is an object with `actors` and without `text`.
pub fn holds_reports(input: &Input, format: InputFormat) -> bool {
    match (format, input) {
        (InputFormat::Reports, _) => true,
        (InputFormat::Auto, Input::File(p)) if p.extension().is_some_and(|e| e == "jsonl") => {
            let Ok(f) = File::open(p) else {
                return false;
            };
            for line in BufReader::new(f).lines().take(100) {
                let Ok(line) = line else {
                    return false;
                };
                let line = line.trim_start_matches('\u{feff}').trim();
                if line.is_empty() {
                    continue;
                }
                return match serde_json::from_str::<serde_json::Value>(line) {
                    Ok(serde_json::Value::Object(o)) => {
                        o.contains_key("actors") && !o.contains_key("text")
                    }
                    _ => false,
                };
            }
            false
        }
        _ => false,
    }
}

/// Streams article reports (JSON lines) from one input; a bad line is an `Err` item.
pub fn reports(
    input: &Input,
) -> Result<impl Iterator<Item = Result<crate::report::ArticleReport>>> {
    let (reader, origin) = open(input)?;
    Ok(json_lines(reader, origin.clone()).map(move |item| {
        let (n, line) = item?;
        serde_json::from_str(&line)
            .map_err(|e| Error::input(&origin, Some(n), format!("bad article report: {e}")))
    }))
}
