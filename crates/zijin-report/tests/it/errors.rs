//! The errors a user can cause: a year outside the plan, a year without data.

use zijin_domain::Lang;
use zijin_report::ReportError;

use crate::{demo_app, published_app};

#[tokio::test]
async fn a_year_outside_the_plan_is_an_unknown_period() {
    let (_directory, app) = demo_app().await;
    // The base year is the baseline, not a year of the plan's implementation.
    for year in [2019, 2020, 2026] {
        let error = zijin_report::gather(&app, year, Lang::Zh)
            .await
            .expect_err("no bulletin outside the plan");
        assert!(
            matches!(
                error,
                ReportError::UnknownPeriod {
                    year: found,
                    first: 2021,
                    last: 2025
                } if found == year
            ),
            "{error:?}"
        );
        assert_eq!(error.code(), "unknown_period");
        assert!(error.is_user_error());
        let message = error.to_string();
        assert!(
            message.contains("规划实施期") && message.contains("2021"),
            "{message}"
        );
        assert!(message.contains("not a year of the plan"), "{message}");
    }
}

#[tokio::test]
async fn a_year_without_any_figure_has_no_bulletin() {
    let (_directory, app) = published_app().await;
    let error = zijin_report::gather(&app, 2025, Lang::En)
        .await
        .expect_err("nothing is known about 2025");
    assert!(
        matches!(error, ReportError::NoData { year: 2025 }),
        "{error:?}"
    );
    assert_eq!(error.code(), "no_data");
    assert!(error.is_user_error());
    assert!(error.to_string().contains("zijin import"));
}

#[tokio::test]
async fn without_a_plan_the_applications_error_comes_through() {
    let directory = tempfile::tempdir().unwrap();
    let store = zijin_store::SqliteStore::open(&directory.path().join("empty.db"))
        .await
        .unwrap();
    let app = zijin_app::Zijin::new(store);
    let error = zijin_report::gather(&app, 2023, Lang::Zh)
        .await
        .expect_err("no plan loaded");
    assert_eq!(error.code(), "no_plan");
    assert!(error.is_user_error());
}

#[test]
fn missing_fonts_name_the_package_and_the_paths_searched() {
    let empty = tempfile::tempdir().unwrap();
    let error = zijin_report::PdfEngine::with_font_dirs(&[empty.path().to_owned()])
        .expect_err("no fonts in an empty folder");
    assert_eq!(error.code(), "fonts_missing");
    assert!(!error.is_user_error());
    let message = error.to_string();
    assert!(
        message.contains("apt-get install fonts-noto-cjk"),
        "{message}"
    );
    assert!(
        message.contains(&empty.path().display().to_string()),
        "{message}"
    );
    assert!(message.contains("ZIJIN_FONT_DIR"), "{message}");
}
