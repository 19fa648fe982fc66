//! `--format html`: one self-contained page. Checked as text (no network,
//! everything escaped, no source rows) and in a real headless browser
//! (Debian's chromium) when one is installed: the script runs without
//! error and the page shows the expected counts, filters included.

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn scratch() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap()
}

/// Writes the HTML report of `files` to `out`; returns the exit code.
fn report(files: &[&Path], out: &Path) -> i32 {
    let mut cmd = Command::cargo_bin("dxlint").unwrap();
    cmd.current_dir(root())
        .args(["check", "--isolated", "--format", "html", "-o"])
        .arg(out)
        .args(files);
    cmd.output().unwrap().status.code().unwrap_or(-1)
}

fn example_page(dir: &Path) -> (PathBuf, String) {
    let out = dir.join("report.html");
    assert_eq!(report(&[Path::new("fixtures/example/claims.csv")], &out), 1);
    let html = std::fs::read_to_string(&out).unwrap();
    (out, html)
}

#[test]
fn page_is_self_contained() {
    let dir = scratch();
    let (_, html) = example_page(dir.path());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Content-Security-Policy"));
    assert!(html.contains("default-src 'none'"));
    for banned in ["<script src", "<link", "@import", "url(", "<iframe", "<img"] {
        assert!(!html.contains(banned), "{banned}");
    }
    // The only absolute URI is the SVG namespace.
    let uris: Vec<&str> = html
        .match_indices("://")
        .map(|(i, _)| &html[i.saturating_sub(4)..i + 22])
        .collect();
    assert_eq!(uris, ["http://www.w3.org/2000/svg"]);
    assert!(html.contains(r#"<body data-ready="false" data-total="13" data-shown="13">"#));
    assert!(html.contains(r#"id="count-error" data-count="8">8</span>"#));
    assert!(html.contains(r#"id="count-warning" data-count="5">5</span>"#));
    assert!(html.contains("<svg id=\"chart\""));
    assert!(html.contains("<td><code>DX103</code> non-billable-code</td><td>2</td>"));
    assert!(html.contains("<code>Z53.20</code> Procedure and treatment not carried out"));
    assert_eq!(html.matches("<tr class=\"diag\"").count(), 13);
}

#[test]
fn page_carries_no_source_rows() {
    let dir = scratch();
    let (_, html) = example_page(dir.path());
    // Member ids, birth dates and other cells of the rows never appear.
    for cell in ["M001", "M002", "1958-04-12", "1990-07-01", "J06.9,,,"] {
        assert!(!html.contains(cell), "{cell} leaked");
    }
}

#[test]
fn everything_is_escaped() {
    let dir = scratch();
    let csv = dir.path().join("claims.csv");
    std::fs::write(
        &csv,
        "claim_id,service_date,dx1\n\"<img src=x onerror=alert(1)>\",2025-11-04,\"<b>Z53.2</b>\"\n\"A&B'\",2025-11-04,Z53.2\n",
    )
    .unwrap();
    let out = dir.path().join("report.html");
    assert_eq!(report(&[&csv], &out), 1);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(!html.contains("<img"), "unescaped markup");
    assert!(!html.contains("<b>Z53"), "unescaped markup");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("&lt;b&gt;Z53.2&lt;/b&gt;"));
    assert!(html.contains("A&amp;B&#39;"));
}

/// More rows than the reporter keeps in memory (they go to a temporary
/// file until the summary is known): the page is whole, rows in file order.
#[test]
fn a_long_run_keeps_every_row_in_file_order() {
    const CLAIMS: usize = 20_000;
    let dir = scratch();
    let csv = dir.path().join("claims.csv");
    let mut text = String::from("claim_id,service_date,dx1\n");
    for i in 0..CLAIMS {
        text.push_str(&format!("C{i},2025-11-04,Z53.2\n"));
    }
    std::fs::write(&csv, text).unwrap();
    let out = dir.path().join("report.html");
    assert_eq!(report(&[&csv], &out), 1);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(
        html.len() > 8 << 20,
        "{} bytes: spool never spilled",
        html.len()
    );
    assert!(html.contains(r#"<body data-ready="false" data-total="20000" data-shown="20000">"#));
    assert!(html.contains(
        r#"<td><code>DX103</code> non-billable-code</td><td>20,000</td><td>0</td><td>0</td><td class="total">20,000</td>"#
    ));
    assert!(html.contains(
        r#"<tr><td><code>Z53.2</code></td><td class="total">20,000</td><td>non-billable-code</td></tr>"#
    ));
    let lines: Vec<usize> = html
        .match_indices(r#"<td class="loc">"#)
        .map(|(i, m)| {
            let loc = &html[i + m.len()..];
            let loc = &loc[..loc.find("</td>").unwrap()];
            let mut parts = loc.rsplitn(3, ':');
            let _column = parts.next();
            parts.next().unwrap().parse().unwrap()
        })
        .collect();
    assert_eq!(lines, (2..CLAIMS + 2).collect::<Vec<_>>());
    assert!(html.ends_with("</script>\n</body>\n</html>\n"));
}

/// A headless browser, when installed: `CHROMIUM` names it, else the
/// usual names on PATH.
fn browser() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// The DOM after the page's scripts ran, as the browser serializes it.
fn dump_dom(browser: &Path, page: &Path, fragment: &str, profile: &Path) -> String {
    let url = format!("file://{}{fragment}", page.display());
    let mut child = Process::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(&url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the browser");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the browser did not finish in time");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn body_attr<'a>(dom: &'a str, name: &str) -> Option<&'a str> {
    let body = &dom[dom.find("<body")?..];
    let body = &body[..body.find('>')?];
    let key = format!("{name}=\"");
    let at = body.find(&key)? + key.len();
    Some(&body[at..at + body[at..].find('"')?])
}

#[test]
fn page_runs_in_a_headless_browser() {
    let Some(browser) = browser() else {
        println!("skipped: no chromium on PATH (apt-get install chromium)");
        return;
    };
    let dir = scratch();
    let (page, _) = example_page(dir.path());
    let profile = dir.path().join("profile");

    let dom = dump_dom(&browser, &page, "", &profile);
    assert_eq!(body_attr(&dom, "data-ready"), Some("true"), "{dom}");
    assert_eq!(body_attr(&dom, "data-total"), Some("13"));
    assert_eq!(body_attr(&dom, "data-shown"), Some("13"));
    assert!(dom.contains(r#"<span id="shown">13</span>"#));
    assert!(dom.contains(r#"id="count-error" data-count="8">8</span>"#));

    // Filters preset from the fragment.
    for (fragment, shown) in [
        ("#severity=warning", "5"),
        ("#rule=DX103", "2"),
        ("#q=c1002", "1"),
        ("#severity=error&q=seventh", "2"),
        ("#q=no-such-text", "0"),
    ] {
        let dom = dump_dom(&browser, &page, fragment, &profile);
        assert_eq!(body_attr(&dom, "data-ready"), Some("true"), "{fragment}");
        assert_eq!(body_attr(&dom, "data-shown"), Some(shown), "{fragment}");
        let hidden = dom.matches("<tr class=\"diag\" data-severity").count()
            - dom.matches(" hidden=\"\"><td>").count();
        assert_eq!(hidden.to_string(), shown, "{fragment}: rows shown");
    }
}
