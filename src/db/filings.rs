//! Queries on filings (报送备案) and the figures filing authorities report. A filing's status
//! and materials are decoded strictly here: a row that does not decode is an error naming it,
//! never an empty filing.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::document_row::{parsed, parsed_opt, word};
use super::documents::id_strings;
use super::error::DbError;
use super::schema::{documents, filings};
use super::DbConn;
use crate::domain::filing::{Filing, FilingStatus};
use crate::domain::ids::{AgencyId, DocumentId, FilingId};
use crate::domain::lifecycle::Status;

/// One row of `filings` as stored, field order as in the schema.
#[derive(Clone, Debug, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = filings, treat_none_as_null = true)]
struct FilingRow {
    id: String,
    document_id: String,
    agency_id: String,
    authority_id: String,
    report: String,
    materials: String,
    submitted_on: NaiveDate,
    due_on: NaiveDate,
    on_time: bool,
    complete: bool,
    status: String,
    decision_reason: Option<String>,
    correction_due_on: Option<NaiveDate>,
    decided_on: Option<NaiveDate>,
    decided_by: Option<String>,
    resubmissions: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    found_unlawful: bool,
}

impl TryFrom<FilingRow> for Filing {
    type Error = DbError;

    fn try_from(r: FilingRow) -> Result<Self, DbError> {
        let id = &r.id;
        let status = word("filings", id, "status", &r.status, FilingStatus::parse)?;
        Ok(Filing {
            id: parsed("filings", id, "id", id)?,
            document_id: parsed("filings", id, "document_id", &r.document_id)?,
            agency_id: parsed("filings", id, "agency_id", &r.agency_id)?,
            authority_id: parsed("filings", id, "authority_id", &r.authority_id)?,
            materials: serde_json::from_str(&r.materials)
                .map_err(|e| DbError::decode("filings", id, "materials", e))?,
            decided_by: parsed_opt("filings", id, "decided_by", r.decided_by.as_deref())?,
            status,
            report: r.report,
            submitted_on: r.submitted_on,
            due_on: r.due_on,
            on_time: r.on_time,
            complete: r.complete,
            decision_reason: r.decision_reason,
            correction_due_on: r.correction_due_on,
            decided_on: r.decided_on,
            resubmissions: r.resubmissions,
            created_at: r.created_at,
            updated_at: r.updated_at,
            found_unlawful: r.found_unlawful,
        })
    }
}

impl TryFrom<&Filing> for FilingRow {
    type Error = DbError;

    fn try_from(f: &Filing) -> Result<Self, DbError> {
        Ok(FilingRow {
            id: f.id.to_string(),
            document_id: f.document_id.to_string(),
            agency_id: f.agency_id.to_string(),
            authority_id: f.authority_id.to_string(),
            report: f.report.clone(),
            materials: serde_json::to_string(&f.materials)
                .map_err(|e| DbError::decode("filings", f.id, "materials", e))?,
            submitted_on: f.submitted_on,
            due_on: f.due_on,
            on_time: f.on_time,
            complete: f.complete,
            status: f.status.as_str().to_string(),
            decision_reason: f.decision_reason.clone(),
            correction_due_on: f.correction_due_on,
            decided_on: f.decided_on,
            decided_by: f.decided_by.map(|d| d.to_string()),
            resubmissions: f.resubmissions,
            created_at: f.created_at,
            updated_at: f.updated_at,
            found_unlawful: f.found_unlawful,
        })
    }
}

fn first(row: Option<FilingRow>) -> Result<Option<Filing>, DbError> {
    row.map(Filing::try_from).transpose()
}

pub fn insert(conn: &mut DbConn, filing: &Filing) -> Result<(), DbError> {
    diesel::insert_into(filings::table).values(FilingRow::try_from(filing)?).execute(conn)?;
    Ok(())
}

pub fn save(conn: &mut DbConn, filing: &Filing) -> Result<(), DbError> {
    diesel::update(filings::table.find(filing.id.to_string()))
        .set(FilingRow::try_from(filing)?)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: FilingId) -> Result<Option<Filing>, DbError> {
    first(filings::table.find(id.to_string()).first(conn).optional()?)
}

pub fn find_by_document(
    conn: &mut DbConn,
    document_id: DocumentId,
) -> Result<Option<Filing>, DbError> {
    first(
        filings::table
            .filter(filings::document_id.eq(document_id.to_string()))
            .first(conn)
            .optional()?,
    )
}

/// Which filings a list shows.
#[derive(Clone, Debug, Default)]
pub struct FilingFilter {
    /// Filings received by these authorities.
    pub authorities: Option<Vec<AgencyId>>,
    /// Filings sent by these agencies (a caller sees both what it received and what it sent).
    pub filers: Option<Vec<AgencyId>>,
    pub status: Option<FilingStatus>,
    /// Only filings made late, or whose ordered correction is past due, as of this day.
    pub overdue_on: Option<NaiveDate>,
}

pub fn list(
    conn: &mut DbConn,
    f: &FilingFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Filing>, i64), DbError> {
    let authorities = f.authorities.as_deref().map(id_strings);
    let filers = f.filers.as_deref().map(id_strings);
    let build = || {
        let mut q = filings::table.into_boxed();
        match (&authorities, &filers) {
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
        if let Some(s) = f.status {
            q = q.filter(filings::status.eq(s.as_str()));
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
        .load::<FilingRow>(conn)?;
    let filings = rows.into_iter().map(Filing::try_from).collect::<Result<_, _>>()?;
    Ok((filings, total))
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
    agencies: &[AgencyId],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<FilingCounts, DbError> {
    let agencies = id_strings(agencies);
    let published = documents::table
        .filter(documents::agency_id.eq_any(agencies.clone()))
        .filter(documents::status.eq(Status::Published.as_str()))
        .filter(documents::imported.eq(false))
        .filter(documents::published_on.between(from, to))
        .count()
        .get_result(conn)?;
    let rows: Vec<(bool, bool, String, bool)> = filings::table
        .inner_join(documents::table.on(documents::id.eq(filings::document_id)))
        .filter(documents::agency_id.eq_any(agencies))
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
