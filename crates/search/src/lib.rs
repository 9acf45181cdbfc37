//! The search index behind one trait, [`SearchIndex`], with an embedded tantivy implementation
//! ([`TantivyIndex`]) used on both databases.
//!
//! A document carries the ids of its unit and of every unit above it (`scope`), so "the actor's
//! subtree" is one term that the query must match: the filter is part of the query, hence counts
//! and pages are right, and a foreign record can never leak through a post-filter that forgot it.
//! A record may also name the officers who see it outside their subtree (`officers`: an office
//! document routed to one officer, a draft's own drafter); a query for an officer then matches
//! "in my subtree OR naming me", still one clause of the query. A record with a secrecy level
//! has no `scope` at all: its units go in `secret_scope`, which only a query for an officer who
//! reads secret documents (a leader, the secret-book clerk) matches, and the people named on it
//! or granted it are in `officers` ("in my subtree and I read secrets OR naming me").

pub mod analysis;

use std::path::Path;
use std::sync::Mutex;

use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use analysis::{VnTokenizer, query_terms};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(String),
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError::Index(e.to_string())
    }
}

impl From<tantivy::directory::error::OpenDirectoryError> for SearchError {
    fn from(e: tantivy::directory::error::OpenDirectoryError) -> Self {
        SearchError::Index(e.to_string())
    }
}

pub type SearchResult<T> = Result<T, SearchError>;

/// What is searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Business,
    Case,
    Document,
    /// A document of a unit's office registers (incoming/outgoing), with the text of its files.
    OfficeDocument,
    /// A draft of an outgoing document (before and after its signature), with the text of its
    /// files.
    OfficeDraft,
    /// A sanction decision as the public open dataset shows it (anonymised), while it is
    /// published. Its scope is [`PUBLIC_SCOPE`] only, so no officer query (scoped to a unit)
    /// ever returns one, and a public query (scoped to [`PUBLIC_SCOPE`]) returns nothing else.
    PublicDecision,
}

/// The scope of the records the public may find (see [`Kind::PublicDecision`]). Not a unit id
/// (those are UUIDs), so no officer's subtree contains it.
pub const PUBLIC_SCOPE: &str = "@public";

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Business => "business",
            Kind::Case => "case",
            Kind::Document => "document",
            Kind::OfficeDocument => "office_document",
            Kind::OfficeDraft => "office_draft",
            Kind::PublicDecision => "public_decision",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "business" => Some(Kind::Business),
            "case" => Some(Kind::Case),
            "document" => Some(Kind::Document),
            "office_document" => Some(Kind::OfficeDocument),
            "office_draft" => Some(Kind::OfficeDraft),
            "public_decision" => Some(Kind::PublicDecision),
            _ => None,
        }
    }
}

/// One searchable record.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    pub id: String,
    pub kind: Kind,
    pub unit_id: String,
    /// The unit and all units above it (parents and merge successors): who may see this record.
    pub scope: Vec<String>,
    /// Officers (user ids) who see this record although their subtree does not hold it: the
    /// officer an office document is routed to, the drafter of a draft. Usually empty.
    pub officers: Vec<String>,
    /// For a record with a secrecy level (then `scope` is empty): the units whose leaders and
    /// secret-book clerk see it (the same units `scope` would hold). Usually empty.
    pub secret_scope: Vec<String>,
    /// Shown and weighted most: a shop's name, a case's summary, a document's kind and number.
    pub title: String,
    /// Shown under the title (address, state); searched like the body.
    pub subtitle: String,
    /// Everything else worth finding it by (owner, goods, lines of business).
    pub body: String,
    /// Tax codes, document numbers, phone numbers: an exact hit ranks first.
    pub identifiers: Vec<String>,
}

/// A query as the application asks it.
#[derive(Debug, Clone)]
pub struct SearchQuery<'a> {
    pub text: &'a str,
    pub kind: Option<Kind>,
    /// Only records whose scope contains this unit id (the actor's home unit). `None` is for the
    /// system itself (tests, tools), never for a request.
    pub scope: Option<&'a str>,
    /// With `scope`: also the records naming this officer (the actor's user id) in their
    /// `officers`, whatever their scope. Ignored without `scope` (which already means all).
    pub officer: Option<&'a str>,
    /// With `scope`: the actor reads secret documents (a leader, the secret-book clerk), so the
    /// records whose `secret_scope` holds `scope` match too.
    pub reads_secrets: bool,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: String,
    pub kind: Kind,
    pub unit_id: String,
    pub title: String,
    pub subtitle: String,
    pub score: f32,
}

