//! The binary refuses a faulty configuration, an unreachable database and a taken port,
//! each with its own exit status and a few lines, before anything is written.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

/// A fresh folder of this test's own; the database would be created inside it.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("normreg-config-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// Runs `normreg serve` with only `vars` set (no setting of the caller's environment leaks in).
fn serve_with(vars: &[(&str, &str)]) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_normreg"));
    command.env_clear().env("RUST_LOG", "warn").arg("serve");
    for (k, v) in vars {
        command.env(k, v);
    }
    command.output().expect("normreg runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The folder holds nothing: no SQLite file, no folder for it.
fn assert_empty(dir: &Path) {
    let left: Vec<_> = std::fs::read_dir(dir).expect("read scratch").flatten().collect();
    assert!(left.is_empty(), "files were created: {left:?}");
}

#[test]
fn a_bad_bind_address_exits_2_before_creating_the_database() {
    let dir = scratch("bind");
    let url = format!("sqlite://{}/data/normreg.db", dir.display());
    let out = serve_with(&[("DATABASE_URL", &url), ("NORMREG_BIND", "localhost8080")]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("NORMREG_BIND=`localhost8080`: expected host:port"), "{err}");
    assert!(out.stdout.is_empty(), "nothing printed, no admin password: {:?}", out.stdout);
    assert_empty(&dir);
}

#[test]
fn every_fault_is_one_line_and_a_url_password_is_hidden() {
    let dir = scratch("url");
    let out = serve_with(&[
        ("DATABASE_URL", "mysql://normreg:s3cr3t-pw@db.example/normreg"),
        ("NORMREG_BIND", "127.0.0.1:99999"),
        ("NORMREG_WORKERS", "many"),
        ("NORMREG_DB_WAIT_SECONDS", "-1"),
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("s3cr3t-pw"), "the password is printed: {err}");
    for variable in
        ["DATABASE_URL=", "NORMREG_BIND=", "NORMREG_WORKERS=", "NORMREG_DB_WAIT_SECONDS="]
    {
        assert_eq!(err.matches(variable).count(), 1, "{variable} once: {err}");
    }
    assert_eq!(err.lines().count(), 5, "four faults and a summary: {err}");
    assert_empty(&dir);
}

#[test]
fn a_sqlite_url_without_a_file_exits_2() {
    let out = serve_with(&[("DATABASE_URL", "sqlite://")]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("DATABASE_URL=`sqlite://`: expected a file"), "{err}");
}

#[test]
fn an_unreachable_database_is_waited_for_quietly_then_exits_3() {
    let started = Instant::now();
    let out = serve_with(&[
        ("DATABASE_URL", "postgres://normreg:s3cr3t-pw@127.0.0.1:1/normreg"),
        ("NORMREG_DB_WAIT_SECONDS", "1"),
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(started.elapsed() < Duration::from_secs(20), "bounded: {:?}", started.elapsed());
    assert!(
        err.contains("waiting for the database at postgres://…@127.0.0.1:1/normreg (up to 1 s)"),
        "{err}"
    );
    assert!(err.contains("cannot be reached"), "{err}");
    assert!(!err.contains("s3cr3t-pw"), "the password is printed: {err}");
    assert!(err.lines().count() <= 3, "a few lines, not one per attempt: {err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_taken_port_exits_4_with_its_own_message_before_creating_the_database() {
    let dir = scratch("port");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let bind = taken.local_addr().expect("address").to_string();
    let url = format!("sqlite://{}/data/normreg.db", dir.display());
    let out = serve_with(&[("DATABASE_URL", &url), ("NORMREG_BIND", &bind)]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains(&format!("cannot listen on {bind}")), "{err}");
    assert!(!err.contains("internal error"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(out.stdout.is_empty(), "no admin password: {:?}", out.stdout);
    assert_empty(&dir);
    drop(taken);
}

/// A server that answers but has no such database is not waited for: the wait would change
/// nothing. Only with `TEST_DATABASE_URL` (a PostgreSQL server).
#[test]
fn a_missing_database_on_a_live_server_exits_3_at_once() {
    let Ok(server) = std::env::var("TEST_DATABASE_URL") else { return };
    let Some((base, _)) = server.rsplit_once('/') else { panic!("TEST_DATABASE_URL {server}") };
    let url = format!("{base}/normreg_no_such_database_{}", std::process::id());
    let started = Instant::now();
    let out = serve_with(&[("DATABASE_URL", &url), ("NORMREG_DB_WAIT_SECONDS", "30")]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10), "not waited: {:?}", started.elapsed());
    assert!(err.contains("does not exist"), "{err}");
    assert!(!err.contains("waiting for"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_public_url_that_is_not_http_exits_2_before_creating_the_database() {
    let dir = scratch("public-url");
    let url = format!("sqlite://{}/data/normreg.db", dir.display());
    let out = serve_with(&[("DATABASE_URL", &url), ("NORMREG_PUBLIC_URL", "gfxwj.example.gov.cn")]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("NORMREG_PUBLIC_URL=`gfxwj.example.gov.cn`: expected http:// or https://"),
        "{err}"
    );
    assert_empty(&dir);
}
