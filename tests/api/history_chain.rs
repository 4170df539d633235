//! Tamper-evident history over the real binary and HTTP: a lifecycle verifies clean; editing,
//! deleting and reordering event rows directly in the database makes `normreg verify` name
//! exactly the documents touched and exit non-zero; a checkpoint published before an edit no
//! longer verifies, even when the edited chain is hashed again; a restored backup and a
//! database chained at upgrade verify clean.

use std::collections::BTreeSet;

use diesel::RunQueryDsl;
use serde_json::{json, Value};

use crate::db_test;
use crate::fixtures::Province;
use crate::helpers::*;

/// A connection to the test's database, for what only SQL can do to it.
fn sql(url: &str) -> normreg::db::PooledConn {
    let url = normreg::db::DatabaseUrl::parse(url).expect("url");
    normreg::db::connect(&url, 1).expect("pool").get().expect("connection")
}

fn execute(url: &str, statement: &str) {
    diesel::sql_query(statement)
        .execute(&mut *sql(url))
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `normreg verify`: whether it succeeded, and the ids of the documents it names.
fn verify(url: &str) -> (bool, BTreeSet<String>, String) {
    let out = run_normreg(url, &["verify"]);
    let text = stdout(&out);
    let named = text
        .lines()
        .filter_map(|l| l.strip_prefix("document "))
        .map(|l| l.split([' ', ':']).next().unwrap().to_string())
        .collect();
    (out.status.success(), named, format!("{text}{}", String::from_utf8_lossy(&out.stderr)))
}

fn tick(url: &str) {
    let out = run_normreg(url, &["tick"]);
    assert!(out.status.success(), "tick: {}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout(&out).contains("checkpoint "), "{}", stdout(&out));
}

fn published_id(app: &TestApp, p: &Province, title: &str) -> String {
    p.published(app, title, "第一条 为了规范管理，制定本办法。\n第二条 本办法自发布之日起施行。")
        ["id"]
        .as_str()
        .unwrap()
        .to_string()
}

db_test!(tampering_with_event_rows_is_named_document_by_document, |app| {
    let p = Province::new(app);
    let edited = published_id(app, &p, "沈阳市甲办法");
    let deleted = published_id(app, &p, "沈阳市乙办法");
    let reordered = published_id(app, &p, "沈阳市丙办法");
    let untouched = published_id(app, &p, "沈阳市丁办法");
    let draft = p.draft(app, "沈阳市戊办法（草案）", "第一条 草案。");
    // A policy change is an audit event of its own chain.
    let policy = app.client.get("/api/v1/policy", Some(&p.admin)).json();
    let r = app.client.put("/api/v1/policy", Some(&p.admin), &policy);
    assert_eq!(r.status, 200, "{}", r.body);
    let url = app.db.url.clone();

    tick(&url);
    let (ok, named, text) = verify(&url);
    assert!(ok && named.is_empty(), "{text}");
    assert!(text.contains("history intact"), "{text}");
    let report = app.client.get("/api/v1/admin/verify", Some(&p.admin));
    assert_eq!(report.status, 200, "{}", report.body);
    assert_eq!(report.json()["intact"], true, "{}", report.body);
    assert_eq!(app.client.get("/api/v1/admin/verify", Some(&p.drafter)).status, 403);

    // The checkpoint is public, and so is what it commits to.
    let list = app.client.get("/api/v1/public/checkpoints", None);
    assert_eq!(list.status, 200, "{}", list.body);
    let first = list.json()["items"][0].clone();
    assert_eq!(first["seq"], 1, "{}", list.body);
    assert_eq!(first["previous"], "0".repeat(64));
    assert!(first["chain_count"].as_i64().unwrap() >= 6, "{}", list.body);

    // Edit one event, delete another, swap the positions of two.
    execute(
        &url,
        &format!(
            "UPDATE document_events SET reason = '改过' WHERE document_id = '{edited}' AND seq = 2"
        ),
    );
    execute(
        &url,
        &format!("DELETE FROM document_events WHERE document_id = '{deleted}' AND seq = 3"),
    );
    execute(
        &url,
        &format!(
            "UPDATE document_events SET seq = -1 WHERE document_id = '{reordered}' AND seq = 2"
        ),
    );
    execute(
        &url,
        &format!(
            "UPDATE document_events SET seq = 2 WHERE document_id = '{reordered}' AND seq = 3"
        ),
    );
    execute(
        &url,
        &format!(
            "UPDATE document_events SET seq = 3 WHERE document_id = '{reordered}' AND seq = -1"
        ),
    );

    let (ok, named, text) = verify(&url);
    assert!(!ok, "{text}");
    let expected: BTreeSet<String> = [&edited, &deleted, &reordered].into_iter().cloned().collect();
    assert_eq!(named, expected, "{text}");
    assert!(!text.contains(&untouched) && !text.contains(&draft), "{text}");
    assert!(text.contains("checkpoint 1:"), "the checkpoint before the edits fails: {text}");
    assert!(text.contains("history changed"), "{text}");

    let report = app.client.get("/api/v1/admin/verify", Some(&p.admin)).json();
    assert_eq!(report["intact"], false);
    let listed: BTreeSet<String> = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["document_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, expected, "{report}");
    // The registered documents are named by number too.
    assert!(report["documents"][0]["number"].is_string(), "{report}");
});

db_test!(a_checkpoint_kept_before_an_edit_catches_a_chain_hashed_again, |app| {
    let p = Province::new(app);
    let doc = published_id(app, &p, "沈阳市己办法");
    let other = published_id(app, &p, "沈阳市庚办法");
    let url = app.db.url.clone();
    tick(&url);
    let kept = app.client.get("/api/v1/public/checkpoints", None).json()["items"][0].clone();

    // A careful forger: the event is edited and its whole chain hashed again, head included.
    rehash_after_edit(&url, &doc);
    let (ok, named, text) = verify(&url);
    assert!(!ok, "{text}");
    assert_eq!(named, BTreeSet::from([doc.clone()]), "{text}");
    assert!(!text.contains(&other), "{text}");
    assert!(text.contains(&format!("checkpoint {}:", kept["seq"])), "{text}");
    assert!(text.contains("checkpoint 1 committed to"), "{text}");
});

/// Changes the reason of the document's second event and recomputes its chain as normreg
/// would, so that only a checkpoint can tell.
fn rehash_after_edit(url: &str, document_id: &str) {
    use normreg::domain::history::{document_chain, GENESIS};
    let mut conn = sql(url);
    execute(url, &format!("UPDATE document_events SET reason = '改过' WHERE document_id = '{document_id}' AND seq = 2"));
    let rows: Vec<_> = normreg::db::history::document_events_page(&mut conn, None, i64::MAX)
        .unwrap()
        .into_iter()
        .filter(|e| e.document_id == document_id)
        .collect();
    let mut prev = GENESIS.to_string();
    for r in &rows {
        let seq = r.seq.unwrap();
        let hash = r.fields(seq).hash(&prev);
        execute(
            url,
            &format!(
                "UPDATE document_events SET prev_hash = '{prev}', hash = '{hash}' WHERE id = {}",
                r.id
            ),
        );
        prev = hash;
    }
    execute(
        url,
        &format!(
            "UPDATE history_heads SET head = '{prev}' WHERE chain = '{}'",
            document_chain(document_id)
        ),
    );
}

db_test!(a_frozen_catalogue_records_the_checkpoint_and_a_restore_verifies_clean, |app| {
    let p = Province::new(app);
    published_id(app, &p, "沈阳市辛办法");
    let city = app.client.get("/api/v1/agencies", Some(&p.admin)).json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "SY")
        .unwrap()["id"]
        .clone();
    let r = app.client.post(
        "/api/v1/catalogues",
        Some(&p.admin),
        &json!({"agency_id": city, "year": 2025}),
    );
    assert!(r.status == 201 || r.status == 200, "{}", r.body);
    let latest: Value =
        app.client.get("/api/v1/public/checkpoints", None).json()["items"][0].clone();
    let catalogue = app.client.get("/api/v1/public/catalogues/SY/2025", None).json();
    assert_eq!(catalogue["checkpoint_hash"], latest["hash"], "{catalogue}");

    let dir = std::env::temp_dir().join(format!("normreg-chain-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("registry.jsonl");
    let out = run_normreg(&app.db.url, &["backup", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let target = TestDatabase::create(app.engine).expect("a second database");
    let out = run_normreg(&target.url, &["restore", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_dir_all(&dir);
    let (ok, named, text) = verify(&target.url);
    assert!(ok && named.is_empty(), "{text}");
});

db_test!(history_written_before_the_chain_is_chained_at_upgrade, |app| {
    let p = Province::new(app);
    published_id(app, &p, "沈阳市壬办法");
    app.server.stop();
    let url = app.db.url.clone();
    // The database as the migration leaves one written by an earlier version.
    execute(&url, "UPDATE document_events SET seq = NULL, prev_hash = NULL, hash = NULL");
    execute(&url, "DELETE FROM history_heads WHERE chain LIKE 'document:%'");
    let out = run_normreg(&url, &["migrate"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (ok, named, text) = verify(&url);
    assert!(ok && named.is_empty(), "{text}");
});

db_test!(concurrent_events_of_one_document_never_fork_its_chain, |app| {
    let p = Province::new(app);
    let doc = published_id(app, &p, "沈阳市癸办法");
    let spare = published_id(app, &p, "沈阳市子办法");
    app.clock.set_date(date("2026-04-01"));
    let body = json!({
        "title": "关于第二条的解释",
        "body": "第二条所称“管理”，包括监督检查。",
        "issued_on": "2026-04-01",
    });
    // Two documents at once: each chain's appends take turns, the two chains do not wait.
    std::thread::scope(|s| {
        for i in 0..8 {
            let (app, p, body) = (&*app, &p, &body);
            let id = if i % 2 == 0 { doc.clone() } else { spare.clone() };
            s.spawn(move || {
                for _ in 0..5 {
                    let path = format!("/api/v1/documents/{id}/interpretations");
                    let r = app.client.post(&path, Some(&p.registrar), body);
                    assert_eq!(r.status, 201, "{}", r.body);
                }
            });
        }
    });
    let history = app.client.get(&format!("/api/v1/documents/{doc}/history"), Some(&p.drafter));
    assert_eq!(history.status, 200, "{}", history.body);
    let (ok, named, text) = verify(&app.db.url);
    assert!(ok && named.is_empty(), "{text}");
});
