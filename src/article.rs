//! Articles, and how they are cut into paragraphs and sentences.
//!
//! # The paragraph rule
//! Labels refer to paragraphs by number, so the rule is fixed:
//! - line breaks are `\n`, `\r\n` or a lone `\r`;
//! - if the text contains a blank line (a line of only whitespace), paragraphs are the runs
//!   of text between blank lines;
//! - otherwise every non-empty line is a paragraph;
//! - paragraphs are numbered from 1, in order, and leading/trailing whitespace is trimmed.
//!
//! ```
//! use stance::article::paragraphs;
//! let text = "Headline\n\nFirst paragraph\nstill first.\n\nSecond.";
//! let p: Vec<&str> = paragraphs(text).iter().map(|p| &text[p.span.clone()]).collect();
//! assert_eq!(p, ["Headline", "First paragraph\nstill first.", "Second."]);
//! ```

use std::ops::Range;

/// One article: an id, its text, and optional metadata.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Article {
    /// File stem for text files, the `id` field for JSONL and CSV.
    pub id: String,
    /// The article text.
    pub text: String,
    /// Optional headline given separately from the text.
    pub title: Option<String>,
    /// Optional date, as given.
    pub date: Option<String>,
    /// Optional address of the article, passed through to reports.
    pub url: Option<String>,
}

impl Article {
    /// An article with just an id and a text.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Article {
            id: id.into(),
            text: text.into(),
            ..Default::default()
        }
    }
}

/// A paragraph: its 1-based number and its byte span in the article text (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub number: usize,
    pub span: Range<usize>,
}

/// Lines of `text` as byte spans without their terminators (`\n`, `\r\n` or `\r`).
fn lines(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push(start..i);
                i += 1;
                start = i;
            }
            b'\r' => {
                out.push(start..i);
                i += if bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                start = i;
            }
            _ => i += 1,
        }
    }
    out.push(start..bytes.len());
    out
}

/// Trims whitespace from both ends of `span` within `text`.
fn trim_span(text: &str, span: Range<usize>) -> Range<usize> {
    let s = &text[span.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead == s.len() {
        return span.start..span.start;
    }
    span.start + lead..span.end - trail
}

/// Splits an article text into numbered paragraphs (see the module docs for the rule).
pub fn paragraphs(text: &str) -> Vec<Paragraph> {
    let lines = lines(text);
    let blank = |r: &Range<usize>| text[r.clone()].trim().is_empty();
    let has_blank_line = {
        // A blank line strictly between two non-blank lines separates paragraphs; blank lines
        // only at the start or end do not switch the rule on.
        let first = lines.iter().position(|l| !blank(l));
        let last = lines.iter().rposition(|l| !blank(l));
        match (first, last) {
            (Some(f), Some(l)) => lines[f..=l].iter().any(blank),
            _ => false,
        }
    };
    let mut spans = Vec::new();
    if has_blank_line {
        let mut cur: Option<Range<usize>> = None;
        for l in &lines {
            if blank(l) {
                if let Some(c) = cur.take() {
                    spans.push(c);
                }
            } else {
                cur = Some(match cur {
                    Some(c) => c.start..l.end,
                    None => l.clone(),
                });
            }
        }
        if let Some(c) = cur {
            spans.push(c);
        }
    } else {
        spans.extend(lines.into_iter().filter(|l| !blank(l)));
    }
    spans
        .into_iter()
        .map(|s| trim_span(text, s))
        .enumerate()
        .map(|(i, span)| Paragraph {
            number: i + 1,
            span,
        })
        .collect()
}

/// Words after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "maj", "capt", "sen", "rep", "gov", "pres",
    "prof", "jr", "sr", "no", "vs", "etc", "inc", "co", "corp", "ltd", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "adm", "amb", "sgt", "rev", "approx",
    "dept", "est", "fig", "mt", "ft", "e.g", "i.e",
];

