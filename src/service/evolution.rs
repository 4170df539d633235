//! A published document's later life (立改废释): the documents due for evaluation before
//! expiry, continuation, amendment, repeal, declaration of invalidity, and its text on any
//! date. The single code paths that cleanup campaigns and interpretations share live here too:
//! [`require_living`], [`end_living`], [`open_amendment`] and [`start_amendment`].

mod as_of;

pub use as_of::{text_on, version_on};

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::db::{self, documents::NewEvent, DbConn};
use crate::domain::clock::Clock;
use crate::domain::document::{Document, EndKind, Ended};
use crate::domain::ids::{DocumentId, UserId};
use crate::domain::later_life::{
    check_decided_on, continued_until, end_by_decision, LaterLifeError, MAX_LOOKAHEAD_DAYS,
};
use crate::domain::lifecycle::Status;
use crate::domain::role::Role;
use crate::domain::text::{self, MAX_NOTE};
use crate::domain::validity::Validity;
use crate::error::AppError;
use crate::service::dates;
use crate::service::scope::{load_document, require_own_agency, visible_agencies};
use crate::service::Actor;

/// The problem a refusal of the later life answers: 409 with its code for a conflict with the
/// document's state, 422 on `field` for a value of the request, 500 for a broken invariant.
pub fn refusal(e: LaterLifeError, field: &'static str) -> AppError {
    match e.conflict_code() {
        Some(code) => AppError::conflict(code, e.to_string()),
        None if matches!(e, LaterLifeError::NotAnEnding(_)) => AppError::internal(e.to_string()),
        None => AppError::invalid(field, e.to_string()),
    }
}

/// A published document that has not ended by `today`, or 409 saying why `action` is
/// impossible (`not_published`, `already_ended`, `already_expired`).
pub fn require_living(
    doc: &Document,
    action: &'static str,
    today: NaiveDate,
) -> Result<(), AppError> {
    doc.standing().require_living(action, today).map_err(|e| refusal(e, "status"))
}

/// A decision's reason, trimmed and bounded, or 422 on `reason`.
pub(crate) fn reason(raw: &str) -> Result<String, AppError> {
    text::paragraph(raw, MAX_NOTE).map_err(|e| AppError::invalid("reason", e.to_string()))
}

/// Refuses a look-ahead (`within_days`) beyond [`MAX_LOOKAHEAD_DAYS`]; shared by the lists of
/// expiring documents and of deadlines.
pub fn check_within_days(within_days: Option<u32>) -> Result<(), AppError> {
    if within_days.is_some_and(|d| d > MAX_LOOKAHEAD_DAYS) {
        return Err(AppError::invalid("within_days", format!("at most {MAX_LOOKAHEAD_DAYS}")));
    }
    Ok(())
}

/// Documents of the caller's scope in force whose validity ends within `within_days` (default:
/// the policy's evaluation window): due for evaluation. Soonest first, with the total.
pub fn expiring(
    conn: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    within_days: Option<u32>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Document>, i64), AppError> {
    check_within_days(within_days)?;
    let today = clock.today();
    let days = match within_days {
        Some(d) => d,
        None => db::settings::policy(conn)?.evaluation_window_days,
    };
    let tree = db::agencies::tree(conn)?;
    let until = today + chrono::Days::new(u64::from(days));
    Ok(db::documents::expiring(conn, visible_agencies(actor, &tree), today, until, offset, limit)?)
}

// The evaluation's decision that a document continues.
// (`//`, not `///`: a doc comment would become the request schema's description.)
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ContinueRequest)]
pub struct Continuation {
    #[serde(deserialize_with = "crate::domain::dates::iso")]
    pub decided_on: NaiveDate,
    pub reason: String,
    /// The new end of validity, within the policy maximum counted from the decision.
    #[serde(deserialize_with = "crate::domain::dates::iso")]
    pub valid_until: NaiveDate,
}

