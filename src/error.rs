//! One error type for the whole service, mapped to HTTP in one place as RFC 9457
//! `application/problem+json`, with a stable snake_case `code` clients can translate.
//! Causes of internal errors go to the log, never to the client.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

/// One invalid field of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
    /// The line of an imported file (or position in an imported array, from 1) at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into(), line: None }
    }

    /// A field of one line of an import.
    pub fn at_line(line: usize, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into(), line: Some(line) }
    }
}

/// Everything that can go wrong in a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{detail}")]
    Invalid { detail: String, errors: Vec<FieldError> },
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("method not allowed")]
    MethodNotAllowed { allow: Vec<String> },
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// The client took too long to send its request.
    #[error("{0}")]
    RequestTimeout(String),
    #[error("request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// The URL is longer than the service reads (see `transport`).
    #[error("{0}")]
    UriTooLong(String),
    /// The request's header fields are too large or too many (see `transport`).
    #[error("{0}")]
    HeaderFieldsTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    TooManyRequests(String),
    /// Too many failed logins (see `domain::login_throttle`): 429 with `Retry-After`.
    #[error("too many failed logins; try again in {retry_after_seconds} s")]
    LoginThrottled { retry_after_seconds: i64 },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A bounded resource (password hashing) is saturated: 503 with `Retry-After`.
    #[error("{detail}")]
    Busy { detail: String, retry_after_seconds: u32 },
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn internal(cause: impl Into<String>) -> Self {
        Self::Internal(cause.into())
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict { code, detail: detail.into() }
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::BadRequest { code, detail: detail.into() }
    }

    /// One invalid field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        let e = FieldError::new(field, message);
        Self::Invalid { detail: format!("{}: {}", e.field, e.message), errors: vec![e] }
    }

    /// Several invalid fields at once, so the client fixes them in one go.
    pub fn invalid_fields(errors: Vec<FieldError>) -> Self {
        let detail = errors
            .iter()
            .map(|e| match e.line {
                Some(line) => format!("line {line}: {}: {}", e.field, e.message),
                None => format!("{}: {}", e.field, e.message),
            })
            .collect::<Vec<_>>()
            .join("; ");
        Self::Invalid { detail, errors }
    }

    /// The stable code in the body.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid { .. } => "invalid_request",
            AppError::BadRequest { code, .. } => code,
            AppError::Unauthorized(_) => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::MethodNotAllowed { .. } => "method_not_allowed",
            AppError::Conflict { code, .. } => code,
            AppError::RequestTimeout(_) => "request_timeout",
            AppError::PayloadTooLarge { .. } => "payload_too_large",
            AppError::UriTooLong(_) => "uri_too_long",
            AppError::HeaderFieldsTooLarge(_) => "header_fields_too_large",
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::TooManyRequests(_) => "too_many_requests",
            AppError::LoginThrottled { .. } => "login_throttled",
            AppError::Unavailable(_) => "unavailable",
            AppError::Busy { .. } => "busy",
            AppError::Internal(_) => "internal_error",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            AppError::Invalid { .. } => "The request has invalid fields",
            AppError::BadRequest { .. } => "The request cannot be read",
            AppError::Unauthorized(_) => "Authentication required",
            AppError::Forbidden(_) => "Not allowed for your role",
            AppError::NotFound(_) => "Not found",
            AppError::MethodNotAllowed { .. } => "Method not allowed",
            AppError::Conflict { .. } => "Conflict with the current state",
            AppError::RequestTimeout(_) => "Request timeout",
            AppError::PayloadTooLarge { .. } => "Request body too large",
            AppError::UriTooLong(_) => "URI too long",
            AppError::HeaderFieldsTooLarge(_) => "Request header fields too large",
            AppError::UnsupportedMediaType(_) => "Unsupported media type",
            AppError::TooManyRequests(_) | AppError::LoginThrottled { .. } => "Too many requests",
            AppError::Unavailable(_) => "Service unavailable",
            AppError::Busy { .. } => "Service busy",
            AppError::Internal(_) => "Internal error",
        }
    }
}

/// The body of every error answer (RFC 9457).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable snake_case code, e.g. `invalid_transition`.
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UriTooLong(_) => StatusCode::URI_TOO_LONG,
            AppError::HeaderFieldsTooLarge(_) => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooManyRequests(_) | AppError::LoginThrottled { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            AppError::Unavailable(_) | AppError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let detail = match self {
            AppError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                "an internal error occurred; it has been logged".to_string()
            }
            AppError::Unavailable(cause) => {
                tracing::warn!(%cause, "unavailable");
                "the database is not answering; try again shortly".to_string()
            }
            other => other.to_string(),
        };
        let errors = match self {
            AppError::Invalid { errors, .. } => errors.clone(),
            _ => Vec::new(),
        };
        let problem = Problem {
            kind: format!("urn:normreg:problem:{}", self.code()),
            title: self.title().to_string(),
            status: status.as_u16(),
            detail,
            code: self.code().to_string(),
            errors,
        };
        let mut resp = HttpResponse::build(status);
        resp.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if let AppError::Unauthorized(_) = self {
            resp.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        if let AppError::Busy { retry_after_seconds, .. } = self {
            resp.insert_header((header::RETRY_AFTER, retry_after_seconds.to_string()));
        }
        if let AppError::LoginThrottled { retry_after_seconds } = self {
            resp.insert_header((header::RETRY_AFTER, retry_after_seconds.max(&1).to_string()));
        }
        if let AppError::MethodNotAllowed { allow } = self {
            resp.insert_header((header::ALLOW, allow.join(", ")));
        }
        resp.body(serde_json::to_string(&problem).unwrap_or_default())
    }
}

impl From<crate::auth::hashing_gate::GateError> for AppError {
    fn from(e: crate::auth::hashing_gate::GateError) -> Self {
        use crate::auth::hashing_gate::GateError;
        match e {
            GateError::Saturated => {
                AppError::Busy { detail: e.to_string(), retry_after_seconds: 1 }
            }
            GateError::Failed(cause) => AppError::Internal(cause),
        }
    }
}
