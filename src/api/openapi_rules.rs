//! What a linter's recommended rules (Redocly) and a generated client (openapi-python-client)
//! need of the OpenAPI document beyond what the handlers' annotations say, applied once to the
//! whole document so that operations added later get it too: public operations say so with
//! `security: []`, an optional body is declared optional rather than nullable, and no
//! component is left that nothing uses.

use std::collections::BTreeSet;

use super::edge_responses::operations;

use utoipa::openapi::path::Operation;
use utoipa::openapi::{OpenApi, RefOr, Required, Schema};

const SCHEMA_REF: &str = "#/components/schemas/";

pub fn apply(spec: &mut OpenApi) {
    for item in spec.paths.paths.values_mut() {
        for operation in operations(item) {
            // No requirement declared means no token read: say it, rather than leave a reader
            // (or a linter) to guess whether the root's security applies.
            operation.security.get_or_insert_with(Vec::new);
            optional_body_is_absent(operation);
        }
    }
    prune_unused_schemas(spec);
}

/// utoipa writes an optional body (`Option<T>`) as `oneOf: [T, null]`, which a generated
/// client sends as JSON `null` or as nothing it can serialise; the server accepts no body at
/// all, so declare exactly that: `T`, not required.
fn optional_body_is_absent(operation: &mut Operation) {
    let Some(RefOr::T(body)) = operation.request_body.as_mut() else { return };
    let mut optional = false;
    for content in body.content.values_mut() {
        let RefOr::T(content) = content else { continue };
        let Some(RefOr::T(Schema::OneOf(one_of))) = content.schema.as_ref() else { continue };
        let null = |s: &RefOr<Schema>| {
            serde_json::to_value(s).is_ok_and(|v| v == serde_json::json!({"type": "null"}))
        };
        if one_of.items.len() == 2 && one_of.items.iter().any(null) {
            let inner = one_of.items.iter().find(|s| !null(s)).cloned();
            content.schema = inner;
            optional = true;
        }
    }
    if optional {
        body.required = Some(Required::False);
    }
}

/// Drops the schemas nothing refers to (e.g. a generic's item inlined into its page).
fn prune_unused_schemas(spec: &mut OpenApi) {
    let Some(components) = spec.components.as_ref() else { return };
    let mut without_schemas = spec.clone();
    if let Some(c) = without_schemas.components.as_mut() {
        c.schemas.clear();
    }
    let mut used = BTreeSet::new();
    collect_refs(&serde_json::to_value(&without_schemas).unwrap_or_default(), &mut used);
    // A schema named by a used schema is used: follow references from the used ones.
    let mut frontier: Vec<String> = used.iter().cloned().collect();
    while let Some(name) = frontier.pop() {
        if let Some(schema) = components.schemas.get(&name) {
            let mut inner = BTreeSet::new();
            collect_refs(&serde_json::to_value(schema).unwrap_or_default(), &mut inner);
            frontier.extend(inner.into_iter().filter(|n| used.insert(n.clone())));
        }
    }
    if let Some(c) = spec.components.as_mut() {
        c.schemas.retain(|name, _| used.contains(name));
    }
}

fn collect_refs(value: &serde_json::Value, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v.as_str()) {
                    ("$ref", Some(r)) => {
                        if let Some(name) = r.strip_prefix(SCHEMA_REF) {
                            out.insert(name.to_string());
                        }
                    }
                    _ => collect_refs(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
