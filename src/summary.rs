//! The page's figures of a load and of a report: table counts, the data's
//! extent, warnings, summary cards and charts. No browser API here.

use engagement_engine::load::{file_kind, FileKind, Loaded, Table};
use engagement_engine::period::{date_in, Period};
use engagement_engine::readable::charts::report_charts;
use engagement_engine::report::Report;

use engagement_engine::insights::{EngagementStatus, Insights};

use crate::protocol::{
    AppUsageFigures, Comparison, HeatCell, InsightsSummary, LoadSummary, ReportSummary,
    TriangleCohort,
};
use crate::table_store::TableStore;

/// The page's figures and the charts of a report's seven data sets (the
/// worker adds the insights' charts).
pub fn summarize(report: &Report<'_>, period: &Period, tables: &TableStore) -> ReportSummary {
    let om = &report.other_metrics;
    // The newest cohort that had joined before the period began: its members'
    // activity in the period is retention. A cohort that joins inside the
    // period is "active" by joining (its first feed item), so it reads
    // 100 % on nearly every bundle and says nothing.
    let start = period.start();
    let earlier_cohort = report
        .retention_cohorts
        .iter()
        .find(|c| start.signed_duration_since(c.cohort_start_date).num_days() >= 7)
        .map(|c| {
            (
                c.cohort_week.clone(),
                c.retention_rate,
                c.active_users,
                c.total_users,
            )
        });
    ReportSummary {
        range: (
            report.range.start.clone(),
            report.range.end.clone(),
            report.range.timezone.clone(),
        ),
        new_users: report.new_users_over_time.iter().map(|r| r.count).sum(),
        active_users: om.active_users,
        events: om.events_by_type.values().sum(),
        screen_views: om.screen_views.total,
        earlier_cohort,
        other_metrics_json: serde_json::to_string_pretty(om).unwrap_or_default(),
        tables: tables
            .tables()
            .iter()
            .map(|t| (t.name.clone(), t.columns.clone(), t.len() as u64))
            .collect(),
        zip_name: engagement_engine::export::zip_name(period),
        insights: InsightsSummary::default(),
        charts: report_charts(report, period),
        segment: None,
        segment_notice: None,
        millis: 0.0,
        memory_bytes: 0,
    }
}

/// The insights the page draws outside tables.
pub fn summarize_insights(insights: &Insights<'_>) -> InsightsSummary {
    let pc = &insights.period_comparison;
    let (at_risk, declining) = (
        insights.users_with_status(EngagementStatus::AtRisk),
        insights.users_with_status(EngagementStatus::Declining),
    );
    InsightsSummary {
        summary_md: insights.summary_md.clone(),
        summary_nodes: engagement_engine::readable::markdown::parse(&insights.summary_md),
        periods: (
            (pc.current.start.to_string(), pc.current.end.to_string()),
            (pc.previous.start.to_string(), pc.previous.end.to_string()),
        ),
        comparison: pc
            .metrics
            .iter()
            .map(|m| Comparison {
                metric: m.metric.to_string(),
                current: m.current,
                previous: m.previous,
                change: m.change,
                change_pct: m.change_pct,
            })
            .collect(),
        triangle: insights
            .retention_matrix
            .iter()
            .map(|c| TriangleCohort {
                cohort_week: c.cohort_week.clone(),
                cohort_start_date: c.cohort_start_date.to_string(),
                users: c.users,
                weeks: c
                    .weeks
                    .iter()
                    .map(|w| (w.week, w.active, w.rate, w.complete))
                    .collect(),
            })
            .collect(),
        heatmap: insights
            .activity_heatmap
            .iter()
            .map(|c| HeatCell {
                weekday: c.weekday,
                hour: c.hour,
                events: c.events,
                feed_items: c.feed_items,
                users: c.users,
            })
            .collect(),
        statuses: (
            at_risk,
            declining,
            insights.user_engagement.len() as u64 - at_risk - declining,
        ),
        app_usage: {
            let u = &insights.app_usage;
            let s = &u.session_seconds;
            AppUsageFigures {
                app_opens: u.app_opens,
                app_open_users: u.app_open_users,
                sessions: u.sessions,
                session_users: u.session_users,
                sessions_per_user: u.sessions_per_user,
                session_count: s.count,
                session_seconds: s.mean.zip(s.median).zip(s.p90).map(|((a, b), c)| (a, b, c)),
            }
        },
    }
}

