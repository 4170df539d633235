//! Annual catalogues: frozen once, byte-identical ever after, and the next year's catalogue
//! lists exactly what changed.

use serde_json::{json, Value};

use crate::db_test;
use crate::fixtures::Province;
use crate::helpers::*;

/// Imports documents of the city SY: (title, 文号 serial, published = effective, valid_until).
fn import(app: &TestApp, p: &Province, docs: &[(&str, u32, &str, Option<&str>)]) -> Vec<String> {
    let lines: Vec<Value> = docs
        .iter()
        .map(|(title, n, published, until)| {
            let year = &published[..4];
            json!({
                "agency_code": "SY",
                "title": title,
                "body": format!("第一条 {title}的正文。\n第二条 本办法自发布之日起施行。"),
                "issuance_number": format!("沈政规〔{year}〕{n}号"),
                "published_on": published,
                "effective_on": published,
                "valid_until": until,
            })
        })
        .collect();
    let r = app.client.post("/api/v1/imports", Some(&p.admin), &Value::Array(lines));
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect()
}

fn city_id(app: &TestApp, p: &Province) -> String {
    let r = app.client.get("/api/v1/agencies?per_page=100", Some(&p.admin));
    let list = r.json();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "SY")
        .map(|a| a["id"].as_str().unwrap().to_string())
        .expect("city SY")
}

fn freeze(app: &TestApp, token: &str, agency_id: &str, year: i32) -> Answer {
    app.client.post(
        "/api/v1/catalogues",
        Some(token),
        &json!({"agency_id": agency_id, "year": year}),
    )
}

/// The exact bytes of the public JSON (with texts) and of both CSV lists.
fn public_bytes(app: &TestApp, year: i32) -> [String; 3] {
    let bytes = ["?texts=true", "?format=csv", "?format=csv&list=changes"].map(|q| {
        let r = app.client.get(&format!("/api/v1/public/catalogues/SY/{year}{q}"), None);
        assert_eq!(r.status, 200, "{q}: {}", r.body);
        r.body
    });
    // The CSV path of its own answers the same bytes as `?format=csv`.
    for (q, same) in [("", &bytes[1]), ("?list=changes", &bytes[2])] {
        let r = app.client.get(&format!("/api/v1/public/catalogues/SY/{year}.csv{q}"), None);
        assert_eq!(r.status, 200, "{year}.csv{q}: {}", r.body);
        assert_eq!(&r.body, same, "{year}.csv{q}");
    }
    bytes
}

