// DuckDB-WASM baseline of the engagement report (benchmark only, never part
// of the product).  Loads DuckDB-WASM from this server (never a CDN), waits
// for the nine CSV files in the file input, runs bench/duckdb/report.sql as
// adapted by adapt.mjs (served as /report.browser.sql) and materialises the
// seven data sets as Arrow tables.  "Files given -> all seven data sets
// computed" is timed with performance.now().
import * as duckdb from '@duckdb/duckdb-wasm';
import * as arrow from 'apache-arrow';
import { localMidnightUs, tzOffsetMacro, utcText } from './tz.mjs';

const $ = (id) => document.getElementById(id);
const status = (s) => { $('status').textContent = s; };
const DIST = new URL('./node_modules/@duckdb/duckdb-wasm/dist/', location.href).href;
const TABLES = ['auth_user', 'hub_church', 'hub_fast', 'hub_profile', 'hub_profile_fasts',
  'events_eventtype', 'events_event', 'events_useractivityfeed', 'django_content_type'];
const DATA_SETS = ['new_users_over_time', 'fasts', 'user_activity', 'user_activity_timeline',
  'user_fast_participation', 'retention_cohorts'];
const sqlStr = (s) => "'" + String(s).replace(/'/g, "''") + "'";

async function init() {
  const t0 = performance.now();
  // worker.js wraps the eh worker to observe the wasm memory (see there).
  const worker = new Worker(new URL('./worker.js', location.href).href);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(DIST + 'duckdb-eh.wasm');
  await db.open({ query: { castBigIntToDouble: false } });
  const conn = await db.connect();
  // Before anything else: never try to download an extension.
  await conn.query('SET autoload_known_extensions = false; SET autoinstall_known_extensions = false');
  const version = (await conn.query('SELECT version() AS v')).get(0).v;
  const sql = await (await fetch('./report.browser.sql')).text();
  return { db, conn, sql, version, initMs: performance.now() - t0 };
}

// ------------------------------------------------------------- events.data
// SPEC 2c: `data` that is not a JSON object counts as {}.  Mirrors the native
// json_type / json_extract use: screen = non-empty JSON string; video_id and
// title keep their JSON value (text), null when missing or JSON null.
const own = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
function parseEventData(tbl) {
  const rid = tbl.getChild('rid').toArray();
  const data = tbl.getChild('data');
  const n = tbl.numRows;
  const screen = new Array(n), vid = new Array(n), vkind = new Int32Array(n), vnum = new Array(n),
    vtext = new Array(n), title = new Array(n), ttext = new Array(n);
  for (let i = 0; i < n; i++) {
    let o = null;
    try { o = JSON.parse(data.get(i)); } catch (_) { o = null; }
    if (o === null || typeof o !== 'object' || Array.isArray(o)) o = {};
    const s = own(o, 'screen') ? o.screen : undefined;
    screen[i] = typeof s === 'string' && s !== '' ? s : null;
    const v = own(o, 'video_id') ? o.video_id : null;
    if (v === null || v === undefined) { vid[i] = null; vkind[i] = 3; vnum[i] = null; vtext[i] = null; } else {
      vid[i] = JSON.stringify(v);
      vkind[i] = typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : 2;
      vnum[i] = typeof v === 'number' ? v : null;
      vtext[i] = typeof v === 'string' ? v : vid[i];
    }
    const t = own(o, 'title') ? o.title : null;
    if (t === null || t === undefined) { title[i] = null; ttext[i] = null; } else {
      title[i] = JSON.stringify(t);
      ttext[i] = typeof t === 'string' ? t : title[i];
    }
  }
  const utf8 = (a) => arrow.vectorFromArray(a, new arrow.Utf8());
  return new arrow.Table({
    rid: arrow.makeVector(rid),
    screen: utf8(screen), video_id: utf8(vid), video_kind: arrow.makeVector(vkind),
    video_num: arrow.vectorFromArray(vnum, new arrow.Float64()), video_text: utf8(vtext),
    title: utf8(title), title_text: utf8(ttext),
  });
}

// ------------------------------------------------------------------- report
async function runReport(files, opts) {
  const { db, conn } = window.bench;
  const ms = {};
  let t = performance.now();
  const t0 = t;
  const lap = (k) => { const n = performance.now(); ms[k] = n - t; t = n; };

  const byName = new Map([...files].map((f) => [f.name, f]));
  const missing = TABLES.filter((n) => !byName.has(n + '.csv'));
  if (missing.length) throw new Error('missing ' + missing.map((n) => n + '.csv').join(', '));
  for (const n of TABLES) {
    await db.registerFileHandle(`input/${n}.csv`, byName.get(n + '.csv'), duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
  }
  const hasYear = (await conn.query(
    "DESCRIBE SELECT * FROM read_csv('input/hub_fast.csv', header = true, delim = ',', quote = '\"', escape = '\"', all_varchar = true)"))
    .toArray().some((r) => r.column_name === 'year');
  const startUs = localMidnightUs(opts.timezone, opts.start), endUs = localMidnightUs(opts.timezone, opts.end, 1);
  const sql = window.bench.sql
    .replace('__START_UTC__', utcText(startUs)).replace('__END_UTC__', utcText(endUs))
    .replace('__FAST_YEAR__', hasYear ? 'f.year' : 'NULL');
  const [part1, part2] = sql.split('-- @@BROWSER: event_data');
  lap('register');

  await conn.query(`SET VARIABLE input_dir = 'input';
    SET VARIABLE start_date = DATE ${sqlStr(opts.start)};
    SET VARIABLE end_date = DATE ${sqlStr(opts.end)};
    SET VARIABLE tz = ${sqlStr(opts.timezone)};`);
  await conn.query(part1);
  lap('load_sql');

  // Time-zone offsets over the span of the data that local_date() sees
  // (date_joined of every user, events of the period), with two days' margin.
  const span = (await conn.query(
    'SELECT epoch_ms(min(date_joined)) AS a, epoch_ms(max(date_joined)) AS b FROM users')).get(0);
  const day = 86400000;
  const lo = Math.min(Number(startUs / 1000n), span.a == null ? Infinity : Number(span.a)) - 2 * day;
  const hi = Math.max(Number(endUs / 1000n), span.b == null ? -Infinity : Number(span.b)) + 2 * day;
  const tzm = tzOffsetMacro(opts.timezone, lo, hi);
  await conn.query(tzm.sql);
  lap('tz_js');

  const raw = await conn.query('SELECT rowid AS rid, data FROM event_raw WHERE data IS NOT NULL');
  const parsed = parseEventData(raw);
  await conn.insertArrowTable(parsed, { name: 'event_data', create: true });
  ms.json_rows = raw.numRows;
  lap('json_js');

  await conn.query(part2);
  lap('report_sql');

  const results = {};
  for (const name of DATA_SETS) results[name] = await conn.query(`SELECT * FROM ${name}`);
  results.other_metrics = await conn.query('SELECT other_metrics FROM other_metrics');
  lap('materialise');
  ms.total = performance.now() - t0;
  window.bench.results = results;
  const rows = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.numRows]));
  return { ms, rows, tz_changes: tzm.changes, has_year: hasYear };
}

