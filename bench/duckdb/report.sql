-- Engagement report (SPEC.md section 4) in DuckDB SQL: an independent second
-- implementation used as benchmark baseline and correctness cross-check.
--
-- Parameters, set by the runner before this file runs (DuckDB variables):
--   SET VARIABLE input_dir  = '/path/to/csv/folder';   -- the nine tables of SPEC 2a
--   SET VARIABLE start_date = DATE '2024-12-22';
--   SET VARIABLE end_date   = DATE '2025-01-20';
--   SET VARIABLE tz         = 'UTC';                   -- IANA name
--   SET VARIABLE church_id  = NULL::BIGINT;            -- SPEC 8 "one church": a hub_church id
--
-- Segments (SPEC 8): the ids of auth_user rows a segment removes are in the
-- table segment_removed_user, filled beforehand by segment_staff.sql and/or
-- segment_church.sql (empty without a segment: then every filter below keeps
-- everything).  The church segment also needs the variable church_id.
--
-- Result: one view per data set (new_users_over_time, fasts, user_activity,
-- user_activity_timeline, user_fast_participation, retention_cohorts) with
-- JSON-ready columns, and the view other_metrics with a single JSON value.
-- export_csv.sql writes them out; insights.sql builds on these tables.
-- Needs the icu and json extensions, which are statically linked into the
-- PyPI duckdb wheel.

LOAD icu;
LOAD json;
-- Timestamps without an offset are UTC (SPEC 2a); all calendar arithmetic
-- below names the report time zone explicitly.
SET TimeZone = 'UTC';

------------------------------------------------------------------------------
-- Helpers
------------------------------------------------------------------------------

CREATE OR REPLACE MACRO csv_path(name) AS getvariable('input_dir') || '/' || name || '.csv';

-- Calendar day of an instant in the report time zone.
CREATE OR REPLACE MACRO local_date(ts) AS CAST(timezone(getvariable('tz'), ts) AS DATE);

-- SPEC 3: UTC, RFC 3339 with Z; fraction only when non-zero, 3 digits when
-- whole milliseconds, else 6.
CREATE OR REPLACE MACRO rfc3339(ts) AS
    CASE
        WHEN ts IS NULL THEN NULL
        WHEN microsecond(timezone('UTC', ts)) % 1000000 = 0
            THEN strftime(timezone('UTC', ts), '%Y-%m-%dT%H:%M:%SZ')
        WHEN microsecond(timezone('UTC', ts)) % 1000 = 0
            THEN strftime(timezone('UTC', ts), '%Y-%m-%dT%H:%M:%S.%gZ')
        ELSE strftime(timezone('UTC', ts), '%Y-%m-%dT%H:%M:%S.%fZ')
    END;

-- Strict integer text (optional sign, ASCII digits) -> BIGINT, else NULL.
-- (A plain cast would also accept ' 16', '16.0', '1e2', '1_000', '0x10'.)
CREATE OR REPLACE MACRO strict_int(s) AS
    CASE WHEN regexp_full_match(s, '[+-]?[0-9]{1,18}') THEN CAST(s AS BIGINT) END;

-- SPEC 2c: a `data` value that is not a JSON object counts as {}.
CREATE OR REPLACE MACRO data_object(d) AS
    CASE WHEN json_valid(d) AND json_type(d) = 'OBJECT' THEN d::JSON ELSE '{}'::JSON END;

-- SPEC 4: averages and rates rounded to 2 decimals, average over nothing = 0.
CREATE OR REPLACE MACRO avg2(num, den) AS
    CASE WHEN coalesce(den, 0) = 0 THEN 0.0 ELSE round(coalesce(num, 0) / den, 2) END;

-- {key: value} JSON object with keys sorted (byte order); {} when empty.
CREATE OR REPLACE MACRO sorted_object(k, v) AS
    coalesce(to_json(map(list(k ORDER BY k), list(v ORDER BY k))), '{}'::JSON);

------------------------------------------------------------------------------
-- The period (SPEC 3): [start 00:00, end + 1 day 00:00) in the time zone.
-- A local midnight inside a DST gap resolves as ICU does (offset before the
-- transition, i.e. the first instant after the gap).
------------------------------------------------------------------------------

