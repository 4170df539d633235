//! Public consultation on drafts (征求意见): a rights-affecting draft goes to legality review
//! only after the public was heard and every comment answered, or with an exemption.

use serde_json::{json, Value};

use crate::db_test;
use crate::fixtures::{neighbour_city, Province};
use crate::helpers::*;

const BODY: &str = "第一条 为了规范行政许可事项，制定本办法。\n第二条 本办法自发布之日起施行。";
const CONTACT: &str = "commenter-13900000000@example.com";

/// A draft that affects rights, in the province's city.
fn rights_draft(app: &TestApp, p: &Province, title: &str) -> String {
    let r = app.client.post(
        "/api/v1/documents",
        Some(&p.drafter),
        &json!({"title": title, "body": BODY, "affects_rights": true}),
    );
    assert_eq!(r.status, 201, "create: {}", r.body);
    r.json()["id"].as_str().unwrap().to_string()
}

fn submit(app: &TestApp, p: &Province, id: &str) -> Answer {
    app.client.post(&format!("/api/v1/documents/{id}/submit"), Some(&p.drafter), &json!({}))
}

fn open(app: &TestApp, p: &Province, id: &str, body: Value) -> Answer {
    app.client.post(&format!("/api/v1/documents/{id}/consultations"), Some(&p.drafter), &body)
}

fn opened(app: &TestApp, p: &Province, id: &str, body: Value) -> String {
    let r = open(app, p, id, body);
    assert_eq!(r.status, 201, "open: {}", r.body);
    r.json()["id"].as_str().unwrap().to_string()
}

fn comment(app: &TestApp, consultation: &str, body: Value) -> Answer {
    app.client.post(&format!("/api/v1/public/consultations/{consultation}/comments"), None, &body)
}

