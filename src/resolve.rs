//! Actor resolution over a whole article: who each mention, pronoun and short reference
//! stands for, and which names are only places or topics.
//!
//! Rules, in order, for each paragraph:
//! 1. **Names**: the gazetteer's mentions ([`Gazetteer::mentions`]).
//! 2. **Not an actor** (the topic rule): a country, capital, seat or demonym mention is a
//!    place or topic, not the actor taking a stance, when it follows a locative word
//!    (`in`, `into`, `at`, `from`, `onto`, `inside`, `outside`, `near`, `across`,
//!    `entering`, `visiting`, or `to` after a verb of travel: "flew to Moscow"), or when the
//!    next word is a thing (`gas`, `oil`, `territory`, `airspace`, `war`, `crisis`, `summit`,
//!    `treaty`, `palace`, ...: "Russian gas", "the Ukraine war", "the NATO summit"). A topic
//!    mention never makes a pair by itself; when the actor does something in the paragraph
//!    it has other mentions there, and those count.
//! 3. **Pronouns**: `he`, `him`, `his`, `she`, `her` stand for the last person named before
//!    them in the paragraph, or else the last person named in the previous paragraph; `its`
//!    and `it` (as the subject of a verb of saying or deciding) for the last country,
//!    capital, seat or institution named before them in the paragraph.
//! 4. **Short references**: "the minister", "the president", "the chancellor", "the
//!    secretary of state", "the spokesman", "the envoy"... stand for the last person named
//!    (in the paragraph or the one before); "the alliance" for NATO; "the bloc" for the last
//!    bloc named (else the European Union); "the kingdom", "the government" for the last
//!    country or seat named.
//!
//! 5. **Continued quotations**: a paragraph that opens with a quotation mark after a
//!    paragraph whose quotation was left open (an odd number of quotation marks) is still
//!    the speaker's: the last person of the previous paragraph gets a zero-width mention at
//!    its start.
//!
//! Each resolved mention keeps the person it names, when it names one, so that a report can
//! break an actor's row down by the persons who spoke for it.

use std::ops::Range;

use crate::actors::{AliasKind, Gazetteer};

/// How a resolved mention was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// A gazetteer alias.
    Name,
    /// A pronoun resolved to an earlier mention.
    Pronoun,
    /// A short reference ("the minister") resolved to an earlier mention.
    Short,
    /// A name used as a place or topic: not the actor taking a stance.
    Topic,
}

/// One resolved mention in a paragraph (byte span relative to the paragraph).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub actor: usize,
    pub span: Range<usize>,
    pub how: How,
    /// The person this mention names or stands for (the surface of the naming mention).
    pub person: Option<String>,
}

const LOCATIVE: &[&str] = &[
    "in", "into", "at", "onto", "inside", "outside", "near", "across", "entering", "visiting",
    "toward", "towards", "about", "eastern", "western", "northern", "southern", "central",
    "occupied",
];

/// Words that make a country or demonym mention a person: "the Russian president",
/// "Ukraine's chief negotiator" (with at most two of [`TITLE_MODIFIERS`] before them).
const TITLES: &[&str] = &[
    "president",
    "president-elect",
    "minister",
    "chancellor",
    "leader",
    "negotiator",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "envoy",
    "ambassador",
    "premier",
    "king",
    "monarch",
    "emir",
    "diplomat",
];
const TITLE_MODIFIERS: &[&str] = &[
    "foreign", "prime", "defence", "defense", "chief", "deputy", "top", "former", "new", "vice",
];

const TRAVEL: &[&str] = &[
    "flew",
    "fly",
    "flies",
    "flying",
    "travel",
    "travels",
    "travelled",
    "traveled",
    "travelling",
    "traveling",
    "go",
    "goes",
    "went",
    "going",
    "back",
    "return",
    "returned",
    "returns",
    "trip",
    "visit",
    "came",
    "come",
    "comes",
    "arrived",
    "arrive",
    "headed",
    "heading",
    "moved",
    "journey",
    "drove",
    "sailed",
    "route",
];

