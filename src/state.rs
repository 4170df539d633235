//! What every request of one instance shares: the database, the token keys, the clock, the
//! configuration, the screening rules, the caches of public reads, the hashing gate and the
//! metrics.
//! Built by `startup`, read by the edges, which run service operations through it.

use std::sync::Arc;

use crate::auth::jwt::JwtKeys;
use crate::config::Config;
use crate::db::{Db, DbConn};
use crate::domain::clock::Clock;
use crate::domain::screening::RuleSet;
use crate::error::AppError;

/// What every request can reach.
pub struct AppState {
    pub db: Db,
    pub jwt: JwtKeys,
    pub clock: Arc<dyn Clock>,
    pub config: Config,
    /// Screening rules for submitted drafts: the shipped set or `NORMREG_SCREENING_RULES`.
    pub screening: RuleSet,
    /// Public document reads answered from memory for a few seconds.
    pub read_cache: Arc<crate::service::public_cache::ReadCache>,
    /// Catalogue pages and search results, valid until the catalogue changes.
    pub search_cache: Arc<crate::service::public_cache::SearchCache>,
    /// The bound on concurrent password hashing (logins, new passwords).
    pub hashing: crate::auth::hashing_gate::HashingGate,
    /// What `GET /metrics` exposes.
    pub metrics: crate::metrics::Metrics,
    /// This instance's search index, kept up with the database's change feed.
    pub search_index: Arc<crate::service::search_sync::LiveIndex>,
}

impl AppState {
    /// Runs `op` in one write transaction (`Db::write`, the one write path, which also tells
    /// the public caches that data changed) at this instance's present moment.
    pub async fn write<T: Send + 'static>(
        &self,
        op: impl FnOnce(&mut DbConn, &dyn Clock) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        self.db.write(self.at_clock(op)).await
    }

    /// Runs `op` on a connection of its own, for reads, at this instance's present moment.
    pub async fn read<T: Send + 'static>(
        &self,
        op: impl FnOnce(&mut DbConn, &dyn Clock) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        self.db.read(self.at_clock(op)).await
    }

    /// `op` with this instance's clock handed in: what `Db::read`, `Db::write` and
    /// `Db::write_statement` run. Operations never read the system clock themselves.
    pub fn at_clock<T>(
        &self,
        op: impl FnOnce(&mut DbConn, &dyn Clock) -> Result<T, AppError> + Send + 'static,
    ) -> impl FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static {
        let clock = self.clock.clone();
        move |conn| op(conn, clock.as_ref())
    }
}
