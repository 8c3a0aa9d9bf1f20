//! End-to-end tests of the `zijin` binary: the commands a bureau analyst runs,
//! on a SQLite file in a temporary directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Workspace {
    directory: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Self {
        Workspace {
            directory: tempfile::tempdir().expect("temporary directory"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.directory.path().join(name)
    }

    fn zijin(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_zijin"))
            .current_dir(self.directory.path())
            .env_remove("ZIJIN_DATABASE_URL")
            .env_remove("ZIJIN_DB")
            .args(["--db", "test.db", "--by", "tester"])
            .args(args)
            .output()
            .expect("run zijin")
    }

    fn ok(&self, args: &[&str]) -> String {
        let output = self.zijin(args);
        assert!(
            output.status.success(),
            "zijin {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("UTF-8 output")
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).expect("write file");
        path
    }
}

fn text(path: &Path) -> String {
    path.display().to_string()
}

#[test]
fn init_import_assess_and_history() {
    let workspace = Workspace::new();
    let init = workspace.ok(&["init"]);
    assert!(
        init.contains("nanjing-14th-st") && init.contains("stored as version 1"),
        "{init}"
    );
    let again = workspace.ok(&["init"]);
    assert!(
        again.contains("unchanged (version 1)") && again.contains("0 added"),
        "{again}"
    );

    let plan = workspace.ok(&["plan", "show"]);
    assert!(
        plan.contains("rd_intensity") && plan.contains("全社会研发经费支出占地区生产总值比例"),
        "{plan}"
    );

    let csv = workspace.write(
        "江宁区.csv",
        "指标,地区,期间,数值,单位,来源\n\
         high_tech_enterprises,320115,2020,1000,家,江宁区科技局\n\
         high_tech_enterprises,320115,2022,1500,家,江宁区科技局\n",
    );
    let imported = workspace.ok(&["import", &text(&csv)]);
    assert!(imported.contains("2 new"), "{imported}");
    let twice = workspace.ok(&["import", &text(&csv)]);
    assert!(twice.contains("nothing new"), "{twice}");

    let json = workspace.ok(&[
        "assess",
        "--as-of",
        "2023-06-30",
        "--region",
        "320115",
        "--indicator",
        "high_tech_enterprises",
        "--format",
        "json",
    ]);
    let rows: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let rows = rows.as_array().expect("an array");
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    for field in [
        "indicator",
        "region",
        "as_of",
        "latest",
        "baseline",
        "target",
        "elapsed_share",
        "completion",
        "gap_points",
        "growth_ratio",
        "projected_value",
        "projection_ratio",
        "probability",
        "time_status",
        "growth_status",
        "projection_status",
        "light",
        "diagnostics",
    ] {
        assert!(row.get(field).is_some(), "field {field} missing from {row}");
    }
    assert_eq!(row["region"], "320115");
    assert_eq!(row["as_of"], "2023-06-30");
    assert_eq!(row["latest"]["period"], "2022");
    assert_eq!(row["time_status"], "lagging");
    assert_eq!(row["light"], "yellow");
    assert!(
        (row["growth_ratio"].as_f64().unwrap() - 0.892605).abs() < 1e-5,
        "{row}"
    );

    let table = workspace.ok(&["assess", "--as-of", "2023-06-30", "--region", "320115"]);
    assert!(
        table.contains("高新技术企业数") && table.contains("黄灯") && table.contains("滞后"),
        "{table}"
    );
    let english = workspace.ok(&[
        "--lang",
        "en",
        "assess",
        "--as-of",
        "2023-06-30",
        "--region",
        "320115",
    ]);
    assert!(
        english.contains("yellow") && english.contains("lagging"),
        "{english}"
    );

    let csv_output = workspace.ok(&[
        "assess",
        "--as-of",
        "2023-06-30",
        "--region",
        "320115",
        "--format",
        "csv",
    ]);
    let mut reader = csv::Reader::from_reader(csv_output.as_bytes());
    assert!(
        reader
            .headers()
            .unwrap()
            .iter()
            .any(|header| header == "gap_points")
    );
    assert!(reader.records().count() >= 1);

    let history = workspace.ok(&[
        "history",
        "--indicator",
        "high_tech_enterprises",
        "--region",
        "320115",
    ]);
    assert!(
        history.contains("1500") && history.contains("江宁区科技局") && history.contains("tester"),
        "{history}"
    );
}

#[test]
fn a_rejected_import_names_the_place_and_changes_nothing() {
    let workspace = Workspace::new();
    workspace.ok(&["init"]);
    let good = workspace.write(
        "good.csv",
        "indicator,region,period,value\ntech_smes,320102,2021,900\n",
    );
    workspace.ok(&["import", &text(&good)]);
    let before = workspace.ok(&[
        "history",
        "--indicator",
        "tech_smes",
        "--region",
        "320102",
        "--format",
        "json",
    ]);

    let bad = workspace.write(
        "bad.csv",
        "indicator,region,period,value\ntech_smes,320102,2021,950\ntech_smes,320102,2022,abc\n",
    );
    let output = workspace.zijin(&["import", &text(&bad)]);
    assert!(!output.status.success(), "a bad file must fail");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.csv") && stderr.contains("row 3") && stderr.contains("abc"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");

    let after = workspace.ok(&[
        "history",
        "--indicator",
        "tech_smes",
        "--region",
        "320102",
        "--format",
        "json",
    ]);
    assert_eq!(
        before, after,
        "the rejected import must not change the database"
    );
}

