//! Public web pages in Chinese, rendered on the server from the same functions as the public
//! API: home with search, search results with filters and paging, a document, the review
//! suggestion form and its tracking page, the annual catalogues, and the Atom feed.

pub mod catalogues;
pub mod feed;
pub mod html;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use serde::Deserialize;

use crate::api::public::{
    self, Catalogue, CataloguePage, CatalogueQuery, PublicDocument, PublicSummary,
};
use crate::db;
use crate::domain::ids::DocumentId;
use crate::domain::validity::Validity;
use crate::error::AppError;
use crate::http_caching::cached;
use crate::state::AppState;
use html::{badge, esc, page, query_string};

/// The pages and their methods, for the 405 answers of [`crate::api::KnownPaths`]; keep it in
/// step with [`routes`] (a test asks every entry).
pub const PAGES: [(&str, &[&str]); 6] = [
    ("/", &["GET"]),
    ("/search", &["GET"]),
    ("/documents/{id}", &["GET"]),
    ("/documents/{id}/suggestions", &["POST"]),
    ("/suggestions", &["GET"]),
    ("/feed.atom", &["GET"]),
];

/// Registers the pages on the actix app (they are not part of the OpenAPI document).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/search", web::get().to(search))
        .route("/documents/{id}", web::get().to(document))
        .route("/documents/{id}/suggestions", web::post().to(suggest))
        .route("/suggestions", web::get().to(track))
        .route("/feed.atom", web::get().to(feed::feed))
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

/// The query of the search form, every field optional and text, so that an empty select
/// or box never fails.
#[derive(Debug, Default, Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub validity: String,
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub include_sub: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub page: String,
}

impl SearchForm {
    fn catalogue_query(&self) -> Result<CatalogueQuery, AppError> {
        let number = |field: &'static str, raw: &str| -> Result<Option<i64>, AppError> {
            let raw = raw.trim();
            if raw.is_empty() {
                return Ok(None);
            }
            raw.parse().map(Some).map_err(|_| AppError::invalid(field, "请输入数字"))
        };
        Ok(CatalogueQuery {
            q: Some(self.q.clone()),
            validity: Some(self.validity.clone()),
            agency: Some(self.agency.clone()),
            include_sub: Some(!self.include_sub.is_empty()),
            year: number("year", &self.year)?.map(|y| i32::try_from(y).unwrap_or(i32::MAX)),
            valid_on: None,
            page: number("page", &self.page)?,
            per_page: Some(20),
        })
    }

    fn link_to_page(&self, page: i64) -> String {
        let page = page.to_string();
        format!(
            "/search?{}",
            query_string(&[
                ("q", &self.q),
                ("validity", &self.validity),
                ("agency", &self.agency),
                ("include_sub", &self.include_sub),
                ("year", &self.year),
                ("page", &page),
            ])
        )
    }
}

/// The search form, filled with the current request.
fn search_form(form: &SearchForm, agencies: &[db::agencies::AgencyRow]) -> String {
    let mut validity_options = String::from("<option value=\"\">全部</option>");
    for v in Validity::ALL {
        let selected = if Validity::parse(&form.validity) == Some(v) { " selected" } else { "" };
        validity_options.push_str(&format!(
            "<option value=\"{}\"{selected}>{}</option>",
            v.as_str(),
            esc(v.chinese())
        ));
    }
    let mut agency_options = String::from("<option value=\"\">全部机关</option>");
    for a in agencies {
        let selected = if a.code == form.agency.trim() { " selected" } else { "" };
        agency_options.push_str(&format!(
            "<option value=\"{}\"{selected}>{}</option>",
            esc(&a.code),
            esc(&a.name)
        ));
    }
    let checked = if form.include_sub.is_empty() { "" } else { " checked" };
    format!(
        "<form class=\"search\" action=\"/search\" method=\"get\" role=\"search\" aria-label=\"检索规范性文件\">\n\
         <div><label for=\"q\">关键词、标题或文号</label>\
         <input type=\"search\" id=\"q\" name=\"q\" value=\"{q}\" maxlength=\"200\" placeholder=\"如：行政许可、辽政规〔2026〕3号\"></div>\n\
         <div><label for=\"validity\">时效性</label><select id=\"validity\" name=\"validity\">{validity_options}</select></div>\n\
         <div><label for=\"agency\">发布机关</label><select id=\"agency\" name=\"agency\">{agency_options}</select></div>\n\
         <div><label><input type=\"checkbox\" name=\"include_sub\" value=\"1\"{checked}> 含下级机关</label></div>\n\
         <div><label for=\"year\">公布年份</label><input type=\"number\" id=\"year\" name=\"year\" value=\"{year}\" min=\"1949\" max=\"2200\" inputmode=\"numeric\"></div>\n\
         <div><button type=\"submit\">检索</button></div>\n</form>",
        q = esc(&form.q),
        year = esc(&form.year),
    )
}

