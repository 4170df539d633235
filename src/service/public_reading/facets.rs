//! The facets of a search (how many of all its matches each agency, year and validity
//! holds) and its sort orders, as the public answer carries them.

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{self, DbConn};
use crate::domain::ids::AgencyId;
use crate::domain::validity::Validity;
use crate::error::AppError;
use crate::search_index::{Counts, Sort};

/// The order of a catalogue page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SearchSort {
    /// Best match first (a search); newest first without `q`.
    #[default]
    Relevance,
    /// Latest publication first.
    Newest,
    /// Earliest publication first.
    Oldest,
}

impl SearchSort {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "relevance" => Some(Self::Relevance),
            "newest" => Some(Self::Newest),
            "oldest" => Some(Self::Oldest),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Relevance => "relevance",
            Self::Newest => "newest",
            Self::Oldest => "oldest",
        }
    }

    pub(super) fn index_sort(self) -> Sort {
        match self {
            Self::Relevance => Sort::Relevance,
            Self::Newest => Sort::Newest,
            Self::Oldest => Sort::Oldest,
        }
    }
}

/// Matches of one agency.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AgencyCount {
    pub code: String,
    pub name: String,
    pub count: i64,
}

/// Matches published in one year.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct YearCount {
    pub year: i32,
    pub count: i64,
}

/// Matches of one validity on the day asked (`valid_on`, else today).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ValidityCount {
    pub validity: Validity,
    pub count: i64,
}

/// Counts of the whole match set: agencies by count (then code), years newest first,
/// validities in their usual order; only non-zero counts.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct Facets {
    pub agency: Vec<AgencyCount>,
    pub year: Vec<YearCount>,
    pub validity: Vec<ValidityCount>,
}

/// The facets of `counts`, with each agency's code and name.
pub(super) fn of(conn: &mut DbConn, counts: &Counts) -> Result<Facets, AppError> {
    let ids: Vec<AgencyId> = counts.agency.keys().filter_map(|k| k.parse().ok()).collect();
    let rows = db::public::agencies_by_id(conn, &ids)?;
    let mut agency: Vec<AgencyCount> = rows
        .into_iter()
        .map(|a| AgencyCount {
            count: counts.agency.get(&a.id.to_string()).copied().unwrap_or(0) as i64,
            code: a.code,
            name: a.name,
        })
        .collect();
    agency.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
    let year = counts
        .year
        .iter()
        .rev()
        .map(|(&y, &n)| YearCount { year: i32::try_from(y).unwrap_or_default(), count: n as i64 })
        .collect();
    let validity = Validity::ALL
        .into_iter()
        .zip(counts.validity)
        .filter(|&(_, n)| n > 0)
        .map(|(validity, n)| ValidityCount { validity, count: n as i64 })
        .collect();
    Ok(Facets { agency, year, validity })
}
