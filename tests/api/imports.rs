//! Legacy import: documents of the past arrive with their real numbers, expire like any
//! other, move the number series on, and a file with one bad line imports nothing.

use serde_json::{json, Value};

use crate::db_test;
use crate::fixtures::Province;
use crate::helpers::*;

/// The spellings an old catalogue uses for one 文号.
fn spelled(year: i32, n: u32) -> String {
    match n % 5 {
        0 => format!("沈政规〔{year}〕{n}号"),
        1 => format!("沈政规[{year}]{n}号"),
        2 => format!("沈政规（{year}）第{n}號"),
        3 => format!("沈政规【{year}】{n:03}号"),
        _ => format!("沈政规 ﹝{year}﹞ {n} 号"),
    }
}

/// One import line of the city SY; `year` 2026 ones are still in force on the test clock.
fn line(year: i32, n: u32) -> Value {
    let month = 1 + (n % 2);
    json!({
        "agency_code": "SY",
        "title": format!("沈阳市第{n}项行政事务管理办法（{year}年）"),
        "body": format!("第一条 为了规范第{n}项行政事务的管理，根据有关法律法规，结合本市实际，制定本办法。\n第二条 本办法自发布之日起施行。"),
        "issuance_number": spelled(year, n),
        "registration_number": format!("syfs-{year}-{n}"),
        "published_on": format!("{year}-0{month}-15"),
        "effective_on": format!("{year}-0{month}-15"),
    })
}

fn import(app: &TestApp, token: &str, lines: &[Value]) -> Answer {
    app.client.post("/api/v1/imports", Some(token), &Value::Array(lines.to_vec()))
}

fn public(app: &TestApp, id: &str) -> Value {
    let r = app.client.get(&format!("/api/v1/public/documents/{id}"), None);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

pub fn public_total(app: &TestApp) -> u64 {
    let r = app.client.get("/api/v1/public/documents?per_page=1", None);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["total"].as_u64().expect("total")
}

/// (line, field) of each fault a refused import names.
fn faults(problem: &Value) -> Vec<(u64, String)> {
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| (e["line"].as_u64().expect("line"), e["field"].as_str().expect("field").into()))
        .collect()
}

pub fn run_cli(url: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_normreg"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("normreg runs")
}

