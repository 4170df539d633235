//! The public catalogue: published documents only, Chinese full-text search, lookup by
//! number, validity on a date, HTTP caching and the web pages.

use normreg::domain::clock::Clock;
use serde_json::{json, Value};

use crate::db_test;
use crate::fixtures::Province;
use crate::helpers::*;

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|d| d["id"].as_str().expect("id").to_string())
        .collect()
}

fn search(app: &TestApp, query: &str) -> Value {
    let r = app.client.get(&format!("/api/v1/public/documents?{query}"), None);
    assert_eq!(r.status, 200, "{query}: {}", r.body);
    r.json()
}

fn publish(app: &TestApp, p: &Province, id: &str) -> Value {
    let today = app.clock.today().to_string();
    let r = app.client.post(
        &format!("/api/v1/documents/{id}/publish"),
        Some(&p.registrar),
        &json!({"published_on": today, "channel": "沈阳市人民政府公报"}),
    );
    assert_eq!(r.status, 200, "publish: {}", r.body);
    r.json()
}

db_test!(nothing_unpublished_appears_in_any_public_answer_or_page, |app| {
    let p = Province::new(app);
    let published = p.published(app, "关于规范公开事项的通知", "第一条 公开事项应当依法办理。");
    let published_id = published["id"].as_str().unwrap().to_string();

    // A draft with an internal note, under the same words and a word of its own.
    let r = app.client.post(
        "/api/v1/documents",
        Some(&p.drafter),
        &json!({"title": "关于规范草拟事项的通知", "body": "公开事项 草拟专用词汇", "drafting_notes": "内部起草说明不得公开"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let draft_id = r.json()["id"].as_str().unwrap().to_string();

    // A numbered but unpublished document, reviewed with an opinion.
    let registered_id = p.adopted(app, "关于已登记未公布事项的通知");
    let registered = p.register(app, &registered_id);
    let registered_number = registered["issuance_number"].as_str().unwrap().to_string();
    let registration_number = registered["registration_number"].as_str().unwrap().to_string();

    // The catalogue lists the published document only.
    let all = search(app, "");
    assert_eq!(ids(&all), vec![published_id.clone()]);
    assert_eq!(all["total"], 1);
    for q in ["公开事项", "草拟专用", "已登记", "草拟", "规范"] {
        let found = search(app, &format!("q={}", enc(q)));
        assert!(ids(&found).iter().all(|id| *id == published_id), "{q}: {found}");
    }
    assert_eq!(search(app, &format!("q={}", enc("草拟专用")))["total"], 0);

    // Not by id, nor by number.
    for id in [&draft_id, &registered_id] {
        app.client.get(&format!("/api/v1/public/documents/{id}"), None).problem(404);
        let page = app.client.get(&format!("/documents/{id}"), None);
        assert_eq!(page.status, 404, "{}", page.body);
    }
    for number in [&registered_number, &registration_number] {
        app.client.get(&format!("/api/v1/public/lookup?number={}", enc(number)), None).problem(404);
    }

    // The published document carries no internal note, opinion, screening or actor.
    let doc = app.client.get(&format!("/api/v1/public/documents/{published_id}"), None);
    assert_eq!(doc.status, 200, "{}", doc.body);
    for secret in [
        "drafting_notes",
        "经审核",
        "opinion",
        "screening",
        "actor",
        "reviewer",
        "meeting",
        "内部起草说明",
    ] {
        assert!(!doc.body.contains(secret), "{secret} leaked: {}", doc.body);
    }
    let answers = [
        app.client.get("/api/v1/public/documents", None),
        app.client.get(&format!("/api/v1/public/documents?q={}", enc("事项")), None),
        app.client.get("/feed.atom", None),
        app.client.get("/", None),
        app.client.get(&format!("/search?q={}", enc("事项")), None),
        app.client.get(&format!("/documents/{published_id}"), None),
    ];
    for page in answers {
        assert_eq!(page.status, 200, "{}", page.body);
        for secret in ["草拟", "已登记未公布", "经审核", "内部起草说明", "常务会议"]
        {
            assert!(!page.body.contains(secret), "{secret} leaked: {}", page.body);
        }
    }
});

/// A body of six sentences, `hits` of them with the phrase, so that lengths are equal and
/// only the number of occurrences differs.
fn body_with(hits: usize, sentence: &str) -> String {
    let filler = "办理相关事项应当依法进行。";
    (0..6).map(|i| if i < hits { sentence } else { filler }).collect::<Vec<_>>().join("\n")
}

db_test!(a_two_and_a_four_character_term_find_the_right_documents_in_rank_order, |app| {
    let p = Province::new(app);
    let licence = "申请行政许可应当提交材料。";
    let many = p.published(app, "关于规范甲类事项的通知", &body_with(4, licence))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let few = p.published(app, "关于规范乙类事项的通知", &body_with(2, licence))["id"]
        .as_str()
        .unwrap()
        .to_string();
    // 许可 without 行政 before it.
    let once =
        p.published(app, "关于规范丙类事项的通知", &body_with(1, "申请办理许可证书的材料。"))["id"]
            .as_str()
            .unwrap()
            .to_string();
    // 许 and 可 both present but never side by side.
    let apart = p.published(app, "关于规范丁类事项的通知", &body_with(1, "许多群众认可这项做法。"))
        ["id"]
        .as_str()
        .unwrap()
        .to_string();

    let two = search(app, &format!("q={}", enc("许可")));
    assert_eq!(ids(&two), vec![many.clone(), few.clone(), once.clone()], "{two}");
    assert_eq!(two["total"], 3);
    let snippet = two["items"][0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("<mark>许可</mark>"), "{snippet}");

    let four = search(app, &format!("q={}", enc("行政许可")));
    assert_eq!(ids(&four), vec![many.clone(), few.clone()], "{four}");
    assert!(four["items"][0]["snippet"].as_str().unwrap().contains("<mark>行政许可</mark>"));

    // Terms combine: every one is required.
    let both = search(app, &format!("q={}", enc("许可证书 材料")));
    assert_eq!(ids(&both), vec![once.clone()]);
    assert!(!ids(&search(app, &format!("q={}", enc("认可")))).is_empty());
    assert_eq!(ids(&search(app, &format!("q={}", enc("认可")))), vec![apart]);
    // Punctuation alone matches nothing rather than everything.
    assert_eq!(search(app, &format!("q={}", enc("，。")))["total"], 0);
    // Paging keeps the order.
    let second = search(app, &format!("q={}&per_page=1&page=2", enc("许可")));
    assert_eq!(ids(&second), vec![few]);
    assert_eq!(second["total"], 3);
});

db_test!(a_document_named_after_the_term_comes_first, |app| {
    let p = Province::new(app);
    let id = |doc: Value| doc["id"].as_str().unwrap().to_string();
    let fire = "消防设施应当定期检查。";
    let mentions = id(p.published(app, "关于规范甲类事项的通知", &body_with(5, fire)));
    let named = id(p.published(app, "沈阳市消防安全管理办法", &body_with(1, fire)));
    let found = search(app, &format!("q={}", enc("消防")));
    assert_eq!(ids(&found), vec![named.clone(), mentions.clone()], "{found}");
    // Without the term in any title, the text decides.
    let by_text = search(app, &format!("q={}", enc("定期检查")));
    assert_eq!(ids(&by_text), vec![mentions, named], "{by_text}");
});

db_test!(a_search_ranks_and_counts_every_match_whatever_its_age, |app| {
    let p = Province::new(app);
    let licence = "申请行政许可应当提交材料。";
    let id = |doc: Value| doc["id"].as_str().unwrap().to_string();
    let old = id(p.published(app, "关于规范甲类事项的通知", &body_with(5, licence)));
    app.clock.set_date(date("2027-02-01"));
    let n1 = id(p.published(app, "关于规范乙类事项的通知", &body_with(4, licence)));
    let n2 = id(p.published(app, "关于规范丙类事项的通知", &body_with(1, licence)));
    let n3 = id(p.published(app, "关于规范丁类事项的通知", &body_with(3, licence)));
    let n4 = id(p.published(app, "关于规范戊类事项的通知", &body_with(2, licence)));

    for term in ["许可", "行政许可"] {
        let found = search(app, &format!("q={}", enc(term)));
        // The oldest, with the most occurrences, comes first: no window of newest matches.
        let expected = vec![old.clone(), n1.clone(), n3.clone(), n4.clone(), n2.clone()];
        assert_eq!(ids(&found), expected, "{term}: {found}");
        assert_eq!(found["total"], 5, "{found}");
        assert_eq!(found["truncated"], false, "{found}");
        let past = search(app, &format!("q={}&page=2", enc(term)));
        assert!(ids(&past).is_empty(), "{past}");
        assert_eq!(past["total"], 5);
    }
    let older = search(app, &format!("q={}&year=2026", enc("行政许可")));
    assert_eq!(ids(&older), vec![old.clone()], "{older}");
    let listing = search(app, "");
    assert_eq!((listing["total"].clone(), listing["truncated"].clone()), (json!(5), json!(false)));

    let page = app.client.get(&format!("/search?q={}", enc("许可")), None);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("共找到 5 件文件"), "{}", page.body);
});

db_test!(lookup_accepts_every_bracket_spelling_of_the_same_number, |app| {
    let p = Province::new(app);
    let doc = p.published(app, "关于编号查询的通知", "第一条 编号查询。");
    let id = doc["id"].as_str().unwrap();
    let number = doc["issuance_number"].as_str().unwrap().to_string();
    assert!(number.contains('〔'), "{number}");
    let registration = doc["registration_number"].as_str().unwrap().to_string();
    let mut spellings =
        vec![number.clone(), registration.clone(), registration.replace('—', "-").to_lowercase()];
    for (open, close) in [("﹝", "﹞"), ("[", "]"), ("【", "】"), ("（", "）"), ("(", ")")] {
        spellings.push(number.replace('〔', open).replace('〕', close));
    }
    spellings.push(number.replace('号', "號").replace('〔', " [ ").replace('〕', " ] "));
    for spelling in &spellings {
        let r = app.client.get(&format!("/api/v1/public/lookup?number={}", enc(spelling)), None);
        assert_eq!(r.status, 200, "{spelling}: {}", r.body);
        assert_eq!(r.json()["id"], id, "{spelling}");
    }
    app.client
        .get(&format!("/api/v1/public/lookup?number={}", enc("沈政规〔2026〕99号")), None)
        .problem(404);
    app.client.get(&format!("/api/v1/public/lookup?number={}", enc("没有编号")), None).problem(422);
});

db_test!(valid_on_returns_what_was_in_force_on_that_date, |app| {
    let p = Province::new(app);
    // Published 2026-03-02: in force 2026-04-01 to 2031-03-31.
    let first = p.published(app, "关于第一件文件的通知", "第一条 第一件。")["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.clock.set_date(date("2026-06-01"));
    // Published 2026-06-01: in force 2026-07-01 to 2031-06-30.
    let second = p.published(app, "关于第二件文件的通知", "第一条 第二件。")["id"]
        .as_str()
        .unwrap()
        .to_string();

    let on = |day: &str| ids(&search(app, &format!("valid_on={day}")));
    assert!(on("2026-03-15").is_empty());
    assert_eq!(on("2026-04-15"), vec![first.clone()]);
    let mut both = on("2026-07-15");
    both.sort();
    let mut expected = vec![first.clone(), second.clone()];
    expected.sort();
    assert_eq!(both, expected);
    assert_eq!(on("2031-05-01"), vec![second.clone()]);
    assert!(on("2031-07-01").is_empty());

    // Validity judged today (2026-06-01), and on a date.
    assert_eq!(ids(&search(app, "validity=not_yet_effective")), vec![second.clone()]);
    assert_eq!(ids(&search(app, "validity=in_force")), vec![first.clone()]);
    assert_eq!(ids(&search(app, &format!("validity={}", enc("现行有效")))), vec![first.clone()]);
    assert_eq!(ids(&search(app, "validity=expired&valid_on=2031-05-01")), vec![first.clone()]);
    let listed = search(app, "valid_on=2026-07-15");
    assert_eq!(listed["items"][0]["agency"]["name"], "沈阳市人民政府");

    // Year and agency, with and without the agencies below it.
    assert_eq!(search(app, "year=2026")["total"], 2);
    assert_eq!(search(app, "year=2025")["total"], 0);
    assert_eq!(search(app, "agency=SY")["total"], 2);
    assert_eq!(search(app, "agency=LN")["total"], 0);
    assert_eq!(search(app, "agency=LN&include_sub=true")["total"], 2);
    // The same filters on a search, which reads them from the index entries.
    let term = enc("文件");
    assert_eq!(search(app, &format!("q={term}&year=2026"))["total"], 2);
    assert_eq!(search(app, &format!("q={term}&year=2025"))["total"], 0);
    assert_eq!(search(app, &format!("q={term}&agency=SY"))["total"], 2);
    assert_eq!(search(app, &format!("q={term}&agency=LN"))["total"], 0);
    assert_eq!(search(app, &format!("q={term}&agency=LN&include_sub=true"))["total"], 2);
    let in_force = search(app, &format!("q={term}&validity=in_force&year=2026&agency=SY"));
    assert_eq!(ids(&in_force), vec![first.clone()]);
    app.client.get("/api/v1/public/documents?agency=NOPE", None).problem(422);
    app.client.get("/api/v1/public/documents?validity=forever", None).problem(422);
});

db_test!(public_reads_carry_an_etag_and_answer_304_when_it_matches, |app| {
    let p = Province::new(app);
    let id =
        p.published(app, "关于缓存的通知", "第一条 缓存。")["id"].as_str().unwrap().to_string();
    for path in [
        format!("/api/v1/public/documents/{id}"),
        "/api/v1/public/documents".to_string(),
        format!("/documents/{id}"),
    ] {
        let first = app.client.get(&path, None);
        assert_eq!(first.status, 200, "{path}: {}", first.body);
        let etag = first.header("etag").expect("etag");
        assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
        assert_eq!(first.header("cache-control").as_deref(), Some("public, max-age=60"));

        let again =
            app.client.raw("GET", &path, None, None, Vec::new(), &[("If-None-Match", &etag)]);
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
        assert_eq!(again.header("etag").as_deref(), Some(etag.as_str()));

        let other = app.client.raw(
            "GET",
            &path,
            None,
            None,
            Vec::new(),
            &[("If-None-Match", "\"something-else\"")],
        );
        assert_eq!(other.status, 200, "{path}");
        assert_eq!(other.body, first.body);
    }
    // A change to the catalogue changes the validator.
    let before = app.client.get("/api/v1/public/documents", None).header("etag");
    p.published(app, "关于第二次缓存的通知", "第一条 缓存。");
    let after = app.client.get("/api/v1/public/documents", None).header("etag");
    assert_ne!(before, after);
});

db_test!(the_pages_render_in_chinese_and_escape_html, |app| {
    let p = Province::new(app);
    let id = p.adopted(app, "关于<script>alert(1)</script>的通知");
    p.register(app, &id);
    let doc = publish(app, &p, &id);
    let number = doc["issuance_number"].as_str().unwrap().to_string();

    let home = app.client.get("/", None);
    assert_eq!(home.status, 200);
    assert!(home.header("content-type").unwrap().starts_with("text/html"));
    assert!(home.body.contains("<html lang=\"zh-CN\">"));
    assert!(home.body.contains("<label for=\"q\">"));
    assert!(home.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{}", home.body);
    assert!(!home.body.contains("<script>"), "{}", home.body);

    let results = app.client.get(&format!("/search?q={}", enc("规范管理")), None);
    assert_eq!(results.status, 200, "{}", results.body);
    assert!(results.body.contains("<mark>规范管理</mark>"), "{}", results.body);
    assert!(results.body.contains("共找到 1 件文件"), "{}", results.body);
    assert!(!results.body.contains("<script>"));
    let escaped_query = app.client.get(&format!("/search?q={}", enc("<img src=x>")), None);
    assert_eq!(escaped_query.status, 200);
    assert!(!escaped_query.body.contains("<img src=x>"));
    assert!(escaped_query.body.contains("&lt;img src=x&gt;"));

    let page = app.client.get(&format!("/documents/{id}"), None);
    assert_eq!(page.status, 200, "{}", page.body);
    for expected in [
        "文号",
        &number,
        "登记号",
        "沈阳市人民政府",
        "尚未生效",
        "第一条",
        "为了规范管理",
        "历次版本",
    ] {
        assert!(page.body.contains(expected), "{expected}: {}", page.body);
    }
    assert!(!page.body.contains("<script>"));

    let filtered = app.client.get("/search?validity=in_force&agency=SY&page=1", None);
    assert_eq!(filtered.status, 200);
    assert!(filtered.body.contains("共找到 0 件文件"), "{}", filtered.body);
    let missing = app.client.get("/documents/not-an-id", None);
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("未找到"));
});

db_test!(
    a_review_suggestion_gets_a_tracking_code_a_deadline_and_a_reply_but_never_shows_its_contact,
    |app| {
        let p = Province::new(app);
        let id = p.published(app, "关于审查建议的通知", "第一条 审查建议。")["id"]
            .as_str()
            .unwrap()
            .to_string();
        let r = app.client.post(
        "/api/v1/public/review-suggestions",
        None,
        &json!({"document_id": id, "content": "第一条设定了行政许可，建议审查。", "contact": "13800000000"}),
    );
        assert_eq!(r.status, 201, "{}", r.body);
        let code = r.json()["tracking_code"].as_str().unwrap().to_string();
        // 15 calendar days (policy default) from 2026-03-02.
        assert_eq!(r.json()["due_on"], "2026-03-17");

        let tracked = app.client.get(&format!("/api/v1/public/review-suggestions/{code}"), None);
        assert_eq!(tracked.status, 200, "{}", tracked.body);
        let t = tracked.json();
        assert_eq!(t["status"], "received");
        assert_eq!(t["due_on"], "2026-03-17");
        assert_eq!(t["document_id"], id);
        assert!(
            !tracked.body.contains("13800000000") && !tracked.body.contains("contact"),
            "{}",
            tracked.body
        );
        // Typed loosely, the code still works.
        let loose = code.replace('-', "").to_lowercase();
        assert_eq!(
            app.client.get(&format!("/api/v1/public/review-suggestions/{loose}"), None).status,
            200
        );
        app.client.get("/api/v1/public/review-suggestions/JY-AAAA-AAAA-AAAA", None).problem(404);

        // The filing authority of the city (the province) sees it with the contact and replies.
        let inbox = app.client.get("/api/v1/review-suggestions", Some(&p.filing_reviewer));
        assert_eq!(inbox.status, 200, "{}", inbox.body);
        let item = &inbox.json()["items"][0];
        assert_eq!(item["contact"], "13800000000");
        assert_eq!(item["tracking_code"], code.as_str());
        let suggestion_id = item["id"].as_str().unwrap().to_string();
        // Not the drafter's business, and not anonymous.
        app.client.get("/api/v1/review-suggestions", Some(&p.drafter)).problem(403);
        app.client.get("/api/v1/review-suggestions", None).problem(401);
        let reply = app.client.post(
            &format!("/api/v1/review-suggestions/{suggestion_id}/reply"),
            Some(&p.filing_reviewer),
            &json!({"reply": "经审查，已责令制定机关自行纠正。", "outcome": "correction_ordered"}),
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        app.client
            .post(
                &format!("/api/v1/review-suggestions/{suggestion_id}/reply"),
                Some(&p.filing_reviewer),
                &json!({"reply": "再次答复", "outcome": "x"}),
            )
            .problem(409);

        let replied = app.client.get(&format!("/api/v1/public/review-suggestions/{code}"), None);
        assert_eq!(replied.json()["status"], "replied");
        assert_eq!(replied.json()["reply"], "经审查，已责令制定机关自行纠正。");
        assert!(!replied.body.contains("13800000000"));
        let page = app.client.get(&format!("/suggestions?code={}", enc(&code)), None);
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(
            page.body.contains("已答复") && page.body.contains("经审查，已责令制定机关自行纠正。"),
            "{}",
            page.body
        );
        assert!(!page.body.contains("13800000000"));
    }
);

db_test!(
    review_suggestions_are_refused_for_unpublished_documents_overlong_texts_and_floods,
    |app| {
        let p = Province::new(app);
        let published =
            p.published(app, "关于限流的通知", "第一条 限流。")["id"].as_str().unwrap().to_string();
        let draft = p.draft(app, "关于草稿的通知", "草稿");
        let post = |body: Value| app.client.post("/api/v1/public/review-suggestions", None, &body);
        post(json!({"document_id": draft, "content": "建议审查"})).problem(422);
        post(json!({"document_id": published, "content": "长".repeat(10_001)})).problem(422);
        post(json!({"document_id": published, "content": "  "})).problem(422);
        assert_eq!(
            post(json!({"document_id": published, "content": "长".repeat(10_000)})).status,
            201
        );
        // The web form posts the same thing and lands on the tracking page.
        let form = format!("content={}&contact=", enc("网页提交的建议"));
        let r = app.client.raw(
            "POST",
            &format!("/documents/{published}/suggestions"),
            None,
            Some("application/x-www-form-urlencoded"),
            form.into_bytes(),
            &[],
        );
        if r.status == 303 {
            assert!(r.header("location").unwrap().starts_with("/suggestions?code=JY-"));
        } else {
            assert_eq!(r.status, 200, "{}", r.body);
            assert!(r.body.contains("已收到您的审查建议"), "{}", r.body);
        }
        for _ in 0..3 {
            assert_eq!(post(json!({"document_id": published, "content": "建议审查"})).status, 201);
        }
        // The sixth within the hour from one address.
        post(json!({"document_id": published, "content": "建议审查"})).problem(429);
        app.clock.set(app.clock.now() + chrono::Duration::minutes(61));
        assert_eq!(post(json!({"document_id": published, "content": "建议审查"})).status, 201);
    }
);

db_test!(the_atom_feed_lists_publications_and_nothing_unpublished, |app| {
    let p = Province::new(app);
    let published = p.published(app, "关于订阅<测试>的通知", "第一条 订阅。");
    let _draft = p.draft(app, "关于未公布订阅的通知", "草稿");
    let feed = app.client.get("/feed.atom", None);
    assert_eq!(feed.status, 200, "{}", feed.body);
    assert!(feed.header("content-type").unwrap().starts_with("application/atom+xml"));
    assert!(feed.body.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    assert!(feed.body.contains("<title>公布：关于订阅&lt;测试&gt;的通知</title>"), "{}", feed.body);
    assert!(feed.body.contains(&format!("/documents/{}", published["id"].as_str().unwrap())));
    assert!(feed.body.contains(published["issuance_number"].as_str().unwrap()));
    assert!(!feed.body.contains("未公布订阅"));
    assert!(feed.header("etag").is_some());
});

db_test!(pages_answer_head_like_get_and_405_with_allow_for_other_methods, |app| {
    let p = Province::new(app);
    let doc = p.published(app, "关于方法检查的通知", "第一条 页面应当正确回应请求方法。");
    let id = doc["id"].as_str().unwrap();
    let c = &app.client;

    // HEAD: the GET answer's status and headers, no body.
    for path in [
        "/".to_string(),
        format!("/search?q={}", enc("方法")),
        format!("/documents/{id}"),
        "/suggestions".to_string(),
        "/feed.atom".to_string(),
        "/api/v1/public/documents".to_string(),
        format!("/api/v1/public/documents/{id}"),
        "/healthz".to_string(),
    ] {
        let get = c.get(&path, None);
        let head = c.raw("HEAD", &path, None, None, Vec::new(), &[]);
        assert_eq!(get.status, 200, "GET {path}: {}", get.body);
        assert_eq!(head.status, 200, "HEAD {path}: {}", head.body);
        assert!(head.body.is_empty(), "HEAD {path} sent a body");
        assert_eq!(head.header("content-type"), get.header("content-type"), "{path}");
        assert_eq!(head.header("etag"), get.header("etag"), "{path}");
        if let Some(length) = head.header("content-length") {
            assert_eq!(length, get.body.len().to_string(), "{path}");
        }
    }

    // Every page of the table answers its own methods (never 404 or 405); the consultation
    // pages take the id of a consultation.
    let draft = p.draft(app, "关于方法检查的征求意见稿", "第一条 页面应当正确回应请求方法。");
    let opened = c.post(
        &format!("/api/v1/documents/{draft}/consultations"),
        Some(&p.drafter),
        &json!({"closes_on": "2026-03-11"}),
    );
    assert_eq!(opened.status, 201, "{}", opened.body);
    let consultation = opened.json()["id"].as_str().unwrap().to_string();
    for (path, methods) in normreg::web::PAGES {
        let owner = if path.starts_with("/consultations/") { consultation.as_str() } else { id };
        let path = path.replace("{id}", owner);
        for method in methods.iter() {
            let r = c.raw(
                method,
                &path,
                None,
                Some("application/x-www-form-urlencoded"),
                b"content=x".to_vec(),
                &[],
            );
            assert!(![404, 405].contains(&r.status), "{method} {path}: {}", r.status);
        }
    }

    // Other methods on a known page: 405 naming what is allowed.
    let suggestions = format!("/documents/{id}/suggestions");
    let document = format!("/documents/{id}");
    for (method, path, allowed) in [
        ("POST", "/", "GET, HEAD"),
        ("PUT", "/search", "GET, HEAD"),
        ("DELETE", document.as_str(), "GET, HEAD"),
        ("PATCH", "/suggestions", "GET, HEAD"),
        ("POST", "/feed.atom", "GET, HEAD"),
        ("GET", suggestions.as_str(), "POST"),
        ("HEAD", suggestions.as_str(), "POST"),
        ("DELETE", "/api/v1/public/documents", "GET, HEAD"),
    ] {
        let r = c.raw(method, path, None, None, Vec::new(), &[]);
        assert_eq!(r.status, 405, "{method} {path}: {}", r.body);
        assert_eq!(r.header("allow").as_deref(), Some(allowed), "{method} {path}");
    }
    // An unknown page is still 404.
    assert_eq!(c.get("/no-such-page", None).status, 404);
});

db_test!(a_cached_public_read_shows_a_repeal_at_once, |app| {
    let p = Province::new(app);
    let doc = p.published(app, "关于缓存检查的通知", "第一条 公开读取应当反映最新状态。");
    let id = doc["id"].as_str().unwrap();
    let path = format!("/api/v1/public/documents/{id}");
    let first = app.client.get(&path, None);
    let second = app.client.get(&path, None);
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(second.body, first.body, "the same answer, from memory or not");
    assert_eq!(second.header("etag"), first.header("etag"));
    assert_eq!(first.json()["validity"], "not_yet_effective");

    let today = app.clock.today().to_string();
    let r = app.client.post(
        &format!("/api/v1/documents/{id}/repeal"),
        Some(&p.registrar),
        &json!({"repealed_on": today, "reason": "已被新文件替代"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let after = app.client.get(&path, None);
    assert_eq!(after.json()["validity"], "repealed", "a cached answer outlived the repeal");
    assert_ne!(after.header("etag"), first.header("etag"));

    // Validity is judged by the day: a new day is never answered from yesterday's entry.
    let other = p.published(app, "关于日期检查的通知", "第一条 生效日期到来后应当显示现行有效。");
    let other_path = format!("/api/v1/public/documents/{}", other["id"].as_str().unwrap());
    assert_eq!(app.client.get(&other_path, None).json()["validity"], "not_yet_effective");
    app.clock.set_date(app.clock.today() + chrono::Duration::days(40));
    assert_eq!(app.client.get(&other_path, None).json()["validity"], "in_force");
});
