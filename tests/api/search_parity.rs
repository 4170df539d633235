//! Search parity (issue 11): the same few hundred documents, built from real regulation
//! titles and articles (`benches/data`), imported into a SQLite app and a PostgreSQL app;
//! then more than 500 catalogue requests generated from that data (exact titles, 2- and
//! 4-character substrings, 文号 and 登记号 in several spellings, several words, phrases,
//! filters, sorts, pages, and hostile input) asked of both. Both must answer with the same
//! status, never a 5xx, and the same page: the same documents in the same order, the same
//! `total`, snippets and facets. Documents are compared by their numbers, since each app
//! gives them ids of its own.
//!
//! Runs only with `TEST_DATABASE_URL` (it needs both engines); with it, it never skips.

use serde_json::{json, Value};

use crate::helpers::*;

const ARTICLES: &str = include_str!("../../benches/data/articles.txt");
const TITLES: &str = include_str!("../../benches/data/titles.txt");

/// (name, code, parent code, 文号 prefix, 登记号 prefix, place).
type Agency =
    (&'static str, &'static str, Option<&'static str>, &'static str, &'static str, &'static str);

const AGENCIES: [Agency; 4] = [
    ("辽宁省人民政府", "LN", None, "辽政规", "LNFS", "辽宁省"),
    ("沈阳市人民政府", "SY", Some("LN"), "沈政规", "SYFS", "沈阳市"),
    ("大连市人民政府", "DL", Some("LN"), "大政规", "DLFS", "大连市"),
    ("浙江省人民政府", "ZJ", None, "浙政规", "ZJFS", "浙江省"),
];

const KINDS: [&str; 5] = ["管理办法", "实施细则", "若干规定", "实施办法", "工作规程"];

/// A fixed sequence (splitmix64), so that both apps and every run see the same data.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n as u64) as usize
    }
}

