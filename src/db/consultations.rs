//! Public consultations (征求意见) as stored: the consulted text and period, the public's
//! comments with the drafter's dispositions, and the registrar's exemptions.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::document_row::{parsed, parsed_opt, word};
use super::error::DbError;
use super::schema::{consultation_comments as cc, consultation_exemptions as ex, consultations};
use super::DbConn;

pub mod records;
pub mod stats;
use crate::domain::consultation::{Comment, Consultation, ConsultationStatus, Disposition};
use crate::domain::ids::{AgencyId, CommentId, ConsultationId, DocumentId, UserId};

/// One row of `consultations`, field order as in the schema.
#[derive(Queryable, Insertable)]
#[diesel(table_name = consultations)]
struct Stored {
    id: String,
    document_id: String,
    agency_id: String,
    revision: i32,
    title: String,
    body: String,
    drafting_notes: Option<String>,
    opens_on: NaiveDate,
    closes_on: NaiveDate,
    affects_businesses: bool,
    short_period_reason: Option<String>,
    opened_by: String,
    created_at: NaiveDateTime,
    closed_at: Option<NaiveDateTime>,
}

impl TryFrom<Stored> for Consultation {
    type Error = DbError;

    fn try_from(s: Stored) -> Result<Self, DbError> {
        const T: &str = "consultations";
        let id = &s.id;
        Ok(Consultation {
            id: parsed(T, id, "id", id)?,
            document_id: parsed(T, id, "document_id", &s.document_id)?,
            agency_id: parsed(T, id, "agency_id", &s.agency_id)?,
            opened_by: parsed(T, id, "opened_by", &s.opened_by)?,
            revision: s.revision,
            title: s.title,
            body: s.body,
            drafting_notes: s.drafting_notes,
            opens_on: s.opens_on,
            closes_on: s.closes_on,
            affects_businesses: s.affects_businesses,
            short_period_reason: s.short_period_reason,
            created_at: s.created_at,
            closed_at: s.closed_at,
        })
    }
}

/// One row of `consultation_comments`, field order as in the schema.
#[derive(Queryable, Insertable)]
#[diesel(table_name = cc)]
struct StoredComment {
    id: String,
    consultation_id: String,
    tracking_code: String,
    content: String,
    article: Option<String>,
    name: Option<String>,
    contact: Option<String>,
    client_key: String,
    received_at: NaiveDateTime,
    disposition: Option<String>,
    reason: Option<String>,
    summary: Option<String>,
    disposed_on: Option<NaiveDate>,
    disposed_by: Option<String>,
}

impl TryFrom<StoredComment> for Comment {
    type Error = DbError;

    fn try_from(s: StoredComment) -> Result<Self, DbError> {
        const T: &str = "consultation_comments";
        let id = &s.id;
        let disposition = s
            .disposition
            .as_deref()
            .map(|d| word(T, id, "disposition", d, Disposition::parse))
            .transpose()?;
        Ok(Comment {
            id: parsed(T, id, "id", id)?,
            consultation_id: parsed(T, id, "consultation_id", &s.consultation_id)?,
            disposed_by: parsed_opt(T, id, "disposed_by", s.disposed_by.as_deref())?,
            disposition,
            tracking_code: s.tracking_code,
            content: s.content,
            article: s.article,
            name: s.name,
            contact: s.contact,
            client_key: s.client_key,
            received_at: s.received_at,
            reason: s.reason,
            summary: s.summary,
            disposed_on: s.disposed_on,
        })
    }
}

fn all<S, T: TryFrom<S, Error = DbError>>(rows: Vec<S>) -> Result<Vec<T>, DbError> {
    rows.into_iter().map(T::try_from).collect()
}

pub fn insert(conn: &mut DbConn, c: &Consultation) -> Result<(), DbError> {
    let row = Stored {
        id: c.id.to_string(),
        document_id: c.document_id.to_string(),
        agency_id: c.agency_id.to_string(),
        revision: c.revision,
        title: c.title.clone(),
        body: c.body.clone(),
        drafting_notes: c.drafting_notes.clone(),
        opens_on: c.opens_on,
        closes_on: c.closes_on,
        affects_businesses: c.affects_businesses,
        short_period_reason: c.short_period_reason.clone(),
        opened_by: c.opened_by.to_string(),
        created_at: c.created_at,
        closed_at: c.closed_at,
    };
    diesel::insert_into(consultations::table).values(&row).execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: ConsultationId) -> Result<Option<Consultation>, DbError> {
    let row: Option<Stored> = consultations::table.find(id.to_string()).first(conn).optional()?;
    row.map(Consultation::try_from).transpose()
}

