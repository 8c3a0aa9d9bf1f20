//! End-to-end tests of `zijin index`: COINr's ASEM example built from its
//! files, checked against COINr's published results; bad files and existing
//! outputs refused with nothing written.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/coinr-asem")
}

fn pipeline() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/asem/pipeline.toml")
}

fn text(path: &Path) -> String {
    path.display().to_string()
}

fn zijin(directory: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zijin"))
        .current_dir(directory)
        .env_remove("ZIJIN_DATABASE_URL")
        .env_remove("ZIJIN_DB")
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

/// `zijin index build` on the ASEM files, with `extra` arguments.
fn build_args(meta: &Path, out: &Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "index",
        "build",
        "--data",
        &text(&shared().join("iData.csv")),
        "--meta",
        &text(meta),
        "--spec",
        &text(&pipeline()),
        "--out",
        &text(out),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn refs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// A column of a CSV file by its first field: (uCode, value).
fn column(path: &Path, name: &str) -> Vec<(String, String)> {
    let mut reader = csv::Reader::from_path(path).expect("CSV");
    let header = reader.headers().expect("header").clone();
    let c = header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("{} has no column {name}", path.display()));
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            (r[0].to_owned(), r[c].to_owned())
        })
        .collect()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn build_writes_every_file_and_the_index_is_coinrs() {
    let temp = tempfile::tempdir().expect("temporary directory");
    let out = temp.path().join("asem");
    let stdout = ok(
        temp.path(),
        &refs(&build_args(&shared().join("iMeta.csv"), &out, &[])),
    );
    for expected in [
        "51 输入 in, 51 保留 kept",
        "指标 indicators: 49",
        "层级 levels: 4",
        "denominate → impute → screen → treat → normalise → aggregate",
        "插补 imputed: 65 values",
        "CHE",
        "Switzerland",
        "68.38",
        "Russian Federation",
    ] {
        assert!(
            stdout.contains(expected),
            "{expected:?} missing in\n{stdout}"
        );
    }
    assert_eq!(
        files_in(&out),
        [
            "aggregated.csv",
            "denominate_gaps.csv",
            "denominated.csv",
            "effective_weights.csv",
            "imputed.csv",
            "normalised.csv",
            "ranks.csv",
            "raw.csv",
            "screened.csv",
            "screening.csv",
            "treated.csv",
            "treated_points.csv",
            "treatment.csv",
        ]
    );
    // No staging directory is left beside the output.
    assert_eq!(files_in(temp.path()), ["asem"]);

    let expected = column(&shared().join("expected-v1/Aggregated.csv"), "Index");
    let actual = column(&out.join("aggregated.csv"), "Index");
    let mut expected_sorted = expected.clone();
    let mut actual_sorted = actual.clone();
    expected_sorted.sort();
    actual_sorted.sort();
    assert_eq!(expected_sorted.len(), 51);
    for ((unit, want), (got_unit, got)) in expected_sorted.iter().zip(&actual_sorted) {
        assert_eq!(unit, got_unit);
        let (want, got): (f64, f64) = (want.parse().unwrap(), got.parse().unwrap());
        assert!((want - got).abs() <= 1e-9, "{unit}: {want} vs {got}");
    }

    let mut want_ranks = column(&shared().join("expected-v1/ranks.csv"), "Index");
    let mut ranks = column(&out.join("ranks.csv"), "Index");
    want_ranks.sort();
    ranks.sort();
    assert_eq!(ranks, want_ranks);

    let header = |name: &str| {
        std::fs::read_to_string(out.join(name))
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        header("effective_weights.csv"),
        "iCode,Level,Weight,EffWeight"
    );
    assert_eq!(header("treated_points.csv"), "uCode,iCode,mark");
    assert!(header("treatment.csv").starts_with("iCode,pass_before,skew_before"));
    assert!(header("screening.csv").starts_with("uCode,missing,zeros,availability"));
    assert!(header("aggregated.csv").starts_with("uCode,LPI,"));
    let weights = column(&out.join("effective_weights.csv"), "EffWeight");
    assert_eq!(weights.len(), 49 + 8 + 2 + 1);
    assert!(weights.contains(&("Index".to_owned(), "1".to_owned())));
    let points = std::fs::read_to_string(out.join("treated_points.csv")).unwrap();
    assert!(points.contains("BEL,Bord,winhi"), "{points}");
}

