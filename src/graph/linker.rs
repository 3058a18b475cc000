//! The entity linker: free text naming a disease ("Treatment of pulmonary
//! arterial hypertension", a trial condition) to a disease node.
//!
//! Hand-written because the job is small and specific: an index of every
//! disease name and synonym, normalised (case, punctuation, possessives,
//! parenthesised abbreviations), matched in three passes of falling
//! confidence:
//! 1. the whole text, once purpose phrases ("treatment of", "in patients
//!    with ...") are stripped, equals a name: 1.0 for a preferred name, 0.95
//!    for a synonym;
//! 2. the same words in another order (`anemia, fanconi`): 0.9;
//! 3. the longest preferred name contained in the text as a run of whole
//!    words, of at least two words or one word of 6+ letters, and not
//!    narrowed by what surrounds it ("X due to Y", "post-X", "hereditary X"):
//!    0.5 to 0.85 by the share of the text it covers.
//!
//! A text whose best match names several diseases equally is left unlinked
//! (ambiguous) rather than guessed.
//!
//! The vendored MONDO table gives no synonym scopes, and some of its
//! synonyms are broader than their disease. [`synonym_breadth`] judges each
//! from the names around it: a synonym whose words are all in an ancestor's
//! name is indexed under that ancestor ("acid lipase deficiency" on Wolman
//! disease goes to lysosomal acid lipase deficiency), and one that is its
//! disease's name less a narrowing word or phrase ("pancreatic cancer" on
//! familial pancreatic carcinoma) is not indexed.
//!
//! Precision is measured against hand-checked samples in `tests/fixtures/`
//! (`linker_sample.tsv`, `linker_heldout.tsv`, `linker_heldout2.tsv`).

use super::model::NodeId;
use std::collections::HashMap;

/// A text linked to a disease.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub disease: NodeId,
    /// 0..=1; see the module documentation.
    pub confidence: f32,
    /// The disease name or synonym that matched, as the graph spells it.
    pub matched_name: String,
    /// `exact`, `synonym`, `tokens` or `contained`.
    pub method: &'static str,
}

/// The outcome of linking one text.
#[derive(Debug, Clone, PartialEq)]
pub enum Linked {
    Linked(Link),
    /// Several diseases match equally well.
    Ambiguous(Vec<NodeId>),
    Unlinked,
}

#[derive(Clone)]
struct Entry {
    disease: NodeId,
    preferred: bool,
    name: String,
}

/// The name index.
#[derive(Default)]
pub struct Linker {
    exact: HashMap<String, Vec<Entry>>,
    tokens: HashMap<String, Vec<Entry>>,
    longest: usize,
}

/// Leading phrases that state a purpose, not a disease.
const PURPOSES: [&str; 16] = [
    "treatment of",
    "the treatment of",
    "for the treatment of",
    "prevention of",
    "the prevention of",
    "prophylaxis of",
    "diagnosis of",
    "the diagnosis of",
    "management of",
    "treatment and prevention of",
    "treatment and prophylaxis of",
    "long term treatment of",
    "chronic treatment of",
    "use in the treatment of",
    "reduction of",
    "control of",
];

/// Trailing phrases that narrow the population, not the disease.
const POPULATIONS: [&str; 6] = [
    " in patients ",
    " in pediatric ",
    " in children",
    " in adults",
    " in adult ",
    " in infants",
];

/// Words that do not tell diseases apart in a token match.
const STOP: [&str; 8] = ["of", "the", "and", "with", "in", "to", "a", "an"];

/// Phrases after a contained name that narrow it to another disease.
const QUALIFIERS: [&[&str]; 8] = [
    &["spectrum"],
    &["due", "to"],
    &["associated", "with"],
    &["caused", "by"],
    &["secondary", "to"],
    &["induced", "by"],
    &["related", "to"],
    &["resulting", "from"],
];

/// Words that may stand right before a one-word disease name.
const MODIFIERS: [&str; 24] = [
    "treatment",
    "stage",
    "advanced",
    "severe",
    "mild",
    "moderate",
    "refractory",
    "relapsed",
    "metastatic",
    "recurrent",
    "late",
    "early",
    "pediatric",
    "paediatric",
    "adult",
    "childhood",
    "course",
    "active",
    "invasive",
    "systemic",
    "localized",
    "unresectable",
    "resistant",
    "progressive",
];

