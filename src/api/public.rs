//! The public catalogue under `/api/v1/public` (published documents only, no account, with
//! HTTP caching) and citizens' review suggestions with their filing authority's inbox. The web
//! pages (`crate::web`) are built on the same functions.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use super::json::ApiJson;
use super::paging::{Page, Paged};
use super::path_id;
use super::stamped_cache::StampedCache;
use super::views::PublicAgency;
use crate::auth::AuthUser;
use crate::db::{
    self, agencies::AgencyRow, documents::DocumentRow, search_query::PublicFilter, DbConn,
};
use crate::domain::cjk_tokens;
use crate::domain::ids::{AgencyId, DocumentId};
use crate::domain::numbering::{
    DocumentNumber, NumberError, RegistrationFormat, MAX_YEAR, MIN_YEAR,
};
use crate::domain::role::Role;
use crate::domain::validity::Validity;
use crate::error::{AppError, FieldError, Problem};
use crate::http_caching::{cached_json, cached_with_etag, etag_of, CACHE_MAX_AGE};
use crate::service::document_state::validity_of;
use crate::state::AppState;

/// Characters of body text shown around the first match in a search result.
pub const SNIPPET_CHARS: usize = 120;

/// A published document in a list of the catalogue.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicSummary {
    pub id: String,
    pub title: String,
    pub agency: Option<PublicAgency>,
    /// 文号
    pub issuance_number: Option<String>,
    /// 统一登记号
    pub registration_number: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub effective_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// Validity today.
    pub validity: Option<Validity>,
    /// Validity today in Chinese (现行有效 …).
    pub validity_label: Option<String>,
    /// With `q`: the title as HTML, escaped, matches in `<mark>`.
    pub title_html: Option<String>,
    /// With `q`: an HTML excerpt of the text around the first match, escaped, matches in
    /// `<mark>`.
    pub snippet: Option<String>,
}

/// One version of a document, in its history.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicVersion {
    pub id: String,
    pub version: i32,
    pub title: String,
    pub issuance_number: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub effective_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub validity: Option<Validity>,
    pub validity_label: Option<String>,
}

/// An interpretation (解释) published with the document it interprets.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicInterpretation {
    pub id: String,
    pub title: String,
    pub body: String,
    pub issued_on: NaiveDate,
    /// 文号
    pub issuance_number: Option<String>,
}

impl From<db::interpretations::InterpretationRow> for PublicInterpretation {
    fn from(r: db::interpretations::InterpretationRow) -> Self {
        Self {
            id: r.id,
            title: r.title,
            body: r.body,
            issued_on: r.issued_on,
            issuance_number: r.issuance_number,
        }
    }
}

/// A published document with its text; never an internal note, opinion or actor.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicDocument {
    pub id: String,
    /// Shared by every version of the same document.
    pub lineage_id: String,
    pub version: i32,
    pub title: String,
    pub body: String,
    pub agency: Option<PublicAgency>,
    /// 文号
    pub issuance_number: Option<String>,
    /// 统一登记号
    pub registration_number: Option<String>,
    pub provisional: bool,
    pub published_on: Option<NaiveDate>,
    pub effective_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// Where it was published, e.g. 辽宁省人民政府公报.
    pub channel: Option<String>,
    /// Validity today.
    pub validity: Option<Validity>,
    pub validity_label: Option<String>,
    /// When an amendment, repeal or revocation took effect.
    pub ended_on: Option<NaiveDate>,
    /// Why it ended (published with a repeal).
    pub ended_reason: Option<String>,
    pub ended_by_document_id: Option<String>,
    /// Every published version, oldest first, this one included.
    pub versions: Vec<PublicVersion>,
    /// Interpretations of this version, in the order they were issued.
    pub interpretations: Vec<PublicInterpretation>,
}

fn validity_pair(row: &DocumentRow, today: NaiveDate) -> (Option<Validity>, Option<String>) {
    let v = validity_of(row, today);
    (v, v.map(|v| v.chinese().to_string()))
}