fn summary_item(doc: &PublicSummary) -> String {
    let title = doc.title_html.clone().unwrap_or_else(|| esc(&doc.title));
    let mut meta = Vec::new();
    if let Some(a) = &doc.agency {
        meta.push(esc(&a.name));
    }
    if let Some(n) = &doc.issuance_number {
        meta.push(esc(n));
    }
    if let Some(d) = doc.published_on {
        meta.push(format!("{d} 公布"));
    }
    let snippet = doc.snippet.as_ref().map(|s| format!("<p>{s}</p>")).unwrap_or_default();
    format!(
        "<li><h2><a href=\"/documents/{id}\">{title}</a></h2>\
         <p class=\"meta\">{badge} {meta}</p>{snippet}</li>\n",
        id = esc(&doc.id),
        badge = badge(doc.validity),
        meta = meta.join(" · "),
    )
}

fn results_list(page: &CataloguePage) -> String {
    if page.items.is_empty() {
        return "<p>没有找到符合条件的文件。</p>".to_string();
    }
    let mut out = String::from("<ol class=\"results\">\n");
    for doc in &page.items {
        out.push_str(&summary_item(doc));
    }
    out.push_str("</ol>\n");
    out
}

async fn agencies(state: &AppState) -> Result<Vec<db::agencies::AgencyRow>, AppError> {
    state.db.read(db::public::all_agencies).await
}

/// `GET /`: the search box and the latest publications.
async fn home(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let result = async {
        let agencies = agencies(&state).await?;
        let query = CatalogueQuery { per_page: Some(10), ..CatalogueQuery::default() };
        let latest =
            public::catalogue(&state, Catalogue::parse(&query, state.clock.today())?).await?;
        Ok::<_, AppError>((agencies, latest))
    }
    .await;
    let (agencies, latest) = match result {
        Ok(r) => r,
        Err(e) => return error_page(e),
    };
    let main = format!(
        "<h1>行政规范性文件查询</h1>\n<p>查询已公布的行政规范性文件的文本、文号、时效性和历次版本。</p>\n{form}\n\
         <section aria-labelledby=\"latest\"><h2 id=\"latest\">最新公布</h2>\n{list}</section>",
        form = search_form(&SearchForm::default(), &agencies),
        list = results_list(&latest),
    );
    cached(&req, HTML, page("首页", &main).into_bytes())
}

