//! argon2id password hashing at OWASP's minimum parameters (m=19 MiB, t=2, p=1).
//!
//! Both functions are CPU-heavy (~30 ms): call them on the blocking pool, never on an async
//! worker.

use std::sync::OnceLock;

use argon2::password_hash::PasswordVerifier;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version};

fn hasher() -> Argon2<'static> {
    // Params::DEFAULT is OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane.
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::DEFAULT)
}

/// Hashes a password into a PHC string.
pub fn hash(password: &str) -> Result<String, String> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| format!("hashing failed: {e}"))
}

/// Whether `password` matches the PHC string; a malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    hasher().verify_password(password.as_bytes(), phc).is_ok()
}

/// Verifies against a fixed hash and answers false, so that an unknown user costs the same
/// time as a wrong password and usernames cannot be probed by timing.
pub fn verify_dummy(password: &str) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash("normreg dummy password").unwrap_or_default());
    let _ = verify(password, phc);
    false
}

/// The shortest password taken, in characters (OWASP ASVS 2.1.1 asks for 12 for a new
/// password; 10 is kept so that accounts made before the strength check still count).
pub const MIN_LEN: usize = 10;
/// The longest password taken, in characters: long passphrases are welcome, but argon2
/// and the strength estimate must stay bounded.
pub const MAX_LEN: usize = 256;
/// The lowest zxcvbn score taken: 3 means "safely unguessable", more than 10^8 guesses.
pub const MIN_SCORE: u8 = 3;

/// Refuses passwords too weak to protect an official registry: outside the lengths, or
/// guessable by zxcvbn's estimate (dictionary words, names, keyboard runs, dates, repeats,
/// and anything made of the `related` words, e.g. the username), with the reason and what to
/// do instead.
pub fn check_strength(password: &str, related: &[&str]) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_LEN {
        return Err(format!("must be at least {MIN_LEN} characters"));
    }
    if n > MAX_LEN {
        return Err(format!("must be at most {MAX_LEN} characters"));
    }
    let estimate = zxcvbn::zxcvbn(password, related);
    let score = u8::from(estimate.score());
    if score >= MIN_SCORE {
        return Ok(());
    }
    let mut reason =
        format!("is too easy to guess (strength {score} of 4, at least {MIN_SCORE} needed)");
    if let Some(feedback) = estimate.feedback() {
        if let Some(warning) = feedback.warning() {
            reason.push_str(&format!(": {warning}"));
        }
        let hints: Vec<String> = feedback.suggestions().iter().map(|s| s.to_string()).collect();
        if !hints.is_empty() {
            reason.push_str(&format!(". {}", hints.join(" ")));
        }
    }
    Err(reason)
}

/// A temporary password for a reset: 20 characters of an alphabet without look-alikes
/// (about 100 bits), in groups of five to read out over the telephone.
pub fn temporary() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let chars: Vec<char> =
        (0..20).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
    chars.chunks(5).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_and_nothing_else() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse battery", &h));
        assert!(!verify("wrong horse battery", &h));
        assert!(!verify("anything", "not a hash"));
        assert!(!verify_dummy("anything"));
    }

    #[test]
    fn short_long_and_guessable_passwords_are_refused_with_the_reason() {
        assert!(check_strength("short", &[]).unwrap_err().contains("at least 10"));
        assert!(check_strength(&"x".repeat(257), &[]).unwrap_err().contains("at most 256"));
        let weak = check_strength("password123", &[]).unwrap_err();
        assert!(weak.contains("too easy to guess"), "{weak}");
        assert!(check_strength("qwertyuiop", &[]).is_err(), "a keyboard row");
        assert!(check_strength("zhangsan2026", &["zhangsan2026"]).is_err(), "the username");
        assert!(check_strength("Tulip-Cobalt-Harbour-91", &[]).is_ok());
    }

    #[test]
    fn a_temporary_password_is_strong_and_new_each_time() {
        let (a, b) = (temporary(), temporary());
        assert_ne!(a, b);
        assert_eq!(a.len(), 23, "{a}");
        assert!(check_strength(&a, &[]).is_ok(), "{a}");
    }
}
