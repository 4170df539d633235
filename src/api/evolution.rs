//! A published document's later life (立改废释): evaluation before expiry, continuation,
//! amendment, repeal, declaration of invalidity, and its text on any date.

use actix_web::{get, post, web, HttpResponse};
use chrono::{Datelike, Months, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::json::ApiJson;
use super::paging::{Page, Paged};
use super::path_id;
use super::views::DocumentView;
use crate::auth::AuthUser;
use crate::db::{self, documents::DocumentRow, documents::NewEvent, DbConn};
use crate::domain::ids::DocumentId;
use crate::domain::lifecycle::Status;
use crate::domain::role::Role;
use crate::domain::text;
use crate::domain::text::MAX_NOTE;
use crate::domain::validity::Validity;
use crate::error::{AppError, Problem};
use crate::service::document_state::validity_of;
use crate::service::scope::{load_document, require_own_agency, visible_agencies};
use crate::state::AppState;

/// A published document that has not ended by `today`, or 409 saying why the action is
/// impossible. Expiry counts from the day after `valid_until` whether or not the expiry run
/// has recorded it yet (it records an event, not a change of the document).
pub(crate) fn require_living(
    doc: &DocumentRow,
    action: &str,
    today: NaiveDate,
) -> Result<(), AppError> {
    if doc.status != Status::Published.as_str() {
        return Err(AppError::conflict(
            "not_published",
            format!("only a published document can be {action}; this one is `{}`", doc.status),
        ));
    }
    if let Some(state) = &doc.ended_state {
        return Err(AppError::conflict(
            "already_ended",
            format!("the document already ended: `{state}`"),
        ));
    }
    if let Some(until) = doc.valid_until.filter(|u| *u < today) {
        return Err(AppError::conflict(
            "already_expired",
            format!("the document's validity ran out on {until}; re-issue it as a new document"),
        ));
    }
    Ok(())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExpiringQuery {
    /// Days ahead (default: the policy's evaluation window, 180).
    pub within_days: Option<u32>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Documents of the caller's scope in force whose validity ends within the window: due for
/// evaluation (continue, re-issue, or let expire).
#[utoipa::path(tag = "evolution", security(("bearer" = [])), params(ExpiringQuery), responses(
    (status = 200, description = "Documents due for evaluation, soonest first", body = Paged<DocumentView>)
))]
#[get("/documents/expiring")]
pub async fn expiring(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<ExpiringQuery>,
) -> Result<HttpResponse, AppError> {
    let page = Page::from_query(query.page, query.per_page)?;
    if query.within_days.is_some_and(|d| d > 3650) {
        return Err(AppError::invalid("within_days", "at most 3650"));
    }
    let today = state.clock.today();
    let within = query.within_days;
    let (rows, total) = state
        .db
        .read(move |conn| {
            let days = match within {
                Some(d) => d,
                None => db::settings::policy(conn)?.evaluation_window_days,
            };
            let tree = db::agencies::tree(conn)?;
            let until = today + chrono::Days::new(u64::from(days));
            db::documents::expiring(
                conn,
                visible_agencies(&user, &tree),
                today,
                until,
                page.offset(),
                page.per_page,
            )
        })
        .await?;
    Ok(HttpResponse::Ok()
        .json(page.wrap(rows.into_iter().map(|r| DocumentView::new(r, today)).collect(), total)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContinueRequest {
    pub decided_on: NaiveDate,
    pub reason: String,
    /// The new end of validity, within the policy maximum counted from the decision.
    pub valid_until: NaiveDate,
}

/// Records the evaluation's decision that the document continues, with a new end of validity
/// (registrar or drafter of its agency).
#[utoipa::path(tag = "evolution", security(("bearer" = [])), request_body = ContinueRequest, responses(
    (status = 200, description = "Continued", body = DocumentView),
    (status = 403, description = "Not of the document's agency", body = Problem),
    (status = 404, description = "No such document in your scope", body = Problem),
    (status = 409, description = "Not published or already ended", body = Problem),
    (status = 422, description = "Invalid dates", body = Problem)
))]
#[post("/documents/{id}/continue")]
pub async fn continue_document(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: ApiJson<ContinueRequest>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&[Role::Registrar, Role::Drafter])?;
    let id: DocumentId = path_id(&id, "document")?;
    let req = body.0;
    let reason = text::paragraph(&req.reason, MAX_NOTE)
        .map_err(|e| AppError::invalid("reason", e.to_string()))?;
    let today = state.clock.today();
    if req.decided_on > today {
        return Err(AppError::invalid(
            "decided_on",
            "a decision cannot be recorded before it is made",
        ));
    }
    let now = state.clock.now().naive_utc();
    let actor = user.id.to_string();
    let doc = state
        .db
        .write(move |conn| {
            let mut doc = load_document(conn, &user, &id.to_string())?;
            require_own_agency(&user, &doc)?;
            require_living(&doc, "continued", today)?;
            let current = doc.valid_until.ok_or_else(|| AppError::internal("published without valid_until"))?;
            let max_years = db::settings::policy(conn)?.max_validity_years;
            let latest = req.decided_on.checked_add_months(Months::new(max_years * 12)).unwrap_or(req.decided_on);
            if req.valid_until <= current {
                return Err(AppError::invalid("valid_until", format!("must be after the current end of validity {current}")));
            }
            if req.valid_until > latest {
                return Err(AppError::invalid("valid_until", format!("must not pass {latest}, {max_years} years from the decision")));
            }
            doc.valid_until = Some(req.valid_until);
            doc.updated_at = now;
            db::documents::save(conn, &doc)?;
            db::expiry::watch(conn, &doc.id, req.valid_until)?;
            db::documents::note_event(conn, &doc, &actor, now, "continued", Some(&reason), serde_json::json!({"decided_on": req.decided_on, "previous_valid_until": current, "valid_until": req.valid_until}))?;
            Ok(doc)
        })
        .await?;
    Ok(HttpResponse::Ok().json(DocumentView::new(doc, today)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RepealRequest {
    pub repealed_on: NaiveDate,
    pub reason: String,
    /// The document that repeals it, if any.
    pub by_document_id: Option<uuid::Uuid>,
}

/// Repeals a published document from a date (registrar of its agency). History is kept.
#[utoipa::path(tag = "evolution", security(("bearer" = [])), request_body = RepealRequest, responses(
    (status = 200, description = "Repealed", body = DocumentView),
    (status = 403, description = "Not the registrar of the document's agency", body = Problem),
    (status = 404, description = "No such document in your scope", body = Problem),
    (status = 409, description = "Not published or already ended", body = Problem),
    (status = 422, description = "Invalid fields", body = Problem)
))]
#[post("/documents/{id}/repeal")]
pub async fn repeal(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: ApiJson<RepealRequest>,
) -> Result<HttpResponse, AppError> {
    let req = body.0;
    end_document(
        state,
        user,
        id,
        Validity::Repealed,
        "repealed_on",
        req.repealed_on,
        req.reason,
        req.by_document_id,
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclareInvalidRequest {
    pub declared_on: NaiveDate,
    pub reason: String,
}

/// Declares a published document invalid (宣布失效), e.g. as a cleanup outcome (registrar).
#[utoipa::path(tag = "evolution", security(("bearer" = [])), request_body = DeclareInvalidRequest, responses(
    (status = 200, description = "Declared invalid", body = DocumentView),
    (status = 403, description = "Not the registrar of the document's agency", body = Problem),
    (status = 404, description = "No such document in your scope", body = Problem),
    (status = 409, description = "Not published or already ended", body = Problem),
    (status = 422, description = "Invalid fields", body = Problem)
))]
#[post("/documents/{id}/declare-invalid")]
pub async fn declare_invalid(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: ApiJson<DeclareInvalidRequest>,
) -> Result<HttpResponse, AppError> {
    let req = body.0;
    end_document(
        state,
        user,
        id,
        Validity::DeclaredInvalid,
        "declared_on",
        req.declared_on,
        req.reason,
        None,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn end_document(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    end: Validity,
    date_field: &'static str,
    on: NaiveDate,
    reason: String,
    by: Option<uuid::Uuid>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&[Role::Registrar])?;
    let id: DocumentId = path_id(&id, "document")?;
    let reason = text::paragraph(&reason, MAX_NOTE)
        .map_err(|e| AppError::invalid("reason", e.to_string()))?;
    let today = state.clock.today();
    let now = state.clock.now().naive_utc();
    let actor = user.id.to_string();
    let doc = state
        .db
        .write(move |conn| {
            let mut doc = load_document(conn, &user, &id.to_string())?;
            require_own_agency(&user, &doc)?;
            let ending =
                Ending { end, date_field, on, reason: &reason, by: by.map(|b| b.to_string()) };
            end_living(conn, &mut doc, &ending, &actor, now, today, serde_json::json!({}))?;
            Ok(doc)
        })
        .await?;
    Ok(HttpResponse::Ok().json(DocumentView::new(doc, today)))
}

/// How a living document ends by decision: repealed (废止) or declared invalid (宣布失效).
pub(crate) struct Ending<'a> {
    pub end: Validity,
    /// The request field that carries `on`, named in a refusal.
    pub date_field: &'static str,
    pub on: NaiveDate,
    pub reason: &'a str,
    /// The document that repeals it.
    pub by: Option<String>,
}

