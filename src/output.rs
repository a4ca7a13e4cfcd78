//! Printing reports and evaluations: table, json, jsonl, csv, markdown.
//!
//! Report writers stream: `begin`, then one `article` call per report, then `end`, so that
//! a corpus of any size is written as it is classified.

use std::io::{self, Write};

use crate::eval::{Evaluation, Levels};
use crate::metrics::Metrics;
use crate::report::{ActorReport, ArticleReport};

/// Output format of `classify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Table,
    Json,
    Jsonl,
    Csv,
    Markdown,
}

/// Columns of the CSV report, one row per (article, actor).
pub const CSV_HEADER: [&str; 15] = [
    "article",
    "actor",
    "stance",
    "confidence",
    "favor",
    "against",
    "neutral",
    "sentiment",
    "positive",
    "negative",
    "sentiment_neutral",
    "mentions",
    "paragraphs",
    "evidence_paragraph",
    "evidence",
];

/// Writes article reports in one format.
pub struct ReportWriter<W: Write> {
    out: W,
    format: ReportFormat,
    count: usize,
}

/// A probability with two decimals, or `-`.
pub(crate) fn fmt_p(p: Option<f64>) -> String {
    p.map(|x| format!("{x:.2}")).unwrap_or_else(|| "-".into())
}

