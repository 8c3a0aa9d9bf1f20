//! Zijin's HTTP server: the web dashboard and the JSON API, served by the one
//! `zijin` binary, offline.
//!
//! [`router`] builds the whole application as an [`axum::Router`] over a
//! [`Zijin`] application; [`serve`] runs it on a listener until Ctrl-C;
//! [`openapi`] is the OpenAPI 3.1 document of the API (also served at
//! `/api/v1/openapi.json`).
//!
//! The dashboard pages are rendered on the server as HTML with `maud`
//! templates (`pages`); the charts are SVG strings from `zijin-charts`, the
//! same that go into the PDF bulletin. Pages work without scripts: filters are
//! links and forms, every chart has a data table beside it or in a
//! `<details>`, lights are always an icon and a word, and synthetic values
//! carry a "合成数据 / synthetic" badge and a footnote. One stylesheet and one
//! small script of progressive enhancement (sortable tables) are compiled into
//! the binary (`/static/zijin.css`, `/static/zijin.js`). Chinese is the
//! default; `?lang=en` or an `Accept-Language` header preferring English
//! switch to English, and every page links to the other language.
//!
//! The pages:
//! - `/` overview (总览): every indicator of the plan region at a date;
//! - `/indicators/{code}`: the trajectory, the three readings explained, the
//!   data table with revisions (downloads as CSV and XLSX), the breakdown by
//!   district and park;
//! - `/regions/{code}`: a region's scorecard and rank among its peers;
//! - `/rankings`: districts and parks ranked, with a tile map;
//! - `/reporting`: the reporting status (数据报送);
//! - `/bulletins`: the yearly bulletins (通报) as PDF, XLSX and HTML;
//! - `/evaluations`: the evaluations (考核评价) of the parks and the new R&D
//!   institutions: per framework and year a ranking with rank intervals and
//!   (NRI) exit flags, an XLSX download, and a profile of every unit.
//!
//! The API lives under `/api/v1` (`api`), answers JSON only, and reports
//! errors as `{"code": "...", "message": "..."}` with a status that tells the
//! user's mistakes (4xx) from internal faults (5xx) (`error`). It is
//! read-only but for `POST /api/v1/policies/{id}/evaluate`, which evaluates
//! an enterprise given in the body against a built-in policy pack (parsed
//! once at startup) and writes nothing (`policy_api`). The assessment is serialized exactly as `zijin assess --format
//! json` prints it.
//!
//! The whole-plan assessment at a date is cached in the state (`state`),
//! keyed by the date and a cheap version of the data (the imports and the
//! active plan), so that the overview and the assessment endpoint do not read
//! and assess every observation on every request.

mod api;
mod bulletin;
mod downloads;
mod error;
mod format;
mod openapi;
mod pages;
mod params;
mod policy_api;
mod state;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::compression::CompressionLayer;
use zijin_app::Zijin;
use zijin_store::Store;

use crate::state::AppState;

/// The shared state every handler gets.
pub(crate) type Shared<S> = Arc<AppState<S>>;

/// The whole application: pages, static files and the API, over `app`.
pub fn router<S: Store + 'static>(app: Zijin<S>) -> Router {
    let state: Shared<S> = Arc::new(AppState::new(app));
    Router::new()
        .merge(pages::routes::<S>())
        .merge(api::routes::<S>().router)
        .route("/static/zijin.css", get(stylesheet))
        .route("/static/zijin.js", get(script))
        .route("/static/favicon.svg", get(favicon))
        // Browsers ask for it whatever the page says.
        .route("/favicon.ico", get(favicon))
        .fallback(not_found)
        .with_state(state)
        .layer(CompressionLayer::new())
}

/// Serves [`router`] on `listener` until Ctrl-C, then finishes the requests
/// under way and returns.
pub async fn serve<S: Store + 'static>(
    app: Zijin<S>,
    listener: tokio::net::TcpListener,
) -> std::io::Result<()> {
    axum::serve(listener, router(app))
        .with_graceful_shutdown(async {
            // If the signal cannot be listened for, run until killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await
}

/// The OpenAPI document of the API under `/api/v1`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    openapi::document()
}

/// The paths of the API routes as the router registers them (axum syntax,
/// `{code}` for a parameter). The tests compare them with [`openapi`]'s
/// paths, so that a route cannot be added without being documented.
#[doc(hidden)]
pub fn api_route_paths() -> Vec<&'static str> {
    api::routes::<zijin_store::SqliteStore>().paths
}

