//! Issue 5, "done when": on `gen_enterprises.py --n 100000 --seed 20240101`,
//! `zijin policy run` with the benchmark pack agrees with OpenFisca's
//! `run_openfisca.py` on every boolean and `sme_score` of every enterprise,
//! and on `rd_subsidy` within 2 CNY (OpenFisca computes in float32); and
//! Zijin's exact `rd_subsidy` matches the float64 `reference_numpy.py` to
//! the fen.
//!
//! Ignored by a plain `cargo test` (a fresh machine has no OpenFisca);
//! `.ci/run` makes the venv and runs it:
//!
//! ```sh
//! ZIJIN_OPENFISCA_PYTHON=/work/ofvenv/bin/python \
//! ZIJIN_OPENFISCA_BENCH=/work/shared/bench/policy-openfisca \
//!     cargo test -p zijin --test policy_agreement -- --ignored --nocapture
//! ```
//!
//! - `ZIJIN_OPENFISCA_PYTHON`: a Python with openfisca-core 46.0.1, pandas and
//!   numpy (default `/work/ofvenv/bin/python`, made by
//!   `scripts/bench-openfisca/run.sh setup`);
//! - `ZIJIN_OPENFISCA_BENCH`: the folder of `shared/bench/policy-openfisca`
//!   (default `../shared/bench/policy-openfisca` beside the repository);
//! - `ZIJIN_AGREEMENT_N`: how many enterprises (default 100000).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

/// The root of the repository.
fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Python with OpenFisca, and the bench folder; a clear message when
/// either is missing.
fn environment() -> (PathBuf, PathBuf) {
    let python = std::env::var_os("ZIJIN_OPENFISCA_PYTHON")
        .map_or_else(|| PathBuf::from("/work/ofvenv/bin/python"), PathBuf::from);
    let bench = std::env::var_os("ZIJIN_OPENFISCA_BENCH").map_or_else(
        || repository().join("../shared/bench/policy-openfisca"),
        PathBuf::from,
    );
    assert!(
        python.is_file(),
        "no Python at {} (ZIJIN_OPENFISCA_PYTHON): make a venv with \
         openfisca-core[web-api]==46.0.1 pandas numpy (`.ci/run` does, or \
         `scripts/bench-openfisca/run.sh setup`) and point ZIJIN_OPENFISCA_PYTHON at its python",
        python.display()
    );
    for file in [
        "gen_enterprises.py",
        "run_openfisca.py",
        "reference_numpy.py",
    ] {
        assert!(
            bench.join(file).is_file(),
            "no {file} in {} (ZIJIN_OPENFISCA_BENCH): point ZIJIN_OPENFISCA_BENCH at \
             shared/bench/policy-openfisca",
            bench.display()
        );
    }
    let check = Command::new(&python)
        .args(["-c", "import openfisca_core, pandas, numpy"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    assert!(
        check.status.success(),
        "{} cannot import openfisca_core, pandas and numpy (ZIJIN_OPENFISCA_PYTHON): {}",
        python.display(),
        String::from_utf8_lossy(&check.stderr)
    );
    (python, bench)
}

/// Runs a command, panicking with its output when it fails; prints its time.
#[track_caller]
fn run(what: &str, command: &mut Command) -> Output {
    let start = Instant::now();
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    eprintln!("{what}: {:.2} s", start.elapsed().as_secs_f64());
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn python(python: &Path, bench: &Path) -> Command {
    let mut command = Command::new(python);
    command
        .env("PYTHONPATH", bench)
        // The bench folder is shared and read only: no __pycache__ there.
        .env("PYTHONDONTWRITEBYTECODE", "1");
    command
}

/// A results CSV: the header and the rows, split at commas (no quoting in
/// these files).
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn read_table(path: &Path) -> Table {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap_or_else(|| panic!("{} is empty", path.display()))
        .split(',')
        .map(str::to_owned)
        .collect();
    let rows: Vec<Vec<String>> = lines
        .map(|line| line.split(',').map(str::to_owned).collect())
        .collect();
    for (index, row) in rows.iter().enumerate() {
        assert_eq!(
            row.len(),
            header.len(),
            "{}: row {} has {} fields, the header {}",
            path.display(),
            index + 2,
            row.len(),
            header.len()
        );
    }
    Table { header, rows }
}

/// A decimal text (`14761.00`, `0`, `1234.5`) in millionths of a yuan.
fn micro_yuan(text: &str) -> Option<i128> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() || fraction.len() > 6 {
        return None;
    }
    let whole: i128 = whole.parse().ok()?;
    let fraction: i128 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<6}").parse().ok()?
    };
    let value = whole * 1_000_000 + fraction;
    Some(if negative { -value } else { value })
}

/// The differences of one column: how many rows, and the first five.
struct Differences {
    column: String,
    count: usize,
    first: Vec<String>,
}

