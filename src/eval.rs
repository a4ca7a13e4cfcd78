//! Evaluation on labelled data, with a model or by cross-validation.
//!
//! Two levels:
//! - **paragraph**: each labelled (paragraph, actor) pair, the gold actor given;
//! - **article**: the full pipeline on the article text; actor precision and recall against
//!   the article-level labels, then the scores on the actors both found and labelled.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::Serialize;

use crate::actors::Gazetteer;
use crate::data::{LabelledArticle, LabelledData, Target, Task};
use crate::error::{Error, Result};
use crate::logistic::argmax;
use crate::metrics::{expected_calibration_error, metrics, Metrics};
use crate::model::{example_bag, Model};
use crate::report::{classify, ArticleReport};
use crate::train::{group_folds, train, Progress, TrainConfig};

/// Scores of one task at both levels (`None` where there are no labels).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Levels {
    pub paragraph: Option<Metrics>,
    pub article: Option<Metrics>,
}

/// Scores of both tasks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub stance: Levels,
    pub sentiment: Levels,
    /// Paragraph-level mistakes, most confident first (filled on request).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mistakes: Vec<Mistake>,
}

/// A paragraph-level mistake, for error analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mistake {
    pub task: String,
    pub origin: String,
    pub target: String,
    pub gold: String,
    pub predicted: String,
    pub probability: f64,
    pub text: String,
}

impl Evaluation {
    /// Keeps the `n` most confident mistakes of each task.
    pub fn keep_mistakes(&mut self, n: usize) {
        let mut kept = Vec::new();
        for task in Task::ALL {
            let mut m: Vec<Mistake> = self
                .mistakes
                .iter()
                .filter(|m| m.task == task.name())
                .cloned()
                .collect();
            m.sort_by(|a, b| {
                b.probability
                    .total_cmp(&a.probability)
                    .then(a.origin.cmp(&b.origin))
            });
            kept.extend(m.into_iter().take(n));
        }
        self.mistakes = kept;
    }
}

/// Gold and predicted labels collected for one task and level.
#[derive(Default, Clone)]
struct Collected {
    gold: Vec<usize>,
    pred: Vec<usize>,
    probs: Vec<Vec<f64>>,
}

impl Collected {
    fn push(&mut self, gold: usize, probs: Vec<f64>) {
        self.gold.push(gold);
        self.pred.push(argmax(&probs));
        self.probs.push(probs);
    }
    fn extend(&mut self, o: Collected) {
        self.gold.extend(o.gold);
        self.pred.extend(o.pred);
        self.probs.extend(o.probs);
    }
    fn metrics(&self, task: Task) -> Option<Metrics> {
        if self.gold.is_empty() {
            return None;
        }
        let mut m = metrics(task.labels(), &self.gold, &self.pred);
        m.ece = Some(expected_calibration_error(&self.probs, &self.gold, 10));
        Some(m)
    }
}

/// Everything collected, per task: paragraph level, article level, actor counts.
#[derive(Default, Clone)]
struct Tally {
    paragraph: BTreeMap<Task, Collected>,
    article: BTreeMap<Task, Collected>,
    predicted_actors: usize,
    gold_actors: usize,
    matched_actors: usize,
    has_articles: bool,
    mistakes: Vec<Mistake>,
}

impl Tally {
    fn merge(&mut self, o: Tally) {
        for (t, c) in o.paragraph {
            self.paragraph.entry(t).or_default().extend(c);
        }
        for (t, c) in o.article {
            self.article.entry(t).or_default().extend(c);
        }
        self.predicted_actors += o.predicted_actors;
        self.gold_actors += o.gold_actors;
        self.matched_actors += o.matched_actors;
        self.has_articles |= o.has_articles;
        self.mistakes.extend(o.mistakes);
    }

    fn finish(self) -> Evaluation {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let level = |task: Task| {
            let paragraph = self.paragraph.get(&task).and_then(|c| c.metrics(task));
            let article = if self.has_articles {
                let c = self.article.get(&task).cloned().unwrap_or_default();
                c.metrics(task).map(|mut m| {
                    m.actor_precision = Some(ratio(self.matched_actors, self.predicted_actors));
                    m.actor_recall = Some(ratio(self.matched_actors, self.gold_actors));
                    m
                })
            } else {
                None
            };
            Levels { paragraph, article }
        };
        Evaluation {
            stance: level(Task::Stance),
            sentiment: level(Task::Sentiment),
            mistakes: self.mistakes.clone(),
        }
    }
}

fn probs_of(report_row: &crate::report::ActorReport, task: Task) -> Option<Vec<f64>> {
    match task {
        Task::Stance => report_row
            .probabilities
            .as_ref()
            .map(|p| vec![p.favor, p.against, p.neutral]),
        Task::Sentiment => report_row
            .sentiment_probabilities
            .as_ref()
            .map(|p| vec![p.positive, p.negative, p.neutral]),
    }
}

