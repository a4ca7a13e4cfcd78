//! Training: features for every labelled pair, alpha chosen by grouped cross-validation,
//! temperature fitted on the out-of-fold predictions, final fit on all rows.
//!
//! Deterministic: the same data, settings and seed give the same model bytes, whatever the
//! number of threads (work is split by fold and collected in order).

use linfa::dataset::DatasetBase;
use linfa::traits::Fit;
use ndarray::Array1;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::actors::Gazetteer;
use crate::aggregate::{article_features, example_context_rows, Stacked};
use crate::data::{Example, LabelledData, Target, Task};
use crate::error::{Error, Result};
use crate::features::{Analyzer, AnalyzerConfig, Bag};
use crate::logistic::{argmax, softmax, LogisticParams};
use crate::metrics::{accuracy_macro_f1, expected_calibration_error};
use crate::model::{example_bag, Classifier, CvScore, Model, TaskSummary, TrainingSummary};
use crate::vectorize::{Vectorizer, VectorizerSpec};

/// Training settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub analyzer: AnalyzerConfig,
    pub vectorizer: VectorizerSpec,
    /// Candidate L2 strengths; the best by cross-validated macro-F1 is kept.
    pub alphas: Vec<f64>,
    /// Folds for choosing alpha (grouped by article).
    pub folds: usize,
    pub seed: u64,
    pub max_iterations: u64,
    /// Fit a temperature on out-of-fold predictions.
    pub calibrate: bool,
    /// Train on this fraction of the articles (groups), chosen with the seed (for learning
    /// curves). 1.0 = all.
    pub sample: f64,
    /// Stack an article-level model on the out-of-fold paragraph predictions (needs
    /// article-level labels; see [`crate::aggregate`]).
    pub article_model: bool,
    /// Stack a paragraph-context model on the out-of-fold paragraph predictions (needs
    /// several labelled pairs per article; see [`crate::aggregate`]).
    pub context_model: bool,
    /// Weight each training row by the inverse frequency of its class (each class then
    /// weighs as much in the loss), instead of weighting all rows alike.
    pub balanced: bool,
}

/// Row weights for `y`: all 1, or with `balanced` n / (classes present x class count).
fn class_weights(y: &[usize], balanced: bool) -> Vec<f64> {
    if !balanced {
        return Vec::new();
    }
    let mut count = [0usize; 3];
    for &c in y {
        count[c] += 1;
    }
    let present = count.iter().filter(|&&c| c > 0).count() as f64;
    y.iter()
        .map(|&c| y.len() as f64 / (present * count[c] as f64))
        .collect()
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            analyzer: AnalyzerConfig::default(),
            vectorizer: VectorizerSpec::default(),
            alphas: vec![0.3, 1.0, 3.0],
            folds: 5,
            seed: 42,
            max_iterations: 500,
            calibrate: true,
            sample: 1.0,
            article_model: true,
            context_model: true,
            balanced: false,
        }
    }
}

/// Receives progress messages.
pub trait Progress: Sync {
    fn message(&self, msg: &str);
}

/// Progress that goes nowhere.
pub struct Quiet;
impl Progress for Quiet {
    fn message(&self, _: &str) {}
}

