//! Interpretations (解释) are attached to a published document by its issuing agency and are
//! published with it; refusals change nothing.

use serde_json::json;

use crate::db_test;
use crate::fixtures::{neighbour_city, Province};
use crate::helpers::*;

fn interpret(app: &TestApp, token: &str, id: &str, body: serde_json::Value) -> Answer {
    app.client.post(&format!("/api/v1/documents/{id}/interpretations"), Some(token), &body)
}

fn good(number: Option<&str>) -> serde_json::Value {
    json!({
        "title": "关于《沈阳市养犬管理办法》第二条的解释",
        "body": "第二条所称“犬只”，包括导盲犬。",
        "issued_on": "2026-04-01",
        "issuance_number": number,
    })
}

db_test!(an_interpretation_is_attached_to_its_document_and_published_with_it, |app| {
    let p = Province::new(app);
    let doc = p.published(app, "沈阳市养犬管理办法", "第一条 为了规范养犬行为，制定本办法。");
    let id = doc["id"].as_str().unwrap().to_string();
    app.clock.set_date(date("2026-04-01"));

    let r = interpret(app, &p.registrar, &id, good(Some("沈政规[2026] 9號")));
    assert_eq!(r.status, 201, "{}", r.body);
    let created = r.json();
    assert_eq!(created["issuance_number"], "沈政规〔2026〕9号", "stored canonically");
    assert_eq!(created["document_id"], id.as_str());

    let list =
        app.client.get(&format!("/api/v1/documents/{id}/interpretations"), Some(&p.drafter)).json();
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(list["items"][0]["title"], "关于《沈阳市养犬管理办法》第二条的解释");

    let public = app.client.get(&format!("/api/v1/public/documents/{id}"), None).json();
    let published = &public["interpretations"][0];
    assert_eq!(published["body"], "第二条所称“犬只”，包括导盲犬。", "{public}");
    assert_eq!(published["issued_on"], "2026-04-01");
    assert!(published.get("created_by").is_none(), "no actor on a public path: {published}");
    assert_eq!(public["body"], "第一条 为了规范养犬行为，制定本办法。", "the text is unchanged");

    let page = app.client.get(&format!("/documents/{id}"), None);
    assert!(page.body.contains("<h2 id=\"interpretations\">解释</h2>"), "{}", page.body);
    assert!(page.body.contains("关于《沈阳市养犬管理办法》第二条的解释"));

    let history =
        app.client.get(&format!("/api/v1/documents/{id}/history"), Some(&p.drafter)).json();
    let interpreted: Vec<_> =
        history.as_array().unwrap().iter().filter(|e| e["action"] == "interpreted").collect();
    assert_eq!(interpreted.len(), 1, "{history}");
    assert_eq!(interpreted[0]["payload"]["interpretation_id"], created["id"]);
});

db_test!(interpretations_are_refused_for_the_wrong_role_agency_state_or_fields, |app| {
    let p = Province::new(app);
    let doc = p.published(app, "沈阳市养犬管理办法", "第一条 为了规范养犬行为，制定本办法。");
    let id = doc["id"].as_str().unwrap().to_string();
    let draft = p.draft(app, "沈阳市未公布办法", "第一条 草案。");
    let city = neighbour_city(app, &p);
    let stranger = app.user(&p.admin, "dl-registrar", &city, &["registrar"]);
    app.clock.set_date(date("2026-04-01"));

    assert_eq!(interpret(app, &p.drafter, &id, good(None)).problem(403)["code"], "forbidden");
    interpret(app, &stranger, &id, good(None)).problem(404);
    app.client
        .get(&format!("/api/v1/documents/{id}/interpretations"), Some(&stranger))
        .problem(404);
    assert_eq!(
        interpret(app, &p.registrar, &draft, good(None)).problem(409)["code"],
        "not_published"
    );

    let mut blank = good(None);
    blank["title"] = json!("  ");
    blank["issued_on"] = json!("2026-04-02");
    let fields: Vec<String> = interpret(app, &p.registrar, &id, blank).problem(422)["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, vec!["title"], "the text fields are checked first");
    let mut future = good(None);
    future["issued_on"] = json!("2026-04-02");
    assert_eq!(
        interpret(app, &p.registrar, &id, future).problem(422)["errors"][0]["field"],
        "issued_on"
    );
    let mut before = good(None);
    before["issued_on"] = json!("2026-03-01");
    assert_eq!(
        interpret(app, &p.registrar, &id, before).problem(422)["errors"][0]["field"],
        "issued_on"
    );
    assert_eq!(
        interpret(app, &p.registrar, &id, good(Some("九号文件"))).problem(422)["errors"][0]
            ["field"],
        "issuance_number"
    );
    let own_number = doc["issuance_number"].as_str().unwrap();
    assert_eq!(
        interpret(app, &p.registrar, &id, good(Some(own_number))).problem(409)["code"],
        "number_taken"
    );
    let list =
        app.client.get(&format!("/api/v1/documents/{id}/interpretations"), Some(&p.drafter)).json();
    assert_eq!(list["total"], 0, "refusals record nothing: {list}");

    let r = app.client.post(
        &format!("/api/v1/documents/{id}/repeal"),
        Some(&p.registrar),
        &json!({"repealed_on": "2026-04-01", "reason": "上位法已废止。"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(interpret(app, &p.registrar, &id, good(None)).problem(409)["code"], "already_ended");
});
