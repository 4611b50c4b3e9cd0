// node:url, node:os, node:worker_threads and node:zlib for the browser build. A one-thread
// compute pool (the arithmetic figures' run) starts no worker, so the engine runs inline.
export function fileURLToPath(url) {
  return String(url).replace(/^file:\/\//, "");
}
export function pathToFileURL(path) {
  return new URL(`file://${path}`);
}
export function availableParallelism() {
  return 1;
}
export function cpus() {
  return [{}];
}
export class Worker {
  constructor() {
    throw new Error("netfig (browser build): worker threads are not available; activations need the Node package");
  }
}
export const parentPort = null;
export const workerData = undefined;
function noZlib() {
  throw new Error("netfig (browser build): PNG encoding needs the Node package");
}
export const deflateSync = noZlib;
export const inflateSync = noZlib;
export const crc32 = noZlib;
export default { fileURLToPath, pathToFileURL, availableParallelism, cpus, Worker };