impl PublicSummary {
    fn new(
        row: DocumentRow,
        agency: Option<PublicAgency>,
        today: NaiveDate,
        terms: &[String],
    ) -> Self {
        let (validity, validity_label) = validity_pair(&row, today);
        let (title_html, snippet) = if terms.is_empty() {
            (None, None)
        } else {
            (
                Some(cjk_tokens::highlight(&row.title, terms, row.title.chars().count())),
                Some(cjk_tokens::highlight(&row.body, terms, SNIPPET_CHARS)),
            )
        };
        Self {
            id: row.id,
            title: row.title,
            agency,
            issuance_number: row.issuance_number,
            registration_number: row.registration_number,
            published_on: row.published_on,
            effective_on: row.effective_on,
            valid_until: row.valid_until,
            validity,
            validity_label,
            title_html,
            snippet,
        }
    }
}

impl PublicDocument {
    fn new(
        row: DocumentRow,
        agency: Option<PublicAgency>,
        versions: &[DocumentRow],
        interpretations: Vec<PublicInterpretation>,
        today: NaiveDate,
    ) -> Self {
        let (validity, validity_label) = validity_pair(&row, today);
        let versions = versions
            .iter()
            .map(|v| {
                let (validity, validity_label) = validity_pair(v, today);
                PublicVersion {
                    id: v.id.clone(),
                    version: v.version,
                    title: v.title.clone(),
                    issuance_number: v.issuance_number.clone(),
                    published_on: v.published_on,
                    effective_on: v.effective_on,
                    valid_until: v.valid_until,
                    validity,
                    validity_label,
                }
            })
            .collect();
        Self {
            id: row.id,
            lineage_id: row.lineage_id,
            version: row.version,
            title: row.title,
            body: row.body,
            agency,
            issuance_number: row.issuance_number,
            registration_number: row.registration_number,
            provisional: row.provisional,
            published_on: row.published_on,
            effective_on: row.effective_on,
            valid_until: row.valid_until,
            channel: row.channel,
            validity,
            validity_label,
            ended_on: crate::service::document_state::ended_on_of(
                row.ended_on,
                row.valid_until,
                validity,
            ),
            ended_reason: row.ended_reason,
            ended_by_document_id: row.ended_by_document_id,
            versions,
            interpretations,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogueQuery {
    /// Chinese full text over title, numbers and text: terms separated by spaces, all
    /// required; any run of two or more characters matches where it occurs; "double quotes"
    /// keep a phrase with spaces together.
    pub q: Option<String>,
    /// Validity on `valid_on` (default today): `not_yet_effective`, `in_force`, `amended`,
    /// `expired`, `declared_invalid`, `repealed`, `revoked`, or the Chinese word.
    pub validity: Option<String>,
    /// Code of the issuing agency.
    pub agency: Option<String>,
    /// With `agency`: include the agencies below it.
    pub include_sub: Option<bool>,
    /// Publication year.
    pub year: Option<i32>,
    /// What was in force on this date (`YYYY-MM-DD`); with `validity`, the date it is judged on.
    pub valid_on: Option<NaiveDate>,
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Items per page, 1–100 (default 20).
    pub per_page: Option<i64>,
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
    pub page: Page,
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
        if let Some(y) = query.year {
            if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
                return Err(AppError::invalid(
                    "year",
                    format!("must be between {MIN_YEAR} and {MAX_YEAR}"),
                ));
            }
        }
        let q = blank(&query.q);
        if q.as_ref().is_some_and(|q| q.chars().count() > 200) {
            return Err(AppError::invalid("q", "at most 200 characters"));
        }
        Ok(Self {
            q,
            // A date alone asks what was in force on it.
            validity: validity.or(query.valid_on.map(|_| Validity::InForce)),
            agency: blank(&query.agency),
            include_sub: query.include_sub.unwrap_or(false),
            year: query.year,
            day: query.valid_on.unwrap_or(today),
            page,
        })
    }
}

/// The agencies of `rows`, by id.
fn agencies_of(conn: &mut DbConn, rows: &[DocumentRow]) -> Result<Vec<AgencyRow>, AppError> {
    let mut ids: Vec<String> = rows.iter().map(|r| r.agency_id.clone()).collect();
    ids.sort();
    ids.dedup();
    db::public::agencies_by_id(conn, &ids)
}

fn agency_for(agencies: &[AgencyRow], id: &str) -> Option<PublicAgency> {
    agencies.iter().find(|a| a.id == id).cloned().map(PublicAgency::from)
}

/// A page of the public catalogue: `{items, page, per_page, total}` like every list, and
/// whether a search ranked only its newest matches.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CataloguePage {
    pub items: Vec<PublicSummary>,
    pub page: i64,
    pub per_page: i64,
    /// The number of documents the list holds, which paging reaches.
    pub total: i64,
    /// True when more documents match the search than it ranks (`NORMREG_SEARCH_WINDOW`,
    /// 1,000 by default): the list then holds the best of the newest `total` matches, and a
    /// year, agency or validity filter reaches the older ones.
    pub truncated: bool,
}

