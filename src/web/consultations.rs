//! The public consultation pages (征求意见): the list, one consultation with its text and
//! either the comment form (while open) or the feedback (once closed), the comment's
//! submission (post/redirect/get) and its tracking page. Never a commenter's contact or name.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::html::{code_form, esc, page, page_with_feed, query_string};
use super::suggestions::TrackForm;
use super::{error_page, HTML};
use crate::domain::consultation::ConsultationStatus;
use crate::domain::ids::ConsultationId;
use crate::error::AppError;
use crate::service::consultation_public::{
    self as public, CommentInput, Feedback, PublicConsultation, MAX_COMMENT,
};
use crate::service::paging::Page;
use crate::service::suggestions;
use crate::state::AppState;

/// The consultations' Atom feed, which the consultation pages announce.
const FEED: &str = "/consultations.atom";

#[derive(Debug, Default, Deserialize)]
pub struct ListForm {
    #[serde(default)]
    pub status: String,
    pub page: Option<i64>,
}

/// `GET /consultations`: open consultations first by default, or closed ones.
pub(super) async fn list(state: web::Data<AppState>, form: web::Query<ListForm>) -> HttpResponse {
    let status = ConsultationStatus::parse(&form.status).unwrap_or(ConsultationStatus::Open);
    let page_asked = match Page::from_query(form.page, None) {
        Ok(p) => p,
        Err(e) => return error_page(e),
    };
    let clock = state.clock.clone();
    let found = state
        .db
        .read(move |conn| {
            let (offset, limit) = (page_asked.offset(), page_asked.per_page);
            public::list(conn, clock.as_ref(), None, Some(status), offset, limit)
        })
        .await;
    let (items, total) = match found {
        Ok(found) => found,
        Err(e) => return error_page(e),
    };
    let tabs = [ConsultationStatus::Open, ConsultationStatus::Closed]
        .iter()
        .map(|s| {
            let label =
                if *s == ConsultationStatus::Open { "正在征求意见" } else { "已结束" };
            if *s == status {
                format!("<strong>{label}</strong>")
            } else {
                format!(
                    "<a href=\"/consultations?{}\">{label}</a>",
                    query_string(&[("status", s.as_str())])
                )
            }
        })
        .collect::<Vec<_>>()
        .join(" ｜ ");
    let rows: String = items
        .iter()
        .map(|c| {
            format!(
                "<li><h2><a href=\"/consultations/{}\">{}</a></h2><p class=\"meta\">{} 至 {} · {}</p></li>",
                c.id,
                esc(&c.title),
                c.opens_on,
                c.closes_on,
                esc(&c.status_label)
            )
        })
        .collect();
    let list = if rows.is_empty() {
        "<p>暂无。</p>".to_string()
    } else {
        format!("<ol class=\"results\">{rows}</ol>")
    };
    let more = if page_asked.offset() + page_asked.per_page < total {
        let next = (page_asked.page + 1).to_string();
        format!(
            "<nav class=\"pages\"><a href=\"/consultations?{}\">下一页</a></nav>",
            query_string(&[("status", status.as_str()), ("page", &next)])
        )
    } else {
        String::new()
    };
    let main = format!(
        "<h1>公开征求意见</h1>\n<p>{tabs}</p>\n<p>共 {total} 件 · <a href=\"{FEED}\">订阅征求意见</a></p>\n{list}\n{more}"
    );
    HttpResponse::Ok().content_type(HTML).body(page_with_feed("公开征求意见", &main, FEED))
}

/// `GET /consultations/{id}`: the text as consulted, the period, and the form or feedback.
pub(super) async fn one(state: web::Data<AppState>, id: web::Path<String>) -> HttpResponse {
    let Ok(id) = id.parse::<ConsultationId>() else {
        return error_page(AppError::NotFound("consultation"));
    };
    let clock = state.clock.clone();
    match state.db.read(move |conn| public::get(conn, clock.as_ref(), id)).await {
        Ok(c) => HttpResponse::Ok().content_type(HTML).body(consultation_page(&c)),
        Err(e) => error_page(e),
    }
}

