//! The actor gazetteer and the mention detector.
//!
//! A gazetteer is a CSV file with columns `actor,alias,kind`: each row maps one alias
//! ("Lavrov", "the Kremlin", "Moscow", "Russian") to its canonical actor ("Russia").
//!
//! Matching rules:
//! - an alias matches as written (case-sensitive), at word boundaries; an alias that starts
//!   with a lower-case letter ("the Kremlin", "developing countries") also matches with that
//!   letter upper-cased, at the start of a sentence;
//! - overlapping matches resolve to the longest, leftmost one;
//! - consecutive mentions of the same actor separated only by titles, possessives or
//!   connecting words ("Russian Foreign Minister Sergey Lavrov", "Russia's Lavrov",
//!   "Kremlin spokesman Dmitry Peskov") merge into one mention;
//! - rows of kind `ignore` are phrases that contain an alias but do not name the actor
//!   ("Latin America", "Washington Post"): they win the longest match and yield nothing.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The gazetteer compiled into the binary (`models/actors.csv`).
pub const DEFAULT_GAZETTEER: &str = include_str!("../models/actors.csv");

/// One gazetteer row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    pub actor: String,
    pub alias: String,
    pub kind: String,
}

/// A mention of an actor in a text: the actor's index in the gazetteer and a byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub actor: usize,
    pub span: Range<usize>,
    /// What kind of alias it came from (a person's when any merged part names a person).
    pub kind: AliasKind,
}

/// The kind of a gazetteer alias, as far as resolution cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AliasKind {
    /// A leader or official: a person who can be "he" or "the minister".
    Person,
    /// A country or bloc name.
    Country,
    /// A capital or seat of power ("Moscow", "the Kremlin").
    Place,
    /// An adjective or demonym ("Russian").
    Demonym,
    /// An institution ("the State Department", "NATO").
    Institution,
    /// A collective phrase ("European leaders").
    Collective,
    Other,
}

impl AliasKind {
    /// From a gazetteer `kind` column.
    pub fn parse(kind: &str) -> Self {
        match kind {
            "official" | "leader" => AliasKind::Person,
            "country" => AliasKind::Country,
            "capital" => AliasKind::Place,
            "demonym" => AliasKind::Demonym,
            "institution" => AliasKind::Institution,
            "collective" => AliasKind::Collective,
            _ => AliasKind::Other,
        }
    }
}

/// Canonical actors and their aliases, compiled into a matcher.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    actors: Vec<String>,
    aliases: Vec<Alias>,
    /// pattern index -> actor index (`None` for `ignore` phrases)
    pattern_actor: Vec<Option<usize>>,
    pattern_kind: Vec<AliasKind>,
    matcher: AhoCorasick,
}

/// The `kind` of gazetteer rows that block a match instead of naming an actor.
pub const IGNORE: &str = "ignore";

/// Words that may stand between two mentions of the same actor and still make one mention.
const JOINERS: &[&str] = &[
    "'s",
    "’s",
    "s",
    "of",
    "the",
    "president",
    "prime",
    "minister",
    "foreign",
    "defence",
    "defense",
    "secretary",
    "state",
    "chancellor",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "press",
    "envoy",
    "special",
    "ambassador",
    "deputy",
    "vice",
    "crown",
    "prince",
    "king",
    "leader",
    "senator",
    "sen",
    "general",
    "high",
    "representative",
    "chief",
    "head",
    "negotiator",
    "adviser",
    "advisor",
    "aide",
    "national",
    "security",
    "top",
    "diplomat",
    "counterpart",
    "finance",
    "economy",
    "economic",
    "investment",
    "fund",
    "official",
    "officials",
    "former",
    "then",
    "new",
    "acting",
    "u.n",
    "un",
    "to",
];

impl Gazetteer {
    /// The gazetteer built into the binary.
    pub fn builtin() -> Self {
        Self::from_csv_str(DEFAULT_GAZETTEER, Path::new("<built-in actors.csv>"))
            .expect("built-in gazetteer is valid")
    }

    /// Reads a gazetteer file.
    pub fn from_path(path: &Path) -> Result<Self> {
        let text = crate::io::read_text(path)?;
        Self::from_csv_str(&text, path)
    }