/// Records that a living document continues with a new end of validity (registrar or drafter
/// of its agency), and moves its place in the expiry queue.
pub fn continue_document(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: DocumentId,
    input: Continuation,
) -> Result<Document, AppError> {
    actor.require_any(&[Role::Registrar, Role::Drafter])?;
    let dated = [("decided_on", Some(input.decided_on)), ("valid_until", Some(input.valid_until))];
    dates::require_in_range(tx, &dated)?;
    let reason = reason(&input.reason)?;
    let today = clock.today();
    check_decided_on(input.decided_on, today).map_err(|e| refusal(e, "decided_on"))?;
    let now = clock.now().naive_utc();
    let mut doc = load_document(tx, actor, id)?;
    require_own_agency(actor, &doc)?;
    require_living(&doc, "continued", today)?;
    let current =
        doc.valid_until.ok_or_else(|| AppError::internal("published without valid_until"))?;
    let max_years = db::settings::policy(tx)?.max_validity_years;
    let until = continued_until(current, input.valid_until, input.decided_on, max_years)
        .map_err(|e| refusal(e, "valid_until"))?;
    doc.valid_until = Some(until);
    doc.updated_at = now;
    db::documents::save(tx, &doc)?;
    db::expiry::watch(tx, doc.id, until)?;
    let payload = serde_json::json!({"decided_on": input.decided_on, "previous_valid_until": current, "valid_until": until});
    db::documents::note_event(tx, &doc, actor.id, now, "continued", Some(&reason), payload)?;
    Ok(doc)
}

// A repeal (废止) from a date, with the document that repeals it, if any.
// (`//`, not `///`: a doc comment would become the request schema's description.)
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RepealRequest)]
pub struct Repeal {
    /// Not before the document's publication.
    #[serde(deserialize_with = "crate::domain::dates::iso")]
    pub repealed_on: NaiveDate,
    pub reason: String,
    /// The document that repeals it, if any.
    #[schema(value_type = Option<uuid::Uuid>)]
    pub by_document_id: Option<DocumentId>,
}

/// Repeals a published document from a date (registrar of its agency). History is kept.
pub fn repeal(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: DocumentId,
    input: Repeal,
) -> Result<Document, AppError> {
    let end = Decided {
        end: Validity::Repealed,
        date_field: "repealed_on",
        on: input.repealed_on,
        by: input.by_document_id,
    };
    end_document(tx, actor, clock, id, &input.reason, end)
}

// A declaration of invalidity (宣布失效) from a date.
// (`//`, not `///`: a doc comment would become the request schema's description.)
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = DeclareInvalidRequest)]
pub struct Declaration {
    /// Not before the document's publication.
    #[serde(deserialize_with = "crate::domain::dates::iso")]
    pub declared_on: NaiveDate,
    pub reason: String,
}

/// Declares a published document invalid, e.g. as a cleanup outcome (registrar).
pub fn declare_invalid(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: DocumentId,
    input: Declaration,
) -> Result<Document, AppError> {
    let end = Decided {
        end: Validity::DeclaredInvalid,
        date_field: "declared_on",
        on: input.declared_on,
        by: None,
    };
    end_document(tx, actor, clock, id, &input.reason, end)
}

/// An ending as a request asks for it, before its reason is checked.
struct Decided {
    end: Validity,
    date_field: &'static str,
    on: NaiveDate,
    by: Option<DocumentId>,
}

/// The one path of `repeal` and `declare_invalid`: the registrar's checks, then [`end_living`].
fn end_document(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: DocumentId,
    raw_reason: &str,
    d: Decided,
) -> Result<Document, AppError> {
    actor.require_any(&[Role::Registrar])?;
    dates::require_in_range(tx, &[(d.date_field, Some(d.on))])?;
    let reason = reason(raw_reason)?;
    let (today, now) = (clock.today(), clock.now().naive_utc());
    let mut doc = load_document(tx, actor, id)?;
    require_own_agency(actor, &doc)?;
    let ending =
        Ending { end: d.end, date_field: d.date_field, on: d.on, reason: &reason, by: d.by };
    end_living(tx, &mut doc, &ending, actor.id, now, today, serde_json::json!({}))?;
    Ok(doc)
}

/// How a living document ends by decision: repealed (废止) or declared invalid (宣布失效).
pub struct Ending<'a> {
    pub end: Validity,
    /// The request field that carries `on`, named in a refusal.
    pub date_field: &'static str,
    pub on: NaiveDate,
    pub reason: &'a str,
    /// The document that repeals it.
    pub by: Option<DocumentId>,
}

