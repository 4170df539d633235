//! The instance's Prometheus metrics, served at `GET /metrics`: requests and their latency by
//! route template, public search latency, public cache hits and misses, database pool use,
//! write-transaction waits and scheduler runs. Built on `prometheus-client`, the Prometheus project's own Rust client.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::db::Pool;
use crate::service::public_cache::{ReadCache, SearchCache};
use crate::state::AppState;

/// The media type of the Prometheus text exposition format, the answer by default.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The media type of OpenMetrics text, the answer to a scraper that asks for it (Prometheus
/// does, first): the format `prometheus-client` is written for, in which a counter's family
/// is named without its samples' `_total`.
pub const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The route label of a request that matched no route: raw paths are never labels, so the
/// number of series stays bounded whatever clients ask for.
pub const UNMATCHED: &str = "unmatched";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EngineLabels {
    engine: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RunLabels {
    job: &'static str,
    outcome: &'static str,
}

/// Latency buckets from 1 ms to about 16 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// Every metric of one instance; one registry per `AppState`, so that instances in one
/// process (the tests) count apart.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    search_latency: Histogram,
    runs: Family<RunLabels, Counter>,
    write_waits: Family<EngineLabels, Histogram, fn() -> Histogram>,
}

/// Write-wait buckets from 0.1 ms to about 13 s, doubling: an uncontended write waits well
/// under a millisecond, one queued behind SQLite's single writer for many.
fn wait_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0001, 2.0, 18))
}

impl Metrics {
    /// The registry, with the pool and the public caches sampled at each scrape.
    pub fn new(pool: Pool, read_cache: Arc<ReadCache>, search_cache: Arc<SearchCache>) -> Self {
        let mut registry = Registry::with_prefix("normreg");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template, method and status",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request (up to its first byte), by route template",
            latency.clone(),
        );
        let search_latency = latency_histogram();
        registry.register(
            "public_search_duration_seconds",
            "Time to compute a page of the public catalogue or search, cache included",
            search_latency.clone(),
        );
        let runs = Family::<RunLabels, Counter>::default();
        registry.register(
            "scheduler_runs",
            "Scheduled job runs, by job and outcome (ok or error)",
            runs.clone(),
        );
        let write_waits =
            Family::<EngineLabels, Histogram, fn() -> Histogram>::new_with_constructor(
                wait_histogram,
            );
        registry.register(
            "db_write_wait_seconds",
            "Time a write waited for a pooled connection and the start of its write transaction, by engine",
            write_waits.clone(),
        );
        registry.register_collector(Box::new(Sampled { pool, read_cache, search_cache }));
        Self { registry, requests, latency, search_latency, runs, write_waits }
    }

    /// The exposition text, and its media type: OpenMetrics when `open_metrics`, else the
    /// Prometheus text format 0.0.4 (the same lines without OpenMetrics' closing `# EOF`).
    pub fn render(&self, open_metrics: bool) -> (&'static str, String) {
        use prometheus_client::encoding::text;
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = text::encode_registry(&mut out, &self.registry);
        if open_metrics {
            let _ = text::encode_eof(&mut out);
            return (OPENMETRICS, out);
        }
        (CONTENT_TYPE, out)
    }

    /// Counts one answered request under its route template.
    pub fn request(&self, route: &str, method: &'static str, status: u16, seconds: f64) {
        let route = route.to_string();
        self.latency.get_or_create(&RouteLabels { route: route.clone() }).observe(seconds);
        self.requests.get_or_create(&RequestLabels { route, method, status }).inc();
    }

    /// Records the time of one public catalogue or search page.
    pub fn search(&self, seconds: f64) {
        self.search_latency.observe(seconds);
    }

    /// What `Db` calls with each write's wait (see `Db::observe_write_waits`).
    pub fn write_wait_observer(&self) -> crate::db::WriteWaitObserver {
        let waits = self.write_waits.clone();
        std::sync::Arc::new(move |backend, seconds| {
            let engine = match backend {
                crate::db::Backend::Sqlite => "sqlite",
                crate::db::Backend::Postgres => "postgres",
            };
            waits.get_or_create(&EngineLabels { engine }).observe(seconds);
        })
    }

    /// Counts one run of a scheduled job.
    pub fn run(&self, job: &'static str, ok: bool) {
        let outcome = if ok { "ok" } else { "error" };
        self.runs.get_or_create(&RunLabels { job, outcome }).inc();
    }
}

/// The values read at scrape time rather than counted: the pool's connections and the
/// public caches' own hit and miss counts.
struct Sampled {
    pool: Pool,
    read_cache: Arc<ReadCache>,
    search_cache: Arc<SearchCache>,
}

impl fmt::Debug for Sampled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sampled")
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabels {
    cache: &'static str,
}

impl Collector for Sampled {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), fmt::Error> {
        let pool = self.pool.state();
        let in_use = pool.connections.saturating_sub(pool.idle_connections);
        let gauge = ConstGauge::new(0i64);
        let mut family = encoder.encode_descriptor(
            "db_pool_connections",
            "Database pool connections: in use, idle, and the pool's maximum.",
            None,
            gauge.metric_type(),
        )?;
        for (state, n) in
            [("in_use", in_use), ("idle", pool.idle_connections), ("max", self.pool.max_size())]
        {
            ConstGauge::new(i64::from(n)).encode(family.encode_family(&StateLabels { state })?)?;
        }
        for (name, help, pick) in [
            ("public_cache_hits", "Public answers served from memory, by cache.", 0),
            ("public_cache_misses", "Public answers the cache did not hold, by cache.", 1),
        ] {
            let mut family = encoder.encode_descriptor(
                name,
                help,
                None,
                ConstCounter::new(0u64).metric_type(),
            )?;
            for (cache, counts) in
                [("read", self.read_cache.counts()), ("search", self.search_cache.counts())]
            {
                let value = if pick == 0 { counts.0 } else { counts.1 };
                ConstCounter::new(value).encode(family.encode_family(&CacheLabels { cache })?)?;
            }
        }
        Ok(())
    }
}

/// The method as a label from a fixed set, so that invented methods add no series.
fn method_label(method: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Counts every request under the route it matched (its template, e.g.
/// `/api/v1/documents/{id}`), its method and its status.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let method = method_label(req.method());
    let started = Instant::now();
    let result = next.call(req).await;
    if let Some(state) = state {
        let seconds = started.elapsed().as_secs_f64();
        let (route, status) = match &result {
            Ok(res) => (res.request().match_pattern(), res.status().as_u16()),
            Err(e) => (None, e.as_response_error().status_code().as_u16()),
        };
        state.metrics.request(route.as_deref().unwrap_or(UNMATCHED), method, status, seconds);
    }
    result
}
