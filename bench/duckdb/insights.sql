-- Insights (SPEC.md section 7) in DuckDB SQL, over the tables of report.sql
-- (run after it, same variables, same segment).  One view per insight data
-- set: retention_matrix, activity_heatmap, user_engagement, fast_retention
-- (one row per list element, JSON-ready columns) and period_comparison (one
-- JSON value).  summary.md is not reproduced.
--
-- Calendar days, weekdays and hours are those of the report time zone
-- (local_date / timezone(tz, ts)), so DST moves an instant's local hour.

------------------------------------------------------------------------------
-- Windows beyond the period
------------------------------------------------------------------------------

-- D = days in the period; the previous period is the D days before start,
-- or, when the period is whole calendar months (start a 1st, end a month's
-- last day), the same number of whole months before start.
SET VARIABLE period_days     = (SELECT getvariable('end_date') - getvariable('start_date') + 1);
SET VARIABLE period_months   = (SELECT CASE
        WHEN day(getvariable('start_date')) = 1 AND day(getvariable('end_date') + 1) = 1
        THEN (year(getvariable('end_date')) - year(getvariable('start_date'))) * 12
             + month(getvariable('end_date')) - month(getvariable('start_date')) + 1
        END);
SET VARIABLE prev_start_date = (SELECT CASE
        WHEN getvariable('period_months') IS NOT NULL
        THEN CAST(getvariable('start_date') - to_months(CAST(getvariable('period_months') AS INTEGER)) AS DATE)
        ELSE getvariable('start_date') - CAST(getvariable('period_days') AS INTEGER)
        END);
SET VARIABLE prev_start_utc  = (SELECT timezone(getvariable('tz'), CAST(getvariable('prev_start_date') AS TIMESTAMP)));
-- The oldest cohort of the retention matrix starts on the Monday of start's week.
SET VARIABLE first_monday    = (SELECT CAST(date_trunc('week', getvariable('start_date')) AS DATE));
SET VARIABLE last_monday     = (SELECT CAST(date_trunc('week', getvariable('end_date')) AS DATE));
SET VARIABLE history_start_utc = (SELECT timezone(getvariable('tz'),
        CAST(least(getvariable('prev_start_date'), getvariable('first_monday')) AS TIMESTAMP)));

CREATE OR REPLACE MACRO in_previous(ts) AS
    ts >= getvariable('prev_start_utc') AND ts < getvariable('start_utc');

-- Feed items of the segment from the earlier of (previous period's start,
-- first cohort Monday) to the end of the period; `day` = local date.
CREATE OR REPLACE TABLE feed_hist AS
SELECT user_id, ts, local_date(ts) AS day
FROM feed_rows()
WHERE ts >= getvariable('history_start_utc') AND ts < getvariable('end_utc');

-- Events of the segment in the previous period.
CREATE OR REPLACE TABLE event_prev AS
SELECT code, user_id FROM event_rows() WHERE in_previous(ts);

------------------------------------------------------------------------------
-- 1. retention_matrix: cohorts = ISO weeks from start's week to end's week
--    with >= 1 user who joined in the week (local date_joined, whole history);
--    newest first.  Week n (0..12) = [Monday + 7n, Monday + 7n + 7), listed
--    when its first day <= end, complete when its last day <= end; active =
--    members with a feed item in that week, up to the period's end (items
--    before start count).
------------------------------------------------------------------------------
CREATE OR REPLACE VIEW retention_matrix AS
WITH member AS (
    SELECT id AS user_id, CAST(date_trunc('week', local_date(date_joined)) AS DATE) AS monday
    FROM users
    WHERE date_joined IS NOT NULL
), cohort AS (
    SELECT monday, count(*) AS users
    FROM member
    WHERE monday BETWEEN getvariable('first_monday') AND getvariable('last_monday')
    GROUP BY monday
), week AS (
    SELECT cohort.monday, cohort.users, r.n
    FROM cohort CROSS JOIN range(0, 13) AS r(n)
    WHERE cohort.monday + CAST(7 * r.n AS INTEGER) <= getvariable('end_date')
), active AS (      -- (cohort, week) -> distinct active members
    SELECT member.monday, (feed_hist.day - member.monday) // 7 AS n, count(DISTINCT member.user_id) AS active
    FROM feed_hist JOIN member USING (user_id)
    WHERE feed_hist.day >= member.monday
    GROUP BY ALL
)
SELECT strftime(week.monday, '%G-W%V')   AS cohort_week,
       strftime(week.monday, '%Y-%m-%d') AS cohort_start_date,
       week.users,
       list({'week': week.n,
             'active': coalesce(active.active, 0),
             'rate': avg2(100.0 * coalesce(active.active, 0), week.users),
             'complete': week.monday + CAST(7 * week.n + 6 AS INTEGER) <= getvariable('end_date')}
            ORDER BY week.n) AS weeks
