//! The public catalogue under load, on SQLite and on PostgreSQL: cold search latency over a
//! catalogue of Chinese documents (100,000 by default, 1,000,000 for issue 11), with every
//! answer's `total` checked against the exact number of matching documents, the serving
//! process's memory, and the rate of one public document read next to nginx serving the same
//! bytes.
//!
//! `cargo bench --bench public` (PostgreSQL half when `TEST_DATABASE_URL` is set); needs
//! `wrk` and `nginx` (`apt-get install -y wrk nginx`). Documents are generated
//! deterministically by recombining the sentences of the demo's real texts
//! (`assets/demo/documents.jsonl`) and loaded straight into the `documents` table; the search
//! index is then built from the database (`NORMREG_BENCH_REINDEX`, or the server's start-up
//! check); only the reads go through HTTP.
//!
//! Settings (environment):
//! - `NORMREG_BENCH_DOCUMENTS`: how many documents (default 100,000).
//! - `NORMREG_BENCH_ENGINE=sqlite|postgres` (or `NORMREG_BENCH_ONLY`, as the commands in
//!   BENCHMARKS.md spell it): one engine.
//! - `NORMREG_BENCH_KEEP_DB=1`: load into a database kept between runs
//!   (`normreg_bench_public_<n>`: a directory under `NORMREG_BENCH_DB_DIR`, default the
//!   temporary directory, for SQLite; a database of that name on `TEST_DATABASE_URL`'s server
//!   for PostgreSQL) and reuse it when it already holds the documents. Remove it (`rm -r`,
//!   `DROP DATABASE`) after a schema change that the load must see.
//! - `NORMREG_BENCH_LOAD_ONLY=1` (with `NORMREG_BENCH_KEEP_DB`): load, then stop; the two
//!   engines can then be loaded side by side (one process each with `NORMREG_BENCH_ONLY`)
//!   and measured one after the other.
//! - `NORMREG_BENCH_REINDEX="reindex"`: builds the search index from the database by running
//!   `normreg <these arguments>` and records how long it took: before the first start on a
//!   kept database that already holds the documents, else right after the load. The server
//!   is started only afterwards, and its start-up time is recorded in every case (a start-up
//!   that repairs the index shows there).
//! - `NORMREG_INDEX_DIR`: the search index's directory, for the served instance and for
//!   `normreg reindex` alike (default: beside the SQLite file; on PostgreSQL a temporary
//!   directory that the server's start builds).
//! - `NORMREG_BENCH_INDEX_DIR`: a directory whose size on disk is recorded as the index's
//!   (`{db_dir}` in it stands for the SQLite database's directory).
//! - `NORMREG_BENCH_STRICT=1`: fail unless every `total` is exact.
//! - `NORMREG_BENCH_PAUSE_SECONDS`: time to look at the loaded database before measuring.

#[path = "../tests/api/helpers.rs"]
mod helpers;

#[path = "public/corpus.rs"]
mod corpus;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use corpus::{Corpus, Counter, Raw};
use helpers::*;
use normreg::domain::clock::ManualClock;
use serde_json::{json, Value};

/// The number of documents; `NORMREG_BENCH_DOCUMENTS` overrides it.
fn documents() -> usize {
    std::env::var("NORMREG_BENCH_DOCUMENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000)
}

fn flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0")
}

const TWO: [&str; 5] = ["许可", "罚款", "消防", "援助", "湿地"];
const FOUR: [&str; 5] = ["法律援助", "行政许可", "公共汽车", "安全生产", "湿地保护"];
/// Terms found in most documents: the worst case of ranking, reported apart.
const COMMON: [&str; 2] = ["管理", "应当"];
/// Candidates for the term held by about a third of all documents; the run takes the one
/// whose exact count is nearest to a third.
const THIRD: [&str; 14] = [
    "规定",
    "部门",
    "人民政府",
    "单位",
    "责任",
    "依法",
    "管理部门",
    "行政",
    "有关",
    "组织",
    "服务",
    "本办法",
    "建设",
    "措施",
];
const AGENCIES: [(&str, &str, &str, &str); 4] = [
    ("辽宁省人民政府", "LN", "辽政规", "LNFS"),
    ("沈阳市人民政府", "SY", "沈政规", "SYFS"),
    ("大连市人民政府", "DL", "大政规", "DLFS"),
    ("鞍山市人民政府", "AS", "鞍政规", "ASFS"),
];

