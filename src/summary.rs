//! Corpus summaries (`stance report`): per actor across many article reports, the number of
//! articles, the shares of each stance and sentiment, the mean confidence, the most
//! confident evidence for each side, and optionally the same per week or month.
//!
//! The [`Summarizer`] folds article reports one at a time and keeps only counts and the top
//! few evidence items per actor, so its memory does not grow with the corpus beyond one
//! entry per (actor, period).

use std::collections::BTreeMap;
use std::io::{self, Write};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::output::{fmt_p, one_line};
use crate::report::ArticleReport;

/// Period of the stance-over-time breakdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// ISO weeks, labelled `2025-W09`.
    Week,
    /// Calendar months, labelled `2025-03`.
    Month,
}

impl Period {
    /// Every period label from the one holding `first` to the one holding `last`, so that a
    /// chart's time axis has no holes.
    pub fn labels(self, first: NaiveDate, last: NaiveDate) -> Vec<String> {
        let mut out = Vec::new();
        let mut d = first;
        while d <= last {
            let l = self.label(d);
            if out.last() != Some(&l) {
                out.push(l);
            }
            d = match self {
                Period::Week => d + chrono::Days::new(7),
                Period::Month => d
                    .with_day(1)
                    .and_then(|x| x.checked_add_months(chrono::Months::new(1)))
                    .unwrap_or(NaiveDate::MAX),
            };
        }
        let l = self.label(last);
        if out.last() != Some(&l) {
            out.push(l);
        }
        out
    }

    /// The label of the period holding `d`.
    pub fn label(self, d: NaiveDate) -> String {
        match self {
            Period::Week => {
                let w = d.iso_week();
                format!("{}-W{:02}", w.year(), w.week())
            }
            Period::Month => format!("{}-{:02}", d.year(), d.month()),
        }
    }
}

/// Reads a date as articles give it: ISO 8601 (`2025-03-01`, `2025-03-01T10:00:00Z`),
/// `2025/03/01`, `01.03.2025`, `March 1, 2025`, `1 March 2025`, `Mar 1, 2025` or an
/// RFC 2822 date (`Sat, 1 Mar 2025 10:00:00 +0000`).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Some(head) = s.get(..10) {
        if let Ok(d) = NaiveDate::parse_from_str(head, "%Y-%m-%d") {
            return Some(d);
        }
    }
    if let Ok(d) = chrono::DateTime::parse_from_rfc2822(s) {
        return Some(d.date_naive());
    }
    for f in [
        "%Y/%m/%d",
        "%d.%m.%Y",
        "%B %d, %Y",
        "%b %d, %Y",
        "%d %B %Y",
        "%d %b %Y",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return Some(d);
        }
    }
    None
}

/// What to summarise.
#[derive(Debug, Clone, Default)]
pub struct SummaryOptions {
    /// Break each actor down by week or month.
    pub by: Option<Period>,
    /// Only these canonical actors (all when empty).
    pub actors: Vec<String>,
    /// Leave out actors with fewer mentions than this across the corpus.
    pub min_mentions: usize,
    /// Evidence items kept per actor and side.
    pub evidence: usize,
}

/// One piece of evidence: the paragraph of an article that carried an actor's stance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceItem {
    pub article: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub paragraph: usize,
    pub confidence: f64,
    pub text: String,
}

/// Counts behind one row (an actor overall, or an actor in one period).
#[derive(Debug, Clone, Default, PartialEq)]
struct Counts {
    articles: usize,
    mentions: usize,
    stance: [usize; 3],
    sentiment: [usize; 3],
    confidence_sum: f64,
    confidence_n: usize,
}

impl Counts {
    fn add(&mut self, a: &crate::report::ActorReport) {
        self.articles += 1;
        self.mentions += a.mentions;
        if let Some(i) = a.stance.as_deref().and_then(stance_index) {
            self.stance[i] += 1;
        }
        if let Some(i) = a.sentiment.as_deref().and_then(sentiment_index) {
            self.sentiment[i] += 1;
        }
        if let Some(c) = a.confidence {
            self.confidence_sum += c;
            self.confidence_n += 1;
        }
    }

    fn row(&self) -> Shares {
        let share = |c: &[usize; 3], i: usize| {
            let n: usize = c.iter().sum();
            if n == 0 {
                0.0
            } else {
                c[i] as f64 / n as f64
            }
        };
        Shares {
            articles: self.articles,
            mentions: self.mentions,
            favor: share(&self.stance, 0),
            against: share(&self.stance, 1),
            neutral: share(&self.stance, 2),
            counts: StanceCounts {
                favor: self.stance[0],
                against: self.stance[1],
                neutral: self.stance[2],
            },
            positive: share(&self.sentiment, 0),
            negative: share(&self.sentiment, 1),
            sentiment_neutral: share(&self.sentiment, 2),
            mean_confidence: (self.confidence_n > 0)
                .then(|| self.confidence_sum / self.confidence_n as f64),
        }
    }
}

