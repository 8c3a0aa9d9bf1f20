//! "The links work": start from the overview, follow every internal link
//! (pages, downloads, static files) found in the HTML, and require 200.

use std::collections::{BTreeSet, VecDeque};

use axum::http::StatusCode;

use crate::{demo_router, get};

/// The internal links of a page: `href` and `src` values that start with
/// `/`, without fragments, with `&amp;` decoded.
fn links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["href=\"", "src=\""] {
        for (index, _) in html.match_indices(attribute) {
            let rest = &html[index + attribute.len()..];
            let Some(end) = rest.find('"') else { continue };
            let link = rest[..end].replace("&amp;", "&");
            let link = link.split('#').next().unwrap_or_default().to_owned();
            if link.starts_with('/') && !link.starts_with("//") {
                found.push(link);
            }
        }
    }
    found
}

async fn crawl(start: &str) -> usize {
    let router = demo_router().await;
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<(String, String)> = VecDeque::new();
    queue.push_back((start.to_owned(), "(start)".to_owned()));
    seen.insert(start.to_owned());
    while let Some((uri, from)) = queue.pop_front() {
        let answer = get(&router, &uri).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "{uri} (linked from {from}) answered {}: {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
                .chars()
                .take(300)
                .collect::<String>()
        );
        if !answer.content_type().starts_with("text/html") {
            continue;
        }
        // The bulletins' own HTML is a standalone document; its links are its own business.
        if uri.starts_with("/bulletins/") {
            continue;
        }
        for link in links(&answer.text()) {
            if seen.insert(link.clone()) {
                queue.push_back((link, uri.clone()));
            }
        }
    }
    seen.len()
}

#[tokio::test]
async fn every_link_from_the_overview_works() {
    let visited = crawl("/").await;
    // The overview, every indicator in every region, every region, the
    // rankings, reporting, bulletins, downloads and static files.
    assert!(visited > 300, "only {visited} links visited");
}

#[tokio::test]
async fn every_link_of_the_english_pages_works() {
    let visited = crawl("/?lang=en").await;
    assert!(visited > 300, "only {visited} links visited");
}

#[test]
fn links_are_found_and_decoded() {
    let html = r##"<a href="/a?x=1&amp;y=2#top">a</a><script src="/s.js"></script><a href="https://example.invalid/">x</a><a href="#main">m</a>"##;
    assert_eq!(
        links(html),
        vec!["/a?x=1&y=2".to_owned(), "/s.js".to_owned()]
    );
}
