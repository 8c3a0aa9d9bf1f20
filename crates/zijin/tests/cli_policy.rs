//! `zijin policy run`: the benchmark pack over a small engine-neutral CSV,
//! checked against OpenFisca's results for the same enterprises, and bad
//! inputs reported at their file, row, column and value.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn pack() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../policies/benchmark-openfisca/pack.toml")
}

const HEADER: &str = "id,registration_date,revenue_2020,revenue_2021,revenue_2022,revenue_2023,rd_expense_2021,rd_expense_2022,rd_expense_2023,rd_expense_domestic_2021,rd_expense_domestic_2022,rd_expense_domestic_2023,high_tech_revenue_2023,total_assets_2023,employees_2023,st_staff_2023,ip_count_2024,innovation_score_2024,major_violation_2023";

/// Four enterprises of the benchmark's 100k file: none, HTE + SME + R&D
/// subsidy, SME + gazelle, SME only (registered too recently for HTE).
const ROWS: &str = "\
E0000001,2019-03-18,3979337,4085056,4685349,6353396,0,0,0,0,0,0,2298409,9417067,9,0,0,42,0
E0000002,2021-08-06,0,6397952,18513885,26407013,540664,1441410,1589020,499124,1362824,1469488,20904722,21385973,30,5,2,76,0
E0000003,2019-03-14,13060138,14387867,21955557,37667042,1003401,876873,2678437,828888,733605,2168643,21187069,79994364,93,22,3,82,0
E0000008,2023-10-10,0,0,0,9027557,0,0,575054,0,0,517754,8790443,12393509,51,5,3,72,0
";

const COLUMNS: &str = "id,hte_eligible,sme_eligible,gazelle_eligible,rd_subsidy,hte_registered_1y,hte_has_core_ip,hte_st_staff_ok,hte_rd_intensity_ok,hte_rd_domestic_ok,hte_high_tech_revenue_ok,hte_innovation_score_ok,hte_no_major_violation,sme_employees_ok,sme_revenue_ok,sme_total_assets_ok,sme_score,gazelle_growth_ok,gazelle_revenue_ok,gazelle_age_ok";

/// OpenFisca's results for the same rows (out/openfisca_100k.csv).
const EXPECTED: &str = "\
E0000001,0,0,0,0.00,1,0,0,0,0,0,0,1,1,1,1,0,0,0,1
E0000002,1,1,0,14761.00,1,1,1,1,1,1,1,1,1,1,1,70,0,1,1
E0000003,0,1,1,0.00,1,1,1,1,1,0,1,1,1,1,1,80,1,1,1
E0000008,0,1,0,0.00,0,1,0,1,1,1,1,1,1,1,1,68,0,0,1
";

