// Starts the page's wasm. Trunk fills data-js / data-wasm with the hashed
// file names; a file (not an inline script) keeps the CSP strict.

// First of all, an old share link (`?bundle=<presigned URL>&…`) is
// rewritten to the fragment (`#bundle=…`), which never leaves the browser:
// the address then holds no query for later requests, the address bar or a
// copy of the link to carry to the static host (SPEC §10). The page reads
// its state from the fragment (src/app/browser.rs).
if (location.search.length > 1) {
  const fragment = location.hash.includes('=') ? location.hash : '#' + location.search.slice(1);
  history.replaceState(null, '', location.pathname + fragment);
}
// A share link pasted into the address bar of the open page changes only
// the fragment, which does not reload by itself: start again from it.
addEventListener('hashchange', () => location.reload());

const me = document.querySelector('script[data-js]');
const { default: init } = await import(me.dataset.js);
try {
  await init({ module_or_path: me.dataset.wasm });
} catch (e) {
  const fatal = document.getElementById('fatal');
  fatal.textContent = 'The page could not start: ' + e;
  fatal.hidden = false;
}

// The service worker that lets the page start without a network (sw.js).
// Its URL is relative to this file, and its scope (by default) is its own
// folder, which is the page's: it works under any prefix. Registered after
// the start so its downloads do not compete with the page's. Service workers need a secure context (https, or
// loopback): elsewhere the page works as before, online only.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker
    .register(new URL('sw.js', import.meta.url))
    .catch((e) => console.warn('offline use is not available:', e));
}
