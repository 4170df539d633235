//! A document's life from draft to an accepted filing, and every illegal move on the way.

use serde_json::json;

use crate::db_test;
use crate::fixtures::Province;
use crate::helpers::*;

const BODY: &str = "第一条 为了规范行政审批中介服务，根据有关规定，结合本市实际，制定本办法。\n第二条 从事中介服务的机构，须经市行政审批局批准，并处以五千元罚款。\n第三条 本办法自发布之日起施行。";

db_test!(a_document_walks_from_draft_to_an_accepted_filing, |app| {
    let p = Province::new(app);
    let id = p.draft(app, "沈阳市行政审批中介服务管理办法", BODY);
    let doc = app.client.get(&format!("/api/v1/documents/{id}"), Some(&p.drafter)).json();
    assert_eq!(doc["status"], "draft");
    assert_eq!(doc["revision"], 1);

    // Submission: due date in working days, and screening that flags the prohibited wording.
    let submitted = p.submit(app, &id);
    assert_eq!(submitted["document"]["status"], "under_review");
    // 2026-03-02 (Monday) + 15 working days = 2026-03-23.
    assert_eq!(submitted["document"]["review_due_on"], "2026-03-23");
    let screening = submitted["screening"].as_array().unwrap();
    let body_chars: Vec<char> = BODY.chars().collect();
    assert!(
        screening.iter().any(|f| f["excerpt"].as_str().unwrap().contains("罚款")),
        "{screening:?}"
    );
    for f in screening {
        let (s, e) = (f["start"].as_u64().unwrap() as usize, f["end"].as_u64().unwrap() as usize);
        assert_eq!(
            body_chars[s..e].iter().collect::<String>(),
            f["excerpt"].as_str().unwrap(),
            "span matches the text"
        );
    }
    let reviewer_view =
        app.client.get(&format!("/api/v1/documents/{id}/reviews"), Some(&p.reviewer)).json();
    assert_eq!(reviewer_view["screening"].as_array().unwrap().len(), screening.len());

    p.review_lawful(app, &id);
    let reviews =
        app.client.get(&format!("/api/v1/documents/{id}/reviews"), Some(&p.drafter)).json();
    assert_eq!(reviews["reviews"][0]["revision"], 1, "the opinion names the revision it reviewed");
    p.adopt(app, &id);
    let registered = p.register(app, &id);
    assert_eq!(registered["status"], "registered");
    assert_eq!(registered["issuance_number"], "沈政规〔2026〕1号");
    assert_eq!(registered["registration_number"], "SYFS—2026—1");

    let published = app.client.post(
        &format!("/api/v1/documents/{id}/publish"),
        Some(&p.registrar),
        &json!({"published_on": "2026-03-02", "channel": "沈阳市人民政府公报"}),
    );
    let doc = published.json();
    assert_eq!(doc["status"], "published", "{}", published.body);
    assert_eq!(doc["effective_on"], "2026-04-01", "30 days after publication");
    assert_eq!(doc["valid_until"], "2031-03-31", "5 years from taking effect");
    assert_eq!(doc["validity"], "not_yet_effective");
    app.clock.set_date(date("2026-04-01"));
    assert_eq!(
        app.client.get(&format!("/api/v1/documents/{id}"), Some(&p.drafter)).json()["validity"],
        "in_force"
    );

    // Filing: within 15 days of publication (2026-03-17), here on 2026-04-01, so late. The
    // official text and the report count with their files.
    let official = crate::files::upload_pdf(app, &p.drafter, &id, "official_text");
    let report = crate::files::upload_pdf(app, &p.drafter, &id, "filing_report");
    let filing = app.client.post(
        &format!("/api/v1/documents/{id}/filing"),
        Some(&p.drafter),
        &json!({
        "report": "关于报送《沈阳市行政审批中介服务管理办法》备案的报告",
        "materials": [
            {"kind": "official_text", "title": "正式文本", "file_id": official},
            {"kind": "filing_report", "title": "备案报告", "file_id": report},
            {"kind": "drafting_notes", "title": "起草说明"},
            {"kind": "legal_basis", "title": "制定依据"}
        ]}),
    );
    assert_eq!(filing.status, 201, "{}", filing.body);
    let f = filing.json();
    assert_eq!(f["due_on"], "2026-03-17");
    assert_eq!(f["late"], true);
    assert_eq!(f["complete"], true);
    assert_eq!(f["authority_id"].as_str().unwrap(), p.province_id);
    let inbox = app.client.get("/api/v1/filings?status=submitted", Some(&p.filing_reviewer)).json();
    assert_eq!(inbox["total"], 1);
    let overdue = app.client.get("/api/v1/filings?overdue=true", Some(&p.filing_reviewer)).json();
    assert_eq!(overdue["total"], 1, "a late filing shows as overdue");
    let fid = f["id"].as_str().unwrap();
    let decided = app.client.post(
        &format!("/api/v1/filings/{fid}/decision"),
        Some(&p.filing_reviewer),
        &json!({"outcome": "accepted", "reason": "材料齐全，予以备案。"}),
    );
    assert_eq!(decided.status, 200, "{}", decided.body);
    assert_eq!(decided.json()["status"], "accepted");

    let history =
        app.client.get(&format!("/api/v1/documents/{id}/history"), Some(&p.drafter)).json();
    let actions: Vec<&str> =
        history.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        vec![
            "created",
            "submitted",
            "reviewed",
            "deliberated",
            "registered",
            "published",
            "file_added",
            "file_added",
            "filed",
            "filing_decision"
        ]
    );
    assert!(history
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor_id"].is_string() && e["at"].is_string()));

    let stats = app
        .client
        .get(
            &format!("/api/v1/stats/filing?year=2026&agency_id={}", p.province_id),
            Some(&p.filing_reviewer),
        )
        .json();
    assert_eq!(stats["filing_rate"]["numerator"], 1);
    assert_eq!(stats["filing_rate"]["rate"], 1.0);
    assert_eq!(stats["timeliness_rate"]["rate"], 0.0, "the filing was late");
    assert_eq!(stats["completeness_rate"]["rate"], 1.0);
    assert_eq!(stats["correction_rate"]["rate"], serde_json::Value::Null);
});

