//! The model artefact: feature settings, vectorizer, two classifiers, training summary.
//!
//! Everything fitted is one JSON document with a format name and version, written
//! atomically. The default model (`models/stance-model.json`) is compiled into the binary.

use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::actors::Gazetteer;
use crate::data::Example;
use crate::data::{Target, Task};
use crate::error::{Error, Result};
use crate::features::{Analyzer, AnalyzerConfig, Bag, Feat, Prepared};
use crate::logistic::FittedLogistic;
use crate::resolve::{text_masks, Mask};
use crate::vectorize::Vectorizer;
use crate::vectorize::{Compound, ABSENT};

/// The format name written in every model file.
pub const FORMAT: &str = "stance-model";
/// The current format version; files from a newer version are refused.
pub const VERSION: u32 = 1;

/// The model compiled into the binary.
pub const BUILTIN_MODEL: &[u8] = include_bytes!("../models/stance-model.json");

/// One task's classifier.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Classifier {
    /// Label names in column order.
    pub labels: Vec<String>,
    /// The L2 strength chosen by cross-validation.
    pub alpha: f64,
    /// Logits are divided by this before the softmax (fitted on out-of-fold predictions).
    pub temperature: f64,
    pub fitted: FittedLogistic,
    /// Article-level decision stacked on the paragraph probabilities (absent in models
    /// trained without article labels or before it existed: the prevailing rule is used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<crate::aggregate::Stacked>,
    /// Paragraph-level decision from the pair's probabilities and its article context
    /// (absent: the pair's own probabilities are final).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<crate::aggregate::Stacked>,
}

impl Classifier {
    /// Class probabilities for one sparse row.
    pub fn probabilities(&self, row: &[(u32, f64)]) -> Vec<f64> {
        self.fitted
            .probabilities(row.iter().copied(), self.temperature)
    }
}

/// Cross-validated scores of one setting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvScore {
    pub alpha: f64,
    pub macro_f1: f64,
    pub accuracy: f64,
}

/// What training did for one task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskSummary {
    pub task: String,
    pub rows: usize,
    /// Rows per label, in label order.
    pub class_counts: Vec<usize>,
    /// Folds used to choose alpha (0 = not cross-validated).
    pub folds: usize,
    pub cv: Vec<CvScore>,
    pub alpha: f64,
    pub temperature: f64,
    /// Expected calibration error of the out-of-fold predictions after temperature scaling.
    pub cv_ece: Option<f64>,
    pub iterations: u64,
    pub stop_reason: String,
    pub converged: bool,
}

/// What training did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingSummary {
    pub data: Vec<String>,
    pub seed: u64,
    pub features: usize,
    pub tasks: Vec<TaskSummary>,
}

/// A trained model.
#[derive(Debug, Serialize, Deserialize)]
pub struct Model {
    pub format: String,
    pub version: u32,
    pub analyzer: AnalyzerConfig,
    pub vectorizer: Vectorizer,
    pub stance: Option<Classifier>,
    pub sentiment: Option<Classifier>,
    pub summary: TrainingSummary,
    #[serde(skip)]
    runtime: Option<Analyzer>,
}

#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u32>,
}

/// One (paragraph, actor) decision: probabilities per task, in label order.
#[derive(Debug, Clone, PartialEq)]
pub struct PairPrediction {
    pub stance: Option<Vec<f64>>,
    pub sentiment: Option<Vec<f64>>,
}

impl Model {
    /// Assembles a model.
    pub fn new(
        analyzer: AnalyzerConfig,
        vectorizer: Vectorizer,
        stance: Option<Classifier>,
        sentiment: Option<Classifier>,
        summary: TrainingSummary,
    ) -> Self {
        Model {
            format: FORMAT.to_string(),
            version: VERSION,
            runtime: Some(Analyzer::new(analyzer.clone())),
            analyzer,
            vectorizer,
            stance,
            sentiment,
            summary,
        }
    }

