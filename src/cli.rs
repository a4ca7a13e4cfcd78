//! The command line: what the user typed, parsed and checked, then handed to the library.

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use rayon::prelude::*;

use crate::actors::Gazetteer;
use crate::article::Article;
use crate::data::{LabelledData, Task};
use crate::error::{Error, Result};
use crate::eval::{cross_validate, evaluate};
use crate::features::AnalyzerConfig;
use crate::html::write_html;
use crate::input::{articles, expand, holds_reports, reports, InputFormat};
use crate::model::Model;
use crate::output::{write_evaluation, EvalFormat, ReportFormat, ReportWriter};
use crate::report::{classify, ArticleReport, ReportOptions};
use crate::summary::{write_summary, Period, Summarizer, SummaryFormat, SummaryOptions};
use crate::train::{train, Progress, TrainConfig};
use crate::vectorize::VectorizerSpec;

/// Per-actor stance toward US–Russia rapprochement, and sentiment, in news articles.
#[derive(Parser, Debug)]
#[command(name = "stance", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Classify articles: one report per article, one row per actor.
    Classify(ClassifyArgs),
    /// Summarise a corpus per actor: stance shares, confidence, strongest evidence, and
    /// stance over time; as a table, JSON, CSV, Markdown or one HTML page.
    Report(ReportArgs),
    /// Train a model from labelled data.
    Train(TrainArgs),
    /// Score a model (or the training procedure, with --folds) on labelled data.
    Evaluate(EvaluateArgs),
    /// Check corpus folders: labels, paragraphs, actors, article-level rule, splits.
    Validate(ValidateArgs),
    /// Cohen's kappa between two labellings of the same (paragraph, actor) pairs.
    Agreement(AgreementArgs),
    /// Score the actor detector against hand-marked passages (precision, recall per kind).
    Mentions(MentionsArgs),
}

#[derive(Args, Debug)]
pub struct MentionsArgs {
    /// Folder of marked passages (`{{Actor|surface|kind}}`), e.g. tests/data/mentions.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Also list every missed and every wrong detection, with its context.
    #[arg(long)]
    pub errors: bool,
    #[command(flatten)]
    pub gazetteer: GazetteerArgs,
}

#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// Corpus folders (for example `training-data training-data/test`); ids and texts must
    /// not repeat across them.
    #[arg(value_name = "CORPUS", required = true)]
    pub corpora: Vec<PathBuf>,
    #[command(flatten)]
    pub gazetteer: GazetteerArgs,
}

#[derive(Args, Debug)]
pub struct AgreementArgs {
    /// First labelling (labels.csv: article,paragraph,actor,stance,sentiment).
    #[arg(value_name = "FIRST")]
    pub first: PathBuf,
    /// Second labelling of the same pairs.
    #[arg(value_name = "SECOND")]
    pub second: PathBuf,
}

#[derive(Args, Debug)]
pub struct GazetteerArgs {
    /// Extra gazetteer (CSV actor,alias,kind); its aliases are added to the built-in ones.
    #[arg(long, value_name = "FILE")]
    pub actors: Option<PathBuf>,
    /// With --actors: use only that gazetteer, not the built-in one.
    #[arg(long, requires = "actors")]
    pub actors_replace: bool,
}

impl GazetteerArgs {
    fn load(&self) -> Result<Gazetteer> {
        let builtin = Gazetteer::builtin();
        match &self.actors {
            None => Ok(builtin),
            Some(p) => {
                let g = Gazetteer::from_path(p)?;
                if self.actors_replace {
                    Ok(g)
                } else {
                    builtin.extend(g)
                }
            }
        }
    }
}

