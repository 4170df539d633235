//! The JSON body extractor: checks the content type, enforces the size limit while reading,
//! and reports a type error with the path of the field at fault.

use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::state::AppState;

/// A request body parsed from JSON; every failure is a problem+json 4xx.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_json_body(req, payload, false, |c| c.body_limit);
        Box::pin(async move {
            let bytes = body.await?;
            parse(&bytes).map(ApiJson)
        })
    }
}

/// A JSON body that may be left out: no body and the body `null` are `None`, as the OpenAPI
/// document declares such a body (`oneOf: [T, null]`); a body that is present is held to
/// the same rules as [`ApiJson`].
#[derive(Debug)]
pub struct MaybeJson<T>(pub Option<T>);

impl<T: DeserializeOwned + 'static> FromRequest for MaybeJson<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_json_body(req, payload, true, |c| c.body_limit);
        Box::pin(async move {
            let bytes = body.await?;
            if bytes.is_empty() {
                Ok(MaybeJson(None))
            } else {
                parse::<Option<T>>(&bytes).map(MaybeJson)
            }
        })
    }
}

/// A large JSON body (an import of whole texts), read under `NORMREG_IMPORT_BODY_LIMIT`
/// instead of the ordinary limit; otherwise held to the same rules as [`ApiJson`].
#[derive(Debug)]
pub struct BulkJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for BulkJson<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_json_body(req, payload, false, |c| c.import_body_limit);
        Box::pin(async move {
            let bytes = body.await?;
            parse(&bytes).map(BulkJson)
        })
    }
}

/// Reads the body within the size limit, insisting on a JSON content type unless the body may
/// be absent and is.
fn read_json_body(
    req: &HttpRequest,
    payload: &mut Payload,
    may_be_empty: bool,
    limit_of: fn(&crate::config::Config) -> usize,
) -> Pin<Box<dyn Future<Output = Result<web::BytesMut, AppError>>>> {
    let config = req.app_data::<web::Data<AppState>>().map(|s| &s.config);
    let limit = config.map(limit_of).unwrap_or(2 * 1024 * 1024);
    let timeout =
        std::time::Duration::from_secs(config.map(|c| c.body_timeout_seconds).unwrap_or(30));
    let content_type_ok = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            let mime = v.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            mime == "application/json" || mime.ends_with("+json")
        })
        .unwrap_or(false);
    let declared_len = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let mut payload = payload.take();
    Box::pin(async move {
        let may_skip_type = may_be_empty && declared_len.unwrap_or(0) == 0;
        if !content_type_ok && !may_skip_type {
            return Err(AppError::UnsupportedMediaType(
                "send the body as Content-Type: application/json".into(),
            ));
        }
        if declared_len.is_some_and(|n| n > limit) {
            return Err(AppError::PayloadTooLarge { limit });
        }
        // A client that sends part of a body and stalls would otherwise hold the connection
        // (and the request's memory) for ever: the whole body must arrive within the timeout.
        let read = async {
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk =
                    chunk.map_err(|e| AppError::bad_request("unreadable_body", e.to_string()))?;
                if body.len() + chunk.len() > limit {
                    return Err(AppError::PayloadTooLarge { limit });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(body)
        };
        actix_web::rt::time::timeout(timeout, read).await.map_err(|_| {
            AppError::RequestTimeout(format!(
                "the request body did not arrive within {} seconds",
                timeout.as_secs()
            ))
        })?
    })
}

/// The deepest nesting of arrays and objects a body may have. No request needs more than
/// four; serde_json would stop at 128, but every level costs stack in the deserializer, and a
/// bound of our own is one the README can name.
pub const MAX_JSON_DEPTH: usize = 32;

/// Whether arrays and objects nest deeper than `limit` anywhere in `body` (brackets inside
/// strings do not count). Run before parsing, so that depth never reaches the deserializer.
fn nesting_exceeds(body: &[u8], limit: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in body {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// Parses JSON, telling a syntax error (400) from a well-formed body with wrong content (422).
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    if body.is_empty() {
        return Err(AppError::bad_request(
            "empty_body",
            "the request body is empty; send a JSON object",
        ));
    }
    // PostgreSQL cannot store NUL in text; refuse it here for both engines alike.
    if body.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
        return Err(AppError::invalid("body", "text must not contain the NUL character (\\u0000)"));
    }
    if nesting_exceeds(body, MAX_JSON_DEPTH) {
        return Err(AppError::bad_request(
            "json_too_deep",
            format!("the body nests arrays and objects more than {MAX_JSON_DEPTH} deep"),
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let field = if path == "." { String::from("body") } else { path };
                AppError::invalid(field, strip_position(&inner.to_string()))
            }
            _ => AppError::bad_request(
                "malformed_json",
                format!("the body is not valid JSON: {inner}"),
            ),
        }
    })
}

/// serde's messages end with "at line 1 column 9", which means nothing for a field error.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_counted_outside_strings_only() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(!nesting_exceeds(deep(MAX_JSON_DEPTH).as_bytes(), MAX_JSON_DEPTH));
        assert!(nesting_exceeds(deep(MAX_JSON_DEPTH + 1).as_bytes(), MAX_JSON_DEPTH));
        let objects = format!("{}1{}", r#"{"a":"#.repeat(40), "}".repeat(40));
        assert!(nesting_exceeds(objects.as_bytes(), MAX_JSON_DEPTH));
        let in_string = format!(r#"{{"text": "{}\"{}"}}"#, "[".repeat(100), "{".repeat(100));
        assert!(!nesting_exceeds(in_string.as_bytes(), MAX_JSON_DEPTH));
    }

    #[test]
    fn a_body_too_deep_for_the_deserializer_is_refused_with_its_code() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let refused = parse::<serde_json::Value>(deep.as_bytes()).unwrap_err();
        assert_eq!(refused.code(), "json_too_deep");
    }

    #[test]
    fn an_optional_body_may_be_null() {
        #[derive(serde::Deserialize)]
        struct Body {
            #[allow(dead_code)]
            a: Option<u8>,
        }
        assert!(parse::<Option<Body>>(b"null").unwrap().is_none());
        assert!(parse::<Option<Body>>(b"{}").unwrap().is_some());
        assert!(parse::<Body>(b"null").is_err());
    }
}
