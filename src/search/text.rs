//! Words, their folding and stemming (tantivy's analyzers, so that the
//! index and the re-ranking see the same words), and the matching of a
//! query's words against one text, which decides the rank tier and the
//! highlights.

use super::{MatchedField, Texts};
use std::cell::RefCell;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer,
};
use tantivy::Index;

/// Lower-cased, ASCII-folded words.
pub(super) const WORDS: &str = "rarekg_words";
/// The same words, stemmed (English).
pub(super) const STEMS: &str = "rarekg_stems";

fn words_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

fn stems_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

pub(super) fn register(index: &Index) {
    index.tokenizers().register(WORDS, words_analyzer());
    index.tokenizers().register(STEMS, stems_analyzer());
}

thread_local! {
    static ANALYZERS: RefCell<(TextAnalyzer, TextAnalyzer)> =
        RefCell::new((words_analyzer(), stems_analyzer()));
}

/// One word of a text: where it is, folded, and its stem.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub from: usize,
    pub to: usize,
    pub folded: String,
    pub stem: String,
}

/// The words of `text`. One pass of the stemming analyzer; the folded
/// word is the lower-cased text where it is ASCII (the folding analyzer
/// runs only for texts that are not).
pub fn words(text: &str) -> Vec<Word> {
    ANALYZERS.with(|a| {
        let (words, stems) = &mut *a.borrow_mut();
        let mut out = Vec::new();
        stems.token_stream(text).process(&mut |t| {
            out.push(Word {
                from: t.offset_from,
                to: t.offset_to,
                folded: text[t.offset_from..t.offset_to].to_ascii_lowercase(),
                stem: t.text.clone(),
            })
        });
        if !text.is_ascii() {
            let mut i = 0;
            words.token_stream(text).process(&mut |t| {
                if let Some(w) = out.get_mut(i) {
                    w.folded = t.text.clone();
                }
                i += 1;
            });
        }
        out
    })
}

/// The folded words of `text`, space-separated: the key of exact matches.
pub fn fold(text: &str) -> String {
    words(text)
        .into_iter()
        .map(|w| w.folded)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The typos forgiven in a word: none up to 3 letters, one up to 9, two
/// from 10.
pub(super) fn distance(word: &str) -> u8 {
    match word.chars().count() {
        0..=3 => 0,
        4..=9 => 1,
        _ => 2,
    }
}

/// The cost of `q` hitting `t`: 0 for the same word, stem or (for the
/// last word of the query) the start of the word; the number of typos
/// otherwise; `None` if too far.
fn word_cost(q: &Word, t: &Word, last: bool) -> Option<u32> {
    if q.folded == t.folded || q.stem == t.stem || (last && t.folded.starts_with(&q.folded)) {
        return Some(0);
    }
    let d = u32::from(distance(&q.folded));
    if d == 0 {
        return None;
    }
    let full = strsim::levenshtein(&q.folded, &t.folded) as u32;
    let mut best = full;
    if last {
        // The start of the word, give or take the typos.
        let qn = q.folded.chars().count();
        let chars: Vec<char> = t.folded.chars().collect();
        for len in qn.saturating_sub(d as usize)..=(qn + d as usize).min(chars.len()) {
            let prefix: String = chars[..len].iter().collect();
            best = best.min(strsim::levenshtein(&q.folded, &prefix) as u32);
        }
    }
    (best <= d).then_some(best)
}

/// How well the query matched one text.
#[derive(Debug, Clone)]
pub(super) struct Match<'t> {
    pub field: MatchedField,
    pub text: &'t str,
    pub ranges: Vec<(usize, usize)>,
    tier: u8,
    cost: u32,
    /// Words of the text the query did not hit: fewer is a closer match.
    extra: usize,
}

impl Match<'_> {
    /// Smaller is better.
    pub fn rank(&self) -> (u8, u32, usize) {
        (self.tier, self.cost, self.extra)
    }
}

