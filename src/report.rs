//! Article reports: every actor found, with its stance, sentiment and evidence.
//!
//! Each (paragraph, actor) pair gets class probabilities from the model. The article-level
//! decision follows the labelling rule (the prevailing non-neutral paragraph stance,
//! `neutral` if none or tied), in its probabilistic form: with paragraph decisions taken as
//! independent draws from their probabilities, P(favor) is the probability that more
//! paragraphs are favor than against, P(against) the reverse, and P(neutral) that of a tie
//! (including no stance at all). Sentiment likewise with positive and negative.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::resolve::How;

use crate::actors::Gazetteer;
use crate::article::{paragraphs, Article};
use crate::data::Task;
use crate::logistic::argmax;
use crate::model::Model;

/// Stance probabilities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StanceProbabilities {
    pub favor: f64,
    pub against: f64,
    pub neutral: f64,
}

/// Sentiment probabilities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentProbabilities {
    pub positive: f64,
    pub negative: f64,
    pub neutral: f64,
}

/// The paragraph that best supports an actor's stance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub paragraph: usize,
    pub text: String,
}

/// One paragraph's decision for one actor (with `--paragraphs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParagraphDecision {
    pub paragraph: usize,
    pub stance: Option<String>,
    pub probabilities: Option<StanceProbabilities>,
    pub sentiment: Option<String>,
    pub sentiment_probabilities: Option<SentimentProbabilities>,
    pub mentions: usize,
}

/// A feature and how much it pushed a decision (its TF-IDF value times the difference
/// between its weight for the chosen class and its mean weight for the other classes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    pub feature: String,
    pub weight: f64,
}

/// Why one decision was taken: the features of the evidence paragraph that pushed most
/// toward the chosen label and most away from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub paragraph: usize,
    pub label: String,
    pub toward: Vec<Contribution>,
    pub away: Vec<Contribution>,
    /// With a context model: how much the paragraph's own probabilities, the actor's other
    /// paragraphs and the paragraph's other actors pushed the paragraph's final decision
    /// toward `label` (logit units, against the mean of the other labels).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<Contribution>,
}

/// Both explanations of an actor's row (with `--explain`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanations {
    pub stance: Option<Explanation>,
    pub sentiment: Option<Explanation>,
}

/// What to add to a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportOptions {
    /// Paragraph-level decisions per actor.
    pub paragraphs: bool,
    /// The features behind each decision.
    pub explain: bool,
    /// Each actor's row broken down by the persons who spoke for it.
    pub by_person: bool,
}

/// One person's part of an actor's row (`--by-person`): the paragraphs that name the person
/// or refer to them, and the stance those paragraphs give.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonReport {
    pub person: String,
    pub stance: Option<String>,
    pub confidence: Option<f64>,
    pub probabilities: Option<StanceProbabilities>,
    pub paragraphs: Vec<usize>,
    pub evidence: Evidence,
}

/// One actor's row in an article report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorReport {
    pub actor: String,
    pub stance: Option<String>,
    pub confidence: Option<f64>,
    pub probabilities: Option<StanceProbabilities>,
    pub sentiment: Option<String>,
    pub sentiment_probabilities: Option<SentimentProbabilities>,
    pub mentions: usize,
    pub paragraphs: Vec<usize>,
    pub evidence: Evidence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraph_decisions: Option<Vec<ParagraphDecision>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persons: Option<Vec<PersonReport>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanations>,
}

/// The report of one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleReport {
    pub article: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub actors: Vec<ActorReport>,
}