/// Words before a contained name that make it another disease.
const PREFIXES: [&str; 6] = ["post", "pre", "non", "anti", "pseudo", "hereditary"];

/// Prefixes that turn the next word into its opposite or its absence.
const NEGATING: [&str; 2] = ["non", "anti"];

/// Words that name no disease on their own: a contained name made only of
/// these and numbers ("type 2", "syndrome") is not a match.
const GENERIC: [&str; 16] = [
    "type",
    "types",
    "syndrome",
    "disease",
    "disorder",
    "deficiency",
    "form",
    "group",
    "acute",
    "chronic",
    "severe",
    "primary",
    "secondary",
    "familial",
    "congenital",
    "adult",
];

/// Words that narrow a disease name to a subset of its patients: a
/// disease named "familial pancreatic carcinoma" is narrower than its
/// synonym "pancreatic cancer". A number narrows too ("... thoracic 1").
const NARROWING: [&str; 14] = [
    "familial",
    "hereditary",
    "inherited",
    "congenital",
    "juvenile",
    "infantile",
    "neonatal",
    "childhood",
    "adult",
    "early",
    "late",
    "onset",
    "sporadic",
    "susceptibility",
];

/// The words of a normalised name that tell diseases apart, with the
/// spellings of one word made one ("carcinoma" and "cancer").
fn specific_words(normalised: &str) -> impl Iterator<Item = &str> {
    normalised
        .split(' ')
        .filter(|w| !STOP.contains(w))
        .map(|w| match w {
            "carcinoma" | "carcinomas" | "cancers" => "cancer",
            "tumour" | "tumours" | "tumors" => "tumor",
            w => w,
        })
}

/// How a synonym relates to its disease, where the source does not say
/// (the vendored MONDO table has no synonym scopes).
#[derive(Debug, Clone, PartialEq)]
pub enum SynonymBreadth {
    /// Names the disease itself.
    Exact,
    /// Names no more than these nearest ancestors do: every word of the
    /// synonym is in their preferred names ("acid lipase deficiency" on
    /// Wolman disease, under "lysosomal acid lipase deficiency").
    Ancestor(Vec<NodeId>),
    /// Broader than the disease, with no ancestor to carry it: the
    /// disease's preferred name is the synonym plus narrowing words
    /// ("pancreatic cancer" on familial pancreatic carcinoma) or a
    /// qualifying phrase ("X due to Y").
    Broad,
}

/// The scope of `synonym`, given the disease's preferred name and its
/// ancestors' preferred names nearest first, one list per generation;
/// every text already [`normalise`]d.
pub fn synonym_breadth(
    synonym: &str,
    preferred: &str,
    ancestors: &[Vec<(NodeId, &str)>],
) -> SynonymBreadth {
    let words: Vec<&str> = specific_words(synonym).collect();
    if words.is_empty() {
        return SynonymBreadth::Exact;
    }
    let covers = |name: &str| words.iter().all(|w| specific_words(name).any(|x| x == *w));
    for generation in ancestors {
        let covering: Vec<NodeId> = generation
            .iter()
            .filter(|(_, name)| covers(name))
            .map(|&(id, _)| id)
            .collect();
        if !covering.is_empty() {
            return SynonymBreadth::Ancestor(covering);
        }
    }
    let mut extra = specific_words(preferred)
        .filter(|w| !words.contains(w))
        .peekable();
    let narrowed = extra.peek().is_some()
        && extra.all(|w| NARROWING.contains(&w) || w.bytes().all(|b| b.is_ascii_digit()))
        && covers(preferred);
    // "hyperphenylalaninemia" on "hyperphenylalaninemia due to
    // tetrahydrobiopterin deficiency".
    let p: Vec<&str> = preferred.split(' ').collect();
    let s: Vec<&str> = synonym.split(' ').collect();
    let qualified = p.len() > s.len()
        && p.starts_with(&s)
        && QUALIFIERS.iter().any(|q| p[s.len()..].starts_with(q));
    let narrowed = narrowed || qualified;
    if narrowed {
        SynonymBreadth::Broad
    } else {
        SynonymBreadth::Exact
    }
}