/// A page of the catalogue.
pub async fn catalogue(state: &AppState, request: Catalogue) -> Result<CataloguePage, AppError> {
    let today = state.clock.today();
    let terms = request.q.as_deref().map(cjk_tokens::terms_for_highlight).unwrap_or_default();
    let page = request.page;
    let key = format!("{today}|{request:?}");
    let cache = state.search_cache.clone();
    let window = state.config.search_window;
    let found = state
        .db
        .read(move |conn| {
            // Read first: a change committing meanwhile gives the next request a new version.
            let version = db::public::catalogue_version(conn)?;
            if let Some(hit) = cache.get(&key, &version) {
                return Ok(Err(hit));
            }
            let agencies = match &request.agency {
                None => None,
                Some(code) => {
                    let agency = db::agencies::find_by_code(conn, code)?.ok_or_else(|| {
                        AppError::invalid("agency", format!("no agency has the code `{code}`"))
                    })?;
                    if request.include_sub {
                        let root: AgencyId = agency
                            .id
                            .parse()
                            .map_err(|_| AppError::internal("stored agency id is not a UUID"))?;
                        Some(
                            db::agencies::tree(conn)?
                                .subtree(root)
                                .into_iter()
                                .map(|a| a.to_string())
                                .collect(),
                        )
                    } else {
                        Some(vec![agency.id])
                    }
                }
            };
            let filter = PublicFilter {
                q: request.q,
                agencies,
                year: request.year,
                validity: request.validity,
                day: Some(request.day),
            };
            let list =
                db::search_query::public_list(conn, &filter, page.offset(), page.per_page, window)?;
            let rows = db::public::published_in_order(conn, &list.ids)?;
            let agencies = agencies_of(conn, &rows)?;
            Ok(Ok((rows, agencies, list, key, version)))
        })
        .await?;
    let (rows, agencies, list, key, version) = match found {
        Err(hit) => return Ok(hit),
        Ok(found) => found,
    };
    let items = rows
        .into_iter()
        .map(|r| {
            let agency = agency_for(&agencies, &r.agency_id);
            PublicSummary::new(r, agency, today, &terms)
        })
        .collect();
    let answer = CataloguePage {
        items,
        page: page.page,
        per_page: page.per_page,
        total: list.total,
        truncated: list.truncated,
    };
    state.search_cache.put(key, version, answer.clone());
    Ok(answer)
}

