//! Upload and download of a 50 MB file through the release `normreg serve`, on SQLite and on
//! PostgreSQL: the throughput of each, and the server's peak RSS over its idle RSS while they
//! run (issue 14's target: less than 20 MB of growth).
//!
//! `TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench files`
//! (the PostgreSQL half only when `TEST_DATABASE_URL` is set). `NORMREG_BENCH_ENGINE=sqlite|postgres`
//! runs one engine; `NORMREG_BENCH_ROUNDS` (default 3) uploads and downloads per engine.

#[path = "../tests/survival/accounts.rs"]
mod accounts;
#[path = "../tests/survival/binary.rs"]
mod binary;
#[path = "../tests/api/helpers.rs"]
mod helpers;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use accounts::{create, login};
use binary::Served;
use helpers::{Client, Engine, TestDatabase, ADMIN_PASSWORD, PASSWORD};
use serde_json::json;

/// 50 MB, under the default limit of 50 MiB.
const FILE_BYTES: usize = 50_000_000;

fn main() {
    let rounds: usize =
        std::env::var("NORMREG_BENCH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
    let mut bytes = b"%PDF-1.7\n".to_vec();
    let mut x = 88172645463325252u64;
    while bytes.len() < FILE_BYTES {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    bytes.truncate(FILE_BYTES);
    let boundary = "----normreg-bench";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nofficial_text\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"正式文本.pdf\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    for engine in Engine::for_bench() {
        let Some(db) = TestDatabase::create(engine) else {
            println!("{engine:?}: NOT RUN (set TEST_DATABASE_URL)");
            continue;
        };
        let server = Arc::new(Served::start(&db.url));
        let client = Client::new(&server.base);
        let admin = login(&client, "admin", ADMIN_PASSWORD);
        let city = create(
            &client,
            &admin,
            "/api/v1/agencies",
            json!({"name": "沈阳市人民政府", "code": "SY", "issuance_prefix": "沈政规", "registration_prefix": "SYFS"}),
        );
        create(
            &client,
            &admin,
            "/api/v1/users",
            json!({"username": "sy-drafter", "password": PASSWORD, "agency_id": city, "roles": ["drafter"]}),
        );
        let token = login(&client, "sy-drafter", PASSWORD);
        let doc = create(
            &client,
            &token,
            "/api/v1/documents",
            json!({"title": "关于大文件的办法", "body": "第一条 为了规范管理，制定本办法。"}),
        );
        std::thread::sleep(Duration::from_secs(1));
        let idle = server.rss_kib();
        // Sampled every 5 ms while the transfers run.
        let peak = Arc::new(AtomicU64::new(idle));
        let done = Arc::new(AtomicBool::new(false));
        let sampler = {
            let (server, peak, done) = (server.clone(), peak.clone(), done.clone());
            std::thread::spawn(move || {
                while !done.load(Ordering::Relaxed) {
                    peak.fetch_max(server.rss_kib(), Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(5));
                }
            })
        };
        let mb = FILE_BYTES as f64 / 1e6;
        for round in 1..=rounds {
            let path = format!("/api/v1/documents/{doc}/files");
            let started = Instant::now();
            let r = client.raw("POST", &path, Some(&token), Some(&content_type), body.clone(), &[]);
            let up = started.elapsed().as_secs_f64();
            assert_eq!(r.status, 201, "upload: {}", r.body);
            let id = r.json()["id"].as_str().unwrap().to_string();
            let started = Instant::now();
            let r = client.get(&format!("/api/v1/files/{id}"), Some(&token));
            let down = started.elapsed().as_secs_f64();
            assert_eq!(r.status, 200);
            assert_eq!(r.bytes.len(), FILE_BYTES);
            println!(
                "{engine:?}, round {round}: upload {up:.2} s ({:.0} MB/s), download {down:.2} s ({:.0} MB/s); peak RSS so far {} MiB over idle {} MiB",
                mb / up,
                mb / down,
                (peak.load(Ordering::Relaxed) - idle) / 1024,
                idle / 1024
            );
        }
        done.store(true, Ordering::Relaxed);
        sampler.join().unwrap();
        if let Ok(server) = Arc::try_unwrap(server) {
            server.kill();
        }
        let growth = peak.load(Ordering::Relaxed).saturating_sub(idle);
        println!(
            "{engine:?}: idle {:.1} MiB, peak {:.1} MiB, growth {:.1} MiB (target < 20 MB)",
            idle as f64 / 1024.0,
            peak.load(Ordering::Relaxed) as f64 / 1024.0,
            growth as f64 / 1024.0
        );
    }
}
