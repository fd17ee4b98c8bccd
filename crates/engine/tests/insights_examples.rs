//! The worked example of SPEC.md §7 and §8 (tests/fixtures/tiny-insights):
//! for each of its four runs, the consolidated report with insights must
//! equal the expected one, compared by value as its README says (numbers
//! within 0.01, timestamps as instants); the staff notice must count
//! `staff_users_excluded`, and `summary.md` must state every figure of
//! `summary_facts`.

use std::path::PathBuf;

use engagement_engine::insights::{self, Insights};
use engagement_engine::load::Loaded;
use engagement_engine::period::Period;
use engagement_engine::segment::Segment;
use engagement_engine::{export, metrics};
use serde_json::Value;

mod common;
use common::diff;

fn fixture(path: &str) -> PathBuf {
    common::fixture("tiny-insights").join(path)
}

fn load() -> Loaded {
    common::load_folder(&fixture("csv"))
}

/// The insight data sets of SPEC §11, which `tiny-insights` predates (its
/// expected files have none; `tiny-fasts` checks them).
const FASTS_AND_APP_USAGE: [&str; 5] = [
    "daily_activity",
    "app_usage",
    "fast_calendar",
    "fast_daily",
    "fast_editions",
];

/// Runs one example of `tiny-insights` and checks it against its expected
/// file.
fn check(expected_file: &str, start: &str, end: &str, tz: &str, segment: Segment) {
    check_example("tiny-insights", expected_file, start, end, tz, segment);
}

/// Runs one example of a worked example folder and checks it against its
/// expected file.
fn check_example(
    example: &str,
    expected_file: &str,
    start: &str,
    end: &str,
    tz: &str,
    segment: Segment,
) {
    let fixture = |path: &str| common::fixture(example).join(path);
    let loaded = common::load_folder(&fixture("csv"));
    let period =
        Period::from_options(Some(start), Some(end), Some(tz), Default::default()).unwrap();
    let segmented = segment.apply(&loaded.dataset).unwrap();
    let mut report = metrics::compute(&segmented.dataset, &period);
    report.range.segment = segmented.info.range_segment();
    let insights = insights::compute(
        &segmented.dataset,
        &period,
        &report,
        &segmented.info,
        &loaded.warnings,
    );
    let mut got: Value =
        serde_json::from_slice(&export::consolidated_json_with_insights(&report, &insights))
            .unwrap();
    let summary = got["insights"]
        .as_object_mut()
        .unwrap()
        .remove("summary_md")
        .unwrap();
    assert_eq!(summary.as_str(), Some(insights.summary_md.as_str()));

    let mut want: Value =
        serde_json::from_slice(&std::fs::read(fixture(expected_file)).unwrap()).unwrap();
    let want_map = want.as_object_mut().unwrap();
    let facts = want_map.remove("summary_facts").unwrap();
    // tiny-fasts leaves out the count when nobody is excluded.
    let staff = want_map
        .remove("staff_users_excluded")
        .unwrap_or(Value::from(0));
    let fasts_facts = want_map.remove("fasts_app_facts");
    if fasts_facts.is_none() {
        let got_insights = got["insights"].as_object_mut().unwrap();
        for name in FASTS_AND_APP_USAGE {
            got_insights.remove(name);
        }
    }

    let mut out = Vec::new();
    diff("", &got, &want, &mut out);
    assert!(
        out.is_empty(),
        "{expected_file}: {} differences:\n{}",
        out.len(),
        out.join("\n")
    );
    assert_eq!(
        Some(segmented.info.staff_users_excluded),
        staff.as_u64(),
        "{expected_file}: staff users excluded"
    );
    if segment.exclude_staff {
        let notice = segmented.info.notice().unwrap();
        assert!(
            notice.starts_with(&format!("excluded {staff} staff users")),
            "{notice}"
        );
    }
    check_summary(expected_file, &insights, &facts);
    if let Some(facts) = fasts_facts {
        check_fasts_summary(expected_file, &insights, &facts);
    }
}

