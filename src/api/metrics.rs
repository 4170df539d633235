//! `GET /metrics`: the instance's metrics in the Prometheus text exposition format, or in
//! OpenMetrics text to a scraper that asks for it.

use actix_web::http::header::ACCEPT;
use actix_web::{get, web, HttpRequest, HttpResponse};

use crate::state::AppState;

/// The instance's metrics, for a Prometheus scrape.
///
/// Requests and latency by route template, public search latency, public cache hits and
/// misses, database pool use and scheduler runs.
#[utoipa::path(tag = "health", responses(
    (status = 200, description = "The metrics in the Prometheus text exposition format 0.0.4, or in OpenMetrics text 1.0.0 when `Accept` names it", content(
        (String = "text/plain; version=0.0.4"),
        (String = "application/openmetrics-text; version=1.0.0")
    ))
))]
#[get("/metrics")]
pub async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let open_metrics = req
        .headers()
        .get_all(ACCEPT)
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("application/openmetrics-text"));
    let (content_type, body) = state.metrics.render(open_metrics);
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("cache-control", "no-store"))
        .body(body)
}
