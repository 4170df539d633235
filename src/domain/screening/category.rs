//! The kinds of prohibited provision the screen looks for (令第338号's checklist), with the
//! names rule sets and reviewers use for them.

use serde::{Deserialize, Serialize};

/// The kind of prohibited provision a rule looks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 设定行政许可.
    Licensing,
    /// 以备案、登记、注册、年检、监制、认定、审定等形式变相设定行政许可.
    DisguisedLicensing,
    /// 设定行政处罚.
    Penalty,
    /// 设定行政强制措施或者行政强制执行.
    CoerciveMeasure,
    /// 设定收费、征收、集资、摊派.
    Fee,
    /// 要求出具循环证明、重复证明、无谓证明.
    Certificate,
    /// 没有依据减损权利或者增加义务.
    Obligation,
    /// 排除、限制公平竞争.
    Competition,
}

impl Category {
    /// Every category, in the order reviewers read them.
    pub const ALL: [Category; 8] = [
        Category::Licensing,
        Category::DisguisedLicensing,
        Category::Penalty,
        Category::CoerciveMeasure,
        Category::Fee,
        Category::Certificate,
        Category::Obligation,
        Category::Competition,
    ];

    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Licensing => "licensing",
            Category::DisguisedLicensing => "disguised_licensing",
            Category::Penalty => "penalty",
            Category::CoerciveMeasure => "coercive_measure",
            Category::Fee => "fee",
            Category::Certificate => "certificate",
            Category::Obligation => "obligation",
            Category::Competition => "competition",
        }
    }

    /// The Chinese name a reviewer sees.
    pub fn label_zh(self) -> &'static str {
        match self {
            Category::Licensing => "行政许可",
            Category::DisguisedLicensing => "变相行政许可",
            Category::Penalty => "行政处罚",
            Category::CoerciveMeasure => "行政强制",
            Category::Fee => "收费",
            Category::Certificate => "证明事项",
            Category::Obligation => "减损权利或者增加义务",
            Category::Competition => "公平竞争",
        }
    }

    /// The category of a snake_case name, as a rule set writes it.
    pub(super) fn parse(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == name)
    }
}
