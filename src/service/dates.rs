//! The policy's date range applied to the dates of a request: one check at the start of every
//! operation that takes a date, each date outside the range named as a field of a 422.

use chrono::NaiveDate;

use crate::db::{self, DbConn};
use crate::domain::dates::{parse_iso, DateError, DateRange, DEFAULT_EARLIEST, DEFAULT_LATEST};
use crate::error::{AppError, FieldError};

/// The range of the policy in force.
pub fn range(conn: &mut DbConn) -> Result<DateRange, AppError> {
    Ok(db::settings::policy(conn)?.date_range())
}

/// Refuses the request when a date it carries (field name, value; `None` when left out) lies
/// outside the policy's range, naming every such field; answers the range for later checks.
pub fn require_in_range(
    conn: &mut DbConn,
    fields: &[(&'static str, Option<NaiveDate>)],
) -> Result<DateRange, AppError> {
    let range = range(conn)?;
    check(&range, fields)?;
    Ok(range)
}

/// [`require_in_range`] against a range already loaded.
pub fn check(
    range: &DateRange,
    fields: &[(&'static str, Option<NaiveDate>)],
) -> Result<(), AppError> {
    let outside = range.outside(fields);
    if outside.is_empty() {
        return Ok(());
    }
    Err(AppError::invalid_fields(
        outside.into_iter().map(|(field, e)| FieldError::new(field, e.to_string())).collect(),
    ))
}

/// Refuses dates the policy settled by default (not sent, so not checked on arrival) that lie
/// outside the range, saying that the request should give them.
pub fn check_settled(
    range: &DateRange,
    settled: &[(&'static str, NaiveDate)],
) -> Result<(), AppError> {
    let errors: Vec<FieldError> = settled
        .iter()
        .filter_map(|(field, date)| {
            range.check(*date).err().map(|e| FieldError::new(*field, e.settled(field)))
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid_fields(errors))
    }
}

/// Refuses a year (of a catalogue, a campaign, a figure) none of whose days lie in the range.
pub fn require_year_in_range(
    conn: &mut DbConn,
    field: &'static str,
    year: i32,
) -> Result<i32, AppError> {
    range(conn)?.check_year(year).map_err(|e| invalid(field, e))
}

/// The year of a figure (default the clock's year), checked against the range, with its
/// first and last day.
pub fn year_span(
    conn: &mut DbConn,
    clock: &dyn crate::domain::clock::Clock,
    year: Option<i32>,
) -> Result<(i32, NaiveDate, NaiveDate), AppError> {
    use chrono::Datelike;
    let year = year.unwrap_or_else(|| clock.today().year());
    require_year_in_range(conn, "year", year)?;
    match (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) {
        (Some(from), Some(to)) => Ok((year, from, to)),
        _ => Err(AppError::invalid("year", "not a calendar year")),
    }
}

/// A date written in a query string, `YYYY-MM-DD` exactly, or a 422 naming `field` (serde
/// cannot name the field of a query string, so such dates arrive as text).
pub fn parse_field(field: &'static str, raw: &str) -> Result<NaiveDate, AppError> {
    parse_iso(raw.trim()).map_err(|e| invalid(field, e))
}

/// A refused date of `field`.
pub fn invalid(field: &'static str, e: DateError) -> AppError {
    AppError::invalid(field, e.to_string())
}

/// How many stored dates outside the range a refusal to start lists by name.
const LISTED_ANOMALIES: i64 = 20;

/// Refuses to go on while the database holds dates the migration `…_date_range` found outside
/// the range (see `migrations/*/…_date_range/up.sql`): on those the two engines would answer
/// differently, so serving, expiring or freezing catalogues over them is refused until an
/// operator has dealt with each line. The message lists them and says how.
pub fn refuse_stored_outside_range(conn: &mut DbConn) -> Result<(), AppError> {
    let (listed, total) = db::dates::anomalies(conn, LISTED_ANOMALIES)?;
    if total == 0 {
        return Ok(());
    }
    let lines: Vec<String> = listed
        .iter()
        .map(|a| {
            format!(
                "{}.{} of {} holds '{}'",
                a.table_name, a.column_name, a.row_key, a.stored_value
            )
        })
        .collect();
    let more = if total > listed.len() as i64 {
        format!("; and {} more", total - listed.len() as i64)
    } else {
        String::new()
    };
    Err(AppError::internal(format!(
        "{total} stored date(s) lie outside the range {DEFAULT_EARLIEST}..{DEFAULT_LATEST}, where \
         SQLite and PostgreSQL would compare them differently; nothing was changed. Correct each \
         value (or accept it knowingly), then delete its line from the table date_anomalies: \
         {}{more}",
        lines.join("; ")
    )))
}
