//! The JSON API under `/api/v1`: handlers, request and response types, and the OpenAPI
//! document generated from them.

pub mod agencies;
pub mod auth;
pub mod caller;
pub mod campaigns;
pub mod catalogue_akn;
pub mod catalogues;
pub mod consultations;
pub mod deadlines;
pub mod documents;
pub mod edge_responses;
pub mod evolution;
pub mod export;
pub mod file_body;
pub mod files;
pub mod filings;
pub mod health;
pub mod history;
pub mod imports;
pub mod interpretations;
pub mod json;
pub mod metrics;
pub mod openapi;
pub mod openapi_rules;
pub mod paging;
pub mod path;
pub mod public;
pub mod public_campaigns;
pub mod public_consultations;
pub mod public_suggestions;
pub mod responses;
pub mod settings;
pub mod structured_texts;
pub mod suggestion_inbox;
pub mod users;
pub mod views;
pub mod visitor;
pub mod workflow;

use actix_web::{dev::ResourceDef, web, HttpRequest, HttpResponse};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::AppError;

/// What a handler answers: a response, or a problem that `AppError` renders as problem+json.
pub type Answer = Result<HttpResponse, AppError>;

/// The document's frame; paths and schemas are collected from the handlers themselves.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "normreg",
        description = "Registry of administrative normative documents (行政规范性文件): drafting, legality review, deliberation, unified numbering, publication, filing, expiry and the public catalogue.",
        license(name = "MIT", identifier = "MIT")
    ),
    // Relative: the document is served by the instance it describes, so its own origin is the
    // server (a client is given the base URL, e.g. http://127.0.0.1:8080).
    servers((url = "/", description = "The instance serving this document")),
    // Schemas only query parameters name (utoipa registers those of bodies and answers itself).
    components(schemas(
        crate::error::Problem,
        crate::error::FieldError,
        crate::service::export::ExportFormat
    )),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build(),
            ),
        );
    }
}

/// Every route of the service, for both the real app and the OpenAPI generation.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz).service(health::readyz).service(metrics::metrics).service(
        utoipa_actix_web::scope::scope("/api/v1")
            // The public reads first: resources are tried in this order, each path with a
            // parameter by a regular expression, and these carry most of the traffic. No
            // other path starts with /public/documents or /public/lookup.
            .service(public::list_public_documents)
            .service(public::get_public_document)
            .service(public::lookup_number)
            .service(structured_texts::get_public_article)
            .service(structured_texts::compare_public_versions)
            .service(structured_texts::get_public_as_of)
            .service(files::list_public_files)
            .service(files::get_public_file)
            .service(export::export_catalogue)
            .service(openapi::openapi_json)
            .service(auth::login)
            .service(auth::me)
            .service(auth::change_password)
            .service(agencies::create_agency)
            .service(agencies::list_agencies)
            .service(agencies::get_agency)
            .service(users::create_user)
            .service(users::list_users)
            .service(users::get_user)
            .service(users::update_user)
            .service(users::reset_password)
            .service(settings::get_policy)
            .service(settings::put_policy)
            .service(settings::put_calendar)
            .service(documents::create_document)
            .service(documents::list_documents)
            .service(evolution::expiring)
            .service(documents::get_document)
            .service(documents::edit_document)
            .service(documents::document_history)
            .service(files::upload_file)
            .service(files::list_files)
            .service(files::get_file)
            .service(workflow::submit)
            .service(workflow::review)
            .service(workflow::list_reviews)
            .service(workflow::deliberation)
            .service(workflow::register)
            .service(workflow::publish)
            .service(public_suggestions::create_review_suggestion)
            .service(public_suggestions::get_review_suggestion)
            .service(suggestion_inbox::list_review_suggestions)
            .service(suggestion_inbox::reply_review_suggestion)
            .service(evolution::continue_document)
            .service(evolution::repeal)
            .service(evolution::declare_invalid)
            .service(evolution::amend)
            .service(evolution::as_of)
            .service(imports::import_documents)
            .service(catalogues::freeze_catalogue)
            .service(catalogues::list_public_catalogues)
            // Before the catalogue itself, whose `{year}` would take `2025.csv` too.
            .service(catalogues::get_public_catalogue_csv)
            .service(catalogue_akn::get_public_catalogue_akn_zip)
            .service(catalogues::get_public_catalogue)
            .service(interpretations::create_interpretation)
            .service(interpretations::list_interpretations)
            .service(filings::file_document)
            .service(filings::list_filings)
            .service(filings::decide_filing)
            .service(filings::filing_stats)
            .service(filings::filing_package)
            .service(campaigns::open_campaign)
            .service(campaigns::list_campaigns)
            .service(campaigns::get_campaign)
            .service(campaigns::decide_item)
            .service(campaigns::close_campaign)
            .service(public_campaigns::list_public_campaigns)
            .service(public_campaigns::get_public_campaign)
            .service(deadlines::list_deadlines)
            .service(history::list_checkpoints)
            .service(history::make_checkpoint)
            .service(history::verify)
            .service(consultations::open_consultation)
            .service(consultations::list_consultations)
            .service(consultations::list_comments)
            .service(consultations::dispose_comment)
            .service(consultations::exempt_from_consultation)
            .service(consultations::get_consultation_stats)
            .service(public_consultations::list_public_consultations)
            .service(public_consultations::get_public_consultation)
            .service(public_consultations::create_comment)
            .service(public_consultations::get_comment),
    );
}

