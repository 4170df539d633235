//! The command line: `serve` (the default), `migrate`, `create-admin`, `expire`, `import`,
//! `catalogue`, `demo`.

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::db;
use crate::domain::clock::{Clock, SystemClock};
use crate::domain::role::Roles;
use crate::startup::Application;

#[derive(Debug, Parser)]
#[command(
    name = "normreg",
    version,
    about = "Registry of administrative normative documents (行政规范性文件)"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the public pages (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create an admin account (password from NORMREG_ADMIN_PASSWORD or --password).
    CreateAdmin {
        #[arg(long, default_value = "admin")]
        username: String,
        #[arg(long, env = "NORMREG_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Record the expiry of every document whose validity ran out (automatic expiry).
    Expire {
        /// Expire as of this date instead of today (Beijing); within the policy's date range.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = exact_date)]
        as_of: Option<chrono::NaiveDate>,
    },
    /// Import documents issued before the service from a JSON Lines file: all or nothing.
    Import {
        /// One JSON object per line (CONTRACT.md's import line).
        file: std::path::PathBuf,
    },
    /// Freeze an agency's annual catalogue: its documents valid on 31 December of the year.
    Catalogue {
        /// The agency's code.
        #[arg(long)]
        agency: String,
        #[arg(long)]
        year: i32,
    },
    /// Seed a demo province (辽宁) with agencies, users and published documents, then exit.
    Demo {
        /// Password of every demo account; a random one is generated and printed when unset.
        #[arg(long, env = "NORMREG_DEMO_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

/// Runs one command and turns its outcome into an exit code.
pub fn run(cli: Cli) -> ExitCode {
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("normreg: {e}");
            return ExitCode::from(2);
        }
    };
    let result = actix_web::rt::System::new().block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(config).await,
            Command::Migrate => migrate(config).await,
            Command::CreateAdmin { username, password } => {
                create_admin(config, username, password).await
            }
            Command::Expire { as_of } => expire(config, as_of).await,
            Command::Import { file } => import(config, file).await,
            Command::Catalogue { agency, year } => freeze_catalogue(config, agency, year).await,
            Command::Demo { password } => demo(config, password).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("normreg: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A date on the command line, `YYYY-MM-DD` exactly (clap would take chrono's looser forms).
fn exact_date(raw: &str) -> Result<chrono::NaiveDate, String> {
    crate::domain::dates::parse_iso(raw).map_err(|e| e.to_string())
}

/// A connection to a migrated database whose stored dates all lie in the range (see
/// `service::dates::refuse_stored_outside_range`), for the commands that read or write data.
fn open_checked(config: &Config) -> Result<db::PooledConn, String> {
    let pool = db::connect(&config.database_url, 1).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    db::with_startup_lock(&mut conn, |conn| {
        db::run_migrations(conn)?;
        crate::service::dates::refuse_stored_outside_range(conn)
    })
    .map_err(|e| e.to_string())?;
    Ok(conn)
}

async fn serve(config: Config) -> Result<(), String> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let url = config.database_url.clone();
    let app = Application::build(config, clock).await.map_err(|e| e.to_string())?;
    tracing::info!(port = app.port(), database = ?url.backend(), "normreg serving");
    app.run_until_stopped().await.map_err(|e| e.to_string())
}

async fn migrate(config: Config) -> Result<(), String> {
    let pool = db::connect(&config.database_url, 1).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let n = db::with_startup_lock(&mut conn, db::run_migrations).map_err(|e| e.to_string())?;
    println!("applied {n} migration(s)");
    // Migrating succeeds; what it found is reported, and the other commands refuse until then.
    if let Err(e) = crate::service::dates::refuse_stored_outside_range(&mut conn) {
        eprintln!("normreg: warning: {e}");
    }
    Ok(())
}

async fn create_admin(config: Config, username: String, password: String) -> Result<(), String> {
    let username =
        crate::service::accounts::parse_username(&username).map_err(|m| format!("username {m}"))?;
    crate::auth::password::check_strength(&password).map_err(|m| format!("password {m}"))?;
    let hash = crate::auth::password::hash(&password)?;
    let roles = Roles::parse(&["admin"]).map_err(|e| e.to_string())?;
    let pool = db::connect(&config.database_url, 1).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    db::with_startup_lock(&mut conn, |conn| {
        db::run_migrations(conn)?;
        if db::users::find_by_username(conn, &username)?.is_some() {
            return Err(crate::error::AppError::conflict(
                "username_taken",
                format!("user `{username}` exists"),
            ));
        }
        Ok(db::users::insert(
            conn,
            &db::users::UserRow {
                id: crate::domain::ids::UserId::new().to_string(),
                username: username.clone(),
                password_hash: hash,
                agency_id: None,
                roles: roles.to_storage(),
                created_at: SystemClock.now().naive_utc(),
            },
        )?)
    })
    .map_err(|e| e.to_string())?;
    println!("created admin `{username}`");
    Ok(())
}

async fn expire(config: Config, as_of: Option<chrono::NaiveDate>) -> Result<(), String> {
    let mut conn = open_checked(&config)?;
    let day = as_of.unwrap_or_else(|| SystemClock.today());
    let n = crate::service::expiry::expire_due(&mut conn, day, SystemClock.now().naive_utc())
        .map_err(|e| e.to_string())?;
    println!("{n} document(s) expired as of {day}");
    Ok(())
}

async fn import(config: Config, file: std::path::PathBuf) -> Result<(), String> {
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let mut reading = crate::progress::Progress::new("checking");
    let total_bytes = text.len();
    let mut lines = Vec::new();
    let mut offset = 0;
    for (n, line) in crate::domain::import::numbered_lines(&text) {
        lines.push((n, crate::domain::import::parse_line(n, line)));
        offset += line.len() + 1;
        reading.update(offset.min(total_bytes), total_bytes);
    }
    reading.update(total_bytes, total_bytes);
    drop(text);
    let mut conn = open_checked(&config)?;
    let mut writing = crate::progress::Progress::new("importing");
    let outcome = crate::importer::run(
        &mut conn,
        lines,
        &crate::importer::ImportScope::Any,
        None,
        SystemClock.today(),
        SystemClock.now().naive_utc(),
        &mut |done, total| writing.update(done, total),
    );
    match outcome {
        Ok(items) => {
            println!("imported {} document(s) from {}", items.len(), file.display());
            Ok(())
        }
        Err(crate::importer::ImportFailure::Lines { errors, total }) => {
            for e in &errors {
                eprintln!("{}: {e}", file.display());
            }
            if total > errors.len() {
                eprintln!("… and {} more", total - errors.len());
            }
            Err(format!("nothing was imported: {total} line(s) at fault"))
        }
        Err(crate::importer::ImportFailure::Other(e)) => Err(e.to_string()),
    }
}

async fn freeze_catalogue(config: Config, agency: String, year: i32) -> Result<(), String> {
    use crate::service::catalogues::{freeze_or_find, Frozen};
    let mut conn = open_checked(&config)?;
    let row = db::agencies::find_by_code(&mut conn, &agency)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no agency has the code `{agency}`"))?;
    let now = SystemClock.now();
    let frozen = freeze_or_find(&mut conn, &row, year, SystemClock.today(), now.naive_utc(), None)
        .map_err(|e| e.to_string())?;
    let (verb, c) = match &frozen {
        Frozen::New(c) => ("froze", c),
        Frozen::Existing(c) => ("already frozen:", c),
    };
    println!(
        "{verb} the {year} catalogue of {} ({}): {} document(s), {}",
        row.name, row.code, c.entry_count, c.content_hash
    );
    Ok(())
}

async fn demo(config: Config, password: Option<String>) -> Result<(), String> {
    let bind = config.bind.clone();
    let database = match &config.database_url {
        db::DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        db::DatabaseUrl::Postgres(url) => db::redact(url),
    };
    let password = password.unwrap_or_else(|| crate::startup::random_token(8));
    let outcome = crate::demo::seed(config, SystemClock.today(), &password)
        .await
        .map_err(|e| e.to_string())?;
    let summary = match outcome {
        crate::demo::Outcome::AlreadySeeded(day) => {
            println!(
                "normreg demo: this database already holds the demo (seeded on {day}); nothing changed.\n\
                 Its passwords were printed then. To start over, remove the database (data/normreg.db by default) and run `normreg demo` again."
            );
            return Ok(());
        }
        crate::demo::Outcome::Seeded(s) => s,
    };
    println!(
        "normreg demo: seeded {database}\n  {} agencies of 辽宁省, {} published documents ({} filed, {} repealed, {} expired)\n",
        summary.agencies, summary.published, summary.filed, summary.repealed, summary.expired
    );
    println!("Accounts (every one has the password: {})", summary.password);
    for u in &summary.users {
        println!("  {:<18} {:<16} {}", u.username, u.roles.join(","), u.agency_name);
    }
    println!(
        "\nNow start the service:   cargo run --release   (or `normreg serve`)\n\
         Public catalogue:        http://{bind}/   e.g. http://{bind}/search?q=许可\n\
         Log in to the API:       curl -s http://{bind}/api/v1/auth/login -H 'content-type: application/json' \\\n\
         \x20                          -d '{{\"username\":\"ln-drafter\",\"password\":\"{}\"}}'",
        summary.password
    );
    Ok(())
}
