#!/usr/bin/env node
// Our page (the built dist/) on its own large demo bundle, the path of a
// first visit: the "large" demo button clicked, timed to the first chart on
// screen; then the user activity timeline sorted by its second column, timed
// from the click to the column saying it is sorted. No files are given: the
// page's worker generates the bundle (its generation is part of the time).
// This was a browser test that only printed these timings; they are a
// benchmark's figures, not a test's assertions.
//
//   node bench/browser/demo.mjs [--runs 3] [--dist dist] [--chromium /usr/bin/chromium]
//
// Prints per run: click to first chart (ms), the events the page loaded
// (from its load summary) and the sort (ms); then the medians and a last
// line `SUMMARY {...}` with everything as JSON.
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serveDist } from './dist_server.mjs';

const args = { runs: 3, dist: 'dist', chromium: '/usr/bin/chromium' };
for (let i = 2; i < process.argv.length; i++) {
  const k = process.argv[i];
  const v = process.argv[++i];
  if (k === '--runs') args.runs = Number(v);
  else if (k === '--dist') args.dist = v;
  else if (k === '--chromium') args.chromium = v;
  else { console.error(`demo.mjs: unknown argument ${k}`); process.exit(2); }
}
const { server, port } = await serveDist(path.resolve(args.dist));

const results = [];
for (let run = 0; run < args.runs; run++) {
  const browser = await chromium.launch({
    executablePath: args.chromium,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  await page.goto(`http://127.0.0.1:${port}/?tz=UTC`);
  await page.waitForSelector('#demo-large');
  const t0 = Date.now();
  await page.click('#demo-large');
  // The first chart, or the page's problem panel (that run fails, loudly).
  await page.waitForFunction(() => document.querySelector('#chart-new_users_per_day svg') !== null
    || document.getElementById('error') !== null, null, { timeout: 600000, polling: 50 });
  const firstChartMs = Date.now() - t0;
  const problem = await page.evaluate(() => document.getElementById('error')?.textContent);
  if (problem) {
    console.log(`run ${run + 1}: FAILED after ${firstChartMs} ms: ${problem}`);
    await browser.close();
    server.close();
    process.exit(1);
  }
  const events = Number(await page.evaluate(() =>
    document.querySelector("#load-summary tr[data-table='events_event.csv'] td.num")?.textContent));
  // The timeline's section, then its second column sorted ascending.
  await page.click('#tab-user_activity_timeline');
  await page.waitForSelector('#table-user_activity_timeline th:nth-child(2) button.sort', { timeout: 60000 });
  const t1 = Date.now();
  await page.click('#table-user_activity_timeline th:nth-child(2) button.sort');
  await page.waitForFunction(() => document.querySelector('#table-user_activity_timeline th:nth-child(2)')
    ?.getAttribute('aria-sort') === 'ascending', null, { timeout: 60000, polling: 20 });
  const sortMs = Date.now() - t1;
  results.push({ firstChartMs, sortMs, events });
  console.log(`run ${run + 1}: large demo (${events} events): click to first chart ${firstChartMs} ms; sort of the timeline ${sortMs} ms`);
  await browser.close();
}
const median = (key) => {
  const v = results.map((r) => r[key]).sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
};
console.log(`median: first chart ${median('firstChartMs')} ms, sort ${median('sortMs')} ms over ${results.length} runs`);
console.log('SUMMARY ' + JSON.stringify({
  bundle: 'demo-large', runs: results.length, events: results[0].events,
  median_first_chart_ms: median('firstChartMs'), median_sort_ms: median('sortMs'), per_run: results,
}));
server.close();
