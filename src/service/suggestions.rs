//! Citizens' review suggestions (审查建议): anyone may ask the filing authority to review a
//! published document and follow the answer with a tracking code; the authority's filing
//! reviewers read their inbox and reply.

use std::net::IpAddr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::db::{self, DbConn};
use crate::domain::clock::Clock;
use crate::domain::ids::{DocumentId, SuggestionId};
use crate::domain::role::Role;
use crate::domain::suggestion::Suggestion;
use crate::domain::text;
use crate::error::{AppError, FieldError};
use crate::service::actor::Actor;

/// Longest suggestion accepted, in characters.
pub const MAX_SUGGESTION: usize = 10_000;

/// Suggestions one client address may send per hour: enough for a person, not for a flood.
/// An abuse limit rather than a rule of the jurisdiction, so not a policy setting.
pub const SUGGESTIONS_PER_HOUR: i64 = 5;

/// Letters and digits that cannot be misread for one another (no 0/O, 1/I).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A fresh tracking code, `JY-XXXX-XXXX-XXXX`: 60 random bits, so codes cannot be guessed.
fn new_tracking_code() -> String {
    new_code("JY")
}

/// A fresh code `{prefix}-XXXX-XXXX-XXXX` (public comments use their own prefix).
pub(crate) fn new_code(prefix: &str) -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    let chars: String = (0..12)
        .map(|_| char::from(CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())]))
        .collect();
    format!("{prefix}-{}-{}-{}", &chars[0..4], &chars[4..8], &chars[8..12])
}

/// The stored form of a tracking code as a person may type it: any case, with or without
/// dashes and spaces. `None` when it cannot be one.
pub fn canonical_tracking_code(raw: &str) -> Option<String> {
    canonical_code("JY", raw)
}

/// [`canonical_tracking_code`] for codes of `prefix`.
pub(crate) fn canonical_code(prefix: &str, raw: &str) -> Option<String> {
    let chars: String =
        raw.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_uppercase();
    let rest = chars.strip_prefix(prefix)?;
    if rest.len() != 12 || !rest.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
        return None;
    }
    Some(format!("{prefix}-{}-{}-{}", &rest[0..4], &rest[4..8], &rest[8..12]))
}

