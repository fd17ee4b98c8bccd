//! Data set 6: weekly join cohorts and how many were active in the period.

use std::collections::BTreeMap;

use super::{average, Context};
use crate::period::{iso_week_label, week_monday, Date};
use crate::report::CohortRow;

#[derive(Default)]
struct Cohort {
    total: u64,
    active: u64,
    items: u64,
}

pub(super) fn compute(ctx: &Context<'_, '_>) -> Vec<CohortRow> {
    let end = ctx.period.end();
    let mut cohorts: BTreeMap<Date, Cohort> = BTreeMap::new();
    for (i, user) in ctx.data.users.iter().enumerate() {
        let monday = week_monday(ctx.period.local_date(user.date_joined));
        if monday > end {
            continue;
        }
        let c = cohorts.entry(monday).or_default();
        c.total += 1;
        let items = u64::from(ctx.feed_in_period[i]);
        if items > 0 {
            c.active += 1;
            c.items += items;
        }
    }
    cohorts
        .into_iter()
        .rev()
        .map(|(monday, c)| CohortRow {
            cohort_week: iso_week_label(monday),
            cohort_start_date: monday,
            total_users: c.total,
            active_users: c.active,
            retention_rate: average(100.0 * c.active as f64, c.total as f64),
            avg_activities_per_user: average(c.items as f64, c.active as f64),
            cohort_age_weeks: (end - monday).num_days() / 7,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::metrics::testing::*;

    #[test]
    fn cohorts_across_new_year() {
        let data = TestBundle::new()
            .user(1, "2024-12-30 00:00:00+00") // Monday of 2025-W01
            .user(2, "2025-01-05 23:59:59+00") // Sunday of 2025-W01
            .user(3, "2024-12-29 23:59:59+00") // Sunday of 2024-W52
            .user(4, "2025-01-21 00:00:00+00") // after the end, week starts before it
            .user(5, "2025-01-27 00:00:00+00") // week starts after the end: left out
            .feed(1, 1, "a", "2025-01-02 00:00:00+00")
            .feed(2, 1, "a", "2025-01-03 00:00:00+00")
            .feed(3, 1, "a", "2025-01-04 00:00:00+00")
            .feed(4, 3, "a", "2024-12-01 00:00:00+00") // before the period
            .load();
        let r = report(&data, "2024-12-22", "2025-01-22", "UTC");
        assert_eq!(
            json(&r.retention_cohorts),
            concat!(
                r#"[{"cohort_week":"2025-W04","cohort_start_date":"2025-01-20","total_users":1,"active_users":0,"retention_rate":0.0,"avg_activities_per_user":0.0,"cohort_age_weeks":0},"#,
                r#"{"cohort_week":"2025-W01","cohort_start_date":"2024-12-30","total_users":2,"active_users":1,"retention_rate":50.0,"avg_activities_per_user":3.0,"cohort_age_weeks":3},"#,
                r#"{"cohort_week":"2024-W52","cohort_start_date":"2024-12-23","total_users":1,"active_users":0,"retention_rate":0.0,"avg_activities_per_user":0.0,"cohort_age_weeks":4}]"#
            )
        );
    }

    #[test]
    fn time_zone_moves_a_user_to_the_previous_week() {
        // 2024-12-30 05:00 UTC is still Sunday 2024-12-29 in Los Angeles.
        let data = TestBundle::new().user(1, "2024-12-30 05:00:00+00").load();
        let r = report(&data, "2025-01-01", "2025-01-10", "America/Los_Angeles");
        assert_eq!(r.retention_cohorts[0].cohort_week, "2024-W52");
        let r = report(&data, "2025-01-01", "2025-01-10", "UTC");
        assert_eq!(r.retention_cohorts[0].cohort_week, "2025-W01");
        assert_eq!(r.retention_cohorts[0].retention_rate, 0.0);
    }

    #[test]
    fn rates_round_to_two_decimals() {
        let data = TestBundle::new()
            .user(1, "2025-01-06 00:00:00+00")
            .user(2, "2025-01-06 00:00:00+00")
            .user(3, "2025-01-06 00:00:00+00")
            .feed(1, 1, "a", "2025-01-07 00:00:00+00")
            .feed(2, 2, "a", "2025-01-07 00:00:00+00")
            .feed(3, 2, "a", "2025-01-07 00:00:00+00")
            .load();
        let r = report(&data, "2025-01-06", "2025-01-12", "UTC");
        assert_eq!(r.retention_cohorts[0].retention_rate, 66.67);
        assert_eq!(r.retention_cohorts[0].avg_activities_per_user, 1.5);
    }
}