const THINGS: &[&str] = &[
    "gas",
    "oil",
    "uranium",
    "grain",
    "goods",
    "bank",
    "banks",
    "territory",
    "territories",
    "airspace",
    "soil",
    "waters",
    "television",
    "tv",
    "reporters",
    "journalists",
    "media",
    "newspaper",
    "national",
    "nationals",
    "citizens",
    "consulate",
    "limousine",
    "economy",
    "assets",
    "market",
    "markets",
    "exports",
    "imports",
    "energy",
    "border",
    "borders",
    "treaty",
    "crisis",
    "conflict",
    "war",
    "summit",
    "headquarters",
    "membership",
    "bid",
    "formula",
    "palace",
    "street",
    "question",
    "issue",
    "file",
    "front",
    "frontline",
    "region",
    "coast",
    "port",
    "ports",
    "capital",
    "countryside",
    "steel",
    "wheat",
    "fertiliser",
    "fertilizer",
    "coal",
    "diamonds",
    "aluminium",
    "aluminum",
    "titanium",
    "pipeline",
    "pipelines",
    "rouble",
    "ruble",
    "dollar",
    "currency",
    "stocks",
    "bonds",
    "debt",
    "language",
    "speakers",
    "minority",
    "airport",
    "airports",
    "city",
    "embassy",
    "liquefied",
    "crude",
    "central",
];

const PERSON_PRONOUNS: &[&str] = &["he", "him", "his", "she", "her"];

const SAY: &[&str] = &[
    "said",
    "says",
    "would",
    "will",
    "had",
    "has",
    "was",
    "is",
    "wanted",
    "wants",
    "called",
    "calls",
    "insisted",
    "insists",
    "warned",
    "warns",
    "added",
    "argued",
    "argues",
    "stressed",
    "regretted",
    "regrets",
    "expected",
    "expects",
    "hoped",
    "hopes",
    "regarded",
    "regards",
    "expelled",
    "decided",
    "recalled",
    "closed",
    "summoned",
    "threatened",
    "promised",
    "declined",
    "refused",
    "rejected",
    "agreed",
    "accepted",
    "welcomed",
    "announced",
    "responded",
    "replied",
    "noted",
    "urged",
    "could",
    "should",
    "did",
    "does",
    "also",
];

const SHORT_PERSON: &[&str] = &[
    "minister",
    "foreign minister",
    "prime minister",
    "defence minister",
    "defense minister",
    "president",
    "president-elect",
    "vice president",
    "chancellor",
    "secretary of state",
    "secretary",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "envoy",
    "special envoy",
    "ambassador",
    "senator",
    "premier",
    "leader",
    "secretary general",
    "secretary-general",
    "pope",
    "king",
    "crown prince",
];

/// Words of `text` with their byte spans.
fn words(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let w = c.is_alphanumeric() || c == '-' || ((c == '\'' || c == '’') && start.is_some());
        if w {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push(s..i);
        }
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

fn lower(text: &str, r: &Range<usize>) -> String {
    text[r.clone()]
        .trim_end_matches(['\'', '’'])
        .trim_end_matches("'s")
        .trim_end_matches("’s")
        .to_lowercase()
}

/// The words that end before `span` (in order) and those that start at or after its end.
fn around<'a>(
    ws: &'a [Range<usize>],
    span: &Range<usize>,
) -> (&'a [Range<usize>], &'a [Range<usize>]) {
    let before = ws.partition_point(|w| w.end <= span.start);
    let after = ws.partition_point(|w| w.start < span.end);
    (&ws[..before], &ws[after.max(before)..])
}

/// Whether the gazetteer mention `span` (of `kind`) is a place or topic in `text`.
fn is_topic(text: &str, ws: &[Range<usize>], span: &Range<usize>, kind: AliasKind) -> bool {
    let placelike = matches!(
        kind,
        AliasKind::Country | AliasKind::Place | AliasKind::Demonym
    );
    let surface = &text[span.clone()];
    // the words just before and just after the mention
    let (pre, post) = around(ws, span);
    let before: Vec<String> = pre.iter().rev().take(3).map(|w| lower(text, w)).collect();
    let after = post.first().map(|w| lower(text, w));
    // a possessive names the owner, which acts ("Moscow's decision")
    let possessive = surface.ends_with("'s") || surface.ends_with("’s");
    // nothing but spaces (and an article) between the previous word and the mention
    let gap = |w: usize| {
        pre.iter()
            .rev()
            .nth(w)
            .map(|x| text[x.end..span.start].trim().is_empty())
            .unwrap_or(false)
    };
    let mut b = before.iter().map(String::as_str);
    let (b0, b1, b2) = (b.next(), b.next(), b.next());
    // skip one article: "in the Kremlin"
    let (p0, p1, adjacent) = match b0 {
        Some("the") => (b1, b2, ws_gap_ok(text, ws, span, 1)),
        _ => (b0, b1, gap(0)),
    };
    if adjacent && placelike && !possessive {
        if let Some(p) = p0 {
            if LOCATIVE.contains(&p) {
                return true;
            }
            if p == "to" && p1.is_some_and(|v| TRAVEL.contains(&v)) {
                return true;
            }
            if p == "of" && p1 == Some("out") {
                return true;
            }
        }
    }
    if !possessive {
        if let Some(a) = after {
            let gap_ok = post
                .first()
                .map(|w| text[span.end..w.start].trim().is_empty())
                .unwrap_or(false);
            if gap_ok && THINGS.contains(&a.as_str()) {
                return true;
            }
        }
    }
    false
}

