//! `zijin policy run`: the benchmark pack over a small engine-neutral CSV,
//! checked against OpenFisca's results for the same enterprises, and bad
//! inputs reported at their file, row, column and value.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn pack() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../zijin-policy/tests/fixtures/benchmark-openfisca/pack.toml")
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
    let default = std::fs::read_to_string(directory.path().join("results.csv")).expect("results");
    let header = default.lines().next().expect("a header");
    assert!(
        header.starts_with("id,hte_eligible,sme_eligible,gazelle_eligible,rd_subsidy_eligible,rd_subsidy_amount,hte_registered_1y"),
        "{header}"
    );
    assert!(header.ends_with(",sme_score"), "{header}");
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