/// The rate-limit key of a client (its address from `auth::client_address`, as every
/// per-client limit has it): a hash, so addresses are not stored.
pub fn client_key(addr: IpAddr) -> String {
    let addr = addr.to_string();
    Sha256::digest(addr.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionReceipt {
    /// Keep it to follow the suggestion.
    pub tracking_code: String,
    /// The filing authority answers by this date.
    pub due_on: NaiveDate,
}

pub use crate::domain::suggestion::SuggestionStatus;

/// What anyone holding the tracking code sees: never the contact.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SuggestionTracking {
    pub tracking_code: String,
    #[schema(value_type = String)]
    pub document_id: DocumentId,
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

fn tracking_view(s: Suggestion, title: String, today: NaiveDate) -> SuggestionTracking {
    let status = s.status;
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

/// The title of the document a suggestion is about, empty when it is no longer public.
fn document_title(conn: &mut DbConn, document_id: DocumentId) -> Result<String, AppError> {
    Ok(db::public::find_published(conn, document_id)?.map(|d| d.title).unwrap_or_default())
}

/// A checked suggestion: the document it is about, its text and an optional contact.
#[derive(Debug)]
pub struct SuggestionInput {
    pub document_id: DocumentId,
    pub content: String,
    pub contact: Option<String>,
}

impl SuggestionInput {
    /// Checks the fields as sent, every fault named; a blank contact is none.
    pub fn parse(
        document_id: &str,
        content: &str,
        contact: Option<&str>,
    ) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        let document_id = document_id.trim().parse::<DocumentId>().map_err(|_| {
            errors.push(FieldError::new("document_id", "must be the id of a published document"));
        });
        let content = text::paragraph(content, MAX_SUGGESTION)
            .map_err(|e| errors.push(FieldError::new("content", e.to_string())));
        let contact = match contact.map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => text::line(c, 200)
                .map_err(|e| errors.push(FieldError::new("contact", e.to_string())))
                .ok(),
        };
        let (Ok(document_id), Ok(content), true) = (document_id, content, errors.is_empty()) else {
            return Err(AppError::invalid_fields(errors));
        };
        Ok(Self { document_id, content, contact })
    }
}

/// Records a suggestion about a published document for its filing authority, at most
/// [`SUGGESTIONS_PER_HOUR`] from one client (`client`, from [`client_key`]).
pub fn submit(
    tx: &mut DbConn,
    clock: &dyn Clock,
    client: String,
    input: SuggestionInput,
) -> Result<SuggestionReceipt, AppError> {
    let now = clock.now().naive_utc();
    let today = clock.today();
    let since = now - chrono::Duration::hours(1);
    if db::suggestions::from_client_since(tx, &client, since)? >= SUGGESTIONS_PER_HOUR {
        return Err(AppError::TooManyRequests(format!(
            "at most {SUGGESTIONS_PER_HOUR} suggestions an hour from one address; try again later"
        )));
    }
    let doc = db::public::find_published(tx, input.document_id)?
        .ok_or_else(|| AppError::invalid("document_id", "no published document has this id"))?;
    let agency = doc.agency_id;
    // A document of the top of the tree has no filing authority inside the service; its own
    // agency then answers rather than nobody.
    let authority = db::agencies::tree(tx)?.filing_authority(agency).unwrap_or(agency);
    let policy = db::settings::policy(tx)?;
    let due_on = db::calendar::load(tx)?.add_calendar_days(today, policy.suggestion_reply_days);
    let row = Suggestion {
        id: SuggestionId::new(),
        tracking_code: new_tracking_code(),
        document_id: doc.id,
        authority_id: authority,
        content: input.content,
        contact: input.contact,
        client_key: client,
        status: SuggestionStatus::Received,
        received_on: today,
        due_on,
        reply: None,
        outcome: None,
        replied_on: None,
        replied_by: None,
        created_at: now,
    };
    db::suggestions::insert(tx, &row)?;
    // The contact stays out of the record: it is personal, and the chain is kept for ever.
    let detail = serde_json::json!({ "document_id": row.document_id, "content": row.content });
    db::audit::record(tx, &subject(row.id), None, now, "received", Some(&detail))?;
    Ok(SuggestionReceipt { tracking_code: row.tracking_code, due_on })
}

/// A suggestion by its tracking code, in any spelling a person may type; 404 for a code that
/// does not exist.
pub fn track(
    conn: &mut DbConn,
    clock: &dyn Clock,
    code: &str,
) -> Result<SuggestionTracking, AppError> {
    let code = canonical_tracking_code(code).ok_or(AppError::NotFound("review suggestion"))?;
    let s = db::suggestions::find_by_code(conn, &code)?
        .ok_or(AppError::NotFound("review suggestion"))?;
    let title = document_title(conn, s.document_id)?;
    Ok(tracking_view(s, title, clock.today()))
}

/// A suggestion as its filing authority sees it, with the contact.
#[derive(Debug)]
pub struct AddressedSuggestion {
    pub id: SuggestionId,
    pub tracking: SuggestionTracking,
    pub content: String,
    pub contact: Option<String>,
}

fn addressed(
    conn: &mut DbConn,
    s: Suggestion,
    today: NaiveDate,
) -> Result<AddressedSuggestion, AppError> {
    let title = document_title(conn, s.document_id)?;
    let (id, content, contact) = (s.id, s.content.clone(), s.contact.clone());
    Ok(AddressedSuggestion { id, tracking: tracking_view(s, title, today), content, contact })
}

/// The suggestions addressed to the caller's agency, earliest deadline first, `limit` from
/// `offset`, and how many there are (filing reviewer).
pub fn inbox(
    conn: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    offset: i64,
    limit: i64,
) -> Result<(Vec<AddressedSuggestion>, i64), AppError> {
    actor.require_any(&[Role::FilingReviewer])?;
    let agency = actor.agency()?;
    let today = clock.today();
    let (rows, total) = db::suggestions::addressed_to(conn, agency, offset, limit)?;
    let items = rows.into_iter().map(|s| addressed(conn, s, today)).collect::<Result<_, _>>()?;
    Ok((items, total))
}

// A reply as sent, checked by [`reply`].
// (`//`, not `///`: a doc comment would become the request schema's description.)
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SuggestionReply)]
pub struct ReplyText {
    /// The public reply.
    pub reply: String,
    /// e.g. `no_problem_found`, `correction_ordered`, `revoked`: free text, shown publicly.
    pub outcome: String,
}

/// Answers the suggestion `id` (filing reviewer of the authority it is addressed to); 404 for
/// a malformed id or one addressed elsewhere, 409 when it was answered already.
pub fn reply(
    tx: &mut DbConn,
    actor: &Actor,
    clock: &dyn Clock,
    id: &str,
    text: ReplyText,
) -> Result<AddressedSuggestion, AppError> {
    actor.require_any(&[Role::FilingReviewer])?;
    let agency = actor.agency()?;
    let id: SuggestionId = id.parse().map_err(|_| AppError::NotFound("review suggestion"))?;
    let mut errors = Vec::new();
    let reply = text::paragraph(&text.reply, MAX_SUGGESTION)
        .map_err(|e| errors.push(FieldError::new("reply", e.to_string())));
    let outcome = text::line(&text.outcome, 100)
        .map_err(|e| errors.push(FieldError::new("outcome", e.to_string())));
    let (Ok(reply), Ok(outcome)) = (reply, outcome) else {
        return Err(AppError::invalid_fields(errors));
    };
    let today = clock.today();
    let mut s = db::suggestions::find(tx, id)?
        .filter(|s| s.authority_id == agency)
        .ok_or(AppError::NotFound("review suggestion"))?;
    if s.status == SuggestionStatus::Replied {
        return Err(AppError::conflict(
            "already_replied",
            "this suggestion has been answered already",
        ));
    }
    s.status = SuggestionStatus::Replied;
    s.reply = Some(reply);
    s.outcome = Some(outcome);
    s.replied_on = Some(today);
    s.replied_by = Some(actor.id);
    db::suggestions::save_reply(tx, &s)?;
    let detail = serde_json::json!({ "reply": s.reply, "outcome": s.outcome });
    let at = clock.now().naive_utc();
    db::audit::record(tx, &subject(s.id), Some(actor.id), at, "replied", Some(&detail))?;
    addressed(tx, s, today)
}

/// The audit chain of a suggestion.
fn subject(id: SuggestionId) -> String {
    format!("suggestion:{id}")
}
