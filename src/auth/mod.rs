//! Who is calling: password hashing, tokens, and the extractors handlers use.

pub mod extractor;
mod fair_queue;
pub mod hashing_gate;
pub mod jwt;
pub mod password;

pub use extractor::AuthUser;
