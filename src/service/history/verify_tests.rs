//! `verify` reads the events a page of documents at a time: whatever the page size, a chain
//! that spans no page boundary and one checked as it is walked give the same report.

use chrono::NaiveDate;
use diesel::connection::SimpleConnection;

use super::verify::verify_in_pages;
use crate::db::history::{append, EventText};
use crate::db::{self, DatabaseUrl};

fn event(document_id: &str, n: u32) -> EventText {
    EventText {
        document_id: document_id.to_string(),
        actor_id: None,
        at: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(9, 0, n).unwrap(),
        action: format!("step{n}"),
        from_status: None,
        to_status: None,
        reason: None,
        payload: Some(format!("{{\"n\":{n}}}")),
    }
}

#[test]
fn every_page_size_names_the_same_edited_and_truncated_documents() {
    let dir = std::env::temp_dir().join(format!("normreg-verify-{}", uuid::Uuid::new_v4()));
    let pool = db::connect(&DatabaseUrl::Sqlite(dir.join("normreg.db")), 1).expect("pool");
    let mut conn = pool.get().expect("connection");
    db::run_migrations(&mut conn).expect("migrations");
    // Chains only: this is about reading them, not about the documents they belong to.
    conn.batch_execute("PRAGMA foreign_keys = OFF").expect("pragma");
    let documents: Vec<String> = (0..5).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    for n in 0..3 {
        for d in &documents {
            db::write_tx(&mut conn, |c| append(c, &[event(d, n)])).expect("appended");
        }
    }
    let at = NaiveDate::from_ymd_opt(2026, 3, 3).unwrap().and_hms_opt(0, 0, 0).unwrap();
    super::checkpoint(&mut conn, at).expect("checkpoint").expect("made");
    let (edited, truncated) = (&documents[1], &documents[3]);
    conn.batch_execute(&format!(
        "UPDATE document_events SET reason = 'changed' WHERE document_id = '{edited}' AND seq = 2; \
         DELETE FROM document_events WHERE document_id = '{truncated}' AND seq = 3;"
    ))
    .expect("tampered");

    let whole = verify_in_pages(&mut conn, 1_000).expect("verified");
    let mut named: Vec<&str> = whole.documents.iter().map(|d| d.document_id.as_str()).collect();
    named.sort();
    let mut expected = vec![edited.as_str(), truncated.as_str()];
    expected.sort();
    assert_eq!(named, expected, "{whole:#?}");
    assert_eq!((whole.chains, whole.events, whole.intact), (5, 14, false));
    assert_eq!(whole.checkpoints_failed.len(), 1, "{whole:#?}");
    assert!(whole.checkpoints_failed[0].problem.starts_with("2 chain(s)"), "{whole:#?}");
    for per_page in [1, 2, 3] {
        let paged = verify_in_pages(&mut conn, per_page).expect("verified");
        assert_eq!(
            serde_json::to_value(&paged).unwrap(),
            serde_json::to_value(&whole).unwrap(),
            "{per_page} per page"
        );
    }
    drop(conn);
    let _ = std::fs::remove_dir_all(&dir);
}
