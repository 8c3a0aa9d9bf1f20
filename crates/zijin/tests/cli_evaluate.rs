//! End-to-end tests of `zijin evaluate`: the built-in evaluation frameworks
//! run on every year of their synthetic data, on a SQLite file in a
//! temporary directory. The exit flags printed are checked against the exit
//! rule applied here, independently of the application, to what the run
//! stored (the ranks and their uncertainty) and to the data file (the years
//! of recognition).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use zijin_store::{SqliteStore, Store, StoredEvaluation};

const PARKS: &str = "njhz-parks";
const NRI: &str = "nj-nri-yearly";

/// The exit rule of `data/frameworks/nri/framework.toml` (checked below).
const BOTTOM_N: u32 = 3;
const CONSECUTIVE_YEARS: i32 = 2;
const GRACE_YEARS: i32 = 2;
const MIN_UNITS: usize = 10;
const INDEX: &str = "nri_index";

fn frameworks() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/frameworks")
}

fn zijin(directory: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zijin"))
        .current_dir(directory)
        .env_remove("ZIJIN_DATABASE_URL")
        .env_remove("ZIJIN_DB")
        .args(["--db", "test.db", "--by", "tester"])
        .args(args)
        .output()
        .expect("run zijin")
}

fn ok(directory: &Path, args: &[&str]) -> String {
    let output = zijin(directory, args);
    assert!(
        output.status.success(),
        "zijin {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// The column `name` of a framework's iData file, row by row, with the unit code.
fn data_column(framework: &str, name: &str) -> Vec<(String, String)> {
    let path = frameworks().join(framework).join("iData.synthetic.csv");
    let mut reader = csv::Reader::from_path(&path).expect("the data file");
    let headers = reader.headers().expect("a header").clone();
    let column = headers
        .iter()
        .position(|header| header == name)
        .unwrap_or_else(|| panic!("no column {name} in {}", path.display()));
    reader
        .records()
        .map(|record| {
            let record = record.expect("a row");
            (record[0].to_owned(), record[column].to_owned())
        })
        .collect()
}

/// The years of a framework's data.
fn years(framework: &str) -> BTreeSet<i32> {
    data_column(framework, "Time")
        .into_iter()
        .map(|(_, year)| year.parse().expect("a year"))
        .collect()
}

/// The printed exit flags: the units named on a `退出预警 CODE` line, by the
/// year of the NRI section they are in.
fn printed_flags(stdout: &str) -> BTreeMap<i32, BTreeSet<String>> {
    let mut flags: BTreeMap<i32, BTreeSet<String>> = BTreeMap::new();
    let mut year = None;
    for line in stdout.lines() {
        if !line.starts_with(' ') {
            // A section header: "name (code version) — YEAR 年 运行 #id, …".
            year = line
                .contains(&format!("({NRI} "))
                .then(|| {
                    line.split_once(" — ")?
                        .1
                        .split_whitespace()
                        .next()?
                        .parse()
                        .ok()
                })
                .flatten();
            if let Some(year) = year {
                flags.entry(year).or_default();
            }
            continue;
        }
        if let (Some(year), Some(rest)) = (year, line.trim_start().strip_prefix("退出预警 ")) {
            let unit = rest.split_whitespace().next().expect("a unit code");
            flags.entry(year).or_default().insert(unit.to_owned());
        }
    }
    flags
}

/// One stored year as the exit rule reads it: the number of units ranked on
/// the index, and per unit its rank and optimistic rank (5th percentile).
struct Standing {
    ranked: usize,
    ranks: BTreeMap<String, (u32, f64)>,
}

fn standing(stored: &StoredEvaluation) -> Standing {
    let q05: BTreeMap<&str, f64> = stored
        .ranks
        .iter()
        .filter_map(|r| Some((r.unit.as_str(), r.q05?)))
        .collect();
    let ranked: Vec<(&str, u32)> = stored
        .results
        .iter()
        .filter(|r| r.node == INDEX)
        .filter_map(|r| Some((r.unit.as_str(), r.rank?)))
        .collect();
    Standing {
        ranked: ranked.len(),
        ranks: ranked
            .iter()
            .filter_map(|(unit, rank)| Some(((*unit).to_owned(), (*rank, *q05.get(unit)?))))
            .collect(),
    }
}

/// The latest stored NRI run of every year, read from the database.
fn stored_nri(database: &Path) -> BTreeMap<i32, StoredEvaluation> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let store = SqliteStore::open(database)
            .await
            .expect("open the database");
        let mut latest: BTreeMap<i32, i64> = BTreeMap::new();
        for run in store.evaluation_runs().await.expect("the runs") {
            if run.framework == NRI {
                let id = latest.entry(run.year).or_insert(run.id);
                *id = (*id).max(run.id);
            }
        }
        let mut stored = BTreeMap::new();
        for (year, id) in latest {
            let evaluation = store.evaluation(id).await.expect("read").expect("stored");
            stored.insert(year, evaluation);
        }
        stored
    })
}

