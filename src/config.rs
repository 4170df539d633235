//! Configuration from the environment variables listed in README ("Configuration"), with
//! their defaults.

use std::path::PathBuf;

use crate::db::DatabaseUrl;
use crate::domain::trusted_proxies::TrustedProxies;

/// The shortest `NORMREG_JWT_SECRET` taken: checked at start-up, and again where the secret
/// is used, for a `Config` built in code.
pub const MIN_JWT_SECRET_LEN: usize = 32;

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
    /// `NORMREG_MAX_UPLOAD_BYTES`: the largest file `POST /api/v1/documents/{id}/files`
    /// takes (default 50 MiB); larger is 413 and nothing is stored.
    pub upload_limit: u64,
    pub pool_size: u32,
    /// `NORMREG_DB_WAIT_SECONDS`: how long a start waits for an unreachable PostgreSQL.
    pub db_wait_seconds: u64,
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
    /// `NORMREG_INDEX_DIR`: the directory of this instance's search index (derived from the
    /// database, rebuilt when missing). `None`: beside the SQLite file (`normreg.db.index`),
    /// or on PostgreSQL a fresh temporary directory, rebuilt at every start.
    pub index_dir: Option<PathBuf>,
    /// `NORMREG_HASH_CONCURRENCY`: argon2 computations at once (default: the cores).
    pub hash_concurrency: usize,
    /// `NORMREG_HASH_QUEUE`: logins waiting for a hashing slot before the next gets 503.
    pub hash_queue: usize,
    /// `NORMREG_TEMPORARY_PASSWORD_HOURS`: how long a reset's temporary password logs in.
    pub temporary_password_hours: u32,
    /// `NORMREG_TRUSTED_PROXIES`: whose `X-Forwarded-For` names the client (default: nobody's).
    pub trusted_proxies: TrustedProxies,
    /// `NORMREG_PUBLIC_URL`: the scheme, host and optional path prefix readers reach the
    /// service at, without a trailing slash; every absolute URL of a feed or page starts with
    /// it, never with the request's `Host` header, which any client can set. `None`: derived
    /// from the listen address at start (see [`Config::public_url`]).
    pub public_url: Option<String>,
}

/// The default of `NORMREG_MAX_UPLOAD_BYTES`: 50 MiB.
pub const DEFAULT_UPLOAD_LIMIT: u64 = 50 * 1024 * 1024;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/normreg.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// The largest size, count or duration in seconds a numeric setting takes.
const MAX_U32: u64 = u32::MAX as u64;

/// A listen address is `host:port`: an IP address, `[IPv6]`, or a host name, and a port
/// from 0 to 65535. Host names are resolved only when the listener binds.
fn check_bind(raw: &str) -> Result<(), &'static str> {
    const EXPECTED: &str = "expected host:port, e.g. 127.0.0.1:8080 or 0.0.0.0:8080";
    if raw.parse::<std::net::SocketAddr>().is_ok() {
        return Ok(());
    }
    let (host, port) = raw.rsplit_once(':').ok_or(EXPECTED)?;
    let host_ok =
        !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if host_ok && port.parse::<u16>().is_ok() {
        Ok(())
    } else {
        Err(EXPECTED)
    }
}

/// Checks `NORMREG_PUBLIC_URL` and answers it without its trailing slash: `http` or `https`,
/// a host, an optional path; no query, fragment, credentials or characters that would need
/// escaping in XML or HTML, since the value is written into feeds and pages as it is.
fn check_public_url(raw: &str) -> Result<String, &'static str> {
    const EXPECTED: &str =
        "expected http:// or https:// with a host and an optional path, e.g. https://gfxwj.example.gov.cn";
    let url = raw.trim().trim_end_matches('/');
    let rest =
        url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).ok_or(EXPECTED)?;
    let host = rest.split('/').next().unwrap_or_default();
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-._~/:[]%".contains(c);
    if host.is_empty() || host.starts_with(':') || !rest.chars().all(allowed) {
        return Err(EXPECTED);
    }
    Ok(url.to_string())
}

/// `http://HOST:PORT` for a listen address, the port replaced by `port` when given.
pub fn derived_public_url(bind: &str, port: Option<u16>) -> String {
    let (host, bound) = bind.rsplit_once(':').unwrap_or((bind, "8080"));
    let host = match host {
        "0.0.0.0" | "[::]" | "::" | "" => "127.0.0.1",
        h => h,
    };
    let port = port.map_or_else(|| bound.to_string(), |p| p.to_string());
    format!("http://{host}:{port}")
}