#[derive(Args, Debug)]
pub struct ClassifyArgs {
    /// Text files, folders (every *.txt below), .jsonl or .csv files, or - for stdin.
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<PathBuf>,
    /// Model file (default: the model built into the binary).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    #[command(flatten)]
    pub gazetteer: GazetteerArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
    /// Add each actor's paragraph-level decisions.
    #[arg(long)]
    pub paragraphs: bool,
    /// Add, for each decision, the features that pushed it most toward and away from the
    /// chosen label.
    #[arg(long)]
    pub explain: bool,
    /// Break each actor's row down by the persons who spoke for it (named, or referred to
    /// by a pronoun or title), each with the stance of the paragraphs that name them.
    #[arg(long)]
    pub by_person: bool,
    /// How to read inputs (auto: by extension; stdin is text).
    #[arg(long, value_enum, default_value = "auto")]
    pub input_format: InputFormat,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Text files, folders, .jsonl or .csv articles, or the JSONL of article reports that
    /// `stance classify --format jsonl` wrote (recognised by its `actors` field); - for stdin.
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<PathBuf>,
    /// Model file (default: the model built into the binary).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    #[command(flatten)]
    pub gazetteer: GazetteerArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: SummaryFormat,
    /// Break each actor's stance down by week or month (from the articles' dates; the HTML
    /// page uses months when this is not given and some articles are dated).
    #[arg(long, value_enum, value_name = "PERIOD")]
    pub by: Option<Period>,
    /// Only this actor (canonical name, any case); repeatable.
    #[arg(long = "actor", value_name = "NAME")]
    pub only: Vec<String>,
    /// Leave out actors mentioned fewer times than this in all.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub min_mentions: usize,
    /// Evidence paragraphs kept per actor and side.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub evidence: usize,
    /// Heading of the HTML page.
    #[arg(long, default_value = "Stance on US–Russia rapprochement")]
    pub title: String,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// How to read inputs (auto: by extension and content; stdin is text).
    #[arg(long, value_enum, default_value = "auto")]
    pub input_format: InputFormat,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Feature and training settings shared by `train` and `evaluate --folds`.
#[derive(Args, Debug)]
pub struct TrainOpts {
    /// Seed for the cross-validation folds.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// L2 strengths to choose from by cross-validation (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "0.3,1,3")]
    pub alphas: Vec<f64>,
    /// Folds used to choose alpha.
    #[arg(long, default_value_t = 5)]
    pub cv_folds: usize,
    /// Longest n-gram (1 or 2).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub ngram: u8,
    /// Do not mask actor mentions.
    #[arg(long)]
    pub no_mask: bool,
    /// Weight of sentences that do not mention the actor (1 = no weighting).
    #[arg(long, default_value_t = 0.35)]
    pub context_weight: f64,
    /// Do not mark negation.
    #[arg(long)]
    pub no_negation: bool,
    /// Window around the actor for `~word` features (0 = off).
    #[arg(long, default_value_t = 4)]
    pub window: usize,
    /// No speaker feature.
    #[arg(long)]
    pub no_speaker: bool,
    /// Do not open a negation scope after "rather than" and "instead of".
    #[arg(long)]
    pub no_contrast: bool,
    /// Add role features (`a:word` where the actor is named first in a sentence, `p:word`
    /// where another actor is).
    #[arg(long)]
    pub roles: bool,
    /// No lexicon features (`lex:pos`, `lex:neg` and `~lex:` near the actor, from the
    /// VADER sentiment lexicon).
    #[arg(long)]
    pub no_lexicon: bool,
    /// Add character 3- to 5-grams of each word (`c:` features; for short informal text
    /// such as tweets).
    #[arg(long)]
    pub char_ngrams: bool,
    /// Hash features into 2^BITS columns instead of keeping a vocabulary.
    #[arg(long, value_name = "BITS", value_parser = clap::value_parser!(u32).range(8..=24))]
    pub hashing: Option<u32>,
    /// Minimum number of training rows for a feature to enter the vocabulary.
    #[arg(long, default_value_t = 2)]
    pub min_df: usize,
    /// No temperature scaling.
    #[arg(long)]
    pub no_calibration: bool,
    /// Decide article-level labels by the prevailing rule over the paragraph probabilities
    /// instead of a model stacked on them.
    #[arg(long)]
    pub no_article_model: bool,
    /// Decide each paragraph from its own features only, without the stacked model that
    /// also sees the actor's other paragraphs and the paragraph's other actors.
    #[arg(long)]
    pub no_context_model: bool,
    /// Weight training rows by the inverse frequency of their class (for skewed data, such
    /// as NewsMTSC; probabilities then lean toward the rare classes).
    #[arg(long)]
    pub balanced: bool,
    /// Train on this fraction of the articles, chosen with --seed (for learning curves).
    #[arg(long, value_name = "F", default_value_t = 1.0)]
    pub sample_articles: f64,
}

impl TrainOpts {
    fn config(&self) -> Result<TrainConfig> {
        if !(0.0..=1.0).contains(&self.context_weight) {
            return Err(Error::Usage(
                "--context-weight must be between 0 and 1".into(),
            ));
        }
        if !(self.sample_articles > 0.0 && self.sample_articles <= 1.0) {
            return Err(Error::Usage("--sample-articles must be in (0, 1]".into()));
        }
        if self.alphas.iter().any(|a| !(a.is_finite() && *a > 0.0)) {
            return Err(Error::Usage("--alphas must be positive numbers".into()));
        }
        Ok(TrainConfig {
            analyzer: AnalyzerConfig {
                ngram_max: self.ngram as usize,
                mask_actors: !self.no_mask,
                context_weight: self.context_weight,
                negation: !self.no_negation,
                window: self.window,
                speaker: !self.no_speaker,
                roles: self.roles,
                contrast: !self.no_contrast,
                lexicon: !self.no_lexicon,
                char_ngrams: self.char_ngrams,
            },
            vectorizer: match self.hashing {
                Some(bits) => VectorizerSpec::Hashing { bits },
                None => VectorizerSpec::Vocabulary {
                    min_df: self.min_df,
                },
            },
            alphas: self.alphas.clone(),
            folds: self.cv_folds,
            seed: self.seed,
            max_iterations: 500,
            calibrate: !self.no_calibration,
            sample: self.sample_articles,
            article_model: !self.no_article_model,
            context_model: !self.no_context_model,
            balanced: self.balanced,
        })
    }
}

#[derive(Args, Debug)]
pub struct TrainArgs {
    /// Labelled data: corpus folders, flat CSV files, NewsMTSC JSONL files.
    #[arg(long, value_name = "PATH", num_args = 1.., required = true)]
    pub data: Vec<PathBuf>,
    /// Where to write the model.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[command(flatten)]
    pub gazetteer: GazetteerArgs,
    #[command(flatten)]
    pub opts: TrainOpts,
}

#[derive(Args, Debug)]
pub struct EvaluateArgs {
    /// Labelled data: corpus folders, flat CSV files, NewsMTSC JSONL files.
    #[arg(long, value_name = "PATH", num_args = 1.., required = true)]
    pub data: Vec<PathBuf>,
    /// Model file (default: the built-in model). Not used with --folds.
    #[arg(long, value_name = "FILE", conflicts_with = "folds")]
    pub model: Option<PathBuf>,
    /// Cross-validate the training procedure with K folds instead of using a model.
    #[arg(long, value_name = "K")]
    pub folds: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: EvalFormat,
    /// Also list the N most confident paragraph-level mistakes of each task.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub errors: usize,
    #[command(flatten)]
    pub gazetteer: GazetteerArgs,
    #[command(flatten)]
    pub opts: TrainOpts,
}

/// Progress lines on stderr.
struct Stderr;
impl Progress for Stderr {
    fn message(&self, msg: &str) {
        eprintln!("stance: {msg}");
    }
}

/// What a command ended with: 0 all good, 1 some inputs skipped.
pub type Exit = i32;

/// Runs a parsed command.
pub fn run(cli: Cli) -> Result<Exit> {
    match cli.command {
        Command::Classify(a) => run_classify(a),
        Command::Report(a) => run_report(a),
        Command::Train(a) => run_train(a),
        Command::Evaluate(a) => run_evaluate(a),
        Command::Validate(a) => run_validate(a),
        Command::Agreement(a) => run_agreement(a),
        Command::Mentions(a) => run_mentions(a),
    }
}

fn load_model(path: &Option<PathBuf>) -> Result<Model> {
    match path {
        Some(p) => Model::load(p),
        None => Model::builtin(),
    }
}

/// An output error: a closed pipe ends the run quietly.
fn write_err(e: std::io::Error) -> Error {
    Error::io("<stdout>", e)
}

fn set_threads(threads: Option<usize>) -> Result<()> {
    if let Some(n) = threads {
        if n == 0 {
            return Err(Error::Usage("--threads must be at least 1".into()));
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| Error::Usage(e.to_string()))?;
    }
    Ok(())
}

fn run_report(a: ReportArgs) -> Result<Exit> {
    set_threads(a.threads)?;
    if let Some(out) = &a.out {
        check_out_dir(out)?;
    }
    let gazetteer = a.gazetteer.load()?;
    let mut actors = Vec::new();
    for name in &a.only {
        match gazetteer
            .actors()
            .iter()
            .find(|c| c.eq_ignore_ascii_case(name.trim()))
        {
            Some(c) => actors.push(c.clone()),
            None => {
                return Err(Error::Usage(format!(
                    "--actor `{name}`: not an actor of the gazetteer (canonical names as in models/actors.csv)"
                )))
            }
        }
    }
    let model = load_model(&a.model)?;
    let html = a.format == SummaryFormat::Html;
    let by = a.by.or(html.then_some(Period::Month));
    let mut summarizer = Summarizer::new(SummaryOptions {
        by,
        actors,
        min_mentions: a.min_mentions,
        evidence: a.evidence,
    });
    let code = stream_reports(
        &a.inputs,
        a.input_format,
        &model,
        &gazetteer,
        &ReportOptions::default(),
        true,
        |r| {
            summarizer.add(r);
            Ok(())
        },
    )?;
    if let (n, Some((article, date))) = summarizer.bad_dates() {
        eprintln!(
            "stance: warning: {n} article{} with a date that could not be read (first: `{article}`, date `{date}`); left out of the periods",
            if n == 1 { "" } else { "s" }
        );
    }
    let mut summary = summarizer.finish();
    if a.by.is_none() && summary.dated == 0 {
        // the page's default breakdown, with nothing to show
        summary.by = None;
        summary.periods = None;
        for s in &mut summary.actors {
            s.periods = None;
        }
    }
    let mut bytes = Vec::new();
    if html {
        write_html(&mut bytes, &summary, &gazetteer, &a.title).map_err(write_err)?;
    } else {
        write_summary(&mut bytes, &summary, a.format).map_err(write_err)?;
    }
    match &a.out {
        Some(p) => crate::io::write_atomic(p, &bytes)?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)
                .and_then(|_| out.flush())
                .map_err(write_err)?;
        }
    }
    Ok(code)
}

