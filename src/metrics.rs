//! Classification metrics over a fixed label set.
//!
//! Counts are kept over all labels of the task, so a label that never occurs still has a row
//! (linfa's `ConfusionMatrix` keeps only the labels it sees, reverses the order of binary
//! matrices and gives NaN for a label never predicted; a test checks that both agree where
//! linfa's is defined).

use serde::Serialize;

/// Precision, recall, F1 and support of one label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

/// A confusion matrix: `matrix[gold][predicted]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Confusion {
    pub labels: Vec<String>,
    pub matrix: Vec<Vec<usize>>,
}

/// The majority-class baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Baseline {
    pub label: String,
    pub accuracy: f64,
    pub macro_f1: f64,
}

/// All scores of one task at one level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    pub n: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub per_class: indexmap_like::OrderedMap,
    pub confusion: Confusion,
    pub baseline: Baseline,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_precision: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_recall: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ece: Option<f64>,
}

/// A map that serialises its entries in insertion (label) order.
pub mod indexmap_like {
    use super::ClassScores;
    use serde::ser::SerializeMap;
    use serde::{Serialize, Serializer};

    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct OrderedMap(pub Vec<(String, ClassScores)>);

    impl Serialize for OrderedMap {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = s.serialize_map(Some(self.0.len()))?;
            for (k, v) in &self.0 {
                m.serialize_entry(k, v)?;
            }
            m.end()
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Counts `gold` against `pred` (label indices) over `labels`.
pub fn confusion(labels: &[&str], gold: &[usize], pred: &[usize]) -> Confusion {
    let k = labels.len();
    let mut matrix = vec![vec![0; k]; k];
    for (&g, &p) in gold.iter().zip(pred) {
        matrix[g][p] += 1;
    }
    Confusion {
        labels: labels.iter().map(|s| s.to_string()).collect(),
        matrix,
    }
}

/// Per-label scores, accuracy and macro-F1 of a confusion matrix.
pub fn scores(c: &Confusion) -> (Vec<ClassScores>, f64, f64) {
    let k = c.labels.len();
    let n: usize = c.matrix.iter().flatten().sum();
    let correct: usize = (0..k).map(|i| c.matrix[i][i]).sum();
    let per: Vec<ClassScores> = (0..k)
        .map(|i| {
            let tp = c.matrix[i][i];
            let support: usize = c.matrix[i].iter().sum();
            let predicted: usize = (0..k).map(|g| c.matrix[g][i]).sum();
            let (p, r) = (ratio(tp, predicted), ratio(tp, support));
            ClassScores {
                precision: p,
                recall: r,
                f1: f1(p, r),
                support,
            }
        })
        .collect();
    let macro_f1 = per.iter().map(|s| s.f1).sum::<f64>() / k as f64;
    (per, ratio(correct, n), macro_f1)
}

/// Accuracy and macro-F1 only.
pub fn accuracy_macro_f1(labels: &[&str], gold: &[usize], pred: &[usize]) -> (f64, f64) {
    let (_, a, f) = scores(&confusion(labels, gold, pred));
    (a, f)
}

/// Full metrics, with the majority baseline (majority of `gold` itself, as is usual for a
/// reference line; ties go to the first label).
pub fn metrics(labels: &[&str], gold: &[usize], pred: &[usize]) -> Metrics {
    let c = confusion(labels, gold, pred);
    let (per, accuracy, macro_f1) = scores(&c);
    let mut counts = vec![0usize; labels.len()];
    for &g in gold {
        counts[g] += 1;
    }
    let maj = crate::logistic::argmax(&counts.iter().map(|&c| c as f64).collect::<Vec<_>>());
    let base_pred = vec![maj; gold.len()];
    let (ba, bf) = accuracy_macro_f1(labels, gold, &base_pred);
    Metrics {
        n: gold.len(),
        accuracy,
        macro_f1,
        per_class: indexmap_like::OrderedMap(
            labels.iter().map(|l| l.to_string()).zip(per).collect(),
        ),
        confusion: c,
        baseline: Baseline {
            label: labels[maj].to_string(),
            accuracy: ba,
            macro_f1: bf,
        },
        actor_precision: None,
        actor_recall: None,
        ece: None,
    }
}

/// Expected calibration error of the top-class probability, with `bins` equal-width bins.
pub fn expected_calibration_error(probs: &[Vec<f64>], gold: &[usize], bins: usize) -> f64 {
    if probs.is_empty() {
        return 0.0;
    }
    let mut conf = vec![0.0; bins];
    let mut acc = vec![0.0; bins];
    let mut cnt = vec![0usize; bins];
    for (p, &g) in probs.iter().zip(gold) {
        let top = crate::logistic::argmax(p);
        let c = p[top];
        let b = ((c * bins as f64) as usize).min(bins - 1);
        conf[b] += c;
        acc[b] += (top == g) as u8 as f64;
        cnt[b] += 1;
    }
    let n = probs.len() as f64;
    (0..bins)
        .filter(|&b| cnt[b] > 0)
        .map(|b| (cnt[b] as f64 / n) * ((acc[b] - conf[b]) / cnt[b] as f64).abs())
        .sum()
}

/// Cohen's kappa of two label sequences over `k` labels (1.0 when both agree perfectly and
/// chance agreement is 1).
pub fn cohen_kappa(a: &[usize], b: &[usize], k: usize) -> f64 {
    let n = a.len() as f64;
    if a.is_empty() {
        return 0.0;
    }
    let observed = a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / n;
    let mut ca = vec![0.0; k];
    let mut cb = vec![0.0; k];
    for (&x, &y) in a.iter().zip(b) {
        ca[x] += 1.0;
        cb[y] += 1.0;
    }
    let chance: f64 = (0..k).map(|i| ca[i] / n * cb[i] / n).sum();
    if (1.0 - chance).abs() < 1e-12 {
        return 1.0;
    }
    (observed - chance) / (1.0 - chance)
}

#[cfg(test)]
mod tests {
    use super::*;
    use linfa::prelude::ToConfusionMatrix;
    use ndarray::Array1;

