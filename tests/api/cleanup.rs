//! Cleanup campaigns (清理): every document in force gets an outcome with a reason; closing
//! applies them all at once, one event per document, and publishes the repealed and
//! invalidated ones — never before.

use serde_json::{json, Value};

use crate::db_test;
use crate::fixtures::{neighbour_city, Province};
use crate::helpers::*;

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn open(app: &TestApp, token: &str) -> Answer {
    app.client.post(
        "/api/v1/cleanup-campaigns",
        Some(token),
        &json!({"name": "2026年度规范性文件清理"}),
    )
}

fn decide(app: &TestApp, token: &str, campaign: &str, doc: &str, body: Value) -> Answer {
    app.client.put(&format!("/api/v1/cleanup-campaigns/{campaign}/items/{doc}"), Some(token), &body)
}

fn close(app: &TestApp, token: &str, campaign: &str) -> Answer {
    app.client.raw(
        "POST",
        &format!("/api/v1/cleanup-campaigns/{campaign}/close"),
        Some(token),
        None,
        Vec::new(),
        &[],
    )
}

fn document(app: &TestApp, p: &Province, id: &str) -> Value {
    app.client.get(&format!("/api/v1/documents/{id}"), Some(&p.drafter)).json()
}

/// The events of this very document (not of its other versions) that name the campaign.
fn campaign_events(app: &TestApp, p: &Province, doc: &str, campaign: &str) -> Vec<Value> {
    let history =
        app.client.get(&format!("/api/v1/documents/{doc}/history"), Some(&p.drafter)).json();
    history
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["document_id"] == doc && e["payload"]["campaign_id"] == campaign)
        .cloned()
        .collect()
}

