-- Fasts and app usage (SPEC.md section 11) in DuckDB SQL, over the tables of
-- report.sql (run after it and insights.sql, same variables, same segment).
-- One view per data set: daily_activity, fast_calendar, fast_daily and
-- fast_editions (one row per list element, JSON-ready columns) and
-- app_usage (one JSON value).
--
-- The table day_raw (id, date, fast_id: the optional hub_day.csv, or empty
-- without it) is created by the runner before this file runs.

------------------------------------------------------------------------------
-- Inputs
------------------------------------------------------------------------------

-- The period's app events with their `data` as a JSON object.
CREATE OR REPLACE TABLE app_event AS
SELECT code, user_id, ts, data_object(e.data) AS data
FROM (
    SELECT et.code, u.id AS user_id, u.kept, e."timestamp" AS ts, e.data
    FROM read_csv(csv_path('events_event'), header = true, delim = ',', quote = '"', escape = '"',
                  nullstr = '', allow_quoted_nulls = false, all_varchar = true,
                  types = {'id': 'BIGINT', 'event_type_id': 'BIGINT', 'user_id': 'BIGINT',
                           'timestamp': 'TIMESTAMPTZ'}) AS e
    JOIN event_type AS et ON et.id = e.event_type_id
    LEFT JOIN users_all AS u ON u.id = e.user_id
    WHERE et.code IN ('app_open', 'session_start', 'session_end', 'screen_view')
      AND in_period(e."timestamp")
) AS e
WHERE coalesce(kept, NOT church_segment());

-- SPEC 11: a label is a non-empty JSON string, else "unknown".
CREATE OR REPLACE MACRO data_label(d, path) AS
    CASE WHEN json_type(d, path) = 'VARCHAR' AND json_extract_string(d, path) <> ''
         THEN json_extract_string(d, path) ELSE 'unknown' END;

-- Each fast of the segment with its name, church and year as exported.
CREATE OR REPLACE TABLE fast_info AS
SELECT f.id, f.name, f.church_id,
       strict_int(json_extract_string(to_json(f), '$.year')) AS year
FROM read_csv(csv_path('hub_fast'), header = true, delim = ',', quote = '"', escape = '"',
              nullstr = '', allow_quoted_nulls = false, all_varchar = true,
              types = {'id': 'BIGINT', 'church_id': 'BIGINT'}) AS f
WHERE f.id IN (SELECT id FROM fast);

-- Each fast's calendar days (days of fasts not in the bundle are ignored).
CREATE OR REPLACE TABLE fast_days AS
SELECT fast_id, min(date) AS first_day, max(date) AS last_day, count(DISTINCT date) AS days
FROM day_raw
WHERE fast_id IN (SELECT id FROM fast)
GROUP BY fast_id;

------------------------------------------------------------------------------
-- 1. daily_activity: every local date of the period, zeros included.
------------------------------------------------------------------------------
CREATE OR REPLACE VIEW daily_activity AS
WITH days AS (
    SELECT CAST(d AS DATE) AS date
    FROM generate_series(CAST(getvariable('start_date') AS TIMESTAMP),
                         CAST(getvariable('end_date') AS TIMESTAMP), INTERVAL 1 DAY) AS t(d)
), joined AS (
    SELECT local_date(date_joined) AS date, count(*) AS n
    FROM users WHERE in_period(date_joined) GROUP BY 1
), items AS (
    SELECT local_date(ts) AS date, count(*) AS n, count(DISTINCT user_id) AS users
    FROM feed GROUP BY 1
), ev AS (
    SELECT local_date(ts) AS date, count(*) AS n,
           count(*) FILTER (WHERE code = 'app_open')         AS app_opens,
           count(*) FILTER (WHERE code = 'session_start')    AS sessions,
           count(*) FILTER (WHERE code = 'screen_view')      AS screen_views,
           count(*) FILTER (WHERE code = 'user_joined_fast') AS joins,
           count(*) FILTER (WHERE code = 'user_left_fast')   AS leaves
    FROM event WHERE in_period GROUP BY 1
)
SELECT strftime(days.date, '%Y-%m-%d') AS date,
       coalesce(joined.n, 0)       AS new_users,
       coalesce(items.users, 0)    AS active_users,
       coalesce(items.n, 0)        AS feed_items,
       coalesce(ev.n, 0)           AS events,
       coalesce(ev.app_opens, 0)   AS app_opens,
       coalesce(ev.sessions, 0)    AS sessions,
       coalesce(ev.screen_views, 0) AS screen_views,
       coalesce(ev.joins, 0)       AS fast_joins,
       coalesce(ev.leaves, 0)      AS fast_leaves,
       coalesce(ev.joins, 0) - coalesce(ev.leaves, 0) AS net_fast_joins