/// A `status` query filter: blank means none, a word `parse` does not know is 422 naming it
/// as `what` (e.g. "status", "filing status").
pub fn status_filter<T>(
    raw: Option<&str>,
    what: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, AppError> {
    match raw {
        None | Some("") => Ok(None),
        Some(s) => parse(s)
            .map(Some)
            .ok_or_else(|| AppError::invalid("status", format!("unknown {what} `{s}`"))),
    }
}

/// The paths and methods of the OpenAPI document and of the web pages, to answer 405 rather
/// than 404 for a known path with an unknown method. Every path that answers GET answers HEAD
/// too (see [`head_as_get`]), so both are listed.
#[derive(Clone, Default)]
pub struct KnownPaths(Vec<(ResourceDef, Vec<String>)>);

impl KnownPaths {
    /// The API's paths from its OpenAPI document, and the other pages served beside it (the
    /// web pages, handed over by `startup` so that the API need not know them).
    pub fn new(spec: &utoipa::openapi::OpenApi, pages: &[(&str, &[&str])]) -> Self {
        let mut known = Self::from_spec(spec);
        for (path, methods) in pages {
            known.push(path, methods.iter().map(|m| m.to_string()).collect());
        }
        known
    }

    fn push(&mut self, path: &str, mut methods: Vec<String>) {
        if methods.iter().any(|m| m == "GET") && !methods.iter().any(|m| m == "HEAD") {
            methods.push("HEAD".into());
        }
        self.0.push((ResourceDef::new(path), methods));
    }

    fn from_spec(spec: &utoipa::openapi::OpenApi) -> Self {
        let mut out = Self::default();
        for (path, item) in spec.paths.paths.iter() {
            let value = serde_json::to_value(item).unwrap_or_default();
            let methods: Vec<String> = value
                .as_object()
                .map(|o| {
                    o.keys()
                        .filter(|k| {
                            ["get", "put", "post", "delete", "patch", "head"].contains(&k.as_str())
                        })
                        .map(|k| k.to_uppercase())
                        .collect()
                })
                .unwrap_or_default();
            out.push(path.as_str(), methods);
        }
        out
    }

    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let methods: Vec<String> = self
            .0
            .iter()
            .filter(|(def, _)| def.is_match(path))
            .flat_map(|(_, m)| m.clone())
            .collect();
        (!methods.is_empty()).then_some(methods)
    }
}

/// Refuses a URL carrying the NUL character (`%00`) before any handler sees it. PostgreSQL
/// refuses NUL in every text parameter, so a path segment or query value holding one would end
/// in a 500 wherever it reaches a query; JSON bodies are held to the same rule in `json::parse`.
/// Both engines answer alike: 400.
pub async fn refuse_nul(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<
    actix_web::dev::ServiceResponse<actix_web::body::EitherBody<impl actix_web::body::MessageBody>>,
    actix_web::Error,
> {
    let has_nul = |s: &str| s.as_bytes().windows(3).any(|w| w.eq_ignore_ascii_case(b"%00"));
    if has_nul(req.uri().path()) || req.uri().query().is_some_and(has_nul) {
        let error =
            AppError::bad_request("nul_in_url", "the URL must not contain the NUL character (%00)");
        let response = actix_web::ResponseError::error_response(&error);
        return Ok(req.into_response(response).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// Routes HEAD like GET. Handlers are declared for GET only; HTTP/1.1 noted the request's
/// method when it was parsed and sends no body for HEAD whatever the handler returns, so the
/// answer is the GET answer's status and headers (Content-Length, ETag) without the body.
pub async fn head_as_get(
    mut req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    if req.method() == actix_web::http::Method::HEAD {
        req.head_mut().method = actix_web::http::Method::GET;
    }
    next.call(req).await
}

/// Where unmatched requests end: 405 for a known path, else 404, both as problem+json.
pub async fn fallback(
    req: HttpRequest,
    known: web::Data<KnownPaths>,
) -> Result<HttpResponse, AppError> {
    match known.allowed(req.path()) {
        Some(allow) => Err(AppError::MethodNotAllowed { allow }),
        None => Err(AppError::NotFound("resource")),
    }
}
