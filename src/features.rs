//! From a (paragraph, actor) pair to a bag of weighted features.
//!
//! The chain, in order:
//! 1. **sentences**: the paragraph is split into sentences ([`crate::article::sentences`]);
//! 2. **masking**: the target actor's mentions become the token `@actor`, every other
//!    actor's mentions `@other`, so that what is learned about "@actor welcomed the talks"
//!    carries across actors;
//! 3. **tokens**: words are split on non-alphanumeric characters, lower-cased (before
//!    stemming, as Snowball expects), contractions "n't" become `not`, numbers become `#num`;
//! 4. **negation**: a word after a negation cue (`not`, `no`, `never`, ...) is prefixed with
//!    `not_` up to the next punctuation mark or three words;
//! 5. **stemming**: Snowball English (rust-stemmers);
//! 6. **n-grams and weights**: unigrams and bigrams within a sentence; sentences that mention
//!    the target count fully, the others with [`AnalyzerConfig::context_weight`]; words near
//!    a target mention also give `~word` features; a sentence in which the target is the
//!    speaker ("Lavrov said", "according to the Kremlin") gives a `#speaker` feature.

use std::cell::RefCell;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use std::ops::Range;

use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};

use crate::actors::Mention;
use crate::article::sentences;

/// Settings of the feature chain; stored in the model so that serving uses the same chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalyzerConfig {
    /// Longest n-gram (1 or 2).
    pub ngram_max: usize,
    /// Replace the target's mentions with `@actor` and others' with `@other`.
    pub mask_actors: bool,
    /// Weight of sentences that do not mention the target (1.0 = no weighting).
    pub context_weight: f64,
    /// Mark negated words.
    pub negation: bool,
    /// Words within this distance of a target mention give `~word` features (0 = off).
    pub window: usize,
    /// Add the `#speaker` feature.
    pub speaker: bool,
    /// Role features: in a sentence where the target is the first actor named (its likely
    /// agent), words also count as `a:word`; where another actor comes first, as `p:word`.
    pub roles: bool,
    /// With `negation`: "rather than" and "instead of" open a negation scope too ("should
    /// crown an agreement rather than start the process"). Absent in older model files,
    /// which keep the behaviour they were trained with.
    #[serde(default)]
    pub contrast: bool,
    /// Lexicon features: each word in the VADER sentiment lexicon (Hutto & Gilbert, 2014;
    /// the `vader_sentiment` crate) adds `lex:pos` or `lex:neg` weighted by its valence
    /// (flipped inside a negation scope), and `~lex:pos` / `~lex:neg` near the target.
    /// Absent in older model files, which keep the behaviour they were trained with (off).
    #[serde(default)]
    pub lexicon: bool,
    /// Character 3- to 5-grams of each word (with `<` and `>` at its ends), as `c:` features
    /// weighted like the word. Off by default: meant for short informal text such as tweets.
    #[serde(default)]
    pub char_ngrams: bool,
}

impl Default for AnalyzerConfig {
    fn default() -> Self {
        AnalyzerConfig {
            ngram_max: 2,
            mask_actors: true,
            context_weight: 0.35,
            negation: true,
            window: 4,
            speaker: true,
            // measured: no gain under cross-validation at 300 articles (see docs/results.md)
            roles: false,
            contrast: true,
            // measured: +0.008 sentiment macro-F1 under cross-validation, +0.036 on
            // NewsMTSC dev-mt (see docs/results.md)
            lexicon: true,
            char_ngrams: false,
        }
    }
}

/// Turns (paragraph, target) pairs into feature bags.
pub struct Analyzer {
    config: AnalyzerConfig,
    stemmer: Stemmer,
    /// Stems of [`SPEECH_VERBS`] and of "according", computed once.
    speech_stems: Vec<String>,
    according: String,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("config", &self.config)
            .finish()
    }
}

