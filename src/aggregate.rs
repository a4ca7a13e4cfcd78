//! Stacked models over the paragraph-level probabilities.
//!
//! **Article level.** The labelling rule is "the prevailing non-neutral label over the
//! actor's paragraphs" ([`crate::report::prevailing`] computes its probability when the
//! paragraphs are independent). Paragraph mistakes are not independent, so that probability
//! is overconfident, and it calls a tie too often. The article model is a small logistic
//! model on a dozen summary features of the paragraph probabilities ([`article_features`]).
//!
//! **Paragraph context.** A paragraph's decision for an actor gains from what the model
//! says about the same actor's other paragraphs and about the other actors of the same
//! paragraph ([`context_features`]); the context model turns those into the final
//! paragraph-level probabilities.
//!
//! `stance train` fits both, per task, on the out-of-fold paragraph predictions of its
//! cross-validation (so they see the errors the paragraph model makes on unseen text),
//! against the article-level and paragraph-level labels. Measured gains are in
//! docs/results.md.

use linfa::dataset::DatasetBase;
use linfa::traits::Fit;
use ndarray::Array1;
use serde::{Deserialize, Serialize};

use crate::data::{Example, Target};
use crate::error::Result;
use crate::logistic::{softmax, FittedLogistic, LogisticParams};
use crate::report::prevailing;
use crate::vectorize::CsrMatrix;

/// Number of article-level summary features.
pub const N_ARTICLE: usize = 11;

/// Number of paragraph-context features.
pub const N_CONTEXT: usize = 15;

/// Summary features of one actor's paragraph probabilities (columns: first label, second
/// label, neutral), in a fixed order.
pub fn article_features(per_paragraph: &[Vec<f64>]) -> Vec<f64> {
    let n = per_paragraph.len().max(1) as f64;
    let rule = prevailing(per_paragraph, 0, 1);
    let col = |c: usize| per_paragraph.iter().map(move |p| p[c]);
    let sum = |c: usize| col(c).sum::<f64>();
    let max = |c: usize| col(c).fold(0.0f64, f64::max);
    let min = |c: usize| col(c).fold(1.0f64, f64::min);
    vec![
        ln(rule[0]),
        ln(rule[1]),
        ln(rule[2]),
        sum(0),
        sum(1),
        sum(2),
        max(0),
        max(1),
        min(2),
        n.ln(),
        (sum(0) - sum(1)) / n,
    ]
}

fn ln(p: f64) -> f64 {
    p.clamp(1e-6, 1.0).ln()
}

/// Context features of one (paragraph, actor) decision: its own probabilities, those of the
/// same actor's other paragraphs in the article, the prevailing rule over all of them, and
/// those of the other actors in the same paragraph.
pub fn context_features(own: &[f64], same_actor: &[&[f64]], same_paragraph: &[&[f64]]) -> Vec<f64> {
    let all: Vec<Vec<f64>> = std::iter::once(own)
        .chain(same_actor.iter().copied())
        .map(|p| p.to_vec())
        .collect();
    with_rule(own, same_actor, same_paragraph, prevailing(&all, 0, 1))
}

/// [`context_features`] with the prevailing-rule probabilities over the actor's paragraphs
/// given (they are the same for all of an actor's decisions).
fn with_rule(
    own: &[f64],
    same_actor: &[&[f64]],
    same_paragraph: &[&[f64]],
    rule: [f64; 3],
) -> Vec<f64> {
    let mean = |v: &[&[f64]]| -> [f64; 3] {
        if v.is_empty() {
            return [1.0 / 3.0; 3];
        }
        let mut m = [0.0; 3];
        for p in v {
            for c in 0..3 {
                m[c] += p[c] / v.len() as f64;
            }
        }
        m
    };
    let a = mean(same_actor);
    let o = mean(same_paragraph);
    vec![
        ln(own[0]),
        ln(own[1]),
        ln(own[2]),
        a[0],
        a[1],
        a[2],
        f64::from(u8::from(!same_actor.is_empty())),
        (same_actor.len() as f64).ln_1p(),
        ln(rule[0]),
        ln(rule[1]),
        ln(rule[2]),
        o[0],
        o[1],
        o[2],
        f64::from(u8::from(!same_paragraph.is_empty())),
    ]
}

/// The groups of [`context_features`], for explanations.
pub const CONTEXT_GROUPS: [(&str, std::ops::Range<usize>); 3] = [
    ("own paragraph", 0..3),
    ("actor's other paragraphs", 3..11),
    ("other actors in the paragraph", 11..15),
];

