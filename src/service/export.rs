//! The live catalogue as a bulk export (`GET /api/v1/public/export`): every published document
//! in force today, or on a given day, as JSON Lines or CSV. The edge streams it slice by
//! slice ([`slice`]), so that the whole catalogue is never held in memory; each slice is one
//! short read, and a document published while an export runs may or may not be in it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::db::{self, search_query::export::Cursor, DbConn};
use crate::domain::catalogue::csv_record;
use crate::domain::clock::Clock;
use crate::domain::ids::DocumentId;
use crate::domain::validity::Validity;
use crate::error::AppError;
use crate::service::dates;

/// Documents per slice: one read of this many rows takes a few milliseconds, and the body
/// flows on while the next is read.
pub const SLICE: i64 = 500;

/// The export as it is asked for.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `jsonl` (JSON Lines, one document a line; the default) or `csv` (RFC 4180, with a
    /// header row).
    #[param(value_type = Option<ExportFormat>)]
    pub format: Option<String>,
    /// The documents in force on this date (`YYYY-MM-DD`, within the policy's date range)
    /// instead of today.
    #[param(value_type = Option<NaiveDate>)]
    pub valid_on: Option<String>,
}

/// The formats of the export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Jsonl,
    Csv,
}

impl ExportFormat {
    /// The media type of the body.
    pub fn media_type(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "application/x-ndjson",
            ExportFormat::Csv => "text/csv; charset=utf-8",
        }
    }

    /// The file name suggested for a download.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "jsonl",
            ExportFormat::Csv => "csv",
        }
    }
}

/// A checked export request.
#[derive(Clone, Copy, Debug)]
pub struct Export {
    pub format: ExportFormat,
    /// The day the documents are in force on.
    pub day: NaiveDate,
    day_asked: bool,
}

impl Export {
    /// Checks the query; without `valid_on` the export is of `today`.
    pub fn parse(query: &ExportQuery, today: NaiveDate) -> Result<Self, AppError> {
        let format = match query.format.as_deref().map(str::trim) {
            None | Some("") | Some("jsonl") => ExportFormat::Jsonl,
            Some("csv") => ExportFormat::Csv,
            Some(other) => {
                return Err(AppError::invalid("format", format!("`{other}`: use jsonl or csv")))
            }
        };
        let valid_on = match query.valid_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(raw) => Some(dates::parse_field("valid_on", raw)?),
            None => None,
        };
        Ok(Self { format, day: valid_on.unwrap_or(today), day_asked: valid_on.is_some() })
    }
}

/// Refuses a `valid_on` outside the policy's date range; the edge calls it before the first
/// byte is sent, since a refusal after it can no longer be a status.
pub fn check(conn: &mut DbConn, export: &Export) -> Result<(), AppError> {
    if export.day_asked {
        dates::require_in_range(conn, &[("valid_on", Some(export.day))])?;
    }
    Ok(())
}

/// One document of the export: what the public catalogue shows of it, flat, so that the JSON
/// Lines and the CSV carry the same fields under the same names.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct ExportRow {
    #[schema(value_type = String)]
    pub id: DocumentId,
    pub title: String,
    /// Code of the issuing agency.
    pub agency_code: Option<String>,
    pub agency_name: Option<String>,
    /// 文号
    pub issuance_number: Option<String>,
    /// 统一登记号
    pub registration_number: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub effective_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// Validity today (in force on the export's day by construction; this says whether it
    /// still is).
    pub validity: Option<Validity>,
}

/// The CSV header: the JSON field names, in order.
pub const CSV_COLUMNS: [&str; 10] = [
    "id",
    "title",
    "agency_code",
    "agency_name",
    "issuance_number",
    "registration_number",
    "published_on",
    "effective_on",
    "valid_until",
    "validity",
];

/// A slice of the export after `after` (from the start with `None`): its documents and where
/// the next slice starts, `None` once the catalogue is exhausted.
pub fn slice(
    conn: &mut DbConn,
    clock: &dyn Clock,
    export: &Export,
    after: Option<Cursor>,
) -> Result<(Vec<ExportRow>, Option<Cursor>), AppError> {
    let keys = db::search_query::export::in_force_slice(conn, export.day, after, SLICE)?;
    let next = (keys.len() as i64 == SLICE).then(|| keys.last().map(|k| k.1)).flatten();
    let ids: Vec<DocumentId> = keys.iter().map(|k| k.0).collect();
    let docs = db::public::published_in_order(conn, &ids)?;
    let mut agency_ids: Vec<_> = docs.iter().map(|d| d.agency_id).collect();
    agency_ids.sort();
    agency_ids.dedup();
    let agencies = db::public::agencies_by_id(conn, &agency_ids)?;
    let today = clock.today();
    let rows = docs
        .into_iter()
        .map(|d| {
            let agency = agencies.iter().find(|a| a.id == d.agency_id);
            ExportRow {
                id: d.id,
                agency_code: agency.map(|a| a.code.clone()),
                agency_name: agency.map(|a| a.name.clone()),
                validity: d.validity_on(today),
                title: d.title,
                issuance_number: d.issuance_number,
                registration_number: d.registration_number,
                published_on: d.published_on,
                effective_on: d.effective_on,
                valid_until: d.valid_until,
            }
        })
        .collect();
    Ok((rows, next))
}

/// A byte-order mark opens the CSV: without it the spreadsheets people open it in read the
/// Chinese text as a legacy code page (the frozen catalogues' CSV starts the same way).
const BOM: &str = "\u{feff}";

/// The start of the body, before the first slice: the CSV's mark and header.
pub fn head(format: ExportFormat) -> String {
    match format {
        ExportFormat::Jsonl => String::new(),
        ExportFormat::Csv => format!("{BOM}{}", csv_record(&CSV_COLUMNS)),
    }
}

/// The rows as lines of the body.
pub fn encode(format: ExportFormat, rows: &[ExportRow]) -> Result<String, AppError> {
    let mut out = String::new();
    for row in rows {
        match format {
            ExportFormat::Jsonl => {
                out.push_str(
                    &serde_json::to_string(row).map_err(|e| AppError::internal(e.to_string()))?,
                );
                out.push('\n');
            }
            ExportFormat::Csv => {
                let text = |v: &Option<String>| v.clone().unwrap_or_default();
                let date = |v: Option<NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
                out.push_str(&csv_record(&[
                    row.id.to_string(),
                    row.title.clone(),
                    text(&row.agency_code),
                    text(&row.agency_name),
                    text(&row.issuance_number),
                    text(&row.registration_number),
                    date(row.published_on),
                    date(row.effective_on),
                    date(row.valid_until),
                    row.validity.map(|v| v.as_str().to_string()).unwrap_or_default(),
                ]));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_format_or_a_malformed_date_is_refused() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");
        let q = |format: Option<&str>, valid_on: Option<&str>| ExportQuery {
            format: format.map(String::from),
            valid_on: valid_on.map(String::from),
        };
        let csv = Export::parse(&q(Some("csv"), Some("2025-12-31")), today).expect("parses");
        assert_eq!((csv.format, csv.day.to_string().as_str()), (ExportFormat::Csv, "2025-12-31"));
        assert_eq!(Export::parse(&q(Some("jsonl"), None), today).expect("parses").day, today);
        assert_eq!(
            Export::parse(&q(None, None), today).expect("parses").format,
            ExportFormat::Jsonl
        );
        for (format, valid_on) in
            [(Some("json"), None), (Some("xml"), None), (Some("csv"), Some("2025-13-01"))]
        {
            assert!(Export::parse(&q(format, valid_on), today).is_err(), "{format:?} {valid_on:?}");
        }
    }
}