/// The tables the load summary lists as missing.
fn missing_tables(load: &LoadSummary) -> Vec<Table> {
    Table::ALL
        .into_iter()
        .filter(|t| load.missing.iter().any(|m| m == t.file_name()))
        .collect()
}

/// What a card or chart (named as [`engagement_engine::load::needs`] names
/// them) needs among the missing tables: `needs events_event.csv`, or
/// `None`.
pub fn needs(load: &LoadSummary, name: &str) -> Option<String> {
    engagement_engine::load::needs(&missing_tables(load), name)
}

/// The missing tables a data set or insight (named as
/// [`engagement_engine::load::made_without`] names them) is made without:
/// `made without events_event.csv`, or `None`.
pub fn made_without(load: &LoadSummary, name: &str) -> Option<String> {
    engagement_engine::load::made_without(&missing_tables(load), name)
}

/// What was loaded, for "Loaded …" on the page: one file by its name and
/// kind ("dump.json (a Django dumpdata file)"), several by their number.
pub fn loaded_files_text(names: &[String]) -> String {
    match names {
        [name] => match file_kind(name) {
            FileKind::Dump => format!("{name} (a Django dumpdata file)"),
            FileKind::Zip => format!("{name} (a zip of export files)"),
            _ => name.clone(),
        },
        _ => format!("{} files", names.len()),
    }
}

/// Whether any of `names` is a `dumpdata` file.
pub fn any_dump(names: &[String]) -> bool {
    names.iter().any(|n| file_kind(n) == FileKind::Dump)
}

/// What loading found, with the data's first and last day in `zone`.
pub fn load_summary(loaded: &Loaded, source: &str, zone: chrono_tz::Tz) -> LoadSummary {
    let d = &loaded.dataset;
    let extent = loaded
        .dataset
        .time_extent()
        .map(|(a, b)| (date_in(zone, a), date_in(zone, b)));
    LoadSummary {
        source: source.to_string(),
        tables: loaded
            .counts
            .0
            .iter()
            .map(|(t, n)| (t.label().to_string(), t.file_name().to_string(), *n))
            .collect(),
        extent: extent.map(|(a, b)| (a.to_string(), b.to_string())),
        staff_flags: !d.users.is_empty() && d.optional_columns.staff_missing.is_empty(),
        churches: if d.optional_columns.church_missing.is_empty() && !d.profile_churches.is_empty()
        {
            d.churches
                .iter()
                .map(|c| (c.id, c.name.to_string()))
                .collect()
        } else {
            Vec::new()
        },
        warnings: loaded
            .warnings
            .iter()
            .map(|w| (w.count, w.to_string()))
            .collect(),
        rows_left_out: loaded.rows_left_out(),
        missing: loaded
            .missing_tables()
            .iter()
            .map(|t| t.file_name().to_string())
            .collect(),
        incomplete: loaded.incomplete_files(),
        from_dump: false,
        other_models: loaded.other_models().to_vec(),
        millis: 0.0,
        memory_bytes: 0,
    }
}

