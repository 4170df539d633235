//! The full-text index of the public catalogue, on disk, one per instance: storage beside
//! `db`, derived from it (the database stays the source of truth; `service::search_sync`
//! keeps the index up with the database's change feed and rebuilds it).
//!
//! Each commit carries the change feed's watermark as its payload, so the index and the point
//! of the feed it has seen are written together: a crash between an index commit and anything
//! else leaves an index whose watermark says what to replay.

use std::path::Path;
use std::sync::Mutex;

use tantivy::collector::TopDocs;
use tantivy::directory::MmapDirectory;
use tantivy::query::Query;
use tantivy::schema::Value;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

pub mod facets;
pub mod query;
pub mod schema;
pub mod tokenizer;

pub use facets::Counts;
pub use query::Filters;

use crate::domain::document::Document;
use crate::domain::ids::DocumentId;

/// What went wrong with the index; the service reports it as an internal error.
#[derive(Debug, thiserror::Error)]
#[error("search index: {0}")]
pub struct IndexError(String, bool);

impl IndexError {
    fn new(message: impl Into<String>) -> Self {
        Self(message.into(), false)
    }

    /// Whether another writer (an instance, `normreg reindex`) holds the directory.
    pub fn is_locked(&self) -> bool {
        self.1
    }
}

impl From<tantivy::TantivyError> for IndexError {
    fn from(e: tantivy::TantivyError) -> Self {
        let locked = matches!(e, tantivy::TantivyError::LockFailure(..));
        Self(e.to_string(), locked)
    }
}

impl From<std::io::Error> for IndexError {
    fn from(e: std::io::Error) -> Self {
        Self::new(e.to_string())
    }
}

/// The order of a search's answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
    Oldest,
}

/// A page of a search: ids best first, and the counts of every match.
#[derive(Clone, Debug, Default)]
pub struct Found {
    pub ids: Vec<DocumentId>,
    pub counts: Counts,
}

/// One instance's index: reader for searches, one writer for changes.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: schema::Fields,
}

/// Memory for the writer of a serving instance (tantivy's minimum is 15 MB).
const SERVING_WRITER_BYTES: usize = 32_000_000;

impl SearchIndex {
    /// Opens the index in `dir`, creating it (empty, without a watermark) when the directory
    /// holds none or one of another schema; `writer_threads` and `writer_bytes` size the
    /// writer, and `search_threads` how many segments one search reads at once.
    pub fn open(
        dir: &Path,
        writer_threads: usize,
        writer_bytes: usize,
        search_threads: usize,
    ) -> Result<Self, IndexError> {
        std::fs::create_dir_all(dir)?;
        let schema = schema::build();
        let directory = MmapDirectory::open(dir).map_err(|e| IndexError::new(e.to_string()))?;
        let mut index = match Index::open_or_create(directory, schema.clone()) {
            Ok(index) => index,
            // A schema of an older release, or a damaged meta file: start again, the database
            // has everything.
            Err(e) => {
                tracing::warn!(error = %e, dir = %dir.display(), "search index unreadable; recreating");
                std::fs::remove_dir_all(dir)?;
                std::fs::create_dir_all(dir)?;
                let directory =
                    MmapDirectory::open(dir).map_err(|e| IndexError::new(e.to_string()))?;
                Index::create(directory, schema.clone(), Default::default())?
            }
        };
        index.tokenizers().register(tokenizer::NAME, tokenizer::CjkBigrams);
        if search_threads > 1 {
            // Before the reader: its searchers take the index's executor.
            index.set_multithread_executor(search_threads)?;
        }
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let writer = index.writer_with_num_threads(writer_threads.max(1), writer_bytes)?;
        let fields = schema::Fields::of(&schema)?;
        Ok(Self { index, reader, writer: Mutex::new(writer), fields })
    }

