//! The operator's account commands, for when no admin can log in: `normreg create-admin`
//! and `normreg reset-password USERNAME`. Each writes its account event with no actor.

use crate::config::Config;
use crate::db;
use crate::domain::account::AccountAction;
use crate::domain::clock::{Clock, SystemClock};
use crate::domain::role::Roles;
use crate::error::AppError;
use crate::service::{account_admin, accounts};

pub async fn create_admin(
    config: Config,
    username: String,
    password: String,
) -> Result<(), String> {
    let username = accounts::parse_username(&username).map_err(|m| format!("username {m}"))?;
    crate::auth::password::check_strength(&password, &[&username])
        .map_err(|m| format!("password {m}"))?;
    let hash = crate::auth::password::hash(&password)?;
    let roles = Roles::parse(&["admin"]).map_err(|e| e.to_string())?;
    let pool = db::connect(&config.database_url, 1).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    db::with_startup_lock(&mut conn, |conn| {
        db::run_migrations(conn)?;
        db::write_tx(conn, |tx| {
            if db::users::find_by_username(tx, &username)?.is_some() {
                return Err(AppError::conflict(
                    "username_taken",
                    format!("user `{username}` exists"),
                ));
            }
            let now = SystemClock.now().naive_utc();
            let row =
                db::users::UserRow::new(username.clone(), hash, None, roles.to_storage(), now);
            db::users::insert(tx, &row)?;
            let detail = serde_json::json!({"roles": row.roles, "by": "command line"});
            accounts::record(tx, &SystemClock, None, &row.id, AccountAction::Created, Some(detail))
        })
    })
    .map_err(|e: AppError| e.to_string())?;
    println!("created admin `{username}`");
    Ok(())
}

pub async fn reset_password(config: Config, username: String) -> Result<(), String> {
    let temporary = crate::auth::password::temporary();
    let hash = crate::auth::password::hash(&temporary)?;
    let pool = db::connect(&config.database_url, 1).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let name = username.trim().to_string();
    let stored = account_admin::Temporary { hash, hours: config.temporary_password_hours };
    let until = db::write_tx(&mut conn, |tx| {
        account_admin::reset_password_by_operator(tx, &SystemClock, &name, stored)
    })
    .map_err(|e| match e {
        AppError::NotFound(_) => format!("no account is named `{name}`"),
        other => other.to_string(),
    })?;
    println!("temporary password of `{name}`: {temporary}");
    println!(
        "it logs in, until {} (UTC), with a token good only for setting a new password",
        until.format("%Y-%m-%d %H:%M")
    );
    Ok(())
}
