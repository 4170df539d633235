//! Builds the application, shared by `main` and the tests: pool, migrations, first-start
//! set-up, and the HTTP server bound to its port.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress};
use actix_web::{web, App};
use utoipa_actix_web::AppExt;

use crate::api::{self, openapi::SpecJson, KnownPaths};
use crate::auth::jwt::JwtKeys;
use crate::config::Config;
use crate::db::{self, Db, DbConn};
use crate::domain::calendar::HolidayYear;
use crate::domain::clock::Clock;
use crate::domain::screening::RuleSet;
use crate::error::AppError;
use crate::state::AppState;
use crate::telemetry;
use crate::transport::{self, refusal::RefusalToken};

/// A running server and the port it listens on.
pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
}

/// Why a start failed: the listen address (its own exit code), or anything else.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {bind}: {cause}")]
    Listen { bind: String, cause: std::io::Error },
    #[error(transparent)]
    App(#[from] AppError),
}

impl Application {
    /// Binds the listener, then connects, migrates and performs first-start set-up. The
    /// listener comes first so that a taken port stops the start before anything is written.
    pub async fn build(mut config: Config, clock: Arc<dyn Clock>) -> Result<Self, StartError> {
        let listener = TcpListener::bind(&config.bind)
            .map_err(|cause| StartError::Listen { bind: config.bind.clone(), cause })?;
        let port = listener.local_addr().map_err(|e| AppError::internal(e.to_string()))?.port();
        if config.public_url.is_none() {
            // The port bound, which differs from the address's when it asked for port 0.
            config.public_url = Some(crate::config::derived_public_url(&config.bind, Some(port)));
        }
        let state = web::Data::new(prepare(config, clock).await?);
        let spec = api::openapi::document();
        let known = web::Data::new(KnownPaths::new(&spec, &crate::web::PAGES));
        let spec_json = web::Data::new(SpecJson(api::openapi::document_json()));
        let app_state = state.clone();
        let refusal_token = RefusalToken::new(random_token(16));
        let token = web::Data::new(refusal_token.clone());
        let factory = move || {
            App::new()
                .app_data(app_state.clone())
                .app_data(known.clone())
                .app_data(spec_json.clone())
                .app_data(token.clone())
                .app_data(
                    web::PathConfig::default()
                        .error_handler(|_, _| AppError::NotFound("resource").into()),
                )
                .app_data(web::QueryConfig::default().error_handler(|e, _| {
                    AppError::bad_request("invalid_query", format!("invalid query string: {e}"))
                        .into()
                }))
                .wrap(Compress::default())
                .wrap(from_fn(crate::security_headers::add))
                .wrap(from_fn(api::head_as_get))
                .wrap(from_fn(api::refuse_nul))
                .wrap(from_fn(transport::bounds::url_bounds))
                .wrap(from_fn(telemetry::request_id))
                .wrap(from_fn(crate::metrics::record))
                .into_utoipa_app()
                .configure(api::routes)
                .into_app()
                .configure(crate::web::routes)
                .route(transport::refusal::PATH, web::get().to(transport::refusal::answer))
                .default_service(web::to(api::fallback))
        };
        let server = transport::serve(
            listener,
            state.config.workers.max(1),
            transport::Timeouts {
                head: Duration::from_secs(state.config.head_timeout_seconds),
                // A second more than the JSON extractor's own timeout, whose 408 comes first.
                body: Duration::from_secs(state.config.body_timeout_seconds + 1),
            },
            refusal_token,
            factory,
        )
        .map_err(|e| AppError::internal(e.to_string()))?;
        if state.config.run_scheduler {
            crate::scheduler::spawn(state.clone());
        }
        Ok(Self { port, server, state })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Everything before the listener: pool, migrations, secret, first admin, calendar.
pub async fn prepare(config: Config, clock: Arc<dyn Clock>) -> Result<AppState, AppError> {
    // Read before the database is touched: a faulty rule file stops the start unwritten.
    let screening = load_screening_rules(&config)?;
    let pool = db::connect(&config.database_url, config.pool_size)?;
    let mut db = Db::new(pool);
    let boot_config = config.clone();
    let boot_clock = clock.clone();
    let secret = db
        .read(move |conn| {
            db::with_startup_lock(conn, |conn| bootstrap(conn, &boot_config, boot_clock.as_ref()))
        })
        .await?;
    let jwt = JwtKeys::new(secret.as_bytes(), config.token_ttl_seconds);
    let read_cache =
        Arc::new(crate::service::public_cache::read_cache(config.public_cache_seconds));
    let search_cache = Arc::new(crate::service::public_cache::search_cache(
        config.public_cache_seconds > 0,
        crate::http_caching::CACHE_MAX_AGE,
    ));
    let hashing =
        crate::auth::hashing_gate::HashingGate::new(config.hash_concurrency, config.hash_queue);
    let metrics =
        crate::metrics::Metrics::new(db.pool().clone(), read_cache.clone(), search_cache.clone());
    db.observe_write_waits(metrics.write_wait_observer());
    let search_index = open_search_index(&db, &config).await?;
    Ok(AppState {
        db,
        jwt,
        clock,
        config,
        screening,
        read_cache,
        search_cache,
        hashing,
        metrics,
        search_index,
    })
}

/// Opens this instance's search index, repairs any drift from the database (rebuilding a
/// missing index) and starts following the change feed.
async fn open_search_index(
    db: &Db,
    config: &Config,
) -> Result<Arc<crate::service::search_sync::LiveIndex>, AppError> {
    use crate::service::search_sync::{self, LiveIndex, Repair};
    let dir = config.index_dir.clone().or_else(|| match &config.database_url {
        db::DatabaseUrl::Sqlite(path) => Some(sqlite_index_dir(path)),
        db::DatabaseUrl::Postgres(_) => None,
    });
    let live = Arc::new(LiveIndex::open_serving(dir.as_deref())?);
    let checked = live.clone();
    let started = std::time::Instant::now();
    let repair = db.read(move |conn| checked.check(conn)).await?;
    if let Repair::Rebuilt(reason) = repair {
        tracing::info!(reason, seconds = started.elapsed().as_secs_f64(), "search index rebuilt");
    }
    search_sync::follow(db.pool().clone(), Arc::downgrade(&live));
    Ok(live)
}

/// The default index directory of a SQLite database: beside its file, `<file>.index`.
pub fn sqlite_index_dir(path: &std::path::Path) -> std::path::PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".index");
    path.with_file_name(name)
}

