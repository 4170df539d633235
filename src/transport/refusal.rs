//! Refusals of a request the server could not read: the request the connection guard puts in
//! place of a bad head, and the route that answers it as problem+json.
//!
//! The route is no part of the API (it is not in the OpenAPI document): it answers only a
//! request carrying this process's random token, which only the guard knows; anyone else
//! asking for it gets the ordinary 404.

use std::sync::Arc;

use actix_http::error::ParseError;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::AppError;

/// The path the guard asks for; `{code}` is [`Refusal::code`].
pub const PATH: &str = "/.normreg/refused/{code}";
const TOKEN_HEADER: &str = "x-normreg-refusal";

/// The largest request target actix-http can read (the `http` crate's `Uri`); longer ones
/// are refused before any middleware runs.
const TARGET_LIMIT: usize = 65_534;

/// Why a request head was refused before it reached the application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The request target is longer than the HTTP layer reads.
    UriTooLong,
    /// The head is larger than 128 KiB or has more than 96 header fields.
    HeadTooLarge,
    /// Not an HTTP/1.x request head (request line, header syntax, framing headers).
    Malformed,
    /// The first head did not arrive in time.
    RequestTimeout,
}

impl Refusal {
    /// What actix-http's decoder's error means; `head` is the unread head it failed on.
    pub fn of_parse_error(error: &ParseError, head: &[u8]) -> Self {
        let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
        let target = line.split(|&b| b == b' ').nth(1).unwrap_or_default();
        match error {
            ParseError::Uri(_) | ParseError::TooLarge if target.len() > TARGET_LIMIT => {
                Refusal::UriTooLong
            }
            ParseError::TooLarge => Refusal::HeadTooLarge,
            _ => Refusal::Malformed,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Refusal::UriTooLong => "uri_too_long",
            Refusal::HeadTooLarge => "header_fields_too_large",
            Refusal::Malformed => "malformed_request",
            Refusal::RequestTimeout => "request_timeout",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        [Refusal::UriTooLong, Refusal::HeadTooLarge, Refusal::Malformed, Refusal::RequestTimeout]
            .into_iter()
            .find(|r| r.code() == code)
    }

    fn error(self) -> AppError {
        match self {
            Refusal::UriTooLong => AppError::UriTooLong(format!(
                "the request target is longer than {TARGET_LIMIT} bytes; see the limits in the README"
            )),
            Refusal::HeadTooLarge => AppError::HeaderFieldsTooLarge(
                "the request head is larger than 128 KiB or has more than 96 header fields".into(),
            ),
            Refusal::Malformed => AppError::bad_request(
                "malformed_request",
                "the request is not a well-formed HTTP/1.1 request",
            ),
            Refusal::RequestTimeout => {
                AppError::RequestTimeout("the request head did not arrive in time".into())
            }
        }
    }

    /// The request that takes the bad one's place: it asks to close the connection after the
    /// answer, since the rest of what the client sent cannot be read.
    pub fn request(self, token: &RefusalToken) -> Vec<u8> {
        format!(
            "GET {} HTTP/1.1\r\nhost: normreg\r\nconnection: close\r\n{TOKEN_HEADER}: {}\r\n\r\n",
            PATH.replace("{code}", self.code()),
            token.0
        )
        .into_bytes()
    }
}

/// This process's secret for refusal requests.
#[derive(Clone, Debug)]
pub struct RefusalToken(Arc<str>);

impl RefusalToken {
    /// A token from a random secret, made once per process.
    pub fn new(secret: String) -> Self {
        Self(secret.into())
    }
}

/// Answers a refusal request from the guard; to anyone else the path does not exist.
pub async fn answer(
    req: HttpRequest,
    code: web::Path<String>,
    token: web::Data<RefusalToken>,
) -> Result<HttpResponse, AppError> {
    let genuine =
        req.headers().get(TOKEN_HEADER).is_some_and(|v| v.as_bytes() == token.0.as_bytes());
    match Refusal::from_code(&code).filter(|_| genuine) {
        Some(refusal) => Err(refusal.error()),
        None => Err(AppError::NotFound("resource")),
    }
}