/// Every query word must hit a word of the text.
fn all_words<'t>(q: &[Word], text: &'t str, field: MatchedField, tier: u8) -> Option<Match<'t>> {
    let t = words(text);
    let mut ranges = Vec::new();
    let mut cost = 0;
    for (i, qw) in q.iter().enumerate() {
        let last = i == q.len() - 1;
        let (c, w) = t
            .iter()
            .filter_map(|tw| word_cost(qw, tw, last).map(|c| (c, tw)))
            .min_by_key(|(c, _)| *c)?;
        cost += c;
        ranges.push((w.from, w.to));
    }
    ranges.sort_unstable();
    ranges.dedup();
    Some(Match {
        field,
        text,
        extra: t.len().saturating_sub(ranges.len()),
        ranges,
        tier,
        cost,
    })
}

/// The best match of the query among an entity's texts. Tiers: 0 an id,
/// 1 the name, 2 a synonym (whole text), 3 words of the name, 4 words of a
/// synonym, 5 the definition or anything else tantivy found.
pub(super) fn best_match<'t>(q: &[Word], raw: &str, t: &'t Texts<'t>) -> Match<'t> {
    let raw_id = raw.trim().to_lowercase();
    if let Some(id) = std::iter::once(&t.id)
        .chain(&t.ids)
        .find(|id| id.to_lowercase() == raw_id)
    {
        return Match {
            field: MatchedField::Id,
            text: id,
            ranges: vec![(0, id.len())],
            tier: 0,
            cost: 0,
            extra: 0,
        };
    }
    let folded: Vec<&str> = q.iter().map(|w| w.folded.as_str()).collect();
    let folded = folded.join(" ");
    let whole = |text: &'t str, field, tier| {
        // Folding keeps the letters: a text of another length by far
        // cannot fold to the query.
        let plausible = text.len() + 2 >= folded.len() && text.len() <= 2 * folded.len() + 8;
        (plausible && fold(text) == folded).then(|| Match {
            field,
            text,
            ranges: vec![(0, text.len())],
            tier,
            cost: 0,
            extra: 0,
        })
    };
    if let Some(m) = whole(t.name, MatchedField::Name, 1) {
        return m;
    }
    if let Some(m) = t
        .synonyms
        .iter()
        .find_map(|s| whole(s, MatchedField::Synonym, 2))
    {
        return m;
    }
    let mut best = all_words(q, t.name, MatchedField::Name, 3);
    // A synonym's words (tier 4) cannot beat the name's (tier 3).
    if best.is_none() {
        for s in &t.synonyms {
            if let Some(m) = all_words(q, s, MatchedField::Synonym, 4) {
                if best.as_ref().is_none_or(|b| m.rank() < b.rank()) {
                    best = Some(m);
                }
            }
        }
    }
    // The rest matched in the definition (or by a fragment tantivy found):
    // one tier, without tokenizing long definitions for every candidate;
    // the hits shown get their highlights from [`definition_match`].
    best.unwrap_or(Match {
        field: MatchedField::Definition,
        text: t.definition.unwrap_or(t.name),
        ranges: Vec::new(),
        tier: 5,
        cost: 0,
        extra: 0,
    })
}

/// The words of a definition the query hit, if it hit them all.
pub(super) fn definition_match(q: &[Word], definition: &str) -> Option<Vec<(usize, usize)>> {
    all_words(q, definition, MatchedField::Definition, 5).map(|m| m.ranges)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fold_and_stem() {
        let w = words("Ehlers-Danlos syndrome, hypermobility type");
        assert_eq!(w[0].folded, "ehlers");
        assert_eq!(w[1].folded, "danlos");
        assert_eq!(
            &"Ehlers-Danlos syndrome, hypermobility type"[w[3].from..w[3].to],
            "hypermobility"
        );
        assert_eq!(fold("Sjögren's  syndrome"), "sjogren s syndrome");
    }

    #[test]
    fn typos_and_prefixes() {
        let q = words("polymiositis");
        let t = words("Polymyositis");
        assert_eq!(word_cost(&q[0], &t[0], true), Some(1));
        let q = words("polymyo");
        assert_eq!(word_cost(&q[0], &t[0], true), Some(0));
        assert_eq!(word_cost(&q[0], &t[0], false), None);
        let q = words("hypermobilty");
        let t = words("hypermobility");
        assert_eq!(word_cost(&q[0], &t[0], false), Some(1));
        // Stems: "anemias" hits "anemia".
        let q = words("anemias");
        let t = words("anemia");
        assert_eq!(word_cost(&q[0], &t[0], false), Some(0));
    }
}