fn run_classify(a: ClassifyArgs) -> Result<Exit> {
    set_threads(a.threads)?;
    let gazetteer = a.gazetteer.load()?;
    let model = load_model(&a.model)?;
    let options = ReportOptions {
        paragraphs: a.paragraphs,
        explain: a.explain,
        by_person: a.by_person,
    };
    let stdout = std::io::stdout();
    let mut writer = ReportWriter::new(BufWriter::with_capacity(1 << 16, stdout.lock()), a.format);
    writer.begin().map_err(write_err)?;
    let code = stream_reports(
        &a.inputs,
        a.input_format,
        &model,
        &gazetteer,
        &options,
        false,
        |r| writer.article(r).map_err(write_err),
    );
    // close the document (a JSON array, say) even when the one input was bad
    writer.end().map_err(write_err)?;
    code
}

/// Reads every input as a stream of articles, classifies them in parallel batches and hands
/// each report, in input order, to `sink`. A bad input is reported on stderr and skipped;
/// if nothing else happened it is the one fatal error. Returns the exit code: 0, or 1 when
/// some inputs were skipped (2 when nothing was classified).
fn stream_reports(
    inputs: &[PathBuf],
    input_format: InputFormat,
    model: &Model,
    gazetteer: &Gazetteer,
    options: &ReportOptions,
    read_reports: bool,
    mut sink: impl FnMut(&ArticleReport) -> Result<()>,
) -> Result<Exit> {
    let mut skipped = 0usize;
    let mut done = 0usize;
    // articles to classify, and reports read ready-made, kept in input order
    let mut batch: Vec<std::result::Result<Article, ArticleReport>> = Vec::new();
    let batch_size = 64 * rayon::current_num_threads();
    // The first error is held back: if it turns out to be the only thing that happened, it
    // is the run's one fatal error line; otherwise it is reported as skipped like the rest.
    let mut held: Option<Error> = None;
    // a spinner on stderr, drawn only when stderr is a terminal
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos} articles classified ({per_sec})")
            .expect("valid template"),
    );
    let mut report = |e: Error, anything_done: bool| {
        skipped += 1;
        if skipped == 1 && !anything_done {
            held = Some(e);
            return;
        }
        if let Some(h) = held.take() {
            eprintln!("stance: skipped {h}");
        }
        eprintln!("stance: skipped {e}");
    };
    let mut flush = |batch: &mut Vec<std::result::Result<Article, ArticleReport>>| -> Result<()> {
        let reports: Vec<ArticleReport> = std::mem::take(batch)
            .into_par_iter()
            .map(|item| match item {
                Ok(art) => classify(model, gazetteer, &art, options),
                Err(ready) => ready,
            })
            .collect();
        for r in &reports {
            sink(r)?;
        }
        done += reports.len();
        bar.inc(reports.len() as u64);
        batch.clear();
        Ok(())
    };
    let mut seen = 0usize;
    // article ids seen so far, to warn about duplicates (both are still reported)
    let mut ids: rustc_hash::FxHashSet<String> = Default::default();
    let mut duplicates = 0usize;
    for item in expand(inputs) {
        let input = match item {
            Ok(i) => i,
            Err(e) => {
                report(e, seen > 0);
                continue;
            }
        };
        if read_reports && holds_reports(&input, input_format) {
            // reports already made: passed on in input order with the classified ones
            match reports(&input) {
                Err(e) => report(e, seen > 0),
                Ok(stream) => {
                    for r in stream {
                        match r {
                            Ok(r) => {
                                seen += 1;
                                batch.push(Err(r));
                                if batch.len() >= batch_size {
                                    flush(&mut batch)?;
                                }
                            }
                            Err(e) => report(e, seen > 0),
                        }
                    }
                }
            }
            continue;
        }
        let stream = match articles(&input, input_format) {
            Ok(s) => s,
            Err(e) => {
                report(e, seen > 0);
                continue;
            }
        };
        for art in stream {
            match art {
                Ok(art) => {
                    seen += 1;
                    if !ids.insert(art.id.clone()) {
                        duplicates += 1;
                        if duplicates <= 3 {
                            eprintln!(
                                "stance: warning: {}: article id `{}` seen before; both are reported",
                                input.name(),
                                art.id
                            );
                        }
                    }
                    batch.push(Ok(art));
                    if batch.len() >= batch_size {
                        flush(&mut batch)?;
                    }
                }
                Err(e) => report(e, seen > 0),
            }
        }
    }
    flush(&mut batch)?;
    bar.finish_and_clear();
    if duplicates > 3 {
        eprintln!("stance: warning: {duplicates} articles in all had an id seen before");
    }
    if skipped == 1 && done == 0 {
        if let Some(e) = held {
            return Err(e);
        }
    }
    if let Some(h) = held.take() {
        eprintln!("stance: skipped {h}");
    }
    if skipped > 0 {
        eprintln!(
            "stance: {done} article{} classified, {skipped} input{} skipped",
            if done == 1 { "" } else { "s" },
            if skipped == 1 { "" } else { "s" }
        );
        return Ok(if done == 0 { 2 } else { 1 });
    }
    Ok(0)
}

