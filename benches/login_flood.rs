//! Memory and legitimate users' login latency while attackers flood the login with wrong
//! passwords, on SQLite and on PostgreSQL.
//!
//! `TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench login_flood`
//! (the PostgreSQL half only when `TEST_DATABASE_URL` is set). The release `normreg serve`
//! runs in its own process, so its RSS is read from `/proc/PID/status` alone. For each number
//! of attackers (`NORMREG_BENCH_ATTACKERS`, default `8,64`) the attack on `admin` lasts
//! `NORMREG_BENCH_SECONDS` (default 10) while two legitimate users log in every 250 ms:
//! another account, and the owner of the attacked one; then the RSS is followed for 5 s more.
//! `NORMREG_BENCH_ENGINE=sqlite|postgres` runs one engine. The same measure, with the
//! acceptance figures asserted, is the memory test of `tests/survival/`.

#[path = "../tests/survival/accounts.rs"]
mod accounts;
#[path = "../tests/survival/binary.rs"]
mod binary;
#[path = "../tests/survival/flood.rs"]
mod flood;
#[path = "../tests/api/helpers.rs"]
mod helpers;

use std::time::Duration;

use binary::Served;
use helpers::{Engine, TestDatabase};

fn main() {
    let attackers: Vec<usize> = std::env::var("NORMREG_BENCH_ATTACKERS")
        .unwrap_or_else(|_| "8,64".into())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    let seconds: u64 =
        std::env::var("NORMREG_BENCH_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(10);
    for engine in Engine::for_bench() {
        let Some(db) = TestDatabase::create(engine) else {
            println!("{engine:?}: NOT RUN (set TEST_DATABASE_URL)");
            continue;
        };
        for (run, &n) in attackers.iter().enumerate() {
            let server = Served::start(&db.url);
            if run == 0 {
                flood::add_other_account(&helpers::Client::new(&server.base));
            }
            let report =
                flood::flood(&server, n, Duration::from_secs(seconds), Duration::from_secs(5));
            let settled = report
                .under_after(100 * 1024)
                .map_or("never".into(), |t| format!("{:.1} s", t.as_secs_f64()));
            println!(
                "{engine:?}, {n} attackers, {seconds} s: {}; under 100 MB after the attack: {settled}",
                report.summary()
            );
            server.kill();
        }
    }
}
