//! A document's files over HTTP: uploads recognised from their bytes, names cleaned, versions
//! kept, the size limit, downloads with their headers and ranges, and the public's official
//! text only after publication.

use std::io::Write;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::db_test;
use crate::fixtures::Province;
use crate::helpers::*;

pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0x60, 0xf8, 0x5f,
    0x0f, 0x00, 0x02, 0x87, 0x01, 0x80, 0xeb, 0x47, 0xba, 0x92, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A ZIP with the entries `names`, each holding a little XML.
fn zip_of(names: &[&str]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for name in names {
            zip.start_file(*name, stored).unwrap();
            zip.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><root/>").unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A `multipart/form-data` body of `kind` and `file`, the file named by `disposition`'s
/// parameters (e.g. `filename="a.pdf"`).
pub fn form(kind: &str, disposition: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----normreg-test-boundary-7d3f";
    let mut body = Vec::new();
    write!(body, "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n")
        .unwrap();
    write!(
        body,
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; {disposition}\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .unwrap();
    body.extend_from_slice(bytes);
    write!(body, "\r\n--{boundary}--\r\n").unwrap();
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub fn upload(
    app: &TestApp,
    token: &str,
    doc: &str,
    kind: &str,
    name: &str,
    bytes: &[u8],
) -> Answer {
    upload_as(app, token, doc, kind, &format!("filename=\"{name}\""), bytes)
}

fn upload_as(
    app: &TestApp,
    token: &str,
    doc: &str,
    kind: &str,
    disposition: &str,
    bytes: &[u8],
) -> Answer {
    let (ct, body) = form(kind, disposition, bytes);
    app.client.raw(
        "POST",
        &format!("/api/v1/documents/{doc}/files"),
        Some(token),
        Some(&ct),
        body,
        &[],
    )
}

/// Uploads a small PDF as a file of `kind`; answers its id.
pub fn upload_pdf(app: &TestApp, token: &str, doc: &str, kind: &str) -> String {
    let r = upload(app, token, doc, kind, &format!("{kind}.pdf"), PDF);
    stored(&r)["id"].as_str().unwrap().to_string()
}

pub fn stored(r: &Answer) -> Value {
    assert_eq!(r.status, 201, "upload: {}", r.body);
    r.json()
}

db_test!(each_accepted_type_is_recognised_from_its_bytes_and_disguises_are_refused, |app| {
    let p = Province::new(app);
    let doc = p.draft(app, "关于文件上传的办法", "第一条 为了规范管理，制定本办法。");
    let doc_bytes =
        [&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..], &[0u8; 504][..]].concat();
    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], b"\x00\x10JFIF\x00", &[0xFF, 0xD9][..]].concat();
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        ("正式文本.pdf", PDF.to_vec(), "application/pdf", "正式文本.pdf"),
        (
            "正式文本.ofd",
            zip_of(&["OFD.xml", "Doc_0/Document.xml"]),
            "application/ofd",
            "正式文本.ofd",
        ),
        (
            "起草说明.docx",
            zip_of(&["[Content_Types].xml", "word/document.xml"]),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "起草说明.docx",
        ),
        ("依据.doc", doc_bytes, "application/msword", "依据.doc"),
        ("扫描件.png", PNG.to_vec(), "image/png", "扫描件.png"),
        ("照片", jpeg, "image/jpeg", "照片.jpg"),
    ];
    for (name, bytes, content_type, cleaned) in cases {
        let f = stored(&upload(app, &p.drafter, &doc, "other", name, &bytes));
        assert_eq!(f["content_type"], content_type, "{name}");
        assert_eq!(f["name"], cleaned);
        assert_eq!(f["size"], bytes.len());
        assert_eq!(f["sha256"], sha256(&bytes));
    }
    // Named and declared a PDF, but not one: refused, whatever the name says.
    let disguised: Vec<(&str, Vec<u8>)> = vec![
        ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec()),
        ("tool.pdf", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00".to_vec()),
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec()),
        ("archive.docx", zip_of(&["readme.txt"])),
    ];
    for (name, bytes) in disguised {
        let r = upload(app, &p.drafter, &doc, "official_text", name, &bytes);
        let problem = r.problem(415);
        assert_eq!(problem["code"], "unsupported_media_type", "{name}");
    }
    // Names with paths, control characters and reserved devices are cleaned.
    let f = stored(&upload(app, &p.drafter, &doc, "other", "../../../etc/正式文本.pdf", PDF));
    assert_eq!(f["name"], "正式文本.pdf");
    let f = stored(&upload(app, &p.drafter, &doc, "other", "..\\\\..\\\\CON.pdf", PDF));
    assert_eq!(f["name"], "_CON.pdf");
    let f = stored(&upload_as(
        app,
        &p.drafter,
        &doc,
        "other",
        "filename*=UTF-8''evil%0D%0A%07%E6%96%87%E4%BB%B6.pdf",
        PDF,
    ));
    assert_eq!(f["name"], "evil文件.pdf");
    // Not a form, an unknown kind, no file: 4xx, never a 5xx.
    let r = app.client.raw(
        "POST",
        &format!("/api/v1/documents/{doc}/files"),
        Some(&p.drafter),
        Some("application/pdf"),
        PDF.to_vec(),
        &[],
    );
    r.problem(415);
    upload(app, &p.drafter, &doc, "secret_plans", "a.pdf", PDF).problem(422);
    let (ct, _) = form("other", "filename=\"a.pdf\"", PDF);
    let r = app.client.raw(
        "POST",
        &format!("/api/v1/documents/{doc}/files"),
        Some(&p.drafter),
        Some(&ct),
        b"garbage".to_vec(),
        &[],
    );
    assert!((400..500).contains(&r.status), "{} {}", r.status, r.body);
    // Nobody outside the document's scope learns it exists.
    upload(app, &p.filing_reviewer, &doc, "other", "a.pdf", PDF).problem(403);
    let listed = app.client.get(&format!("/api/v1/documents/{doc}/files"), Some(&p.drafter)).json();
    assert_eq!(listed.as_array().unwrap().len(), 9);
});