/// `s` on one line, cut to `max` characters with an ellipsis.
pub(crate) fn one_line(s: &str, max: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// The cells both human formats show: stance, confidence, favor, against, neutral, sentiment.
fn decision_cells(a: &ActorReport) -> [String; 6] {
    let p = a.probabilities.as_ref();
    [
        a.stance.clone().unwrap_or_else(|| "-".into()),
        fmt_p(a.confidence),
        fmt_p(p.map(|p| p.favor)),
        fmt_p(p.map(|p| p.against)),
        fmt_p(p.map(|p| p.neutral)),
        a.sentiment.clone().unwrap_or_else(|| "-".into()),
    ]
}

fn paras(a: &ActorReport) -> String {
    a.paragraphs
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

impl<W: Write> ReportWriter<W> {
    /// A writer of `format` to `out`.
    pub fn new(out: W, format: ReportFormat) -> Self {
        ReportWriter {
            out,
            format,
            count: 0,
        }
    }

    /// Starts the output.
    pub fn begin(&mut self) -> io::Result<()> {
        match self.format {
            ReportFormat::Json => self.out.write_all(b"["),
            ReportFormat::Csv => self.csv_rows(&[CSV_HEADER.map(String::from).to_vec()]),
            _ => Ok(()),
        }
    }

    fn csv_rows(&mut self, rows: &[Vec<String>]) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(Vec::new());
        for r in rows {
            w.write_record(r)?;
        }
        let buf = w.into_inner().map_err(|e| e.into_error())?;
        self.out.write_all(&buf)
    }

    /// Writes one article's report.
    pub fn article(&mut self, r: &ArticleReport) -> io::Result<()> {
        self.count += 1;
        match self.format {
            ReportFormat::Json => {
                self.out
                    .write_all(if self.count == 1 { b"\n" } else { b",\n" })?;
                serde_json::to_writer_pretty(&mut self.out, r)?;
            }
            ReportFormat::Jsonl => {
                serde_json::to_writer(&mut self.out, r)?;
                self.out.write_all(b"\n")?;
            }
            ReportFormat::Csv => {
                let mut rows = Vec::new();
                for a in &r.actors {
                    let p = a.probabilities.as_ref();
                    let s = a.sentiment_probabilities.as_ref();
                    rows.push(vec![
                        r.article.clone(),
                        a.actor.clone(),
                        a.stance.clone().unwrap_or_default(),
                        a.confidence.map(|x| format!("{x:.4}")).unwrap_or_default(),
                        p.map(|p| format!("{:.4}", p.favor)).unwrap_or_default(),
                        p.map(|p| format!("{:.4}", p.against)).unwrap_or_default(),
                        p.map(|p| format!("{:.4}", p.neutral)).unwrap_or_default(),
                        a.sentiment.clone().unwrap_or_default(),
                        s.map(|p| format!("{:.4}", p.positive)).unwrap_or_default(),
                        s.map(|p| format!("{:.4}", p.negative)).unwrap_or_default(),
                        s.map(|p| format!("{:.4}", p.neutral)).unwrap_or_default(),
                        a.mentions.to_string(),
                        paras(a),
                        a.evidence.paragraph.to_string(),
                        a.evidence.text.clone(),
                    ]);
                }
                self.csv_rows(&rows)?;
            }
            ReportFormat::Table => self.table(r)?,
            ReportFormat::Markdown => self.markdown(r)?,
        }
        Ok(())
    }

    fn table(&mut self, r: &ArticleReport) -> io::Result<()> {
        let o = &mut self.out;
        if self.count > 1 {
            writeln!(o)?;
        }
        writeln!(o, "{}", r.article)?;
        if r.actors.is_empty() {
            writeln!(o, "  (no actors found)")?;
            return Ok(());
        }
        writeln!(
            o,
            "  {:<16} {:<8} {:>5}  {:>5} {:>5} {:>5}  {:<9} {:>4}  {:<12} evidence",
            "actor", "stance", "conf", "fav", "agst", "neut", "sentiment", "ment", "paragraphs"
        )?;
        for a in &r.actors {
            let [stance, conf, fav, agst, neut, sentiment] = decision_cells(a);
            writeln!(
                o,
                "  {:<16} {:<8} {:>5}  {:>5} {:>5} {:>5}  {:<9} {:>4}  {:<12} ¶{} {}",
                one_line(&a.actor, 16),
                stance,
                conf,
                fav,
                agst,
                neut,
                sentiment,
                a.mentions,
                one_line(&paras(a), 12),
                a.evidence.paragraph,
                one_line(&a.evidence.text, 70),
            )?;
            if let Some(ex) = &a.explanation {
                for (task, e) in [("stance", &ex.stance), ("sentiment", &ex.sentiment)] {
                    if let Some(e) = e {
                        let list = |v: &[crate::report::Contribution]| {
                            v.iter()
                                .map(|c| format!("{} {:+.2}", c.feature, c.weight))
                                .collect::<Vec<_>>()
                                .join(", ")
                        };
                        writeln!(
                            o,
                            "    why {task} {} (¶{}): {}; against it: {}",
                            e.label,
                            e.paragraph,
                            list(&e.toward),
                            list(&e.away)
                        )?;
                        if !e.context.is_empty() {
                            writeln!(o, "      context of ¶{}: {}", e.paragraph, list(&e.context))?;
                        }
                    }
                }
            }
            if let Some(ps) = &a.persons {
                for p in ps {
                    let pr = p.probabilities.as_ref();
                    let paras: Vec<String> = p.paragraphs.iter().map(|n| n.to_string()).collect();
                    writeln!(
                        o,
                        "    · {:<12} {:<8} {:>5}  {:>5} {:>5} {:>5}  {:<14} {:<12} ¶{} {}",
                        one_line(&p.person, 12),
                        p.stance.as_deref().unwrap_or("-"),
                        fmt_p(p.confidence),
                        fmt_p(pr.map(|p| p.favor)),
                        fmt_p(pr.map(|p| p.against)),
                        fmt_p(pr.map(|p| p.neutral)),
                        "",
                        one_line(&paras.join(","), 12),
                        p.evidence.paragraph,
                        one_line(&p.evidence.text, 70),
                    )?;
                }
            }
            if let Some(ds) = &a.paragraph_decisions {
                for d in ds {
                    let p = d.probabilities.as_ref();
                    writeln!(
                        o,
                        "    ¶{:<13} {:<8} {:>5}  {:>5} {:>5} {:>5}  {:<9} {:>4}",
                        d.paragraph,
                        d.stance.as_deref().unwrap_or("-"),
                        "",
                        fmt_p(p.map(|p| p.favor)),
                        fmt_p(p.map(|p| p.against)),
                        fmt_p(p.map(|p| p.neutral)),
                        d.sentiment.as_deref().unwrap_or("-"),
                        d.mentions,
                    )?;
                }
            }
        }
        Ok(())
    }

    fn markdown(&mut self, r: &ArticleReport) -> io::Result<()> {
        let o = &mut self.out;
        if self.count > 1 {
            writeln!(o)?;
        }
        writeln!(o, "### {}\n", r.article.replace('|', "\\|"))?;
        writeln!(o, "| actor | stance | confidence | favor | against | neutral | sentiment | mentions | paragraphs | evidence |")?;
        writeln!(o, "|---|---|---:|---:|---:|---:|---|---:|---|---|")?;
        for a in &r.actors {
            let [stance, conf, fav, agst, neut, sentiment] = decision_cells(a);
            writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | ¶{}: {} |",
                a.actor,
                stance,
                conf,
                fav,
                agst,
                neut,
                sentiment,
                a.mentions,
                paras(a),
                a.evidence.paragraph,
                one_line(&a.evidence.text, 160).replace('|', "\\|"),
            )?;
        }
        Ok(())
    }

    /// Ends the output and flushes.
    pub fn end(&mut self) -> io::Result<()> {
        if self.format == ReportFormat::Json {
            self.out
                .write_all(if self.count == 0 { b"]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()
    }
}

/// Output format of `evaluate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EvalFormat {
    Table,
    Json,
    /// One summary row per task and level (for the README's score table).
    Markdown,
}

/// Prints an evaluation.
pub fn write_evaluation(out: &mut dyn Write, e: &Evaluation, format: EvalFormat) -> io::Result<()> {
    match format {
        EvalFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, e)?;
            writeln!(out)
        }
        EvalFormat::Markdown => {
            writeln!(out, "| task | level | n | accuracy | macro-F1 | majority baseline (acc / F1) | ECE | actor precision / recall |")?;
            writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|")?;
            for (task, l) in [("stance", &e.stance), ("sentiment", &e.sentiment)] {
                for (level, m) in [("paragraph", &l.paragraph), ("article", &l.article)] {
                    if let Some(m) = m {
                        writeln!(
                            out,
                            "| {task} | {level} | {} | {:.3} | {:.3} | {:.3} / {:.3} | {} | {} |",
                            m.n,
                            m.accuracy,
                            m.macro_f1,
                            m.baseline.accuracy,
                            m.baseline.macro_f1,
                            m.ece.map(|x| format!("{x:.3}")).unwrap_or_default(),
                            match (m.actor_precision, m.actor_recall) {
                                (Some(p), Some(r)) => format!("{p:.3} / {r:.3}"),
                                _ => String::new(),
                            }
                        )?;
                    }
                }
            }
            Ok(())
        }
        EvalFormat::Table => {
            for (name, levels) in [("stance", &e.stance), ("sentiment", &e.sentiment)] {
                write_levels(out, name, levels)?;
            }
            if !e.mistakes.is_empty() {
                writeln!(out, "most confident mistakes (paragraph level):")?;
            }
            for m in &e.mistakes {
                writeln!(
                    out,
                    "- {} {}: {} gold {} predicted {} ({:.2})\n    {}",
                    m.task,
                    m.origin,
                    m.target,
                    m.gold,
                    m.predicted,
                    m.probability,
                    one_line(&m.text, 400)
                )?;
            }
            Ok(())
        }
    }
}

