//! The pure rules of normreg: no actix, no diesel, no I/O. Read this folder to learn the
//! domain (../shared/domain.md) without reading any SQL.

pub mod account;
pub mod agency;
pub mod akn;
pub mod calendar;
pub mod catalogue;
pub mod citation;
pub mod cjk_tokens;
pub mod cleanup;
pub mod clock;
pub mod consultation;
pub mod dates;
pub mod deadline;
pub mod document;
pub mod files;
pub mod filing;
pub mod filing_material;
pub mod history;
pub mod ids;
pub mod import;
pub mod interpretation;
pub mod later_life;
pub mod lifecycle;
pub mod login_throttle;
pub mod numbering;
pub mod policy;
pub mod review;
pub mod role;
pub mod screening;
pub mod structure;
pub mod suggestion;
pub mod text;
pub mod trusted_proxies;
pub mod validity;
