//! Unified numbering under concurrency: gapless, never shared, untouched by failures.

use std::collections::BTreeSet;

use diesel::{Connection, RunQueryDsl};
use serde_json::json;

use crate::db_test;
use crate::fixtures::Province;
use crate::helpers::*;

/// Registers the documents from `clients` threads at once and answers their 文号 serials.
fn register_concurrently(
    base: &str,
    registrar: &str,
    ids: Vec<String>,
    clients: usize,
) -> Vec<u32> {
    let chunks: Vec<Vec<String>> =
        ids.chunks(ids.len().div_ceil(clients)).map(|c| c.to_vec()).collect();
    let threads: Vec<_> = chunks
        .into_iter()
        .map(|chunk| {
            let client = Client::new(base);
            let token = registrar.to_string();
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
                        assert_eq!(r.status, 200, "register: {}", r.body);
                        serial(r.json()["issuance_number"].as_str().unwrap())
                    })
                    .collect::<Vec<u32>>()
            })
        })
        .collect();
    threads.into_iter().flat_map(|t| t.join().unwrap()).collect()
}

fn serial(issuance_number: &str) -> u32 {
    let after = issuance_number.split('〕').nth(1).unwrap();
    after.trim_end_matches('号').parse().unwrap()
}

fn adopted_documents(app: &TestApp, p: &Province, n: usize) -> Vec<String> {
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let client = Client::new(&app.server.base);
            let (d, r) = (p.drafter.clone(), p.reviewer.clone());
            std::thread::spawn(move || {
                (0..n / 4)
                    .map(|i| {
                        let id = client.post("/api/v1/documents", Some(&d), &json!({"title": format!("沈阳市第{t}-{i}号管理办法"), "body": "第一条 为了规范管理，制定本办法。"})).json()["id"].as_str().unwrap().to_string();
                        assert_eq!(client.raw("POST", &format!("/api/v1/documents/{id}/submit"), Some(&d), None, Vec::new(), &[]).status, 200);
                        assert_eq!(client.post(&format!("/api/v1/documents/{id}/review"), Some(&r), &json!({"conclusion": "lawful", "opinion": "合法"})).status, 200);
                        assert_eq!(client.post(&format!("/api/v1/documents/{id}/deliberation"), Some(&d), &json!({"meeting": "常务会议", "decided_on": "2026-03-01", "adopted": true})).status, 200);
                        id
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    threads.into_iter().flat_map(|t| t.join().unwrap()).collect()
}

db_test!(two_hundred_concurrent_registrations_take_exactly_the_next_two_hundred_numbers, |app| {
    let p = Province::new(app);
    let ids = adopted_documents(app, &p, 200);
    let serials = register_concurrently(&app.server.base, &p.registrar, ids, 8);
    let unique: BTreeSet<u32> = serials.iter().copied().collect();
    assert_eq!(unique.len(), 200, "no number was given twice");
    assert_eq!(unique.into_iter().collect::<Vec<_>>(), (1..=200).collect::<Vec<_>>(), "no gap");
});

db_test!(concurrent_registrations_each_extend_their_documents_chain_and_verify_clean, |app| {
    let p = Province::new(app);
    let ids = adopted_documents(app, &p, 40);
    register_concurrently(&app.server.base, &p.registrar, ids.clone(), 8);
    for id in &ids {
        let history = app.client.get(&format!("/api/v1/documents/{id}/history"), Some(&p.drafter));
        assert_eq!(history.status, 200, "{}", history.body);
        let events = history.json();
        let actions: Vec<&str> =
            events.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["created", "submitted", "reviewed", "deliberated", "registered"]);
    }
    // Each registration's event follows its document's earlier events in its chain, and the
    // heads moved with them: `normreg verify` recomputes every link and head.
    let out = run_normreg(&app.db.url, &["verify"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(!text.lines().any(|l| l.starts_with("document ")), "{text}");
});

db_test!(two_server_processes_on_one_database_share_one_gapless_series, |app| {
    let p = Province::new(app);
    let ids = adopted_documents(app, &p, 120);
    // Two more instances of the real binary on the same database, beside the test server.
    let servers: Vec<ServerProcess> = (0..2).map(|_| ServerProcess::start(&app.db.url)).collect();
    let halves: Vec<Vec<String>> = ids.chunks(40).map(|c| c.to_vec()).collect();
    let bases = [servers[0].base.clone(), servers[1].base.clone(), app.server.base.clone()];
    let threads: Vec<_> = halves
        .into_iter()
        .zip(bases)
        .map(|(chunk, base)| {
            let token = p.registrar.clone();
            std::thread::spawn(move || register_concurrently(&base, &token, chunk, 4))
        })
        .collect();
    let serials: BTreeSet<u32> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
    assert_eq!(serials.into_iter().collect::<Vec<_>>(), (1..=120).collect::<Vec<_>>());
});

db_test!(a_registration_that_fails_half_way_leaves_the_series_untouched, |app| {
    let p = Province::new(app);
    let first = p.adopted(app, "沈阳市第一号办法");
    let second = p.adopted(app, "沈阳市第二号办法");
    // Occupy the next 文号 behind the service's back, so the registration fails after it has
    // drawn both numbers, when it writes the document.
    let block = |sql: &str| execute(&app.db.url, sql);
    block("UPDATE documents SET issuance_number = '沈政规〔2026〕1号' WHERE title = '沈阳市第二号办法'");
    let failed = app.client.raw(
        "POST",
        &format!("/api/v1/documents/{first}/register"),
        Some(&p.registrar),
        None,
        Vec::new(),
        &[],
    );
    assert_eq!(failed.problem(409)["code"], "number_taken");
    let doc = app.client.get(&format!("/api/v1/documents/{first}"), Some(&p.drafter)).json();
    assert_eq!(doc["status"], "adopted", "nothing changed");
    block("UPDATE documents SET issuance_number = NULL WHERE title = '沈阳市第二号办法'");
    let ok = p.register(app, &first);
    assert_eq!(ok["issuance_number"], "沈政规〔2026〕1号", "the failed attempt used no number");
    assert_eq!(ok["registration_number"], "SYFS—2026—1");
    assert_eq!(p.register(app, &second)["issuance_number"], "沈政规〔2026〕2号");
});

/// Runs one SQL statement on the test database directly.
fn execute(url: &str, sql: &str) {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let mut c = diesel::SqliteConnection::establish(path).unwrap();
        diesel::sql_query(sql).execute(&mut c).unwrap();
    } else {
        let mut c = diesel::PgConnection::establish(url).unwrap();
        diesel::sql_query(sql).execute(&mut c).unwrap();
    }
}

/// The real `normreg` binary serving on a free port.
struct ServerProcess {
    base: String,
    child: std::process::Child,
}

impl ServerProcess {
    fn start(database_url: &str) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_normreg"))
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("NORMREG_BIND", format!("127.0.0.1:{port}"))
            .env("NORMREG_JWT_SECRET", JWT_SECRET)
            .env("NORMREG_WORKERS", "2")
            .env("NORMREG_SCHEDULER", "off")
            .env("RUST_LOG", "warn")
            .spawn()
            .expect("normreg binary starts");
        let base = format!("http://127.0.0.1:{port}");
        let client = Client::new(&base);
        for _ in 0..300 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
                && client.get("/readyz", None).status == 200
            {
                return Self { base, child };
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("normreg process did not become ready");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

db_test!(one_document_registered_by_eight_clients_at_once_takes_one_number, |app| {
    let p = Province::new(app);
    let id = p.adopted(app, "沈阳市争抢办法");
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let client = Client::new(&app.server.base);
            let (token, id) = (p.registrar.clone(), id.clone());
            std::thread::spawn(move || {
                let path = format!("/api/v1/documents/{id}/register");
                let r = client.raw("POST", &path, Some(&token), None, Vec::new(), &[]);
                (r.status, r.body)
            })
        })
        .collect();
    let answers: Vec<(u16, String)> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let ok = answers.iter().filter(|(s, _)| *s == 200).count();
    let refused = answers.iter().filter(|(s, _)| *s == 409).count();
    assert_eq!((ok, refused), (1, 7), "{answers:?}");
    let history = app.client.get(&format!("/api/v1/documents/{id}/history"), Some(&p.drafter));
    let registered =
        history.json().as_array().unwrap().iter().filter(|e| e["action"] == "registered").count();
    assert_eq!(registered, 1, "one event");
    let next = p.adopted(app, "沈阳市下一个办法");
    assert_eq!(
        p.register(app, &next)["issuance_number"],
        "沈政规〔2026〕2号",
        "refusals used no number"
    );
});
