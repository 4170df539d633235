//! What the public reads, with no account: the catalogue of published documents and its
//! Chinese search, one published document with its versions and interpretations, the lookup
//! by 文号 or 登记号, the agencies and the changes the public may follow. The public API and
//! the web pages both render these answers, so they are read models rather than rows.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::db::{self, agencies::AgencyRow, search_query::PublicFilter, DbConn};
use crate::domain::cjk_tokens;
use crate::domain::clock::Clock;
use crate::domain::document::{Document, EndKind};
use crate::domain::ids::{AgencyId, DocumentId};
use crate::domain::lifecycle::Status;
use crate::domain::numbering::{DocumentNumber, NumberError, RegistrationFormat};
use crate::domain::validity::Validity;
use crate::error::AppError;
use crate::service::dates;
use crate::service::paging::Page;
use crate::service::public_cache::SearchCache;
use crate::service::search_sync::LiveIndex;

mod answers;
mod facets;

pub use answers::{
    CataloguePage, PublicAgency, PublicDocument, PublicInterpretation, PublicSummary,
    PublicVersion, SNIPPET_CHARS,
};
pub use facets::{AgencyCount, Facets, SearchSort, ValidityCount, YearCount};

/// A catalogue request as it arrives, every field optional: the API's query string, or what
/// the web's search form makes of its own.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogueQuery {
    /// Chinese full text over title, numbers and text: terms separated by spaces, all
    /// required; any run of two or more characters matches where it occurs; "double quotes"
    /// keep a phrase with spaces together. At most 200 characters.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Validity on `valid_on` (default today): `not_yet_effective`, `in_force`, `amended`,
    /// `expired`, `declared_invalid`, `repealed`, `revoked` (the Chinese word is accepted too).
    #[param(value_type = Option<crate::domain::validity::Validity>)]
    pub validity: Option<String>,
    /// Code of the issuing agency.
    pub agency: Option<String>,
    /// With `agency`: include the agencies below it.
    pub include_sub: Option<bool>,
    /// Publication year.
    pub year: Option<i32>,
    /// What was in force on this date (`YYYY-MM-DD`, within the policy's date range); with
    /// `validity`, the date it is judged on. Read as text so that a malformed date is refused
    /// naming the field.
    #[param(value_type = Option<NaiveDate>)]
    pub valid_on: Option<String>,
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Items per page, 1–100 (default 20).
    pub per_page: Option<i64>,
    /// `relevance` (the default; with `q` only, else `newest`), `newest` or `oldest`, by
    /// publication date.
    #[param(value_type = Option<SearchSort>)]
    pub sort: Option<String>,
}

/// A checked catalogue request.
#[derive(Clone, Debug)]
pub struct Catalogue {
    pub q: Option<String>,
    pub validity: Option<Validity>,
    pub agency: Option<String>,
    pub include_sub: bool,
    pub year: Option<i32>,
    pub day: NaiveDate,
    /// Whether `day` was asked for (`valid_on`) rather than today.
    pub day_asked: bool,
    pub page: Page,
    pub sort: SearchSort,
}

impl Catalogue {
    /// Checks the query; `today` is the day validity is judged on without `valid_on`.
    pub fn parse(query: &CatalogueQuery, today: NaiveDate) -> Result<Self, AppError> {
        let page = Page::from_query(query.page, query.per_page)?;
        let blank = |s: &Option<String>| {
            s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from)
        };
        let validity = match blank(&query.validity) {
            None => None,
            Some(v) => Some(Validity::parse(&v).ok_or_else(|| {
                AppError::invalid(
                    "validity",
                    format!("unknown validity `{v}`; use in_force, expired, repealed …"),
                )
            })?),
        };
        let valid_on = match blank(&query.valid_on) {
            None => None,
            Some(raw) => Some(dates::parse_field("valid_on", &raw)?),
        };
        let sort = match blank(&query.sort) {
            None => SearchSort::Relevance,
            Some(s) => SearchSort::parse(&s).ok_or_else(|| {
                AppError::invalid(
                    "sort",
                    format!("unknown sort `{s}`; use relevance, newest or oldest"),
                )
            })?,
        };
        let q = blank(&query.q);
        if q.as_ref().is_some_and(|q| q.chars().count() > 200) {
            return Err(AppError::invalid("q", "at most 200 characters"));
        }
        Ok(Self {
            q,
            // A date alone asks what was in force on it.
            validity: validity.or(valid_on.map(|_| Validity::InForce)),
            agency: blank(&query.agency),
            include_sub: query.include_sub.unwrap_or(false),
            year: query.year,
            day: valid_on.unwrap_or(today),
            day_asked: valid_on.is_some(),
            page,
            sort,
        })
    }
}

