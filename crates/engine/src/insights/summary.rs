//! Insight 6: `summary.md`, a plain-language brief small enough for any
//! LLM's context. Every figure is taken from the data sets as they are (the
//! same rounded values), never recomputed.

use std::fmt::Write as _;

use super::words::{change_figure, hour_range, plural};
use super::{EngagementStatus, Insights, AT_RISK_DAYS, MIN_MEMBERS_FOR_BEST_FAST};
use crate::load::{needs, Table, Warning};
use crate::period::Period;
use crate::report::Report;
use crate::segment::SegmentInfo;

/// The brief stays under this many bytes (SPEC §7.6: under 8 KB).
pub const MAX_SUMMARY_BYTES: usize = 8192;

/// How many current fasts against their previous edition the brief names.
const MAX_EDITIONS: usize = 5;

/// What SPEC §11 adds: app opens and sessions against the previous period,
/// the median session length, the top platform, and each current fast's
/// sign-ups against its previous edition's at the same point.
fn app_and_fasts(md: &mut String, insights: &Insights<'_>) {
    let u = &insights.app_usage;
    let (previous_opens, previous_sessions) = insights.previous_opens_and_sessions;
    md.push_str("\n## App usage and fasts\n\n");
    let _ = writeln!(
        md,
        "- App opens: {} (previous period: {previous_opens}).",
        u.app_opens
    );
    let _ = writeln!(
        md,
        "- Sessions: {} (previous period: {previous_sessions}).",
        u.sessions
    );
    match u.session_seconds.median {
        Some(m) => {
            let _ = writeln!(
                md,
                "- Median session length: {m} seconds (over {}).",
                plural(u.session_seconds.count, "session length", "session lengths")
            );
        }
        None => md.push_str("- Median session length: no session lengths in the period.\n"),
    }
    match u.platforms.first() {
        Some(p) => {
            let _ = writeln!(
                md,
                "- Top platform: {} ({} by {}).",
                code(p.platform),
                plural(p.opens, "open", "opens"),
                plural(p.users, "user", "users")
            );
        }
        None => md.push_str("- Top platform: no app opens in the period.\n"),
    }
    let current: Vec<&super::FastCalendarRow<'_>> = insights
        .fast_calendar
        .iter()
        .filter(|f| f.status == super::FastStatus::Current)
        .collect();
    let mut lines = Vec::new();
    for run in insights
        .fast_editions
        .chunk_by(|a, b| a.fast_id == b.fast_id)
    {
        let last = run.last().expect("a run has rows");
        let Some(fast) = current.iter().find(|f| f.fast_id == last.fast_id) else {
            continue;
        };
        lines.push(format!(
            "- {} (fast {}): {} by day {} against {} for the previous edition (fast {}) at the same point (day {} of `fast_editions`, {} against {}).",
            code(fast.fast_name),
            fast.fast_id,
            plural(last.cumulative_joins, "sign-up", "sign-ups"),
            last.relative_day,
            last.previous_cumulative_joins,
            last.previous_fast_id,
            last.relative_day,
            last.date,
            last.previous_date
        ));
    }
    if lines.is_empty() {
        md.push_str("- Current fasts against last year: no current fast has a previous edition.\n");
    }
    let more = lines.len().saturating_sub(MAX_EDITIONS);
    for line in lines.into_iter().take(MAX_EDITIONS) {
        md.push_str(&line);
        md.push('\n');
    }
    if more > 0 {
        let _ = writeln!(
            md,
            "- … and {more} more current fasts with a previous edition (see `fast_editions`)."
        );
    }
}

/// How many screens and fasts the brief names.
const TOP: usize = 3;

/// Longest text from the data quoted in the brief, in characters.
const MAX_QUOTE_CHARS: usize = 80;

/// Longest warning line, in characters.
const MAX_WARNING_CHARS: usize = 300;