/// A token of the chain: its text and the sentence it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The (stemmed, maybe `not_`-marked) word; empty for an actor placeholder and for
    /// punctuation. Shared with the per-thread word cache, so a token costs no allocation.
    text: Arc<str>,
    sentence: usize,
    /// Punctuation ends negation scopes and n-grams; it is not a feature.
    punct: bool,
    /// The actor id of a placeholder (or of an unmasked marker); [`NO_MASK`] for words.
    mask: u32,
    /// The word's VADER valence (-4 to 4; 0 when not in the lexicon), sign flipped inside a
    /// negation scope.
    valence: f32,
}

const NO_MASK: u32 = u32::MAX;

/// The text of punctuation and placeholder tokens, shared.
fn empty() -> Arc<str> {
    static EMPTY: std::sync::OnceLock<Arc<str>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| Arc::from("")).clone()
}

/// One feature occurrence, by the tokens it is made of (indices into the token view).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feat {
    /// A word or placeholder: `welcom`, `@actor`.
    Uni(usize),
    /// Token `i` and the next: `@actor welcom`.
    Bi(usize),
    /// A word near the target: `~welcom`.
    Win(usize),
    /// A word in a sentence where the target comes first (`a:`) or another actor (`p:`).
    Role(bool, usize),
    /// A fixed feature: `#speaker`, `#no_target`.
    Lit(&'static str),
    /// Characters `start..start + len` of word `i` padded as `<word>`: `c:<wel`.
    Char(usize, u16, u8),
}

impl Feat {
    /// Which variant of the feature's name `target` gives: bit 0 for the first token being
    /// the target's placeholder, bit 1 for the second (bigrams).
    pub fn variant(self, p: &Prepared, target: u32) -> usize {
        let is = |i: usize| p.tokens.get(i).is_some_and(|t| t.mask == target) as usize;
        match self {
            Feat::Uni(i) | Feat::Win(i) => is(i),
            Feat::Bi(i) => is(i) | (is(i + 1) << 1),
            Feat::Role(agent, _) => agent as usize,
            Feat::Lit(_) | Feat::Char(..) => 0,
        }
    }
}

/// The name of a feature occurrence, built in `buf`.
pub fn render<'a>(f: Feat, tokens: &'a [Token], target: u32, buf: &'a mut String) -> &'a str {
    let text = |i: usize| tok_text(&tokens[i], target);
    match f {
        Feat::Uni(i) => text(i),
        Feat::Lit(s) => s,
        Feat::Bi(i) => {
            buf.clear();
            buf.push_str(text(i));
            buf.push(' ');
            buf.push_str(text(i + 1));
            buf
        }
        Feat::Win(i) => {
            buf.clear();
            buf.push('~');
            buf.push_str(text(i));
            buf
        }
        Feat::Role(agent, i) => {
            buf.clear();
            buf.push_str(if agent { "a:" } else { "p:" });
            buf.push_str(&tokens[i].text);
            buf
        }
        Feat::Char(i, start, len) => {
            buf.clear();
            buf.push_str("c:");
            let padded = std::iter::once('<')
                .chain(tokens[i].text.chars())
                .chain(std::iter::once('>'));
            buf.extend(padded.skip(start as usize).take(len as usize));
            buf
        }
    }
}

/// [`render`] over a prepared paragraph's shared tokens.
pub fn render_prepared<'a>(f: Feat, p: &'a Prepared, target: u32, buf: &'a mut String) -> &'a str {
    render(f, &p.tokens, target, buf)
}

impl Prepared {
    /// Number of tokens (the bound of [`Feat`] indices).
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Whether token `i` is an actor placeholder.
    pub fn is_placeholder(&self, i: usize) -> bool {
        self.tokens[i].mask != NO_MASK
    }

    /// The text of token `i` (empty for a placeholder).
    pub fn word(&self, i: usize) -> &str {
        &self.tokens[i].text
    }

    /// Whether the paragraph has no tokens.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }
}

/// Surface word -> its normalised, stemmed tokens.
type WordCache = FxHashMap<Box<str>, (Box<[Arc<str>]>, f32)>;

