//! The dashboard in a real browser: Debian's Chromium driven through
//! ChromeDriver (W3C WebDriver over HTTP). The demo database is built with
//! `zijin demo --no-serve`, `zijin serve` serves it on a free loopback port,
//! and every page is opened in headless Chromium: it must load with no
//! console error, no failed request and no JavaScript exception, show its
//! charts, and every link on it must answer. A screenshot of each page is
//! written to `$CARGO_TARGET_TMPDIR/screenshots/` for people to look at.
//!
//! Ignored by default because it needs system packages that a fresh machine
//! does not have (`apt-get install chromium chromium-driver fonts-noto-cjk`);
//! `.ci/run` installs them and runs it with `cargo test -- --ignored`.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A child process killed when dropped.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn zijin(directory: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_zijin"));
    command
        .current_dir(directory)
        .env_remove("ZIJIN_DATABASE_URL")
        .env_remove("ZIJIN_DB")
        .args(["--db", "demo.db"]);
    command
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

fn find_program(name: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|directory| directory.join(name))
            .find(|candidate| candidate.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "`{name}` is not installed: `apt-get install chromium chromium-driver fonts-noto-cjk` \
             (Debian's packages; .ci/run installs them)"
        )
    })
}

/// Starts `zijin serve` on a free port and returns its base URL.
fn serve(directory: &Path) -> (Guard, String) {
    let mut child = zijin(directory)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start zijin serve");
    let stdout = child.stdout.take().expect("stdout");
    let guard = Guard(child);
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("zijin serve printed its address")
            .expect("read stdout");
        if let Some(start) = line.find("http://") {
            break line[start..]
                .split_whitespace()
                .next()
                .unwrap()
                .trim_end_matches('/')
                .to_owned();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (guard, base)
}

struct Driver {
    base: String,
    session: String,
    _process: Guard,
}

impl Driver {
    fn start() -> Driver {
        let chromedriver = find_program("chromedriver");
        let chromium = find_program("chromium");
        let port = free_port();
        let process = Guard(
            Command::new(chromedriver)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start chromedriver"),
        );
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while ureq::get(&format!("{base}/status")).call().is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().expect("profile directory");
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": chromium,
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run", "--window-size=1280,1000",
                        "--lang=zh-CN",
                        format!("--user-data-dir={}", profile.path().display()),
                    ],
                    // A browser of the bureau: Chinese first.
                    "prefs": { "intl.accept_languages": "zh-CN,zh" }
                },
                "goog:loggingPrefs": { "browser": "ALL" }
            }}
        });
        let response: Value = ureq::post(&format!("{base}/session"))
            .send_json(&capabilities)
            .expect("create a browser session")
            .body_mut()
            .read_json()
            .expect("session JSON");
        let session = response["value"]["sessionId"]
            .as_str()
            .expect("a session id")
            .to_owned();
        // The profile directory must outlive the browser: leak it into the temp dir.
        std::mem::forget(profile);
        Driver {
            base,
            session,
            _process: process,
        }
    }

    fn command(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}/{path}", self.base, self.session);
        let mut response = match method {
            "GET" => ureq::get(&url).call(),
            _ => ureq::post(&url).send_json(&body),
        }
        .unwrap_or_else(|error| panic!("WebDriver {method} {path}: {error}"));
        let value: Value = response.body_mut().read_json().expect("WebDriver JSON");
        value["value"].clone()
    }

    fn open(&self, url: &str) {
        self.command("POST", "url", json!({ "url": url }));
    }

    fn script(&self, script: &str) -> Value {
        self.command(
            "POST",
            "execute/sync",
            json!({ "script": script, "args": [] }),
        )
    }

    /// The browser's log since the last call: console messages, JavaScript
    /// exceptions and failed requests.
    fn log(&self) -> Vec<Value> {
        self.command("POST", "se/log", json!({ "type": "browser" }))
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// A screenshot of the whole page (the window is stretched to the page's
    /// height, up to 8,000 pixels).
    fn screenshot(&self, path: &Path) {
        use base64::Engine as _;
        let height = self
            .script("return document.documentElement.scrollHeight;")
            .as_u64()
            .unwrap_or(1000)
            .clamp(600, 8000);
        self.command(
            "POST",
            "window/rect",
            json!({ "width": 1280, "height": height }),
        );
        let data = self.command("GET", "screenshot", Value::Null);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().expect("base64 PNG"))
            .expect("decode the screenshot");
        std::fs::write(path, bytes).expect("write the screenshot");
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = ureq::delete(&format!("{}/session/{}", self.base, self.session)).call();
    }
}