/// The rule file named by the configuration, else the default rules shipped in the binary.
fn load_screening_rules(config: &Config) -> Result<RuleSet, AppError> {
    let Some(path) = &config.screening_rules else {
        return Ok(RuleSet::default_rules());
    };
    let json = std::fs::read_to_string(path).map_err(|e| {
        AppError::internal(format!("cannot read screening rules {}: {e}", path.display()))
    })?;
    RuleSet::from_json(&json).map_err(|e| {
        AppError::internal(format!("screening rules {} are invalid: {e}", path.display()))
    })
}

/// Runs under the start-up lock, so instances starting together do it once between them.
fn bootstrap(conn: &mut DbConn, config: &Config, clock: &dyn Clock) -> Result<String, AppError> {
    let applied = db::run_migrations(conn)?;
    if applied > 0 {
        tracing::info!(applied, "database migrated");
    }
    crate::service::dates::refuse_stored_outside_range(conn)?;
    // Documents written before citations were kept, or restored without them.
    let scanned = crate::service::citations::scan_missing(conn)?;
    if scanned > 0 {
        tracing::info!(scanned, "citations of documents stored");
    }
    let secret = match &config.jwt_secret {
        Some(s) if s.len() >= crate::config::MIN_JWT_SECRET_LEN => s.clone(),
        Some(_) => {
            return Err(AppError::internal(format!(
                "NORMREG_JWT_SECRET must be at least {} characters",
                crate::config::MIN_JWT_SECRET_LEN
            )))
        }
        None => db::settings::get_or_insert(conn, "jwt_secret", &random_token(48))?,
    };
    if db::users::count(conn)? == 0 {
        create_first_admin(conn, config.admin_password.clone(), clock)?;
    }
    seed_calendar(conn)?;
    Ok(secret)
}

/// The first `admin`: password from the environment, else a random one printed once.
fn create_first_admin(
    conn: &mut DbConn,
    password: Option<String>,
    clock: &dyn Clock,
) -> Result<(), AppError> {
    let (password, generated) = match password {
        Some(p) => (p, false),
        None => (random_token(18), true),
    };
    crate::auth::password::check_strength(&password, &["admin"])
        .map_err(|m| AppError::internal(format!("NORMREG_ADMIN_PASSWORD {m}")))?;
    let hash = crate::auth::password::hash(&password).map_err(AppError::internal)?;
    let row = db::users::UserRow::new(
        "admin".into(),
        hash,
        None,
        "admin".into(),
        clock.now().naive_utc(),
    );
    db::users::insert(conn, &row)?;
    let detail = serde_json::json!({"roles": "admin", "by": "first start"});
    let created = crate::domain::account::AccountAction::Created;
    crate::service::accounts::record(conn, clock, None, &row.id, created, Some(detail))?;
    if generated {
        // Printed once, on the only start that creates the account.
        println!("normreg: created user `admin` with password: {password}");
        tracing::warn!("created user `admin` with a generated password (printed above); change it");
    } else {
        tracing::info!("created user `admin` with the password from NORMREG_ADMIN_PASSWORD");
    }
    Ok(())
}

/// The official calendars shipped with the binary; years already stored are left as edited.
const SHIPPED_CALENDARS: [&str; 7] = [
    include_str!("../assets/holidays/2020.json"),
    include_str!("../assets/holidays/2021.json"),
    include_str!("../assets/holidays/2022.json"),
    include_str!("../assets/holidays/2023.json"),
    include_str!("../assets/holidays/2024.json"),
    include_str!("../assets/holidays/2025.json"),
    include_str!("../assets/holidays/2026.json"),
];

fn seed_calendar(conn: &mut DbConn) -> Result<(), AppError> {
    let present = db::calendar::years(conn)?;
    for text in SHIPPED_CALENDARS {
        let year: HolidayYear = serde_json::from_str(text)
            .map_err(|e| AppError::internal(format!("shipped calendar unreadable: {e}")))?;
        if !present.contains(&year.year) {
            db::calendar::replace_year(conn, &year)?;
        }
    }
    Ok(())
}

/// A random URL-safe token of `bytes` random bytes, hex-encoded.
pub fn random_token(bytes: usize) -> String {
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}