/// Catalogue pages and search results already computed, valid while the catalogue has not
/// changed. A search ranks up to `NORMREG_SEARCH_WINDOW` matches and reads 20 texts for its
/// snippets, 5–25 ms at 100,000 documents (BENCHMARKS.md); a popular search asked again is
/// answered in under a millisecond.
///
/// Why it stays correct across instances sharing one database: an entry is tagged with the
/// catalogue's version, the last event id in the database, read in the same blocking task
/// before the search itself. Everything that changes what the public sees (publication,
/// repeal, declaration of invalidity, amendment, continuation, revocation, expiry) writes an
/// event in its own transaction, so any instance's change gives every instance a new version,
/// and a document is findable as soon as its publication commits. Entries are keyed by the
/// day as well, since validity is judged by it.
///
/// One gap remains on PostgreSQL: event ids are drawn before commit, so a change committing
/// after a concurrent one with a higher id leaves the version unchanged. Entries therefore
/// also expire after [`CACHE_MAX_AGE`], the staleness every answer already allows HTTP caches
/// (`Cache-Control: max-age=60`), which bounds that case. `NORMREG_PUBLIC_CACHE_SECONDS=0`
/// turns this cache off too.
pub type SearchCache = StampedCache<i64, CataloguePage>;

/// A bound on the search cache's memory.
const SEARCH_CACHE_ENTRIES: usize = 2_000;

/// The search cache: entries live at most [`CACHE_MAX_AGE`]; none at all when `enabled` is
/// false.
pub fn search_cache(enabled: bool) -> SearchCache {
    let ttl = if enabled { CACHE_MAX_AGE } else { std::time::Duration::ZERO };
    StampedCache::new(ttl, SEARCH_CACHE_ENTRIES)
}

/// Loads the document with its agency and published versions.
fn full_document(
    conn: &mut DbConn,
    row: DocumentRow,
    today: NaiveDate,
) -> Result<PublicDocument, AppError> {
    let versions = db::public::published_versions(conn, &row.lineage_id)?;
    let agency = db::agencies::find(conn, &row.agency_id)?.map(PublicAgency::from);
    let interpretations = db::interpretations::all_of_document(conn, &row.id)?
        .into_iter()
        .map(PublicInterpretation::from)
        .collect();
    Ok(PublicDocument::new(row, agency, &versions, interpretations, today))
}

/// One published document; 404 for anything else.
pub async fn document(state: &AppState, id: DocumentId) -> Result<PublicDocument, AppError> {
    let today = state.clock.today();
    state
        .db
        .read(move |conn| {
            let row = db::public::find_published(conn, &id.to_string())?
                .ok_or(AppError::NotFound("document"))?;
            full_document(conn, row, today)
        })
        .await
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

/// The published document with this 文号 or 登记号, in any bracket or dash spelling.
pub async fn lookup(state: &AppState, number: &str) -> Result<PublicDocument, AppError> {
    let parsed = DocumentNumber::parse(number)
        .map_err(|e: NumberError| AppError::invalid("number", e.to_string()))?;
    let today = state.clock.today();
    state
        .db
        .read(move |conn| {
            let policy = db::settings::policy(conn)?;
            let format = RegistrationFormat {
                template: policy.registration_format,
                serial_width: policy.registration_serial_width,
            };
            let spellings = stored_spellings(&parsed, &format);
            let row = db::public::find_published_by_number(conn, &spellings)?
                .ok_or(AppError::NotFound("document"))?;
            full_document(conn, row, today)
        })
        .await
}

/// The catalogue of published documents, searchable in Chinese.
#[utoipa::path(tag = "public", params(CatalogueQuery), responses(
    (status = 200, description = "A page of published documents, best match first when searching (among the newest `NORMREG_SEARCH_WINDOW` matches), else newest first; with ETag and Cache-Control", body = CataloguePage),
    (status = 304, description = "Not modified since the ETag in If-None-Match"),
    (status = 400, description = "Unreadable query string", body = Problem),
    (status = 422, description = "Invalid filter", body = Problem)
))]
#[get("/public/documents")]
pub async fn list_public_documents(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<CatalogueQuery>,
) -> Result<HttpResponse, AppError> {
    let request = Catalogue::parse(&query, state.clock.today())?;
    let page = catalogue(&state, request).await?;
    cached_json(&req, &page)
}

