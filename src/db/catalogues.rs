//! Frozen annual catalogues: made set-based inside the database (the list and texts are
//! copied by one `INSERT … SELECT`, so memory stays flat however long the list), then hashed
//! by streaming the copy back in order. Catalogue rows are only ever inserted.

mod changes;

pub use changes::{change_counts, changes};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Date, Nullable, Text};

use super::agencies::AgencyRow;
use super::document_row::word;
use super::error::DbError;
use super::schema::{catalogue_changes, catalogue_entries, catalogues};
use super::{insert_many, placeholders, DbConn};
use crate::domain::catalogue::{departure, Change, ContentHasher, Entry};
use crate::domain::document::EndKind;
use crate::domain::files::FileKind;
use crate::domain::ids::{AgencyId, CatalogueId, UserId};
use crate::domain::lifecycle::Status;

/// Entries read back per statement while hashing: bounded memory for any catalogue size.
const HASH_CHUNK: i32 = 1_000;

/// One row of `catalogues`.
#[derive(Clone, Debug, Queryable, Insertable)]
#[diesel(table_name = catalogues)]
pub struct CatalogueRow {
    pub id: String,
    pub agency_id: String,
    pub year: i32,
    pub as_of: NaiveDate,
    pub frozen_at: NaiveDateTime,
    pub frozen_by: Option<String>,
    pub entry_count: i32,
    pub content_hash: String,
    pub previous_id: Option<String>,
    /// The hash of the history checkpoint made when it was frozen (`db::checkpoints`).
    pub checkpoint_hash: Option<String>,
}

pub fn find(
    conn: &mut DbConn,
    agency_id: AgencyId,
    year: i32,
) -> Result<Option<CatalogueRow>, DbError> {
    Ok(catalogues::table
        .filter(catalogues::agency_id.eq(agency_id.to_string()))
        .filter(catalogues::year.eq(year))
        .first(conn)
        .optional()?)
}

/// Every frozen catalogue of the agency, latest year first.
pub fn of_agency(conn: &mut DbConn, agency_id: AgencyId) -> Result<Vec<CatalogueRow>, DbError> {
    Ok(catalogues::table
        .filter(catalogues::agency_id.eq(agency_id.to_string()))
        .order(catalogues::year.desc())
        .load(conn)?)
}

/// Every frozen catalogue (their summaries are small: no list, no texts).
pub fn all(conn: &mut DbConn) -> Result<Vec<CatalogueRow>, DbError> {
    Ok(catalogues::table
        .order((catalogues::agency_id.asc(), catalogues::year.desc()))
        .load(conn)?)
}

/// The condition "of the agency and valid on the day": one `?` for the agency, then three for
/// the day. The status is the domain's word, formatted in.
fn valid_on() -> String {
    format!(
        "agency_id = ? AND status = '{published}' AND effective_on <= ? AND valid_until >= ? \
         AND (ended_state IS NULL OR ended_on IS NULL OR ended_on > ?)",
        published = Status::Published.as_str()
    )
}

/// What the previous year's list is taken from.
enum Previous<'a> {
    Frozen(&'a str),
    ValidOn { agency_id: AgencyId, day: NaiveDate },
}

impl Previous<'_> {
    fn sql(&self) -> String {
        match self {
            Previous::Frozen(_) => {
                "(SELECT document_id, lineage_id FROM catalogue_entries WHERE catalogue_id = ?)"
                    .to_string()
            }
            // The documents of an agency valid on a day, as `(document_id, lineage_id)`.
            Previous::ValidOn { .. } => format!(
                "(SELECT id AS document_id, lineage_id FROM documents WHERE {})",
                valid_on()
            ),
        }
    }
}

/// Binds a `Previous` where its SQL stands.
macro_rules! bind_previous {
    ($query:expr, $previous:expr) => {
        match $previous {
            Previous::Frozen(id) => $query.bind::<Text, _>(id.to_string()),
            Previous::ValidOn { agency_id, day } => $query
                .bind::<Text, _>(agency_id.to_string())
                .bind::<Date, _>(*day)
                .bind::<Date, _>(*day)
                .bind::<Date, _>(*day),
        }
    };
}

type Multi = <DbConn as Connection>::Backend;

