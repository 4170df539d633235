//! Pagination of lists: `page` from 1, `per_page` default 20 and at most 100; the same
//! check for every list of the API, the public catalogue and the web pages.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::AppError;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Items per page, 1–100 (default 20).
    pub per_page: Option<i64>,
}

/// The highest page number a list accepts (beyond it no list has items).
pub const MAX_PAGE: i64 = 1_000_000;
/// The most items a page of a list holds.
pub const MAX_PER_PAGE: i64 = 100;

/// A checked page request.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    pub page: i64,
    pub per_page: i64,
}

impl Page {
    pub fn from_query(page: Option<i64>, per_page: Option<i64>) -> Result<Self, AppError> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(20);
        if !(1..=MAX_PAGE).contains(&page) {
            return Err(AppError::invalid("page", "must be a whole number from 1"));
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(AppError::invalid(
                "per_page",
                format!("must be between 1 and {MAX_PER_PAGE}"),
            ));
        }
        Ok(Self { page, per_page })
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }

    pub fn wrap<T>(&self, items: Vec<T>, total: i64) -> Paged<T> {
        Paged { items, page: self.page, per_page: self.per_page, total }
    }
}

/// A page of a list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}
