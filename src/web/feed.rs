//! The Atom feed (`/feed.atom`) of newly published, repealed, revoked and expired documents,
//! so that people and other registries can follow changes without polling the catalogue.

use actix_web::{web, HttpRequest, HttpResponse};

use super::html::esc;
use crate::domain::lifecycle::Status;
use crate::domain::validity::Validity;
use crate::http_caching::cached;
use crate::service::public_reading;
use crate::state::AppState;

/// Entries in the feed; readers poll often, so the latest changes are enough.
const ENTRIES: i64 = 50;

/// The word an entry's title starts with, by the action of its event (one of
/// `public_reading::public_actions`).
fn word_of(action: &str) -> &'static str {
    let words = [
        (Status::Published.as_str(), "公布"),
        (Validity::Repealed.as_str(), "废止"),
        (Validity::Revoked.as_str(), "撤销"),
        (Validity::DeclaredInvalid.as_str(), "宣布失效"),
        (Validity::Expired.as_str(), "失效"),
    ];
    words.iter().find(|(a, _)| *a == action).map_or("更新", |(_, w)| *w)
}

pub async fn feed(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let events =
        match state.db.read(move |conn| public_reading::recent_changes(conn, ENTRIES)).await {
            Ok(e) => e,
            Err(e) => return super::error_page(e),
        };
    let info = req.connection_info();
    let base = format!("{}://{}", info.scheme(), info.host());
    // An empty feed still needs a date; a fixed one keeps its ETag stable.
    let updated = events
        .first()
        .map(|(_, at, _, _)| at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| "2026-01-01T00:00:00Z".to_string());
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n\
         <id>{base}/feed.atom</id>\n<title>行政规范性文件：新公布、废止和失效</title>\n<updated>{updated}</updated>\n\
         <author><name>行政规范性文件库</name></author>\n\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{base}/feed.atom\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{base}/\"/>\n",
        base = esc(&base),
    );
    for (event_id, at, action, doc) in &events {
        let word = word_of(action);
        let mut summary = Vec::new();
        if let Some(n) = &doc.issuance_number {
            summary.push(n.clone());
        }
        if let Some(d) = doc.published_on {
            summary.push(format!("{d} 公布"));
        }
        if action != Status::Published.as_str() {
            if let Some(ended) = &doc.ended {
                summary.push(format!("{} 起{word}", ended.on));
                summary.extend(ended.reason.clone());
            }
        }
        xml.push_str(&format!(
            "<entry>\n<id>{base}/feed.atom#event-{event_id}</id>\n<title>{word}：{title}</title>\n<updated>{at}</updated>\n\
             <link rel=\"alternate\" type=\"text/html\" href=\"{base}/documents/{id}\"/>\n<summary>{summary}</summary>\n</entry>\n",
            base = esc(&base),
            title = esc(&doc.title),
            at = at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            id = doc.id,
            summary = esc(&summary.join("；")),
        ));
    }
    xml.push_str("</feed>\n");
    cached(&req, "application/atom+xml; charset=utf-8", xml.into_bytes())
}
