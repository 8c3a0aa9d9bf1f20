//! The dashboard pages, rendered on the server with `maud`: the layout every
//! page shares (navigation, language switch, footer), the request context
//! that carries the language and the sticky parameters into every link, and
//! the small pieces the pages share (light, badges, table of a chart).

mod bulletins;
mod enterprise;
mod evaluation;
mod indicator;
mod overview;
mod policy;
mod rankings;
mod region;
mod reporting;

pub(crate) use indicator::unknown_indicator;

use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use zijin_assess::Light;
use zijin_domain::{Lang, Region, RegionCode};
use zijin_store::Store;

use crate::Shared;
use crate::error::ApiError;
use crate::format;
use crate::params::Params;

pub(crate) fn routes<S: Store + 'static>() -> Router<Shared<S>> {
    Router::new()
        .route("/", get(overview::page::<S>))
        .route("/indicators/{code}", get(indicator::page::<S>))
        .route(
            "/indicators/{code}/data.csv",
            get(crate::downloads::indicator_csv::<S>),
        )
        .route(
            "/indicators/{code}/data.xlsx",
            get(crate::downloads::indicator_xlsx::<S>),
        )
        .route("/regions", get(region::list::<S>))
        .route("/regions/{code}", get(region::page::<S>))
        .route("/rankings", get(rankings::page::<S>))
        .route("/reporting", get(reporting::page::<S>))
        .route("/bulletins", get(bulletins::page::<S>))
        .route("/bulletins/{file}", get(bulletins::download::<S>))
        .route("/evaluations", get(evaluation::list::<S>))
        .route(
            "/evaluations/{framework}/{year}",
            get(evaluation::ranking::<S>),
        )
        .route(
            "/evaluations/{framework}/{year}/{unit}",
            get(evaluation::profile::<S>),
        )
        .route("/policies", get(policy::list::<S>))
        .route(
            "/policies/{pack}/{period}/{policy}",
            get(policy::eligible::<S>),
        )
        .route("/enterprises/{uscc}", get(enterprise::page::<S>))
}

/// What a page knows about its request: the language (and whether it was
/// asked for explicitly), the assessment date if one was chosen, the path and
/// the query. Links made with [`Ctx::href`] keep the language and the date.
pub(crate) struct Ctx {
    pub lang: Lang,
    explicit_lang: bool,
    pub as_of: Option<NaiveDate>,
    pub path: String,
    pub params: Params,
    /// Set when a synthetic badge is written, so the footer explains it.
    synthetic_shown: AtomicBool,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let params = Params::from_uri(&parts.uri).map_err(|error| PageError {
            lang: Lang::default(),
            error,
        })?;
        let (lang, explicit_lang) = params.lang(&parts.headers);
        let as_of = params
            .date("as_of")
            .map_err(|error| PageError { lang, error })?;
        Ok(Ctx {
            lang,
            explicit_lang,
            as_of,
            path: parts.uri.path().to_owned(),
            params,
            synthetic_shown: AtomicBool::new(false),
        })
    }
}

