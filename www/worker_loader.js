// Loads the engine's worker (wasm-bindgen "no-modules" output).
importScripts('./worker.js');
wasm_bindgen({ module_or_path: './worker_bg.wasm' });
