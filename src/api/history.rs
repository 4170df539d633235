//! Tamper-evident history over HTTP: the public checkpoints (anyone may keep one and hold the
//! registry to it later), and for admins a checkpoint on demand and the full verification.

use actix_web::{get, post, HttpResponse};

use super::caller::Caller;
use super::paging::Paging;
use super::responses::{NotAdmin, NotModified};
use super::visitor::Visitor;
use super::Answer;
use crate::error::{AppError, Problem};
use crate::service::history::{self, Checkpoint, VerifyReport};
use crate::service::paging::{PageQuery, Paged};

/// The history's checkpoints, newest first: each commits to the head of every chain of
/// events that moved since the previous one, and to the previous checkpoint's hash.
#[utoipa::path(tag = "public", security(()), params(PageQuery), responses(
    (status = 200, description = "A page of checkpoints, with ETag and Cache-Control", body = Paged<Checkpoint>),
    NotModified,
    (status = 422, description = "Invalid paging", body = Problem)
))]
#[get("/public/checkpoints")]
pub async fn list_checkpoints(visitor: Visitor, page: Paging) -> Answer {
    let (items, total) = visitor
        .state
        .read(move |conn, _| history::checkpoints(conn, page.offset(), page.per_page))
        .await?;
    visitor.cached(&page.wrap(items, total))
}

/// Makes a checkpoint now (admin); when nothing moved since the last one, answers that one.
#[utoipa::path(tag = "history", security(("bearer" = [])), responses(
    (status = 200, description = "The checkpoint covering the history as it is now", body = Checkpoint),
    NotAdmin,
    (status = 409, description = "The history holds no event yet", body = Problem)
))]
#[post("/admin/checkpoints")]
pub async fn make_checkpoint(caller: Caller) -> Answer {
    let made = caller
        .write_statement(|conn, actor, clock| {
            history::checkpoint_now(conn, actor, clock.now().naive_utc())
        })
        .await?
        .ok_or_else(|| AppError::conflict("empty_history", "no event has been recorded yet"))?;
    Ok(HttpResponse::Ok().json(made))
}

/// Recomputes every hash chain and checkpoint (admin): `intact`, or each document, other
/// chain and checkpoint whose history was edited, deleted or reordered.
#[utoipa::path(tag = "history", security(("bearer" = [])), responses(
    (status = 200, description = "What verification found", body = VerifyReport),
    NotAdmin
))]
#[get("/admin/verify")]
pub async fn verify(caller: Caller) -> Answer {
    let report = caller.read(|conn, actor, _| history::verify_as(conn, actor)).await?;
    Ok(HttpResponse::Ok().json(report))
}
