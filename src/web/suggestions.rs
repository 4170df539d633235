//! The review suggestion pages: the form's submission (post/redirect/get) and the tracking
//! page of a suggestion by its code.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::html::{code_form, esc, page, query_string};
use super::{error_page, HTML};
use crate::error::AppError;
use crate::service::suggestions::{self, SuggestionInput};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct SuggestionForm {
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub contact: String,
}

/// `POST /documents/{id}/suggestions`: records the suggestion, then sends the browser to its
/// tracking page (post/redirect/get, so a reload does not send it twice).
pub(super) async fn suggest(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<SuggestionForm>,
) -> HttpResponse {
    let receipt = async {
        let input = SuggestionInput::parse(&id, &form.content, Some(&form.contact))?;
        let client = suggestions::client_key(crate::auth::client_address::of(&req));
        let clock = state.clock.clone();
        state.db.write(move |tx| suggestions::submit(tx, clock.as_ref(), client, input)).await
    };
    match receipt.await {
        Ok(receipt) => HttpResponse::SeeOther()
            .insert_header((
                actix_web::http::header::LOCATION,
                format!(
                    "/suggestions?{}",
                    query_string(&[("code", &receipt.tracking_code), ("new", "1")])
                ),
            ))
            .finish(),
        Err(AppError::TooManyRequests(_)) => {
            let body = page(
                "请稍后再试",
                "<h1>请稍后再试</h1>\n<p role=\"alert\">同一地址一小时内提交的建议过多，请稍后再试。</p>",
            );
            HttpResponse::TooManyRequests().content_type(HTML).body(body)
        }
        Err(e) => error_page(e),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub new: String,
}

/// `GET /suggestions?code=`: the status, deadline and reply of a suggestion; without a code,
/// the form to enter one.
pub(super) async fn track(state: web::Data<AppState>, form: web::Query<TrackForm>) -> HttpResponse {
    let code_form = code_form("/suggestions", "JY-XXXX-XXXX-XXXX", &form.code);
    if form.code.trim().is_empty() {
        let main = format!("<h1>审查建议办理查询</h1>\n{code_form}");
        return HttpResponse::Ok().content_type(HTML).body(page("审查建议办理查询", &main));
    }
    let (clock, code) = (state.clock.clone(), form.code.clone());
    let t = match state.db.read(move |conn| suggestions::track(conn, clock.as_ref(), &code)).await {
        Ok(t) => t,
        Err(AppError::NotFound(_)) => {
            let main = format!("<h1>审查建议办理查询</h1>\n<p role=\"alert\">没有找到该查询码对应的建议，请核对后重试。</p>\n{code_form}");
            return HttpResponse::NotFound()
                .content_type(HTML)
                .body(page("审查建议办理查询", &main));
        }
        Err(e) => return error_page(e),
    };
    let notice = if form.new.is_empty() {
        String::new()
    } else {
        format!("<p role=\"status\">已收到您的审查建议。请保存查询码 <strong>{}</strong>，凭它查询办理情况。</p>", esc(&t.tracking_code))
    };
    let mut facts = vec![
        format!("<dt>查询码</dt><dd>{}</dd>", esc(&t.tracking_code)),
        format!(
            "<dt>所涉文件</dt><dd><a href=\"/documents/{}\">{}</a></dd>",
            t.document_id,
            esc(&t.document_title)
        ),
        format!("<dt>办理状态</dt><dd>{}</dd>", esc(&t.status_label)),
        format!("<dt>收到日期</dt><dd>{}</dd>", t.received_on),
        format!(
            "<dt>答复期限</dt><dd>{}{}</dd>",
            t.due_on,
            if t.overdue { "（已逾期）" } else { "" }
        ),
    ];
    if let Some(d) = t.replied_on {
        facts.push(format!("<dt>答复日期</dt><dd>{d}</dd>"));
    }
    if let Some(o) = &t.outcome {
        facts.push(format!("<dt>处理结果</dt><dd>{}</dd>", esc(o)));
    }
    let reply = t
        .reply
        .as_ref()
        .map(|r| format!("<h2>答复</h2>\n<div class=\"text\">{}</div>", esc(r)))
        .unwrap_or_default();
    let main = format!(
        "<h1>审查建议办理情况</h1>\n{notice}\n<dl class=\"facts\">{}</dl>\n{reply}",
        facts.join("")
    );
    // The code is the only key to this page: keep it out of shared caches.
    HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .content_type(HTML)
        .body(page("审查建议办理情况", &main))
}
