//! The full-text index of published documents and the public catalogue query that reads it.
//!
//! Why bigrams in each engine's own full-text index: neither SQLite nor PostgreSQL segments
//! Chinese. FTS5's trigram tokenizer silently returns nothing for a two-character term, and
//! most legal terms have two characters (许可, 罚款); PostgreSQL's parser sees a whole run of
//! Han characters as one word and pg_trgm falls back to a scan for two characters. Storing
//! overlapping CJK bigrams (as Lucene's CJK analyzer does) finds every substring of two or
//! more characters as a phrase of bigrams, needs no dictionary, and keeps the index inside the
//! database: it is written in the publishing transaction (findable as soon as it commits),
//! shared by every instance on one PostgreSQL, and answered by FTS5 / GIN rather than a scan.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text};

use super::documents::DocumentRow;
use super::DbConn;
use crate::domain::cjk_tokens;
use crate::domain::validity::Validity;
use crate::error::AppError;

type Multi = <DbConn as Connection>::Backend;

/// The text the index holds for a document: title, both numbers and the body. Newlines keep
/// the parts apart for nothing but readability; tokens never join across separators anyway.
pub(crate) fn indexed_text(row: &DocumentRow) -> String {
    [
        Some(row.title.as_str()),
        row.issuance_number.as_deref(),
        row.registration_number.as_deref(),
        Some(row.body.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("\n")
}

/// Writes the document's tokens into the index, replacing any earlier entry; call it in the
/// transaction that publishes the document so that search and catalogue never disagree.
pub fn index_document(conn: &mut DbConn, row: &DocumentRow) -> Result<(), AppError> {
    let tokens = cjk_tokens::index_tokens(&indexed_text(row));
    remove_document(conn, &row.id)?;
    let insert = match conn {
        DbConn::Sqlite(_) => "INSERT INTO document_search (document_id, tokens) VALUES ($1, $2)",
        DbConn::Postgres(_) => {
            "INSERT INTO document_search (document_id, tokens) VALUES ($1, to_tsvector('simple', $2))"
        }
    };
    diesel::sql_query(insert).bind::<Text, _>(&row.id).bind::<Text, _>(tokens).execute(conn)?;
    Ok(())
}

/// Drops the document from the index.
pub fn remove_document(conn: &mut DbConn, document_id: &str) -> Result<(), AppError> {
    diesel::sql_query("DELETE FROM document_search WHERE document_id = $1")
        .bind::<Text, _>(document_id)
        .execute(conn)?;
    Ok(())
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = Text)]
    id: String,
}

/// Indexes every published document that has no index entry yet: documents published
/// before the index existed, or written by a path that does not index (imports).
pub fn index_missing(conn: &mut DbConn) -> Result<usize, AppError> {
    let ids: Vec<IdRow> = diesel::sql_query(
        "SELECT d.id AS id FROM documents d WHERE d.status = 'published' \
         AND NOT EXISTS (SELECT 1 FROM document_search s WHERE s.document_id = d.id)",
    )
    .load(conn)?;
    for IdRow { id } in &ids {
        if let Some(row) = super::documents::find(conn, id)? {
            index_document(conn, &row)?;
        }
    }
    Ok(ids.len())
}

/// Filters of the public catalogue; everything in it is published.
#[derive(Clone, Debug, Default)]
pub struct PublicFilter {
    /// Raw query text: terms separated by spaces, quoted phrases.
    pub q: Option<String>,
    /// Only documents of these agencies.
    pub agencies: Option<Vec<String>>,
    /// Publication year.
    pub year: Option<i32>,
    /// Only documents with this validity on `day`.
    pub validity: Option<Validity>,
    /// The day validity is judged on.
    pub day: Option<NaiveDate>,
}

/// A value to bind, in the order the placeholders were written.
enum Bind {
    Text(String),
    Date(NaiveDate),
    Int(i64),
}

