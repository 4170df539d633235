//! The command line: `serve` (the default), `migrate`, `create-admin`, `expire`, `tick`,
//! `verify`, `import`, `catalogue`, `backup`, `restore`, `demo`.

mod jobs;

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::db;
use crate::domain::clock::{Clock, SystemClock};
use crate::startup::{Application, StartError};

mod accounts;

#[derive(Debug, Parser)]
#[command(
    name = "normreg",
    version,
    about = "Registry of administrative normative documents (行政规范性文件)",
    after_help = "Backups: `normreg backup FILE` writes the whole registry to one JSON Lines file \
                  from a consistent snapshot while the service runs; `normreg restore FILE` \
                  writes such a file into an empty database (migrated; no agency, user or \
                  document), all or nothing. The file is the same on SQLite and PostgreSQL, so \
                  it also moves a registry from one engine to the other. `normreg help backup` \
                  and `normreg help restore` say more. Every command works on the database \
                  named by DATABASE_URL.\n\n\
                  Settings come from environment variables (README.md, \"Configuration\"), \
                  checked before anything is written. Exit status: 0 done, 1 the command \
                  failed, 2 configuration refused (one line per faulty setting), 3 the \
                  database did not answer within NORMREG_DB_WAIT_SECONDS (default 30), 4 serve \
                  cannot listen on NORMREG_BIND (port taken)."
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
    /// Reset USERNAME's password to a temporary one, printed once, for the operator who lost
    /// the only admin: every token of the account ends, and its next login may only set a
    /// new password. Recorded as an account event with no actor.
    ResetPassword {
        /// The account's username.
        username: String,
    },
    /// Record the expiry of every document whose validity ran out (automatic expiry).
    Expire {
        /// Expire as of this date instead of today (Beijing); within the policy's date range.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = jobs::exact_date)]
        as_of: Option<chrono::NaiveDate>,
    },
    /// Run every time-driven job as of a date, as the scheduler of `serve` does daily: expiry,
    /// the closing of consultations whose period ended, then a history checkpoint.
    Tick {
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = jobs::exact_date)]
        as_of: Option<chrono::NaiveDate>,
    },
    /// Recompute the history's hash chains and checkpoints; exit 1 naming what changed.
    Verify,
    /// Import documents issued before the service from a JSON Lines file: all or nothing.
    ///
    /// Each line is one JSON object: agency_code (an existing agency), title, body,
    /// issuance_number (文号, any usual spelling) and published_on (YYYY-MM-DD), required;
    /// registration_number, effective_on, valid_until and provisional (true for 暂行), optional;
    /// official_text_file, optional: the official text (正式文本, PDF, OFD, DOCX, DOC, PNG or
    /// JPEG), a path relative to the JSON Lines file's folder, stored as version 1 of the
    /// document's official text (at most NORMREG_MAX_UPLOAD_BYTES; checked like an upload).
    /// No other key. Missing dates follow the policy. Large official texts go through this
    /// command (read in chunks) or a later upload, not the API's base64. README.md,
    /// "Importing documents", has an example.
    Import {
        /// The JSON Lines file, one document per line.
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
    /// Write a consistent snapshot of the whole registry to FILE, while the service runs.
    ///
    /// One JSON Lines file, the same on SQLite and PostgreSQL: a header (format, version,
    /// engine, the schema's migrations), one line per row of every table, and a closing line
    /// with the count of each table. It is read from one snapshot (PostgreSQL REPEATABLE READ,
    /// SQLite's WAL read transaction), so writes that go on meanwhile are either wholly in it
    /// or not at all. The file is written beside FILE and renamed into place when complete.
    /// Passwords are stored only as hashes, but the file holds the JWT secret and every
    /// document: keep it as safe as the database.
    Backup {
        /// Where to write the backup (replaced if it exists).
        file: std::path::PathBuf,
    },
    /// Restore a backup into an empty database: all or nothing.
    ///
    /// The database named by DATABASE_URL is migrated first, and must then hold no agency,
    /// user or document (a started service creates its admin: restore before the first
    /// start, or into a new database); otherwise nothing changes and the exit status is
    /// non-zero. The backup must come from the same schema (the same normreg version); it
    /// may come from the other engine. Every row, the number series (so numbering continues
    /// where it stopped) and the settings are written in one transaction, and the search
    /// index is rebuilt. Stop the service while restoring.
    Restore {
        /// A file written by `normreg backup`.
        file: std::path::PathBuf,
    },
    /// Rebuild the search index from the database, with a progress bar; prints the time it
    /// took. The index is `--dir`, else NORMREG_INDEX_DIR, else (SQLite) beside the database
    /// file. Stop the instance that serves from the same directory first.
    Reindex {
        /// The index directory.
        #[arg(long)]
        dir: Option<std::path::PathBuf>,
    },
    /// Seed a demo province (辽宁) with agencies, users and published documents, then exit.
    Demo {
        /// Password of every demo account; a random one is generated and printed when unset.
        #[arg(long, env = "NORMREG_DEMO_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

/// Exit status of a configuration fault: nothing was opened or written.
pub const EXIT_CONFIG: u8 = 2;
/// Exit status when the database could not be reached within `NORMREG_DB_WAIT_SECONDS`.
pub const EXIT_DATABASE: u8 = 3;
/// Exit status when `serve` cannot listen on `NORMREG_BIND` (port taken, address not local).
pub const EXIT_LISTEN: u8 = 4;

/// Runs one command and turns its outcome into an exit code: 0 done, 1 the command failed,
/// [`EXIT_CONFIG`], [`EXIT_DATABASE`], [`EXIT_LISTEN`].
pub fn run(cli: Cli) -> ExitCode {
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(faults) => {
            for fault in &faults {
                eprintln!("normreg: {fault}");
            }
            eprintln!(
                "normreg: configuration refused ({} fault(s)); nothing was started",
                faults.len()
            );
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let wait = std::time::Duration::from_secs(config.db_wait_seconds);
    if let Err(e) = db::reach::wait_for(&config.database_url, wait) {
        eprintln!("normreg: {e}");
        return ExitCode::from(EXIT_DATABASE);
    }
    let result = actix_web::rt::System::new().block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => return serve(config).await,
            Command::Migrate => migrate(config).await,
            Command::CreateAdmin { username, password } => {
                accounts::create_admin(config, username, password).await
            }
            Command::ResetPassword { username } => accounts::reset_password(config, username).await,
            Command::Expire { as_of } => jobs::expire(config, as_of).await,
            Command::Tick { as_of } => jobs::tick(config, as_of).await,
            Command::Verify => jobs::verify(config).await,
            Command::Import { file } => import(config, file).await,
            Command::Catalogue { agency, year } => freeze_catalogue(config, agency, year).await,
            Command::Backup { file } => backup(config, file).await,
            Command::Restore { file } => restore(config, file).await,
            Command::Demo { password } => crate::demo::command(config, password).await,
            Command::Reindex { dir } => jobs::reindex(config, dir).await,
        }
        .map_err(|e| (1, e))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, e)) => {
            eprintln!("normreg: {e}");
            ExitCode::from(code)
        }
    }
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

