//! Citations between documents (issue 15): a document read answers what its text cites, with
//! character spans and what each names, and which documents cite it; when a cited document is
//! repealed, the documents in force resting on it get a "basis changed" item in their agency's
//! deadlines and open cleanup campaign; submission flags unknown titles and ended documents.

use serde_json::{json, Value};

use crate::db_test;
use crate::fixtures::{neighbour_city, Province};
use crate::helpers::*;

/// The neighbour city's own drafter, legal reviewer and registrar, as a `Province` whose
/// documents are the neighbour's.
fn neighbour(app: &TestApp, p: &Province) -> Province {
    let city = neighbour_city(app, p);
    Province {
        admin: p.admin.clone(),
        province_id: p.province_id.clone(),
        drafter: app.user(&p.admin, "dl-drafter", &city, &["drafter"]),
        reviewer: app.user(&p.admin, "dl-legal", &city, &["legal_reviewer"]),
        registrar: app.user(&p.admin, "dl-registrar", &city, &["registrar"]),
        filing_reviewer: p.filing_reviewer.clone(),
    }
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn chars(s: &str, start: u64, end: u64) -> String {
    s.chars().skip(start as usize).take((end - start) as usize).collect()
}

const CITING: &str = "第一条 根据《中华人民共和国行政许可法》和《沈阳市甲办法》（沈政规[2026]1号），结合本市实际，制定本办法。\n第二条 《沈阳市并不存在的办法》同时适用。";

db_test!(
    cites_and_cited_by_follow_citations_across_agencies_and_only_published_ones_are_public,
    |app| {
        let p = Province::new(app);
        let dl = neighbour(app, &p);
        let cited = p.published(app, "沈阳市甲办法", "第一条 为了规范管理，制定本办法。");
        let cited_id = id_of(&cited);
        assert_eq!(cited["issuance_number"], "沈政规〔2026〕1号");
        let citing = dl.published(app, "大连市乙办法", CITING);
        let citing_id = id_of(&citing);
        let draft = dl.draft(app, "大连市丙办法（草案）", "第一条 依照《沈阳市甲办法》执行。");
        let own_draft = p.draft(app, "沈阳市丁办法（草案）", "第一条 依照沈政规〔2026〕1号执行。");

        let public = app.client.get(&format!("/api/v1/public/documents/{citing_id}"), None).json();
        let cites = public["cites"].as_array().unwrap();
        let texts: Vec<&str> = cites.iter().map(|c| c["text"].as_str().unwrap()).collect();
        assert_eq!(
            texts,
            vec![
                "《中华人民共和国行政许可法》",
                "《沈阳市甲办法》",
                "沈政规[2026]1号",
                "《沈阳市并不存在的办法》"
            ]
        );
        for c in cites {
            let (s, e) = (c["start"].as_u64().unwrap(), c["end"].as_u64().unwrap());
            assert_eq!(chars(CITING, s, e), c["text"].as_str().unwrap(), "spans count characters");
            assert_eq!(c["field"], "body");
        }
        assert_eq!(cites[0]["law_title"], "行政许可法");
        assert_eq!(cites[0]["law_level"], "law");
        assert!(cites[0].get("document_id").is_none());
        for c in &cites[1..3] {
            assert_eq!(c["document_id"], cited_id.as_str(), "{c}");
            assert_eq!(c["status"], "not_yet_effective");
        }
        assert_eq!(cites[3]["resolved"], false);
        assert!(cites[3].get("document_id").is_none() && cites[3].get("law_title").is_none());

        let cited_public =
            app.client.get(&format!("/api/v1/public/documents/{cited_id}"), None).json();
        let by: Vec<&str> = cited_public["cited_by"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap())
            .collect();
        assert_eq!(by, vec![citing_id.as_str()], "drafts citing it are not public");
        assert_eq!(cited_public["cited_by"][0]["title"], "大连市乙办法");

        // Its own agency also sees its own draft citing it, never the neighbour's draft.
        let internal =
            app.client.get(&format!("/api/v1/documents/{cited_id}"), Some(&p.drafter)).json();
        let mut by: Vec<&str> = internal["cited_by"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap())
            .collect();
        by.sort();
        let mut expected = vec![citing_id.as_str(), own_draft.as_str()];
        expected.sort();
        assert_eq!(by, expected);
        assert!(!by.contains(&draft.as_str()));
        let draft_read =
            app.client.get(&format!("/api/v1/documents/{draft}"), Some(&dl.drafter)).json();
        assert_eq!(draft_read["cites"][0]["document_id"], cited_id.as_str());

        // The page links the cited document and lists the documents citing it.
        let page = app.client.get(&format!("/documents/{citing_id}"), None);
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains(&format!("<a href=\"/documents/{cited_id}\">《沈阳市甲办法》</a>")),
            "{}",
            page.body
        );
        assert!(page.body.contains("未能对应"));
        let page = app.client.get(&format!("/documents/{cited_id}"), None);
        assert!(page.body.contains("被以下文件引用"));
        assert!(page
            .body
            .contains(&format!("<a href=\"/documents/{citing_id}\">大连市乙办法</a>")));
    }
);