db_test!(a_revise_opinion_is_answered_point_by_point_and_then_found_lawful, |app| {
    let p = Province::new(app);
    let id = p.draft(app, "沈阳市公共资源交易管理暂行办法", BODY);
    p.submit(app, &id);
    let revise = app.client.post(&format!("/api/v1/documents/{id}/review"), Some(&p.reviewer), &json!({
        "conclusion": "revise", "opinion": "第二条设定行政许可和罚款，请删除。",
        "findings": [{"point": "prohibited_measures", "note": "第二条设定了行政许可和行政处罚。"}]}));
    assert_eq!(revise.json()["status"], "revision_required");
    let edited = app.client.patch(&format!("/api/v1/documents/{id}"), Some(&p.drafter), &json!({"body": "第一条 为了规范公共资源交易，制定本办法。\n第二条 本办法自发布之日起施行。"}));
    assert_eq!(edited.json()["revision"], 2);
    // Resubmitting without answering the finding is refused.
    let unanswered = app.client.raw(
        "POST",
        &format!("/api/v1/documents/{id}/submit"),
        Some(&p.drafter),
        None,
        Vec::new(),
        &[],
    );
    unanswered.problem(422);
    let resubmitted = app.client.post(
        &format!("/api/v1/documents/{id}/submit"),
        Some(&p.drafter),
        &json!({"responses": [{"point": "prohibited_measures", "response": "已删除第二条。"}]}),
    );
    assert_eq!(resubmitted.status, 200, "{}", resubmitted.body);
    assert_eq!(resubmitted.json()["screening"], json!([]), "the revised text has nothing to flag");
    p.review_lawful(app, &id);
    let reviews =
        app.client.get(&format!("/api/v1/documents/{id}/reviews"), Some(&p.reviewer)).json();
    assert_eq!(reviews["reviews"][0]["revision"], 1);
    assert_eq!(reviews["reviews"][0]["responses"][0]["response"], "已删除第二条。");
    assert_eq!(reviews["reviews"][1]["revision"], 2);
    assert_eq!(reviews["reviews"][1]["conclusion"], "lawful");
    let doc = app.client.get(&format!("/api/v1/documents/{id}"), Some(&p.drafter)).json();
    assert_eq!(doc["status"], "reviewed");
    // 暂行 in the title: valid 2 years by default.
    p.adopt(app, &id);
    p.register(app, &id);
    let published = app.client.post(&format!("/api/v1/documents/{id}/publish"), Some(&p.registrar), &json!({"published_on": "2026-03-02", "effective_on": "2026-03-02", "early_effect_reason": "涉及公共利益，需立即施行", "channel": "政府网站"})).json();
    assert_eq!(published["effective_on"], "2026-03-02");
    assert_eq!(published["valid_until"], "2028-03-01");
    assert_eq!(published["validity"], "in_force");
});