/// The event each ending writes.
fn ending_action(end: Validity) -> Result<&'static str, AppError> {
    match end {
        Validity::Repealed => Ok("repealed"),
        Validity::DeclaredInvalid => Ok("declared_invalid"),
        other => Err(AppError::internal(format!("`{other}` is not an ending by decision"))),
    }
}

/// Ends a living document from a date with its one event, in the caller's transaction: the
/// single code path of `repeal`, `declare-invalid` and a closing cleanup campaign. `extra`
/// is merged into the event's payload (e.g. the campaign that decided it).
pub(crate) fn end_living(
    conn: &mut DbConn,
    doc: &mut DocumentRow,
    ending: &Ending<'_>,
    actor: &str,
    now: NaiveDateTime,
    today: NaiveDate,
    extra: serde_json::Value,
) -> Result<(), AppError> {
    let action = ending_action(ending.end)?;
    require_living(doc, "ended", today)?;
    if doc.published_on.is_some_and(|p| ending.on < p) {
        return Err(AppError::invalid(
            ending.date_field,
            "cannot end before the document was published",
        ));
    }
    if let Some(by) = &ending.by {
        let by_doc =
            db::documents::find(conn, by)?.filter(|d| d.status == Status::Published.as_str());
        if by_doc.is_none() {
            return Err(AppError::invalid("by_document_id", "no published document has this id"));
        }
        doc.ended_by_document_id = Some(by.clone());
    }
    db::expiry::unwatch(conn, &doc.id)?;
    doc.ended_state = Some(ending.end.as_str().into());
    doc.ended_on = Some(ending.on);
    doc.ended_reason = Some(ending.reason.to_string());
    doc.updated_at = now;
    db::documents::save(conn, doc)?;
    let mut payload =
        serde_json::json!({"on": ending.on, "by_document_id": doc.ended_by_document_id});
    if let (Some(p), serde_json::Value::Object(extra)) = (payload.as_object_mut(), extra) {
        p.extend(extra);
    }
    db::documents::note_event(conn, doc, actor, now, action, Some(ending.reason), payload)
}