/// Fold (0..k) of each row, grouping rows by `groups`: a group's rows share a fold.
/// Groups are shuffled with `seed` and dealt round-robin.
pub fn group_folds(groups: &[&str], k: usize, seed: u64) -> Vec<usize> {
    let mut uniq: Vec<&str> = groups.to_vec();
    uniq.sort_unstable();
    uniq.dedup();
    // Fisher-Yates with splitmix64: a fixed, documented generator, so that fold assignment
    // (and thus the model bytes) cannot change with a dependency upgrade.
    let mut s = seed;
    let mut next = || {
        s = s.wrapping_add(0x9e3779b97f4a7c15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        z ^ (z >> 31)
    };
    for i in (1..uniq.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        uniq.swap(i, j);
    }
    let rank: std::collections::HashMap<&str, usize> =
        uniq.iter().enumerate().map(|(i, g)| (*g, i)).collect();
    groups.iter().map(|g| rank[g] % k).collect()
}

/// The examples of a seeded random `fraction` of the groups (articles).
fn sample_groups(data: &LabelledData, fraction: f64, seed: u64) -> LabelledData {
    let groups: Vec<&str> = data.examples.iter().map(|e| e.group.as_str()).collect();
    // as many "folds" as groups: a seeded random rank per group
    let rank = group_folds(&groups, usize::MAX, seed ^ 0x5a5a);
    let mut uniq: Vec<usize> = rank.clone();
    uniq.sort_unstable();
    uniq.dedup();
    let keep = ((uniq.len() as f64) * fraction).round().max(1.0) as usize;
    let cutoff = uniq[keep.min(uniq.len()) - 1];
    LabelledData {
        examples: data
            .examples
            .iter()
            .zip(&rank)
            .filter(|(_, &r)| r <= cutoff)
            .map(|(e, _)| e.clone())
            .collect(),
        articles: {
            let kept: std::collections::BTreeSet<&str> = groups
                .iter()
                .zip(&rank)
                .filter(|(_, &r)| r <= cutoff)
                .map(|(g, _)| *g)
                .collect();
            data.articles
                .iter()
                .filter(|a| kept.contains(a.article.id.as_str()))
                .cloned()
                .collect()
        },
    }
}

/// Feature bags for every example, in order.
pub fn bags(examples: &[Example], analyzer: &Analyzer, gazetteer: &Gazetteer) -> Vec<Bag> {
    examples
        .par_iter()
        .map(|e| example_bag(analyzer, gazetteer, e))
        .collect()
}

/// Temperature minimising the negative log-likelihood of `logits` (golden-section search
/// on log T in [1/4, 4]).
fn fit_temperature(logits: &[Vec<f64>], gold: &[usize]) -> f64 {
    let nll = |t: f64| -> f64 {
        logits
            .iter()
            .zip(gold)
            .map(|(z, &g)| -softmax(z, t)[g].max(1e-12).ln())
            .sum()
    };
    let (mut a, mut b) = ((0.25f64).ln(), (4.0f64).ln());
    let r = (5f64.sqrt() - 1.0) / 2.0;
    for _ in 0..60 {
        let c = b - r * (b - a);
        let d = a + r * (b - a);
        if nll(c.exp()) < nll(d.exp()) {
            b = d;
        } else {
            a = c;
        }
    }
    // round so that the stored value is stable across platforms' last-bit differences
    (((a + b) / 2.0).exp() * 1e6).round() / 1e6
}

/// Whether some labelled pair shares its article with another one (flat CSV rows and
/// NewsMTSC sentences stand alone: no context to learn from).
fn has_context<'a>(examples: impl IntoIterator<Item = &'a Example>) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    examples
        .into_iter()
        .filter(|e| e.paragraph.is_some() && matches!(e.target, Target::Actor(_)))
        .any(|e| !seen.insert(e.group.as_str()))
}

/// The paragraph-context model of `task`, fitted on the out-of-fold probabilities `probs`
/// of `rows` (gold `y`), each seeing the other rows of its article. `None` when no row has
/// context.
fn fit_context_model(
    data: &LabelledData,
    task: Task,
    rows: &[usize],
    probs: &[Vec<f64>],
    y: &[usize],
    progress: &dyn Progress,
) -> Result<Option<Stacked>> {
    let examples: Vec<&Example> = rows.iter().map(|&i| &data.examples[i]).collect();
    if !has_context(examples.iter().copied()) {
        return Ok(None);
    }
    let features = example_context_rows(&examples, probs);
    let m = Stacked::fit(&features, y)?;
    progress.message(&format!(
        "{}: paragraph-context model fitted on {} rows",
        task.name(),
        y.len()
    ));
    Ok(Some(m))
}

/// Fewest (article, actor) labels to fit an article model on.
const MIN_ARTICLE_LABELS: usize = 30;