    /// Opens the index of a serving instance. A search reads the index's segments on as many
    /// threads as there are cores, so that a term found in a large share of the catalogue is
    /// scored in several segments at once (one search's latency, not the throughput of many).
    pub fn open_serving(dir: &Path) -> Result<Self, IndexError> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::open(dir, 1, SERVING_WRITER_BYTES, cores)
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, IndexWriter> {
        self.writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The watermark of the last commit, `None` for an index never committed.
    pub fn watermark(&self) -> Result<Option<String>, IndexError> {
        Ok(self.index.load_metas()?.payload)
    }

    /// Documents in the index as last committed.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Replaces each document's entry by its current state: published documents enter or are
    /// rewritten, any other status is removed. Not visible until [`commit`](Self::commit).
    pub fn put(&self, docs: &[Document], gone: &[DocumentId]) -> Result<(), IndexError> {
        let writer = self.writer();
        for id in gone.iter().chain(docs.iter().map(|d| &d.id)) {
            writer.delete_term(Term::from_field_text(self.fields.id, &id.to_string()));
        }
        for doc in docs {
            writer.add_document(schema::entry(&self.fields, doc))?;
        }
        Ok(())
    }

    /// Adds entries for documents not in the index (a rebuild after [`clear`](Self::clear)).
    pub fn add(&self, docs: &[Document]) -> Result<(), IndexError> {
        let writer = self.writer();
        for doc in docs {
            writer.add_document(schema::entry(&self.fields, doc))?;
        }
        Ok(())
    }

    /// Empties the index (a rebuild refills it before its commit).
    pub fn clear(&self) -> Result<(), IndexError> {
        self.writer().delete_all_documents()?;
        Ok(())
    }

    /// Commits what was put since the last commit with the feed's `watermark`, and makes it
    /// visible to searches.
    pub fn commit(&self, watermark: &str) -> Result<(), IndexError> {
        {
            let mut writer = self.writer();
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(watermark);
            prepared.commit()?;
        }
        self.reader.reload()?;
        Ok(())
    }

    /// A page of the documents matching `q` under `filters`, in `sort` order, with the
    /// counts of every match.
    pub fn search(
        &self,
        q: &str,
        filters: &Filters,
        sort: Sort,
        offset: usize,
        limit: usize,
    ) -> Result<Found, IndexError> {
        let Some(text) = query::text_query(&self.fields, q) else {
            return Ok(Found::default());
        };
        let query = query::filtered(&self.fields, text, filters);
        let searcher = self.reader.searcher();
        let facets = facets::FacetCounts::on(filters.day);
        if limit == 0 {
            let counts = searcher.search(&query, &facets)?;
            return Ok(Found { ids: Vec::new(), counts });
        }
        let top = TopDocs::with_limit(limit).and_offset(offset);
        let (counts, addresses) = ranked(&searcher, &*query, facets, top, sort)?;
        let mut ids = Vec::with_capacity(addresses.len());
        for address in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            let id = doc
                .get_first(self.fields.id)
                .and_then(|v| v.as_str())
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| IndexError::new(format!("entry {address:?} has no document id")))?;
            ids.push(id);
        }
        Ok(Found { ids, counts })
    }
}

/// The counts of every match and the addresses of a page in `sort` order, in one pass over
/// the matches (the counts ride along with the ranking as a pair of collectors). Ties, which
/// BM25 gives identical texts, go to the newer document and then to the smaller id, as in the
/// catalogue listing, so that the order never depends on how the index happens to be
/// segmented.
fn ranked(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    facets: facets::FacetCounts,
    top: TopDocs,
    sort: Sort,
) -> Result<(Counts, Vec<tantivy::DocAddress>), IndexError> {
    let keys = move |reader: &tantivy::SegmentReader| {
        let fast = reader.fast_fields();
        let published = fast.i64(schema::PUBLISHED).ok();
        let id_key = fast.u64(schema::ID_KEY).ok();
        move |doc: tantivy::DocId| {
            let p = published.as_ref().and_then(|c| c.first(doc)).unwrap_or(i64::MIN);
            let id = id_key.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
            (p, u64::MAX - id)
        }
    };
    fn addresses<K>(found: Vec<(K, tantivy::DocAddress)>) -> Vec<tantivy::DocAddress> {
        found.into_iter().map(|(_, a)| a).collect()
    }
    Ok(match sort {
        Sort::Relevance => {
            let page = top.tweak_score(move |r: &tantivy::SegmentReader| {
                let k = keys(r);
                move |doc, score: tantivy::Score| (score, k(doc))
            });
            let (counts, found) = searcher.search(query, &(facets, page))?;
            (counts, addresses(found))
        }
        Sort::Newest => {
            let page = top.tweak_score(move |r: &tantivy::SegmentReader| {
                let k = keys(r);
                move |doc, _: tantivy::Score| k(doc)
            });
            let (counts, found) = searcher.search(query, &(facets, page))?;
            (counts, addresses(found))
        }
        Sort::Oldest => {
            let page = top.tweak_score(move |r: &tantivy::SegmentReader| {
                let k = keys(r);
                move |doc, _: tantivy::Score| {
                    let (p, id) = k(doc);
                    (i64::MAX.saturating_sub(p), id)
                }
            });
            let (counts, found) = searcher.search(query, &(facets, page))?;
            (counts, addresses(found))
        }
    })
}