/// The exit rule applied to the stored runs: a unit is flagged in year Y
/// when, in Y and each of the years before it the rule looks at, at least
/// `MIN_UNITS` were ranked, its rank and its optimistic rank are in the
/// bottom `BOTTOM_N`, and the year is past the grace period after its
/// recognition.
fn expected_flags(stored: &BTreeMap<i32, StoredEvaluation>) -> BTreeMap<i32, BTreeSet<String>> {
    let founded: BTreeMap<String, i32> = data_column("nri", "Founded")
        .into_iter()
        .filter_map(|(unit, year)| Some((unit, year.trim().parse().ok()?)))
        .collect();
    let standings: BTreeMap<i32, Standing> = stored
        .iter()
        .map(|(year, evaluation)| (*year, standing(evaluation)))
        .collect();
    let mut flags = BTreeMap::new();
    for (&year, current) in &standings {
        let flagged: BTreeSet<String> = current
            .ranks
            .keys()
            .filter(|unit| {
                (0..CONSECUTIVE_YEARS).all(|back| {
                    let y = year - back;
                    let Some(standing) = standings.get(&y) else {
                        return false;
                    };
                    let n = standing.ranked;
                    let Some(&(rank, q05)) = standing.ranks.get(*unit) else {
                        return false;
                    };
                    let threshold = n as f64 - f64::from(BOTTOM_N) + 1.0;
                    n >= MIN_UNITS
                        && f64::from(rank) >= threshold
                        && q05 >= threshold
                        && founded.get(*unit).is_none_or(|f| y - f >= GRACE_YEARS)
                })
            })
            .cloned()
            .collect();
        flags.insert(year, flagged);
    }
    flags
}

#[test]
fn the_exit_rule_is_the_one_the_test_applies() {
    let text = std::fs::read_to_string(frameworks().join("nri/framework.toml"))
        .expect("the NRI framework");
    for line in [
        format!("index = \"{INDEX}\""),
        format!("bottom_n = {BOTTOM_N}"),
        format!("consecutive_years = {CONSECUTIVE_YEARS}"),
        "rank_uncertainty = \"p05\"".to_owned(),
        format!("grace_years = {GRACE_YEARS}"),
        format!("min_units = {MIN_UNITS}"),
    ] {
        assert!(
            text.lines().any(|l| l.trim() == line),
            "{line} not in nri/framework.toml"
        );
    }
}

#[test]
fn evaluate_runs_both_frameworks_on_every_year_and_prints_the_flags_the_rule_gives() {
    let directory = tempfile::tempdir().expect("temporary directory");
    ok(directory.path(), &["init"]);
    let stdout = ok(
        directory.path(),
        &["evaluate", "--runs", "50", "--seed", "3"],
    );

    assert!(stdout.contains("合成数据"), "{stdout}");
    for (framework, key) in [(PARKS, "parks"), (NRI, "nri")] {
        let years = years(key);
        assert!(!years.is_empty());
        for year in years {
            let header = stdout
                .lines()
                .find(|line| {
                    line.contains(&format!("({framework} "))
                        && line.contains(&format!(" — {year} 年"))
                })
                .unwrap_or_else(|| panic!("no section for {framework} {year}:\n{stdout}"));
            assert!(header.contains("50 draws, seed 3"), "{header}");
            assert!(header.contains("合成数据"), "{header}");
        }
    }

    let stored = stored_nri(&directory.path().join("test.db"));
    assert_eq!(
        stored.keys().copied().collect::<BTreeSet<_>>(),
        years("nri")
    );
    for evaluation in stored.values() {
        assert_eq!(evaluation.run.runs, 50);
        assert_eq!(evaluation.run.seed, 3);
        assert!(evaluation.run.synthetic);
    }
    let expected = expected_flags(&stored);
    let printed = printed_flags(&stdout);
    assert_eq!(printed, expected, "{stdout}");
    // The demo data are made so that one institution is flagged in 2024.
    assert!(expected[&2024].contains("NRI018"), "{expected:?}");

    // Each flag comes with its reasons: its rank in each year.
    let standings: BTreeMap<i32, Standing> =
        stored.iter().map(|(y, e)| (*y, standing(e))).collect();
    for (year, units) in &expected {
        for unit in units {
            for y in [*year, year - 1] {
                let (rank, _) = standings[&y].ranks[unit];
                let reason = format!(
                    "{y} 年名次 {rank}/{}，位于后 {BOTTOM_N} 名",
                    standings[&y].ranked
                );
                assert!(stdout.contains(&reason), "{reason:?} not in\n{stdout}");
            }
        }
    }
}

#[test]
fn with_the_framework_s_own_settings_only_nri018_is_flagged_in_2024() {
    let directory = tempfile::tempdir().expect("temporary directory");
    ok(directory.path(), &["init"]);
    let stdout = ok(directory.path(), &["evaluate", "--framework", "nri"]);
    assert!(stdout.contains("1000 draws, seed 2025"), "{stdout}");
    assert!(!stdout.contains(&format!("({PARKS} ")), "{stdout}");
    let printed = printed_flags(&stdout);
    let expected: BTreeMap<i32, BTreeSet<String>> = years("nri")
        .into_iter()
        .map(|year| {
            let units = if year == 2024 {
                BTreeSet::from(["NRI018".to_owned()])
            } else {
                BTreeSet::new()
            };
            (year, units)
        })
        .collect();
    assert_eq!(printed, expected, "{stdout}");
    assert_eq!(
        expected_flags(&stored_nri(&directory.path().join("test.db"))),
        expected
    );
}

#[test]
fn an_unknown_framework_fails_naming_the_known_ones() {
    let directory = tempfile::tempdir().expect("temporary directory");
    ok(directory.path(), &["init"]);
    let output = zijin(directory.path(), &["evaluate", "--framework", "nope"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    for name in ["nope", "parks", "nri", PARKS, NRI] {
        assert!(stderr.contains(name), "{name} not in {stderr}");
    }
    // Nothing was stored.
    let stdout = ok(
        directory.path(),
        &["evaluate", "--framework", "parks", "--runs", "10"],
    );
    assert!(stdout.contains("运行 #1,"), "{stdout}");
}