/// `summary.md` states what SPEC §11 adds (`fasts_app_facts`), and the
/// facts are the data sets'.
fn check_fasts_summary(file: &str, insights: &Insights<'_>, facts: &Value) {
    let md = &insights.summary_md;
    let has = |text: String| assert!(md.contains(&text), "{file}: no {text:?} in\n{md}");
    let u = &insights.app_usage;
    for (key, current, label) in [
        ("app_opens", u.app_opens, "App opens"),
        ("sessions", u.sessions, "Sessions"),
    ] {
        assert_eq!(
            facts[key]["current"].as_u64(),
            Some(current),
            "{file}: {key}"
        );
        has(format!(
            "- {label}: {current} (previous period: {})",
            facts[key]["previous"]
        ));
    }
    match facts["median_session_seconds"].as_f64() {
        Some(m) => {
            assert_eq!(u.session_seconds.median, Some(m), "{file}: median");
            has(format!("- Median session length: {m} seconds"));
        }
        None => has("- Median session length: no session lengths".into()),
    }
    let plural =
        |n: &Value, one: &str| format!("{n} {one}{}", if n.as_u64() == Some(1) { "" } else { "s" });
    match facts["top_platform"].as_object() {
        Some(p) => has(format!(
            "- Top platform: `{}` ({} by {})",
            p["platform"].as_str().unwrap(),
            plural(&p["opens"], "open"),
            plural(&p["users"], "user")
        )),
        None => has("- Top platform: no app opens".into()),
    }
    let editions = facts["current_fast_editions"].as_array().unwrap();
    if editions.is_empty() {
        has("no current fast has a previous edition".into());
    }
    for f in editions {
        has(format!(
            "`{}` (fast {}): {} by day {} against {} for the previous edition (fast {})",
            f["fast_name"].as_str().unwrap(),
            f["fast_id"],
            plural(&f["cumulative_joins"], "sign-up"),
            f["relative_day"],
            f["previous_cumulative_joins"],
            f["previous_fast_id"],
        ));
    }
}

/// `summary.md` states each figure of `summary_facts`, and the facts are
/// those of the data sets.
fn check_summary(file: &str, insights: &Insights<'_>, facts: &Value) {
    let md = &insights.summary_md;
    assert!(md.len() < 8192, "{file}: {} bytes", md.len());
    let has = |text: String| assert!(md.contains(&text), "{file}: no {text:?} in\n{md}");
    let num = |v: &Value| -> String {
        // As the data sets print it: 150.0 is "150", 6.9 is "6.9".
        let f = v.as_f64().unwrap();
        format!("{f}")
    };

    has(format!(
        "- Period: {} to {} (",
        facts["start"].as_str().unwrap(),
        facts["end"].as_str().unwrap()
    ));
    has(format!(
        "time zone {}.",
        facts["timezone"].as_str().unwrap()
    ));
    match facts["segment"].as_object() {
        None => has("- Segment: all users.".into()),
        Some(seg) => {
            if seg["exclude_staff"].as_bool().unwrap() {
                has("- Segment: staff excluded (".into());
            }
            if let Some(name) = seg["church_name"].as_str() {
                has(format!(
                    "church `{name}` (id {}) only",
                    seg["church_id"].as_i64().unwrap()
                ));
            }
        }
    }
    for m in facts["metrics"].as_array().unwrap() {
        let change = m["change"].as_i64().unwrap();
        let pct = match m["change_pct"].as_f64() {
            Some(p) => format!(
                "{}{}%",
                if p > 0.0 { "+" } else { "" },
                num(&m["change_pct"])
            ),
            None => "no previous value".into(),
        };
        has(format!(
            "(`{}`) | {} | {} | {}{change} ({pct}) |",
            m["metric"].as_str().unwrap(),
            m["current"],
            m["previous"],
            if change > 0 { "+" } else { "" }
        ));
    }
    for (i, s) in facts["top_screens"].as_array().unwrap().iter().enumerate() {
        let views = s["views"].as_u64().unwrap();
        has(format!(
            "{}. `{}`: {views} view",
            i + 1,
            s["screen"].as_str().unwrap()
        ));
    }
    for (i, f) in facts["top_fasts"].as_array().unwrap().iter().enumerate() {
        has(format!(
            "{}. `{}` (fast {}): {} join",
            i + 1,
            f["fast"].as_str().unwrap(),
            f["fast_id"],
            f["joins"]
        ));
    }
    let peak = &facts["peak"];
    let hour = peak["hour"].as_u64().unwrap();
    has(format!(
        "The busiest hour of the week is {} {hour:02}:00-{:02}:00",
        peak["weekday_name"].as_str().unwrap(),
        hour + 1
    ));
    has(format!(
        ", {} in all (weekday {}, hour {hour} of `activity_heatmap`)",
        peak["total"], peak["weekday"]
    ));
    let count = |key: &str| {
        let n = facts[key].as_u64().unwrap();
        format!("{n} {}", if n == 1 { "is" } else { "are" })
    };
    has(format!("{} at risk", count("at_risk")));
    has(format!("{} declining", count("declining")));
    match facts["best_week1_cohort"].as_object() {
        None => has("no cohort has a complete week 1 yet".into()),
        Some(c) => {
            // "1 user" or "4 users".
            let users = c["users"].as_u64().unwrap();
            has(format!(
                "cohort {} (joined the week of {}, {users} user{}): {}% active in week 1",
                c["cohort_week"].as_str().unwrap(),
                c["cohort_start_date"].as_str().unwrap(),
                if users == 1 { "" } else { "s" },
                num(&c["rate"])
            ))
        }
    }
    match facts["best_fast_retention"].as_array() {
        None => has("no fast has at least 10 members ever".into()),
        Some(best) => {
            let f = &best[0];
            has(format!(
                "`{}` (fast {}): {}% retention",
                f["fast_name"].as_str().unwrap(),
                f["fast_id"],
                num(&f["retention_rate"])
            ));
        }
    }
}