/// Whether only spaces separate the mention from the word `n` places before it, with the
/// words between being single spaces apart (for "in the Kremlin").
fn ws_gap_ok(text: &str, ws: &[Range<usize>], span: &Range<usize>, n: usize) -> bool {
    let prev: Vec<&Range<usize>> = around(ws, span).0.iter().rev().take(n + 1).collect();
    if prev.len() < n + 1 {
        return false;
    }
    let mut end = span.start;
    for w in &prev {
        if !text[w.end..end].trim().is_empty() {
            return false;
        }
        end = w.start;
    }
    true
}

/// The end of a title that directly follows `span` ("president", "chief negotiator"), if any.
fn title_after(text: &str, ws: &[Range<usize>], span: &Range<usize>) -> Option<usize> {
    let mut end = span.end;
    let mut modifiers = 0;
    for w in around(ws, span).1.iter().take(3) {
        let gap = &text[end..w.start];
        // one space, or the possessive's "'s " when the mention stops before it
        if !matches!(gap, " " | "'s " | "’s ") {
            return None;
        }
        let lw = text[w.clone()].to_lowercase();
        if TITLES.contains(&lw.as_str()) {
            return Some(w.end);
        }
        if TITLE_MODIFIERS.contains(&lw.as_str()) && modifiers < 2 {
            modifiers += 1;
            end = w.end;
            continue;
        }
        return None;
    }
    None
}

#[derive(Clone)]
struct Antecedent {
    actor: usize,
    person: Option<String>,
}

