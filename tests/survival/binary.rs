//! The release binary as an operator runs it: `normreg serve` in a process of its own on a
//! free port, so that it can be killed with SIGKILL and its memory read from `/proc` alone.
//! Shared by the survival tests and the login flood bench (`benches/login_flood.rs`).
//!
//! For comparisons (BENCHMARKS.md) the bench can run another build, `NORMREG_SERVED_BINARY=path`
//! (an older commit's release binary), and give it more environment,
//! `NORMREG_SERVED_ENV="LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 MALLOC_CONF=…"`
//! (another allocator, without rebuilding).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{ADMIN_PASSWORD, JWT_SECRET};

/// How long a start (migrations included) may take on a loaded machine.
const START_WITHIN: Duration = Duration::from_secs(120);

/// One running `normreg serve` over a database; killed when dropped.
pub struct Served {
    child: Child,
    pub base: String,
    /// Its standard error (logs at `warn`), kept when a test fails.
    log: PathBuf,
}

impl Served {
    /// Starts the binary on `database_url` (with the scheduler off) and waits until it is ready.
    pub fn start(database_url: &str) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = std::env::temp_dir().join(format!("normreg-served-{port}.log"));
        let log_file = std::fs::File::create(&log).expect("a log file");
        let binary = std::env::var("NORMREG_SERVED_BINARY")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_normreg").to_string());
        let extra = std::env::var("NORMREG_SERVED_ENV").unwrap_or_default();
        let extra = extra.split_whitespace().filter_map(|kv| kv.split_once('='));
        let child = Command::new(binary)
            .arg("serve")
            .envs(extra)
            .env("DATABASE_URL", database_url)
            .env("NORMREG_BIND", format!("127.0.0.1:{port}"))
            .env("NORMREG_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("NORMREG_JWT_SECRET", JWT_SECRET)
            .env("NORMREG_SCHEDULER", "off")
            // The flood's attackers each speak for addresses of their own (see flood.rs).
            .env("NORMREG_TRUSTED_PROXIES", "127.0.0.1")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .expect("start normreg serve");
        let mut served = Self { child, base: format!("http://127.0.0.1:{port}"), log };
        served.wait_until_ready();
        served
    }

    fn wait_until_ready(&mut self) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(5)))
            .build()
            .into();
        let started = Instant::now();
        loop {
            if agent.get(&format!("{}/readyz", self.base)).call().is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("normreg serve exited at start ({status}):\n{}", self.log_text());
            }
            assert!(
                started.elapsed() < START_WITHIN,
                "normreg serve not ready within {START_WITHIN:?}:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Its resident memory now, in KiB (0 once it has exited).
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// SIGKILL, as a power cut or the OOM killer would: no shutdown code runs.
    pub fn kill(mut self) {
        self.kill_now();
    }

    fn kill_now(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.kill_now();
        if std::thread::panicking() {
            eprintln!("normreg serve's log is kept in {}", self.log.display());
        } else {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}