FROM days
LEFT JOIN joined USING (date)
LEFT JOIN items  USING (date)
LEFT JOIN ev     USING (date)
ORDER BY days.date;

------------------------------------------------------------------------------
-- 2. app_usage: one JSON object.
------------------------------------------------------------------------------
CREATE OR REPLACE VIEW app_usage AS
WITH opens AS (
    SELECT user_id, ts, data_label(data, '$.platform') AS platform,
           data_label(data, '$.app_version') AS app_version
    FROM app_event WHERE code = 'app_open'
), durations AS (
    -- a JSON number >= 0 (text such as "30" and true do not count)
    SELECT CAST(json_extract(data, '$.duration_seconds') AS DOUBLE) AS s
    FROM app_event
    WHERE code = 'session_end'
      AND json_type(data, '$.duration_seconds') IN ('UBIGINT', 'BIGINT', 'DOUBLE', 'HUGEINT')
      AND CAST(json_extract(data, '$.duration_seconds') AS DOUBLE) >= 0
), seconds AS (
    SELECT count(*) AS n, round(avg(s), 2) AS mean, round(quantile_cont(s, 0.5), 2) AS median,
           list_sort(list(s)) AS sorted
    FROM durations
), sessions AS (
    SELECT user_id, count(*) AS n FROM app_event WHERE code = 'session_start' GROUP BY user_id
), hours AS (
    SELECT h AS hour, count(opens.ts) AS opens
    FROM range(0, 24) AS r(h)
    LEFT JOIN opens ON hour(timezone(getvariable('tz'), opens.ts)) = r.h
    GROUP BY h
), platforms AS (
    SELECT platform, count(*) AS opens, count(DISTINCT user_id) AS users FROM opens GROUP BY platform
), versions AS (
    SELECT app_version, count(*) AS opens, count(DISTINCT user_id) AS users FROM opens GROUP BY app_version
), sources AS (
    SELECT data_label(data, '$.source') AS source, count(*) AS n
    FROM app_event WHERE code = 'screen_view' GROUP BY 1
), top_users AS (
    SELECT sessions.user_id, users.username, sessions.n AS sessions
    FROM sessions JOIN users ON users.id = sessions.user_id
    WHERE sessions.user_id IS NOT NULL
    ORDER BY sessions.n DESC, sessions.user_id
    LIMIT 10
)
SELECT json_object(
    'app_opens',       (SELECT count(*) FROM opens),
    'app_open_users',  (SELECT count(DISTINCT user_id) FROM opens),
    'sessions',        (SELECT coalesce(sum(n), 0) FROM sessions),
    'session_users',   (SELECT count(*) FROM sessions WHERE user_id IS NOT NULL),
    'sessions_per_user', (SELECT avg2(sum(n) FILTER (WHERE true), count(*) FILTER (WHERE user_id IS NOT NULL)) FROM sessions),
    'session_seconds', (SELECT json_object('count', n, 'mean', mean, 'median', median,
                                           'p90', sorted[(9 * n + 9) // 10]) FROM seconds),
    'opens_by_hour',   (SELECT to_json(list({'hour': hour, 'opens': opens} ORDER BY hour)) FROM hours),
    'platforms',       (SELECT coalesce(to_json(list({'platform': platform, 'opens': opens, 'users': users}
                                                        ORDER BY opens DESC, platform)), '[]'::JSON) FROM platforms),
    'app_versions',    (SELECT coalesce(to_json(list({'app_version': app_version, 'opens': opens, 'users': users}
                                                        ORDER BY opens DESC, app_version)), '[]'::JSON) FROM versions),
    'screen_view_sources', (SELECT sorted_object(source, n) FROM sources),
    'top_session_users', (SELECT coalesce(to_json(list({'user_id': user_id, 'username': username, 'sessions': sessions}
                                                        ORDER BY sessions DESC, user_id)), '[]'::JSON) FROM top_users)
) AS app_usage;

------------------------------------------------------------------------------
-- 3. fast_calendar: fasts with calendar days, by first day then id.
------------------------------------------------------------------------------
CREATE OR REPLACE VIEW fast_calendar AS
SELECT fasts.fast_id, fasts.fast_name, fasts.church_name,
       strftime(d.first_day, '%Y-%m-%d') AS first_day,
       strftime(d.last_day, '%Y-%m-%d') AS last_day,
       d.days,
       CASE WHEN d.first_day > getvariable('end_date') THEN 'upcoming'
            WHEN d.last_day < getvariable('end_date') THEN 'past'
            ELSE 'current' END AS status,
       fasts.participants, fasts.joins_in_period, fasts.leaves_in_period
FROM fasts JOIN fast_days AS d ON d.fast_id = fasts.fast_id
ORDER BY d.first_day, fasts.fast_id;

------------------------------------------------------------------------------
-- 4. fast_daily: (fast of the bundle, local date of the period) with joins
--    or leaves targeting it.
------------------------------------------------------------------------------
CREATE OR REPLACE VIEW fast_daily AS
SELECT event.fast_id, strftime(local_date(event.ts), '%Y-%m-%d') AS date,
       CAST(local_date(event.ts) - d.first_day + 1 AS BIGINT) AS day_of_fast,
       count(*) FILTER (WHERE code = 'user_joined_fast') AS joins,
       count(*) FILTER (WHERE code = 'user_left_fast')   AS leaves,
       count(*) FILTER (WHERE code = 'user_joined_fast') - count(*) FILTER (WHERE code = 'user_left_fast') AS net
FROM event
JOIN fast ON fast.id = event.fast_id
LEFT JOIN fast_days AS d ON d.fast_id = event.fast_id
WHERE event.in_period AND code IN ('user_joined_fast', 'user_left_fast')
GROUP BY event.fast_id, local_date(event.ts), d.first_day
ORDER BY event.fast_id, local_date(event.ts);

------------------------------------------------------------------------------
-- 5. fast_editions: F against its previous edition P (same church, same
--    name, year one less; a year is `year` or its first day's year; both
--    with days; lowest P id), r = -28 .. min(F.last, end) - F.first, for F
--    with first_day - 28 <= end.  Joins are whole-history.
------------------------------------------------------------------------------
CREATE OR REPLACE VIEW fast_editions AS
WITH ed AS (
    SELECT fi.id, fi.name, fi.church_id, coalesce(fi.year, year(d.first_day)) AS eyear,
           d.first_day, d.last_day
    FROM fast_info AS fi JOIN fast_days AS d ON d.fast_id = fi.id
), pairs AS (
    SELECT f.id AS fast_id, min(p.id) AS previous_fast_id
    FROM ed AS f JOIN ed AS p
      ON p.name = f.name AND p.church_id IS NOT DISTINCT FROM f.church_id AND p.eyear = f.eyear - 1
    WHERE f.first_day - 28 <= getvariable('end_date')
    GROUP BY f.id
), join_days AS (
    SELECT fast_id, local_date(ts) AS date, count(*) AS n
    FROM event WHERE code = 'user_joined_fast' AND fast_id IS NOT NULL
    GROUP BY ALL
), rows AS (
    SELECT pairs.fast_id, pairs.previous_fast_id, r.r AS relative_day,
           f.first_day + CAST(r.r AS INTEGER) AS date, p.first_day + CAST(r.r AS INTEGER) AS previous_date
    FROM pairs
    JOIN ed AS f ON f.id = pairs.fast_id
    JOIN ed AS p ON p.id = pairs.previous_fast_id
    CROSS JOIN LATERAL (SELECT * FROM range(-28, least(f.last_day, getvariable('end_date')) - f.first_day + 1)) AS r(r)
)
SELECT rows.fast_id, rows.previous_fast_id, rows.relative_day,
       strftime(rows.date, '%Y-%m-%d') AS date,
       coalesce((SELECT sum(n) FROM join_days j WHERE j.fast_id = rows.fast_id AND j.date = rows.date), 0) AS joins,
       coalesce((SELECT sum(n) FROM join_days j WHERE j.fast_id = rows.fast_id AND j.date <= rows.date), 0) AS cumulative_joins,
       strftime(rows.previous_date, '%Y-%m-%d') AS previous_date,
       coalesce((SELECT sum(n) FROM join_days j WHERE j.fast_id = rows.previous_fast_id AND j.date = rows.previous_date), 0) AS previous_joins,
       coalesce((SELECT sum(n) FROM join_days j WHERE j.fast_id = rows.previous_fast_id AND j.date <= rows.previous_date), 0) AS previous_cumulative_joins
FROM rows
ORDER BY rows.fast_id, rows.relative_day;
