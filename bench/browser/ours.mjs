#!/usr/bin/env node
// Our page (the built dist/) in headless Chromium, timed the way a user
// loads a bundle: the nine CSV files of DIR are given to the page's file
// input, and the clock stops when the report is on screen (its "computed in"
// line and a first chart). The counterpart of run.mjs (DuckDB-WASM).
//
//   node bench/browser/ours.mjs --input DIR [--runs 3] [--dist dist] [--chromium /usr/bin/chromium]
//
// Prints per run: seconds from files given to report ready, the engine's
// wasm heap peak (shown by the page), and the peak RSS of the renderer
// processes (page + worker) sampled from /proc; then two period changes
// (the "7 days" and "Whole data" presets), each from the click to the
// page's last DOM change.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { TABLES, serveDist } from './dist_server.mjs';
import { rendererSampler } from './proc.mjs';


const args = { runs: 3, dist: 'dist', chromium: '/usr/bin/chromium' };
for (let i = 2; i < process.argv.length; i++) {
  const k = process.argv[i];
  const v = process.argv[++i];
  if (k === '--input') args.input = v;
  else if (k === '--runs') args.runs = Number(v);
  else if (k === '--dist') args.dist = v;
  else if (k === '--chromium') args.chromium = v;
  else { console.error(`ours.mjs: unknown argument ${k}`); process.exit(2); }
}
if (!args.input) { console.error('ours.mjs: --input DIR is required'); process.exit(2); }
const dist = path.resolve(args.dist);
const files = TABLES.map((t) => path.resolve(args.input, t + '.csv'));

const { server, port } = await serveDist(dist);

const results = [];
for (let run = 0; run < args.runs; run++) {
  const browser = await chromium.launch({
    executablePath: args.chromium,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForSelector('#file-input');
  const sampler = rendererSampler(process.pid);
  sampler.reset();
  const t0 = Date.now();
  await page.setInputFiles('#file-input', files);
  // Done when the report is on screen, or when the page shows a problem
  // (out of memory, a refused file): that run then fails, loudly.
  await page.waitForFunction(() => (document.body.innerText.includes('computed in')
    && document.querySelector('figure.chart svg') !== null) || document.getElementById('error') !== null,
  null, { timeout: 1800000, polling: 50 });
  const seconds = (Date.now() - t0) / 1000;
  const peak = sampler.peak();
  sampler.stop();
  const problem = await page.evaluate(() => document.getElementById('error')?.textContent);
  if (problem) {
    console.log(`run ${run + 1}: FAILED after ${seconds.toFixed(2)} s: ${problem}`);
    await browser.close();
    server.close();
    process.exit(1);
  }
  const text = await page.evaluate(() => document.body.innerText);
  const events = /events\s+events_event\.csv\s+(\d+)/.exec(text);
  // The page shows the worker's WebAssembly memory, which never shrinks: at
  // report time it is the wasm heap's peak.
  const mib = (re) => { const m = re.exec(text); return m ? Number(m[1]) * (m[2] === 'GiB' ? 1024 : 1) : NaN; };
  const heapMiB = mib(/engine memory ([\d.]+) (GiB|MiB)/);
  const loadedMiB = mib(/holds it in ([\d.]+) (GiB|MiB)/);
  const loadMs = Number((/Loaded .* in (\d+) ms/.exec(text) || [])[1]);
  const computeMs = Number((/computed in (\d+) ms/.exec(text) || [])[1]);
  // Period changes (not part of `seconds`): a preset button, timed from the
  // click to the page's last change of the DOM (the new report, its charts
  // and the first page of every table the worker answers), found as the
  // last mutation before 500 ms without any.
  const periodChange = async (button) => {
    const before = await page.evaluate(() => document.getElementById('start').value);
    await page.evaluate(() => {
      window.__lastMutation = 0;
      window.__observer?.disconnect();
      window.__observer = new MutationObserver(() => { window.__lastMutation = performance.now(); });
      window.__observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    // The page first settles (the last report's tables arrive after it).
    await page.waitForFunction(() => performance.now() - window.__lastMutation > 500, null, { polling: 50, timeout: 600000 });
    const clicked = await page.evaluate((b) => { document.getElementById(b).click(); return performance.now(); }, button);
    // A new period on screen, or a problem the page shows instead.
    await page.waitForFunction((b) => document.getElementById('error') !== null
      || document.getElementById('start')?.value !== b, before, { polling: 20, timeout: 600000 });
    const problem = await page.evaluate(() => document.getElementById('error')?.textContent
      ?? (document.getElementById('start') ? null : document.body.innerText.slice(0, 400)));
    if (problem) {
      console.log(`run ${run + 1}: period change (${button}) FAILED: ${problem}`);
      return { ms: NaN, shownMs: NaN };
    }
    await page.waitForFunction(() => performance.now() - window.__lastMutation > 500, null, { polling: 50, timeout: 600000 });
    const ms = await page.evaluate((t) => window.__lastMutation - t, clicked);
    const shownMs = Number((/computed in (\d+) ms/.exec(await page.evaluate(() => document.body.innerText)) || [])[1]);
    return { ms, shownMs };
  };
  const p7 = await periodChange('preset-7');
  const pAll = await periodChange('preset-all');
  console.log(`run ${run + 1}: period change -> report on screen: 7 days ${p7.ms.toFixed(0)} ms (computed in ${p7.shownMs} ms), whole data ${pAll.ms.toFixed(0)} ms (computed in ${pAll.shownMs} ms)`);
  results.push({ seconds, heapMiB, loadedMiB, rssMiB: peak / 1048576, loadMs, computeMs,
    period7Ms: p7.ms, period7ComputeMs: p7.shownMs, periodAllMs: pAll.ms, periodAllComputeMs: pAll.shownMs,
    events: events ? Number(events[1]) : null });
  console.log(`run ${run + 1}: files given -> report ready ${seconds.toFixed(2)} s, wasm heap peak ${heapMiB.toFixed(0)} MiB (${loadedMiB.toFixed(0)} once loaded), renderer RSS peak ${(peak / 1048576).toFixed(0)} MiB` +
    (events ? `, ${events[1]} events loaded` : '') +
    ` (load ${loadMs} ms, report ${computeMs} ms, as the page shows them)`);
  await browser.close();
}
const median = (key) => {
  const v = results.map((r) => r[key]).sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
};
console.log(`median: ${median('seconds').toFixed(2)} s over ${results.length} runs; period change 7 days ${median('period7Ms').toFixed(0)} ms, whole data ${median('periodAllMs').toFixed(0)} ms`);
const csvBytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
console.log('SUMMARY ' + JSON.stringify({
  input: path.resolve(args.input), csv_bytes: csvBytes, runs: results.length,
  median_total_s: median('seconds'), min_total_s: Math.min(...results.map((r) => r.seconds)),
  max_total_s: Math.max(...results.map((r) => r.seconds)),
  median_wasm_heap_mib: median('heapMiB'), median_loaded_heap_mib: median('loadedMiB'),
  median_renderer_rss_mib: median('rssMiB'), median_load_ms: median('loadMs'),
  median_report_ms: median('computeMs'), median_period_7d_ms: median('period7Ms'),
  median_period_7d_computed_ms: median('period7ComputeMs'), median_period_all_ms: median('periodAllMs'),
  median_period_all_computed_ms: median('periodAllComputeMs'), events: results[0].events, per_run: results,
}));
server.close();
