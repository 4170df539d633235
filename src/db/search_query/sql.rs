//! A SQL text with numbered placeholders and the values bound to them, built piece by piece
//! by the public catalogue query.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text};

use crate::db::DbConn;

type Multi = <DbConn as Connection>::Backend;

/// A value to bind, in the order the placeholders were written.
pub(super) enum Bind {
    Text(String),
    Date(NaiveDate),
    Int(i64),
}

/// A SQL text with `?` placeholders and their values, in the order they were written; numbered
/// for the engine by `db::placeholders` when the query is made, like every other statement.
#[derive(Default)]
pub(super) struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    pub(super) fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    pub(super) fn bind(&mut self, b: Bind) -> &mut Self {
        self.binds.push(b);
        self.text.push('?');
        self
    }

    pub(super) fn query(
        self,
        conn: &DbConn,
    ) -> diesel::query_builder::BoxedSqlQuery<'static, Multi, diesel::query_builder::SqlQuery> {
        let mut q =
            diesel::sql_query(crate::db::placeholders(conn, &self.text)).into_boxed::<Multi>();
        for b in self.binds {
            q = match b {
                Bind::Text(s) => q.bind::<Text, _>(s),
                Bind::Date(d) => q.bind::<Date, _>(d),
                Bind::Int(i) => q.bind::<BigInt, _>(i),
            };
        }
        q
    }
}
