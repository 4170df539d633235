//! Hand-written SQLite statements that diesel keeps prepared per connection.
//!
//! diesel never keeps a `sql_query` or an `UPDATE` prepared: each run parses its SQL again.
//! Inside SQLite's one writer's turn (registration) every parse is time all other writers
//! wait, so the few statements written there by hand are [`KeptSql`]: a fixed SQL text, named
//! by a marker type that diesel's statement cache uses as the key, with its parameters bound
//! in order.

use std::marker::PhantomData;

use chrono::NaiveDateTime;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Integer, Text, Timestamp};
use diesel::sqlite::{Sqlite, SqliteConnection};
use diesel::{QueryResult, RunQueryDsl};

/// A parameter of a [`KeptSql`] statement.
#[derive(Clone, Copy, Debug)]
pub enum Param<'a> {
    Text(&'a str),
    Integer(i32),
    BigInt(i64),
    Timestamp(&'a NaiveDateTime),
}

/// `sql` (its `?` in textual order bound to `params`) under the marker `M`: one marker for one
/// SQL text, which diesel's statement cache keys by `M`'s type. `ST` is the SQL type of the
/// rows a `RETURNING` statement answers (`()` for none).
pub struct KeptSql<'a, M, ST = ()> {
    sql: &'static str,
    params: &'a [Param<'a>],
    marks: PhantomData<(M, ST)>,
}

impl<'a, M: 'static, ST: 'static> KeptSql<'a, M, ST> {
    /// `sql` with `params`; the marker `M` must name this `sql` and no other.
    pub fn new(sql: &'static str, params: &'a [Param<'a>]) -> Self {
        debug_assert_eq!(sql.matches('?').count(), params.len(), "{sql}");
        Self { sql, params, marks: PhantomData }
    }
}

impl<M: 'static, ST: 'static> QueryId for KeptSql<'_, M, ST> {
    type QueryId = (M, ST);
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<M: 'static, ST: 'static> QueryFragment<Sqlite> for KeptSql<'_, M, ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        let mut parts = self.sql.split('?');
        out.push_sql(parts.next().unwrap_or_default());
        for (part, param) in parts.zip(self.params) {
            match param {
                Param::Text(v) => out.push_bind_param::<Text, _>(*v)?,
                Param::Integer(v) => out.push_bind_param::<Integer, _>(v)?,
                Param::BigInt(v) => out.push_bind_param::<BigInt, _>(v)?,
                Param::Timestamp(v) => out.push_bind_param::<Timestamp, _>(*v)?,
            }
            out.push_sql(part);
        }
        Ok(())
    }
}

impl<M: 'static, ST: diesel::sql_types::SqlType + 'static> Query for KeptSql<'_, M, ST> {
    type SqlType = ST;
}

impl<M, ST> RunQueryDsl<SqliteConnection> for KeptSql<'_, M, ST> {}

#[cfg(test)]
mod tests {
    use diesel::connection::{Connection, InstrumentationEvent, SimpleConnection};

    use super::*;

    struct Bump;
    struct Read;

    #[test]
    fn each_marker_is_prepared_once_and_binds_its_parameters_in_order() {
        let mut conn = SqliteConnection::establish(":memory:").expect("memory database");
        conn.batch_execute("CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER NOT NULL, at TEXT)")
            .expect("table");
        conn.batch_execute("INSERT INTO t VALUES ('a', 0, NULL), ('b', 0, NULL)").expect("rows");
        let cached = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let seen = cached.clone();
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::CacheQuery { sql, .. } = event {
                seen.lock().expect("log").push(sql.to_string());
            }
        });
        let at = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(9, 0, 0).unwrap();
        for (k, by) in [("a", 2), ("b", 5), ("a", 3)] {
            let params = [Param::Integer(by), Param::Timestamp(&at), Param::Text(k)];
            KeptSql::<Bump>::new("UPDATE t SET n = n + ?, at = ? WHERE k = ?", &params)
                .execute(&mut conn)
                .expect("bumped");
        }
        let rows: Vec<(String, i64)> = KeptSql::<Read, (Text, BigInt)>::new(
            "SELECT k, n FROM t WHERE n > ? ORDER BY k",
            &[Param::BigInt(0)],
        )
        .load(&mut conn)
        .expect("read");
        assert_eq!(rows, [("a".to_string(), 5), ("b".to_string(), 5)]);
        assert_eq!(cached.lock().expect("log").len(), 2, "one preparation per marker");
    }
}
