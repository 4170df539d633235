//! The upload limit at its default (50 MiB): a 51 MB upload, streamed from a generator so
//! that the test holds little memory, is refused with 413 and leaves nothing behind, neither
//! a file nor a chunk.

use std::io::{Read, Write};
use std::time::Duration;

use diesel::sql_types::BigInt;
use diesel::{QueryableByName, RunQueryDsl};

use crate::db_test;
use crate::files::{stored, upload, PDF};
use crate::fixtures::Province;
use crate::helpers::*;

const BOUNDARY: &str = "----normreg-limit-boundary-51";

/// 51 MB: above the default limit of 50 MiB (52,428,800 bytes) by a margin.
const FILE_BYTES: u64 = 51 * 1024 * 1024;

/// The pieces of a multipart body holding a PDF of `FILE_BYTES`, made as they are sent.
fn body_pieces() -> impl Iterator<Item = Vec<u8>> {
    let head = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nofficial_text\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"大.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    );
    let first = [head.as_bytes(), PDF].concat();
    let piece = 64 * 1024u64;
    let filler = (FILE_BYTES - PDF.len() as u64).div_ceil(piece);
    std::iter::once(first)
        .chain((0..filler).map(move |i| vec![(i % 251) as u8; piece as usize]))
        .chain(std::iter::once(format!("\r\n--{BOUNDARY}--\r\n").into_bytes()))
}

/// Sends an upload over a bare connection, its body chunked (no declared length, so that the
/// server must count what arrives) or with its `Content-Length`, from the generator; answers
/// the status line and the rest of the answer.
fn send(app: &TestApp, token: &str, doc: &str, declared: bool) -> (String, String) {
    let address = app.server.base.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&address).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(120))).expect("timeout");
    let framing = if declared {
        let length: usize = body_pieces().map(|p| p.len()).sum();
        format!("Content-Length: {length}")
    } else {
        "Transfer-Encoding: chunked".to_string()
    };
    let head = format!(
        "POST /api/v1/documents/{doc}/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n{framing}\r\nConnection: close\r\n\r\n"
    );
    let mut writer = stream.try_clone().expect("clone");
    let sender = std::thread::spawn(move || -> u64 {
        // The server may answer and close before the body ends: then the writes fail.
        let mut sent = 0;
        if writer.write_all(head.as_bytes()).is_err() {
            return sent;
        }
        for piece in body_pieces() {
            let length = piece.len() as u64;
            let framed = if declared {
                piece
            } else {
                [format!("{:x}\r\n", piece.len()).as_bytes(), &piece, b"\r\n"].concat()
            };
            if writer.write_all(&framed).is_err() {
                return sent;
            }
            sent += length;
        }
        if !declared {
            let _ = writer.write_all(b"0\r\n\r\n");
        }
        sent
    });
    let mut answer = Vec::new();
    // A reset after the answer arrived is the server closing on the unread rest of the body.
    let _ = stream.read_to_end(&mut answer);
    let _ = stream.shutdown(std::net::Shutdown::Both);
    sender.join().expect("the sender");
    let answer = String::from_utf8_lossy(&answer).to_string();
    let status = answer.lines().next().unwrap_or("").to_string();
    (status, answer)
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Chunk rows in all, and chunk rows of no file.
fn chunk_rows(app: &TestApp) -> (i64, i64) {
    let url = normreg::db::DatabaseUrl::parse(&app.db.url).expect("url");
    let mut conn = normreg::db::connect(&url, 1).expect("pool").get().expect("connection");
    let count = |sql: &str, conn: &mut normreg::db::DbConn| {
        diesel::sql_query(sql).get_result::<Count>(conn).expect(sql).n
    };
    let all = count("SELECT COUNT(*) AS n FROM file_chunks", &mut conn);
    let orphans = count(
        "SELECT COUNT(*) AS n FROM file_chunks c \
         WHERE NOT EXISTS (SELECT 1 FROM document_files f WHERE f.id = c.file_id)",
        &mut conn,
    );
    (all, orphans)
}

db_test!(a_51_mb_upload_at_the_default_limit_is_413_and_stores_nothing, |app| {
    let p = Province::new(app);
    let doc = p.draft(app, "关于超大文件的办法", "第一条 为了规范管理，制定本办法。");
    stored(&upload(app, &p.drafter, &doc, "official_text", "正式文本.pdf", PDF));
    let list = format!("/api/v1/documents/{doc}/files");
    let before = app.client.get(&list, Some(&p.drafter)).json();
    assert_eq!(before.as_array().unwrap().len(), 1);
    assert_eq!(chunk_rows(app), (1, 0));

    for declared in [false, true] {
        let (status, answer) = send(app, &p.drafter, &doc, declared);
        assert!(status.starts_with("HTTP/1.1 413"), "declared {declared}: {answer}");
        assert!(answer.contains("payload_too_large"), "declared {declared}: {answer}");
        assert_eq!(app.client.get(&list, Some(&p.drafter)).json(), before, "declared {declared}");
        assert_eq!(chunk_rows(app), (1, 0), "no chunk written, none left behind");
    }
    // The server goes on serving uploads after the refusals.
    stored(&upload(app, &p.drafter, &doc, "drafting_notes", "说明.pdf", PDF));
    assert_eq!(chunk_rows(app), (2, 0));
});
