//! Annual catalogues: freezing one (`POST /api/v1/catalogues`, also `normreg catalogue`) and
//! reading the frozen ones in public, as JSON or CSV, with the changes since the year before,
//! or as a ZIP of Akoma Ntoso (`?format=akn`; the same under `{year}.akn.zip`).

use std::collections::{BTreeMap, HashMap};

use actix_web::{get, http::header, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::json::ApiJson;
use super::responses::{InvalidFields, NotModified};
use super::visitor::Visitor;
use super::Answer;
use crate::db::{agencies::AgencyRow, catalogues::CatalogueRow};
use crate::domain::catalogue::{
    csv_record, CatalogueFormat, CatalogueList, Change, ChangeEntry, Entry, CSV_HEADER,
};
use crate::error::{AppError, Problem};
use crate::http_caching::cached;
use crate::service::catalogues::{self, ChangeCounts, Entries, Freezing, Frozen, Loaded};

/// What a frozen catalogue is, without its list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogueSummary {
    pub agency_code: String,
    pub agency_name: String,
    pub year: i32,
    /// The day the list speaks of: 31 December of `year`.
    pub as_of: NaiveDate,
    pub frozen_at: DateTime<Utc>,
    pub entry_count: i32,
    /// `sha256:` over the canonical content (see README), for anyone to check a copy.
    pub content_hash: String,
    /// `catalogue` when counted against last year's frozen catalogue, `documents` when last
    /// year had none and the documents valid on its last day were taken.
    pub compared_with: String,
    /// How many documents each kind of change concerns.
    pub change_counts: BTreeMap<String, usize>,
    /// The hash of the history checkpoint made when the catalogue was frozen
    /// (`GET /api/v1/public/checkpoints`): keep it to hold the registry's history to it later.
    pub checkpoint_hash: Option<String>,
}

/// One listed document.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogueEntry {
    pub position: i32,
    pub document_id: String,
    pub title: String,
    pub issuance_number: Option<String>,
    pub registration_number: Option<String>,
    pub published_on: NaiveDate,
    pub effective_on: NaiveDate,
    pub valid_until: NaiveDate,
    /// The SHA-256 (lowercase hex) of the document's official text (正式文本) when the
    /// catalogue was frozen (its newest version then); null when it had none, or when the
    /// catalogue was frozen before catalogues recorded it. Compare it with a download's.
    pub official_text_sha256: Option<String>,
    /// The text as frozen; present with `texts=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// One change since the previous year.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogueChange {
    pub change: Change,
    /// 新增, 修改, 废止, 失效, 宣布失效, 撤销, 移出.
    pub change_label: String,
    pub document_id: String,
    pub title: String,
    pub issuance_number: Option<String>,
    pub registration_number: Option<String>,
    /// When it took effect, was repealed, expired…
    pub on_date: Option<NaiveDate>,
    pub reason: Option<String>,
}

/// A frozen catalogue: its summary, every change, and a page of its list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCatalogue {
    #[serde(flatten)]
    pub summary: CatalogueSummary,
    pub changes: Vec<CatalogueChange>,
    pub entries: Vec<CatalogueEntry>,
    pub page: i64,
    pub per_page: i64,
}

/// How many documents each kind of change concerns, from a list already read.
fn count_changes(changes: &[ChangeEntry]) -> ChangeCounts {
    let mut counts = BTreeMap::new();
    for c in changes {
        *counts.entry(c.change.as_str().to_string()).or_insert(0) += 1;
    }
    counts
}

fn summary(
    row: &CatalogueRow,
    agency: &AgencyRow,
    change_counts: ChangeCounts,
) -> CatalogueSummary {
    CatalogueSummary {
        agency_code: agency.code.clone(),
        agency_name: agency.name.clone(),
        year: row.year,
        as_of: row.as_of,
        frozen_at: row.frozen_at.and_utc(),
        entry_count: row.entry_count,
        content_hash: row.content_hash.clone(),
        compared_with: if row.previous_id.is_some() { "catalogue" } else { "documents" }.into(),
        change_counts,
        checkpoint_hash: row.checkpoint_hash.clone(),
    }
}

impl From<ChangeEntry> for CatalogueChange {
    fn from(c: ChangeEntry) -> Self {
        Self {
            change: c.change,
            change_label: c.change.chinese().to_string(),
            document_id: c.document_id,
            title: c.title,
            issuance_number: c.issuance_number,
            registration_number: c.registration_number,
            on_date: c.on_date,
            reason: c.reason,
        }
    }
}

