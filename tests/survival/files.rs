//! Crash safety of uploads (issue 14): the release binary is killed with SIGKILL while
//! several clients upload files of several MB, restarted on the same database, and must hold
//! every file it acknowledged, each whole (its bytes' SHA-256 and size as recorded), and no
//! record whose bytes are missing or short: a file and its chunks are one transaction.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::accounts::{create, login};
use crate::binary::Served;
use crate::helpers::{Client, Engine, ADMIN_PASSWORD, PASSWORD};
use crate::{database, required};

/// Kills per engine.
const CRASHES: usize = 3;
/// Concurrent uploaders.
const UPLOADERS: usize = 3;
/// Each upload's size: large enough that the kill lands in the middle of some.
const FILE_BYTES: usize = 6 * 1024 * 1024;

#[test]
fn acknowledged_uploads_survive_kill_9_whole_on_sqlite() {
    let Some(_one) = required("uploads under kill -9, SQLite") else { return };
    survive(Engine::Sqlite);
}

#[test]
fn acknowledged_uploads_survive_kill_9_whole_on_postgres() {
    let Some(_one) = required("uploads under kill -9, PostgreSQL") else { return };
    survive(Engine::Postgres);
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A PDF of `FILE_BYTES` whose content differs by `seed`.
fn pdf(seed: u64) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    while bytes.len() < FILE_BYTES {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    bytes
}

fn form(bytes: &[u8], n: u64) -> (String, Vec<u8>) {
    let boundary = "----normreg-crash-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nother\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f{n}.pdf\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn survive(engine: Engine) {
    let db = database(engine);
    let mut server = Served::start(&db.url);
    let (token, doc) = setup(&Client::new(&server.base));
    // Acknowledged uploads: file id → SHA-256 of the bytes sent.
    let acked: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    let mut cut = 0;
    for round in 0..CRASHES {
        let stop = Arc::new(AtomicBool::new(false));
        let before = acked.lock().unwrap().len();
        let threads: Vec<_> = (0..UPLOADERS)
            .map(|u| {
                let (client, token, doc) = (Client::new(&server.base), token.clone(), doc.clone());
                let (acked, stop) = (acked.clone(), stop.clone());
                std::thread::spawn(move || {
                    let mut n = (round * 1000 + u * 100) as u64;
                    while !stop.load(Ordering::Relaxed) {
                        n += 1;
                        let bytes = pdf(n);
                        let (ct, body) = form(&bytes, n);
                        let path = format!("/api/v1/documents/{doc}/files");
                        match client.try_raw("POST", &path, Some(&token), Some(&ct), body) {
                            Ok(r) if r.status == 201 => {
                                let id = r.json()["id"].as_str().unwrap().to_string();
                                acked.lock().unwrap().insert(id, sha256(&bytes));
                            }
                            Ok(r) => panic!("upload refused: {} {}", r.status, r.body),
                            Err(_) => return true,
                        }
                    }
                    false
                })
            })
            .collect();
        let at_least = Duration::from_millis(200 + 350 * round as u64);
        let started = Instant::now();
        while started.elapsed() < at_least || acked.lock().unwrap().len() < before + 2 {
            assert!(started.elapsed() < Duration::from_secs(120), "uploads are not acknowledged");
            std::thread::sleep(Duration::from_millis(5));
        }
        server.kill();
        stop.store(true, Ordering::Relaxed);
        cut += threads.into_iter().map(|t| t.join().unwrap()).filter(|c| *c).count();
        server = Served::start(&db.url);
        verify(&Client::new(&server.base), &token, &doc, &acked.lock().unwrap());
    }
    assert!(cut > 0, "no kill landed on an upload in flight");
}

/// Every stored file downloads whole with its recorded hash and size; every acknowledged one
/// is among them with the hash of what was sent.
fn verify(client: &Client, token: &str, doc: &str, acked: &HashMap<String, String>) {
    let listed = client.get(&format!("/api/v1/documents/{doc}/files"), Some(token));
    assert_eq!(listed.status, 200, "{}", listed.body);
    let listed: Vec<Value> = listed.json().as_array().unwrap().clone();
    let mut stored = HashMap::new();
    for f in &listed {
        let id = f["id"].as_str().unwrap();
        let r = client.get(&format!("/api/v1/files/{id}"), Some(token));
        assert_eq!(r.status, 200, "file {id}");
        assert_eq!(r.bytes.len() as i64, f["size"].as_i64().unwrap(), "file {id} is whole");
        assert_eq!(sha256(&r.bytes), f["sha256"].as_str().unwrap(), "file {id}'s bytes");
        stored.insert(id.to_string(), f["sha256"].as_str().unwrap().to_string());
    }
    for (id, hash) in acked {
        assert_eq!(stored.get(id), Some(hash), "acknowledged upload {id} lost or changed");
    }
    println!("{} files stored whole, {} acknowledged", stored.len(), acked.len());
}

/// A city with a drafter and one draft; answers the drafter's token and the draft's id.
fn setup(client: &Client) -> (String, String) {
    let admin = login(client, "admin", ADMIN_PASSWORD);
    let city = create(
        client,
        &admin,
        "/api/v1/agencies",
        json!({"name": "沈阳市人民政府", "code": "SY", "issuance_prefix": "沈政规", "registration_prefix": "SYFS"}),
    );
    let body = json!({"username": "sy-drafter", "password": PASSWORD, "agency_id": city, "roles": ["drafter"]});
    create(client, &admin, "/api/v1/users", body);
    let token = login(client, "sy-drafter", PASSWORD);
    let doc = create(
        client,
        &token,
        "/api/v1/documents",
        json!({"title": "关于上传的办法", "body": "第一条 为了规范管理，制定本办法。"}),
    );
    (token, doc)
}
