//! Legacy import with the official text (正式文本): a file beside the JSON Lines file for
//! `normreg import`, base64 in `POST /api/v1/imports`, checked as an upload; the imported
//! document's version 1 of its official text, public with its SHA-256, or nothing imported.

use serde_json::{json, Value};

use crate::db_test;
use crate::files::{sha256, PDF};
use crate::fixtures::Province;
use crate::helpers::*;
use crate::imports::{public_total, run_cli};

/// Standard base64 with padding (RFC 4648 §4), as a client would send.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for group in bytes.chunks(3) {
        let n = group.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= group.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One import line of the city SY, in force on the test clock.
fn line(n: u32) -> Value {
    json!({
        "agency_code": "SY",
        "title": format!("沈阳市第{n}项正式文本管理办法"),
        "body": "第一条 为了规范管理，制定本办法。\n第二条 本办法自发布之日起施行。",
        "issuance_number": format!("沈政规〔2025〕{n}号"),
        "published_on": "2025-03-01",
    })
}

/// A PDF of several 256 KiB chunks, so that the bytes are streamed in and out in pieces.
fn large_pdf() -> Vec<u8> {
    let mut bytes = PDF.to_vec();
    bytes.extend((0..600 * 1024u32).map(|i| (i % 253) as u8));
    bytes
}

/// The public's list of a document's official texts, which must hold exactly one.
fn the_official_text(app: &TestApp, id: &str) -> Value {
    let r = app.client.get(&format!("/api/v1/public/documents/{id}/files"), None);
    assert_eq!(r.status, 200, "{}", r.body);
    let listed = r.json();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    listed[0].clone()
}

/// Downloads a published document's official text without an account.
fn public_bytes(app: &TestApp, id: &str, file: &Value) -> Vec<u8> {
    let path = format!("/api/v1/public/documents/{id}/files/{}", file["id"].as_str().unwrap());
    let r = app.client.get(&path, None);
    assert_eq!(r.status, 200, "{}", r.body);
    r.bytes
}

db_test!(an_api_import_carries_its_official_text_in_base64, |app| {
    let p = Province::new(app);
    let bytes = large_pdf();
    let mut with_text = line(1);
    with_text["official_text_base64"] = json!(base64(&bytes));
    with_text["official_text_name"] = json!("../正式文本\u{7}.PDF");
    let r = app.client.post("/api/v1/imports", Some(&p.admin), &json!([with_text, line(2)]));
    assert_eq!(r.status, 201, "{}", r.body);
    let docs = r.json()["documents"].clone();
    let (id, plain) = (docs[0]["id"].as_str().unwrap(), docs[1]["id"].as_str().unwrap());

    // Imports are published: the public sees the official text at once, byte for byte.
    let file = the_official_text(app, id);
    assert_eq!(file["kind"], "official_text");
    assert_eq!(file["version"], 1);
    assert_eq!(file["name"], "正式文本.PDF", "the name is cleaned as an upload's");
    assert_eq!(file["content_type"], "application/pdf");
    assert_eq!(file["size"], bytes.len());
    assert_eq!(file["sha256"], sha256(&bytes));
    let downloaded = public_bytes(app, id, &file);
    assert_eq!(sha256(&downloaded), sha256(&bytes));
    assert_eq!(downloaded, bytes);
    let r = app.client.get(&format!("/api/v1/public/documents/{plain}/files"), None);
    assert_eq!(r.json(), json!([]), "a line without a text has none");

    // The file is an event of the document's chain, after its import.
    let history = app.client.get(&format!("/api/v1/documents/{id}/history"), Some(&p.admin));
    assert_eq!(history.status, 200, "{}", history.body);
    let imported = history.body.find("\"imported\"").expect("imported event");
    let added = history.body.find("file_added").expect("file_added event");
    assert!(imported < added, "{}", history.body);
    assert!(history.body.contains(&sha256(&bytes)), "{}", history.body);
});