db_test!(a_corrupt_stored_review_opinion_is_an_error_not_an_empty_one, |app| {
    let p = Province::new(app);
    let id = p.draft(app, "沈阳市公共资源交易管理暂行办法", BODY);
    p.submit(app, &id);
    let revise = app.client.post(&format!("/api/v1/documents/{id}/review"), Some(&p.reviewer), &json!({
        "conclusion": "revise", "opinion": "第二条设定行政许可和罚款，请删除。",
        "findings": [{"point": "prohibited_measures", "note": "第二条设定了行政许可和行政处罚。"}]}));
    assert_eq!(revise.json()["status"], "revision_required");
    // Read as "no findings", the column would let the resubmission pass unanswered.
    execute(&app.db.url, "UPDATE reviews SET findings = 'not json'");
    let resubmitted = app.client.raw(
        "POST",
        &format!("/api/v1/documents/{id}/submit"),
        Some(&p.drafter),
        None,
        Vec::new(),
        &[],
    );
    assert_eq!(resubmitted.problem(500)["code"], "internal_error");
    app.client.get(&format!("/api/v1/documents/{id}/reviews"), Some(&p.reviewer)).problem(500);
    let doc = app.client.get(&format!("/api/v1/documents/{id}"), Some(&p.drafter)).json();
    assert_eq!(doc["status"], "revision_required", "nothing was submitted");
});

/// Runs one statement on the test database behind the server's back.
fn execute(url: &str, sql: &str) {
    use diesel::{Connection, RunQueryDsl};
    if let Some(path) = url.strip_prefix("sqlite://") {
        let mut c = diesel::SqliteConnection::establish(path).unwrap();
        diesel::sql_query(sql).execute(&mut c).unwrap();
    } else {
        let mut c = diesel::PgConnection::establish(url).unwrap();
        diesel::sql_query(sql).execute(&mut c).unwrap();
    }
}

