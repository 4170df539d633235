//! A visitor of the public catalogue: no account, the instance it reads from, and the request
//! whose `If-None-Match` decides whether a cached answer is sent again or answered 304.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use serde::Serialize;

use super::Answer;
use crate::error::AppError;
use crate::http_caching::cached_json;
use crate::state::AppState;

/// Who reads without an account, and on which instance.
pub struct Visitor {
    pub state: web::Data<AppState>,
    pub request: HttpRequest,
}

impl FromRequest for Visitor {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(app_state(req).map(|state| Visitor { state, request: req.clone() }))
    }
}

/// The instance a request runs on, as `startup` registered it.
pub(super) fn app_state(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::internal("application state missing"))
}

impl Visitor {
    /// `value` as JSON with its ETag and cache lifetime, or 304 when the visitor holds it.
    pub fn cached<T: Serialize>(&self, value: &T) -> Answer {
        cached_json(&self.request, value)
    }
}