fn consultation_page(c: &PublicConsultation) -> String {
    let s = &c.summary;
    let mut facts = vec![
        format!("<dt>征求意见期</dt><dd>{} 至 {}</dd>", s.opens_on, s.closes_on),
        format!("<dt>状态</dt><dd>{}</dd>", esc(&s.status_label)),
    ];
    if s.affects_businesses {
        facts.push("<dt>涉及市场主体</dt><dd>是</dd>".to_string());
    }
    if let Some(r) = &c.short_period_reason {
        facts.push(format!("<dt>征求意见期较短的理由</dt><dd>{}</dd>", esc(r)));
    }
    let notes = c
        .drafting_notes
        .as_ref()
        .map(|n| format!("<h2>起草说明</h2>\n<div class=\"text\">{}</div>", esc(n)))
        .unwrap_or_default();
    let tail = match (&c.feedback, s.status) {
        (Some(f), _) => feedback_section(f),
        (None, ConsultationStatus::Open) => comment_form(s.id),
        (None, _) => format!("<p>本次征求意见自 {} 开始。</p>", s.opens_on),
    };
    let main = format!(
        "<h1>{}（征求意见稿）</h1>\n<dl class=\"facts\">{}</dl>\n<h2>征求意见稿全文</h2>\n<div class=\"text\">{}</div>\n{notes}\n{tail}",
        esc(&s.title),
        facts.join(""),
        esc(&c.body)
    );
    page_with_feed(&s.title, &main, FEED)
}

fn comment_form(id: ConsultationId) -> String {
    format!(
        "<section aria-labelledby=\"comment\"><h2 id=\"comment\">提出意见</h2>\n\
         <p>提交后请保存查询码，凭它查询起草机关对您意见的采纳情况。联系方式和姓名不会公开。</p>\n\
         <form class=\"search\" action=\"/consultations/{id}/comments\" method=\"post\">\n\
         <div style=\"width:100%\"><label for=\"content\">意见内容（不超过10000字）</label>\
         <textarea id=\"content\" name=\"content\" rows=\"6\" maxlength=\"{MAX_COMMENT}\" required></textarea></div>\n\
         <div><label for=\"article\">涉及条款（选填）</label><input id=\"article\" name=\"article\" maxlength=\"50\"></div>\n\
         <div><label for=\"name\">姓名（选填，不会公开）</label><input id=\"name\" name=\"name\" maxlength=\"100\"></div>\n\
         <div><label for=\"contact\">联系方式（选填，不会公开）</label><input id=\"contact\" name=\"contact\" maxlength=\"200\"></div>\n\
         <div><button type=\"submit\">提交意见</button></div>\n</form></section>"
    )
}

fn feedback_section(f: &Feedback) -> String {
    let rows: String = f
        .items
        .iter()
        .map(|i| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(i.article.as_deref().unwrap_or("")),
                esc(&i.summary),
                i.disposition.chinese(),
                esc(&i.reason)
            )
        })
        .collect();
    format!(
        "<section aria-labelledby=\"feedback\"><h2 id=\"feedback\">意见采纳情况</h2>\n\
         <p>共收到意见 {} 条：采纳 {} 条，部分采纳 {} 条，未采纳 {} 条。</p>\n\
         <table><thead><tr><th>条款</th><th>意见摘要</th><th>采纳情况</th><th>理由</th></tr></thead><tbody>{rows}</tbody></table></section>",
        f.comments, f.counts.adopted, f.counts.partly_adopted, f.counts.not_adopted
    )
}

#[derive(Debug, Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub article: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub contact: String,
}

