-- SPEC 8 "one church": keeps the users with a profile in the church
-- (variable church_id); every other auth_user row leaves the report.  The
-- church's fasts are kept by report.sql.  Runs before report.sql; the runner
-- has checked that hub_profile.csv has the church_id column.

CREATE TABLE IF NOT EXISTS segment_removed_user (id BIGINT);

-- A church that is not in the bundle is an error listing the churches.
SELECT error('--church ' || getvariable('church_id') || ' is not in hub_church.csv; its churches are: '
             || coalesce(string_agg(id || ' (' || coalesce(name, '') || ')', ', ' ORDER BY id), 'none'))
FROM read_csv(getvariable('input_dir') || '/hub_church.csv', header = true, delim = ',', quote = '"',
              escape = '"', nullstr = '', allow_quoted_nulls = false, all_varchar = true,
              types = {'id': 'BIGINT'})
HAVING NOT coalesce(bool_or(id = getvariable('church_id')), false);

-- A user with several profiles stays when any of them is in the church; a
-- user without a profile, or whose profiles have no church, goes.
INSERT INTO segment_removed_user
SELECT u.id
FROM read_csv(getvariable('input_dir') || '/auth_user.csv', header = true, delim = ',', quote = '"',
              escape = '"', nullstr = '', allow_quoted_nulls = false, all_varchar = true,
              types = {'id': 'BIGINT'}) AS u
WHERE u.id IS NOT NULL
  AND u.id NOT IN (
      SELECT user_id
      FROM read_csv(getvariable('input_dir') || '/hub_profile.csv', header = true, delim = ',', quote = '"',
                    escape = '"', nullstr = '', allow_quoted_nulls = false, all_varchar = true,
                    types = {'user_id': 'BIGINT', 'church_id': 'BIGINT'})
      WHERE church_id = getvariable('church_id') AND user_id IS NOT NULL);