fn stance_index(s: &str) -> Option<usize> {
    ["favor", "against", "neutral"].iter().position(|&l| l == s)
}

fn sentiment_index(s: &str) -> Option<usize> {
    ["positive", "negative", "neutral"]
        .iter()
        .position(|&l| l == s)
}

/// Article counts per stance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StanceCounts {
    pub favor: usize,
    pub against: usize,
    pub neutral: usize,
}

/// Shares of articles per label, and the mean confidence of the stance decisions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shares {
    pub articles: usize,
    pub mentions: usize,
    pub favor: f64,
    pub against: f64,
    pub neutral: f64,
    pub counts: StanceCounts,
    pub positive: f64,
    pub negative: f64,
    pub sentiment_neutral: f64,
    pub mean_confidence: Option<f64>,
}

/// One period of an actor's row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodRow {
    pub period: String,
    #[serde(flatten)]
    pub shares: Shares,
}

/// The most confident evidence for each side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SideEvidence {
    pub favor: Vec<EvidenceItem>,
    pub against: Vec<EvidenceItem>,
}

/// One actor across the corpus.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorSummary {
    pub actor: String,
    #[serde(flatten)]
    pub shares: Shares,
    pub evidence: SideEvidence,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub periods: Option<Vec<PeriodRow>>,
}

/// The corpus summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorpusSummary {
    /// Articles read.
    pub articles: usize,
    /// Articles with a date that could be read.
    pub dated: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<Period>,
    /// All period labels, in order (when `by` is set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub periods: Option<Vec<String>>,
    pub actors: Vec<ActorSummary>,
}

#[derive(Default)]
struct Acc {
    all: Counts,
    periods: BTreeMap<String, Counts>,
    /// favor, against: the best items so far, most confident first
    evidence: [Vec<EvidenceItem>; 2],
}

/// Folds article reports into a [`CorpusSummary`].
pub struct Summarizer {
    options: SummaryOptions,
    actors: BTreeMap<String, Acc>,
    articles: usize,
    dated: usize,
    /// articles whose date was given but could not be read: count and the first one
    bad_dates: (usize, Option<(String, String)>),
    /// first and last readable date
    span: Option<(NaiveDate, NaiveDate)>,
}

impl Summarizer {
    pub fn new(options: SummaryOptions) -> Self {
        Summarizer {
            options,
            actors: BTreeMap::new(),
            articles: 0,
            dated: 0,
            bad_dates: (0, None),
            span: None,
        }
    }

    /// Adds one article report.
    pub fn add(&mut self, r: &ArticleReport) {
        self.articles += 1;
        let date = r.date.as_deref().map(|d| (d, parse_date(d)));
        let period = match date {
            Some((_, Some(d))) => {
                self.dated += 1;
                self.span = Some(match self.span {
                    None => (d, d),
                    Some((a, b)) => (a.min(d), b.max(d)),
                });
                self.options.by.map(|p| p.label(d))
            }
            Some((raw, None)) => {
                self.bad_dates.0 += 1;
                if self.bad_dates.1.is_none() {
                    self.bad_dates.1 = Some((r.article.clone(), raw.to_string()));
                }
                None
            }
            None => None,
        };
        for a in &r.actors {
            if !self.options.actors.is_empty() && !self.options.actors.contains(&a.actor) {
                continue;
            }
            let acc = self.actors.entry(a.actor.clone()).or_default();
            acc.all.add(a);
            if let Some(p) = &period {
                acc.periods.entry(p.clone()).or_default().add(a);
            }
            let side = match a.stance.as_deref() {
                Some("favor") => 0,
                Some("against") => 1,
                _ => continue,
            };
            let conf = a.confidence.unwrap_or(0.0);
            let keep = &mut acc.evidence[side];
            if keep.len() >= self.options.evidence
                && keep.last().is_none_or(|w| w.confidence >= conf)
            {
                continue;
            }
            let item = EvidenceItem {
                article: r.article.clone(),
                title: r.title.clone(),
                date: r.date.clone(),
                url: r.url.clone(),
                paragraph: a.evidence.paragraph,
                confidence: conf,
                text: a.evidence.text.clone(),
            };
            // after the items at least as confident: earlier articles win ties
            let at = keep.partition_point(|e| e.confidence >= conf);
            keep.insert(at, item);
            keep.truncate(self.options.evidence);
        }
    }

    /// Articles whose date could not be read: how many, and the first (article, date).
    pub fn bad_dates(&self) -> (usize, Option<&(String, String)>) {
        (self.bad_dates.0, self.bad_dates.1.as_ref())
    }

