//! The public catalogue query: a search's window of matches (see
//! `domain::search_window`) or a plain listing, with the filters of the public API (agency,
//! year, validity on a day), over the index that `search` writes.
//!
//! The SQL differs by engine only where the index does (FTS5 MATCH and rowid, tsquery and
//! `seq`); filters, the counts behind relevance and the ordering are shared, so both engines
//! answer a search with the same documents in the same order.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Text};

pub mod export;
mod sql;

use self::sql::{Bind, Sql};
use super::error::DbError;
use super::{search_syntax, DbConn};
use crate::domain::cjk_tokens;
use crate::domain::ids::{AgencyId, DocumentId};
use crate::domain::lifecycle::Status;
use crate::domain::search_window::{bm25, Match, Window};
use crate::domain::validity::Validity;

/// Filters of the public catalogue; everything in it is published.
#[derive(Clone, Debug, Default)]
pub struct PublicFilter {
    /// Raw query text: terms separated by spaces, quoted phrases.
    pub q: Option<String>,
    /// Only documents of these agencies.
    pub agencies: Option<Vec<AgencyId>>,
    /// Publication year.
    pub year: Option<i32>,
    /// Only documents with this validity on `day`.
    pub validity: Option<Validity>,
    /// The day validity is judged on.
    pub day: Option<NaiveDate>,
}

/// Appends the condition "`validity` on `day`", the SQL form of `validity_on`: a recorded end
/// wins from its date on; otherwise before `effective_on` not yet effective, after
/// `valid_until` expired, in force in between.
fn push_validity(sql: &mut Sql, validity: Validity, day: NaiveDate) {
    let ended = |sql: &mut Sql| {
        sql.push("(d.ended_state IS NOT NULL AND d.ended_on IS NOT NULL AND d.ended_on <= ")
            .bind(Bind::Date(day))
            .push(")");
    };
    sql.push(" AND (");
    match validity {
        Validity::NotYetEffective => {
            sql.push("NOT ");
            ended(sql);
            sql.push(" AND d.effective_on > ").bind(Bind::Date(day));
        }
        Validity::InForce => {
            sql.push("NOT ");
            ended(sql);
            sql.push(" AND d.effective_on <= ").bind(Bind::Date(day));
            sql.push(" AND d.valid_until >= ").bind(Bind::Date(day));
        }
        // Expiry is never recorded on the document (it follows from `valid_until`), so no
        // recorded end reads `expired`.
        Validity::Expired => {
            sql.push("NOT ");
            ended(sql);
            sql.push(" AND d.valid_until < ").bind(Bind::Date(day));
        }
        ended_kind => {
            ended(sql);
            sql.push(" AND d.ended_state = ").bind(Bind::Text(ended_kind.as_str().to_string()));
        }
    }
    sql.push(")");
}

#[derive(QueryableByName)]
struct HitRow {
    #[diesel(sql_type = Text)]
    id: String,
}

/// A match of a search, as the window query gives it.
#[derive(QueryableByName)]
struct MatchRow {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Nullable<Date>)]
    published_on: Option<NaiveDate>,
    /// Characters of title and text.
    #[diesel(sql_type = BigInt)]
    text_length: i64,
    /// For each term, the characters of title and text left once every occurrence of it is
    /// removed; comma-separated.
    #[diesel(sql_type = Text)]
    lengths_without: String,
}

impl MatchRow {
    /// How often each term occurs in title and text: the characters its removal took, divided
    /// by its own length (`length` counts characters on both engines, as `chars` does here).
    fn term_counts(&self, terms: &[String]) -> Vec<u32> {
        self.lengths_without
            .split(',')
            .zip(terms)
            .filter_map(|(without, term)| {
                let without: i64 = without.trim().parse().ok()?;
                let term_length = term.chars().count() as i64;
                let count = (self.text_length - without) / term_length.max(1);
                u32::try_from(count).ok()
            })
            .collect()
    }
}

