//! Public web pages in Chinese, rendered on the server from the same functions as the public
//! API: home with search, search results with filters and paging, a document, the review
//! suggestion form and its tracking page, the annual catalogues, the Atom feeds with their
//! stylesheet, and public consultation (征求意见) with its comment form, tracking page and
//! feedback, and their Atom feed.

pub mod catalogues;
pub mod consultation_feed;
pub mod consultations;
pub mod document;
pub mod document_citations;
pub mod feed;
pub mod html;
pub mod search;
pub mod structured;
pub mod suggestions;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse, ResponseError};

use crate::error::AppError;
use html::{esc, page};

/// The pages and their methods, for the API's 405 answers (`KnownPaths`); keep it in step
/// with [`routes`] (a test asks every entry).
pub const PAGES: [(&str, &[&str]); 12] = [
    ("/", &["GET"]),
    ("/search", &["GET"]),
    ("/documents/{id}", &["GET"]),
    ("/documents/{id}/suggestions", &["POST"]),
    ("/suggestions", &["GET"]),
    ("/feed.atom", &["GET"]),
    ("/feed.xsl", &["GET"]),
    ("/consultations", &["GET"]),
    ("/consultations/{id}", &["GET"]),
    ("/consultations/{id}/comments", &["POST"]),
    ("/consultation-comments", &["GET"]),
    ("/consultations.atom", &["GET"]),
];

/// Registers the pages on the actix app (they are not part of the OpenAPI document).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(search::home))
        .route("/search", web::get().to(search::search))
        .route("/documents/{id}", web::get().to(document::document))
        .route("/documents/{id}/suggestions", web::post().to(suggestions::suggest))
        .route("/documents/{id}/compare", web::get().to(structured::compare_page))
        .route("/suggestions", web::get().to(suggestions::track))
        .route("/feed.atom", web::get().to(feed::feed))
        .route("/feed.xsl", web::get().to(feed::stylesheet))
        .route("/consultations", web::get().to(consultations::list))
        .route("/consultations/{id}", web::get().to(consultations::one))
        .route("/consultations/{id}/comments", web::post().to(consultations::comment))
        .route("/consultation-comments", web::get().to(consultations::track))
        .route("/consultations.atom", web::get().to(consultation_feed::feed))
        .route("/catalogues", web::get().to(catalogues::index))
        .route("/catalogues/{code}", web::get().to(catalogues::of_agency))
        .route("/catalogues/{code}/{year}", web::get().to(catalogues::catalogue));
}

const HTML: &str = "text/html; charset=utf-8";

/// An error as a page: the status of the API error, a Chinese explanation, causes logged.
pub(crate) fn error_page(e: AppError) -> HttpResponse {
    let status = e.status_code();
    let message = match &e {
        AppError::NotFound(_) => "未找到该文件。它可能尚未公布，或者链接有误。".to_string(),
        AppError::Invalid { detail, .. } | AppError::BadRequest { detail, .. } => {
            format!("查询条件有误：{detail}")
        }
        _ => {
            // The API's renderer logs internal causes; reuse it for the log line only.
            let _ = e.error_response();
            "服务暂时出现问题，请稍后再试。".to_string()
        }
    };
    let body = page(
        "出错了",
        &format!(
            "<h1>出错了</h1>\n<p role=\"alert\">{}</p>\n<p><a href=\"/\">返回首页</a></p>",
            esc(&message)
        ),
    );
    HttpResponse::build(if status.is_server_error() {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        status
    })
    .content_type(HTML)
    .body(body)
}