db_test!(
    closing_a_campaign_applies_every_outcome_with_one_event_each_and_publishes_the_list,
    |app| {
        let p = Province::new(app);
        let body = "第一条 为了规范管理，制定本办法。";
        let keep = id_of(&p.published(app, "沈阳市甲办法", body));
        let amend = id_of(&p.published(app, "沈阳市乙办法", body));
        let repeal = p.published(app, "沈阳市丙办法", body);
        let invalid = p.published(app, "沈阳市丁办法", body);
        let (repeal_id, invalid_id) = (id_of(&repeal), id_of(&invalid));
        let _draft = p.draft(app, "沈阳市草案办法", body);
        app.clock.set_date(date("2026-05-04"));
        let successor = id_of(&p.published(app, "沈阳市新丙办法", body));

        let r = open(app, &p.registrar);
        assert_eq!(r.status, 201, "{}", r.body);
        let campaign = r.json();
        let cid = id_of(&campaign);
        let listed: Vec<&str> = campaign["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"].as_str().unwrap())
            .collect();
        assert_eq!(
            listed,
            vec!["沈阳市甲办法", "沈阳市乙办法", "沈阳市丙办法", "沈阳市丁办法"],
            "every document in force, and neither the draft nor the one not yet effective"
        );
        assert_eq!(campaign["items"][2]["issuance_number"], repeal["issuance_number"]);
        assert_eq!(
            (campaign["status"].as_str(), campaign["year"].as_i64()),
            (Some("open"), Some(2026))
        );
        assert_eq!(open(app, &p.registrar).problem(409)["code"], "campaign_open");
        app.client.get(&format!("/api/v1/public/cleanup-campaigns/{cid}"), None).problem(404);
        assert_eq!(
            app.client.get("/api/v1/public/cleanup-campaigns", None).json()["total"],
            0,
            "an open campaign is not listed"
        );

        let reason = |o: &str, r: &str| json!({"outcome": o, "reason": r});
        assert_eq!(
            decide(app, &p.registrar, &cid, &keep, reason("continue", "仍然适用。")).status,
            200
        );
        assert_eq!(
            decide(app, &p.registrar, &cid, &amend, reason("amend", "部分条款与上位法不一致。"))
                .status,
            200
        );
        let r = decide(
            app,
            &p.registrar,
            &cid,
            &repeal_id,
            json!({"outcome": "repeal", "reason": "已被新办法替代。", "by_document_id": successor}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["outcome_label"], "废止");

        // One document still undecided: closing is refused, names it and changes nothing.
        let refused = close(app, &p.registrar, &cid).problem(409);
        assert_eq!(refused["code"], "undecided_items");
        let detail = refused["detail"].as_str().unwrap();
        assert!(detail.contains("沈阳市丁办法") && !detail.contains("沈阳市甲办法"), "{detail}");
        assert_eq!(document(app, &p, &repeal_id)["validity"], "in_force");
        assert!(campaign_events(app, &p, &repeal_id, &cid).is_empty());

        assert_eq!(
            decide(
                app,
                &p.registrar,
                &cid,
                &invalid_id,
                reason("declare_invalid", "调整对象已消失。")
            )
            .status,
            200
        );
        app.clock.set_date(date("2026-05-06"));
        let r = close(app, &p.registrar, &cid);
        assert_eq!(r.status, 200, "{}", r.body);
        let closed = r.json();
        assert_eq!(
            (closed["status"].as_str(), closed["closed_on"].as_str()),
            (Some("closed"), Some("2026-05-06"))
        );
        assert!(
            closed["items"].as_array().unwrap().iter().all(|i| i["applied_on"] == "2026-05-06"),
            "{closed}"
        );

        let repealed = document(app, &p, &repeal_id);
        assert_eq!(repealed["validity"], "repealed");
        assert_eq!(repealed["ended_on"], "2026-05-06");
        assert_eq!(repealed["ended_reason"], "已被新办法替代。");
        assert_eq!(repealed["ended_by_document_id"], successor.as_str());
        let invalidated = document(app, &p, &invalid_id);
        assert_eq!(
            (invalidated["validity"].as_str(), invalidated["ended_on"].as_str()),
            (Some("declared_invalid"), Some("2026-05-06"))
        );
        assert_eq!(document(app, &p, &keep)["validity"], "in_force");
        assert_eq!(
            document(app, &p, &amend)["validity"],
            "in_force",
            "in force until the amendment is published"
        );
        let amendment_id =
            closed["items"][1]["amendment_id"].as_str().expect("amendment started").to_string();
        let amendment = document(app, &p, &amendment_id);
        assert_eq!(
            (amendment["status"].as_str(), amendment["supersedes_id"].as_str()),
            (Some("draft"), Some(amend.as_str()))
        );

        for (doc, action) in [
            (&keep, "cleanup_continued"),
            (&amend, "cleanup_amendment_ordered"),
            (&repeal_id, "repealed"),
            (&invalid_id, "declared_invalid"),
        ] {
            let events = campaign_events(app, &p, doc, &cid);
            assert_eq!(events.len(), 1, "exactly one event for {doc}: {events:?}");
            assert_eq!(events[0]["action"], action);
            assert!(events[0]["reason"].is_string());
        }

        let public = app.client.get(&format!("/api/v1/public/cleanup-campaigns/{cid}"), None);
        assert_eq!(public.status, 200, "{}", public.body);
        let public = public.json();
        assert_eq!(
            (
                public["reviewed"].as_i64(),
                public["continued"].as_i64(),
                public["to_be_amended"].as_i64()
            ),
            (Some(4), Some(1), Some(1))
        );
        assert_eq!(public["agency"]["code"], "SY");
        let index = app.client.get("/api/v1/public/cleanup-campaigns?agency=SY", None).json();
        assert_eq!(
            (index["total"].as_i64(), index["items"][0]["id"].as_str()),
            (Some(1), Some(cid.as_str()))
        );
        assert_eq!(
            app.client.get("/api/v1/public/cleanup-campaigns?agency=LN", None).json()["total"],
            0
        );
        app.client.get("/api/v1/public/cleanup-campaigns?agency=NOPE", None).problem(422);
        let entry = &public["repealed"][0];
        assert_eq!(entry["title"], "沈阳市丙办法");
        assert_eq!(entry["issuance_number"], repeal["issuance_number"]);
        assert_eq!(entry["published_on"], "2026-03-02");
        assert_eq!(entry["ended_on"], "2026-05-06");
        assert_eq!(entry["reason"], "已被新办法替代。");
        assert_eq!(public["declared_invalid"][0]["title"], "沈阳市丁办法");
        assert_eq!(public["declared_invalid"].as_array().unwrap().len(), 1);
        assert!(
            !public.to_string().contains("仍然适用"),
            "reasons of continued documents stay internal"
        );

        assert_eq!(
            decide(app, &p.registrar, &cid, &keep, reason("repeal", "改主意")).problem(409)["code"],
            "campaign_closed"
        );
        assert_eq!(close(app, &p.registrar, &cid).problem(409)["code"], "campaign_closed");
        assert_eq!(
            campaign_events(app, &p, &keep, &cid).len(),
            1,
            "a refused second closing adds nothing"
        );
        let list =
            app.client.get("/api/v1/cleanup-campaigns?status=closed", Some(&p.drafter)).json();
        assert_eq!(
            (list["total"].as_i64(), list["items"][0]["items_decided"].as_i64()),
            (Some(1), Some(4))
        );
        let r = open(app, &p.registrar);
        assert_eq!(r.status, 201, "a new campaign may open once the last one closed: {}", r.body);
        let titles: Vec<String> = r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            titles,
            vec!["沈阳市甲办法", "沈阳市乙办法"],
            "the repealed and invalidated are gone"
        );
    }
);

