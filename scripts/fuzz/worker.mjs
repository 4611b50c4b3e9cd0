/**
 * A fuzz worker thread: makes input `index` of the seed, runs it, and reports. The runner
 * hears "start" before each input, so it can tell which one hangs and stop this thread.
 */

import { parentPort, workerData } from "node:worker_threads";
import { mutant } from "./mutate.mjs";
import { runOne } from "./target.mjs";

const { seeds, seed, renderEvery } = workerData;

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
    parentPort.postMessage({ type: "done", index, ...result, ...(result.detail ? { text: input.text, from: input.seed, mutations: input.mutations } : {}) });
  }
  parentPort.postMessage({ type: "finished" });
});
