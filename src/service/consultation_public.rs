//! Public consultation (征求意见), the public's side: open and closed consultations with the
//! text as consulted, a comment while one is open (rate-limited per client address, followed
//! by a tracking code), and once closed the feedback (意见采纳情况). A comment's contact and
//! its full text never leave through here: the feedback shows the drafter's summary.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{self, consultations::PublicFilter, DbConn};
use crate::domain::clock::{beijing, Clock};
use crate::domain::consultation::{
    Comment, CommentStatus, Consultation, ConsultationStatus, Disposition, DispositionCounts,
};
use crate::domain::ids::{AgencyId, CommentId, ConsultationId, DocumentId};
use crate::domain::text;
use crate::error::{AppError, FieldError};
use crate::service::consultation::chain_subject;
use crate::service::suggestions::{canonical_code, new_code};

/// Longest comment accepted, in characters.
pub const MAX_COMMENT: usize = 10_000;

/// Comments one client address may send per hour: a person commenting article by article,
/// not a flood. An abuse limit rather than a rule of the jurisdiction, so not a policy setting.
pub const COMMENTS_PER_HOUR: i64 = 10;

/// The prefix of a comment's tracking code (意见).
const CODE_PREFIX: &str = "YJ";

/// A consultation in a public list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicConsultationSummary {
    #[schema(value_type = String)]
    pub id: ConsultationId,
    #[schema(value_type = String)]
    pub document_id: DocumentId,
    #[schema(value_type = String)]
    pub agency_id: AgencyId,
    pub title: String,
    pub status: ConsultationStatus,
    /// The status in Chinese.
    pub status_label: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub affects_businesses: bool,
}

impl PublicConsultationSummary {
    fn new(c: &Consultation, today: NaiveDate) -> Self {
        let status = c.status(today);
        Self {
            id: c.id,
            document_id: c.document_id,
            agency_id: c.agency_id,
            title: c.title.clone(),
            status,
            status_label: status.chinese().to_string(),
            opens_on: c.opens_on,
            closes_on: c.closes_on,
            affects_businesses: c.affects_businesses,
        }
    }
}

/// One comment as the feedback publishes it: the drafter's summary, never the comment's text,
/// name or contact.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FeedbackItem {
    pub article: Option<String>,
    pub summary: String,
    pub disposition: Disposition,
    pub reason: String,
}

/// 意见采纳情况: published once the consultation closed.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Feedback {
    pub comments: i64,
    pub counts: DispositionCounts,
    pub items: Vec<FeedbackItem>,
}

/// One consultation with the text as consulted.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicConsultation {
    #[serde(flatten)]
    pub summary: PublicConsultationSummary,
    pub body: String,
    pub drafting_notes: Option<String>,
    pub short_period_reason: Option<String>,
    /// Present once the consultation closed.
    pub feedback: Option<Feedback>,
}

fn feedback(comments: &[Comment]) -> Feedback {
    let mut counts = DispositionCounts::default();
    let mut items = Vec::new();
    for m in comments {
        if let (Some(d), Some(reason), Some(summary)) = (m.disposition, &m.reason, &m.summary) {
            counts.add(d);
            items.push(FeedbackItem {
                article: m.article.clone(),
                summary: summary.clone(),
                disposition: d,
                reason: reason.clone(),
            });
        }
    }
    Feedback { comments: comments.len() as i64, counts, items }
}

/// A page of consultations, latest first, of the agency with the code `agency` and in one
/// status if asked.
pub fn list(
    conn: &mut DbConn,
    clock: &dyn Clock,
    agency: Option<&str>,
    status: Option<ConsultationStatus>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<PublicConsultationSummary>, i64), AppError> {
    let today = clock.today();
    let agency = match agency.map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        Some(code) => Some(
            db::agencies::find_by_code(conn, code)?
                .ok_or_else(|| {
                    AppError::invalid("agency", format!("no agency has the code `{code}`"))
                })?
                .id,
        ),
    };
    let filter = PublicFilter { agency, status, today };
    let (rows, total) = db::consultations::list(conn, &filter, offset, limit)?;
    Ok((rows.iter().map(|c| PublicConsultationSummary::new(c, today)).collect(), total))
}

/// The consultations held on a document's draft, oldest first (for its published page).
pub fn of_document(
    conn: &mut DbConn,
    id: DocumentId,
    today: NaiveDate,
) -> Result<Vec<PublicConsultationSummary>, AppError> {
    let rows = db::consultations::of_document(conn, id)?;
    Ok(rows.iter().map(|c| PublicConsultationSummary::new(c, today)).collect())
}

/// One consultation with its text and, once closed, its feedback.
pub fn get(
    conn: &mut DbConn,
    clock: &dyn Clock,
    id: ConsultationId,
) -> Result<PublicConsultation, AppError> {
    let today = clock.today();
    let c = db::consultations::find(conn, id)?.ok_or(AppError::NotFound("consultation"))?;
    let status = c.status(today);
    let feedback = if status == ConsultationStatus::Closed {
        Some(feedback(&db::consultations::comments_of(conn, c.id)?))
    } else {
        None
    };
    Ok(PublicConsultation {
        summary: PublicConsultationSummary::new(&c, today),
        body: c.body,
        drafting_notes: c.drafting_notes,
        short_period_reason: c.short_period_reason,
        feedback,
    })
}