/// The article-level model of `task`, fitted on the out-of-fold paragraph probabilities
/// `probs` (one per entry of `rows`, indices into `data.examples`) grouped by (article,
/// actor), against the article-level labels. `None` when the data has too few of them.
fn fit_article_model(
    data: &LabelledData,
    task: Task,
    rows: &[usize],
    probs: &[Vec<f64>],
    progress: &dyn Progress,
) -> Result<Option<Stacked>> {
    use std::collections::BTreeMap;
    let gold: BTreeMap<(&str, &str), usize> = data
        .articles
        .iter()
        .flat_map(|a| {
            a.labels.iter().map(move |(actor, &(st, se))| {
                let g = match task {
                    Task::Stance => st,
                    Task::Sentiment => se,
                };
                ((a.article.id.as_str(), actor.as_str()), g)
            })
        })
        .collect();
    // (article, actor) -> [(paragraph, probabilities)]
    type Paragraphs<'a> = Vec<(usize, &'a Vec<f64>)>;
    let mut groups: BTreeMap<(&str, &str), Paragraphs> = BTreeMap::new();
    for (&i, p) in rows.iter().zip(probs) {
        let e = &data.examples[i];
        if let (Target::Actor(actor), Some(par)) = (&e.target, e.paragraph) {
            let key = (e.group.as_str(), actor.as_str());
            if gold.contains_key(&key) {
                groups.entry(key).or_default().push((par, p));
            }
        }
    }
    let mut inputs = Vec::new();
    let mut y = Vec::new();
    for (key, mut v) in groups {
        v.sort_by_key(|(par, _)| *par);
        let pp: Vec<Vec<f64>> = v.into_iter().map(|(_, p)| p.clone()).collect();
        inputs.push(article_features(&pp));
        y.push(gold[&key]);
    }
    let mut seen = [0usize; 3];
    for &c in &y {
        seen[c] += 1;
    }
    if y.len() < MIN_ARTICLE_LABELS || seen.iter().filter(|&&c| c > 0).count() < 2 {
        if !data.articles.is_empty() {
            progress.message(&format!(
                "{}: {} article-level labels are too few for the article model; using the \
                 prevailing rule",
                task.name(),
                y.len()
            ));
        }
        return Ok(None);
    }
    let m = Stacked::fit(&inputs, &y)?;
    progress.message(&format!(
        "{}: article model fitted on {} (article, actor) labels",
        task.name(),
        y.len()
    ));
    Ok(Some(m))
}

