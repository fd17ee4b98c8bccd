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