/// What a dump held beyond the report's tables, in one sentence: how many
/// objects of how many other models, the largest few named (model names
/// are the app's schema, never members' data).
pub fn other_models_text(models: &[(String, u64)]) -> Option<String> {
    if models.is_empty() {
        return None;
    }
    let objects: u64 = models.iter().map(|m| m.1).sum();
    let mut largest: Vec<&(String, u64)> = models.iter().collect();
    largest.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let named: Vec<String> = largest
        .iter()
        .take(3)
        .map(|(m, n)| format!("{m} {}", engagement_engine::load::grouped(*n)))
        .collect();
    let more = if models.len() > 3 { ", …" } else { "" };
    Some(format!(
        "The dump also holds {} object{} of {} other model{} that the report does not need ({}{more}); they were left aside.",
        engagement_engine::load::grouped(objects),
        if objects == 1 { "" } else { "s" },
        models.len(),
        if models.len() == 1 { "" } else { "s" },
        named.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dumps_other_models_are_said_in_one_sentence() {
        assert_eq!(other_models_text(&[]), None);
        assert_eq!(
            other_models_text(&[("admin.logentry".into(), 1)]).unwrap(),
            "The dump also holds 1 object of 1 other model that the report does not need (admin.logentry 1); they were left aside."
        );
        let many = [
            ("a.one".to_string(), 5),
            ("b.two".to_string(), 1200),
            ("c.three".to_string(), 5),
            ("d.four".to_string(), 7),
        ];
        assert_eq!(
            other_models_text(&many).unwrap(),
            "The dump also holds 1,217 objects of 4 other models that the report does not need (b.two 1,200, d.four 7, a.one 5, …); they were left aside."
        );
    }

    #[test]
    fn loaded_files_are_named_by_what_they_are() {
        let one = |n: &str| loaded_files_text(&[n.to_string()]);
        assert_eq!(one("dump.json"), "dump.json (a Django dumpdata file)");
        assert_eq!(one("export.zip"), "export.zip (a zip of export files)");
        assert_eq!(one("auth_user.csv"), "auth_user.csv");
        let nine: Vec<String> = Table::ALL.iter().map(|t| t.file_name().into()).collect();
        assert_eq!(loaded_files_text(&nine), "9 files");
        assert!(any_dump(&["a.csv".into(), "dump.json".into()]));
        assert!(!any_dump(&nine));
    }

    /// The retention card's cohort is the newest one whose whole week lies
    /// before the period: cohorts that join inside the period count as
    /// active by joining.
    #[test]
    fn the_retention_card_takes_the_newest_cohort_from_before_the_period() {
        use engagement_engine::demo::{csv_tables, DemoConfig};
        use engagement_engine::load::{Bundle, Limits};
        let mut b = Bundle::new(Limits::default());
        for (name, bytes) in csv_tables(&DemoConfig::new(200)) {
            b.add_bytes(&name, &bytes).unwrap();
        }
        let loaded = b.finish().unwrap();
        // 2025-06-04 is a Wednesday: the week of Monday 2025-06-02 is the
        // period's own, that of 2025-05-26 ends on the day before it.
        let period = Period::from_options(
            Some("2025-06-04"),
            Some("2025-06-30"),
            None,
            Default::default(),
        )
        .unwrap();
        let report = engagement_engine::metrics::compute(&loaded.dataset, &period);
        let store = TableStore::from_report(&report);
        let summary = summarize(&report, &period, &store);
        let (week, rate, active, total) = summary.earlier_cohort.clone().unwrap();
        assert_eq!(week, "2025-W22");
        let row = report
            .retention_cohorts
            .iter()
            .find(|c| c.cohort_week == week)
            .unwrap();
        assert_eq!(
            (rate, active, total),
            (row.retention_rate, row.active_users, row.total_users)
        );
        // A period before every cohort has none.
        let early = Period::from_options(
            Some("2020-01-01"),
            Some("2020-01-31"),
            None,
            Default::default(),
        )
        .unwrap();
        let report = engagement_engine::metrics::compute(&loaded.dataset, &early);
        let store = TableStore::from_report(&report);
        assert_eq!(summarize(&report, &early, &store).earlier_cohort, None);
    }
}
