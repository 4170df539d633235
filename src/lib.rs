//! normreg: a registry of administrative normative documents (行政规范性文件).

pub mod allocator;
pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod http_caching;
pub mod importer;
pub mod metrics;
pub mod progress;
pub mod scheduler;
pub mod search_index;
pub mod security_headers;
pub mod service;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod transport;
pub mod web;
