-- Writes data sets 1-6 as CSV (SPEC 5) into the folder __OUT__ (substituted
-- by the runner; it must not contain a single quote).  Runs after report.sql.
-- Null is an empty field; text that a spreadsheet would run as a formula
-- gets a leading '.  other_metrics.json is written by the runner.

CREATE OR REPLACE MACRO csv_text(s) AS
    CASE WHEN left(s, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || s ELSE s END;

COPY (SELECT * FROM new_users_over_time)
TO '__OUT__/new_users_over_time.csv' (FORMAT CSV, HEADER);

COPY (SELECT fast_id, csv_text(fast_name) AS fast_name, csv_text(church_name) AS church_name,
             participants, joins_in_period, leaves_in_period
      FROM fasts)
TO '__OUT__/fasts.csv' (FORMAT CSV, HEADER);

-- by_type becomes one column type_<activity_type> per activity type present
-- in the result (sorted), 0 where the user has none.
COPY (WITH counts AS (
          PIVOT (SELECT user_id, 'type_' || coalesce(activity_type, '') AS type_col FROM feed)
          ON type_col USING count(*) GROUP BY user_id
      )
      SELECT ua.user_id, csv_text(ua.username) AS username, csv_text(ua.email) AS email,
             ua.date_joined, ua.total_items,
             counts.* EXCLUDE (user_id)     -- count(*) pivot: 0 where the user has none
      FROM user_activity AS ua JOIN counts USING (user_id)
      ORDER BY ua.user_id)
TO '__OUT__/user_activity.csv' (FORMAT CSV, HEADER);

COPY (SELECT user_id, csv_text(username) AS username, csv_text(activity_type) AS activity_type,
             "timestamp", csv_text(title) AS title, csv_text(description) AS description,
             csv_text(target_type) AS target_type,
             CASE WHEN json_type(target_id) = 'VARCHAR' THEN csv_text(target_id ->> '$')
                  ELSE CAST(target_id AS VARCHAR) END AS target_id
      FROM user_activity_timeline)
TO '__OUT__/user_activity_timeline.csv' (FORMAT CSV, HEADER);

COPY (SELECT user_id, csv_text(username) AS username, csv_text(email) AS email,
             fast_id, csv_text(fast_name) AS fast_name, csv_text(church_name) AS church_name,
             joined_at, left_at, status
      FROM user_fast_participation)
TO '__OUT__/user_fast_participation.csv' (FORMAT CSV, HEADER);

COPY (SELECT * FROM retention_cohorts)
TO '__OUT__/retention_cohorts.csv' (FORMAT CSV, HEADER);
