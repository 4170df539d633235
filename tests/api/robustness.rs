//! Bad input of every kind gets a clear 4xx problem+json and changes nothing.

use serde_json::json;

use crate::db_test;
use crate::helpers::*;

fn agency_count(app: &TestApp, admin: &str) -> i64 {
    app.client.get("/api/v1/agencies", Some(admin)).json()["total"].as_i64().unwrap()
}

db_test!(malformed_and_mistyped_bodies_are_refused_and_write_nothing, |app| {
    let admin = app.admin_token();
    let before = agency_count(app, &admin);
    let c = &app.client;
    let malformed = c.raw(
        "POST",
        "/api/v1/agencies",
        Some(&admin),
        Some("application/json"),
        b"{\"name\": \"x\",".to_vec(),
        &[],
    );
    assert_eq!(malformed.problem(400)["code"], "malformed_json");
    let wrong_type = c.post("/api/v1/agencies", Some(&admin), &json!({"name": 42, "code": "X1"}));
    let p = wrong_type.problem(422);
    assert_eq!(p["errors"][0]["field"], "name", "{p}");
    let missing = c.post("/api/v1/agencies", Some(&admin), &json!({"code": "X2"}));
    missing.problem(422);
    let unknown_field = c.post(
        "/api/v1/agencies",
        Some(&admin),
        &json!({"name": "某", "code": "X3", "colour": "red"}),
    );
    assert!(unknown_field.problem(422)["detail"].as_str().unwrap().contains("colour"));
    let bad_code = c.post("/api/v1/agencies", Some(&admin), &json!({"name": "某", "code": "代码"}));
    assert_eq!(bad_code.problem(422)["errors"][0]["field"], "code");
    let wrong_ct = c.raw(
        "POST",
        "/api/v1/agencies",
        Some(&admin),
        Some("text/plain"),
        br#"{"name":"a","code":"X4"}"#.to_vec(),
        &[],
    );
    wrong_ct.problem(415);
    let empty =
        c.raw("POST", "/api/v1/agencies", Some(&admin), Some("application/json"), Vec::new(), &[]);
    empty.problem(400);
    let array = c.post("/api/v1/agencies", Some(&admin), &json!([1, 2]));
    array.problem(422);
    let control =
        c.post("/api/v1/agencies", Some(&admin), &json!({"name": "坏\u{0007}名", "code": "X5"}));
    control.problem(422);
    let big = format!("{{\"name\": \"{}\", \"code\": \"BIG\"}}", "政".repeat(1024 * 1024));
    assert!(big.len() > 3 * 1024 * 1024);
    let too_large = c.raw(
        "POST",
        "/api/v1/agencies",
        Some(&admin),
        Some("application/json"),
        big.into_bytes(),
        &[],
    );
    assert_eq!(too_large.problem(413)["code"], "payload_too_large");
    assert_eq!(agency_count(app, &admin), before, "nothing was written");
});