    /// The model compiled into the binary.
    pub fn builtin() -> Result<Self> {
        Self::from_slice(BUILTIN_MODEL, Path::new("<built-in model>"))
    }

    /// Loads a model file.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::from_slice(&bytes, path)
    }

    /// Parses a model; `origin` names it in errors.
    pub fn from_slice(bytes: &[u8], origin: &Path) -> Result<Self> {
        if bytes.is_empty() {
            return Err(Error::model(origin, "the file is empty"));
        }
        let header: Header = serde_json::from_slice(bytes)
            .map_err(|e| Error::model(origin, format!("not JSON or truncated ({e})")))?;
        if header.format.as_deref() != Some(FORMAT) {
            return Err(Error::model(
                origin,
                format!("no `\"format\": \"{FORMAT}\"` field"),
            ));
        }
        match header.version {
            Some(v) if v > VERSION => {
                return Err(Error::model(
                    origin,
                    format!("format version {v} is newer than this program reads ({VERSION}); upgrade stance"),
                ))
            }
            Some(v) if v == VERSION => {}
            v => return Err(Error::model(origin, format!("unsupported format version {v:?}"))),
        }
        let mut m: Model = serde_json::from_slice(bytes)
            .map_err(|e| Error::model(origin, format!("corrupt ({e})")))?;
        m.vectorizer.check().map_err(|e| Error::model(origin, e))?;
        for (task, c) in [(Task::Stance, &m.stance), (Task::Sentiment, &m.sentiment)] {
            if let Some(c) = c {
                c.fitted
                    .check()
                    .map_err(|e| Error::model(origin, format!("{}: {e}", task.name())))?;
                for (m, n) in [
                    (&c.article, crate::aggregate::N_ARTICLE),
                    (&c.context, crate::aggregate::N_CONTEXT),
                ] {
                    if let Some(m) = m {
                        m.check(n)
                            .map_err(|e| Error::model(origin, format!("{}: {e}", task.name())))?;
                    }
                }
                if c.fitted.n_features != m.vectorizer.ncols()
                    || c.labels.len() != c.fitted.n_classes
                {
                    return Err(Error::model(
                        origin,
                        format!("{}: shapes do not match", task.name()),
                    ));
                }
                if c.labels
                    .iter()
                    .map(String::as_str)
                    .ne(task.labels().iter().copied())
                {
                    return Err(Error::model(
                        origin,
                        format!("{}: unexpected labels", task.name()),
                    ));
                }
            }
        }
        if m.stance.is_none() && m.sentiment.is_none() {
            return Err(Error::model(origin, "holds no classifier"));
        }
        m.runtime = Some(Analyzer::new(m.analyzer.clone()));
        Ok(m)
    }

    /// Serialises the model (deterministic: the same model gives the same bytes).
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec(self).expect("model serialises");
        v.push(b'\n');
        v
    }

    /// Writes the model atomically.
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::io::write_atomic(path, &self.to_json())
    }

    /// The feature chain.
    pub fn analyzer(&self) -> &Analyzer {
        self.runtime
            .as_ref()
            .expect("analyzer built at construction")
    }

    /// The classifier for `task`.
    pub fn classifier(&self, task: Task) -> Option<&Classifier> {
        match task {
            Task::Stance => self.stance.as_ref(),
            Task::Sentiment => self.sentiment.as_ref(),
        }
    }

    /// Predicts both tasks for a feature bag.
    pub fn predict_bag(&self, bag: &Bag) -> PairPrediction {
        let row = self.vectorizer.transform(bag);
        PairPrediction {
            stance: self.stance.as_ref().map(|c| c.probabilities(&row)),
            sentiment: self.sentiment.as_ref().map(|c| c.probabilities(&row)),
        }
    }

    /// The `k` features of `bag` that push `classifier` most toward `label` and the `k`
    /// that push most away from it: value times (weight for `label` minus the mean weight
    /// for the other labels).
    pub fn contributions(
        &self,
        classifier: &Classifier,
        bag: &Bag,
        label: usize,
        k: usize,
    ) -> (Vec<(String, f64)>, Vec<(String, f64)>) {
        let f = &classifier.fitted;
        let others = (f.n_classes - 1) as f64;
        let mut all: Vec<(String, f64)> = self
            .vectorizer
            .transform(bag)
            .into_iter()
            .map(|(c, v)| {
                let c = c as usize;
                let mine = f.weight(c, label);
                let rest: f64 = (0..f.n_classes)
                    .filter(|&j| j != label)
                    .map(|j| f.weight(c, j))
                    .sum();
                (
                    self.vectorizer.term(c),
                    v * (mine - rest / others) / classifier.temperature,
                )
            })
            .collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let toward = all.iter().filter(|x| x.1 > 0.0).take(k).cloned().collect();
        let away = all
            .iter()
            .rev()
            .filter(|x| x.1 < 0.0)
            .take(k)
            .cloned()
            .collect();
        (toward, away)
    }

    /// Predicts both tasks for actor `target` of a prepared paragraph, straight from its
    /// features (the fast path of classify; equal to `predict_bag` of its bag).
    pub fn predict_prepared(
        &self,
        p: &Prepared,
        target: u32,
        cache: &mut ColumnCache,
    ) -> PairPrediction {
        let analyzer = self.analyzer();
        let v = &self.vectorizer;
        let row = match v.compound() {
            Some(c) if analyzer.shares_tokens() => {
                // no feature name is built or hashed here: each token's column is looked
                // up once per paragraph, compounds follow from their parts
                v.row_from_columns(|add| {
                    analyzer.emit_prepared(p, target, |f, w| {
                        let col = cache.column(f, p, target, v, c);
                        if col != ABSENT {
                            add(col, w);
                        }
                    })
                })
            }
            _ => v.transform_with(|sink| analyzer.emit(p, target, |k, w| sink(k, w))),
        };
        PairPrediction {
            stance: self.stance.as_ref().map(|c| c.probabilities(&row)),
            sentiment: self.sentiment.as_ref().map(|c| c.probabilities(&row)),
        }
    }

    /// The feature bag of a paragraph for one target.
    pub fn bag(&self, text: &str, target: &[Range<usize>], others: &[Range<usize>]) -> Bag {
        self.analyzer().features(text, target, others)
    }
}