db_test!(versions_are_kept_and_downloads_carry_name_etag_and_ranges, |app| {
    let p = Province::new(app);
    let doc = p.draft(app, "关于版本的办法", "第一条 为了规范管理，制定本办法。");
    let second = [PDF, b"% second version\n"].concat();
    let v1 = stored(&upload(app, &p.drafter, &doc, "official_text", "正式 文本.pdf", PDF));
    let v2 = stored(&upload(app, &p.drafter, &doc, "official_text", "正式 文本.pdf", &second));
    assert_eq!((v1["version"].as_i64(), v2["version"].as_i64()), (Some(1), Some(2)));
    let notes = stored(&upload(app, &p.drafter, &doc, "drafting_notes", "说明.pdf", PDF));
    assert_eq!(notes["version"], 1);
    let listed = app.client.get(&format!("/api/v1/documents/{doc}/files"), Some(&p.drafter)).json();
    assert_eq!(listed.as_array().unwrap().len(), 3);

    let path = format!("/api/v1/files/{}", v1["id"].as_str().unwrap());
    let r = app.client.get(&path, Some(&p.drafter));
    assert_eq!(r.status, 200);
    assert_eq!(r.bytes, PDF, "the older version is still readable as it was");
    assert_eq!(r.header("content-type").as_deref(), Some("application/pdf"));
    assert_eq!(r.header("etag"), Some(format!("\"{}\"", sha256(PDF))));
    let disposition = r.header("content-disposition").unwrap();
    assert!(
        disposition.contains("filename*=UTF-8''%E6%AD%A3%E5%BC%8F%20%E6%96%87%E6%9C%AC.pdf"),
        "{disposition}"
    );
    assert!(disposition.contains("filename=\"__ __.pdf\""), "{disposition}");
    let r =
        app.client.get(&format!("/api/v1/files/{}", v2["id"].as_str().unwrap()), Some(&p.drafter));
    assert_eq!(r.bytes, second);

    // The drafter's request for the older version with one extra header (or none).
    let ask = |method: &str, header: &[(&str, &str)]| {
        app.client.raw(method, &path, Some(&p.drafter), None, Vec::new(), header)
    };
    let r = ask("GET", &[("Range", "bytes=5-12")]);
    assert_eq!(r.status, 206);
    assert_eq!(r.bytes, &PDF[5..=12]);
    assert_eq!(r.header("content-range"), Some(format!("bytes 5-12/{}", PDF.len())));
    let r = ask("GET", &[("Range", "bytes=-4")]);
    assert_eq!(r.bytes, &PDF[PDF.len() - 4..]);
    let r = ask("GET", &[("Range", "bytes=99999-")]);
    r.problem(416);
    let etag = format!("\"{}\"", sha256(PDF));
    let r = ask("GET", &[("If-None-Match", &etag)]);
    assert_eq!(r.status, 304);
    let r = ask("HEAD", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-length"), Some(PDF.len().to_string()));
    assert!(r.bytes.is_empty());

    // Without an account, or from another city: nothing.
    app.client.get(&path, None).problem(401);
    let other = crate::fixtures::neighbour_city(app, &p);
    let stranger = app.user(&p.admin, "dl-drafter", &other, &["drafter"]);
    app.client.get(&path, Some(&stranger)).problem(404);
    app.client.get(&format!("/api/v1/documents/{doc}/files"), Some(&stranger)).problem(404);
    // Each upload is an event of the document's history.
    let history =
        app.client.get(&format!("/api/v1/documents/{doc}/history"), Some(&p.drafter)).body;
    assert_eq!(history.matches("file_added").count(), 3, "{history}");
});

db_test!(the_public_gets_the_official_text_only_after_publication, |app| {
    let p = Province::new(app);
    let draft = p.draft(app, "关于未公布的办法", "第一条 为了规范管理，制定本办法。");
    let hidden = stored(&upload(app, &p.drafter, &draft, "official_text", "草案.pdf", PDF));
    app.client.get(&format!("/api/v1/public/documents/{draft}/files"), None).problem(404);
    let path = format!("/api/v1/public/documents/{draft}/files/{}", hidden["id"].as_str().unwrap());
    app.client.get(&path, None).problem(404);

    let doc = p.published(app, "关于公开正式文本的办法", "第一条 为了规范管理，制定本办法。");
    let id = doc["id"].as_str().unwrap();
    let official = stored(&upload(app, &p.registrar, id, "official_text", "正式文本.pdf", PDF));
    let notes = stored(&upload(app, &p.drafter, id, "drafting_notes", "起草说明.pdf", PDF));
    let listed = app.client.get(&format!("/api/v1/public/documents/{id}/files"), None).json();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["id"], official["id"]);
    assert!(listed[0].get("uploaded_by").is_none());
    let r = app.client.get(
        &format!("/api/v1/public/documents/{id}/files/{}", official["id"].as_str().unwrap()),
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.bytes, PDF);
    // The document's public page links the official text.
    let page = app.client.get(&format!("/documents/{id}"), None).body;
    let link = format!("/api/v1/public/documents/{id}/files/{}", official["id"].as_str().unwrap());
    assert!(page.contains(&link), "{page}");
    let internal = format!("/api/v1/public/documents/{id}/files/{}", notes["id"].as_str().unwrap());
    app.client.get(&internal, None).problem(404);
    // Another document's official text is not reachable under this one's path either.
    let elsewhere =
        format!("/api/v1/public/documents/{id}/files/{}", hidden["id"].as_str().unwrap());
    app.client.get(&elsewhere, None).problem(404);
});

