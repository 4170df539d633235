//! The caller of an authenticated request with the instance it runs on: what every operation
//! of the JSON API runs with. A handler takes a `Caller`, parses the rest of its request,
//! runs one operation through it and renders the answer.
//!
//! The token's signature is checked when the `Caller` is extracted; its account is checked
//! on the operation's own connection (`accounts::authenticate`): first thing in the same
//! transaction, or on SQLite just before the one writer's turn (`Db::write_checked`). A
//! disabled account or an ended token is refused at once on every instance, and the
//! operation acts with the roles and agency the account has now.

use std::future::{ready, Ready};

use actix_web::http::StatusCode;
use actix_web::{dev::Payload, web, FromRequest, HttpRequest, HttpResponse};
use chrono::NaiveDate;

use super::views::DocumentView;
use super::visitor::app_state;
use super::Answer;
use crate::auth::Bearer;
use crate::db::{DbConn, WriterQueue};
use crate::domain::clock::Clock;
use crate::domain::document::Document;
use crate::domain::ids::DocumentId;
use crate::error::AppError;
use crate::service::actor::Credential;
use crate::service::{accounts, Actor};
use crate::state::AppState;

/// Who calls, and on which instance.
pub struct Caller {
    pub state: web::Data<AppState>,
    /// The caller as the token describes them, for checks before any operation runs; each
    /// operation is handed the account as it is now.
    pub actor: Actor,
    credential: Credential,
}

impl FromRequest for Caller {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let bearer = Bearer::extract(req).into_inner();
        ready(bearer.and_then(|bearer| {
            if bearer.credential.password_change_only {
                return Err(AppError::Forbidden(
                    "this token of a temporary password may only set a new password: \
                     POST /api/v1/me/password"
                        .into(),
                ));
            }
            let Bearer { claimed, credential } = bearer;
            Ok(Caller { state: app_state(req)?, actor: claimed, credential })
        }))
    }
}

/// A step of a document's life as the service layer has it, e.g. `evolution::repeal`: on the
/// document `id`, with what the caller sent, answering the document after the step.
pub type DocumentStep<I> =
    fn(&mut DbConn, &Actor, &dyn Clock, DocumentId, I) -> Result<Document, AppError>;

impl Caller {
    /// Runs `op` as the caller in one write transaction, at the instance's present moment.
    pub async fn write<T: Send + 'static>(
        &self,
        op: impl FnOnce(&mut DbConn, &Actor, &dyn Clock) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let credential = self.credential.clone();
        let clock = self.state.clock.clone();
        let authenticate = move |conn: &mut DbConn| accounts::authenticate(conn, &credential);
        let work = move |conn: &mut DbConn, actor: Actor| op(conn, &actor, clock.as_ref());
        self.state.db.write_checked(authenticate, work).await
    }

    /// Runs the read `op` as the caller, at the instance's present moment.
    pub async fn read<T: Send + 'static>(
        &self,
        op: impl FnOnce(&mut DbConn, &Actor, &dyn Clock) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        self.state.read(self.acting(op)).await
    }

    /// Runs `op` as the caller on a bare connection, for an operation that is one statement or
    /// opens its own transaction; the public caches still learn that data changed.
    pub async fn write_statement<T: Send + 'static>(
        &self,
        op: impl FnOnce(&mut DbConn, &Actor, &dyn Clock) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        self.state.db.write_statement(self.state.at_clock(self.acting(op))).await
    }

    /// [`Caller::write_statement`] for an operation that opens its own write transaction
    /// through the instance's writer queue it is given (`Db::write_queued`): registration.
    pub async fn write_queued<T: Send + 'static>(
        &self,
        op: impl FnOnce(&mut DbConn, &Actor, &dyn Clock, &WriterQueue) -> Result<T, AppError>
            + Send
            + 'static,
    ) -> Result<T, AppError> {
        let credential = self.credential.clone();
        let clock = self.state.clock.clone();
        self.state
            .db
            .write_queued(move |conn, queue| {
                let actor = accounts::authenticate(conn, &credential)?;
                op(conn, &actor, clock.as_ref(), queue)
            })
            .await
    }

    /// `op` with the caller's account, as it is now on `op`'s connection, handed in as its
    /// actor.
    fn acting<T>(
        &self,
        op: impl FnOnce(&mut DbConn, &Actor, &dyn Clock) -> Result<T, AppError> + Send + 'static,
    ) -> impl FnOnce(&mut DbConn, &dyn Clock) -> Result<T, AppError> + Send + 'static {
        let credential = self.credential.clone();
        move |conn, clock| {
            let actor = accounts::authenticate(conn, &credential)?;
            op(conn, &actor, clock)
        }
    }

    /// The day answers are computed for (validity, overdue flags): the instance's today.
    pub fn today(&self) -> NaiveDate {
        self.state.clock.today()
    }

    /// Runs one step of a document's life (`op` on the document `id` with `input`) and
    /// answers the document as it stands after it.
    pub async fn document_step<I: Send + 'static>(
        &self,
        op: DocumentStep<I>,
        id: DocumentId,
        input: I,
    ) -> Answer {
        let doc = self.write(move |tx, actor, clock| op(tx, actor, clock, id, input)).await?;
        Ok(self.document(StatusCode::OK, doc))
    }

    /// An answer of `status` carrying `doc` as its agency sees it today.
    pub fn document(&self, status: StatusCode, doc: Document) -> HttpResponse {
        HttpResponse::build(status).json(DocumentView::new(doc, self.today()))
    }
}