impl Ctx {
    pub fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(zh, en)
    }

    /// An error of this page, to be shown in its language.
    pub fn error(&self, error: impl Into<ApiError>) -> PageError {
        PageError {
            lang: self.lang,
            error: error.into(),
        }
    }

    /// A link to `path` with `params`, keeping the chosen date and language.
    pub fn href(&self, path: &str, params: &[(&str, &str)]) -> String {
        let mut pairs: Vec<(&str, &str)> = params
            .iter()
            .copied()
            .filter(|(_, value)| !value.is_empty())
            .collect();
        let as_of = self.as_of.map(|date| date.to_string());
        if let Some(as_of) = &as_of
            && !pairs.iter().any(|(key, _)| *key == "as_of")
        {
            pairs.push(("as_of", as_of));
        }
        if self.explicit_lang {
            pairs.push(("lang", self.lang.code()));
        }
        with_query(path, &pairs)
    }

    /// This page with some parameters replaced (an empty value removes one).
    pub fn here_with(&self, changes: &[(&str, &str)]) -> String {
        let mut pairs: Vec<(&str, &str)> = self
            .params
            .pairs
            .iter()
            .filter(|(key, _)| !changes.iter().any(|(name, _)| name == key))
            .map(|(key, value)| (key.as_str(), value.as_str()))
            .collect();
        pairs.extend(
            changes
                .iter()
                .copied()
                .filter(|(_, value)| !value.is_empty()),
        );
        with_query(&self.path, &pairs)
    }

    /// The name of a region in this page's language.
    pub fn region_name<'a>(&self, regions: &'a [Region], code: &'a RegionCode) -> &'a str {
        regions
            .iter()
            .find(|region| &region.code == code)
            .map_or(code.as_str(), |region| {
                self.lang.pick(&region.name_zh, &region.name_en)
            })
    }

    /// The synthetic badge; the footer then explains it.
    pub fn synthetic_badge(&self) -> Markup {
        self.synthetic_shown.store(true, Ordering::Relaxed);
        html! {
            a.badge.badge-synthetic href="#synthetic-note"
                title=(self.t("合成数据：演示用，不是真实统计", "Synthetic data: generated for the demo, not a real figure")) {
                (self.t("合成数据", "synthetic"))
            }
        }
    }

    /// Marks that the page shows synthetic data without a badge here (a
    /// chart that marks it itself).
    pub fn note_synthetic(&self) {
        self.synthetic_shown.store(true, Ordering::Relaxed);
    }

    /// A light as an icon and a word, never colour alone.
    pub fn light(&self, light: Option<Light>) -> Markup {
        html! {
            span class={"light " (format::light_class(light))} {
                (PreEscaped(zijin_charts::light_icon(format::chart_light(light), 16)))
                " " (format::light_name(light, self.lang))
            }
        }
    }

    /// The whole page: head, navigation, `body`, footer.
    pub fn render(&self, title: &str, body: Markup) -> Response {
        self.render_with_status(StatusCode::OK, title, body)
    }

    /// The whole page with another status than 200 (error pages).
    pub fn render_with_status(&self, status: StatusCode, title: &str, body: Markup) -> Response {
        let lang = self.lang;
        let other = match lang {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        };
        let switch = self.here_with(&[("lang", other.code())]);
        let nav: [(&str, &str, &str); 8] = [
            ("/", "总览", "Overview"),
            ("/rankings", "排名", "Rankings"),
            ("/regions", "地区", "Regions"),
            ("/reporting", "数据报送", "Reporting"),
            ("/bulletins", "通报", "Bulletins"),
            ("/evaluations", "考核评价", "Evaluations"),
            ("/policies", "政策兑现", "Policies"),
            ("/api/v1/openapi.json", "API", "API"),
        ];
        let current = |path: &str| {
            if path == "/" {
                self.path == "/"
            } else {
                self.path.starts_with(path)
            }
        };
        let version = env!("CARGO_PKG_VERSION");
        let markup = html! {
            (DOCTYPE)
            html lang=(lang.tag()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " · " (self.t("紫金 科技规划监测", "Zijin plan monitoring")) }
                    link rel="stylesheet" href={"/static/zijin.css?v=" (version)};
                    link rel="icon" type="image/svg+xml" href={"/static/favicon.svg?v=" (version)};
                    script src={"/static/zijin.js?v=" (version)} defer {}
                }
                body {
                    a.skip href="#main" { (self.t("跳到正文", "Skip to content")) }
                    header.top {
                        nav aria-label=(self.t("主导航", "Main")) {
                            a.brand href=(self.href("/", &[])) { "紫金 " span lang="en" { "Zijin" } }
                            ul {
                                @for (path, zh, en) in nav {
                                    li {
                                        @let link = if path.starts_with("/api") { path.to_owned() } else { self.href(path, &[]) };
                                        @if current(path) {
                                            a href=(link) aria-current="page" { (lang.pick(zh, en)) }
                                        } @else {
                                            a href=(link) { (lang.pick(zh, en)) }
                                        }
                                    }
                                }
                            }
                            a.lang-switch href=(switch) hreflang=(other.tag()) lang=(other.tag()) {
                                (other.pick("中文", "English"))
                            }
                        }
                    }
                    main #main { (body) }
                    footer {
                        @if self.synthetic_shown.load(Ordering::Relaxed) && self.path.starts_with("/evaluations") {
                            p #synthetic-note {
                                strong { (self.t("合成数据说明：", "Synthetic data: ")) }
                                (self.t(
                                    "本页标有“合成数据”的考核评价数值（评价对象及其各项指标）是为演示生成的合成数据，不是官方统计，见各页的数据说明。",
                                    "the evaluation figures marked “synthetic data” on this page (the units and their indicators) are generated for the demo and are not official statistics; see each page's data note."
                                ))
                            }
                        } @else if self.synthetic_shown.load(Ordering::Relaxed)
                            && (self.path.starts_with("/policies") || self.path.starts_with("/enterprises")) {
                            p #synthetic-note {
                                strong { (self.t("合成数据说明：", "Synthetic data: ")) }
                                (self.t(
                                    "本页标有“合成数据”的企业（名称带“（合成）”）及其年度数据和资质是为演示生成的合成数据，不是真实企业；测算结果仅示范政策规则的应用。",
                                    "the enterprises marked “synthetic” on this page (names with “（合成）”), their facts and labels are generated for the demo and are not real enterprises; the results only show how the policy rules apply."
                                ))
                            }
                        } @else if self.synthetic_shown.load(Ordering::Relaxed) {
                            p #synthetic-note {
                                strong { (self.t("合成数据说明：", "Synthetic data: ")) }
                                (self.t(
                                    "本页标有“合成数据”的数值（各区、各园区）是为演示生成的合成数据，不是官方统计；市级数值来自公开发布的数据，来源见各指标页。",
                                    "values marked “synthetic” on this page (districts and parks) are generated for the demo and are not official statistics; the city's values are published figures, with their sources on each indicator's page."
                                ))
                            }
                        } @else {
                            p #synthetic-note {
                                (self.t(
                                    "凡显示合成数据（演示用）之处均标有“合成数据”；本页未显示合成数据。",
                                    "Wherever synthetic (demo) data is shown it is marked “synthetic”; this page shows none."
                                ))
                            }
                        }
                        p {
                            (self.t("紫金：科技创新规划实施监测评估。", "Zijin: monitoring the implementation of the science and technology plan. "))
                            (self.t("方法：序时进度、增长比、预测与达标概率。", "Method: time-elapsed progress, growth ratio, projection and probability."))
                        }
                    }
                }
            }
        };
        html_response(status, lang, markup)
    }
}