db_test!(
    a_repealed_basis_shows_in_deadlines_and_the_open_cleanup_and_is_flagged_on_submission,
    |app| {
        let p = Province::new(app);
        let dl = neighbour(app, &p);
        let cited_id =
            id_of(&p.published(app, "沈阳市甲办法", "第一条 为了规范管理，制定本办法。"));
        let citing_id = id_of(&dl.published(app, "大连市乙办法", CITING));
        app.clock.set_date(date("2026-05-04"));
        let campaign = app.client.post(
            "/api/v1/cleanup-campaigns",
            Some(&dl.registrar),
            &json!({"name": "2026年度规范性文件清理"}),
        );
        assert_eq!(campaign.status, 201, "{}", campaign.body);
        let campaign_id = id_of(&campaign.json());
        assert_eq!(campaign.json()["basis_changes"], json!([]), "nothing changed yet");
        let basis = |token: &str| -> Vec<Value> {
            let list = app.client.get("/api/v1/deadlines?within_days=0", Some(token)).json();
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| i["kind"] == "basis_changed")
                .cloned()
                .collect()
        };
        assert!(basis(&dl.drafter).is_empty());

        let repealed = app.client.post(
            &format!("/api/v1/documents/{cited_id}/repeal"),
            Some(&p.registrar),
            &json!({"repealed_on": "2026-05-04", "reason": "上位法已修改。"}),
        );
        assert_eq!(repealed.status, 200, "{}", repealed.body);

        let items = basis(&dl.drafter);
        assert_eq!(items.len(), 1, "one item however often it is cited: {items:?}");
        assert_eq!(items[0]["document_id"], citing_id.as_str());
        assert_eq!(items[0]["title"], "大连市乙办法");
        assert_eq!(items[0]["kind_label"], "依据变化");
        assert_eq!(items[0]["reference_id"], cited_id.as_str());
        assert_eq!(items[0]["due_on"], "2026-05-04");
        assert_eq!(
            items[0]["detail"],
            "依据变化：《沈阳市甲办法》（沈政规〔2026〕1号）自2026-05-04已废止"
        );
        assert!(basis(&p.drafter).is_empty(), "the repealing agency cites nothing");

        let open = app
            .client
            .get(&format!("/api/v1/cleanup-campaigns/{campaign_id}"), Some(&dl.registrar))
            .json();
        let changes = open["basis_changes"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "{open}");
        assert_eq!(changes[0]["document_id"], citing_id.as_str());
        assert_eq!(changes[0]["cited_document_id"], cited_id.as_str());
        assert_eq!(changes[0]["cited_validity"], "repealed");

        let public = app.client.get(&format!("/api/v1/public/documents/{citing_id}"), None).json();
        assert_eq!(public["cites"][1]["status"], "repealed");

        // A new draft resting on the repealed document and on an unknown title is flagged, not
        // refused.
        let draft = dl.draft(app, "大连市丙办法", CITING);
        let submitted = dl.submit(app, &draft);
        assert_eq!(submitted["document"]["status"], "under_review");
        let flags: Vec<(String, String)> = submitted["citation_findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["citation"]["text"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            flags,
            vec![
                ("citation_not_in_force".to_string(), "《沈阳市甲办法》".to_string()),
                ("citation_not_in_force".to_string(), "沈政规[2026]1号".to_string()),
                ("citation_unknown".to_string(), "《沈阳市并不存在的办法》".to_string()),
            ]
        );
    }
);

