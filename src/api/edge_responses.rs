//! The answers every operation may get from the edge rather than from its handler (a request
//! that cannot be read, a missing token, a bound exceeded), added to the OpenAPI document so
//! that it declares every status the server sends; and every error answer declared as what it
//! is, `application/problem+json`.

use utoipa::openapi::path::{Operation, Parameter, ParameterIn, PathItem};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Response, Schema};
use utoipa::Number;

use crate::api::json::MAX_JSON_DEPTH;
use crate::service::paging::{MAX_PAGE, MAX_PER_PAGE};
use crate::transport::bounds::{MAX_QUERY_PARAMETERS, MAX_TARGET_BYTES};

const PROBLEM_JSON: &str = "application/problem+json";

/// Which operations an edge answer concerns.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Applies {
    Every,
    WithToken,
    WithBody,
    /// Operations with a path parameter: one that cannot be parsed names nothing.
    WithPath,
    /// Operations with query parameters: values are checked by the handler.
    WithQuery,
}

/// `(status, name in components.responses, description, which operations)`.
fn edge_answers() -> Vec<(&'static str, &'static str, String, Applies)> {
    vec![
        (
            "400",
            "BadRequest",
            format!(
                "The request cannot be read (`code` says why): not a well-formed HTTP/1.1 request \
                 (`malformed_request`), a query parameter of the wrong type (`invalid_query`), \
                 more than {MAX_QUERY_PARAMETERS} query parameters (`too_many_parameters`), NUL \
                 in the URL (`nul_in_url`), or a body that is not JSON (`malformed_json`), empty \
                 where one is required (`empty_body`) or nested more than {MAX_JSON_DEPTH} deep \
                 (`json_too_deep`)."
            ),
            Applies::Every,
        ),
        (
            "401",
            "Unauthorized",
            "No bearer token, or one that is invalid or expired, or has ended (its account \
             disabled, its password changed or reset)."
                .into(),
            Applies::WithToken,
        ),
        (
            "403",
            "TemporaryPasswordToken",
            "The token of a temporary password (after a reset), good only for \
             `POST /api/v1/me/password`."
                .into(),
            Applies::WithToken,
        ),
        (
            "404",
            "NotFound",
            "Nothing is found at this path (also: an id that is not well-formed).".into(),
            Applies::WithPath,
        ),
        (
            "408",
            "RequestTimeout",
            "The request head or body did not arrive in time (see the README's limits).".into(),
            Applies::Every,
        ),
        (
            "413",
            "PayloadTooLarge",
            "The body is larger than the limit (2 MiB by default; imports 64 MiB).".into(),
            Applies::WithBody,
        ),
        (
            "414",
            "UriTooLong",
            format!("The URL (path and query, as sent) is longer than {MAX_TARGET_BYTES} bytes."),
            Applies::Every,
        ),
        (
            "415",
            "UnsupportedMediaType",
            "The body is not sent as `Content-Type: application/json`.".into(),
            Applies::WithBody,
        ),
        (
            "422",
            "InvalidQuery",
            "A query parameter has a value outside what it accepts (e.g. `per_page` above 100); \
             `errors` names it."
                .into(),
            Applies::WithQuery,
        ),
        (
            "431",
            "HeaderFieldsTooLarge",
            "The request head is larger than 128 KiB or has more than 96 header fields.".into(),
            Applies::Every,
        ),
    ]
}

/// Declares the edge's answers on every operation they concern (those an operation declares
/// itself keep their own description) and error bodies as problem+json.
pub fn apply(spec: &mut OpenApi) {
    let limits = format!(
        "\n\nEvery refusal is `application/problem+json` (RFC 9457) with a stable `code`. Limits \
         (README, \"Limits\"): the URL, path and query as sent, at most {MAX_TARGET_BYTES} bytes \
         and {MAX_QUERY_PARAMETERS} query parameters; the request head at most 128 KiB and 96 \
         header fields; JSON bodies at most 2 MiB by default (imports 64 MiB), nested at most \
         {MAX_JSON_DEPTH} deep; the first head of a connection within 5 s and a body within \
         30 s by default; lists at most 100 items a page (a frozen catalogue's entries 1,000)."
    );
    let description = spec.info.description.get_or_insert_with(String::new);
    description.push_str(&limits);
    let components = spec.components.get_or_insert_with(Default::default);
    let answers = edge_answers();
    for (_, name, description, _) in &answers {
        let problem = Content::new(Some(Ref::from_schema_name("Problem")));
        let response = Response::builder().description(description).content(PROBLEM_JSON, problem);
        components.responses.insert(name.to_string(), RefOr::T(response.build()));
    }
    for item in spec.paths.paths.values_mut() {
        for operation in operations(item) {
            let secured = operation.security.as_ref().is_some_and(|requirements| {
                requirements.iter().any(|r| {
                    serde_json::to_value(r)
                        .is_ok_and(|v| v.as_object().is_some_and(|o| !o.is_empty()))
                })
            });
            let has_body = operation.request_body.is_some();
            let has_in = |place: ParameterIn| {
                operation
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == place))
            };
            let (has_path, has_query) = (has_in(ParameterIn::Path), has_in(ParameterIn::Query));
            for (status, name, _, applies) in &answers {
                let concerned = match applies {
                    Applies::Every => true,
                    Applies::WithToken => secured,
                    Applies::WithBody => has_body,
                    Applies::WithPath => has_path,
                    Applies::WithQuery => has_query,
                };
                if concerned {
                    operation
                        .responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| RefOr::Ref(Ref::from_response_name(*name)));
                }
            }
            for parameter in operation.parameters.iter_mut().flatten() {
                if let RefOr::T(parameter) = parameter {
                    declare_page_bounds(parameter);
                }
            }
            for (status, response) in operation.responses.responses.iter_mut() {
                if let (true, RefOr::T(response)) = (status.starts_with(['4', '5']), response) {
                    declare_as_problem(response);
                }
            }
        }
    }
}

/// Every error answer is written by `AppError` as problem+json, whatever the annotation said.
fn declare_as_problem(response: &mut Response) {
    if let Some(content) = response.content.shift_remove("application/json") {
        response.content.insert(PROBLEM_JSON.to_string(), content);
    }
}

/// Every list checks `page` and `per_page` with `Page::from_query`; its bounds are declared
/// here once, on each list's parameters, unless a list declares its own (a frozen catalogue).
fn declare_page_bounds(parameter: &mut Parameter) {
    let (maximum, description) = match parameter.name.as_str() {
        "page" => (MAX_PAGE, "Page number, from 1.".to_string()),
        "per_page" => (MAX_PER_PAGE, format!("Items per page, 1–{MAX_PER_PAGE} (default 20).")),
        _ => return,
    };
    if parameter.parameter_in != ParameterIn::Query {
        return;
    }
    if let Some(RefOr::T(Schema::Object(object))) = parameter.schema.as_mut() {
        if object.maximum.is_none() {
            object.minimum = Some(Number::Int(1));
            object.maximum = Some(Number::Int(maximum as isize));
            parameter.description.get_or_insert(description);
        }
    }
}

pub(super) fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}
