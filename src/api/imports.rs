//! `POST /api/v1/imports`: documents issued before the service, with their real numbers and
//! dates, imported whole or not at all.

use actix_web::{post, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::caller::Caller;
use super::json::BulkJson;
use super::Answer;
use crate::domain::import::{parse_value, ImportLine};
use crate::error::Problem;
use crate::importer::ImportedItem;
use crate::service::import;

/// What an import wrote.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportAnswer {
    pub imported: usize,
    /// One per line, in the order sent; `line` counts from 1.
    pub documents: Vec<ImportedItem>,
}

/// Imports published documents of the past (admin for any agency, a registrar for its own).
/// Every line is checked first; one bad line, a number used twice or a number already in the
/// registry imports nothing and is named with its line (position in the array, from 1).
#[utoipa::path(tag = "evolution", security(("bearer" = [])), request_body(content = Vec<ImportLine>, example = json!([{"agency_code": "SY", "title": "沈阳市城市道路管理办法", "body": "第一条 为了加强城市道路管理，制定本办法。", "issuance_number": "沈政规〔2023〕4号", "registration_number": "SYFS—2023—4", "published_on": "2023-05-10"}])), responses(
    (status = 201, description = "Every document imported", body = ImportAnswer),
    (status = 400, description = "Not a JSON array, or empty", body = Problem),
    (status = 403, description = "Neither admin nor registrar", body = Problem),
    (status = 413, description = "Larger than NORMREG_IMPORT_BODY_LIMIT", body = Problem),
    (status = 422, description = "Lines at fault, each with its line number; nothing imported", body = Problem)
))]
#[post("/imports")]
pub async fn import_documents(
    caller: Caller,
    BulkJson(values): BulkJson<Vec<serde_json::Value>>,
) -> Answer {
    let lines: Vec<_> =
        values.into_iter().enumerate().map(|(i, v)| (i + 1, parse_value(i + 1, v))).collect();
    let limit = caller.state.config.upload_limit;
    // The import opens its own write transaction, so the connection is taken bare.
    let items = caller
        .write_statement(move |conn, actor, clock| import::import(conn, actor, clock, lines, limit))
        .await?;
    Ok(HttpResponse::Created().json(ImportAnswer { imported: items.len(), documents: items }))
}