/// Probabilities (yes, no, tie) that more paragraphs pick class `a` than class `b`, the
/// reverse, or neither, given each paragraph's class probabilities.
pub fn prevailing(probs: &[Vec<f64>], a: usize, b: usize) -> [f64; 3] {
    let n = probs.len();
    // dist[d + n] = P(#a - #b = d); only the band [lo, hi] holds mass above 1e-15, which
    // keeps an actor with thousands of paragraphs near-linear instead of quadratic
    let mut dist = vec![0.0; 2 * n + 1];
    dist[n] = 1.0;
    let (mut lo, mut hi) = (n, n);
    let mut next = vec![0.0; 2 * n + 1];
    for p in probs {
        let stay = 1.0 - p[a] - p[b];
        let (nlo, nhi) = (lo.saturating_sub(1), (hi + 1).min(2 * n));
        next[nlo..=nhi].iter_mut().for_each(|x| *x = 0.0);
        for d in lo..=hi {
            let q = dist[d];
            if q == 0.0 {
                continue;
            }
            next[d] += q * stay;
            if d < 2 * n {
                next[d + 1] += q * p[a];
            }
            if d >= 1 {
                next[d - 1] += q * p[b];
            }
        }
        std::mem::swap(&mut dist, &mut next);
        lo = nlo;
        hi = nhi;
        while lo < hi && dist[lo] < 1e-15 {
            dist[lo] = 0.0;
            lo += 1;
        }
        while hi > lo && dist[hi] < 1e-15 {
            dist[hi] = 0.0;
            hi -= 1;
        }
    }
    let up: f64 = dist[n + 1..].iter().sum();
    let down: f64 = dist[..n].iter().sum();
    let tie = (1.0 - up - down).max(0.0);
    [up, down, tie]
}

/// What the model said about one actor in one paragraph.
struct PairResult {
    paragraph: usize,
    mentions: usize,
    /// Final paragraph-level probabilities (after the context model, if any).
    stance: Option<Vec<f64>>,
    sentiment: Option<Vec<f64>>,
    /// The pair's own probabilities, which the article-level decision is built on.
    raw_stance: Option<Vec<f64>>,
    raw_sentiment: Option<Vec<f64>>,
    /// Kept for explanations only.
    bag: Option<crate::features::Bag>,
    /// Persons of this actor named (or referred to) in the paragraph.
    persons: Vec<String>,
    /// Whether the paragraph names the actor (a gazetteer alias, not only a pronoun or a
    /// short reference).
    named: bool,
    /// The context model's input rows (stance, sentiment), kept for explanations only.
    context_rows: [Option<Vec<f64>>; 2],
}

/// Classifies one article.
pub fn classify(
    model: &Model,
    gazetteer: &Gazetteer,
    article: &Article,
    options: &ReportOptions,
) -> ArticleReport {
    let text = &article.text;
    let mut by_actor: BTreeMap<usize, Vec<PairResult>> = BTreeMap::new();
    let mut para_text: BTreeMap<usize, &str> = BTreeMap::new();
    let mut cache = crate::model::ColumnCache::default();
    let paras = paragraphs(text);
    let texts: Vec<&str> = paras.iter().map(|p| &text[p.span.clone()]).collect();
    // who each name, pronoun and short reference stands for, across paragraphs
    let resolved = crate::resolve::resolve(gazetteer, &texts);
    for ((p, ptext), res) in paras.iter().zip(&texts).zip(&resolved) {
        // a name used only as a place or topic makes no pair
        let mut actors: Vec<usize> = res
            .iter()
            .filter(|r| r.how != How::Topic)
            .map(|r| r.actor)
            .collect();
        actors.sort_unstable();
        actors.dedup();
        if actors.is_empty() {
            continue;
        }
        para_text.insert(p.number, ptext);
        // tokenised once, whatever the number of actors in the paragraph
        let analyzer = model.analyzer();
        let prepared = analyzer.prepare(
            ptext,
            res.iter()
                .map(|r| (r.span.clone(), r.actor as u32))
                .collect(),
        );
        cache.reset(prepared.len());
        for a in actors {
            let pred = model.predict_prepared(&prepared, a as u32, &mut cache);
            let mut persons: Vec<String> = res
                .iter()
                .filter(|r| r.actor == a && r.how != How::Topic)
                .filter_map(|r| r.person.clone())
                .collect();
            persons.dedup();
            by_actor.entry(a).or_default().push(PairResult {
                paragraph: p.number,
                mentions: res
                    .iter()
                    .filter(|r| r.actor == a && r.how != How::Topic)
                    .count(),
                raw_stance: pred.stance.clone(),
                raw_sentiment: pred.sentiment.clone(),
                stance: pred.stance,
                sentiment: pred.sentiment,
                bag: options.explain.then(|| analyzer.bag(&prepared, a as u32)),
                persons,
                named: res.iter().any(|r| r.actor == a && r.how == How::Name),
                context_rows: [None, None],
            });
        }
    }
    apply_context(model, &mut by_actor, options.explain);
    let mut actors: Vec<ActorReport> = by_actor
        .into_iter()
        .map(|(a, pairs)| aggregate(model, gazetteer.actor_name(a), &pairs, &para_text, options))
        .collect();
    actors.sort_by(|x, y| y.mentions.cmp(&x.mentions).then(x.actor.cmp(&y.actor)));
    ArticleReport {
        article: article.id.clone(),
        title: article.title.clone(),
        url: article.url.clone(),
        date: article.date.clone(),
        actors,
    }
}