#[test]
fn template_writes_a_workbook_for_a_region() {
    let workspace = Workspace::new();
    workspace.ok(&["init"]);
    let out = workspace.path("玄武区-2024.xlsx");
    let printed = workspace.ok(&[
        "template",
        "--region",
        "320102",
        "--period",
        "2024",
        "--out",
        &text(&out),
    ]);
    assert!(printed.contains("320102"), "{printed}");
    let bytes = std::fs::read(&out).expect("the workbook was written");
    assert!(
        bytes.starts_with(b"PK\x03\x04"),
        "an XLSX file is a zip archive"
    );
    // It does not overwrite without --force.
    let output = workspace.zijin(&[
        "template",
        "--region",
        "320102",
        "--period",
        "2024",
        "--out",
        &text(&out),
    ]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--force"));
    // An unknown region is a clear error.
    let output = workspace.zijin(&[
        "template", "--region", "999999", "--period", "2024", "--out", "x.xlsx",
    ]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("999999"));
}

#[test]
fn commands_without_a_plan_say_what_to_do() {
    let workspace = Workspace::new();
    let output = workspace.zijin(&["assess"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("zijin init"));
}

#[test]
fn the_demo_prints_the_assessment_of_the_plan() {
    let workspace = Workspace::new();
    let output = Command::new(env!("CARGO_BIN_EXE_zijin"))
        .current_dir(workspace.directory.path())
        .env_remove("ZIJIN_DATABASE_URL")
        .env_remove("ZIJIN_DB")
        .args(["demo", "--no-serve"])
        .output()
        .expect("run the demo");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(workspace.path("zijin-demo.db").exists());
    for expected in [
        "2024-04-30",
        "高新技术企业数",
        "全社会研发经费支出占地区生产总值比例",
        "合成",
        "江宁区",
    ] {
        assert!(
            stdout.contains(expected),
            "the demo output lacks {expected:?}:\n{stdout}"
        );
    }
    // Running it again rebuilds the demo database, then serves the dashboard
    // until stopped.
    let mut again = Command::new(env!("CARGO_BIN_EXE_zijin"))
        .current_dir(workspace.directory.path())
        .env_remove("ZIJIN_DATABASE_URL")
        .env_remove("ZIJIN_DB")
        .args(["demo", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run the demo again");
    let stdout = again.stdout.take().expect("stdout");
    let address = std::io::BufRead::lines(std::io::BufReader::new(stdout))
        .map(|line| line.expect("read the demo's output"))
        .find_map(|line| {
            line.find("http://")
                .map(|start| line[start..].split_whitespace().next().unwrap().to_owned())
        });
    let page = address.as_deref().map(|address| ureq::get(address).call());
    let _ = again.kill();
    let _ = again.wait();
    let mut page = page
        .expect("the demo printed the dashboard's address")
        .expect("the dashboard answers");
    assert_eq!(page.status(), 200);
    let html = page.body_mut().read_to_string().expect("HTML");
    assert!(html.contains("高新技术企业数"), "{html}");
}

#[test]
fn another_plan_with_its_own_regions_can_be_loaded_and_assessed() {
    let workspace = Workspace::new();
    workspace.ok(&["init"]);
    let regions = workspace.write(
        "regions.toml",
        "[[regions]]\ncode = \"320115-01\"\nname_zh = \"秣陵街道\"\nname_en = \"Moling Subdistrict\"\nkind = \"district\"\nparent = \"320115\"\n",
    );
    let loaded = workspace.ok(&["regions", "load", &text(&regions)]);
    assert!(loaded.contains("1 added"), "{loaded}");
    let plan = workspace.write(
        "jiangning.toml",
        r#"code = "jiangning-14th"
name_zh = "江宁区“十四五”科技创新规划"
name_en = "Jiangning 14th Five-Year S&T Plan"
region = "320115"
base_year = 2020
target_year = 2025

[[indicators]]
code = "high_tech_enterprises"
name_zh = "高新技术企业数"
name_en = "High-tech enterprises"
unit = "家"
kind = "level"
measure = "stock"
section = "表1"
baseline = 1000
target = 2000
region_targets = [{ region = "320115-01", baseline = 100, target = 300 }]
"#,
    );
    let loaded = workspace.ok(&["plan", "load", &text(&plan)]);
    assert!(
        loaded.contains("jiangning-14th") && loaded.contains("active plan"),
        "{loaded}"
    );
    let listed = workspace.ok(&["plan", "list"]);
    assert!(
        listed.contains("* jiangning-14th") && listed.contains("  nanjing-14th-st"),
        "{listed}"
    );

    let data = workspace.write(
        "data.csv",
        "indicator,region,period,value\nhigh_tech_enterprises,320115,2022,1400\nhigh_tech_enterprises,320115-01,2022,220\n",
    );
    workspace.ok(&["import", &text(&data)]);
    let json = workspace.ok(&["assess", "--as-of", "2023-06-30", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{json}");
    // The plan's own region: (1400 − 1000) / (2000 − 1000) = 0.4 done at 0.4 of the time.
    assert_eq!(rows[0]["region"], "320115");
    assert!((rows[0]["completion"].as_f64().unwrap() - 0.4).abs() < 1e-9);
    // The subdistrict's own target: (220 − 100) / (300 − 100) = 0.6.
    assert_eq!(rows[1]["region"], "320115-01");
    assert_eq!(rows[1]["target_basis"], "region");
    assert!((rows[1]["completion"].as_f64().unwrap() - 0.6).abs() < 1e-9);

    // A plan with a mistake is refused with the indicator and field named, and the active plan stays.
    let broken = workspace.write(
        "broken.toml",
        &std::fs::read_to_string(&plan)
            .unwrap()
            .replace("target = 2000", "target = 2000\ntarget_year = 1"),
    );
    let output = workspace.zijin(&["plan", "load", &text(&broken)]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("broken.toml") && stderr.contains("target_year"),
        "{stderr}"
    );
    let listed = workspace.ok(&["plan", "list"]);
    assert!(listed.contains("* jiangning-14th"), "{listed}");
}
