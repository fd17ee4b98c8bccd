// Starts the page's wasm. Trunk fills data-js / data-wasm with the hashed
// file names; a file (not an inline script) keeps the CSP strict.
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
