//! The roles a user can hold (domain.md §2).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a user may do. A user holds one or more roles, always within one agency.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Drafter,
    LegalReviewer,
    Registrar,
    FilingReviewer,
}

impl Role {
    pub const ALL: [Role; 5] =
        [Role::Admin, Role::Drafter, Role::LegalReviewer, Role::Registrar, Role::FilingReviewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Drafter => "drafter",
            Role::LegalReviewer => "legal_reviewer",
            Role::Registrar => "registrar",
            Role::FilingReviewer => "filing_reviewer",
        }
    }

    /// The Chinese name shown to people.
    pub fn chinese(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::Drafter => "起草单位",
            Role::LegalReviewer => "合法性审核",
            Role::Registrar => "统一登记",
            Role::FilingReviewer => "备案审查",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not one of the role codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`; expected one of admin, drafter, legal_reviewer, registrar, filing_reviewer")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| UnknownRole(s.to_string()))
    }
}

/// A non-empty, duplicate-free, ordered set of roles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Roles(Vec<Role>);

impl Roles {
    /// Parses role codes; refuses an empty list and unknown codes.
    pub fn parse<S: AsRef<str>>(codes: &[S]) -> Result<Self, RolesError> {
        if codes.is_empty() {
            return Err(RolesError::Empty);
        }
        let mut roles = codes
            .iter()
            .map(|c| c.as_ref().parse::<Role>().map_err(RolesError::Unknown))
            .collect::<Result<Vec<_>, _>>()?;
        roles.sort();
        roles.dedup();
        Ok(Roles(roles))
    }

    /// Reads the comma-separated storage form.
    pub fn from_storage(s: &str) -> Result<Self, RolesError> {
        let codes: Vec<&str> = s.split(',').filter(|c| !c.is_empty()).collect();
        Self::parse(&codes)
    }

    pub fn to_storage(&self) -> String {
        self.0.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
    }

    pub fn contains(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }
}

/// Why a list of roles was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RolesError {
    #[error("at least one role is required")]
    Empty,
    #[error(transparent)]
    Unknown(UnknownRole),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_storage_sorted_and_deduplicated() {
        let roles = Roles::parse(&["registrar", "drafter", "drafter"]).unwrap();
        assert_eq!(roles.to_storage(), "drafter,registrar");
        assert_eq!(Roles::from_storage("drafter,registrar").unwrap(), roles);
    }

    #[test]
    fn an_unknown_role_is_refused_by_name() {
        let err = Roles::parse(&["drafter", "king"]).unwrap_err();
        assert!(err.to_string().contains("king"));
    }

    #[test]
    fn an_empty_role_list_is_refused() {
        assert_eq!(Roles::parse::<&str>(&[]), Err(RolesError::Empty));
    }
}