/// The columns of a match, the same on both engines: the document, its title and date, the
/// length of title and text, and for each of `terms` that length once `replace` has removed
/// every occurrence of it. The database measures, so that no text leaves it.
fn push_match_columns(sql: &mut Sql, id: &str, published_on: &str, terms: &[String]) {
    sql.push(&format!(
        "SELECT {id} AS id, d.title AS title, {published_on} AS published_on, \
         CAST(length(d.title) + length(d.body) AS BIGINT) AS text_length, "
    ));
    if terms.is_empty() {
        sql.push("''");
    }
    for (i, term) in terms.iter().enumerate() {
        if i > 0 {
            sql.push(" || ',' || ");
        }
        sql.push("CAST(length(replace(d.title, ")
            .bind(Bind::Text(term.clone()))
            .push(", '')) + length(replace(d.body, ")
            .bind(Bind::Text(term.clone()))
            .push(", '')) AS TEXT)");
    }
    sql.push(" AS lengths_without");
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Appends the filters on what never changes once a document is published, its agency and
/// the year of its publication, over the columns of `table` (`documents` or an index entry).
fn push_facet_filters(sql: &mut Sql, filter: &PublicFilter, table: &str) {
    if let Some(agencies) = &filter.agencies {
        if agencies.is_empty() {
            sql.push(" AND 1 = 0");
        } else {
            sql.push(&format!(" AND {table}.agency_id IN ("));
            for (i, a) in agencies.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind(Bind::Text(a.to_string()));
            }
            sql.push(")");
        }
    }
    if let Some(year) = filter.year {
        match (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) {
            (Some(first), Some(last)) => {
                sql.push(&format!(" AND {table}.published_on >= ")).bind(Bind::Date(first));
                sql.push(&format!(" AND {table}.published_on <= ")).bind(Bind::Date(last));
            }
            _ => {
                sql.push(" AND 1 = 0");
            }
        }
    }
}

/// Appends the filters read from the document `d` itself: published documents only, and the
/// validity on a day.
fn push_document_filters(sql: &mut Sql, filter: &PublicFilter) {
    // Formatted in, not bound: the planners see the constant (partial indexes, estimates).
    sql.push(&format!(" AND d.status = '{}'", Status::Published.as_str()));
    if let (Some(v), Some(day)) = (filter.validity, filter.day) {
        push_validity(sql, v, day);
    }
}

/// A page of the catalogue.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListPage {
    /// Document ids, best match or newest first.
    pub ids: Vec<DocumentId>,
    /// The number of documents the list holds.
    pub total: i64,
    /// True when more documents matched a search than it ranks: the list holds the newest
    /// `window` matches (see [`crate::domain::search_window`]).
    pub truncated: bool,
}

/// One page of the public catalogue: with search terms the best matches among the newest
/// `window` matches, else every document, newest first.
pub fn public_list(
    conn: &mut DbConn,
    filter: &PublicFilter,
    offset: i64,
    limit: i64,
    window: usize,
) -> Result<ListPage, DbError> {
    let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) else {
        return listing(conn, filter, offset, limit);
    };
    let terms = cjk_tokens::query_tokens(q);
    // The terms as written, whose occurrences are counted for relevance.
    let counted = cjk_tokens::terms_for_highlight(q);
    let matches = match conn {
        DbConn::Sqlite(_) => match search_syntax::fts5_match_expression(&terms) {
            Some(expr) => sqlite_matches(conn, filter, &expr, &counted, window)?,
            None => Vec::new(),
        },
        DbConn::Postgres(_) => {
            match (
                search_syntax::tsquery_all_tokens(&terms),
                search_syntax::tsquery_expression(&terms),
            ) {
                (Some(all), Some(phrases)) => {
                    let phrases = search_syntax::has_phrase(&terms).then_some(phrases);
                    postgres_matches(conn, filter, &all, phrases.as_deref(), &counted, window)?
                }
                // Nothing searchable in the query (punctuation only): nothing matches, rather
                // than everything.
                _ => Vec::new(),
            }
        }
    };
    let average_length = if matches.is_empty() {
        0.0
    } else {
        matches.iter().map(|m| m.text_length as f64).sum::<f64>() / matches.len() as f64
    };
    let window = Window::rank(
        matches
            .into_iter()
            .map(|m| Match {
                title_hits: cjk_tokens::terms_found_in(&m.title, &terms),
                score: bm25(&m.term_counts(&counted), m.text_length as f64, average_length),
                id: m.id,
                published_on: m.published_on,
            })
            .collect(),
        window,
    );
    Ok(ListPage {
        ids: document_ids(window.page(offset, limit))?,
        total: window.total(),
        truncated: window.truncated(),
    })
}