fn label(task: Task, probs: &[f64]) -> String {
    task.labels()[argmax(probs)].to_string()
}

fn stance_probs(p: &[f64]) -> StanceProbabilities {
    StanceProbabilities {
        favor: p[0],
        against: p[1],
        neutral: p[2],
    }
}

fn sentiment_probs(p: &[f64]) -> SentimentProbabilities {
    SentimentProbabilities {
        positive: p[0],
        negative: p[1],
        neutral: p[2],
    }
}

/// Replaces each pair's probabilities by those of the task's context model, which also sees
/// the actor's other paragraphs and the paragraph's other actors (raw ones are kept).
fn apply_context(model: &Model, by_actor: &mut BTreeMap<usize, Vec<PairResult>>, keep_rows: bool) {
    for task in Task::ALL {
        let Some(cm) = model.classifier(task).and_then(|c| c.context.as_ref()) else {
            continue;
        };
        fn raw(p: &PairResult, task: Task) -> Option<&[f64]> {
            match task {
                Task::Stance => p.raw_stance.as_deref(),
                Task::Sentiment => p.raw_sentiment.as_deref(),
            }
        }
        // (actor, index in its list, paragraph) of each pair with probabilities
        let mut keys = Vec::new();
        let mut items: Vec<(usize, usize, &[f64])> = Vec::new();
        for (&a, pairs) in by_actor.iter() {
            for (i, p) in pairs.iter().enumerate() {
                if let Some(r) = raw(p, task) {
                    keys.push((a, i));
                    items.push((a, p.paragraph, r));
                }
            }
        }
        let rows = crate::aggregate::context_rows(&items);
        drop(items);
        for (&(a, i), row) in keys.iter().zip(rows) {
            let p = cm.probabilities(&row);
            let pair = &mut by_actor.get_mut(&a).expect("key from the map")[i];
            match task {
                Task::Stance => pair.stance = Some(p),
                Task::Sentiment => pair.sentiment = Some(p),
            }
            if keep_rows {
                pair.context_rows[task as usize] = Some(row);
            }
        }
    }
}

/// Article-level probabilities over (first, second, neutral) labels from paragraph ones:
/// the classifier's stacked article model, or the prevailing rule without one.
fn article_level(
    classifier: Option<&crate::model::Classifier>,
    per_paragraph: &[Vec<f64>],
) -> Vec<f64> {
    match classifier.and_then(|c| c.article.as_ref()) {
        Some(m) => m.article(per_paragraph),
        None => prevailing(per_paragraph, 0, 1).to_vec(),
    }
}

/// The explanation of `task`'s decision `label` from the pair `p`.
fn explain(model: &Model, task: Task, p: &PairResult, label: usize) -> Option<Explanation> {
    let bag = p.bag.as_ref()?;
    let c = model.classifier(task)?;
    let (toward, away) = model.contributions(c, bag, label, 5);
    let to = |v: Vec<(String, f64)>| {
        v.into_iter()
            .map(|(feature, weight)| Contribution { feature, weight })
            .collect()
    };
    let context = match (&c.context, &p.context_rows[task as usize]) {
        (Some(cm), Some(row)) => cm
            .contributions(row, label, &crate::aggregate::CONTEXT_GROUPS)
            .into_iter()
            .map(|(feature, weight)| Contribution { feature, weight })
            .collect(),
        _ => Vec::new(),
    };
    Some(Explanation {
        paragraph: p.paragraph,
        label: task.labels()[label].to_string(),
        toward: to(toward),
        away: to(away),
        context,
    })
}

