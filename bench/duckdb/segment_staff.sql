-- SPEC 8 "exclude staff": the auth_user rows whose is_staff or is_superuser
-- is true leave the report.  Runs before report.sql (variable input_dir);
-- the runner has checked that both columns exist.
--
-- True: t, true, 1; false: f, false, 0 (any case); an empty field (NULL) is
-- not known to be staff.  Any other value stops the run.

CREATE TABLE IF NOT EXISTS segment_removed_user (id BIGINT);

CREATE OR REPLACE TEMP TABLE staff_flags AS
SELECT id, lower(is_staff) AS is_staff, lower(is_superuser) AS is_superuser
FROM read_csv(getvariable('input_dir') || '/auth_user.csv', header = true, delim = ',', quote = '"',
              escape = '"', nullstr = '', allow_quoted_nulls = false, all_varchar = true,
              types = {'id': 'BIGINT'});

SELECT error('auth_user.csv: ' || count(*) || ' rows have an is_staff/is_superuser value that is not a '
             || 'boolean (first: user ' || arg_min(id, id) || ', '
             || arg_min(to_json([is_staff, is_superuser]), id) || '); expected t/f, true/false or 1/0')
FROM staff_flags
WHERE is_staff NOT IN ('t', 'true', '1', 'f', 'false', '0')
   OR is_superuser NOT IN ('t', 'true', '1', 'f', 'false', '0')
HAVING count(*) > 0;

-- The staff users (the exclude-staff notice reports how many).
CREATE OR REPLACE TABLE segment_staff_user AS
SELECT DISTINCT id
FROM staff_flags
WHERE id IS NOT NULL AND (is_staff IN ('t', 'true', '1') OR is_superuser IN ('t', 'true', '1'));

INSERT INTO segment_removed_user SELECT id FROM segment_staff_user;