/// (name, path, charts expected on the page)
const PAGES: &[(&str, &str, bool)] = &[
    ("overview", "/", true),
    ("overview-en", "/?lang=en", true),
    ("overview-red", "/?light=red", false),
    ("indicator", "/indicators/high_tech_enterprises", true),
    (
        "indicator-en",
        "/indicators/high_tech_enterprises?lang=en",
        true,
    ),
    (
        "indicator-cumulative",
        "/indicators/top_talent_teams",
        false,
    ),
    (
        "indicator-district",
        "/indicators/tech_smes?region=320115",
        true,
    ),
    ("region-district", "/regions/320115", false),
    ("region-park", "/regions/NJHZ-03", false),
    ("rankings", "/rankings", true),
    ("reporting", "/reporting", false),
    ("bulletins", "/bulletins", false),
    ("bulletin-html", "/bulletins/2024.html", true),
    ("evaluations", "/evaluations", false),
    ("evaluation-parks", "/evaluations/parks/2024", true),
    ("evaluation-nri-en", "/evaluations/nri/2024?lang=en", true),
    ("evaluation-unit", "/evaluations/nri/2024/NRI018", false),
];

#[test]
#[ignore = "needs Chromium and ChromeDriver (apt-get install chromium chromium-driver fonts-noto-cjk); .ci/run runs it"]
fn every_page_loads_in_chromium_without_errors_with_its_charts_and_working_links() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let demo = zijin(directory.path())
        .args(["demo", "--no-serve"])
        .output()
        .expect("run zijin demo");
    assert!(
        demo.status.success(),
        "zijin demo --no-serve failed: {}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let (_server, site) = serve(directory.path());
    let driver = Driver::start();
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot directory");

    let mut links: BTreeSet<String> = BTreeSet::new();
    let mut failures: Vec<String> = Vec::new();
    for (name, path, charts) in PAGES {
        let url = format!("{site}{path}");
        driver.open(&url);
        let title = driver.script("return document.title;");
        if title.as_str().is_none_or(str::is_empty) {
            failures.push(format!("{path}: no <title>"));
        }
        let svgs = driver
            .script("return document.querySelectorAll('svg').length;")
            .as_u64()
            .unwrap_or(0);
        if *charts && svgs == 0 {
            failures.push(format!("{path}: no chart (<svg>) on the page"));
        }
        // The document's language, and the navigation bar (where there is
        // one) naming the overview in it: Chinese for a Chinese browser,
        // English after the switch.
        let english = path.contains("lang=en");
        let lang = driver.script("return document.documentElement.lang;");
        let lang = lang.as_str().unwrap_or_default();
        if lang.starts_with("en") != english || lang.is_empty() {
            failures.push(format!("{path}: <html lang={lang:?}>"));
        }
        let nav = driver.script(
            "const nav = document.querySelector('nav'); return nav ? nav.innerText : null;",
        );
        if let Some(nav) = nav.as_str() {
            let (expected, unexpected) = if english {
                ("Overview", "总览")
            } else {
                ("总览", "Overview")
            };
            if !nav.contains(expected) || nav.contains(unexpected) {
                failures.push(format!(
                    "{path}: the navigation is not in the page's language (wanted {expected:?}): {nav:?}"
                ));
            }
        } else if !path.starts_with("/bulletins/") {
            failures.push(format!("{path}: no navigation bar"));
        }
        for entry in driver.log() {
            let level = entry["level"].as_str().unwrap_or_default();
            if level == "SEVERE" || level == "WARNING" {
                failures.push(format!("{path}: browser log {level}: {}", entry["message"]));
            }
        }
        let hrefs = driver.script(
            "return Array.from(document.querySelectorAll('a[href], link[href], script[src], img[src]'))\
             .map(e => e.href || e.src);",
        );
        for href in hrefs.as_array().into_iter().flatten() {
            if let Some(href) = href.as_str()
                && href.starts_with(&site)
            {
                links.insert(href.split('#').next().unwrap_or(href).to_owned());
            }
        }
        driver.screenshot(&shots.join(format!("{name}.png")));
    }
    assert!(links.len() > PAGES.len(), "links found: {links:?}");
    for link in &links {
        match ureq::get(link).call() {
            Ok(response) if response.status() == 200 => {}
            Ok(response) => failures.push(format!("link {link}: status {}", response.status())),
            Err(error) => failures.push(format!("link {link}: {error}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!(
        "{} pages and {} links checked; screenshots in {}",
        PAGES.len(),
        links.len(),
        shots.display()
    );
}