fn aggregate(
    model: &Model,
    actor: &str,
    pairs: &[PairResult],
    para_text: &BTreeMap<usize, &str>,
    options: &ReportOptions,
) -> ActorReport {
    let stance_pp: Option<Vec<Vec<f64>>> = pairs.iter().map(|p| p.stance.clone()).collect();
    let sent_pp: Option<Vec<Vec<f64>>> = pairs.iter().map(|p| p.sentiment.clone()).collect();
    // the article-level label is built, like the labels it was trained on, from the
    // paragraphs that name the actor; paragraphs that only refer to it by pronoun or title
    // count when there is no other (measured: +0.005 article-level stance accuracy under
    // cross-validation, see docs/results.md)
    let named_only = pairs.iter().any(|p| p.named);
    let basis: Vec<&PairResult> = pairs.iter().filter(|p| !named_only || p.named).collect();
    let raw_st: Option<Vec<Vec<f64>>> = basis.iter().map(|p| p.raw_stance.clone()).collect();
    let raw_se: Option<Vec<Vec<f64>>> = basis.iter().map(|p| p.raw_sentiment.clone()).collect();
    let stance = raw_st
        .as_deref()
        .map(|pp| article_level(model.classifier(Task::Stance), pp));
    let sentiment = raw_se
        .as_deref()
        .map(|pp| article_level(model.classifier(Task::Sentiment), pp));
    // evidence: the paragraph most confident in the chosen stance (or, without a stance
    // model, the one with the most mentions)
    let ev = match (&stance, &stance_pp) {
        (Some(s), Some(pp)) => {
            let c = argmax(s);
            let scores: Vec<f64> = pp.iter().map(|p| p[c]).collect();
            argmax(&scores)
        }
        _ => argmax(&pairs.iter().map(|p| p.mentions as f64).collect::<Vec<_>>()),
    };
    let evidence_para = pairs[ev].paragraph;
    ActorReport {
        actor: actor.to_string(),
        stance: stance.as_ref().map(|s| label(Task::Stance, s)),
        confidence: stance.as_ref().map(|s| s[argmax(s)]),
        probabilities: stance.as_ref().map(|s| stance_probs(s)),
        sentiment: sentiment.as_ref().map(|s| label(Task::Sentiment, s)),
        sentiment_probabilities: sentiment.as_ref().map(|s| sentiment_probs(s)),
        mentions: pairs.iter().map(|p| p.mentions).sum(),
        paragraphs: pairs.iter().map(|p| p.paragraph).collect(),
        evidence: Evidence {
            paragraph: evidence_para,
            text: para_text
                .get(&evidence_para)
                .copied()
                .unwrap_or("")
                .to_string(),
        },
        explanation: options.explain.then(|| {
            // the sentiment explanation uses the paragraph most confident in the chosen
            // sentiment, as the stance one uses the evidence paragraph
            let sent_ev = match (&sentiment, &sent_pp) {
                (Some(s), Some(pp)) => argmax(&pp.iter().map(|p| p[argmax(s)]).collect::<Vec<_>>()),
                _ => ev,
            };
            Explanations {
                stance: stance
                    .as_ref()
                    .and_then(|s| explain(model, Task::Stance, &pairs[ev], argmax(s))),
                sentiment: sentiment
                    .as_ref()
                    .and_then(|s| explain(model, Task::Sentiment, &pairs[sent_ev], argmax(s))),
            }
        }),
        persons: options.by_person.then(|| persons(model, pairs, para_text)),
        paragraph_decisions: options.paragraphs.then(|| {
            pairs
                .iter()
                .map(|p| ParagraphDecision {
                    paragraph: p.paragraph,
                    stance: p.stance.as_ref().map(|s| label(Task::Stance, s)),
                    probabilities: p.stance.as_ref().map(|s| stance_probs(s)),
                    sentiment: p.sentiment.as_ref().map(|s| label(Task::Sentiment, s)),
                    sentiment_probabilities: p.sentiment.as_ref().map(|s| sentiment_probs(s)),
                    mentions: p.mentions,
                })
                .collect()
        }),
    }
}