SET VARIABLE start_utc = (SELECT timezone(getvariable('tz'), CAST(getvariable('start_date') AS TIMESTAMP)));
SET VARIABLE end_utc   = (SELECT timezone(getvariable('tz'), CAST(getvariable('end_date') + 1 AS TIMESTAMP)));

CREATE OR REPLACE MACRO in_period(ts) AS
    ts >= getvariable('start_utc') AND ts < getvariable('end_utc');

------------------------------------------------------------------------------
-- Load (SPEC 2a): PostgreSQL CSV.  Unquoted empty field = NULL, quoted "" =
-- empty string (allow_quoted_nulls = false).  Every column is read as text
-- except the needed ids and timestamps, which are typed explicitly.
------------------------------------------------------------------------------

-- SPEC 8: true when the church segment is active.
CREATE OR REPLACE MACRO church_segment() AS getvariable('church_id') IS NOT NULL;

CREATE TABLE IF NOT EXISTS segment_removed_user (id BIGINT);

-- Every auth_user row; `kept` = not removed by the segment.  Events of a
-- removed user leave the report; events of ids that are not in auth_user stay
-- (without a user) unless the church segment is active.
CREATE OR REPLACE TABLE users_all AS
SELECT id, username, email, date_joined,
       NOT EXISTS (SELECT 1 FROM segment_removed_user AS r WHERE r.id = u.id) AS kept
FROM read_csv(csv_path('auth_user'), header = true, delim = ',', quote = '"', escape = '"',
              nullstr = '', allow_quoted_nulls = false, all_varchar = true,
              types = {'id': 'BIGINT', 'date_joined': 'TIMESTAMPTZ'}) AS u;