impl From<Entry> for CatalogueEntry {
    fn from(e: Entry) -> Self {
        Self {
            position: e.position,
            document_id: e.document_id,
            title: e.title,
            issuance_number: e.issuance_number,
            registration_number: e.registration_number,
            published_on: e.published_on,
            effective_on: e.effective_on,
            valid_until: e.valid_until,
            official_text_sha256: e.official_text_sha256,
            text: None,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FreezeRequest {
    #[schema(format = Uuid)]
    pub agency_id: String,
    pub year: i32,
}

/// Freezes the catalogue of an agency's documents valid on 31 December of `year` (admin, or
/// the agency's own registrar), with their texts and the changes since the year before. Once
/// frozen, nothing alters it; asking again answers the same catalogue (200).
#[utoipa::path(tag = "catalogues", security(("bearer" = [])), request_body(content = FreezeRequest, example = json!({"agency_id": "8d3c5f0e-2b1a-4c6d-9e7f-0a1b2c3d4e5f", "year": 2025})), responses(
    (status = 201, description = "Frozen now", body = CatalogueSummary),
    (status = 200, description = "Frozen before; the same catalogue", body = CatalogueSummary),
    (status = 403, description = "Not admin nor the agency's registrar", body = Problem),
    (status = 404, description = "No such agency", body = Problem),
    (status = 409, description = "The year is not over", body = Problem),
    InvalidFields
))]
#[post("/catalogues")]
pub async fn freeze_catalogue(caller: Caller, body: ApiJson<FreezeRequest>) -> Answer {
    let FreezeRequest { agency_id, year } = body.0;
    // `freeze` opens its own write transaction (see `freeze_or_find`), so the connection is
    // taken bare.
    let Freezing { frozen, agency, change_counts } = caller
        .write_statement(move |conn, actor, clock| {
            catalogues::freeze(conn, actor, clock, &agency_id, year)
        })
        .await?;
    let (mut answer, row) = match frozen {
        Frozen::New(row) => (HttpResponse::Created(), row),
        Frozen::Existing(row) => (HttpResponse::Ok(), row),
    };
    Ok(answer.json(summary(&row, &agency, change_counts)))
}

/// The frozen catalogues of an agency, latest year first.
#[utoipa::path(tag = "public", responses(
    (status = 200, description = "Every frozen catalogue of the agency", body = Vec<CatalogueSummary>),
    (status = 404, description = "No such agency", body = Problem)
))]
#[get("/public/catalogues/{agency_code}")]
pub async fn list_public_catalogues(visitor: Visitor, agency_code: web::Path<String>) -> Answer {
    let code = agency_code.into_inner();
    let (agency, rows) = visitor
        .state
        .read(move |conn, _| catalogues::frozen_of_agency_counted(conn, &code))
        .await?;
    let list: Vec<CatalogueSummary> =
        rows.into_iter().map(|(row, counts)| summary(&row, &agency, counts)).collect();
    visitor.cached(&list)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogueQuery {
    /// `json` (default), `csv`, or `akn`: a ZIP of every listed document's Akoma Ntoso.
    #[param(value_type = Option<CatalogueFormat>, inline)]
    pub format: Option<String>,
    /// With `format=csv`: `entries` (default, the list) or `changes`.
    #[param(value_type = Option<CatalogueList>, inline)]
    pub list: Option<String>,
    /// Include each document's frozen text in the JSON entries.
    pub texts: Option<bool>,
    /// Page of the JSON entries, from 1.
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    /// Entries per JSON page, 1–1000 (default 100). The CSV holds every entry.
    #[param(minimum = 1, maximum = 1000)]
    pub per_page: Option<i64>,
}

/// A frozen annual catalogue: the list of the agency's documents valid on 31 December, with
/// the changes since the previous year (added, amended, repealed, expired, declared invalid,
/// revoked). Never altered once frozen; `?format=csv` gives it as a spreadsheet, `?format=akn`
/// as a ZIP of Akoma Ntoso (see `{year}.akn.zip`).
#[utoipa::path(tag = "public", params(CatalogueQuery), responses(
    (status = 200, description = "The catalogue (JSON; CSV with `format=csv`, with ETag; a ZIP of Akoma Ntoso with `format=akn`)", content((PublicCatalogue = "application/json"), (String = "text/csv"), (super::file_body::FileBytes = "application/zip"))),
    NotModified,
    (status = 404, description = "No such agency, or no catalogue frozen for that year", body = Problem),
    (status = 422, description = "Invalid query", body = Problem)
))]
#[get("/public/catalogues/{agency_code}/{year}")]
pub async fn get_public_catalogue(
    visitor: Visitor,
    path: web::Path<(String, String)>,
    query: web::Query<CatalogueQuery>,
) -> Answer {
    let (code, year) = path.into_inner();
    catalogue_answer(visitor, code, year, query.into_inner()).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogueCsvQuery {
    /// `entries` (default, the list) or `changes`.
    #[param(value_type = Option<CatalogueList>, inline)]
    pub list: Option<String>,
}

/// A frozen annual catalogue as CSV (UTF-8 with a byte-order mark, for spreadsheets): the
/// same as `?format=csv` on the catalogue, under a path of its own so that a client reads
/// text here and JSON there.
#[utoipa::path(tag = "public", params(CatalogueCsvQuery), responses(
    (status = 200, description = "The catalogue's list (or changes) as CSV, with ETag", content_type = "text/csv", body = String),
    NotModified,
    (status = 404, description = "No such agency, or no catalogue frozen for that year", body = Problem),
    (status = 422, description = "Invalid query", body = Problem)
))]
#[get("/public/catalogues/{agency_code}/{year}.csv")]
pub async fn get_public_catalogue_csv(
    visitor: Visitor,
    path: web::Path<(String, String)>,
    query: web::Query<CatalogueCsvQuery>,
) -> Answer {
    let (code, year) = path.into_inner();
    let q = CatalogueQuery {
        format: Some(CatalogueFormat::Csv.as_str().into()),
        list: query.into_inner().list,
        texts: None,
        page: None,
        per_page: None,
    };
    catalogue_answer(visitor, code, year, q).await
}

