//! The HTML bulletin: standalone, semantic, printable; lights never by colour alone.

use zijin_domain::Lang;

use crate::{bulletin, demo_app};

#[tokio::test]
async fn the_page_is_standalone_and_semantic() {
    let (_directory, app) = demo_app().await;
    for (lang, tag) in [(Lang::Zh, "zh-CN"), (Lang::En, "en")] {
        let bulletin = bulletin(&app, 2024, lang).await;
        let page = zijin_report::html(&bulletin);
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\""));
        assert!(page.contains(&format!("<html lang=\"{tag}\">")));
        assert!(page.contains("<meta charset=\"utf-8\">"));
        assert!(page.contains(&format!(
            "<title>{}</title>",
            zijin_charts::escape(&bulletin.title)
        )));
        // No scripts, no external resources (links to sources are not loaded).
        let lower = page.to_lowercase();
        for forbidden in [
            "<script", "<link", "<img", "<iframe", "@import", "url(", " src=",
        ] {
            assert!(!lower.contains(forbidden), "{forbidden} in the page");
        }
        // Every table has a caption, right after it opens.
        let tables = page.matches("<table").count();
        assert!(tables >= 5, "{tables} tables");
        for (index, _) in page.match_indices("<table") {
            let rest = &page[index..];
            let open_end = rest.find('>').unwrap();
            assert!(
                rest[open_end + 1..].trim_start().starts_with("<caption>"),
                "a table without a caption: {}",
                &rest[..open_end + 40]
            );
        }
        for section in [
            "summary", "status", "charts", "rankings", "warnings", "sources", "notes",
        ] {
            assert!(
                page.contains(&format!("<section id=\"{section}\">")),
                "{section}"
            );
        }
        assert_eq!(
            page.matches("<section").count(),
            page.matches("</section>").count()
        );
        assert_eq!(
            page.matches("<table").count(),
            page.matches("</table>").count()
        );
        assert_eq!(page.matches("<tr>").count(), page.matches("</tr>").count());
        // One figure per trajectory chart and ranking chart.
        assert_eq!(
            page.matches("<figure>").count(),
            bulletin.charts.len() + bulletin.rankings.len()
        );
        assert!(page.contains("@page"), "print styles");
    }
}

#[tokio::test]
async fn every_light_is_an_icon_and_a_word() {
    let (_directory, app) = demo_app().await;
    let bulletin = bulletin(&app, 2023, Lang::Zh).await;
    let page = zijin_report::html(&bulletin);
    let lights = page.matches("<span class=\"light ").count();
    // Summary (3) + status rows + warning rows.
    assert_eq!(
        lights,
        3 + bulletin.status.len() + bulletin.warnings.rows.len()
    );
    for (index, _) in page.match_indices("<span class=\"light ") {
        let cell = &page[index..];
        let icon_end = cell.find("</svg></span>").expect("an icon") + "</svg></span>".len();
        assert!(cell[..icon_end].contains("<svg"), "an icon");
        let word_end = icon_end + cell[icon_end..].find("</span>").expect("a closed cell");
        let word = &cell[icon_end..word_end];
        assert!(
            ["绿灯", "黄灯", "红灯", "无灯"].contains(&word),
            "a word after the icon: {word:?}"
        );
    }
}

#[tokio::test]
async fn user_text_is_escaped() {
    let (_directory, app) = demo_app().await;
    let mut bulletin = bulletin(&app, 2023, Lang::En).await;
    bulletin.status[0].name = "<script>alert(1)</script> & \"R&D\"".to_owned();
    let page = zijin_report::html(&bulletin);
    assert!(!page.contains("<script>"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;R&amp;D&quot;"));
}
