//! The use cases: every operation of the registry as a plain function over an actor, a clock
//! and a transaction. Every edge (the JSON API, the web pages, the CLI, the demo, the
//! scheduler) calls these and nothing below them.
//!
//! The shape of an operation, e.g. `publication::publish(tx, actor, clock, id, input)`:
//! - `tx: &mut DbConn` is the caller's transaction (the edge opens it with `Db::write`, the
//!   one write path, which also tells this instance's caches that data changed);
//! - `actor: &Actor` is who acts, checked here (role, agency scope), never at the edge;
//! - `clock: &dyn Clock` is where "now" and "today" come from;
//! - the input is already parsed into domain values (the edge turns a request body into one);
//! - it loads, asks `crate::domain` to decide, saves the change and its event, and answers a
//!   domain value or an `AppError`.
//!
//! No operation imports `actix_web` or an edge module (`api`, `web`, `cli`, `demo`).

pub mod account_admin;
pub mod accounts;
pub mod actor;
pub mod agencies;
pub mod backup;
pub mod campaigns;
pub mod catalogues;
pub mod citations;
pub mod consultation;
pub mod consultation_public;
pub mod consultation_record;
pub mod consultation_stats;
pub mod dates;
pub mod deadlines;
pub mod deliberation;
pub mod drafting;
pub mod evolution;
pub mod expiry;
pub mod export;
pub mod feeds;
pub mod files;
pub mod filing;
pub mod filing_package;
pub mod history;
pub mod import;
pub mod import_files;
pub mod interpretations;
pub mod numbering;
pub mod paging;
pub mod public_cache;
pub mod public_reading;
pub mod publication;
pub mod review;
pub mod scope;
pub mod search_sync;
pub mod settings;
pub mod sign_in;
pub mod step;
pub mod stored_zip;
pub mod structured_texts;
pub mod suggestions;

pub use actor::Actor;