/// Lower case, `'s` dropped, parenthesised text dropped, punctuation as
/// spaces, spaces collapsed.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0u32;
    let lower = text
        .to_lowercase()
        .replace("'s ", " ")
        .replace("\u{2019}s ", " ");
    for c in lower.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_alphanumeric() => out.push(c),
            _ => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
        }
    }
    canonical_numbers(out.trim())
}

/// Roman numerals as digits, and a letter after a number joined to it, so
/// that `type IV A`, `type IVA` and `type 4A` all read `type 4a`.
fn canonical_numbers(text: &str) -> String {
    const ROMAN: [&str; 10] = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"];
    let roman = |w: &str| {
        ROMAN
            .iter()
            .position(|r| *r == w)
            .map(|i| (i + 1).to_string())
    };
    let mut out: Vec<String> = Vec::new();
    let mut after_class_word = false;
    for w in text.split(' ') {
        let mut word = roman(w).unwrap_or_else(|| w.to_string());
        // `iva`, `iib` after "type", "stage", "group" or "class".
        if after_class_word && word == w {
            if let Some((num, letter)) = w
                .char_indices()
                .last()
                .and_then(|(i, c)| roman(&w[..i]).map(|n| (n, c)))
            {
                if ('a'..='d').contains(&letter) {
                    word = format!("{num}{letter}");
                }
            }
        }
        let joins = word.len() == 1
            && ('a'..='d').contains(&word.chars().next().unwrap_or(' '))
            && out
                .last()
                .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()));
        after_class_word = matches!(word.as_str(), "type" | "stage" | "group" | "class");
        match out.last_mut() {
            Some(prev) if joins => prev.push_str(&word),
            _ => out.push(word),
        }
    }
    out.join(" ")
}

/// The words as a sorted set, so that the same words in another order match
/// ("anemia, Fanconi"; "Duchenne muscular dystrophy and Becker muscular
/// dystrophy"). A negating prefix stays joined to its word: "non-squamous
/// non-small cell lung cancer" is not "non-small cell squamous lung cancer".
fn token_key(normalised: &str) -> String {
    let mut t: Vec<String> = Vec::new();
    let mut words = normalised.split(' ').filter(|w| !STOP.contains(w));
    while let Some(w) = words.next() {
        match words.clone().next() {
            Some(next) if NEGATING.contains(&w) => {
                t.push(format!("{w}-{next}"));
                words.next();
            }
            _ => t.push(w.to_string()),
        }
    }
    t.sort_unstable();
    t.dedup();
    t.join(" ")
}

/// The text with purpose and population phrases removed.
fn core(normalised: &str) -> &str {
    let mut s = normalised;
    loop {
        let before = s;
        for p in PURPOSES {
            if let Some(rest) = s.strip_prefix(p) {
                s = rest.trim_start();
            }
        }
        if s == before {
            break;
        }
    }
    // Padded so that a population phrase at the very end is found too.
    let padded = format!("{s} ");
    let cut = POPULATIONS
        .iter()
        .filter_map(|p| padded.find(p))
        .min()
        .unwrap_or(s.len());
    s[..cut.min(s.len())].trim()
}