fn main() {
    for bin in ["wrk", "nginx"] {
        let found = ["/usr/bin", "/usr/sbin"].iter().any(|d| Path::new(d).join(bin).exists());
        assert!(found, "{bin} is missing: apt-get install -y wrk nginx");
    }
    let n = documents();
    let mut rows = Vec::new();
    for engine in Engine::for_bench() {
        let db = if flag("NORMREG_BENCH_KEEP_DB") {
            TestDatabase::kept(engine, &format!("normreg_bench_public_{n}"))
        } else {
            TestDatabase::create(engine)
        };
        let Some(db) = db else {
            println!("{engine:?}: NOT RUN (set TEST_DATABASE_URL)");
            continue;
        };
        rows.extend(run(engine, &db, n));
    }
    println!("\n| engine | search | terms | exact totals | p50 | p99 |");
    println!("|---|---|---|---|---|---|");
    for r in &rows {
        for s in &r.searches {
            let ms = |v: f64| if v.is_nan() { "—".to_string() } else { format!("{v:.1} ms") };
            println!(
                "| {} | {} | {} | {} | {} | {} |",
                r.engine,
                s.class,
                s.terms,
                s.hits,
                ms(s.p50),
                ms(s.p99)
            );
        }
    }
    println!("\n| engine | documents | load | reindex hook | server start | database on disk | index dir | RSS after the searches | peak RSS while serving |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for r in &rows {
        let s = &r.scale;
        println!(
            "| {} | {} | {} | {} | {:.1} s | {} | {} | {} | {} |",
            r.engine,
            s.documents,
            s.load,
            s.reindex,
            s.start,
            s.db_size,
            s.index_size,
            s.rss,
            s.peak
        );
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

struct Scale {
    documents: usize,
    load: String,
    reindex: String,
    start: f64,
    db_size: String,
    index_size: String,
    rss: String,
    peak: String,
}

struct EngineRow {
    engine: String,
    searches: Vec<SearchRow>,
    scale: Scale,
    normreg: (f64, String),
    nginx: (f64, String),
}

/// Runs `normreg <NORMREG_BENCH_REINDEX>` over the database and answers what it did and how
/// long it took; `None` without the setting.
fn reindex_hook(url: &str) -> Option<String> {
    let args = std::env::var("NORMREG_BENCH_REINDEX").ok().filter(|a| !a.trim().is_empty())?;
    let args: Vec<&str> = args.split_whitespace().collect();
    let started = Instant::now();
    let out = run_normreg(url, &args);
    assert!(out.status.success(), "normreg {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    Some(format!("`normreg {}` {:.0} s", args.join(" "), started.elapsed().as_secs_f64()))
}

/// The documents a kept database already holds; `None` when it has no tables yet.
fn documents_in(url: &str) -> Option<usize> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        if !Path::new(path).exists() {
            return None;
        }
    }
    let mut raw = Raw::open(url);
    let table = if raw.postgres {
        "SELECT relname::text AS v FROM pg_class WHERE relname = 'documents'"
    } else {
        "SELECT name AS v FROM sqlite_master WHERE name = 'documents'"
    };
    if raw.texts(table).is_empty() {
        return None;
    }
    raw.texts("SELECT CAST(count(*) AS TEXT) AS v FROM documents")[0].parse().ok()
}

fn bench_config(url: &str) -> normreg::config::Config {
    let mut c = test_config(url).expect("config");
    c.workers = 2;
    c.pool_size = 8;
    // The same index directory as `normreg reindex` (which reads the environment): on
    // PostgreSQL the default is a fresh temporary directory per start.
    c.index_dir = std::env::var_os("NORMREG_INDEX_DIR").map(PathBuf::from);
    c
}

/// The agencies' (id, 文号 prefix, 登记号 prefix, place), created through the API when
/// missing.
fn ensure_agencies(
    client: &Client,
    db: &mut Raw,
) -> Vec<(String, &'static str, &'static str, &'static str)> {
    let mut ids: HashMap<String, String> = db
        .texts("SELECT code || ' ' || id AS v FROM agencies")
        .into_iter()
        .filter_map(|l| l.split_once(' ').map(|(c, i)| (c.to_string(), i.to_string())))
        .collect();
    if AGENCIES.iter().any(|a| !ids.contains_key(a.1)) {
        let r = client.post(
            "/api/v1/auth/login",
            None,
            &json!({"username": "admin", "password": ADMIN_PASSWORD}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let admin = r.json()["access_token"].as_str().unwrap().to_string();
        for (name, code, prefix, reg) in AGENCIES {
            let r = client.post(
                "/api/v1/agencies",
                Some(&admin),
                &json!({"name": name, "code": code, "issuance_prefix": prefix, "registration_prefix": reg}),
            );
            assert_eq!(r.status, 201, "create agency: {}", r.body);
            ids.insert(code.to_string(), r.json()["id"].as_str().unwrap().to_string());
        }
    }
    AGENCIES
        .iter()
        .map(|(name, code, prefix, reg)| (ids[*code].clone(), *prefix, *reg, &name[..9]))
        .collect()
}

fn status_kb(field: &str) -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| format!("{} MB", kb / 1024))
        .unwrap_or_else(|| "?".into())
}

fn du(path: &Path) -> Option<String> {
    let out = Command::new("du").args(["-sb", &path.display().to_string()]).output().ok()?;
    let bytes: u64 =
        String::from_utf8_lossy(&out.stdout).split_whitespace().next()?.parse().ok()?;
    out.status.success().then(|| format!("{} MB", bytes / 1_000_000))
}

fn run(engine: Engine, db: &TestDatabase, n: usize) -> Option<EngineRow> {
    let engine_name = format!("{engine:?}");
    let clock = ManualClock::at_date(date("2026-03-02"));
    // A kept database loaded before: its index is built before any start, as an operator
    // would after a bulk load, since a start would otherwise build it in the background
    // writer of a serving instance first (and a test server's start does not wait that long).
    let reused = documents_in(&db.url);
    let mut reindex = None;
    if reused == Some(n) {
        reindex = reindex_hook(&db.url);
    }
    let mut raw;
    let agencies;
    {
        // A first start applies the migrations; the agencies go through the API.
        let mut server =
            TestServer::start_with(bench_config(&db.url), clock.clone()).expect("server");
        raw = Raw::open(&db.url);
        agencies = ensure_agencies(&Client::new(&server.base), &mut raw);
        server.stop();
    }
    let present: usize =
        raw.texts("SELECT CAST(count(*) AS TEXT) AS v FROM documents")[0].parse().unwrap();
    let corpus = Corpus::new(n, agencies);
    let titles = corpus::real_titles();
    let mut terms: Vec<String> =
        TWO.iter().chain(&FOUR).chain(&COMMON).chain(&THIRD).map(|t| t.to_string()).collect();
    terms.extend(titles.iter().cloned());
    let mut counter = Counter::new(&corpus, &terms);
    let mut position = 0;
    let mut middle = String::new();
    let mut regulations = HashMap::new();
    let special_at: HashMap<usize, corpus::Special> =
        (0..n).filter_map(|i| corpus.special(i).map(|s| (i, s.clone()))).collect();
    let mut each = |d: &corpus::Doc| {
        counter.add(d);
        if position == n / 2 {
            middle = d.id.clone();
        }
        if let Some(s) = special_at.get(&position).filter(|s| s.regulation) {
            regulations.insert(s.title_index, d.id.clone());
        }
        position += 1;
    };
    let started = Instant::now();
    let load = if present == n {
        corpus.for_each(|d| each(&d));
        format!("reused ({:.0} s to regenerate and count)", started.elapsed().as_secs_f64())
    } else {
        assert_eq!(present, 0, "{} holds {present} documents, not {n}: remove it", db.url);
        let loaded = corpus::load(&db.url, corpus, &mut each);
        assert_eq!(loaded, n);
        format!("{:.0} s", started.elapsed().as_secs_f64())
    };
    println!("{engine_name}: {n} documents: {load}");
    let third = THIRD
        .iter()
        .min_by_key(|t| (counter.count(t) as i64 - n as i64 / 3).abs())
        .unwrap()
        .to_string();
    println!(
        "{engine_name}: the term in about a third: {third} ({} documents)",
        counter.count(&third)
    );

    if flag("NORMREG_BENCH_LOAD_ONLY") {
        return None;
    }
    let reindex = match reindex {
        Some(done) => done,
        None => reindex_hook(&db.url).unwrap_or_else(|| "—".into()),
    };
    // Peak memory from here on is the serving's, not the load's (Linux: "5" resets VmHWM).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let started = Instant::now();
    let server = TestServer::start_with(bench_config(&db.url), clock.clone()).expect("server");
    let start = started.elapsed().as_secs_f64();
    let client = Client::new(&server.base);

    if let Some(secs) =
        std::env::var("NORMREG_BENCH_PAUSE_SECONDS").ok().and_then(|v| v.parse().ok())
    {
        println!("{engine_name}: database {} loaded; pausing {secs} s", db.url);
        std::thread::sleep(Duration::from_secs(secs));
    }
    let strict = flag("NORMREG_BENCH_STRICT");
    let expect = |t: &str| counter.count(t);
    let mut searches = Vec::new();
    let third_terms = [third.as_str()];
    let title_terms: Vec<&str> = titles.iter().map(String::as_str).collect();
    for (class, terms, pages, filter) in [
        ("2 characters", &TWO[..], 20, ""),
        ("4 characters", &FOUR[..], 20, ""),
        ("in about a third of all documents", &third_terms[..], 100, ""),
        ("exact titles of real regulations", &title_terms[..], 2, ""),
        ("common 2 characters", &COMMON[..], 10, ""),
        // The oldest year: a window taken newest first must pass over every newer match.
        ("2 characters, year=2019", &TWO[..], 5, "&year=2019"),
        ("4 characters, year=2019", &FOUR[..], 5, "&year=2019"),
    ] {
        let exact = if filter.is_empty() { Some(&expect) } else { None };
        let (cold, warm, firsts) = measure_search(
            &client,
            class,
            terms,
            pages,
            filter,
            exact.map(|f| f as &dyn Fn(&str) -> u64),
            strict,
        );
        if class.starts_with("exact titles") {
            let first =
                firsts.iter().enumerate().filter(|(k, f)| regulations.get(k) == Some(*f)).count();
            println!(
                "{engine_name}: the regulation itself first for {first} of {} exact titles",
                titles.len()
            );
            searches.push(SearchRow {
                class: "exact titles: the regulation itself first".into(),
                terms: String::new(),
                hits: format!("{first} of {}", titles.len()),
                p50: f64::NAN,
                p99: f64::NAN,
            });
        }
        for s in [cold, warm] {
            println!(
                "{engine_name}: search {} {}: p50 {:.1} ms, p99 {:.1} ms ({})",
                s.class, s.terms, s.p50, s.p99, s.hits
            );
            searches.push(s);
        }
    }
    let rss = status_kb("VmRSS:");

    // One document read, against nginx serving the very bytes normreg answers.
    let path = format!("/api/v1/public/documents/{middle}");
    let answer = client.get(&path, None);
    assert_eq!(answer.status, 200, "{}", answer.body);
    let normreg = wrk(&format!("{}{path}", server.base));
    let nginx = Nginx::start(answer.body.as_bytes());
    let nginx_result = wrk(&format!("http://127.0.0.1:{}/document.json", nginx.port));
    drop(nginx);
    println!(
        "{engine_name}: document read ({} bytes): normreg {:.0} req/s p99 {}; nginx {:.0} req/s p99 {}",
        answer.body.len(),
        normreg.0,
        normreg.1,
        nginx_result.0,
        nginx_result.1
    );
    let peak = status_kb("VmHWM:");
    let db_size = database_size(&mut raw, &db.url);
    let index_size = std::env::var("NORMREG_BENCH_INDEX_DIR")
        .ok()
        .map(|d| {
            let db_dir = Path::new(db.url.strip_prefix("sqlite://").unwrap_or(""))
                .parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let dir = d.replace("{db_dir}", &db_dir);
            du(Path::new(&dir)).unwrap_or_else(|| format!("{dir}: not found"))
        })
        .unwrap_or_else(|| "—".into());
    let scale = Scale { documents: n, load, reindex, start, db_size, index_size, rss, peak };
    Some(EngineRow { engine: engine_name, searches, scale, normreg, nginx: nginx_result })
}

/// The database's size on disk.
fn database_size(raw: &mut Raw, url: &str) -> String {
    if let Some(path) = url.strip_prefix("sqlite://") {
        du(Path::new(path).parent().unwrap()).unwrap_or_default()
    } else {
        raw.texts(
            "SELECT CAST(pg_database_size(current_database()) / 1000000 AS TEXT) || ' MB' AS v",
        )
        .swap_remove(0)
    }
}

fn percent(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// Sequential searches through HTTP. Cold: every request asks a page not asked before (pages
/// 1 to `pages` of each term, with `filter` appended), so none is answered by the search
/// cache. Repeated: each request asked again right after. With `exact`, each term's `total`
/// is compared with the exact number of documents holding it. Answers also the first id of
/// each term's first page.
fn measure_search(
    client: &Client,
    class: &'static str,
    terms: &[&str],
    pages: usize,
    filter: &str,
    exact: Option<&dyn Fn(&str) -> u64>,
    strict: bool,
) -> (SearchRow, SearchRow, Vec<String>) {
    let mut hits = Vec::new();
    let mut firsts = Vec::new();
    let mut right = 0;
    let mut cold = Vec::new();
    let mut warm = Vec::new();
    for page in 1..=pages {
        for t in terms {
            let path = format!("/api/v1/public/documents?q={}&page={page}{filter}", percent(t));
            let started = Instant::now();
            let r = client.get(&path, None);
            cold.push(started.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(r.status, 200, "{}", r.body);
            if page == 1 {
                let answer: Value = r.json();
                let total = answer["total"].as_u64().unwrap();
                firsts.push(answer["items"][0]["id"].as_str().unwrap_or_default().to_string());
                // A truncated search ranked its newest `total` matches; more matched.
                let more = if answer["truncated"] == true { "+" } else { "" };
                match exact {
                    Some(count) => {
                        let want = count(t);
                        if total == want && more.is_empty() {
                            right += 1;
                        } else {
                            assert!(
                                !strict,
                                "{t}: total {total}{more}, exactly {want} documents match"
                            );
                        }
                        hits.push(format!("{total}{more} of {want}"));
                    }
                    None => hits.push(format!("{total}{more}")),
                }
            }
            // The same request again at once, as a popular search is asked again.
            let started = Instant::now();
            let again = client.get(&path, None);
            warm.push(started.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(again.body, r.body);
        }
    }
    // How the cost of a cold search follows the number of matches it ranks.
    if terms.len() <= 10 {
        for (i, t) in terms.iter().enumerate() {
            let mut own: Vec<f64> = cold.iter().skip(i).step_by(terms.len()).copied().collect();
            own.sort_by(|a, b| a.partial_cmp(b).unwrap());
            println!("  cold {t}: {} matches, median {:.1} ms", hits[i], own[own.len() / 2]);
        }
    }
    let summary = match exact {
        Some(_) if terms.len() > 5 => format!("{right} of {} exact", terms.len()),
        Some(_) => format!("{right} of {} exact: {}", terms.len(), hits.join(" / ")),
        None => hits.join(" / "),
    };
    let shown = if terms.len() > 5 { format!("{} titles", terms.len()) } else { terms.join(" ") };
    let row = |kind: &str, mut times: Vec<f64>| {
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).min(times.len()) - 1];
        SearchRow {
            class: format!("{class}, {kind} ({} requests)", times.len()),
            terms: shown.clone(),
            hits: summary.clone(),
            p50: at(0.50),
            p99: at(0.99),
        }
    };
    (row("cold", cold), row("repeated", warm), firsts)
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