fn write_levels(out: &mut dyn Write, task: &str, l: &Levels) -> io::Result<()> {
    for (level, m) in [("paragraph", &l.paragraph), ("article", &l.article)] {
        match m {
            None => writeln!(out, "{task}, {level} level: no labels\n")?,
            Some(m) => write_metrics(out, &format!("{task}, {level} level"), m)?,
        }
    }
    Ok(())
}

fn write_metrics(out: &mut dyn Write, title: &str, m: &Metrics) -> io::Result<()> {
    writeln!(out, "{title} (n = {})", m.n)?;
    if let (Some(p), Some(r)) = (m.actor_precision, m.actor_recall) {
        writeln!(out, "  actors found: precision {p:.3}, recall {r:.3}")?;
    }
    writeln!(
        out,
        "  accuracy {:.3}   macro-F1 {:.3}   (majority baseline `{}`: accuracy {:.3}, macro-F1 {:.3}){}",
        m.accuracy,
        m.macro_f1,
        m.baseline.label,
        m.baseline.accuracy,
        m.baseline.macro_f1,
        m.ece.map(|e| format!("   ECE {e:.3}")).unwrap_or_default()
    )?;
    writeln!(
        out,
        "  {:<10} {:>9} {:>7} {:>7} {:>8}",
        "label", "precision", "recall", "F1", "support"
    )?;
    for (label, s) in &m.per_class.0 {
        writeln!(
            out,
            "  {:<10} {:>9.3} {:>7.3} {:>7.3} {:>8}",
            label, s.precision, s.recall, s.f1, s.support
        )?;
    }
    write!(
        out,
        "  confusion (rows gold, columns predicted):\n  {:<10}",
        ""
    )?;
    for l in &m.confusion.labels {
        write!(out, " {l:>9}")?;
    }
    writeln!(out)?;
    for (l, row) in m.confusion.labels.iter().zip(&m.confusion.matrix) {
        write!(out, "  {l:<10}")?;
        for v in row {
            write!(out, " {v:>9}")?;
        }
        writeln!(out)?;
    }
    writeln!(out)
}