/// Freezes the catalogue of `agency` for `year` (valid on `as_of`, its 31 December); call in a
/// write transaction. A catalogue already frozen for that year is a unique violation.
pub fn freeze(
    conn: &mut DbConn,
    agency: &AgencyRow,
    year: i32,
    as_of: NaiveDate,
    at: NaiveDateTime,
    actor: Option<UserId>,
) -> Result<CatalogueRow, DbError> {
    let previous_row = find(conn, agency.id, year - 1)?;
    let previous_day = NaiveDate::from_ymd_opt(year - 1, 12, 31)
        .ok_or_else(|| DbError::internal("year out of range"))?;
    let previous = match &previous_row {
        Some(p) => Previous::Frozen(&p.id),
        None => Previous::ValidOn { agency_id: agency.id, day: previous_day },
    };
    let mut row = CatalogueRow {
        id: CatalogueId::new().to_string(),
        agency_id: agency.id.to_string(),
        year,
        as_of,
        frozen_at: at,
        frozen_by: actor.map(|a| a.to_string()),
        entry_count: 0,
        content_hash: String::new(),
        previous_id: previous_row.as_ref().map(|p| p.id.clone()),
        checkpoint_hash: super::checkpoints::latest(conn)?.map(|c| c.hash),
    };
    diesel::insert_into(catalogues::table).values(&row).execute(conn)?;

    // Bulk statements over two sets of up to a whole agency's documents: PostgreSQL's
    // estimates for rows written in this very transaction are far too low, and a nested loop
    // over 100,000 × 100,000 rows takes minutes where a hash join takes a second.
    if let DbConn::Postgres(_) = conn {
        diesel::sql_query("SET LOCAL enable_nestloop = off").execute(conn)?;
        diesel::sql_query("SET LOCAL work_mem = '64MB'").execute(conn)?;
    }
    // The official text's SHA-256 as it stands now, the newest version (one index lookup per
    // entry on `document_files (document_id, kind, version)`): a later upload never reaches
    // the frozen copy.
    let copy = format!(
        "INSERT INTO catalogue_entries (catalogue_id, position, document_id, lineage_id, title, \
         issuance_number, registration_number, published_on, effective_on, valid_until, body, \
         official_text_sha256) \
         SELECT ?, CAST(ROW_NUMBER() OVER (ORDER BY d.published_on, d.issuance_number, d.id) AS INTEGER), \
         d.id, d.lineage_id, d.title, d.issuance_number, d.registration_number, d.published_on, \
         d.effective_on, d.valid_until, d.body, \
         (SELECT f.sha256 FROM document_files f WHERE f.document_id = d.id \
          AND f.kind = '{official}' ORDER BY f.version DESC LIMIT 1) \
         FROM documents d WHERE {condition}",
        official = FileKind::OfficialText.as_str(),
        condition = valid_on()
    );
    let copied = diesel::sql_query(placeholders(conn, &copy))
        .bind::<Text, _>(&row.id)
        .bind::<Text, _>(agency.id.to_string())
        .bind::<Date, _>(as_of)
        .bind::<Date, _>(as_of)
        .bind::<Date, _>(as_of)
        .execute(conn)?;
    row.entry_count = i32::try_from(copied).map_err(|_| DbError::internal("catalogue too long"))?;

    // New lineages were added; a new version of a listed lineage is an amendment. Each engine
    // gets the form its planner answers set against set: SQLite looks each entry up through
    // the indexes (it scans a joined subquery for every row instead), PostgreSQL hashes joins.
    let prev = previous.sql();
    let (added, amended) = (Change::Added.as_str(), Change::Amended.as_str());
    let arrivals = match conn {
        DbConn::Sqlite(_) => format!(
            "INSERT INTO catalogue_changes (catalogue_id, change, document_id, title, \
             issuance_number, registration_number, on_date, reason) \
             SELECT e.catalogue_id, \
                    CASE WHEN EXISTS (SELECT 1 FROM {prev} p WHERE p.lineage_id = e.lineage_id) \
                         THEN '{amended}' ELSE '{added}' END, \
                    e.document_id, e.title, e.issuance_number, e.registration_number, \
                    e.effective_on, NULL \
             FROM catalogue_entries e \
             WHERE e.catalogue_id = ? \
               AND NOT EXISTS (SELECT 1 FROM {prev} q WHERE q.document_id = e.document_id)"
        ),
        DbConn::Postgres(_) => format!(
            "INSERT INTO catalogue_changes (catalogue_id, change, document_id, title, \
             issuance_number, registration_number, on_date, reason) \
             SELECT e.catalogue_id, CASE WHEN pl.lineage_id IS NULL THEN '{added}' ELSE '{amended}' END, \
                    e.document_id, e.title, e.issuance_number, e.registration_number, \
                    e.effective_on, NULL \
             FROM catalogue_entries e \
             LEFT JOIN (SELECT DISTINCT lineage_id FROM {prev} p) pl ON pl.lineage_id = e.lineage_id \
             WHERE e.catalogue_id = ? \
               AND NOT EXISTS (SELECT 1 FROM {prev} q WHERE q.document_id = e.document_id)"
        ),
    };
    // Both forms bind the previous list, the catalogue, then the previous list again.
    let query = diesel::sql_query(placeholders(conn, &arrivals)).into_boxed::<Multi>();
    let query = bind_previous!(query, &previous).bind::<Text, _>(row.id.clone());
    bind_previous!(query, &previous).execute(conn)?;

    record_departures(conn, &row, &previous)?;
    row.content_hash = hash(conn, &row, &agency.code)?;
    diesel::update(catalogues::table.find(&row.id))
        .set((
            catalogues::entry_count.eq(row.entry_count),
            catalogues::content_hash.eq(&row.content_hash),
        ))
        .execute(conn)?;
    Ok(row)
}

/// A lineage listed last year and missing now: why it left, from the document's own record.
#[derive(QueryableByName)]
struct Departed {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Nullable<Text>)]
    issuance_number: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    registration_number: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    effective_on: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    valid_until: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Text>)]
    ended_state: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    ended_on: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Text>)]
    ended_reason: Option<String>,
}

