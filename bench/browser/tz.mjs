// Time-zone arithmetic without DuckDB's icu extension (used by duckdb.js in the
// page; check_tz.mjs checks it against native DuckDB + icu).
// ---------------------------------------------------------------- time zone
// Offsets come from Intl, i.e. Chromium's ICU and its tz data (the native
// runner uses DuckDB's icu extension): same rules, possibly another tz release.
const fmtCache = new Map();
export function offsetMs(tz, t) {            // UTC offset of `tz` at instant t (ms), whole seconds
  let f = fmtCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric',
      day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short' });
    fmtCache.set(tz, f);
  }
  const s = Math.floor(t / 1000) * 1000;
  const p = {};
  for (const { type, value } of f.formatToParts(new Date(s))) p[type] = value;
  let y = +p.year; if (p.era === 'BC' || p.era === 'B') y = 1 - y;
  const d = new Date(0);
  d.setUTCFullYear(y, +p.month - 1, +p.day);          // also right for years < 100
  d.setUTCHours(+p.hour, +p.minute, +p.second, 0);
  return d.getTime() - s;
}

// Local midnight of YYYY-MM-DD (+ addDays) in tz -> UTC epoch microseconds.
// ICU's defaults (as DuckDB's timezone() uses them): a wall time skipped by a
// DST gap takes the offset before the transition; a repeated one is the later
// instant.
export function localMidnightUs(tz, date, addDays = 0) {
  const [y, m, d] = date.split('-').map(Number);
  const w = Date.UTC(y, m - 1, d + addDays);
  const o1 = offsetMs(tz, w - 86400000), o2 = offsetMs(tz, w + 86400000);
  const valid = [...new Set([o1, o2])].filter((o) => offsetMs(tz, w - o) === o);
  const t = valid.length ? Math.max(...valid.map((o) => w - o)) : w - o1;
  return BigInt(t) * 1000n;
}

// Epoch microseconds (whole seconds) -> TIMESTAMPTZ literal text.
export const utcText = (us) => new Date(Number(us / 1000n)).toISOString().replace('T', ' ').replace(/\.000Z$/, '+00');

// Offset changes of tz in [a, b] (ms): [{at: ms, off: ms}], found by sampling
// every 6 h and bisecting to the second.
export function transitions(tz, a, b) {
  const out = [];
  const step = 6 * 3600 * 1000;
  let prevT = a, prevO = offsetMs(tz, a);
  for (let t = a + step; prevT < b; t += step) {
    const o = offsetMs(tz, t);
    if (o !== prevO) {
      let lo = prevT, hi = t;                      // offset(lo) = prevO, offset(hi) = o
      while (hi - lo > 1000) {
        const mid = Math.floor((lo + hi) / 2000) * 1000;
        if (mid <= lo) break;
        if (offsetMs(tz, mid) === prevO) lo = mid; else hi = mid;
      }
      out.push({ at: hi, off: o });
      prevO = o;
    }
    prevT = t;
  }
  return { first: offsetMs(tz, a), changes: out };
}

export function tzOffsetMacro(tz, aMs, bMs) {
  const { first, changes } = transitions(tz, aMs, bMs);
  let body = '';
  let cur = first;
  for (const c of changes) {
    body += `WHEN us < ${BigInt(c.at) * 1000n} THEN ${BigInt(cur) * 1000n} `;
    cur = c.off;
  }
  const expr = body ? `CASE ${body}ELSE ${BigInt(cur) * 1000n} END` : `${BigInt(cur) * 1000n}`;
  return { sql: `CREATE OR REPLACE MACRO tz_offset_us(us) AS CAST(${expr} AS BIGINT)`, changes: changes.length };
}