    #[test]
    fn agrees_with_linfa_confusion_matrix() {
        let gold = [0usize, 1, 2, 2, 1, 0, 0, 2, 1, 1];
        let pred = [0usize, 2, 2, 1, 1, 0, 1, 2, 1, 0];
        let ours = metrics(&["a", "b", "c"], &gold, &pred);
        let lin = Array1::from(pred.to_vec())
            .confusion_matrix(Array1::from(gold.to_vec()))
            .unwrap();
        assert!((ours.accuracy - lin.accuracy() as f64).abs() < 1e-6);
        assert!(
            (ours.macro_f1 - lin.f1_score() as f64).abs() < 1e-6,
            "{} {}",
            ours.macro_f1,
            lin.f1_score()
        );
        for (i, one) in lin.split_one_vs_all().iter().enumerate() {
            let (_, s) = &ours.per_class.0[i];
            assert!((s.precision - one.precision() as f64).abs() < 1e-6);
            assert!((s.recall - one.recall() as f64).abs() < 1e-6);
        }
    }

    #[test]
    fn kappa_matches_a_hand_computed_case() {
        // 10 items: observed agreement 0.7; marginals a = (5,3,2), b = (4,4,2)
        let a = [0, 0, 0, 0, 0, 1, 1, 1, 2, 2];
        let b = [0, 0, 0, 0, 1, 1, 1, 2, 2, 1];
        let chance = 0.5 * 0.4 + 0.3 * 0.4 + 0.2 * 0.2;
        let want = (0.7 - chance) / (1.0 - chance);
        assert!((cohen_kappa(&a, &b, 3) - want).abs() < 1e-12);
        assert_eq!(cohen_kappa(&[1, 2], &[1, 2], 3), 1.0);
    }

    #[test]
    fn absent_labels_score_zero_not_nan() {
        let m = metrics(&["a", "b", "c"], &[0, 0, 1], &[0, 0, 0]);
        assert_eq!(m.per_class.0[2].1.f1, 0.0);
        assert_eq!(m.baseline.label, "a");
        assert!((m.accuracy - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn ece_of_perfect_confident_predictions_is_zero() {
        let p = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
        assert_eq!(expected_calibration_error(&p, &[0, 1], 10), 0.0);
        let p = vec![vec![0.9, 0.1]; 10];
        let g = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
        assert!((expected_calibration_error(&p, &g, 10) - 0.4).abs() < 1e-9);
    }
}
