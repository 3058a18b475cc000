//! Full-text search over every entity of a release: diseases, phenotypes,
//! genes, drugs, trials and patient organizations, by name, synonym, id and
//! definition.
//!
//! The index is a [tantivy] index in memory, built with each release.
//! tantivy finds the candidates (typo-tolerant prefix matching on the last
//! word for a search box, typo-tolerant and stemmed matching on the
//! others); they are then ordered by what matched, so that an exact id or
//! name comes before a name match, a name match before a synonym match, and
//! a synonym before a definition:
//!
//! ```
//! # use rarekg::search::{Kind, Request};
//! let r = Request::new("polymiositis").kinds(vec![Kind::Disease]).limit(3);
//! assert_eq!(r.limit, 3);
//! ```
//!
//! Highlights are computed here, on the text that matched, because tantivy's
//! snippets do not expand fuzzy and prefix queries into the words they hit.

mod text;

use crate::graph::model::NodeId;
use crate::graph::KnowledgeGraph;
use std::collections::HashMap;
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST,
    STRING,
};
use tantivy::{Index, IndexReader, TantivyDocument, Term};
pub use text::{words, Word};

/// What a search may be refused for.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query has no word to search for.
    #[error("the search text has no word to search for")]
    Empty,
    /// The query is longer than [`MAX_QUERY_CHARS`] or [`MAX_QUERY_WORDS`].
    #[error("the search text is too long (at most {MAX_QUERY_CHARS} characters and {MAX_QUERY_WORDS} words)")]
    TooLong,
    /// The index could not be read.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index could not be built.
    #[error("the search index could not be built: {0}")]
    Build(String),
}

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// The most words a query may have.
pub const MAX_QUERY_WORDS: usize = 12;
/// How many candidates tantivy hands to the re-ranking.
const CANDIDATES: usize = 60;

/// The entity types searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Disease,
    Phenotype,
    Gene,
    Drug,
    Trial,
    Organization,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Disease,
        Kind::Phenotype,
        Kind::Gene,
        Kind::Drug,
        Kind::Trial,
        Kind::Organization,
    ];

    fn facet(self) -> Facet {
        Facet::from(match self {
            Kind::Disease => "/disease",
            Kind::Phenotype => "/phenotype",
            Kind::Gene => "/gene",
            Kind::Drug => "/drug",
            Kind::Trial => "/trial",
            Kind::Organization => "/organization",
        })
    }

    fn code(self) -> u64 {
        self as u64
    }

    fn from_code(c: u64) -> Kind {
        Kind::ALL[c as usize]
    }
}

/// Which text of an entity matched, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchedField {
    /// An id or, for genes, the symbol.
    Id,
    Name,
    Synonym,
    Definition,
}

/// One search.
#[derive(Debug, Clone)]
pub struct Request {
    pub text: String,
    /// Only these types; empty for all.
    pub kinds: Vec<Kind>,
    pub limit: usize,
    pub offset: usize,
}

impl Request {
    pub fn new(text: &str) -> Request {
        Request {
            text: text.to_string(),
            kinds: Vec::new(),
            limit: 10,
            offset: 0,
        }
    }
    pub fn kinds(mut self, kinds: Vec<Kind>) -> Request {
        self.kinds = kinds;
        self
    }
    pub fn limit(mut self, limit: usize) -> Request {
        self.limit = limit;
        self
    }
    pub fn offset(mut self, offset: usize) -> Request {
        self.offset = offset;
        self
    }
}

/// One entity found.
#[derive(Debug, Clone)]
pub struct Hit {
    pub kind: Kind,
    /// The node (disease, phenotype, gene) or the record index (drug,
    /// trial, organization fact).
    pub key: u32,
    pub id: String,
    pub name: String,
    pub field: MatchedField,
    /// The text that matched (the name, a synonym, an id or the definition).
    pub matched: String,
    /// Byte ranges of `matched` that the query's words hit.
    pub highlights: Vec<(usize, usize)>,
    /// tantivy's relevance score, used within a rank tier.
    pub score: f32,
}

/// A page of hits, the number of entities matching, and that number by type.
#[derive(Debug, Clone)]
pub struct Found {
    pub hits: Vec<Hit>,
    /// Entities matching, of the requested types.
    pub total: usize,
    /// Entities matching, by type, whatever types were requested.
    pub facets: Vec<(Kind, u64)>,
}

