#!/usr/bin/env node
// Checks tz.mjs (the page's replacement for DuckDB's icu extension) against
// native DuckDB with icu (PyPI duckdb, as bench/duckdb uses it):
//   - local midnight -> UTC instant, every day of FROM..TO (period bounds);
//   - local calendar date of an instant, every 30 minutes of FROM..TO, using
//     the exact tz_offset_us macro SQL the page generates (local_date).
//   node bench/browser/check_tz.mjs [FROM TO] [ZONE ...]
// Node's Intl is used here; the page uses Chromium's (both ICU).  Prints one
// line per zone and exits 1 on any difference.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localMidnightUs, tzOffsetMacro } from './tz.mjs';

const args = process.argv.slice(2);
const from = /^\d{4}-\d\d-\d\d$/.test(args[0] || '') ? args.shift() : '2023-01-01';
const to = /^\d{4}-\d\d-\d\d$/.test(args[0] || '') ? args.shift() : '2025-12-31';
const zones = args.length ? args : ['UTC', 'America/Los_Angeles', 'Europe/Paris', 'America/Santiago',
  'America/Havana', 'Asia/Beirut', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'America/Sao_Paulo',
  'Africa/Casablanca', 'Asia/Tehran', 'Europe/London', 'America/St_Johns', 'Pacific/Apia'];
const days = [];
for (let t = Date.parse(from + 'T00:00:00Z'); t <= Date.parse(to + 'T00:00:00Z'); t += 86400000) {
  days.push(new Date(t).toISOString().slice(0, 10));
}
const cases = zones.map((tz) => ({
  tz,
  midnights: days.map((d) => String(localMidnightUs(tz, d))),
  macro: tzOffsetMacro(tz, Date.parse(from + 'T00:00:00Z') - 2 * 86400000, Date.parse(to + 'T00:00:00Z') + 3 * 86400000).sql,
}));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'check-tz-'));
fs.writeFileSync(path.join(tmp, 'cases.json'), JSON.stringify({ days, from, to, cases }));
const py = `
import json, sys, duckdb
c = json.load(open(sys.argv[1]))
con = duckdb.connect()
con.execute("LOAD icu; SET TimeZone = 'UTC'")
bad = 0
for z in c['cases']:
    tz = z['tz']
    con.execute(z['macro'])
    native = [r[0] for r in con.execute(
        "SELECT epoch_us(timezone(?, CAST(d AS TIMESTAMP))) FROM unnest(CAST(? AS DATE[])) WITH ORDINALITY AS t(d, i) ORDER BY i",
        [tz, c['days']]).fetchall()]
    mid = sum(1 for a, b in zip(native, z['midnights']) if a != int(b))
    first = next((d for d, a, b in zip(c['days'], native, z['midnights']) if a != int(b)), None)
    ld = con.execute("""
        SELECT count(*) FILTER (WHERE CAST(timezone(?, ts) AS DATE)
                                   <> CAST(make_timestamp(epoch_us(ts) + tz_offset_us(epoch_us(ts))) AS DATE)),
               count(*)
        FROM (SELECT unnest(range(CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ), INTERVAL 30 MINUTE)) AS ts)""",
        [tz, c['from'] + ' 00:00:00+00', c['to'] + ' 23:59:59+00']).fetchone()
    ok = mid == 0 and ld[0] == 0
    bad += not ok
    print(f"{'ok ' if ok else 'BAD'} {tz}: midnights {len(native) - mid}/{len(native)} equal" + (f" (first diff {first})" if first else "")
          + f"; local dates {ld[1] - ld[0]}/{ld[1]} equal")
sys.exit(1 if bad else 0)
`;
try {
  execFileSync(process.env.PYTHON || 'python3', ['-c', py, path.join(tmp, 'cases.json')], { stdio: 'inherit' });
} catch (e) {
  process.exitCode = 1;
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
