//! Drafting: create, edit, list and read documents in the caller's scope, and their history.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::db::{self, documents::NewEvent, DbConn};
use crate::domain::clock::Clock;
use crate::domain::document::{Document, DocumentEvent};
use crate::domain::ids::{AgencyId, DocumentId};
use crate::domain::lifecycle::{Action, Status};
use crate::domain::role::Role;
use crate::domain::text;
use crate::domain::text::{MAX_BODY, MAX_NOTE, MAX_TITLE};
use crate::error::{AppError, FieldError};
use crate::service::actor::Actor;
use crate::service::scope::{load_document, require_own_agency, visible_agencies};
use crate::service::step::next_status;

// A new draft as the drafter sent it; [`create`] checks every field.
// (`//`, not `///`: a doc comment would become the request schema's description.)
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateDocument)]
pub struct NewDraft {
    pub title: String,
    pub body: String,
    /// 暂行/试行: valid 2 years by default. Titles with 暂行 or 试行 are provisional anyway.
    pub provisional: Option<bool>,
    /// Stated validity in years; the policy maximum applies.
    pub validity_years: Option<i32>,
    /// 制定依据
    pub legal_basis: Option<String>,
    /// 起草说明
    pub drafting_notes: Option<String>,
    /// Whether the document affects the rights and obligations of the public (consultation).
    pub affects_rights: Option<bool>,
}

// Changes to a draft as the drafter sent them; absent fields stay, an empty note clears it.
// (`//`, not `///`: a doc comment would become the request schema's description.)
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = EditDocument)]
pub struct DraftChanges {
    pub title: Option<String>,
    pub body: Option<String>,
    pub provisional: Option<bool>,
    pub validity_years: Option<i32>,
    /// An empty string clears it.
    pub legal_basis: Option<String>,
    /// An empty string clears it.
    pub drafting_notes: Option<String>,
    pub affects_rights: Option<bool>,
}

/// [`DraftChanges`] checked: the notes are `Some(None)` when cleared.
struct CheckedChanges {
    title: Option<String>,
    body: Option<String>,
    provisional: Option<bool>,
    validity_years: Option<i32>,
    legal_basis: Option<Option<String>>,
    drafting_notes: Option<Option<String>>,
    affects_rights: Option<bool>,
}