/// A page of the catalogue, from `cache` while the catalogue has not changed (see
/// [`SearchCache`]): with `q` ranked by the search index over every match, with facets;
/// without, every document in publication order.
pub fn catalogue(
    conn: &mut DbConn,
    clock: &dyn Clock,
    cache: &SearchCache,
    index: &LiveIndex,
    request: Catalogue,
) -> Result<CataloguePage, AppError> {
    // The policy is read only when the request carries a date or a year to check.
    if request.day_asked || request.year.is_some() {
        let range = dates::range(conn)?;
        dates::check(&range, &[("valid_on", request.day_asked.then_some(request.day))])?;
        if let Some(year) = request.year {
            range.check_year(year).map_err(|e| dates::invalid("year", e))?;
        }
    }
    let today = clock.today();
    let key = format!("{today}|{request:?}");
    // Read first: a change committing meanwhile gives the next request a new version.
    let version = db::public::catalogue_version(conn)?;
    if let Some(hit) = cache.get(&key, &version) {
        return Ok(hit);
    }
    let terms = request.q.as_deref().map(cjk_tokens::terms_for_highlight).unwrap_or_default();
    let page = request.page;
    let agencies = agency_filter(conn, request.agency.as_deref(), request.include_sub)?;
    let (ids, total, facets) = match request.q.as_deref() {
        Some(q) => {
            // What committed before this request, on any instance, is in the answer.
            index.catch_up(conn)?;
            let filters = crate::search_index::Filters {
                agencies,
                year: request.year,
                validity: request.validity,
                day: request.day,
            };
            let found = index
                .index
                .search(
                    q,
                    &filters,
                    request.sort.index_sort(),
                    usize::try_from(page.offset()).unwrap_or(0),
                    usize::try_from(page.per_page).unwrap_or(0),
                )
                .map_err(|e| AppError::internal(e.to_string()))?;
            let facets = facets::of(conn, &found.counts)?;
            (found.ids, found.counts.total as i64, Some(facets))
        }
        None => {
            let filter = PublicFilter {
                agencies,
                year: request.year,
                validity: request.validity,
                day: Some(request.day),
            };
            let oldest = request.sort == SearchSort::Oldest;
            let list =
                db::search_query::listing(conn, &filter, page.offset(), page.per_page, oldest)?;
            (list.ids, list.total, None)
        }
    };
    let rows = db::public::published_in_order(conn, &ids)?;
    let agencies = agencies_of(conn, &rows)?;
    let items = rows
        .into_iter()
        .map(|r| {
            let agency = agency_for(&agencies, r.agency_id);
            PublicSummary::new(r, agency, today, &terms)
        })
        .collect();
    let answer = CataloguePage {
        items,
        page: page.page,
        per_page: page.per_page,
        total,
        truncated: false,
        sort: request.sort,
        facets,
    };
    cache.put(key, version, answer.clone());
    Ok(answer)
}

/// The agencies whose documents a catalogue request asks for: the one with `code`, and with
/// `include_sub` those below it; `None` for every agency.
fn agency_filter(
    conn: &mut DbConn,
    code: Option<&str>,
    include_sub: bool,
) -> Result<Option<Vec<AgencyId>>, AppError> {
    let Some(code) = code else {
        return Ok(None);
    };
    let agency = db::agencies::find_by_code(conn, code)?
        .ok_or_else(|| AppError::invalid("agency", format!("no agency has the code `{code}`")))?;
    if !include_sub {
        return Ok(Some(vec![agency.id]));
    }
    Ok(Some(db::agencies::tree(conn)?.subtree(agency.id)))
}

/// The agencies of `rows`, by id.
fn agencies_of(conn: &mut DbConn, rows: &[Document]) -> Result<Vec<AgencyRow>, AppError> {
    let mut ids: Vec<AgencyId> = rows.iter().map(|r| r.agency_id).collect();
    ids.sort();
    ids.dedup();
    Ok(db::public::agencies_by_id(conn, &ids)?)
}

fn agency_for(agencies: &[AgencyRow], id: AgencyId) -> Option<PublicAgency> {
    agencies.iter().find(|a| a.id == id).cloned().map(PublicAgency::from)
}

