//! Structured texts in the public API: one article of a published document, two published
//! versions compared article by article, and the published text in force on a date. The
//! reads are `crate::service::structured_texts`; the Akoma Ntoso form of a document is
//! `GET /public/documents/{id}?format=akn` (`super::public`).

use actix_web::{get, web};

use super::path::{ArticlePath, Path};
use super::responses::NotModified;
use super::visitor::Visitor;
use super::Answer;
use crate::domain::ids::DocumentId;
use crate::error::Problem;
use crate::service::public_reading::PublicDocument;
use crate::service::structured_texts::{self, AsOfQuery, CompareQuery, Comparison, PublicArticle};

/// One article of a published document (n = 1 for 第一条), with its paragraphs and items.
#[utoipa::path(tag = "public", params(ArticlePath), responses(
    (status = 200, description = "The article, with ETag and Cache-Control", body = PublicArticle),
    NotModified,
    (status = 404, description = "No published document with this id, or no such article in it", body = Problem)
))]
#[get("/public/documents/{id}/articles/{n}")]
pub async fn get_public_article(visitor: Visitor, path: Path<ArticlePath>) -> Answer {
    let ArticlePath { document, n } = path.0;
    let article =
        visitor.state.read(move |conn, _| structured_texts::article(conn, document, n)).await?;
    visitor.cached(&article)
}

/// Two published versions compared article by article (修改对照表): unchanged, changed (with
/// the changed characters), added, deleted and moved (renumbered) articles.
#[utoipa::path(tag = "public", params(DocumentId, CompareQuery), responses(
    (status = 200, description = "The comparison, in the newer text's order, with ETag and Cache-Control", body = Comparison),
    NotModified,
    (status = 400, description = "Unreadable query string", body = Problem),
    (status = 404, description = "Either document is not published, or `with` was left out and the document amended nothing", body = Problem),
    (status = 422, description = "`with` is not a document id", body = Problem)
))]
#[get("/public/documents/{id}/compare")]
pub async fn compare_public_versions(
    visitor: Visitor,
    id: Path<DocumentId>,
    query: web::Query<CompareQuery>,
) -> Answer {
    let (id, query) = (id.0, query.into_inner());
    let comparison =
        visitor.state.read(move |conn, _| structured_texts::compare(conn, id, &query)).await?;
    visitor.cached(&comparison)
}

/// The published version of a document whose text was in force on a date (point-in-time).
#[utoipa::path(tag = "public", params(DocumentId, AsOfQuery), responses(
    (status = 200, description = "The version in force on that date (else the latest published by then), with ETag and Cache-Control", body = PublicDocument),
    NotModified,
    (status = 400, description = "Unreadable query string", body = Problem),
    (status = 404, description = "No published document with this id, or no version published by that date", body = Problem),
    (status = 422, description = "`date` missing, malformed or outside the policy's date range", body = Problem)
))]
#[get("/public/documents/{id}/as-of")]
pub async fn get_public_as_of(
    visitor: Visitor,
    id: Path<DocumentId>,
    query: web::Query<AsOfQuery>,
) -> Answer {
    let (id, query) = (id.0, query.into_inner());
    let doc = visitor
        .state
        .read(move |conn, clock| structured_texts::as_of(conn, clock, id, &query))
        .await?;
    visitor.cached(&doc)
}
