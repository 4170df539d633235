//! The public pages in a real browser: headless Chromium driven over the W3C WebDriver
//! protocol (plain HTTP to chromedriver, no client library) searches, opens a document,
//! submits a review suggestion and tracks it, and comments on an open consultation and reads
//! the drafter's feedback once it closed, follows the table of contents, a comparison and
//! (`browser/citations.rs`) the citations between documents, keeping a screenshot of every
//! step.
//!
//! Without Chromium the test prints `NOT RUN: chromium missing` and passes, so that `cargo
//! test` works on a fresh machine; with `NORMREG_BROWSER_TEST=required` (as `.ci/run` sets)
//! it fails instead.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use normreg::domain::clock::Clock;
use serde_json::{json, Value};

use crate::db_test;
use crate::fixtures::Province;
use crate::helpers::*;

mod citations;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The W3C name of the key under which an element reference travels.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Whether the browser test can run here; fails when it is required but impossible.
fn browser_available() -> bool {
    let present = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    if !present {
        if std::env::var("NORMREG_BROWSER_TEST").as_deref() == Ok("required") {
            panic!(
                "NORMREG_BROWSER_TEST=required but {CHROMIUM} or {CHROMEDRIVER} is missing: \
                 apt-get install -y chromium chromium-driver"
            );
        }
        eprintln!("NOT RUN: chromium missing ({CHROMIUM}, {CHROMEDRIVER})");
    }
    present
}

/// Where screenshots go: `target/browser-artifacts/<test>/`, under CARGO_TARGET_DIR if set.
fn artifacts_dir(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("browser-artifacts").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("artifacts folder");
    dir
}

/// A chromedriver process with one browser session; both end when it is dropped.
struct Browser {
    driver: Child,
    client: Client,
    session: String,
    profile: PathBuf,
    artifacts: PathBuf,
    shots: usize,
}

