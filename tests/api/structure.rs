//! Structured texts over HTTP: `structure` on the public and internal reads, one article, the
//! comparison of an amendment (changed, added, deleted, renumbered articles), the public
//! as-of read, and Akoma Ntoso XML (well-formed, with its FRBR parts; written to target/akn/
//! for `.ci/akn-validate`, which checks it against the OASIS schema).

use serde_json::{json, Value};

use crate::db_test;
use crate::fixtures::Province;
use crate::helpers::*;
use normreg::domain::clock::Clock;

pub(crate) const V1: &str = "第一章　总则\n\
第一条 为了规范养犬行为，保障公民健康和人身安全，制定本办法。\n\
第二条 本市行政区域内养犬的，适用本办法。\n\
第二章　管理\n\
第三条 养犬人应当遵守下列规定：\n\
（一）为犬只注射狂犬病疫苗；\n\
（二）携犬出户时束犬链。\n\
违反前款规定的，由公安机关予以批评教育。\n\
第四条 重点管理区内每户限养一只犬。\n\
第五条 犬只伤人的，养犬人应当立即将被伤害人送至医疗机构诊治。\n\
第六条 养犬人不得虐待、遗弃所养犬只。\n\
第七条 本办法自发布之日起施行。";

/// The amendment: 第二条 changed, a new 第四条 inserted (so 第四条, 第五条 become 第五条,
/// 第六条), old 第六条 deleted (so 第七条 keeps its number).
pub(crate) const V2: &str = "第一章　总则\n\
第一条 为了规范养犬行为，保障公民健康和人身安全，制定本办法。\n\
第二条 本市城市化管理地区内养犬的，适用本办法。\n\
第二章　管理\n\
第三条 养犬人应当遵守下列规定：\n\
（一）为犬只注射狂犬病疫苗；\n\
（二）携犬出户时束犬链。\n\
违反前款规定的，由公安机关予以批评教育。\n\
第四条 养犬登记实行网上办理。\n\
第五条 重点管理区内每户限养一只犬。\n\
第六条 犬只伤人的，养犬人应当立即将被伤害人送至医疗机构诊治。\n\
第七条 本办法自发布之日起施行。";

