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
// processes (page + worker) sampled from /proc.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { rendererSampler } from './proc.mjs';

const TABLES = ['auth_user', 'hub_church', 'hub_fast', 'hub_profile', 'hub_profile_fasts',
  'events_eventtype', 'events_event', 'events_useractivityfeed', 'django_content_type'];
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.json': 'application/json' };

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

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const p = path.join(dist, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname));
  if (!p.startsWith(dist) || !fs.existsSync(p) || !fs.statSync(p).isFile()) { res.writeHead(404); return res.end(); }
  res.writeHead(200, { 'content-type': MIME[path.extname(p)] || 'application/octet-stream' });
  fs.createReadStream(p).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const port = server.address().port;

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
  await page.waitForFunction(() => document.body.innerText.includes('computed in')
    && document.querySelector('img[alt]') !== null, null, { timeout: 600000, polling: 50 });
  const seconds = (Date.now() - t0) / 1000;
  const peak = sampler.peak();
  sampler.stop();
  const text = await page.evaluate(() => document.body.innerText);
  const events = /events\s+events_event\.csv\s+(\d+)/.exec(text);
  // The page shows the worker's WebAssembly memory, which never shrinks: at
  // report time it is the wasm heap's peak.
  const mib = (re) => { const m = re.exec(text); return m ? Number(m[1]) * (m[2] === 'GiB' ? 1024 : 1) : NaN; };
  const heapMiB = mib(/engine memory ([\d.]+) (GiB|MiB)/);
  const loadedMiB = mib(/holds it in ([\d.]+) (GiB|MiB)/);
  const loadMs = /Loaded .* in (\d+) ms/.exec(text);
  const computeMs = /computed in (\d+) ms/.exec(text);
  results.push(seconds);
  console.log(`run ${run + 1}: files given -> report ready ${seconds.toFixed(2)} s, wasm heap peak ${heapMiB.toFixed(0)} MiB (${loadedMiB.toFixed(0)} once loaded), renderer RSS peak ${(peak / 1048576).toFixed(0)} MiB` +
    (events ? `, ${events[1]} events loaded` : '') +
    (loadMs && computeMs ? ` (load ${loadMs[1]} ms, report ${computeMs[1]} ms, as the page shows them)` : ''));
  await browser.close();
}
results.sort((a, b) => a - b);
console.log(`median: ${results[Math.floor(results.length / 2)].toFixed(2)} s over ${results.length} runs`);
server.close();