/// Context feature rows for the decisions of one article: `items[i]` is (actor, paragraph,
/// probabilities); each decision sees the same actor's other paragraphs and the other
/// actors of its paragraph.
pub fn context_rows<K: Ord + Copy>(items: &[(K, usize, &[f64])]) -> Vec<Vec<f64>> {
    use std::collections::BTreeMap;
    let mut by_actor: BTreeMap<K, Vec<usize>> = BTreeMap::new();
    let mut by_para: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, (a, p, _)) in items.iter().enumerate() {
        by_actor.entry(*a).or_default().push(i);
        by_para.entry(*p).or_default().push(i);
    }
    // the prevailing rule over each actor's paragraphs, once per actor
    let rules: BTreeMap<K, [f64; 3]> = by_actor
        .iter()
        .map(|(a, idx)| {
            let pp: Vec<Vec<f64>> = idx.iter().map(|&j| items[j].2.to_vec()).collect();
            (*a, prevailing(&pp, 0, 1))
        })
        .collect();
    items
        .iter()
        .map(|(a, p, own)| {
            let same_actor: Vec<&[f64]> = by_actor[a]
                .iter()
                .filter(|&&j| items[j].1 != *p)
                .map(|&j| items[j].2)
                .collect();
            let same_para: Vec<&[f64]> = by_para[p]
                .iter()
                .filter(|&&j| items[j].0 != *a)
                .map(|&j| items[j].2)
                .collect();
            with_rule(own, &same_actor, &same_para, rules[a])
        })
        .collect()
}

/// Contextual probabilities for the decisions of one article (see [`context_rows`]).
pub fn contextualise<K: Ord + Copy>(
    model: &Stacked,
    items: &[(K, usize, &[f64])],
) -> Vec<Vec<f64>> {
    context_rows(items)
        .iter()
        .map(|f| model.probabilities(f))
        .collect()
}

/// Context feature rows for labelled examples with probabilities `probs` (one each): the
/// examples of one article (`group`) that name an actor in a known paragraph see each
/// other; any other example stands alone.
pub fn example_context_rows(examples: &[&Example], probs: &[Vec<f64>]) -> Vec<Vec<f64>> {
    use std::collections::BTreeMap;
    let mut out: Vec<Option<Vec<f64>>> = vec![None; examples.len()];
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in examples.iter().enumerate() {
        match (&e.target, e.paragraph) {
            (Target::Actor(_), Some(_)) => groups.entry(e.group.as_str()).or_default().push(i),
            _ => out[i] = Some(context_features(&probs[i], &[], &[])),
        }
    }
    for idx in groups.values() {
        let items: Vec<(&str, usize, &[f64])> = idx
            .iter()
            .map(|&i| {
                let e = examples[i];
                let actor = match &e.target {
                    Target::Actor(a) => a.as_str(),
                    _ => unreachable!("grouped examples name an actor"),
                };
                (actor, e.paragraph.unwrap_or(0), probs[i].as_slice())
            })
            .collect();
        for (&i, f) in idx.iter().zip(context_rows(&items)) {
            out[i] = Some(f);
        }
    }
    out.into_iter()
        .map(|f| f.expect("every example has a row"))
        .collect()
}

/// A logistic model over a few standardised dense features ([`article_features`] or
/// [`context_features`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stacked {
    /// Feature means of the training rows.
    pub mean: Vec<f64>,
    /// Feature standard deviations of the training rows (1 where constant).
    pub scale: Vec<f64>,
    /// Number of (article, actor) rows it was fitted on.
    pub rows: usize,
    pub fitted: FittedLogistic,
}

/// L2 strength of a stacked model (on the summed loss; a dozen features over thousands
/// of rows need little).
const ALPHA: f64 = 1.0;

impl Stacked {
    /// Fits on rows of features and their gold labels.
    pub fn fit(raw: &[Vec<f64>], gold: &[usize]) -> Result<Self> {
        let nf = raw.first().map_or(0, Vec::len);
        let n = raw.len().max(1) as f64;
        let mut mean = vec![0.0; nf];
        let mut scale = vec![0.0f64; nf];
        for r in raw {
            for j in 0..nf {
                mean[j] += r[j] / n;
            }
        }
        for r in raw {
            for j in 0..nf {
                scale[j] += (r[j] - mean[j]).powi(2) / n;
            }
        }
        for s in &mut scale {
            *s = if *s > 1e-12 { s.sqrt() } else { 1.0 };
        }
        let mut x = CsrMatrix::new(nf);
        for r in raw {
            let row: Vec<(u32, f64)> = (0..nf)
                .map(|j| (j as u32, (r[j] - mean[j]) / scale[j]))
                .collect();
            x.push_row(&row);
        }
        let fitted = LogisticParams::default()
            .alpha(ALPHA)
            .fit(&DatasetBase::new(x, Array1::from(gold.to_vec())))?;
        Ok(Stacked {
            mean,
            scale,
            rows: raw.len(),
            fitted,
        })
    }

    /// Class probabilities of one feature row (same column order as the paragraph ones).
    pub fn probabilities(&self, f: &[f64]) -> Vec<f64> {
        let row = (0..self.mean.len()).map(|j| (j as u32, (f[j] - self.mean[j]) / self.scale[j]));
        softmax(&self.fitted.logits(row), 1.0)
    }

