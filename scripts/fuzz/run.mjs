/**
 * The fuzz runner: inputs 0…count−1 of a seed, spread over one worker thread per core,
 * each input given `timeoutMs` before its worker is stopped and the input counted as a hang.
 * Deterministic: input N of seed S is the same text on every machine and every run.
 */

import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { mutant } from "./mutate.mjs";
import { FAILURES } from "./target.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WORKER = new URL("./worker.mjs", import.meta.url);
const BATCH = 25;
/** Each worker's heap: an input that needs more is an out-of-memory failure, not a dead machine. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 1536 };

/** The texts mutations start from: every example and bundled template. */
export function seedTexts() {
  const texts = [];
  for (const dir of ["examples", "templates"]) {
    for (const name of readdirSync(join(ROOT, dir)).sort()) {
      if (name.endsWith(".netfig")) texts.push({ name: `${dir}/${name}`, text: readFileSync(join(ROOT, dir, name), "utf8") });
    }
  }
  return texts;
}

export function isFailure(outcome) {
  return FAILURES.includes(outcome) || outcome === "oom";
}

/**
 * Runs the inputs; resolves to `{ counts, failures, slowest }`: counts by outcome, each
 * failure with its index, outcome, detail and text, and the slowest input's time in ms.
 */
export function fuzz({ count, seed = 1, workers = availableParallelism(), timeoutMs = 5000, renderEvery = 50, onProgress } = {}) {
  const seeds = seedTexts();
  const counts = {};
  const failures = [];
  let next = 0;
  let done = 0;
  let slowest = 0;
  const record = (index, result) => {
    counts[result.outcome] = (counts[result.outcome] ?? 0) + 1;
    done++;
    if (isFailure(result.outcome)) {
      const input = mutant(seeds, seed, index);
      failures.push({ index, outcome: result.outcome, detail: result.detail ?? "", text: input.text, from: input.seed, mutations: input.mutations });
    }
    onProgress?.(done, count, counts);
  };

  return new Promise((resolvePromise, reject) => {
    let running = 0;
    const start = (pending) => {
      const batch = pending ?? takeBatch();
      if (batch.length === 0) {
        if (running === 0) finish();
        return;
      }
      running++;
      const worker = new Worker(WORKER, { workerData: { seeds, seed, renderEvery }, resourceLimits: RESOURCE_LIMITS });
      const state = { index: undefined, started: 0, batch: [...batch], stopped: false };
      const stop = () => {
        state.stopped = true;
        clearInterval(watchdog);
        worker.terminate();
        running--;
      };
      // The rest of a batch after an input that failed the worker goes to a fresh worker.
      const lost = (outcome) => {
        const at = state.batch.indexOf(state.index);
        record(state.index, { outcome });
        stop();
        start(state.batch.slice(at + 1));
      };
      const watchdog = setInterval(() => {
        if (state.index !== undefined && Date.now() - state.started > timeoutMs) lost("hang");
      }, Math.min(250, timeoutMs / 4));
      worker.on("message", (message) => {
        if (state.stopped) return;
        if (message.type === "start") {
          state.index = message.index;
          state.started = Date.now();
        } else if (message.type === "done") {
          slowest = Math.max(slowest, Date.now() - state.started);
          state.index = undefined;
          record(message.index, message);
        } else if (message.type === "finished") {
          const more = takeBatch();
          if (more.length === 0) {
            stop();
            if (running === 0) finish();
          } else {
            state.batch = more;
            worker.postMessage({ type: "run", indices: more });
          }
        }
      });
      worker.on("error", (error) => {
        if (state.stopped) return;
        if (state.index === undefined) return reject(error);
        lost(error.code === "ERR_WORKER_OUT_OF_MEMORY" ? "oom" : "crash");
      });
      worker.postMessage({ type: "run", indices: batch });
    };
    const takeBatch = () => {
      const batch = [];
      while (batch.length < BATCH && next < count) batch.push(next++);
      return batch;
    };
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      failures.sort((a, b) => a.index - b.index);
      resolvePromise({ counts, failures, slowest });
    };
    for (let i = 0; i < Math.max(1, workers); i++) start();
  });
}

/**
 * A worker that runs given texts one at a time, each with a timeout: `run` resolves to the
 * outcome and detail (`hang` when the text runs past the time, after which a fresh worker
 * takes over). Minimising and the regression corpus run many texts through one of these.
 */
export function textRunner({ timeoutMs = 5000 } = {}) {
  let worker;
  let current;
  const spawn = () => {
    worker = new Worker(WORKER, { workerData: { seeds: [], seed: 0, renderEvery: 0 }, resourceLimits: RESOURCE_LIMITS });
    worker.on("message", (message) => {
      if (!current) return;
      if (message.type === "start") current.timer = setTimeout(() => finish({ outcome: "hang", detail: "" }, true), timeoutMs);
      else if (message.type === "done") finish({ outcome: message.outcome, detail: message.detail ?? "" }, false);
    });
    worker.on("error", (error) => finish({ outcome: error.code === "ERR_WORKER_OUT_OF_MEMORY" ? "oom" : "crash", detail: String(error.message) }, true));
  };
  const finish = (result, restart) => {
    if (!current) return;
    clearTimeout(current.timer);
    const { resolve } = current;
    current = undefined;
    if (restart) {
      worker.terminate();
      spawn();
    }
    resolve(result);
  };
  spawn();
  return {
    run(text, render = false) {
      return new Promise((resolve) => {
        current = { resolve, timer: undefined };
        worker.postMessage({ type: "text", text, render });
      });
    },
    close: () => worker.terminate(),
  };
}

/** Runs one text in a fresh worker with a timeout (see textRunner). */
export async function runText(text, { timeoutMs = 5000, render = false } = {}) {
  const runner = textRunner({ timeoutMs });
  try {
    return await runner.run(text, render);
  } finally {
    await runner.close();
  }
}
