//! One rule for every date the service accepts: `YYYY-MM-DD` exactly, within the policy's
//! range (1949-10-01 to 2199-12-31 by default). Every field that takes a date refuses the
//! hostile ones with a 422 naming it and changes nothing, and takes the range's ends; the two
//! engines answer alike on the same stored dates; stored dates outside the range are reported
//! and the service does not serve over them.

use serde_json::{json, Value};

use crate::db_test;
use crate::fixtures::Province;
use crate::helpers::*;

/// The dates of the hostile probe: year 0, before the range, after it, five-digit, unpadded.
const HOSTILE: [&str; 5] = ["0000-01-01", "1899-12-31", "9999-12-31", "+10000-01-01", "2026-1-1"];
const EARLIEST: &str = "1949-10-01";
const LATEST: &str = "2199-12-31";
const BODY: &str =
    "第一条 为了规范管理，结合本市实际，制定本办法。\n第二条 本办法自发布之日起施行。";
const EARLY: &str = "涉及公共利益，需立即施行";

/// A date as a query string value (`+` would read as a space).
fn enc(date: &str) -> String {
    date.replace('+', "%2B")
}

fn document(app: &TestApp, p: &Province, id: &str) -> Value {
    let r = app.client.get(&format!("/api/v1/documents/{id}"), Some(&p.drafter));
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

fn public_total(app: &TestApp) -> Value {
    app.client.get("/api/v1/public/documents?per_page=1", None).json()["total"].clone()
}

/// The fields a 422 names.
fn fields_of(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|e| e["field"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The Province's tokens again, issued at the clock's date (a token is never valid before it
/// was issued, so tests that move the clock back log in again).
fn log_in_again(app: &TestApp, p: &mut Province) {
    p.admin = app.admin_token();
    p.drafter = app.login("sy-drafter", PASSWORD);
    p.reviewer = app.login("sy-legal", PASSWORD);
    p.registrar = app.login("sy-registrar", PASSWORD);
}

/// A draft that passed its legality review, ready for deliberation.
fn reviewed(app: &TestApp, p: &Province, title: &str) -> String {
    let id = p.draft(app, title, BODY);
    p.submit(app, &id);
    p.review_lawful(app, &id);
    id
}

fn deliberate(app: &TestApp, p: &Province, id: &str, decided_on: &str) -> Answer {
    let body = json!({"meeting": "市政府第5次常务会议", "decided_on": decided_on, "adopted": true});
    app.client.post(&format!("/api/v1/documents/{id}/deliberation"), Some(&p.drafter), &body)
}

/// A document adopted on the clock's date and registered, ready for publication.
fn registered(app: &TestApp, p: &Province, title: &str) -> String {
    let id = reviewed(app, p, title);
    let today = today(app);
    let r = deliberate(app, p, &id, &today);
    assert_eq!(r.status, 200, "deliberation: {}", r.body);
    p.register(app, &id);
    id
}

fn publish(app: &TestApp, p: &Province, id: &str, body: Value) -> Answer {
    app.client.post(&format!("/api/v1/documents/{id}/publish"), Some(&p.registrar), &body)
}

/// A document published on the clock's date, in force from that day until `valid_until`.
fn published_until(app: &TestApp, p: &Province, title: &str, valid_until: &str) -> String {
    let id = registered(app, p, title);
    let today = today(app);
    let body = json!({"published_on": today, "effective_on": today, "early_effect_reason": EARLY, "valid_until": valid_until, "channel": "沈阳市人民政府公报"});
    let r = publish(app, p, &id, body);
    assert_eq!(r.status, 200, "publish: {}", r.body);
    id
}

fn import_line(n: u32, published_on: &str) -> Value {
    json!({"agency_code": "SY", "title": format!("沈阳市旧办法{n}"), "body": BODY, "issuance_number": format!("沈政规〔2019〕{n}号"), "published_on": published_on})
}

/// The test clock's date, as a request writes it.
fn today(app: &TestApp) -> String {
    use normreg::domain::clock::Clock;
    app.clock.today().to_string()
}

/// What a refused request must leave as it was: the document as its drafter sees it.
fn watch_document<'a>(app: &'a TestApp, p: &'a Province, id: &str) -> Box<dyn Fn() -> Value + 'a> {
    let id = id.to_string();
    Box::new(move || document(app, p, &id))
}

/// Where a date goes, how to send it, and what must stay as it was.
struct Field<'a> {
    endpoint: &'static str,
    field: &'static str,
    send: Box<dyn Fn(&str) -> Answer + 'a>,
    /// A picture of what the request could change, taken before and after.
    witness: Box<dyn Fn() -> Value + 'a>,
}

db_test!(every_date_field_refuses_hostile_dates_naming_itself_and_changes_nothing, |app| {
    let app: &TestApp = app;
    let p = Province::new(app);
    let today = today(app);
    let under_review = reviewed(app, &p, "沈阳市待审议办法");
    let ready = registered(app, &p, "沈阳市待公布办法");
    let living = published_until(app, &p, "沈阳市现行办法", "2030-12-31");
    let p = &p;
    let doc = |id: &str| watch_document(app, p, id);
    let nothing = || Box::new(|| Value::Null) as Box<dyn Fn() -> Value>;
    let at = |id: &str, action: &str| format!("/api/v1/documents/{id}/{action}");
    let fields: Vec<Field> = vec![
        Field {
            endpoint: "deliberation",
            field: "decided_on",
            send: Box::new(|d| deliberate(app, p, &under_review, d)),
            witness: doc(&under_review),
        },
        Field {
            endpoint: "publish",
            field: "published_on",
            send: Box::new(|d| {
                publish(app, p, &ready, json!({"published_on": d, "channel": "公报"}))
            }),
            witness: doc(&ready),
        },
        Field {
            endpoint: "publish",
            field: "effective_on",
            send: Box::new(|d| {
                let body = json!({"published_on": today, "effective_on": d, "channel": "公报"});
                publish(app, p, &ready, body)
            }),
            witness: doc(&ready),
        },
        Field {
            endpoint: "publish",
            field: "valid_until",
            send: Box::new(|d| {
                let body = json!({"published_on": today, "valid_until": d, "channel": "公报"});
                publish(app, p, &ready, body)
            }),
            witness: doc(&ready),
        },
        Field {
            endpoint: "continue",
            field: "decided_on",
            send: Box::new(|d| {
                let body = json!({"decided_on": d, "reason": "评估后继续实施", "valid_until": "2031-06-30"});
                app.client.post(&at(&living, "continue"), Some(&p.registrar), &body)
            }),
            witness: doc(&living),
        },
        Field {
            endpoint: "continue",
            field: "valid_until",
            send: Box::new(|d| {
                let body =
                    json!({"decided_on": today, "reason": "评估后继续实施", "valid_until": d});
                app.client.post(&at(&living, "continue"), Some(&p.registrar), &body)
            }),
            witness: doc(&living),
        },
        Field {
            endpoint: "repeal",
            field: "repealed_on",
            send: Box::new(|d| {
                let body = json!({"repealed_on": d, "reason": "已被新文件取代"});
                app.client.post(&at(&living, "repeal"), Some(&p.registrar), &body)
            }),
            witness: doc(&living),
        },
        Field {
            endpoint: "declare-invalid",
            field: "declared_on",
            send: Box::new(|d| {
                let body = json!({"declared_on": d, "reason": "清理后宣布失效"});
                app.client.post(&at(&living, "declare-invalid"), Some(&p.registrar), &body)
            }),
            witness: doc(&living),
        },
        Field {
            endpoint: "interpretations",
            field: "issued_on",
            send: Box::new(|d| {
                let body = json!({"title": "关于第一条的解释", "body": "第一条所称管理，是指日常管理。", "issued_on": d});
                app.client.post(&at(&living, "interpretations"), Some(&p.registrar), &body)
            }),
            witness: doc(&living),
        },
        Field {
            endpoint: "as-of",
            field: "date",
            send: Box::new(|d| {
                let path = format!("/api/v1/documents/{living}/as-of?date={}", enc(d));
                app.client.get(&path, Some(&p.drafter))
            }),
            witness: nothing(),
        },
        Field {
            endpoint: "public documents",
            field: "valid_on",
            send: Box::new(|d| {
                app.client.get(&format!("/api/v1/public/documents?valid_on={}", enc(d)), None)
            }),
            witness: nothing(),
        },
    ];
    let mut fields = fields;
    for field in ["published_on", "effective_on", "valid_until"] {
        fields.push(Field {
            endpoint: "imports",
            field,
            send: Box::new(move |d| {
                let mut line = import_line(1, "2019-03-01");
                line[field] = d.into();
                app.client.post("/api/v1/imports", Some(&p.admin), &json!([line]))
            }),
            witness: Box::new(|| public_total(app)),
        });
    }

    for bad in HOSTILE {
        for f in &fields {
            let before = (f.witness)();
            let r = (f.send)(bad);
            let problem = r.problem(422);
            let named = fields_of(&problem);
            assert!(
                named.iter().any(|n| n == f.field),
                "{} {}={bad}: the 422 names {named:?}: {problem}",
                f.endpoint,
                f.field
            );
            assert_eq!(problem["code"], "invalid_request");
            assert_eq!((f.witness)(), before, "{} {}={bad} changed something", f.endpoint, f.field);
        }
    }

    // The holiday calendar's days and the policy's own range are dates too: held to the shape.
    for bad in ["+10000-01-01", "2026-1-1"] {
        let file = json!({"year": 2026, "days": [{"name": "元旦", "date": bad, "isOffDay": true}]});
        let r = app.client.put("/api/v1/calendar/2026", Some(&p.admin), &file);
        assert_eq!(fields_of(&r.problem(422)), ["days[0].date"], "{bad}");
        for field in ["earliest_date", "latest_date"] {
            let r = app.client.put("/api/v1/policy", Some(&p.admin), &json!({field: bad}));
            assert_eq!(fields_of(&r.problem(422)), [field], "{field}={bad}");
        }
    }
    for (field, bad) in [("earliest_date", "0000-01-01"), ("latest_date", "9999-12-31")] {
        let r = app.client.put("/api/v1/policy", Some(&p.admin), &json!({field: bad}));
        assert_eq!(fields_of(&r.problem(422)), [field], "{field}={bad}");
    }
    let policy = app.client.get("/api/v1/policy", Some(&p.admin)).json();
    assert_eq!(
        (policy["earliest_date"].as_str(), policy["latest_date"].as_str()),
        (Some(EARLIEST), Some(LATEST))
    );
});

db_test!(every_date_field_takes_the_ends_of_the_range, |app| {
    let mut p = Province::new(app);

    // The first day: 1949-10-01. Tokens carry seconds since 1970, so the clock stands at the
    // start of 1970 (decisions and publications are recorded after the fact), and the
    // longest validity the policy allows, 50 years, keeps a 1949 document alive then.
    app.clock.set_date(date("1970-01-02"));
    log_in_again(app, &mut p);
    let r = app.client.put("/api/v1/policy", Some(&p.admin), &json!({"max_validity_years": 50}));
    assert_eq!(r.status, 200, "{}", r.body);
    let published_on_the_first_day = |title: &str| {
        let id = reviewed(app, &p, title);
        let r = deliberate(app, &p, &id, EARLIEST);
        assert_eq!(r.status, 200, "deliberation decided_on={EARLIEST}: {}", r.body);
        p.register(app, &id);
        let body = json!({"published_on": EARLIEST, "effective_on": EARLIEST, "early_effect_reason": EARLY, "valid_until": "1999-09-30", "channel": "公报"});
        let r = publish(app, &p, &id, body);
        assert_eq!(r.status, 200, "publish on {EARLIEST}: {}", r.body);
        id
    };
    let first = published_on_the_first_day("沈阳市第一件办法");
    let second = published_on_the_first_day("沈阳市第二件办法");
    let r = app.client.post(
        &format!("/api/v1/documents/{first}/continue"),
        Some(&p.registrar),
        &json!({"decided_on": EARLIEST, "reason": "评估后继续实施", "valid_until": "1999-10-01"}),
    );
    assert_eq!(r.status, 200, "continue decided_on={EARLIEST}: {}", r.body);
    the_dated_reads_and_writes_take(app, &p, &first, &second, EARLIEST, 1);

    // The last day: 2199-12-31. A continuation decided on it would have to end after it, so
    // its new end is tried at the range's end from the day before.
    app.clock.set_date(date("2199-12-30"));
    log_in_again(app, &mut p);
    let ending = published_until(app, &p, "沈阳市倒数第二日办法", "2199-12-30");
    let r = app.client.post(
        &format!("/api/v1/documents/{ending}/continue"),
        Some(&p.registrar),
        &json!({"decided_on": "2199-12-30", "reason": "评估后继续实施", "valid_until": LATEST}),
    );
    assert_eq!(r.status, 200, "continue valid_until={LATEST}: {}", r.body);
    app.clock.set_date(date(LATEST));
    log_in_again(app, &mut p);
    let last = reviewed(app, &p, "沈阳市最后一日办法");
    let r = deliberate(app, &p, &last, LATEST);
    assert_eq!(r.status, 200, "deliberation decided_on={LATEST}: {}", r.body);
    p.register(app, &last);
    // The standard effect would fall after the range: the service says to give the date.
    let r = publish(app, &p, &last, json!({"published_on": LATEST, "channel": "公报"}));
    assert_eq!(fields_of(&r.problem(422)), ["effective_on", "valid_until"]);
    let r = publish(
        app,
        &p,
        &last,
        json!({"published_on": LATEST, "effective_on": LATEST, "early_effect_reason": EARLY, "valid_until": LATEST, "channel": "公报"}),
    );
    assert_eq!(r.status, 200, "publish on {LATEST}: {}", r.body);
    let other = published_until(app, &p, "沈阳市最后一日另一办法", LATEST);
    the_dated_reads_and_writes_take(app, &p, &last, &other, LATEST, 2);
});

/// On the clock's date `day`: an interpretation, a text as of, a public search and an import
/// dated `day`, then `doc` repealed and `other` declared invalid from it.
fn the_dated_reads_and_writes_take(
    app: &TestApp,
    p: &Province,
    doc: &str,
    other: &str,
    day: &str,
    serial: u32,
) {
    let r = app.client.post(&format!("/api/v1/documents/{doc}/interpretations"), Some(&p.registrar), &json!({"title": format!("关于第一条的解释{serial}"), "body": "第一条所称管理，是指日常管理。", "issued_on": day}));
    assert_eq!(r.status, 201, "interpretation issued_on={day}: {}", r.body);
    let r = app.client.get(&format!("/api/v1/documents/{doc}/as-of?date={day}"), Some(&p.drafter));
    assert_eq!(r.status, 200, "as-of {day}: {}", r.body);
    assert_eq!(r.json()["document_id"], doc);
    let r = app.client.get(&format!("/api/v1/public/documents?valid_on={day}"), None);
    assert_eq!(r.status, 200, "valid_on={day}: {}", r.body);
    assert!(r.json()["items"].as_array().unwrap().iter().any(|d| d["id"] == doc), "{}", r.body);
    let mut line = import_line(100 + serial, day);
    line["issuance_number"] = format!("沈政规〔{}〕{}号", &day[..4], 100 + serial).into();
    line["effective_on"] = day.into();
    line["valid_until"] = day.into();
    let r = app.client.post("/api/v1/imports", Some(&p.admin), &json!([line]));
    assert_eq!(r.status, 201, "import dated {day}: {}", r.body);
    let r = app.client.post(
        &format!("/api/v1/documents/{doc}/repeal"),
        Some(&p.registrar),
        &json!({"repealed_on": day, "reason": "已被新文件取代"}),
    );
    assert_eq!(r.status, 200, "repealed_on={day}: {}", r.body);
    assert_eq!(r.json()["ended_on"], day);
    let r = app.client.post(
        &format!("/api/v1/documents/{other}/declare-invalid"),
        Some(&p.registrar),
        &json!({"declared_on": day, "reason": "清理后宣布失效"}),
    );
    assert_eq!(r.status, 200, "declared_on={day}: {}", r.body);
}

db_test!(early_effect_is_only_earlier_and_an_ending_never_precedes_publication, |app| {
    let p = Province::new(app);
    let today = today(app);
    let ready = registered(app, &p, "沈阳市提前施行办法");
    let before = document(app, &p, &ready);
    // The standard effect is 30 days after publication, 2026-04-01.
    for effective_on in [Value::Null, json!("2026-04-01"), json!("2026-07-01")] {
        let body = json!({"published_on": today, "effective_on": effective_on, "early_effect_reason": EARLY, "channel": "公报"});
        let r = publish(app, &p, &ready, body);
        assert_eq!(fields_of(&r.problem(422)), ["early_effect_reason"], "{effective_on}");
    }
    // The hostile probe's year +10000 with a reason: refused for its shape first.
    let body = json!({"published_on": today, "effective_on": "+10000-01-01", "early_effect_reason": EARLY, "channel": "公报"});
    assert_eq!(fields_of(&publish(app, &p, &ready, body).problem(422)), ["effective_on"]);
    assert_eq!(document(app, &p, &ready), before, "a refused publication changed the document");
    let body = json!({"published_on": today, "effective_on": "2026-03-31", "early_effect_reason": EARLY, "channel": "公报"});
    let r = publish(app, &p, &ready, body);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["effective_on"], "2026-03-31");

    let living = published_until(app, &p, "沈阳市将被废止办法", "2030-12-31");
    let before = document(app, &p, &living);
    let day_before = "2026-03-01";
    let r = app.client.post(
        &format!("/api/v1/documents/{living}/repeal"),
        Some(&p.registrar),
        &json!({"repealed_on": day_before, "reason": "已被新文件取代"}),
    );
    assert_eq!(fields_of(&r.problem(422)), ["repealed_on"]);
    let r = app.client.post(
        &format!("/api/v1/documents/{living}/declare-invalid"),
        Some(&p.registrar),
        &json!({"declared_on": day_before, "reason": "清理后宣布失效"}),
    );
    assert_eq!(fields_of(&r.problem(422)), ["declared_on"]);
    assert_eq!(document(app, &p, &living), before, "a refused ending changed the document");
    let r = app.client.post(
        &format!("/api/v1/documents/{living}/repeal"),
        Some(&p.registrar),
        &json!({"repealed_on": today, "reason": "已被新文件取代"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
});

db_test!(the_date_range_is_a_policy_setting_that_moves_the_rule_everywhere, |app| {
    let mut p = Province::new(app);
    let ready = registered(app, &p, "沈阳市窄区间办法");
    let narrow = json!({"earliest_date": "2020-01-01", "latest_date": "2030-12-31"});
    let r = app.client.put("/api/v1/policy", Some(&p.admin), &narrow);
    assert_eq!(r.status, 200, "{}", r.body);
    let policy = app.client.get("/api/v1/policy", Some(&p.drafter)).json();
    assert_eq!(
        (policy["earliest_date"].as_str(), policy["latest_date"].as_str()),
        (Some("2020-01-01"), Some("2030-12-31"))
    );
    // Dates the default range takes are now refused, naming the field and the new range.
    let r = publish(app, &p, &ready, json!({"published_on": "2019-12-31", "channel": "公报"}));
    let problem = r.problem(422);
    assert_eq!(fields_of(&problem), ["published_on"]);
    assert!(problem["detail"].as_str().unwrap().contains("2020-01-01"), "{problem}");
    let r = publish(
        app,
        &p,
        &ready,
        json!({"published_on": "2026-03-02", "valid_until": "2031-01-01", "channel": "公报"}),
    );
    assert_eq!(fields_of(&r.problem(422)), ["valid_until"]);
    let r = app.client.get("/api/v1/public/documents?valid_on=2031-01-01", None);
    assert_eq!(fields_of(&r.problem(422)), ["valid_on"]);
    let r =
        app.client.post("/api/v1/imports", Some(&p.admin), &json!([import_line(1, "2019-06-01")]));
    assert_eq!(fields_of(&r.problem(422)), ["published_on"]);
    let r = app.client.get("/api/v1/stats/filing?year=2031", Some(&p.admin));
    assert_eq!(fields_of(&r.problem(422)), ["year"]);
    // Its ends are taken.
    let r = app.client.get("/api/v1/public/documents?valid_on=2030-12-31", None);
    assert_eq!(r.status, 200, "{}", r.body);
    let r =
        app.client.post("/api/v1/imports", Some(&p.admin), &json!([import_line(2, "2020-01-01")]));
    assert_eq!(r.status, 201, "{}", r.body);
    let r = publish(
        app,
        &p,
        &ready,
        json!({"published_on": "2026-03-02", "valid_until": "2030-12-31", "channel": "公报"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    // Widened, it takes what the default refuses; and it stays across a restart.
    let wide = json!({"earliest_date": "1900-01-01", "latest_date": "2199-12-31"});
    assert_eq!(app.client.put("/api/v1/policy", Some(&p.admin), &wide).status, 200);
    app.restart();
    log_in_again(app, &mut p);
    let r = app.client.get("/api/v1/public/documents?valid_on=1930-01-01", None);
    assert_eq!(r.status, 200, "{}", r.body);
    // A range out of order or beyond four-digit years is no policy.
    let r = app.client.put(
        "/api/v1/policy",
        Some(&p.admin),
        &json!({"earliest_date": "2030-01-01", "latest_date": "2020-12-31"}),
    );
    assert_eq!(fields_of(&r.problem(422)), ["latest_date"]);
    let r = app.client.put("/api/v1/policy", Some(&p.admin), &json!({"latest_date": "9999-12-31"}));
    assert_eq!(fields_of(&r.problem(422)), ["latest_date"]);
    assert_eq!(
        app.client.get("/api/v1/policy", Some(&p.admin)).json()["earliest_date"],
        "1900-01-01"
    );
});

db_test!(years_of_catalogues_campaigns_figures_and_searches_lie_within_the_range, |app| {
    let p = Province::new(app);
    let sy = p.draft(app, "沈阳市占位办法", BODY);
    let agency = document(app, &p, &sy)["agency_id"].as_str().unwrap().to_string();
    for year in [0, 1948, 2200, 10000, -1] {
        let r = app.client.post(
            "/api/v1/catalogues",
            Some(&p.admin),
            &json!({"agency_id": agency, "year": year}),
        );
        assert_eq!(fields_of(&r.problem(422)), ["year"], "catalogue {year}");
        let r = app.client.post(
            "/api/v1/cleanup-campaigns",
            Some(&p.registrar),
            &json!({"name": "清理", "year": year}),
        );
        assert_eq!(fields_of(&r.problem(422)), ["year"], "campaign {year}");
        let r = app.client.get(&format!("/api/v1/stats/filing?year={year}"), Some(&p.admin));
        assert_eq!(fields_of(&r.problem(422)), ["year"], "figures {year}");
        let r = app.client.get(&format!("/api/v1/public/documents?year={year}"), None);
        assert_eq!(fields_of(&r.problem(422)), ["year"], "search {year}");
    }
    // Catalogues begin in 1980 (their own rule), inside the range.
    let r = app.client.post(
        "/api/v1/catalogues",
        Some(&p.admin),
        &json!({"agency_id": agency, "year": 1980}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["as_of"], "1980-12-31");
    for year in [1949, 2199] {
        let r =
            app.client.get(&format!("/api/v1/stats/filing?year={year}"), Some(&p.filing_reviewer));
        assert_eq!(r.status, 200, "{}", r.body);
        let r = app.client.get(&format!("/api/v1/public/documents?year={year}"), None);
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let r = app.client.post(
        "/api/v1/cleanup-campaigns",
        Some(&p.registrar),
        &json!({"name": "1949年度清理", "year": 1949}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
});

/// `normreg ARGS…` over the test's database.
fn cli(app: &TestApp, args: &[&str]) -> std::process::Output {
    run_normreg(&app.db.url, args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

db_test!(normreg_expire_takes_only_exact_dates_within_the_range, |app| {
    let p = Province::new(app);
    let doc = published_until(app, &p, "沈阳市命令行办法", "2026-06-30");
    for bad in HOSTILE {
        let out = cli(app, &["expire", "--as-of", bad]);
        let stderr = text(&out.stderr);
        assert!(!out.status.success(), "--as-of {bad} was taken: {}", text(&out.stdout));
        assert!(
            stderr.contains("YYYY-MM-DD") || stderr.contains("as_of: must be between"),
            "--as-of {bad}: {stderr}"
        );
        assert_eq!(document(app, &p, &doc)["validity"], "in_force", "--as-of {bad} expired it");
    }
    let out = cli(app, &["catalogue", "--agency", "SY", "--year", "2200"]);
    assert!(!out.status.success(), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("year: must be a year between 1949 and 2199"),
        "{}",
        text(&out.stderr)
    );
    let out = cli(app, &["expire", "--as-of", EARLIEST]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("0 document(s) expired as of 1949-10-01"),
        "{}",
        text(&out.stdout)
    );
    let out = cli(app, &["expire", "--as-of", LATEST]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("1 document(s) expired as of 2199-12-31"),
        "{}",
        text(&out.stdout)
    );
});

/// A connection to a test database, for what only SQL can do to it.
fn sql(app: &TestApp) -> normreg::db::PooledConn {
    let url = normreg::db::DatabaseUrl::parse(&app.db.url).expect("url");
    normreg::db::connect(&url, 1).expect("pool").get().expect("connection")
}

fn execute(app: &TestApp, statement: &str) {
    use diesel::RunQueryDsl;
    diesel::sql_query(statement)
        .execute(&mut *sql(app))
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
}

db_test!(stored_dates_outside_the_range_are_reported_and_nothing_serves_over_them, |app| {
    let p = Province::new(app);
    let doc = published_until(app, &p, "沈阳市远期办法", "2030-12-31");
    app.server.stop();
    // What an earlier version let in: a validity to the year 10004, as each engine stores it.
    let stored = if app.engine == Engine::Sqlite { "+10004-12-31" } else { "10004-12-31" };
    execute(app, &format!("UPDATE documents SET valid_until = '{stored}' WHERE id = '{doc}'"));
    execute(
        app,
        &format!("UPDATE expiry_watch SET valid_until = '{stored}' WHERE document_id = '{doc}'"),
    );
    // The database as it was before the migration that looks for them.
    execute(app, "DROP TABLE date_anomalies");
    execute(app, "DELETE FROM __diesel_schema_migrations WHERE version IN ('20261126000021', '2026-11-26-000021')");

    let refused =
        TestServer::start(&app.db.url, app.clock.clone()).err().expect("start-up refuses");
    let line = format!("documents.valid_until of {doc} holds '{stored}'");
    assert!(refused.contains(&line), "{refused}");
    assert!(refused.contains("expiry_watch.valid_until"), "{refused}");
    assert!(refused.contains("date_anomalies"), "the message says how to resolve: {refused}");
    // The commands that compare dates refuse too; migrating reports and succeeds.
    let out = cli(app, &["expire", "--as-of", "2026-06-01"]);
    assert!(!out.status.success() && text(&out.stderr).contains(&line), "{}", text(&out.stderr));
    let out = cli(app, &["migrate"]);
    assert!(out.status.success() && text(&out.stderr).contains(&line), "{}", text(&out.stderr));
    // Nothing was rewritten: the stored value is still there to be judged.
    let (reported, _) = normreg::db::dates::anomalies(&mut sql(app), 10).expect("anomalies");
    assert_eq!(reported.len(), 2, "{reported:?}");
    assert!(reported.iter().all(|a| a.stored_value.ends_with("10004-12-31")), "{reported:?}");

    // Corrected and struck off, the service starts again and nothing expired meanwhile.
    execute(app, &format!("UPDATE documents SET valid_until = '2030-12-31' WHERE id = '{doc}'"));
    execute(
        app,
        &format!("UPDATE expiry_watch SET valid_until = '2030-12-31' WHERE document_id = '{doc}'"),
    );
    execute(app, "DELETE FROM date_anomalies");
    app.restart();
    let mut p = p;
    log_in_again(app, &mut p);
    assert_eq!(document(app, &p, &doc)["validity"], "in_force");
});

/// The documents stored alike on both engines: (serial, published, effective, valid until,
/// ended on). Their dates reach both ends of the range and straddle the days compared.
const STORED: [(u32, &str, &str, &str, Option<&str>); 8] = [
    (1, "1949-10-01", "1949-10-01", "2199-12-31", None),
    (2, "2021-03-01", "2021-03-31", "2025-12-31", None),
    (3, "2021-03-01", "2021-03-31", "2025-12-30", None),
    (4, "2025-12-31", "2025-12-31", "2030-12-30", None),
    (5, "2025-12-01", "2026-01-01", "2030-12-31", None),
    (6, "2020-01-01", "2020-01-31", "2024-12-31", None),
    (7, "2022-01-01", "2022-01-31", "2026-12-31", Some("2025-12-31")),
    (8, "2099-12-31", "2100-01-01", "2100-12-31", None),
];

/// Stores [`STORED`] in the city SY with fixed ids, as any engine holds them.
fn store_documents(app: &TestApp, agency: &str) {
    for (n, published, effective, until, ended) in STORED {
        let id = format!("00000000-0000-4000-8000-{n:012}");
        let (state, ended_on) = match ended {
            Some(day) => ("'repealed'", format!("'{day}'")),
            None => ("NULL", "NULL".to_string()),
        };
        execute(app, &format!(
            "INSERT INTO documents (id, lineage_id, version, agency_id, status, title, body, revision, \
             provisional, affects_rights, issuance_number, published_on, effective_on, valid_until, \
             ended_state, ended_on, imported, created_at, updated_at) VALUES ('{id}', '{id}', 1, \
             '{agency}', 'published', '沈阳市存量办法{n}', '{BODY}', 1, FALSE, FALSE, \
             '沈政规〔{}〕{n}号', '{published}', '{effective}', '{until}', {state}, {ended_on}, TRUE, \
             '2026-03-02 00:00:00', '2026-03-02 00:00:00')",
            &published[..4]
        ));
        if ended.is_none() {
            execute(app, &format!("INSERT INTO expiry_watch (document_id, valid_until) VALUES ('{id}', '{until}')"));
        }
    }
}

/// What one engine answers about [`STORED`]: the 2025 catalogue's hash and size, the public
/// totals on some days, and what `normreg expire` counts as of two days.
fn answers(app: &mut TestApp) -> Value {
    let p = Province::new(app);
    let agency = document(app, &p, &p.draft(app, "沈阳市占位草稿", BODY))["agency_id"]
        .as_str()
        .unwrap()
        .to_string();
    store_documents(app, &agency);
    // Start-up indexes documents stored by other means for the public search.
    app.restart();
    let admin = app.admin_token();
    let catalogue = app.client.post(
        "/api/v1/catalogues",
        Some(&admin),
        &json!({"agency_id": agency, "year": 2025}),
    );
    assert_eq!(catalogue.status, 201, "{}", catalogue.body);
    let catalogue = catalogue.json();
    let total = |query: &str| {
        app.client.get(&format!("/api/v1/public/documents?{query}"), None).json()["total"].clone()
    };
    let searches: Vec<Value> = [
        "valid_on=1949-10-01",
        "valid_on=2025-12-31",
        "valid_on=2199-12-31",
        "validity=expired&valid_on=2026-01-01",
        "validity=repealed&valid_on=2025-12-31",
        "year=2025",
        "year=2099",
    ]
    .into_iter()
    .map(|q| json!([q, total(q)]))
    .collect();
    let expired = |as_of: &str| {
        let out = cli(app, &["expire", "--as-of", as_of]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout).trim().to_string()
    };
    json!({
        "catalogue": [catalogue["content_hash"], catalogue["entry_count"], catalogue["change_counts"]],
        "searches": searches,
        "expire": [expired("2026-01-01"), expired("2199-12-31")],
    })
}

#[test]
fn the_same_stored_documents_expire_catalogue_and_search_alike_on_both_engines() {
    let Some(mut postgres) = TestApp::spawn(Engine::Postgres) else {
        eprintln!("NOT RUN: the engines compared: set TEST_DATABASE_URL to run it");
        return;
    };
    let mut sqlite = TestApp::spawn(Engine::Sqlite).expect("sqlite app");
    let on_sqlite = answers(&mut sqlite);
    let on_postgres = answers(&mut postgres);
    assert_eq!(on_sqlite, on_postgres, "the engines disagree");
    // And what they agree on is right: 1, 2 and 4 were valid on 31 December 2025.
    assert_eq!(on_sqlite["catalogue"][1], 3, "{on_sqlite}");
    assert_eq!(
        on_sqlite["expire"],
        json!(["3 document(s) expired as of 2026-01-01", "3 document(s) expired as of 2199-12-31"]),
        "{on_sqlite}"
    );
}
