//! Scoring the actor detector against hand-marked passages.
//!
//! A gold passage is text with inline marks: `{{Actor|surface}}` or
//! `{{Actor|surface|kind}}` for a mention of a canonical actor (kinds: name, title,
//! pronoun, short, demonym, capital, seat, possessive, institution, collective, country),
//! and `{{-|surface|topic}}` for a name that must not count as a mention (part of an event,
//! place or thing). A detected mention is correct when it overlaps a gold mention of the same
//! actor; a gold mention is found when some detected mention of its actor overlaps it.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::actors::Gazetteer;
use crate::error::{Error, Result};

/// One marked span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldMention {
    /// `None` for a `-` (topic) mark.
    pub actor: Option<String>,
    pub span: Range<usize>,
    pub kind: String,
}

/// Strips the marks from `marked`, returning the plain text and the marks.
pub fn parse_marked(marked: &str, origin: &Path) -> Result<(String, Vec<GoldMention>)> {
    let mut plain = String::with_capacity(marked.len());
    let mut gold = Vec::new();
    let mut rest = marked;
    while let Some(open) = rest.find("{{") {
        plain.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after.find("}}").ok_or_else(|| {
            let line = plain.matches('\n').count() + 1;
            Error::input(origin, Some(line), "`{{` without `}}`")
        })?;
        let fields: Vec<&str> = after[..close].split('|').collect();
        let line = plain.matches('\n').count() + 1;
        if !(2..=3).contains(&fields.len()) || fields[1].is_empty() || fields[1].contains("{{") {
            return Err(Error::input(
                origin,
                Some(line),
                format!("bad mark `{{{{{}}}}}`", &after[..close]),
            ));
        }
        let start = plain.len();
        plain.push_str(fields[1]);
        gold.push(GoldMention {
            actor: (fields[0] != "-").then(|| fields[0].to_string()),
            span: start..plain.len(),
            kind: fields.get(2).copied().unwrap_or("unspecified").to_string(),
        });
        rest = &after[close + 2..];
    }
    plain.push_str(rest);
    Ok((plain, gold))
}

/// Detector scores over a gold set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MentionScores {
    pub passages: usize,
    pub gold: usize,
    pub found: usize,
    pub detected: usize,
    pub correct: usize,
    /// Detected mentions that fall on a `topic` mark.
    pub on_topic_marks: usize,
    pub topic_marks: usize,
    /// kind -> (gold, found)
    pub by_kind: BTreeMap<String, (usize, usize)>,
    /// Each mistake: `file: missed|wrong ACTOR "surface" in «context»`.
    pub mistakes: Vec<String>,
}

fn context(text: &str, span: &Range<usize>) -> String {
    let mut a = span.start.saturating_sub(40);
    while !text.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = (span.end + 40).min(text.len());
    while !text.is_char_boundary(b) {
        b += 1;
    }
    format!(
        "{}[{}]{}",
        &text[a..span.start],
        &text[span.clone()],
        &text[span.end..b]
    )
    .replace('\n', " ")
}

impl MentionScores {
    pub fn precision(&self) -> f64 {
        if self.detected == 0 {
            0.0
        } else {
            self.correct as f64 / self.detected as f64
        }
    }
    pub fn recall(&self) -> f64 {
        if self.gold == 0 {
            0.0
        } else {
            self.found as f64 / self.gold as f64
        }
    }
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// The actor mentions the resolver finds in a passage (names, pronouns, short references;
/// not topic uses), with spans in the passage.
pub fn resolved_mentions(gazetteer: &Gazetteer, text: &str) -> Vec<crate::actors::Mention> {
    let paras = crate::article::paragraphs(text);
    let texts: Vec<&str> = paras.iter().map(|p| &text[p.span.clone()]).collect();
    let mut out = Vec::new();
    for (p, rs) in paras.iter().zip(crate::resolve::resolve(gazetteer, &texts)) {
        for r in rs {
            // zero-width speaker marks of continued quotes are not surface mentions
            if r.how != crate::resolve::How::Topic && !r.span.is_empty() {
                out.push(crate::actors::Mention {
                    actor: r.actor,
                    span: p.span.start + r.span.start..p.span.start + r.span.end,
                    kind: crate::actors::AliasKind::Other,
                });
            }
        }
    }
    out
}

/// Scores the detector on every `*.txt` file in `dir`.
pub fn score_dir(dir: &Path, gazetteer: &Gazetteer) -> Result<MentionScores> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Error::input(dir, None, "no *.txt gold passages"));
    }
    let mut s = MentionScores::default();
    for f in files {
        let marked = crate::io::read_text(&f)?;
        let (plain, gold) = parse_marked(&marked, &f)?;
        for g in &gold {
            if let Some(a) = &g.actor {
                if gazetteer.actor_index(a).is_none() {
                    return Err(Error::input(
                        &f,
                        None,
                        format!("actor `{a}` is not in the gazetteer"),
                    ));
                }
            }
        }
        s.passages += 1;
        let detected = resolved_mentions(gazetteer, &plain);
        s.detected += detected.len();
        let fname = f
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        for d in &detected {
            let name = gazetteer.actor_name(d.actor);
            if gold
                .iter()
                .any(|g| g.actor.as_deref() == Some(name) && overlaps(&g.span, &d.span))
            {
                s.correct += 1;
            } else {
                s.mistakes.push(format!(
                    "{fname}: wrong {name}: {}",
                    context(&plain, &d.span)
                ));
            }
            if gold
                .iter()
                .any(|g| g.actor.is_none() && overlaps(&g.span, &d.span))
            {
                s.on_topic_marks += 1;
            }
        }
        for g in &gold {
            let Some(a) = &g.actor else {
                s.topic_marks += 1;
                continue;
            };
            let hit = detected
                .iter()
                .any(|d| gazetteer.actor_name(d.actor) == a && overlaps(&g.span, &d.span));
            s.gold += 1;
            s.found += hit as usize;
            if !hit {
                s.mistakes.push(format!(
                    "{fname}: missed {a} ({}): {}",
                    g.kind,
                    context(&plain, &g.span)
                ));
            }
            let e = s.by_kind.entry(g.kind.clone()).or_default();
            e.0 += 1;
            e.1 += hit as usize;
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_stripped_and_located() {
        let (plain, gold) = parse_marked(
            "{{Russia|Lavrov|name}} met {{-|Paris|topic}} officials.",
            Path::new("x"),
        )
        .unwrap();
        assert_eq!(plain, "Lavrov met Paris officials.");
        assert_eq!(gold[0].span, 0..6);
        assert_eq!(gold[1].actor, None);
        assert_eq!(&plain[gold[1].span.clone()], "Paris");
    }

    #[test]
    fn broken_marks_are_errors() {
        assert!(parse_marked("{{Russia|Lavrov", Path::new("x")).is_err());
        assert!(parse_marked("{{Russia}}", Path::new("x")).is_err());
    }
}
