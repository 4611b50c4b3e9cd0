// A page that is not cross-origin isolated has no SharedArrayBuffer. The browser build's
// engine runs on the page's one thread (no workers to share with), so plain memory serves.
const Shared = globalThis.SharedArrayBuffer ?? ArrayBuffer;
export { Shared as SharedArrayBuffer };
