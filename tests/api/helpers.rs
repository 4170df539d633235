//! The test harness: each test spawns the real server on port 0 over a fresh database
//! (a SQLite file, and a PostgreSQL database created and dropped by the test when
//! `TEST_DATABASE_URL` is set), and talks to it over real HTTP.

// Not every helper is used by every group of tests.
#![allow(dead_code)]

use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::NaiveDate;
use diesel::{Connection, RunQueryDsl};
use normreg::config::Config;
use normreg::db::DatabaseUrl;
use normreg::domain::clock::ManualClock;
use normreg::startup::Application;
use serde_json::{json, Value};

pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";
pub const PASSWORD: &str = "password-for-tests";
pub const TOKEN_TTL_SECONDS: i64 = 400 * 24 * 3600;

/// Which engine a test half runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// The engines a bench runs on: both, or the one `NORMREG_BENCH_ENGINE` names (`sqlite`
    /// or `postgres`; `NORMREG_BENCH_ONLY` is the public bench's older name for it).
    pub fn for_bench() -> Vec<Engine> {
        let named = std::env::var("NORMREG_BENCH_ENGINE")
            .or_else(|_| std::env::var("NORMREG_BENCH_ONLY"))
            .unwrap_or_default()
            .to_lowercase();
        [Engine::Sqlite, Engine::Postgres]
            .into_iter()
            .filter(|e| named.is_empty() || format!("{e:?}").to_lowercase() == named)
            .collect()
    }
}

/// A database that exists for one test and is removed afterwards.
pub struct TestDatabase {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(std::path::PathBuf),
    Postgres {
        admin_url: String,
        name: String,
    },
    /// Kept for the next run (benches).
    Keep,
}

impl TestDatabase {
    /// A fresh database of the engine, or `None` for PostgreSQL when `TEST_DATABASE_URL` is
    /// unset. When it is set, failing to create the database fails the test.
    pub fn create(engine: Engine) -> Option<Self> {
        let suffix = uuid::Uuid::new_v4().simple().to_string();
        match engine {
            Engine::Sqlite => {
                let dir = std::env::temp_dir().join(format!("normreg-test-{suffix}"));
                std::fs::create_dir_all(&dir).expect("temp dir");
                let url = format!("sqlite://{}", dir.join("normreg.db").display());
                Some(Self { url, cleanup: Cleanup::Dir(dir) })
            }
            Engine::Postgres => {
                let admin_url = std::env::var("TEST_DATABASE_URL").ok()?;
                let name = format!("normreg_test_{suffix}");
                let mut conn = diesel::PgConnection::establish(&admin_url).unwrap_or_else(|e| {
                    panic!("TEST_DATABASE_URL is set but PostgreSQL cannot be reached: {e}")
                });
                diesel::sql_query(format!(
                    "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
                ))
                .execute(&mut conn)
                .expect("create test database");
                let url = replace_database(&admin_url, &name);
                Some(Self { url, cleanup: Cleanup::Postgres { admin_url, name } })
            }
        }
    }
}

