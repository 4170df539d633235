//! Configuration from the environment variables of CONTRACT.md, with their defaults.

use std::path::PathBuf;

use crate::db::DatabaseUrl;

/// Everything the service is told at start.
#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: DatabaseUrl,
    pub bind: String,
    /// `NORMREG_JWT_SECRET`; when unset a secret is generated once and kept in the database.
    pub jwt_secret: Option<String>,
    /// `NORMREG_ADMIN_PASSWORD` for the first admin; when unset a random one is printed once.
    pub admin_password: Option<String>,
    pub token_ttl_seconds: i64,
    pub body_limit: usize,
    /// `NORMREG_BODY_TIMEOUT_SECONDS`: the whole request body must arrive within this time.
    pub body_timeout_seconds: u64,
    /// `NORMREG_HEAD_TIMEOUT_SECONDS`: the first request head of a connection must arrive
    /// within this time (0: no limit).
    pub head_timeout_seconds: u64,
    /// `NORMREG_IMPORT_BODY_LIMIT`: the larger limit of `POST /api/v1/imports`, whose body
    /// carries whole texts by the thousand.
    pub import_body_limit: usize,
    pub pool_size: u32,
    pub workers: usize,
    /// A screening rule file replacing the shipped default.
    pub screening_rules: Option<PathBuf>,
    /// Run the daily expiry job inside `serve`.
    pub run_scheduler: bool,
    /// Beijing time of the daily expiry run, `HH:MM`.
    pub expiry_time: chrono::NaiveTime,
    /// `NORMREG_PUBLIC_CACHE_SECONDS`: how long a public document read may be answered from
    /// memory; 0 turns the cache off.
    pub public_cache_seconds: u64,
    /// `NORMREG_SEARCH_WINDOW`: how many of a search's newest matches are ranked; more
    /// matches than that answer `truncated` (see `domain::search_window`).
    pub search_window: usize,
    /// `NORMREG_HASH_CONCURRENCY`: argon2 computations at once (default: the cores).
    pub hash_concurrency: usize,
    /// `NORMREG_HASH_QUEUE`: logins waiting for a hashing slot before the next gets 503.
    pub hash_queue: usize,
}

/// The default of `NORMREG_SEARCH_WINDOW`: 50 pages of 20, ranked within the 50 ms a search
/// may take on two cores (BENCHMARKS.md).
pub const DEFAULT_SEARCH_WINDOW: usize = 1_000;

/// The largest `NORMREG_SEARCH_WINDOW` accepted: beyond it one search could hold a core for
/// seconds.
pub const MAX_SEARCH_WINDOW: usize = 100_000;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/normreg.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

impl Config {
    /// Reads the environment; a malformed value is an error that names the variable.
    pub fn from_env() -> Result<Self, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let number = |name: &str, default: u64| -> Result<u64, String> {
            match var(name) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse()
                    .map_err(|_| format!("{name} must be a whole number, got `{v}`")),
            }
        };
        let database_url = DatabaseUrl::parse(
            &var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
        )?;
        let expiry_time = match var("NORMREG_EXPIRY_TIME") {
            None => chrono::NaiveTime::from_hms_opt(0, 5, 0).unwrap_or_default(),
            Some(v) => chrono::NaiveTime::parse_from_str(v.trim(), "%H:%M")
                .map_err(|_| format!("NORMREG_EXPIRY_TIME must be HH:MM, got `{v}`"))?,
        };
        let search_window = number("NORMREG_SEARCH_WINDOW", DEFAULT_SEARCH_WINDOW as u64)?;
        if !(1..=MAX_SEARCH_WINDOW as u64).contains(&search_window) {
            return Err(format!(
                "NORMREG_SEARCH_WINDOW must be between 1 and {MAX_SEARCH_WINDOW}, got {search_window}"
            ));
        }
        let search_window = search_window as usize;
        let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Ok(Self {
            database_url,
            bind: var("NORMREG_BIND").unwrap_or_else(|| DEFAULT_BIND.into()),
            jwt_secret: var("NORMREG_JWT_SECRET"),
            admin_password: var("NORMREG_ADMIN_PASSWORD"),
            token_ttl_seconds: number("NORMREG_TOKEN_TTL_SECONDS", 3600)? as i64,
            body_limit: number("NORMREG_BODY_LIMIT", 2 * 1024 * 1024)? as usize,
            body_timeout_seconds: number("NORMREG_BODY_TIMEOUT_SECONDS", 30)?.max(1),
            // actix-web's default `client_request_timeout`.
            head_timeout_seconds: number("NORMREG_HEAD_TIMEOUT_SECONDS", 5)?,
            import_body_limit: number("NORMREG_IMPORT_BODY_LIMIT", 64 * 1024 * 1024)? as usize,
            // PostgreSQL's rule of thumb, twice the cores plus one or two: more connections than
            // that only queue on the same hot rows and CPUs (the registration bench on 2 cores:
            // 16 connections 713/s, 6 connections 953/s).
            pool_size: number("NORMREG_DB_POOL_SIZE", 2 * workers as u64 + 2)? as u32,
            workers: number("NORMREG_WORKERS", workers as u64)? as usize,
            screening_rules: var("NORMREG_SCREENING_RULES").map(PathBuf::from),
            run_scheduler: var("NORMREG_SCHEDULER").map(|v| v != "off").unwrap_or(true),
            expiry_time,
            public_cache_seconds: number("NORMREG_PUBLIC_CACHE_SECONDS", 5)?,
            search_window,
            hash_concurrency: number("NORMREG_HASH_CONCURRENCY", workers as u64)?.max(1) as usize,
            // A waiting login holds no hashing memory, only its request: 64 per core keep the
            // attacked account's owner answered (slowly) behind 64 parallel attackers, while
            // other accounts' logins, served in turns per username, wait for about one hash
            // (BENCHMARKS.md); beyond that a flood is refused at once.
            hash_queue: number("NORMREG_HASH_QUEUE", 64 * workers as u64)? as usize,
        })
    }

    /// A configuration for tests and tools: the given database, an ephemeral port.
    pub fn for_database(database_url: DatabaseUrl) -> Self {
        Self {
            database_url,
            bind: "127.0.0.1:0".into(),
            jwt_secret: None,
            admin_password: None,
            token_ttl_seconds: 3600,
            body_limit: 2 * 1024 * 1024,
            body_timeout_seconds: 30,
            head_timeout_seconds: 5,
            import_body_limit: 64 * 1024 * 1024,
            pool_size: 8,
            workers: 2,
            screening_rules: None,
            run_scheduler: false,
            expiry_time: chrono::NaiveTime::from_hms_opt(0, 5, 0).unwrap_or_default(),
            public_cache_seconds: 5,
            search_window: DEFAULT_SEARCH_WINDOW,
            hash_concurrency: 2,
            hash_queue: 16,
        }
    }
}