/// A person's key within an actor: the last word of the surface, lower-cased ("Foreign
/// Minister Sergey Lavrov", "Lavrov" and "Lavrov's" are one person).
fn person_key(surface: &str) -> String {
    surface
        .split_whitespace()
        .last()
        .unwrap_or("")
        .trim_end_matches("'s")
        .trim_end_matches("’s")
        .to_lowercase()
}

fn persons(
    model: &Model,
    pairs: &[PairResult],
    para_text: &BTreeMap<usize, &str>,
) -> Vec<PersonReport> {
    // key -> (longest surface, pair indices)
    let mut by: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (i, p) in pairs.iter().enumerate() {
        for s in &p.persons {
            let e = by
                .entry(person_key(s))
                .or_insert_with(|| (s.clone(), Vec::new()));
            if s.len() > e.0.len() {
                e.0 = s.clone();
            }
            if e.1.last() != Some(&i) {
                e.1.push(i);
            }
        }
    }
    let mut out: Vec<PersonReport> = by
        .into_values()
        .map(|(person, idx)| {
            let pp: Option<Vec<Vec<f64>>> = idx.iter().map(|&i| pairs[i].stance.clone()).collect();
            let raw: Option<Vec<Vec<f64>>> =
                idx.iter().map(|&i| pairs[i].raw_stance.clone()).collect();
            let stance = raw
                .as_deref()
                .map(|pp| article_level(model.classifier(Task::Stance), pp));
            let ev = match (&stance, &pp) {
                (Some(s), Some(pp)) => {
                    idx[argmax(&pp.iter().map(|p| p[argmax(s)]).collect::<Vec<_>>())]
                }
                _ => idx[0],
            };
            let para = pairs[ev].paragraph;
            PersonReport {
                person,
                stance: stance.as_ref().map(|s| label(Task::Stance, s)),
                confidence: stance.as_ref().map(|s| s[argmax(s)]),
                probabilities: stance.as_ref().map(|s| stance_probs(s)),
                paragraphs: idx.iter().map(|&i| pairs[i].paragraph).collect(),
                evidence: Evidence {
                    paragraph: para,
                    text: para_text.get(&para).copied().unwrap_or("").to_string(),
                },
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.paragraphs
            .len()
            .cmp(&a.paragraphs.len())
            .then(a.person.cmp(&b.person))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prevailing_follows_the_majority_rule_for_certain_paragraphs() {
        let f = vec![1.0, 0.0, 0.0];
        let a = vec![0.0, 1.0, 0.0];
        let n = vec![0.0, 0.0, 1.0];
        assert_eq!(
            prevailing(&[f.clone(), n.clone(), n.clone()], 0, 1),
            [1.0, 0.0, 0.0]
        );
        assert_eq!(prevailing(&[f.clone(), a.clone()], 0, 1), [0.0, 0.0, 1.0]);
        assert_eq!(
            prevailing(&[a.clone(), a.clone(), f], 0, 1),
            [0.0, 1.0, 0.0]
        );
        assert_eq!(prevailing(&[n], 0, 1), [0.0, 0.0, 1.0]);
    }

    #[test]
    fn prevailing_handles_thousands_of_paragraphs() {
        let p = vec![vec![0.4, 0.35, 0.25]; 20_000];
        let r = prevailing(&p, 0, 1);
        assert!((r.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(r[0] > 0.99, "{r:?}");
    }

    #[test]
    fn prevailing_sums_to_one() {
        let p = vec![
            vec![0.5, 0.3, 0.2],
            vec![0.1, 0.6, 0.3],
            vec![0.3, 0.3, 0.4],
        ];
        let r = prevailing(&p, 0, 1);
        assert!((r.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(r[1] > r[0]);
    }
}