/// One published document: text, numbers, dates, validity and versions.
#[utoipa::path(tag = "public", responses(
    (status = 200, description = "The document, with ETag and Cache-Control", body = PublicDocument),
    (status = 304, description = "Not modified since the ETag in If-None-Match"),
    (status = 404, description = "No published document with this id", body = Problem)
))]
#[get("/public/documents/{id}")]
pub async fn get_public_document(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: DocumentId = path_id(&id, "document")?;
    let today = state.clock.today();
    let key = id.to_string();
    // Read before the database, so that a write landing meanwhile marks this entry stale.
    let generation = state.db.generation();
    if let Some((body, etag)) = state.read_cache.get(&key, &(today, generation)) {
        return Ok(cached_with_etag(&req, "application/json", body, etag));
    }
    let doc = document(&state, id).await?;
    let body =
        Bytes::from(serde_json::to_vec(&doc).map_err(|e| AppError::internal(e.to_string()))?);
    let etag = etag_of(&body);
    state.read_cache.put(key, (today, generation), (body.clone(), etag.clone()));
    Ok(cached_with_etag(&req, "application/json", body, etag))
}

/// Public document reads kept in memory for a few seconds: the most frequent public request
/// then costs no database round trip, no serialisation and no hashing.
///
/// Why it stays correct: an entry is only used on the day it was made (validity is judged by
/// the day), only while this instance has committed no write since it was read (so an
/// instance always shows its own repeals and amendments at once), and for at most
/// `NORMREG_PUBLIC_CACHE_SECONDS`, which bounds what another instance's write can leave
/// unseen, well within the `max-age` the answer already grants to every HTTP cache. Only
/// published documents are kept; a 404 is never cached, so a document is readable as soon as
/// its publication commits. Stamped by the day and the instance's write generation; holds the
/// body and its ETag.
pub type ReadCache = StampedCache<(NaiveDate, u64), (Bytes, String)>;

/// A bound on the read cache's memory.
const READ_CACHE_ENTRIES: usize = 10_000;

/// The read cache: entries live `seconds` (0: off).
pub fn read_cache(seconds: u64) -> ReadCache {
    StampedCache::new(std::time::Duration::from_secs(seconds), READ_CACHE_ENTRIES)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LookupQuery {
    /// A 文号 (辽政规〔2026〕3号, with 〔〕 ﹝﹞ [] 【】 （） …) or 统一登记号 (LNFS—2026—3).
    pub number: String,
}

/// The published document with a 文号 or 登记号, in any bracket spelling.
#[utoipa::path(tag = "public", params(LookupQuery), responses(
    (status = 200, description = "The document, with ETag and Cache-Control", body = PublicDocument),
    (status = 304, description = "Not modified since the ETag in If-None-Match"),
    (status = 400, description = "No number given", body = Problem),
    (status = 404, description = "No published document has this number", body = Problem),
    (status = 422, description = "Not a document number; the message says how to write one", body = Problem)
))]
#[get("/public/lookup")]
pub async fn lookup_number(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<LookupQuery>,
) -> Result<HttpResponse, AppError> {
    let doc = lookup(&state, &query.number).await?;
    cached_json(&req, &doc)
}

// ---- Citizens' review suggestions (审查建议) ----

/// Longest suggestion accepted, in characters.
pub const MAX_SUGGESTION: usize = 10_000;

/// Suggestions one client address may send per hour: enough for a person, not for a flood.
/// An abuse limit rather than a rule of the jurisdiction, so not a policy setting.
pub const SUGGESTIONS_PER_HOUR: i64 = 5;

/// Letters and digits that cannot be misread for one another (no 0/O, 1/I).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A fresh tracking code, `JY-XXXX-XXXX-XXXX`: 60 random bits, so codes cannot be guessed.
fn new_tracking_code() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    let chars: String = (0..12)
        .map(|_| char::from(CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())]))
        .collect();
    format!("JY-{}-{}-{}", &chars[0..4], &chars[4..8], &chars[8..12])
}

