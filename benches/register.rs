//! Registrations per second with 64 concurrent clients, on SQLite and on PostgreSQL.
//!
//! `cargo bench --bench register` (PostgreSQL half when `TEST_DATABASE_URL` is set).
//! `NORMREG_BENCH_ENGINE=sqlite|postgres` runs one engine, `NORMREG_BENCH_DOCUMENTS` another
//! count: BENCHMARKS.md counts a registration's instructions with callgrind from two runs of
//! 640 and 1,920.
//! Documents are brought to `adopted` through SQL for speed; only the registration, the part
//! under test, goes through HTTP. The run fails if any number is missing or given twice.

#[path = "../tests/api/helpers.rs"]
mod helpers;

use std::collections::BTreeSet;
use std::time::Instant;

use diesel::{Connection, RunQueryDsl};
use helpers::*;
use serde_json::json;

const CLIENTS: usize = 64;

fn main() {
    let documents = documents();
    for engine in Engine::for_bench() {
        let Some(app) = TestApp::spawn_with(engine, |c| {
            c.workers = 2;
            // The service's own default pool: twice the cores plus two.
            c.pool_size = 2 * 2 + 2;
            // `NORMREG_BENCH_POOL` / `NORMREG_BENCH_WORKERS` try other sizes.
            if let Some(n) = std::env::var("NORMREG_BENCH_POOL").ok().and_then(|v| v.parse().ok()) {
                c.pool_size = n;
            }
            if let Some(n) =
                std::env::var("NORMREG_BENCH_WORKERS").ok().and_then(|v| v.parse().ok())
            {
                c.workers = n;
            }
        }) else {
            println!("{engine:?}: NOT RUN (set TEST_DATABASE_URL)");
            continue;
        };
        let admin = app.admin_token();
        let agency = app.agency(&admin, json!({"name": "基准市人民政府", "code": "BENCH", "issuance_prefix": "基政规", "registration_prefix": "JZFS"}));
        let agency_id = agency["id"].as_str().unwrap().to_string();
        let registrar = app.user(&admin, "bench-registrar", &agency_id, &["registrar"]);
        let ids = seed_adopted(&app.db.url, &agency_id, documents);
        let chunks: Vec<Vec<String>> =
            ids.chunks(documents / CLIENTS).map(|c| c.to_vec()).collect();
        let started = Instant::now();
        let threads: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let client = Client::new(&app.server.base);
                let token = registrar.clone();
                std::thread::spawn(move || {
                    chunk
                        .iter()
                        .map(|id| {
                            let r = client.raw(
                                "POST",
                                &format!("/api/v1/documents/{id}/register"),
                                Some(&token),
                                None,
                                Vec::new(),
                                &[],
                            );
                            assert_eq!(r.status, 200, "{}", r.body);
                            let n = r.json()["issuance_number"].as_str().unwrap().to_string();
                            n.split('〕')
                                .nth(1)
                                .unwrap()
                                .trim_end_matches('号')
                                .parse::<u32>()
                                .unwrap()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let serials: Vec<u32> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
        let elapsed = started.elapsed();
        let unique: BTreeSet<u32> = serials.iter().copied().collect();
        assert_eq!(unique.len(), documents, "duplicates");
        assert_eq!(unique.iter().next_back().copied(), Some(documents as u32), "gaps");
        println!(
            "{engine:?}: {documents} registrations by {CLIENTS} clients in {:.2} s = {:.0} registrations/s, 0 gaps, 0 duplicates",
            elapsed.as_secs_f64(),
            documents as f64 / elapsed.as_secs_f64()
        );
    }
}

/// 6,400 registrations, or `NORMREG_BENCH_DOCUMENTS` (a multiple of the 64 clients): fewer for a
/// run under a profiler such as callgrind, which is many times slower.
fn documents() -> usize {
    let n = std::env::var("NORMREG_BENCH_DOCUMENTS").ok().and_then(|v| v.parse().ok());
    n.unwrap_or(6_400).max(CLIENTS) / CLIENTS * CLIENTS
}

/// Inserts adopted documents directly, with their text revision, as the workflow would leave them.
fn seed_adopted(url: &str, agency_id: &str, n: usize) -> Vec<String> {
    let ids: Vec<String> = (0..n).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let rows = |conn_exec: &mut dyn FnMut(&str)| {
        conn_exec("BEGIN");
        for id in &ids {
            conn_exec(&format!(
                "INSERT INTO documents (id, lineage_id, version, agency_id, status, title, body, revision, provisional, affects_rights, imported, created_at, updated_at) \
                 VALUES ('{id}', '{id}', 1, '{agency_id}', 'adopted', '基准文件', '第一条 为了规范管理，制定本办法。', 1, false, false, false, '2026-03-02 00:00:00', '2026-03-02 00:00:00')"
            ));
        }
        conn_exec("COMMIT");
    };
    if let Some(path) = url.strip_prefix("sqlite://") {
        let mut c = diesel::SqliteConnection::establish(path).unwrap();
        rows(&mut |sql| {
            diesel::sql_query(sql).execute(&mut c).unwrap();
        });
    } else {
        let mut c = diesel::PgConnection::establish(url).unwrap();
        rows(&mut |sql| {
            diesel::sql_query(sql).execute(&mut c).unwrap();
        });
    }
    ids
}
