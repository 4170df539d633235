//! The bounds of a request's URL, checked before routing so that every path, API or page,
//! refuses alike and as problem+json: the length of the request target and the number of
//! query parameters. (The head's own size is bounded by the HTTP layer, see `guard`; bodies
//! by the JSON extractor, `api::json`.)

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::ResponseError;

use crate::error::AppError;

/// The longest request target (path and query, as sent, percent-encoded) in bytes: enough
/// for a search of some 900 Chinese characters, the size most servers accept (8 KiB).
pub const MAX_TARGET_BYTES: usize = 8 * 1024;

/// The most `name=value` pairs in a query. No operation takes more than a dozen.
pub const MAX_QUERY_PARAMETERS: usize = 100;

/// Refuses a request whose URL exceeds the bounds above: 414 `uri_too_long`, or 400
/// `too_many_parameters`.
pub async fn url_bounds(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if let Some(error) = check(req.uri()) {
        let response = error.error_response();
        return Ok(req.into_response(response).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

fn check(uri: &actix_web::http::Uri) -> Option<AppError> {
    let parameters = uri.query().map_or(0, |q| q.split('&').filter(|p| !p.is_empty()).count());
    if parameters > MAX_QUERY_PARAMETERS {
        return Some(AppError::bad_request(
            "too_many_parameters",
            format!(
                "the query has {parameters} parameters; at most {MAX_QUERY_PARAMETERS} are accepted"
            ),
        ));
    }
    let target = uri.path_and_query().map_or(uri.path().len(), |pq| pq.as_str().len());
    if target > MAX_TARGET_BYTES {
        return Some(AppError::UriTooLong(format!(
            "the URL is {target} bytes long; at most {MAX_TARGET_BYTES} are accepted"
        )));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> actix_web::http::Uri {
        s.parse().unwrap()
    }

    #[test]
    fn a_url_at_the_bounds_passes_and_one_beyond_is_refused_with_its_code() {
        let at = format!("/s?q={}", "a".repeat(MAX_TARGET_BYTES - 5));
        assert!(check(&uri(&at)).is_none());
        let beyond = format!("{at}a");
        assert_eq!(check(&uri(&beyond)).map(|e| e.code()), Some("uri_too_long"));
        let params = |n: usize| format!("/s?{}", vec!["a=1"; n].join("&"));
        assert!(check(&uri(&params(MAX_QUERY_PARAMETERS))).is_none());
        let many = check(&uri(&params(MAX_QUERY_PARAMETERS + 1)));
        assert_eq!(many.map(|e| e.code()), Some("too_many_parameters"));
        // Empty pairs (`a=1&&b=2`) are not parameters.
        assert!(check(&uri(&format!("/s?{}", "&".repeat(500)))).is_none());
    }
}
