//! Answers that several operations document alike, for their OpenAPI annotations
//! (`responses(DocumentNotFound, …)`): one status, one wording, declared once. What differs
//! between operations (their success, who may act, which state refuses) stays with each.

use utoipa::IntoResponses;

use crate::error::Problem;

/// Declares each answer as a problem+json body under one status and description.
macro_rules! problem_answers {
    ($($(#[$doc:meta])* $name:ident = $status:tt $description:tt;)*) => {$(
        $(#[$doc])*
        #[derive(IntoResponses)]
        #[response(status = $status, description = $description)]
        pub struct $name(pub Problem);
    )*};
}

problem_answers! {
    /// The token is missing, expired or forged.
    Unauthenticated = 401 "No or bad token";
    /// A document outside the caller's scope is not found rather than forbidden.
    DocumentNotFound = 404 "No such document in your scope";
    /// The body parsed but a field is out of bounds; every such field is listed.
    InvalidFields = 422 "Invalid fields";
    /// A query filter names no known value.
    InvalidFilter = 422 "Invalid filter";
    /// `page` or `per_page` out of range.
    InvalidPaging = 422 "Invalid paging";
    /// Acts only for the admin.
    NotAdmin = 403 "Not an admin";
    /// A later-life step on a document that is not published, or has ended.
    NotLiving = 409 "Not published or already ended";
    /// Registration and publication are the registrar's acts.
    NotRegistrar = 403 "Not the registrar of this agency";
    /// Repeal, declaration of invalidity and interpretation are the issuing registrar's acts.
    NotItsRegistrar = 403 "Not the registrar of the document's agency";
    /// Continuation and filing are for the document's own agency.
    NotItsAgency = 403 "Not of the document's agency";
    /// Drafts are edited and submitted by the drafters of their agency.
    NotItsDrafter = 403 "Not a drafter of this agency";
    /// A campaign outside the caller's scope is not found rather than forbidden.
    CampaignNotFound = 404 "No such campaign in your scope";
    /// A campaign's outcomes and closing are its registrar's.
    NotCampaignRegistrar = 403 "Not the registrar of the campaign's agency";
    /// The inbox of review suggestions is the filing reviewers'.
    NotFilingReviewer = 403 "Not a filing reviewer";
    /// The login throttle (README, "Accounts and passwords").
    LoginThrottled = 429 "Too many failed logins from this address; retry after `Retry-After` seconds";
}

/// An answer with an ETag that the client already holds.
#[derive(IntoResponses)]
#[response(status = 304, description = "Not modified since the ETag in If-None-Match")]
pub struct NotModified;
