//! Black-box tests of normreg over real HTTP, each on SQLite and on PostgreSQL.

mod helpers;
mod history_chain;

mod account_admin;
mod accounts;
mod backup;
mod browser;
mod catalogues;
mod citations;
mod cleanup;
mod configuration;
mod consultation;
mod consultation_feed;
mod dates;
mod deadlines;
mod demo;
mod edges;
mod evolution;
mod export;
mod feeds;
mod files;
mod fixtures;
mod headers;
mod imports;
mod interpretations;
mod lifecycle;
mod limits;
mod login_throttle;
mod metrics;
mod numbering;
mod openapi;
mod public;
mod robustness;
mod search_parity;
mod search_ranking;
mod structure;
