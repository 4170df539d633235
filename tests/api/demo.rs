//! `normreg demo`: the seeded province shows a working public catalogue, and seeding twice
//! changes nothing.

use normreg::demo::{self, Outcome};
use normreg::domain::clock::Clock;
use serde_json::Value;

use crate::db_test;
use crate::helpers::*;

fn seed(app: &TestApp) -> Outcome {
    let config = test_config(&app.db.url).expect("config");
    let today = app.clock.today();
    actix_web::rt::System::new()
        .block_on(demo::seed(config, today, "demo-password-for-tests"))
        .expect("demo seeds")
}

fn public(app: &TestApp, query: &str) -> Value {
    let r = app.client.get(&format!("/api/v1/public/documents?{query}"), None);
    assert_eq!(r.status, 200, "{query}: {}", r.body);
    r.json()
}

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|d| d["title"].as_str().unwrap().to_string())
        .collect()
}

db_test!(the_demo_province_is_listed_and_searchable_through_the_public_api, |app| {
    let Outcome::Seeded(summary) = seed(app) else { panic!("a fresh database is seeded") };
    let planned = demo::documents().expect("demo documents").len();
    assert!(planned >= 30, "a few dozen documents, got {planned}");
    assert_eq!(summary.published, planned);

    let all = public(app, "per_page=100");
    assert_eq!(all["total"], planned as i64, "{all}");
    assert!(titles(&all)
        .iter()
        .all(|t| t.starts_with("辽宁省") || t.starts_with("沈阳市") || t.starts_with("大连市")));

    // Two consultations: one closed with its feedback, one still open.
    let open = app.client.get("/api/v1/public/consultations?status=open", None).json();
    assert_eq!(open["total"], 1, "{open}");
    let closed = app.client.get("/api/v1/public/consultations?status=closed", None).json();
    assert_eq!(closed["total"], 1, "{closed}");
    let id = closed["items"][0]["id"].as_str().unwrap();
    let one = app.client.get(&format!("/api/v1/public/consultations/{id}"), None).json();
    assert_eq!(one["feedback"]["comments"], 3, "{one}");

    // A four-character term finds its document first; a two-character one finds many.
    let found = public(app, "q=%E6%B3%95%E5%BE%8B%E6%8F%B4%E5%8A%A9"); // 法律援助
    assert_eq!(
        titles(&found).first().map(String::as_str),
        Some("辽宁省法律援助实施办法"),
        "{found}"
    );
    let found = public(app, "q=%E8%AE%B8%E5%8F%AF"); // 许可
    assert!(found["total"].as_i64().unwrap() >= 3, "{found}");
    assert!(
        found["items"][0]["snippet"].as_str().unwrap().contains("<mark>许可</mark>"),
        "{found}"
    );

    // Repealed and expired documents are there, with their state.
    assert_eq!(public(app, "validity=repealed")["total"], summary.repealed as i64);
    assert_eq!(summary.repealed, 2);
    assert_eq!(public(app, "validity=expired")["total"], summary.expired as i64);
    assert!(summary.expired >= 2, "{}", summary.expired);
    assert!(summary.filed >= 10, "{}", summary.filed);

    // Numbers come from the gapless series: every document has both, and lookup finds it.
    let doc = &all["items"][0];
    let number = doc["issuance_number"].as_str().expect("文号");
    assert!(doc["registration_number"].is_string(), "{doc}");
    let spelled = number.replace('〔', "[").replace('〕', "]");
    let encoded: String = spelled.bytes().map(|b| format!("%{b:02X}")).collect();
    let r = app.client.get(&format!("/api/v1/public/lookup?number={encoded}"), None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["id"], doc["id"]);

    // Last year's annual catalogue is frozen for every agency, with its documents.
    assert_eq!(summary.catalogues, 7);
    let last_year = {
        use chrono::Datelike;
        app.clock.today().year() - 1
    };
    let r = app.client.get(&format!("/api/v1/public/catalogues/LN/{last_year}"), None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.json()["entry_count"].as_i64().unwrap() > 0, "{}", r.body);

    // Every demo account can log in with the printed password.
    for u in &summary.users {
        app.login(&u.username, &summary.password);
    }

    // Every demo filing carries its official text and report as files: all are complete.
    let reviewer = app.login("ln-filing", &summary.password);
    let filings = app.client.get("/api/v1/filings?per_page=100", Some(&reviewer));
    assert_eq!(filings.status, 200, "{}", filings.body);
    let filings = filings.json();
    let items = filings["items"].as_array().expect("items");
    assert!(!items.is_empty(), "{filings}");
    assert!(items.iter().all(|f| f["missing_materials"] == serde_json::json!([])), "{filings}");

    // Seeding again changes nothing.
    assert!(matches!(seed(app), Outcome::AlreadySeeded(_)));
    assert_eq!(public(app, "")["total"], planned as i64);
});

db_test!(the_demo_refuses_a_database_that_holds_other_agencies, |app| {
    let admin = app.admin_token();
    app.agency(&admin, serde_json::json!({"name": "某市人民政府", "code": "REAL"}));
    let config = test_config(&app.db.url).expect("config");
    let today = app.clock.today();
    let err = actix_web::rt::System::new()
        .block_on(demo::seed(config, today, "demo-password-for-tests"))
        .expect_err("refused");
    assert!(err.to_string().contains("empty"), "{err}");
    assert_eq!(public(app, "")["total"], 0);
});
