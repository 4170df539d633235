//! `normreg backup` and `normreg restore` over the real binary: a backup taken while writes go
//! on is one consistent snapshot, and restored into an empty database of either engine it
//! answers the same catalogue, the same histories, and numbering continues its series; a
//! database that holds a registry is never restored into.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde_json::{json, Value};

use crate::db_test;
use crate::fixtures::Province;
use crate::helpers::*;

/// Runs `normreg backup` into `dir` and answers the file's path.
fn backup(url: &str, dir: &std::path::Path) -> std::path::PathBuf {
    let file = dir.join("registry.jsonl");
    let out = run_normreg(url, &["backup", file.to_str().unwrap()]);
    assert!(out.status.success(), "backup: {}", String::from_utf8_lossy(&out.stderr));
    assert!(!dir.join("registry.jsonl.partial").exists(), "the partial file is renamed");
    file
}

fn restore(url: &str, file: &std::path::Path) -> std::process::Output {
    run_normreg(url, &["restore", file.to_str().unwrap()])
}

/// The backup's lines after the header, parsed.
fn rows(file: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn ids_of(rows: &[Value], table: &str, column: &str) -> BTreeSet<String> {
    rows.iter()
        .filter(|r| r["table"] == table)
        .map(|r| r["row"][column].as_str().unwrap().to_string())
        .collect()
}

/// A folder for backup files, removed when the test ends.
struct TempDir(std::path::PathBuf);

fn temp_dir() -> TempDir {
    let dir =
        std::env::temp_dir().join(format!("normreg-backup-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What a registry answers that a restore must keep: the frozen catalogue (hash and bytes),
/// a document's history, and a public search.
fn answers(client: &Client, drafter: &str, published: &str) -> Value {
    let catalogue = client.get("/api/v1/public/catalogues/SY/2026?texts=true", None);
    assert_eq!(catalogue.status, 200, "{}", catalogue.body);
    let history = client.get(&format!("/api/v1/documents/{published}/history"), Some(drafter));
    assert_eq!(history.status, 200, "{}", history.body);
    let search = client.get("/api/v1/public/documents?q=%E5%A4%87%E4%BB%BD", None);
    assert_eq!(search.status, 200, "{}", search.body);
    assert_eq!(search.json()["items"].as_array().unwrap().len(), 1, "{}", search.body);
    json!({
        "hash": catalogue.json()["content_hash"],
        "catalogue": catalogue.body,
        "history": history.json(),
        "search": search.json()["items"].as_array().unwrap().len(),
    })
}

fn login(client: &Client, username: &str) -> String {
    let r = client.post(
        "/api/v1/auth/login",
        None,
        &json!({"username": username, "password": PASSWORD}),
    );
    assert_eq!(r.status, 200, "login of {username}: {}", r.body);
    r.json()["access_token"].as_str().unwrap().to_string()
}

db_test!(a_backup_taken_while_writes_go_on_restores_the_same_registry_on_either_engine, |app| {
    let p = Province::new(app);
    let published = p.published(app, "沈阳市备份管理办法", "第一条 备份的正文。")["id"]
        .as_str()
        .unwrap()
        .to_string();
    p.published(app, "沈阳市档案办法", "第一条 档案的正文。");
    // A real file of several 256 KiB chunks, listed by its SHA-256 in the frozen catalogue.
    let mut official = crate::files::PDF.to_vec();
    official.extend((0..700 * 1024u32).map(|i| (i % 241) as u8));
    let uploaded = crate::files::stored(&crate::files::upload(
        app,
        &p.registrar,
        &published,
        "official_text",
        "正式文本.pdf",
        &official,
    ));
    let file_id = uploaded["id"].as_str().unwrap().to_string();
    app.clock.set_date(date("2027-01-05"));
    p.freeze_city_catalogue(app, 2026);
    let third = p.published(app, "沈阳市二〇二七年办法", "第一条 正文。");
    assert_eq!(third["issuance_number"], "沈政规〔2027〕1号", "{third}");
    let waiting = p.adopted(app, "沈阳市待登记办法");
    let before = answers(&app.client, &p.drafter, &published);

    // Drafts keep arriving while the backup runs.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (stop, base, drafter) = (stop.clone(), app.server.base.clone(), p.drafter.clone());
        std::thread::spawn(move || {
            let client = Client::new(&base);
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let r = client.post(
                    "/api/v1/documents",
                    Some(&drafter),
                    &json!({"title": format!("沈阳市草案{n}"), "body": "第一条 草案。"}),
                );
                assert_eq!(r.status, 201, "{}", r.body);
                n += 1;
            }
            n
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(300));
    let dir = temp_dir();
    let file = backup(&app.db.url, &dir.0);
    stop.store(true, Ordering::Relaxed);
    let drafted = writer.join().unwrap();
    assert!(drafted > 0, "writes went on");

    // One snapshot: every document in the file has its events there, and no event is of a
    // document the file lacks.
    let lines = rows(&file);
    assert_eq!(lines.last().unwrap()["end"], true);
    let documents = ids_of(&lines, "documents", "id");
    assert_eq!(documents, ids_of(&lines, "document_events", "document_id"));
    assert!(documents.len() >= 4, "{}", documents.len());

    for engine in [Engine::Sqlite, Engine::Postgres] {
        let Some(target) = TestDatabase::create(engine) else { continue };
        let migrated = run_normreg(&target.url, &["migrate"]);
        assert!(migrated.status.success(), "{}", String::from_utf8_lossy(&migrated.stderr));
        let out = restore(&target.url, &file);
        assert!(
            out.status.success(),
            "restore on {engine:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("restored"));

        let server = TestServer::start(&target.url, app.clock.clone()).expect("restored server");
        let client = Client::new(&server.base);
        let drafter = login(&client, "sy-drafter");
        assert_eq!(answers(&client, &drafter, &published), before, "on {engine:?}");
        // The file comes back byte for byte, to its account and to the public.
        let r = client.get(&format!("/api/v1/files/{file_id}"), Some(&drafter));
        assert_eq!(r.status, 200, "file on {engine:?}: {}", r.body);
        assert_eq!(crate::files::sha256(&r.bytes), uploaded["sha256"].as_str().unwrap());
        assert_eq!(r.bytes, official, "on {engine:?}");
        let public = format!("/api/v1/public/documents/{published}/files/{file_id}");
        assert_eq!(client.get(&public, None).bytes, official, "on {engine:?}");

        // The series continues where the backup left it.
        let registrar = login(&client, "sy-registrar");
        let r = client.raw(
            "POST",
            &format!("/api/v1/documents/{waiting}/register"),
            Some(&registrar),
            None,
            Vec::new(),
            &[],
        );
        assert_eq!(r.status, 200, "register on {engine:?}: {}", r.body);
        assert_eq!(r.json()["issuance_number"], "沈政规〔2027〕2号", "on {engine:?}");

        // And the restored registry backs up to the same rows.
        let again_dir = temp_dir();
        let again = backup(&target.url, &again_dir.0);
        let again_rows = rows(&again);
        assert_eq!(
            ids_of(&again_rows, "documents", "id"),
            documents,
            "the same documents on {engine:?}"
        );
    }
});

db_test!(a_database_that_holds_a_registry_is_never_restored_into, |app| {
    let p = Province::new(app);
    p.published(app, "沈阳市备份管理办法", "第一条 备份的正文。");
    let dir = temp_dir();
    let file = backup(&app.db.url, &dir.0);
    let before = std::fs::read_to_string(&file).unwrap();

    let out = restore(&app.db.url, &file);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("restored only into an empty one"), "{stderr}");
    assert!(stderr.contains("nothing was changed"), "{stderr}");

    // Nothing changed: the registry backs up to the very same file.
    std::fs::remove_file(&file).unwrap();
    let after = std::fs::read_to_string(backup(&app.db.url, &dir.0)).unwrap();
    assert_eq!(after, before);
});

db_test!(a_backup_cut_short_restores_nothing, |app| {
    let p = Province::new(app);
    p.published(app, "沈阳市备份管理办法", "第一条 备份的正文。");
    let dir = temp_dir();
    let file = backup(&app.db.url, &dir.0);
    let text = std::fs::read_to_string(&file).unwrap();
    let cut = dir.0.join("cut.jsonl");
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(&cut, lines[..lines.len() - 1].join("\n")).unwrap();

    let engine = app.engine;
    let target = TestDatabase::create(engine).expect("a database of the same engine");
    let out = restore(&target.url, &cut);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was restored"));
    // Nothing of it stayed behind: the whole file restores into the same database afterwards.
    let out = restore(&target.url, &file);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
});

/// The names of the tables the migrations made, read from the database's own catalogue,
/// without the bookkeeping of diesel and of SQLite and the full-text index (which a restore
/// rebuilds).
fn tables_in(url: &str) -> BTreeSet<String> {
    use diesel::sql_types::Text;
    use diesel::{Connection, QueryableByName, RunQueryDsl};
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = Text)]
        name: String,
    }
    let names: Vec<Name> = if let Some(path) = url.strip_prefix("sqlite://") {
        let mut c = diesel::SqliteConnection::establish(path).expect("sqlite");
        diesel::sql_query("SELECT name FROM sqlite_master WHERE type = 'table'")
            .load(&mut c)
            .expect("tables")
    } else {
        let mut c = diesel::PgConnection::establish(url).expect("postgres");
        diesel::sql_query(
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
        )
        .load(&mut c)
        .expect("tables")
    };
    names
        .into_iter()
        .map(|n| n.name)
        .filter(|n| !n.starts_with("sqlite_") && !n.starts_with("__diesel"))
        .collect()
}

db_test!(a_backup_holds_every_table_the_migrations_made, |app| {
    // A table added by a later migration and forgotten in `db::backup::TABLES` would be lost
    // by every backup without a word: this names it.
    let listed: BTreeSet<String> =
        normreg::db::backup::TABLES.iter().map(|t| t.name.to_string()).collect();
    assert_eq!(tables_in(&app.db.url), listed);
});