FROM week
LEFT JOIN active ON active.monday = week.monday AND active.n = week.n
GROUP BY week.monday, week.users
ORDER BY week.monday DESC;

------------------------------------------------------------------------------
-- 2. activity_heatmap: 168 cells (ISO weekday 1 = Monday .. 7, local hour
--    0..23), zeros included.  events = events in the period with or without
--    a user; feed_items = feed items in the period; users = distinct known
--    users with an event or a feed item in the cell.
------------------------------------------------------------------------------
CREATE OR REPLACE VIEW activity_heatmap AS
WITH hit AS (
    SELECT timezone(getvariable('tz'), ts) AS local_ts, user_id, 1 AS is_event
    FROM event WHERE in_period
    UNION ALL
    SELECT timezone(getvariable('tz'), ts), user_id, 0
    FROM feed
), cell AS (
    SELECT isodow(local_ts) AS weekday, hour(local_ts) AS hour,
           sum(is_event) AS events, sum(1 - is_event) AS feed_items,
           count(DISTINCT user_id) AS users
    FROM hit
    GROUP BY ALL
)
SELECT d.weekday,
       ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][d.weekday] AS weekday_name,
       h.hour,
       coalesce(cell.events, 0)     AS events,
       coalesce(cell.feed_items, 0) AS feed_items,
       coalesce(cell.users, 0)      AS users
FROM range(1, 8) AS d(weekday)
CROSS JOIN range(0, 24) AS h(hour)
LEFT JOIN cell ON cell.weekday = d.weekday AND cell.hour = h.hour
ORDER BY d.weekday, h.hour;