    /// How much each group of features pushed the logit of `label` above the mean of the
    /// other labels' logits, for the feature row `f`.
    pub fn contributions(
        &self,
        f: &[f64],
        label: usize,
        groups: &[(&str, std::ops::Range<usize>)],
    ) -> Vec<(String, f64)> {
        let fit = &self.fitted;
        let others = (fit.n_classes - 1) as f64;
        groups
            .iter()
            .map(|(name, range)| {
                let v: f64 = range
                    .clone()
                    .map(|j| {
                        let x = (f[j] - self.mean[j]) / self.scale[j];
                        let rest: f64 = (0..fit.n_classes)
                            .filter(|&c| c != label)
                            .map(|c| fit.weight(j, c))
                            .sum();
                        x * (fit.weight(j, label) - rest / others)
                    })
                    .sum();
                (name.to_string(), v)
            })
            .collect()
    }

    /// Article-level probabilities from an actor's paragraph probabilities.
    pub fn article(&self, per_paragraph: &[Vec<f64>]) -> Vec<f64> {
        self.probabilities(&article_features(per_paragraph))
    }

    /// Checks a loaded model's shapes (`nf` features) and numbers.
    pub fn check(&self, nf: usize) -> std::result::Result<(), String> {
        self.fitted.check()?;
        if self.mean.len() != nf
            || self.scale.len() != nf
            || self.fitted.n_features != nf
            || self.fitted.n_classes != 3
        {
            return Err("stacked model: shapes do not match".into());
        }
        if self.mean.iter().chain(&self.scale).any(|v| !v.is_finite())
            || self.scale.iter().any(|&s| s <= 0.0)
        {
            return Err("stacked model: non-finite or non-positive scale".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_that_one_confident_paragraph_decides() {
        // gold: favor when any paragraph is confidently favor, else against when any is
        // confidently against, else neutral; inputs mix confident and vague paragraphs
        let vague = vec![0.3, 0.3, 0.4];
        let fav = vec![0.8, 0.1, 0.1];
        let aga = vec![0.1, 0.8, 0.1];
        let mut inputs = Vec::new();
        let mut gold = Vec::new();
        for k in 0..60 {
            let extra = k % 4;
            let mut a = vec![fav.clone()];
            a.extend(std::iter::repeat_n(vague.clone(), extra));
            inputs.push(a);
            gold.push(0);
            let mut b = vec![aga.clone()];
            b.extend(std::iter::repeat_n(vague.clone(), extra));
            inputs.push(b);
            gold.push(1);
            inputs.push(std::iter::repeat_n(vague.clone(), extra + 1).collect());
            gold.push(2);
        }
        let rows: Vec<Vec<f64>> = inputs.iter().map(|pp| article_features(pp)).collect();
        let m = Stacked::fit(&rows, &gold).unwrap();
        m.check(N_ARTICLE).unwrap();
        let p = m.article(&[vague.clone(), vague.clone(), fav.clone()]);
        assert!(p[0] > 0.6, "{p:?}");
        let p = m.article(&[aga.clone(), vague.clone()]);
        assert!(p[1] > 0.6, "{p:?}");
        let p = m.article(&[vague.clone(), vague]);
        assert!(p[2] > 0.6, "{p:?}");
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn check_rejects_wrong_shapes() {
        let inputs = [
            vec![vec![0.8, 0.1, 0.1]],
            vec![vec![0.1, 0.8, 0.1]],
            vec![vec![0.2, 0.2, 0.6]],
        ];
        let rows: Vec<Vec<f64>> = inputs.iter().map(|pp| article_features(pp)).collect();
        let mut m = Stacked::fit(&rows, &[0, 1, 2]).unwrap();
        m.check(N_ARTICLE).unwrap();
        assert!(m.check(N_CONTEXT).is_err());
        m.mean.pop();
        assert!(m.check(N_ARTICLE).is_err());
    }

    #[test]
    fn context_pulls_a_vague_paragraph_toward_the_actors_other_paragraphs() {
        // gold of a vague paragraph follows the actor's other paragraphs
        let vague = vec![0.34, 0.33, 0.33];
        let fav = vec![0.8, 0.1, 0.1];
        let aga = vec![0.1, 0.8, 0.1];
        let mut rows = Vec::new();
        let mut gold = Vec::new();
        for k in 0..40 {
            let others: Vec<&[f64]> = vec![fav.as_slice(); 1 + k % 2];
            rows.push(context_features(&vague, &others, &[]));
            gold.push(0);
            let others: Vec<&[f64]> = vec![aga.as_slice(); 1 + k % 2];
            rows.push(context_features(&vague, &others, &[]));
            gold.push(1);
            rows.push(context_features(&vague, &[], &[]));
            gold.push(2);
            rows.push(context_features(&fav, &[], &[]));
            gold.push(0);
        }
        let m = Stacked::fit(&rows, &gold).unwrap();
        m.check(N_CONTEXT).unwrap();
        // actor 0: paragraphs 1 (vague) and 2 (favor); actor 1: paragraph 1 (vague) alone
        let items: Vec<(usize, usize, &[f64])> =
            vec![(0, 1, &vague[..]), (0, 2, &fav[..]), (1, 1, &vague[..])];
        let p = contextualise(&m, &items);
        assert_eq!(p.len(), 3);
        assert!(p[0][0] > 0.6, "{:?}", p[0]);
        assert!(p[2][2] > 0.6, "{:?}", p[2]);
    }
}