pub(super) fn write(
    period: &Period,
    segment: &SegmentInfo,
    report: &Report<'_>,
    insights: &Insights<'_>,
    warnings: &[Warning],
    missing: &[Table],
) -> String {
    // "needs events_event.csv" where a figure's table is not in the export files
    // (SPEC §2d): never a zero that looks like a measurement.
    let needs =
        |name: &str| needs(missing, name).map(|n| format!("{}{}", &n[..1].to_uppercase(), &n[1..]));
    let mut md = String::with_capacity(4096);
    let days = period.day_count();
    let pc = &insights.period_comparison;
    let _ = writeln!(md, "# Engagement report summary\n");
    let _ = writeln!(
        md,
        "- Period: {} to {} ({}), time zone {}.",
        period.start(),
        period.end(),
        plural(days as u64, "day", "days"),
        period.tz().name()
    );
    let _ = writeln!(
        md,
        "- Compared with the previous {}: {} to {}.",
        plural(days as u64, "day", "days"),
        pc.previous.start,
        pc.previous.end
    );
    let _ = writeln!(md, "- Segment: {}.", segment.describe(code));

    md.push_str("\n## Headline figures\n\n");
    md.push_str("| Metric | This period | Previous period | Change |\n");
    md.push_str("| --- | ---: | ---: | ---: |\n");
    for (m, label) in pc
        .metrics
        .iter()
        .zip(super::period_comparison::METRIC_LABELS)
    {
        if let Some(n) = needs(m.metric) {
            let _ = writeln!(md, "| {label} (`{}`) | {n} | {n} | |", m.metric);
            continue;
        }
        let _ = writeln!(
            md,
            "| {label} (`{}`) | {} | {} | {} |",
            m.metric,
            m.current,
            m.previous,
            change_figure(m.change, m.change_pct)
        );
    }

    let screens = &report.other_metrics.screen_views.top_screens;
    md.push_str("\n## Top screens\n\n");
    if let Some(n) = needs("top_screens") {
        let _ = writeln!(md, "{n}.");
    } else if screens.is_empty() {
        md.push_str("No screen views with a screen name in the period.\n");
    }
    for (i, s) in screens.iter().take(TOP).enumerate() {
        let _ = writeln!(
            md,
            "{}. {}: {}",
            i + 1,
            code(s.screen),
            plural(s.views, "view", "views")
        );
    }

    let fasts = &report.other_metrics.top_fasts_by_joins;
    md.push_str("\n## Top fasts by joins\n\n");
    if let Some(n) = needs("top_fasts_by_joins") {
        let _ = writeln!(md, "{n}.");
    } else if fasts.is_empty() {
        md.push_str("No fast joins in the period.\n");
    }
    for (i, f) in fasts.iter().take(TOP).enumerate() {
        let _ = writeln!(
            md,
            "{}. {} (fast {}): {}",
            i + 1,
            code(&f.fast),
            f.fast_id,
            plural(f.joins, "join", "joins")
        );
    }

    md.push_str("\n## When users are most active\n\n");
    if let Some(n) = needs("activity_heatmap") {
        // The peak of one half of the activity is no peak of activity.
        let _ = writeln!(md, "{n}.");
    } else {
        match insights.peak() {
            Some(p) => {
                let _ = writeln!(
                md,
                "The busiest hour of the week is {} {} ({}): {} and {}, {} in all (weekday {}, hour {} of `activity_heatmap`).",
                p.weekday_name,
                hour_range(p.hour),
                period.tz().name(),
                plural(p.events, "event", "events"),
                plural(p.feed_items, "feed item", "feed items"),
                p.total(),
                p.weekday,
                p.hour
            );
            }
            None => md.push_str("No events or feed items in the period.\n"),
        }
    }

    md.push_str("\n## Users at risk\n\n");
    if let Some(n) = needs("user_engagement") {
        let _ = writeln!(md, "{n}.");
    } else {
        let at_risk = insights.users_with_status(EngagementStatus::AtRisk);
        let declining = insights.users_with_status(EngagementStatus::Declining);
        let engaged = insights.users_with_status(EngagementStatus::Engaged);
        let _ = writeln!(
        md,
        "Of the {} with a feed item in the period, {} at risk (no feed item in the last {AT_RISK_DAYS} days of the period or more), {} declining (fewer than half as many feed items in the second half of the period as in the first) and {} engaged.",
        plural(insights.user_engagement.len() as u64, "user", "users"),
        is_are(at_risk),
        is_are(declining),
        is_are(engaged)
    );
    }

    md.push_str("\n## Retention\n\n");
    if let Some(n) = needs("retention_matrix") {
        let _ = writeln!(md, "- Best week-1 retention: {}.", lower(&n));
    } else {
        match insights.best_week1_cohort() {
            Some(c) => {
                let week1 = c.week(1).expect("a complete week 1");
                let _ = writeln!(
                md,
                "- Best week-1 retention: cohort {} (joined the week of {}, {}): {}% active in week 1 ({} of {}).",
                c.cohort_week,
                c.cohort_start_date,
                plural(c.users, "user", "users"),
                week1.rate,
                week1.active,
                c.users
            );
            }
            None => md.push_str("- Best week-1 retention: no cohort has a complete week 1 yet.\n"),
        }
    }
    if let Some(n) = needs("fast_retention") {
        let _ = writeln!(md, "- Best-retained fast: {}.", lower(&n));
    } else {
        match insights.best_fast_retention() {
            Some(f) => {
                let _ = writeln!(
                md,
                "- Best-retained fast (at least {MIN_MEMBERS_FOR_BEST_FAST} members ever): {} (fast {}): {}% retention, {} of {} members ever still in it.",
                code(f.fast_name),
                f.fast_id,
                f.retention_rate,
                f.active_members,
                f.members_ever
            );
            }
            None => {
                let _ = writeln!(
                md,
                "- Best-retained fast: no fast has at least {MIN_MEMBERS_FOR_BEST_FAST} members ever."
            );
            }
        }
    }

    app_and_fasts(&mut md, insights);

    md.push_str("\n## Warnings\n\n");
    if warnings.is_empty() {
        md.push_str("None: every row of the export files was used.\n");
    }
    for (i, w) in warnings.iter().enumerate() {
        let line = format!("- {}\n", one_line(&w.report_text(), MAX_WARNING_CHARS));
        // Room for this line and for the line that says what was left out.
        if md.len() + line.len() + 200 >= MAX_SUMMARY_BYTES {
            let rest = &warnings[i..];
            let rows: u64 = rest.iter().map(|w| w.count).sum();
            let _ = writeln!(
                md,
                "- … and {} more {} ({} rows or files in all), not listed here to keep this brief under 8 KB; the report's warnings list them all.",
                rest.len(),
                if rest.len() == 1 { "warning" } else { "warnings" },
                rows
            );
            break;
        }
        md.push_str(&line);
    }
    md
}

