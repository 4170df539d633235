//! Deadlines that fall due are listed for the agencies concerned, soonest first, with how many
//! days are left; filing authorities also see the filing deadlines of those that file with them.

use serde_json::{json, Value};

use crate::db_test;
use crate::fixtures::{neighbour_city, Province};
use crate::helpers::*;

fn deadlines(app: &TestApp, token: &str, query: &str) -> Value {
    let r = app.client.get(&format!("/api/v1/deadlines{query}"), Some(token));
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

/// `(kind, title, due_on)` of each item, in the order listed.
fn summary(list: &Value) -> Vec<(String, String, String)> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap().to_string(),
                i["title"].as_str().unwrap().to_string(),
                i["due_on"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn row(kind: &str, title: &str, due: &str) -> (String, String, String) {
    (kind.to_string(), title.to_string(), due.to_string())
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

db_test!(
    each_agency_sees_its_deadlines_by_due_date_and_the_filing_authority_those_of_its_filers,
    |app| {
        let p = Province::new(app);
        let body = "第一条 为了规范管理，制定本办法。";
        let unfiled = id_of(&p.published(app, "沈阳市甲办法", body));
        let supplement = id_of(&p.published(app, "沈阳市乙办法", body));
        let filing = app.client.post(
        &format!("/api/v1/documents/{supplement}/filing"),
        Some(&p.drafter),
        &json!({"report": "备案报告", "materials": [{"kind": "official_text", "title": "正式文本"}]}),
    );
        assert_eq!(filing.status, 201, "{}", filing.body);
        let decided = app.client.post(
            &format!("/api/v1/filings/{}/decision", id_of(&filing.json())),
            Some(&p.filing_reviewer),
            &json!({"outcome": "supplement_required", "reason": "缺少起草说明和制定依据。"}),
        );
        assert_eq!(decided.status, 200, "{}", decided.body);
        let expiring = p.adopted(app, "沈阳市丙办法");
        p.register(app, &expiring);
        let r = app.client.post(
        &format!("/api/v1/documents/{expiring}/publish"),
        Some(&p.registrar),
        &json!({"published_on": "2026-03-02", "valid_until": "2026-06-30", "channel": "政府网站"}),
    );
        assert_eq!(r.status, 200, "{}", r.body);
        let reviewing = p.draft(app, "沈阳市丁办法", body);
        let review_due =
            p.submit(app, &reviewing)["document"]["review_due_on"].as_str().unwrap().to_string();
        let suggestion = app.client.post(
            "/api/v1/public/review-suggestions",
            None,
            &json!({"document_id": unfiled, "content": "该办法第一条缺乏上位法依据。"}),
        );
        assert_eq!(suggestion.status, 201, "{}", suggestion.body);
        let suggestion_due = suggestion.json()["due_on"].as_str().unwrap().to_string();

        let city = deadlines(app, &p.drafter, "");
        let mut expected = vec![
            row("filing", "沈阳市丙办法", "2026-03-17"),
            row("filing", "沈阳市甲办法", "2026-03-17"),
            row("filing_supplement", "沈阳市乙办法", "2026-03-17"),
            row("review", "沈阳市丁办法", &review_due),
            row("evaluation", "沈阳市丙办法", "2026-06-30"),
        ];
        expected.sort_by(|a, b| a.2.cmp(&b.2));
        assert_eq!(summary(&city), expected, "{city}");
        let first = &city["items"][0];
        assert_eq!(
            (first["overdue"].as_bool(), first["days_left"].as_i64()),
            (Some(false), Some(15))
        );
        assert_eq!(first["kind_label"], "报送备案");
        assert_eq!(city["total"], 5);

        let paged = deadlines(app, &p.drafter, "?per_page=2&page=2");
        assert_eq!(summary(&paged), expected[2..4].to_vec());
        let soon = deadlines(app, &p.registrar, "?within_days=15");
        assert_eq!(soon["total"], 3, "only what falls due within 15 days: {soon}");
        let far = deadlines(app, &p.registrar, "?within_days=800");
        let last = far["items"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(
            (last["kind"].as_str(), last["due_on"].as_str()),
            (Some("cleanup"), Some("2028-03-02")),
            "two years after the first publication: {far}"
        );

        let province = deadlines(app, &p.filing_reviewer, "");
        assert_eq!(
        summary(&province),
        vec![
            row("filing", "沈阳市丙办法", "2026-03-17"),
            row("filing", "沈阳市甲办法", "2026-03-17"),
            row("filing_supplement", "沈阳市乙办法", "2026-03-17"),
            row("suggestion_reply", "沈阳市甲办法", &suggestion_due),
        ],
        "filing deadlines of its filers and its own suggestions, not the city's reviews: {province}"
    );

        let dl = neighbour_city(app, &p);
        let stranger = app.user(&p.admin, "dl-registrar", &dl, &["registrar"]);
        assert_eq!(deadlines(app, &stranger, "")["total"], 0);

        app.clock.set_date(date("2026-03-20"));
        let late = deadlines(app, &p.drafter, "?within_days=0");
        let late_items = late["items"].as_array().unwrap();
        assert_eq!(late_items.len(), 3, "{late}");
        assert!(late_items.iter().all(|i| i["overdue"] == true && i["days_left"] == -3), "{late}");
        let filed = app.client.post(
        &format!("/api/v1/documents/{unfiled}/filing"),
        Some(&p.drafter),
        &json!({"report": "备案报告", "materials": [{"kind": "official_text", "title": "正式文本"}, {"kind": "drafting_notes", "title": "起草说明"}, {"kind": "legal_basis", "title": "制定依据"}]}),
    );
        assert_eq!(filed.status, 201, "{}", filed.body);
        let after = deadlines(app, &p.drafter, "?within_days=0");
        assert!(
            !summary(&after).contains(&row("filing", "沈阳市甲办法", "2026-03-17")),
            "filed: {after}"
        );
    }
);

db_test!(the_next_cleanup_falls_due_an_interval_after_the_last_closed_campaign, |app| {
    let p = Province::new(app);
    p.published(app, "沈阳市甲办法", "第一条 正文。");
    app.clock.set_date(date("2026-05-04"));
    let cleanup = |app: &TestApp| {
        let list = deadlines(app, &p.registrar, "?within_days=3650");
        list["items"].as_array().unwrap().iter().find(|i| i["kind"] == "cleanup").cloned().unwrap()
    };
    assert_eq!(cleanup(app)["due_on"], "2028-03-02");
    let campaign = app
        .client
        .post("/api/v1/cleanup-campaigns", Some(&p.registrar), &json!({"name": "2026年度清理"}))
        .json();
    let open = cleanup(app);
    assert_eq!(
        (open["title"].as_str(), open["reference_id"].as_str()),
        (Some("2026年度清理"), campaign["id"].as_str())
    );
    let item = campaign["items"][0]["document_id"].as_str().unwrap().to_string();
    let cid = id_of(&campaign);
    let r = app.client.put(
        &format!("/api/v1/cleanup-campaigns/{cid}/items/{item}"),
        Some(&p.registrar),
        &json!({"outcome": "continue", "reason": "仍然适用。"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = app.client.raw(
        "POST",
        &format!("/api/v1/cleanup-campaigns/{cid}/close"),
        Some(&p.registrar),
        None,
        Vec::new(),
        &[],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let mut policy = app.client.get("/api/v1/policy", Some(&p.admin)).json();
    policy["cleanup_interval_years"] = json!(3);
    assert_eq!(app.client.put("/api/v1/policy", Some(&p.admin), &policy).status, 200);
    assert_eq!(cleanup(app)["due_on"], "2029-05-04", "three years after the closing, by policy");

    app.client.get("/api/v1/deadlines?within_days=3651", Some(&p.registrar)).problem(422);
    app.client.get("/api/v1/deadlines", Some(&p.admin)).problem(403);
    app.client.get("/api/v1/deadlines", None).problem(401);
});