impl Linker {
    /// Indexes `(disease, name, preferred)` triples.
    pub fn new<'a>(names: impl IntoIterator<Item = (NodeId, &'a str, bool)>) -> Linker {
        let mut l = Linker::default();
        for (disease, name, preferred) in names {
            let n = normalise(name);
            if n.is_empty() {
                continue;
            }
            l.longest = l.longest.max(n.split(' ').count());
            let e = Entry {
                disease,
                preferred,
                name: name.to_string(),
            };
            l.tokens.entry(token_key(&n)).or_default().push(e.clone());
            l.exact.entry(n).or_default().push(e);
        }
        l
    }

    /// Links one text.
    pub fn link(&self, text: &str) -> Linked {
        let n = normalise(text);
        let c = core(&n);
        if c.is_empty() {
            return Linked::Unlinked;
        }
        if let Some(found) = self.exact.get(c) {
            return pick(found, |e| {
                if e.preferred {
                    (1.0, "exact")
                } else {
                    (0.95, "synonym")
                }
            });
        }
        if let Some(found) = self.tokens.get(&token_key(c)) {
            return pick(found, |_| (0.9, "tokens"));
        }
        // The longest name contained as whole words.
        let words: Vec<&str> = c.split(' ').collect();
        for len in (1..=self.longest.min(words.len())).rev() {
            let mut best: Vec<&Entry> = Vec::new();
            for start in 0..=words.len() - len {
                if len == 1 && words[start].len() < 6 {
                    continue;
                }
                let specific = words[start..start + len].iter().any(|w| {
                    w.len() >= 3
                        && !STOP.contains(w)
                        && !GENERIC.contains(w)
                        && !w.bytes().all(|b| b.is_ascii_digit())
                });
                if !specific {
                    continue;
                }
                // "cardiomyopathy associated with doxorubicin", "post-ET
                // myelofibrosis": the text names a narrower disease than the
                // name it contains.
                let before = start.checked_sub(1).map(|i| words[i]);
                let after = words.get(start + len..).unwrap_or(&[]);
                let qualified = QUALIFIERS.iter().any(|q| after.starts_with(q));
                if qualified || before.is_some_and(|b| PREFIXES.contains(&b)) {
                    continue;
                }
                // One word alone ("lymphoma") only after a purpose, stage or
                // severity word: "large B-cell lymphoma" names another disease.
                if len == 1
                    && before.is_some_and(|b| {
                        !STOP.contains(&b)
                            && !MODIFIERS.contains(&b)
                            // A stage or type number: "stage 4 melanoma".
                            && !b.starts_with(|c: char| c.is_ascii_digit())
                    })
                {
                    continue;
                }
                if let Some(found) = self.exact.get(&words[start..start + len].join(" ")) {
                    // Only preferred names: a synonym inside a longer text is
                    // too often a broader term ("breast cancer" for
                    // hereditary breast carcinoma).
                    best.extend(found.iter().filter(|e| e.preferred));
                }
            }
            if !best.is_empty() {
                let share = len as f32 / words.len() as f32;
                let confidence = 0.5 + 0.35 * share;
                return pick(best, |_| (confidence, "contained"));
            }
        }
        Linked::Unlinked
    }
}