/// The stored form of a tracking code as a person may type it: any case, with or without
/// dashes and spaces. `None` when it cannot be one.
pub fn canonical_tracking_code(raw: &str) -> Option<String> {
    let chars: String =
        raw.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_uppercase();
    let rest = chars.strip_prefix("JY")?;
    if rest.len() != 12 || !rest.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
        return None;
    }
    Some(format!("JY-{}-{}-{}", &rest[0..4], &rest[4..8], &rest[8..12]))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSuggestion {
    /// The published document the suggestion is about.
    pub document_id: String,
    /// At most 10,000 characters.
    pub content: String,
    /// How the filing authority may reach you; never shown publicly.
    pub contact: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionReceipt {
    /// Keep it to follow the suggestion.
    pub tracking_code: String,
    /// The filing authority answers by this date.
    pub due_on: NaiveDate,
}

/// Status of a suggestion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionStatus {
    Received,
    Replied,
}

impl SuggestionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Replied => "replied",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Self::Received => "已受理，办理中",
            Self::Replied => "已答复",
        }
    }

    fn parse(s: &str) -> Self {
        if s == "replied" {
            Self::Replied
        } else {
            Self::Received
        }
    }
}

/// What anyone holding the tracking code sees: never the contact.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SuggestionTracking {
    pub tracking_code: String,
    pub document_id: String,
    pub document_title: String,
    pub status: SuggestionStatus,
    /// The status in Chinese.
    pub status_label: String,
    pub received_on: NaiveDate,
    /// The reply is due by this date (policy `suggestion_reply_days`).
    pub due_on: NaiveDate,
    /// Not replied and past the due date.
    pub overdue: bool,
    pub reply: Option<String>,
    pub outcome: Option<String>,
    pub replied_on: Option<NaiveDate>,
}

fn tracking_view(
    s: db::public::SuggestionRow,
    title: String,
    today: NaiveDate,
) -> SuggestionTracking {
    let status = SuggestionStatus::parse(&s.status);
    SuggestionTracking {
        tracking_code: s.tracking_code,
        document_id: s.document_id,
        document_title: title,
        status,
        status_label: status.chinese().to_string(),
        received_on: s.received_on,
        due_on: s.due_on,
        overdue: status == SuggestionStatus::Received && today > s.due_on,
        reply: s.reply,
        outcome: s.outcome,
        replied_on: s.replied_on,
    }
}

