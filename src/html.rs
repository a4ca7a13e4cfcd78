//! The corpus summary as one self-contained HTML page: inline CSS and hand-written inline
//! SVG charts, no script and nothing fetched from the network.
//!
//! - a diverging bar chart of each actor's stance shares (against to the left, favor to the
//!   right, neutral centred on the axis);
//! - with dates and `--by`, a line chart of net stance (favor share minus against share)
//!   per period for the actors with most articles;
//! - per actor, the evidence paragraphs with the actor's mentions highlighted and a link to
//!   the article (its `url` when the input gave one, else its entry in the page's list of
//!   cited articles).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::actors::Gazetteer;
use crate::summary::{CorpusSummary, EvidenceItem, Period};

const FAVOR: &str = "#2166ac";
const AGAINST: &str = "#b2182b";
const NEUTRAL: &str = "#b8b8b8";
/// Line colours for the over-time chart (colour-blind safe, Okabe–Ito).
const LINES: [&str; 8] = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#f0e442",
];
/// Actors drawn in the over-time chart.
const MAX_LINES: usize = 5;

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// An id fragment made of letters, digits and dashes.
fn slug(prefix: &str, s: &str) -> String {
    let mut out = String::from(prefix);
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    // keep distinct names distinct even when they slug alike
    let _ = write!(out, "-{:06x}", crate::vectorize::fnv1a(s) & 0xffffff);
    out
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// `text` with every actor mention wrapped in `<mark>`: the actor's own as `class="self"`.
fn highlight(text: &str, actor: &str, gazetteer: &Gazetteer) -> String {
    let mut out = String::new();
    let mut at = 0;
    for m in gazetteer.mentions(text) {
        out.push_str(&esc(&text[at..m.span.start]));
        let name = gazetteer.actor_name(m.actor);
        let class = if name == actor { "self" } else { "other" };
        let _ = write!(
            out,
            "<mark class=\"{class}\" title=\"{}\">{}</mark>",
            esc(name),
            esc(&text[m.span.clone()])
        );
        at = m.span.end;
    }
    out.push_str(&esc(&text[at..]));
    out
}

fn bar_chart(s: &CorpusSummary) -> String {
    // room for the longest name (about 7.5 px a character at 13 px)
    let longest = s
        .actors
        .iter()
        .map(|a| a.actor.chars().count())
        .max()
        .unwrap_or(0);
    let label_w = (20.0 + 7.5 * longest as f64).max(120.0);
    let (chart_w, row_h, top) = (640.0, 24.0, 30.0);
    let width = label_w + chart_w + 90.0;
    let height = top + row_h * s.actors.len() as f64 + 10.0;
    let mid = label_w + chart_w / 2.0;
    let half = chart_w / 2.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" \
         aria-label=\"Stance shares per actor\" viewBox=\"0 0 {width} {height}\" \
         width=\"{width}\" height=\"{height}\">"
    );
    let _ = write!(
        svg,
        "<text x=\"{}\" y=\"16\" text-anchor=\"end\" class=\"axis\">← against</text>\
         <text x=\"{}\" y=\"16\" class=\"axis\">favor →</text>",
        mid - 8.0,
        mid + 8.0
    );
    for (i, a) in s.actors.iter().enumerate() {
        let y = top + row_h * i as f64;
        let r = &a.shares;
        // neutral centred on the axis, against to its left, favor to its right
        let n = r.neutral * half;
        let x_neutral = mid - n / 2.0;
        let x_against = x_neutral - r.against * half;
        let x_favor = mid + n / 2.0;
        let tip = format!(
            "{}: {} articles; favor {} ({}), against {} ({}), neutral {} ({})",
            a.actor,
            r.articles,
            pct(r.favor),
            r.counts.favor,
            pct(r.against),
            r.counts.against,
            pct(r.neutral),
            r.counts.neutral
        );
        let _ = write!(
            svg,
            "<g class=\"row\"><title>{}</title>\
             <a href=\"#{}\"><text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{}</text></a>\
             <rect x=\"{x_against:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{AGAINST}\"/>\
             <rect x=\"{x_neutral:.1}\" y=\"{:.1}\" width=\"{n:.1}\" height=\"{:.1}\" fill=\"{NEUTRAL}\"/>\
             <rect x=\"{x_favor:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{FAVOR}\"/>\
             <text x=\"{}\" y=\"{}\" class=\"count\">{}</text></g>",
            esc(&tip),
            slug("actor-", &a.actor),
            label_w - 10.0,
            y + row_h * 0.68,
            esc(&a.actor),
            y + 3.0,
            r.against * half,
            row_h - 6.0,
            y + 3.0,
            row_h - 6.0,
            y + 3.0,
            r.favor * half,
            row_h - 6.0,
            label_w + chart_w + 10.0,
            y + row_h * 0.68,
            r.articles,
        );
    }
    let _ = write!(
        svg,
        "<line x1=\"{mid}\" y1=\"{}\" x2=\"{mid}\" y2=\"{}\" class=\"zero\"/></svg>",
        top - 4.0,
        height - 6.0
    );
    svg
}

