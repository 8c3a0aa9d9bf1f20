//! The index engine against COINr: COINr's example pipeline on the ASEM data
//! (`data/coinr-asem/`, a copy of `shared/data/coinr-asem/`) must give every stage of COINr 1.1.14's
//! published results (`expected-v1/`) to 1e-9 relative, the ranks and the
//! treatment decisions exactly.

use std::collections::HashMap;
use std::path::PathBuf;

use zijin_exchange::{parse_index_spec, read_framework, read_index_data};
use zijin_index::{Build, Framework, Pipeline, PointMark, Stage};

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/coinr-asem")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn build() -> (Framework, Build) {
    let dir = shared();
    let meta = std::fs::read(dir.join("iMeta.csv")).unwrap();
    let framework = read_framework("iMeta.csv", &meta).unwrap();
    let data = std::fs::read(dir.join("iData.csv")).unwrap();
    let data = read_index_data("iData.csv", &data, &framework).unwrap();
    let spec_path = repo().join("examples/asem/pipeline.toml");
    let spec = parse_index_spec(
        "pipeline.toml",
        &std::fs::read_to_string(spec_path).unwrap(),
    )
    .unwrap();
    let pipeline = Pipeline::new(&framework, &data, &spec).unwrap();
    let build = pipeline.run().unwrap();
    (framework, build)
}

/// An expected CSV: the header and the rows, by their first field.
struct Expected {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Expected {
    fn read(name: &str) -> Expected {
        let mut reader = csv::Reader::from_path(shared().join("expected-v1").join(name)).unwrap();
        let header = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        let rows = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        Expected { header, rows }
    }