/// Serves until stopped; a listen address that cannot be bound has its own exit code.
async fn serve(config: Config) -> Result<(), (u8, String)> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let url = config.database_url.clone();
    let app = Application::build(config, clock).await.map_err(|e| match e {
        StartError::Listen { .. } => (EXIT_LISTEN, e.to_string()),
        StartError::App(e) => (1, e.to_string()),
    })?;
    tracing::info!(port = app.port(), database = ?url.backend(), "normreg serving");
    app.run_until_stopped().await.map_err(|e| (1, e.to_string()))
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
    // Official texts are read from paths relative to the JSON Lines file's folder.
    let folder = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    let files = crate::importer::ImportFiles {
        origin: crate::importer::TextOrigin::Beside(folder),
        limit: config.upload_limit,
    };
    let outcome = crate::importer::run(
        &mut conn,
        lines,
        &crate::importer::ImportScope::Any,
        None,
        SystemClock.today(),
        SystemClock.now().naive_utc(),
        files,
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

async fn backup(config: Config, file: std::path::PathBuf) -> Result<(), String> {
    use std::io::Write;
    // Not `open_checked`: a backup is taken of the database as it is, even one that start-up
    // would refuse, and it never migrates a running service's database.
    if let db::DatabaseUrl::Sqlite(path) = &config.database_url {
        // Connecting would create an empty file where the database was expected.
        if !path.exists() {
            return Err(format!("there is no database at {}", path.display()));
        }
    }
    let pool = db::connect(&config.database_url, 1).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    // Written beside the target and renamed when complete: a failed run never leaves a file
    // that looks like a backup.
    let mut partial = file.clone().into_os_string();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    let written = (|| {
        let out = std::fs::File::create(&partial)
            .map_err(|e| format!("cannot create {}: {e}", partial.display()))?;
        let mut out = std::io::BufWriter::new(out);
        let summary =
            crate::service::backup::backup(&mut conn, &mut out).map_err(|e| e.to_string())?;
        out.flush().map_err(|e| format!("cannot write {}: {e}", partial.display()))?;
        out.get_ref().sync_all().map_err(|e| format!("cannot write {}: {e}", partial.display()))?;
        std::fs::rename(&partial, &file)
            .map_err(|e| format!("cannot rename to {}: {e}", file.display()))?;
        Ok::<_, String>(summary)
    })();
    let summary = written.inspect_err(|_| {
        let _ = std::fs::remove_file(&partial);
    })?;
    println!(
        "backed up {} row(s) of {} table(s) to {}",
        summary.total(),
        summary.rows.len(),
        file.display()
    );
    Ok(())
}

async fn restore(config: Config, file: std::path::PathBuf) -> Result<(), String> {
    let input =
        std::fs::File::open(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let mut input = std::io::BufReader::new(input);
    let mut conn = open_checked(&config)?;
    let summary = db::write_tx(&mut conn, |conn| crate::service::backup::restore(conn, &mut input))
        .map_err(|e| e.to_string())?;
    println!(
        "restored {} row(s) from {}; each instance rebuilds its search index from them at its next start",
        summary.total(),
        file.display(),
    );
    Ok(())
}