/// `GET /search`: results with filters, highlighted excerpts and paging.
async fn search(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Query<SearchForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let result = async {
        let agencies = agencies(&state).await?;
        let request = Catalogue::parse(&form.catalogue_query()?, state.clock.today())?;
        let results = public::catalogue(&state, request).await?;
        Ok::<_, AppError>((agencies, results))
    }
    .await;
    let (agencies, results) = match result {
        Ok(r) => r,
        Err(e) => return error_page(e),
    };
    let pages = ((results.total + results.per_page - 1) / results.per_page).max(1);
    let mut nav = String::new();
    if results.total > 0 {
        nav.push_str("<nav class=\"pages\" aria-label=\"分页\">");
        if results.page > 1 {
            nav.push_str(&format!(
                "<a href=\"{}\" rel=\"prev\">上一页</a>",
                esc(&form.link_to_page(results.page - 1))
            ));
        }
        nav.push_str(&format!(
            "<span aria-current=\"page\">第 {} / {pages} 页</span>",
            results.page
        ));
        if results.page < pages {
            nav.push_str(&format!(
                "<a href=\"{}\" rel=\"next\">下一页</a>",
                esc(&form.link_to_page(results.page + 1))
            ));
        }
        nav.push_str("</nav>");
    }
    let heading = if form.q.trim().is_empty() {
        "文件目录".to_string()
    } else {
        format!("“{}”的检索结果", form.q.trim())
    };
    let found = if results.truncated {
        format!(
            "符合条件的文件超过 {total} 件，以下是最新的 {total} 件中最相关的结果；\
             可按年份、发布机关或时效性缩小范围。",
            total = results.total
        )
    } else {
        format!("共找到 {} 件文件。", results.total)
    };
    let main = format!(
        "<h1>{heading}</h1>\n{form_html}\n<p role=\"status\">{found}</p>\n{list}{nav}",
        heading = esc(&heading),
        form_html = search_form(&form, &agencies),
        list = results_list(&results),
    );
    cached(&req, HTML, page(&heading, &main).into_bytes())
}

fn document_page(doc: &PublicDocument) -> String {
    let mut facts = Vec::new();
    let mut fact =
        |label: &str, value: String| facts.push(format!("<dt>{}</dt><dd>{value}</dd>", esc(label)));
    fact("时效性", badge(doc.validity));
    if let Some(n) = &doc.issuance_number {
        fact("文号", esc(n));
    }
    if let Some(n) = &doc.registration_number {
        fact("登记号", esc(n));
    }
    if let Some(a) = &doc.agency {
        fact(
            "发布机关",
            format!(
                "<a href=\"/search?{}\">{}</a>",
                esc(&query_string(&[("agency", &a.code)])),
                esc(&a.name)
            ),
        );
    }
    if let Some(d) = doc.published_on {
        fact("公布日期", d.to_string());
    }
    if let Some(d) = doc.effective_on {
        fact("施行日期", d.to_string());
    }
    if let Some(d) = doc.valid_until {
        fact("有效期至", d.to_string());
    }
    if let Some(d) = doc.ended_on {
        fact("终止日期", d.to_string());
    }
    if let Some(r) = &doc.ended_reason {
        fact("终止原因", esc(r));
    }
    if let Some(c) = &doc.channel {
        fact("公布载体", esc(c));
    }
    let mut versions = String::new();
    if !doc.versions.is_empty() {
        versions.push_str(
            "<section aria-labelledby=\"versions\"><h2 id=\"versions\">历次版本</h2>\n<table>\
             <caption class=\"skip\">本文件已公布的各个版本</caption>\
             <thead><tr><th scope=\"col\">版本</th><th scope=\"col\">标题</th><th scope=\"col\">文号</th>\
             <th scope=\"col\">公布日期</th><th scope=\"col\">时效性</th></tr></thead><tbody>\n",
        );
        for v in &doc.versions {
            let current = if v.id == doc.id { " aria-current=\"page\"" } else { "" };
            versions.push_str(&format!(
                "<tr><td>{n}</td><td><a href=\"/documents/{id}\"{current}>{title}</a></td><td>{number}</td><td>{date}</td><td>{badge}</td></tr>\n",
                n = v.version,
                id = esc(&v.id),
                title = esc(&v.title),
                number = esc(v.issuance_number.as_deref().unwrap_or("")),
                date = v.published_on.map(|d| d.to_string()).unwrap_or_default(),
                badge = badge(v.validity),
            ));
        }
        versions.push_str("</tbody></table></section>");
    }
    let main = format!(
        "<article aria-labelledby=\"title\"><h1 id=\"title\">{title}</h1>\n<dl class=\"facts\">{facts}</dl>\n\
         <h2>正文</h2>\n<div class=\"text\">{body}</div>\n</article>\n{interpretations}{versions}\n{suggest}",
        title = esc(&doc.title),
        facts = facts.join(""),
        body = esc(&doc.body),
        interpretations = interpretations_section(doc),
        suggest = suggestion_form(&doc.id),
    );
    page(&doc.title, &main)
}

