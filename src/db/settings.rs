//! Key-value settings the service keeps for itself (the JWT secret, the policy).

use diesel::prelude::*;

use super::error::DbError;
use super::schema::settings;
use super::DbConn;

pub fn get(conn: &mut DbConn, key: &str) -> Result<Option<String>, DbError> {
    Ok(settings::table.find(key).select(settings::value).first::<String>(conn).optional()?)
}

/// Stores `value` unless the key already has one, and answers the value that is kept. Two
/// instances starting together agree on the same value.
pub fn get_or_insert(conn: &mut DbConn, key: &str, value: &str) -> Result<String, DbError> {
    diesel::sql_query(super::placeholders(
        conn,
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
    ))
    .bind::<diesel::sql_types::Text, _>(key)
    .bind::<diesel::sql_types::Text, _>(value)
    .execute(conn)?;
    get(conn, key)?.ok_or_else(|| DbError::internal(format!("setting {key} vanished")))
}

pub fn put(conn: &mut DbConn, key: &str, value: &str) -> Result<(), DbError> {
    let updated =
        diesel::update(settings::table.find(key)).set(settings::value.eq(value)).execute(conn)?;
    if updated == 0 {
        diesel::insert_into(settings::table)
            .values((settings::key.eq(key), settings::value.eq(value)))
            .execute(conn)?;
    }
    Ok(())
}

const POLICY_KEY: &str = "policy";

/// The jurisdiction's policy, or the defaults of domain.md while none was saved.
pub fn policy(conn: &mut DbConn) -> Result<crate::domain::policy::Policy, DbError> {
    match get(conn, POLICY_KEY)? {
        None => Ok(crate::domain::policy::Policy::default()),
        Some(json) => serde_json::from_str(&json)
            .map_err(|e| DbError::decode("settings", POLICY_KEY, "value", e)),
    }
}

pub fn save_policy(
    conn: &mut DbConn,
    policy: &crate::domain::policy::Policy,
) -> Result<(), DbError> {
    let json = serde_json::to_string(policy).map_err(|e| DbError::internal(e.to_string()))?;
    put(conn, POLICY_KEY, &json)
}