db_test!(a_thousand_imported_documents_expire_when_due_and_their_series_continue, |app| {
    let p = Province::new(app);
    // 950 documents of 2016–2025 (most long expired) and 50 of 2026, numbered 1..=50.
    let mut lines: Vec<Value> =
        (2016..=2025).flat_map(|y| (1..=95).map(move |n| line(y, n))).collect();
    lines.extend((1..=50).map(|n| line(2026, n)));
    assert_eq!(lines.len(), 1000);
    let r = import(app, &p.admin, &lines);
    assert_eq!(r.status, 201, "{}", r.body);
    let answer = r.json();
    assert_eq!(answer["imported"], 1000);
    let docs = answer["documents"].as_array().unwrap();
    let old = docs[0]["id"].as_str().unwrap().to_string();
    let current = docs[999]["id"].as_str().unwrap().to_string();
    assert_eq!(docs[0]["line"], 1);
    assert_eq!(docs[0]["issuance_number"], "沈政规〔2016〕1号", "canonical 文号");
    assert_eq!(docs[999]["registration_number"], "SYFS—2026—50", "canonical 登记号");

    // Imported documents expire like any other: the next run records it, once.
    let out = run_cli(&app.db.url, &["expire", "--as-of", "2026-03-02"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let expired: u64 = stdout.split_whitespace().next().unwrap().parse().unwrap();
    // Published 2016–2020 with five years' validity: all ended before 2026-03-02; 2021's
    // January ones ended 2026-01-14 too.
    assert!(expired >= 5 * 95, "{stdout}");
    assert_eq!(public(app, &old)["validity"], "expired");
    assert_eq!(public(app, &current)["validity"], "in_force");
    let h = app.client.get(&format!("/api/v1/documents/{old}/history"), Some(&p.drafter)).json();
    let actions: Vec<_> = h.as_array().unwrap().iter().map(|e| e["action"].clone()).collect();
    assert_eq!(actions, [json!("imported"), json!("expired")]);
    assert_eq!(h[1]["reason"], "有效期届满，自动失效");

    // Found by any spelling of its number, and by full-text search.
    let r = app
        .client
        .get("/api/v1/public/lookup?number=%E6%B2%88%E6%94%BF%E8%A7%84%5B2026%5D50%E5%8F%B7", None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["id"], current);
    // 行政事务: every imported title has it; those of 2022–2026 are in force (4 × 95 + 50).
    let found = app
        .client
        .get(
            "/api/v1/public/documents?q=%E8%A1%8C%E6%94%BF%E4%BA%8B%E5%8A%A1&validity=in_force",
            None,
        )
        .json();
    assert_eq!(found["total"], 430, "{found}");

    // The next registration of 2026 takes the next numbers of both series.
    let id = p.adopted(app, "沈阳市新办法");
    let registered = p.register(app, &id);
    assert_eq!(registered["issuance_number"], "沈政规〔2026〕51号");
    assert_eq!(registered["registration_number"], "SYFS—2026—51");
});

db_test!(an_import_with_one_bad_line_imports_nothing_and_names_the_line, |app| {
    let p = Province::new(app);
    let mut lines: Vec<Value> = (1..=20).map(|n| line(2025, n)).collect();
    lines[6]["issuance_number"] = json!("沈政规2025年7号");
    let r = import(app, &p.admin, &lines);
    let problem = r.problem(422);
    assert_eq!(problem["errors"][0]["line"], 7, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "issuance_number");
    assert!(problem["detail"].as_str().unwrap().contains("nothing was imported"));
    assert_eq!(public_total(app), 0);

    // The same 文号 twice in other spellings, and a type error, each on its own line.
    let mut lines: Vec<Value> = (1..=5).map(|n| line(2025, n)).collect();
    lines[3]["issuance_number"] = json!("沈政规（2025）02号");
    lines[4]["published_on"] = json!(20250115);
    let problem = import(app, &p.admin, &lines).problem(422);
    let at = faults(&problem);
    assert_eq!(at, [(4, "issuance_number".to_string()), (5, "published_on".to_string())]);
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("line 2"), "{problem}");
    assert_eq!(public_total(app), 0);

    // A number already in the registry, and an unknown agency.
    assert_eq!(import(app, &p.admin, &[line(2025, 1)]).status, 201);
    let mut again = vec![line(2025, 2), line(2025, 1), line(2025, 3)];
    again[2]["agency_code"] = json!("NOWHERE");
    let problem = import(app, &p.admin, &again).problem(422);
    let at = faults(&problem);
    let expected = [(2, "issuance_number"), (2, "registration_number"), (3, "agency_code")];
    assert_eq!(at, expected.map(|(l, f)| (l, f.to_string())), "{problem}");
    assert_eq!(public_total(app), 1, "only the first import landed");
});

db_test!(only_an_admin_or_the_agencys_own_registrar_imports, |app| {
    let p = Province::new(app);
    assert_eq!(import(app, &p.drafter, &[line(2025, 1)]).problem(403)["code"], "forbidden");
    let mut foreign = line(2025, 1);
    foreign["agency_code"] = json!("LN");
    foreign["issuance_number"] = json!("辽政规〔2025〕1号");
    foreign["registration_number"] = Value::Null;
    let problem = import(app, &p.registrar, &[foreign]).problem(422);
    assert_eq!(problem["errors"][0]["field"], "agency_code");
    let r = import(app, &p.registrar, &[line(2025, 1)]);
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(import(app, &p.admin, &[]).problem(400)["code"], "empty_import");
    let r = app.client.post("/api/v1/imports", Some(&p.admin), &json!({"agency_code": "SY"}));
    assert_eq!(r.status, 422, "an object instead of an array: {}", r.body);
    assert_eq!(public_total(app), 1);
});

db_test!(the_command_line_imports_a_json_lines_file_whole_or_not_at_all, |app| {
    let _p = Province::new(app);
    let dir = std::env::temp_dir().join(format!("normreg-import-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, lines: &[Value]| {
        let path = dir.join(name);
        let text: String = lines.iter().map(|l| format!("{l}\n\n")).collect();
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().to_string()
    };
    let mut lines: Vec<Value> = (1..=30).map(|n| line(2024, n)).collect();
    lines[11]["valid_until"] = json!("2040-01-01");
    let bad = write("bad.jsonl", &lines);
    let out = run_cli(&app.db.url, &["import", &bad]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Blank lines count: the 12th object stands on line 23 of the file.
    assert!(stderr.contains("line 23: valid_until"), "{stderr}");
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    assert_eq!(public_total(app), 0);

    lines[11]["valid_until"] = Value::Null;
    let good = write("good.jsonl", &lines);
    let out = run_cli(&app.db.url, &["import", &good]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 30 document(s)"));
    assert_eq!(public_total(app), 30);
    std::fs::remove_dir_all(&dir).ok();
});