/// The interpretations published with the document, each with its date and 文号.
fn interpretations_section(doc: &PublicDocument) -> String {
    if doc.interpretations.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<section aria-labelledby=\"interpretations\"><h2 id=\"interpretations\">解释</h2>\n",
    );
    for i in &doc.interpretations {
        let number =
            i.issuance_number.as_deref().map(|n| format!(" · {}", esc(n))).unwrap_or_default();
        out.push_str(&format!(
            "<article><h3>{title}</h3><p class=\"meta\">{date} 发布{number}</p><div class=\"text\">{body}</div></article>\n",
            title = esc(&i.title),
            date = i.issued_on,
            body = esc(&i.body),
        ));
    }
    out.push_str("</section>\n");
    out
}

/// `GET /documents/{id}`: one published document.
async fn document(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let Ok(id) = id.parse::<DocumentId>() else {
        return error_page(AppError::NotFound("document"));
    };
    match public::document(&state, id).await {
        Ok(doc) => cached(&req, HTML, document_page(&doc).into_bytes()),
        Err(e) => error_page(e),
    }
}

/// The form to ask the filing authority to review the document.
fn suggestion_form(document_id: &str) -> String {
    format!(
        "<section aria-labelledby=\"suggest\"><h2 id=\"suggest\">提出审查建议</h2>\n\
         <p>认为本文件违法或者不当的，可以向备案审查机关提出审查建议。提交后请保存查询码。</p>\n\
         <form class=\"search\" action=\"/documents/{id}/suggestions\" method=\"post\">\n\
         <div style=\"width:100%\"><label for=\"content\">建议内容（不超过10000字）</label>\
         <textarea id=\"content\" name=\"content\" rows=\"6\" maxlength=\"{max}\" required></textarea></div>\n\
         <div><label for=\"contact\">联系方式（选填，不会公开）</label><input id=\"contact\" name=\"contact\" maxlength=\"200\" autocomplete=\"email\"></div>\n\
         <div><button type=\"submit\">提交建议</button></div>\n</form></section>",
        id = esc(document_id),
        max = public::MAX_SUGGESTION,
    )
}

#[derive(Debug, Deserialize)]
pub struct SuggestionForm {
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub contact: String,
}

/// `POST /documents/{id}/suggestions`: records the suggestion, then sends the browser to its
/// tracking page (post/redirect/get, so a reload does not send it twice).
async fn suggest(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<SuggestionForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let body = public::NewSuggestion {
        document_id: id.into_inner(),
        content: form.content,
        contact: Some(form.contact),
    };
    match public::submit_suggestion(&state, &req, body).await {
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
async fn track(state: web::Data<AppState>, form: web::Query<TrackForm>) -> HttpResponse {
    let code_form = format!(
        "<form class=\"search\" action=\"/suggestions\" method=\"get\">\
         <div><label for=\"code\">查询码</label><input id=\"code\" name=\"code\" value=\"{}\" placeholder=\"JY-XXXX-XXXX-XXXX\" required></div>\
         <div><button type=\"submit\">查询</button></div></form>",
        esc(&form.code)
    );
    if form.code.trim().is_empty() {
        let main = format!("<h1>审查建议办理查询</h1>\n{code_form}");
        return HttpResponse::Ok().content_type(HTML).body(page("审查建议办理查询", &main));
    }
    let t = match public::track_suggestion(&state, &form.code).await {
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
            esc(&t.document_id),
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