async fn catalogue_answer(
    visitor: Visitor,
    code: String,
    year: String,
    q: CatalogueQuery,
) -> Answer {
    let year: i32 = year.parse().map_err(|_| AppError::NotFound("catalogue"))?;
    let format = CatalogueFormat::parse(q.format.as_deref());
    let Some(format) = format else {
        let other = q.format.unwrap_or_default();
        return Err(AppError::invalid("format", format!("`{other}`: use json, csv or akn")));
    };
    if format == CatalogueFormat::Akn {
        let temp = super::file_body::temp_path("catalogue-akn");
        let path = temp.0.clone();
        let name = visitor
            .state
            .read(move |conn, clock| catalogues::akn::write_zip(conn, clock, &code, year, &path))
            .await?;
        return super::file_body::temp_file_answer(temp, "application/zip", &name);
    }
    let Some(list) = CatalogueList::parse(q.list.as_deref()) else {
        let other = q.list.unwrap_or_default();
        return Err(AppError::invalid("list", format!("`{other}`: use entries or changes")));
    };
    let csv = format == CatalogueFormat::Csv;
    let changes_only = list == CatalogueList::Changes;
    let page = q.page.unwrap_or(1);
    let per_page = q.per_page.unwrap_or(100);
    if !(1..=crate::service::paging::MAX_PAGE).contains(&page) {
        return Err(AppError::invalid("page", "must be a whole number from 1"));
    }
    if !(1..=1000).contains(&per_page) {
        return Err(AppError::invalid("per_page", "must be between 1 and 1000"));
    }
    let texts = q.texts.unwrap_or(false);
    let wanted = match (csv, changes_only) {
        (true, true) => Entries::None,
        (true, false) => Entries::All,
        (false, _) => Entries::Page { page, per_page, texts },
    };
    let Loaded { row, agency, changes, entries } =
        visitor.state.read(move |conn, _| catalogues::load(conn, &code, year, wanted)).await?;
    if csv {
        let body =
            if changes_only { changes_csv(&changes) } else { entries_csv(&entries, &changes) };
        let mut resp = cached(&visitor.request, "text/csv; charset=utf-8", body.into_bytes());
        let suffix = if changes_only { "-changes" } else { "" };
        let filename = format!("{}-{}{suffix}.csv", agency.code, row.year);
        resp.headers_mut().insert(
            header::CONTENT_DISPOSITION,
            header::HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
                .unwrap_or_else(|_| header::HeaderValue::from_static("attachment")),
        );
        return Ok(resp);
    }
    let answer = PublicCatalogue {
        summary: summary(&row, &agency, count_changes(&changes)),
        changes: changes.into_iter().map(CatalogueChange::from).collect(),
        entries: entries
            .into_iter()
            .map(|e| {
                let text = texts.then(|| e.body.clone());
                CatalogueEntry { text, ..CatalogueEntry::from(e) }
            })
            .collect(),
        page,
        per_page,
    };
    visitor.cached(&answer)
}

/// A byte-order mark first, so that spreadsheets open the Chinese text as UTF-8.
const BOM: &str = "\u{feff}";

fn entries_csv(entries: &[Entry], changes: &[ChangeEntry]) -> String {
    let arrived: HashMap<&str, Change> =
        changes.iter().map(|c| (c.document_id.as_str(), c.change)).collect();
    let mut out = String::from(BOM);
    out.push_str(&csv_record(&CSV_HEADER));
    for e in entries {
        let change = arrived.get(e.document_id.as_str()).map(|c| c.chinese()).unwrap_or("");
        out.push_str(&csv_record(&[
            e.position.to_string().as_str(),
            &e.title,
            e.issuance_number.as_deref().unwrap_or(""),
            e.registration_number.as_deref().unwrap_or(""),
            &e.published_on.to_string(),
            &e.effective_on.to_string(),
            &e.valid_until.to_string(),
            change,
            e.official_text_sha256.as_deref().unwrap_or(""),
        ]));
    }
    out
}

fn changes_csv(changes: &[ChangeEntry]) -> String {
    let mut out = String::from(BOM);
    out.push_str(&csv_record(&["变化", "文件名称", "文号", "登记号", "日期", "理由"]));
    for c in changes {
        out.push_str(&csv_record(&[
            c.change.chinese(),
            &c.title,
            c.issuance_number.as_deref().unwrap_or(""),
            c.registration_number.as_deref().unwrap_or(""),
            &c.on_date.map(|d| d.to_string()).unwrap_or_default(),
            c.reason.as_deref().unwrap_or(""),
        ]));
    }
    out
}
