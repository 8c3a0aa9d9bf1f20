//! The PDF bulletin, read back with `pdftotext` (poppler-utils). These tests
//! need system packages (fonts-noto-cjk, poppler-utils) and are ignored by a
//! plain `cargo test`; `.ci/run` installs the packages and runs them.

use std::process::Command;
use std::sync::OnceLock;

use zijin_domain::Lang;
use zijin_report::PdfEngine;

use crate::{bulletin, demo_app};

/// One engine for all tests, as a server would hold one.
fn engine() -> &'static PdfEngine {
    static ENGINE: OnceLock<PdfEngine> = OnceLock::new();
    ENGINE.get_or_init(|| PdfEngine::new().unwrap_or_else(|error| panic!("{error}")))
}

/// The text of a PDF, with all white space removed (table cells wrap).
fn pdf_text(pdf: &[u8]) -> String {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("bulletin.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = match Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(output) => output,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => panic!(
            "pdftotext is not installed: install poppler-utils (apt-get install poppler-utils) to run the PDF tests"
        ),
        Err(error) => panic!("running pdftotext: {error}"),
    };
    assert!(
        output.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{200B}')
        .collect()
}

/// The number of pages, from `pdfinfo` (poppler-utils, like pdftotext).
fn page_count(pdf: &[u8]) -> usize {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("bulletin.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = Command::new("pdfinfo")
        .arg(&path)
        .output()
        .unwrap_or_else(|error| {
            panic!(
                "running pdfinfo: {error}; install poppler-utils (apt-get install poppler-utils)"
            )
        });
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .and_then(|pages| pages.trim().parse().ok())
        .expect("pdfinfo gives the page count")
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn the_engine_can_be_shared_between_threads() {
    fn shared<T: Send + Sync + 'static>() {}
    shared::<PdfEngine>();
    assert!(!engine().font_files().is_empty());
}

#[tokio::test]
#[ignore = "needs fonts-noto-cjk and poppler-utils (apt-get install fonts-noto-cjk poppler-utils); .ci/run runs it"]
async fn the_chinese_pdf_has_the_title_the_indicators_and_their_statuses() {
    let (_directory, app) = demo_app().await;
    let bulletin = bulletin(&app, 2024, Lang::Zh).await;
    let pdf = engine().render(&bulletin).expect("the PDF renders");
    assert!(pdf.starts_with(b"%PDF"), "a PDF file");
    let text = pdf_text(&pdf);
    assert!(
        text.contains(&squeeze(
            "南京市“十四五”科技创新规划实施监测通报（2024年度）"
        )),
        "the title"
    );
    assert!(text.contains("2025年4月30日"), "the date");
    let shortest = bulletin
        .status
        .iter()
        .min_by_key(|row| row.name.chars().count())
        .unwrap();
    assert!(text.contains(&squeeze(&shortest.name)), "{}", shortest.name);
    let word = bulletin
        .status
        .iter()
        .find(|row| row.time_status.is_some())
        .map(|row| row.time_status_text.clone())
        .expect("an assessed indicator");
    assert!(text.contains(&word), "the status word {word}");
    assert!(
        text.contains("红灯") || text.contains("黄灯"),
        "a light word"
    );
    assert!(text.contains("合成数据说明"), "the synthetic note");
    // Page numbers: "1 / N" on the first page, "N / N" on the last.
    let pages = page_count(&pdf);
    assert!(pages > 3, "{pages} pages");
    assert!(text.contains(&format!("1/{pages}")), "page numbers");
    assert!(text.contains(&format!("{pages}/{pages}")), "page numbers");
}

#[tokio::test]
#[ignore = "needs fonts-noto-cjk and poppler-utils (apt-get install fonts-noto-cjk poppler-utils); .ci/run runs it"]
async fn the_english_pdf_is_in_english_and_renders_the_same_bytes_twice() {
    let (_directory, app) = demo_app().await;
    let bulletin = bulletin(&app, 2023, Lang::En).await;
    let pdf = engine().render(&bulletin).expect("the PDF renders");
    assert!(pdf.starts_with(b"%PDF"));
    let text = pdf_text(&pdf);
    assert!(
        text.contains("implementationmonitoringbulletinfor2023"),
        "the title"
    );
    assert!(text.contains("Overview") && text.contains("Warnings"));
    let again = engine().render(&bulletin).expect("again");
    assert_eq!(pdf, again, "the same bulletin gives the same PDF");
}

#[tokio::test]
#[ignore = "needs fonts-noto-cjk and poppler-utils (apt-get install fonts-noto-cjk poppler-utils); .ci/run runs it"]
async fn text_that_looks_like_typst_markup_is_printed_as_text() {
    let (_directory, app) = demo_app().await;
    let mut bulletin = bulletin(&app, 2023, Lang::Zh).await;
    let tricky = "#pagebreak() *粗* _斜_ $x$ \"引号\" \\ ] ) [ <label> @ref // 注释 /* 块";
    bulletin.status[0].name = tricky.to_owned();
    bulletin.summary.paragraph = format!("{tricky}\n第二行");
    let pdf = engine()
        .render(&bulletin)
        .expect("markup characters do not break the document");
    let text = pdf_text(&pdf);
    assert!(text.contains(&squeeze("#pagebreak()*粗*_斜_$x$")), "{text}");
    assert!(text.contains(&squeeze("<label>@ref//注释/*块")));
}
