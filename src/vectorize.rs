//! From feature bags to sparse TF-IDF rows.
//!
//! Two vectorizers share one weighting (`ln(1 + tf) * idf`, then L2 normalisation;
//! `idf = ln((1 + n) / (1 + df)) + 1`, as scikit-learn's smooth IDF):
//! - [`Vectorizer::Vocabulary`] keeps the features seen in at least `min_df` training rows;
//! - [`Vectorizer::Hashing`] maps every feature to one of `2^bits` columns by FNV-1a hash.
//!
//! Both are fitted once on training rows and stored in the model, so that serving uses the
//! training IDF (unlike linfa-preprocessing's TF-IDF, which refits on every batch).

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::features::Bag;

/// A compressed sparse row matrix of `f64`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CsrMatrix {
    pub indptr: Vec<usize>,
    pub indices: Vec<u32>,
    pub values: Vec<f64>,
    pub ncols: usize,
}

impl CsrMatrix {
    /// An empty matrix with `ncols` columns.
    pub fn new(ncols: usize) -> Self {
        CsrMatrix {
            indptr: vec![0],
            indices: Vec::new(),
            values: Vec::new(),
            ncols,
        }
    }

    /// Appends one row given as (column, value) pairs.
    pub fn push_row(&mut self, row: &[(u32, f64)]) {
        for &(c, v) in row {
            self.indices.push(c);
            self.values.push(v);
        }
        self.indptr.push(self.indices.len());
    }

    /// Number of rows.
    pub fn nrows(&self) -> usize {
        self.indptr.len() - 1
    }

    /// Row `i` as parallel slices of columns and values.
    pub fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let (a, b) = (self.indptr[i], self.indptr[i + 1]);
        (&self.indices[a..b], &self.values[a..b])
    }

    /// The rows listed in `rows`, in that order.
    pub fn select(&self, rows: &[usize]) -> CsrMatrix {
        let mut m = CsrMatrix::new(self.ncols);
        for &r in rows {
            let (c, v) = self.row(r);
            m.indices.extend_from_slice(c);
            m.values.extend_from_slice(v);
            m.indptr.push(m.indices.len());
        }
        m
    }

    /// A dense copy (for tests and small problems).
    pub fn to_dense(&self) -> ndarray::Array2<f64> {
        let mut d = ndarray::Array2::zeros((self.nrows(), self.ncols));
        for i in 0..self.nrows() {
            let (c, v) = self.row(i);
            for (&c, &v) in c.iter().zip(v) {
                d[(i, c as usize)] = v;
            }
        }
        d
    }
}

impl linfa::dataset::Records for CsrMatrix {
    type Elem = f64;
    fn nsamples(&self) -> usize {
        self.nrows()
    }
    fn nfeatures(&self) -> usize {
        self.ncols
    }
}

/// A fitted vectorizer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Vectorizer {
    /// Features seen in at least `min_df` training rows, one column each.
    Vocabulary {
        min_df: usize,
        /// Sorted feature names; a feature's column is its position.
        terms: Vec<String>,
        idf: Vec<f64>,
        #[serde(skip)]
        index: OnceLock<HashMap<String, u32>>,
        #[serde(skip)]
        compound: OnceLock<Option<Compound>>,
    },
    /// Every feature hashed into `2^bits` columns.
    Hashing { bits: u32, idf: Vec<f64> },
}

/// A column that is not there.
pub const ABSENT: u32 = u32::MAX - 1;

/// Compound feature columns by their parts' columns (see [`Vectorizer::compound`]).
#[derive(Debug, Clone)]
pub struct Compound {
    /// `a b` by (column of `a` << 32 | column of `b`)
    pub pair: HashMap<u64, u32>,
    /// `~x`, `a:x`, `p:x` by the column of `x` ([`ABSENT`] if none)
    pub tilde: Vec<u32>,
    pub agent: Vec<u32>,
    pub patient: Vec<u32>,
}

/// How to build a vectorizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VectorizerSpec {
    Vocabulary { min_df: usize },
    Hashing { bits: u32 },
}

impl Default for VectorizerSpec {
    fn default() -> Self {
        VectorizerSpec::Vocabulary { min_df: 2 }
    }
}

/// 64-bit FNV-1a of a string (stable across platforms and versions).
pub(crate) fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

fn smooth_idf(n: usize, df: usize) -> f64 {
    ((1.0 + n as f64) / (1.0 + df as f64)).ln() + 1.0
}

