//! The public catalogue under load, on SQLite and on PostgreSQL: search latency over 100,000
//! Chinese documents, and the rate of one public document read next to nginx serving the
//! same bytes.
//!
//! `cargo bench --bench public` (PostgreSQL half when `TEST_DATABASE_URL` is set); needs
//! `wrk` and `nginx` (`apt-get install -y wrk nginx`). Documents are generated
//! deterministically by recombining the sentences of the demo's real texts
//! (`assets/demo/documents.jsonl`) and loaded straight into the tables, with their search
//! index rows written exactly as publication writes them; only the reads go through HTTP.

#[path = "../tests/api/helpers.rs"]
mod helpers;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::{Connection, RunQueryDsl};
use helpers::*;
use normreg::domain::cjk_tokens;
use serde_json::json;

/// The number of documents; `NORMREG_BENCH_DOCUMENTS` overrides it for a quick trial run.
fn documents() -> usize {
    std::env::var("NORMREG_BENCH_DOCUMENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000)
}
const TWO: [&str; 5] = ["许可", "罚款", "消防", "援助", "湿地"];
const FOUR: [&str; 5] = ["法律援助", "行政许可", "公共汽车", "安全生产", "湿地保护"];
/// Terms found in most documents: the worst case of ranking, reported apart.
const COMMON: [&str; 2] = ["管理", "应当"];

fn main() {
    for bin in ["wrk", "nginx"] {
        let found = ["/usr/bin", "/usr/sbin"].iter().any(|d| Path::new(d).join(bin).exists());
        assert!(found, "{bin} is missing: apt-get install -y wrk nginx");
    }
    let mut rows = Vec::new();
    // `NORMREG_BENCH_ONLY=sqlite|postgres` runs one engine.
    let only = std::env::var("NORMREG_BENCH_ONLY").unwrap_or_default().to_lowercase();
    for engine in [Engine::Sqlite, Engine::Postgres] {
        if !only.is_empty() && format!("{engine:?}").to_lowercase() != only {
            continue;
        }
        let Some(app) = TestApp::spawn_with(engine, |c| {
            c.workers = 2;
            c.pool_size = 8;
        }) else {
            println!("{engine:?}: NOT RUN (set TEST_DATABASE_URL)");
            continue;
        };
        rows.push(run(&app));
    }
    println!("\n| engine | search | terms | hits per term | p50 | p99 |");
    println!("|---|---|---|---|---|---|");
    for r in &rows {
        for s in &r.searches {
            println!(
                "| {} | {} | {} | {} | {:.1} ms | {:.1} ms |",
                r.engine, s.class, s.terms, s.hits, s.p50, s.p99
            );
        }
    }
    println!("\n| engine | server | requests/s | p99 |");
    println!("|---|---|---|---|");
    for r in &rows {
        println!(
            "| {} | normreg `GET /api/v1/public/documents/{{id}}` | {:.0} | {} |",
            r.engine, r.normreg.0, r.normreg.1
        );
        println!(
            "| {} | nginx, same bytes from a file | {:.0} | {} |",
            r.engine, r.nginx.0, r.nginx.1
        );
        println!("| {} | ratio nginx / normreg | {:.2}× | |", r.engine, r.nginx.0 / r.normreg.0);
    }
}

struct SearchRow {
    class: String,
    terms: String,
    hits: String,
    p50: f64,
    p99: f64,
}

struct EngineRow {
    engine: String,
    searches: Vec<SearchRow>,
    normreg: (f64, String),
    nginx: (f64, String),
}

fn run(app: &TestApp) -> EngineRow {
    let engine = format!("{:?}", app.engine);
    let admin = app.admin_token();
    let mut agencies = Vec::new();
    for (name, code, prefix, reg) in [
        ("辽宁省人民政府", "LN", "辽政规", "LNFS"),
        ("沈阳市人民政府", "SY", "沈政规", "SYFS"),
        ("大连市人民政府", "DL", "大政规", "DLFS"),
        ("鞍山市人民政府", "AS", "鞍政规", "ASFS"),
    ] {
        let a = app.agency(
            &admin,
            json!({"name": name, "code": code, "issuance_prefix": prefix, "registration_prefix": reg}),
        );
        agencies.push((a["id"].as_str().unwrap().to_string(), prefix, reg, &name[..9]));
    }

    let started = Instant::now();
    let docs = generate(&agencies);
    let generated = started.elapsed();
    let started = Instant::now();
    load(&app.db.url, &docs);
    println!(
        "{engine}: {} documents generated in {:.1} s, loaded with their index in {:.1} s",
        docs.len(),
        generated.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );

    // `NORMREG_BENCH_PAUSE_SECONDS` leaves time to look at the loaded database (query plans).
    if let Some(secs) =
        std::env::var("NORMREG_BENCH_PAUSE_SECONDS").ok().and_then(|v| v.parse().ok())
    {
        println!("{engine}: database {} loaded; pausing {secs} s", app.db.url);
        std::thread::sleep(Duration::from_secs(secs));
    }
    let mut searches = Vec::new();
    for (class, terms, pages, filter) in [
        ("2 characters", &TWO[..], 20, ""),
        ("4 characters", &FOUR[..], 20, ""),
        ("common 2 characters", &COMMON[..], 10, ""),
        // The oldest year: a window taken newest first must pass over every newer match.
        ("2 characters, year=2019", &TWO[..], 5, "&year=2019"),
        ("4 characters, year=2019", &FOUR[..], 5, "&year=2019"),
    ] {
        let (cold, warm) = measure_search(app, class, terms, pages, filter);
        for s in [cold, warm] {
            println!(
                "{engine}: search {} {}: p50 {:.1} ms, p99 {:.1} ms (hits {})",
                s.class, s.terms, s.p50, s.p99, s.hits
            );
            searches.push(s);
        }
    }

    // One document read, against nginx serving the very bytes normreg answers.
    let doc = &docs[docs.len() / 2];
    let path = format!("/api/v1/public/documents/{}", doc.id);
    let answer = app.client.get(&path, None);
    assert_eq!(answer.status, 200, "{}", answer.body);
    let normreg = wrk(&format!("{}{path}", app.server.base));
    let nginx = Nginx::start(answer.body.as_bytes());
    let nginx_result = wrk(&format!("http://127.0.0.1:{}/document.json", nginx.port));
    drop(nginx);
    println!(
        "{engine}: document read ({} bytes): normreg {:.0} req/s p99 {}; nginx {:.0} req/s p99 {}",
        answer.body.len(),
        normreg.0,
        normreg.1,
        nginx_result.0,
        nginx_result.1
    );
    EngineRow { engine, searches, normreg, nginx: nginx_result }
}

/// A generated published document.
struct Doc {
    id: String,
    agency_id: String,
    title: String,
    body: String,
    issuance_number: String,
    registration_number: String,
    published_on: chrono::NaiveDate,
}

/// splitmix64: a fixed, dependency-free sequence, so every run loads the same documents.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// 100,000 documents whose bodies recombine the sentences of the demo's real texts, with
/// titles from their subjects and numbers from one gapless series per agency and year.
fn generate(agencies: &[(String, &str, &str, &str)]) -> Vec<Doc> {
    let demo = normreg::demo::documents().expect("demo documents");
    let mut sentences: Vec<String> = Vec::new();
    for d in &demo {
        for line in d.body.lines() {
            for s in line.split_inclusive(['。', '；']) {
                let s = s.trim();
                if s.chars().count() >= 8 {
                    sentences.push(s.to_string());
                }
            }
        }
    }
    let subjects: Vec<String> = demo
        .iter()
        .map(|d| {
            let t = d.title.chars().skip(3).collect::<String>();
            t.trim_end_matches("办法").trim_end_matches("规定").trim_end_matches("暂行").to_string()
        })
        .collect();
    let kinds = ["管理办法", "实施细则", "暂行办法", "若干规定", "实施办法", "工作规程"];
    let mut rng = Rng(20_261_126);
    let mut serials = std::collections::HashMap::new();
    let first = chrono::NaiveDate::from_ymd_opt(2019, 1, 1).unwrap();
    let mut out = Vec::with_capacity(documents());
    // In date order, so that serials follow publication as a registrar's would.
    let mut days: Vec<i64> = (0..documents()).map(|_| rng.below(2_600) as i64).collect();
    days.sort_unstable();
    for day in days {
        let (agency_id, prefix, reg, place) = &agencies[rng.below(agencies.len())];
        let published_on = first + chrono::Duration::days(day);
        let year = chrono::Datelike::year(&published_on);
        let serial = serials.entry((prefix.to_string(), year)).or_insert(0u32);
        *serial += 1;
        let title = format!(
            "{place}{}{}",
            subjects[rng.below(subjects.len())],
            kinds[rng.below(kinds.len())]
        );
        let n = 6 + rng.below(10);
        let body: String = (0..n)
            .map(|_| sentences[rng.below(sentences.len())].as_str())
            .collect::<Vec<_>>()
            .join("\n");
        out.push(Doc {
            id: uuid::Uuid::new_v4().to_string(),
            agency_id: agency_id.clone(),
            title,
            body,
            issuance_number: format!("{prefix}〔{year}〕{serial}号"),
            registration_number: format!("{reg}—{year}—{serial}"),
            published_on,
        });
    }
    out
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Bulk inserts in one transaction: documents, then their index rows as `index_document`
/// writes them (FTS5 row of bigrams; tsvector of the same bigrams with `simple`).
fn load(url: &str, docs: &[Doc]) {
    let postgres = !url.starts_with("sqlite://");
    let mut pg;
    let mut sqlite;
    let exec: &mut dyn FnMut(&str) = if postgres {
        pg = diesel::PgConnection::establish(url).expect("postgres");
        &mut move |sql: &str| {
            diesel::sql_query(sql).execute(&mut pg).expect("load");
        }
    } else {
        sqlite = diesel::SqliteConnection::establish(url.strip_prefix("sqlite://").unwrap())
            .expect("sqlite");
        diesel::sql_query("PRAGMA busy_timeout = 60000").execute(&mut sqlite).unwrap();
        &mut move |sql: &str| {
            diesel::sql_query(sql).execute(&mut sqlite).expect("load");
        }
    };
    exec("BEGIN");
    for chunk in docs.chunks(250) {
        let mut sql = String::from(
            "INSERT INTO documents (id, lineage_id, version, agency_id, status, title, body, revision, provisional, \
             affects_rights, issuance_number, registration_number, published_on, effective_on, valid_until, channel, \
             imported, created_at, updated_at) VALUES ",
        );
        for (i, d) in chunk.iter().enumerate() {
            let effective = d.published_on + chrono::Duration::days(30);
            let until = effective + chrono::Duration::days(5 * 365);
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "({id}, {id}, 1, {agency}, 'published', {title}, {body}, 1, false, false, {n}, {r}, '{p}', '{e}', '{u}', '政府公报', false, '{p} 00:00:00', '{p} 00:00:00')",
                id = quote(&d.id),
                agency = quote(&d.agency_id),
                title = quote(&d.title),
                body = quote(&d.body),
                n = quote(&d.issuance_number),
                r = quote(&d.registration_number),
                p = d.published_on,
                e = effective,
                u = until,
            ));
        }
        exec(&sql);
        let mut sql = String::from(if postgres {
            "INSERT INTO document_search (document_id, tokens, agency_id, published_on) VALUES "
        } else {
            "INSERT INTO document_search (document_id, tokens) VALUES "
        });
        for (i, d) in chunk.iter().enumerate() {
            // The text `db::search::index_document` indexes: title, numbers, body.
            let text = [&d.title, &d.issuance_number, &d.registration_number, &d.body]
                .map(String::as_str)
                .join("\n");
            let tokens = quote(&cjk_tokens::index_tokens(&text));
            if i > 0 {
                sql.push(',');
            }
            if postgres {
                sql.push_str(&format!(
                    "({}, to_tsvector('simple', {tokens}), {}, '{}')",
                    quote(&d.id),
                    quote(&d.agency_id),
                    d.published_on
                ));
            } else {
                sql.push_str(&format!("({}, {tokens})", quote(&d.id)));
            }
        }
        exec(&sql);
    }
    if !postgres {
        // The side table of `db::search::index_new`: each entry's document, agency and date.
        exec(
            "INSERT INTO document_search_rows (search_rowid, document_id, agency_id, published_on) \
             SELECT s.rowid, s.document_id, d.agency_id, d.published_on \
             FROM document_search s JOIN documents d ON d.id = s.document_id",
        );
    }
    exec("COMMIT");
    if !postgres {
        // A long-running index is merged in the background by FTS5's automerge; `optimize`
        // brings the freshly loaded one to that settled state at once.
        exec("INSERT INTO document_search(document_search) VALUES ('optimize')");
    }
    exec("ANALYZE");
}

