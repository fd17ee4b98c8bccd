// DuckDB-WASM baseline of the engagement report (benchmark only).
// Loads DuckDB-WASM from this server (never a CDN), waits for the nine CSV
// files in the file input, runs the adapted report.sql and materialises the
// seven data sets; the time from "files given" to "all seven computed" is
// measured with performance.now().
import * as duckdb from '@duckdb/duckdb-wasm';

const $ = (id) => document.getElementById(id);
const status = (s) => { $('status').textContent = s; };
const DIST = new URL('./node_modules/@duckdb/duckdb-wasm/dist/', location.href).href;

async function init() {
  const t0 = performance.now();
  const worker = new Worker(new URL('./worker.js', location.href).href);
  const logger = new duckdb.VoidLogger();
  const db = new duckdb.AsyncDuckDB(logger, worker);
  await db.instantiate(DIST + 'duckdb-eh.wasm');
  // Extensions are never fetched: autoinstall off, repository unreachable anyway.
  await db.open({ query: { castBigIntToDouble: false } });
  const conn = await db.connect();
  return { db, conn, initMs: performance.now() - t0 };
}

window.bench = { ready: init().then((x) => { Object.assign(window.bench, x); status('ready'); return true; },
                                    (e) => { status('init failed: ' + e); throw e; }) };

// Probe helper: run SQL, return rows as plain JSON (for run.mjs --probe).
window.bench.sql = async (q) => {
  try {
    const r = await window.bench.conn.query(q);
    return { rows: JSON.parse(JSON.stringify(r.toArray().map((x) => x.toJSON()), (k, v) => typeof v === 'bigint' ? Number(v) : v)) };
  } catch (e) { return { error: String(e.message || e) }; }
};
