#!/usr/bin/env node
// Where our page's time goes: one load of DIR's nine CSV files and one
// period change, with Chromium's sampling profiler running in the page and
// in the engine's Web Worker (DevTools protocol). Writes the two
// .cpuprofile files (open them in DevTools' Performance panel) and prints
// the hottest functions of each phase by self time.
//
//   node bench/browser/profile.mjs --input DIR [--dist dist] [--out target/profile] [--top 25] [--preset 7|all]
//
// --preset: the period change profiled, the "7 days" preset (default) or
// "Whole data" (`all`).
//
// Wasm function names are in the profile only if the worker's wasm keeps its
// "name" section: release builds strip it (.cargo/config.toml), so build a
// local profiling variant for names (see bench/browser/README.md).
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { TABLES, serveDist } from './dist_server.mjs';


const args = { dist: 'dist', out: 'target/profile', top: 25, preset: '7', chromium: '/usr/bin/chromium' };
for (let i = 2; i < process.argv.length; i++) {
  const k = process.argv[i];
  const v = process.argv[++i];
  if (k === '--input') args.input = v;
  else if (k === '--dist') args.dist = v;
  else if (k === '--out') args.out = v;
  else if (k === '--top') args.top = Number(v);
  else if (k === '--chromium') args.chromium = v;
  else if (k === '--preset') args.preset = v;
  else { console.error(`profile.mjs: unknown argument ${k}`); process.exit(2); }
}
if (!args.input) { console.error('profile.mjs: --input DIR is required'); process.exit(2); }
if (!['7', 'all'].includes(args.preset)) { console.error('profile.mjs: --preset is 7 or all'); process.exit(2); }
const dist = path.resolve(args.dist);
const files = TABLES.map((t) => path.resolve(args.input, t + '.csv'));
fs.mkdirSync(args.out, { recursive: true });

const { server, port } = await serveDist(dist);

const browser = await chromium.launch({
  executablePath: args.chromium,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const page = await browser.newPage();
const cdp = await page.context().newCDPSession(page);

// The worker's own session: Playwright's CDP sessions are page sessions, so
// the worker is reached through the (non-flat) Target message relay.
let workerSession = null;
let nextId = 1;
const pending = new Map();
cdp.on('Target.attachedToTarget', (ev) => {
  if (ev.targetInfo.type === 'worker' && !workerSession) workerSession = ev.sessionId;
});
cdp.on('Target.receivedMessageFromTarget', (ev) => {
  const msg = JSON.parse(ev.message);
  if (msg.id && pending.has(msg.id)) {
    const { resolve, reject } = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) reject(new Error(JSON.stringify(msg.error)));
    else resolve(msg.result);
  }
});
const inWorker = (method, params = {}) => new Promise((resolve, reject) => {
  const id = nextId++;
  pending.set(id, { resolve, reject });
  cdp.send('Target.sendMessageToTarget', { sessionId: workerSession, message: JSON.stringify({ id, method, params }) })
    .catch(reject);
});

await page.goto(`http://127.0.0.1:${port}/`);
await page.waitForSelector('#file-input');
await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
for (let i = 0; i < 100 && !workerSession; i++) await new Promise((r) => setTimeout(r, 50));
if (!workerSession) { console.error('profile.mjs: the worker target did not attach'); process.exit(1); }

const startBoth = async () => {
  await inWorker('Profiler.enable');
  await inWorker('Profiler.setSamplingInterval', { interval: 200 });
  await inWorker('Profiler.start');
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
};
const stopBoth = async (name) => {
  const w = (await inWorker('Profiler.stop')).profile;
  const p = (await cdp.send('Profiler.stop')).profile;
  fs.writeFileSync(path.join(args.out, `${name}-worker.cpuprofile`), JSON.stringify(w));
  fs.writeFileSync(path.join(args.out, `${name}-page.cpuprofile`), JSON.stringify(p));
  return { w, p };
};

// Self time per function (ms), and the whole profile's span.
function summarize(profile, label) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const n = byId.get(profile.samples[i]);
    const cf = n.callFrame;
    const key = cf.functionName || `(anonymous ${path.basename(cf.url)}:${cf.lineNumber})`;
    self.set(key, (self.get(key) || 0) + dt);
    total += dt;
  }
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, args.top);
  console.log(`\n== ${label}: ${total.toFixed(0)} ms sampled`);
  for (const [k, ms] of rows) console.log(`${ms.toFixed(1).padStart(9)} ms  ${(100 * ms / total).toFixed(1).padStart(5)}%  ${k}`);
}

const report = () => page.waitForFunction(() => (document.body.innerText.includes('computed in')
  && document.querySelector('figure.chart svg') !== null) || document.getElementById('error') !== null,
null, { timeout: 1800000, polling: 50 });

await startBoth();
let t0 = Date.now();
await page.setInputFiles('#file-input', files);
await report();
console.log(`load: files given -> report ready ${(Date.now() - t0)} ms`);
let prof = await stopBoth('load');
summarize(prof.w, 'load, worker');
summarize(prof.p, 'load, page');

// A period change (a preset), done when the page shows its dates and has
// drawn a frame after them.
const before = await page.evaluate(() => document.getElementById('start').value);
// The last load's tables reach the page after its report: let them land.
await new Promise((r) => setTimeout(r, 1500));
await startBoth();
t0 = Date.now();
await page.click(`#preset-${args.preset}`);
await page.waitForFunction((b) => document.getElementById('start').value !== b, before, { polling: 'raf' });
await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
// Tables answered after the report land later: 1 s more of profile.
await new Promise((r) => setTimeout(r, 1000));
console.log(`\nperiod change: click -> report ready ${(Date.now() - t0)} ms`);
prof = await stopBoth('period');
summarize(prof.w, 'period change, worker');
summarize(prof.p, 'period change, page');

await browser.close();
server.close();
