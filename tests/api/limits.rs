//! The bounds of a request (README, "Limits"): whatever a client makes too large, too deep,
//! too slow or unreadable is refused as problem+json with a code, including what the HTTP
//! layer refuses before any handler runs; and an optional body may be left out or `null`.

use std::io::{Read, Write};
use std::time::Duration;

use serde_json::{json, Value};

use crate::db_test;
use crate::fixtures::Province;
use crate::helpers::*;

/// Sends `request` on a new connection and reads the answer until the server closes it:
/// the status, the head, and the body parsed as a problem (asserting its content type).
fn exchange(app: &TestApp, request: &[u8]) -> (u16, Value) {
    let answer = send_raw(app, request);
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    assert!(
        head.to_ascii_lowercase().contains("content-type: application/problem+json"),
        "not a problem: {answer}"
    );
    let problem: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer}"));
    assert_eq!(problem["status"], status, "{answer}");
    (status, problem)
}

/// Sends `request` on a new connection and reads everything until the server closes it.
fn send_raw(app: &TestApp, request: &[u8]) -> String {
    let address = app.server.base.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&address).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    stream.write_all(request).expect("send");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("the server answers and closes the connection");
    String::from_utf8_lossy(&answer).to_string()
}

db_test!(an_8000_character_query_and_10000_parameters_get_a_problem_with_a_code, |app| {
    let c = &app.client;
    // 8,000 Chinese characters, percent-encoded: 72,000 bytes, more than the HTTP layer reads
    // (and than the test client sends: this one goes over a bare connection).
    let chinese: String = "政".repeat(8000).bytes().map(|b| format!("%{b:02X}")).collect();
    let request = format!("GET /api/v1/public/documents?q={chinese} HTTP/1.1\r\nHost: x\r\n\r\n");
    let (status, p) = exchange(app, request.as_bytes());
    assert_eq!((status, p["code"].as_str()), (414, Some("uri_too_long")));
    // Within what the HTTP layer reads but beyond the service's own bound.
    let over = c.get(&format!("/api/v1/public/documents?q={}", &chinese[..9 * 1000]), None);
    assert_eq!(over.problem(414)["code"], "uri_too_long");
    // 8,000 plain characters pass the URL's bounds and meet the search's own.
    let plain = c.get(&format!("/api/v1/public/documents?q={}", "a".repeat(8000)), None);
    assert_eq!(plain.problem(422)["errors"][0]["field"], "q");

    let short_pairs = vec!["a=1"; 10_000].join("&");
    let many = c.get(&format!("/api/v1/public/documents?{short_pairs}"), None);
    assert_eq!(many.problem(400)["code"], "too_many_parameters");
    let long_pairs: Vec<String> = (0..10_000).map(|i| format!("p{i}=1")).collect();
    let request = format!(
        "GET /api/v1/public/documents?{} HTTP/1.1\r\nHost: x\r\n\r\n",
        long_pairs.join("&")
    );
    let (status, p) = exchange(app, request.as_bytes());
    assert_eq!((status, p["code"].as_str()), (414, Some("uri_too_long")));
    // The same bounds hold for the web pages.
    let page = c.get(&format!("/search?{short_pairs}"), None);
    assert_eq!(page.problem(400)["code"], "too_many_parameters");
});