/// A comment as sent, checked by [`CommentInput::parse`].
#[derive(Debug)]
pub struct CommentInput {
    pub content: String,
    pub article: Option<String>,
    pub name: Option<String>,
    pub contact: Option<String>,
}

impl CommentInput {
    /// Checks the fields as sent, every fault named; a blank optional field is none.
    pub fn parse(
        content: &str,
        article: Option<&str>,
        name: Option<&str>,
        contact: Option<&str>,
    ) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        let content = text::paragraph(content, MAX_COMMENT)
            .map_err(|e| errors.push(FieldError::new("content", e.to_string())))
            .ok();
        let mut line = |field: &str, raw: Option<&str>, max: usize| {
            let raw = raw.map(str::trim).filter(|r| !r.is_empty())?;
            text::line(raw, max)
                .map_err(|e| errors.push(FieldError::new(field, e.to_string())))
                .ok()
        };
        let article = line("article", article, 50);
        let name = line("name", name, 100);
        let contact = line("contact", contact, 200);
        match content {
            Some(content) if errors.is_empty() => Ok(Self { content, article, name, contact }),
            _ => Err(AppError::invalid_fields(errors)),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentReceipt {
    /// Keep it to read the drafter's disposition.
    pub tracking_code: String,
}

/// Records a comment on an open consultation, at most [`COMMENTS_PER_HOUR`] from one client
/// (`client`, from `suggestions::client_key`); 409 before it opens and after it closes.
pub fn comment(
    tx: &mut DbConn,
    clock: &dyn Clock,
    client: String,
    id: ConsultationId,
    input: CommentInput,
) -> Result<CommentReceipt, AppError> {
    let now = clock.now().naive_utc();
    let today = clock.today();
    let c = db::consultations::find(tx, id)?.ok_or(AppError::NotFound("consultation"))?;
    match c.status(today) {
        ConsultationStatus::Open => {}
        ConsultationStatus::Scheduled => {
            return Err(AppError::conflict(
                "consultation_not_open",
                format!("comments are taken from {}", c.opens_on),
            ))
        }
        ConsultationStatus::Closed => {
            return Err(AppError::conflict(
                "consultation_closed",
                format!("the consultation closed on {}", c.closes_on),
            ))
        }
    }
    let since = now - chrono::Duration::hours(1);
    if db::consultations::comments_from_client_since(tx, &client, since)? >= COMMENTS_PER_HOUR {
        return Err(AppError::TooManyRequests(format!(
            "at most {COMMENTS_PER_HOUR} comments an hour from one address; try again later"
        )));
    }
    let row = Comment {
        id: CommentId::new(),
        consultation_id: c.id,
        tracking_code: new_code(CODE_PREFIX),
        content: input.content,
        article: input.article,
        name: input.name,
        contact: input.contact,
        client_key: client,
        received_at: now,
        disposition: None,
        reason: None,
        summary: None,
        disposed_on: None,
        disposed_by: None,
    };
    db::consultations::insert_comment(tx, &row)?;
    // The comment goes onto its consultation's hash chain, so that a comment deleted or
    // rewritten later is found by `normreg verify`. Name and contact stay out of the record:
    // they are personal, and the chain is kept for ever.
    let detail = serde_json::json!({
        "comment_id": row.id,
        "tracking_code": row.tracking_code,
        "article": row.article,
        "content": row.content,
    });
    db::audit::record(tx, &chain_subject(c.id), None, now, "comment_received", Some(&detail))?;
    Ok(CommentReceipt { tracking_code: row.tracking_code })
}

/// What anyone holding the tracking code sees: never the contact.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CommentTracking {
    pub tracking_code: String,
    #[schema(value_type = String)]
    pub consultation_id: ConsultationId,
    pub consultation_title: String,
    pub status: CommentStatus,
    /// The status in Chinese.
    pub status_label: String,
    pub received_on: NaiveDate,
    pub disposition: Option<Disposition>,
    pub reason: Option<String>,
    pub summary: Option<String>,
}

/// A comment by its tracking code in any spelling a person may type; 404 for none.
pub fn track(conn: &mut DbConn, code: &str) -> Result<CommentTracking, AppError> {
    let code = canonical_code(CODE_PREFIX, code).ok_or(AppError::NotFound("comment"))?;
    let m =
        db::consultations::comment_by_code(conn, &code)?.ok_or(AppError::NotFound("comment"))?;
    let c = db::consultations::find(conn, m.consultation_id)?
        .ok_or(AppError::NotFound("consultation"))?;
    let status = CommentStatus::of(m.disposition);
    Ok(CommentTracking {
        tracking_code: m.tracking_code,
        consultation_id: c.id,
        consultation_title: c.title,
        status,
        status_label: status.chinese().to_string(),
        received_on: m.received_at.and_utc().with_timezone(&beijing()).date_naive(),
        disposition: m.disposition,
        reason: m.reason,
        summary: m.summary,
    })
}