const STYLESHEET: &str = include_str!("../static/zijin.css");
const SCRIPT: &str = include_str!("../static/zijin.js");
const FAVICON: &str = include_str!("../static/favicon.svg");

/// Static files change only with the binary: a day of caching is safe, and
/// the pages name them with the crate version so a new binary is fetched anew.
const STATIC_CACHE: &str = "public, max-age=86400";

async fn stylesheet() -> Response {
    static_file(STYLESHEET, "text/css; charset=utf-8")
}

async fn script() -> Response {
    static_file(SCRIPT, "text/javascript; charset=utf-8")
}

async fn favicon() -> Response {
    static_file(FAVICON, "image/svg+xml")
}

fn static_file(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(STATIC_CACHE),
            ),
        ],
        body,
    )
        .into_response()
}

/// Unknown routes: JSON under `/api`, an HTML page elsewhere.
async fn not_found(uri: Uri, headers: axum::http::HeaderMap) -> Response {
    let path = uri.path();
    let error = error::ApiError::not_found_route(path);
    if path == "/api" || path.starts_with("/api/") {
        error.into_response()
    } else {
        let lang = params::Params::from_uri(&uri)
            .map(|params| params.lang(&headers).0)
            .unwrap_or_default();
        pages::error_page(lang, &error)
    }
}

#[cfg(test)]
mod tests {
    /// The relative luminance of `#rrggbb` (WCAG 2.1).
    fn luminance(hex: &str) -> f64 {
        let channel = |index: usize| {
            let value =
                f64::from(u8::from_str_radix(&hex[1 + 2 * index..3 + 2 * index], 16).unwrap())
                    / 255.0;
            if value <= 0.03928 {
                value / 12.92
            } else {
                ((value + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
    }

    fn contrast(foreground: &str, background: &str) -> f64 {
        let (a, b) = (luminance(foreground), luminance(background));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// Every text colour of the stylesheet, on the backgrounds it is used on,
    /// passes WCAG AA for normal text (4.5:1). A colour added to the
    /// stylesheet without being listed here fails the test.
    #[test]
    fn text_colours_pass_wcag_aa() {
        let pairs = [
            ("#24292f", "#ffffff"), // text
            ("#24292f", "#f6f8fa"), // text on table heads and the counts box
            ("#57606a", "#ffffff"), // muted text, no light
            ("#57606a", "#f6f8fa"),
            ("#0969da", "#ffffff"), // links
            ("#0969da", "#f6f8fa"),
            ("#1a7f37", "#ffffff"), // green
            ("#1a7f37", "#f6f8fa"),
            ("#9a6700", "#ffffff"), // yellow
            ("#9a6700", "#f6f8fa"),
            ("#cf222e", "#ffffff"), // red
            ("#cf222e", "#f6f8fa"),
            ("#6639ba", "#fbefff"), // the synthetic badge
            ("#ffffff", "#24292f"), // the navigation bar
            ("#ffffff", "#0969da"), // the active filter
        ];
        for (foreground, background) in pairs {
            let ratio = contrast(foreground, background);
            assert!(ratio >= 4.5, "{foreground} on {background}: {ratio:.2}");
        }
        let listed = |colour: &str| {
            let colour = if colour == "#fff" { "#ffffff" } else { colour };
            pairs.iter().any(|(foreground, _)| *foreground == colour)
        };
        let variables = [
            ("var(--text)", "#24292f"),
            ("var(--muted)", "#57606a"),
            ("var(--link)", "#0969da"),
        ];
        let mut checked = 0;
        for declaration in super::STYLESHEET.split(';') {
            let Some((property, value)) = declaration.rsplit_once(':') else {
                continue;
            };
            if !property.trim_end().ends_with("color")
                || property.contains("background")
                || property.contains("decoration")
            {
                continue;
            }
            let value = value.trim();
            let value = variables
                .iter()
                .find(|(name, _)| *name == value)
                .map_or(value, |(_, colour)| colour);
            assert!(
                listed(value),
                "text colour {value} is not checked for contrast"
            );
            checked += 1;
        }
        assert!(checked >= 10, "only {checked} colour declarations found");
    }
}