/// Holds the document's row until the transaction ends, so that two consultations opened at
/// once on one document take turns: PostgreSQL locks the row; SQLite's write transactions
/// (`BEGIN IMMEDIATE`) already run one at a time.
pub fn lock_document(conn: &mut DbConn, id: DocumentId) -> Result<(), DbError> {
    match conn {
        DbConn::Postgres(_) => {
            let sql = super::placeholders(conn, "SELECT id FROM documents WHERE id = ? FOR UPDATE");
            diesel::sql_query(sql)
                .bind::<diesel::sql_types::Text, _>(id.to_string())
                .execute(conn)?;
        }
        DbConn::Sqlite(_) => {}
    }
    Ok(())
}

/// A document's consultations, oldest first.
pub fn of_document(conn: &mut DbConn, id: DocumentId) -> Result<Vec<Consultation>, DbError> {
    all(consultations::table
        .filter(consultations::document_id.eq(id.to_string()))
        .order((consultations::created_at.asc(), consultations::id.asc()))
        .load::<Stored>(conn)?)
}

/// Which consultations a public list shows: of one agency, in one status on `today`.
pub struct PublicFilter {
    pub agency: Option<AgencyId>,
    pub status: Option<ConsultationStatus>,
    pub today: NaiveDate,
}

/// A page of consultations, latest opening first, and how many there are.
pub fn list(
    conn: &mut DbConn,
    f: &PublicFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Consultation>, i64), DbError> {
    let query = || {
        let mut q = consultations::table.into_boxed();
        if let Some(agency) = f.agency {
            q = q.filter(consultations::agency_id.eq(agency.to_string()));
        }
        match f.status {
            None => {}
            Some(ConsultationStatus::Scheduled) => {
                q = q.filter(consultations::opens_on.gt(f.today))
            }
            Some(ConsultationStatus::Open) => {
                q = q
                    .filter(consultations::opens_on.le(f.today))
                    .filter(consultations::closes_on.ge(f.today))
            }
            Some(ConsultationStatus::Closed) => q = q.filter(consultations::closes_on.lt(f.today)),
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let rows = query()
        .order((consultations::opens_on.desc(), consultations::id.asc()))
        .offset(offset)
        .limit(limit)
        .load::<Stored>(conn)?;
    Ok((all(rows)?, total))
}

/// The consultations whose period ended before `as_of` and whose close is not yet recorded.
pub fn due_to_close(conn: &mut DbConn, as_of: NaiveDate) -> Result<Vec<Consultation>, DbError> {
    all(consultations::table
        .filter(consultations::closed_at.is_null())
        .filter(consultations::closes_on.lt(as_of))
        .order(consultations::closes_on.asc())
        .load::<Stored>(conn)?)
}

/// Records the close of `id` unless another run did: answers whether this one did. One
/// conditional statement, so of two instances closing at once exactly one records it.
pub fn mark_closed(
    conn: &mut DbConn,
    id: ConsultationId,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let n = diesel::update(
        consultations::table
            .filter(consultations::id.eq(id.to_string()))
            .filter(consultations::closed_at.is_null()),
    )
    .set(consultations::closed_at.eq(Some(at)))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn insert_comment(conn: &mut DbConn, c: &Comment) -> Result<(), DbError> {
    let row = StoredComment {
        id: c.id.to_string(),
        consultation_id: c.consultation_id.to_string(),
        tracking_code: c.tracking_code.clone(),
        content: c.content.clone(),
        article: c.article.clone(),
        name: c.name.clone(),
        contact: c.contact.clone(),
        client_key: c.client_key.clone(),
        received_at: c.received_at,
        disposition: c.disposition.map(|d| d.as_str().to_string()),
        reason: c.reason.clone(),
        summary: c.summary.clone(),
        disposed_on: c.disposed_on,
        disposed_by: c.disposed_by.map(|u| u.to_string()),
    };
    diesel::insert_into(cc::table).values(&row).execute(conn)?;
    Ok(())
}

/// Every comment of a consultation, in the order received.
pub fn comments_of(conn: &mut DbConn, id: ConsultationId) -> Result<Vec<Comment>, DbError> {
    all(cc::table
        .filter(cc::consultation_id.eq(id.to_string()))
        .order((cc::received_at.asc(), cc::id.asc()))
        .load::<StoredComment>(conn)?)
}

pub fn find_comment(conn: &mut DbConn, id: CommentId) -> Result<Option<Comment>, DbError> {
    let row: Option<StoredComment> = cc::table.find(id.to_string()).first(conn).optional()?;
    row.map(Comment::try_from).transpose()
}

pub fn comment_by_code(conn: &mut DbConn, code: &str) -> Result<Option<Comment>, DbError> {
    let row: Option<StoredComment> =
        cc::table.filter(cc::tracking_code.eq(code)).first(conn).optional()?;
    row.map(Comment::try_from).transpose()
}

/// How many comments one client address sent since `since`.
pub fn comments_from_client_since(
    conn: &mut DbConn,
    client_key: &str,
    since: NaiveDateTime,
) -> Result<i64, DbError> {
    Ok(cc::table
        .filter(cc::client_key.eq(client_key))
        .filter(cc::received_at.gt(since))
        .count()
        .get_result(conn)?)
}

/// Comments of a consultation that have no disposition yet.
pub fn undisposed(conn: &mut DbConn, id: ConsultationId) -> Result<i64, DbError> {
    Ok(cc::table
        .filter(cc::consultation_id.eq(id.to_string()))
        .filter(cc::disposition.is_null())
        .count()
        .get_result(conn)?)
}

/// Records the drafter's disposition of a comment.
pub fn save_disposition(conn: &mut DbConn, c: &Comment) -> Result<(), DbError> {
    diesel::update(cc::table.find(c.id.to_string()))
        .set((
            cc::disposition.eq(c.disposition.map(Disposition::as_str)),
            cc::reason.eq(&c.reason),
            cc::summary.eq(&c.summary),
            cc::disposed_on.eq(c.disposed_on),
            cc::disposed_by.eq(c.disposed_by.map(|u| u.to_string())),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a registrar's exemption of a document from consultation.
pub fn insert_exemption(
    conn: &mut DbConn,
    document_id: DocumentId,
    reason: &str,
    by: UserId,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(ex::table)
        .values((
            ex::id.eq(uuid::Uuid::new_v4().to_string()),
            ex::document_id.eq(document_id.to_string()),
            ex::reason.eq(reason),
            ex::recorded_by.eq(by.to_string()),
            ex::recorded_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The reason of the latest exemption of a document, if it has one.
pub fn exemption_of(conn: &mut DbConn, document_id: DocumentId) -> Result<Option<String>, DbError> {
    Ok(ex::table
        .filter(ex::document_id.eq(document_id.to_string()))
        .order(ex::recorded_at.desc())
        .select(ex::reason)
        .first(conn)
        .optional()?)
}

#[derive(QueryableByName)]
struct Pending {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    document_id: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    title: String,
    #[diesel(sql_type = diesel::sql_types::Date)]
    closes_on: NaiveDate,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    undisposed: i64,
}

/// A consultation that still asks something of its agency.
pub struct PendingConsultation {
    pub id: ConsultationId,
    pub document_id: DocumentId,
    pub title: String,
    pub closes_on: NaiveDate,
    /// Comments without a disposition.
    pub undisposed: i64,
}

/// What an agency's consultations still ask of it on `today`: each consultation not yet
/// closed or with comments that have no disposition.
pub fn pending_of_agency(
    conn: &mut DbConn,
    agency: AgencyId,
    today: NaiveDate,
) -> Result<Vec<PendingConsultation>, DbError> {
    let sql = super::placeholders(
        conn,
        "SELECT c.id, c.document_id, c.title, c.closes_on, \
         (SELECT COUNT(*) FROM consultation_comments m \
          WHERE m.consultation_id = c.id AND m.disposition IS NULL) AS undisposed \
         FROM consultations c WHERE c.agency_id = ? AND (c.closes_on >= ? OR EXISTS \
         (SELECT 1 FROM consultation_comments m WHERE m.consultation_id = c.id \
          AND m.disposition IS NULL))",
    );
    let rows: Vec<Pending> = diesel::sql_query(sql)
        .bind::<diesel::sql_types::Text, _>(agency.to_string())
        .bind::<diesel::sql_types::Date, _>(today)
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            const T: &str = "consultations";
            Ok(PendingConsultation {
                id: parsed(T, &r.id, "id", &r.id)?,
                document_id: parsed(T, &r.id, "document_id", &r.document_id)?,
                title: r.title,
                closes_on: r.closes_on,
                undisposed: r.undisposed,
            })
        })
        .collect()
}