/// `--out FILE`: its folder must exist, so that nothing is computed only to be lost.
fn check_out_dir(out: &std::path::Path) -> Result<()> {
    let out_dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !out_dir.is_dir() {
        let why = if out_dir.exists() {
            format!("--out: `{}` is not a folder", out_dir.display())
        } else {
            "--out: the folder does not exist".to_string()
        };
        return Err(Error::input(out, None, why));
    }
    // a folder we cannot write to: say so now, not after the work
    let probe = out_dir.join(format!(".stance-write-probe-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => {
            return Err(Error::input(
                out,
                None,
                format!("--out: cannot write in `{}`: {e}", out_dir.display()),
            ))
        }
    }
    Ok(())
}

fn run_train(a: TrainArgs) -> Result<Exit> {
    let config = a.opts.config()?;
    check_out_dir(&a.out)?;
    let gazetteer = a.gazetteer.load()?;
    Stderr.message("reading labelled data");
    let data = LabelledData::load(&a.data, &gazetteer)?;
    let names = a.data.iter().map(|p| p.display().to_string()).collect();
    let model = train(&data, &gazetteer, &config, names, &Stderr)?;
    model.save(&a.out)?;
    let mut out = std::io::stdout().lock();
    print_summary(&mut out, &model, &a.out).map_err(write_err)?;
    Ok(0)
}

