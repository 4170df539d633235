//! The bulk export of the live catalogue: JSON Lines and CSV that say the same, streamed in
//! chunks, of the documents in force today or on `valid_on`, never anything unpublished.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::db_test;
use crate::feeds::{catalogue, line, public_ids, DRAFT_TITLE};
use crate::fixtures::Province;
use crate::helpers::*;

const COLUMNS: [&str; 10] = [
    "id",
    "title",
    "agency_code",
    "agency_name",
    "issuance_number",
    "registration_number",
    "published_on",
    "effective_on",
    "valid_until",
    "validity",
];

fn jsonl(app: &TestApp, query: &str) -> Vec<Value> {
    let r = app.client.get(&format!("/api/v1/public/export?format=jsonl{query}"), None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type").as_deref(), Some("application/x-ndjson"));
    assert_eq!(r.header("transfer-encoding").as_deref(), Some("chunked"), "streamed");
    assert!(!r.body.contains(DRAFT_TITLE), "no draft: {}", r.body);
    assert!(r.body.is_empty() || r.body.ends_with('\n'), "every line ends");
    r.body.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
}

/// The CSV export read back by a CSV parser: its header and records.
fn csv(app: &TestApp, query: &str) -> Vec<Vec<String>> {
    let r = app.client.get(&format!("/api/v1/public/export?format=csv{query}"), None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type").as_deref(), Some("text/csv; charset=utf-8"));
    assert!(r.header("content-disposition").is_some_and(|d| d.contains(".csv")));
    let text = r.body.strip_prefix('\u{feff}').expect("a byte-order mark for spreadsheets");
    assert!(!text.contains(DRAFT_TITLE));
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    let records: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("a well-formed record").iter().map(String::from).collect())
        .collect();
    assert_eq!(records[0], COLUMNS, "the header names the JSON fields");
    records[1..].to_vec()
}

/// A JSON Lines document as the CSV writes it: each field as text, null as empty.
fn as_record(doc: &Value) -> Vec<String> {
    COLUMNS
        .iter()
        .map(|c| match &doc[*c] {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => panic!("{c} is {other}"),
        })
        .collect()
}

fn ids(docs: &[Value]) -> BTreeSet<String> {
    docs.iter().map(|d| d["id"].as_str().unwrap().to_string()).collect()
}

db_test!(the_export_gives_the_documents_in_force_alike_in_json_lines_and_csv, |app| {
    let p = Province::new(app);
    catalogue(app, &p);
    // A title that needs quoting in CSV.
    let mut quoted = line("SY", 2026, 8, None);
    quoted["title"] = "沈阳市\"放管服\"改革实施办法, 第二版".into();
    let r = app.client.post("/api/v1/imports", Some(&p.admin), &Value::Array(vec![quoted]));
    assert_eq!(r.status, 201, "import: {}", r.body);
    // Published today, in force only from its standard effective date later.
    p.published(app, "沈阳市政务公开工作规定", "第一条 为了推进政务公开，制定本规定。");
    let docs = jsonl(app, "");
    let in_force = public_ids(app, "validity=in_force");
    assert_eq!(in_force.len(), 10);
    assert_eq!(public_ids(app, "").len(), 12);
    assert_eq!(ids(&docs), in_force, "the documents in force, as the public list has them");
    assert_eq!(docs.len(), in_force.len(), "each once");
    assert!(docs.iter().all(|d| d["validity"] == "in_force"));
    let published_on: Vec<&str> =
        docs.iter().map(|d| d["published_on"].as_str().unwrap()).collect();
    assert!(published_on.windows(2).all(|w| w[0] <= w[1]), "oldest first: {published_on:?}");

    let records = csv(app, "");
    let expected: Vec<Vec<String>> = docs.iter().map(as_record).collect();
    assert_eq!(records, expected, "the CSV says what the JSON Lines say");
    assert!(records.iter().any(|r| r[1] == "沈阳市\"放管服\"改革实施办法, 第二版"));
    let province = records.iter().find(|r| r[2] == "LN").expect("a provincial document");
    assert_eq!(province[3], "辽宁省人民政府");

    // On the last day of 2025 only the two provincial documents of 2025 were in force; one
    // of them has expired since.
    let then = jsonl(app, "&valid_on=2025-12-31");
    assert_eq!(then.len(), 2, "{then:?}");
    assert_eq!(ids(&then), public_ids(app, "valid_on=2025-12-31"));
    let mut validity: Vec<&str> = then.iter().map(|d| d["validity"].as_str().unwrap()).collect();
    validity.sort();
    assert_eq!(validity, ["expired", "in_force"], "the validity is today's");
    assert_eq!(csv(app, "&valid_on=2025-12-31"), then.iter().map(as_record).collect::<Vec<_>>());
    assert!(jsonl(app, "&valid_on=2000-01-01").is_empty());
    // Without a format: JSON Lines.
    let default = app.client.get("/api/v1/public/export", None);
    assert_eq!(default.header("content-type").as_deref(), Some("application/x-ndjson"));
});

db_test!(a_bad_format_or_date_is_refused_before_anything_is_sent, |app| {
    for query in [
        "format=xml",
        "format=csv&valid_on=2025-13-01",
        "valid_on=yesterday",
        "valid_on=1800-01-01",
    ] {
        let r = app.client.get(&format!("/api/v1/public/export?{query}"), None);
        let problem = r.problem(422);
        let field = if query.contains("valid_on") { "valid_on" } else { "format" };
        assert_eq!(problem["errors"][0]["field"], field, "{query}: {problem}");
    }
});

db_test!(a_catalogue_larger_than_a_slice_streams_each_document_once, |app| {
    let p = Province::new(app);
    // More than two slices of 500, most published on the same day, so that slices split
    // inside one date and only the id keeps the order.
    let lines: Vec<Value> =
        (1..=1_050).map(|n| line("SY", 2024 + i32::from(n > 1_000), n, None)).collect();
    let r = app.client.post("/api/v1/imports", Some(&p.admin), &Value::Array(lines));
    assert_eq!(r.status, 201, "import: {}", r.body);
    let docs = jsonl(app, "");
    assert_eq!(docs.len(), 1_050);
    assert_eq!(ids(&docs).len(), 1_050, "no document twice");
    let total = app.client.get("/api/v1/public/documents?validity=in_force&per_page=1", None);
    assert_eq!(total.json()["total"], 1_050);
    assert_eq!(csv(app, "").len(), 1_050);
});