/// VADER valence of a lower-cased word (0 when absent).
fn valence(lower: &str) -> f32 {
    vader_sentiment::LEXICON
        .get(&unicase::UniCase::new(lower))
        .map_or(0.0, |&v| v as f32)
}

/// A token's text when `target` is the actor in focus.
fn tok_text(t: &Token, target: u32) -> &str {
    if t.mask == NO_MASK {
        &t.text
    } else if t.mask == target {
        "@actor"
    } else {
        "@other"
    }
}

/// A paragraph tokenised once: its words and actor placeholders, for any of its actors.
#[derive(Debug, Clone)]
pub struct Prepared {
    tokens: Vec<Token>,
    nsent: usize,
}

const NEGATIONS: &[&str] = &[
    "not", "no", "never", "nor", "neither", "without", "cannot", "none", "nobody", "nothing",
    "hardly", "barely",
];

const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "warned",
    "warns",
    "stated",
    "argued",
    "argues",
    "insisted",
    "insists",
    "stressed",
    "noted",
    "wrote",
    "writes",
    "declared",
    "announced",
    "announces",
    "claimed",
    "claims",
    "replied",
    "responded",
    "posted",
    "tweeted",
    "commented",
    "explained",
    "urged",
    "urges",
    "called",
    "described",
    "suggested",
    "believes",
];

/// A feature bag: feature names with weights, in no particular order.
pub type Bag = Vec<(String, f64)>;

impl Analyzer {
    /// An analyzer with the given settings.
    pub fn new(config: AnalyzerConfig) -> Self {
        let stemmer = Stemmer::create(Algorithm::English);
        let speech_stems = SPEECH_VERBS
            .iter()
            .map(|v| stemmer.stem(v).into_owned())
            .collect();
        let according = stemmer.stem("according").into_owned();
        Analyzer {
            config,
            stemmer,
            speech_stems,
            according,
        }
    }

    /// The settings.
    pub fn config(&self) -> &AnalyzerConfig {
        &self.config
    }

    /// Features of `text` (a paragraph) for the target whose mentions are `target`;
    /// `others` are the other actors' mentions. Spans are byte ranges in `text`.
    pub fn features(&self, text: &str, target: &[Range<usize>], others: &[Range<usize>]) -> Bag {
        let mut masks: Vec<(Range<usize>, u32)> = Vec::with_capacity(target.len() + others.len());
        masks.extend(target.iter().map(|r| (r.clone(), 0)));
        masks.extend(others.iter().map(|r| (r.clone(), 1)));
        self.bag(&self.prepare(text, masks), 0)
    }

    /// Tokenises a paragraph once for all the actors in it: `masks` are the actor mentions
    /// as (byte span, actor id). [`Analyzer::emit`] then gives any one actor's features.
    pub fn prepare(&self, text: &str, mut masks: Vec<(Range<usize>, u32)>) -> Prepared {
        let sents = sentences(text);
        if !self.config.mask_actors {
            // without masking the mention words stay, but the target must still be known
            // for sentence weights and the speaker feature: a zero-width marker
            for (r, _) in masks.iter_mut() {
                *r = r.start..r.start;
            }
        }
        // stable: of two mentions with the same span, the first given wins
        masks.sort_by_key(|(r, _)| (r.start, r.end));
        let tokens = self.tokens(text, &sents, &masks);
        Prepared {
            tokens,
            nsent: sents.len().max(1),
        }
    }

    /// The feature bag of one actor of a prepared paragraph.
    pub fn bag(&self, p: &Prepared, target: u32) -> Bag {
        let mut bag: FxHashMap<String, f64> = FxHashMap::default();
        self.emit(p, target, |k, w| match bag.get_mut(k) {
            Some(v) => *v += w,
            None => {
                bag.insert(k.to_string(), w);
            }
        });
        // unsorted: the vectorizer orders a row by column itself
        bag.into_iter().collect()
    }