/// Resolves every paragraph of an article (texts in order).
pub fn resolve(g: &Gazetteer, paragraphs: &[&str]) -> Vec<Vec<Resolved>> {
    let nato = g.actor_index("NATO");
    let eu = g.actor_index("European Union");
    let mut out = Vec::with_capacity(paragraphs.len());
    // the last person and the last country/seat/institution/bloc of the previous paragraph
    // persons named in the previous paragraph, most recent last
    let mut prev_persons: Vec<Antecedent> = Vec::new();
    let mut prev_thing: Option<Antecedent> = None;
    let mut prev_bloc: Option<Antecedent> = None;
    let mut prev_open_quote = false;
    for text in paragraphs {
        let ws = words(text);
        let mentions = g.mentions(text);
        let mut res: Vec<Resolved> = Vec::new();
        // a quotation left open at the end of the previous paragraph and taken up again
        // here is still its speaker's: a zero-width mention at the start
        let quotes = |t: &str| {
            t.chars()
                .filter(|&c| c == '"' || c == '“' || c == '”')
                .count()
        };
        let opens_quote = text.starts_with(['"', '“']);
        if prev_open_quote && opens_quote {
            if let Some(a) = prev_persons.last() {
                res.push(Resolved {
                    actor: a.actor,
                    span: 0..0,
                    how: How::Pronoun,
                    person: a.person.clone(),
                });
            }
        }
        prev_open_quote = quotes(text) % 2 == 1;
        let (mut thing, mut bloc): (Option<Antecedent>, Option<Antecedent>) = (None, None);
        // persons named so far in this paragraph, most recent last
        let mut persons: Vec<Antecedent> = Vec::new();
        let mut last_topic_end: Option<usize> = None;
        let mut mi = 0;
        let mut wi = 0;
        while wi < ws.len() || mi < mentions.len() {
            // the next gazetteer mention comes first if it starts before the next word
            if mi < mentions.len() && (wi >= ws.len() || mentions[mi].span.start <= ws[wi].start) {
                let m = &mentions[mi];
                mi += 1;
                // words inside the mention are consumed
                while wi < ws.len() && ws[wi].start < m.span.end {
                    wi += 1;
                }
                // "flew to Washington and Moscow": a place joined to a place
                let coordinated = last_topic_end.is_some_and(|e| {
                    matches!(text[e..m.span.start].trim(), "and" | "or" | "," | "")
                }) && matches!(m.kind, AliasKind::Country | AliasKind::Place);
                if coordinated || is_topic(text, &ws, &m.span, m.kind) {
                    last_topic_end = Some(m.span.end);
                    res.push(Resolved {
                        actor: m.actor,
                        span: m.span.clone(),
                        how: How::Topic,
                        person: None,
                    });
                    continue;
                }
                last_topic_end = None;
                let surface = text[m.span.clone()]
                    .trim_end_matches("'s")
                    .trim_end_matches("’s");
                // "the Russian president", "Ukraine's chief negotiator": a person too
                let titled = (m.kind != AliasKind::Person)
                    .then(|| title_after(text, &ws, &m.span))
                    .flatten();
                let is_person = m.kind == AliasKind::Person || titled.is_some();
                let a = Antecedent {
                    actor: m.actor,
                    person: is_person.then(|| match titled {
                        Some(end) => text[m.span.start..end].to_string(),
                        None => surface.to_string(),
                    }),
                };
                match m.kind {
                    _ if is_person => persons.push(a.clone()),
                    AliasKind::Country | AliasKind::Place | AliasKind::Institution => {
                        if m.kind == AliasKind::Institution || Some(m.actor) == eu {
                            bloc = Some(a.clone());
                        }
                        thing = Some(a.clone());
                    }
                    AliasKind::Collective => bloc = Some(a.clone()),
                    _ => {}
                }
                res.push(Resolved {
                    actor: m.actor,
                    span: m.span.clone(),
                    how: How::Name,
                    person: a.person,
                });
                continue;
            }
            let w = ws[wi].clone();
            wi += 1;
            // only pronouns and "the" matter here: nothing longer than three letters
            if w.len() > 3 {
                continue;
            }
            let lw = text[w.clone()].to_lowercase();
            // pronouns
            if PERSON_PRONOUNS.contains(&lw.as_str()) {
                let all: Vec<&Antecedent> = prev_persons.iter().chain(&persons).collect();
                let pick = if lw == "him" {
                    // an object: someone other than the last person named (the subject)
                    let last = all.last().map(|a| a.actor);
                    all.iter()
                        .rev()
                        .find(|a| Some(a.actor) != last)
                        .or(all.last())
                        .copied()
                } else {
                    all.last().copied()
                };
                if let Some(a) = pick.cloned() {
                    res.push(Resolved {
                        actor: a.actor,
                        span: w,
                        how: How::Pronoun,
                        person: a.person,
                    });
                }
                continue;
            }
            if lw == "its" || lw == "it" {
                let next = ws.get(wi).map(|n| text[n.clone()].to_lowercase());
                let subject = lw == "its" || next.as_deref().is_some_and(|n| SAY.contains(&n));
                // inside a quotation "it" is the speaker's word for anything
                let quoted = text[..w.start]
                    .chars()
                    .filter(|&c| c == '"' || c == '“' || c == '”')
                    .count()
                    % 2
                    == 1;
                if subject && !quoted {
                    if let Some(a) = thing.clone() {
                        res.push(Resolved {
                            actor: a.actor,
                            span: w,
                            how: How::Pronoun,
                            person: None,
                        });
                    }
                }
                continue;
            }
            // short references: "the" + title words
            if lw == "the" {
                let rest: Vec<String> = ws[wi..]
                    .iter()
                    .take(3)
                    .map(|r| {
                        let t = text[r.clone()].to_lowercase();
                        t.trim_end_matches("'s").trim_end_matches("’s").to_string()
                    })
                    .collect();
                // the longest title that follows, word by word, with single spaces
                let mut best: Option<(usize, &str)> = None;
                for k in (1..=rest.len()).rev() {
                    let phrase = rest[..k].join(" ");
                    let contiguous = (0..k).all(|j| {
                        let from = if j == 0 { w.end } else { ws[wi + j - 1].end };
                        text[from..ws[wi + j].start] == *" "
                    });
                    if !contiguous {
                        continue;
                    }
                    let target = match phrase.as_str() {
                        p if SHORT_PERSON.contains(&p) => "person",
                        "alliance" => "nato",
                        "bloc" | "union" => "bloc",
                        "kingdom" | "government" => "thing",
                        _ => continue,
                    };
                    best = Some((k, target));
                    break;
                }
                if let Some((k, target)) = best {
                    let span = w.start..ws[wi + k - 1].end;
                    // a title followed by a name is the name's, already found
                    let next_is_name = mentions
                        .get(mi)
                        .is_some_and(|m| text[span.end..m.span.start].trim().is_empty());
                    let title = rest[..k].join(" ");
                    let a = match target {
                        "person" => {
                            let all: Vec<&Antecedent> =
                                prev_persons.iter().chain(&persons).collect();
                            // the last person whose own mention carried this title, else the last
                            all.iter()
                                .rev()
                                .find(|a| {
                                    a.person
                                        .as_deref()
                                        .is_some_and(|p| p.to_lowercase().contains(&title))
                                })
                                .or(all.last())
                                .map(|a| (*a).clone())
                        }
                        "nato" => nato.map(|n| Antecedent {
                            actor: n,
                            person: None,
                        }),
                        "bloc" => bloc.clone().or_else(|| prev_bloc.clone()).or_else(|| {
                            eu.map(|e| Antecedent {
                                actor: e,
                                person: None,
                            })
                        }),
                        _ => thing.clone().or_else(|| prev_thing.clone()),
                    };
                    if let (Some(a), false) = (a, next_is_name) {
                        wi += k;
                        match target {
                            "nato" | "thing" => thing = Some(a.clone()),
                            "bloc" => {
                                bloc = Some(a.clone());
                                thing = Some(a.clone());
                            }
                            _ => {}
                        }
                        res.push(Resolved {
                            actor: a.actor,
                            span,
                            how: How::Short,
                            person: a.person,
                        });
                    }
                }
            }
        }
        prev_persons = persons;
        prev_thing = thing;
        prev_bloc = bloc;
        out.push(res);
    }
    out
}