fn print_summary(
    out: &mut dyn Write,
    model: &Model,
    path: &std::path::Path,
) -> std::io::Result<()> {
    let s = &model.summary;
    writeln!(
        out,
        "model written to {} ({} features)",
        path.display(),
        s.features
    )?;
    for t in &s.tasks {
        let labels = match t.task.as_str() {
            "stance" => crate::data::Task::Stance.labels(),
            _ => crate::data::Task::Sentiment.labels(),
        };
        let counts: Vec<String> = labels
            .iter()
            .zip(&t.class_counts)
            .map(|(l, c)| format!("{l} {c}"))
            .collect();
        writeln!(out, "{}: {} rows ({})", t.task, t.rows, counts.join(", "))?;
        if t.folds > 0 {
            for c in &t.cv {
                writeln!(
                    out,
                    "  {}-fold CV  alpha {:<5} macro-F1 {:.3}  accuracy {:.3}{}",
                    t.folds,
                    c.alpha,
                    c.macro_f1,
                    c.accuracy,
                    if c.alpha == t.alpha {
                        "  <- chosen"
                    } else {
                        ""
                    }
                )?;
            }
        } else {
            writeln!(out, "  too few groups to cross-validate; alpha {}", t.alpha)?;
        }
        writeln!(
            out,
            "  temperature {:.3}{}; final fit: {} iterations, {} ({})",
            t.temperature,
            t.cv_ece
                .map(|e| format!(", out-of-fold ECE {e:.3}"))
                .unwrap_or_default(),
            t.iterations,
            if t.converged {
                "converged"
            } else {
                "not converged"
            },
            t.stop_reason
        )?;
    }
    Ok(())
}