    /// Calls `sink(feature, weight)` for every feature occurrence of actor `target` in a
    /// prepared paragraph (a feature may come more than once: weights add up).
    pub fn emit(&self, p: &Prepared, target: u32, mut sink: impl FnMut(&str, f64)) {
        let owned;
        let tokens: &[Token] = if self.config.mask_actors {
            &p.tokens
        } else {
            // only the target's markers count, and they end negation scopes
            let mut v: Vec<Token> = p
                .tokens
                .iter()
                .filter(|t| t.mask == NO_MASK || t.mask == target)
                .cloned()
                .collect();
            if self.config.negation {
                mark_negation(&mut v, self.config.contrast);
            }
            owned = v;
            &owned
        };
        let mut buf = String::new();
        self.emit_feats(tokens, p.nsent, target, |f, w| {
            sink(render(f, tokens, target, &mut buf), w)
        });
    }

    /// Whether [`Analyzer::emit_feats`] can run on the shared tokens of a prepared
    /// paragraph (with masking; without it each target needs its own token view).
    pub fn shares_tokens(&self) -> bool {
        self.config.mask_actors
    }

    /// The features of `target` as [`Feat`]s over `p`'s tokens (masking only: see
    /// [`Analyzer::shares_tokens`]), for callers that cache per-paragraph lookups.
    pub fn emit_prepared(&self, p: &Prepared, target: u32, sink: impl FnMut(Feat, f64)) {
        debug_assert!(self.shares_tokens());
        self.emit_feats(&p.tokens, p.nsent, target, sink)
    }

    /// The chain's last step, over one token view: every feature occurrence, in a fixed
    /// order, as a [`Feat`] that [`render`] turns into its name.
    fn emit_feats(
        &self,
        tokens: &[Token],
        nsent: usize,
        target: u32,
        mut sink: impl FnMut(Feat, f64),
    ) {
        let is_target = |t: &Token| t.mask == target;
        let mut target_sentence = vec![false; nsent];
        for t in tokens.iter().filter(|t| is_target(t)) {
            target_sentence[t.sentence] = true;
        }
        let any_target = target_sentence.iter().any(|&b| b);
        let weight = |s: usize| {
            if !any_target || target_sentence[s] {
                1.0
            } else {
                self.config.context_weight
            }
        };
        for (i, t) in tokens.iter().enumerate() {
            if t.punct {
                continue;
            }
            let w = weight(t.sentence);
            sink(Feat::Uni(i), w);
            if self.config.char_ngrams && t.mask == NO_MASK {
                let n = t.text.chars().count() + 2;
                for len in 3..=5usize.min(n) {
                    for start in 0..=(n - len).min(u16::MAX as usize) {
                        sink(Feat::Char(i, start as u16, len as u8), w);
                    }
                }
            }
            if self.config.ngram_max >= 2 {
                if let Some(n) = tokens.get(i + 1) {
                    if !n.punct && n.sentence == t.sentence {
                        sink(Feat::Bi(i), w);
                    }
                }
            }
        }
        // words near a target mention (same sentence, within the window): for `~word`
        // features and for `~lex:` ones (which use a window of at least one word)
        let span = if self.config.lexicon {
            self.config.window.max(1)
        } else {
            self.config.window
        };
        if span > 0 {
            let words: Vec<usize> = (0..tokens.len()).filter(|&i| !tokens[i].punct).collect();
            let mut near = vec![false; words.len()];
            let mut near_lex = vec![false; if self.config.lexicon { words.len() } else { 0 }];
            for (i, &ti) in words.iter().enumerate() {
                let t = &tokens[ti];
                if is_target(t) {
                    let lo = i.saturating_sub(span);
                    let hi = (i + span).min(words.len() - 1);
                    for j in lo..=hi {
                        if j != i && tokens[words[j]].sentence == t.sentence {
                            if j.abs_diff(i) <= self.config.window {
                                near[j] = true;
                            }
                            if let Some(slot) = near_lex.get_mut(j) {
                                *slot = true;
                            }
                        }
                    }
                }
            }
            if self.config.window > 0 {
                for (&ti, _) in words.iter().zip(&near).filter(|(_, &n)| n) {
                    sink(Feat::Win(ti), 1.0);
                }
            }
            if self.config.lexicon {
                for (j, &ti) in words.iter().enumerate() {
                    let t = &tokens[ti];
                    if t.valence == 0.0 {
                        continue;
                    }
                    let (name, close) = if t.valence > 0.0 {
                        ("lex:pos", "~lex:pos")
                    } else {
                        ("lex:neg", "~lex:neg")
                    };
                    let v = f64::from(t.valence.abs()) / 4.0;
                    sink(Feat::Lit(name), v * weight(t.sentence));
                    if near_lex[j] {
                        sink(Feat::Lit(close), v);
                    }
                }
            }
        }
        if self.config.roles {
            // the first actor placeholder of each sentence: is it the target?
            let mut first: Vec<Option<bool>> = vec![None; nsent];
            for t in tokens
                .iter()
                .filter(|t| t.mask != NO_MASK && (is_target(t) || self.config.mask_actors))
            {
                first[t.sentence].get_or_insert(is_target(t));
            }
            for (i, t) in tokens.iter().enumerate() {
                if t.punct || t.mask != NO_MASK || !target_sentence[t.sentence] {
                    continue;
                }
                if let Some(agent) = first[t.sentence] {
                    sink(Feat::Role(agent, i), 1.0);
                }
            }
        }
        if self.config.speaker && self.is_speaker(tokens, target) {
            sink(Feat::Lit("#speaker"), 1.0);
        }
        if !any_target {
            sink(Feat::Lit("#no_target"), 1.0);
        }
    }

