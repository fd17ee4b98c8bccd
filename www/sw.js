// The page's service worker (SPEC §10): after a first visit the page starts
// without a network. It caches the app's own files only: never data (the
// user's files never pass through here; a downloaded bundle is another
// origin, or has a query string, or is simply not one of the names below),
// never another origin's or a non-GET request, never a URL with a query
// string. The page itself, opened with a query (an old `?bundle=` share
// link, whose presigned URL is a password to the members' data, SPEC §10),
// is fetched and stored under its plain address: the query never reaches
// the server again through this worker, nor a stored response's URL.
//
// How a new build reaches users. Trunk copies this file as it is (it cannot
// write a build id into it), and the browser installs a new service worker
// only when this file's bytes change, so updates must not depend on that:
//   - the page (index.html) is network first: online, every start gets the
//     newest index.html, which names the build's hashed js/wasm/css; the
//     cached copy is only the fallback when the network fails. When the
//     server's index.html differs from the cached one, that build is
//     adopted: its files are fetched, then its index.html replaces the
//     cached one, then files it no longer names are deleted; a start cut
//     short leaves the previous build whole for an offline start;
//   - hashed files (`name-<16 hex>.js|wasm|css`) are cache first: a new
//     build has new names, so a cached copy is never stale;
//   - the files whose names never change (boot.js, worker_loader.js,
//     worker.js, worker_bg.wasm) are network first, revalidated with the
//     server (`cache: 'no-cache'`), so the engine is never a build behind.
// So an online start always runs the build on the server, and the cache
// holds the last one seen. Install adopts the build once (the first visit's
// files were fetched before this worker existed). CACHE_VERSION is for
// changes to these rules: a new value makes a new cache, and activate
// deletes this scope's old ones.
'use strict';

const CACHE_VERSION = 1;
const SCOPE = self.registration.scope;
// Several deployments may share an origin (`/reports/`, `/staging/`): each
// scope has its own cache and deletes only its own old ones.
const CACHE_PREFIX = 'engagement-report-app ' + SCOPE + ' ';
const CACHE = CACHE_PREFIX + CACHE_VERSION;
// Files the page needs that index.html does not name: the engine's worker
// (names fixed by worker_loader.js and Trunk's worker output) and the
// initializer.
const FIXED = ['boot.js', 'worker_loader.js', 'worker.js', 'worker_bg.wasm'];
const PAGE = 'index.html';
// Trunk's content-hashed names. The hash is a 64-bit number written in hex
// without leading zeros: 16 digits, or fewer (one build in 16 has 15).
const HASHED = /-[0-9a-f]{1,16}(_bg)?\.(js|wasm|css)$/;

// A URL's path relative to the scope, or null outside it (other origins
// included).
function inScope(url) {
  return url.startsWith(SCOPE) ? url.slice(SCOPE.length) : null;
}

// The app's files named by an index.html: relative `./name` attributes
// (Trunk writes every asset that way, public_url = "./").
function assetsOf(html) {
  const names = new Set(FIXED);
  const re = /(?:src|href|data-js|data-wasm)="\.\/([A-Za-z0-9_.-]+)"/g;
  for (const m of html.matchAll(re)) {
    names.add(m[1]);
  }
  return names;
}

const url = (name) => new URL(name, SCOPE).href;

// Keeps only this build's files: the page, FIXED, and what `html` names.
async function tidy(cache, html) {
  const keep = assetsOf(html);
  keep.add(PAGE);
  for (const req of await cache.keys()) {
    const name = inScope(req.url);
    if (name === null || !keep.has(name)) {
      await cache.delete(req);
    }
  }
}

async function fetchPage() {
  // Hosts serve the folder's index as `index.html`; a few only as `./`.
  const direct = await fetch(url(PAGE), { cache: 'no-cache' });
  return direct.ok ? direct : fetch(SCOPE, { cache: 'no-cache' });
}

// Makes `page` (a fresh index.html from the server) the cached build, once
// every file it needs is cached: a start cut short (or a failed install)
// leaves the previous build whole for the next offline start.
async function adopt(cache, page) {
  const html = await page.clone().text();
  const old = await cache.match(url(PAGE));
  if (old && (await old.text()) === html) {
    return;
  }
  const needed = [];
  for (const name of assetsOf(html)) {
    if (FIXED.includes(name) || !(await cache.match(url(name)))) {
      needed.push(new Request(url(name), { cache: 'no-cache' }));
    }
  }
  await cache.addAll(needed);
  await cache.put(url(PAGE), page);
  await tidy(cache, html);
}

async function precache() {
  const page = await fetchPage();
  if (!page.ok) {
    throw new Error('index.html: HTTP ' + page.status);
  }
  await adopt(await caches.open(CACHE), page);
}

self.addEventListener('install', (event) => {
  // A failed install leaves the page working online; the next visit tries
  // again.
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE) {
          await caches.delete(name);
        }
      }
      // The page that registered this worker uses it from now on (its
      // later requests, the engine's worker included).
      await self.clients.claim();
    })(),
  );
});

// Network first: the server's answer (stored for later), else the cached
// copy under `key`.
async function networkFirst(event, request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    // Never a response whose URL holds a query (SPEC §10).
    const plain = new URL(response.url || request.url).search === '';
    if (response.ok && response.type === 'basic' && !response.redirected && plain) {
      // Stored beside the answer, which streams to the page at once.
      const stored = response.clone();
      event.waitUntil(key === url(PAGE) ? adopt(cache, stored) : cache.put(key, stored));
      return response;
    }
    return (await cache.match(key)) || response;
  } catch (err) {
    const cached = await cache.match(key);
    if (cached) {
      return cached;
    }
    throw err;
  }
}

async function cacheFirst(event, request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request.url);
  if (cached) {
    return cached;
  }
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') {
    event.waitUntil(cache.put(request.url, response.clone()));
  }
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') {
    return;
  }
  const target = new URL(request.url);
  target.hash = '';
  const name = inScope(target.origin + target.pathname);
  if (name === null) {
    return;
  }
  if (request.mode === 'navigate') {
    // The page itself, with any query (`?demo=small`, an old share link):
    // asked for by its plain address, so neither the request line nor the
    // stored response's URL holds the query.
    if (name === '' || name === PAGE) {
      const plain = new Request(target.origin + target.pathname, {
        cache: request.cache === 'only-if-cached' ? 'default' : request.cache,
        credentials: request.credentials,
        referrerPolicy: 'no-referrer',
      });
      event.respondWith(networkFirst(event, plain, url(PAGE)));
    }
    return;
  }
  if (target.search !== '') {
    return;
  }
  if (HASHED.test(name) && !name.includes('/')) {
    event.respondWith(cacheFirst(event, request));
  } else if (FIXED.includes(name)) {
    event.respondWith(networkFirst(event, new Request(request, { cache: 'no-cache' }), url(name)));
  }
  // Anything else (a data file next to the page, say) is not the app's:
  // the browser fetches it as if this worker did not exist.
});
