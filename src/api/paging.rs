//! Lists over HTTP: the page a request asks for (`page`, `per_page` in its query string,
//! documented by `params(PageQuery)`) and the answer carrying that page.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, web, FromRequest, HttpRequest, HttpResponse};
use serde::Serialize;

use crate::service::paging::{Page, PageQuery};

/// The page a list asks for, checked: 422 out of range; a value that is no number fails as
/// any query string does (the app's `QueryConfig`).
#[derive(Clone, Copy, Debug)]
pub struct Paging(pub Page);

impl FromRequest for Paging {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let query = web::Query::<PageQuery>::extract(req).into_inner();
        ready(query.and_then(|q| Ok(Paging(Page::from_query(q.page, q.per_page)?))))
    }
}

impl std::ops::Deref for Paging {
    type Target = Page;

    fn deref(&self) -> &Page {
        &self.0
    }
}

/// The answer with one page of a list, each item rendered by `view`, and the total.
pub fn paged<R, V: Serialize>(
    Paging(page): Paging,
    (items, total): (Vec<R>, i64),
    view: impl FnMut(R) -> V,
) -> HttpResponse {
    HttpResponse::Ok().json(page.wrap(items.into_iter().map(view).collect(), total))
}