db_test!(
    a_file_over_the_limit_is_413_and_nothing_is_stored,
    config | config | {
        config.upload_limit = 700 * 1024;
    },
    |app| {
        let p = Province::new(app);
        let doc = p.draft(app, "关于大文件的办法", "第一条 为了规范管理，制定本办法。");
        // Three chunks of storage: the bytes come back whole, and a range across a chunk's end.
        let mut big = PDF.to_vec();
        big.extend((0..650 * 1024).map(|i| (i % 251) as u8));
        let f = stored(&upload(app, &p.drafter, &doc, "official_text", "大.pdf", &big));
        let path = format!("/api/v1/files/{}", f["id"].as_str().unwrap());
        let r = app.client.get(&path, Some(&p.drafter));
        assert_eq!(sha256(&r.bytes), sha256(&big));
        let r = app.client.raw(
            "GET",
            &path,
            Some(&p.drafter),
            None,
            Vec::new(),
            &[("Range", "bytes=262140-524300")],
        );
        assert_eq!(r.bytes, &big[262_140..=524_300]);

        let mut over = PDF.to_vec();
        over.extend(std::iter::repeat_n(b'x', 700 * 1024));
        let r = upload(app, &p.drafter, &doc, "official_text", "过大.pdf", &over);
        r.problem(413);
        let listed =
            app.client.get(&format!("/api/v1/documents/{doc}/files"), Some(&p.drafter)).json();
        assert_eq!(listed.as_array().unwrap().len(), 1, "only the first file: {listed}");
    }
);