impl TestDatabase {
    /// A database that outlives the run, for benches that reuse what they loaded: `name`
    /// under `NORMREG_BENCH_DB_DIR` (default: the temporary directory) for SQLite, or on the
    /// server of `TEST_DATABASE_URL`; created when missing, never dropped. `None` for
    /// PostgreSQL when `TEST_DATABASE_URL` is unset.
    pub fn kept(engine: Engine, name: &str) -> Option<Self> {
        match engine {
            Engine::Sqlite => {
                let root = std::env::var("NORMREG_BENCH_DB_DIR")
                    .map(std::path::PathBuf::from)
                    .unwrap_or_else(|_| std::env::temp_dir());
                let dir = root.join(name);
                std::fs::create_dir_all(&dir).expect("bench database dir");
                let url = format!("sqlite://{}", dir.join("normreg.db").display());
                Some(Self { url, cleanup: Cleanup::Keep })
            }
            Engine::Postgres => {
                let admin_url = std::env::var("TEST_DATABASE_URL").ok()?;
                let mut conn = diesel::PgConnection::establish(&admin_url).expect("postgres");
                #[derive(diesel::QueryableByName)]
                struct Found {
                    #[diesel(sql_type = diesel::sql_types::BigInt)]
                    n: i64,
                }
                let found: Found = diesel::sql_query(format!(
                    "SELECT count(*) AS n FROM pg_database WHERE datname = '{name}'"
                ))
                .get_result(&mut conn)
                .expect("pg_database");
                if found.n == 0 {
                    diesel::sql_query(format!(
                        "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
                    ))
                    .execute(&mut conn)
                    .expect("create bench database");
                }
                Some(Self { url: replace_database(&admin_url, name), cleanup: Cleanup::Keep })
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(mut conn) = diesel::PgConnection::establish(admin_url) {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut conn);
                }
            }
            Cleanup::Keep => {}
        }
    }
}

/// The same server URL with another database name.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// The configuration every test server starts with.
pub fn test_config(database_url: &str) -> Result<Config, String> {
    let mut config = Config::for_database(DatabaseUrl::parse(database_url)?);
    config.admin_password = Some(ADMIN_PASSWORD.into());
    config.jwt_secret = Some(JWT_SECRET.into());
    // Tests move the clock by months; tokens must outlive such jumps (expiry itself is
    // tested with hand-made tokens).
    config.token_ttl_seconds = TOKEN_TTL_SECONDS;
    Ok(config)
}

/// A running server.
pub struct TestServer {
    pub base: String,
    handle: actix_web::dev::ServerHandle,
    /// The running instance's state, for tests that drive another edge (the scheduler)
    /// inside the same instance.
    pub state: actix_web::web::Data<normreg::state::AppState>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Starts the real application on `database_url` in its own thread and runtime.
    pub fn start(database_url: &str, clock: ManualClock) -> Result<Self, String> {
        Self::start_with(test_config(database_url)?, clock)
    }

