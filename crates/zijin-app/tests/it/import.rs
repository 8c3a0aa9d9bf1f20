//! Importing observations: all or nothing, every problem named with its place,
//! revisions instead of overwrites, and idempotence.

use zijin_app::{AppError, AssessQuery, InputFile};
use zijin_domain::{IndicatorCode, RegionCode, SourceQuality};

use crate::{actor, dump, initialised_app};

fn csv(name: &str, text: &str) -> InputFile {
    InputFile {
        name: name.to_owned(),
        bytes: text.as_bytes().to_vec(),
    }
}

const HEADER: &str = "indicator,region,period,value,unit,source\n";
const GOOD_ROW: &str = "high_tech_enterprises,320102,2021,480,家,玄武区报送\n";

async fn import(
    app: &zijin_app::Zijin<zijin_store::SqliteStore>,
    files: &[InputFile],
) -> Result<zijin_store::ImportOutcome, AppError> {
    app.import_files(
        files,
        &actor("district clerk"),
        SourceQuality::Reported,
        &mut |_, _, _| {},
    )
    .await
}

/// Imports a file holding one good row and one bad row, and checks that the
/// import is rejected with a problem naming the file, row and column, and
/// that the database is exactly as before.
async fn check_rejected(bad_row: &str, column: &str, found: &str) {
    let (_directory, app) = initialised_app().await;
    import(
        &app,
        &[csv(
            "earlier.csv",
            &format!("{HEADER}tech_smes,320102,2021,900,家,earlier\n"),
        )],
    )
    .await
    .expect("an earlier import succeeds");
    let before = dump(&app).await;

    let file = csv("玄武区.csv", &format!("{HEADER}{GOOD_ROW}{bad_row}"));
    let error = import(&app, &[file])
        .await
        .expect_err("the bad row must reject the import");
    let AppError::InvalidInput { problems } = &error else {
        panic!("expected invalid input, got {error:?}")
    };
    let problem = problems.first().expect("at least one problem");
    assert_eq!(problem.file, "玄武区.csv", "{problem}");
    assert_eq!(
        problem.row,
        Some(3),
        "the bad row is row 3 (the header is row 1): {problem}"
    );
    let problem_column = problem.column.clone().unwrap_or_default();
    assert!(
        problem_column.starts_with(column),
        "column {problem_column:?} should start with {column:?}: {problem}"
    );
    assert!(
        problem.found.contains(found),
        "found {:?} should contain {found:?}: {problem}",
        problem.found
    );
    assert!(
        !problem.expected.is_empty(),
        "the problem says what was expected: {problem}"
    );
    let message = error.to_string();
    assert!(
        message.contains("nothing was written") && message.contains("玄武区.csv"),
        "{message}"
    );

    assert_eq!(
        dump(&app).await,
        before,
        "a rejected import must leave the database unchanged"
    );
}

#[tokio::test]
async fn unknown_indicator_is_rejected() {
    check_rejected(
        "high_tech_firms,320102,2021,1,家,x\n",
        "A",
        "high_tech_firms",
    )
    .await;
}

#[tokio::test]
async fn unknown_region_is_rejected() {
    check_rejected("high_tech_enterprises,320199,2021,1,家,x\n", "B", "320199").await;
}

#[tokio::test]
async fn value_that_is_not_a_number_is_rejected() {
    check_rejected("tech_smes,320104,2021,约100,家,x\n", "D", "约100").await;
}

#[tokio::test]
async fn unit_that_differs_is_rejected() {
    check_rejected("tech_smes,320104,2021,100,万家,x\n", "E", "万家").await;
}

#[tokio::test]
async fn period_outside_the_plan_is_rejected() {
    check_rejected("tech_smes,320104,2019,100,家,x\n", "C", "2019").await;
}

#[tokio::test]
async fn duplicate_row_in_one_file_is_rejected() {
    check_rejected(
        "high_tech_enterprises,320102,2021,481,家,again\n",
        "",
        "320102",
    )
    .await;
}

#[tokio::test]
async fn empty_required_cell_is_rejected() {
    check_rejected("tech_smes,320104,2021,,家,x\n", "D", "").await;
}

#[tokio::test]
async fn a_problem_in_a_second_file_rejects_the_first_too() {
    let (_directory, app) = initialised_app().await;
    let before = dump(&app).await;
    let good = csv("good.csv", &format!("{HEADER}{GOOD_ROW}"));
    let bad = csv(
        "bad.csv",
        &format!("{HEADER}tech_smes,nowhere,2021,1,家,x\n"),
    );
    let error = import(&app, &[good, bad]).await.expect_err("rejected");
    let AppError::InvalidInput { problems } = error else {
        panic!("expected invalid input")
    };
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].file, "bad.csv");
    assert_eq!(dump(&app).await, before);
}