/// One document to import, with the spellings its numbers may be searched by.
struct Doc {
    title: String,
    body: String,
    /// The 文号's parts: prefix, year, serial.
    number: (&'static str, i32, u32),
    registration: String,
}

fn spell(number: &(&str, i32, u32), style: usize) -> String {
    let (prefix, year, serial) = number;
    match style % 6 {
        0 => format!("{prefix}〔{year}〕{serial}号"),
        1 => format!("{prefix}[{year}]{serial}号"),
        2 => format!("{prefix}【{year}】{serial}号"),
        3 => format!("{prefix}（{year}）{serial}号"),
        4 => format!("{prefix} [ {year} ] {serial} 号"),
        _ => format!("{prefix}﹝{year}﹞第{serial}號"),
    }
}

/// About 410 documents on distinct days (so that no two tie on date) from 2016 on: each
/// real regulation title once, three later 关于贯彻落实《…》的实施意见 for most of them,
/// and generated titles; texts are runs of real articles.
fn corpus() -> (Vec<Doc>, Vec<Value>) {
    let articles: Vec<&str> = ARTICLES.lines().filter(|l| !l.trim().is_empty()).collect();
    let titles: Vec<&str> = TITLES.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let mut rng = Rng(11);
    let mut plan: Vec<String> = Vec::new();
    for (i, t) in titles.iter().enumerate() {
        plan.push(t.to_string());
        for _ in 0..5 {
            let place = AGENCIES[rng.below(4)].5;
            let subject: String = titles[rng.below(titles.len())].chars().skip(3).take(4).collect();
            plan.push(format!("{place}{subject}{}", KINDS[rng.below(KINDS.len())]));
        }
        if i % 8 == 7 {
            // A title that holds another's words scattered, not in order.
            let words: Vec<char> = titles[i].chars().collect();
            plan.push(words.iter().rev().collect());
        }
    }
    for t in titles.iter().take(33) {
        for _ in 0..3 {
            plan.push(format!("关于贯彻落实《{t}》的实施意见"));
        }
    }
    // The newest: generated titles again, the last of them not yet in effect.
    for _ in 0..60 {
        let place = AGENCIES[rng.below(4)].5;
        let subject: String = titles[rng.below(titles.len())].chars().skip(3).take(4).collect();
        plan.push(format!("{place}{subject}{}", KINDS[rng.below(KINDS.len())]));
    }
    let mut serials = std::collections::HashMap::new();
    let mut docs = Vec::new();
    let mut lines = Vec::new();
    let first = date("2016-01-05");
    for (i, title) in plan.into_iter().enumerate() {
        let agency = &AGENCIES[rng.below(4)];
        let published_on = first + chrono::Duration::days(i as i64 * 9);
        let year = chrono::Datelike::year(&published_on);
        let serial = serials.entry((agency.1, year)).or_insert(0u32);
        *serial += 1;
        let start = rng.below(articles.len());
        let mut body: Vec<&str> =
            (0..2 + rng.below(6)).map(|k| articles[(start + k) % articles.len()]).collect();
        let quoted;
        if let Some(t) = title.strip_prefix("关于贯彻落实") {
            quoted = format!(
                "为贯彻落实{}，结合本地实际，提出如下实施意见。",
                &t[..t.len() - "的实施意见".len()]
            );
            body.insert(0, &quoted);
        }
        let number = (agency.3, year, *serial);
        let registration = format!("{}-{year}-{:03}", agency.4, serial);
        let mut line = json!({
            "agency_code": agency.1,
            "title": title,
            "body": body.join("\n"),
            "issuance_number": spell(&number, i),
            "registration_number": registration.to_lowercase(),
            "published_on": published_on.to_string(),
        });
        // Some end early (expired by now), the newest take effect later (not yet effective).
        if i % 7 == 3 {
            let until = published_on + chrono::Duration::days(400);
            line["valid_until"] = json!(until.to_string());
        }
        if published_on > date("2026-01-01") {
            line["effective_on"] = json!("2026-06-01");
        }
        lines.push(line);
        docs.push(Doc { title, body: body.join("\n"), number, registration });
    }
    (docs, lines)
}

fn chars_at(text: &str, at: usize, n: usize) -> Option<String> {
    let s: String = text.chars().skip(at).take(n).collect();
    (s.chars().count() == n && s.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
        .then_some(s)
}

/// The requests, as query strings, generated from the documents.
fn queries(docs: &[Doc]) -> Vec<String> {
    let mut rng = Rng(1111);
    let q = |s: &str| format!("q={}", enc(s));
    let mut out: Vec<String> = Vec::new();
    // Exact titles, each distinct one.
    let mut seen = std::collections::HashSet::new();
    for d in docs {
        if seen.insert(d.title.clone()) {
            out.push(q(&d.title));
        }
    }
    // Substrings of 2 and 4 characters from titles and texts.
    let mut terms = Vec::new();
    while terms.len() < 140 {
        let d = &docs[rng.below(docs.len())];
        let text = if terms.len() % 3 == 0 { &d.title } else { &d.body };
        let len = text.chars().count();
        let n = if terms.len() % 2 == 0 { 2 } else { 4 };
        if let Some(s) = chars_at(text, rng.below(len.max(1)), n) {
            if !terms.contains(&s) {
                terms.push(s);
            }
        }
    }
    out.extend(terms.iter().map(|t| q(t)));
    // 文号 in every spelling, and 登记号.
    for (i, d) in docs.iter().enumerate().step_by(9) {
        for style in [0, 1, 2, 3 + i % 3] {
            out.push(q(&spell(&d.number, style)));
        }
        out.push(q(&d.registration));
    }
    // Several words, a quoted phrase, words from two titles.
    for i in 0..40 {
        let (a, b) = (&terms[i], &terms[(i * 7 + 3) % terms.len()]);
        out.push(q(&format!("{a} {b}")));
        if i % 4 == 0 {
            out.push(q(&format!("\"{a}{b}\"")));
            out.push(q(&format!("{a}　{b}")));
        }
    }
    // Filters, sorts and pages over broad terms.
    let broad = ["条例", "管理", "应当", "人民政府", "实施意见", "保护", "本市"];
    let filters = [
        "agency=SY",
        "agency=LN",
        "agency=LN&include_sub=true",
        "agency=ZJ&include_sub=false",
        "year=2019",
        "year=2025",
        "validity=in_force",
        "validity=expired",
        "validity=not_yet_effective",
        "validity=%E7%8E%B0%E8%A1%8C%E6%9C%89%E6%95%88",
        "valid_on=2020-06-01",
        "validity=expired&valid_on=2024-01-01",
        "agency=DL&year=2021&validity=expired",
    ];
    for (i, term) in broad.iter().enumerate() {
        for f in &filters {
            out.push(format!("{}&{f}", q(term)));
        }
        for sort in ["relevance", "newest", "oldest"] {
            for page in 1..=3 {
                out.push(format!("{}&sort={sort}&page={page}&per_page={}", q(term), 5 + i));
            }
        }
    }
    for t in terms.iter().take(30) {
        out.push(format!("{}&sort=newest", q(t)));
        out.push(format!("{}&sort=oldest&page=2&per_page=3", q(t)));
    }
    // The catalogue without a query.
    for f in
        filters.iter().chain(&["page=2", "page=3&per_page=7", "sort=oldest", "sort=newest&page=2"])
    {
        out.push(f.to_string());
    }
    // Hostile and odd input.
    let long_cjk: String = docs[0].body.chars().filter(|c| !c.is_whitespace()).take(200).collect();
    let nasty = [
        "",
        " ",
        "　",
        "，。、；：",
        "!!!",
        "?",
        "😀",
        "😀消防",
        "消防😀许可",
        "e\u{301}",
        "管\u{301}理",
        "\u{200B}管理",
        "\u{FEFF}条例",
        "\u{202E}条例",
        "ＡＢＣ",
        "Ａ１２３",
        "abc def",
        "2020",
        "〔2020〕",
        "第一条",
        "第一条 第二条",
        "𠀀𠀁",
        "한국어",
        "かな",
        "\"",
        "\"\"",
        "\"条例",
        "条例\"",
        "*",
        "条*",
        "条例*",
        "OR",
        "条例 OR 管理",
        "AND",
        "NOT 条例",
        "NEAR(条例 管理)",
        "NEAR(",
        "条例:",
        "title:条例",
        ":",
        "-条例",
        "-",
        "\\",
        "\\\\条例",
        "'",
        "'; DROP TABLE documents; --",
        "%",
        "_",
        "%25",
        "(",
        ")",
        "{}",
        "^条例",
        "条例~2",
        "+条例",
        "条例\t管理",
        "条例\n管理",
        "&",
        "&&",
        "||",
        "!条例",
        "<script>",
        "&lt;b&gt;",
        "\u{3000}条例\u{3000}",
        "…",
        "·",
        "\u{00A0}条例",
        "ß",
        "İ",
        "ﬁ",
        "①②③",
        "Ⅷ",
        "条 例",
        "条例条例条例条例条例",
    ];
    for s in nasty {
        out.push(q(s));
    }
    out.push(q(&long_cjk));
    out.push(q(&format!("{long_cjk}条")));
    out.push(q(&"条例 ".repeat(60)));
    out.push(q(&"😀".repeat(200)));
    for bad in [
        "page=0",
        "page=-1",
        "page=abc",
        "page=99999999999999999999",
        "per_page=0",
        "per_page=1000",
        "per_page=x",
        "year=abc",
        "year=99999",
        "year=1800",
        "validity=bogus",
        "valid_on=2020-13-01",
        "valid_on=yesterday",
        "agency=NOPE",
        "sort=bogus",
        "sort=",
        "q=%E6%9D%A1%E4%BE%8B&include_sub=maybe",
        "q=%FF%FE",
        "q=%E6%9D",
        "q",
    ] {
        out.push(bad.to_string());
    }
    out
}

/// The answer without the ids each app gave its own rows.
fn strip_ids(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|k, _| !matches!(k.as_str(), "id" | "agency_id" | "parent_id" | "instance"));
            map.values_mut().for_each(strip_ids);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_ids),
        _ => {}
    }
}

