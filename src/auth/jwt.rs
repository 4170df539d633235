//! Short-lived HS256 access tokens with the algorithm pinned on decode.

use chrono::{DateTime, Utc};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const ISSUER: &str = "normreg";
pub const AUDIENCE: &str = "normreg-api";
const LEEWAY_SECONDS: i64 = 5;

/// What a token says about its bearer.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub iss: String,
    pub aud: String,
    /// The user's agency, so scoping needs no look-up (absent for the bootstrap admin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    pub roles: Vec<String>,
    pub name: String,
    /// The account's token epoch when issued: a password change, a reset or disabling moves
    /// the account's epoch on, and tokens of an older one stop working (tokens made before
    /// epochs existed read as epoch 0).
    #[serde(default)]
    pub ver: i64,
    /// This token's own id, so that the one token that changed its password can be kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// Issued for a temporary password: good only for setting a new password.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pwd_change_only: bool,
}

/// Who a token is issued to.
pub struct Subject<'a> {
    pub user_id: &'a str,
    pub username: &'a str,
    pub agency: Option<String>,
    pub roles: Vec<String>,
    pub epoch: i64,
    pub password_change_only: bool,
}

/// The signing secret in both directions, plus the token lifetime.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub ttl_seconds: i64,
}

impl JwtKeys {
    pub fn new(secret: &[u8], ttl_seconds: i64) -> Self {
        // Only HS256 is accepted: a token claiming `none` or another algorithm is refused.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        // Expiry is checked against the service's injected clock in `verify`, not the OS clock,
        // so that tests and tools running at another date see consistent tokens.
        validation.validate_exp = false;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl_seconds,
        }
    }

    pub fn issue(&self, who: Subject<'_>, now: DateTime<Utc>) -> Result<String, String> {
        let claims = Claims {
            sub: who.user_id.to_string(),
            iat: now.timestamp(),
            exp: now.timestamp() + self.ttl_seconds,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            agency: who.agency,
            roles: who.roles,
            name: who.username.to_string(),
            ver: who.epoch,
            jti: Some(uuid::Uuid::new_v4().simple().to_string()),
            pwd_change_only: who.password_change_only,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| format!("token signing failed: {e}"))
    }

    /// The claims of a valid token at `now`, or a short reason it is not.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Claims, String> {
        let claims = decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|d| d.claims)
            .map_err(|e| e.to_string())?;
        if claims.exp + LEEWAY_SECONDS < now.timestamp() {
            return Err("ExpiredSignature".into());
        }
        if claims.iat - LEEWAY_SECONDS > now.timestamp() {
            return Err("issued in the future".into());
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(roles: Vec<String>) -> Subject<'static> {
        Subject {
            user_id: "u1",
            username: "alice",
            agency: None,
            roles,
            epoch: 2,
            password_change_only: false,
        }
    }

    #[test]
    fn a_token_round_trips_and_another_secret_refuses_it() {
        let keys = JwtKeys::new(b"0123456789abcdef0123456789abcdef", 3600);
        let t = keys.issue(subject(vec!["admin".into()]), Utc::now()).unwrap();
        let claims = keys.verify(&t, Utc::now()).unwrap();
        assert_eq!((claims.sub.as_str(), claims.ver), ("u1", 2));
        assert!(claims.jti.is_some() && !claims.pwd_change_only);
        let other = JwtKeys::new(b"another secret of enough length!", 3600);
        assert!(other.verify(&t, Utc::now()).is_err());
    }

    #[test]
    fn an_expired_token_is_refused() {
        let keys = JwtKeys::new(b"0123456789abcdef0123456789abcdef", 60);
        let long_ago = Utc::now() - chrono::Duration::hours(2);
        let t = keys.issue(subject(vec![]), long_ago).unwrap();
        assert!(keys.verify(&t, Utc::now()).is_err());
    }
}