#[tokio::test]
async fn the_same_key_in_two_files_is_rejected() {
    let (_directory, app) = initialised_app().await;
    let before = dump(&app).await;
    let one = csv("one.csv", &format!("{HEADER}{GOOD_ROW}"));
    let two = csv(
        "two.csv",
        &format!("{HEADER}high_tech_enterprises,320102,2021,490,家,other\n"),
    );
    let error = import(&app, &[one, two]).await.expect_err("rejected");
    let message = error.to_string();
    assert!(
        message.contains("one.csv") && message.contains("two.csv"),
        "{message}"
    );
    assert_eq!(dump(&app).await, before);
}

#[tokio::test]
async fn every_problem_is_reported_at_once() {
    let (_directory, app) = initialised_app().await;
    let file = csv(
        "many.csv",
        &format!(
            "{HEADER}nope,320102,2021,1,家,x\ntech_smes,nowhere,2021,1,家,x\ntech_smes,320104,2021,abc,家,x\n"
        ),
    );
    let AppError::InvalidInput { problems } = import(&app, &[file]).await.expect_err("rejected")
    else {
        panic!("expected invalid input")
    };
    let rows: Vec<Option<usize>> = problems.iter().map(|problem| problem.row).collect();
    assert_eq!(rows, [Some(2), Some(3), Some(4)]);
}

#[tokio::test]
async fn importing_the_same_file_twice_changes_nothing() {
    let (_directory, app) = initialised_app().await;
    let file = csv(
        "district.csv",
        &format!("{HEADER}{GOOD_ROW}tech_smes,320102,2021,900,家,玄武区报送\n"),
    );
    let first = import(&app, std::slice::from_ref(&file))
        .await
        .expect("first import");
    assert_eq!((first.added, first.revised, first.unchanged), (2, 0, 0));
    assert!(first.import_id.is_some());
    let after_first = dump(&app).await;
    let second = import(&app, &[file]).await.expect("second import");
    assert_eq!(
        (
            second.added,
            second.revised,
            second.unchanged,
            second.import_id
        ),
        (0, 0, 2, None)
    );
    assert_eq!(dump(&app).await, after_first);
}

#[tokio::test]
async fn a_new_value_is_a_revision_and_the_assessment_uses_it() {
    let (_directory, app) = initialised_app().await;
    let indicator = IndicatorCode::new("high_tech_enterprises").unwrap();
    let region = RegionCode::new("320102").unwrap();
    let base = "high_tech_enterprises,320102,2020,400,家,玄武区报送\n";
    import(&app, &[csv("v1.csv", &format!("{HEADER}{base}{GOOD_ROW}"))])
        .await
        .expect("first");
    let revised = import(
        &app,
        &[csv(
            "v2.csv",
            &format!("{HEADER}{base}high_tech_enterprises,320102,2021,500,家,更正\n"),
        )],
    )
    .await
    .expect("revision");
    assert_eq!(
        (revised.added, revised.revised, revised.unchanged),
        (0, 1, 1)
    );

    let history = app.history(&indicator, &region).await.expect("history");
    let revisions: Vec<(String, u32, f64)> = history
        .iter()
        .map(|record| {
            (
                record.observation.period.to_string(),
                record.revision,
                record.observation.value,
            )
        })
        .collect();
    assert_eq!(
        revisions,
        [
            ("2020".to_owned(), 1, 400.0),
            ("2021".to_owned(), 1, 480.0),
            ("2021".to_owned(), 2, 500.0)
        ]
    );

    let query = AssessQuery {
        as_of: Some(chrono::NaiveDate::from_ymd_opt(2022, 6, 30).unwrap()),
        regions: vec![region.clone()],
        indicators: vec![indicator.clone()],
    };
    let report = app.assess(&query).await.expect("assess");
    assert_eq!(report.assessments.len(), 1);
    let latest = report.assessments[0]
        .latest
        .as_ref()
        .expect("a latest value");
    assert_eq!(
        latest.value, 500.0,
        "the assessment reads the latest revision"
    );
}

#[tokio::test]
async fn assessing_an_unknown_region_or_indicator_is_an_error() {
    let (_directory, app) = initialised_app().await;
    let unknown_region = AssessQuery {
        regions: vec![RegionCode::new("999999").unwrap()],
        ..AssessQuery::default()
    };
    assert!(matches!(
        app.assess(&unknown_region).await,
        Err(AppError::UnknownRegion(_))
    ));
    let unknown_indicator = AssessQuery {
        indicators: vec![IndicatorCode::new("nothing_here").unwrap()],
        ..AssessQuery::default()
    };
    assert!(matches!(
        app.assess(&unknown_indicator).await,
        Err(AppError::UnknownIndicator(_))
    ));
}
