//! What every request of one instance shares: the database, the token keys, the clock, the
//! configuration, the screening rules, the caches of public reads and the hashing gate.
//! Built by `startup`, read by the edges.

use std::sync::Arc;

use crate::auth::jwt::JwtKeys;
use crate::config::Config;
use crate::db::Db;
use crate::domain::clock::Clock;
use crate::domain::screening::RuleSet;

/// What every request can reach.
pub struct AppState {
    pub db: Db,
    pub jwt: JwtKeys,
    pub clock: Arc<dyn Clock>,
    pub config: Config,
    /// Screening rules for submitted drafts: the shipped set or `NORMREG_SCREENING_RULES`.
    pub screening: RuleSet,
    /// Public document reads answered from memory for a few seconds.
    pub read_cache: crate::service::public_cache::ReadCache,
    /// Catalogue pages and search results, valid until the catalogue changes.
    pub search_cache: Arc<crate::service::public_cache::SearchCache>,
    /// The bound on concurrent password hashing (logins, new passwords).
    pub hashing: crate::auth::hashing_gate::HashingGate,
}
