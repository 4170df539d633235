//! Pages and feeds that cannot be turned against their readers: security headers on every
//! answer, and absolute URLs from `NORMREG_PUBLIC_URL`, never from the request's `Host`.

use std::io::{Read, Write};

use crate::db_test;
use crate::feeds::{catalogue, public_ids};
use crate::fixtures::Province;
use crate::helpers::*;

/// A GET sent by hand, so that the `Host` and forwarding headers are exactly the attacker's.
fn get_as_evil(base: &str, path: &str) -> String {
    let addr = base.strip_prefix("http://").expect("http base");
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Host: evil.example\r\n\
         X-Forwarded-Proto: https\r\nForwarded: host=evil.example;proto=https\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("read");
    let answer = String::from_utf8_lossy(&answer).to_string();
    assert!(answer.starts_with("HTTP/1.1 200"), "{path}: {answer}");
    answer
}

/// Every page and feed a reader may open.
fn paths(app: &TestApp) -> Vec<String> {
    let id = public_ids(app, "agency=SY").into_iter().next().expect("a document");
    vec![
        "/".into(),
        "/search?q=%E4%BA%A4%E9%80%9A%E8%BF%90%E8%BE%93".into(),
        format!("/documents/{id}"),
        "/feed.atom".into(),
        "/feed.atom?agency=LN&per_page=1&page=2".into(),
        "/feed.xsl".into(),
        "/catalogues".into(),
        "/suggestions".into(),
        "/consultations.atom".into(),
    ]
}

db_test!(a_forged_host_header_appears_in_no_feed_or_page, |app| {
    let p = Province::new(app);
    catalogue(app, &p);
    for path in paths(app) {
        let answer = get_as_evil(&app.server.base, &path);
        assert!(!answer.contains("evil.example"), "{path}: {answer}");
    }
    let feed = get_as_evil(&app.server.base, "/feed.atom");
    let own = format!("<id>{}/feed.atom</id>", app.server.base);
    assert!(feed.contains(&own), "without NORMREG_PUBLIC_URL, the listen address: {feed}");
});

db_test!(
    feeds_take_their_absolute_urls_from_the_public_url,
    config | config | {
        config.public_url = Some("https://gfxwj.example.gov.cn/normreg".into());
    },
    |app| {
        let p = Province::new(app);
        catalogue(app, &p);
        let feed = get_as_evil(&app.server.base, "/feed.atom?agency=LN&per_page=1");
        assert!(!feed.contains("evil.example"), "{feed}");
        assert!(!feed.contains("127.0.0.1"), "{feed}");
        assert!(
            feed.contains(
                "<id>https://gfxwj.example.gov.cn/normreg/feed.atom?agency=LN&amp;per_page=1</id>"
            ),
            "{feed}"
        );
        assert!(feed.contains("rel=\"next\" type=\"application/atom+xml\" href=\"https://gfxwj.example.gov.cn/normreg/feed.atom?agency=LN&amp;per_page=1&amp;page=2\""), "{feed}");
        assert!(feed.contains("<link rel=\"alternate\" type=\"text/html\" href=\"https://gfxwj.example.gov.cn/normreg/documents/"), "{feed}");
    }
);

db_test!(every_page_feed_and_api_answer_carries_the_security_headers, |app| {
    let p = Province::new(app);
    catalogue(app, &p);
    let mut all = paths(app);
    all.extend(["/api/v1/public/documents".into(), "/no/such/page".into(), "/metrics".into()]);
    for path in all {
        let r = app.client.get(&path, None);
        let csp = r.header("content-security-policy").unwrap_or_else(|| panic!("{path}: CSP"));
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert_eq!(r.header("x-content-type-options").as_deref(), Some("nosniff"), "{path}");
        assert_eq!(
            r.header("referrer-policy").as_deref(),
            Some("strict-origin-when-cross-origin"),
            "{path}"
        );
        assert_eq!(r.header("x-frame-options").as_deref(), Some("DENY"), "{path}");
        // XML answers (the feeds) may load the stylesheet; pages run no script.
        if path.starts_with("/feed.atom") || path.starts_with("/consultations.atom") {
            assert!(csp.contains("script-src 'self'"), "the feed may load its stylesheet: {csp}");
        } else {
            assert!(!csp.contains("script-src"), "{path}: no script at all: {csp}");
        }
    }
});