db_test!(unknown_roles_and_weak_passwords_are_refused_with_their_fields, |app| {
    let admin = app.admin_token();
    let agency = app.agency(&admin, json!({"name": "营口市人民政府", "code": "YK"}));
    let r = app.client.post("/api/v1/users", Some(&admin), &json!({"username": "carol", "password": "short", "agency_id": agency["id"], "roles": ["drafter", "emperor"]}));
    let p = r.problem(422);
    let fields: Vec<&str> =
        p["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["password", "roles"], "{p}");
    assert!(p["detail"].as_str().unwrap().contains("emperor"));
    let no_agency = app.client.post("/api/v1/users", Some(&admin), &json!({"username": "dave", "password": PASSWORD, "agency_id": uuid::Uuid::new_v4(), "roles": ["drafter"]}));
    assert_eq!(no_agency.problem(422)["errors"][0]["field"], "agency_id");
    let bad_uuid = app.client.post("/api/v1/users", Some(&admin), &json!({"username": "erin", "password": PASSWORD, "agency_id": "not-a-uuid", "roles": ["drafter"]}));
    bad_uuid.problem(422);
    assert_eq!(
        app.client.get("/api/v1/users", Some(&admin)).json()["total"],
        1,
        "only the admin exists"
    );
});

db_test!(probes_request_ids_unknown_paths_and_wrong_methods_answer_properly, |app| {
    let c = &app.client;
    let h = c.get("/healthz", None);
    assert_eq!(h.status, 200);
    assert!(h.header("x-request-id").is_some_and(|v| v.len() >= 8));
    let echoed = c.raw("GET", "/readyz", None, None, Vec::new(), &[("x-request-id", "trace-123")]);
    assert_eq!(echoed.status, 200);
    assert_eq!(echoed.header("x-request-id").as_deref(), Some("trace-123"));
    c.get("/api/v1/no-such-thing", None).problem(404);
    let wrong_method = c.raw("DELETE", "/api/v1/agencies", None, None, Vec::new(), &[]);
    wrong_method.problem(405);
    assert!(wrong_method.header("allow").unwrap().contains("GET"));
    let admin = app.admin_token();
    app.client.get("/api/v1/agencies/not-a-uuid", Some(&admin)).problem(404);
    app.client.get("/api/v1/agencies?page=0", Some(&admin)).problem(422);
    app.client.get("/api/v1/agencies?per_page=abc", Some(&admin)).problem(400);

    // NUL (PostgreSQL refuses it in any text parameter) is refused in any URL.
    for url in [
        "/api/v1/public/catalogues/L%00N",
        "/catalogues/%00",
        "/search?q=%00",
        "/api/v1/public/documents?agency=L%00N",
    ] {
        c.get(url, None).problem(400);
    }
    // Other bytes no agency code can hold are simply no agency.
    for code in ["%E8%BE%BD", "a%20b", "-%0A"] {
        c.get(&format!("/api/v1/public/catalogues/{code}"), None).problem(404);
        c.get(&format!("/api/v1/public/catalogues/{code}?format=csv"), None).problem(404);
        c.get(&format!("/api/v1/public/cleanup-campaigns?agency={code}"), None).problem(422);
        c.get(&format!("/api/v1/public/documents?agency={code}"), None).problem(422);
        let page = c.get(&format!("/catalogues/{code}"), None);
        assert_eq!(page.status, 404, "{code}: {}", page.body);
    }
});

db_test!(policy_and_calendar_are_validated_and_saved, |app| {
    let admin = app.admin_token();
    let policy = app.client.get("/api/v1/policy", Some(&admin)).json();
    assert_eq!(policy["review_working_days"], 15);
    assert_eq!(policy["filing_days"], 15);
    let bad = app.client.put("/api/v1/policy", Some(&admin), &json!({"default_validity_years": 9}));
    assert_eq!(bad.problem(422)["errors"][0]["field"], "default_validity_years");
    let ok = app.client.put("/api/v1/policy", Some(&admin), &json!({"review_working_days": 5}));
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(app.client.get("/api/v1/policy", Some(&admin)).json()["review_working_days"], 5);
    let mismatch =
        app.client.put("/api/v1/calendar/2027", Some(&admin), &json!({"year": 2026, "days": []}));
    mismatch.problem(422);
    let dup = app.client.put("/api/v1/calendar/2027", Some(&admin), &json!({"year": 2027, "days": [
        {"name": "元旦", "date": "2027-01-01", "isOffDay": true}, {"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}));
    dup.problem(422);
    let saved = app.client.put(
        "/api/v1/calendar/2027",
        Some(&admin),
        &json!({"year": 2027, "days": [
        {"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}),
    );
    assert_eq!(saved.json()["days"], 1);
});

db_test!(
    a_body_that_stalls_is_answered_408_and_its_connection_closed_within_the_timeout,
    config | c | {
        c.body_timeout_seconds = 1;
    },
    |app| {
        use std::io::{Read, Write};
        let admin = app.admin_token();
        let before = agency_count(app, &admin);
        let address = app.server.base.trim_start_matches("http://").to_string();
        let mut stream = std::net::TcpStream::connect(&address).expect("connect");
        stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).expect("timeout");
        let head = format!(
            "POST /api/v1/agencies HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {admin}\r\n\
             Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{{\"name\": \"慢"
        );
        stream.write_all(head.as_bytes()).expect("send part of the body");
        let started = std::time::Instant::now();
        // Read until the server closes the connection: the answer, then EOF.
        let mut answer = Vec::new();
        let read = stream.read_to_end(&mut answer);
        let waited = started.elapsed();
        let answer = String::from_utf8_lossy(&answer);
        assert!(read.is_ok(), "the connection was not closed in 10 s: {read:?}");
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(answer.contains("application/problem+json"), "{answer}");
        assert!(answer.contains("\"code\":\"request_timeout\""), "{answer}");
        assert!(waited < std::time::Duration::from_secs(5), "dropped after {waited:?}");
        assert_eq!(agency_count(app, &admin), before, "nothing was written");
    }
);
