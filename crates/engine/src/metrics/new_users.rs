//! Data set 1: new users per local day of the period.

use super::Context;
use crate::report::NewUsersOnDay;

pub(super) fn compute(ctx: &Context<'_, '_>) -> Vec<NewUsersOnDay> {
    let mut per_day = vec![0u64; ctx.period.day_count()];
    for user in &ctx.data.users {
        if let Some(day) = ctx.period.day_index(user.date_joined) {
            per_day[day] += 1;
        }
    }
    per_day
        .iter()
        .enumerate()
        .filter(|(_, &count)| count > 0)
        .map(|(day, &count)| NewUsersOnDay {
            date: ctx.period.day(day),
            count,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::metrics::testing::*;

    #[test]
    fn counts_local_days_and_skips_empty_ones() {
        let b = TestBundle::new()
            .user(1, "2025-01-01 00:00:00+00") // first instant of the period
            .user(2, "2025-01-01 12:00:00+00")
            .user(3, "2025-01-03 23:59:59.999999+00") // last instant
            .user(4, "2024-12-31 23:59:59+00") // before
            .user(5, "2025-01-04 00:00:00+00"); // after
        let data = b.load();
        let r = report(&data, "2025-01-01", "2025-01-03", "UTC");
        assert_eq!(
            json(&r.new_users_over_time),
            r#"[{"date":"2025-01-01","count":2},{"date":"2025-01-03","count":1}]"#
        );
        // In Los Angeles (UTC-8) user 1 joined on Dec 31 and user 5 on Jan 3.
        let r = report(&data, "2025-01-01", "2025-01-03", "America/Los_Angeles");
        assert_eq!(
            json(&r.new_users_over_time),
            r#"[{"date":"2025-01-01","count":1},{"date":"2025-01-03","count":2}]"#
        );
    }
}
