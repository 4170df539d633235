//! The single-event append on SQLite runs inside the one writer's turn: its head read, its
//! event and the head's move must be statements prepared once per connection and kept, not
//! parsed anew on every event (the move is a `KeptSql`: diesel keeps no UPDATE of its own).

use std::sync::{Arc, Mutex};

use diesel::connection::{InstrumentationEvent, SimpleConnection};

use super::*;

#[test]
fn a_single_event_on_sqlite_reads_and_moves_the_head_and_writes_the_event_with_kept_statements() {
    let dir = std::env::temp_dir().join(format!("normreg-append-{}", uuid::Uuid::new_v4()));
    let url = crate::db::DatabaseUrl::Sqlite(dir.join("normreg.db"));
    let pool = crate::db::connect(&url, 1).expect("pool");
    let mut conn = pool.get().expect("connection");
    crate::db::run_migrations(&mut conn).expect("migrations");
    // The events need no document row here: this is about statements, not references.
    conn.batch_execute("PRAGMA foreign_keys = OFF").expect("pragma");
    // What diesel prepared and kept, and every statement it ran, in order.
    let log = Arc::new(Mutex::new((Vec::<String>::new(), Vec::<String>::new())));
    let seen = log.clone();
    let DbConn::Sqlite(sqlite) = &mut *conn else { unreachable!("a SQLite url") };
    sqlite.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        let mut log = seen.lock().expect("log");
        match event {
            InstrumentationEvent::CacheQuery { sql, .. } => log.0.push(sql.to_string()),
            InstrumentationEvent::StartQuery { query, .. } => log.1.push(query.to_string()),
            _ => {}
        }
    });
    let event = |n: u32| EventText {
        document_id: "d1".into(),
        actor_id: None,
        at: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(0, 0, n).unwrap(),
        action: "created".into(),
        from_status: None,
        to_status: None,
        reason: None,
        payload: None,
    };
    for n in 0..3 {
        crate::db::write_tx(&mut conn, |c| append(c, &[event(n)])).expect("appended");
    }
    let (cached, ran) = log.lock().expect("log").clone();
    let stored = heads(&mut conn).expect("heads");
    let _ = std::fs::remove_dir_all(&dir);
    // The chain still moved on at every event.
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].chain.as_str(), stored[0].length), ("document:d1", 3));
    // The head read and the event at each of the three appends, the first head and its two
    // moves all ran as statements kept prepared: four statements, each prepared once.
    let appends: Vec<&String> = ran
        .iter()
        .filter(|q| q.contains("history_heads") || q.contains("document_events"))
        .collect();
    assert_eq!(appends.len(), 9, "{ran:#?}");
    for q in &appends {
        assert!(cached.iter().any(|sql| q.starts_with(sql.as_str())), "not kept prepared: {q}");
    }
    assert_eq!(appends.iter().filter(|q| q.starts_with("UPDATE")).count(), 2, "{ran:#?}");
    assert_eq!(cached.len(), 4, "{cached:#?}");
}
