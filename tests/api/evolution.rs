//! Documents expire by themselves, continue by decision, are repealed and amended without
//! losing history.

use normreg::domain::clock::Clock;
use serde_json::json;

use crate::db_test;
use crate::fixtures::Province;
use crate::helpers::*;

/// Publishes a document on the clock's date valid until `until`.
fn publish_until(app: &TestApp, p: &Province, title: &str, until: &str) -> String {
    let id = p.adopted(app, title);
    p.register(app, &id);
    let today = app.clock.today().to_string();
    let r = app.client.post(
        &format!("/api/v1/documents/{id}/publish"),
        Some(&p.registrar),
        &json!({"published_on": today, "valid_until": until, "channel": "政府网站"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    id
}

fn expired_events(app: &TestApp, p: &Province, id: &str) -> usize {
    let r = app.client.get(&format!("/api/v1/documents/{id}/history"), Some(&p.drafter));
    assert_eq!(r.status, 200, "history: {}", r.body);
    let h = r.json();
    h.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "expired" && e["document_id"] == id)
        .count()
}

fn validity(app: &TestApp, p: &Province, id: &str) -> String {
    app.client.get(&format!("/api/v1/documents/{id}"), Some(&p.drafter)).json()["validity"]
        .as_str()
        .unwrap()
        .to_string()
}

fn run_cli_expire(url: &str, as_of: &str) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_normreg"))
        .args(["expire", "--as-of", as_of])
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("normreg expire runs")
}

db_test!(a_document_is_in_force_on_its_last_day_and_expires_the_next_with_one_event, |app| {
    let p = Province::new(app);
    let by_cli = publish_until(app, &p, "沈阳市甲办法", "2026-06-30");
    let by_serve = publish_until(app, &p, "沈阳市乙办法", "2026-08-31");
    let continued = publish_until(app, &p, "沈阳市丙办法", "2026-06-30");
    app.clock.set_date(date("2026-06-20"));
    let expiring =
        app.client.get("/api/v1/documents/expiring?within_days=30", Some(&p.drafter)).json();
    assert_eq!(expiring["total"], 2, "two documents end within 30 days: {expiring}");
    let r = app.client.post(&format!("/api/v1/documents/{continued}/continue"), Some(&p.registrar), &json!({"decided_on": "2026-06-20", "reason": "评估后确需继续实施。", "valid_until": "2028-06-30"}));
    assert_eq!(r.status, 200, "{}", r.body);

    app.clock.set_date(date("2026-06-30"));
    assert_eq!(validity(app, &p, &by_cli), "in_force");
    app.clock.set_date(date("2026-07-01"));
    assert_eq!(validity(app, &p, &by_cli), "expired");
    // Two expiry runs at once from the command line, then a third.
    let runs =
        [run_cli_expire(&app.db.url, "2026-07-01"), run_cli_expire(&app.db.url, "2026-07-01")];
    for mut r in runs {
        assert!(r.wait().unwrap().success());
    }
    assert!(run_cli_expire(&app.db.url, "2026-07-01").wait().unwrap().success());
    assert_eq!(expired_events(app, &p, &by_cli), 1);
    assert_eq!(expired_events(app, &p, &by_serve), 0);
    assert_eq!(validity(app, &p, &continued), "in_force", "a continued document does not expire");
    assert_eq!(expired_events(app, &p, &continued), 0);

    // Inside `serve`: a server with the scheduler expires at start.
    app.clock.set_date(date("2026-09-01"));
    let mut config = test_config(&app.db.url).unwrap();
    config.run_scheduler = true;
    let mut scheduled = TestServer::start_with(config, app.clock.clone()).unwrap();
    let mut seen = 0;
    for _ in 0..100 {
        seen = expired_events(app, &p, &by_serve);
        if seen > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    scheduled.stop();
    assert_eq!(seen, 1);
    assert_eq!(expired_events(app, &p, &by_cli), 1, "the earlier expiry was not repeated");
    let doc = app.client.get(&format!("/api/v1/documents/{by_serve}"), Some(&p.drafter)).json();
    assert_eq!(doc["validity"], "expired");
    assert_eq!(doc["ended_on"], "2026-09-01");
});

db_test!(repeal_and_amendment_keep_history_and_the_text_of_any_date, |app| {
    let p = Province::new(app);
    let doc = p.published(app, "沈阳市养犬管理办法", "第一条 原文本。");
    let v1 = doc["id"].as_str().unwrap().to_string();
    app.clock.set_date(date("2026-05-04"));
    let draft = app.client.raw(
        "POST",
        &format!("/api/v1/documents/{v1}/amend"),
        Some(&p.drafter),
        None,
        Vec::new(),
        &[],
    );
    assert_eq!(draft.status, 201, "{}", draft.body);
    let v2 = draft.json()["id"].as_str().unwrap().to_string();
    assert_eq!(draft.json()["version"], 2);
    let again = app.client.raw(
        "POST",
        &format!("/api/v1/documents/{v1}/amend"),
        Some(&p.drafter),
        None,
        Vec::new(),
        &[],
    );
    assert_eq!(again.problem(409)["code"], "amendment_open");
    app.client.patch(
        &format!("/api/v1/documents/{v2}"),
        Some(&p.drafter),
        &json!({"body": "第一条 修改后的文本。"}),
    );
    p.submit(app, &v2);
    p.review_lawful(app, &v2);
    p.adopt(app, &v2);
    p.register(app, &v2);
    let published = app
        .client
        .post(
            &format!("/api/v1/documents/{v2}/publish"),
            Some(&p.registrar),
            &json!({"published_on": "2026-05-04", "channel": "政府网站"}),
        )
        .json();
    assert_eq!(published["effective_on"], "2026-06-03");
    app.clock.set_date(date("2026-06-03"));
    let old = app.client.get(&format!("/api/v1/documents/{v1}"), Some(&p.drafter)).json();
    assert_eq!(old["validity"], "amended");
    assert_eq!(old["superseded_by_id"], v2.as_str());
    let text_then = app
        .client
        .get(&format!("/api/v1/documents/{v2}/as-of?date=2026-05-10"), Some(&p.drafter))
        .json();
    assert_eq!(text_then["body"], "第一条 原文本。", "{text_then}");
    assert_eq!(text_then["validity"], "in_force");
    let text_now = app
        .client
        .get(&format!("/api/v1/documents/{v1}/as-of?date=2026-06-03"), Some(&p.drafter))
        .json();
    assert_eq!(text_now["body"], "第一条 修改后的文本。");

    let repealed = app.client.post(
        &format!("/api/v1/documents/{v2}/repeal"),
        Some(&p.registrar),
        &json!({"repealed_on": "2026-06-10", "reason": "上位法已废止。"}),
    );
    assert_eq!(repealed.status, 200, "{}", repealed.body);
    app.clock.set_date(date("2026-06-10"));
    assert_eq!(validity(app, &p, &v2), "repealed");
    app.client
        .post(
            &format!("/api/v1/documents/{v2}/repeal"),
            Some(&p.registrar),
            &json!({"repealed_on": "2026-06-11", "reason": "再次"}),
        )
        .problem(409);
    let history =
        app.client.get(&format!("/api/v1/documents/{v1}/history"), Some(&p.drafter)).json();
    let actions: Vec<&str> =
        history.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(
        actions.contains(&"amended")
            && actions.contains(&"amendment_started")
            && actions.contains(&"repealed"),
        "{actions:?}"
    );
});

db_test!(an_expired_document_cannot_be_repealed_amended_or_continued_even_before_the_run, |app| {
    let p = Province::new(app);
    let id = publish_until(app, &p, "沈阳市到期办法", "2026-06-30");
    app.clock.set_date(date("2026-07-01"));
    // No expiry run yet: the document is expired all the same.
    assert_eq!(validity(app, &p, &id), "expired");
    let repeal = app.client.post(
        &format!("/api/v1/documents/{id}/repeal"),
        Some(&p.registrar),
        &json!({"repealed_on": "2026-07-01", "reason": "废止。"}),
    );
    assert_eq!(repeal.problem(409)["code"], "already_expired");
    let amend = app.client.raw(
        "POST",
        &format!("/api/v1/documents/{id}/amend"),
        Some(&p.drafter),
        None,
        Vec::new(),
        &[],
    );
    assert_eq!(amend.problem(409)["code"], "already_expired");
    let r = app.client.post(
        &format!("/api/v1/documents/{id}/continue"),
        Some(&p.registrar),
        &json!({"decided_on": "2026-07-01", "reason": "继续。", "valid_until": "2028-06-30"}),
    );
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(expired_events(app, &p, &id), 0, "nothing was recorded by the refusals");
    let doc = app.client.get(&format!("/api/v1/documents/{id}"), Some(&p.drafter)).json();
    assert_eq!(doc["ended_on"], "2026-07-01");
});

db_test!(a_repealed_document_never_gets_an_expiry_event_and_a_continued_one_expires_later, |app| {
    let p = Province::new(app);
    let repealed = publish_until(app, &p, "沈阳市废止办法", "2026-06-30");
    let continued = publish_until(app, &p, "沈阳市延续办法", "2026-06-30");
    let r = app.client.post(
        &format!("/api/v1/documents/{repealed}/repeal"),
        Some(&p.registrar),
        &json!({"repealed_on": "2026-05-01", "reason": "废止。"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = app.client.post(
        &format!("/api/v1/documents/{continued}/continue"),
        Some(&p.registrar),
        &json!({"decided_on": "2026-03-02", "reason": "评估后继续。", "valid_until": "2027-06-30"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    app.clock.set_date(date("2026-07-02"));
    assert!(run_cli_expire(&app.db.url, "2026-07-02").wait().unwrap().success());
    assert_eq!(expired_events(app, &p, &repealed), 0);
    assert_eq!(validity(app, &p, &repealed), "repealed");
    assert_eq!(expired_events(app, &p, &continued), 0);
    assert!(run_cli_expire(&app.db.url, "2027-07-01").wait().unwrap().success());
    assert!(run_cli_expire(&app.db.url, "2027-07-05").wait().unwrap().success());
    assert_eq!(expired_events(app, &p, &continued), 1, "once, at the continued end");
    assert_eq!(expired_events(app, &p, &repealed), 0);
});