/// Parses an optional note; `Some("")` clears it.
fn note(field: &str, raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<Option<String>> {
    let raw = raw?;
    if raw.trim().is_empty() {
        return Some(None);
    }
    match text::paragraph(raw, MAX_NOTE) {
        Ok(t) => Some(Some(t)),
        Err(e) => {
            errors.push(FieldError::new(field, e.to_string()));
            None
        }
    }
}

fn validity_years(raw: Option<i32>, errors: &mut Vec<FieldError>) -> Option<i32> {
    let v = raw?;
    if (1..=50).contains(&v) {
        Some(v)
    } else {
        errors.push(FieldError::new("validity_years", "must be between 1 and 50"));
        None
    }
}

impl NewDraft {
    /// The first revision of the draft in `agency`, or every invalid field at once.
    fn into_document(
        self,
        agency: AgencyId,
        now: chrono::NaiveDateTime,
    ) -> Result<Document, AppError> {
        let mut errors = Vec::new();
        let title = text::line(&self.title, MAX_TITLE)
            .map_err(|e| errors.push(FieldError::new("title", e.to_string())));
        let text_body = text::paragraph(&self.body, MAX_BODY)
            .map_err(|e| errors.push(FieldError::new("body", e.to_string())));
        let legal_basis = note("legal_basis", self.legal_basis.as_deref(), &mut errors).flatten();
        let drafting_notes =
            note("drafting_notes", self.drafting_notes.as_deref(), &mut errors).flatten();
        let years = validity_years(self.validity_years, &mut errors);
        let (Ok(title), Ok(text_body)) = (title, text_body) else {
            return Err(AppError::invalid_fields(errors));
        };
        if !errors.is_empty() {
            return Err(AppError::invalid_fields(errors));
        }
        Ok(Document {
            provisional: self.provisional.unwrap_or(false),
            validity_years: years,
            legal_basis,
            drafting_notes,
            affects_rights: self.affects_rights.unwrap_or(false),
            ..Document::draft(DocumentId::new(), agency, title, text_body, now)
        })
    }
}

impl DraftChanges {
    fn checked(self) -> Result<CheckedChanges, AppError> {
        let mut errors = Vec::new();
        let title = self.title.as_deref().map(|t| {
            text::line(t, MAX_TITLE)
                .map_err(|e| errors.push(FieldError::new("title", e.to_string())))
        });
        let body = self.body.as_deref().map(|b| {
            text::paragraph(b, MAX_BODY)
                .map_err(|e| errors.push(FieldError::new("body", e.to_string())))
        });
        let legal_basis = note("legal_basis", self.legal_basis.as_deref(), &mut errors);
        let drafting_notes = note("drafting_notes", self.drafting_notes.as_deref(), &mut errors);
        let validity_years = validity_years(self.validity_years, &mut errors);
        if !errors.is_empty() {
            return Err(AppError::invalid_fields(errors));
        }
        Ok(CheckedChanges {
            title: title.and_then(Result::ok),
            body: body.and_then(Result::ok),
            provisional: self.provisional,
            validity_years,
            legal_basis,
            drafting_notes,
            affects_rights: self.affects_rights,
        })
    }
}

impl CheckedChanges {
    /// Changes the document in memory; answers whether its title or text changed.
    fn apply(self, doc: &mut Document) -> bool {
        let text_changed = self.title.as_ref().is_some_and(|t| *t != doc.title)
            || self.body.as_ref().is_some_and(|b| *b != doc.body);
        if let Some(t) = self.title {
            doc.title = t;
        }
        if let Some(b) = self.body {
            doc.body = b;
        }
        if let Some(p) = self.provisional {
            doc.provisional = p;
        }
        if self.validity_years.is_some() {
            doc.validity_years = self.validity_years;
        }
        if let Some(l) = self.legal_basis {
            doc.legal_basis = l;
        }
        if let Some(d) = self.drafting_notes {
            doc.drafting_notes = d;
        }
        if let Some(a) = self.affects_rights {
            doc.affects_rights = a;
        }
        text_changed
    }
}

/// Creates a draft in the caller's agency (drafter), with its first revision and event.
pub fn create(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    draft: NewDraft,
) -> Result<Document, AppError> {
    actor.require_any(&[Role::Drafter])?;
    let agency = actor.agency()?;
    let now = clock.now().naive_utc();
    let doc = draft.into_document(agency, now)?;
    db::documents::insert(tx, &doc)?;
    db::documents::insert_revision(tx, &doc, Some(actor.id), now)?;
    crate::service::citations::record(tx, &doc)?;
    db::documents::insert_event(
        tx,
        &NewEvent {
            document_id: doc.id,
            actor_id: Some(actor.id),
            at: now,
            action: "created",
            from_status: None,
            to_status: Some(Status::Draft),
            reason: None,
            payload: Some(serde_json::json!({"revision": 1, "title": doc.title})),
        },
    )?;
    Ok(doc)
}

/// Which documents of the caller's scope to list, and which page of them.
#[derive(Clone, Debug, Default)]
pub struct DocumentQuery {
    pub status: Option<Status>,
    /// Words of the title; blank means any.
    pub q: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

/// A page of the documents of the caller's scope, and how many there are in all.
pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    query: DocumentQuery,
) -> Result<(Vec<Document>, i64), AppError> {
    let q = query.q.filter(|q| !q.trim().is_empty()).map(|q| q.trim().to_string());
    let tree = db::agencies::tree(conn)?;
    let filter = db::documents::ListFilter {
        agencies: visible_agencies(actor, &tree),
        status: query.status,
        q,
    };
    Ok(db::documents::list(conn, &filter, query.offset, query.limit)?)
}

/// One document of the caller's scope, or 404.
pub fn get(conn: &mut DbConn, actor: &Actor, id: DocumentId) -> Result<Document, AppError> {
    load_document(conn, actor, id)
}

/// A document of the caller's scope as its page reads it: the document, its citations both
/// ways as the caller may see them, and the structure of its text.
pub struct Reading {
    pub document: Document,
    pub citations: crate::service::citations::Citations,
    pub structure: Vec<crate::domain::structure::Unit>,
}

/// [`get`] with what the reading adds, or 404.
pub fn read(
    conn: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: DocumentId,
) -> Result<Reading, AppError> {
    let document = load_document(conn, actor, id)?;
    let citations =
        crate::service::citations::internal_of(conn, actor, document.id, clock.today())?;
    let structure = crate::domain::structure::parse(&document.body).units;
    Ok(Reading { document, citations, structure })
}

/// Edits a draft while it is `draft` or `revision_required` (drafter of its agency). A change
/// of title or text makes a new revision; every revision is kept.
pub fn edit(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: DocumentId,
    changes: DraftChanges,
) -> Result<Document, AppError> {
    actor.require_any(Action::Edit.allowed_roles())?;
    let changes = changes.checked()?;
    let now = clock.now().naive_utc();
    let mut doc = load_document(tx, actor, id)?;
    require_own_agency(actor, &doc)?;
    next_status(&doc, Action::Edit)?;
    let text_changed = changes.apply(&mut doc);
    if text_changed {
        doc.revision += 1;
        db::documents::insert_revision(tx, &doc, Some(actor.id), now)?;
    }
    doc.updated_at = now;
    db::documents::save(tx, &doc)?;
    // The legal basis may change without a new revision: its citations are stored again too.
    crate::service::citations::record(tx, &doc)?;
    db::documents::note_event(
        tx,
        &doc,
        actor.id,
        now,
        Action::Edit.event(),
        None,
        serde_json::json!({"revision": doc.revision, "text_changed": text_changed}),
    )?;
    Ok(doc)
}

/// One event of a document's history, its reason filled in.
#[derive(Clone, Debug)]
pub struct HistoryEntry {
    pub event: DocumentEvent,
    /// The event's own reason, or the text its action stands for (expiry).
    pub reason: Option<String>,
}

impl HistoryEntry {
    fn new(event: DocumentEvent) -> Self {
        // Expiry events are written by the million and carry no text of their own.
        let reason = event
            .reason
            .clone()
            .or_else(|| db::expiry::reason_of(&event.action).map(str::to_string));
        Self { event, reason }
    }
}

/// Every event of the document and its other versions, oldest first: who, when, what, why.
pub fn history(
    conn: &mut DbConn,
    actor: &Actor,
    id: DocumentId,
) -> Result<Vec<HistoryEntry>, AppError> {
    let doc = load_document(conn, actor, id)?;
    let ids: Vec<DocumentId> =
        db::documents::versions(conn, doc.lineage_id)?.into_iter().map(|v| v.id).collect();
    Ok(db::documents::events_of(conn, &ids)?.into_iter().map(HistoryEntry::new).collect())
}