fn run_evaluate(a: EvaluateArgs) -> Result<Exit> {
    let gazetteer = a.gazetteer.load()?;
    let data = LabelledData::load(&a.data, &gazetteer)?;
    if data.examples.is_empty() && data.articles.is_empty() {
        return Err(Error::Usage("the data holds no labels".into()));
    }
    let mut evaluation = match a.folds {
        Some(k) => {
            let config = a.opts.config()?;
            cross_validate(&data, &gazetteer, &config, k, &Stderr)?
        }
        None => {
            let model = load_model(&a.model)?;
            evaluate(&model, &gazetteer, &data)
        }
    };
    evaluation.keep_mistakes(a.errors);
    let mut out = std::io::stdout().lock();
    write_evaluation(&mut out, &evaluation, a.format).map_err(write_err)?;
    Ok(0)
}

fn run_validate(a: ValidateArgs) -> Result<Exit> {
    let gazetteer = a.gazetteer.load()?;
    let (stats, problems) = crate::validate::validate(&a.corpora, &gazetteer)?;
    let mut out = std::io::stdout().lock();
    let pct = |x: usize, n: usize| {
        if n == 0 {
            0.0
        } else {
            100.0 * x as f64 / n as f64
        }
    };
    for s in &stats {
        let n = s.paragraph_labels;
        let actors10 = s.per_actor.values().filter(|&&c| c >= 10).count();
        writeln!(
            out,
            "{}: {} articles, {} paragraph labels, {} article labels, {} actors ({} with 10+ labels)",
            s.path,
            s.articles,
            n,
            s.article_labels,
            s.per_actor.len(),
            actors10
        )
        .map_err(write_err)?;
        writeln!(
            out,
            "  stance: favor {:.1}%, against {:.1}%, neutral {:.1}%; sentiment: positive {:.1}%, negative {:.1}%, neutral {:.1}%",
            pct(s.stance[0], n), pct(s.stance[1], n), pct(s.stance[2], n),
            pct(s.sentiment[0], n), pct(s.sentiment[1], n), pct(s.sentiment[2], n)
        )
        .map_err(write_err)?;
        if s.topic_only > 0 {
            writeln!(
                out,
                "  note: {} label{} name{} the actor only as a place or topic in the paragraph (classify makes no pair there)",
                s.topic_only,
                if s.topic_only == 1 { "" } else { "s" },
                if s.topic_only == 1 { "s" } else { "" }
            )
            .map_err(write_err)?;
        }
    }
    for p in &problems {
        eprintln!("stance: {}: {}", p.origin, p.message);
    }
    if problems.is_empty() {
        writeln!(out, "ok: no problems found").map_err(write_err)?;
        Ok(0)
    } else {
        eprintln!(
            "stance: {} problem{} found",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        );
        Ok(1)
    }
}

