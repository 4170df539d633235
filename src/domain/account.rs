//! Accounts: the actions recorded as account events, whether a token still speaks for its
//! account (disabled accounts and ended tokens are refused on every request), and how long a
//! reset's temporary password logs in.

use chrono::{Duration, NaiveDateTime};

/// What was done to an account; the `action` of its account event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountAction {
    Created,
    PasswordChanged,
    PasswordReset,
    Disabled,
    Enabled,
    RolesChanged,
    AgencyChanged,
}

impl AccountAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountAction::Created => "created",
            AccountAction::PasswordChanged => "password_changed",
            AccountAction::PasswordReset => "password_reset",
            AccountAction::Disabled => "disabled",
            AccountAction::Enabled => "enabled",
            AccountAction::RolesChanged => "roles_changed",
            AccountAction::AgencyChanged => "agency_changed",
        }
    }
}

/// An account as a token is checked against it, read fresh on each request.
#[derive(Clone, Copy, Debug)]
pub struct Standing<'a> {
    pub disabled: bool,
    pub token_epoch: i64,
    pub kept_token_id: Option<&'a str>,
}

/// What a (validly signed) token says about itself.
#[derive(Clone, Copy, Debug)]
pub struct TokenFacts<'a> {
    pub epoch: i64,
    pub token_id: Option<&'a str>,
}

/// Why a validly signed token no longer works.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenRefusal {
    #[error("this account is disabled")]
    Disabled,
    #[error("this token has ended (password changed or reset, or account disabled): log in again")]
    Ended,
}

/// Whether `token` still speaks for `account`: the account is enabled, and the token is of
/// the account's current epoch or is the one token kept across a password change.
pub fn token_standing(account: Standing<'_>, token: TokenFacts<'_>) -> Result<(), TokenRefusal> {
    if account.disabled {
        return Err(TokenRefusal::Disabled);
    }
    let kept = token.token_id.is_some() && token.token_id == account.kept_token_id;
    if token.epoch == account.token_epoch || kept {
        Ok(())
    } else {
        Err(TokenRefusal::Ended)
    }
}

/// The moment a temporary password given at `now` stops logging in, `hours` later.
pub fn temporary_password_until(now: NaiveDateTime, hours: u32) -> NaiveDateTime {
    now + Duration::hours(i64::from(hours))
}

/// Whether a password good `until` (a reset's temporary one; `None`: a password of the
/// user's own, which never expires) no longer logs in at `now`.
pub fn password_expired(until: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
    until.is_some_and(|until| now >= until)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temporary_password_logs_in_until_its_hours_are_over() {
        let given =
            chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(9, 0, 0).unwrap();
        let until = temporary_password_until(given, 72);
        assert_eq!(until, given + Duration::days(3));
        assert!(!password_expired(Some(until), until - Duration::seconds(1)));
        assert!(password_expired(Some(until), until));
        assert!(!password_expired(None, until + Duration::days(3650)), "one's own never ends");
    }

    fn account(disabled: bool, epoch: i64, kept: Option<&str>) -> Standing<'_> {
        Standing { disabled, token_epoch: epoch, kept_token_id: kept }
    }

    #[test]
    fn a_token_of_the_current_epoch_works_until_the_epoch_moves() {
        let token = TokenFacts { epoch: 3, token_id: Some("t1") };
        assert_eq!(token_standing(account(false, 3, None), token), Ok(()));
        assert_eq!(token_standing(account(false, 4, None), token), Err(TokenRefusal::Ended));
    }

    #[test]
    fn the_token_that_changed_the_password_is_kept_and_no_other() {
        let kept = TokenFacts { epoch: 3, token_id: Some("t1") };
        let other = TokenFacts { epoch: 3, token_id: Some("t2") };
        let old = TokenFacts { epoch: 3, token_id: None };
        let after = account(false, 4, Some("t1"));
        assert_eq!(token_standing(after, kept), Ok(()));
        assert_eq!(token_standing(after, other), Err(TokenRefusal::Ended));
        assert_eq!(token_standing(account(false, 4, None), old), Err(TokenRefusal::Ended));
    }

    #[test]
    fn a_disabled_account_refuses_every_token() {
        let token = TokenFacts { epoch: 0, token_id: Some("t1") };
        assert_eq!(
            token_standing(account(true, 0, Some("t1")), token),
            Err(TokenRefusal::Disabled)
        );
    }
}
