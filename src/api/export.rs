//! `GET /api/v1/public/export`: the live catalogue (documents in force today, or on
//! `valid_on`) as JSON Lines or CSV, streamed: the body is sent slice by slice as
//! `service::export` reads it, so the catalogue is never held in memory whole.

use actix_web::http::header;
use actix_web::web::{self, Bytes};
use actix_web::{get, HttpResponse};
use futures_util::stream::{self, StreamExt};
use tracing::Instrument;

use super::visitor::Visitor;
use super::Answer;
use crate::db::search_query::export::Cursor;
use crate::error::Problem;
use crate::service::export::{self, Export, ExportQuery};
use crate::state::AppState;

/// The live catalogue as JSON Lines or CSV, streamed.
///
/// Every published document in force today (or on `valid_on`), oldest publication first, as
/// JSON Lines (one document a line) or CSV (a header row of the same field names; UTF-8
/// with a byte-order mark for spreadsheets; a cell starting with = + - @ is prefixed with an
/// apostrophe). Streamed in chunks; never cached.
#[utoipa::path(tag = "public", params(ExportQuery), responses(
    (status = 200, description = "The documents, one a line (JSON Lines) or one a record (CSV), streamed", content(
        (crate::service::export::ExportRow = "application/x-ndjson", example = json!({"id": "0193a5b0-7c1e-7000-8000-000000000001", "title": "沈阳市行政许可管理办法", "agency_code": "SY", "agency_name": "沈阳市人民政府", "issuance_number": "沈政规〔2026〕1号", "registration_number": "SYFS—2026—1", "published_on": "2026-03-02", "effective_on": "2026-04-01", "valid_until": "2031-03-31"})),
        (String = "text/csv", example = "id,title,agency_code,agency_name,issuance_number,registration_number,published_on,effective_on,valid_until,validity\r\n")
    )),
    (status = 400, description = "Unreadable query string", body = Problem),
    (status = 422, description = "Unknown format, or a malformed or out-of-range `valid_on`", body = Problem)
))]
#[get("/public/export")]
pub async fn export_catalogue(visitor: Visitor, query: web::Query<ExportQuery>) -> Answer {
    let state = visitor.state.clone();
    let export = Export::parse(&query, state.clock.today())?;
    // Refused here, while the answer can still be a 4xx.
    state.read(move |conn, _| export::check(conn, &export)).await?;
    let head = stream::once(async move { Ok(Bytes::from(export::head(export.format))) });
    // The body is read after the handler returned, outside the request's span: keep it.
    let span = tracing::Span::current();
    let slices = stream::unfold(Some((state, None)), move |next: Option<Slicing>| {
        let span = span.clone();
        async move {
            let (state, after) = next?;
            let read = state
                .read(move |conn, clock| export::slice(conn, clock, &export, after))
                .await
                .and_then(|(rows, next)| Ok((export::encode(export.format, &rows)?, next)));
            Some(match read {
                Ok((text, next)) => (Ok(Bytes::from(text)), next.map(|n| (state, Some(n)))),
                Err(e) => {
                    // Past the first byte the status is sent; the log and a cut body tell.
                    tracing::error!(error = %e, "export stopped");
                    (Err(e), None)
                }
            })
        }
        .instrument(span)
    });
    let filename = format!("normreg-{}.{}", export.day, export.format.extension());
    Ok(HttpResponse::Ok()
        .content_type(export.format.media_type())
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .streaming(head.chain(
            slices.filter(|chunk| {
                std::future::ready(!matches!(chunk, Ok(bytes) if bytes.is_empty()))
            }),
        )))
}

/// The state of the stream: the instance, and where the next slice starts.
type Slicing = (web::Data<AppState>, Option<Cursor>);
