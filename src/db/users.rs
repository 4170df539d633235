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
    pub disabled: bool,
    /// Carried in every token; a token of an older epoch is refused (see `kept_token_id`).
    pub token_epoch: i64,
    /// The one token of an older epoch still good: the one that changed its own password.
    pub kept_token_id: Option<String>,
    /// Set by a reset: the temporary password's tokens may only set a new password.
    pub password_change_required: bool,
    /// Set by a reset: when the temporary password stops logging in (UTC).
    pub temporary_password_until: Option<NaiveDateTime>,
}

impl UserRow {
    /// A new, enabled account with its password hash.
    pub fn new(
        username: String,
        password_hash: String,
        agency_id: Option<String>,
        roles: String,
        created_at: NaiveDateTime,
    ) -> Self {
        Self {
            id: UserId::new().to_string(),
            username,
            password_hash,
            agency_id,
            roles,
            created_at,
            disabled: false,
            token_epoch: 0,
            kept_token_id: None,
            password_change_required: false,
            temporary_password_until: None,
        }
    }
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

/// Which users a list shows: every filter optional.
#[derive(Clone, Debug, Default)]
pub struct UserFilter {
    /// One agency (the caller's scope, or the `agency_id` asked for).
    pub agency: Option<String>,
    /// Users holding this role (a stored role code).
    pub role: Option<&'static str>,
    pub disabled: Option<bool>,
}

/// A page of users matching `filter`, in username order, and how many match.
pub fn list(
    conn: &mut DbConn,
    filter: &UserFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<UserRow>, i64), DbError> {
    let total = filtered(filter).count().get_result(conn)?;
    let page =
        filtered(filter).order(users::username.asc()).offset(offset).limit(limit).load(conn)?;
    Ok((page, total))
}

fn filtered(filter: &UserFilter) -> users::BoxedQuery<'static, <DbConn as Connection>::Backend> {
    let mut query = users::table.into_boxed();
    if let Some(a) = &filter.agency {
        query = query.filter(users::agency_id.eq(a.clone()));
    }
    if let Some(role) = filter.role {
        // Roles are stored as `a,b,c`: the role alone, first, last or in between.
        query = query.filter(
            users::roles
                .eq(role)
                .or(users::roles.like(format!("{role},%")))
                .or(users::roles.like(format!("%,{role}")))
                .or(users::roles.like(format!("%,{role},%"))),
        );
    }
    if let Some(d) = filter.disabled {
        query = query.filter(users::disabled.eq(d));
    }
    query
}

/// Saves the roles, agency and disabled flag of `row` as given; with `end_tokens`, every
/// token issued so far stops working too.
pub fn update_access(conn: &mut DbConn, row: &UserRow, end_tokens: bool) -> Result<(), DbError> {
    let epoch = users::token_epoch + if end_tokens { 1 } else { 0 };
    diesel::update(users::table.find(&row.id))
        .set((
            users::roles.eq(&row.roles),
            users::agency_id.eq(&row.agency_id),
            users::disabled.eq(row.disabled),
            users::token_epoch.eq(epoch),
        ))
        .execute(conn)?;
    Ok(())
}

/// Sets a new password hash and ends every token issued so far, except `kept` (the token
/// that changed its own password). `temporary_until`: a reset's temporary password, which
/// logs in until then.
pub fn set_password(
    conn: &mut DbConn,
    id: &str,
    password_hash: &str,
    temporary_until: Option<NaiveDateTime>,
    kept: Option<&str>,
) -> Result<(), DbError> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(password_hash),
            users::password_change_required.eq(temporary_until.is_some()),
            users::temporary_password_until.eq(temporary_until),
            users::token_epoch.eq(users::token_epoch + 1),
            users::kept_token_id.eq(kept),
        ))
        .execute(conn)?;
    Ok(())
}

/// The key of [`lock_admin_changes`]: "normadm" in ASCII, apart from the start-up lock's.
const ADMIN_CHANGES_LOCK_KEY: i64 = 0x006e_6f72_6d61_646d;

/// Takes the transaction's turn among account changes, until it ends, so that the check that
/// one enabled admin remains reads what the change before it committed. On PostgreSQL an
/// advisory lock: without it two admins disabling each other at once each saw the other
/// still enabled, and both went through. SQLite's write transaction already takes turns.
pub fn lock_admin_changes(conn: &mut DbConn) -> Result<(), DbError> {
    if matches!(conn, DbConn::Postgres(_)) {
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({ADMIN_CHANGES_LOCK_KEY})"))
            .execute(conn)?;
    }
    Ok(())
}

/// Enabled accounts holding the admin role, other than `except`.
pub fn other_enabled_admins(conn: &mut DbConn, except: &str) -> Result<i64, DbError> {
    let filter = UserFilter { role: Some("admin"), disabled: Some(false), ..Default::default() };
    Ok(filtered(&filter).filter(users::id.ne(except.to_string())).count().get_result(conn)?)
}