/// `Needs x` as `needs x`.
fn lower(text: &str) -> String {
    let mut out = text.to_string();
    out[..1].make_ascii_lowercase();
    out
}

/// The line that says names were replaced (SPEC §12), after the segment's.
pub(crate) const PSEUDONYMS_LINE: &str = "- Names: every user is shown by a pseudonym (`P-` and 10 hex digits); usernames, e-mails and feed texts were replaced or left out.";

/// `md`, a brief written by [`write`], as pseudonymised output shows it:
/// with [`PSEUDONYMS_LINE`] after the segment's line, and each warning of
/// `warnings` listed as its `redacted` counterpart (same order) instead.
pub(crate) fn pseudonymized(md: &str, warnings: &[Warning], redacted: &[Warning]) -> String {
    let mut out = String::with_capacity(md.len() + PSEUDONYMS_LINE.len() + 1);
    let mut in_warnings = false;
    for line in md.split_inclusive('\n') {
        if in_warnings {
            let same = warnings.iter().zip(redacted).find(|(w, _)| {
                line == format!("- {}\n", one_line(&w.report_text(), MAX_WARNING_CHARS))
            });
            if let Some((_, r)) = same {
                let _ = writeln!(out, "- {}", one_line(&r.report_text(), MAX_WARNING_CHARS));
                continue;
            }
        }
        out.push_str(line);
        if line.starts_with("- Segment: ") {
            out.push_str(PSEUDONYMS_LINE);
            out.push('\n');
        }
        in_warnings |= line == "## Warnings\n";
    }
    out
}

/// `1 is`, `2 are`.
fn is_are(n: u64) -> String {
    format!("{n} {}", if n == 1 { "is" } else { "are" })
}

/// Text from the data on one line, shortened.
fn one_line(text: &str, max_chars: usize) -> String {
    let mut out: String = text
        .chars()
        .take(max_chars)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(max_chars).is_some() {
        out.push('…');
    }
    out
}