fn percent(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// Sequential searches through HTTP. Cold: every request asks a page not asked before (pages
/// 1 to `pages` of each term, with `filter` appended), so none is answered by the search
/// cache and each ranks its window anew. Repeated: each request asked again right after.
fn measure_search(
    app: &TestApp,
    class: &'static str,
    terms: &[&str],
    pages: usize,
    filter: &str,
) -> (SearchRow, SearchRow) {
    let mut hits = Vec::new();
    let mut cold = Vec::new();
    let mut warm = Vec::new();
    for page in 1..=pages {
        for t in terms {
            let path = format!("/api/v1/public/documents?q={}&page={page}{filter}", percent(t));
            let started = Instant::now();
            let r = app.client.get(&path, None);
            cold.push(started.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(r.status, 200, "{}", r.body);
            if page == 1 {
                let answer = r.json();
                let total = answer["total"].as_i64().unwrap();
                // A truncated search ranked its newest `total` matches; more matched.
                let more = if answer["truncated"] == true { "+" } else { "" };
                hits.push(format!("{total}{more}"));
            }
            // The same request again at once, as a popular search is asked again.
            let started = Instant::now();
            let again = app.client.get(&path, None);
            warm.push(started.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(again.body, r.body);
        }
    }
    // How the cost of a cold search follows the number of matches it ranks.
    for (i, t) in terms.iter().enumerate() {
        let mut own: Vec<f64> = cold.iter().skip(i).step_by(terms.len()).copied().collect();
        own.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!("  cold {t}: {} matches, median {:.1} ms", hits[i], own[own.len() / 2]);
    }
    let hits = hits.join(" / ");
    let row = |kind: &str, mut times: Vec<f64>| {
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).min(times.len()) - 1];
        SearchRow {
            class: format!("{class}, {kind} ({} requests)", times.len()),
            terms: terms.join(" "),
            hits: hits.clone(),
            p50: at(0.50),
            p99: at(0.99),
        }
    };
    (row("cold", cold), row("repeated", warm))
}

/// `wrk -t2 -c64 -d10s --latency URL`: requests per second and the 99th percentile.
fn wrk(url: &str) -> (f64, String) {
    let out = Command::new("wrk")
        .args(["-t2", "-c64", "-d10s", "--latency", url])
        .output()
        .expect("wrk runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "wrk failed: {text}");
    assert!(!text.contains("Non-2xx"), "errors under load: {text}");
    let rate = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no rate in {text}"));
    let p99 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("99%"))
        .map(|v| v.trim().to_string())
        .unwrap_or_else(|| panic!("no p99 in {text}"));
    (rate, p99)
}

/// nginx serving one file from a temporary prefix, on a free port, until dropped.
struct Nginx {
    child: Child,
    dir: PathBuf,
    port: u16,
}

impl Nginx {
    fn start(body: &[u8]) -> Self {
        let dir = std::env::temp_dir().join(format!("normreg-nginx-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(dir.join("www")).unwrap();
        std::fs::create_dir_all(dir.join("tmp")).unwrap();
        std::fs::write(dir.join("www/document.json"), body).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let d = dir.display();
        let conf = format!(
            "worker_processes 2;\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
             events {{ worker_connections 1024; }}\n\
             http {{\n  access_log off;\n  default_type application/json;\n\
               client_body_temp_path {d}/tmp; proxy_temp_path {d}/tmp; fastcgi_temp_path {d}/tmp;\n\
               uwsgi_temp_path {d}/tmp; scgi_temp_path {d}/tmp;\n\
               server {{ listen 127.0.0.1:{port}; root {d}/www; }}\n}}\n"
        );
        std::fs::write(dir.join("nginx.conf"), conf).unwrap();
        // Workers may run as `nobody`: let them read the file.
        let _ = Command::new("chmod").args(["-R", "a+rX", &d.to_string()]).status();
        let child = Command::new(if Path::new("/usr/sbin/nginx").exists() {
            "/usr/sbin/nginx"
        } else {
            "nginx"
        })
        .args(["-p", &d.to_string(), "-c", &format!("{d}/nginx.conf")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx starts");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(10), "nginx did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, dir, port }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // TERM lets the master stop its workers; killing the master outright would leave
        // them running.
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