/// The feature bag of a labelled example's text for its target: its resolved mentions
/// (from its article when known, else from the text alone) are the masks.
pub fn example_bag(analyzer: &Analyzer, gazetteer: &Gazetteer, example: &Example) -> Bag {
    if let Target::Span(span) = &example.target {
        // a marked target (NewsMTSC) is often a person the gazetteer does not know, so
        // pronouns cannot be told apart from the target's own: others are names only
        let mut masks = vec![(span.clone(), SPAN_TARGET)];
        masks.extend(
            gazetteer
                .mentions(&example.text)
                .into_iter()
                .filter(|m| m.span.end <= span.start || m.span.start >= span.end)
                .map(|m| (m.span, m.actor as u32)),
        );
        return analyzer.bag(&analyzer.prepare(&example.text, masks), SPAN_TARGET);
    }
    let owned;
    let mentions: &[Mask] = match &example.mentions {
        Some(m) => m,
        None => {
            owned = text_masks(gazetteer, &example.text);
            &owned
        }
    };
    let text = &example.text;
    let ids = |ms: &[Mask]| -> Vec<(Range<usize>, u32)> {
        ms.iter().map(|(r, a)| (r.clone(), *a as u32)).collect()
    };
    match &example.target {
        Target::Actor(name) => match gazetteer.actor_index(name.as_str()) {
            Some(idx) => analyzer.bag(&analyzer.prepare(text, ids(mentions)), idx as u32),
            None => analyzer.bag(&analyzer.prepare(text, ids(mentions)), NOBODY),
        },
        Target::Span(_) => unreachable!("handled above"),
        Target::Author => analyzer.bag(&analyzer.prepare(text, ids(mentions)), NOBODY),
    }
}