    /// The summary: actors with enough mentions, most articles first.
    pub fn finish(self) -> CorpusSummary {
        let by = self.options.by;
        let min = self.options.min_mentions;
        let mut actors: Vec<ActorSummary> = self
            .actors
            .into_iter()
            .filter(|(_, acc)| acc.all.mentions >= min)
            .map(|(actor, acc)| {
                let [favor, against] = acc.evidence;
                ActorSummary {
                    actor,
                    shares: acc.all.row(),
                    evidence: SideEvidence { favor, against },
                    periods: by.map(|_| {
                        acc.periods
                            .iter()
                            .map(|(p, c)| PeriodRow {
                                period: p.clone(),
                                shares: c.row(),
                            })
                            .collect()
                    }),
                }
            })
            .collect();
        actors.sort_by(|a, b| {
            b.shares
                .articles
                .cmp(&a.shares.articles)
                .then_with(|| a.actor.cmp(&b.actor))
        });
        CorpusSummary {
            articles: self.articles,
            dated: self.dated,
            by,
            periods: by.map(|p| match self.span {
                Some((first, last)) => p.labels(first, last),
                None => Vec::new(),
            }),
            actors,
        }
    }
}

/// Output format of `stance report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryFormat {
    Table,
    Json,
    Csv,
    Markdown,
    /// One self-contained page with charts.
    Html,
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// The CSV columns: one row per actor (`period` = `all`) and, with `--by`, per actor and
/// period (evidence cells empty).
pub const CSV_HEADER: [&str; 19] = [
    "actor",
    "period",
    "articles",
    "mentions",
    "favor",
    "against",
    "neutral",
    "positive",
    "negative",
    "sentiment_neutral",
    "mean_confidence",
    "favor_evidence_article",
    "favor_evidence_paragraph",
    "favor_evidence_confidence",
    "favor_evidence",
    "against_evidence_article",
    "against_evidence_paragraph",
    "against_evidence_confidence",
    "against_evidence",
];

fn csv_cells(actor: &str, period: &str, s: &Shares, ev: Option<&SideEvidence>) -> Vec<String> {
    let mut row = vec![
        actor.to_string(),
        period.to_string(),
        s.articles.to_string(),
        s.mentions.to_string(),
        format!("{:.4}", s.favor),
        format!("{:.4}", s.against),
        format!("{:.4}", s.neutral),
        format!("{:.4}", s.positive),
        format!("{:.4}", s.negative),
        format!("{:.4}", s.sentiment_neutral),
        s.mean_confidence
            .map(|c| format!("{c:.4}"))
            .unwrap_or_default(),
    ];
    for side in [
        ev.and_then(|e| e.favor.first()),
        ev.and_then(|e| e.against.first()),
    ] {
        match side {
            Some(e) => row.extend([
                e.article.clone(),
                e.paragraph.to_string(),
                format!("{:.4}", e.confidence),
                e.text.clone(),
            ]),
            None => row.extend([String::new(), String::new(), String::new(), String::new()]),
        }
    }
    row
}

/// Writes the summary in a text format (HTML is [`crate::html`]'s).
pub fn write_summary(
    out: &mut dyn Write,
    s: &CorpusSummary,
    format: SummaryFormat,
) -> io::Result<()> {
    match format {
        SummaryFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, s)?;
            writeln!(out)
        }
        SummaryFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(CSV_HEADER)?;
            for a in &s.actors {
                w.write_record(csv_cells(&a.actor, "all", &a.shares, Some(&a.evidence)))?;
                for p in a.periods.iter().flatten() {
                    w.write_record(csv_cells(&a.actor, &p.period, &p.shares, None))?;
                }
            }
            w.flush()
        }
        SummaryFormat::Table => write_table(out, s),
        SummaryFormat::Markdown => write_markdown(out, s),
        SummaryFormat::Html => unreachable!("HTML is written by crate::html"),
    }
}

fn heading(s: &CorpusSummary) -> String {
    let mut h = format!(
        "{} article{}, {} actor{}",
        s.articles,
        if s.articles == 1 { "" } else { "s" },
        s.actors.len(),
        if s.actors.len() == 1 { "" } else { "s" }
    );
    if let Some(by) = s.by {
        h.push_str(&format!(
            "; {} dated, by {}",
            s.dated,
            if by == Period::Week { "week" } else { "month" }
        ));
    }
    h
}

