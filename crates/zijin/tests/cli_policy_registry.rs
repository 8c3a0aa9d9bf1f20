//! `zijin registry import` and the policy commands over the registry:
//! a stored run with its entitlements, what changed since the previous run,
//! the 免申即享 workbook, and one enterprise explained by its credit code.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../zijin-exchange/tests/fixtures/registry")
}

fn zijin(directory: &Path, arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zijin"))
        .current_dir(directory)
        .arg("--db")
        .arg(directory.join("zijin.db"))
        .args(arguments)
        .output()
        .expect("runs zijin")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_run_over_the_registry_is_stored_compared_and_listed() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let dir = directory.path();
    stdout(&zijin(dir, &["init"]));
    let files: Vec<String> = ["enterprises.csv", "facts.csv", "labels.csv"]
        .iter()
        .map(|name| fixtures().join(name).display().to_string())
        .collect();
    let imported = stdout(&zijin(
        dir,
        &[
            &["registry", "import"][..],
            &files.iter().map(String::as_str).collect::<Vec<_>>(),
        ]
        .concat(),
    ));
    assert!(imported.contains("registry import #1"), "{imported}");

    let first = stdout(&zijin(
        dir,
        &[
            "policy",
            "run",
            "--pack",
            "default",
            "--period",
            "2024",
            "--xlsx",
            "list.xlsx",
        ],
    ));
    assert!(first.contains("运行 run #1: pack default"), "{first}");
    assert!(first.contains("首次运行 first run"), "{first}");
    assert!(first.contains("hte 高新技术企业认定"), "{first}");
    let workbook = std::fs::read(dir.join("list.xlsx")).expect("the workbook");
    assert!(workbook.starts_with(b"PK"), "an XLSX (zip) file");
    // Refused without --force the second time.
    let again = zijin(
        dir,
        &[
            "policy",
            "run",
            "--pack",
            "default",
            "--period",
            "2024",
            "--xlsx",
            "list.xlsx",
        ],
    );
    assert!(!again.status.success());

    let second = stdout(&zijin(
        dir,
        &["policy", "run", "--pack", "default", "--period", "2024"],
    ));
    assert!(second.contains("运行 run #2"), "{second}");
    assert!(second.contains("与上次运行 #1 相比"), "{second}");
    assert!(second.contains("培育 near misses"), "{second}");

    // The near misses stored with the latest run, as a list.
    let listed = stdout(&zijin(
        dir,
        &[
            "policy",
            "near-miss",
            "--pack",
            "default",
            "--period",
            "2024",
            "--out",
            "near.csv",
        ],
    ));
    assert!(listed.contains("运行 run #2"), "{listed}");
    let near = std::fs::read_to_string(dir.join("near.csv")).expect("the list");
    assert!(
        near.starts_with(
            "policy,uscc,name,district,district_name,criterion,value,threshold,gap,relative_gap\n"
        ),
        "{near}"
    );
    let count = near.lines().count() - 1;
    assert!(
        listed.contains(&format!("{count} 家临界企业 near misses")),
        "{listed}"
    );
    let wider = zijin(
        dir,
        &[
            "policy",
            "near-miss",
            "--pack",
            "default",
            "--period",
            "2024",
            "--margin",
            "20%",
        ],
    );
    assert!(!wider.status.success());
    assert!(
        String::from_utf8_lossy(&wider.stderr).contains("--input"),
        "{}",
        String::from_utf8_lossy(&wider.stderr)
    );

    let explained = stdout(&zijin(
        dir,
        &[
            "policy",
            "explain",
            "--pack",
            "default",
            "--uscc",
            "91320115MA1MXY7K3A",
            "--period",
            "2024",
        ],
    ));
    assert!(explained.contains("南京示例芯片有限公司"), "{explained}");
    assert!(explained.contains("高新技术企业认定"), "{explained}");
    assert!(explained.contains("国科发火〔2016〕32号"), "{explained}");

    let malformed = zijin(
        dir,
        &[
            "policy",
            "explain",
            "--pack",
            "default",
            "--uscc",
            "91320115MA1MXY7K3B",
            "--period",
            "2024",
        ],
    );
    assert!(!malformed.status.success());
    let message = String::from_utf8_lossy(&malformed.stderr);
    assert!(
        message.contains("91320115MA1MXY7K3B") && message.contains("校验位"),
        "{message}"
    );

    let unknown = zijin(
        dir,
        &[
            "policy",
            "explain",
            "--pack",
            "default",
            "--uscc",
            "914403001922038216",
            "--period",
            "2024",
        ],
    );
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("no enterprise 914403001922038216"),
        "{}",
        String::from_utf8_lossy(&unknown.stderr)
    );

    // The counts computed from the registry, beside the reported figures.
    let counts = stdout(&zijin(dir, &["registry", "counts", "--year", "2024"]));
    assert!(
        counts.contains("computed from the registry, 2024"),
        "{counts}"
    );
    assert!(counts.contains("全市 city"), "{counts}");

    // A bad registry file: nothing written, the problem named.
    let bad = zijin(
        dir,
        &[
            "registry",
            "import",
            &fixtures().join("facts-bad.csv").display().to_string(),
        ],
    );
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("facts-bad.csv"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}
