//! Reports people read (issue 13): report.html beside convert's outputs and from validate
//! --html, `nebulk report` rendering any report.json again, `--summary markdown`, hostile
//! values kept as text, and the page as a real browser shows it (headless Chromium).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::harness::{assert_html_agrees, run_in, skipped, testdata, without_run_facts};

/// A file of accounts whose values try to become markup, and whose rows are rejected with
/// them highlighted: a name that is a script, an e-mail that closes an attribute.
const HOSTILE: &str = "accountName,firstName,lastName,email,phone,manager,startDate,endDate\n\
    ann.lee,<script>alert(1)</script>,Lee,\"\"\"><img src=x onerror=alert(2)>\",+1 512 555 0100,jane.doe,2026-01-05,2026-12-31\n\
    bo.chen,Bo,<b onmouseover=alert(3)>Chen</b>,bo@example.com,+1 512 555 0101,,2026-01-05,2026-12-31\n\
    cy.diaz,Cy,Diaz,cy@example.com,+1 512 555 0102,jane.doe,2026-01-05,2026-12-31\n";

/// Converts the shipped sample into `dir/out` and gives that folder.
fn converted_sample(dir: &Path) -> PathBuf {
    let sample = testdata().join("sample/accounts.csv");
    let run = run_in(
        dir,
        &["convert", sample.to_str().unwrap(), "--out", "out", "-q"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    dir.join("out")
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn nebulk_report_renders_the_page_convert_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let out = converted_sample(dir.path());
    let written = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert_html_agrees(&written, &json(&out.join("report.json")));
    assert!(
        written.contains("<dt>time taken</dt>"),
        "convert's page tells the time taken"
    );
    let run = run_in(
        dir.path(),
        &[
            "report",
            "out/report.json",
            "--format",
            "html",
            "--out",
            "again.html",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let again = std::fs::read_to_string(dir.path().join("again.html")).unwrap();
    assert_eq!(without_run_facts(&again), without_run_facts(&written));
}

#[test]
fn summary_markdown_is_what_nebulk_report_renders() {
    let dir = tempfile::tempdir().unwrap();
    let sample = testdata().join("sample/accounts.csv");
    let sample = sample.to_str().unwrap();
    let run = run_in(
        dir.path(),
        &["convert", sample, "--out", "out", "--summary", "markdown"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.is_empty(),
        "the text summary is replaced: {}",
        run.stderr
    );
    let markdown = String::from_utf8(run.stdout).unwrap();
    assert!(
        markdown.starts_with("## nebulk: 9 rows to fix\n"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| 15 | 6 | 9 | 6 | 0 | 0 |"),
        "{markdown}"
    );
    assert!(markdown.contains("| `invalid-email` | 2 |"), "{markdown}");
    let run = run_in(
        dir.path(),
        &["report", "out/report.json", "--format", "markdown"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(String::from_utf8(run.stdout).unwrap(), markdown);

    let run = run_in(
        dir.path(),
        &["validate", sample, "--summary", "markdown", "-q"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(String::from_utf8(run.stdout).unwrap(), markdown);

    let run = run_in(dir.path(), &["report", "out/report.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = String::from_utf8(run.stdout).unwrap();
    assert!(text.starts_with("nebulk: 9 rows to fix\n"), "{text}");
    assert!(
        text.contains("rows: 15 read, 6 valid, 9 rejected"),
        "{text}"
    );
}

#[test]
fn validate_writes_the_html_report_and_refuses_two_outputs_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let sample = testdata().join("sample/accounts.csv");
    let sample = sample.to_str().unwrap();
    let run = run_in(
        dir.path(),
        &[
            "validate",
            sample,
            "--html",
            "pages/report.html",
            "--report",
            "report.json",
            "-q",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let page = std::fs::read_to_string(dir.path().join("pages/report.html")).unwrap();
    assert_html_agrees(&page, &json(&dir.path().join("report.json")));

    let run = run_in(
        dir.path(),
        &["validate", sample, "--summary", "markdown", "--report", "-"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("both write to standard output"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn a_file_that_is_not_a_report_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.json"),
        "{\n  \"rows_read\": \"many\"\n}\n",
    )
    .unwrap();
    let run = run_in(dir.path(), &["report", "bad.json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("bad.json is not a report.json"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("line 2 column"), "{}", run.stderr);
    let run = run_in(dir.path(), &["report", "missing.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("missing.json"), "{}", run.stderr);
}

#[test]
fn hostile_values_show_as_text_in_every_rendering() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hostile.csv"), HOSTILE).unwrap();
    let run = run_in(
        dir.path(),
        &["convert", "hostile.csv", "--out", "out", "-q"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let page = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert_html_agrees(&page, &json(&dir.path().join("out/report.json")));
    for tag in ["<script", "<img", "<b onmouseover"] {
        assert!(!page.contains(tag), "{tag} in report.html");
    }
    // The values are there, as text.
    assert!(
        page.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{page}"
    );
    let run = run_in(
        dir.path(),
        &["report", "out/report.json", "--format", "markdown"],
    );
    let markdown = String::from_utf8(run.stdout).unwrap();
    for tag in ["<script", "<img", "<b "] {
        assert!(!markdown.contains(tag), "{tag} in the Markdown: {markdown}");
    }
}

/// Chromium's binary, when installed (Debian's package `chromium`; `.ci/run` installs it).
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .filter_map(|name| {
            let output = Command::new("sh")
                .args(["-c", &format!("command -v {name}")])
                .output()
                .ok()?;
            let path = String::from_utf8(output.stdout).ok()?;
            let path = path.trim();
            (output.status.success() && !path.is_empty()).then(|| PathBuf::from(path))
        })
        .next()
}

/// Runs headless Chromium on `page` with `args` (then the page's URL), and gives its stdout.
fn headless(browser: &Path, profile: &Path, args: &[&str], page: &Path) -> String {
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "chromium: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A generated run's report.html in a real browser: the DOM Chromium builds shows the counts
/// of report.json and holds no element from the hostile values, and a screenshot is saved under
/// target/ for a person to look at.
#[test]
fn the_page_in_headless_chromium_shows_the_counts_and_no_injected_element() {
    let Some(browser) = chromium() else {
        skipped(
            "the_page_in_headless_chromium_shows_the_counts_and_no_injected_element",
            "Chromium is not installed (apt-get install chromium; .ci/run installs it)",
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let gen = run_in(
        d,
        &[
            "gen",
            "--rows",
            "2000",
            "--seed",
            "3",
            "--error-rate",
            "0.05",
            "--out",
            "data.csv",
            "--template",
            "template.csv",
        ],
    );
    assert_eq!(gen.code, 0, "{}", gen.stderr);
    // The hostile rows first, so that they are among the rejected rows the page shows. (The
    // generated file holds bytes that are not UTF-8: it is handled as bytes.)
    let generated = std::fs::read(d.join("data.csv")).unwrap();
    let header_end = generated.iter().position(|&b| b == b'\n').unwrap() + 1;
    let header_width = generated[..header_end]
        .iter()
        .filter(|&&b| b == b',')
        .count()
        + 1;
    let mut data = generated[..header_end].to_vec();
    for line in HOSTILE.lines().skip(1) {
        data.extend_from_slice(line.as_bytes());
        data.extend_from_slice(",x".repeat(header_width - 8).as_bytes());
        data.push(b'\n');
    }
    data.extend_from_slice(&generated[header_end..]);
    std::fs::write(d.join("data.csv"), data).unwrap();
    let run = run_in(
        d,
        &[
            "convert",
            "data.csv",
            "--schema",
            "template.csv",
            "--out",
            "out",
            "-q",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = json(&d.join("out/report.json"));
    let page = d.join("out/report.html");
    let profile = d.join("profile");

    let dom = headless(&browser, &profile, &["--dump-dom"], &page);
    for (id, key) in [
        ("rows-read", "rows_read"),
        ("rows-valid", "rows_valid"),
        ("rows-rejected", "rows_rejected"),
    ] {
        let shown = format!("id=\"{id}\">{}</b>", report[key]);
        assert!(dom.contains(&shown), "the DOM lacks {shown}");
    }
    assert!(dom.contains("id=\"rejected\""), "the rejected rows' table");
    for element in ["<script", "<img", "<b onmouseover"] {
        assert!(!dom.contains(element), "{element} became an element");
    }
    assert!(
        dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the script shows as text"
    );

    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let shot = shots.join("report.png");
    let _ = std::fs::remove_file(&shot);
    headless(
        &browser,
        &profile,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,2400",
            "--hide-scrollbars",
        ],
        &page,
    );
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG at {}", shot.display());
    eprintln!("screenshot of the report: {}", shot.display());
}
