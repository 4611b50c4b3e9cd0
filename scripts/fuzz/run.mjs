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
/**
 * An input's time is the CPU time of the thread running it (Linux: /proc/PID/task/TID/stat),
 * so that a machine busy with other work does not make slow inputs of fast ones; wall time
 * past this many times the timeout counts as a hang too (and is the measure where /proc is absent).
 */
const WALL_FACTOR = 12;

/** CPU seconds (user + system) of thread `tid` of this process, or undefined without /proc. */
function threadCpuSeconds(tid) {
  if (tid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of stat (utime, stime) in clock ticks of 1/100 s; after the name, they are the 12th and 13th.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Milliseconds input `state` has run: its thread's CPU time where known, else wall time. */
function elapsed(state) {
  const cpu = threadCpuSeconds(state.tid);
  return cpu === undefined || state.cpuStart === undefined ? Date.now() - state.started : (cpu - state.cpuStart) * 1000;
}

function timedOut(state, timeoutMs) {
  return elapsed(state) > timeoutMs || Date.now() - state.started > timeoutMs * WALL_FACTOR;
}
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
 * failure with its index, outcome and detail (the first of each kind with its text, so that
 * a run with many failures of one kind stays small), and the slowest input's time in ms.
 */
export function fuzz({ count, seed = 1, workers = availableParallelism(), timeoutMs = 5000, renderEvery = 50, onProgress } = {}) {
  const seeds = seedTexts();
  const counts = {};
  const failures = [];
  const kinds = new Set();
  let next = 0;
  let done = 0;
  let slowest = 0;
  const record = (index, result) => {
    counts[result.outcome] = (counts[result.outcome] ?? 0) + 1;
    done++;
    if (isFailure(result.outcome)) {
      const input = mutant(seeds, seed, index);
      const kind = `${result.outcome} ${result.detail ?? ""}`;
      const first = !kinds.has(kind);
      kinds.add(kind);
      failures.push({ index, outcome: result.outcome, detail: result.detail ?? "", from: input.seed, mutations: input.mutations, ...(first ? { text: input.text } : {}) });
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
      const state = { index: undefined, started: 0, cpuStart: undefined, tid: undefined, batch: [...batch], stopped: false };
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
        if (state.index !== undefined && timedOut(state, timeoutMs)) lost("hang");
      }, Math.min(250, timeoutMs / 4));
      worker.on("message", (message) => {
        if (state.stopped) return;
        if (message.type === "ready") {
          state.tid = message.tid;
        } else if (message.type === "start") {
          state.index = message.index;
          state.started = Date.now();
          state.cpuStart = threadCpuSeconds(state.tid);
        } else if (message.type === "done") {
          slowest = Math.max(slowest, elapsed(state));
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
  let tid;
  const spawn = () => {
    worker = new Worker(WORKER, { workerData: { seeds: [], seed: 0, renderEvery: 0 }, resourceLimits: RESOURCE_LIMITS });
    worker.on("message", (message) => {
      if (message.type === "ready") tid = message.tid;
      if (!current) return;
      if (message.type === "start") {
        const state = { started: Date.now(), cpuStart: threadCpuSeconds(tid), tid };
        current.timer = setInterval(() => {
          if (timedOut(state, timeoutMs)) finish({ outcome: "hang", detail: "" }, true);
        }, Math.min(250, timeoutMs / 4));
      } else if (message.type === "done") finish({ outcome: message.outcome, detail: message.detail ?? "" }, false);
    });
    worker.on("error", (error) => finish({ outcome: error.code === "ERR_WORKER_OUT_OF_MEMORY" ? "oom" : "crash", detail: String(error.message) }, true));
  };
  const finish = (result, restart) => {
    if (!current) return;
    clearInterval(current.timer);
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