/// (change, document id) pairs of a catalogue, sorted.
fn changes(catalogue: &Value) -> Vec<(String, String)> {
    let mut out: Vec<_> = catalogue["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["change"].as_str().unwrap().into(), c["document_id"].as_str().unwrap().into()))
        .collect();
    out.sort();
    out
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<_> = list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    out.sort();
    out
}

db_test!(a_frozen_catalogue_never_changes_and_the_next_one_lists_what_changed, |app| {
    let p = Province::new(app);
    let sy = city_id(app, &p);
    let ids = import(
        app,
        &p,
        &[
            ("沈阳市甲办法", 1, "2026-01-05", None),
            ("沈阳市乙办法", 2, "2026-01-05", None),
            ("沈阳市丙办法", 3, "2026-01-05", None),
            ("沈阳市丁办法", 50, "2021-09-01", Some("2026-08-31")),
            ("沈阳市戊办法", 60, "2022-07-01", Some("2027-06-30")),
        ],
    );
    let [repealed, amended, invalid, expired_2026, expired_2027] =
        <[String; 5]>::try_from(ids).unwrap();
    let published = p.published(app, "沈阳市己办法", "第一条 己。");
    let lifecycle = published["id"].as_str().unwrap().to_string();

    assert_eq!(freeze(app, &p.admin, &sy, 2026).problem(409)["code"], "year_not_over");
    app.clock.set_date(date("2027-01-05"));
    let r = freeze(app, &p.registrar, &sy, 2026);
    assert_eq!(r.status, 201, "{}", r.body);
    let first = r.json();
    assert_eq!(first["entry_count"], 5, "{first}");
    assert_eq!(first["compared_with"], "documents");
    let hash = first["content_hash"].as_str().unwrap().to_string();
    assert!(hash.starts_with("sha256:"));
    let c2026 = app.client.get("/api/v1/public/catalogues/SY/2026", None).json();
    assert_eq!(
        changes(&c2026),
        pairs(&[
            ("added", &repealed),
            ("added", &amended),
            ("added", &invalid),
            ("added", &lifecycle),
            ("expired", &expired_2026),
        ])
    );
    let expired = c2026["changes"].as_array().unwrap().iter().find(|c| c["change"] == "expired");
    assert_eq!(expired.unwrap()["on_date"], "2026-09-01");
    let before = public_bytes(app, 2026);
    assert!(before[1].starts_with("\u{feff}序号,文件名称,文号,登记号"), "{}", before[1]);
    assert!(before[1].contains("沈政规〔2026〕1号"));
    assert_eq!(before[1].lines().count(), 6, "header and five documents");

    // Later life: a repeal, an amendment, a declaration of invalidity and an expiry in 2027.
    let r = app.client.post(
        &format!("/api/v1/documents/{repealed}/repeal"),
        Some(&p.registrar),
        &json!({"repealed_on": "2027-01-10", "reason": "已被新规定取代。"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    app.clock.set_date(date("2027-02-01"));
    let draft = app.client.raw(
        "POST",
        &format!("/api/v1/documents/{amended}/amend"),
        Some(&p.drafter),
        None,
        Vec::new(),
        &[],
    );
    assert_eq!(draft.status, 201, "{}", draft.body);
    let amendment = draft.json()["id"].as_str().unwrap().to_string();
    p.submit(app, &amendment);
    p.review_lawful(app, &amendment);
    p.adopt(app, &amendment);
    p.register(app, &amendment);
    let r = app.client.post(
        &format!("/api/v1/documents/{amendment}/publish"),
        Some(&p.registrar),
        &json!({"published_on": "2027-02-01", "channel": "政府网站"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = app.client.post(
        &format!("/api/v1/documents/{invalid}/declare-invalid"),
        Some(&p.registrar),
        &json!({"declared_on": "2027-04-01", "reason": "上位法已修改。"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);

    // Asking again answers the same catalogue; every byte of it is as it was.
    let again = freeze(app, &p.admin, &sy, 2026);
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.json()["content_hash"], hash.as_str());
    assert_eq!(public_bytes(app, 2026), before);

    app.clock.set_date(date("2028-01-03"));
    // The fixture's tokens were issued in 2026 and have run out by now.
    let admin = app.admin_token();
    let r = freeze(app, &admin, &sy, 2027);
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["compared_with"], "catalogue");
    let c2027 = app.client.get("/api/v1/public/catalogues/SY/2027", None).json();
    assert_eq!(
        changes(&c2027),
        pairs(&[
            ("repealed", &repealed),
            ("amended", &amendment),
            ("declared_invalid", &invalid),
            ("expired", &expired_2027),
        ])
    );
    assert_eq!(c2027["entry_count"], 2, "the amendment and 己 remain: {c2027}");
    let repeal = c2027["changes"].as_array().unwrap().iter().find(|c| c["change"] == "repealed");
    assert_eq!(repeal.unwrap()["reason"], "已被新规定取代。");
    assert_eq!(public_bytes(app, 2026), before, "freezing the next year alters nothing");

    let list = app.client.get("/api/v1/public/catalogues/SY", None).json();
    let years: Vec<_> = list.as_array().unwrap().iter().map(|c| c["year"].clone()).collect();
    assert_eq!(years, [json!(2027), json!(2026)]);
});

db_test!(catalogues_are_frozen_only_by_whom_and_when_the_rules_allow, |app| {
    let p = Province::new(app);
    let sy = city_id(app, &p);
    assert_eq!(freeze(app, &p.drafter, &sy, 2025).problem(403)["code"], "forbidden");
    assert_eq!(freeze(app, &p.registrar, &p.province_id, 2025).problem(403)["code"], "forbidden");
    let unknown = uuid::Uuid::new_v4().to_string();
    assert_eq!(freeze(app, &p.admin, &unknown, 2025).problem(404)["code"], "not_found");
    assert_eq!(
        freeze(app, &p.admin, "not-an-id", 2025).problem(422)["errors"][0]["field"],
        "agency_id"
    );
    assert_eq!(freeze(app, &p.admin, &sy, 1200).problem(422)["errors"][0]["field"], "year");
    let r = app.client.post(
        "/api/v1/catalogues",
        Some(&p.admin),
        &json!({"agency_id": sy, "year": "2025"}),
    );
    assert_eq!(r.problem(422)["errors"][0]["field"], "year");
    assert_eq!(
        app.client.get("/api/v1/public/catalogues/SY/2025", None).problem(404)["code"],
        "not_found"
    );
    assert_eq!(app.client.get("/api/v1/public/catalogues/NOWHERE", None).status, 404);

    let r = freeze(app, &p.registrar, &sy, 2025);
    assert_eq!(r.status, 201, "an empty year is still a catalogue: {}", r.body);
    assert_eq!(r.json()["entry_count"], 0);
    let bad = app.client.get("/api/v1/public/catalogues/SY/2025?format=xml", None);
    assert_eq!(bad.problem(422)["errors"][0]["field"], "format");
    let r = app.client.get("/api/v1/public/catalogues/SY/2025", None);
    let etag = r.header("etag").expect("etag");
    let cached = app.client.raw(
        "GET",
        "/api/v1/public/catalogues/SY/2025",
        None,
        None,
        Vec::new(),
        &[("if-none-match", etag.as_str())],
    );
    assert_eq!(cached.status, 304);
});

db_test!(the_command_line_freezes_a_catalogue_once, |app| {
    let p = Province::new(app);
    import(app, &p, &[("沈阳市甲办法", 1, "2025-03-01", None)]);
    let run = |args: &[&str]| run_normreg(&app.db.url, args);
    let out = run(&["catalogue", "--agency", "SY", "--year", "2025"]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.starts_with("froze the 2025 catalogue") && stdout.contains("1 document(s)"),
        "{stdout}"
    );
    let out = run(&["catalogue", "--agency", "SY", "--year", "2025"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("already frozen:"));
    let out = run(&["catalogue", "--agency", "NOWHERE", "--year", "2025"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("NOWHERE"));
    let c = app.client.get("/api/v1/public/catalogues/SY/2025?texts=true", None).json();
    assert_eq!(
        c["entries"][0]["text"],
        "第一条 沈阳市甲办法的正文。\n第二条 本办法自发布之日起施行。"
    );
});

db_test!(the_annual_catalogue_pages_show_the_frozen_list_and_its_changes, |app| {
    let p = Province::new(app);
    let sy = city_id(app, &p);
    let ids = import(app, &p, &[("沈阳市<甲>办法", 1, "2025-03-01", None)]);
    app.clock.set_date(date("2027-01-04"));
    assert_eq!(freeze(app, &p.admin, &sy, 2026).status, 201);

    let index = app.client.get("/catalogues", None);
    assert_eq!(index.status, 200);
    assert!(index.body.contains("href=\"/catalogues/SY/2026\""), "{}", index.body);
    let agency = app.client.get("/catalogues/SY", None);
    assert!(agency.body.contains("沈阳市人民政府年度规范性文件目录"), "{}", agency.body);
    let page = app.client.get("/catalogues/SY/2026", None);
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").unwrap().starts_with("text/html"));
    assert!(page.body.contains(&format!("href=\"/documents/{}\"", ids[0])), "{}", page.body);
    assert!(page.body.contains("沈阳市&lt;甲&gt;办法"), "titles are escaped");
    assert!(!page.body.contains("沈阳市<甲>办法"));
    assert!(page.body.contains("format=csv"));
    assert!(page.body.contains("sha256:"));
    assert_eq!(app.client.get("/catalogues/SY/2019", None).status, 404);
    assert_eq!(app.client.get("/catalogues/SY/abc", None).status, 404);
    assert_eq!(app.client.get("/catalogues/NOWHERE", None).status, 404);
    assert_eq!(app.client.get("/catalogues/SY/2026?page=0", None).status, 422);
});

db_test!(a_frozen_catalogue_downloads_as_a_zip_of_akn_with_its_manifest, |app| {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let p = Province::new(app);
    let sy = city_id(app, &p);
    import(
        app,
        &p,
        &[
            ("沈阳市甲办法", 1, "2026-01-05", None),
            ("沈阳市乙办法", 2, "2026-01-05", None),
            ("沈阳市丙办法", 3, "2026-02-05", None),
        ],
    );
    app.clock.set_date(date("2027-01-05"));
    let frozen = freeze(app, &p.registrar, &sy, 2026);
    assert_eq!(frozen.status, 201, "{}", frozen.body);
    let count = frozen.json()["entry_count"].as_u64().unwrap() as usize;
    assert_eq!(count, 3);
    let listed: Vec<String> = app.client.get("/api/v1/public/catalogues/SY/2026", None).json()
        ["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["document_id"].as_str().unwrap().to_string())
        .collect();

    let zip_of = |path: &str| {
        let r = app.client.get(path, None);
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        assert_eq!(r.header("content-type").as_deref(), Some("application/zip"), "{path}");
        assert!(r.header("content-disposition").unwrap().contains("SY-2026.akn.zip"));
        zip::ZipArchive::new(std::io::Cursor::new(r.bytes)).expect("a ZIP")
    };
    let mut archive = zip_of("/api/v1/public/catalogues/SY/2026.akn.zip");
    let same = zip_of("/api/v1/public/catalogues/SY/2026?format=akn");
    let names: Vec<String> = archive.file_names().map(|n| n.expect("a name").into()).collect();
    assert_eq!(same.file_names().count(), names.len());
    assert_eq!(names.len(), count + 1, "one file a document and the manifest: {names:?}");
    let mut read = |name: &str| {
        let mut bytes = Vec::new();
        archive.by_name(name).expect(name).read_to_end(&mut bytes).unwrap();
        bytes
    };
    let manifest: Value = serde_json::from_slice(&read("manifest.json")).unwrap();
    let manifest = manifest.as_array().unwrap().clone();
    assert_eq!(manifest.len(), count);
    let mut ids: Vec<String> =
        manifest.iter().map(|m| m["document_id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, listed, "the catalogue's versions, in its order");
    ids.dedup();
    assert_eq!(ids.len(), count);
    assert_eq!(manifest[0]["file"], "沈政规〔2026〕1号.akn.xml");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/akn");
    std::fs::create_dir_all(&dir).unwrap();
    let engine = format!("{:?}", app.engine).to_lowercase();
    for (i, m) in manifest.iter().enumerate() {
        let bytes = read(m["file"].as_str().unwrap());
        let hash: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(m["sha256"], hash.as_str(), "{m}");
        let xml = String::from_utf8(bytes).expect("UTF-8");
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        assert_eq!(doc.root_element().tag_name().name(), "akomaNtoso");
        assert!(doc.descendants().any(|n| n.has_tag_name("article")), "{xml}");
        // For `.ci/akn-validate`, which checks the files of target/akn/ against the schema.
        std::fs::write(dir.join(format!("catalogue-akn-{engine}-{i}.xml")), &xml).unwrap();
    }
    // The catalogue's page links the download.
    let page = app.client.get("/catalogues/SY/2026", None);
    assert!(page.body.contains("/api/v1/public/catalogues/SY/2026.akn.zip"), "{}", page.body);

    app.client.get("/api/v1/public/catalogues/SY/2025.akn.zip", None).problem(404);
    app.client.get("/api/v1/public/catalogues/XX/2026.akn.zip", None).problem(404);
    app.client.get("/api/v1/public/catalogues/SY/year.akn.zip", None).problem(404);
    app.client.get("/api/v1/public/catalogues/SY/2026?format=pdf", None).problem(422);
});
