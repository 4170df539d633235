//! Memory and a legitimate user's login latency while attackers flood the login with wrong
//! passwords, on SQLite and on PostgreSQL.
//!
//! `cargo bench --bench login_flood` (PostgreSQL half when `TEST_DATABASE_URL` is set).
//! The real `normreg serve` binary runs in its own process, so its RSS is read from
//! `/proc/PID/status` alone. For each number of attackers (`NORMREG_BENCH_ATTACKERS`,
//! default `8,64`) the attack lasts `NORMREG_BENCH_SECONDS` (default 10) while one
//! legitimate user logs in every 250 ms; then the RSS is followed for 5 s more.

#[path = "../tests/api/helpers.rs"]
mod helpers;

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use helpers::{Engine, TestDatabase, ADMIN_PASSWORD};
use serde_json::{json, Value};

const SAMPLE_EVERY: Duration = Duration::from_millis(100);

fn main() {
    let only = std::env::var("NORMREG_BENCH_ENGINE").unwrap_or_default().to_lowercase();
    let attackers: Vec<usize> = std::env::var("NORMREG_BENCH_ATTACKERS")
        .unwrap_or_else(|_| "8,64".into())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    let seconds: u64 =
        std::env::var("NORMREG_BENCH_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(10);
    for engine in [Engine::Sqlite, Engine::Postgres] {
        if !only.is_empty() && format!("{engine:?}").to_lowercase() != only {
            continue;
        }
        let Some(db) = TestDatabase::create(engine) else {
            println!("{engine:?}: NOT RUN (set TEST_DATABASE_URL)");
            continue;
        };
        for &n in &attackers {
            let server = Server::start(&db.url);
            let report = flood(&server, n, Duration::from_secs(seconds));
            println!("{engine:?}, {n} attackers, {seconds} s: {report}");
            drop(server);
        }
    }
}

/// The release binary serving one database on a free port.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(database_url: &str) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_normreg"))
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("NORMREG_BIND", format!("127.0.0.1:{port}"))
            .env("NORMREG_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("NORMREG_SCHEDULER", "off")
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .spawn()
            .expect("start normreg serve");
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while ureq::get(&format!("{base}/readyz")).call().is_err() {
            assert!(started.elapsed() < Duration::from_secs(60), "the server did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Self { child, base }
    }

    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Answer status of a login attempt, or 0 when the connection failed.
fn login(agent: &ureq::Agent, base: &str, password: &str) -> u16 {
    let body = json!({"username": "admin", "password": password});
    match agent.post(&format!("{base}/api/v1/auth/login")).send_json(&body) {
        Ok(r) => r.status().as_u16(),
        Err(_) => 0,
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

fn flood(server: &Server, attackers: usize, length: Duration) -> String {
    let idle_kib = server.rss_kib();
    let stop = Arc::new(AtomicBool::new(false));
    let statuses: Arc<Vec<AtomicUsize>> = Arc::new((0..600).map(|_| AtomicUsize::new(0)).collect());
    let threads: Vec<_> = (0..attackers)
        .map(|i| {
            let (stop, statuses, base) = (stop.clone(), statuses.clone(), server.base.clone());
            std::thread::spawn(move || {
                let agent = agent();
                while !stop.load(Ordering::Relaxed) {
                    let status = login(&agent, &base, &format!("wrong password {i}"));
                    statuses[status as usize].fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let legit = {
        let (stop, base) = (stop.clone(), server.base.clone());
        std::thread::spawn(move || {
            let agent = agent();
            let mut answers: Vec<(Duration, u16)> = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let started = Instant::now();
                let status = login(&agent, &base, ADMIN_PASSWORD);
                answers.push((started.elapsed(), status));
                std::thread::sleep(Duration::from_millis(250));
            }
            answers
        })
    };
    let started = Instant::now();
    let mut peak_kib = 0;
    while started.elapsed() < length {
        peak_kib = peak_kib.max(server.rss_kib());
        std::thread::sleep(SAMPLE_EVERY);
    }
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        let _ = t.join();
    }
    let answers = legit.join().unwrap_or_default();
    let stopped = Instant::now();
    let mut after_kib = Vec::new();
    while stopped.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(500));
        after_kib.push(server.rss_kib());
    }
    let mut latencies: Vec<Duration> =
        answers.iter().filter(|(_, s)| *s == 200).map(|(d, _)| *d).collect();
    latencies.sort();
    let pick = |q: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * q).round().max(0.0) as usize)
            .map(|d| format!("{} ms", d.as_millis()))
            .unwrap_or_else(|| "-".into())
    };
    let attack: Value = statuses
        .iter()
        .enumerate()
        .filter(|(_, n)| n.load(Ordering::Relaxed) > 0)
        .map(|(s, n)| (s.to_string(), json!(n.load(Ordering::Relaxed))))
        .collect::<serde_json::Map<_, _>>()
        .into();
    let legit_statuses: Value = answers
        .iter()
        .fold(serde_json::Map::new(), |mut m, (_, s)| {
            let e = m.entry(s.to_string()).or_insert(json!(0));
            *e = json!(e.as_u64().unwrap_or(0) + 1);
            m
        })
        .into();
    format!(
        "RSS idle {} MB, peak {} MB, 5 s after {} MB; legitimate logins {legit_statuses} \
         p50 {} p99 {} max {}; attackers' answers {attack}",
        idle_kib / 1024,
        peak_kib / 1024,
        after_kib.last().copied().unwrap_or(0) / 1024,
        pick(0.5),
        pick(0.99),
        pick(1.0),
    )
}