fn run(directory: &Path, input: &str, extra: &[&str]) -> Output {
    let path = directory.join("enterprises.csv");
    std::fs::write(&path, input).expect("writes the input");
    Command::new(env!("CARGO_BIN_EXE_zijin"))
        .current_dir(directory)
        .arg("policy")
        .arg("run")
        .arg("--pack")
        .arg(pack())
        .args(["--input", "enterprises.csv", "--period", "2024"])
        .args(["--out", "results.csv"])
        .args(extra)
        .output()
        .expect("runs zijin")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn the_benchmark_pack_gives_openfiscas_results_in_input_order() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let output = run(
        directory.path(),
        &format!("{HEADER}\n{ROWS}"),
        &["--columns", COLUMNS],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let results = std::fs::read_to_string(directory.path().join("results.csv")).expect("results");
    assert_eq!(results, format!("{COLUMNS}\n{EXPECTED}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("4 家企业 enterprises"), "{stdout}");
    assert!(
        stdout.contains("hte") && stdout.contains("1 eligible"),
        "{stdout}"
    );
    assert!(
        stdout.contains("sme                              3 eligible"),
        "{stdout}"
    );
    assert!(stdout.contains("amount 14761.00 CNY"), "{stdout}");
    assert!(stdout.contains("wall time"), "{stdout}");

    // The file exists now: refused without --force, replaced with it.
    let again = run(directory.path(), &format!("{HEADER}\n{ROWS}"), &[]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    let forced = run(directory.path(), &format!("{HEADER}\n{ROWS}"), &["--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    // Without --columns, the pack's own `columns`: OpenFisca's layout.
    let default = std::fs::read_to_string(directory.path().join("results.csv")).expect("results");
    assert_eq!(default, format!("{COLUMNS}\n{EXPECTED}"));
}

#[test]
fn a_missing_year_is_unknown_never_zero() {
    let directory = tempfile::tempdir().expect("temporary directory");
    // E0000002 without its 2023 employees: the S&T staff ratio is unknown.
    let row = "E0000002,2021-08-06,0,6397952,18513885,26407013,540664,1441410,1589020,499124,1362824,1469488,20904722,21385973,,5,2,76,0\n";
    let output = run(
        directory.path(),
        &format!("{HEADER}\n{row}"),
        &[
            "--columns",
            "id,hte_eligible,hte_st_staff_ok,sme_employees_ok,rd_subsidy",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let results = std::fs::read_to_string(directory.path().join("results.csv")).expect("results");
    assert_eq!(
        results,
        "id,hte_eligible,hte_st_staff_ok,sme_employees_ok,rd_subsidy\nE0000002,0,,,0.00\n"
    );
}

#[test]
fn bad_inputs_name_the_file_row_column_and_value() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let bad = |input: String, extra: &[&str]| {
        let output = run(directory.path(), &input, extra);
        assert!(!output.status.success());
        assert!(
            !directory.path().join("results.csv").exists(),
            "no file on failure"
        );
        stderr(&output)
    };

    let not_a_number = ROWS.replacen(",6353396,", ",\"6,353,396\",", 1);
    let message = bad(format!("{HEADER}\n{not_a_number}"), &[]);
    assert!(
        message.contains(
            "enterprises.csv:2: column “revenue_2023”: “6,353,396” is not a number (money)"
        ),
        "{message}"
    );

    let negative = ROWS.replace("9027557", "-9027557");
    let message = bad(format!("{HEADER}\n{negative}"), &[]);
    assert!(
        message.contains("enterprises.csv:5: column “revenue_2023”: “-9027557” is negative"),
        "{message}"
    );

    let message = bad(format!("{},profit_2023\n", HEADER), &[]);
    assert!(
        message.contains("enterprises.csv: line 1: column(s) “profit_2023” name no variable of the pack benchmark-openfisca"),
        "{message}"
    );
    assert!(message.contains("rd_expense_domestic_<year>"), "{message}");
    assert!(message.contains("registration_date"), "{message}");

    let message = bad(
        format!("{HEADER}\n{}", ROWS.replace("2019-03-18", "2019-18-03")),
        &[],
    );
    assert!(
        message
            .contains("enterprises.csv:2: column “registration_date”: “2019-18-03” is not a date"),
        "{message}"
    );

    let message = bad(format!("{HEADER}\n{ROWS}"), &["--columns", "id,hte_score"]);
    assert!(
        message.contains("“hte_score” is no result of the pack benchmark-openfisca"),
        "{message}"
    );
}

/// `rows` enterprises made of the four of ROWS in turn, with ids E00000 …,
/// and the results expected for them.
fn many(rows: usize) -> (Vec<String>, Vec<String>) {
    let templates: Vec<&str> = ROWS.lines().collect();
    let expected: Vec<&str> = EXPECTED.lines().collect();
    (0..rows)
        .map(|i| {
            let id = format!("E{i:05}");
            let row = templates[i % 4].split_once(',').map(|(_, rest)| rest);
            let result = expected[i % 4].split_once(',').map(|(_, rest)| rest);
            (
                format!("{id},{}", row.expect("a row")),
                format!("{id},{}", result.expect("a result")),
            )
        })
        .unzip()
}

#[test]
fn a_large_file_is_read_in_pieces_with_its_errors_in_file_order() {
    let directory = tempfile::tempdir().expect("temporary directory");
    // 20,000 rows: about 2.3 MB, several pieces read while others run.
    let (rows, results) = many(20_000);
    let input = format!("{HEADER}\n{}\n", rows.join("\n"));
    let output = run(directory.path(), &input, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let written = std::fs::read_to_string(directory.path().join("results.csv")).expect("results");
    assert_eq!(written, format!("{COLUMNS}\n{}\n", results.join("\n")));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("20000 家企业 enterprises"), "{stdout}");

    // Windows line ends and no line end after the last row: the same.
    let crlf = format!("{HEADER}\r\n{}", rows.join("\r\n"));
    let output = run(directory.path(), &crlf, &["--force"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let written = std::fs::read_to_string(directory.path().join("results.csv")).expect("results");
    assert_eq!(written, format!("{COLUMNS}\n{}\n", results.join("\n")));

    // A quoted id near the end: records may then span lines, so the file is
    // read whole; the results are the same.
    let mut quoted = rows.clone();
    quoted[19_990] = quoted[19_990].replacen("E19990", "\"E19990\"", 1);
    let output = run(
        directory.path(),
        &format!("{HEADER}\n{}\n", quoted.join("\n")),
        &["--force"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let written = std::fs::read_to_string(directory.path().join("results.csv")).expect("results");
    assert_eq!(written, format!("{COLUMNS}\n{}\n", results.join("\n")));

    // Two problems in different pieces: an evaluation error (a negative
    // staff count puts the S&T staff ratio below the scale's first band) on
    // line 15,002, and a value that is not a number on line 18,002. The
    // first in the file is reported, wherever the pieces ran, and no file
    // is left behind.
    std::fs::remove_file(directory.path().join("results.csv")).expect("removes");
    let mut broken = rows.clone();
    broken[15_000] = broken[15_000].replacen(",0,0,42,0", ",-3,0,42,0", 1);
    broken[18_000] = broken[18_000].replacen(",42,0", ",forty-two,0", 1);
    let output = run(
        directory.path(),
        &format!("{HEADER}\n{}\n", broken.join("\n")),
        &[],
    );
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("enterprises.csv:15002:"), "{message}");
    assert!(message.contains("below the first band"), "{message}");
    assert!(!directory.path().join("results.csv").exists());
    // Once the first is mended, the second.
    broken[15_000] = rows[15_000].clone();
    let output = run(
        directory.path(),
        &format!("{HEADER}\n{}\n", broken.join("\n")),
        &[],
    );
    let message = stderr(&output);
    assert!(
        message.contains("enterprises.csv:18002: column “innovation_score_2024”: “forty-two”"),
        "{message}"
    );
}

fn zijin(directory: &Path, arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zijin"))
        .current_dir(directory)
        .args(arguments)
        .output()
        .expect("runs zijin")
}

#[test]
fn explain_reform_and_near_miss_over_a_csv() {
    let directory = tempfile::tempdir().expect("temporary directory");
    std::fs::write(
        directory.path().join("enterprises.csv"),
        format!("{HEADER}\n{ROWS}"),
    )
    .expect("writes the input");
    let pack = pack();
    let pack = pack.to_str().expect("a UTF-8 path");
    let common = [
        "--pack",
        pack,
        "--input",
        "enterprises.csv",
        "--period",
        "2024",
    ];

    // E0000003 fails HTE on its high-tech revenue share only: 56.2% < 60%.
    let explained = zijin(
        directory.path(),
        &[&["policy", "explain"][..], &common, &["--id", "E0000003"]].concat(),
    );
    assert!(explained.status.success(), "{}", stderr(&explained));
    let text = String::from_utf8_lossy(&explained.stdout);
    assert!(
        text.contains("【不符合 not eligible】高新技术企业认定"),
        "{text}"
    );
    assert!(
        text.contains("[fail] 近一年高新技术产品（服务）收入占企业同期总收入的比例不低于60%"),
        "{text}"
    );
    assert!(text.contains("< 60%"), "{text}");
    // The band chosen for the R&D intensity, with its bounds.
    assert!(text.contains("∈ (−∞, 5000万] → 5%"), "{text}");
    let missing = zijin(
        directory.path(),
        &[&["policy", "explain"][..], &common, &["--id", "E9"]].concat(),
    );
    assert!(
        stderr(&missing).contains("no enterprise with id “E9”"),
        "{}",
        stderr(&missing)
    );

    // Lowering the share to 55% makes E0000003 a high-tech enterprise and
    // grants it 10% of its R&D increase: (2,678,437 − 876,873) × 10%.
    let reformed = zijin(
        directory.path(),
        &[
            &["policy", "reform"][..],
            &common,
            &[
                "--set",
                "hte.min_high_tech_revenue_share=55%",
                "--out",
                "changes.csv",
            ],
        ]
        .concat(),
    );
    assert!(reformed.status.success(), "{}", stderr(&reformed));
    let changes = std::fs::read_to_string(directory.path().join("changes.csv")).expect("changes");
    assert_eq!(
        changes,
        "policy,id,change,amount_before,amount_after\n\
         hte,E0000003,gains,,\n\
         rd_subsidy,E0000003,gains,0.00,180156.40\n"
    );
    let table = String::from_utf8_lossy(&reformed.stdout);
    assert!(
        table.contains("14761.00") && table.contains("194917.40"),
        "{table}"
    );
    let unknown = zijin(
        directory.path(),
        &[
            &["policy", "reform"][..],
            &common,
            &["--set", "hte.nothing=1"],
        ]
        .concat(),
    );
    assert!(
        stderr(&unknown).contains("unknown parameter “hte.nothing”"),
        "{}",
        stderr(&unknown)
    );

    // Near misses within 10%: only E0000003 (56.2%: 6.25% short of 60%).
    let near = zijin(
        directory.path(),
        &[&["policy", "near-miss"][..], &common, &["--margin", "10%"]].concat(),
    );
    assert!(near.status.success(), "{}", stderr(&near));
    let list = String::from_utf8_lossy(&near.stdout);
    let rows: Vec<&str> = list.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{list}");
    assert!(
        rows[0].starts_with("hte,E0000003,hte_high_tech_revenue_ok,"),
        "{list}"
    );
    assert!(rows[0].ends_with(",0.062528"), "{list}");
    // Within 5% there is none.
    let none = zijin(
        directory.path(),
        &[&["policy", "near-miss"][..], &common, &["--margin", "5%"]].concat(),
    );
    assert_eq!(String::from_utf8_lossy(&none.stdout).lines().count(), 1);
}