/// The rate-limit key of a client: a hash, so addresses are not stored.
fn client_key(req: &HttpRequest) -> String {
    let addr = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
    Sha256::digest(addr.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Records a suggestion about a published document for its filing authority; shared by the
/// API and the web form.
pub async fn submit_suggestion(
    state: &AppState,
    req: &HttpRequest,
    body: NewSuggestion,
) -> Result<SuggestionReceipt, AppError> {
    let mut errors = Vec::new();
    let document_id = body.document_id.trim().parse::<DocumentId>().map_err(|_| {
        errors.push(FieldError::new("document_id", "must be the id of a published document"));
    });
    let content = crate::domain::text::paragraph(&body.content, MAX_SUGGESTION)
        .map_err(|e| errors.push(FieldError::new("content", e.to_string())));
    let contact = match body.contact.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => crate::domain::text::line(c, 200)
            .map_err(|e| errors.push(FieldError::new("contact", e.to_string())))
            .ok(),
    };
    let (Ok(document_id), Ok(content), true) = (document_id, content, errors.is_empty()) else {
        return Err(AppError::invalid_fields(errors));
    };
    let key = client_key(req);
    let now = state.clock.now().naive_utc();
    let today = state.clock.today();
    state
        .db
        .write(move |conn| {
            let since = now - chrono::Duration::hours(1);
            if db::public::suggestions_from_client_since(conn, &key, since)? >= SUGGESTIONS_PER_HOUR {
                return Err(AppError::TooManyRequests(format!(
                    "at most {SUGGESTIONS_PER_HOUR} suggestions an hour from one address; try again later"
                )));
            }
            let doc = db::public::find_published(conn, &document_id.to_string())?
                .ok_or_else(|| AppError::invalid("document_id", "no published document has this id"))?;
            let agency: AgencyId = doc.agency_id.parse().map_err(|_| AppError::internal("stored agency id is not a UUID"))?;
            // A document of the top of the tree has no filing authority inside the service;
            // its own agency then answers rather than nobody.
            let authority = db::agencies::tree(conn)?.filing_authority(agency).unwrap_or(agency);
            let policy = db::settings::policy(conn)?;
            let due_on = db::calendar::load(conn)?.add_calendar_days(today, policy.suggestion_reply_days);
            let row = db::public::SuggestionRow {
                id: uuid::Uuid::new_v4().to_string(),
                tracking_code: new_tracking_code(),
                document_id: doc.id,
                authority_id: authority.to_string(),
                content,
                contact,
                client_key: key,
                status: SuggestionStatus::Received.as_str().into(),
                received_on: today,
                due_on,
                reply: None,
                outcome: None,
                replied_on: None,
                replied_by: None,
                created_at: now,
            };
            db::public::insert_suggestion(conn, &row)?;
            Ok(SuggestionReceipt { tracking_code: row.tracking_code, due_on })
        })
        .await
}

/// A suggestion by its tracking code; 404 for a code that does not exist.
pub async fn track_suggestion(
    state: &AppState,
    code: &str,
) -> Result<SuggestionTracking, AppError> {
    let code = canonical_tracking_code(code).ok_or(AppError::NotFound("review suggestion"))?;
    let today = state.clock.today();
    state
        .db
        .read(move |conn| {
            let s = db::public::find_suggestion_by_code(conn, &code)?
                .ok_or(AppError::NotFound("review suggestion"))?;
            let title = db::public::find_published(conn, &s.document_id)?
                .map(|d| d.title)
                .unwrap_or_default();
            Ok(tracking_view(s, title, today))
        })
        .await
}

/// Asks the filing authority to review a published document (审查建议).
#[utoipa::path(tag = "public", request_body = NewSuggestion, responses(
    (status = 201, description = "Received; keep the tracking code", body = SuggestionReceipt),
    (status = 422, description = "Invalid fields, or no published document with this id", body = Problem),
    (status = 429, description = "Too many suggestions from this address; try again later", body = Problem)
))]
#[post("/public/review-suggestions")]
pub async fn create_review_suggestion(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ApiJson<NewSuggestion>,
) -> Result<HttpResponse, AppError> {
    let receipt = submit_suggestion(&state, &req, body.0).await?;
    Ok(HttpResponse::Created().json(receipt))
}

/// The status, deadline and public reply of a suggestion; never the contact.
#[utoipa::path(tag = "public", responses(
    (status = 200, description = "The suggestion's status", body = SuggestionTracking),
    (status = 404, description = "No suggestion has this tracking code", body = Problem)
))]
#[get("/public/review-suggestions/{tracking_code}")]
pub async fn get_review_suggestion(
    state: web::Data<AppState>,
    tracking_code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let view = track_suggestion(&state, &tracking_code).await?;
    // Not cached by shared caches: the code is the only key to it.
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(view))
}

/// A suggestion as its filing authority sees it, with the contact.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SuggestionInboxItem {
    pub id: String,
    #[serde(flatten)]
    pub tracking: SuggestionTracking,
    pub content: String,
    pub contact: Option<String>,
}