pub(crate) fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// Publishes the amendment of `v1` with `body` on the clock's date; answers its id.
pub(crate) fn amend(app: &TestApp, p: &Province, v1: &str, body: &str) -> String {
    let draft = app.client.raw(
        "POST",
        &format!("/api/v1/documents/{v1}/amend"),
        Some(&p.drafter),
        None,
        Vec::new(),
        &[],
    );
    assert_eq!(draft.status, 201, "{}", draft.body);
    let v2 = id_of(&draft.json());
    let r = app.client.patch(
        &format!("/api/v1/documents/{v2}"),
        Some(&p.drafter),
        &json!({"body": body}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    p.submit(app, &v2);
    p.review_lawful(app, &v2);
    p.adopt(app, &v2);
    p.register(app, &v2);
    let today = app.clock.today().to_string();
    let r = app.client.post(
        &format!("/api/v1/documents/{v2}/publish"),
        Some(&p.registrar),
        &json!({"published_on": today, "channel": "沈阳市人民政府公报"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    v2
}

db_test!(structure_articles_comparison_as_of_and_akoma_ntoso, |app| {
    let p = Province::new(app);
    let v1 = id_of(&p.published(app, "沈阳市养犬管理办法", V1));

    // The structure, on the public read and on the agency's.
    let public = app.client.get(&format!("/api/v1/public/documents/{v1}"), None).json();
    let s = &public["structure"];
    assert_eq!(s[0]["kind"], "chapter");
    assert_eq!((s[0]["anchor"].as_str(), s[0]["heading"].as_str()), (Some("ch-1"), Some("总则")));
    assert_eq!(s[1]["children"][0]["anchor"], "art-3");
    let art3 = &s[1]["children"][0];
    assert_eq!(art3["children"].as_array().unwrap().len(), 2, "two paragraphs (款): {art3}");
    assert_eq!(art3["children"][0]["children"][1]["kind"], "item");
    assert_eq!(art3["children"][0]["children"][1]["anchor"], "art-3-p-1-it-2");
    assert_eq!(art3["children"][1]["text"], "违反前款规定的，由公安机关予以批评教育。");
    let internal = app.client.get(&format!("/api/v1/documents/{v1}"), Some(&p.drafter)).json();
    assert_eq!(internal["structure"], public["structure"]);
    // A list leaves the structure out, as it does the citations.
    let list = app.client.get("/api/v1/documents", Some(&p.drafter)).json();
    assert!(list["items"][0]["title"].is_string(), "{list}");
    assert!(list["items"][0].get("structure").is_none(), "{list}");

    // One article; a missing one is a 404 problem.
    let a = app.client.get(&format!("/api/v1/public/documents/{v1}/articles/3"), None).json();
    assert_eq!((a["label"].as_str(), a["anchor"].as_str()), (Some("第三条"), Some("art-3")));
    assert!(a["text"].as_str().unwrap().starts_with("养犬人应当遵守下列规定：\n（一）"), "{a}");
    app.client.get(&format!("/api/v1/public/documents/{v1}/articles/99"), None).problem(404);
    app.client.get(&format!("/api/v1/public/documents/{v1}/articles/%E4%B8%89"), None).problem(404);

    // The amendment; before it is published nothing of it is public.
    app.clock.set_date(date("2026-05-04"));
    let v2 = amend(app, &p, &v1, V2);
    let draft = p.draft(app, "未发布的文件", "第一条 草稿。");
    app.client.get(&format!("/api/v1/public/documents/{draft}/articles/1"), None).problem(404);
    app.client
        .get(&format!("/api/v1/public/documents/{draft}/compare?with={v1}"), None)
        .problem(404);
    app.client
        .get(&format!("/api/v1/public/documents/{v2}/compare?with={draft}"), None)
        .problem(404);
    app.client.get(&format!("/api/v1/public/documents/{draft}?format=akn"), None).problem(404);

    // The comparison with the version it replaced (the default) and with one named.
    let c = app.client.get(&format!("/api/v1/public/documents/{v2}/compare"), None).json();
    assert_eq!(c["with_document_id"], v1.as_str());
    assert_eq!(
        c["counts"],
        json!({"unchanged": 3, "changed": 1, "added": 1, "deleted": 1, "moved": 2}),
        "{c}"
    );
    let rows = c["articles"].as_array().unwrap();
    let row = |change: &str| rows.iter().find(|r| r["change"] == change).unwrap();
    assert_eq!(
        (row("changed")["old_number"].as_u64(), row("changed")["new_number"].as_u64()),
        (Some(2), Some(2))
    );
    let inserted: String = row("changed")["diff"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["op"] == "insert")
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert!(inserted.contains("城市化管理地"), "{inserted}");
    assert_eq!(row("added")["new_label"], "第四条");
    assert_eq!(row("deleted")["old_label"], "第六条");
    assert_eq!(
        (row("moved")["old_number"].as_u64(), row("moved")["new_number"].as_u64()),
        (Some(4), Some(5))
    );
    let named =
        app.client.get(&format!("/api/v1/public/documents/{v2}/compare?with={v1}"), None).json();
    assert_eq!(named["articles"], c["articles"]);
    app.client.get(&format!("/api/v1/public/documents/{v1}/compare"), None).problem(404);
    let bad = app.client.get(&format!("/api/v1/public/documents/{v2}/compare?with=x"), None);
    assert_eq!(bad.problem(422)["errors"][0]["field"], "with", "{}", bad.body);

    // The published text on a date.
    app.clock.set_date(date("2026-06-10"));
    let then = app
        .client
        .get(&format!("/api/v1/public/documents/{v2}/as-of?date=2026-05-10"), None)
        .json();
    assert_eq!((then["id"].as_str(), then["body"].as_str()), (Some(v1.as_str()), Some(V1)));
    let now = app
        .client
        .get(&format!("/api/v1/public/documents/{v1}/as-of?date=2026-06-10"), None)
        .json();
    assert_eq!(now["id"], v2.as_str());
    app.client
        .get(&format!("/api/v1/public/documents/{v1}/as-of?date=2020-01-01"), None)
        .problem(404);
    app.client
        .get(&format!("/api/v1/public/documents/{v1}/as-of?date=2026-13-01"), None)
        .problem(422);
    app.client.get(&format!("/api/v1/public/documents/{v1}/as-of"), None).problem(422);
    app.client
        .get(&format!("/api/v1/public/documents/{draft}/as-of?date=2026-06-10"), None)
        .problem(404);

    // Akoma Ntoso: well-formed, with the FRBR parts, the articles and the lifecycle.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/akn");
    std::fs::create_dir_all(&dir).unwrap();
    for id in [&v1, &v2] {
        let r = app.client.get(&format!("/api/v1/public/documents/{id}?format=akn"), None);
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.header("content-type").as_deref(), Some("application/akn+xml"));
        let xml = roxmltree::Document::parse(&r.body).expect("well-formed XML");
        let names: Vec<&str> = xml.descendants().map(|n| n.tag_name().name()).collect();
        for part in ["FRBRWork", "FRBRExpression", "FRBRManifestation", "publication", "lifecycle"]
        {
            assert!(names.contains(&part), "{part} in {}", r.body);
        }
        assert_eq!(names.iter().filter(|n| **n == "article").count(), 7);
        let work = xml.descendants().find(|n| n.has_tag_name("FRBRuri")).unwrap();
        assert!(work.attribute("value").unwrap().starts_with("/akn/cn-sy/act/2026/"), "{}", r.body);
        std::fs::write(dir.join(format!("http-{id}.xml")), &r.body).unwrap();
    }
    let v2_akn = app.client.get(&format!("/api/v1/public/documents/{v2}?format=akn"), None).body;
    assert!(v2_akn.contains("type=\"amendment\""), "{v2_akn}");
    app.client.get(&format!("/api/v1/public/documents/{v1}?format=pdf"), None).problem(422);
});

db_test!(a_review_finding_may_name_an_article_of_the_reviewed_text, |app| {
    let p = Province::new(app);
    let id = p.draft(app, "沈阳市养犬管理办法", V1);
    p.submit(app, &id);
    let opinion = |article: u32| {
        json!({"conclusion": "revise", "opinion": "请修改后重新报送。",
               "findings": [{"point": "rights_obligations", "note": "限养规定缺乏上位法依据。", "article": article}]})
    };
    let path = format!("/api/v1/documents/{id}/review");
    let refused = app.client.post(&path, Some(&p.reviewer), &opinion(99));
    let problem = refused.problem(422);
    assert_eq!(problem["errors"][0]["field"], "findings[0].article", "{}", refused.body);
    let r = app.client.post(&path, Some(&p.reviewer), &opinion(4));
    assert_eq!(r.status, 200, "{}", r.body);
    let reviews = app.client.get(&format!("/api/v1/documents/{id}/reviews"), Some(&p.drafter));
    assert_eq!(reviews.status, 200, "{}", reviews.body);
    assert_eq!(reviews.json()["reviews"][0]["findings"][0]["article"], 4, "{}", reviews.body);
});
