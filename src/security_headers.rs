//! The security headers of every answer (pages, feeds, the API): a Content-Security-Policy
//! that lets a page load nothing from elsewhere and be framed by nobody, `nosniff`, and a
//! Referrer-Policy that keeps search terms in URLs from reaching other sites.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;

/// The policy of the pages: inline style only (the pages carry their own `<style>` and
/// `style` attributes), no script at all, forms posting back here, no framing.
pub const PAGE_POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
     form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The policy of XML answers (the Atom feed): the same, plus the service's own XSLT
/// stylesheet, which browsers load under `script-src` or `style-src` depending on the engine.
pub const XML_POLICY: &str =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Sent cross-site, a page's URL would carry the visitor's search; the origin alone does not.
pub const REFERRER_POLICY: &str = "strict-origin-when-cross-origin";

/// Adds the headers to every answer that does not set its own.
pub async fn add(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut res = next.call(req).await?;
    set_headers(res.headers_mut());
    Ok(res)
}

fn set_headers(headers: &mut HeaderMap) {
    let xml = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.contains("xml"));
    let policy = if xml { XML_POLICY } else { PAGE_POLICY };
    let pairs: [(HeaderName, &'static str); 4] = [
        (header::CONTENT_SECURITY_POLICY, policy),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, REFERRER_POLICY),
        // For browsers older than `frame-ancestors`.
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    for (name, value) in pairs {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_answers_may_load_their_stylesheet_and_pages_no_script() {
        let mut page = HeaderMap::new();
        page.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        set_headers(&mut page);
        let csp = page.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("script-src"));
        let mut feed = HeaderMap::new();
        feed.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/atom+xml"));
        set_headers(&mut feed);
        let csp = feed.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
        assert_eq!(feed.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
    }
}