    pub fn start_with(config: Config, clock: ManualClock) -> Result<Self, String> {
        // Logs of a failing test show up with its output (RUST_LOG=warn by default here).
        if std::env::var("RUST_LOG").is_err() {
            std::env::set_var("RUST_LOG", "warn");
        }
        normreg::telemetry::init();
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                match Application::build(config, Arc::new(clock)).await {
                    Ok(app) => {
                        let _ = tx.send(Ok((app.port(), app.handle(), app.state())));
                        let _ = app.run_until_stopped().await;
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e.to_string()));
                    }
                }
            })
        });
        let (port, handle, state) = rx
            .recv_timeout(Duration::from_secs(120))
            .map_err(|e| format!("server did not start: {e}"))??;
        Ok(Self { base: format!("http://127.0.0.1:{port}"), handle, state, thread: Some(thread) })
    }

    pub fn stop(&mut self) {
        if let Some(thread) = self.thread.take() {
            drop(self.handle.stop(false));
            let _ = thread.join();
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A server over a fresh database, with a client and a settable clock.
pub struct TestApp {
    pub engine: Engine,
    pub server: TestServer,
    pub clock: ManualClock,
    pub client: Client,
    pub db: TestDatabase,
}

impl TestApp {
    /// A fresh app on `engine`; `None` for PostgreSQL without `TEST_DATABASE_URL`.
    pub fn spawn(engine: Engine) -> Option<Self> {
        Self::spawn_with(engine, |_| {})
    }

    /// A fresh app whose configuration `adjust` may change first (benches size the pools).
    pub fn spawn_with(engine: Engine, adjust: impl FnOnce(&mut Config)) -> Option<Self> {
        let db = TestDatabase::create(engine)?;
        let clock = ManualClock::at_date(date("2026-03-02"));
        let mut config = test_config(&db.url).expect("config");
        adjust(&mut config);
        let server = TestServer::start_with(config, clock.clone()).expect("server starts");
        let client = Client::new(&server.base);
        Some(Self { engine, server, clock, client, db })
    }

    /// Stops the server and starts a new one over the same database.
    pub fn restart(&mut self) {
        self.server.stop();
        self.server = TestServer::start(&self.db.url, self.clock.clone()).expect("server restarts");
        self.client = Client::new(&self.server.base);
    }

    pub fn admin_token(&self) -> String {
        self.login("admin", ADMIN_PASSWORD)
    }

    pub fn login(&self, username: &str, password: &str) -> String {
        let r = self.client.post(
            "/api/v1/auth/login",
            None,
            &json!({"username": username, "password": password}),
        );
        assert_eq!(r.status, 200, "login of {username}: {}", r.body);
        r.json()["access_token"].as_str().expect("token").to_string()
    }

    /// Creates an agency as admin and answers its JSON.
    pub fn agency(&self, admin: &str, body: Value) -> Value {
        let r = self.client.post("/api/v1/agencies", Some(admin), &body);
        assert_eq!(r.status, 201, "create agency: {}", r.body);
        r.json()
    }

    /// Creates a user with `roles` in `agency_id` and answers a token for them.
    pub fn user(&self, admin: &str, username: &str, agency_id: &str, roles: &[&str]) -> String {
        let r = self.client.post(
            "/api/v1/users",
            Some(admin),
            &json!({"username": username, "password": PASSWORD, "agency_id": agency_id, "roles": roles}),
        );
        assert_eq!(r.status, 201, "create user {username}: {}", r.body);
        self.login(username, PASSWORD)
    }
}

/// A configuration that believes the loopback's `X-Forwarded-For` (tests then speak for
/// several client addresses with [`Client::post_from`]).
pub fn trust_loopback(config: &mut Config) {
    config.trusted_proxies =
        normreg::domain::trusted_proxies::TrustedProxies::parse("127.0.0.1, ::1").expect("proxies");
}

/// Runs the `normreg` binary with `args` over the database at `database_url`, to its end.
pub fn run_normreg(database_url: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_normreg"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("normreg runs")
}

pub fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// An HTTP answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    pub body: String,
    /// The body as sent, for answers that are not text (files, archives).
    pub bytes: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(String::from)
    }

    /// Asserts an RFC 9457 problem with the status, and answers its body.
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "expected {status}, got {}: {}", self.status, self.body);
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/problem+json"),
            "problem content type: {}",
            self.body
        );
        let p = self.json();
        assert_eq!(p["status"], status);
        assert!(p["title"].is_string() && p["detail"].is_string() && p["type"].is_string(), "{p}");
        p
    }
}

/// A small blocking HTTP client that never turns a status into an error.
#[derive(Clone)]
pub struct Client {
    base: String,
    agent: ureq::Agent,
}

