//! Structured texts, for the public: one article of a published document, the comparison of
//! two published versions article by article (修改对照表), the published text in force on a
//! date, and the Akoma Ntoso XML of a published document (`structured_texts/akn.rs`). Only
//! published versions are ever read; the structure itself is parsed at read time
//! (`domain::structure`), never stored.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::db::{self, DbConn};
use crate::domain::clock::Clock;
use crate::domain::document::Document;
use crate::domain::ids::DocumentId;
use crate::domain::structure::compare::{self, ArticleChange, Change};
use crate::domain::structure::{self, Unit};
use crate::error::AppError;
use crate::service::dates;
use crate::service::evolution::version_on;
use crate::service::public_reading::{full_document, PublicDocument};

pub mod akn;

/// One article of a published document.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicArticle {
    #[schema(value_type = String)]
    pub document_id: DocumentId,
    pub title: String,
    /// 5 for 第五条.
    pub number: u32,
    /// 第五条
    pub label: String,
    /// The article's fragment on the document page (`art-5`).
    pub anchor: String,
    /// The whole article, its label left out.
    pub text: String,
    /// The article with its paragraphs (款), items (项) and subitems (目).
    pub article: Unit,
}

/// The published document `id`, or 404.
fn published(conn: &mut DbConn, id: DocumentId) -> Result<Document, AppError> {
    db::public::find_published(conn, id)?.ok_or(AppError::NotFound("document"))
}

/// Article `n` (1 for 第一条) of a published document; 404 when the document has no such
/// article (or no articles at all).
pub fn article(conn: &mut DbConn, id: DocumentId, n: u32) -> Result<PublicArticle, AppError> {
    let doc = published(conn, id)?;
    let s = structure::parse(&doc.body);
    let a = s.article(n).ok_or(AppError::NotFound("article"))?;
    Ok(PublicArticle {
        document_id: doc.id,
        number: a.number,
        label: a.label.clone(),
        anchor: a.anchor.clone(),
        text: structure::full_text(&doc.body, a),
        article: a.clone(),
        title: doc.title,
    })
}

/// `?with=` of a comparison, as text so that a malformed id is refused naming the field.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// The id of the published version to compare with (the older text); default: the
    /// version this one amended.
    pub with: Option<String>,
}

/// Counts of a comparison's rows by what became of the article.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct ChangeCounts {
    pub unchanged: usize,
    pub changed: usize,
    pub added: usize,
    pub deleted: usize,
    pub moved: usize,
}

/// Two published versions compared article by article.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Comparison {
    /// The newer text (the document asked for).
    #[schema(value_type = String)]
    pub document_id: DocumentId,
    /// The older text it is compared with.
    #[schema(value_type = String)]
    pub with_document_id: DocumentId,
    pub title: String,
    pub with_title: String,
    pub version: i32,
    pub with_version: i32,
    pub counts: ChangeCounts,
    /// In the newer text's order, each deleted article where it stood.
    pub articles: Vec<ArticleChange>,
}

/// Compares published `id` with `with` (default: the version it amended); 404 when either is
/// not published, or when `with` is left out and `id` amended nothing.
pub fn compare(
    conn: &mut DbConn,
    id: DocumentId,
    query: &CompareQuery,
) -> Result<Comparison, AppError> {
    let with = match query.with.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        Some(w) => Some(
            w.parse::<DocumentId>().map_err(|_| AppError::invalid("with", "not a document id"))?,
        ),
        None => None,
    };
    let new = published(conn, id)?;
    let old_id = with.or(new.supersedes_id).ok_or(AppError::NotFound("earlier version"))?;
    let old = published(conn, old_id)?;
    let (old_s, new_s) = (structure::parse(&old.body), structure::parse(&new.body));
    let articles = compare::compare(&old.body, &old_s, &new.body, &new_s);
    let mut counts = ChangeCounts::default();
    for a in &articles {
        *match a.change {
            Change::Unchanged => &mut counts.unchanged,
            Change::Changed => &mut counts.changed,
            Change::Added => &mut counts.added,
            Change::Deleted => &mut counts.deleted,
            Change::Moved => &mut counts.moved,
        } += 1;
    }
    Ok(Comparison {
        document_id: new.id,
        with_document_id: old.id,
        title: new.title,
        with_title: old.title,
        version: new.version,
        with_version: old.version,
        counts,
        articles,
    })
}

/// `?date=` of an as-of read.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// The day (`YYYY-MM-DD`, within the policy's date range).
    #[param(value_type = NaiveDate)]
    pub date: Option<String>,
}

/// The published version of `id`'s document whose text applied on `date` (the latest in
/// effect then, else the latest published by then); 404 when none was published by then.
pub fn as_of(
    conn: &mut DbConn,
    clock: &dyn Clock,
    id: DocumentId,
    query: &AsOfQuery,
) -> Result<PublicDocument, AppError> {
    let raw = query.date.as_deref().ok_or_else(|| AppError::invalid("date", "required"))?;
    let date: NaiveDate = dates::parse_field("date", raw)?;
    dates::require_in_range(conn, &[("date", Some(date))])?;
    let doc = published(conn, id)?;
    let versions = db::public::published_versions(conn, doc.lineage_id)?;
    let version = version_on(versions, date).ok_or(AppError::NotFound("version on that date"))?;
    full_document(conn, version, clock.today())
}