struct Fields {
    key: Field,
    kind: Field,
    id: Field,
    words: Field,
    name_stem: Field,
    name_exact: Field,
    synonym_stem: Field,
    synonym_exact: Field,
    definition: Field,
}

/// The search index of one release.
pub struct SearchIndex {
    reader: IndexReader,
    f: Fields,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").finish_non_exhaustive()
    }
}

/// The texts of an entity that are searched.
pub(crate) struct Texts<'a> {
    pub id: String,
    pub ids: Vec<String>,
    pub name: &'a str,
    pub synonyms: Vec<&'a str>,
    pub definition: Option<&'a str>,
}

fn texts(kg: &KnowledgeGraph, kind: Kind, key: u32) -> Texts<'_> {
    let r = kg.records();
    match kind {
        Kind::Disease => {
            let d = kg.disease(NodeId::new(key as usize));
            Texts {
                id: d.id.to_string(),
                ids: d.equivalent_ids.iter().map(|c| c.to_string()).collect(),
                name: &d.name.value,
                synonyms: d.synonyms.iter().map(|s| s.value.as_str()).collect(),
                definition: d.definition.as_ref().map(|s| s.value.as_str()),
            }
        }
        Kind::Phenotype => {
            let p = kg.phenotype(NodeId::new(key as usize));
            Texts {
                id: p.id.to_string(),
                ids: p.alt_ids.iter().map(|c| c.to_string()).collect(),
                name: &p.name,
                synonyms: p.synonyms.iter().map(|s| s.text.as_str()).collect(),
                definition: p.definition.as_deref(),
            }
        }
        Kind::Gene => {
            let g = kg.gene(NodeId::new(key as usize));
            let mut ids: Vec<String> = [&g.hgnc, &g.ncbi_gene, &g.ensembl]
                .into_iter()
                .flatten()
                .map(|c| c.to_string())
                .collect();
            ids.push(g.symbol.clone());
            Texts {
                id: g.id.to_string(),
                ids,
                name: &g.symbol,
                synonyms: g
                    .name
                    .iter()
                    .map(String::as_str)
                    .chain(g.alias_symbols.iter().map(String::as_str))
                    .chain(g.previous_symbols.iter().map(String::as_str))
                    .collect(),
                definition: None,
            }
        }
        Kind::Drug => {
            let d = &r.drugs[key as usize];
            Texts {
                id: d.id.clone(),
                ids: Vec::new(),
                name: &d.generic_name,
                synonyms: d.trade_names.iter().map(String::as_str).collect(),
                definition: None,
            }
        }
        Kind::Trial => {
            let t = &r.trials[key as usize].record;
            Texts {
                id: t.nct_id.clone(),
                ids: Vec::new(),
                name: t.brief_title.as_deref().unwrap_or(&t.nct_id),
                synonyms: t.official_title.iter().map(String::as_str).collect(),
                definition: None,
            }
        }
        Kind::Organization => {
            let (_, o) = &r.organizations[key as usize];
            Texts {
                id: o.url.clone(),
                ids: Vec::new(),
                name: &o.organization,
                synonyms: Vec::new(),
                definition: None,
            }
        }
    }
}

