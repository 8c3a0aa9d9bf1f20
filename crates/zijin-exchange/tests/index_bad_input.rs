//! Bad index input gives a clear error naming the place: the iMeta row and
//! column, the iData cell (file, row, column letter and header, the value
//! found), the pipeline key and its line, the unit and indicator of a
//! computation. Plus an XLSX round trip of iData.

use zijin_exchange::{IndexFileError, Problem, parse_index_spec, read_framework, read_index_data};
use zijin_index::{Framework, IndexError, Pipeline, Spec};

const META_HEADER: &str =
    "Level,iCode,iName,Direction,Weight,Unit,Target,Denominator,Parent,Type\n";

/// iMeta: a and b under the index I, and a group column.
fn meta_csv() -> String {
    format!(
        "{META_HEADER}\
         1,a,Alpha,1,1,,,,I,Indicator\n\
         1,b,Beta,-1,2,,,,I,Indicator\n\
         2,I,Index,1,1,,,,,Aggregate\n\
         ,Region,Region,,,,,,,Group\n"
    )
}

fn framework() -> Framework {
    read_framework("iMeta.csv", meta_csv().as_bytes()).unwrap()
}

fn index_error(error: IndexFileError) -> (String, IndexError) {
    match error {
        IndexFileError::Index { file, error } => (file, error),
        other => panic!("expected an index error, got {other}"),
    }
}

fn problems(error: IndexFileError) -> Vec<Problem> {
    match error {
        IndexFileError::Problems(problems) => problems,
        other => panic!("expected problems, got {other}"),
    }
}

#[test]
fn a_parent_that_does_not_exist_names_the_row_and_the_parent() {
    let csv = format!(
        "{META_HEADER}\
         1,a,Alpha,1,1,,,,I,Indicator\n\
         1,b,Beta,1,1,,,,Pillar,Indicator\n\
         2,I,Index,1,1,,,,,Aggregate\n"
    );
    let error = read_framework("iMeta.csv", csv.as_bytes()).unwrap_err();
    let text = error.to_string();
    let (file, error) = index_error(error);
    assert_eq!(file, "iMeta.csv");
    match &error {
        IndexError::Meta {
            row,
            code,
            column,
            problem,
        } => {
            assert_eq!(*row, 3, "the file line of b");
            assert_eq!(code, "b");
            assert_eq!(*column, "Parent");
            assert!(problem.contains("\"Pillar\""), "{problem}");
        }
        other => panic!("{other}"),
    }
    assert!(text.starts_with("iMeta.csv: iMeta row 3"), "{text}");
}

#[test]
fn a_cycle_in_the_tree_is_named() {
    let csv = format!(
        "{META_HEADER}\
         1,a,Alpha,1,1,,,,P,Indicator\n\
         2,P,Pillar,1,1,,,,Q,Aggregate\n\
         3,Q,Dimension,1,1,,,,P,Aggregate\n"
    );
    let (_, error) = index_error(read_framework("iMeta.csv", csv.as_bytes()).unwrap_err());
    let text = error.to_string();
    assert!(
        matches!(
            &error,
            IndexError::Meta {
                column: "Parent",
                ..
            }
        ),
        "{text}"
    );
    assert!(text.contains("cycle"), "{text}");
    assert!(text.contains("P → Q → P"), "{text}");
}