/// Starts an amendment: a new draft version of the same document, which goes through its own
/// review, numbering and publication; when published, this version reads `amended`.
#[utoipa::path(tag = "evolution", security(("bearer" = [])), responses(
    (status = 201, description = "The new draft version", body = DocumentView),
    (status = 403, description = "Not a drafter of the document's agency", body = Problem),
    (status = 404, description = "No such document in your scope", body = Problem),
    (status = 409, description = "Not published, ended, or an amendment is already open", body = Problem)
))]
#[post("/documents/{id}/amend")]
pub async fn amend(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    user.require_any(&[Role::Drafter])?;
    let id: DocumentId = path_id(&id, "document")?;
    let today = state.clock.today();
    let now = state.clock.now().naive_utc();
    let actor = user.id.to_string();
    let draft = state
        .db
        .write(move |conn| {
            let doc = load_document(conn, &user, &id.to_string())?;
            require_own_agency(&user, &doc)?;
            start_amendment(conn, &doc, &actor, now, today, serde_json::json!({}))
        })
        .await?;
    Ok(HttpResponse::Created().json(DocumentView::new(draft, today)))
}

/// The amendment of `doc` still on its way to publication, if one was started.
pub(crate) fn open_amendment(
    conn: &mut DbConn,
    doc: &DocumentRow,
) -> Result<Option<DocumentRow>, AppError> {
    Ok(db::documents::versions(conn, &doc.lineage_id)?.into_iter().find(|v| {
        v.supersedes_id.as_deref() == Some(doc.id.as_str())
            && v.status != Status::Published.as_str()
    }))
}