    /// Whether the target is the speaker of some sentence: "@actor said", "said @actor",
    /// "according to @actor".
    fn is_speaker(&self, tokens: &[Token], target: u32) -> bool {
        let is_verb = |t: &Token| {
            t.mask == NO_MASK && self.speech_stems.iter().any(|s| s.as_str() == &*t.text)
        };
        for (i, t) in tokens.iter().enumerate() {
            if t.mask != target {
                continue;
            }
            let same = |j: usize| {
                tokens
                    .get(j)
                    .filter(|x| x.sentence == t.sentence && !x.punct)
            };
            // @actor [also|has|had] said
            for k in 1..=3 {
                if same(i + k).is_some_and(is_verb) {
                    return true;
                }
            }
            // said @actor ; according to @actor
            if i >= 1 && same(i - 1).is_some_and(is_verb) {
                return true;
            }
            if i >= 2
                && same(i - 1).is_some_and(|x| x.mask == NO_MASK && &*x.text == "to")
                && same(i - 2).is_some_and(|x| x.mask == NO_MASK && *x.text == *self.according)
            {
                return true;
            }
        }
        false
    }

    fn stem(&self, word: &str) -> String {
        self.stemmer.stem(word).into_owned()
    }

    fn tokens(
        &self,
        text: &str,
        sents: &[Range<usize>],
        masks: &[(Range<usize>, u32)],
    ) -> Vec<Token> {
        // sentences are sorted and disjoint: binary search keeps long paragraphs linear
        let sentence_of = |pos: usize| {
            sents
                .partition_point(|s| s.end <= pos)
                .min(sents.len().saturating_sub(1))
        };
        let mut out = Vec::new();
        let mut pos = 0;
        for (span, id) in masks {
            if span.start < pos {
                continue; // overlapping spans: keep the first
            }
            self.words(&text[pos..span.start], pos, &sentence_of, &mut out);
            out.push(Token {
                text: empty(),
                sentence: sentence_of(span.start),
                // an unmasked target marker is not a word itself
                punct: span.is_empty(),
                mask: *id,
                valence: 0.0,
            });
            pos = span.end;
        }
        self.words(&text[pos..], pos, &sentence_of, &mut out);
        if self.config.negation && self.config.mask_actors {
            // every placeholder ends a scope, whichever actor is the target
            mark_negation(&mut out, self.config.contrast);
        }
        out
    }