fn run_agreement(a: AgreementArgs) -> Result<Exit> {
    // paragraph-level rows keyed by (article, paragraph, actor)
    let read = |p: &PathBuf| -> Result<BTreeMap<(String, usize, String), (usize, usize)>> {
        Ok(crate::data::read_labels(p)?
            .into_iter()
            .filter_map(|r| Some(((r.article, r.paragraph?, r.actor), (r.stance, r.sentiment))))
            .collect())
    };
    let first = read(&a.first)?;
    let second = read(&a.second)?;
    let both: Vec<(&(usize, usize), &(usize, usize))> = first
        .iter()
        .filter_map(|(k, v)| second.get(k).map(|w| (v, w)))
        .collect();
    if both.is_empty() {
        return Err(Error::Usage(
            "the two files share no (article, paragraph, actor) rows".into(),
        ));
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} pairs labelled in both ({} only in the first, {} only in the second)",
        both.len(),
        first.len() - both.len(),
        second.len() - both.len()
    )
    .map_err(write_err)?;
    for task in Task::ALL {
        let pick = |x: &(usize, usize)| if task == Task::Stance { x.0 } else { x.1 };
        let x: Vec<usize> = both.iter().map(|(v, _)| pick(v)).collect();
        let y: Vec<usize> = both.iter().map(|(_, w)| pick(w)).collect();
        let agree = x.iter().zip(&y).filter(|(p, q)| p == q).count() as f64 / x.len() as f64;
        writeln!(
            out,
            "{}: Cohen's kappa {:.3}, raw agreement {:.3}",
            task.name(),
            crate::metrics::cohen_kappa(&x, &y, 3),
            agree
        )
        .map_err(write_err)?;
        let c = crate::metrics::confusion(task.labels(), &x, &y);
        write!(out, "  {:<10}", "first\\second").map_err(write_err)?;
        for l in &c.labels {
            write!(out, " {l:>9}").map_err(write_err)?;
        }
        writeln!(out).map_err(write_err)?;
        for (l, row) in c.labels.iter().zip(&c.matrix) {
            write!(out, "  {l:<13}").map_err(write_err)?;
            for v in row {
                write!(out, " {v:>9}").map_err(write_err)?;
            }
            writeln!(out).map_err(write_err)?;
        }
    }
    Ok(0)
}

fn run_mentions(a: MentionsArgs) -> Result<Exit> {
    let gazetteer = a.gazetteer.load()?;
    let s = crate::mentions::score_dir(&a.dir, &gazetteer)?;
    let mut out = std::io::stdout().lock();
    let w = |out: &mut dyn Write, line: String| writeln!(out, "{line}").map_err(write_err);
    w(
        &mut out,
        format!(
            "{} passages, {} gold mentions, {} detected: precision {:.3}, recall {:.3}",
            s.passages,
            s.gold,
            s.detected,
            s.precision(),
            s.recall()
        ),
    )?;
    w(
        &mut out,
        format!(
            "{} of {} topic marks (names that are not actors) detected as actors",
            s.on_topic_marks, s.topic_marks
        ),
    )?;
    w(
        &mut out,
        format!(
            "{:<14} {:>6} {:>6} {:>7}",
            "kind", "gold", "found", "recall"
        ),
    )?;
    for (kind, (g, f)) in &s.by_kind {
        w(
            &mut out,
            format!(
                "{kind:<14} {g:>6} {f:>6} {:>7.3}",
                *f as f64 / (*g).max(1) as f64
            ),
        )?;
    }
    if a.errors {
        w(&mut out, format!("\n{} mistakes:", s.mistakes.len()))?;
        for m in &s.mistakes {
            w(&mut out, format!("  {m}"))?;
        }
    }
    Ok(0)
}