/// Splits a paragraph into sentences, as byte spans relative to `text`.
///
/// A sentence ends at `.`, `!` or `?` (plus any closing quotes or brackets) followed by
/// whitespace and then an upper-case letter, a digit or an opening quote. A period after a
/// known abbreviation ("Mr.", "Feb."), a single letter ("J. D.") or a dotted acronym
/// ("U.S.", "E.U.") does not end a sentence.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if matches!(c, '.' | '!' | '?') {
            // extend over repeated terminators and closing quotes/brackets
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '.' | '!' | '?') {
                j += 1;
            }
            while j < chars.len() && matches!(chars[j].1, '"' | '\'' | '”' | '’' | ')' | ']') {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |&(p, _)| p);
            let mut k = j;
            let mut saw_space = false;
            while k < chars.len() && chars[k].1.is_whitespace() {
                saw_space = true;
                k += 1;
            }
            let next_ok = k < chars.len()
                && (chars[k].1.is_uppercase()
                    || chars[k].1.is_ascii_digit()
                    || matches!(chars[k].1, '"' | '“' | '\'' | '‘' | '('));
            if saw_space && next_ok && !(c == '.' && is_abbreviation(&text[start..pos])) {
                push_trimmed(text, start..end, &mut out);
                start = chars[k].0;
                i = k;
                continue;
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, span: Range<usize>, out: &mut Vec<Range<usize>>) {
    let t = trim_span(text, span);
    if !t.is_empty() {
        out.push(t);
    }
}

/// Whether the word just before a period (the end of `before`) is an abbreviation.
fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '“')
        .next()
        .unwrap_or("");
    if word.is_empty() {
        return false;
    }
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    // single letters ("J."), dotted acronyms ("U.S", "E.U")
    if letters == 1 && word.chars().count() == 1 || (word.contains('.') && letters <= 4) {
        return true;
    }
    let lower = word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paras(text: &str) -> Vec<&str> {
        paragraphs(text)
            .into_iter()
            .map(|p| &text[p.span])
            .collect()
    }

    fn sents(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|s| &text[s]).collect()
    }

    #[test]
    fn blank_lines_separate_paragraphs() {
        assert_eq!(paras("A\nB\n\n  \nC\n"), ["A\nB", "C"]);
    }

    #[test]
    fn without_blank_lines_each_line_is_a_paragraph() {
        assert_eq!(paras("A\nB\r\nC\rD"), ["A", "B", "C", "D"]);
    }

    #[test]
    fn leading_and_trailing_blank_lines_do_not_switch_rule() {
        assert_eq!(paras("\n\nA\nB\n\n"), ["A", "B"]);
    }

    #[test]
    fn crlf_blank_lines() {
        assert_eq!(paras("A\r\n\r\nB\r\nC"), ["A", "B\r\nC"]);
    }

    #[test]
    fn numbering_starts_at_one() {
        let p = paragraphs("x\n\ny");
        assert_eq!(p[0].number, 1);
        assert_eq!(p[1].number, 2);
    }

    #[test]
    fn empty_text_has_no_paragraphs() {
        assert!(paragraphs("").is_empty());
        assert!(paragraphs(" \n\t\n").is_empty());
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        assert_eq!(
            sents("The U.S. envoy met Mr. Lavrov on Feb. 18 in Riyadh. Both sides spoke."),
            [
                "The U.S. envoy met Mr. Lavrov on Feb. 18 in Riyadh.",
                "Both sides spoke."
            ]
        );
    }

    #[test]
    fn quotes_close_sentences() {
        assert_eq!(
            sents("\"We are ready.\" Peskov said so. Is it? Yes!"),
            ["\"We are ready.\"", "Peskov said so.", "Is it?", "Yes!"]
        );
    }

    #[test]
    fn initials_do_not_end_sentences() {
        assert_eq!(
            sents("J. D. Vance spoke in Munich. He left."),
            ["J. D. Vance spoke in Munich.", "He left."]
        );
    }

    #[test]
    fn lower_case_after_period_continues() {
        assert_eq!(
            sents("approx. three days. Then"),
            ["approx. three days.", "Then"]
        );
    }
}
