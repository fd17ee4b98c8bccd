//! `--html`, `--xlsx` and `--csv-bom` end to end: the files in the folder
//! and in the zip, and the data-set files unchanged but for the mark.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_engagement-report");
const PERIOD: [&str; 4] = ["--start", "2025-06-01", "--end", "2025-06-30"];
const ZIP: &str = "engagement_2025-06-01_to_2025-06-30.zip";

fn run(args: &[&str]) -> Output {
    let o = Command::new(BIN)
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

/// Every file of a folder, by name.
fn folder(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().into_string().unwrap(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().into_owned(), bytes)
        })
        .collect()
}

fn report(input: &Path, out: &Path, extra: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let mut args = vec![
        input.to_str().unwrap(),
        "--format",
        "csv",
        "--zip",
        "--output-dir",
        out.to_str().unwrap(),
        "-q",
    ];
    args.extend(PERIOD);
    args.extend(extra);
    run(&args);
    folder(out)
}

#[test]
fn html_xlsx_and_bom_land_in_the_folder_and_the_zip() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    run(&[
        "demo-data",
        "--out",
        demo.to_str().unwrap(),
        "--users",
        "300",
    ]);

    let plain = report(&demo, &tmp.path().join("plain"), &[]);
    let extra = ["--html", "--xlsx", "--csv-bom"];
    let full = report(&demo, &tmp.path().join("full"), &extra);
    let again = report(&demo, &tmp.path().join("again"), &extra);

    // Without the options: the seven files and the zip, nothing more.
    assert_eq!(plain.len(), 8);
    assert!(!plain.contains_key("report.html") && !plain.contains_key("report.xlsx"));

    // With them: the same seven files (CSV behind a byte-order mark), the
    // two readable files, and a zip holding all nine.
    assert_eq!(full.len(), 10);
    for (name, bytes) in &plain {
        if name == ZIP {
            continue;
        }
        let got = &full[name];
        if name.ends_with(".csv") {
            assert_eq!(&got[..3], b"\xEF\xBB\xBF", "{name}");
            assert_eq!(&got[3..], &bytes[..], "{name}");
        } else {
            assert_eq!(got, bytes, "{name}");
        }
    }
    let zipped = unzip(&full[ZIP]);
    assert_eq!(zipped.len(), 9);
    for (name, bytes) in &zipped {
        assert_eq!(bytes, &full[name], "{name} in the zip");
    }

    let html = std::str::from_utf8(&full["report.html"]).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<dd>2025-06-01 to 2025-06-30</dd>"));
    assert!(!html.to_ascii_lowercase().contains("<script"));
    let sheets = unzip(&full["report.xlsx"]);
    let workbook = std::str::from_utf8(&sheets["xl/workbook.xml"]).unwrap();
    for name in [
        "Summary",
        "fasts",
        "user_activity_timeline",
        "other_metrics",
    ] {
        assert!(
            workbook.contains(&format!("<sheet name=\"{name}\"")),
            "{name}"
        );
    }

    // The same options give the same bytes.
    assert_eq!(full, again);

    // By default report.html names nobody; --html-people lists the first
    // people under the notice, and changes nothing else of the output.
    let people = report(
        &demo,
        &tmp.path().join("people"),
        &[&extra[..], &["--html-people"]].concat(),
    );
    let named = std::str::from_utf8(&people["report.html"]).unwrap();
    let users = std::str::from_utf8(&full["user_activity.csv"][3..]).unwrap();
    let first_email = users.lines().nth(1).unwrap().split(',').nth(2).unwrap();
    assert!(first_email.contains('@'), "{first_email}");
    assert!(!html.contains(first_email) && !html.contains("Contains personal data"));
    assert!(named.contains(&format!("<td>{first_email}</td>")));
    assert!(named.contains("Contains personal data — for staff only"));
    for (name, bytes) in &people {
        if name != "report.html" && name != ZIP {
            assert_eq!(bytes, &full[name], "{name}");
        }
    }
}

#[test]
fn help_documents_the_readable_options() {
    let o = run(&["--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    for option in [
        "--html",
        "--html-people",
        "Contains personal data",
        "--xlsx",
        "--csv-bom",
        "report.html",
        "report.xlsx",
    ] {
        assert!(help.contains(option), "--help lacks {option}");
    }
}

/// SPEC §9: no text from the data becomes markup in `report.html`, and the
/// file forbids every request. File names and values of the bundle carry
/// Markdown and HTML (an image beacon, a `javascript:` link); they reach
/// `summary.md` in its warnings, and so the brief of `report.html`.
#[test]
fn data_never_becomes_markup_in_report_html() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    run(&[
        "demo-data",
        "--out",
        demo.to_str().unwrap(),
        "--users",
        "50",
    ]);
    std::fs::write(demo.join("[a](javascript:alert(1)) <img src=x>.txt"), "x").unwrap();
    let append = |file: &str, line: &str| {
        let path = demo.join(file);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(line);
        std::fs::write(path, text).unwrap();
    };
    append(
        "auth_user.csv",
        "![x](http://evil.example/b.png),pw,,f,u,\"\",\"\",e@x,f,t,2024-01-01 00:00:00+00\n",
    );
    append(
        "events_event.csv",
        "<img src=http://evil.example/i.png>,\"\",\"\",{},2025-06-02 00:00:00+00,,,2025-06-02 00:00:00+00,,14,,1001\n",
    );
    let out = tmp.path().join("out");
    let files = report(&demo, &out, &["--insights", "--html", "--skip-bad-rows"]);
    // The payloads are in the brief (else this test proves nothing).
    let md = std::str::from_utf8(&files["summary.md"]).unwrap();
    for payload in [
        "[a](javascript:alert(1)) <img src=x>.txt",
        "![x](http://evil.example/b.png)",
        "<img src=http://evil.example/i.png>",
    ] {
        assert!(md.contains(payload), "summary.md lacks {payload}:\n{md}");
    }
    let html = std::str::from_utf8(&files["report.html"]).unwrap();
    let lower = html.to_ascii_lowercase();
    for markup in [
        "<img",
        "<a ",
        "<a>",
        "href=",
        "src=\"",
        "javascript:\"",
        "<script",
        "<iframe",
    ] {
        assert!(!lower.contains(markup), "report.html holds {markup}");
    }
    // `javascript:` only as text inside the escaped file name.
    assert!(!lower.contains("\"javascript:"));
    // No URL but the SVG namespace.
    for (i, _) in lower.match_indices("http") {
        let rest = &lower[i..];
        if !(rest.starts_with("http:") || rest.starts_with("https:")) {
            continue;
        }
        assert!(
            rest.starts_with("http://www.w3.org/2000/svg\"")
                || rest.starts_with("http://evil.example"),
            "report.html holds a URL: {}",
            &rest[..rest.len().min(60)]
        );
    }
    // The payloads are there only as escaped text: no tag holds them.
    for tag in lower.split('<').skip(1) {
        let tag = &tag[..tag.find('>').expect("a closed tag")];
        assert!(
            !tag.contains("evil") && !tag.contains("javascript"),
            "a tag of report.html holds data: <{tag}>"
        );
    }
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    ));
}