impl Browser {
    fn start(artifacts: PathBuf) -> Self {
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").expect("free port");
            l.local_addr().expect("port").port()
        };
        let log = std::fs::File::create(artifacts.join("chromedriver.log")).expect("driver log");
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("chromedriver starts");
        let client = Client::new(&format!("http://127.0.0.1:{port}"));
        let started = Instant::now();
        loop {
            let ready = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() && {
                let r = client.get("/status", None);
                r.status == 200 && r.json()["value"]["ready"] == true
            };
            if ready {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile =
            std::env::temp_dir().join(format!("normreg-chromium-{}", uuid::Uuid::new_v4()));
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,1000",
            "--lang=zh-CN",
        ]
        .iter()
        .map(|a| a.to_string())
        .chain([format!("--user-data-dir={}", profile.display())])
        .collect::<Vec<_>>();
        let r = client.post(
            "/session",
            None,
            &json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
            }}}),
        );
        assert_eq!(r.status, 200, "new session: {}", r.body);
        let session = r.json()["value"]["sessionId"].as_str().expect("session id").to_string();
        let mut browser = Self { driver, client, session, profile, artifacts, shots: 0 };
        // Finding an element waits up to this long for it to appear.
        browser.command("POST", "timeouts", json!({"implicit": 5000, "pageLoad": 30000}));
        browser
    }

    /// One WebDriver command; answers its `value`.
    fn command(&mut self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("/session/{}/{path}", self.session);
        let r = if method == "GET" {
            self.client.get(&url, None)
        } else {
            self.client.send(method, &url, None, &body)
        };
        assert_eq!(r.status, 200, "{method} {path}: {}", r.body);
        r.json()["value"].clone()
    }

    fn open(&mut self, url: &str) {
        self.command("POST", "url", json!({"url": url}));
    }

    fn find(&mut self, css: &str) -> String {
        let v = self.command("POST", "element", json!({"using": "css selector", "value": css}));
        v[ELEMENT].as_str().unwrap_or_else(|| panic!("no element {css}: {v}")).to_string()
    }

    fn text(&mut self, css: &str) -> String {
        let id = self.find(css);
        self.command("GET", &format!("element/{id}/text"), Value::Null)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn type_into(&mut self, css: &str, text: &str) {
        let id = self.find(css);
        self.command("POST", &format!("element/{id}/clear"), json!({}));
        self.command("POST", &format!("element/{id}/value"), json!({"text": text}));
    }

    fn click(&mut self, css: &str) {
        let id = self.find(css);
        self.command("POST", &format!("element/{id}/click"), json!({}));
    }

    /// Clicks a button that submits a form or follows a link, and waits until the browser
    /// shows the next page: WebDriver's click does not wait for the navigation it starts.
    fn click_and_wait(&mut self, css: &str) {
        let before = self.url();
        self.click(css);
        let started = Instant::now();
        loop {
            let ready = self.command(
                "POST",
                "execute/sync",
                json!({"script": "return document.readyState", "args": []}),
            );
            if self.url() != before && ready == "complete" {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "clicking {css} on {before} led nowhere"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn url(&mut self) -> String {
        self.command("GET", "url", Value::Null).as_str().unwrap_or_default().to_string()
    }

    fn page_source(&mut self) -> String {
        self.command("GET", "source", Value::Null).as_str().unwrap_or_default().to_string()
    }

    fn resize(&mut self, width: u32, height: u32) {
        self.command("POST", "window/rect", json!({"width": width, "height": height}));
    }

    /// Saves a PNG of the viewport as `NN-name.png` and prints where.
    fn screenshot(&mut self, name: &str) {
        self.shots += 1;
        self.screenshot_as(&format!("{:02}-{name}", self.shots));
    }

    /// Saves a PNG of the viewport as `file.png` exactly and prints where.
    fn screenshot_as(&mut self, file: &str) {
        let png = self.command("GET", "screenshot", Value::Null);
        let bytes = base64_decode(png.as_str().expect("base64 screenshot"));
        assert!(bytes.starts_with(b"\x89PNG"), "not a PNG");
        let path = self.artifacts.join(format!("{file}.png"));
        std::fs::write(&path, bytes).expect("write screenshot");
        println!("screenshot: {}", path.display());
    }

    /// Whether the element is shown (WebDriver's "is displayed").
    fn displayed(&mut self, css: &str) -> bool {
        let id = self.find(css);
        self.command("GET", &format!("element/{id}/displayed"), Value::Null) == true
    }

    /// Scrolls the element into the viewport, for a screenshot of it.
    fn scroll_to(&mut self, css: &str) {
        let id = self.find(css);
        let script = "arguments[0].scrollIntoView({block: 'start'})";
        self.command("POST", "execute/sync", json!({"script": script, "args": [{ELEMENT: id}]}));
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.client.raw(
            "DELETE",
            &format!("/session/{}", self.session),
            None,
            None,
            Vec::new(),
            &[],
        );
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Standard base64 with padding, as WebDriver sends screenshots.
fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let clean: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=').collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, c)| acc | value(*c) << (18 - 6 * i));
        for i in 0..chunk.len().saturating_sub(1) {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

db_test!(a_citizen_searches_reads_suggests_and_tracks_in_a_real_browser, |app| {
    if !browser_available() {
        return;
    }
    // The demo province gives the pages real content to show.
    let config = test_config(&app.db.url).expect("config");
    let today = app.clock.today();
    actix_web::rt::System::new()
        .block_on(normreg::demo::seed(config, today, "demo-password-for-tests"))
        .expect("demo seeds");
    let engine = format!("{:?}", app.engine).to_lowercase();
    let artifacts = artifacts_dir(&format!("citizen-{engine}"));
    println!("browser artifacts: {}", artifacts.display());
    let base = app.server.base.clone();
    let mut b = Browser::start(artifacts);

    b.open(&format!("{base}/"));
    assert_eq!(b.text("h1"), "行政规范性文件查询");
    b.screenshot("home");

    // Search from the home page's form.
    b.type_into("#q", "法律援助");
    b.click_and_wait("form.search button[type=submit]");
    assert!(b.url().contains("/search?"), "{}", b.url());
    assert!(b.text("h1").contains("法律援助"), "{}", b.page_source());
    assert!(b.text("p[role=status]").starts_with("共找到"));
    let first = b.text("ol.results li h2 a");
    assert_eq!(first, "辽宁省法律援助实施办法");
    assert!(b.page_source().contains("<mark>法律援助</mark>"), "highlighted excerpt");
    b.screenshot("search-results");

    // Open the first result.
    b.click_and_wait("ol.results li h2 a");
    assert!(b.url().contains("/documents/"), "{}", b.url());
    assert_eq!(b.text("h1#title"), "辽宁省法律援助实施办法");
    let facts = b.text("dl.facts");
    assert!(facts.contains("辽司规〔") && facts.contains("现行有效"), "{facts}");
    b.screenshot("document");
    b.resize(390, 844);
    b.screenshot("document-phone");
    b.resize(1280, 1000);

    // Suggest a review of it.
    b.type_into("#content", "第十七条规定的审查期限过长，建议审查其是否符合上位法。");
    b.type_into("#contact", "citizen@example.com");
    b.click_and_wait("form[action$='/suggestions'] button[type=submit]");
    assert!(b.url().contains("/suggestions?"), "{}", b.url());
    let notice = b.text("p[role=status]");
    assert!(notice.contains("已收到您的审查建议"), "{notice}");
    let code = b.text("p[role=status] strong");
    assert!(code.starts_with("JY-"), "{code}");
    b.screenshot("suggestion-received");

    // Track it later with the code, as a citizen would.
    b.open(&format!("{base}/suggestions"));
    b.type_into("#code", &code);
    b.click_and_wait("form.search button[type=submit]");
    assert_eq!(b.text("h1"), "审查建议办理情况");
    let tracking = b.text("dl.facts");
    assert!(tracking.contains(&code) && tracking.contains("辽宁省法律援助实施办法"), "{tracking}");
    assert!(tracking.contains("答复期限"), "{tracking}");
    assert!(!b.page_source().contains("citizen@example.com"), "the contact is never shown");
    b.screenshot("suggestion-tracking");
});

db_test!(a_citizen_comments_on_a_consultation_and_reads_the_feedback_in_a_real_browser, |app| {
    if !browser_available() {
        return;
    }
    // A drafter puts a rights-affecting draft to the public, as the API tests do.
    let p = Province::new(app);
    let body = "第一条 为了规范行政许可事项，制定本办法。\n第二条 本办法自发布之日起施行。";
    let r = app.client.post(
        "/api/v1/documents",
        Some(&p.drafter),
        &json!({"title": "沈阳市行政许可办理办法", "body": body, "affects_rights": true}),
    );
    assert_eq!(r.status, 201, "create: {}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = app.client.post(
        &format!("/api/v1/documents/{id}/consultations"),
        Some(&p.drafter),
        &json!({"closes_on": "2026-03-11", "drafting_notes": "起草说明：规范许可办理。"}),
    );
    assert_eq!(r.status, 201, "open: {}", r.body);
    let cid = r.json()["id"].as_str().unwrap().to_string();

    let engine = format!("{:?}", app.engine).to_lowercase();
    let artifacts = artifacts_dir(&format!("consultation-{engine}"));
    println!("browser artifacts: {}", artifacts.display());
    let base = app.server.base.clone();
    let mut b = Browser::start(artifacts);

    // The list of open consultations leads to the draft.
    b.open(&format!("{base}/consultations"));
    assert_eq!(b.text("h1"), "公开征求意见");
    assert_eq!(b.text("ol.results li h2 a"), "沈阳市行政许可办理办法");
    b.screenshot("consultations");
    b.click_and_wait("ol.results li h2 a");
    assert!(b.url().ends_with(&format!("/consultations/{cid}")), "{}", b.url());
    assert!(b.text("h1").contains("征求意见稿"), "{}", b.page_source());
    assert!(b.text("dl.facts").contains("2026-03-11"));
    b.screenshot("consultation-open");

    // Comment through the form.
    let contact = "commenter-13900000000@example.com";
    b.type_into("#content", "建议第一条增加听证程序。");
    b.type_into("#article", "第一条");
    b.type_into("#name", "张三");
    b.type_into("#contact", contact);
    b.screenshot("comment-filled");
    b.click_and_wait("form[action$='/comments'] button[type=submit]");
    assert!(b.url().contains("/consultation-comments?"), "{}", b.url());
    assert!(b.text("p[role=status]").contains("已收到您的意见"));
    let code = b.text("p[role=status] strong");
    assert!(code.starts_with("YJ-"), "{code}");
    assert!(!b.page_source().contains(contact), "the contact is never shown");
    b.screenshot("comment-received");

    // The consultation ends with closes_on; the drafter answers the comment.
    app.clock.set_date(date("2026-03-12"));
    let comments =
        app.client.get(&format!("/api/v1/consultations/{cid}/comments"), Some(&p.drafter));
    assert_eq!(comments.status, 200, "{}", comments.body);
    let comment = comments.json()[0]["id"].as_str().unwrap().to_string();
    let r = app.client.put(
        &format!("/api/v1/consultations/{cid}/comments/{comment}"),
        Some(&p.drafter),
        &json!({"disposition": "partly_adopted", "reason": "已在第一条中体现。", "summary": "建议增加听证程序"}),
    );
    assert_eq!(r.status, 200, "dispose: {}", r.body);

    // The consultation page now publishes the feedback instead of the form.
    b.open(&format!("{base}/consultations/{cid}"));
    let feedback = b.text("section[aria-labelledby=feedback]");
    assert!(feedback.contains("意见采纳情况"), "{feedback}");
    assert!(
        feedback.contains("共收到意见 1 条") && feedback.contains("部分采纳 1 条"),
        "{feedback}"
    );
    assert!(feedback.contains("建议增加听证程序") && feedback.contains("已在第一条中体现。"));
    let source = b.page_source();
    assert!(!source.contains(contact) && !source.contains("张三"), "no contact, no name");
    assert!(!source.contains("form action=\"/consultations/"), "no comment form once closed");
    b.screenshot("consultation-feedback");

    // The tracking page, reached with the code, shows the disposition.
    b.open(&format!("{base}/consultation-comments"));
    b.type_into("#code", &code);
    b.click_and_wait("form.search button[type=submit]");
    assert_eq!(b.text("h1"), "意见采纳情况查询");
    let tracking = b.text("dl.facts");
    assert!(tracking.contains(&code) && tracking.contains("部分采纳"), "{tracking}");
    assert!(tracking.contains("已在第一条中体现。"), "{tracking}");
    assert!(!b.page_source().contains(contact), "the contact is never shown");
    b.screenshot("comment-tracking");
});

db_test!(a_reader_follows_the_table_of_contents_and_compares_versions_in_a_real_browser, |app| {
    if !browser_available() {
        return;
    }
    use crate::structure::{amend, id_of, V1, V2};
    let p = Province::new(app);
    let v1 = id_of(&p.published(app, "沈阳市养犬管理办法", V1));
    app.clock.set_date(date("2026-05-04"));
    let v2 = amend(app, &p, &v1, V2);
    let engine = format!("{:?}", app.engine).to_lowercase();
    let artifacts = artifacts_dir(&format!("structure-{engine}"));
    let base = app.server.base.clone();
    let mut b = Browser::start(artifacts);

    // The document page: a table of contents, articles one can link to, indented paragraphs.
    b.open(&format!("{base}/documents/{v2}"));
    let toc = b.text("nav.toc");
    assert!(toc.contains("第一章　总则") && toc.contains("第二章　管理"), "{toc}");
    assert!(toc.contains("第七条"), "{toc}");
    b.screenshot("document-toc");
    b.click_and_wait("nav.toc a[href='#art-3']");
    assert!(b.url().ends_with("#art-3"), "{}", b.url());
    assert!(b.text("#art-3").starts_with("第三条"), "{}", b.text("#art-3"));
    assert_eq!(b.text("#art-3-p-2"), "违反前款规定的，由公安机关予以批评教育。");
    let p2 = b.find("#art-3-p-2");
    let indent = b.command("GET", &format!("element/{p2}/css/text-indent"), Value::Null);
    assert_ne!(indent, "0px", "first-line indent");
    let print = b.command(
        "POST",
        "execute/sync",
        json!({"script": "return [...document.styleSheets].some(s => [...s.cssRules].some(r => r.media && r.media.mediaText === 'print'))", "args": []}),
    );
    assert_eq!(print, true, "a print stylesheet");
    b.screenshot("document-article-3");

    // The comparison, linked from the amended version (and from the new one).
    b.open(&format!("{base}/documents/{v1}"));
    b.click_and_wait("p.compare-links a");
    assert!(b.url().contains(&format!("/documents/{v2}/compare?with={v1}")), "{}", b.url());
    assert!(b.text("h1").contains("修改对照表"));
    let summary = b.text("p.summary");
    assert!(summary.contains("修改 1 条，新增 1 条，删除 1 条，条序变动 2 条"), "{summary}");
    assert!(b.text("tr.c-changed ins").contains("城市化管理地"));
    assert!(b.text("tr.c-added").contains("第四条"));
    assert!(b.text("tr.c-deleted").contains("第六条"));
    assert!(b.text("tr.c-moved").contains("条序变动（第四条→第五条）"));
    b.screenshot("comparison");
    b.open(&format!("{base}/documents/{v2}"));
    assert!(b.text("p.compare-links a").contains("与上一版本"));
});
