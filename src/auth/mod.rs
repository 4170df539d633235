//! Who is calling: password hashing, tokens, and the extractors handlers use.

pub mod extractor;
pub mod hashing_gate;
pub mod jwt;
pub mod password;

pub use extractor::AuthUser;