#[test]
#[ignore = "needs Python with OpenFisca (ZIJIN_OPENFISCA_PYTHON) and shared/bench/policy-openfisca (ZIJIN_OPENFISCA_BENCH); .ci/run provides both"]
fn zijin_agrees_with_openfisca_and_the_float64_reference_on_a_generated_file() {
    let start = Instant::now();
    let (python_path, bench) = environment();
    let n: usize = std::env::var("ZIJIN_AGREEMENT_N")
        .ok()
        .map_or(100_000, |text| {
            text.parse().expect("ZIJIN_AGREEMENT_N is a number")
        });
    let directory = tempfile::tempdir().expect("a temporary directory");
    let input = directory.path().join("enterprises.csv");
    let openfisca = directory.path().join("openfisca.csv");
    let zijin = directory.path().join("zijin.csv");

    run(
        &format!("gen_enterprises.py --n {n} --seed 20240101"),
        python(&python_path, &bench)
            .arg(bench.join("gen_enterprises.py"))
            .args(["--n", &n.to_string(), "--seed", "20240101", "--out"])
            .arg(&input),
    );
    let output = run(
        "run_openfisca.py",
        python(&python_path, &bench)
            .arg(bench.join("run_openfisca.py"))
            .arg("--input")
            .arg(&input)
            .arg("--output")
            .arg(&openfisca)
            .args(["--period", "2024"]),
    );
    eprint!("{}", String::from_utf8_lossy(&output.stdout));
    let expected = read_table(&openfisca);

    // Zijin writes OpenFisca's columns, by name, in OpenFisca's order.
    let columns = expected.header.join(",");
    let output = run(
        "zijin policy run",
        Command::new(env!("CARGO_BIN_EXE_zijin"))
            .current_dir(directory.path())
            .args(["policy", "run", "--pack"])
            .arg(repository().join("policies/benchmark-openfisca/pack.toml"))
            .arg("--input")
            .arg(&input)
            .args(["--period", "2024", "--out"])
            .arg(&zijin)
            .args(["--columns", &columns]),
    );
    eprint!("{}", String::from_utf8_lossy(&output.stdout));
    let actual = read_table(&zijin);

    assert_eq!(actual.header, expected.header, "the columns");
    assert_eq!(
        actual.rows.len(),
        n,
        "Zijin wrote {} rows for {n} enterprises",
        actual.rows.len()
    );
    assert_eq!(
        expected.rows.len(),
        n,
        "OpenFisca wrote {} rows for {n} enterprises",
        expected.rows.len()
    );

    // Same ids in the same order.
    let misplaced: Vec<String> = actual
        .rows
        .iter()
        .zip(&expected.rows)
        .enumerate()
        .filter(|(_, (a, e))| a[0] != e[0])
        .map(|(index, (a, e))| format!("row {}: Zijin {} OpenFisca {}", index + 2, a[0], e[0]))
        .collect();
    assert!(
        misplaced.is_empty(),
        "{} rows have other ids than OpenFisca's; the first 5: {:?}",
        misplaced.len(),
        &misplaced[..misplaced.len().min(5)]
    );

    // Every boolean and sme_score equal; rd_subsidy within 2 CNY.
    let mut differences = Vec::new();
    let mut largest_subsidy_difference = 0;
    for (column, name) in expected.header.iter().enumerate().skip(1) {
        let mut found = Differences {
            column: name.clone(),
            count: 0,
            first: Vec::new(),
        };
        for (a, e) in actual.rows.iter().zip(&expected.rows) {
            let differs = if name == "rd_subsidy" {
                let (Some(z), Some(o)) = (micro_yuan(&a[column]), micro_yuan(&e[column])) else {
                    panic!(
                        "{}: rd_subsidy is not a number: Zijin “{}”, OpenFisca “{}”",
                        a[0], a[column], e[column]
                    );
                };
                largest_subsidy_difference = largest_subsidy_difference.max((z - o).abs());
                (z - o).abs() > 2_000_000
            } else {
                a[column] != e[column]
            };
            if differs {
                found.count += 1;
                if found.first.len() < 5 {
                    found.first.push(format!(
                        "{}: Zijin “{}”, OpenFisca “{}”",
                        a[0], a[column], e[column]
                    ));
                }
            }
        }
        if found.count > 0 {
            differences.push(found);
        }
    }
    let report: Vec<String> = differences
        .iter()
        .map(|d| {
            format!(
                "{}: {} of {n} rows differ; the first 5: {:?}",
                d.column, d.count, d.first
            )
        })
        .collect();
    assert!(
        differences.is_empty(),
        "Zijin and OpenFisca differ:\n{}",
        report.join("\n")
    );
    eprintln!(
        "Zijin = OpenFisca on {n} rows × {} columns; rd_subsidy differs by at most {:.6} CNY (float32)",
        expected.header.len() - 1,
        largest_subsidy_difference as f64 / 1e6
    );

    // Zijin's exact figures against the float64 reference: every column,
    // and rd_subsidy to the fen (no row differing by more than 0.005 CNY).
    let output = Command::new(&python_path)
        .env("PYTHONPATH", &bench)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .arg(bench.join("reference_numpy.py"))
        .arg("--input")
        .arg(&input)
        .arg("--expected")
        .arg(&zijin)
        .output()
        .expect("runs reference_numpy.py");
    let stdout = String::from_utf8_lossy(&output.stdout);
    eprint!("reference_numpy.py against Zijin:\n{stdout}");
    let subsidy_line = stdout
        .lines()
        .find(|line| line.starts_with("rd_subsidy "))
        .unwrap_or_else(|| panic!("reference_numpy.py printed no rd_subsidy line:\n{stdout}"));
    assert!(
        subsidy_line.contains("rows differing by >0.005 CNY: 0 "),
        "Zijin's rd_subsidy differs from the float64 reference by more than a fen: {subsidy_line}"
    );
    assert!(
        output.status.success() && stdout.contains("TOTAL mismatches: 0"),
        "reference_numpy.py finds mismatches with Zijin ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("total: {:.1} s", start.elapsed().as_secs_f64());
}