/// The newest `window + 1` matches on SQLite, newest first: FTS5 walks the matches in
/// descending rowid (the order they entered the index), each is checked against its entry's
/// agency and year (`document_search_rows`, by rowid) and only then against its document, and
/// the walk stops once enough have passed. CROSS JOIN keeps that order of the tables.
fn sqlite_matches(
    conn: &mut DbConn,
    filter: &PublicFilter,
    expression: &str,
    counted: &[String],
    window: usize,
) -> Result<Vec<MatchRow>, DbError> {
    let mut sql = Sql::default();
    push_match_columns(&mut sql, "r.document_id", "r.published_on", counted);
    sql.push(
        " FROM document_search \
         CROSS JOIN document_search_rows r ON r.search_rowid = document_search.rowid \
         CROSS JOIN documents d ON d.id = r.document_id \
         WHERE document_search MATCH ",
    )
    .bind(Bind::Text(expression.to_string()));
    push_facet_filters(&mut sql, filter, "r");
    push_document_filters(&mut sql, filter);
    sql.push(" ORDER BY document_search.rowid DESC LIMIT ").bind(Bind::Int(window as i64 + 1));
    Ok(sql.query(conn).load(conn)?)
}

/// The newest `window + 1` matches on PostgreSQL, newest first.
///
/// GIN answers "has all these tokens" exactly from the index, but a phrase (the tokens in
/// order) only by reading each candidate's token vector from TOAST, about 13 µs apiece. So the
/// all-tokens candidates of the right agency and year are sorted newest first (`seq`,
/// `agency_id` and `published_on` are in the narrow main heap, no vector is read), and only
/// then joined to their documents and checked for phrases, one at a time until enough
/// have passed: the nested loop stops at the LIMIT. Hash and merge joins would read every
/// candidate's document first, and a sequential scan every vector, so both are turned off
/// for this transaction; and the sort gets the memory to stay off disk (94,407 candidates of
/// 管理 in the 100,000-document bench took 13 MB: 27 → 24 ms a search, pgbench).
fn postgres_matches(
    conn: &mut DbConn,
    filter: &PublicFilter,
    all_tokens: &str,
    phrases: Option<&str>,
    counted: &[String],
    window: usize,
) -> Result<Vec<MatchRow>, DbError> {
    let mut sql = Sql::default();
    push_match_columns(&mut sql, "d.id", "d.published_on", counted);
    sql.push(
        " FROM (SELECT e.document_id, e.tokens, e.seq FROM document_search e \
         WHERE e.tokens @@ to_tsquery('simple', ",
    )
    .bind(Bind::Text(all_tokens.to_string()))
    .push(")");
    push_facet_filters(&mut sql, filter, "e");
    // OFFSET 0 keeps the phrase check out of the index scan, where it would be made for
    // every candidate before sorting.
    sql.push(
        " ORDER BY e.seq DESC OFFSET 0) s JOIN documents d ON d.id = s.document_id WHERE 1 = 1",
    );
    if let Some(phrases) = phrases {
        sql.push(" AND s.tokens @@ to_tsquery('simple', ")
            .bind(Bind::Text(phrases.to_string()))
            .push(")");
    }
    push_document_filters(&mut sql, filter);
    sql.push(" ORDER BY s.seq DESC LIMIT ").bind(Bind::Int(window as i64 + 1));
    conn.transaction(|c| {
        diesel::sql_query(
            "SELECT set_config('enable_seqscan', 'off', true), \
             set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true), \
             set_config('work_mem', '32MB', true)",
        )
        .execute(c)?;
        Ok(sql.query(c).load(c)?)
    })
}

/// A plain listing, newest first, counted apart: its page is read from an index without
/// visiting every row, which a count in the same query would force.
fn listing(
    conn: &mut DbConn,
    filter: &PublicFilter,
    offset: i64,
    limit: i64,
) -> Result<ListPage, DbError> {
    let mut count = Sql::default();
    count.push("SELECT COUNT(*) AS n FROM documents d WHERE 1 = 1");
    push_facet_filters(&mut count, filter, "d");
    push_document_filters(&mut count, filter);
    let total = count.query(conn).get_result::<CountRow>(conn)?.n;
    if total == 0 || offset >= total {
        return Ok(ListPage { ids: Vec::new(), total, truncated: false });
    }
    let mut page = Sql::default();
    page.push("SELECT d.id AS id FROM documents d WHERE 1 = 1");
    push_facet_filters(&mut page, filter, "d");
    push_document_filters(&mut page, filter);
    page.push(" ORDER BY d.published_on DESC, d.id ASC LIMIT ")
        .bind(Bind::Int(limit))
        .push(" OFFSET ")
        .bind(Bind::Int(offset));
    let hits: Vec<HitRow> = page.query(conn).load(conn)?;
    Ok(ListPage { ids: document_ids(hits.into_iter().map(|h| h.id))?, total, truncated: false })
}

/// Ids read from the index or `documents`, typed; one that does not parse names its row.
fn document_ids(ids: impl IntoIterator<Item = String>) -> Result<Vec<DocumentId>, DbError> {
    ids.into_iter().map(|id| super::document_row::parsed("documents", &id, "id", &id)).collect()
}