fn line_chart(s: &CorpusSummary, periods: &[String]) -> String {
    let (left, right, top, bottom) = (60.0, 200.0, 20.0, 60.0);
    let (plot_w, plot_h) = (680.0, 260.0);
    let (width, height) = (left + plot_w + right, top + plot_h + bottom);
    let x_of = |i: usize| {
        if periods.len() <= 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (periods.len() - 1) as f64
        }
    };
    let y_of = |v: f64| top + plot_h * (1.0 - v) / 2.0;
    let index: BTreeMap<&str, usize> = periods
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i))
        .collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" \
         aria-label=\"Net stance over time\" viewBox=\"0 0 {width} {height}\" \
         width=\"{width}\" height=\"{height}\">"
    );
    for v in [-1.0, -0.5, 0.0, 0.5, 1.0] {
        let y = y_of(v);
        let _ = write!(
            svg,
            "<line x1=\"{left}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" class=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"axis\">{:+.1}</text>",
            left + plot_w,
            if v == 0.0 { "zero" } else { "grid" },
            left - 6.0,
            y + 4.0,
            v
        );
    }
    // at most ~12 period labels
    let step = periods.len().div_ceil(12).max(1);
    for (i, p) in periods.iter().enumerate().step_by(step) {
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"end\" transform=\"rotate(-40 {:.1} {})\" \
             class=\"axis\">{}</text>",
            x_of(i),
            top + plot_h + 16.0,
            x_of(i),
            top + plot_h + 16.0,
            esc(p)
        );
    }
    for (k, a) in s.actors.iter().take(MAX_LINES).enumerate() {
        let colour = LINES[k % LINES.len()];
        let rows = a.periods.as_deref().unwrap_or(&[]);
        let pts: Vec<(f64, f64, &crate::summary::PeriodRow)> = rows
            .iter()
            .filter_map(|p| {
                index
                    .get(p.period.as_str())
                    .map(|&i| (x_of(i), y_of(p.shares.favor - p.shares.against), p))
            })
            .collect();
        if pts.is_empty() {
            continue;
        }
        let path: Vec<String> = pts
            .iter()
            .map(|(x, y, _)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = write!(
            svg,
            "<g class=\"series\"><polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>",
            path.join(" ")
        );
        for (x, y, p) in &pts {
            let _ = write!(
                svg,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"{colour}\"><title>{} {}: net {:+.2} \
                 (favor {}, against {}, {} articles)</title></circle>",
                esc(&a.actor),
                esc(&p.period),
                p.shares.favor - p.shares.against,
                pct(p.shares.favor),
                pct(p.shares.against),
                p.shares.articles
            );
        }
        let ly = top + 14.0 + 20.0 * k as f64;
        let _ = write!(
            svg,
            "<line x1=\"{}\" y1=\"{ly}\" x2=\"{}\" y2=\"{ly}\" stroke=\"{colour}\" stroke-width=\"3\"/>\
             <text x=\"{}\" y=\"{}\" class=\"label\">{}</text></g>",
            left + plot_w + 16.0,
            left + plot_w + 36.0,
            left + plot_w + 42.0,
            ly + 4.0,
            esc(&a.actor)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn evidence_item(out: &mut String, e: &EvidenceItem, side: &str, actor: &str, g: &Gazetteer) {
    let href = match &e.url {
        Some(u) if u.starts_with("http://") || u.starts_with("https://") => esc(u),
        _ => format!("#{}", slug("article-", &e.article)),
    };
    let _ = write!(
        out,
        "<li class=\"{side}\"><blockquote>{}</blockquote><p class=\"source\">{side} · \
         confidence {:.2} · <a href=\"{href}\">{}</a> ¶{}{}</p></li>",
        highlight(&e.text, actor, g),
        e.confidence,
        esc(e.title.as_deref().unwrap_or(&e.article)),
        e.paragraph,
        e.date
            .as_deref()
            .map(|d| format!(" · {}", esc(d)))
            .unwrap_or_default()
    );
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;\
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}h1{font-size:1.6em;margin-bottom:.2em}\
.meta{color:#555;margin-top:0}.chart{max-width:100%;height:auto;display:block;margin:1em 0}\
.chart text{font-size:13px;fill:#222}.chart .axis{font-size:12px;fill:#555}.chart .count{fill:#555;font-size:12px}\
.chart .zero{stroke:#444;stroke-width:1}.chart .grid{stroke:#ddd;stroke-width:1}\
.legend span{display:inline-block;margin-right:1.2em}.legend i{display:inline-block;width:.9em;height:.9em;\
margin-right:.3em;vertical-align:-.1em}section.actor{border-top:1px solid #ddd;padding-top:.5em}\
section.actor h3{margin-bottom:.2em}ul.evidence{list-style:none;padding:0}ul.evidence li{margin:.6em 0;\
padding-left:.8em;border-left:4px solid #ccc}ul.evidence li.favor{border-color:#2166ac}\
ul.evidence li.against{border-color:#b2182b}blockquote{margin:0}.source{margin:.2em 0;color:#555;font-size:.9em}\
mark.self{background:#ffe08a;padding:0 .1em}mark.other{background:#e4e4e4;padding:0 .1em}\
table{border-collapse:collapse}td,th{padding:.2em .6em;border-bottom:1px solid #eee;text-align:left}\
td.num{text-align:right}";

/// Writes the page.
pub fn write_html(
    out: &mut dyn Write,
    s: &CorpusSummary,
    g: &Gazetteer,
    title: &str,
) -> io::Result<()> {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\
         <p class=\"meta\">{} articles · {} actors{} · stance on US–Russia rapprochement, \
         labelled by <code>stance</code></p>\n",
        esc(title),
        esc(title),
        s.articles,
        s.actors.len(),
        match s.by {
            Some(by) => format!(
                " · {} dated, by {}",
                s.dated,
                if by == Period::Week { "week" } else { "month" }
            ),
            None => String::new(),
        }
    );
    h.push_str("<h2>Stance by actor</h2>\n<p class=\"legend\">");
    for (name, colour) in [("against", AGAINST), ("neutral", NEUTRAL), ("favor", FAVOR)] {
        let _ = write!(
            h,
            "<span><i style=\"background:{colour}\"></i>{name}</span>"
        );
    }
    h.push_str(
        "<span>share of each actor's articles; number of articles on the right</span></p>\n",
    );
    if s.actors.is_empty() {
        h.push_str("<p>No actor found.</p>\n");
    } else {
        h.push_str(&bar_chart(s));
    }
    if let Some(periods) = &s.periods {
        h.push_str("\n<h2>Stance over time</h2>\n");
        if periods.is_empty() {
            h.push_str("<p>No article carried a date that could be read.</p>\n");
        } else {
            h.push_str(
                "<p class=\"meta\">net stance = share of favor minus share of against, per period, \
                 for the actors with most articles</p>\n",
            );
            h.push_str(&line_chart(s, periods));
        }
    }
    h.push_str("\n<h2>Evidence</h2>\n");
    let mut cited: BTreeMap<&str, &EvidenceItem> = BTreeMap::new();
    for a in &s.actors {
        let r = &a.shares;
        let _ = write!(
            h,
            "<section class=\"actor\" id=\"{}\"><h3>{}</h3><p class=\"meta\">{} articles, {} mentions · \
             favor {} · against {} · neutral {} · mean confidence {}</p><ul class=\"evidence\">",
            slug("actor-", &a.actor),
            esc(&a.actor),
            r.articles,
            r.mentions,
            pct(r.favor),
            pct(r.against),
            pct(r.neutral),
            r.mean_confidence.map(|c| format!("{c:.2}")).unwrap_or_else(|| "-".into())
        );
        for (side, items) in [
            ("favor", &a.evidence.favor),
            ("against", &a.evidence.against),
        ] {
            for e in items {
                evidence_item(&mut h, e, side, &a.actor, g);
                cited.entry(e.article.as_str()).or_insert(e);
            }
        }
        if a.evidence.favor.is_empty() && a.evidence.against.is_empty() {
            h.push_str("<li>No article took a side.</li>");
        }
        h.push_str("</ul></section>\n");
    }
    if !cited.is_empty() {
        h.push_str("\n<h2>Cited articles</h2>\n<table><tr><th>article</th><th>title</th><th>date</th></tr>\n");
        for (id, e) in &cited {
            let link = match &e.url {
                Some(u) if u.starts_with("http://") || u.starts_with("https://") => {
                    format!(
                        "<a href=\"{}\">{}</a>",
                        esc(u),
                        esc(e.title.as_deref().unwrap_or(""))
                    )
                }
                _ => esc(e.title.as_deref().unwrap_or("")),
            };
            let _ = writeln!(
                h,
                "<tr id=\"{}\"><td>{}</td><td>{link}</td><td>{}</td></tr>",
                slug("article-", id),
                esc(id),
                esc(e.date.as_deref().unwrap_or(""))
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("</body></html>\n");
    out.write_all(h.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn highlights_own_and_other_mentions() {
        let g = Gazetteer::builtin();
        let h = highlight("Moscow & Kyiv <talk>", "Russia", &g);
        assert_eq!(
            h,
            "<mark class=\"self\" title=\"Russia\">Moscow</mark> &amp; \
             <mark class=\"other\" title=\"Ukraine\">Kyiv</mark> &lt;talk&gt;"
        );
    }

    #[test]
    fn slugs_are_safe_and_distinct() {
        let a = slug("article-", "a b");
        let b = slug("article-", "a-b");
        assert!(a.starts_with("article-a-b-") && a != b);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    }
}
