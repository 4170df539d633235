//! A document's later life at scale, on SQLite and on PostgreSQL: the import rate of
//! `normreg import`, the time and peak memory of `normreg catalogue` freezing 100,000
//! documents, and the expiry run over 1,000,000 documents that are all due.
//!
//! `cargo bench --bench scale` (PostgreSQL half when `TEST_DATABASE_URL` is set). Texts are
//! recombined from real articles of local regulations in `benches/data/`. Seeding for the
//! catalogue and expiry goes straight to the database; the part under test runs as the
//! service runs it (the release CLI for import and catalogue, `expire_due` for expiry).

#[path = "../tests/api/helpers.rs"]
mod helpers;

use std::io::Write;
use std::process::Command;
use std::time::Instant;

use chrono::NaiveDate;
use diesel::prelude::*;
use helpers::*;
use normreg::db::document_row::DocumentWrite;
use normreg::db::schema::documents;
use normreg::db::DbConn;
use normreg::domain::document::Document;
use normreg::domain::ids::{AgencyId, DocumentId};
use normreg::domain::lifecycle::Status;
use serde_json::json;

const IMPORTED: usize = 20_000;
const CATALOGUE: usize = 100_000;
const EXPIRING: usize = 1_000_000;

const ARTICLES: &str = include_str!("data/articles.txt");
const TITLES: &str = include_str!("data/titles.txt");