/// Ends a living document from a date with its one event, in the caller's transaction: the
/// single code path of `repeal`, `declare-invalid` and a closing cleanup campaign. `extra`
/// is merged into the event's payload (e.g. the campaign that decided it).
pub fn end_living(
    conn: &mut DbConn,
    doc: &mut Document,
    ending: &Ending<'_>,
    actor: UserId,
    now: NaiveDateTime,
    today: NaiveDate,
    extra: serde_json::Value,
) -> Result<(), AppError> {
    let end = end_by_decision(&doc.standing(), ending.end, ending.on, doc.published_on, today)
        .map_err(|e| refusal(e, ending.date_field))?;
    let kind = EndKind::from_validity(end.state)
        .ok_or_else(|| refusal(LaterLifeError::NotAnEnding(end.state), ending.date_field))?;
    if let Some(by) = ending.by {
        if !is_published(conn, by)? {
            return Err(AppError::invalid("by_document_id", "no published document has this id"));
        }
    }
    db::expiry::unwatch(conn, doc.id)?;
    doc.ended =
        Some(Ended { kind, on: end.on, reason: Some(ending.reason.to_string()), by: ending.by });
    doc.updated_at = now;
    db::documents::save(conn, doc)?;
    let payload = with_extra(serde_json::json!({"on": end.on, "by_document_id": ending.by}), extra);
    Ok(db::documents::note_event(conn, doc, actor, now, end.event, Some(ending.reason), payload)?)
}

/// Whether `id` names a published document (one that can repeal another).
pub fn is_published(conn: &mut DbConn, id: DocumentId) -> Result<bool, AppError> {
    Ok(db::documents::find(conn, id)?.is_some_and(|d| d.status == Status::Published))
}

/// `payload` with the fields of `extra` merged in.
fn with_extra(mut payload: serde_json::Value, extra: serde_json::Value) -> serde_json::Value {
    if let (Some(p), serde_json::Value::Object(extra)) = (payload.as_object_mut(), extra) {
        p.extend(extra);
    }
    payload
}

/// Starts an amendment (drafter of the document's agency): a new draft version of the same
/// document, which goes through its own review, numbering and publication; when published,
/// this version reads `amended`.
pub fn amend(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: DocumentId,
) -> Result<Document, AppError> {
    actor.require_any(&[Role::Drafter])?;
    let (today, now) = (clock.today(), clock.now().naive_utc());
    let doc = load_document(tx, actor, id)?;
    require_own_agency(actor, &doc)?;
    start_amendment(tx, &doc, actor.id, now, today, serde_json::json!({}))
}

/// The amendment of `doc` still on its way to publication, if one was started.
pub fn open_amendment(conn: &mut DbConn, doc: &Document) -> Result<Option<Document>, AppError> {
    Ok(db::documents::versions(conn, doc.lineage_id)?
        .into_iter()
        .find(|v| v.supersedes_id == Some(doc.id) && v.status != Status::Published))
}

/// Starts the amendment of a living document in the caller's transaction: a new draft version
/// with its own `amendment_started` event; the single code path of `amend` and of a cleanup
/// that decided `amend`. `extra` is merged into the event's payload.
pub fn start_amendment(
    conn: &mut DbConn,
    doc: &Document,
    actor: UserId,
    now: NaiveDateTime,
    today: NaiveDate,
    extra: serde_json::Value,
) -> Result<Document, AppError> {
    require_living(doc, EndKind::Amended.as_str(), today)?;
    if open_amendment(conn, doc)?.is_some() {
        return Err(refusal(LaterLifeError::AmendmentOpen, "id"));
    }
    let versions = db::documents::versions(conn, doc.lineage_id)?;
    let version = versions.iter().map(|v| v.version).max().unwrap_or(doc.version) + 1;
    let draft = amendment_draft(doc, version, now);
    db::documents::insert(conn, &draft)?;
    db::documents::insert_revision(conn, &draft, Some(actor), now)?;
    crate::service::citations::record(conn, &draft)?;
    let payload = with_extra(serde_json::json!({"amends": doc.id, "version": version}), extra);
    db::documents::insert_event(
        conn,
        &NewEvent {
            document_id: draft.id,
            actor_id: Some(actor),
            at: now,
            action: "amendment_started",
            from_status: None,
            to_status: Some(Status::Draft),
            reason: None,
            payload: Some(payload),
        },
    )?;
    Ok(draft)
}

/// The new version starts from the text and settings of the one it amends, and nothing of its
/// workflow.
fn amendment_draft(doc: &Document, version: i32, now: NaiveDateTime) -> Document {
    Document {
        lineage_id: doc.lineage_id,
        version,
        provisional: doc.provisional,
        validity_years: doc.validity_years,
        legal_basis: doc.legal_basis.clone(),
        drafting_notes: doc.drafting_notes.clone(),
        affects_rights: doc.affects_rights,
        supersedes_id: Some(doc.id),
        ..Document::draft(
            DocumentId::new(),
            doc.agency_id,
            doc.title.clone(),
            doc.body.clone(),
            now,
        )
    }
}