// Arrow -> the consolidated JSON shape of run_duckdb.py --json (not timed).
function plain(x) {
  return JSON.parse(JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)));
}
function consolidated() {
  const r = window.bench.results;
  const out = {};
  for (const name of DATA_SETS) {
    out[name] = plain(r[name].toArray().map((row) => row.toJSON()));
  }
  for (const row of out.user_activity_timeline) {
    const num = row['target_id#num'], text = row['target_id#text'];
    delete row['target_id#num']; delete row['target_id#text'];
    row.target_id = num !== null ? num : text;
  }
  const om = plain(r.other_metrics.get(0).other_metrics);
  for (const v of om.engagement_patterns.tutorial_videos.top_videos) {
    v.video_id = v.video_id === null ? null : JSON.parse(v.video_id);
    v.title = v.title === null ? null : JSON.parse(v.title);
  }
  out.other_metrics = om;
  return out;
}

async function memory() {
  const m = { js_heap_used: performance.memory ? performance.memory.usedJSHeapSize : null };
  try {
    const r = await window.bench.conn.query(
      'SELECT sum(memory_usage_bytes) AS used, sum(temporary_storage_bytes) AS tmp FROM duckdb_memory()');
    const row = r.get(0);
    m.duckdb_buffer_bytes = Number(row.used); m.duckdb_temp_bytes = Number(row.tmp);
  } catch (e) { m.duckdb_memory_error = String(e.message || e); }
  return m;
}

window.bench = {
  ready: init().then((x) => { Object.assign(window.bench, x); status(`ready (DuckDB ${x.version})`); return true; },
    (e) => { status('init failed: ' + e); throw e; }),
  consolidated, memory,
};

// The user's path: the nine files picked in the file input.
$('files').addEventListener('change', async (ev) => {
  const opts = { start: $('start').value, end: $('end').value, timezone: $('tz').value };
  status('running…');
  try {
    await window.bench.ready;
    const r = await runReport(ev.target.files, opts);
    window.bench.last = { ok: true, ...r };
    status(`done in ${r.ms.total.toFixed(0)} ms\n` + JSON.stringify(r, null, 2));
  } catch (e) {
    window.bench.last = { ok: false, error: String((e && e.message) || e) };
    status('failed: ' + window.bench.last.error);
  }
});
