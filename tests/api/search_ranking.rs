//! Search over the index (issue 11): exact titles and numbers first, phrase above scattered
//! characters, every match ranked and counted (no window), facets that sum to `total`, every
//! sort, and the index kept by the database's change feed: a second instance sees a
//! publication, and a deleted index is rebuilt at start.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::db_test;
use crate::fixtures::Province;
use crate::helpers::*;

/// A regulation of the corpus the repo ships (`assets/demo/documents.jsonl`): title and body.
fn corpus(title: &str) -> (String, String) {
    include_str!("../../assets/demo/documents.jsonl")
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("corpus line"))
        .find(|d| d["title"] == title)
        .map(|d| (d["title"].as_str().unwrap().into(), d["body"].as_str().unwrap().into()))
        .expect("title in the corpus")
}

fn search(app: &TestApp, query: &str) -> Value {
    search_at(&app.client, query)
}

fn search_at(client: &Client, query: &str) -> Value {
    let r = client.get(&format!("/api/v1/public/documents?{query}"), None);
    assert_eq!(r.status, 200, "{query}: {}", r.body);
    r.json()
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|d| d["id"].as_str().unwrap().into())
        .collect()
}

fn first(page: &Value) -> String {
    page["items"][0]["id"].as_str().unwrap_or_default().to_string()
}

/// Imports `lines` (each `(title, body, published_on)`) into the city as published documents.
fn import(app: &TestApp, p: &Province, from: usize, lines: &[(String, String, String)]) {
    let lines: Vec<Value> = lines
        .iter()
        .enumerate()
        .map(|(i, (title, body, on))| {
            json!({
                "agency_code": "SY",
                "title": title,
                "body": body,
                "issuance_number": format!("沈政规〔{}〕{}号", &on[..4], from + i + 1),
                "published_on": on,
                "effective_on": on,
            })
        })
        .collect();
    let r = app.client.post("/api/v1/imports", Some(&p.admin), &Value::Array(lines));
    assert!(r.status == 200 || r.status == 201, "import: {}", r.body);
}

fn count_sum(facet: &Value) -> i64 {
    facet.as_array().expect("facet").iter().map(|f| f["count"].as_i64().unwrap()).sum()
}

db_test!(an_exact_title_or_number_puts_the_regulation_before_what_cites_it, |app| {
    let p = Province::new(app);
    let (title, body) = corpus("沈阳市城市供水管理办法");
    let regulation = p.published(app, &title, &body);
    let id = regulation["id"].as_str().unwrap().to_string();
    let number = regulation["issuance_number"].as_str().unwrap().to_string();
    app.clock.set_date(date("2026-09-01"));
    let citing = format!("关于贯彻落实《{title}》的实施意见");
    let words =
        format!("为贯彻《{title}》，做好城市供水管理工作。城市供水管理办法明确了供水管理职责。");
    let mut newer: Vec<(String, String, String)> = (0..3)
        .map(|i| (citing.clone(), format!("{words}\n第{i}条 {body}"), "2026-08-01".to_string()))
        .collect();
    newer.extend((0..30).map(|i| {
        (format!("沈阳市第{i}项供水工作通知"), words.repeat(3), "2026-08-02".to_string())
    }));
    import(app, &p, 100, &newer);

    for q in [
        title.clone(),
        format!("《{title}》"),
        format!(" {title} "),
        "沈阳市城市供水 管理办法".into(),
    ] {
        let found = search(app, &format!("q={}", enc(&q)));
        assert_eq!(first(&found), id, "{q}: {found}");
        assert_eq!(found["total"], 34, "{q}: {found}");
    }
    // Its 文号 in any bracket spelling.
    let square = number.replace('〔', "[").replace('〕', "]");
    for q in [number.clone(), square, number.replace('〔', "（").replace('〕', "）")] {
        let found = search(app, &format!("q={}", enc(&q)));
        assert_eq!(first(&found), id, "{q}: {found}");
    }
    // The three documents that cite it in their titles come next, before texts that only
    // mention it.
    let found = search(app, &format!("q={}&per_page=4", enc(&title)));
    let titles: Vec<&str> =
        found["items"].as_array().unwrap().iter().map(|d| d["title"].as_str().unwrap()).collect();
    assert_eq!(titles[1..], [citing.as_str(), citing.as_str(), citing.as_str()], "{found}");
});

db_test!(the_query_as_a_phrase_in_a_short_title_ranks_first, |app| {
    let p = Province::new(app);
    let (title, body) = corpus("沈阳市湿地保护办法");
    let named = p.published(app, &title, &body)["id"].as_str().unwrap().to_string();
    app.clock.set_date(date("2026-09-01"));
    let scattered_body = "湿地资源应当加强保护。保护湿地，人人有责。湿地生态保护。".repeat(4);
    import(
        app,
        &p,
        200,
        &[
            // The characters scattered in the title, and far more often in the text.
            (
                "沈阳市湿地资源调查和生态保护办法".into(),
                scattered_body.clone(),
                "2026-08-01".into(),
            ),
            // The phrase in a longer title.
            (
                "沈阳市湿地保护与恢复工作若干措施的实施细则".into(),
                "第一条 为了规范工作，制定本细则。".into(),
                "2026-08-01".into(),
            ),
            // The phrase only in the text.
            ("沈阳市生态环境工作通知".into(), "湿地保护应当统筹规划。".into(), "2026-08-01".into()),
        ],
    );
    let found = search(app, &format!("q={}", enc("湿地 保护")));
    let titles: Vec<String> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids(&found)[0], named, "{found}");
    assert_eq!(
        titles,
        [
            "沈阳市湿地保护办法",
            "沈阳市湿地保护与恢复工作若干措施的实施细则",
            "沈阳市湿地资源调查和生态保护办法",
            "沈阳市生态环境工作通知"
        ],
        "{found}"
    );
});