/// Mask ids outside the gazetteer's actor indices: a marked span, and no target at all.
const SPAN_TARGET: u32 = u32::MAX - 2;
const NOBODY: u32 = u32::MAX - 3;

/// Column lookups of one prepared paragraph, shared by its actors: a feature's name
/// depends only on its tokens and on which of them is the target's placeholder, and a
/// compound feature's column follows from its parts' columns ([`Compound`]).
#[derive(Debug, Default)]
pub struct ColumnCache {
    /// per token: its column as a word, or as `@other` / `@actor` for a placeholder
    tok: Vec<[u32; 2]>,
    /// per token: the bigram with the next token, by variant
    bi: Vec<[u32; 4]>,
    lit: Vec<(&'static str, u32)>,
}

const UNKNOWN: u32 = u32::MAX;

impl ColumnCache {
    /// Starts a paragraph of `len` tokens.
    pub fn reset(&mut self, len: usize) {
        self.tok.clear();
        self.tok.resize(len, [UNKNOWN; 2]);
        self.bi.clear();
        self.bi.resize(len, [UNKNOWN; 4]);
        self.lit.clear();
    }

    fn word(&mut self, p: &Prepared, i: usize, target_variant: bool, v: &Vectorizer) -> u32 {
        let placeholder = p.is_placeholder(i);
        let k = (placeholder && target_variant) as usize;
        let slot = &mut self.tok[i][k];
        if *slot == UNKNOWN {
            let name = match (placeholder, target_variant) {
                (false, _) => p.word(i),
                (true, true) => "@actor",
                (true, false) => "@other",
            };
            *slot = v.column_of(name).unwrap_or(ABSENT);
        }
        *slot
    }

    /// The column of feature `f` of `target`, or [`ABSENT`].
    fn column(&mut self, f: Feat, p: &Prepared, target: u32, v: &Vectorizer, c: &Compound) -> u32 {
        let var = f.variant(p, target);
        match f {
            Feat::Uni(i) => self.word(p, i, var & 1 == 1, v),
            Feat::Bi(i) => {
                if self.bi[i][var] == UNKNOWN {
                    let a = self.word(p, i, var & 1 == 1, v);
                    let b = self.word(p, i + 1, var & 2 == 2, v);
                    self.bi[i][var] = if a == ABSENT || b == ABSENT {
                        ABSENT
                    } else {
                        c.pair
                            .get(&(((a as u64) << 32) | b as u64))
                            .copied()
                            .unwrap_or(ABSENT)
                    };
                }
                self.bi[i][var]
            }
            Feat::Win(i) => match self.word(p, i, var & 1 == 1, v) {
                ABSENT => ABSENT,
                a => c.tilde[a as usize],
            },
            Feat::Role(agent, i) => match self.word(p, i, false, v) {
                ABSENT => ABSENT,
                a if agent => c.agent[a as usize],
                a => c.patient[a as usize],
            },
            Feat::Char(..) => {
                // off by default; looked up by name
                let mut buf = String::new();
                let name = crate::features::render_prepared(f, p, target, &mut buf);
                v.column_of(name).unwrap_or(ABSENT)
            }
            Feat::Lit(name) => {
                // names are static literals: the pointer usually decides without comparing
                if let Some(&(_, col)) = self
                    .lit
                    .iter()
                    .find(|(n, _)| std::ptr::eq(n.as_ptr(), name.as_ptr()) || *n == name)
                {
                    return col;
                }
                let col = v.column_of(name).unwrap_or(ABSENT);
                self.lit.push((name, col));
                col
            }
        }
    }
}