    /// Parses gazetteer CSV text; `origin` names the source in errors.
    pub fn from_csv_str(text: &str, origin: &Path) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| Error::input(origin, Some(1), e.to_string()))?
            .clone();
        for col in ["actor", "alias"] {
            if !headers.iter().any(|h| h == col) {
                return Err(Error::input(
                    origin,
                    Some(1),
                    format!("missing column `{col}` (need actor,alias,kind)"),
                ));
            }
        }
        let mut rows = Vec::new();
        let mut seen: BTreeMap<String, (String, usize)> = BTreeMap::new();
        for (i, rec) in reader.deserialize::<RawAlias>().enumerate() {
            let line = i + 2;
            let raw = rec.map_err(|e| Error::input(origin, Some(line), csv_message(&e)))?;
            if raw.actor.is_empty() {
                return Err(Error::input(origin, Some(line), "empty actor"));
            }
            if raw.alias.is_empty() {
                return Err(Error::input(origin, Some(line), "empty alias"));
            }
            if let Some((other, at)) = seen.get(&raw.alias) {
                if other != &raw.actor {
                    return Err(Error::input(
                        origin,
                        Some(line),
                        format!(
                            "alias `{}` given to `{}` here and to `{other}` on line {at}",
                            raw.alias, raw.actor
                        ),
                    ));
                }
                continue; // exact duplicate: harmless
            }
            seen.insert(raw.alias.clone(), (raw.actor.clone(), line));
            rows.push(Alias {
                actor: raw.actor,
                alias: raw.alias,
                kind: raw.kind.unwrap_or_default(),
            });
        }
        if rows.is_empty() {
            return Err(Error::input(origin, None, "gazetteer has no aliases"));
        }
        Self::from_aliases(rows)
    }

    /// Builds the matcher from alias rows.
    pub fn from_aliases(aliases: Vec<Alias>) -> Result<Self> {
        let mut actors: Vec<String> = aliases
            .iter()
            .filter(|a| a.kind != IGNORE)
            .map(|a| a.actor.clone())
            .collect();
        actors.sort();
        actors.dedup();
        let mut patterns = Vec::new();
        let mut pattern_actor = Vec::new();
        let mut pattern_kind = Vec::new();
        for a in &aliases {
            let idx = if a.kind == IGNORE {
                None
            } else {
                Some(actors.binary_search(&a.actor).expect("actor listed"))
            };
            let kind = AliasKind::parse(&a.kind);
            patterns.push(a.alias.clone());
            pattern_actor.push(idx);
            pattern_kind.push(kind);
            let mut chars = a.alias.chars();
            if let Some(first) = chars.next() {
                if first.is_lowercase() {
                    patterns.push(first.to_uppercase().chain(chars).collect());
                    pattern_actor.push(idx);
                    pattern_kind.push(kind);
                }
            }
        }
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .map_err(|e| Error::Usage(format!("cannot build actor matcher: {e}")))?;
        Ok(Gazetteer {
            actors,
            aliases,
            pattern_actor,
            pattern_kind,
            matcher,
        })
    }

    /// Adds the aliases of `other`, which win over this gazetteer's for the same alias.
    pub fn extend(self, other: Gazetteer) -> Result<Self> {
        let mut by_alias: BTreeMap<String, Alias> = BTreeMap::new();
        for a in self.aliases.into_iter().chain(other.aliases) {
            by_alias.insert(a.alias.clone(), a);
        }
        Self::from_aliases(by_alias.into_values().collect())
    }

    /// Canonical actor names, sorted.
    pub fn actors(&self) -> &[String] {
        &self.actors
    }

    /// Alias rows.
    pub fn aliases(&self) -> &[Alias] {
        &self.aliases
    }

    /// The index of a canonical actor name.
    pub fn actor_index(&self, name: &str) -> Option<usize> {
        self.actors.binary_search_by(|a| a.as_str().cmp(name)).ok()
    }

    /// The canonical name of actor `idx`.
    pub fn actor_name(&self, idx: usize) -> &str {
        &self.actors[idx]
    }

    /// Finds the actor mentions in `text`, in order, without overlaps.
    pub fn mentions(&self, text: &str) -> Vec<Mention> {
        let mut cands: Vec<(Option<usize>, Range<usize>, AliasKind)> = self
            .matcher
            .find_overlapping_iter(text)
            .filter(|m| at_word_boundary(text, m.start(), m.end()))
            .map(|m| {
                let p = m.pattern().as_usize();
                (
                    self.pattern_actor[p],
                    m.start()..m.end(),
                    self.pattern_kind[p],
                )
            })
            .collect();
        // leftmost, then longest
        cands.sort_by(|a, b| a.1.start.cmp(&b.1.start).then(b.1.end.cmp(&a.1.end)));
        let mut out: Vec<Mention> = Vec::new();
        let mut last_end = 0;
        for (actor, span, kind) in cands {
            if span.start < last_end {
                continue;
            }
            last_end = span.end;
            let Some(actor) = actor else { continue };
            let m = Mention { actor, span, kind };
            if let Some(prev) = out.last_mut() {
                if prev.actor == m.actor && only_joiners(&text[prev.span.end..m.span.start]) {
                    prev.span.end = m.span.end;
                    if m.kind == AliasKind::Person {
                        prev.kind = AliasKind::Person;
                    }
                    continue;
                }
            }
            out.push(m);
        }
        out
    }
}