db_test!(a_bad_official_text_imports_nothing_and_names_its_line_and_field, |app| {
    let p = Province::new(app);
    let mut good = line(1);
    good["official_text_base64"] = json!(base64(PDF));
    good["official_text_name"] = json!("正式文本.pdf");
    let refused = |bad: Value| {
        let r = app.client.post("/api/v1/imports", Some(&p.admin), &json!([good, bad]));
        let problem = r.problem(422);
        let errors = problem["errors"].as_array().unwrap().clone();
        assert_eq!(errors.len(), 1, "{problem}");
        assert_eq!(errors[0]["line"], 2, "{problem}");
        errors[0].clone()
    };
    // An HTML page named .pdf: refused from its bytes, as an upload would be (415's message).
    let mut html = line(2);
    html["official_text_base64"] = json!(base64(b"<!DOCTYPE html><html><body>x</body></html>"));
    html["official_text_name"] = json!("正式文本.pdf");
    let e = refused(html);
    assert_eq!(e["field"], "official_text_base64");
    assert!(e["message"].as_str().unwrap().contains("not a PDF, OFD"), "{e}");
    // Not base64, or without a name.
    let mut broken = line(2);
    broken["official_text_base64"] = json!("JVBERi0xLjQ*");
    broken["official_text_name"] = json!("a.pdf");
    assert_eq!(refused(broken)["field"], "official_text_base64");
    let mut nameless = line(2);
    nameless["official_text_base64"] = json!(base64(PDF));
    assert_eq!(refused(nameless)["field"], "official_text_name");
    // The API never reads a path on the server, relative or not.
    for path in ["Cargo.toml", "/etc/passwd"] {
        let mut server_file = line(2);
        server_file["official_text_file"] = json!(path);
        assert_eq!(refused(server_file)["field"], "official_text_file", "{path}");
    }
    assert_eq!(public_total(app), 0, "nothing was imported");
    let r = app.client.get("/api/v1/public/documents?per_page=1", None);
    assert_eq!(r.json()["total"], 0);
});

db_test!(
    an_inline_official_text_over_the_upload_limit_imports_nothing,
    config | config | {
        config.upload_limit = 64 * 1024;
    },
    |app| {
        let p = Province::new(app);
        let mut over = line(1);
        over["official_text_base64"] = json!(base64(&large_pdf()));
        over["official_text_name"] = json!("大.pdf");
        let r = app.client.post("/api/v1/imports", Some(&p.admin), &json!([over]));
        let problem = r.problem(422);
        assert_eq!(problem["errors"][0]["field"], "official_text_base64", "{problem}");
        assert!(problem["errors"][0]["message"].as_str().unwrap().contains("larger than"));
        assert_eq!(public_total(app), 0);
    }
);

db_test!(the_command_line_reads_the_official_text_beside_the_json_lines_file, |app| {
    let _p = Province::new(app);
    let dir = std::env::temp_dir().join(format!("normreg-import-files-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(dir.join("texts")).unwrap();
    let bytes = large_pdf();
    std::fs::write(dir.join("texts").join("正式文本.pdf"), &bytes).unwrap();
    std::fs::write(dir.join("page.pdf"), b"<!DOCTYPE html><html></html>").unwrap();
    let write = |name: &str, lines: &[Value]| {
        let path = dir.join(name);
        std::fs::write(&path, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
        path.to_string_lossy().to_string()
    };
    let with_file = |n: u32, path: &str| {
        let mut l = line(n);
        l["official_text_file"] = json!(path);
        l
    };
    // Each refusal names its line and field, and imports nothing.
    for (path, says) in [
        ("../texts/正式文本.pdf", "line 2: official_text_file"),
        ("/etc/hostname", "line 2: official_text_file"),
        ("page.pdf", "not a PDF, OFD"),
        ("texts/missing.pdf", "cannot read"),
    ] {
        let file = write("bad.jsonl", &[with_file(1, "texts/正式文本.pdf"), with_file(2, path)]);
        let out = run_cli(&app.db.url, &["import", &file]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{path}: {stderr}");
        assert!(stderr.contains(says), "{path}: {stderr}");
        assert!(stderr.contains("line 2: official_text_file"), "{path}: {stderr}");
        assert_eq!(public_total(app), 0, "{path}");
    }
    // Inline bytes are the API's; the command line reads files.
    let mut inline = line(2);
    inline["official_text_base64"] = json!(base64(PDF));
    inline["official_text_name"] = json!("a.pdf");
    let out = run_cli(&app.db.url, &["import", &write("inline.jsonl", &[inline])]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1: official_text_base64"));

    let file = write("good.jsonl", &[with_file(1, "texts/正式文本.pdf"), line(2)]);
    let out = run_cli(&app.db.url, &["import", &file]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(public_total(app), 2);
    let listed = app.client.get("/api/v1/public/documents?per_page=10", None).json();
    let id = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["title"].as_str().unwrap().contains("第1项"))
        .map(|d| d["id"].as_str().unwrap().to_string())
        .expect("the first document");
    let text = the_official_text(app, &id);
    assert_eq!(text["name"], "正式文本.pdf");
    assert_eq!(text["sha256"], sha256(&bytes));
    assert_eq!(public_bytes(app, &id, &text), bytes);
    std::fs::remove_dir_all(&dir).ok();
});