impl SearchIndex {
    /// Indexes every entity of `kg` (obsolete HPO terms left out).
    pub fn build(kg: &KnowledgeGraph) -> Result<SearchIndex, SearchError> {
        let mut sb = Schema::builder();
        let words = |tokenizer: &str, freqs: bool| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(if freqs {
                        IndexRecordOption::WithFreqs
                    } else {
                        IndexRecordOption::Basic
                    }),
            )
        };
        let f = Fields {
            key: sb.add_u64_field("key", FAST),
            kind: sb.add_facet_field("kind", FacetOptions::default()),
            id: sb.add_text_field("id", STRING),
            // Names and synonyms together: one typo-tolerant automaton per
            // query word (building one is most of a fuzzy query's cost).
            words: sb.add_text_field("words", words(text::WORDS, false)),
            name_stem: sb.add_text_field("name_stem", words(text::STEMS, true)),
            name_exact: sb.add_text_field("name_exact", STRING),
            synonym_stem: sb.add_text_field("synonym_stem", words(text::STEMS, true)),
            synonym_exact: sb.add_text_field("synonym_exact", STRING),
            definition: sb.add_text_field("definition", words(text::STEMS, true)),
        };
        let index = Index::create_in_ram(sb.build());
        text::register(&index);
        // A budget that holds the whole index: one segment, no merge.
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 400_000_000)?;
        let add = |kind: Kind, key: u32| -> Result<(), SearchError> {
            let t = texts(kg, kind, key);
            let mut doc = TantivyDocument::default();
            doc.add_u64(f.key, (kind.code() << 32) | u64::from(key));
            doc.add_facet(f.kind, kind.facet());
            doc.add_text(f.id, t.id.to_lowercase());
            for id in &t.ids {
                doc.add_text(f.id, id.to_lowercase());
            }
            doc.add_text(f.words, t.name);
            doc.add_text(f.name_stem, t.name);
            doc.add_text(f.name_exact, text::fold(t.name));
            for s in &t.synonyms {
                doc.add_text(f.words, s);
                doc.add_text(f.synonym_stem, s);
                doc.add_text(f.synonym_exact, text::fold(s));
            }
            if let Some(d) = t.definition {
                doc.add_text(f.definition, d);
            }
            writer.add_document(doc)?;
            Ok(())
        };
        for n in kg.diseases() {
            add(Kind::Disease, n.index() as u32)?;
        }
        for n in kg.phenotypes() {
            if !kg.phenotype(n).obsolete {
                add(Kind::Phenotype, n.index() as u32)?;
            }
        }
        for n in kg.genes() {
            add(Kind::Gene, n.index() as u32)?;
        }
        let r = kg.records();
        for i in 0..r.drugs.len() {
            add(Kind::Drug, i as u32)?;
        }
        for i in 0..r.trials.len() {
            add(Kind::Trial, i as u32)?;
        }
        // One entry per organization, however many diseases it serves.
        let mut seen = std::collections::HashSet::new();
        for (i, (_, o)) in r.organizations.iter().enumerate() {
            if seen.insert(o.url.as_str()) {
                add(Kind::Organization, i as u32)?;
            }
        }
        writer.commit()?;
        // One segment: a query walks each segment's term dictionaries.
        let segments = index.searchable_segment_ids()?;
        if segments.len() > 1 {
            writer.merge(&segments).wait()?;
        }
        writer.wait_merging_threads()?;
        let reader = index.reader()?;
        Ok(SearchIndex { reader, f })
    }

    /// Runs one search against `kg`, the graph the index was built from.
    pub fn search(&self, kg: &KnowledgeGraph, req: &Request) -> Result<Found, SearchError> {
        if req.text.chars().count() > MAX_QUERY_CHARS {
            return Err(SearchError::TooLong);
        }
        let q = words(&req.text);
        if q.is_empty() {
            return Err(SearchError::Empty);
        }
        if q.len() > MAX_QUERY_WORDS {
            return Err(SearchError::TooLong);
        }
        let whole = self.query(&req.text, &q);
        let searcher = self.reader.searcher();
        let mut facets = FacetCollector::for_field("kind");
        facets.add_facet("/");
        let top_docs = TopDocs::with_limit(CANDIDATES).order_by_score();
        // Unfiltered (a search box), one pass gives the hits and the facets.
        let (top, total, counts) = if req.kinds.is_empty() {
            searcher.search(whole.as_ref(), &(top_docs, Count, facets))?
        } else {
            let kinds: Vec<(Occur, Box<dyn Query>)> = req
                .kinds
                .iter()
                .map(|k| {
                    let t = Term::from_facet(self.f.kind, &k.facet());
                    let q: Box<dyn Query> = Box::new(TermQuery::new(t, IndexRecordOption::Basic));
                    (Occur::Should, q)
                })
                .collect();
            let filtered = BooleanQuery::new(vec![
                (Occur::Must, whole.box_clone()),
                (Occur::Must, Box::new(BooleanQuery::new(kinds))),
            ]);
            let counts = searcher.search(whole.as_ref(), &facets)?;
            let (top, total) = searcher.search(&filtered, &(top_docs, Count))?;
            (top, total, counts)
        };
        let by_facet: HashMap<Facet, u64> = counts.get("/").map(|(f, n)| (f.clone(), n)).collect();
        let facets: Vec<(Kind, u64)> = Kind::ALL
            .iter()
            .map(|k| (*k, by_facet.get(&k.facet()).copied().unwrap_or(0)))
            .collect();
        let mut ranked = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let column = searcher
                .segment_reader(addr.segment_ord)
                .fast_fields()
                .u64("key")?;
            let Some(code) = column.first(addr.doc_id) else {
                continue;
            };
            let kind = Kind::from_code(code >> 32);
            let key = code as u32;
            let t = texts(kg, kind, key);
            let m = text::best_match(&q, &req.text, &t);
            let hit = Hit {
                kind,
                key,
                id: t.id.clone(),
                name: t.name.to_string(),
                field: m.field,
                matched: m.text.to_string(),
                highlights: m.ranges.clone(),
                score,
            };
            ranked.push((m.rank(), hit));
        }
        // What matched first, then tantivy's score, then the shorter name
        // (the general entry before its subtypes).
        ranked.sort_by(|(ra, a), (rb, b)| {
            ra.cmp(rb)
                .then(b.score.total_cmp(&a.score))
                .then(a.name.len().cmp(&b.name.len()))
                .then(a.kind.cmp(&b.kind))
                .then(a.key.cmp(&b.key))
        });
        let hits = ranked
            .into_iter()
            .skip(req.offset)
            .take(req.limit)
            .map(|(_, mut h)| {
                if h.field == MatchedField::Definition {
                    match text::definition_match(&q, &h.matched) {
                        Some(ranges) => h.highlights = ranges,
                        // Found by a fragment (an id's digits, say).
                        None => {
                            h.field = MatchedField::Name;
                            h.matched = h.name.clone();
                        }
                    }
                }
                h
            })
            .collect();
        Ok(Found {
            hits,
            total,
            facets,
        })
    }

    /// Every word must hit a name, synonym, definition or id; the last word
    /// may be the start of a word. An exact name, synonym or id scores most.
    fn query(&self, raw: &str, q: &[Word]) -> Box<dyn Query> {
        let f = &self.f;
        let boost = |q: Box<dyn Query>, b: f32| Box::new(BoostQuery::new(q, b)) as Box<dyn Query>;
        let term = |field: Field, s: &str| {
            Box::new(TermQuery::new(
                Term::from_field_text(field, s),
                IndexRecordOption::WithFreqs,
            )) as Box<dyn Query>
        };
        let last = q.len() - 1;
        let mut musts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (i, w) in q.iter().enumerate() {
            let d = text::distance(&w.folded);
            let loose = |field: Field| -> Box<dyn Query> {
                let t = Term::from_field_text(field, &w.folded);
                if i == last {
                    Box::new(FuzzyTermQuery::new_prefix(t, d, true))
                } else if d > 0 {
                    Box::new(FuzzyTermQuery::new(t, d, true))
                } else {
                    Box::new(TermQuery::new(t, IndexRecordOption::Basic))
                }
            };
            let word: Vec<(Occur, Box<dyn Query>)> = vec![
                (Occur::Should, boost(loose(f.words), 1.0)),
                (Occur::Should, boost(term(f.name_stem, &w.stem), 3.0)),
                (Occur::Should, boost(term(f.synonym_stem, &w.stem), 1.5)),
                (Occur::Should, boost(term(f.definition, &w.stem), 0.3)),
                (Occur::Should, boost(term(f.id, &w.folded), 4.0)),
            ];
            musts.push((Occur::Must, Box::new(BooleanQuery::new(word))));
        }
        let folded = text::fold(raw);
        let all_words: Box<dyn Query> = Box::new(BooleanQuery::new(musts));
        Box::new(BooleanQuery::new(vec![
            (Occur::Should, all_words),
            (Occur::Should, boost(term(f.name_exact, &folded), 20.0)),
            (Occur::Should, boost(term(f.synonym_exact, &folded), 10.0)),
            (
                Occur::Should,
                boost(term(f.id, raw.trim().to_lowercase().as_str()), 30.0),
            ),
        ]))
    }
}
