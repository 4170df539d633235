//! The home page with the search box and the latest publications, and the search results
//! with their filters, highlighted excerpts and paging.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::html::{badge, esc, page, page_with_feed, query_string};
use super::{error_page, HTML};
use crate::db::agencies::AgencyRow;
use crate::domain::validity::Validity;
use crate::error::AppError;
use crate::http_caching::cached;
use crate::service::public_reading::{
    self, Catalogue, CataloguePage, CatalogueQuery, PublicSummary, SearchSort,
};
use crate::state::AppState;

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
    #[serde(default)]
    pub sort: String,
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
            sort: Some(self.sort.clone()),
        })
    }

    /// The feed of the same search, for the page's 订阅 link.
    fn feed_link(&self) -> String {
        let include_sub = if self.include_sub.is_empty() { "" } else { "true" };
        super::feed::link(&[
            ("q", self.q.trim()),
            ("validity", self.validity.trim()),
            ("agency", self.agency.trim()),
            ("include_sub", include_sub),
            ("year", self.year.trim()),
        ])
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
                ("sort", &self.sort),
                ("page", &page),
            ])
        )
    }

    /// The same search narrowed (or reordered) by `change`, from its first page.
    fn narrowed(&self, change: impl FnOnce(&mut SearchForm)) -> String {
        let mut form = SearchForm {
            q: self.q.clone(),
            validity: self.validity.clone(),
            agency: self.agency.clone(),
            include_sub: self.include_sub.clone(),
            year: self.year.clone(),
            page: String::new(),
            sort: self.sort.clone(),
        };
        change(&mut form);
        form.link_to_page(1)
    }
}

/// The search form, filled with the current request.
fn search_form(form: &SearchForm, agencies: &[AgencyRow]) -> String {
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

pub(super) fn summary_item(doc: &PublicSummary) -> String {
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
        id = doc.id,
        badge = badge(doc.validity),
        meta = meta.join(" · "),
    )
}

/// The facets of a search as links that narrow it, and the sort orders as links.
fn facet_links(form: &SearchForm, page: &CataloguePage) -> String {
    let Some(facets) = &page.facets else {
        return String::new();
    };
    let link = |href: String, label: &str, count: i64| {
        format!("<li><a href=\"{}\">{}</a> ({count})</li>", esc(&href), esc(label))
    };
    let mut out = String::from("<nav class=\"facets\" aria-label=\"缩小范围\">\n");
    out.push_str("<h2>发布机关</h2><ul>");
    for a in &facets.agency {
        let code = a.code.clone();
        out.push_str(&link(
            form.narrowed(|f| {
                f.agency = code;
                f.include_sub.clear();
            }),
            &a.name,
            a.count,
        ));
    }
    out.push_str("</ul>\n<h2>公布年份</h2><ul>");
    for y in &facets.year {
        let year = y.year.to_string();
        out.push_str(&link(form.narrowed(|f| f.year = year.clone()), &year, y.count));
    }
    out.push_str("</ul>\n<h2>时效性</h2><ul>");
    for v in &facets.validity {
        let word = v.validity.as_str().to_string();
        out.push_str(&link(form.narrowed(|f| f.validity = word), v.validity.chinese(), v.count));
    }
    out.push_str("</ul>\n<h2>排序</h2><ul>");
    for (sort, label) in [
        (SearchSort::Relevance, "相关度"),
        (SearchSort::Newest, "最新公布"),
        (SearchSort::Oldest, "最早公布"),
    ] {
        if sort == page.sort {
            out.push_str(&format!("<li aria-current=\"true\">{label}</li>"));
        } else {
            let href = form.narrowed(|f| f.sort = sort.as_str().to_string());
            out.push_str(&format!("<li><a href=\"{}\">{label}</a></li>", esc(&href)));
        }
    }
    out.push_str("</ul>\n</nav>\n");
    out
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

async fn agencies(state: &AppState) -> Result<Vec<AgencyRow>, AppError> {
    state.db.read(public_reading::agencies).await
}

/// A page of the catalogue, from the same search (and search cache) as the API.
async fn catalogue(state: &AppState, request: Catalogue) -> Result<CataloguePage, AppError> {
    let (clock, cache, index) =
        (state.clock.clone(), state.search_cache.clone(), state.search_index.clone());
    let started = std::time::Instant::now();
    let page = state
        .db
        .read(move |conn| public_reading::catalogue(conn, clock.as_ref(), &cache, &index, request))
        .await;
    state.metrics.search(started.elapsed().as_secs_f64());
    page
}

/// `GET /`: the search box and the latest publications.
pub(super) async fn home(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let result = async {
        let agencies = agencies(&state).await?;
        let query = CatalogueQuery { per_page: Some(10), ..CatalogueQuery::default() };
        let latest = catalogue(&state, Catalogue::parse(&query, state.clock.today())?).await?;
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
pub(super) async fn search(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Query<SearchForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let result = async {
        let agencies = agencies(&state).await?;
        let request = Catalogue::parse(&form.catalogue_query()?, state.clock.today())?;
        let results = catalogue(&state, request).await?;
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
    let found = format!("共找到 {} 件文件。", results.total);
    let main = format!(
        "<h1>{heading}</h1>\n{form_html}\n<p role=\"status\">{found}</p>\n{facets}{list}{nav}",
        heading = esc(&heading),
        form_html = search_form(&form, &agencies),
        facets = facet_links(&form, &results),
        list = results_list(&results),
    );
    cached(&req, HTML, page_with_feed(&heading, &main, &form.feed_link()).into_bytes())
}