fn record_departures(
    conn: &mut DbConn,
    row: &CatalogueRow,
    previous: &Previous<'_>,
) -> Result<(), DbError> {
    // An anti-join: an index lookup per row on SQLite, a hash anti-join on PostgreSQL.
    let sql = format!(
        "SELECT d.id, d.title, d.issuance_number, d.registration_number, d.effective_on, \
                d.valid_until, d.ended_state, d.ended_on, d.ended_reason \
         FROM {prev} p JOIN documents d ON d.id = p.document_id \
         WHERE NOT EXISTS (SELECT 1 FROM catalogue_entries e \
                           WHERE e.catalogue_id = ? AND e.lineage_id = p.lineage_id)",
        prev = previous.sql()
    );
    let query = diesel::sql_query(placeholders(conn, &sql)).into_boxed::<Multi>();
    let departed: Vec<Departed> =
        bind_previous!(query, previous).bind::<Text, _>(row.id.clone()).load(conn)?;
    let mut changes = Vec::with_capacity(departed.len());
    for d in departed {
        let effective = d.effective_on.unwrap_or(row.as_of);
        let until = d.valid_until.unwrap_or(row.as_of);
        let ended = match d.ended_state.as_deref() {
            None => None,
            Some(s) => Some(word("documents", &d.id, "ended_state", s, EndKind::parse)?),
        };
        let ended = ended.map(EndKind::validity).zip(d.ended_on);
        let (change, on_date) = departure(row.as_of, effective, until, ended);
        let reason = match change {
            Change::Removed | Change::Expired => None,
            _ => d.ended_reason,
        };
        changes.push((
            catalogue_changes::catalogue_id.eq(row.id.clone()),
            catalogue_changes::change.eq(change.as_str()),
            catalogue_changes::document_id.eq(d.id),
            catalogue_changes::title.eq(d.title),
            catalogue_changes::issuance_number.eq(d.issuance_number),
            catalogue_changes::registration_number.eq(d.registration_number),
            catalogue_changes::on_date.eq(on_date),
            catalogue_changes::reason.eq(reason),
        ));
    }
    for chunk in changes.chunks(500) {
        insert_many!(conn, catalogue_changes::table, chunk)?;
    }
    Ok(())
}

/// Hashes the frozen content by reading it back in order, a chunk at a time.
fn hash(conn: &mut DbConn, row: &CatalogueRow, agency_code: &str) -> Result<String, DbError> {
    let mut hasher = ContentHasher::new(agency_code, row.year, row.as_of);
    let mut after = 0;
    loop {
        let chunk = entries(conn, &row.id, after, HASH_CHUNK, true)?;
        let Some(last) = chunk.last() else { break };
        after = last.position;
        for e in &chunk {
            hasher.entry(e);
        }
    }
    for c in changes(conn, &row.id)? {
        hasher.change(&c);
    }
    Ok(hasher.finish())
}

type EntryColumns = (
    i32,
    String,
    String,
    Option<String>,
    Option<String>,
    NaiveDate,
    NaiveDate,
    NaiveDate,
    Option<String>,
);

/// Entries after `after` (a position), at most `limit`, in order; texts only when asked for.
pub fn entries(
    conn: &mut DbConn,
    catalogue_id: &str,
    after: i32,
    limit: i32,
    with_body: bool,
) -> Result<Vec<Entry>, DbError> {
    let page = catalogue_entries::table
        .filter(catalogue_entries::catalogue_id.eq(catalogue_id))
        .filter(catalogue_entries::position.gt(after))
        .filter(catalogue_entries::position.le(after.saturating_add(limit)))
        .order(catalogue_entries::position.asc());
    let columns = (
        catalogue_entries::position,
        catalogue_entries::document_id,
        catalogue_entries::title,
        catalogue_entries::issuance_number,
        catalogue_entries::registration_number,
        catalogue_entries::published_on,
        catalogue_entries::effective_on,
        catalogue_entries::valid_until,
        catalogue_entries::official_text_sha256,
    );
    let rows: Vec<(EntryColumns, String)> = if with_body {
        page.select((columns, catalogue_entries::body)).load(conn)?
    } else {
        page.select((columns, diesel::dsl::sql::<Text>("''"))).load(conn)?
    };
    Ok(rows
        .into_iter()
        .map(|((position, document_id, title, issuance, registration, p, e, v, sha), body)| Entry {
            position,
            document_id,
            title,
            issuance_number: issuance,
            registration_number: registration,
            published_on: p,
            effective_on: e,
            valid_until: v,
            body,
            official_text_sha256: sha,
        })
        .collect())
}

/// Positions hold 1..=entry_count with no gap, so a page is a range of positions.
pub fn position_range(page: i64, per_page: i64) -> (i32, i32) {
    let after = (page - 1).saturating_mul(per_page);
    (i32::try_from(after).unwrap_or(i32::MAX), i32::try_from(per_page).unwrap_or(i32::MAX))
}
