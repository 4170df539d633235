//! `GET /metrics`: the instance's metrics in the Prometheus text exposition format.

use actix_web::{get, web, HttpResponse};

use crate::state::AppState;

/// The instance's metrics, for a Prometheus scrape.
///
/// Requests and latency by route template, public search latency, public cache hits and
/// misses, database pool use and scheduler runs.
#[utoipa::path(tag = "health", responses(
    (status = 200, description = "The metrics in the Prometheus text exposition format 0.0.4", content_type = "text/plain; version=0.0.4", body = String)
))]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(crate::metrics::CONTENT_TYPE)
        .insert_header(("cache-control", "no-store"))
        .body(state.metrics.render())
}