db_test!(an_import_resolves_citations_among_its_documents_and_those_waiting_for_them, |app| {
    let p = Province::new(app);
    let dl = neighbour(app, &p);
    // Cites a number the registry does not hold yet.
    let waiting = dl.draft(app, "大连市戊办法（草案）", "第一条 参照沈政规〔2019〕7号执行。");
    let line = |title: &str, body: &str, number: &str| {
        json!({"agency_code": "SY", "title": title, "body": body, "issuance_number": number,
               "published_on": "2026-01-15", "effective_on": "2026-01-15"})
    };
    let r = app.client.post(
        "/api/v1/imports",
        Some(&p.admin),
        &json!([
            line("沈阳市甲规定", "第一条 为了规范管理，制定本规定。", "沈政规[2019]7号"),
            line(
                "沈阳市乙规定",
                "第一条 依据《沈阳市甲规定》和《中华人民共和国行政处罚法》，制定本规定。",
                "沈政规〔2020〕8号"
            ),
        ]),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let docs = r.json()["documents"].as_array().unwrap().clone();
    let (first, second) = (docs[0]["id"].as_str().unwrap(), docs[1]["id"].as_str().unwrap());

    let read = app.client.get(&format!("/api/v1/public/documents/{second}"), None).json();
    assert_eq!(read["cites"][0]["document_id"], first);
    assert_eq!(read["cites"][0]["status"], "in_force");
    assert_eq!(read["cites"][1]["law_title"], "行政处罚法");
    let draft = app.client.get(&format!("/api/v1/documents/{waiting}"), Some(&dl.drafter)).json();
    assert_eq!(draft["cites"][0]["document_id"], first, "resolved once it was imported");
    let cited = app.client.get(&format!("/api/v1/public/documents/{first}"), None).json();
    assert_eq!(cited["cited_by"].as_array().unwrap().len(), 1, "the draft stays internal");
    assert_eq!(cited["cited_by"][0]["id"], second);
});

/// Runs one statement on the test database, for what only SQL can do to it.
fn execute(app: &TestApp, statement: &str) {
    use diesel::RunQueryDsl;
    let url = normreg::db::DatabaseUrl::parse(&app.db.url).expect("url");
    let mut conn = normreg::db::connect(&url, 1).expect("pool").get().expect("connection");
    diesel::sql_query(statement).execute(&mut *conn).unwrap_or_else(|e| panic!("{statement}: {e}"));
}

db_test!(start_up_stores_the_citations_of_documents_written_before_they_were_kept, |app| {
    let p = Province::new(app);
    let cited = id_of(&p.published(app, "沈阳市甲办法", "第一条 为了规范管理，制定本办法。"));
    let citing = id_of(&p.published(app, "沈阳市乙办法", "第一条 依照《沈阳市甲办法》执行。"));
    app.server.stop();
    // The database as migration `…_citations` found it: no document scanned.
    execute(app, "DELETE FROM document_citations");
    execute(app, "DELETE FROM citation_scans");
    app.restart();
    let read = app.client.get(&format!("/api/v1/public/documents/{citing}"), None).json();
    assert_eq!(read["cites"][0]["document_id"], cited.as_str());
    let read = app.client.get(&format!("/api/v1/public/documents/{cited}"), None).json();
    assert_eq!(read["cited_by"][0]["id"], citing.as_str());
});

db_test!(the_akn_of_a_citing_document_refs_what_its_resolved_citations_name, |app| {
    let p = Province::new(app);
    let dl = neighbour(app, &p);
    let cited_id = id_of(&p.published(app, "沈阳市甲办法", "第一条 为了规范管理，制定本办法。"));
    let citing_id = id_of(&dl.published(app, "大连市乙办法", CITING));
    let akn = |id: &str| {
        let r = app.client.get(&format!("/api/v1/public/documents/{id}?format=akn"), None);
        assert_eq!(r.status, 200, "{}", r.body);
        r.body
    };
    // The cited document's work, as its own AKN names it.
    let cited_xml = akn(&cited_id);
    let cited_doc = roxmltree::Document::parse(&cited_xml).expect("well-formed XML");
    let work = cited_doc
        .descendants()
        .find(|n| n.has_tag_name("FRBRWork"))
        .and_then(|w| w.children().find(|n| n.has_tag_name("FRBRuri")))
        .and_then(|n| n.attribute("value"))
        .expect("the cited work's URI")
        .to_string();
    assert_eq!(work, "/akn/cn-sy/act/2026/1");

    let xml = akn(&citing_id);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let refs: Vec<(String, String)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("ref"))
        .map(|n| {
            assert_eq!(n.parent().map(|p| p.tag_name().name()), Some("p"), "a ref sits in a <p>");
            (n.attribute("href").unwrap().to_string(), n.text().unwrap_or("").to_string())
        })
        .collect();
    let law = format!("/akn/cn/act/national/law/{}", enc("行政许可法"));
    assert_eq!(
        refs,
        vec![
            (law, "《中华人民共和国行政许可法》".to_string()),
            (work.clone(), "《沈阳市甲办法》".to_string()),
            (work, "沈政规[2026]1号".to_string()),
        ],
        "{xml}"
    );
    // The unresolved title stays plain text, in its article.
    assert!(xml.contains("<p>《沈阳市并不存在的办法》同时适用。</p>"), "{xml}");
    // For `.ci/akn-validate`, which checks the files of target/akn/ against the schema.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/akn");
    std::fs::create_dir_all(&dir).unwrap();
    let engine = format!("{:?}", app.engine).to_lowercase();
    std::fs::write(dir.join(format!("http-citing-{engine}.xml")), &xml).unwrap();
});