    /// Appends the word and punctuation tokens of `chunk`, which starts at byte `offset`.
    fn words(
        &self,
        chunk: &str,
        offset: usize,
        sentence_of: &dyn Fn(usize) -> usize,
        out: &mut Vec<Token>,
    ) {
        let mut start: Option<usize> = None;
        let flush = |s: usize, e: usize, out: &mut Vec<Token>| {
            let word = &chunk[s..e];
            let sentence = sentence_of(offset + s);
            self.normalise_cached(word, |w, v| {
                out.push(Token {
                    text: w,
                    sentence,
                    punct: false,
                    mask: NO_MASK,
                    valence: v,
                })
            });
        };
        for (i, c) in chunk.char_indices() {
            let in_word = c.is_alphanumeric()
                || ((c == '\'' || c == '’')
                    && start.is_some()
                    && chunk[i + c.len_utf8()..]
                        .chars()
                        .next()
                        .is_some_and(|n| n.is_alphabetic()));
            if in_word {
                start.get_or_insert(i);
                continue;
            }
            if let Some(s) = start.take() {
                flush(s, i, out);
            }
            if matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '(' | ')' | '—' | '–') {
                out.push(Token {
                    text: empty(),
                    sentence: sentence_of(offset + i),
                    punct: true,
                    mask: NO_MASK,
                    valence: 0.0,
                });
            }
        }
        if let Some(s) = start {
            flush(s, chunk.len(), out);
        }
    }

    /// [`Analyzer::normalise`] through a per-thread cache by surface form: news vocabulary
    /// repeats a lot, and lower-casing and Snowball are the costliest steps of the chain.
    fn normalise_cached(&self, word: &str, mut push: impl FnMut(Arc<str>, f32)) {
        thread_local! {
            static CACHE: RefCell<WordCache> =
                RefCell::new(FxHashMap::default());
        }
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            if let Some((v, val)) = c.get(word) {
                v.iter().for_each(|w| push(w.clone(), *val));
                return;
            }
            let v: Box<[Arc<str>]> = self.normalise(word).into_iter().map(Arc::from).collect();
            let val = valence(&word.to_lowercase().replace('’', "'"));
            v.iter().for_each(|w| push(w.clone(), val));
            if c.len() < 500_000 {
                c.insert(word.into(), (v, val));
            }
        })
    }

    /// One surface word to zero or more stemmed tokens.
    fn normalise(&self, word: &str) -> Vec<String> {
        let lower = word.to_lowercase().replace('’', "'");
        if lower.chars().all(|c| c.is_ascii_digit()) {
            return vec!["#num".to_string()];
        }
        if let Some(base) = lower.strip_suffix("n't") {
            let base = match base {
                "ca" => "can",
                "wo" => "will",
                "sha" => "shall",
                b => b,
            };
            let mut v = Vec::new();
            if !base.is_empty() {
                v.push(self.stem(base));
            }
            v.push("not".to_string());
            return v;
        }
        if lower == "s" {
            return Vec::new(); // the "s" of a possessive after a masked mention
        }
        let lower = lower
            .strip_suffix("'s")
            .or_else(|| lower.strip_suffix('\''))
            .unwrap_or(&lower);
        let lower = match lower.split_once('\'') {
            // "they're", "we'll": keep the head word
            Some((head, _)) => head,
            None => lower,
        };
        if lower.is_empty() {
            return Vec::new();
        }
        vec![self.stem(lower)]
    }
}