impl Client {
    pub fn new(base: &str) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Self { base: base.to_string(), agent }
    }

    pub fn raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let request = self.request(method, path, token, content_type, body, headers);
        self.run(request).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    /// [`Client::raw`] for servers that may die mid-request (tests/survival): `Err` when the
    /// connection failed before the whole answer arrived.
    pub fn try_raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Result<Answer, String> {
        let request = self.request(method, path, token, content_type, body, &[]);
        self.run(request).map_err(|e| format!("{method} {path}: {e}"))
    }

    fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> ureq::http::Request<Vec<u8>> {
        let mut req =
            ureq::http::Request::builder().method(method).uri(format!("{}{}", self.base, path));
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        if let Some(ct) = content_type {
            req = req.header("Content-Type", ct);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.body(body).expect("request")
    }

    /// Sends `request`; `Err` when the connection failed before the whole answer arrived.
    fn run(&self, request: ureq::http::Request<Vec<u8>>) -> Result<Answer, String> {
        let mut resp = self.agent.run(request).map_err(|e| e.to_string())?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(200 * 1024 * 1024)
            .read_to_vec()
            .map_err(|e| format!("the answer was cut: {e}"))?;
        // A body that is not text (a file, an archive) reads as empty; tests of bytes look
        // at its headers.
        let body = String::from_utf8(bytes.clone()).unwrap_or_default();
        Ok(Answer { status, headers, body, bytes })
    }

    pub fn get(&self, path: &str, token: Option<&str>) -> Answer {
        self.raw("GET", path, token, None, Vec::new(), &[])
    }

    pub fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Answer {
        self.send("POST", path, token, body)
    }

    /// A JSON `POST` forwarded for `client` (an `X-Forwarded-For` that a server trusting the
    /// loopback as its proxy takes as the client address).
    pub fn post_from(&self, client: &str, path: &str, token: Option<&str>, body: &Value) -> Answer {
        let json = body.to_string().into_bytes();
        let headers = [("X-Forwarded-For", client)];
        self.raw("POST", path, token, Some("application/json"), json, &headers)
    }

    /// [`Client::post_from`] for servers under attack (tests/survival): `Err` when the
    /// connection failed before the whole answer arrived.
    pub fn try_post_from(&self, client: &str, path: &str, body: &Value) -> Result<Answer, String> {
        let json = body.to_string().into_bytes();
        let headers = [("X-Forwarded-For", client)];
        let request = self.request("POST", path, None, Some("application/json"), json, &headers);
        self.run(request).map_err(|e| format!("POST {path}: {e}"))
    }

    pub fn put(&self, path: &str, token: Option<&str>, body: &Value) -> Answer {
        self.send("PUT", path, token, body)
    }

    pub fn patch(&self, path: &str, token: Option<&str>, body: &Value) -> Answer {
        self.send("PATCH", path, token, body)
    }

    pub fn send(&self, method: &str, path: &str, token: Option<&str>, body: &Value) -> Answer {
        self.try_send(method, path, token, Some(body)).unwrap_or_else(|e| panic!("{e}"))
    }

    /// A JSON body (or none), for servers that may die mid-request (tests/survival): `Err`
    /// when the connection failed before the whole answer arrived.
    pub fn try_send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Answer, String> {
        let request = match body {
            Some(b) => {
                let json = b.to_string().into_bytes();
                self.request(method, path, token, Some("application/json"), json, &[])
            }
            None => self.request(method, path, token, None, Vec::new(), &[]),
        };
        self.run(request).map_err(|e| format!("{method} {path}: {e}"))
    }
}

/// Declares a test that runs once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! db_test {
    ($name:ident, |$app:ident| $body:block) => {
        $crate::db_test!($name, config |_config| {}, |$app| $body);
    };
    // With `config`, the server is started with an adjusted configuration.
    ($name:ident, config |$config:ident| $adjust:block, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn run($app: &mut $crate::helpers::TestApp) $body

            fn adjust($config: &mut normreg::config::Config) $adjust

            #[test]
            fn sqlite() {
                let mut app =
                    $crate::helpers::TestApp::spawn_with($crate::helpers::Engine::Sqlite, adjust)
                        .expect("sqlite app");
                run(&mut app);
            }

            #[test]
            fn postgres() {
                match $crate::helpers::TestApp::spawn_with(
                    $crate::helpers::Engine::Postgres,
                    adjust,
                ) {
                    Some(mut app) => run(&mut app),
                    None => eprintln!(
                        "NOT RUN on PostgreSQL: {}: set TEST_DATABASE_URL to run this half",
                        stringify!($name)
                    ),
                }
            }
        }
    };
}

/// base64url without padding, for hand-made tokens.
pub fn b64(s: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let bytes = s.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Percent-encodes a query value (RFC 3986 unreserved characters kept).
pub fn enc(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