/// Loads the document with its agency and published versions.
pub(crate) fn full_document(
    conn: &mut DbConn,
    row: Document,
    today: NaiveDate,
) -> Result<PublicDocument, AppError> {
    let versions = db::public::published_versions(conn, row.lineage_id)?;
    let agency = db::agencies::find(conn, row.agency_id)?.map(PublicAgency::from);
    let interpretations = db::interpretations::all_of_document(conn, row.id)?
        .into_iter()
        .map(PublicInterpretation::from)
        .collect();
    let consultations = crate::service::consultation_public::of_document(conn, row.id, today)?;
    let citations = crate::service::citations::public_of(conn, row.id, today)?;
    let mut doc = PublicDocument::new(row, agency, &versions, interpretations, today);
    doc.consultations = consultations;
    doc.cites = citations.cites;
    doc.cited_by = citations.cited_by;
    Ok(doc)
}

/// One published document; 404 for anything else.
pub fn document(
    conn: &mut DbConn,
    clock: &dyn Clock,
    id: DocumentId,
) -> Result<PublicDocument, AppError> {
    let row = db::public::find_published(conn, id)?.ok_or(AppError::NotFound("document"))?;
    full_document(conn, row, clock.today())
}

/// The spellings a number may be stored under: the canonical form, and for a 登记号 also the
/// jurisdiction's own template and padding.
fn stored_spellings(number: &DocumentNumber, format: &RegistrationFormat) -> Vec<String> {
    let mut out = vec![number.canonical()];
    if let DocumentNumber::Registration(r) = number {
        let own = r.format(format);
        if !out.contains(&own) {
            out.push(own);
        }
    }
    out
}

/// A 文号 or 登记号 as a person may write it; 422 saying how to write one.
pub fn parse_number(number: &str) -> Result<DocumentNumber, AppError> {
    DocumentNumber::parse(number)
        .map_err(|e: NumberError| AppError::invalid("number", e.to_string()))
}

/// The published document with this 文号 or 登记号, in any bracket or dash spelling.
pub fn lookup(
    conn: &mut DbConn,
    clock: &dyn Clock,
    number: &DocumentNumber,
) -> Result<PublicDocument, AppError> {
    let policy = db::settings::policy(conn)?;
    let format = RegistrationFormat {
        template: policy.registration_format,
        serial_width: policy.registration_serial_width,
    };
    let spellings = stored_spellings(number, &format);
    let row = db::public::find_published_by_number(conn, &spellings)?
        .ok_or(AppError::NotFound("document"))?;
    full_document(conn, row, clock.today())
}

/// Every agency, in code order (the public search form offers them all).
pub fn agencies(conn: &mut DbConn) -> Result<Vec<AgencyRow>, AppError> {
    Ok(db::public::all_agencies(conn)?)
}

/// The events the public may follow, by the action each records: a publication and every way
/// a published document ends. Events that are internal (review, deliberation, registration)
/// never appear.
pub fn public_actions() -> [&'static str; 5] {
    [
        Status::Published.as_str(),
        EndKind::Repealed.as_str(),
        EndKind::Revoked.as_str(),
        EndKind::DeclaredInvalid.as_str(),
        Validity::Expired.as_str(),
    ]
}

/// One change the public may follow: the event's id, when it happened, its action (one of
/// [`public_actions`]) and the published document it concerns.
pub type PublicChange = (i64, NaiveDateTime, String, Document);

/// The latest `limit` public changes, newest first.
pub fn recent_changes(conn: &mut DbConn, limit: i64) -> Result<Vec<PublicChange>, AppError> {
    Ok(db::public::public_events(conn, &public_actions(), limit)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registration_number_is_also_looked_up_in_the_jurisdictions_own_spelling() {
        let n = DocumentNumber::parse("lnfs-2026-3").expect("parses");
        let padded = RegistrationFormat { template: "{prefix}-{year}-{n}".into(), serial_width: 4 };
        assert_eq!(
            stored_spellings(&n, &padded),
            vec!["LNFS—2026—3".to_string(), "LNFS-2026-0003".to_string()]
        );
        let issuance = DocumentNumber::parse("辽政规[2026]3号").expect("parses");
        assert_eq!(stored_spellings(&issuance, &padded), vec!["辽政规〔2026〕3号".to_string()]);
    }
}