#[derive(Deserialize)]
struct RawAlias {
    actor: String,
    alias: String,
    #[serde(default)]
    kind: Option<String>,
}

/// A csv error as one line, without the position (callers add it).
pub(crate) fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } => {
            let field = err
                .field()
                .map(|f| format!("field {}: ", f + 1))
                .unwrap_or_default();
            format!("{field}{}", err.kind())
        }
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("expected {expected_len} fields, found {len}"),
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_string(),
        _ => e.to_string(),
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn at_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let first = text[start..end].chars().next();
    let last = text[start..end].chars().next_back();
    // an alias that ends in a period ("U.S.") needs no boundary after it
    let ok_before =
        before.is_none_or(|c| !is_word_char(c)) || first.is_some_and(|c| !is_word_char(c));
    let ok_after = after.is_none_or(|c| !is_word_char(c)) || last.is_some_and(|c| !is_word_char(c));
    ok_before && ok_after
}

/// Whether `gap` holds only titles and joining words (see [`JOINERS`]).
fn only_joiners(gap: &str) -> bool {
    // "In Brussels, EU ministers": a comma separates two mentions
    if gap.len() > 60 || gap.contains(',') {
        return false;
    }
    for w in gap.split(|c: char| c.is_whitespace() || c == ',' || c == '-' || c == '\'' || c == '’')
    {
        if w.is_empty() {
            continue;
        }
        let lw = w.trim_end_matches('.').to_lowercase();
        if !JOINERS.contains(&lw.as_str()) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(g: &Gazetteer, text: &str) -> Vec<(String, String)> {
        g.mentions(text)
            .into_iter()
            .map(|m| (g.actor_name(m.actor).to_string(), text[m.span].to_string()))
            .collect()
    }

    #[test]
    fn builtin_has_required_actors() {
        let g = Gazetteer::builtin();
        for a in [
            "United States",
            "Russia",
            "Ukraine",
            "European Union",
            "United Kingdom",
            "France",
            "Germany",
            "Poland",
            "Italy",
            "NATO",
            "China",
            "India",
            "Turkey",
            "Saudi Arabia",
            "Canada",
            "Hungary",
            "Global South",
        ] {
            assert!(g.actor_index(a).is_some(), "missing {a}");
        }
    }

    #[test]
    fn title_and_name_make_one_mention() {
        let g = Gazetteer::builtin();
        assert_eq!(
            names(&g, "Russian Foreign Minister Sergey Lavrov said."),
            [(
                "Russia".into(),
                "Russian Foreign Minister Sergey Lavrov".into()
            )]
        );
        assert_eq!(
            names(&g, "Kremlin spokesman Dmitry Peskov and Kallas"),
            [
                ("Russia".into(), "Kremlin spokesman Dmitry Peskov".into()),
                ("European Union".into(), "Kallas".into())
            ]
        );
    }

    #[test]
    fn aliases_resolve_to_actors() {
        let g = Gazetteer::builtin();
        let got = names(
            &g,
            "The Kremlin and Moscow's envoys met European countries in Brussels; the EU and Kallas.",
        );
        let actors: Vec<&str> = got.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(
            actors,
            [
                "Russia",
                "Russia",
                "European Union",
                "European Union",
                "European Union",
                "European Union"
            ]
        );
    }

    #[test]
    fn word_boundaries_are_respected() {
        let g = Gazetteer::builtin();
        assert!(names(&g, "Russianness and USB and Indiana").is_empty());
        assert_eq!(names(&g, "the U.S. said").len(), 1);
    }

    #[test]
    fn ignore_phrases_block_shorter_aliases() {
        let g = Gazetteer::builtin();
        assert!(names(&g, "exports to Latin America, said the Washington Post").is_empty());
        assert_eq!(names(&g, "America and Europe").len(), 2);
        assert!(g.actor_index("-").is_none());
    }

    #[test]
    fn lower_case_alias_matches_at_sentence_start() {
        let g = Gazetteer::builtin();
        assert_eq!(names(&g, "The Kremlin said.")[0].1, "The Kremlin");
    }

    #[test]
    fn rejects_empty_alias_and_conflicting_duplicate() {
        let e = Gazetteer::from_csv_str("actor,alias,kind\nRussia,,x\n", Path::new("g.csv"))
            .unwrap_err()
            .to_string();
        assert_eq!(e, "g.csv:2: empty alias");
        let e = Gazetteer::from_csv_str(
            "actor,alias,kind\nRussia,Moscow,x\nUkraine,Moscow,x\n",
            Path::new("g.csv"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("g.csv:3: alias `Moscow`"), "{e}");
    }
}