/// One disease from equally good entries: preferred names first; several
/// distinct diseases left are ambiguous.
fn pick<'a>(
    found: impl IntoIterator<Item = &'a Entry>,
    score: impl Fn(&Entry) -> (f32, &'static str),
) -> Linked {
    let found: Vec<&Entry> = found.into_iter().collect();
    let pool: Vec<&Entry> = if found.iter().any(|e| e.preferred) {
        found.into_iter().filter(|e| e.preferred).collect()
    } else {
        found
    };
    let mut diseases: Vec<NodeId> = pool.iter().map(|e| e.disease).collect();
    diseases.sort_unstable();
    diseases.dedup();
    if diseases.len() > 1 {
        return Linked::Ambiguous(diseases);
    }
    let e = pool[0];
    let (confidence, method) = score(e);
    Linked::Linked(Link {
        disease: e.disease,
        confidence,
        matched_name: e.name.clone(),
        method,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linker() -> Linker {
        Linker::new([
            (NodeId::new(1), "Pulmonary arterial hypertension", true),
            (NodeId::new(2), "Fanconi anemia", true),
            (NodeId::new(3), "Polymyositis", true),
            (NodeId::new(4), "PM", false),
            (NodeId::new(5), "Hypertension", true),
        ])
    }

    #[test]
    fn purpose_and_population_phrases_are_stripped() {
        let Linked::Linked(l) = linker().link(
            "Treatment of pulmonary arterial hypertension (PAH) in patients with WHO group 1",
        ) else {
            panic!()
        };
        assert_eq!((l.disease, l.method), (NodeId::new(1), "exact"));
    }

    #[test]
    fn word_order_and_containment() {
        let l = linker();
        assert!(matches!(
            l.link("Anemia, Fanconi"),
            Linked::Linked(Link {
                method: "tokens",
                ..
            })
        ));
        let Linked::Linked(c) = l.link("Treatment of refractory polymyositis flares") else {
            panic!()
        };
        assert_eq!((c.disease, c.method), (NodeId::new(3), "contained"));
        assert!(c.confidence < 0.9);
        // The longest contained name wins over a shorter one inside it.
        let Linked::Linked(p) = l.link("Severe pulmonary arterial hypertension") else {
            panic!()
        };
        assert_eq!(p.disease, NodeId::new(1));
        assert_eq!(l.link("Treatment of pain"), Linked::Unlinked);
        // A contained name narrowed by what follows or precedes it.
        assert_eq!(
            l.link("Hypertension due to renal artery stenosis"),
            Linked::Unlinked
        );
        assert_eq!(l.link("Post-polymyositis fatigue"), Linked::Unlinked);
    }

    /// Regression: the word-order key was a set of words, so the two "non"
    /// of the opposite subtype matched the one of its name.
    #[test]
    fn word_order_keeps_repeated_words() {
        let l = Linker::new([(
            NodeId::new(1),
            "Non-small cell squamous lung carcinoma",
            true,
        )]);
        assert_eq!(
            l.link("Non-Squamous Non-small Cell Lung Carcinoma"),
            Linked::Unlinked
        );
        assert!(matches!(
            l.link("Squamous non-small cell lung carcinoma"),
            Linked::Linked(Link {
                method: "tokens",
                ..
            })
        ));
        // Words shared by two conjoined names still match once.
        let l = Linker::new([(
            NodeId::new(2),
            "Duchenne and Becker muscular dystrophy",
            true,
        )]);
        assert!(matches!(
            l.link("Treatment of Duchenne Muscular Dystrophy and Becker Muscular Dystrophy"),
            Linked::Linked(Link {
                disease,
                method: "tokens",
                ..
            }) if disease == NodeId::new(2)
        ));
    }

    #[test]
    fn synonym_scopes() {
        let parents = vec![vec![(NodeId::new(9), "lysosomal acid lipase deficiency")]];
        assert_eq!(
            synonym_breadth("acid lipase deficiency", "wolman disease", &parents),
            SynonymBreadth::Ancestor(vec![NodeId::new(9)])
        );
        assert_eq!(
            synonym_breadth("wolman disease", "wolman disease", &parents),
            SynonymBreadth::Exact
        );
        let pancreatic = "familial pancreatic carcinoma";
        assert_eq!(
            synonym_breadth("pancreatic cancer", pancreatic, &[]),
            SynonymBreadth::Broad
        );
        assert_eq!(
            synonym_breadth("familial pancreatic cancer", pancreatic, &[]),
            SynonymBreadth::Exact
        );
        assert_eq!(
            synonym_breadth(
                "hyperphenylalaninemia",
                "hyperphenylalaninemia due to tetrahydrobiopterin deficiency",
                &[]
            ),
            SynonymBreadth::Broad
        );
        // A narrower synonym does not make the disease's own name broad.
        assert_eq!(
            synonym_breadth(
                "primary biliary cirrhosis",
                "primary biliary cholangitis",
                &[]
            ),
            SynonymBreadth::Exact
        );
        assert_eq!(
            synonym_breadth(
                "aneurysm thoracic aortic",
                "aortic aneurysm familial thoracic 1",
                &[]
            ),
            SynonymBreadth::Broad
        );
    }

    #[test]
    fn roman_numerals_and_subtype_letters() {
        assert_eq!(normalise("MPS Type IV A"), "mps type 4a");
        assert_eq!(normalise("MPS type IVA"), "mps type 4a");
        assert_eq!(
            normalise("mucopolysaccharidosis type 4A"),
            "mucopolysaccharidosis type 4a"
        );
        assert_eq!(
            normalise("Glycogen storage disease type II"),
            "glycogen storage disease type 2"
        );
        assert_eq!(normalise("delivery via catheter"), "delivery via catheter");
    }
}