impl Config {
    /// Reads the environment and checks every setting before anything is opened or written;
    /// each fault is one line that names the variable, its value (passwords hidden) and what
    /// is expected, and all of them are reported at once.
    pub fn from_env() -> Result<Self, Vec<String>> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let mut faults = Vec::new();
        let mut number = |name: &str, default: u64, range: std::ops::RangeInclusive<u64>| {
            let Some(v) = var(name) else { return default };
            match v.trim().parse::<u64>() {
                Ok(n) if range.contains(&n) => n,
                _ => {
                    faults.push(format!(
                        "{name}=`{v}`: expected a whole number from {} to {}",
                        range.start(),
                        range.end()
                    ));
                    default
                }
            }
        };
        let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2) as u64;
        let token_ttl_seconds = number("NORMREG_TOKEN_TTL_SECONDS", 3600, 1..=MAX_U32) as i64;
        let body_limit = number("NORMREG_BODY_LIMIT", 2 * 1024 * 1024, 1..=MAX_U32) as usize;
        let body_timeout_seconds = number("NORMREG_BODY_TIMEOUT_SECONDS", 30, 1..=86_400);
        // actix-web's default `client_request_timeout`.
        let head_timeout_seconds = number("NORMREG_HEAD_TIMEOUT_SECONDS", 5, 0..=86_400);
        let import_body_limit =
            number("NORMREG_IMPORT_BODY_LIMIT", 64 * 1024 * 1024, 1..=MAX_U32) as usize;
        let upload_limit = number("NORMREG_MAX_UPLOAD_BYTES", DEFAULT_UPLOAD_LIMIT, 1..=1 << 40);
        // PostgreSQL's rule of thumb, twice the cores plus one or two: more connections than
        // that only queue on the same hot rows and CPUs (the registration bench on 2 cores:
        // 16 connections 713/s, 6 connections 953/s).
        let pool_size = number("NORMREG_DB_POOL_SIZE", 2 * workers + 2, 1..=1_000) as u32;
        let db_wait_seconds = number("NORMREG_DB_WAIT_SECONDS", 30, 0..=3_600);
        let workers_setting = number("NORMREG_WORKERS", workers, 1..=1_024) as usize;
        let public_cache_seconds = number("NORMREG_PUBLIC_CACHE_SECONDS", 5, 0..=86_400);
        let hash_concurrency = number("NORMREG_HASH_CONCURRENCY", workers, 1..=1_024) as usize;
        // A waiting login holds no hashing memory, only its request: 64 per core keep the
        // attacked account's owner answered (slowly) behind 64 parallel attackers, while
        // other accounts' logins, served in turns per username, wait for about one hash
        // (BENCHMARKS.md); beyond that a flood is refused at once.
        let hash_queue = number("NORMREG_HASH_QUEUE", 64 * workers, 0..=1_000_000) as usize;
        let temporary_password_hours =
            number("NORMREG_TEMPORARY_PASSWORD_HOURS", 72, 1..=720) as u32;

        let raw_url = var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        let database_url = DatabaseUrl::parse(raw_url.trim())
            .map_err(|e| faults.push(e))
            .unwrap_or_else(|_| DatabaseUrl::Sqlite(PathBuf::new()));
        let bind = var("NORMREG_BIND").unwrap_or_else(|| DEFAULT_BIND.into());
        if let Err(e) = check_bind(&bind) {
            faults.push(format!("NORMREG_BIND=`{bind}`: {e}"));
        }
        let expiry_time = match var("NORMREG_EXPIRY_TIME") {
            None => chrono::NaiveTime::from_hms_opt(0, 5, 0).unwrap_or_default(),
            Some(v) => chrono::NaiveTime::parse_from_str(v.trim(), "%H:%M").unwrap_or_else(|_| {
                faults.push(format!("NORMREG_EXPIRY_TIME=`{v}`: expected HH:MM, e.g. 00:05"));
                chrono::NaiveTime::default()
            }),
        };
        let jwt_secret = var("NORMREG_JWT_SECRET");
        if jwt_secret.as_ref().is_some_and(|s| s.len() < MIN_JWT_SECRET_LEN) {
            faults.push(format!(
                "NORMREG_JWT_SECRET (hidden): expected at least {MIN_JWT_SECRET_LEN} characters"
            ));
        }
        let admin_password = var("NORMREG_ADMIN_PASSWORD");
        let strength = |p: &str| crate::auth::password::check_strength(p, &["admin"]);
        if let Some(Err(m)) = admin_password.as_deref().map(strength) {
            faults.push(format!("NORMREG_ADMIN_PASSWORD (hidden): {m}"));
        }
        let index_dir = var("NORMREG_INDEX_DIR").map(PathBuf::from);
        let screening_rules = var("NORMREG_SCREENING_RULES").map(PathBuf::from);
        if let Some(path) = screening_rules.as_ref().filter(|p| !p.is_file()) {
            faults.push(format!(
                "NORMREG_SCREENING_RULES=`{}`: expected a readable rule file",
                path.display()
            ));
        }
        // `off` is the documented word; the other usual spellings of a switch are taken too,
        // so that a deployment that wrote `false` or `0` before this check keeps its meaning.
        let scheduler = var("NORMREG_SCHEDULER").map(|v| v.trim().to_ascii_lowercase());
        let run_scheduler = match scheduler.as_deref() {
            None | Some("on" | "true" | "1" | "yes") => true,
            Some("off" | "false" | "0" | "no") => false,
            Some(v) => {
                faults.push(format!("NORMREG_SCHEDULER=`{v}`: expected on or off"));
                true
            }
        };
        let trusted_proxies = var("NORMREG_TRUSTED_PROXIES").map_or(Ok(Default::default()), |v| {
            TrustedProxies::parse(&v).map_err(|e| {
                faults.push(format!("NORMREG_TRUSTED_PROXIES=`{v}`: {e}"));
            })
        });
        let public_url = var("NORMREG_PUBLIC_URL").and_then(|v| {
            check_public_url(&v)
                .map_err(|e| faults.push(format!("NORMREG_PUBLIC_URL=`{v}`: {e}")))
                .ok()
        });
        if !faults.is_empty() {
            return Err(faults);
        }
        Ok(Self {
            database_url,
            bind,
            jwt_secret,
            admin_password,
            token_ttl_seconds,
            body_limit,
            body_timeout_seconds,
            head_timeout_seconds,
            import_body_limit,
            upload_limit,
            pool_size,
            db_wait_seconds,
            workers: workers_setting,
            screening_rules,
            run_scheduler,
            expiry_time,
            public_cache_seconds,
            index_dir,
            hash_concurrency,
            hash_queue,
            temporary_password_hours,
            trusted_proxies: trusted_proxies.unwrap_or_default(),
            public_url,
        })
    }

    /// The base of every absolute URL: `NORMREG_PUBLIC_URL`, else `http://` and the listen
    /// address with a wildcard host (`0.0.0.0`, `::`) read as `127.0.0.1`. `Application::build`
    /// fills in the port actually bound when the address asked for port 0.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.clone(),
            None => derived_public_url(&self.bind, None),
        }
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
            upload_limit: DEFAULT_UPLOAD_LIMIT,
            pool_size: 8,
            db_wait_seconds: 30,
            workers: 2,
            screening_rules: None,
            run_scheduler: false,
            expiry_time: chrono::NaiveTime::from_hms_opt(0, 5, 0).unwrap_or_default(),
            public_cache_seconds: 5,
            index_dir: None,
            hash_concurrency: 2,
            hash_queue: 16,
            temporary_password_hours: 72,
            trusted_proxies: TrustedProxies::default(),
            public_url: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{check_bind, check_public_url, derived_public_url};

    #[test]
    fn a_public_url_is_http_or_https_with_a_host() {
        assert_eq!(
            check_public_url("https://gfxwj.example.gov.cn/").as_deref(),
            Ok("https://gfxwj.example.gov.cn")
        );
        assert_eq!(
            check_public_url("http://10.0.0.5:8080/normreg").as_deref(),
            Ok("http://10.0.0.5:8080/normreg")
        );
        for bad in [
            "gfxwj.example.gov.cn",
            "ftp://x",
            "https://",
            "https://a/?q=1",
            "https://a/#x",
            "https://a\"b",
            "https://u@a",
        ] {
            assert!(check_public_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn without_a_public_url_the_listen_address_is_used() {
        assert_eq!(derived_public_url("0.0.0.0:8080", None), "http://127.0.0.1:8080");
        assert_eq!(derived_public_url("127.0.0.1:0", Some(41234)), "http://127.0.0.1:41234");
        assert_eq!(derived_public_url("[::1]:80", None), "http://[::1]:80");
    }

    #[test]
    fn a_listen_address_is_host_and_port() {
        for ok in ["127.0.0.1:8080", "0.0.0.0:0", "[::1]:8080", "localhost:8080", "normreg-1:80"] {
            assert!(check_bind(ok).is_ok(), "{ok}");
        }
        for bad in
            ["8080", "localhost", ":8080", "127.0.0.1:99999", "host:port", "a b:80", "::1:8080x"]
        {
            assert!(check_bind(bad).is_err(), "{bad}");
        }
    }
}