/// A SQL text with `$n` placeholders and their values. `$n` works on both engines: SQLite
/// takes `$1` as a named parameter numbered by first appearance, which is the order here.
#[derive(Default)]
struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    fn bind(&mut self, b: Bind) -> &mut Self {
        self.binds.push(b);
        let n = self.binds.len();
        self.text.push_str(&format!("${n}"));
        self
    }

    fn query(
        self,
    ) -> diesel::query_builder::BoxedSqlQuery<'static, Multi, diesel::query_builder::SqlQuery> {
        let mut q = diesel::sql_query(self.text).into_boxed::<Multi>();
        for b in self.binds {
            q = match b {
                Bind::Text(s) => q.bind::<Text, _>(s),
                Bind::Date(d) => q.bind::<Date, _>(d),
                Bind::Int(i) => q.bind::<BigInt, _>(i),
            };
        }
        q
    }
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
        Validity::Expired => {
            sql.push("(");
            ended(sql);
            sql.push(" AND d.ended_state = 'expired') OR (NOT ");
            ended(sql);
            sql.push(" AND d.valid_until < ").bind(Bind::Date(day)).push(")");
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

/// A search hit with the number of all matches, counted in the same pass.
#[derive(QueryableByName)]
struct CountedHitRow {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// What the catalogue query answers: the number of matches, or one page of ids.
#[derive(Clone, Copy)]
enum Select {
    Count,
    Page { offset: i64, limit: i64 },
}

/// The catalogue query. With search terms the index is the driving table, so only matching
/// documents are read, ranked by bm25 (SQLite, lower is better) or ts_rank (PostgreSQL,
/// higher is better); ties and plain listings go newest first.
fn catalogue_sql(
    conn: &DbConn,
    filter: &PublicFilter,
    expression: Option<&str>,
    select: Select,
) -> Sql {
    let mut sql = Sql::default();
    let sqlite = matches!(conn, DbConn::Sqlite(_));
    match (select, expression) {
        (Select::Count, _) => {
            sql.push("SELECT COUNT(*) AS n");
        }
        (Select::Page { .. }, None) => {
            sql.push("SELECT d.id AS id");
        }
        (Select::Page { .. }, Some(_)) if sqlite => {
            sql.push("SELECT d.id AS id, bm25(document_search) AS score");
        }
        // On PostgreSQL the total comes with the page (`COUNT(*) OVER ()` is computed before
        // LIMIT), so the matches and their tsvectors are read once instead of twice. FTS5
        // refuses bm25() beside a window function, so SQLite counts apart.
        (Select::Page { .. }, Some(expr)) => {
            sql.push("SELECT d.id AS id, ts_rank(s.tokens, to_tsquery('simple', ")
                .bind(Bind::Text(expr.to_string()))
                .push(")) AS score, COUNT(*) OVER () AS n");
        }
    }
    match expression {
        Some(expr) if sqlite => {
            sql.push(
                " FROM document_search JOIN documents d ON d.id = document_search.document_id \
                 WHERE document_search MATCH ",
            )
            .bind(Bind::Text(expr.to_string()));
        }
        Some(expr) => {
            sql.push(
                " FROM document_search s JOIN documents d ON d.id = s.document_id \
                 WHERE s.tokens @@ to_tsquery('simple', ",
            )
            .bind(Bind::Text(expr.to_string()))
            .push(")");
        }
        None => {
            sql.push(" FROM documents d WHERE 1 = 1");
        }
    }
    sql.push(" AND d.status = 'published'");
    if let Some(agencies) = &filter.agencies {
        if agencies.is_empty() {
            sql.push(" AND 1 = 0");
        } else {
            sql.push(" AND d.agency_id IN (");
            for (i, a) in agencies.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind(Bind::Text(a.clone()));
            }
            sql.push(")");
        }
    }
    if let Some(year) = filter.year {
        match (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) {
            (Some(first), Some(last)) => {
                sql.push(" AND d.published_on >= ").bind(Bind::Date(first));
                sql.push(" AND d.published_on <= ").bind(Bind::Date(last));
            }
            _ => {
                sql.push(" AND 1 = 0");
            }
        }
    }
    if let (Some(v), Some(day)) = (filter.validity, filter.day) {
        push_validity(&mut sql, v, day);
    }
    if let Select::Page { offset, limit } = select {
        let rank = match expression {
            None => "",
            Some(_) if sqlite => "score ASC, ",
            Some(_) => "score DESC, ",
        };
        sql.push(&format!(" ORDER BY {rank}d.published_on DESC, d.id ASC LIMIT "))
            .bind(Bind::Int(limit))
            .push(" OFFSET ")
            .bind(Bind::Int(offset));
    }
    sql
}

/// One page of the public catalogue (document ids, best match or newest first) and the
/// total number of matches.
pub fn public_list(
    conn: &mut DbConn,
    filter: &PublicFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<String>, i64), AppError> {
    let expression = match filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        None => None,
        Some(q) => {
            let terms = cjk_tokens::query_tokens(q);
            let expr = match conn {
                DbConn::Sqlite(_) => cjk_tokens::fts5_match_expression(&terms),
                DbConn::Postgres(_) => cjk_tokens::tsquery_expression(&terms),
            };
            match expr {
                Some(e) => Some(e),
                // Nothing searchable in the query (punctuation only): nothing matches, rather
                // than everything.
                None => return Ok((Vec::new(), 0)),
            }
        }
    };
    let expression = expression.as_deref();
    match (conn, expression) {
        // PostgreSQL prices a scan of `document_search` by its main heap, which is tiny because
        // the tsvectors live in TOAST, so it would rather read and match every tsvector than
        // ask the GIN index: 600 ms instead of 60 ms for 3,600 matches in 100,000 documents.
        // Sequential scans are turned off for this transaction only.
        (c @ DbConn::Postgres(_), Some(_)) => c.transaction(|c| {
            diesel::sql_query("SET LOCAL enable_seqscan = off").execute(c)?;
            list_matches(c, filter, expression, offset, limit)
        }),
        (c, _) => list_matches(c, filter, expression, offset, limit),
    }
}

fn list_matches(
    conn: &mut DbConn,
    filter: &PublicFilter,
    expression: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<String>, i64), AppError> {
    if expression.is_some() && matches!(conn, DbConn::Postgres(_)) {
        let hits: Vec<CountedHitRow> =
            catalogue_sql(conn, filter, expression, Select::Page { offset, limit })
                .query()
                .load(conn)?;
        if let Some(first) = hits.first() {
            let total = first.n;
            return Ok((hits.into_iter().map(|h| h.id).collect(), total));
        }
        if offset == 0 {
            return Ok((Vec::new(), 0));
        }
        // A page past the end: only the total is left to tell.
    }
    // A plain listing counts apart: its page is read newest first from an index without
    // visiting every row, which a count in the same query would force.
    let count: CountRow =
        catalogue_sql(conn, filter, expression, Select::Count).query().get_result(conn)?;
    if count.n == 0 || offset >= count.n {
        return Ok((Vec::new(), count.n));
    }
    let hits: Vec<HitRow> = catalogue_sql(conn, filter, expression, Select::Page { offset, limit })
        .query()
        .load(conn)?;
    Ok((hits.into_iter().map(|h| h.id).collect(), count.n))
}