#[derive(Debug, Clone, Default)]
pub struct SearchPage {
    pub hits: Vec<Hit>,
    /// Matches in scope, for "n kết quả" and paging.
    pub total: usize,
}

/// The index as the rest of the system sees it. Writes become visible at [`SearchIndex::commit`].
pub trait SearchIndex: Send + Sync {
    /// Adds or replaces the record with this id.
    fn upsert(&self, doc: &SearchDoc) -> SearchResult<()>;
    fn delete(&self, id: &str) -> SearchResult<()>;
    /// Drops everything (before a rebuild).
    fn delete_all(&self) -> SearchResult<()>;
    /// Makes the writes visible and durable; `marker` (when given) is stored with the commit and
    /// read back by [`SearchIndex::marker`], so the owner can tell which database this index
    /// follows after a restart.
    fn commit(&self, marker: Option<&str>) -> SearchResult<()>;
    fn marker(&self) -> SearchResult<Option<String>>;
    fn search(&self, q: &SearchQuery<'_>) -> SearchResult<SearchPage>;
    fn doc_count(&self) -> SearchResult<u64>;
}

const FOLDED: &str = "vn_folded";
const EXACT: &str = "vn_exact";
const IDENT: &str = "vn_ident";

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    kind: Field,
    unit_id: Field,
    scope: Field,
    officers: Field,
    secret_scope: Field,
    title: Field,
    title_exact: Field,
    subtitle: Field,
    body: Field,
    body_exact: Field,
    ident: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        unit_id: b.add_text_field("unit_id", STRING | STORED),
        scope: b.add_text_field("scope", STRING),
        officers: b.add_text_field("officers", STRING),
        secret_scope: b.add_text_field("secret_scope", STRING),
        title: b.add_text_field("title", text(FOLDED) | STORED),
        title_exact: b.add_text_field("title_exact", text(EXACT)),
        subtitle: b.add_text_field("subtitle", STORED),
        body: b.add_text_field("body", text(FOLDED)),
        body_exact: b.add_text_field("body_exact", text(EXACT)),
        ident: b.add_text_field("ident", text(IDENT)),
    };
    (b.build(), fields)
}

/// The embedded index: in memory (tests, a laptop that rebuilds at start) or in a folder.
pub struct TantivyIndex {
    fields: Fields,
    writer: Mutex<IndexWriter>,
    reader: IndexReader,
    /// The marker of the last commit, carried into later commits (tantivy keeps one per commit).
    marker: Mutex<Option<String>>,
}

/// Writer memory: enough for quick bulk rebuilds, small beside the 24 GB of a server.
const WRITER_BYTES: usize = 128 * 1024 * 1024;

impl TantivyIndex {
    pub fn in_ram() -> SearchResult<TantivyIndex> {
        let (schema, fields) = schema();
        TantivyIndex::with_index(Index::create_in_ram(schema), fields)
    }

    /// Opens the index in `dir` (created if missing). An index written by another version of the
    /// schema is thrown away and recreated empty: it is only a cache of the database, and the
    /// caller rebuilds it because its marker is gone.
    pub fn open_dir(dir: &Path) -> SearchResult<TantivyIndex> {
        std::fs::create_dir_all(dir).map_err(|e| SearchError::Index(e.to_string()))?;
        let (schema, fields) = schema();
        let index = match Index::open_or_create(MmapDirectory::open(dir)?, schema.clone()) {
            Ok(index) => index,
            Err(tantivy::TantivyError::SchemaError(_)) => {
                for entry in
                    std::fs::read_dir(dir).map_err(|e| SearchError::Index(e.to_string()))?
                {
                    let path = entry.map_err(|e| SearchError::Index(e.to_string()))?.path();
                    if path.is_file() {
                        std::fs::remove_file(&path)
                            .map_err(|e| SearchError::Index(e.to_string()))?;
                    }
                }
                Index::open_or_create(MmapDirectory::open(dir)?, schema)?
            }
            Err(e) => return Err(e.into()),
        };
        TantivyIndex::with_index(index, fields)
    }