/// `POST /consultations/{id}/comments`: records the comment, then sends the browser to its
/// tracking page (post/redirect/get, so a reload does not send it twice).
pub(super) async fn comment(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<CommentForm>,
) -> HttpResponse {
    let receipt = async {
        let id = id.parse::<ConsultationId>().map_err(|_| AppError::NotFound("consultation"))?;
        let f = &form;
        let input =
            CommentInput::parse(&f.content, Some(&f.article), Some(&f.name), Some(&f.contact))?;
        let client = suggestions::client_key(crate::auth::client_address::of(&req));
        let clock = state.clock.clone();
        state.db.write(move |tx| public::comment(tx, clock.as_ref(), client, id, input)).await
    };
    let notice = |title: &str, text: &str, status: actix_web::http::StatusCode| {
        let main = format!("<h1>{title}</h1>\n<p role=\"alert\">{text}</p>");
        HttpResponse::build(status).content_type(HTML).body(page(title, &main))
    };
    match receipt.await {
        Ok(receipt) => HttpResponse::SeeOther()
            .insert_header((
                actix_web::http::header::LOCATION,
                format!(
                    "/consultation-comments?{}",
                    query_string(&[("code", &receipt.tracking_code), ("new", "1")])
                ),
            ))
            .finish(),
        Err(AppError::TooManyRequests(_)) => notice(
            "请稍后再试",
            "同一地址一小时内提交的意见过多，请稍后再试。",
            actix_web::http::StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(AppError::Conflict { .. }) => notice(
            "不在征求意见期内",
            "本次征求意见尚未开始或者已经结束，不再接收意见。",
            actix_web::http::StatusCode::CONFLICT,
        ),
        Err(e) => error_page(e),
    }
}

/// `GET /consultation-comments?code=`: a comment's status and the drafter's disposition.
pub(super) async fn track(state: web::Data<AppState>, form: web::Query<TrackForm>) -> HttpResponse {
    let code_form = code_form("/consultation-comments", "YJ-XXXX-XXXX-XXXX", &form.code);
    let title = "意见采纳情况查询";
    if form.code.trim().is_empty() {
        return HttpResponse::Ok()
            .content_type(HTML)
            .body(page(title, &format!("<h1>{title}</h1>\n{code_form}")));
    }
    let code = form.code.clone();
    let t = match state.db.read(move |conn| public::track(conn, &code)).await {
        Ok(t) => t,
        Err(AppError::NotFound(_)) => {
            let main = format!("<h1>{title}</h1>\n<p role=\"alert\">没有找到该查询码对应的意见，请核对后重试。</p>\n{code_form}");
            return HttpResponse::NotFound().content_type(HTML).body(page(title, &main));
        }
        Err(e) => return error_page(e),
    };
    let notice = if form.new.is_empty() {
        String::new()
    } else {
        format!("<p role=\"status\">已收到您的意见。请保存查询码 <strong>{}</strong>，凭它查询采纳情况。</p>", esc(&t.tracking_code))
    };
    let mut facts = vec![
        format!("<dt>查询码</dt><dd>{}</dd>", esc(&t.tracking_code)),
        format!(
            "<dt>征求意见稿</dt><dd><a href=\"/consultations/{}\">{}</a></dd>",
            t.consultation_id,
            esc(&t.consultation_title)
        ),
        format!("<dt>办理状态</dt><dd>{}</dd>", esc(&t.status_label)),
        format!("<dt>收到日期</dt><dd>{}</dd>", t.received_on),
    ];
    if let Some(d) = t.disposition {
        facts.push(format!("<dt>采纳情况</dt><dd>{}</dd>", d.chinese()));
    }
    for (label, value) in [("意见摘要", &t.summary), ("理由", &t.reason)] {
        if let Some(v) = value {
            facts.push(format!("<dt>{label}</dt><dd>{}</dd>", esc(v)));
        }
    }
    let main = format!("<h1>{title}</h1>\n{notice}\n<dl class=\"facts\">{}</dl>", facts.join(""));
    // The code is the only key to this page: keep it out of shared caches.
    HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .content_type(HTML)
        .body(page(title, &main))
}
