//! The bundled SQLite as this project builds it (`.cargo/config.toml`): a statement diesel keeps
//! prepared is run again as it is, not re-parsed, even when it binds its `LIMIT`.

use diesel::sql_types::{BigInt, Text};
use diesel::{QueryableByName, RunQueryDsl};

use super::{connect, run_migrations, users, DatabaseUrl};
use crate::domain::ids::UserId;

/// A row of SQLite's `sqlite_stmt` table: the connection's own prepared statements.
#[derive(QueryableByName)]
struct KeptStatement {
    #[diesel(sql_type = Text)]
    sql: String,
    #[diesel(sql_type = BigInt)]
    run: i64,
    #[diesel(sql_type = BigInt)]
    reprep: i64,
}

#[test]
fn a_kept_statement_with_a_bound_limit_is_not_parsed_again_at_each_use() {
    let dir = std::env::temp_dir().join(format!("normreg-prepared-{}", uuid::Uuid::new_v4()));
    let pool = connect(&DatabaseUrl::Sqlite(dir.join("normreg.db")), 1).expect("pool");
    let mut conn = pool.get().expect("connection");
    run_migrations(&mut conn).expect("migrations");
    // `users::find` is `.first()`: `… LIMIT ?`, the limit bound. Without the query planner
    // stability guarantee SQLite takes a bound limit as a planning hint, and binding it again
    // expires the statement, which the next step parses anew.
    for _ in 0..3 {
        users::find(&mut conn, UserId::new()).expect("read");
    }
    let kept: Vec<KeptStatement> = diesel::sql_query("SELECT sql, run, reprep FROM sqlite_stmt")
        .load(&mut conn)
        .expect("stmts");
    let _ = std::fs::remove_dir_all(&dir);
    let find = kept
        .iter()
        .find(|s| s.sql.contains("FROM `users`") && s.sql.contains("LIMIT"))
        .expect("the user read is kept prepared");
    assert_eq!(find.run, 3, "{}", find.sql);
    assert_eq!(find.reprep, 0, "re-parsed at each use: {}", find.sql);
}