db_test!(campaigns_refuse_the_wrong_role_another_agency_and_bad_decisions, |app| {
    let p = Province::new(app);
    let doc = id_of(&p.published(app, "沈阳市甲办法", "第一条 正文。"));
    let draft = p.draft(app, "沈阳市草案办法", "第一条 草案。");
    let city = neighbour_city(app, &p);
    let stranger = app.user(&p.admin, "dl-registrar", &city, &["registrar"]);
    app.clock.set_date(date("2026-05-04"));

    assert_eq!(open(app, &p.drafter).problem(403)["code"], "forbidden");
    open(app, &p.admin).problem(403);
    let bad = app.client.post(
        "/api/v1/cleanup-campaigns",
        Some(&p.registrar),
        &json!({"name": " ", "year": 1900}),
    );
    let fields: Vec<String> = bad.problem(422)["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, vec!["name", "year"]);
    let list = app.client.get("/api/v1/cleanup-campaigns", Some(&p.registrar)).json();
    assert_eq!(list["total"], 0, "refusals open nothing");

    let cid = id_of(&open(app, &p.registrar).json());
    app.client.get(&format!("/api/v1/cleanup-campaigns/{cid}"), Some(&stranger)).problem(404);
    assert_eq!(app.client.get("/api/v1/cleanup-campaigns", Some(&stranger)).json()["total"], 0);
    let ok = json!({"outcome": "continue", "reason": "仍然适用。"});
    decide(app, &stranger, &cid, &doc, ok.clone()).problem(404);
    close(app, &stranger, &cid).problem(404);
    decide(app, &p.drafter, &cid, &doc, ok.clone()).problem(403);
    close(app, &p.drafter, &cid).problem(403);
    assert_eq!(
        app.client.get(&format!("/api/v1/cleanup-campaigns/{cid}"), Some(&p.drafter)).status,
        200
    );

    let missing =
        decide(app, &p.registrar, &cid, &doc, json!({"outcome": "continue"})).problem(422);
    assert!(missing["detail"].as_str().unwrap().contains("reason"), "{missing}");
    assert_eq!(
        decide(app, &p.registrar, &cid, &doc, json!({"outcome": "continue", "reason": "  "}))
            .problem(422)["errors"][0]["field"],
        "reason"
    );
    assert_eq!(
        decide(app, &p.registrar, &cid, &doc, json!({"outcome": "abolish", "reason": "x"}))
            .problem(422)["errors"][0]["field"],
        "outcome"
    );
    assert_eq!(
        decide(
            app,
            &p.registrar,
            &cid,
            &doc,
            json!({"outcome": "declare_invalid", "reason": "x", "by_document_id": doc})
        )
        .problem(422)["errors"][0]["field"],
        "by_document_id"
    );
    assert_eq!(
        decide(
            app,
            &p.registrar,
            &cid,
            &doc,
            json!({"outcome": "repeal", "reason": "x", "by_document_id": draft})
        )
        .problem(422)["errors"][0]["field"],
        "by_document_id"
    );
    decide(app, &p.registrar, &cid, &draft, ok.clone()).problem(404);
    let detail =
        app.client.get(&format!("/api/v1/cleanup-campaigns/{cid}"), Some(&p.registrar)).json();
    assert!(detail["items"][0]["outcome"].is_null(), "refusals decide nothing: {detail}");
    app.client.get(&format!("/api/v1/public/cleanup-campaigns/{cid}"), None).problem(404);
    app.client.get("/api/v1/public/cleanup-campaigns/not-a-uuid", None).problem(404);
});

db_test!(a_document_that_ended_otherwise_during_the_campaign_is_left_as_it_ended, |app| {
    let p = Province::new(app);
    let doc = id_of(&p.published(app, "沈阳市甲办法", "第一条 正文。"));
    app.clock.set_date(date("2026-05-04"));
    let cid = id_of(&open(app, &p.registrar).json());
    let r = decide(
        app,
        &p.registrar,
        &cid,
        &doc,
        json!({"outcome": "declare_invalid", "reason": "清理认为应当宣布失效。"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = app.client.post(
        &format!("/api/v1/documents/{doc}/repeal"),
        Some(&p.registrar),
        &json!({"repealed_on": "2026-05-04", "reason": "单独废止。"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    decide(app, &p.registrar, &cid, &doc, json!({"outcome": "continue", "reason": "x"}))
        .problem(409);

    let closed = close(app, &p.registrar, &cid);
    assert_eq!(closed.status, 200, "{}", closed.body);
    assert!(closed.json()["items"][0]["applied_on"].is_null());
    let d = document(app, &p, &doc);
    assert_eq!(
        (d["validity"].as_str(), d["ended_reason"].as_str()),
        (Some("repealed"), Some("单独废止。"))
    );
    assert!(campaign_events(app, &p, &doc, &cid).is_empty());
    let public = app.client.get(&format!("/api/v1/public/cleanup-campaigns/{cid}"), None).json();
    assert_eq!(public["declared_invalid"], json!([]), "{public}");
    assert_eq!(public["repealed"], json!([]));
});
