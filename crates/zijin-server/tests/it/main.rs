//! Integration tests of the server: the router is called directly
//! (`tower::ServiceExt::oneshot`) over the demo database, built once per test
//! binary in a temporary directory and opened anew by every test.

mod api;
mod api_evaluations;
mod api_policies;
mod crawl;
mod evaluations;
mod openapi;
mod pages;
mod pages_policy;

use std::path::PathBuf;
use std::sync::OnceLock;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chrono::{TimeZone, Utc};
use tower::ServiceExt;
use zijin_app::{Actor, Zijin, demo};
use zijin_store::SqliteStore;

/// The uncertainty draws of the test database's evaluations.
pub const EVALUATION_DRAWS: usize = 40;

/// The demo database, built once: (its folder, kept alive; its file).
fn demo_database() -> &'static PathBuf {
    static DEMO: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DEMO
        .get_or_init(|| {
            // Built on a runtime of its own, so no test's runtime owns it.
            std::thread::spawn(|| {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                    .expect("a runtime");
                runtime.block_on(async {
                    let directory = tempfile::tempdir().expect("temporary directory");
                    let path = directory.path().join("demo.db");
                    let store = SqliteStore::open(&path).await.expect("open");
                    let app = Zijin::new(store);
                    let actor = Actor {
                        name: demo::DEMO_ACTOR.to_owned(),
                        now: Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap(),
                    };
                    demo::build(&app, &actor).await.expect("the demo builds");
                    // The evaluations of the built-in frameworks, with few
                    // draws: the pages, not the analysis, are under test.
                    app.run_evaluations(None, Some(EVALUATION_DRAWS), Some(7), &actor)
                        .await
                        .expect("the evaluations run");
                    (directory, path)
                })
            })
            .join()
            .expect("building the demo")
        })
        .1
}

/// The application over the demo database.
pub async fn demo_app() -> Zijin<SqliteStore> {
    let store = SqliteStore::open(demo_database())
        .await
        .expect("open the demo database");
    Zijin::new(store)
}

/// The router over the demo database.
pub async fn demo_router() -> Router {
    zijin_server::router(demo_app().await)
}

/// An answer: status, headers and body.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a UTF-8 body")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {}", self.text()))
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }

    /// Asserts a JSON error answer with this status and code, and returns its message.
    pub fn error(&self, status: StatusCode, code: &str) -> String {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(self.content_type(), "application/json");
        let body = self.json();
        assert_eq!(body["code"], code, "{body}");
        let message = body["message"].as_str().expect("a message").to_owned();
        assert!(!message.is_empty());
        assert_eq!(
            body.as_object().unwrap().len(),
            2,
            "only code and message: {body}"
        );
        message
    }
}

pub async fn get(router: &Router, uri: &str) -> Answer {
    get_with(router, uri, &[]).await
}

pub async fn get_with(router: &Router, uri: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    answer(router, request.body(Body::empty()).unwrap()).await
}

/// `request` sent to `router`, and what it answers.
pub async fn answer(router: &Router, request: Request<Body>) -> Answer {
    let response = router
        .clone()
        .oneshot(request)
        .await
        .expect("the router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("the body")
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}