/// Trains a model on `data`.
pub fn train(
    data: &LabelledData,
    gazetteer: &Gazetteer,
    config: &TrainConfig,
    data_names: Vec<String>,
    progress: &dyn Progress,
) -> Result<Model> {
    if config.alphas.is_empty() {
        return Err(Error::Training("no alpha to try".into()));
    }
    let sampled;
    let data = if config.sample < 1.0 {
        sampled = sample_groups(data, config.sample, config.seed);
        progress.message(&format!(
            "training on {} of the labelled pairs ({}% of the articles)",
            sampled.examples.len(),
            config.sample * 100.0
        ));
        &sampled
    } else {
        data
    };
    let analyzer = Analyzer::new(config.analyzer.clone());
    progress.message(&format!(
        "features for {} labelled pairs",
        data.examples.len()
    ));
    let all_bags = bags(&data.examples, &analyzer, gazetteer);
    let mut summaries = Vec::new();
    // per task: alpha, temperature, article model, context model
    type Chosen = (Task, f64, f64, Option<Stacked>, Option<Stacked>);
    let mut chosen: Vec<Chosen> = Vec::new();
    for task in Task::ALL {
        let rows: Vec<usize> = (0..data.examples.len())
            .filter(|&i| data.examples[i].label(task).is_some())
            .collect();
        if rows.is_empty() {
            continue;
        }
        let y: Vec<usize> = rows
            .iter()
            .map(|&i| data.examples[i].label(task).unwrap())
            .collect();
        let mut class_counts = vec![0; 3];
        for &c in &y {
            class_counts[c] += 1;
        }
        if class_counts.iter().filter(|&&c| c > 0).count() < 2 {
            return Err(Error::Training(format!(
                "{} labels hold a single class ({}); need at least two",
                task.name(),
                task.labels()[argmax(&class_counts.iter().map(|&c| c as f64).collect::<Vec<_>>())]
            )));
        }
        let groups: Vec<&str> = rows
            .iter()
            .map(|&i| data.examples[i].group.as_str())
            .collect();
        let mut ngroups = groups.clone();
        ngroups.sort_unstable();
        ngroups.dedup();
        // nothing to choose, calibrate or stack: no inner cross-validation needed
        let stack = (config.article_model
            && data.articles.iter().map(|a| a.labels.len()).sum::<usize>() >= MIN_ARTICLE_LABELS)
            || (config.context_model && has_context(&data.examples));
        let k = if config.alphas.len() == 1 && !config.calibrate && !stack {
            0
        } else {
            config.folds.min(ngroups.len())
        };
        let mut cv = Vec::new();
        let (mut alpha, mut temperature, mut cv_ece) = (config.alphas[0], 1.0, None);
        let mut article = None;
        let mut context = None;
        if k >= 2 {
            progress.message(&format!(
                "{}: {} rows, choosing alpha by {k}-fold cross-validation",
                task.name(),
                rows.len()
            ));
            let fold = group_folds(&groups, k, config.seed);
            for f in 0..k {
                let mut seen = [false; 3];
                for (i, &c) in y.iter().enumerate() {
                    if fold[i] != f {
                        seen[c] = true;
                    }
                }
                if seen.iter().filter(|&&b| b).count() < 2 {
                    return Err(Error::Training(format!(
                        "{}: {} rows are too few for {k}-fold cross-validation (a fold's \
                         training part holds a single class); label more data, or skip the \
                         cross-validation with one --alphas value, --no-calibration, \
                         --no-article-model and --no-context-model",
                        task.name(),
                        rows.len()
                    )));
                }
            }
            // out-of-fold logits per alpha
            let per_fold: Vec<Result<Vec<(usize, Vec<Vec<f64>>)>>> = (0..k)
                .into_par_iter()
                .map(|f| {
                    let tr: Vec<usize> = (0..rows.len()).filter(|&i| fold[i] != f).collect();
                    let te: Vec<usize> = (0..rows.len()).filter(|&i| fold[i] == f).collect();
                    let tr_bags: Vec<&Bag> = tr.iter().map(|&i| &all_bags[rows[i]]).collect();
                    let tr_y: Vec<usize> = tr.iter().map(|&i| y[i]).collect();
                    let v = Vectorizer::fit(config.vectorizer, &tr_bags);
                    let x = v.transform_all(tr_bags.iter().copied());
                    let te_rows: Vec<Vec<(u32, f64)>> = te
                        .iter()
                        .map(|&i| v.transform(&all_bags[rows[i]]))
                        .collect();
                    // logits[alpha][test row]
                    let mut per_alpha: Vec<Vec<Vec<f64>>> = Vec::new();
                    for &a in &config.alphas {
                        let m = LogisticParams::default()
                            .alpha(a)
                            .max_iterations(config.max_iterations)
                            .sample_weights(class_weights(&tr_y, config.balanced))
                            .fit(&DatasetBase::new(x.clone(), Array1::from(tr_y.clone())))?;
                        per_alpha.push(
                            te_rows
                                .iter()
                                .map(|r| m.logits(r.iter().copied()))
                                .collect(),
                        );
                    }
                    Ok(te
                        .iter()
                        .enumerate()
                        .map(|(j, &i)| (i, per_alpha.iter().map(|l| l[j].clone()).collect()))
                        .collect())
                })
                .collect();
            let mut oof: Vec<Vec<Vec<f64>>> = vec![Vec::new(); rows.len()];
            for r in per_fold {
                for (i, l) in r? {
                    oof[i] = l;
                }
            }
            let mut best = (f64::NEG_INFINITY, 0usize);
            for (ai, &a) in config.alphas.iter().enumerate() {
                let pred: Vec<usize> = oof.iter().map(|l| argmax(&l[ai])).collect();
                let (acc, f1) = accuracy_macro_f1(task.labels(), &y, &pred);
                cv.push(CvScore {
                    alpha: a,
                    macro_f1: f1,
                    accuracy: acc,
                });
                if f1 > best.0 + 1e-12 {
                    best = (f1, ai);
                }
            }
            alpha = config.alphas[best.1];
            let logits: Vec<Vec<f64>> = oof.iter().map(|l| l[best.1].clone()).collect();
            if config.calibrate {
                temperature = fit_temperature(&logits, &y);
            }
            let probs: Vec<Vec<f64>> = logits.iter().map(|z| softmax(z, temperature)).collect();
            cv_ece = Some(expected_calibration_error(&probs, &y, 10));
            if config.article_model {
                article = fit_article_model(data, task, &rows, &probs, progress)?;
            }
            if config.context_model {
                context = fit_context_model(data, task, &rows, &probs, &y, progress)?;
            }
        }
        chosen.push((task, alpha, temperature, article, context));
        summaries.push(TaskSummary {
            task: task.name().to_string(),
            rows: rows.len(),
            class_counts,
            folds: if k >= 2 { k } else { 0 },
            cv,
            alpha,
            temperature,
            cv_ece,
            iterations: 0,
            stop_reason: String::new(),
            converged: false,
        });
    }
    if chosen.is_empty() {
        return Err(Error::Training("no labelled rows in the data".into()));
    }
    // final fit: one vectorizer over every labelled row, one classifier per task
    let used: Vec<&Bag> = all_bags.iter().collect();
    let vectorizer = Vectorizer::fit(config.vectorizer, &used);
    let mut classifiers: Vec<(Task, Classifier)> = Vec::new();
    for (si, (task, alpha, temperature, article, context)) in chosen.into_iter().enumerate() {
        progress.message(&format!("{}: final fit, alpha {alpha}", task.name()));
        let rows: Vec<usize> = (0..data.examples.len())
            .filter(|&i| data.examples[i].label(task).is_some())
            .collect();
        let x = vectorizer.transform_all(rows.iter().map(|&i| &all_bags[i]));
        let y: Vec<usize> = rows
            .iter()
            .map(|&i| data.examples[i].label(task).unwrap())
            .collect();
        let fitted = LogisticParams::default()
            .alpha(alpha)
            .max_iterations(config.max_iterations)
            .sample_weights(class_weights(&y, config.balanced))
            .fit(&DatasetBase::new(x, Array1::from(y)))?;
        let s = &mut summaries[si];
        s.iterations = fitted.convergence.iterations;
        s.stop_reason = fitted.convergence.reason.clone();
        s.converged = fitted.convergence.converged;
        classifiers.push((
            task,
            Classifier {
                labels: task.labels().iter().map(|s| s.to_string()).collect(),
                alpha,
                temperature,
                fitted,
                article,
                context,
            },
        ));
    }
    let take = |t: Task| {
        classifiers
            .iter()
            .find(|(x, _)| *x == t)
            .map(|(_, c)| c.clone())
    };
    let summary = TrainingSummary {
        data: data_names,
        seed: config.seed,
        features: vectorizer.ncols(),
        tasks: summaries,
    };
    Ok(Model::new(
        config.analyzer.clone(),
        vectorizer,
        take(Task::Stance),
        take(Task::Sentiment),
        summary,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_folds_keep_groups_together_and_are_seeded() {
        let g = ["a", "a", "b", "c", "c", "d", "e"];
        let f = group_folds(&g, 2, 1);
        assert_eq!(f[0], f[1]);
        assert_eq!(f[3], f[4]);
        assert_eq!(f, group_folds(&g, 2, 1));
        assert!(f.iter().all(|&x| x < 2));
    }

    #[test]
    fn balanced_weights_make_each_class_weigh_the_same() {
        let y = [0, 0, 0, 1, 2, 2];
        assert!(class_weights(&y, false).is_empty());
        let w = class_weights(&y, true);
        let per_class = |c: usize| -> f64 {
            y.iter()
                .zip(&w)
                .filter(|(&k, _)| k == c)
                .map(|(_, v)| v)
                .sum()
        };
        for c in 0..3 {
            assert!((per_class(c) - 2.0).abs() < 1e-12, "{w:?}");
        }
        assert!((w.iter().sum::<f64>() - 6.0).abs() < 1e-12);
    }

    #[test]
    fn temperature_recovers_overconfidence() {
        // logits scaled by 3 relative to the true log-odds: temperature should be near 3
        let mut logits = Vec::new();
        let mut gold = Vec::new();
        for i in 0..3000 {
            let p = 0.6; // true probability of class 0
            let z = vec![3.0 * (p / 0.4f64).ln(), 0.0];
            logits.push(z);
            gold.push(if (i * 7919) % 10 < 6 { 0 } else { 1 });
        }
        let t = fit_temperature(&logits, &gold);
        assert!((t - 3.0).abs() < 0.1, "{t}");
    }
}
