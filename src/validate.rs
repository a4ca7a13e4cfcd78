//! Corpus validation: what the loader does not already refuse.
//!
//! The loader stops at the first format problem (schema, unknown label, unknown article,
//! paragraph that does not exist, actor not in the gazetteer, duplicate row). Validation
//! then lists every consistency problem:
//! - a labelled actor that the detector does not find in its paragraph;
//! - an actor with paragraph rows but no article-level row, or the reverse;
//! - an article-level label that does not follow the article rule (prevailing non-neutral
//!   paragraph label, `neutral` if none or tied);
//! - an article id or an article text that appears in more than one of the given corpora
//!   (so that no article is in both the training and the held-out split).

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::actors::Gazetteer;
use crate::data::{LabelledData, Target, Task};
use crate::error::Result;

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub origin: String,
    pub message: String,
}

/// Counts of a validated corpus.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CorpusStats {
    pub path: String,
    pub articles: usize,
    pub paragraph_labels: usize,
    pub article_labels: usize,
    /// Paragraph labels per class, in label order.
    pub stance: [usize; 3],
    pub sentiment: [usize; 3],
    /// Paragraph labels per actor.
    pub per_actor: BTreeMap<String, usize>,
    /// Paragraph labels whose actor the resolver sees only as a place or topic there (the
    /// topic rule): classify makes no pair for them.
    pub topic_only: usize,
}

/// The article-level label that the rule gives for paragraph labels (first, second, neutral).
pub fn prevailing_label(labels: &[usize]) -> usize {
    let a = labels.iter().filter(|&&l| l == 0).count();
    let b = labels.iter().filter(|&&l| l == 1).count();
    match a.cmp(&b) {
        std::cmp::Ordering::Greater => 0,
        std::cmp::Ordering::Less => 1,
        std::cmp::Ordering::Equal => 2,
    }
}

/// Validates corpus folders; returns their statistics and the problems found.
pub fn validate(
    paths: &[PathBuf],
    gazetteer: &Gazetteer,
) -> Result<(Vec<CorpusStats>, Vec<Problem>)> {
    let mut problems = Vec::new();
    let mut stats = Vec::new();
    let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
    let mut seen_texts: BTreeMap<String, (String, String)> = BTreeMap::new();
    for path in paths {
        let data = LabelledData::load_one(path, gazetteer)?;
        let name = path.display().to_string();
        let mut st = CorpusStats {
            path: name.clone(),
            articles: data.articles.len(),
            ..Default::default()
        };
        // paragraph labels per (article, actor)
        let mut para: BTreeMap<(String, String), Vec<(usize, usize)>> = BTreeMap::new();
        for e in &data.examples {
            st.paragraph_labels += 1;
            if let Some(s) = e.stance {
                st.stance[s] += 1;
            }
            if let Some(s) = e.sentiment {
                st.sentiment[s] += 1;
            }
            let Target::Actor(actor) = &e.target else {
                continue;
            };
            *st.per_actor.entry(actor.clone()).or_default() += 1;
            let idx = gazetteer
                .actor_index(actor)
                .expect("loader checked the actor");
            if !gazetteer.mentions(&e.text).iter().any(|m| m.actor == idx) {
                problems.push(Problem {
                    origin: e.origin.clone(),
                    message: format!(
                        "actor `{actor}` is not found by the detector in paragraph {}",
                        e.paragraph.unwrap_or(0)
                    ),
                });
            }
            if let Some(ms) = &e.mentions {
                // named in the paragraph only as a place or topic, and not referred to by a
                // pronoun carried over from the previous paragraph either
                let alone = crate::resolve::resolve(gazetteer, &[e.text.as_str()]).remove(0);
                let of_actor = alone.iter().filter(|r| r.actor == idx);
                let named = of_actor
                    .clone()
                    .any(|r| r.how != crate::resolve::How::Topic);
                let in_context = ms.iter().filter(|(_, a)| *a == idx).count();
                if !named && of_actor.count() >= in_context && in_context > 0 {
                    st.topic_only += 1;
                }
            }
            para.entry((e.group.clone(), actor.clone()))
                .or_default()
                .push((e.stance.unwrap_or(2), e.sentiment.unwrap_or(2)));
        }
        for a in &data.articles {
            st.article_labels += a.labels.len();
            let origin = format!("{name}/labels.csv (article {})", a.article.id);
            for (actor, &(s, m)) in &a.labels {
                match para.get(&(a.article.id.clone(), actor.clone())) {
                    None => problems.push(Problem {
                        origin: origin.clone(),
                        message: format!(
                            "article-level label for `{actor}` without paragraph labels"
                        ),
                    }),
                    Some(rows) => {
                        let st_rule =
                            prevailing_label(&rows.iter().map(|r| r.0).collect::<Vec<_>>());
                        let se_rule =
                            prevailing_label(&rows.iter().map(|r| r.1).collect::<Vec<_>>());
                        for (task, got, want) in
                            [(Task::Stance, s, st_rule), (Task::Sentiment, m, se_rule)]
                        {
                            if got != want {
                                problems.push(Problem {
                                    origin: origin.clone(),
                                    message: format!(
                                        "article-level {} of `{actor}` is {} but its paragraphs give {}",
                                        task.name(),
                                        task.labels()[got],
                                        task.labels()[want]
                                    ),
                                });
                            }
                        }
                    }
                }
            }
            let key = a
                .article
                .text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if let Some((other, id)) = seen_texts.get(&key) {
                if other != &name {
                    problems.push(Problem {
                        origin: origin.clone(),
                        message: format!("same text as article `{id}` in {other}"),
                    });
                }
            }
            seen_texts.insert(key, (name.clone(), a.article.id.clone()));
            if let Some(other) = seen_ids.insert(a.article.id.clone(), name.clone()) {
                if other != name {
                    problems.push(Problem {
                        origin,
                        message: format!("article id also in {other}"),
                    });
                }
            }
        }
        for ((article, actor), _) in para.iter() {
            let has = data
                .articles
                .iter()
                .any(|a| &a.article.id == article && a.labels.contains_key(actor));
            if !has {
                problems.push(Problem {
                    origin: format!("{name}/labels.csv (article {article})"),
                    message: format!("`{actor}` has paragraph labels but no article-level label"),
                });
            }
        }
        stats.push(st);
    }
    Ok((stats, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prevailing_rule() {
        assert_eq!(prevailing_label(&[0, 2, 2]), 0);
        assert_eq!(prevailing_label(&[0, 1]), 2);
        assert_eq!(prevailing_label(&[1, 1, 0]), 1);
        assert_eq!(prevailing_label(&[2]), 2);
    }
}