    fn cells(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.rows.iter().flat_map(move |row| {
            self.header[1..]
                .iter()
                .zip(&row[1..])
                .map(move |(column, value)| (row[0].as_str(), column.as_str(), value.as_str()))
        })
    }
}

fn close(expected: f64, actual: f64) -> bool {
    let scale = expected.abs().max(actual.abs());
    (expected - actual).abs() <= 1e-9 * scale || (expected - actual).abs() < 1e-12
}

/// Compares every cell of an expected data set with a frame, by unit and column.
fn assert_frame_matches(name: &str, frame: &zijin_index::Frame) {
    let expected = Expected::read(name);
    assert_eq!(
        frame.units().len(),
        expected.rows.len(),
        "{name}: number of units"
    );
    let mut checked = 0;
    for (unit, column, value) in expected.cells() {
        let u = frame
            .unit_index(unit)
            .unwrap_or_else(|| panic!("{name}: unit {unit} missing"));
        let c = frame
            .column_index(column)
            .unwrap_or_else(|| panic!("{name}: column {column} missing"));
        let actual = frame.column(c)[u];
        if value.is_empty() {
            assert!(
                actual.is_nan(),
                "{name} {unit} {column}: expected missing, got {actual}"
            );
        } else {
            let value: f64 = value.parse().unwrap();
            assert!(
                close(value, actual),
                "{name} {unit} {column}: expected {value}, got {actual}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, expected.rows.len() * (expected.header.len() - 1));
}

#[test]
fn every_stage_matches_coinr() {
    let (_, build) = build();
    assert_frame_matches("Raw.csv", &build.raw);
    for (stage, file) in [
        (Stage::Denominate, "Denominated.csv"),
        (Stage::Impute, "Imputed.csv"),
        (Stage::Screen, "Screened.csv"),
        (Stage::Treat, "Treated.csv"),
        (Stage::Normalise, "Normalised.csv"),
        (Stage::Aggregate, "Aggregated.csv"),
    ] {
        assert_frame_matches(file, build.stage(stage).expect("stage ran"));
    }
}

#[test]
fn ranks_match_coinr_exactly() {
    let (_, build) = build();
    let expected = Expected::read("ranks.csv");
    for (unit, column, value) in expected.cells() {
        let u = build.ranks.unit_index(unit).unwrap();
        let c = build.ranks.column_index(column).unwrap();
        let actual = build.ranks.column(c)[u];
        assert_eq!(
            value.parse::<f64>().unwrap(),
            actual,
            "rank of {unit} on {column}"
        );
    }
}

#[test]
fn treatment_decisions_match_coinr_exactly() {
    let (_, build) = build();
    let treatment = build.treatment.as_ref().unwrap();
    let by_code: HashMap<&str, _> = treatment
        .rows
        .iter()
        .map(|r| (r.code.as_str(), r))
        .collect();
    let expected = Expected::read("treat_details.csv");
    assert_eq!(expected.rows.len(), treatment.rows.len());
    let bool_of = |s: &str| match s {
        "TRUE" => true,
        "FALSE" => false,
        other => panic!("not a logical: {other}"),
    };
    for row in &expected.rows {
        let actual = by_code[row[0].as_str()];
        assert_eq!(actual.before.pass, bool_of(&row[1]), "{} pass", row[0]);
        assert!(close(row[2].parse().unwrap(), actual.before.skew.unwrap()));
        assert!(close(
            row[3].parse().unwrap(),
            actual.before.kurtosis.unwrap()
        ));
        if row[4].is_empty() {
            assert!(actual.winsorised.is_none(), "{} was not treated", row[0]);
        } else {
            assert_eq!(
                actual.winsorised,
                Some(row[4].parse().unwrap()),
                "{} points",
                row[0]
            );
            let after = actual.after_winsorising.unwrap();
            assert_eq!(after.pass, bool_of(&row[5]));
            assert!(close(row[6].parse().unwrap(), after.skew.unwrap()));
            assert!(close(row[7].parse().unwrap(), after.kurtosis.unwrap()));
        }
    }
    // Which points, and how.
    let points = Expected::read("treated_points.csv");
    let treated = build.stage(Stage::Treat).unwrap();
    let mut expected_marks = Vec::new();
    for (unit, column, value) in points.cells() {
        if !value.is_empty() {
            expected_marks.push((unit.to_owned(), column.to_owned(), value.to_owned()));
        }
    }
    let mut actual_marks: Vec<(String, String, String)> = treatment
        .points
        .iter()
        .map(|&(u, c, mark)| {
            let label = match mark {
                PointMark::WinHigh => "winhi",
                PointMark::WinLow => "winlo",
                PointMark::Log => "log_CT",
            };
            (
                treated.units()[u].clone(),
                treated.columns()[c].clone(),
                label.to_owned(),
            )
        })
        .collect();
    expected_marks.sort();
    actual_marks.sort();
    assert!(!expected_marks.is_empty());
    assert_eq!(expected_marks, actual_marks);
}

#[test]
fn screening_and_effective_weights_match_coinr() {
    let (framework, build) = build();
    let expected = Expected::read("screen_summary.csv");
    let rows = build.screening.as_ref().unwrap();
    assert_eq!(rows.len(), expected.rows.len());
    for row in &expected.rows {
        let actual = rows.iter().find(|r| r.unit == row[0]).unwrap();
        assert_eq!(actual.missing, row[1].parse::<usize>().unwrap());
        assert_eq!(actual.zeros, row[2].parse::<usize>().unwrap());
        assert!(close(row[4].parse().unwrap(), actual.availability));
        assert!(close(row[5].parse().unwrap(), actual.nonzero));
        assert_eq!(actual.low_data, row[6] == "TRUE");
        assert_eq!(actual.included, row[9] == "TRUE");
    }
    let expected = Expected::read("effective_weights.csv");
    assert_eq!(expected.rows.len(), framework.nodes().len());
    for row in &expected.rows {
        let node = framework.find(&row[0]).unwrap();
        assert_eq!(framework.node(node).level, row[1].parse::<u32>().unwrap());
        assert!(close(
            row[3].parse().unwrap(),
            build.effective_weights[node]
        ));
    }
}