    fn with_index(index: Index, fields: Fields) -> SearchResult<TantivyIndex> {
        let tokenizers = index.tokenizers();
        tokenizers.register(
            FOLDED,
            VnTokenizer {
                fold: true,
                parts: true,
            },
        );
        tokenizers.register(
            EXACT,
            VnTokenizer {
                fold: false,
                parts: true,
            },
        );
        tokenizers.register(
            IDENT,
            VnTokenizer {
                fold: true,
                parts: false,
            },
        );
        let writer = index.writer(WRITER_BYTES)?;
        // Manual reload right after each commit: a search that follows a commit sees it.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let marker = index.load_metas()?.payload;
        Ok(TantivyIndex {
            fields,
            writer: Mutex::new(writer),
            reader,
            marker: Mutex::new(marker),
        })
    }

    fn writer(&self) -> SearchResult<std::sync::MutexGuard<'_, IndexWriter>> {
        self.writer
            .lock()
            .map_err(|_| SearchError::Index("writer lock poisoned".into()))
    }

    fn build_query(&self, q: &SearchQuery<'_>) -> Option<Box<dyn Query>> {
        let f = self.fields;
        let folded = query_terms(q.text, true);
        let exact = query_terms(q.text, false);
        if folded.is_empty() {
            return None;
        }
        // Typing "mỹ phẩm h" means the last word is still being typed: match it as a prefix too.
        // A trailing space means it is complete.
        let typing = !q.text.ends_with(char::is_whitespace);
        let last = folded.len() - 1;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // Eight words are plenty for a name and an address; more only slows the query down.
        for (i, word) in folded.iter().enumerate().take(8) {
            let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            let mut term = |field: Field, text: &str, boost: f32| {
                let t = Term::from_field_text(field, text);
                let tq = TermQuery::new(t, IndexRecordOption::WithFreqs);
                any.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(tq), boost)),
                ));
            };
            // Weights: an identifier typed in full beats everything; the title beats the body;
            // the same diacritics as typed lift a match above its unaccented look-alikes.
            term(f.ident, word, 20.0);
            // "0912.345.678" and "0912 345 678" are the same phone as "0912345678".
            if word.contains(|c: char| !c.is_alphanumeric()) {
                let digits: String = word.chars().filter(char::is_ascii_digit).collect();
                if digits.len() >= 6
                    && word
                        .chars()
                        .all(|c| c.is_ascii_digit() || !c.is_alphanumeric())
                {
                    term(f.ident, &digits, 20.0);
                    term(f.body, &digits, 1.0);
                }
            }
            term(f.title, word, 2.0);
            term(f.body, word, 1.0);
            if let Some(ex) = exact.get(i) {
                term(f.title_exact, ex, 3.0);
                term(f.body_exact, ex, 1.5);
            }
            // Part of an identifier ("QĐ-XPHC" of "12/QĐ-XPHC"): every piece must be there.
            let pieces: Vec<&str> = word
                .split(|c: char| !c.is_alphanumeric())
                .filter(|p| !p.is_empty())
                .collect();
            if pieces.len() > 1 {
                let all: Vec<(Occur, Box<dyn Query>)> = pieces
                    .iter()
                    .map(|p| {
                        let t = Term::from_field_text(f.body, p);
                        let q: Box<dyn Query> =
                            Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs));
                        (Occur::Must, q)
                    })
                    .collect();
                any.push((Occur::Should, Box::new(BooleanQuery::new(all))));
            }
            let mut fuzzy = |field: Field, prefix: bool, distance: u8, boost: f32| {
                let t = Term::from_field_text(field, word);
                let fq = if prefix {
                    FuzzyTermQuery::new_prefix(t, distance, true)
                } else {
                    FuzzyTermQuery::new(t, distance, true)
                };
                any.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(fq), boost)),
                ));
            };
            // One typo allowed in words of five letters or more: shorter words have too many
            // neighbours one edit away ("ha" → "hai", "han", "hat"...).
            // Only for words of letters: a tax code or phone one digit off is another business.
            if word.chars().count() >= 5 && word.chars().all(char::is_alphabetic) {
                fuzzy(f.title, false, 1, 0.5);
                fuzzy(f.body, false, 1, 0.3);
            }
            if i == last && typing {
                fuzzy(f.title, true, 0, 0.5);
                fuzzy(f.body, true, 0, 0.3);
                fuzzy(f.ident, true, 0, 1.0);
            }
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if let Some(scope) = q.scope {
            // "In my subtree, or naming me" (and, for who reads secrets, "a secret of my
            // subtree"): one clause, so counts and pages stay right.
            let mut any: Vec<(Occur, Box<dyn Query>)> =
                vec![(Occur::Should, filter(Term::from_field_text(f.scope, scope)))];
            if let Some(officer) = q.officer {
                any.push((
                    Occur::Should,
                    filter(Term::from_field_text(f.officers, officer)),
                ));
            }
            if q.reads_secrets {
                any.push((
                    Occur::Should,
                    filter(Term::from_field_text(f.secret_scope, scope)),
                ));
            }
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if let Some(kind) = q.kind {
            let t = Term::from_field_text(f.kind, kind.as_str());
            clauses.push((Occur::Must, filter(t)));
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }
}

