//! Black-box tests of normreg over real HTTP, each on SQLite and on PostgreSQL.

mod helpers;

mod accounts;
mod backup;
mod browser;
mod catalogues;
mod cleanup;
mod configuration;
mod consultation;
mod dates;
mod deadlines;
mod demo;
mod edges;
mod evolution;
mod fixtures;
mod imports;
mod interpretations;
mod lifecycle;
mod limits;
mod metrics;
mod numbering;
mod openapi;
mod public;
mod robustness;