#[test]
fn a_bad_meta_file_names_the_row_and_nothing_is_written() {
    let temp = tempfile::tempdir().expect("temporary directory");
    let meta = std::fs::read_to_string(shared().join("iMeta.csv")).unwrap();
    let line = meta
        .lines()
        .position(|l| l.contains("\"Flights\""))
        .expect("Flights row")
        + 1;
    let broken = meta.replacen(
        "\"Population\",\"Physical\",\"Indicator\"",
        "\"Population\",\"Nowhere\",\"Indicator\"",
        1,
    );
    assert_ne!(broken, meta, "the test edits the Flights row");
    let bad = temp.path().join("iMeta.csv");
    std::fs::write(&bad, broken).unwrap();
    let out = temp.path().join("out");
    let output = zijin(temp.path(), &refs(&build_args(&bad, &out, &[])));
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("row {line}"))
            && stderr.contains("Parent")
            && stderr.contains("Nowhere"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing is written on error");
    assert_eq!(files_in(temp.path()), ["iMeta.csv"]);

    // A bad pipeline: the file and the key are named.
    let spec = temp.path().join("pipeline.toml");
    std::fs::write(
        &spec,
        "[treat]\nwinmax = 5\nskew = -1\n[normalise]\nmethod = \"minmax\"\n",
    )
    .unwrap();
    let mut args = build_args(&shared().join("iMeta.csv"), &out, &[]);
    args[7] = text(&spec);
    let output = zijin(temp.path(), &refs(&args));
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("pipeline.toml") && stderr.contains("[treat] skew"),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn existing_files_are_kept_without_force() {
    let temp = tempfile::tempdir().expect("temporary directory");
    let out = temp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let meta = shared().join("iMeta.csv");
    ok(temp.path(), &refs(&build_args(&meta, &out, &[])));
    std::fs::write(out.join("aggregated.csv"), "edited").unwrap();

    let output = zijin(temp.path(), &refs(&build_args(&meta, &out, &[])));
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(out.join("aggregated.csv")).unwrap(),
        "edited"
    );

    ok(temp.path(), &refs(&build_args(&meta, &out, &["--force"])));
    assert!(
        std::fs::read_to_string(out.join("aggregated.csv"))
            .unwrap()
            .starts_with("uCode,")
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(files_in(temp.path()), ["out"]);
}

#[test]
fn panel_data_need_a_year() {
    let temp = tempfile::tempdir().expect("temporary directory");
    let out = temp.path().join("out");
    let mut args = build_args(&shared().join("iMeta.csv"), &out, &[]);
    args[3] = text(&shared().join("iData_panel.csv"));
    let output = zijin(temp.path(), &refs(&args));
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("2018–2022") && stderr.contains("--time"),
        "{stderr}"
    );
    assert!(!out.exists());

    args.extend(["--time".to_owned(), "2022".to_owned()]);
    let stdout = ok(temp.path(), &refs(&args));
    assert!(stdout.contains("保留 kept"), "{stdout}");
    assert!(out.join("aggregated.csv").exists());
}

/// `zijin index analyse` on the ASEM files.
fn analyse_args(analysis: &Path, runs: &str, seed: &str, out: &Path) -> Vec<String> {
    let mut args = build_args(&shared().join("iMeta.csv"), out, &[]);
    args[1] = "analyse".to_owned();
    args.extend(
        [
            "--uncertainty",
            &text(analysis),
            "--runs",
            runs,
            "--seed",
            seed,
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    args
}

fn uncertainty_toml() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/asem/uncertainty.toml")
}

#[test]
fn analyse_is_reproducible_with_a_seed() {
    let temp = tempfile::tempdir().expect("temporary directory");
    let analysis = uncertainty_toml();
    let run = |seed: &str, name: &str| -> (String, Vec<u8>) {
        let out = temp.path().join(name);
        let stdout = ok(
            temp.path(),
            &refs(&analyse_args(&analysis, "40", seed, &out)),
        );
        assert_eq!(files_in(&out), ["rank_stats.csv"]);
        (stdout, std::fs::read(out.join("rank_stats.csv")).unwrap())
    };
    let (stdout, first) = run("7", "a");
    for expected in [
        "不确定性 uncertainty",
        "目标 target: Index",
        "weights, winmax, normalise, aggregate",
        "运行 runs: 40; 种子 seed: 7",
        "用时 elapsed:",
        "CHE",
    ] {
        assert!(
            stdout.contains(expected),
            "{expected:?} missing in\n{stdout}"
        );
    }
    let (_, again) = run("7", "b");
    let (_, other) = run("8", "c");
    assert_eq!(first, again, "the same seed gives the same file");
    assert_ne!(first, other, "another seed gives other draws");

    let text = String::from_utf8(first).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("uCode,nominal,mean,median,q05,q95"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 51, "one row per unit");
    assert!(
        rows[0].starts_with("CHE,1,"),
        "sorted by nominal rank: {}",
        rows[0]
    );
}

#[test]
fn a_sensitivity_analysis_writes_the_indices() {
    let temp = tempfile::tempdir().expect("temporary directory");
    let analysis = temp.path().join("sa.toml");
    std::fs::write(
        &analysis,
        "kind = \"sensitivity\"\nbootstrap = 50\n\
         [treat]\nwinmax = [1, 3, 5]\n\
         [aggregate]\nalternatives = [{ method = \"arithmetic\" }, { method = \"median\" }]\n",
    )
    .unwrap();
    let out = temp.path().join("sa");
    let stdout = ok(temp.path(), &refs(&analyse_args(&analysis, "8", "1", &out)));
    assert!(stdout.contains("敏感性 sensitivity"), "{stdout}");
    assert_eq!(
        files_in(&out),
        ["rank_stats.csv", "sensitivity.csv", "unit_sensitivity.csv"]
    );
    let sensitivity = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    let lines: Vec<&str> = sensitivity.lines().collect();
    assert_eq!(
        lines[0],
        "input,first,first_lower,first_upper,total,total_lower,total_upper"
    );
    assert!(lines[1].starts_with("winmax,") && lines[2].starts_with("aggregate,"));
    let units = std::fs::read_to_string(out.join("unit_sensitivity.csv")).unwrap();
    assert_eq!(units.lines().count(), 1 + 51 * 2);

    // A mistake in the analysis file names the file and the line.
    std::fs::write(
        &analysis,
        "kind = \"sensitivity\"\n[treat]\nwinmax = [1]\nwimnax = 2\n",
    )
    .unwrap();
    let output = zijin(
        temp.path(),
        &refs(&analyse_args(&analysis, "8", "1", &temp.path().join("bad"))),
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("sa.toml") && stderr.contains("row 4") && stderr.contains("wimnax"),
        "{stderr}"
    );
    assert!(!temp.path().join("bad").exists());
}