/// A deterministic text of 4–9 real articles, renumbered.
fn body(n: usize) -> String {
    let articles: Vec<&str> = ARTICLES.lines().collect();
    let count = 4 + n % 6;
    (0..count)
        .map(|i| {
            let a = articles[(n * 7 + i * 13) % articles.len()];
            let rest = a.split_once('条').map(|(_, r)| r).unwrap_or(a);
            format!("第{}条{}", i + 1, rest)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn title(n: usize) -> String {
    let titles: Vec<&str> = TITLES.lines().collect();
    let t = titles[n % titles.len()].replace("条例", "实施办法").replace("规定", "实施细则");
    format!("{t}（第{n}号）")
}

fn main() {
    let mut report = Vec::new();
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let Some(app) = TestApp::spawn_with(engine, |c| c.run_scheduler = false) else {
            println!("{engine:?}: NOT RUN (set TEST_DATABASE_URL)");
            continue;
        };
        let admin = app.admin_token();
        for (name, code, prefix) in [
            ("导入市人民政府", "IMP", "导政规"),
            ("目录市人民政府", "CAT", "目政规"),
            ("失效市人民政府", "EXP", "失政规"),
        ] {
            app.agency(&admin, json!({"name": name, "code": code, "issuance_prefix": prefix, "registration_prefix": code}));
        }
        // `NORMREG_BENCH_ONLY=expiry` (or `import`, `catalogue`) runs one part.
        let only = std::env::var("NORMREG_BENCH_ONLY").unwrap_or_default();
        let wanted = |part: &str| only.is_empty() || only == part;
        if wanted("import") {
            report.push(import_rate(&app, engine));
        }
        if wanted("catalogue") {
            report.push(catalogue(&app, engine));
        }
        if wanted("expiry") {
            report.push(expiry(&app, engine));
        }
    }
    println!("\n{}", report.join("\n"));
}

fn conn(app: &TestApp) -> DbConn {
    match app.db.url.strip_prefix("sqlite://") {
        Some(path) => DbConn::Sqlite(diesel::SqliteConnection::establish(path).expect("sqlite")),
        None => DbConn::Postgres(diesel::PgConnection::establish(&app.db.url).expect("postgres")),
    }
}

fn agency_id(conn: &mut DbConn, code: &str) -> AgencyId {
    normreg::db::agencies::find_by_code(conn, code).unwrap().expect("agency").id
}

/// `normreg import` of a JSON Lines file, timed from start to exit.
fn import_rate(app: &TestApp, engine: Engine) -> String {
    let dir = std::env::temp_dir().join(format!("normreg-bench-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("import.jsonl");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for n in 1..=IMPORTED {
        let year = 2016 + (n % 10) as i32;
        let line = json!({
            "agency_code": "IMP",
            "title": title(n),
            "body": body(n),
            "issuance_number": format!("导政规〔{year}〕{n}号"),
            "registration_number": format!("IMP-{year}-{n}"),
            "published_on": format!("{year}-0{}-15", 1 + n % 9),
        });
        writeln!(file, "{line}").unwrap();
    }
    file.flush().unwrap();
    drop(file);
    let bytes = std::fs::metadata(&path).unwrap().len();
    let (elapsed, peak_kib) = timed_cli(&app.db.url, &["import", path.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).ok();
    let line = format!(
        "{engine:?} import: {IMPORTED} documents ({:.1} MB) in {elapsed:.2} s = {:.0} documents/s, peak RSS {:.0} MB",
        bytes as f64 / 1e6,
        IMPORTED as f64 / elapsed,
        peak_kib as f64 / 1024.0
    );
    println!("{line}");
    line
}

/// Runs the release binary under `/usr/bin/time` for its peak resident memory.
fn timed_cli(url: &str, args: &[&str]) -> (f64, u64) {
    let started = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "PEAK_KIB=%M"])
        .arg(env!("CARGO_BIN_EXE_normreg"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("normreg runs under /usr/bin/time");
    let elapsed = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "normreg {args:?} failed: {stderr}");
    let peak = stderr
        .lines()
        .find_map(|l| l.strip_prefix("PEAK_KIB="))
        .and_then(|v| v.trim().parse().ok())
        .expect("peak memory from /usr/bin/time");
    println!("  {}", String::from_utf8_lossy(&out.stdout).trim());
    (elapsed, peak)
}

/// Published documents straight into the table, many per statement, with their expiry-queue
/// entries.
fn seed(conn: &mut DbConn, rows: &[Document]) {
    for chunk in rows.chunks(500) {
        let chunk: Vec<DocumentWrite> = chunk.iter().map(DocumentWrite::from).collect();
        match conn {
            DbConn::Sqlite(c) => diesel::insert_into(documents::table).values(&chunk).execute(c),
            DbConn::Postgres(c) => diesel::insert_into(documents::table).values(&chunk).execute(c),
        }
        .expect("seed");
    }
    // As publication would: every published document waits in the expiry queue.
    let watched: Vec<_> =
        rows.iter().map(|r| (r.id, r.valid_until.expect("valid_until"))).collect();
    normreg::db::expiry::watch_new(conn, &watched).expect("watch");
}

fn published(agency_id: AgencyId, title: String, body: String, number: String) -> Document {
    let at = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
    Document {
        status: Status::Published,
        issuance_number: Some(number),
        published_on: NaiveDate::from_ymd_opt(2024, 1, 1),
        effective_on: NaiveDate::from_ymd_opt(2024, 2, 1),
        valid_until: NaiveDate::from_ymd_opt(2029, 1, 31),
        imported: true,
        ..Document::draft(DocumentId::new(), agency_id, title, body, at)
    }
}

/// `normreg catalogue` over an agency with 100,000 documents valid on 31 December 2025.
fn catalogue(app: &TestApp, engine: Engine) -> String {
    let mut c = conn(app);
    let agency = agency_id(&mut c, "CAT");
    let seeding = Instant::now();
    let mut written = 0;
    while written < CATALOGUE {
        let rows: Vec<Document> = (written..(written + 10_000).min(CATALOGUE))
            .map(|n| published(agency, title(n), body(n), format!("目政规〔2024〕{}号", n + 1)))
            .collect();
        written += rows.len();
        seed(&mut c, &rows);
    }
    println!("  seeded {CATALOGUE} documents in {:.1} s", seeding.elapsed().as_secs_f64());
    drop(c);
    let (elapsed, peak_kib) =
        timed_cli(&app.db.url, &["catalogue", "--agency", "CAT", "--year", "2025"]);
    let line = format!(
        "{engine:?} catalogue: {CATALOGUE} documents frozen in {elapsed:.2} s, peak RSS {:.0} MB",
        peak_kib as f64 / 1024.0
    );
    println!("{line}");
    line
}

/// One expiry run over 1,000,000 published documents that are all due, then a second run.
fn expiry(app: &TestApp, engine: Engine) -> String {
    let mut c = conn(app);
    let agency = agency_id(&mut c, "EXP");
    let seeding = Instant::now();
    let text = body(1);
    let mut written = 0;
    while written < EXPIRING {
        let rows: Vec<Document> = (written..(written + 20_000).min(EXPIRING))
            .map(|n| {
                let mut row = published(
                    agency,
                    format!("失效测试文件{n}"),
                    text.clone(),
                    format!("失政规〔2019〕{}号", n + 1),
                );
                row.valid_until = NaiveDate::from_ymd_opt(2024, 1, 31 - (n % 28) as u32);
                row
            })
            .collect();
        written += rows.len();
        seed(&mut c, &rows);
    }
    println!("  seeded {EXPIRING} documents in {:.1} s", seeding.elapsed().as_secs_f64());
    let as_of = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let at = as_of.and_hms_opt(0, 5, 0).unwrap();
    let due: i64 = normreg::db::schema::expiry_watch::table
        .filter(normreg::db::schema::expiry_watch::valid_until.lt(as_of))
        .count()
        .get_result(&mut c)
        .expect("count");
    let started = Instant::now();
    let n = normreg::db::expiry::expire_due(&mut c, as_of, at).expect("expiry runs");
    let first = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let again = normreg::db::expiry::expire_due(&mut c, as_of, at).expect("expiry runs");
    let second = started.elapsed().as_secs_f64();
    // The seeded ones and the imported ones of 2016–2019 are due; nothing else is.
    assert!(n >= EXPIRING);
    assert_eq!((n as i64, again), (due, 0), "every due document expires exactly once");
    let line = format!(
        "{engine:?} expiry: {n} documents expired in {first:.2} s (one event each); second run {second:.3} s, 0 expired"
    );
    println!("{line}");
    line
}