/// Starts the amendment of a living document in the caller's transaction: a new draft version
/// with its own `amendment_started` event; the single code path of `amend` and of a cleanup
/// that decided `amend`. `extra` is merged into the event's payload.
pub(crate) fn start_amendment(
    conn: &mut DbConn,
    doc: &DocumentRow,
    actor: &str,
    now: NaiveDateTime,
    today: NaiveDate,
    extra: serde_json::Value,
) -> Result<DocumentRow, AppError> {
    require_living(doc, "amended", today)?;
    if open_amendment(conn, doc)?.is_some() {
        return Err(AppError::conflict(
            "amendment_open",
            "an amendment of this document is already in progress",
        ));
    }
    let versions = db::documents::versions(conn, &doc.lineage_id)?;
    let version = versions.iter().map(|v| v.version).max().unwrap_or(doc.version) + 1;
    // The new version starts from the text and settings of the one it amends, and nothing of
    // its workflow.
    let draft = DocumentRow {
        lineage_id: doc.lineage_id.clone(),
        version,
        provisional: doc.provisional,
        validity_years: doc.validity_years,
        legal_basis: doc.legal_basis.clone(),
        drafting_notes: doc.drafting_notes.clone(),
        affects_rights: doc.affects_rights,
        supersedes_id: Some(doc.id.clone()),
        ..DocumentRow::draft(
            DocumentId::new().to_string(),
            doc.agency_id.clone(),
            doc.title.clone(),
            doc.body.clone(),
            now,
        )
    };
    db::documents::insert(conn, &draft)?;
    db::documents::insert_revision(conn, &draft, Some(actor), now)?;
    let mut payload = serde_json::json!({"amends": doc.id, "version": version});
    if let (Some(p), serde_json::Value::Object(extra)) = (payload.as_object_mut(), extra) {
        p.extend(extra);
    }
    db::documents::insert_event(
        conn,
        &NewEvent {
            document_id: &draft.id,
            actor_id: Some(actor),
            at: now,
            action: "amendment_started",
            from_status: None,
            to_status: Some(Status::Draft.as_str()),
            reason: None,
            payload: Some(payload),
        },
    )?;
    Ok(draft)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// The day, `YYYY-MM-DD`.
    pub date: NaiveDate,
}

/// The text of a document as it stood on a day.
#[derive(Debug, Serialize, ToSchema)]
pub struct TextOnDate {
    pub date: NaiveDate,
    /// The version in force (or last published) on that day.
    pub document_id: String,
    pub version: i32,
    pub title: String,
    pub body: String,
    pub issuance_number: Option<String>,
    pub validity: Option<Validity>,
}

/// Point in time: which version's text applied on a date, and its validity then.
#[utoipa::path(tag = "evolution", security(("bearer" = [])), params(AsOfQuery), responses(
    (status = 200, description = "The text on that date", body = TextOnDate),
    (status = 404, description = "No version was published by that date", body = Problem)
))]
#[get("/documents/{id}/as-of")]
pub async fn as_of(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    query: web::Query<AsOfQuery>,
) -> Result<HttpResponse, AppError> {
    let id: DocumentId = path_id(&id, "document")?;
    let date = query.date;
    if !(1949..=2200).contains(&date.year()) {
        return Err(AppError::invalid("date", "out of range"));
    }
    let v = state
        .db
        .read(move |conn| {
            let doc = load_document(conn, &user, &id.to_string())?;
            let versions = db::documents::versions(conn, &doc.lineage_id)?;
            version_on(versions, date).ok_or(AppError::NotFound("version on that date"))
        })
        .await?;
    Ok(HttpResponse::Ok().json(TextOnDate {
        date,
        validity: validity_of(&v, date),
        document_id: v.id,
        version: v.version,
        title: v.title,
        body: v.body,
        issuance_number: v.issuance_number,
    }))
}

/// The latest published version that had taken effect on `date`, else the latest published by
/// then (not yet effective).
pub fn version_on(versions: Vec<DocumentRow>, date: NaiveDate) -> Option<DocumentRow> {
    let published: Vec<DocumentRow> = versions
        .into_iter()
        .filter(|v| {
            v.status == Status::Published.as_str() && v.published_on.is_some_and(|p| p <= date)
        })
        .collect();
    let effective = published
        .iter()
        .filter(|v| v.effective_on.is_some_and(|e| e <= date))
        .max_by_key(|v| v.version)
        .cloned();
    effective.or_else(|| published.into_iter().max_by_key(|v| v.version))
}