fn write_table(out: &mut dyn Write, s: &CorpusSummary) -> io::Result<()> {
    writeln!(out, "{}", heading(s))?;
    if s.actors.is_empty() {
        return Ok(());
    }
    let w = s
        .actors
        .iter()
        .map(|a| a.actor.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    writeln!(
        out,
        "\n{:<w$}  {:>8}  {:>8}  {:>5}  {:>7}  {:>7}  {:>10}",
        "actor", "articles", "mentions", "favor", "against", "neutral", "confidence"
    )?;
    for a in &s.actors {
        let r = &a.shares;
        writeln!(
            out,
            "{:<w$}  {:>8}  {:>8}  {:>5}  {:>7}  {:>7}  {:>10}",
            a.actor,
            r.articles,
            r.mentions,
            pct(r.favor),
            pct(r.against),
            pct(r.neutral),
            fmt_p(r.mean_confidence)
        )?;
    }
    writeln!(out, "\nstrongest evidence")?;
    for a in &s.actors {
        for (side, items) in [
            ("favor", &a.evidence.favor),
            ("against", &a.evidence.against),
        ] {
            for e in items {
                writeln!(
                    out,
                    "  {} {side} {:.2}  {} ¶{}: {}",
                    a.actor,
                    e.confidence,
                    e.article,
                    e.paragraph,
                    one_line(&e.text, 100)
                )?;
            }
        }
    }
    if s.by.is_some() {
        writeln!(
            out,
            "\n{:<w$}  {:<8}  {:>8}  {:>5}  {:>7}  {:>7}",
            "actor", "period", "articles", "favor", "against", "neutral"
        )?;
        for a in &s.actors {
            for p in a.periods.iter().flatten() {
                let r = &p.shares;
                writeln!(
                    out,
                    "{:<w$}  {:<8}  {:>8}  {:>5}  {:>7}  {:>7}",
                    a.actor,
                    p.period,
                    r.articles,
                    pct(r.favor),
                    pct(r.against),
                    pct(r.neutral)
                )?;
            }
        }
    }
    Ok(())
}

fn md_cell(s: &str) -> String {
    one_line(s, 200).replace('|', "\\|")
}

fn write_markdown(out: &mut dyn Write, s: &CorpusSummary) -> io::Result<()> {
    writeln!(out, "## Stance by actor\n\n{}\n", heading(s))?;
    writeln!(
        out,
        "| actor | articles | mentions | favor | against | neutral | confidence |\n|---|---:|---:|---:|---:|---:|---:|"
    )?;
    for a in &s.actors {
        let r = &a.shares;
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            md_cell(&a.actor),
            r.articles,
            r.mentions,
            pct(r.favor),
            pct(r.against),
            pct(r.neutral),
            fmt_p(r.mean_confidence)
        )?;
    }
    writeln!(out, "\n### Strongest evidence\n")?;
    writeln!(
        out,
        "| actor | side | confidence | article | ¶ | text |\n|---|---|---:|---|---:|---|"
    )?;
    for a in &s.actors {
        for (side, items) in [
            ("favor", &a.evidence.favor),
            ("against", &a.evidence.against),
        ] {
            for e in items {
                writeln!(
                    out,
                    "| {} | {side} | {:.2} | {} | {} | {} |",
                    md_cell(&a.actor),
                    e.confidence,
                    md_cell(&e.article),
                    e.paragraph,
                    md_cell(&e.text)
                )?;
            }
        }
    }
    if s.by.is_some() {
        writeln!(out, "\n### Over time\n")?;
        writeln!(
            out,
            "| actor | period | articles | favor | against | neutral |\n|---|---|---:|---:|---:|---:|"
        )?;
        for a in &s.actors {
            for p in a.periods.iter().flatten() {
                let r = &p.shares;
                writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} |",
                    md_cell(&a.actor),
                    p.period,
                    r.articles,
                    pct(r.favor),
                    pct(r.against),
                    pct(r.neutral)
                )?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_common_forms() {
        let d = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        for s in [
            "2025-03-01",
            "2025-03-01T10:00:00Z",
            "2025/03/01",
            "01.03.2025",
            "March 1, 2025",
            "Mar 1, 2025",
            "1 March 2025",
            "Sat, 1 Mar 2025 10:00:00 +0000",
        ] {
            assert_eq!(parse_date(s), Some(d), "{s}");
        }
        assert_eq!(parse_date("last Tuesday"), None);
        let e = NaiveDate::from_ymd_opt(2025, 5, 31).unwrap();
        assert_eq!(
            Period::Month.labels(d, e),
            ["2025-03", "2025-04", "2025-05"]
        );
        let w = Period::Week.labels(d, e);
        assert_eq!(
            (
                w.first().unwrap().as_str(),
                w.last().unwrap().as_str(),
                w.len()
            ),
            ("2025-W09", "2025-W22", 14)
        );
        assert_eq!(Period::Month.label(d), "2025-03");
        assert_eq!(Period::Week.label(d), "2025-W09");
        // ISO week of 2024-12-30 belongs to 2025
        assert_eq!(
            Period::Week.label(NaiveDate::from_ymd_opt(2024, 12, 30).unwrap()),
            "2025-W01"
        );
    }
}
