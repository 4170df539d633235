//! The demo province (辽宁): its agencies with their number prefixes, and the accounts of
//! every role that act in it.

use crate::domain::ids::{AgencyId, UserId};
use crate::domain::role::Roles;
use crate::error::AppError;
use crate::service::Actor;

/// An agency of the demo province.
pub(super) struct DemoAgency {
    pub(super) code: &'static str,
    pub(super) name: &'static str,
    pub(super) parent: Option<&'static str>,
    pub(super) department: bool,
    pub(super) issuance_prefix: &'static str,
    pub(super) registration_prefix: &'static str,
}

pub(super) const AGENCIES: [DemoAgency; 7] = [
    DemoAgency {
        code: "LN",
        name: "辽宁省人民政府",
        parent: None,
        department: false,
        issuance_prefix: "辽政规",
        registration_prefix: "LNFS",
    },
    DemoAgency {
        code: "LN-SFT",
        name: "辽宁省司法厅",
        parent: Some("LN"),
        department: true,
        issuance_prefix: "辽司规",
        registration_prefix: "LNSF",
    },
    DemoAgency {
        code: "LN-SCJG",
        name: "辽宁省市场监督管理局",
        parent: Some("LN"),
        department: true,
        issuance_prefix: "辽市监规",
        registration_prefix: "LNSJ",
    },
    DemoAgency {
        code: "LN-JYT",
        name: "辽宁省教育厅",
        parent: Some("LN"),
        department: true,
        issuance_prefix: "辽教规",
        registration_prefix: "LNJY",
    },
    DemoAgency {
        code: "SY",
        name: "沈阳市人民政府",
        parent: Some("LN"),
        department: false,
        issuance_prefix: "沈政规",
        registration_prefix: "SYFS",
    },
    DemoAgency {
        code: "SY-SCJG",
        name: "沈阳市市场监督管理局",
        parent: Some("SY"),
        department: true,
        issuance_prefix: "沈市监规",
        registration_prefix: "SYSJ",
    },
    DemoAgency {
        code: "DL",
        name: "大连市人民政府",
        parent: Some("LN"),
        department: false,
        issuance_prefix: "大政规",
        registration_prefix: "DLFS",
    },
];

/// A demo account: who may log in, with which roles, where.
#[derive(Clone, Debug)]
pub struct DemoUser {
    pub username: String,
    pub roles: Vec<&'static str>,
    pub agency: &'static str,
    pub agency_name: &'static str,
    pub(super) id: UserId,
    pub(super) agency_id: Option<AgencyId>,
}

impl DemoUser {
    /// The demo user as the caller of a service operation, as its token would have made it.
    pub(super) fn actor(&self) -> Result<Actor, AppError> {
        let roles = Roles::parse(&self.roles)
            .map_err(|e| AppError::internal(format!("demo roles of {}: {e:?}", self.username)))?;
        Ok(Actor { id: self.id, username: self.username.clone(), agency_id: self.agency_id, roles })
    }
}

/// The accounts: an admin; a drafter and a registrar in every issuing agency; a legal
/// reviewer in each government (the legal office reviews its own and its departments'
/// drafts); a filing reviewer where filings arrive (the province for its departments and
/// cities, Shenyang for its bureau).
pub(super) fn planned_users() -> Vec<(String, Vec<&'static str>, &'static str)> {
    let mut users = vec![("demo-admin".to_string(), vec!["admin"], "LN")];
    for a in &AGENCIES {
        let base = a.code.to_lowercase();
        users.push((format!("{base}-drafter"), vec!["drafter"], a.code));
        users.push((format!("{base}-registrar"), vec!["registrar"], a.code));
        if !a.department {
            users.push((format!("{base}-legal"), vec!["legal_reviewer"], a.code));
        }
    }
    users.push(("ln-filing".into(), vec!["filing_reviewer"], "LN"));
    users.push(("sy-filing".into(), vec!["filing_reviewer"], "SY"));
    users
}

/// The demo agency with this code.
pub(super) fn agency(code: &str) -> Result<&'static DemoAgency, AppError> {
    AGENCIES.iter().find(|a| a.code == code).ok_or_else(|| {
        AppError::internal(format!("documents.jsonl names an unknown agency {code}"))
    })
}