/// Prefixes `not_` to up to three words after a negation cue, stopping at punctuation or
/// at a placeholder.
fn mark_negation(tokens: &mut [Token], contrast: bool) {
    let mut left = 0;
    let mut prev = empty();
    for t in tokens.iter_mut() {
        // punctuation, a placeholder or the target's marker ends the scope
        if t.punct || t.mask != NO_MASK {
            left = 0;
            prev = empty();
            continue;
        }
        let opens_contrast = contrast
            && ((&*t.text == "than" && &*prev == "rather")
                || (&*t.text == "of" && &*prev == "instead"));
        prev = t.text.clone();
        if NEGATIONS.contains(&&*t.text) || opens_contrast {
            left = 3;
            continue;
        }
        if &*t.text == "but" {
            left = 0;
            continue;
        }
        if left > 0 {
            t.text = Arc::from(format!("not_{}", t.text));
            t.valence = -t.valence;
            left -= 1;
        }
    }
}

/// Splits mentions into the target's spans and the other actors' spans.
pub fn split_mentions(
    mentions: &[Mention],
    target: usize,
) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
    let mut t = Vec::new();
    let mut o = Vec::new();
    for m in mentions {
        if m.actor == target {
            t.push(m.span.clone());
        } else {
            o.push(m.span.clone());
        }
    }
    (t, o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feats(config: AnalyzerConfig, text: &str, target: &str, other: &str) -> Vec<String> {
        let a = Analyzer::new(config);
        let span = |s: &str| {
            if s.is_empty() {
                vec![]
            } else {
                let i = text.find(s).unwrap();
                vec![i..i + s.len()]
            }
        };
        a.features(text, &span(target), &span(other))
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    }

    #[test]
    fn masks_target_and_other_actors() {
        let f = feats(
            AnalyzerConfig::default(),
            "Lavrov welcomed talks with Rubio.",
            "Lavrov",
            "Rubio",
        );
        assert!(f.contains(&"@actor welcom".to_string()), "{f:?}");
        assert!(f.contains(&"with @other".to_string()), "{f:?}");
        assert!(!f.iter().any(|x| x.contains("lavrov")));
    }

    #[test]
    fn marks_negation_until_punctuation() {
        let f = feats(
            AnalyzerConfig::default(),
            "Moscow did not rule out talks, officials said.",
            "Moscow",
            "",
        );
        assert!(f.contains(&"not_rule".to_string()), "{f:?}");
        assert!(f.contains(&"not_out".to_string()), "{f:?}");
        assert!(f.contains(&"offici".to_string()), "{f:?}");
        let f = feats(AnalyzerConfig::default(), "Kyiv didn't agree.", "Kyiv", "");
        assert!(f.contains(&"not_agre".to_string()), "{f:?}");
    }

    #[test]
    fn rather_than_opens_a_negation_scope() {
        let text = "Medinsky said a summit should crown a deal rather than start talks.";
        let f = feats(AnalyzerConfig::default(), text, "Medinsky", "");
        assert!(f.contains(&"not_start".to_string()), "{f:?}");
        let old = AnalyzerConfig {
            contrast: false,
            ..Default::default()
        };
        let f = feats(old, text, "Medinsky", "");
        assert!(!f.iter().any(|x| x.starts_with("not_")), "{f:?}");
    }

    #[test]
    fn context_sentences_weigh_less() {
        let a = Analyzer::new(AnalyzerConfig::default());
        let text = "Peskov praised the call. Critics condemned it.";
        let bag = a.features(text, &[0..6], &[]);
        let w = |k: &str| bag.iter().find(|(f, _)| f == k).unwrap().1;
        assert_eq!(w("prais"), 1.0);
        assert!((w("condemn") - 0.35).abs() < 1e-12);
    }

    #[test]
    fn role_features_mark_the_target_as_agent_or_not() {
        let cfg = AnalyzerConfig {
            roles: true,
            ..Default::default()
        };
        let f = feats(cfg.clone(), "Moscow praised Rubio.", "Moscow", "Rubio");
        assert!(f.contains(&"a:prais".to_string()), "{f:?}");
        let f = feats(cfg, "Rubio praised Moscow.", "Moscow", "Rubio");
        assert!(f.contains(&"p:prais".to_string()), "{f:?}");
        let f = feats(
            AnalyzerConfig::default(),
            "Moscow praised Rubio.",
            "Moscow",
            "Rubio",
        );
        assert!(!f.iter().any(|x| x.starts_with("a:")), "{f:?}");
    }

    #[test]
    fn lexicon_features_follow_valence_negation_and_distance() {
        let a = Analyzer::new(AnalyzerConfig::default());
        let w = |bag: &Bag, k: &str| {
            bag.iter()
                .filter(|(f, _)| f == k)
                .map(|(_, v)| v)
                .sum::<f64>()
        };
        // "welcomed" is positive in VADER and next to the target
        let bag = a.features("Peskov welcomed the talks.", &[0..6], &[]);
        assert!(
            w(&bag, "lex:pos") > 0.0 && w(&bag, "~lex:pos") > 0.0,
            "{bag:?}"
        );
        assert_eq!(w(&bag, "lex:neg"), 0.0);
        // negation flips it
        let bag = a.features("Peskov did not welcome the talks.", &[0..6], &[]);
        assert!(
            w(&bag, "lex:neg") > 0.0 && w(&bag, "lex:pos") == 0.0,
            "{bag:?}"
        );
        // far from the target: no `~` feature; another sentence: context weight
        let bag = a.features(
            "Peskov spoke. Critics said the plan was a terrible idea.",
            &[0..6],
            &[],
        );
        assert!(
            w(&bag, "lex:neg") > 0.0 && w(&bag, "~lex:neg") == 0.0,
            "{bag:?}"
        );
        let off = Analyzer::new(AnalyzerConfig {
            lexicon: false,
            ..Default::default()
        });
        let bag = off.features("Peskov welcomed the talks.", &[0..6], &[]);
        assert!(!bag.iter().any(|(f, _)| f.contains("lex:")), "{bag:?}");
    }

    #[test]
    fn character_ngrams_are_off_by_default_and_pad_words() {
        let bag =
            Analyzer::new(AnalyzerConfig::default()).features("Peskov welcomed it.", &[0..6], &[]);
        assert!(!bag.iter().any(|(f, _)| f.starts_with("c:")), "{bag:?}");
        let a = Analyzer::new(AnalyzerConfig {
            char_ngrams: true,
            ..Default::default()
        });
        let bag = a.features("Peskov welcomed it.", &[0..6], &[]);
        let has = |k: &str| bag.iter().any(|(f, _)| f == k);
        // "welcomed" stems to "welcom": <we, welco, com>, and the short word "it" gives <it>
        assert!(
            has("c:<we") && has("c:welco") && has("c:com>") && has("c:<it>"),
            "{bag:?}"
        );
        // no n-grams of the actor's placeholder
        assert!(
            !bag.iter()
                .any(|(f, _)| f.contains('@') && f.starts_with("c:")),
            "{bag:?}"
        );
    }

    #[test]
    fn speaker_feature() {
        let f = feats(
            AnalyzerConfig::default(),
            "\"No,\" Lavrov said.",
            "Lavrov",
            "",
        );
        assert!(f.contains(&"#speaker".to_string()));
        let f = feats(
            AnalyzerConfig::default(),
            "Talks resumed, according to the Kremlin.",
            "the Kremlin",
            "",
        );
        assert!(f.contains(&"#speaker".to_string()));
        let f = feats(
            AnalyzerConfig::default(),
            "Lavrov met Rubio.",
            "Lavrov",
            "Rubio",
        );
        assert!(!f.contains(&"#speaker".to_string()));
    }

    #[test]
    fn unmasked_mode_keeps_names() {
        let cfg = AnalyzerConfig {
            mask_actors: false,
            ..Default::default()
        };
        let f = feats(cfg, "Lavrov welcomed talks.", "Lavrov", "");
        assert!(f.contains(&"lavrov".to_string()), "{f:?}");
        assert!(!f.contains(&"#no_target".to_string()));
    }
}