/// Text from the data as a Markdown code span, so that nothing in it is
/// read as Markdown: fenced with more backticks than it holds in a row.
fn code(text: &str) -> String {
    let text = one_line(text, MAX_QUOTE_CHARS);
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    // A span that starts or ends with a backtick (or is blank) needs a
    // space inside the fence, which Markdown strips.
    let pad = if text.starts_with('`') || text.ends_with('`') || text.trim().is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::testing::*;
    use crate::load::{Location, Warning};
    use crate::metrics::testing::*;
    use crate::segment::{Segment, SegmentInfo};

    #[test]
    fn code_spans_hold_any_text() {
        assert_eq!(code("home"), "`home`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x``"), "``` `x`` ```");
        assert_eq!(code("line\nbreak"), "`line break`");
        let long = "é".repeat(100);
        assert_eq!(code(&long).chars().count(), 80 + 1 + 2);
    }

    fn bundle() -> TestBundle {
        let mut b = TestBundle::new().fast(10, "Lent", None, Some(2025));
        // 10 members of fast 10, 7 still in it: 70%.
        for u in 1..=10 {
            b = b.user(u, "2025-01-06 09:00:00+00").event(
                "user_joined_fast",
                Some(u),
                Some(10),
                "2025-01-07 09:00:00+00",
            );
            if u <= 7 {
                b = b.member(u, 10);
            }
        }
        b.event_data(
            "screen_view",
            Some(1),
            r#"{"screen": "*bold* [link](x)"}"#,
            "2025-01-08 18:10:00+00",
        )
        .feed(1, 1, "a", "2025-01-08 18:20:00+00")
        .feed(2, 2, "a", "2025-01-14 08:00:00+00")
        .feed(3, 3, "a", "2025-01-20 09:00:00+00")
    }

    #[test]
    fn states_the_figures_of_the_data_sets() {
        let data = bundle().load();
        let got = insights(&data, "2025-01-06", "2025-01-26", "UTC");
        let md = &got.summary_md;
        assert!(
            md.contains("- Period: 2025-01-06 to 2025-01-26 (21 days), time zone UTC."),
            "{md}"
        );
        assert!(
            md.contains("previous 21 days: 2024-12-16 to 2025-01-05"),
            "{md}"
        );
        assert!(md.contains("- Segment: all users."), "{md}");
        assert!(
            md.contains("| New users (`new_users`) | 10 | 0 | +10 (no previous value) |"),
            "{md}"
        );
        assert!(
            md.contains("| Fast joins (`fast_joins`) | 10 | 0 | +10 (no previous value) |"),
            "{md}"
        );
        assert!(md.contains("1. `*bold* [link](x)`: 1 view\n"), "{md}");
        assert!(
            md.contains("1. `Lent (2025)` (fast 10): 10 joins\n"),
            "{md}"
        );
        // Wednesday 2025-01-08 18:00: one event and one feed item; the
        // Tuesday 09:00 joins are 10 events, but on the 7th only.
        let peak = got.peak().unwrap();
        assert_eq!((peak.weekday, peak.hour, peak.total()), (2, 9, 10));
        assert!(
            md.contains("is Tue 09:00-10:00 (UTC): 10 events and 0 feed items, 10 in all (weekday 2, hour 9 of"),
            "{md}"
        );
        // Items on the 8th (18 days before the end), 14th (12), 20th (6).
        assert!(
            md.contains("Of the 3 users with a feed item in the period, 2 are at risk"),
            "{md}"
        );
        assert!(md.contains("0 are declining"), "{md}");
        assert!(md.contains("and 1 is engaged."), "{md}");
        // The only cohort, 2025-W02, had 1 of 10 users active in week 1.
        assert!(md.contains("cohort 2025-W02 (joined the week of 2025-01-06, 10 users): 10% active in week 1 (1 of 10)."), "{md}");
        assert!(
            md.contains("`Lent (2025)` (fast 10): 70% retention, 7 of 10 members ever"),
            "{md}"
        );
        assert!(
            md.contains("None: every row of the export files was used."),
            "{md}"
        );
        assert_eq!(got.best_fast_retention().unwrap().retention_rate, 70.0);
    }

    #[test]
    fn names_the_segment_and_stays_under_8_kb_with_many_warnings() {
        let data = bundle().load();
        let period = period("2025-01-06", "2025-01-26", "UTC");
        let report = crate::metrics::compute(&data, &period);
        let segment = SegmentInfo {
            segment: Segment {
                exclude_staff: true,
                church_id: Some(3),
            },
            church_name: Some("Holy `Trinity`".into()),
            staff_users_excluded: 4,
        };
        let warnings: Vec<Warning> = (0..500)
            .map(|i| Warning {
                file: format!("bundle.zip/extra_{i}.txt"),
                count: 1,
                what: "file is not an export table".into(),
                outcome: "skipped".into(),
                first: Some((Location::Line(2), "x".repeat(400))),
            })
            .collect();
        let got = crate::insights::compute(&data, &period, &report, &segment, &warnings);
        let md = &got.summary_md;
        assert!(md.len() < MAX_SUMMARY_BYTES, "{} bytes", md.len());
        assert!(
            md.contains("- Segment: staff excluded (4 users left out); church `` Holy `Trinity` `` (id 3) only."),
            "{md}"
        );
        assert!(
            md.contains("- extra_0.txt: 1 file is not an export table; skipped"),
            "{md}"
        );
        // Files are named without their folder or zip (Warning::report_text).
        let listed = md.matches("- extra_").count();
        assert!(listed > 5 && listed < 500, "{listed}");
        assert!(
            md.contains(&format!(
                "… and {} more warnings ({} rows or files in all)",
                500 - listed,
                500 - listed
            )),
            "{md}"
        );
    }

    #[test]
    fn says_so_when_there_is_nothing_to_name() {
        let data = TestBundle::new().user(1, "2025-01-06 00:00:00+00").load();
        let md = insights(&data, "2025-01-06", "2025-01-07", "UTC").summary_md;
        assert!(
            md.contains("No screen views with a screen name in the period."),
            "{md}"
        );
        assert!(md.contains("No fast joins in the period."), "{md}");
        assert!(
            md.contains("No events or feed items in the period."),
            "{md}"
        );
        assert!(md.contains("no cohort has a complete week 1 yet."), "{md}");
        assert!(md.contains("no fast has at least 10 members ever."), "{md}");
        assert!(md.contains("Of the 0 users with a feed item"), "{md}");
    }
}
