//! The layering of ARCHITECTURE.md, checked on the source text: the pure rules in
//! `src/domain/` use no web framework, no database and no layer above them; the use cases in
//! `src/service/` use no edge; no handler module of `src/api/` imports another.

use std::path::{Path, PathBuf};

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

/// Every `.rs` file below `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read source folder") {
            let path = entry.expect("folder entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The code of a file without comments (line comments and doc comments), so that prose that
/// names a crate is not taken for a use of it.
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).expect("read source file");
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split("//").next().unwrap_or("").to_string()))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect()
}

/// Each line of the files below `dir` that names one of `forbidden`, as `file:line: text`.
fn uses_of(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in rust_files(&Path::new(SRC).join(dir)) {
        for (n, line) in code_lines(&file) {
            if forbidden.iter().any(|f| line.contains(f)) {
                found.push(format!("{}:{n}: {}", file.display(), line.trim()));
            }
        }
    }
    found
}

#[test]
fn the_domain_uses_no_framework_no_database_and_no_layer_above_it() {
    let found = uses_of(
        "domain",
        &[
            "actix_web",
            "actix_http",
            "diesel",
            "crate::db",
            "crate::service",
            "crate::api",
            "crate::web",
            "crate::state",
        ],
    );
    assert!(found.is_empty(), "src/domain/ must stay pure:\n{}", found.join("\n"));
}

#[test]
fn the_service_layer_uses_no_edge() {
    let found = uses_of(
        "service",
        &[
            "actix_web",
            "crate::api",
            "crate::web",
            "crate::cli",
            "crate::demo",
            "crate::scheduler",
            "crate::state",
            "crate::startup",
        ],
    );
    assert!(found.is_empty(), "src/service/ must not reach an edge:\n{}", found.join("\n"));
}

#[test]
fn the_database_layer_uses_no_layer_above_it() {
    let found = uses_of(
        "db",
        &["crate::service", "crate::api", "crate::web", "crate::state", "crate::startup"],
    );
    assert!(found.is_empty(), "src/db/ must not reach up:\n{}", found.join("\n"));
}

#[test]
fn the_search_index_is_storage_beside_the_database() {
    // The index is derived from the database but never reads it: `service::search_sync`
    // moves documents from one to the other.
    let found = uses_of(
        "search_index",
        &[
            "diesel",
            "crate::db",
            "crate::service",
            "crate::api",
            "crate::web",
            "crate::state",
            "crate::startup",
        ],
    );
    assert!(found.is_empty(), "src/search_index/ must stay storage:\n{}", found.join("\n"));
}

#[test]
fn the_database_layer_answers_with_its_own_error() {
    // `src/db/error.rs` maps `DbError` to the HTTP problem; no other file of `src/db/` may
    // answer with the edge's error type.
    let mapping = Path::new(SRC).join("db").join("error.rs");
    let found: Vec<String> = uses_of("db", &["AppError"])
        .into_iter()
        .filter(|hit| !hit.starts_with(&format!("{}:", mapping.display())))
        .collect();
    assert!(found.is_empty(), "src/db/ must return DbError:\n{}", found.join("\n"));
    let error = code_lines(&Path::new(SRC).join("error.rs"));
    let up: Vec<_> =
        error.iter().filter(|(_, l)| l.contains("crate::db") || l.contains("diesel")).collect();
    assert!(up.is_empty(), "src/error.rs must not know the database: {up:?}");
}

/// The handler modules of `src/api/`: those that declare a route.
fn handler_modules() -> Vec<String> {
    rust_files(&Path::new(SRC).join("api"))
        .into_iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            ["#[get(", "#[post(", "#[put(", "#[patch(", "#[delete("]
                .iter()
                .any(|m| text.contains(m))
        })
        .filter_map(|f| f.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|name| name != "mod")
        .collect()
}

#[test]
fn no_handler_module_imports_another() {
    let handlers = handler_modules();
    assert!(handlers.len() >= 10, "the handler modules were not found: {handlers:?}");
    let mut found = Vec::new();
    for module in &handlers {
        let file = Path::new(SRC).join("api").join(format!("{module}.rs"));
        for (n, line) in code_lines(&file) {
            for other in handlers.iter().filter(|o| *o != module) {
                let named = [format!("super::{other}::"), format!("crate::api::{other}::")]
                    .iter()
                    .any(|p| line.contains(p.as_str()))
                    || line.contains(&format!("super::{{{other}"))
                    || line.contains(&format!("use super::{other};"));
                if named {
                    found.push(format!("api/{module}.rs:{n} imports api/{other}: {}", line.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "handler modules must not import each other:\n{}", found.join("\n"));
}

#[test]
fn the_web_pages_call_services_not_api_handlers() {
    let found = uses_of("web", &["crate::api::"]);
    assert!(found.is_empty(), "src/web/ must call src/service/:\n{}", found.join("\n"));
}

/// The words a document's status and validity are stored and sent under.
const DOCUMENT_WORDS: [&str; 15] = [
    "draft",
    "under_review",
    "revision_required",
    "rejected",
    "reviewed",
    "adopted",
    "registered",
    "published",
    "not_yet_effective",
    "in_force",
    "amended",
    "expired",
    "declared_invalid",
    "repealed",
    "revoked",
];

/// Whether `line` holds the quoted word `quoted` as a value: a key of a JSON payload
/// (`"adopted": true`) is not a status.
fn names_status(line: &str, quoted: &str) -> bool {
    line.match_indices(quoted)
        .any(|(at, _)| !line[at + quoted.len()..].trim_start().starts_with(':'))
}

#[test]
fn document_statuses_are_named_only_in_the_domain() {
    // Everywhere else a status or validity is the domain's value (`Status::Published`,
    // `Validity::Expired.as_str()` in SQL), so a renamed or misspelt word cannot compile.
    let quoted: Vec<String> =
        DOCUMENT_WORDS.iter().flat_map(|w| [format!("\"{w}\""), format!("'{w}'")]).collect();
    let quoted: Vec<&str> = quoted.iter().map(String::as_str).collect();
    let mut found = Vec::new();
    for file in rust_files(Path::new(SRC)) {
        if file.starts_with(Path::new(SRC).join("domain")) {
            continue;
        }
        for (n, line) in code_lines(&file) {
            if quoted.iter().any(|q| names_status(&line, q)) {
                found.push(format!("{}:{n}: {}", file.display(), line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "a document status spelt out of src/domain/:\n{}", found.join("\n"));
}