-- The users of the report (the segment's users; all users without a segment).
CREATE OR REPLACE TABLE users AS
SELECT id, username, email, date_joined FROM users_all WHERE kept;

CREATE OR REPLACE TABLE church AS
SELECT id, name
FROM read_csv(csv_path('hub_church'), header = true, delim = ',', quote = '"', escape = '"',
              nullstr = '', allow_quoted_nulls = false, all_varchar = true,
              types = {'id': 'BIGINT'});

-- `year` may be absent from the file: read it through the row as JSON so a
-- missing column is simply NULL.  fast_name = name, plus " (YEAR)".
-- With the church segment only that church's fasts exist.
CREATE OR REPLACE TABLE fast AS
WITH raw AS (
    SELECT id, name, church_id,
           strict_int(json_extract_string(to_json(f), '$.year')) AS year
    FROM read_csv(csv_path('hub_fast'), header = true, delim = ',', quote = '"', escape = '"',
                  nullstr = '', allow_quoted_nulls = false, all_varchar = true,
                  types = {'id': 'BIGINT', 'church_id': 'BIGINT'}) AS f
)
SELECT raw.id,
       CASE WHEN raw.year IS NULL THEN raw.name ELSE raw.name || ' (' || raw.year || ')' END AS label,
       church.name AS church_name                        -- NULL when the church is unknown
FROM raw LEFT JOIN church ON church.id = raw.church_id
WHERE NOT church_segment() OR raw.church_id = getvariable('church_id');

-- The church segment's fasts as a constant list, so that the event filter
-- below folds away without a segment (a subquery would stay as a join).
SET VARIABLE church_fast_ids = (SELECT list(id) FILTER (WHERE id IS NOT NULL) FROM fast WHERE church_segment());

CREATE OR REPLACE TABLE profile AS
SELECT id, user_id
FROM read_csv(csv_path('hub_profile'), header = true, delim = ',', quote = '"', escape = '"',
              nullstr = '', allow_quoted_nulls = false, all_varchar = true,
              types = {'id': 'BIGINT', 'user_id': 'BIGINT'});

CREATE OR REPLACE TABLE event_type AS
SELECT id, code
FROM read_csv(csv_path('events_eventtype'), header = true, delim = ',', quote = '"', escape = '"',
              nullstr = '', allow_quoted_nulls = false, all_varchar = true,
              types = {'id': 'BIGINT'});

CREATE OR REPLACE TABLE content_type AS
SELECT id, app_label, model
FROM read_csv(csv_path('django_content_type'), header = true, delim = ',', quote = '"', escape = '"',
              nullstr = '', allow_quoted_nulls = false, all_varchar = true,
              types = {'id': 'BIGINT'});

-- SPEC 2c: a user is in a fast when one of the user's profiles has the fast
-- in its memberships.  Only users and fasts present in the bundle count.
CREATE OR REPLACE TABLE membership AS
SELECT DISTINCT profile.user_id, pf.fast_id
FROM read_csv(csv_path('hub_profile_fasts'), header = true, delim = ',', quote = '"', escape = '"',
              nullstr = '', allow_quoted_nulls = false, all_varchar = true,
              types = {'profile_id': 'BIGINT', 'fast_id': 'BIGINT'}) AS pf
JOIN profile ON profile.id = pf.profile_id
JOIN users   ON users.id = profile.user_id
JOIN fast    ON fast.id = pf.fast_id;

-- Every event of the segment, whole history (a table macro so insights.sql
-- reads other windows with the same rules):
--   user_id: NULL when empty or not a known user ("counted without a user").
--   fast_id: set when the event targets a fast (content type hub.fast and an
--            object_id that is an integer, see strict_int); the fast need not exist.
--   data:    `data` as a JSON object, only for the event types reading it.
--   Events whose event_type_id is not a known event type are left out.
--   Segment (SPEC 8): events of removed users go; with the church segment
--   also events without a known user, and joins/leaves targeting a fast that
--   is not the church's (unknown fasts included).
CREATE OR REPLACE MACRO event_rows() AS TABLE
WITH raw AS (
    SELECT e.id, et.code, u.id AS user_id, u.kept,
           CASE WHEN e.content_type_id IN (SELECT id FROM content_type WHERE app_label = 'hub' AND model = 'fast')
                THEN strict_int(e.object_id) END AS fast_id,
           e."timestamp" AS ts,
           CASE WHEN et.code IN ('screen_view', 'tutorial_video_viewed') THEN data_object(e.data) END AS data
    FROM read_csv(csv_path('events_event'), header = true, delim = ',', quote = '"', escape = '"',
                  nullstr = '', allow_quoted_nulls = false, all_varchar = true,
                  types = {'id': 'BIGINT', 'event_type_id': 'BIGINT', 'user_id': 'BIGINT',
                           'content_type_id': 'BIGINT', 'timestamp': 'TIMESTAMPTZ'}) AS e
    JOIN event_type AS et ON et.id = e.event_type_id
    LEFT JOIN users_all AS u ON u.id = e.user_id
)
SELECT id, code, user_id, fast_id, ts, data
FROM raw
WHERE coalesce(kept, NOT church_segment())      -- removed users go; unknown ids stay unless church
  AND NOT (church_segment() AND code IN ('user_joined_fast', 'user_left_fast')
           AND fast_id IS NOT NULL AND NOT coalesce(list_contains(getvariable('church_fast_ids'), fast_id), false));

-- Events: those in the period (every data set) plus, from the whole history,
-- the join/leave events (user_fast_participation).
--   screen / video_id / title: from `data`, only for the event types using them.
CREATE OR REPLACE TABLE event AS
WITH raw AS (
    SELECT * FROM event_rows()
    WHERE in_period(ts) OR code IN ('user_joined_fast', 'user_left_fast')
)
SELECT id, code, user_id, fast_id, ts, in_period(ts) AS in_period,
       -- a screen name is a non-empty JSON string
       CASE WHEN json_type(data, '$.screen') = 'VARCHAR'
            THEN nullif(json_extract_string(data, '$.screen'), '') END AS screen,
       -- video_id / title keep their JSON value; missing and JSON null are both NULL
       CASE WHEN json_type(data, '$.video_id') <> 'NULL' THEN json_extract(data, '$.video_id') END AS video_id,
       CASE WHEN json_type(data, '$.title') <> 'NULL' THEN json_extract(data, '$.title') END AS title
FROM raw;

-- Feed items, whole history, whose user is in the bundle (and the segment);
-- items of unknown users are left out.
CREATE OR REPLACE MACRO feed_rows() AS TABLE
SELECT f.id, f.user_id, f.activity_type, f.created_at AS ts, f.title, f.description,
       content_type.model AS target_type,
       f.object_id AS target_id
FROM read_csv(csv_path('events_useractivityfeed'), header = true, delim = ',', quote = '"', escape = '"',
              nullstr = '', allow_quoted_nulls = false, all_varchar = true,
              types = {'id': 'BIGINT', 'user_id': 'BIGINT', 'content_type_id': 'BIGINT',
                       'created_at': 'TIMESTAMPTZ'}) AS f
JOIN users ON users.id = f.user_id
LEFT JOIN content_type ON content_type.id = f.content_type_id;

-- Feed items in the period (every use of the feed in the seven data sets is
-- limited to the period).
CREATE OR REPLACE TABLE feed AS
SELECT * FROM feed_rows() WHERE in_period(ts);

-- Feed items in the period per user (the "active users").
CREATE OR REPLACE TABLE feed_per_user AS
SELECT user_id, count(*) AS items FROM feed GROUP BY user_id;

------------------------------------------------------------------------------
-- 1. new_users_over_time: per local day with >= 1 user whose date_joined is
--    in the period; ascending by date; days without users left out.
------------------------------------------------------------------------------
CREATE OR REPLACE VIEW new_users_over_time AS
SELECT strftime(local_date(date_joined), '%Y-%m-%d') AS date, count(*) AS count
FROM users
WHERE in_period(date_joined)
GROUP BY 1
ORDER BY 1;

------------------------------------------------------------------------------
-- 2. fasts: every fast, ascending by fast_id; participants = users in the
--    fast now; joins/leaves = user_joined_fast / user_left_fast events in the
--    period targeting the fast (with or without a user).
------------------------------------------------------------------------------
CREATE OR REPLACE VIEW fasts AS
WITH members AS (
    SELECT fast_id, count(*) AS n FROM membership GROUP BY fast_id
), moves AS (
    SELECT fast_id,
           count(*) FILTER (WHERE code = 'user_joined_fast') AS joins,
           count(*) FILTER (WHERE code = 'user_left_fast')   AS leaves
    FROM event
    WHERE in_period AND fast_id IS NOT NULL AND code IN ('user_joined_fast', 'user_left_fast')
    GROUP BY fast_id
)
SELECT fast.id AS fast_id, fast.label AS fast_name, fast.church_name,
       coalesce(members.n, 0)    AS participants,
       coalesce(moves.joins, 0)  AS joins_in_period,
       coalesce(moves.leaves, 0) AS leaves_in_period
FROM fast
LEFT JOIN members ON members.fast_id = fast.id
LEFT JOIN moves   ON moves.fast_id = fast.id
ORDER BY fast.id;

------------------------------------------------------------------------------
-- 3. user_activity: one row per user with a feed item in the period,
--    ascending by user_id; by_type = {activity_type: count}, keys sorted.
------------------------------------------------------------------------------
CREATE OR REPLACE VIEW user_activity_by_type AS
SELECT user_id, coalesce(activity_type, '') AS activity_type, count(*) AS n
FROM feed
GROUP BY ALL;

CREATE OR REPLACE VIEW user_activity AS
WITH by_type AS (
    SELECT user_id, sorted_object(activity_type, n) AS by_type
    FROM user_activity_by_type
    GROUP BY user_id
)
SELECT users.id AS user_id, users.username, users.email,
       rfc3339(users.date_joined) AS date_joined,
       feed_per_user.items AS total_items,
       by_type.by_type
FROM feed_per_user
JOIN users   ON users.id = feed_per_user.user_id
JOIN by_type ON by_type.user_id = feed_per_user.user_id
ORDER BY users.id;

------------------------------------------------------------------------------
-- 4. user_activity_timeline: one row per feed item in the period; ascending
--    by user_id, then newest first, then by item id.  target_id is a number
--    when object_id is an integer, else the text as given.
------------------------------------------------------------------------------
CREATE OR REPLACE VIEW user_activity_timeline AS
SELECT feed.user_id, users.username, feed.activity_type,
       rfc3339(feed.ts) AS "timestamp",
       feed.title, feed.description, feed.target_type,
       CASE WHEN strict_int(feed.target_id) IS NOT NULL
            THEN to_json(strict_int(feed.target_id))
            ELSE to_json(feed.target_id) END AS target_id
FROM feed JOIN users ON users.id = feed.user_id
ORDER BY feed.user_id, feed.ts DESC, feed.id;

------------------------------------------------------------------------------
-- 5. user_fast_participation: whole history.  One row per (user, fast) with a
--    join or leave event targeting the fast, or a current membership; pairs
--    whose user or fast is not in the bundle are left out.  joined_at /
--    left_at = latest join / leave; status active when a member now.
------------------------------------------------------------------------------
-- The pairs with instants (fast_retention in insights.sql reads them too).
CREATE OR REPLACE VIEW participation AS
WITH moves AS (
    SELECT user_id, fast_id,
           max(ts) FILTER (WHERE code = 'user_joined_fast') AS joined_at,
           max(ts) FILTER (WHERE code = 'user_left_fast')   AS left_at
    FROM event
    WHERE code IN ('user_joined_fast', 'user_left_fast')
      AND user_id IS NOT NULL AND fast_id IS NOT NULL
    GROUP BY user_id, fast_id
), pairs AS (
    SELECT user_id, fast_id FROM moves
    UNION
    SELECT user_id, fast_id FROM membership
)
SELECT users.id AS user_id, users.username, users.email,
       fast.id AS fast_id, fast.label AS fast_name, fast.church_name,
       moves.joined_at, moves.left_at,
       CASE WHEN membership.user_id IS NOT NULL THEN 'active' ELSE 'left' END AS status
FROM pairs
JOIN users ON users.id = pairs.user_id
JOIN fast  ON fast.id = pairs.fast_id
LEFT JOIN moves      ON moves.user_id = pairs.user_id AND moves.fast_id = pairs.fast_id
LEFT JOIN membership ON membership.user_id = pairs.user_id AND membership.fast_id = pairs.fast_id;

CREATE OR REPLACE VIEW user_fast_participation AS
SELECT user_id, username, email, fast_id, fast_name, church_name,
       rfc3339(joined_at) AS joined_at, rfc3339(left_at) AS left_at, status
FROM participation
ORDER BY user_id, fast_id;

------------------------------------------------------------------------------
-- 6. retention_cohorts: all users (whole history) grouped by the ISO week
--    (Monday start, local calendar day of date_joined) in which they joined,
--    for weeks whose Monday is on or before the end date (so users who joined
--    after the end date but in that last week are counted), newest first.
--    active = members with a feed item in the period.
--    cohort_age_weeks = floor((end date - Monday) / 7).
------------------------------------------------------------------------------
CREATE OR REPLACE VIEW retention_cohorts AS
WITH cohort_user AS (
    SELECT id AS user_id, CAST(date_trunc('week', local_date(date_joined)) AS DATE) AS monday
    FROM users
    WHERE date_joined IS NOT NULL
), cohort AS (
    SELECT monday,
           count(*)                  AS total_users,
           count(feed_per_user.items) AS active_users,
           sum(feed_per_user.items)  AS active_items
    FROM cohort_user
    LEFT JOIN feed_per_user USING (user_id)
    WHERE monday <= getvariable('end_date')
    GROUP BY monday
)
SELECT strftime(monday, '%G-W%V')          AS cohort_week,
       strftime(monday, '%Y-%m-%d')        AS cohort_start_date,
       total_users,
       active_users,
       avg2(100.0 * active_users, total_users) AS retention_rate,
       avg2(active_items, active_users)        AS avg_activities_per_user,
       (getvariable('end_date') - monday) // 7 AS cohort_age_weeks
FROM cohort
ORDER BY monday DESC;

------------------------------------------------------------------------------
-- 7. other_metrics: one JSON object over the period.
------------------------------------------------------------------------------

-- events_by_type: every event in the period (with a known event type).
CREATE OR REPLACE VIEW om_events_by_type AS
SELECT sorted_object(code, n) AS v
FROM (SELECT code, count(*) AS n FROM event WHERE in_period GROUP BY code);

-- top_fasts_by_joins: user_joined_fast events targeting a fast (known or
-- not); by joins desc, then fast_id; fast = label, or the id as text.
CREATE OR REPLACE VIEW om_top_fasts AS
SELECT coalesce(to_json(list({'fast_id': fast_id, 'fast': fast, 'joins': joins}
                             ORDER BY joins DESC, fast_id)), '[]'::JSON) AS v
FROM (
    SELECT event.fast_id, coalesce(fast.label, CAST(event.fast_id AS VARCHAR)) AS fast, count(*) AS joins
    FROM event LEFT JOIN fast ON fast.id = event.fast_id
    WHERE event.in_period AND event.code = 'user_joined_fast' AND event.fast_id IS NOT NULL
    GROUP BY ALL
    ORDER BY joins DESC, event.fast_id
    LIMIT 10
);

-- Per event code in the period: total events, distinct (known) users.
CREATE OR REPLACE VIEW om_code_stats AS
SELECT code, count(*) AS total, count(DISTINCT user_id) AS unique_users
FROM event
WHERE in_period AND code IN ('screen_view', 'devotional_viewed', 'checklist_used', 'tutorial_video_viewed')
GROUP BY code;

CREATE OR REPLACE MACRO code_total(c)  AS coalesce((SELECT total FROM om_code_stats WHERE code = c), 0);
CREATE OR REPLACE MACRO code_users(c)  AS coalesce((SELECT unique_users FROM om_code_stats WHERE code = c), 0);

-- screen_views.top_screens: events with a screen name; views desc, then name.
CREATE OR REPLACE VIEW om_top_screens AS
SELECT coalesce(to_json(list({'screen': screen, 'views': views} ORDER BY views DESC, screen)), '[]'::JSON) AS v
FROM (
    SELECT screen, count(*) AS views
    FROM event
    WHERE in_period AND code = 'screen_view' AND screen IS NOT NULL
    GROUP BY screen
    ORDER BY views DESC, screen
    LIMIT 10
);

-- screen_views.daily_timeline: every screen_view event by local day.
CREATE OR REPLACE VIEW om_screen_daily AS
SELECT sorted_object(day, n) AS v
FROM (SELECT strftime(local_date(ts), '%Y-%m-%d') AS day, count(*) AS n
      FROM event WHERE in_period AND code = 'screen_view' GROUP BY day);

-- devotionals.top_users: views desc, then user_id.
CREATE OR REPLACE VIEW om_top_devotional_users AS
SELECT coalesce(to_json(list({'user_id': user_id, 'username': username, 'views': views}
                             ORDER BY views DESC, user_id)), '[]'::JSON) AS v
FROM (
    SELECT event.user_id, users.username, count(*) AS views
    FROM event JOIN users ON users.id = event.user_id
    WHERE event.in_period AND event.code = 'devotional_viewed'
    GROUP BY ALL
    ORDER BY views DESC, event.user_id
    LIMIT 10
);

-- checklists.avg_days_between_uses: per user with >= 2 uses in the period,
-- days = whole elapsed days (floor of (last - first) / 86400 s, independent
-- of the time zone); users with days >= 1 contribute days / (uses - 1);
-- mean over those users.
CREATE OR REPLACE VIEW om_checklist_gap AS
SELECT avg2(sum(days / (uses - 1)), count(*)) AS v
FROM (
    SELECT count(*) AS uses,
           (epoch_us(max(ts)) - epoch_us(min(ts))) // 86400000000 AS days
    FROM event
    WHERE in_period AND code = 'checklist_used' AND user_id IS NOT NULL
    GROUP BY user_id
)
WHERE uses >= 2 AND days >= 1;

-- tutorial_videos.top_videos: grouped by (video_id, title) JSON values;
-- views desc, then video_id: numbers (numeric order) before strings (byte
-- order) before other JSON values (by JSON text) before null; then title
-- (strings by text, null last).
CREATE OR REPLACE VIEW om_top_videos AS
WITH grouped AS (
    SELECT video_id, title, count(*) AS views
    FROM event
    WHERE in_period AND code = 'tutorial_video_viewed'
    GROUP BY video_id, title
), keyed AS (
    SELECT *,
           CASE WHEN video_id IS NULL THEN 3
                WHEN json_type(video_id) IN ('UBIGINT', 'BIGINT', 'DOUBLE', 'HUGEINT') THEN 0
                WHEN json_type(video_id) = 'VARCHAR' THEN 1
                ELSE 2 END AS id_kind,
           CASE WHEN json_type(video_id) IN ('UBIGINT', 'BIGINT', 'DOUBLE', 'HUGEINT')
                THEN CAST(video_id AS DOUBLE) END AS id_num,
           CASE WHEN json_type(video_id) = 'VARCHAR' THEN video_id ->> '$'
                ELSE CAST(video_id AS VARCHAR) END AS id_text,
           CASE WHEN json_type(title) = 'VARCHAR' THEN title ->> '$'
                ELSE CAST(title AS VARCHAR) END AS title_text
    FROM grouped
), top AS (
    SELECT * FROM keyed
    ORDER BY views DESC, id_kind, id_num, id_text, title_text NULLS LAST
    LIMIT 10
)
SELECT coalesce(to_json(list({'video_id': video_id, 'title': title, 'views': views}
                             ORDER BY views DESC, id_kind, id_num, id_text, title_text NULLS LAST)),
                '[]'::JSON) AS v
FROM top;

-- cross_engagement
CREATE OR REPLACE VIEW om_cross AS
WITH in_fast AS (SELECT DISTINCT user_id FROM membership),
active AS (
    SELECT feed_per_user.user_id, feed_per_user.items, in_fast.user_id IS NOT NULL AS has_fast
    FROM feed_per_user LEFT JOIN in_fast USING (user_id)
),
both_users AS (
    SELECT user_id FROM event
    WHERE in_period AND user_id IS NOT NULL AND code IN ('devotional_viewed', 'checklist_used')
    GROUP BY user_id
    HAVING count(DISTINCT code) = 2
)
SELECT json_object(
    'users_both_devotional_and_checklist', (SELECT count(*) FROM both_users),
    'users_in_fasts_with_activity',      count(*) FILTER (WHERE has_fast),
    'users_without_fasts_with_activity', count(*) FILTER (WHERE NOT has_fast),
    'avg_activities_users_with_fast',
        avg2(sum(items) FILTER (WHERE has_fast), count(*) FILTER (WHERE has_fast)),
    'avg_activities_users_without_fast',
        avg2(sum(items) FILTER (WHERE NOT has_fast), count(*) FILTER (WHERE NOT has_fast))
) AS v
FROM active;

CREATE OR REPLACE VIEW other_metrics AS
SELECT json_object(
    'events_by_type', (SELECT v FROM om_events_by_type),
    'active_users',   (SELECT count(*) FROM feed_per_user),
    'top_fasts_by_joins', (SELECT v FROM om_top_fasts),
    'screen_views', json_object(
        'total',          code_total('screen_view'),
        'unique_users',   code_users('screen_view'),
        'avg_per_user',   avg2(code_total('screen_view'), code_users('screen_view')),
        'top_screens',    (SELECT v FROM om_top_screens),
        'daily_timeline', (SELECT v FROM om_screen_daily)
    ),
    'engagement_patterns', json_object(
        'devotionals', json_object(
            'total_views',  code_total('devotional_viewed'),
            'unique_users', code_users('devotional_viewed'),
            'avg_per_user', avg2(code_total('devotional_viewed'), code_users('devotional_viewed')),
            'top_users',    (SELECT v FROM om_top_devotional_users)
        ),
        'checklists', json_object(
            'total_uses',   code_total('checklist_used'),
            'unique_users', code_users('checklist_used'),
            'avg_per_user', avg2(code_total('checklist_used'), code_users('checklist_used')),
            'avg_days_between_uses', (SELECT v FROM om_checklist_gap)
        ),
        'tutorial_videos', json_object(
            'total_views',  code_total('tutorial_video_viewed'),
            'unique_users', code_users('tutorial_video_viewed'),
            'avg_per_user', avg2(code_total('tutorial_video_viewed'), code_users('tutorial_video_viewed')),
            'top_videos',   (SELECT v FROM om_top_videos)
        ),
        'cross_engagement', (SELECT v FROM om_cross)
    )
) AS other_metrics;
