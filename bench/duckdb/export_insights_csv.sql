-- Writes the insight data sets (SPEC 7) as CSV into the folder __OUT__
-- (substituted by the runner).  Runs after insights.sql and export_csv.sql
-- (whose csv_text macro it uses).  summary.md is not reproduced.

-- retention_matrix: weeks as columns week_<n>_active, week_<n>_rate for
-- n = 0..12, empty when the week is not listed; complete_weeks = how many of
-- the listed weeks are complete.
COPY (SELECT cohort_week, cohort_start_date, users,
             length(list_filter(weeks, lambda w: w.complete)) AS complete_weeks,
             weeks[1].active AS week_0_active, weeks[1].rate AS week_0_rate,
             weeks[2].active AS week_1_active, weeks[2].rate AS week_1_rate,
             weeks[3].active AS week_2_active, weeks[3].rate AS week_2_rate,
             weeks[4].active AS week_3_active, weeks[4].rate AS week_3_rate,
             weeks[5].active AS week_4_active, weeks[5].rate AS week_4_rate,
             weeks[6].active AS week_5_active, weeks[6].rate AS week_5_rate,
             weeks[7].active AS week_6_active, weeks[7].rate AS week_6_rate,
             weeks[8].active AS week_7_active, weeks[8].rate AS week_7_rate,
             weeks[9].active AS week_8_active, weeks[9].rate AS week_8_rate,
             weeks[10].active AS week_9_active, weeks[10].rate AS week_9_rate,
             weeks[11].active AS week_10_active, weeks[11].rate AS week_10_rate,
             weeks[12].active AS week_11_active, weeks[12].rate AS week_11_rate,
             weeks[13].active AS week_12_active, weeks[13].rate AS week_12_rate
      FROM retention_matrix)
TO '__OUT__/retention_matrix.csv' (FORMAT CSV, HEADER);

COPY (SELECT * FROM activity_heatmap)
TO '__OUT__/activity_heatmap.csv' (FORMAT CSV, HEADER);

COPY (SELECT * REPLACE (csv_text(username) AS username, csv_text(email) AS email)
      FROM user_engagement)
TO '__OUT__/user_engagement.csv' (FORMAT CSV, HEADER);

COPY (SELECT * REPLACE (csv_text(fast_name) AS fast_name, csv_text(church_name) AS church_name)
      FROM fast_retention)
TO '__OUT__/fast_retention.csv' (FORMAT CSV, HEADER);

COPY (SELECT metric, current, previous, change, change_pct FROM period_comparison_metrics)
TO '__OUT__/period_comparison.csv' (FORMAT CSV, HEADER);

-- Fasts and app usage (SPEC 11; fasts.sql): app_usage stays JSON (written
-- by the runner), the others are CSV.
COPY (SELECT * FROM daily_activity)
TO '__OUT__/daily_activity.csv' (FORMAT CSV, HEADER);

COPY (SELECT * REPLACE (csv_text(fast_name) AS fast_name, csv_text(church_name) AS church_name)
      FROM fast_calendar)
TO '__OUT__/fast_calendar.csv' (FORMAT CSV, HEADER);

COPY (SELECT * FROM fast_daily)
TO '__OUT__/fast_daily.csv' (FORMAT CSV, HEADER);

COPY (SELECT * FROM fast_editions)
TO '__OUT__/fast_editions.csv' (FORMAT CSV, HEADER);