fn html_response(status: StatusCode, lang: Lang, markup: Markup) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_LANGUAGE,
                HeaderValue::from_static(lang.tag()),
            ),
        ],
        markup.into_string(),
    )
        .into_response()
}

/// `path?key=value&…` with the values percent-encoded.
pub(crate) fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
    if pairs.is_empty() {
        return path.to_owned();
    }
    let query: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect();
    format!("{path}?{}", query.join("&"))
}

/// Percent-encodes everything but the unreserved characters of RFC 3986.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// An error shown as a page in the reader's language.
pub(crate) struct PageError {
    pub lang: Lang,
    pub error: ApiError,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(self.lang, &self.error)
    }
}

/// A small page for an error: what went wrong, and a way back.
pub(crate) fn error_page(lang: Lang, error: &ApiError) -> Response {
    let title = match error.status {
        StatusCode::NOT_FOUND => lang.pick("未找到", "Not found"),
        StatusCode::BAD_REQUEST => lang.pick("请求有误", "Bad request"),
        StatusCode::SERVICE_UNAVAILABLE => lang.pick("暂不可用", "Unavailable"),
        _ => lang.pick("服务器错误", "Server error"),
    };
    // The language switch of an error page leads to the overview.
    let ctx = Ctx {
        lang,
        explicit_lang: true,
        as_of: None,
        path: "/".to_owned(),
        params: Params::default(),
        synthetic_shown: AtomicBool::new(false),
    };
    let body = html! {
        h1 { (title) }
        p.error-message { code { (error.code) } " — " (error.message) }
        p { a href=(ctx.href("/", &[])) { (lang.pick("返回总览", "Back to the overview")) } }
    };
    ctx.render_with_status(error.status, title, body)
}

/// A `<details>` with the data table of a chart: its alternative for
/// screen readers and for reading exact values.
pub(crate) fn chart_table(ctx: &Ctx, header: &[&str], rows: Vec<Vec<Markup>>) -> Markup {
    html! {
        details.chart-data {
            summary { (ctx.t("图表数据表", "Chart data as a table")) }
            table.data {
                thead { tr { @for cell in header { th scope="col" { (cell) } } } }
                tbody {
                    @for row in rows {
                        tr { @for cell in row { td { (cell) } } }
                    }
                }
            }
        }
    }
}

/// A `<figure>` around an SVG chart.
pub(crate) fn figure(svg: String, caption: &str) -> Markup {
    html! {
        figure.chart {
            (PreEscaped(svg))
            @if !caption.is_empty() { figcaption { (caption) } }
        }
    }
}

/// The date form every page with an assessment date has: works without
/// scripts (a GET form), keeps the other parameters.
pub(crate) fn date_form(ctx: &Ctx, as_of: NaiveDate, keep: &[&str]) -> Markup {
    html! {
        form.date-form method="get" action=(ctx.path) {
            label for="as_of" { (ctx.t("评估日期", "Assessment date")) }
            " "
            input #as_of type="date" name="as_of" value=(as_of.to_string());
            @for name in keep {
                @if let Some(value) = ctx.params.get(name) {
                    input type="hidden" name=(name) value=(value);
                }
            }
            @if ctx.explicit_lang {
                input type="hidden" name="lang" value=(ctx.lang.code());
            }
            " "
            button type="submit" { (ctx.t("更新", "Update")) }
        }
    }
}
