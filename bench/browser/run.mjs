#!/usr/bin/env node
// DuckDB-WASM baseline of the engagement report in headless Chromium.
//
//   node bench/browser/run.mjs --input DIR|DUMP.json --start YYYY-MM-DD --end YYYY-MM-DD
//        [--timezone UTC] [--json OUT.json] [--runs N] [--chromium /usr/bin/chromium]
//
// Serves bench/browser/ on 127.0.0.1 (a tiny static server; the adapted SQL
// is generated from bench/duckdb/report.sql by adapt.mjs at /report.browser.sql),
// opens duckdb.html in a fresh headless Chromium per run, gives the nine CSV
// files of DIR to the page's file input (the user's path) and prints, per run:
// time from files given to all seven data sets computed (performance.now() in
// the page), its phases, and memory: the wasm linear memory at the end (it
// never shrinks, so this is the wasm heap's peak), the page's JS heap, and the
// peak RSS of the renderer process sampled from /proc.  Every request to a
// host other than 127.0.0.1 is refused and reported (there must be none).
// With --json, writes the consolidated report of the last run (same shape as
// bench/duckdb/run_duckdb.py --json) for bench/duckdb/compare.py.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { chromium } from 'playwright-core';
import { adaptedSql } from './adapt.mjs';
import { rendererSampler } from './proc.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TABLES = ['auth_user', 'hub_church', 'hub_fast', 'hub_profile', 'hub_profile_fasts',
  'events_eventtype', 'events_event', 'events_useractivityfeed', 'django_content_type'];
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json', '.sql': 'text/plain; charset=utf-8' };

function fail(msg) { console.error(`run.mjs: ${msg}`); process.exit(2); }

function parseArgs(argv) {
  const a = { timezone: 'UTC', runs: 1, chromium: '/usr/bin/chromium', timeout: 1800 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => { if (i + 1 >= argv.length) fail(`${k} needs a value`); return argv[++i]; };
    if (k === '--input') a.input = v();
    else if (k === '--start') a.start = v();
    else if (k === '--end') a.end = v();
    else if (k === '--timezone') a.timezone = v();
    else if (k === '--json') a.json = v();
    else if (k === '--runs') a.runs = Number(v());
    else if (k === '--chromium') a.chromium = v();
    else if (k === '--timeout') a.timeout = Number(v());
    else if (k === '-h' || k === '--help') { console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 18).join('\n')); process.exit(0); }
    else fail(`unknown argument ${k}`);
  }
  if (!a.input) fail('--input DIR is required');
  const isDate = (s) => /^\d{4}-\d{2}-\d{2}$/.test(s || '') && !Number.isNaN(Date.parse(s + 'T00:00:00Z'))
    && new Date(s + 'T00:00:00Z').toISOString().slice(0, 10) === s;
  if (!isDate(a.end)) fail(`malformed or missing --end ${a.end}; expected YYYY-MM-DD`);
  if (!isDate(a.start)) fail(`malformed or missing --start ${a.start}; expected YYYY-MM-DD`);
  if (a.start > a.end) fail(`--start ${a.start} is after --end ${a.end}`);
  try { new Intl.DateTimeFormat('en', { timeZone: a.timezone }); } catch { fail(`unknown time zone ${a.timezone}`); }
  if (!(a.runs >= 1)) fail('--runs must be >= 1');
  if (fs.existsSync(a.input) && fs.statSync(a.input).isFile() && a.input.endsWith('.json')) {
    // A dumpdata file: converted to the nine CSV tables first, untimed, by the
    // native runner's converter (as run_duckdb.py does).
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-dump-'));
    execFileSync(process.env.PYTHON || 'python3', [path.join(HERE, '..', 'duckdb', 'dump_to_csv.py'), a.input, tmp], { stdio: 'inherit' });
    process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
    a.input = tmp;
  }
  const missing = TABLES.filter((t) => !fs.existsSync(path.join(a.input, t + '.csv')));
  if (missing.length) fail(`${a.input}: missing ` + missing.map((t) => t + '.csv').join(', '));
  return a;
}

function serve(sql) {
  const srv = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/report.browser.sql') {
      res.writeHead(200, { 'content-type': MIME['.sql'] });
      return res.end(sql);
    }
    const p = path.join(HERE, decodeURIComponent(url.pathname));
    if (!p.startsWith(HERE + path.sep) || !fs.existsSync(p) || !fs.statSync(p).isFile()) {
      res.writeHead(404); return res.end();
    }
    res.writeHead(200, { 'content-type': MIME[path.extname(p)] || 'application/octet-stream',
      'content-length': fs.statSync(p).size });
    fs.createReadStream(p).pipe(res);
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

const MB = (b) => (b == null ? 'n/a' : (b / 1048576).toFixed(0) + ' MiB');