db_test!(every_illegal_move_is_refused_and_changes_nothing, |app| {
    let p = Province::new(app);
    let id = p.draft(app, "沈阳市某管理办法", BODY);
    let snapshot = |app: &TestApp| {
        let d = app.client.get(&format!("/api/v1/documents/{id}"), Some(&p.drafter)).json();
        (
            d["status"].clone(),
            d["revision"].clone(),
            d["issuance_number"].clone(),
            d["updated_at"].clone(),
        )
    };
    let empty = || Vec::new();
    let c = &app.client;
    // Numbering before review; a drafter reviewing; registering by a drafter.
    let before = snapshot(app);
    let r = c.raw(
        "POST",
        &format!("/api/v1/documents/{id}/register"),
        Some(&p.registrar),
        None,
        empty(),
        &[],
    );
    assert!(r.problem(409)["detail"].as_str().unwrap().contains("`draft`"));
    c.post(
        &format!("/api/v1/documents/{id}/review"),
        Some(&p.drafter),
        &json!({"conclusion": "lawful", "opinion": "自己审自己"}),
    )
    .problem(403);
    c.raw(
        "POST",
        &format!("/api/v1/documents/{id}/register"),
        Some(&p.drafter),
        None,
        empty(),
        &[],
    )
    .problem(403);
    c.post(
        &format!("/api/v1/documents/{id}/deliberation"),
        Some(&p.drafter),
        &json!({"meeting": "常务会议", "decided_on": "2026-03-01", "adopted": true}),
    )
    .problem(409);
    assert_eq!(snapshot(app), before);

    p.submit(app, &id);
    let before = snapshot(app);
    // Editing after submission.
    c.patch(&format!("/api/v1/documents/{id}"), Some(&p.drafter), &json!({"title": "改名"}))
        .problem(409);
    c.raw("POST", &format!("/api/v1/documents/{id}/submit"), Some(&p.drafter), None, empty(), &[])
        .problem(409);
    c.post(
        &format!("/api/v1/documents/{id}/review"),
        Some(&p.reviewer),
        &json!({"conclusion": "unlawful", "opinion": "违法", "findings": []}),
    )
    .problem(422);
    assert_eq!(snapshot(app), before);

    // Another agency's registrar and reviewer: the document does not exist for them.
    let other = app.agency(&p.admin, json!({"name": "大连市人民政府", "code": "DL", "parent_id": p.province_id, "issuance_prefix": "大政规", "registration_prefix": "DLFS"}));
    let dl_registrar =
        app.user(&p.admin, "dl-registrar", other["id"].as_str().unwrap(), &["registrar"]);
    let dl_reviewer =
        app.user(&p.admin, "dl-legal", other["id"].as_str().unwrap(), &["legal_reviewer"]);
    c.raw(
        "POST",
        &format!("/api/v1/documents/{id}/register"),
        Some(&dl_registrar),
        None,
        empty(),
        &[],
    )
    .problem(404);
    c.post(
        &format!("/api/v1/documents/{id}/review"),
        Some(&dl_reviewer),
        &json!({"conclusion": "lawful", "opinion": "同意"}),
    )
    .problem(404);
    c.get(&format!("/api/v1/documents/{id}"), Some(&dl_registrar)).problem(404);
    assert_eq!(snapshot(app), before);

    p.review_lawful(app, &id);
    p.adopt(app, &id);
    p.register(app, &id);
    let bad_dates = c.post(
        &format!("/api/v1/documents/{id}/publish"),
        Some(&p.registrar),
        &json!({"published_on": "2026-03-02", "effective_on": "2026-03-05", "channel": "公报"}),
    );
    assert_eq!(bad_dates.problem(422)["errors"][0]["field"], "early_effect_reason");
    let too_long = c.post(
        &format!("/api/v1/documents/{id}/publish"),
        Some(&p.registrar),
        &json!({"published_on": "2026-03-02", "valid_until": "2040-01-01", "channel": "公报"}),
    );
    assert_eq!(too_long.problem(422)["errors"][0]["field"], "valid_until");
    let future = c.post(
        &format!("/api/v1/documents/{id}/publish"),
        Some(&p.registrar),
        &json!({"published_on": "2027-01-01", "channel": "公报"}),
    );
    future.problem(422);
    let ok = c.post(
        &format!("/api/v1/documents/{id}/publish"),
        Some(&p.registrar),
        &json!({"published_on": "2026-03-02", "channel": "公报"}),
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    let published = snapshot(app);
    // Publishing twice, editing or filing by a stranger after publication.
    let twice = c.post(
        &format!("/api/v1/documents/{id}/publish"),
        Some(&p.registrar),
        &json!({"published_on": "2026-03-02", "channel": "公报"}),
    );
    assert!(twice.problem(409)["detail"].as_str().unwrap().contains("already published"));
    c.patch(&format!("/api/v1/documents/{id}"), Some(&p.drafter), &json!({"body": "新文本"}))
        .problem(409);
    c.post(
        &format!("/api/v1/documents/{id}/filing"),
        Some(&dl_registrar),
        &json!({"report": "报告", "materials": []}),
    )
    .problem(404);
    assert_eq!(snapshot(app), published);
    let history = c.get(&format!("/api/v1/documents/{id}/history"), Some(&p.drafter)).json();
    assert_eq!(history.as_array().unwrap().len(), 6, "only the six legal steps left events");
});

db_test!(filing_decisions_follow_their_rules_and_revocation_ends_validity, |app| {
    let p = Province::new(app);
    let doc = p.published(app, "沈阳市停车管理办法", "第一条 为了规范停车管理，制定本办法。");
    let id = doc["id"].as_str().unwrap();
    let incomplete = app.client.post(&format!("/api/v1/documents/{id}/filing"), Some(&p.drafter), &json!({"report": "备案报告", "materials": [{"kind": "official_text", "title": "正式文本"}]}));
    let f = incomplete.json();
    assert_eq!(f["complete"], false);
    // Named but without its file, the official text counts as missing, like the report.
    assert_eq!(
        f["missing_materials"],
        json!(["official_text", "filing_report", "drafting_notes", "legal_basis"])
    );
    assert_eq!(f["late"], false);
    let fid = f["id"].as_str().unwrap().to_string();
    let again = app.client.post(
        &format!("/api/v1/documents/{id}/filing"),
        Some(&p.drafter),
        &json!({"report": "备案报告", "materials": []}),
    );
    assert_eq!(again.problem(409)["code"], "already_filed");
    // The drafter cannot decide; the filing reviewer asks for the missing materials.
    app.client
        .post(
            &format!("/api/v1/filings/{fid}/decision"),
            Some(&p.drafter),
            &json!({"outcome": "accepted", "reason": "x"}),
        )
        .problem(403);
    let supplement = app.client.post(
        &format!("/api/v1/filings/{fid}/decision"),
        Some(&p.filing_reviewer),
        &json!({"outcome": "supplement_required", "reason": "请补充起草说明和制定依据。"}),
    );
    assert_eq!(supplement.json()["status"], "supplement_required");
    app.client
        .post(
            &format!("/api/v1/filings/{fid}/decision"),
            Some(&p.filing_reviewer),
            &json!({"outcome": "accepted", "reason": "x"}),
        )
        .problem(409);
    let resubmitted = app.client.post(&format!("/api/v1/documents/{id}/filing"), Some(&p.drafter), &json!({"report": "备案报告", "materials": [
        {"kind": "official_text", "title": "正式文本"}, {"kind": "drafting_notes", "title": "起草说明"}, {"kind": "legal_basis", "title": "制定依据"}]}));
    assert_eq!(resubmitted.status, 200, "{}", resubmitted.body);
    assert_eq!(resubmitted.json()["resubmissions"], 1);
    let order = app
        .client
        .post(
            &format!("/api/v1/filings/{fid}/decision"),
            Some(&p.filing_reviewer),
            &json!({"outcome": "correction_required", "reason": "第三条与上位法不一致。"}),
        )
        .json();
    assert_eq!(order["correction_due_on"], "2026-04-01", "30 days after the decision");
    app.clock.set_date(date("2026-04-10"));
    let overdue = app.client.get("/api/v1/filings?overdue=true", Some(&p.filing_reviewer)).json();
    assert_eq!(overdue["items"][0]["overdue"], true);
    let revoked = app.client.post(
        &format!("/api/v1/filings/{fid}/decision"),
        Some(&p.filing_reviewer),
        &json!({"outcome": "revoked", "reason": "逾期未纠正，予以撤销。"}),
    );
    assert_eq!(revoked.json()["status"], "revoked");
    let doc = app.client.get(&format!("/api/v1/documents/{id}"), Some(&p.drafter)).json();
    assert_eq!(doc["validity"], "revoked");
    assert_eq!(doc["ended_on"], "2026-04-10");
    let stats = app.client.get("/api/v1/stats/filing?year=2026", Some(&p.filing_reviewer)).json();
    assert_eq!(stats["completeness_rate"]["rate"], 0.0, "the first filing lacked materials");
    assert_eq!(stats["correction_rate"]["numerator"], 1);
    assert_eq!(stats["correction_rate"]["rate"], 1.0);
});

db_test!(a_document_or_event_whose_stored_columns_do_not_decode_is_an_error, |app| {
    let p = Province::new(app);
    let doc = p.published(app, "沈阳市夜市管理办法", "第一条 为了规范夜市管理，制定本办法。");
    let id = doc["id"].as_str().unwrap();
    let history = format!("/api/v1/documents/{id}/history");
    assert_eq!(app.client.get(&history, Some(&p.drafter)).status, 200);
    // Damage stored columns behind the service's back: never read as a default.
    execute_sql(
        &app.db.url,
        "UPDATE document_events SET payload = '{\"not json' WHERE payload IS NOT NULL",
    );
    let broken = app.client.get(&history, Some(&p.drafter));
    assert_eq!(broken.problem(500)["code"], "internal_error", "not an event without payload");
    execute_sql(&app.db.url, &format!("UPDATE documents SET status = 'shelved' WHERE id = '{id}'"));
    let broken = app.client.get(&format!("/api/v1/documents/{id}"), Some(&p.drafter));
    assert_eq!(broken.problem(500)["code"], "internal_error", "not a draft, not missing");
});

db_test!(a_filing_whose_stored_materials_do_not_decode_is_an_error_not_an_empty_filing, |app| {
    let p = Province::new(app);
    let doc = p.published(app, "沈阳市占道管理办法", "第一条 为了规范占道管理，制定本办法。");
    let id = doc["id"].as_str().unwrap();
    let filed = app.client.post(
        &format!("/api/v1/documents/{id}/filing"),
        Some(&p.drafter),
        &json!({"report": "备案报告", "materials": [{"kind": "official_text", "title": "正式文本"}]}),
    );
    assert_eq!(filed.status, 201, "{}", filed.body);
    let inbox = app.client.get("/api/v1/filings", Some(&p.filing_reviewer));
    assert_eq!(inbox.json()["items"][0]["materials"][0]["title"], "正式文本");
    // Damage the stored column behind the service's back: once a list of materials, now not.
    execute_sql(&app.db.url, "UPDATE filings SET materials = '{\"kind\": \"official_text\"}'");
    let broken = app.client.get("/api/v1/filings", Some(&p.filing_reviewer));
    assert_eq!(broken.problem(500)["code"], "internal_error", "not an empty list of materials");
    let decided = app.client.post(
        &format!("/api/v1/filings/{}/decision", id_of(&filed.json())),
        Some(&p.filing_reviewer),
        &json!({"outcome": "accepted", "reason": "予以备案。"}),
    );
    assert_eq!(decided.problem(500)["code"], "internal_error");
    execute_sql(&app.db.url, "UPDATE filings SET materials = '[]'");
    let repaired = app.client.get("/api/v1/filings?status=submitted", Some(&p.filing_reviewer));
    assert_eq!(repaired.json()["total"], 1, "the failed decision changed nothing");
});

/// The `id` of an answer.
fn id_of(v: &serde_json::Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

/// Runs one SQL statement on the test database directly.
fn execute_sql(url: &str, sql: &str) {
    use diesel::{Connection, RunQueryDsl};
    if let Some(path) = url.strip_prefix("sqlite://") {
        let mut c = diesel::SqliteConnection::establish(path).expect("sqlite");
        diesel::sql_query(sql).execute(&mut c).expect("statement");
    } else {
        let mut c = diesel::PgConnection::establish(url).expect("postgres");
        diesel::sql_query(sql).execute(&mut c).expect("statement");
    }
}

db_test!(the_provinces_legal_reviewer_is_refused_a_review_of_a_citys_document, |app| {
    let p = Province::new(app);
    let id = p.draft(app, "关于审核权限检查的通知", "第一条 合法性审核由制定机关的法制机构负责。");
    p.submit(app, &id);
    let province_legal = app.user(&p.admin, "ln-legal", &p.province_id, &["legal_reviewer"]);
    let history_before =
        app.client.get(&format!("/api/v1/documents/{id}/history"), Some(&p.drafter)).body;
    let r = app.client.post(
        &format!("/api/v1/documents/{id}/review"),
        Some(&province_legal),
        &json!({"conclusion": "lawful", "opinion": "经审核，符合规定。", "findings": []}),
    );
    assert!(r.status == 403 || r.status == 404, "{} {}", r.status, r.body);
    r.problem(r.status);
    let doc = app.client.get(&format!("/api/v1/documents/{id}"), Some(&p.drafter)).json();
    assert_eq!(doc["status"], "under_review", "nothing changed");
    let history_after =
        app.client.get(&format!("/api/v1/documents/{id}/history"), Some(&p.drafter)).body;
    assert_eq!(history_after, history_before, "no event was written");
    // The city's own legal office still reviews it.
    p.review_lawful(app, &id);
});