#[test]
fn utc_without_segment() {
    check(
        "expected_UTC_2024-12-22_2025-01-20.json",
        "2024-12-22",
        "2025-01-20",
        "UTC",
        Segment::default(),
    );
}

#[test]
fn fasts_and_app_usage_utc() {
    check_example(
        "tiny-fasts",
        "expected_UTC_2025-01-01_2025-01-31.json",
        "2025-01-01",
        "2025-01-31",
        "UTC",
        Segment::default(),
    );
}

#[test]
fn fasts_and_app_usage_los_angeles_across_dst() {
    check_example(
        "tiny-fasts",
        "expected_America-Los_Angeles_2024-10-20_2024-11-16.json",
        "2024-10-20",
        "2024-11-16",
        "America/Los_Angeles",
        Segment::default(),
    );
}

#[test]
fn los_angeles_without_staff() {
    check(
        "expected_America-Los_Angeles_2024-11-01_2025-01-31_exclude-staff.json",
        "2024-11-01",
        "2025-01-31",
        "America/Los_Angeles",
        Segment {
            exclude_staff: true,
            church_id: None,
        },
    );
}

#[test]
fn kolkata_one_church() {
    check(
        "expected_Asia-Kolkata_2024-12-01_2025-01-31_church-2.json",
        "2024-12-01",
        "2025-01-31",
        "Asia/Kolkata",
        Segment {
            exclude_staff: false,
            church_id: Some(2),
        },
    );
}

#[test]
fn one_week_one_church_without_staff() {
    check(
        "expected_UTC_2025-01-06_2025-01-12_exclude-staff_church-1.json",
        "2025-01-06",
        "2025-01-12",
        "UTC",
        Segment {
            exclude_staff: true,
            church_id: Some(1),
        },
    );
}

#[test]
fn every_warning_is_in_the_summary() {
    let loaded = load();
    assert!(!loaded.warnings.is_empty());
    let period = Period::from_options(
        Some("2024-12-22"),
        Some("2025-01-20"),
        None,
        Default::default(),
    )
    .unwrap();
    let segmented = Segment::default().apply(&loaded.dataset).unwrap();
    let report = metrics::compute(&segmented.dataset, &period);
    let insights = insights::compute(
        &segmented.dataset,
        &period,
        &report,
        &segmented.info,
        &loaded.warnings,
    );
    for w in &loaded.warnings {
        assert!(
            insights.summary_md.contains(&format!("- {w}\n")),
            "{w}\n{}",
            insights.summary_md
        );
    }
}