db_test!(an_older_document_is_ranked_among_more_than_a_thousand_newer_matches, |app| {
    let p = Province::new(app);
    let old = vec![(
        "沈阳市物业管理条例".to_string(),
        "第一条 为了规范物业管理活动，制定本条例。".to_string(),
        "2020-05-01".to_string(),
    )];
    import(app, &p, 0, &old);
    let mention = "物业管理企业应当按照合同提供服务。";
    let newer: Vec<(String, String, String)> = (0..1_050)
        .map(|i| {
            (
                format!("沈阳市第{i}号服务工作通知"),
                format!("{mention}第{i}项。"),
                format!("2026-0{}-15", 1 + i % 2),
            )
        })
        .collect();
    import(app, &p, 10, &newer);

    let q = enc("物业管理");
    let found = search(app, &format!("q={q}"));
    assert_eq!(found["total"], 1_051, "{}", found["total"]);
    assert_eq!(found["truncated"], false);
    assert_eq!(found["items"][0]["title"], "沈阳市物业管理条例", "{}", found["items"][0]);
    assert_eq!(found["sort"], "relevance");

    // Facets count every match, and each sums to the total.
    let facets = &found["facets"];
    for facet in ["agency", "year", "validity"] {
        assert_eq!(count_sum(&facets[facet]), 1_051, "{facet}: {facets}");
    }
    assert_eq!(facets["year"], json!([{"year": 2026, "count": 1050}, {"year": 2020, "count": 1}]));
    assert_eq!(facets["agency"][0]["code"], "SY");

    // Every sort, over the whole set.
    let oldest = search(app, &format!("q={q}&sort=oldest&per_page=2"));
    assert_eq!(oldest["items"][0]["title"], "沈阳市物业管理条例");
    assert_eq!(oldest["items"][1]["published_on"], "2026-01-15");
    let newest = search(app, &format!("q={q}&sort=newest&per_page=100&page=11"));
    assert_eq!(newest["total"], 1_051);
    let last = newest["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["title"], "沈阳市物业管理条例", "{last}");
    let newest = search(app, &format!("q={q}&sort=newest&per_page=1"));
    assert_eq!(newest["items"][0]["published_on"], "2026-02-15");
    let bad = app.client.get(&format!("/api/v1/public/documents?q={q}&sort=best"), None);
    assert_eq!(bad.problem(422)["errors"][0]["field"], "sort");

    // Filters apply to the whole set: year, agency with and without the agencies below it,
    // validity on a day.
    assert_eq!(search(app, &format!("q={q}&year=2020"))["total"], 1);
    assert_eq!(search(app, &format!("q={q}&agency=LN"))["total"], 0);
    assert_eq!(search(app, &format!("q={q}&agency=LN&include_sub=true"))["total"], 1_051);
    let then = search(app, &format!("q={q}&valid_on=2021-01-01"));
    assert_eq!((then["total"].clone(), first(&then).is_empty()), (json!(1), false), "{then}");

    // The page shows the facets as links that narrow the search.
    let page = app.client.get(&format!("/search?q={q}"), None);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("共找到 1051 件文件"), "{}", page.body);
    assert!(page.body.contains("year=2020"), "{}", page.body);
    assert!(page.body.contains("sort=oldest"), "{}", page.body);
});

/// Waits until `done` holds, at most `limit`; the time it took.
fn within(limit: Duration, mut done: impl FnMut() -> bool) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if done() {
            return Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

/// A second instance over the same database, with an index directory of its own.
fn second_instance(app: &TestApp, dir: &std::path::Path) -> TestServer {
    let mut config = test_config(&app.db.url).expect("config");
    config.index_dir = Some(dir.to_path_buf());
    TestServer::start_with(config, app.clock.clone()).expect("second instance starts")
}

db_test!(a_publication_reaches_another_instance_and_a_deleted_index_is_rebuilt, |app| {
    let p = Province::new(app);
    let dir = std::env::temp_dir().join(format!("normreg-index-test-{}", uuid::Uuid::new_v4()));
    let second = second_instance(app, &dir);
    let (title, body) = corpus("沈阳市电梯安全管理规定");
    let id = p.published(app, &title, &body)["id"].as_str().unwrap().to_string();

    // The second instance's follower takes it from the feed, without a search asking.
    let indexed = || second.state.search_index.index.len() == 1;
    assert!(within(Duration::from_secs(2), indexed).is_some(), "not indexed within 2 s");
    let client = Client::new(&second.base);
    assert_eq!(first(&search_at(&client, &format!("q={}", enc(&title)))), id);
    drop(second);

    // Deleted while stopped: rebuilt from the database at the next start.
    std::fs::remove_dir_all(&dir).expect("index removed");
    let second = second_instance(app, &dir);
    assert_eq!(second.state.search_index.index.len(), 1);
    let client = Client::new(&second.base);
    assert_eq!(first(&search_at(&client, &format!("q={}", enc("电梯安全")))), id);
    drop(second);
    let _ = std::fs::remove_dir_all(&dir);
});