db_test!(heads_the_http_layer_cannot_read_are_answered_as_problems_too, |app| {
    let (status, p) = exchange(app, b"BLAH\r\n\r\n");
    assert_eq!((status, p["code"].as_str()), (400, Some("malformed_request")));
    let both_lengths = b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\
                         Transfer-Encoding: chunked\r\n\r\nhello";
    let (status, p) = exchange(app, both_lengths);
    assert_eq!((status, p["code"].as_str()), (400, Some("malformed_request")));

    let hundred: String = (0..100).map(|i| format!("X-H{i}: 1\r\n")).collect();
    let (status, p) =
        exchange(app, format!("GET /healthz HTTP/1.1\r\nHost: x\r\n{hundred}\r\n").as_bytes());
    assert_eq!((status, p["code"].as_str()), (431, Some("header_fields_too_large")));
    let huge =
        format!("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "a".repeat(140_000));
    let (status, p) = exchange(app, huge.as_bytes());
    assert_eq!((status, p["code"].as_str()), (431, Some("header_fields_too_large")));
    let endless_line = format!("GET /healthz?q={} HTTP/1.1\r\n", "a".repeat(140_000));
    let (status, p) = exchange(app, endless_line.as_bytes());
    assert_eq!((status, p["code"].as_str()), (414, Some("uri_too_long")));

    // A good request before a bad one on the same connection is answered first, in order.
    let pipelined = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /x y z\r\n\r\n";
    let answer = send_raw(app, pipelined);
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(answer.contains("HTTP/1.1 400 Bad Request"), "{answer}");
    assert!(answer.ends_with(r#""code":"malformed_request"}"#), "{answer}");
    // The refusal page answers only the guard: to anyone else it does not exist.
    app.client.get("/.normreg/refused/uri_too_long", None).problem(404);
});

db_test!(a_client_that_stays_after_a_refusal_is_disconnected_within_a_second_or_two, |app| {
    let address = app.server.base.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&address).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    stream.write_all(b"BLAH\r\n\r\n").expect("send");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("the answer, then the end of it");
    assert!(answer.starts_with(b"HTTP/1.1 400"), "{}", String::from_utf8_lossy(&answer));
    // The client keeps its side open and says nothing; the server lets go of the connection,
    // after which what the client sends is refused by the peer's TCP stack.
    std::thread::sleep(Duration::from_secs(3));
    let refused = (0..10).any(|_| {
        let sent = stream.write_all(b"more").and_then(|_| stream.flush());
        std::thread::sleep(Duration::from_millis(100));
        sent.is_err()
    });
    assert!(refused, "the server still holds the connection");
});

db_test!(
    a_head_that_stalls_is_answered_408_as_a_problem,
    config | c | {
        c.head_timeout_seconds = 1;
    },
    |app| {
        let (status, p) = exchange(app, b"GET /healthz HTTP/1.1\r\nHos");
        assert_eq!((status, p["code"].as_str()), (408, Some("request_timeout")));
    }
);

db_test!(
    a_body_that_stalls_where_no_handler_reads_it_is_dropped_within_the_timeout,
    config | c | {
        c.body_timeout_seconds = 1;
    },
    |app| {
        // The page answers without reading the body; the rest of the body never comes.
        let stalled =
            b"GET /search?q=x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab";
        let started = std::time::Instant::now();
        let answer = send_raw(app, stalled);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        let waited = started.elapsed();
        assert!(waited < Duration::from_secs(5), "the connection was held {waited:?}");
    }
);

db_test!(a_body_nested_too_deep_is_refused_cleanly_and_writes_nothing, |app| {
    let admin = app.admin_token();
    let before = app.client.get("/api/v1/agencies", Some(&admin)).json()["total"].clone();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let objects = format!(
        r#"{{"name": "某", "code": "D1", "x": {}1{}}}"#,
        r#"{"a":"#.repeat(40),
        "}".repeat(40)
    );
    for (path, body) in
        [("/api/v1/agencies", &deep), ("/api/v1/imports", &deep), ("/api/v1/agencies", &objects)]
    {
        let r = app.client.raw(
            "POST",
            path,
            Some(&admin),
            Some("application/json"),
            body.clone().into_bytes(),
            &[],
        );
        assert_eq!(r.problem(400)["code"], "json_too_deep", "{path}");
    }
    assert_eq!(app.client.get("/api/v1/agencies", Some(&admin)).json()["total"], before);
    assert_eq!(app.client.get("/healthz", None).status, 200, "the server is still up");
});

db_test!(submit_takes_no_body_an_empty_object_or_null_as_the_document_says, |app| {
    let p = Province::new(app);
    let bodies: [(Option<&str>, &[u8]); 3] =
        [(None, b""), (Some("application/json"), b"{}"), (Some("application/json"), b"null")];
    for (content_type, body) in bodies {
        let id = p.draft(app, "沈阳市测试管理办法", "第一条 为了测试，制定本办法。");
        let r = app.client.raw(
            "POST",
            &format!("/api/v1/documents/{id}/submit"),
            Some(&p.drafter),
            content_type,
            body.to_vec(),
            &[],
        );
        assert_eq!(r.status, 200, "body {:?}: {}", String::from_utf8_lossy(body), r.body);
        assert_eq!(r.json()["document"]["status"], "under_review");
    }
    // A body that is present is still held to its shape.
    let id = p.draft(app, "沈阳市测试管理办法", "第一条 为了测试，制定本办法。");
    let wrong =
        app.client.post(&format!("/api/v1/documents/{id}/submit"), Some(&p.drafter), &json!([1]));
    wrong.problem(422);
});