fn tally(
    model: &Model,
    gazetteer: &Gazetteer,
    data: &LabelledData,
    examples: &[usize],
    articles: &[&LabelledArticle],
) -> Tally {
    let mut t = Tally::default();
    let preds: Vec<_> = examples
        .par_iter()
        .map(|&i| {
            let e = &data.examples[i];
            model.predict_bag(&example_bag(model.analyzer(), gazetteer, e))
        })
        .collect();
    let (mut stance, mut sentiment): (Vec<_>, Vec<_>) =
        preds.into_iter().map(|p| (p.stance, p.sentiment)).unzip();
    // the context model sees the other labelled pairs of the same article, as classify
    // sees the other pairs it found
    let refs: Vec<&crate::data::Example> = examples.iter().map(|&i| &data.examples[i]).collect();
    for (task, probs) in [
        (Task::Stance, &mut stance),
        (Task::Sentiment, &mut sentiment),
    ] {
        let Some(cm) = model.classifier(task).and_then(|c| c.context.as_ref()) else {
            continue;
        };
        if let Some(raw) = probs.iter().cloned().collect::<Option<Vec<Vec<f64>>>>() {
            let rows = crate::aggregate::example_context_rows(&refs, &raw);
            for (p, f) in probs.iter_mut().zip(rows) {
                *p = Some(cm.probabilities(&f));
            }
        }
    }
    for ((&i, st), se) in examples.iter().zip(stance).zip(sentiment) {
        let e = &data.examples[i];
        for (task, probs) in [(Task::Stance, st), (Task::Sentiment, se)] {
            if let (Some(g), Some(pr)) = (e.label(task), probs) {
                let best = argmax(&pr);
                if best != g {
                    t.mistakes.push(Mistake {
                        task: task.name().to_string(),
                        origin: e.origin.clone(),
                        target: match &e.target {
                            Target::Actor(a) => a.clone(),
                            Target::Span(r) => e.text[r.clone()].to_string(),
                            Target::Author => "(author)".to_string(),
                        },
                        gold: task.labels()[g].to_string(),
                        predicted: task.labels()[best].to_string(),
                        probability: pr[best],
                        text: e.text.clone(),
                    });
                }
                t.paragraph.entry(task).or_default().push(g, pr);
            }
        }
    }
    let reports: Vec<ArticleReport> = articles
        .par_iter()
        .map(|a| classify(model, gazetteer, &a.article, &Default::default()))
        .collect();
    for (a, r) in articles.iter().zip(&reports) {
        t.has_articles = true;
        t.predicted_actors += r.actors.len();
        t.gold_actors += a.labels.len();
        for row in &r.actors {
            if let Some(&(gs, gm)) = a.labels.get(&row.actor) {
                t.matched_actors += 1;
                for (task, gold) in [(Task::Stance, gs), (Task::Sentiment, gm)] {
                    if let Some(p) = probs_of(row, task) {
                        t.article.entry(task).or_default().push(gold, p);
                    }
                }
            }
        }
    }
    t
}

/// Scores `model` on `data`.
pub fn evaluate(model: &Model, gazetteer: &Gazetteer, data: &LabelledData) -> Evaluation {
    let examples: Vec<usize> = (0..data.examples.len()).collect();
    let articles: Vec<&LabelledArticle> = data.articles.iter().collect();
    tally(model, gazetteer, data, &examples, &articles).finish()
}

/// Cross-validates the training procedure on `data` with `folds` folds grouped by article:
/// each fold is scored by a model trained (alpha chosen by inner cross-validation) on the
/// other folds.
pub fn cross_validate(
    data: &LabelledData,
    gazetteer: &Gazetteer,
    config: &TrainConfig,
    folds: usize,
    progress: &dyn Progress,
) -> Result<Evaluation> {
    if folds < 2 {
        return Err(Error::Usage("--folds must be at least 2".into()));
    }
    let groups: Vec<&str> = data.examples.iter().map(|e| e.group.as_str()).collect();
    let distinct: BTreeSet<&str> = groups.iter().copied().collect();
    if distinct.len() < folds {
        return Err(Error::Usage(format!(
            "--folds {folds} asks for more folds than the data has articles or rows ({})",
            distinct.len()
        )));
    }
    let fold = group_folds(&groups, folds, config.seed);
    let fold_of: BTreeMap<&str, usize> = groups.iter().copied().zip(fold.iter().copied()).collect();
    let mut total = Tally::default();
    for f in 0..folds {
        progress.message(&format!("fold {}/{folds}", f + 1));
        let train_data = LabelledData {
            examples: data
                .examples
                .iter()
                .zip(&fold)
                .filter(|(_, &k)| k != f)
                .map(|(e, _)| e.clone())
                .collect(),
            // the article-level labels of the training folds (for the article model)
            articles: data
                .articles
                .iter()
                .filter(|a| fold_of.get(a.article.id.as_str()).is_some_and(|&k| k != f))
                .cloned()
                .collect(),
        };
        let model = train(
            &train_data,
            gazetteer,
            config,
            Vec::new(),
            &crate::train::Quiet,
        )?;
        let test_examples: Vec<usize> =
            (0..data.examples.len()).filter(|&i| fold[i] == f).collect();
        let test_articles: Vec<&LabelledArticle> = data
            .articles
            .iter()
            .filter(|a| fold_of.get(a.article.id.as_str()) == Some(&f))
            .collect();
        total.merge(tally(
            &model,
            gazetteer,
            data,
            &test_examples,
            &test_articles,
        ));
    }
    Ok(total.finish())
}