/// The filing authority's inbox of review suggestions, earliest deadline first (filing reviewer).
#[utoipa::path(tag = "filings", security(("bearer" = [])), params(super::paging::PageQuery), responses(
    (status = 200, description = "A page of suggestions addressed to your agency", body = Paged<SuggestionInboxItem>),
    (status = 401, description = "No or bad token", body = Problem),
    (status = 403, description = "Not a filing reviewer", body = Problem),
    (status = 422, description = "Invalid paging", body = Problem)
))]
#[get("/review-suggestions")]
pub async fn list_review_suggestions(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<super::paging::PageQuery>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&[Role::FilingReviewer])?;
    let agency = user.agency()?.to_string();
    let page = Page::from_query(query.page, query.per_page)?;
    let today = state.clock.today();
    let (items, total) = state
        .db
        .read(move |conn| {
            let (rows, total) =
                db::public::suggestions_for(conn, &agency, page.offset(), page.per_page)?;
            let mut items = Vec::new();
            for s in rows {
                let title = db::public::find_published(conn, &s.document_id)?
                    .map(|d| d.title)
                    .unwrap_or_default();
                let (id, content, contact) = (s.id.clone(), s.content.clone(), s.contact.clone());
                items.push(SuggestionInboxItem {
                    id,
                    tracking: tracking_view(s, title, today),
                    content,
                    contact,
                });
            }
            Ok((items, total))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page.wrap(items, total)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestionReply {
    /// The public reply.
    pub reply: String,
    /// e.g. `no_problem_found`, `correction_ordered`, `revoked`: free text, shown publicly.
    pub outcome: String,
}

/// Answers a review suggestion (filing reviewer of the authority it is addressed to).
#[utoipa::path(tag = "filings", security(("bearer" = [])), request_body = SuggestionReply, responses(
    (status = 200, description = "Replied", body = SuggestionInboxItem),
    (status = 401, description = "No or bad token", body = Problem),
    (status = 403, description = "Not a filing reviewer", body = Problem),
    (status = 404, description = "No such suggestion for your agency", body = Problem),
    (status = 409, description = "Already replied", body = Problem),
    (status = 422, description = "Invalid fields", body = Problem)
))]
#[post("/review-suggestions/{id}/reply")]
pub async fn reply_review_suggestion(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: ApiJson<SuggestionReply>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&[Role::FilingReviewer])?;
    let agency = user.agency()?.to_string();
    let id: uuid::Uuid = path_id(&id, "review suggestion")?;
    let mut errors = Vec::new();
    let reply = crate::domain::text::paragraph(&body.0.reply, MAX_SUGGESTION)
        .map_err(|e| errors.push(FieldError::new("reply", e.to_string())));
    let outcome = crate::domain::text::line(&body.0.outcome, 100)
        .map_err(|e| errors.push(FieldError::new("outcome", e.to_string())));
    let (Ok(reply), Ok(outcome)) = (reply, outcome) else {
        return Err(AppError::invalid_fields(errors));
    };
    let today = state.clock.today();
    let actor = user.id.to_string();
    let item = state
        .db
        .write(move |conn| {
            let mut s = db::public::find_suggestion(conn, &id.to_string())?
                .filter(|s| s.authority_id == agency)
                .ok_or(AppError::NotFound("review suggestion"))?;
            if s.status == SuggestionStatus::Replied.as_str() {
                return Err(AppError::conflict(
                    "already_replied",
                    "this suggestion has been answered already",
                ));
            }
            s.status = SuggestionStatus::Replied.as_str().into();
            s.reply = Some(reply);
            s.outcome = Some(outcome);
            s.replied_on = Some(today);
            s.replied_by = Some(actor);
            db::public::reply_to_suggestion(conn, &s)?;
            let title = db::public::find_published(conn, &s.document_id)?
                .map(|d| d.title)
                .unwrap_or_default();
            let (id, content, contact) = (s.id.clone(), s.content.clone(), s.contact.clone());
            Ok(SuggestionInboxItem {
                id,
                tracking: tracking_view(s, title, today),
                content,
                contact,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(item))
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

    #[test]
    fn etags_are_quoted_and_change_with_the_body() {
        let a = etag_of(b"a");
        assert!(a.starts_with('"') && a.ends_with('"'));
        assert_ne!(a, etag_of(b"b"));
    }
}