fn tick(app: &TestApp, as_of: &str) -> String {
    let out = run_normreg(&app.db.url, &["tick", "--as-of", as_of]);
    assert!(out.status.success(), "tick: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Takes a submitted draft through review, adoption and registration to publication on
/// 2026-03-12.
fn publish_submitted(app: &TestApp, p: &Province, id: &str) {
    p.review_lawful(app, id);
    p.adopt(app, id);
    p.register(app, id);
    let published = app.client.post(
        &format!("/api/v1/documents/{id}/publish"),
        Some(&p.registrar),
        &json!({"published_on": "2026-03-12", "channel": "沈阳市人民政府公报"}),
    );
    assert_eq!(published.status, 200, "{}", published.body);
}

/// Files the published document `id` with the three required materials.
fn file(app: &TestApp, p: &Province, id: &str) -> Answer {
    app.client.post(
        &format!("/api/v1/documents/{id}/filing"),
        Some(&p.drafter),
        &json!({"report": "关于报送备案的报告", "materials": [
            {"kind": "official_text", "title": "正式文本"},
            {"kind": "drafting_notes", "title": "起草说明"},
            {"kind": "legal_basis", "title": "制定依据"}
        ]}),
    )
}

fn code_of(r: &Answer) -> String {
    r.problem(r.status)["code"].as_str().unwrap().to_string()
}

db_test!(
    a_rights_affecting_draft_is_consulted_answered_closed_by_itself_and_then_submitted,
    |app| {
        let p = Province::new(app);
        let id = rights_draft(app, &p, "沈阳市行政许可办理办法");
        let refused = submit(app, &p, &id);
        assert_eq!(refused.status, 409);
        assert_eq!(code_of(&refused), "consultation_required");

        let r =
            open(app, &p, &id, json!({"closes_on": "2026-03-11", "drafting_notes": "起草说明"}));
        assert_eq!(r.status, 201, "{}", r.body);
        let c = r.json();
        assert_eq!(
            (c["status"].as_str(), c["opens_on"].as_str()),
            (Some("open"), Some("2026-03-02"))
        );
        assert_eq!(c["document_id"], id.as_str());
        let cid = c["id"].as_str().unwrap().to_string();

        let listed = app.client.get("/api/v1/public/consultations?status=open&agency=SY", None);
        assert_eq!(listed.status, 200, "{}", listed.body);
        assert_eq!(listed.json()["total"], 1);
        let public = app.client.get(&format!("/api/v1/public/consultations/{cid}"), None).json();
        assert_eq!(public["body"], BODY);
        assert!(public["feedback"].is_null());

        let sent = comment(
            app,
            &cid,
            json!({"content": "建议第一条增加听证程序。", "article": "第一条", "name": "张三", "contact": CONTACT}),
        );
        assert_eq!(sent.status, 201, "{}", sent.body);
        let code = sent.json()["tracking_code"].as_str().unwrap().to_string();
        let second = comment(app, &cid, json!({"content": "建议明确办理时限。"}));
        assert_eq!(second.status, 201, "{}", second.body);
        assert_eq!(code_of(&submit(app, &p, &id)), "consultation_open");

        // The drafter sees every comment with its contact.
        let comments =
            app.client.get(&format!("/api/v1/consultations/{cid}/comments"), Some(&p.drafter));
        assert_eq!(comments.status, 200, "{}", comments.body);
        let comments = comments.json();
        assert_eq!(comments.as_array().unwrap().len(), 2);
        // The test clock stands still, so both arrived at the same instant: find each by code.
        let of = |c: &str| {
            comments.as_array().unwrap().iter().find(|m| m["tracking_code"] == c).unwrap().clone()
        };
        let first = of(&code);
        assert_eq!(first["contact"], CONTACT);
        let second = of(second.json()["tracking_code"].as_str().unwrap());

        // The day after closes_on the consultation is closed: comments are refused.
        app.clock.set_date(date("2026-03-12"));
        let late = comment(app, &cid, json!({"content": "逾期意见"}));
        assert_eq!(late.status, 409);
        assert_eq!(code_of(&late), "consultation_closed");
        let undisposed = submit(app, &p, &id);
        assert_eq!(code_of(&undisposed), "comments_undisposed");

        // The closing run records the close once.
        assert!(tick(app, "2026-03-12").contains("1 consultation(s) closed"));
        assert!(tick(app, "2026-03-12").contains("0 consultation(s) closed"));

        for (m, disposition, summary) in [
            (&first, "partly_adopted", "建议增加听证程序"),
            (&second, "not_adopted", "建议明确办理时限"),
        ] {
            let cmt = m["id"].as_str().unwrap();
            let r = app.client.put(
                &format!("/api/v1/consultations/{cid}/comments/{cmt}"),
                Some(&p.drafter),
                &json!({"disposition": disposition, "reason": "已在第一条中体现。", "summary": summary}),
            );
            assert_eq!(r.status, 200, "{}", r.body);
        }

        let public = app.client.get(&format!("/api/v1/public/consultations/{cid}"), None);
        let feedback = &public.json()["feedback"];
        assert_eq!(feedback["comments"], 2);
        assert_eq!(
            feedback["counts"],
            json!({"adopted": 0, "partly_adopted": 1, "not_adopted": 1})
        );
        let items = feedback["items"].as_array().unwrap();
        assert!(
            items.iter().any(|i| i["summary"] == "建议增加听证程序"
                && i["disposition"] == "partly_adopted"
                && i["reason"] == "已在第一条中体现。"),
            "{feedback}"
        );
        let tracked = app.client.get(&format!("/api/v1/public/consultation-comments/{code}"), None);
        assert_eq!(tracked.status, 200, "{}", tracked.body);
        assert_eq!(tracked.json()["disposition"], "partly_adopted");
        assert_eq!(tracked.json()["status"], "disposed");
        let list = app.client.get("/api/v1/public/consultations?status=closed", None);
        for r in [&public, &tracked, &list] {
            assert!(!r.body.contains(CONTACT) && !r.body.contains("张三"), "{}", r.body);
        }

        let history = app.client.get(&format!("/api/v1/documents/{id}/history"), Some(&p.drafter));
        let actions: Vec<String> = history
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_string())
            .collect();
        assert!(actions.contains(&"consultation_opened".to_string()), "{actions:?}");
        assert_eq!(
            actions.iter().filter(|a| *a == "consultation_closed").count(),
            1,
            "{actions:?}"
        );

        let ok = submit(app, &p, &id);
        assert_eq!(ok.status, 200, "{}", ok.body);

        // The published document links the consultation and its feedback.
        publish_submitted(app, &p, &id);
        let public = app.client.get(&format!("/api/v1/public/documents/{id}"), None).json();
        assert_eq!(public["consultations"][0]["id"], cid.as_str(), "{public}");
        let page = app.client.get(&format!("/documents/{id}"), None);
        assert!(page.body.contains(&format!("/consultations/{cid}")), "{}", page.body);
        assert!(!page.body.contains(CONTACT));
    }
);

db_test!(a_revised_text_needs_a_new_consultation_and_both_stay_on_record, |app| {
    let p = Province::new(app);
    let id = rights_draft(app, &p, "沈阳市修订办法");
    opened(app, &p, &id, json!({"closes_on": "2026-03-11"}));
    let again = open(app, &p, &id, json!({"closes_on": "2026-03-20"}));
    assert_eq!(again.status, 409);
    assert_eq!(code_of(&again), "consultation_in_progress");
    app.clock.set_date(date("2026-03-12"));
    let edit = app.client.patch(
        &format!("/api/v1/documents/{id}"),
        Some(&p.drafter),
        &json!({"body": format!("{BODY}\n第三条 新增条款。")}),
    );
    assert_eq!(edit.status, 200, "{}", edit.body);
    assert_eq!(code_of(&submit(app, &p, &id)), "consultation_outdated");
    opened(app, &p, &id, json!({"closes_on": "2026-03-23"}));
    let all = app.client.get(&format!("/api/v1/documents/{id}/consultations"), Some(&p.drafter));
    assert_eq!(all.json().as_array().unwrap().len(), 2, "{}", all.body);
    app.clock.set_date(date("2026-03-24"));
    assert_eq!(submit(app, &p, &id).status, 200);
});

db_test!(the_registrar_may_exempt_a_draft_with_a_reason, |app| {
    let p = Province::new(app);
    let id = rights_draft(app, &p, "沈阳市涉密事项办法");
    let path = format!("/api/v1/documents/{id}/consultation-exemption");
    app.client.post(&path, Some(&p.drafter), &json!({"reason": "依法需要保密"})).problem(403);
    app.client.post(&path, Some(&p.registrar), &json!({"reason": "  "})).problem(422);
    app.client.post(&path, Some(&p.registrar), &json!({"reason": 5})).problem(422);
    assert_eq!(code_of(&submit(app, &p, &id)), "consultation_required");
    let r = app.client.post(
        &path,
        Some(&p.registrar),
        &json!({"reason": "涉及国家秘密，依法需要保密"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let history =
        app.client.get(&format!("/api/v1/documents/{id}/history"), Some(&p.drafter)).json();
    assert!(history
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "consultation_exempted"
            && e["reason"] == "涉及国家秘密，依法需要保密"));
    assert_eq!(submit(app, &p, &id).status, 200);
    // A draft that does not affect rights needs nothing.
    let plain = p.draft(app, "沈阳市内部管理办法", BODY);
    assert_eq!(submit(app, &p, &plain).status, 200);
});

db_test!(the_period_is_counted_in_working_days_over_holidays_and_make_up_days, |app| {
    let p = Province::new(app);
    // 2026: 劳动节 1–5 May off, Saturday 9 May worked. From Wed 29 April, the seventh working
    // day after is Tue 12 May (30 Apr, 6, 7, 8, 9, 11, 12 May).
    app.clock.set_date(date("2026-04-29"));
    let short = rights_draft(app, &p, "沈阳市甲办法");
    let r = open(app, &p, &short, json!({"closes_on": "2026-05-11"}));
    let problem = r.problem(422);
    assert!(problem["detail"].as_str().unwrap().contains("2026-05-12"), "{problem}");
    let reasoned = open(
        app,
        &p,
        &short,
        json!({"closes_on": "2026-05-11", "short_period_reason": "上级要求限期出台"}),
    );
    assert_eq!(reasoned.status, 201, "{}", reasoned.body);
    let enough = rights_draft(app, &p, "沈阳市乙办法");
    opened(app, &p, &enough, json!({"closes_on": "2026-05-12"}));

    // 涉及市场主体: at least 30 days, from 29 April to Fri 29 May.
    let business = rights_draft(app, &p, "沈阳市丙办法");
    let r =
        open(app, &p, &business, json!({"closes_on": "2026-05-28", "affects_businesses": true}));
    assert!(r.problem(422)["detail"].as_str().unwrap().contains("2026-05-29"), "{}", r.body);
    opened(app, &p, &business, json!({"closes_on": "2026-05-29", "affects_businesses": true}));

    // Opening in the past, or closing before opening, is refused even with a reason.
    let other = rights_draft(app, &p, "沈阳市丁办法");
    open(app, &p, &other, json!({"opens_on": "2026-04-28", "closes_on": "2026-06-30"}))
        .problem(422);
    open(
        app,
        &p,
        &other,
        json!({"opens_on": "2026-05-10", "closes_on": "2026-05-09", "short_period_reason": "急"}),
    )
    .problem(422);
});

db_test!(comments_are_taken_only_while_open_and_limited_per_address, |app| {
    let p = Province::new(app);
    let id = rights_draft(app, &p, "沈阳市预告办法");
    let cid = opened(app, &p, &id, json!({"opens_on": "2026-03-09", "closes_on": "2026-03-20"}));
    let early = comment(app, &cid, json!({"content": "提前意见"}));
    assert_eq!(early.status, 409);
    assert_eq!(code_of(&early), "consultation_not_open");
    let scheduled = app.client.get(&format!("/api/v1/public/consultations/{cid}"), None).json();
    assert_eq!(scheduled["status"], "scheduled");
    app.clock.set_date(date("2026-03-09"));
    for i in 0..10 {
        let r = comment(app, &cid, json!({"content": format!("第{i}条意见")}));
        assert_eq!(r.status, 201, "{}", r.body);
    }
    comment(app, &cid, json!({"content": "第十一条意见"})).problem(429);
    let all = app.client.get(&format!("/api/v1/consultations/{cid}/comments"), Some(&p.drafter));
    assert_eq!(all.json().as_array().unwrap().len(), 10);
});

db_test!(two_instances_closing_at_once_record_one_close, |app| {
    let p = Province::new(app);
    let id = rights_draft(app, &p, "沈阳市并发办法");
    opened(app, &p, &id, json!({"closes_on": "2026-03-11"}));
    app.clock.set_date(date("2026-03-12"));
    let mut other = TestServer::start(&app.db.url, app.clock.clone()).expect("second instance");
    let (a, b) = (app.server.state.clone(), other.state.clone());
    let runs: Vec<_> = [a, b]
        .into_iter()
        .map(|state| {
            std::thread::spawn(move || {
                actix_web::rt::System::new()
                    .block_on(
                        async move { normreg::scheduler::run_consultation_closing(&state).await },
                    )
                    .expect("closing run")
            })
        })
        .collect();
    let closed: usize = runs.into_iter().map(|t| t.join().unwrap()).sum();
    other.stop();
    assert_eq!(closed, 1);
    let history =
        app.client.get(&format!("/api/v1/documents/{id}/history"), Some(&p.drafter)).json();
    let closes =
        history.as_array().unwrap().iter().filter(|e| e["action"] == "consultation_closed").count();
    assert_eq!(closes, 1);
});

db_test!(bad_input_on_every_consultation_endpoint_is_refused_and_changes_nothing, |app| {
    let p = Province::new(app);
    let id = rights_draft(app, &p, "沈阳市输入办法");
    // Opening: wrong types, bad dates, odd text, wrong role, another agency, unknown ids.
    for body in [
        json!({"closes_on": 20260311}),
        json!({"closes_on": "2026-3-11"}),
        json!({}),
        json!({"closes_on": "2026-03-11", "affects_businesses": "yes"}),
        json!({"closes_on": "2026-03-11", "drafting_notes": "说明\u{0000}"}),
        json!({"closes_on": "2026-03-11", "short_period_reason": "理由\u{202E}"}),
        json!({"closes_on": "2026-03-11", "extra": 1}),
        json!({"closes_on": "9999-12-31"}),
    ] {
        let r = open(app, &p, &id, body.clone());
        assert!((400..500).contains(&r.status), "{body}: {} {}", r.status, r.body);
        r.problem(r.status);
    }
    app.client
        .post(
            &format!("/api/v1/documents/{id}/consultations"),
            Some(&p.registrar),
            &json!({"closes_on": "2026-03-11"}),
        )
        .problem(403);
    let other_city = neighbour_city(app, &p);
    let stranger = app.user(&p.admin, "dl-drafter", &other_city, &["drafter"]);
    app.client
        .post(
            &format!("/api/v1/documents/{id}/consultations"),
            Some(&stranger),
            &json!({"closes_on": "2026-03-11"}),
        )
        .problem(404);
    app.client
        .post(
            "/api/v1/documents/not-a-uuid/consultations",
            Some(&p.drafter),
            &json!({"closes_on": "2026-03-11"}),
        )
        .problem(404);
    let none =
        app.client.get(&format!("/api/v1/documents/{id}/consultations"), Some(&p.drafter)).json();
    assert_eq!(none, json!([]));

    let cid = opened(app, &p, &id, json!({"closes_on": "2026-03-11"}));
    // Comments: empty, huge, NUL, bidi override, wrong types, unknown fields, unknown ids.
    let huge = "意".repeat(10_001);
    for body in [
        json!({"content": ""}),
        json!({"content": "   "}),
        json!({"content": huge}),
        json!({"content": "意见\u{0000}"}),
        json!({"content": "意见\u{202E}"}),
        json!({"content": 5}),
        json!({"content": "意见", "contact": ["a"]}),
        json!({"content": "意见", "name": "名\u{0007}"}),
        json!({"content": "意见", "article": "条".repeat(51)}),
        json!({"content": "意见", "secret": true}),
    ] {
        let r = comment(app, &cid, body.clone());
        assert!((400..500).contains(&r.status), "{body}: {} {}", r.status, r.body);
        r.problem(r.status);
    }
    comment(app, "not-a-uuid", json!({"content": "意见"})).problem(404);
    comment(app, &uuid::Uuid::new_v4().to_string(), json!({"content": "意见"})).problem(404);
    let raw = app.client.raw(
        "POST",
        &format!("/api/v1/public/consultations/{cid}/comments"),
        None,
        Some("application/json"),
        b"{\"content\": ".to_vec(),
        &[],
    );
    raw.problem(400);
    app.client.get("/api/v1/public/consultations?status=pending", None).problem(422);
    app.client.get("/api/v1/public/consultations?agency=NOPE", None).problem(422);
    app.client.get("/api/v1/public/consultations?per_page=1000", None).problem(422);
    app.client.get("/api/v1/public/consultation-comments/YJ-0000", None).problem(404);
    app.client.get("/api/v1/public/consultations/not-a-uuid", None).problem(404);
    let comments = format!("/api/v1/consultations/{cid}/comments");
    assert_eq!(app.client.get(&comments, Some(&p.drafter)).json(), json!([]));

    // Dispositions: unknown word, empty texts, wrong role, another agency, unknown comment.
    let sent = comment(app, &cid, json!({"content": "有效意见"}));
    assert_eq!(sent.status, 201);
    let cmt =
        app.client.get(&comments, Some(&p.drafter)).json()[0]["id"].as_str().unwrap().to_string();
    let put = |token: &str, path: &str, body: Value| app.client.put(path, Some(token), &body);
    let one = format!("{comments}/{cmt}");
    let good = json!({"disposition": "adopted", "reason": "采纳", "summary": "有效意见"});
    put(&p.drafter, &one, json!({"disposition": "rejected", "reason": "不", "summary": "摘要"}))
        .problem(422);
    put(&p.drafter, &one, json!({"disposition": "adopted", "reason": "", "summary": ""}))
        .problem(422);
    put(
        &p.drafter,
        &one,
        json!({"disposition": "adopted", "reason": "理由\u{0000}", "summary": "摘要"}),
    )
    .problem(422);
    put(&p.drafter, &one, json!({"disposition": "adopted"})).problem(422);
    put(&p.reviewer, &one, good.clone()).problem(403);
    put(&stranger, &one, good.clone()).problem(404);
    put(&p.drafter, &format!("{comments}/{}", uuid::Uuid::new_v4()), good.clone()).problem(404);
    put(&p.drafter, &format!("{comments}/not-a-uuid"), good.clone()).problem(404);
    app.client.get(&comments, Some(&stranger)).problem(404);
    app.client.get(&comments, None).problem(401);
    let still = app.client.get(&comments, Some(&p.drafter)).json();
    assert!(still[0]["disposition"].is_null(), "{still}");
    let exemption = format!("/api/v1/documents/{id}/consultation-exemption");
    let dl_registrar = app.user(&p.admin, "dl-registrar", &other_city, &["registrar"]);
    app.client.post(&exemption, Some(&dl_registrar), &json!({"reason": "保密"})).problem(404);
    app.client
        .post(&exemption, Some(&p.registrar), &json!({"reason": "理".repeat(2_001)}))
        .problem(422);
    app.client.post(&exemption, Some(&p.registrar), &json!({})).problem(422);
    let history =
        app.client.get(&format!("/api/v1/documents/{id}/history"), Some(&p.drafter)).json();
    assert!(!history.as_array().unwrap().iter().any(|e| e["action"] == "consultation_exempted"));
});

db_test!(an_open_consultation_and_its_undisposed_comments_are_deadlines, |app| {
    let p = Province::new(app);
    let id = rights_draft(app, &p, "沈阳市期限办法");
    let cid = opened(app, &p, &id, json!({"closes_on": "2026-03-11"}));
    let kinds = |app: &TestApp| -> Vec<(String, String)> {
        let r = app.client.get("/api/v1/deadlines", Some(&p.drafter));
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["reference_id"] == cid.as_str())
            .map(|i| (i["kind"].as_str().unwrap().into(), i["due_on"].as_str().unwrap().into()))
            .collect()
    };
    let close = ("consultation_close".to_string(), "2026-03-11".to_string());
    let feedback = ("consultation_feedback".to_string(), "2026-03-11".to_string());
    assert_eq!(kinds(app), vec![close.clone()]);
    assert_eq!(comment(app, &cid, json!({"content": "意见"})).status, 201);
    assert_eq!(kinds(app), vec![close, feedback.clone()]);
    app.clock.set_date(date("2026-03-12"));
    assert_eq!(kinds(app), vec![feedback]);
});

db_test!(the_figures_count_consultations_comments_adoption_and_exemptions, |app| {
    let p = Province::new(app);
    let id = rights_draft(app, &p, "沈阳市统计办法");
    let cid = opened(app, &p, &id, json!({"closes_on": "2026-03-11"}));
    for content in ["意见一", "意见二", "意见三"] {
        assert_eq!(comment(app, &cid, json!({"content": content})).status, 201);
    }
    let comments =
        app.client.get(&format!("/api/v1/consultations/{cid}/comments"), Some(&p.drafter)).json();
    for (m, d) in comments.as_array().unwrap().iter().zip(["adopted", "not_adopted"]) {
        let path = format!("/api/v1/consultations/{cid}/comments/{}", m["id"].as_str().unwrap());
        let r = app.client.put(
            &path,
            Some(&p.drafter),
            &json!({"disposition": d, "reason": "理由", "summary": "摘要"}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let secret = rights_draft(app, &p, "沈阳市保密办法");
    let r = app.client.post(
        &format!("/api/v1/documents/{secret}/consultation-exemption"),
        Some(&p.registrar),
        &json!({"reason": "依法需要保密"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);

    let figures = app.client.get("/api/v1/stats/consultation?year=2026", Some(&p.drafter));
    assert_eq!(figures.status, 200, "{}", figures.body);
    let figures = figures.json();
    let city = &figures["agencies"][0];
    assert_eq!((city["consultations"].as_i64(), city["comments"].as_i64()), (Some(1), Some(3)));
    assert_eq!(city["dispositions"], json!({"adopted": 1, "partly_adopted": 0, "not_adopted": 1}));
    assert_eq!(city["adoption_rate"], 0.5);
    assert_eq!(city["without_consultation"][0]["reason"], "依法需要保密");
    assert_eq!(city["without_consultation"][0]["document_id"], secret.as_str());
    let empty = app.client.get("/api/v1/stats/consultation?year=2025", Some(&p.drafter)).json();
    assert_eq!(empty["agencies"], json!([]));
    app.client.get("/api/v1/stats/consultation?year=abc", Some(&p.drafter)).problem(400);
    app.client.get("/api/v1/stats/consultation?year=99999", Some(&p.drafter)).problem(422);
    let elsewhere = format!("/api/v1/stats/consultation?agency_id={}", p.province_id);
    app.client.get(&elsewhere, Some(&p.drafter)).problem(404);
    app.client.get("/api/v1/stats/consultation", None).problem(401);
});

db_test!(the_web_pages_take_a_comment_and_show_the_feedback_but_never_the_contact, |app| {
    let p = Province::new(app);
    let id = rights_draft(app, &p, "沈阳市网页办法");
    let cid =
        opened(app, &p, &id, json!({"closes_on": "2026-03-11", "drafting_notes": "起草说明全文"}));
    let list = app.client.get("/consultations", None);
    assert_eq!(list.status, 200);
    assert!(list.body.contains("沈阳市网页办法") && list.body.contains(&cid), "{}", list.body);
    let one = app.client.get(&format!("/consultations/{cid}"), None);
    assert!(one.body.contains("提出意见") && one.body.contains("起草说明全文"), "{}", one.body);

    let form = format!(
        "content={}&article={}&name={}&contact={}",
        "%E5%BB%BA%E8%AE%AE%E4%BF%AE%E6%94%B9", // 建议修改
        "%E7%AC%AC%E4%B8%80%E6%9D%A1",          // 第一条
        "%E6%9D%8E%E5%9B%9B",                   // 李四
        "secret-contact%40example.com"
    );
    let sent = app.client.raw(
        "POST",
        &format!("/consultations/{cid}/comments"),
        None,
        Some("application/x-www-form-urlencoded"),
        form.into_bytes(),
        &[],
    );
    let tracking = if sent.status == 303 {
        let location = sent.header("location").unwrap();
        assert!(location.starts_with("/consultation-comments?code=YJ-"), "{location}");
        app.client.get(&location, None)
    } else {
        sent
    };
    assert_eq!(tracking.status, 200, "{}", tracking.body);
    assert!(tracking.body.contains("已收到您的意见"), "{}", tracking.body);

    app.clock.set_date(date("2026-03-12"));
    let late = app.client.raw(
        "POST",
        &format!("/consultations/{cid}/comments"),
        None,
        Some("application/x-www-form-urlencoded"),
        b"content=late".to_vec(),
        &[],
    );
    assert_eq!(late.status, 409, "{}", late.body);
    let comments =
        app.client.get(&format!("/api/v1/consultations/{cid}/comments"), Some(&p.drafter)).json();
    assert_eq!(comments[0]["contact"], "secret-contact@example.com");
    let path =
        format!("/api/v1/consultations/{cid}/comments/{}", comments[0]["id"].as_str().unwrap());
    let r = app.client.put(
        &path,
        Some(&p.drafter),
        &json!({"disposition": "adopted", "reason": "已修改第一条", "summary": "建议修改第一条"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let closed = app.client.get(&format!("/consultations/{cid}"), None);
    assert!(
        closed.body.contains("意见采纳情况") && closed.body.contains("已修改第一条"),
        "{}",
        closed.body
    );
    assert!(!closed.body.contains("提出意见"));
    let code = comments[0]["tracking_code"].as_str().unwrap();
    let tracked = app.client.get(&format!("/consultation-comments?code={code}"), None);
    assert!(tracked.body.contains("采纳"), "{}", tracked.body);
    let closed_list = app.client.get("/consultations?status=closed", None);
    for page in [&closed, &tracked, &closed_list, &list, &one] {
        assert!(
            !page.body.contains("secret-contact") && !page.body.contains("李四"),
            "{}",
            page.body
        );
    }
    let missing = app.client.get("/consultation-comments?code=YJ-AAAA-AAAA-AAAA", None);
    assert_eq!(missing.status, 404);
    assert_eq!(app.client.get("/consultations/not-an-id", None).status, 404);
});

db_test!(two_consultations_opened_at_once_on_one_document_leave_one, |app| {
    let p = Province::new(app);
    let id = rights_draft(app, &p, "沈阳市同时办法");
    let path = format!("/api/v1/documents/{id}/consultations");
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let (client, token, path) = (app.client.clone(), p.drafter.clone(), path.clone());
            std::thread::spawn(move || {
                client.post(&path, Some(&token), &json!({"closes_on": "2026-03-11"})).status
            })
        })
        .collect();
    let mut statuses: Vec<u16> = runs.into_iter().map(|t| t.join().unwrap()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, vec![201, 409, 409, 409]);
    let all = app.client.get(&path, Some(&p.drafter)).json();
    assert_eq!(all.as_array().unwrap().len(), 1, "{all}");
});

db_test!(the_review_and_the_filing_show_the_consultation_record, |app| {
    let p = Province::new(app);
    let id = rights_draft(app, &p, "沈阳市行政许可办理办法");
    let cid = opened(app, &p, &id, json!({"closes_on": "2026-03-11"}));
    let sent =
        comment(app, &cid, json!({"content": "建议第一条增加听证程序。", "contact": CONTACT}));
    assert_eq!(sent.status, 201, "{}", sent.body);
    app.clock.set_date(date("2026-03-12"));
    let comments =
        app.client.get(&format!("/api/v1/consultations/{cid}/comments"), Some(&p.drafter)).json();
    let cmt = comments[0]["id"].as_str().unwrap();
    let r = app.client.put(
        &format!("/api/v1/consultations/{cid}/comments/{cmt}"),
        Some(&p.drafter),
        &json!({"disposition": "adopted", "reason": "已采纳。", "summary": "建议增加听证程序"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(submit(app, &p, &id).status, 200);

    // The legality reviewer reads the record with the opinions.
    let reviews = app.client.get(&format!("/api/v1/documents/{id}/reviews"), Some(&p.reviewer));
    assert_eq!(reviews.status, 200, "{}", reviews.body);
    let reviews = reviews.json();
    let held = &reviews["consultations"][0];
    assert_eq!(held["id"], cid.as_str(), "{reviews}");
    assert_eq!((held["status"].as_str(), held["comments"].as_i64()), (Some("closed"), Some(1)));
    assert_eq!(held["undisposed"], 0);
    assert_eq!(held["counts"]["adopted"], 1);
    assert!(reviews["consultation_exemption"].is_null());
    assert!(!reviews.to_string().contains(CONTACT));

    // The filing carries it among its materials, for the filing authority.
    publish_submitted(app, &p, &id);
    let filed = file(app, &p, &id);
    assert_eq!(filed.status, 201, "{}", filed.body);
    assert_eq!(filed.json()["consultations"][0]["id"], cid.as_str());
    let inbox = app.client.get("/api/v1/filings", Some(&p.filing_reviewer));
    assert_eq!(inbox.status, 200, "{}", inbox.body);
    let item = &inbox.json()["items"][0];
    assert_eq!(item["consultations"][0]["comments"], 1, "{item}");

    // An exempted draft shows the exemption and its reason instead.
    let secret = rights_draft(app, &p, "沈阳市涉密事项办法");
    let r = app.client.post(
        &format!("/api/v1/documents/{secret}/consultation-exemption"),
        Some(&p.registrar),
        &json!({"reason": "涉及国家秘密，依法需要保密"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let reviews =
        app.client.get(&format!("/api/v1/documents/{secret}/reviews"), Some(&p.drafter)).json();
    assert_eq!(reviews["consultations"], json!([]));
    assert_eq!(reviews["consultation_exemption"], "涉及国家秘密，依法需要保密");

    // A page of filings shows each document's own record (read for the page at once).
    assert_eq!(submit(app, &p, &secret).status, 200);
    publish_submitted(app, &p, &secret);
    let filed = file(app, &p, &secret);
    assert_eq!(filed.status, 201, "{}", filed.body);
    let inbox = app.client.get("/api/v1/filings", Some(&p.filing_reviewer)).json();
    let items = inbox["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{inbox}");
    let of = |doc: &str| items.iter().find(|i| i["document_id"] == doc).expect("listed");
    let (consulted, exempted) = (of(&id), of(&secret));
    assert_eq!(consulted["consultations"][0]["counts"]["adopted"], 1, "{consulted}");
    assert!(consulted["consultation_exemption"].is_null(), "{consulted}");
    assert_eq!(exempted["consultations"], json!([]), "{exempted}");
    assert_eq!(exempted["consultation_exemption"], "涉及国家秘密，依法需要保密");
});

db_test!(comments_and_dispositions_are_on_a_hash_chain_that_verify_checks, |app| {
    let p = Province::new(app);
    let id = rights_draft(app, &p, "沈阳市行政许可听证办法");
    let cid = opened(app, &p, &id, json!({"closes_on": "2026-03-11"}));
    let sent = comment(app, &cid, json!({"content": "建议增加听证程序。", "contact": CONTACT}));
    assert_eq!(sent.status, 201, "{}", sent.body);
    let comments =
        app.client.get(&format!("/api/v1/consultations/{cid}/comments"), Some(&p.drafter)).json();
    let cmt = comments[0]["id"].as_str().unwrap().to_string();
    let r = app.client.put(
        &format!("/api/v1/consultations/{cid}/comments/{cmt}"),
        Some(&p.drafter),
        &json!({"disposition": "adopted", "reason": "已采纳。", "summary": "增加听证程序"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);

    let subject = format!("consultation:{cid}");
    let verify = || {
        let out = run_normreg(&app.db.url, &["verify"]);
        (out.status.success(), String::from_utf8_lossy(&out.stdout).to_string())
    };
    let (ok, text) = verify();
    assert!(ok, "{text}");
    let url = normreg::db::DatabaseUrl::parse(&app.db.url).unwrap();
    let mut conn = normreg::db::connect(&url, 1).unwrap().get().unwrap();
    // Two events on the consultation's chain: the comment received, then its disposition;
    // the commenter's contact is not on the chain, which is kept for ever.
    let chain: Vec<_> = normreg::db::audit::all(&mut conn)
        .unwrap()
        .into_iter()
        .filter(|e| e.subject == subject)
        .collect();
    let actions: Vec<&str> = chain.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["comment_received", "comment_disposed"]);
    assert!(chain.iter().all(|e| !e.detail.clone().unwrap_or_default().contains(CONTACT)));

    // A disposition rewritten in the database is named by its consultation's chain.
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!(
            "UPDATE audit_events SET detail = replace(detail, '已采纳', '不予采纳') \
             WHERE subject = '{subject}' AND seq = 2"
        )),
        &mut *conn,
    )
    .unwrap();
    let (ok, text) = verify();
    assert!(!ok, "{text}");
    assert!(text.contains(&format!("chain {subject}:")), "{text}");
});
