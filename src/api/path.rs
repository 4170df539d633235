//! Typed ids from the URL path. A handler names what its path holds (`Path<DocumentId>`,
//! `Path<ItemPath>`) and gets it parsed; a malformed id names nothing, so it answers 404
//! problem+json like an id that does not exist, naming what was looked for. Its OpenAPI
//! annotation names the same type in `params(DocumentId)`, which lists each segment as the
//! string a client may send.

use std::future::{ready, Ready};
use std::str::FromStr;

use actix_web::dev::{Path as Segments, Payload, Url};
use actix_web::{FromRequest, HttpRequest};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{ObjectBuilder, Required, Type};
use utoipa::IntoParams;

use crate::domain::ids::{
    AgencyId, CampaignId, CommentId, ConsultationId, DocumentId, FileId, FilingId, UserId,
};
use crate::error::AppError;

/// The ids of a request's path, parsed into `T`.
#[derive(Debug)]
pub struct Path<T>(pub T);

/// What can be read from the segments of a matched path.
pub trait FromPath: Sized {
    fn from_path(segments: &Segments<Url>) -> Result<Self, AppError>;
}

impl<T: FromPath> FromRequest for Path<T> {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(T::from_path(req.match_info()).map(Path))
    }
}

/// The segment `name` parsed, or "`what` not found".
fn segment<T: FromStr>(
    segments: &Segments<Url>,
    name: &str,
    what: &'static str,
) -> Result<T, AppError> {
    segments.get(name).and_then(|raw| raw.parse().ok()).ok_or(AppError::NotFound(what))
}

/// A path segment as the OpenAPI document lists it.
fn string_segment(name: &str) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .build()
}

/// Paths with one id, the segment `{id}`: `Path<DocumentId>` for `/documents/{id}` and the
/// like, each with the noun its 404 names.
macro_rules! one_id_paths {
    ($($id:ty => $what:literal),* $(,)?) => {$(
        impl FromPath for $id {
            fn from_path(segments: &Segments<Url>) -> Result<Self, AppError> {
                segment(segments, "id", $what)
            }
        }

        impl IntoParams for $id {
            fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
                vec![string_segment("id")]
            }
        }
    )*};
}

one_id_paths!(
    DocumentId => "document",
    CampaignId => "cleanup campaign",
    FilingId => "filing",
    UserId => "user",
    AgencyId => "agency",
    ConsultationId => "consultation",
);

/// `/consultations/{id}/comments/{comment_id}`: one comment of a consultation.
#[derive(Debug)]
pub struct CommentPath {
    pub consultation: ConsultationId,
    pub comment: CommentId,
}

impl FromPath for CommentPath {
    fn from_path(segments: &Segments<Url>) -> Result<Self, AppError> {
        Ok(Self {
            consultation: segment(segments, "id", "consultation")?,
            comment: segment(segments, "comment_id", "comment")?,
        })
    }
}

impl IntoParams for CommentPath {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![string_segment("id"), string_segment("comment_id")]
    }
}

/// `/cleanup-campaigns/{id}/items/{document_id}`: one document of a campaign.
#[derive(Debug)]
pub struct ItemPath {
    pub campaign: CampaignId,
    pub document: DocumentId,
}

impl FromPath for ItemPath {
    fn from_path(segments: &Segments<Url>) -> Result<Self, AppError> {
        Ok(Self {
            campaign: segment(segments, "id", "cleanup campaign")?,
            document: segment(segments, "document_id", "cleanup item")?,
        })
    }
}

impl IntoParams for ItemPath {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![string_segment("id"), string_segment("document_id")]
    }
}

/// `/public/documents/{id}/articles/{n}`: article `n` (1 for 第一条) of a document; a number
/// that is not one is "article not found".
#[derive(Debug)]
pub struct ArticlePath {
    pub document: DocumentId,
    pub n: u32,
}

impl FromPath for ArticlePath {
    fn from_path(segments: &Segments<Url>) -> Result<Self, AppError> {
        Ok(Self {
            document: segment(segments, "id", "document")?,
            n: segment(segments, "n", "article")?,
        })
    }
}

impl IntoParams for ArticlePath {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![string_segment("id"), string_segment("n")]
    }
}

/// `/files/{file_id}`: one stored file.
#[derive(Debug)]
pub struct FilePath {
    pub file: FileId,
}

impl FromPath for FilePath {
    fn from_path(segments: &Segments<Url>) -> Result<Self, AppError> {
        Ok(Self { file: segment(segments, "file_id", "file")? })
    }
}

impl IntoParams for FilePath {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![string_segment("file_id")]
    }
}

/// `/public/documents/{id}/files/{file_id}`: one file of a published document.
#[derive(Debug)]
pub struct PublicFilePath {
    pub document: DocumentId,
    pub file: FileId,
}

impl FromPath for PublicFilePath {
    fn from_path(segments: &Segments<Url>) -> Result<Self, AppError> {
        Ok(Self {
            document: segment(segments, "id", "document")?,
            file: segment(segments, "file_id", "file")?,
        })
    }
}

impl IntoParams for PublicFilePath {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![string_segment("id"), string_segment("file_id")]
    }
}
