//! Who is calling: password hashing, tokens, the client address, the login throttle around
//! password checks, and the extractors handlers use.

pub mod client_address;
pub mod extractor;
mod fair_queue;
pub mod hashing_gate;
pub mod jwt;
pub mod login;
pub mod password;

pub use extractor::Bearer;