impl Vectorizer {
    /// Fits a vectorizer on training bags.
    pub fn fit(spec: VectorizerSpec, bags: &[&Bag]) -> Self {
        let n = bags.len();
        match spec {
            VectorizerSpec::Vocabulary { min_df } => {
                let mut df: HashMap<&str, usize> = HashMap::default();
                for bag in bags {
                    for (k, _) in bag.iter() {
                        *df.entry(k.as_str()).or_insert(0) += 1;
                    }
                }
                let mut terms: Vec<(&str, usize)> = df
                    .into_iter()
                    .filter(|&(_, d)| d >= min_df.max(1))
                    .collect();
                terms.sort_unstable();
                let idf = terms.iter().map(|&(_, d)| smooth_idf(n, d)).collect();
                Vectorizer::Vocabulary {
                    min_df,
                    terms: terms.into_iter().map(|(t, _)| t.to_string()).collect(),
                    idf,
                    index: OnceLock::new(),
                    compound: OnceLock::new(),
                }
            }
            VectorizerSpec::Hashing { bits } => {
                let size = 1usize << bits;
                let mut df = vec![0usize; size];
                for bag in bags {
                    let mut cols: Vec<usize> = bag
                        .iter()
                        .map(|(k, _)| (fnv1a(k) as usize) & (size - 1))
                        .collect();
                    cols.sort_unstable();
                    cols.dedup();
                    for c in cols {
                        df[c] += 1;
                    }
                }
                Vectorizer::Hashing {
                    bits,
                    idf: df.into_iter().map(|d| smooth_idf(n, d)).collect(),
                }
            }
        }
    }

    /// Number of columns.
    pub fn ncols(&self) -> usize {
        match self {
            Vectorizer::Vocabulary { terms, .. } => terms.len(),
            Vectorizer::Hashing { bits, .. } => 1 << bits,
        }
    }

    /// The name of column `c` (hashing: `#hash<c>`).
    pub fn term(&self, c: usize) -> String {
        match self {
            Vectorizer::Vocabulary { terms, .. } => terms[c].clone(),
            Vectorizer::Hashing { .. } => format!("#hash{c}"),
        }
    }

    /// Checks the internal consistency of a deserialised vectorizer.
    pub fn check(&self) -> Result<(), String> {
        match self {
            Vectorizer::Vocabulary { terms, idf, .. } => {
                if terms.len() != idf.len() {
                    return Err("vocabulary and idf lengths differ".into());
                }
                if terms.windows(2).any(|w| w[0] >= w[1]) {
                    return Err("vocabulary is not sorted".into());
                }
            }
            Vectorizer::Hashing { bits, idf } => {
                if *bits > 26 || idf.len() != 1usize << bits {
                    return Err("hashing size does not match idf".into());
                }
            }
        }
        Ok(())
    }

    fn column(&self, term: &str) -> Option<u32> {
        match self {
            Vectorizer::Vocabulary { terms, index, .. } => index
                .get_or_init(|| {
                    terms
                        .iter()
                        .enumerate()
                        .map(|(i, t)| (t.clone(), i as u32))
                        .collect()
                })
                .get(term)
                .copied(),
            Vectorizer::Hashing { bits, .. } => Some((fnv1a(term) & ((1u64 << bits) - 1)) as u32),
        }
    }

    fn idf(&self, c: u32) -> f64 {
        match self {
            Vectorizer::Vocabulary { idf, .. } | Vectorizer::Hashing { idf, .. } => idf[c as usize],
        }
    }

    /// One bag to a sparse row, sorted by column, L2-normalised.
    pub fn transform(&self, bag: &Bag) -> Vec<(u32, f64)> {
        let mut row: Vec<(u32, f64)> = Vec::with_capacity(bag.len());
        for (k, tf) in bag {
            if let Some(c) = self.column(k) {
                row.push((c, *tf));
            }
        }
        self.finish_row(row)
    }

    /// Builds a row straight from a stream of (feature, weight) occurrences, without a
    /// bag of owned strings in between: `fill` calls its argument once per occurrence.
    /// For a vocabulary the result is exactly `transform` of the bag of those occurrences.
    pub fn transform_with(&self, fill: impl FnOnce(&mut dyn FnMut(&str, f64))) -> Vec<(u32, f64)> {
        let mut tf: HashMap<u32, f64> = HashMap::default();
        fill(&mut |k: &str, w: f64| {
            if let Some(c) = self.column(k) {
                *tf.entry(c).or_insert(0.0) += w;
            }
        });
        self.finish_row(tf.into_iter().collect())
    }