#[test]
fn an_indicator_missing_from_idata_is_named() {
    let framework = framework();
    let data =
        read_index_data("iData.csv", b"uCode,uName,a\nX,Ex,1\nY,Why,2\n", &framework).unwrap();
    let error = Pipeline::new(&framework, &data, &Spec::default()).unwrap_err();
    match &error {
        IndexError::Data { column, problem } => {
            assert_eq!(column, "b");
            assert!(problem.contains("iMeta row 3"), "{problem}");
            assert!(problem.contains("no column in iData"), "{problem}");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn a_non_numeric_cell_in_idata_names_file_row_column_and_value() {
    let csv = "uCode,uName,a,b\nX,Ex,1,2\nY,Why,3,n/a\nZ,Zed,,4\n";
    let error = read_index_data("iData.csv", csv.as_bytes(), &framework()).unwrap_err();
    let text = error.to_string();
    let problems = problems(error);
    assert_eq!(problems.len(), 1, "{text}");
    let p = &problems[0];
    assert_eq!(p.file, "iData.csv");
    assert_eq!(p.row, Some(3));
    assert_eq!(p.column.as_deref(), Some("D (b)"));
    assert_eq!(p.found, "n/a");
    assert!(p.message.contains("not a number"), "{text}");
    assert!(
        text.contains("iData.csv, 第 3 行 row 3, 列 column D (b)"),
        "{text}"
    );
    // An empty cell is a missing value, not an error.
    let ok = read_index_data("iData.csv", b"uCode,a,b\nX,1,\nY,,2\n", &framework()).unwrap();
    assert!(ok.column("b").unwrap()[0].is_nan());
}

#[test]
fn a_non_numeric_weight_in_imeta_is_named() {
    let csv = format!(
        "{META_HEADER}\
         1,a,Alpha,1,heavy,,,,I,Indicator\n\
         2,I,Index,1,1,,,,,Aggregate\n"
    );
    let error = read_framework("iMeta.csv", csv.as_bytes()).unwrap_err();
    let problems = problems(error);
    assert_eq!(problems.len(), 1);
    let p = &problems[0];
    assert_eq!(p.row, Some(2));
    assert_eq!(p.column.as_deref(), Some("E (Weight)"));
    assert_eq!(p.found, "heavy");
    assert!(p.message.contains("Weight"), "{}", p.message);
}

#[test]
fn a_geometric_mean_over_a_zero_names_the_unit_and_the_indicator() {
    let framework = framework();
    let data = read_index_data("iData.csv", b"uCode,a,b\nX,1,2\nY,0,3\n", &framework).unwrap();
    let spec = parse_index_spec("pipeline.toml", "[aggregate]\nmethod = \"geometric\"\n").unwrap();
    let error = Pipeline::new(&framework, &data, &spec)
        .unwrap()
        .run()
        .unwrap_err();
    let text = error.to_string();
    match &error {
        IndexError::Compute {
            stage, unit, code, ..
        } => {
            assert_eq!(*stage, "aggregate");
            assert_eq!(unit, "Y");
            assert!(code.starts_with("a"), "{code}");
        }
        other => panic!("{other}"),
    }
    assert!(text.contains("not positive"), "{text}");
}

#[test]
fn an_unknown_key_in_the_pipeline_names_the_line() {
    let toml =
        "[normalise]\nmethod = \"minmax\"\n\n[aggregate]\nmethod = \"arithmetic\"\nweigths = 2\n";
    let error = parse_index_spec("pipeline.toml", toml).unwrap_err();
    let text = error.to_string();
    let found = problems(error);
    assert_eq!(found.len(), 1);
    let p = &found[0];
    assert_eq!(p.file, "pipeline.toml");
    assert_eq!(p.row, Some(6));
    assert!(p.message.contains("weigths"), "{text}");
    assert!(text.contains("pipeline.toml, 第 6 行 row 6"), "{text}");
    // An unknown method names the line too.
    let error = parse_index_spec("pipeline.toml", "[aggregate]\nmethod = \"mean\"\n").unwrap_err();
    assert_eq!(problems(error)[0].row, Some(2));
}

#[test]
fn mean_by_group_without_a_group_is_refused() {
    let framework = framework();
    let data = read_index_data(
        "iData.csv",
        b"uCode,Region,a,b\nX,East,1,\nY,West,2,3\n",
        &framework,
    )
    .unwrap();
    let spec = parse_index_spec("pipeline.toml", "[impute]\nmethod = \"mean_by_group\"\n").unwrap();
    let error = Pipeline::new(&framework, &data, &spec).unwrap_err();
    match &error {
        IndexError::Spec {
            section,
            key,
            problem,
        } => {
            assert_eq!(section, "impute");
            assert_eq!(key, "group");
            // It lists the group columns there are.
            assert!(problem.contains("Region"), "{problem}");
        }
        other => panic!("{other}"),
    }
    assert!(
        error
            .to_string()
            .starts_with("specification, [impute] group:"),
        "{error}"
    );
}

#[test]
fn idata_round_trips_through_xlsx() {
    use rust_xlsxwriter::Workbook;
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("iData").unwrap();
    for (c, header) in ["uCode", "uName", "Region", "a", "b"].iter().enumerate() {
        sheet.write_string(0, c as u16, *header).unwrap();
    }
    let rows: [(&str, &str, &str, Option<f64>, f64); 3] = [
        ("X", "Ex", "East", Some(1.5), 2.0),
        ("Y", "Why", "West", None, 3.25),
        ("Z", "Zed", "East", Some(-4.0), 0.0),
    ];
    for (r, (code, name, region, a, b)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, *code).unwrap();
        sheet.write_string(r, 1, *name).unwrap();
        sheet.write_string(r, 2, *region).unwrap();
        if let Some(a) = a {
            sheet.write_number(r, 3, *a).unwrap();
        }
        sheet.write_number(r, 4, *b).unwrap();
    }
    let bytes = workbook.save_to_buffer().unwrap();
    let data = read_index_data("iData.xlsx", &bytes, &framework()).unwrap();
    assert_eq!(data.codes, ["X", "Y", "Z"]);
    assert_eq!(data.names, ["Ex", "Why", "Zed"]);
    let region: Vec<Option<&str>> = data
        .group("Region")
        .unwrap()
        .iter()
        .map(Option::as_deref)
        .collect();
    assert_eq!(region, [Some("East"), Some("West"), Some("East")]);
    let a = data.column("a").unwrap();
    assert_eq!(a[0], 1.5);
    assert!(a[1].is_nan());
    assert_eq!(a[2], -4.0);
    assert_eq!(data.column("b").unwrap(), [2.0, 3.25, 0.0]);

    // A text cell in a numeric column of a workbook names the sheet and cell.
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("iData").unwrap();
    for (c, header) in ["uCode", "a", "b"].iter().enumerate() {
        sheet.write_string(0, c as u16, *header).unwrap();
    }
    sheet.write_string(1, 0, "X").unwrap();
    sheet.write_number(1, 1, 1.0).unwrap();
    sheet.write_string(1, 2, "—").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let problems = problems(read_index_data("iData.xlsx", &bytes, &framework()).unwrap_err());
    let p = &problems[0];
    assert_eq!(p.sheet.as_deref(), Some("iData"));
    assert_eq!(p.row, Some(2));
    assert_eq!(p.column.as_deref(), Some("C (b)"));
    assert_eq!(p.found, "—");
}
