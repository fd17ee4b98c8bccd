// Wraps DuckDB-WASM's worker script to keep a handle on the wasm linear
// memory (WebAssembly.Memory never shrinks, so its final size is the peak of
// the wasm heap).  run.mjs reads self.__wasmMemoryBytes() through the worker.
self.__wasmMemories = [];
const track = (result) => {
  const inst = result && (result.instance || result);
  try {
    for (const v of Object.values(inst.exports || {})) {
      if (v instanceof WebAssembly.Memory) self.__wasmMemories.push(v);
    }
  } catch (_) { /* not an instance */ }
  return result;
};
const origInstantiate = WebAssembly.instantiate;
WebAssembly.instantiate = function (...args) { return origInstantiate.apply(this, args).then(track); };
const origStreaming = WebAssembly.instantiateStreaming;
if (origStreaming) {
  WebAssembly.instantiateStreaming = function (...args) { return origStreaming.apply(this, args).then(track); };
}
const OrigMemory = WebAssembly.Memory;
WebAssembly.Memory = function (...args) { const m = new OrigMemory(...args); self.__wasmMemories.push(m); return m; };
WebAssembly.Memory.prototype = OrigMemory.prototype;
self.__wasmMemoryBytes = () => Math.max(0, ...self.__wasmMemories.map((m) => m.buffer.byteLength));
importScripts(new URL('node_modules/@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js', self.location.href).href);
