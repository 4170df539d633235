//! Frozen annual catalogues list each document's official text (正式文本) by its SHA-256 as it
//! stood at freeze time, in the JSON, the CSV (a column at the end) and the web page; a later
//! version of the text never changes a frozen catalogue.

use serde_json::{json, Value};

use crate::db_test;
use crate::files::{sha256, stored, upload, PDF};
use crate::fixtures::Province;
use crate::helpers::*;

/// The catalogue's CSV list as records, header first, without the byte-order mark.
fn csv_rows(app: &TestApp) -> Vec<Vec<String>> {
    let r = app.client.get("/api/v1/public/catalogues/SY/2026.csv", None);
    assert_eq!(r.status, 200, "{}", r.body);
    let text = r.body.trim_start_matches('\u{feff}').to_string();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The catalogue's entries (JSON), by document id: their official text's SHA-256.
fn json_hashes(app: &TestApp) -> (Value, Vec<(String, Value)>) {
    let r = app.client.get("/api/v1/public/catalogues/SY/2026", None);
    assert_eq!(r.status, 200, "{}", r.body);
    let c = r.json();
    let hashes = c["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (e["document_id"].as_str().unwrap().to_string(), e["official_text_sha256"].clone())
        })
        .collect();
    (c, hashes)
}

db_test!(a_frozen_catalogue_lists_the_official_texts_sha256_of_its_freeze, |app| {
    let p = Province::new(app);
    let with = p.published(app, "沈阳市正式文本目录办法", "第一条 为了规范管理，制定本办法。");
    let with = with["id"].as_str().unwrap().to_string();
    let without = p.published(app, "沈阳市无正式文本办法", "第一条 为了规范管理，制定本办法。");
    let without = without["id"].as_str().unwrap().to_string();
    let v1 = stored(&upload(app, &p.registrar, &with, "official_text", "正式文本.pdf", PDF));
    assert_eq!(v1["sha256"], sha256(PDF));

    app.clock.set_date(date("2027-01-05"));
    let city = p.freeze_city_catalogue(app, 2026);

    let (frozen, hashes) = json_hashes(app);
    let of = |id: &str| hashes.iter().find(|(d, _)| d == id).map(|(_, h)| h.clone()).unwrap();
    assert_eq!(of(&with), json!(sha256(PDF)), "{frozen}");
    assert_eq!(of(&without), Value::Null, "{frozen}");

    let rows = csv_rows(app);
    assert_eq!(rows[0].last().map(String::as_str), Some("正式文本SHA-256"), "{rows:?}");
    assert_eq!(
        rows[0][..8],
        ["序号", "文件名称", "文号", "登记号", "公布日期", "施行日期", "有效期至", "较上年变化"]
    );
    let cell = |title: &str| {
        rows.iter().find(|r| r[1] == title).and_then(|r| r.last().cloned()).expect(title)
    };
    assert_eq!(cell("沈阳市正式文本目录办法"), sha256(PDF));
    assert_eq!(cell("沈阳市无正式文本办法"), "");

    let page = app.client.get("/catalogues/SY/2026", None);
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("title=\"SHA-256 {}\"", sha256(PDF))), "{}", page.body);

    // A new version after the freeze: the file list has it, the catalogue does not.
    let second = [PDF, b"% a later version\n"].concat();
    let v2 = stored(&upload(app, &p.registrar, &with, "official_text", "正式文本.pdf", &second));
    assert_eq!(v2["version"], 2);
    let (after, hashes_after) = json_hashes(app);
    assert_eq!(hashes_after, hashes, "frozen at its freeze");
    assert_eq!(after["content_hash"], frozen["content_hash"]);
    assert_eq!(csv_rows(app), rows);
    let again = app.client.post(
        "/api/v1/catalogues",
        Some(&p.registrar),
        &json!({"agency_id": city, "year": 2026}),
    );
    assert_eq!(again.json()["content_hash"], frozen["content_hash"], "{}", again.body);
});
