//! Queries on filings (报送备案) and the figures filing authorities report.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::error::DbError;
use super::schema::{documents, filings};
use super::DbConn;
use crate::domain::filing::FilingStatus;
use crate::domain::lifecycle::Status;

/// One row of `filings`, field order as in the schema.
#[derive(Clone, Debug, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = filings, treat_none_as_null = true)]
pub struct FilingRow {
    pub id: String,
    pub document_id: String,
    pub agency_id: String,
    pub authority_id: String,
    pub report: String,
    pub materials: String,
    pub submitted_on: NaiveDate,
    pub due_on: NaiveDate,
    pub on_time: bool,
    pub complete: bool,
    pub status: String,
    pub decision_reason: Option<String>,
    pub correction_due_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub decided_by: Option<String>,
    pub resubmissions: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub found_unlawful: bool,
}

pub fn insert(conn: &mut DbConn, row: &FilingRow) -> Result<(), DbError> {
    diesel::insert_into(filings::table).values(row).execute(conn)?;
    Ok(())
}

pub fn save(conn: &mut DbConn, row: &FilingRow) -> Result<(), DbError> {
    diesel::update(filings::table.find(&row.id)).set(row).execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: &str) -> Result<Option<FilingRow>, DbError> {
    Ok(filings::table.find(id).first(conn).optional()?)
}

pub fn find_by_document(
    conn: &mut DbConn,
    document_id: &str,
) -> Result<Option<FilingRow>, DbError> {
    Ok(filings::table.filter(filings::document_id.eq(document_id)).first(conn).optional()?)
}

/// Which filings a list shows.
#[derive(Clone, Debug, Default)]
pub struct FilingFilter {
    /// Filings received by these authorities.
    pub authorities: Option<Vec<String>>,
    /// Filings sent by these agencies (a caller sees both what it received and what it sent).
    pub filers: Option<Vec<String>>,
    pub status: Option<String>,
    /// Only filings made late, or whose ordered correction is past due, as of this day.
    pub overdue_on: Option<NaiveDate>,
}

pub fn list(
    conn: &mut DbConn,
    f: &FilingFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<FilingRow>, i64), DbError> {
    let build = || {
        let mut q = filings::table.into_boxed();
        match (&f.authorities, &f.filers) {
            (Some(a), Some(b)) => {
                q = q.filter(
                    filings::authority_id
                        .eq_any(a.clone())
                        .or(filings::agency_id.eq_any(b.clone())),
                )
            }
            (Some(a), None) => q = q.filter(filings::authority_id.eq_any(a.clone())),
            (None, Some(b)) => q = q.filter(filings::agency_id.eq_any(b.clone())),
            (None, None) => {}
        }
        if let Some(s) = &f.status {
            q = q.filter(filings::status.eq(s.clone()));
        }
        if let Some(day) = f.overdue_on {
            q = q.filter(
                filings::on_time.eq(false).or(filings::status
                    .eq(FilingStatus::CorrectionRequired.as_str())
                    .and(filings::correction_due_on.lt(day))),
            );
        }
        q
    };
    let total = build().count().get_result(conn)?;
    let rows = build()
        .order((filings::created_at.desc(), filings::id.asc()))
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((rows, total))
}

/// The counts behind 报备率, 及时率, 规范率 and 纠错率 for documents of `agencies` published in
/// `[from, to]`. Imported documents were issued before the service and are not counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FilingCounts {
    pub published: i64,
    pub filed: i64,
    pub on_time: i64,
    pub complete: i64,
    pub found_unlawful: i64,
    pub corrected_or_revoked: i64,
}

pub fn counts(
    conn: &mut DbConn,
    agencies: &[String],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<FilingCounts, DbError> {
    let published = documents::table
        .filter(documents::agency_id.eq_any(agencies.to_vec()))
        .filter(documents::status.eq(Status::Published.as_str()))
        .filter(documents::imported.eq(false))
        .filter(documents::published_on.between(from, to))
        .count()
        .get_result(conn)?;
    let rows: Vec<(bool, bool, String, bool)> = filings::table
        .inner_join(documents::table.on(documents::id.eq(filings::document_id)))
        .filter(documents::agency_id.eq_any(agencies.to_vec()))
        .filter(documents::status.eq(Status::Published.as_str()))
        .filter(documents::imported.eq(false))
        .filter(documents::published_on.between(from, to))
        .select((filings::on_time, filings::complete, filings::status, filings::found_unlawful))
        .load(conn)?;
    let mut c = FilingCounts { published, filed: rows.len() as i64, ..Default::default() };
    for (on_time, complete, status, found_unlawful) in &rows {
        c.on_time += i64::from(*on_time);
        c.complete += i64::from(*complete);
        if *found_unlawful {
            c.found_unlawful += 1;
            // Corrected: accepted after a correction order; or revoked outright.
            let settled = matches!(
                FilingStatus::parse(status),
                Some(FilingStatus::Accepted | FilingStatus::Revoked)
            );
            c.corrected_or_revoked += i64::from(settled);
        }
    }
    Ok(c)
}
