/**
 * A fuzz worker thread: makes input `index` of the seed, runs it, and reports. The runner
 * hears "start" before each input, so it can tell which one hangs and stop this thread.
 */

import { readlinkSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { mutant } from "./mutate.mjs";
import { runOne } from "./target.mjs";

const { seeds, seed, renderEvery } = workerData;

/** This thread's id in the operating system (`/proc/thread-self` → `PID/task/TID`), so the runner can read its CPU time. */
function threadId() {
  try {
    return Number(readlinkSync("/proc/thread-self").split("/").pop());
  } catch {
    return undefined;
  }
}
parentPort.postMessage({ type: "ready", tid: threadId() });

parentPort.on("message", async (message) => {
  if (message.type === "text") {
    // Minimising: run one given text.
    parentPort.postMessage({ type: "start", index: -1 });
    parentPort.postMessage({ type: "done", index: -1, ...(await runOne(message.text, message.render)) });
    return;
  }
  for (const index of message.indices) {
    const input = mutant(seeds, seed, index);
    parentPort.postMessage({ type: "start", index });
    const render = renderEvery > 0 && index % renderEvery === 0;
    const result = await runOne(input.text, render);
    parentPort.postMessage({ type: "done", index, ...result });
  }
  parentPort.postMessage({ type: "finished" });
});