db_test!(a_filing_names_its_files_and_the_reviewer_downloads_them_as_one_zip, |app| {
    let p = Province::new(app);
    let doc = p.published(app, "关于备案材料的办法", "第一条 为了规范管理，制定本办法。");
    let id = doc["id"].as_str().unwrap();
    let official = stored(&upload(app, &p.registrar, id, "official_text", "正式文本.pdf", PDF));
    let ofd = zip_of(&["OFD.xml"]);
    let report = stored(&upload(app, &p.drafter, id, "filing_report", "备案报告.ofd", &ofd));
    let other_doc = p.draft(app, "另一件", "第一条 另一件。");
    let foreign = upload_pdf(app, &p.drafter, &other_doc, "drafting_notes");
    let path = format!("/api/v1/documents/{id}/filing");
    let with = |extra: Value| {
        serde_json::json!({"report": "关于报送备案的报告", "materials": [
            {"kind": "official_text", "title": "正式文本", "file_id": official["id"]},
            {"kind": "filing_report", "title": "备案报告", "file_id": report["id"]},
            {"kind": "drafting_notes", "title": "起草说明"},
            extra
        ]})
    };
    // Another document's file is no material of this one.
    let r = app.client.post(
        &path,
        Some(&p.drafter),
        &with(serde_json::json!({"kind": "legal_basis", "title": "依据", "file_id": foreign})),
    );
    assert_eq!(r.problem(422)["errors"][0]["field"], "materials[3].file_id");
    let r = app.client.post(
        &path,
        Some(&p.drafter),
        &with(serde_json::json!({"kind": "legal_basis", "title": "制定依据"})),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let f = r.json();
    assert_eq!(f["complete"], true, "{f}");
    assert_eq!(f["missing_materials"], serde_json::json!([]));

    let package = format!("/api/v1/filings/{}/package", f["id"].as_str().unwrap());
    let other = crate::fixtures::neighbour_city(app, &p);
    let stranger = app.user(&p.admin, "dl-registrar", &other, &["registrar"]);
    app.client.get(&package, Some(&stranger)).problem(404);
    let r = app.client.get(&package, Some(&p.filing_reviewer));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type").as_deref(), Some("application/zip"));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(r.bytes)).expect("a ZIP");
    let manifest: Value = {
        let mut entry = archive.by_name("manifest.json").expect("a manifest");
        serde_json::from_reader(&mut entry).unwrap()
    };
    let entries = manifest.as_array().unwrap();
    assert_eq!(entries.len(), 2, "{manifest}");
    for (entry, file) in entries.iter().zip([&official, &report]) {
        assert_eq!(entry["name"], file["name"]);
        assert_eq!(entry["kind"], file["kind"]);
        assert_eq!(entry["sha256"], file["sha256"]);
        assert_eq!(entry["size"], file["size"]);
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut archive.by_name(entry["name"].as_str().unwrap()).unwrap(),
            &mut bytes,
        )
        .unwrap();
        assert_eq!(
            sha256(&bytes),
            file["sha256"].as_str().unwrap(),
            "the packed bytes are the stored ones"
        );
    }
});