async function oneRun(a, port, wantJson) {
  const browser = await chromium.launch({
    executablePath: a.chromium,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run',
      '--enable-precise-memory-info'],
  });
  const blocked = [];
  const consoleErrors = [];
  try {
    const page = await browser.newPage();
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    await page.route('**/*', (route) => {
      const u = new URL(route.request().url());
      if (u.hostname === '127.0.0.1') return route.continue();
      blocked.push(u.href);
      return route.abort();
    });
    page.setDefaultTimeout(a.timeout * 1000);
    await page.goto(`http://127.0.0.1:${port}/duckdb.html`);
    const info = await page.evaluate(async () => { await window.bench.ready; return { version: window.bench.version, initMs: window.bench.initMs }; });
    await page.fill('#start', a.start);
    await page.fill('#end', a.end);
    await page.fill('#tz', a.timezone);
    const sampler = rendererSampler(process.pid);
    const rssBefore = sampler.sample();
    sampler.reset();
    await page.setInputFiles('#files', TABLES.map((t) => path.resolve(a.input, t + '.csv')));
    await page.waitForFunction(() => window.bench.last, null, { timeout: a.timeout * 1000, polling: 100 });
    const last = await page.evaluate(() => window.bench.last);
    const rssPeak = sampler.peak();
    sampler.stop();
    if (!last.ok) throw new Error(`page: ${last.error}\n${consoleErrors.slice(-3).join('\n')}`);
    const mem = await page.evaluate(() => window.bench.memory());
    let wasm = null;
    for (const w of page.workers()) {
      try { wasm = await w.evaluate(() => self.__wasmMemoryBytes && self.__wasmMemoryBytes()); } catch { /* not ours */ }
      if (wasm) break;
    }
    const report = wantJson ? await page.evaluate(() => window.bench.consolidated()) : null;
    return { info, last, mem: { ...mem, wasm_memory_bytes: wasm, renderer_rss_before: rssBefore, renderer_rss_peak: rssPeak },
      blocked, report };
  } finally {
    await browser.close();
  }
}

const median = (xs) => { const s = [...xs].sort((x, y) => x - y); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };

async function main() {
  const a = parseArgs(process.argv.slice(2));
  let sql;
  try { sql = adaptedSql(); } catch (e) { fail(e.message); }
  const srv = await serve(sql);
  const port = srv.address().port;
  const csvBytes = TABLES.reduce((s, t) => s + fs.statSync(path.join(a.input, t + '.csv')).size, 0);
  console.log(`input ${a.input} (${MB(csvBytes)} of CSV), period ${a.start}..${a.end} ${a.timezone}, ${a.runs} run(s)`);
  const runs = [];
  try {
    for (let i = 0; i < a.runs; i++) {
      const r = await oneRun(a, port, a.json && i === a.runs - 1);
      runs.push(r);
      const m = r.last.ms;
      console.log(`run ${i + 1}: ${(m.total / 1000).toFixed(3)} s files->report ` +
        `(register ${m.register.toFixed(0)} ms, load SQL ${m.load_sql.toFixed(0)}, tz JS ${m.tz_js.toFixed(0)}, ` +
        `data JSON ${m.json_js.toFixed(0)} [${m.json_rows} rows], report SQL ${m.report_sql.toFixed(0)}, ` +
        `materialise ${m.materialise.toFixed(0)}); wasm memory ${MB(r.mem.wasm_memory_bytes)}, ` +
        `renderer RSS peak ${MB(r.mem.renderer_rss_peak)} (before files ${MB(r.mem.renderer_rss_before)}), ` +
        `JS heap ${MB(r.mem.js_heap_used)}, DuckDB buffers at end ${MB(r.mem.duckdb_buffer_bytes)}; ` +
        `init ${(r.info.initMs / 1000).toFixed(2)} s` + (r.blocked.length ? `; BLOCKED ${r.blocked.length} external request(s): ${r.blocked[0]}` : ''));
    }
  } catch (e) {
    srv.close();
    fail(e.message);
  }
  srv.close();
  const r0 = runs[runs.length - 1];
  const summary = {
    duckdb_wasm: r0.info.version, input: path.resolve(a.input), csv_bytes: csvBytes,
    start: a.start, end: a.end, timezone: a.timezone, runs: runs.length,
    median_total_s: median(runs.map((r) => r.last.ms.total)) / 1000,
    median_wasm_memory_bytes: median(runs.map((r) => r.mem.wasm_memory_bytes || 0)),
    median_renderer_rss_peak_bytes: median(runs.map((r) => r.mem.renderer_rss_peak)),
    rows: r0.last.rows,
    external_requests_blocked: runs.reduce((s, r) => s + r.blocked.length, 0),
    per_run: runs.map((r) => ({ ms: r.last.ms, mem: r.mem })),
  };
  console.log(`median of ${runs.length}: ${summary.median_total_s.toFixed(3)} s, wasm memory ${MB(summary.median_wasm_memory_bytes)}, ` +
    `renderer RSS peak ${MB(summary.median_renderer_rss_peak_bytes)}`);
  console.log('SUMMARY ' + JSON.stringify(summary));
  if (a.json) {
    const rep = { range: { start: a.start, end: a.end, timezone: a.timezone }, ...r0.report };
    fs.writeFileSync(a.json, JSON.stringify(rep, null, 1) + '\n');
  }
  if (summary.external_requests_blocked) fail('the page tried to reach another host (see BLOCKED above)');
}

main().catch((e) => fail(e.stack || String(e)));