/// A clause every hit must match that adds nothing to the score (scope, kind).
fn filter(t: Term) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(
        Box::new(TermQuery::new(t, IndexRecordOption::Basic)),
        0.0,
    ))
}

fn text_of(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

impl SearchIndex for TantivyIndex {
    fn upsert(&self, doc: &SearchDoc) -> SearchResult<()> {
        let f = self.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.id, &doc.id);
        d.add_text(f.kind, doc.kind.as_str());
        d.add_text(f.unit_id, &doc.unit_id);
        for s in &doc.scope {
            d.add_text(f.scope, s);
        }
        for o in &doc.officers {
            d.add_text(f.officers, o);
        }
        for s in &doc.secret_scope {
            d.add_text(f.secret_scope, s);
        }
        d.add_text(f.title, &doc.title);
        d.add_text(f.title_exact, &doc.title);
        d.add_text(f.subtitle, &doc.subtitle);
        let body = format!("{}\n{}", doc.subtitle, doc.body);
        d.add_text(f.body, &body);
        d.add_text(f.body_exact, &body);
        for ident in &doc.identifiers {
            d.add_text(f.ident, ident);
            // Also in the body: a part of an identifier ("001" of a branch's code) finds it.
            d.add_text(f.body, ident);
        }
        let writer = self.writer()?;
        writer.delete_term(Term::from_field_text(f.id, &doc.id));
        writer.add_document(d)?;
        Ok(())
    }

    fn delete(&self, id: &str) -> SearchResult<()> {
        self.writer()?
            .delete_term(Term::from_field_text(self.fields.id, id));
        Ok(())
    }

    fn delete_all(&self) -> SearchResult<()> {
        self.writer()?.delete_all_documents()?;
        Ok(())
    }

    fn commit(&self, marker: Option<&str>) -> SearchResult<()> {
        let mut kept = self
            .marker
            .lock()
            .map_err(|_| SearchError::Index("marker lock poisoned".into()))?;
        if let Some(m) = marker {
            *kept = Some(m.to_string());
        }
        let mut writer = self.writer()?;
        let mut prepared = writer.prepare_commit()?;
        if let Some(m) = kept.as_deref() {
            prepared.set_payload(m);
        }
        prepared.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    fn marker(&self) -> SearchResult<Option<String>> {
        Ok(self
            .marker
            .lock()
            .map_err(|_| SearchError::Index("marker lock poisoned".into()))?
            .clone())
    }

    fn search(&self, q: &SearchQuery<'_>) -> SearchResult<SearchPage> {
        let Some(query) = self.build_query(q) else {
            return Ok(SearchPage::default());
        };
        let searcher = self.reader.searcher();
        let limit = q.limit.clamp(1, 100);
        let (top, total) = searcher.search(
            &query,
            &(
                TopDocs::with_limit(limit)
                    .and_offset(q.offset)
                    .order_by_score(),
                Count,
            ),
        )?;
        let f = self.fields;
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let Some(kind) = Kind::parse(&text_of(&doc, f.kind)) else {
                continue;
            };
            hits.push(Hit {
                id: text_of(&doc, f.id),
                kind,
                unit_id: text_of(&doc, f.unit_id),
                title: text_of(&doc, f.title),
                subtitle: text_of(&doc, f.subtitle),
                score,
            });
        }
        Ok(SearchPage { hits, total })
    }

    fn doc_count(&self) -> SearchResult<u64> {
        Ok(self.reader.searcher().num_docs())
    }
}

#[cfg(test)]
mod tests;