------------------------------------------------------------------------------
-- 3. user_engagement: one row per user with a feed item in the period,
--    ascending by user_id.  Days are local dates; the first half of the
--    period is its first ceil(D/2) days.  avg_gap_days = mean difference of
--    consecutive active dates = (last - first) / (active_days - 1).
------------------------------------------------------------------------------
CREATE OR REPLACE VIEW user_engagement AS
WITH per_user AS (
    SELECT user_id,
           count(*)                          AS items,
           count(DISTINCT local_date(ts))    AS active_days,
           min(ts)                           AS first_ts,
           max(ts)                           AS last_ts,
           min(local_date(ts))               AS first_day,
           max(local_date(ts))               AS last_day,
           count(*) FILTER (WHERE local_date(ts) < getvariable('start_date')
                                  + CAST((getvariable('period_days') + 1) // 2 AS INTEGER)) AS first_half_items
    FROM feed
    GROUP BY user_id
), scored AS (
    SELECT *,
           getvariable('end_date') - last_day AS days_since_last,
           items - first_half_items           AS second_half_items,
           row_number() OVER (ORDER BY active_days DESC, items DESC, last_ts DESC, user_id) AS engagement_rank
    FROM per_user
)
SELECT users.id AS user_id, users.username, users.email,
       items, active_days,
       rfc3339(first_ts) AS first_activity,
       rfc3339(last_ts)  AS last_activity,
       days_since_last,
       CASE WHEN active_days >= 2 THEN round((last_day - first_day) / (active_days - 1), 2) END AS avg_gap_days,
       first_half_items, second_half_items,
       CASE WHEN days_since_last >= 7 THEN 'at_risk'
            WHEN 2 * second_half_items < first_half_items THEN 'declining'
            ELSE 'engaged' END AS status,
       engagement_rank
FROM scored JOIN users ON users.id = scored.user_id
ORDER BY users.id;

------------------------------------------------------------------------------
-- 4. fast_retention: every fast (of the segment), ascending by fast_id, over
--    the pairs of data set 5.  median_days_to_leave over the fast's `left`
--    pairs with joined_at <= left_at, in days of 86,400 s (mean of the two
--    middle values for an even count).
------------------------------------------------------------------------------
CREATE OR REPLACE VIEW fast_retention AS
WITH pair AS (
    SELECT participation.*, count(*) OVER (PARTITION BY user_id) AS fasts_of_user
    FROM participation
), per_fast AS (
    SELECT fast_id,
           count(*)                                    AS members_ever,
           count(*) FILTER (WHERE status = 'active')   AS active_members,
           count(*) FILTER (WHERE status = 'left')     AS left_members,
           quantile_cont((epoch_us(left_at) - epoch_us(joined_at)) / 86400e6, 0.5)
               FILTER (WHERE status = 'left' AND left_at >= joined_at) AS median_days,
           count(*) FILTER (WHERE fasts_of_user >= 2)  AS members_in_other_fasts
    FROM pair
    GROUP BY fast_id
)
SELECT fast.id AS fast_id, fast.label AS fast_name, fast.church_name,
       coalesce(per_fast.members_ever, 0)   AS members_ever,
       coalesce(per_fast.active_members, 0) AS active_members,
       coalesce(per_fast.left_members, 0)   AS left_members,
       avg2(100.0 * per_fast.active_members, per_fast.members_ever) AS retention_rate,
       round(per_fast.median_days, 2)       AS median_days_to_leave,
       coalesce(per_fast.members_in_other_fasts, 0) AS members_in_other_fasts
FROM fast
LEFT JOIN per_fast ON per_fast.fast_id = fast.id
ORDER BY fast.id;

------------------------------------------------------------------------------
-- 5. period_comparison: the period against the D days before it.  Event
--    metrics count every event of the code (as events_by_type does),
--    whatever it targets.
------------------------------------------------------------------------------
CREATE OR REPLACE VIEW period_comparison_metrics AS
WITH cur_events AS (
    SELECT count(*) AS events,
           count(*) FILTER (WHERE code = 'screen_view')       AS screen_views,
           count(*) FILTER (WHERE code = 'devotional_viewed') AS devotional_views,
           count(*) FILTER (WHERE code = 'checklist_used')    AS checklist_uses,
           count(*) FILTER (WHERE code = 'user_joined_fast')  AS fast_joins,
           count(*) FILTER (WHERE code = 'user_left_fast')    AS fast_leaves
    FROM event WHERE in_period
), prev_events AS (
    SELECT count(*) AS events,
           count(*) FILTER (WHERE code = 'screen_view')       AS screen_views,
           count(*) FILTER (WHERE code = 'devotional_viewed') AS devotional_views,
           count(*) FILTER (WHERE code = 'checklist_used')    AS checklist_uses,
           count(*) FILTER (WHERE code = 'user_joined_fast')  AS fast_joins,
           count(*) FILTER (WHERE code = 'user_left_fast')    AS fast_leaves
    FROM event_prev
), prev_feed AS (
    SELECT count(DISTINCT user_id) AS active_users, count(*) AS feed_items
    FROM feed_hist WHERE in_previous(ts)
), metric AS (
    SELECT 1 AS ord, 'new_users' AS metric,
           (SELECT count(*) FROM users WHERE in_period(date_joined)) AS current,
           (SELECT count(*) FROM users WHERE in_previous(date_joined)) AS previous
    UNION ALL SELECT 2, 'active_users', (SELECT count(*) FROM feed_per_user), (SELECT active_users FROM prev_feed)
    UNION ALL SELECT 3, 'feed_items', (SELECT count(*) FROM feed), (SELECT feed_items FROM prev_feed)
    UNION ALL SELECT 4, 'events', (SELECT events FROM cur_events), (SELECT events FROM prev_events)
    UNION ALL SELECT 5, 'screen_views', (SELECT screen_views FROM cur_events), (SELECT screen_views FROM prev_events)
    UNION ALL SELECT 6, 'devotional_views', (SELECT devotional_views FROM cur_events), (SELECT devotional_views FROM prev_events)
    UNION ALL SELECT 7, 'checklist_uses', (SELECT checklist_uses FROM cur_events), (SELECT checklist_uses FROM prev_events)
    UNION ALL SELECT 8, 'fast_joins', (SELECT fast_joins FROM cur_events), (SELECT fast_joins FROM prev_events)
    UNION ALL SELECT 9, 'fast_leaves', (SELECT fast_leaves FROM cur_events), (SELECT fast_leaves FROM prev_events)
)
SELECT ord, metric, current, previous,
       current - previous AS change,
       CASE WHEN previous <> 0 THEN round(100.0 * (current - previous) / previous, 2) END AS change_pct
FROM metric
ORDER BY ord;

CREATE OR REPLACE VIEW period_comparison AS
SELECT json_object(
    'current',  json_object('start', strftime(getvariable('start_date'), '%Y-%m-%d'),
                            'end',   strftime(getvariable('end_date'), '%Y-%m-%d')),
    'previous', json_object('start', strftime(getvariable('prev_start_date'), '%Y-%m-%d'),
                            'end',   strftime(getvariable('start_date') - 1, '%Y-%m-%d')),
    'metrics',  to_json(list({'metric': metric, 'current': current, 'previous': previous,
                              'change': change, 'change_pct': change_pct} ORDER BY ord))
) AS period_comparison
FROM period_comparison_metrics;