/// A resolved mention as a mask for the feature chain: its span and actor.
pub type Mask = (Range<usize>, usize);

/// The resolved mentions of a text taken on its own (pronouns resolve inside it), as masks.
pub fn text_masks(g: &Gazetteer, text: &str) -> Vec<Mask> {
    let paras = crate::article::paragraphs(text);
    let texts: Vec<&str> = paras.iter().map(|p| &text[p.span.clone()]).collect();
    let mut out = Vec::new();
    for (p, rs) in paras.iter().zip(resolve(g, &texts)) {
        out.extend(rs.into_iter().map(|r| {
            (
                p.span.start + r.span.start..p.span.start + r.span.end,
                r.actor,
            )
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(paras: &[&str]) -> Vec<Vec<(String, String, How)>> {
        let g = Gazetteer::builtin();
        resolve(&g, paras)
            .into_iter()
            .zip(paras)
            .map(|(rs, p)| {
                rs.into_iter()
                    .map(|r| {
                        (
                            g.actor_name(r.actor).to_string(),
                            p[r.span].to_string(),
                            r.how,
                        )
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn pronouns_and_titles_follow_the_last_person() {
        let r = run(&[
            "Sergey Lavrov met Marco Rubio in Riyadh.",
            "He said the talks were useful. The minister added that his team was ready.",
        ]);
        assert!(
            r[0].contains(&("Saudi Arabia".into(), "Riyadh".into(), How::Topic)),
            "{r:?}"
        );
        assert_eq!(
            r[1],
            [
                ("United States".into(), "He".into(), How::Pronoun),
                ("United States".into(), "The minister".into(), How::Short),
                ("United States".into(), "his".into(), How::Pronoun),
            ]
        );
    }

    #[test]
    fn topic_rule() {
        let r = run(&["Kyiv warned that Russian gas flows through Ukraine would stop, and Trump flew to Moscow."]);
        let topics: Vec<&str> = r[0]
            .iter()
            .filter(|x| x.2 == How::Topic)
            .map(|x| x.1.as_str())
            .collect();
        assert_eq!(topics, ["Russian", "Moscow"], "{r:?}");
        let names: Vec<&str> = r[0]
            .iter()
            .filter(|x| x.2 == How::Name)
            .map(|x| x.1.as_str())
            .collect();
        assert!(names.contains(&"Kyiv") && names.contains(&"Trump"), "{r:?}");
    }

    #[test]
    fn a_continued_quote_keeps_its_speaker() {
        let g = Gazetteer::builtin();
        let paras = [
            "Lavrov was blunt. \"We will not accept this,",
            "\"and nobody in Washington should expect otherwise.\"",
        ];
        let r = resolve(&g, &paras);
        assert_eq!(r[1].len(), 2, "{:?}", r[1]);
        assert_eq!(
            (g.actor_name(r[1][0].actor), r[1][0].span.clone()),
            ("Russia", 0..0)
        );
    }

    #[test]
    fn blocs_and_it() {
        let r = run(&["NATO met on Friday. The alliance said it would not change course."]);
        assert_eq!(
            r[0].iter().map(|x| (x.0.as_str(), x.2)).collect::<Vec<_>>(),
            [
                ("NATO", How::Name),
                ("NATO", How::Short),
                ("NATO", How::Pronoun)
            ]
        );
    }
}