fn load(app: &TestApp, lines: &[Value]) {
    let admin = app.admin_token();
    let mut ids = std::collections::HashMap::new();
    for (name, code, parent, prefix, reg, _) in AGENCIES {
        let mut body = json!({"name": name, "code": code, "issuance_prefix": prefix, "registration_prefix": reg});
        if let Some(p) = parent {
            body["parent_id"] = json!(ids[p]);
        }
        let a = app.agency(&admin, body);
        ids.insert(code, a["id"].as_str().unwrap().to_string());
    }
    for chunk in lines.chunks(200) {
        let r = app.client.post("/api/v1/imports", Some(&admin), &Value::Array(chunk.to_vec()));
        assert_eq!(r.status, 201, "{:?}: {}", app.engine, r.body);
        // A search first brings the index up to date, so each import reaches both indexes as
        // a batch of its own. Left to the pollers, one index could take two imports in one
        // batch and the other in two, re-indexing a lineage twice: tantivy counts a deleted
        // entry in its BM25 statistics until segments merge, and close scores could swap.
        let r = app.client.get("/api/v1/public/documents?q=%E5%8A%9E%E6%B3%95", None);
        assert_eq!(r.status, 200, "{:?}: {}", app.engine, r.body);
    }
}

#[test]
fn both_engines_answer_every_search_alike() {
    if std::env::var("TEST_DATABASE_URL").is_err() {
        eprintln!("NOT RUN: search parity needs PostgreSQL: set TEST_DATABASE_URL");
        return;
    }
    let sqlite = TestApp::spawn(Engine::Sqlite).expect("sqlite app");
    let postgres = TestApp::spawn(Engine::Postgres).expect("TEST_DATABASE_URL is set");
    let (docs, lines) = corpus();
    assert!(docs.len() >= 350, "{}", docs.len());
    load(&sqlite, &lines);
    load(&postgres, &lines);

    let queries = queries(&docs);
    assert!(queries.len() >= 500, "only {} queries", queries.len());
    let mut differ = Vec::new();
    let mut found = 0;
    let mut refused = 0;
    for query in &queries {
        let path = format!("/api/v1/public/documents?{query}");
        let a = sqlite.client.get(&path, None);
        let b = postgres.client.get(&path, None);
        assert!(
            a.status < 500 && b.status < 500,
            "{query}: {} {} / {} {}",
            a.status,
            a.body,
            b.status,
            b.body
        );
        if a.status != b.status {
            differ.push(format!(
                "{query}: status {} on SQLite, {} on PostgreSQL",
                a.status, b.status
            ));
            continue;
        }
        if a.status != 200 {
            assert!(a.status >= 400, "{query}: {}", a.status);
            refused += 1;
            continue;
        }
        let (mut x, mut y) = (a.json(), b.json());
        if x["total"].as_i64().unwrap_or(0) > 0 {
            found += 1;
        }
        strip_ids(&mut x);
        strip_ids(&mut y);
        if x != y {
            let numbers = |v: &Value| -> Vec<String> {
                v["items"].as_array().map_or(Vec::new(), |items| {
                    items
                        .iter()
                        .map(|i| i["issuance_number"].as_str().unwrap_or("?").to_string())
                        .collect()
                })
            };
            let what = if numbers(&x) != numbers(&y) || x["total"] != y["total"] {
                format!(
                    "total {} vs {}, pages {:?} vs {:?}",
                    x["total"],
                    y["total"],
                    numbers(&x),
                    numbers(&y)
                )
            } else {
                "same documents, other fields differ".to_string()
            };
            differ.push(format!("{query}: {what}"));
        }
    }
    eprintln!("{} requests: {found} found documents, {refused} refused alike", queries.len());
    // The data must make the comparison mean something: most searches find documents.
    assert!(found * 2 > queries.len(), "only {found} of {} requests found anything", queries.len());
    assert!(
        differ.is_empty(),
        "{} of {} requests answered differently (SQLite vs PostgreSQL):\n{}",
        differ.len(),
        queries.len(),
        differ.join("\n")
    );
}
