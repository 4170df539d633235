//! Queries on user accounts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::error::DbError;
use super::schema::users;
use super::DbConn;
use crate::domain::ids::UserId;

/// One row of `users`, field order as in the schema.
#[derive(Clone, Debug, Queryable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub password_hash: String,
    pub agency_id: Option<String>,
    pub roles: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, row: &UserRow) -> Result<(), DbError> {
    diesel::insert_into(users::table).values(row).execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: UserId) -> Result<Option<UserRow>, DbError> {
    Ok(users::table.find(id.to_string()).first(conn).optional()?)
}

pub fn find_by_username(conn: &mut DbConn, username: &str) -> Result<Option<UserRow>, DbError> {
    Ok(users::table.filter(users::username.eq(username)).first(conn).optional()?)
}

pub fn count(conn: &mut DbConn) -> Result<i64, DbError> {
    Ok(users::table.count().get_result(conn)?)
}

/// A page of users, limited to one agency when given (the caller's scope).
pub fn list(
    conn: &mut DbConn,
    agency: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<UserRow>, i64), DbError> {
    let mut count = users::table.count().into_boxed();
    let mut page = users::table.order(users::username.asc()).into_boxed();
    if let Some(a) = agency {
        count = count.filter(users::agency_id.eq(a.to_string()));
        page = page.filter(users::agency_id.eq(a.to_string()));
    }
    let total = count.get_result(conn)?;
    Ok((page.offset(offset).limit(limit).load(conn)?, total))
}