    /// Columns of the compound features by the columns of their parts, so that a caller
    /// that knows each token's column never hashes a bigram's name. `None` for hashing, or
    /// for a vocabulary where some compound's part is missing (not one fitted here).
    pub fn compound(&self) -> Option<&Compound> {
        let Vectorizer::Vocabulary {
            terms, compound, ..
        } = self
        else {
            return None;
        };
        compound
            .get_or_init(|| {
                let n = terms.len();
                let mut c = Compound {
                    pair: HashMap::default(),
                    tilde: vec![ABSENT; n],
                    agent: vec![ABSENT; n],
                    patient: vec![ABSENT; n],
                };
                for (i, t) in terms.iter().enumerate() {
                    let i = i as u32;
                    let part = |s: &str| self.column(s);
                    if let Some((a, b)) = t.split_once(' ') {
                        let (Some(a), Some(b)) = (part(a), part(b)) else {
                            return None;
                        };
                        c.pair.insert(((a as u64) << 32) | b as u64, i);
                    } else if let Some(rest) = t.strip_prefix('~') {
                        c.tilde[part(rest)? as usize] = i;
                    } else if let Some(rest) = t.strip_prefix("a:") {
                        c.agent[part(rest)? as usize] = i;
                    } else if let Some(rest) = t.strip_prefix("p:") {
                        c.patient[part(rest)? as usize] = i;
                    }
                }
                Some(c)
            })
            .as_ref()
    }

    /// The column of a feature name, if it has one.
    pub fn column_of(&self, term: &str) -> Option<u32> {
        self.column(term)
    }

    /// Builds a row from (column, weight) occurrences given in a fixed order: weights of a
    /// column add up in that order, so the row equals `transform` of the same occurrences.
    pub fn row_from_columns(&self, fill: impl FnOnce(&mut dyn FnMut(u32, f64))) -> Vec<(u32, f64)> {
        thread_local! {
            // a dense accumulator per thread, reset after each row through `touched`
            static SCRATCH: std::cell::RefCell<(Vec<f64>, Vec<u32>)> =
                const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
        }
        SCRATCH.with(|cell| {
            let mut guard = cell.borrow_mut();
            let (acc, touched) = &mut *guard;
            if acc.len() < self.ncols() {
                acc.resize(self.ncols(), f64::NAN);
            }
            fill(&mut |c: u32, w: f64| {
                let slot = &mut acc[c as usize];
                if slot.is_nan() {
                    *slot = w;
                    touched.push(c);
                } else {
                    *slot += w;
                }
            });
            let row: Vec<(u32, f64)> = touched
                .iter()
                .map(|&c| (c, std::mem::replace(&mut acc[c as usize], f64::NAN)))
                .collect();
            touched.clear();
            self.finish_row(row)
        })
    }

    /// (column, term frequency) pairs to the final row: sorted, collisions merged, TF-IDF
    /// weighted and L2-normalised.
    fn finish_row(&self, mut row: Vec<(u32, f64)>) -> Vec<(u32, f64)> {
        row.sort_unstable_by_key(|&(c, _)| c);
        // merge hash collisions
        let mut merged: Vec<(u32, f64)> = Vec::with_capacity(row.len());
        for (c, tf) in row {
            match merged.last_mut() {
                Some((lc, ltf)) if *lc == c => *ltf += tf,
                _ => merged.push((c, tf)),
            }
        }
        let mut norm = 0.0;
        for (c, v) in merged.iter_mut() {
            *v = (1.0 + *v).ln() * self.idf(*c);
            norm += *v * *v;
        }
        if norm > 0.0 {
            let n = norm.sqrt();
            for (_, v) in merged.iter_mut() {
                *v /= n;
            }
        }
        merged
    }

    /// Many bags to a matrix.
    pub fn transform_all<'a>(&self, bags: impl IntoIterator<Item = &'a Bag>) -> CsrMatrix {
        let mut m = CsrMatrix::new(self.ncols());
        for b in bags {
            m.push_row(&self.transform(b));
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bag(items: &[(&str, f64)]) -> Bag {
        items.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn vocabulary_keeps_min_df_and_normalises() {
        let a = bag(&[("x", 1.0), ("y", 2.0)]);
        let b = bag(&[("x", 1.0), ("z", 1.0)]);
        let v = Vectorizer::fit(VectorizerSpec::Vocabulary { min_df: 2 }, &[&a, &b]);
        assert_eq!(v.ncols(), 1);
        let r = v.transform(&a);
        assert_eq!(r.len(), 1);
        assert!((r[0].1 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn idf_downweights_common_terms() {
        let a = bag(&[("common", 1.0), ("rare", 1.0)]);
        let b = bag(&[("common", 1.0)]);
        let v = Vectorizer::fit(VectorizerSpec::Vocabulary { min_df: 1 }, &[&a, &b]);
        let r = v.transform(&a);
        assert!(r[1].1 > r[0].1, "{r:?}"); // "rare" sorts after "common"
    }

    #[test]
    fn hashing_is_stable() {
        let a = bag(&[("x", 1.0)]);
        let v = Vectorizer::fit(VectorizerSpec::Hashing { bits: 10 }, &[&a]);
        assert_eq!(v.transform(&a)[0].0 as u64, fnv1a("x") & 1023);
    }
}
