// Whole-process timing for the start-up and LaTeX benchmarks: each run is a fresh process,
// timed from spawn to exit. On a shared 2-core machine other processes stretch any single
// number, so two commands are compared in alternated pairs (A B, then B A, …) and the ratio
// reported is the median of the pairs' ratios, as issue 18 measured it.
import { execFileSync, spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const netfigBin = join(root, "bin", "netfig.js");

/** Compiles dist/ and bundles the CLI, so the numbers are for the sources as they are and as users run them. */
export async function buildCli() {
  execFileSync(join(root, "node_modules", ".bin", "tsc"), ["-p", join(root, "tsconfig.json")], { stdio: "inherit" });
  const { buildCli: bundle } = await import(join(root, "scripts", "build-cli.mjs"));
  await bundle(root);
}

/** Wall time in ms of one process; throws with its stderr when it fails. */
export function timeProcess([command, ...args], cwd) {
  const start = process.hrtime.bigint();
  const run = spawnSync(command, args, { cwd, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${[command, ...args].join(" ")} failed (${run.status}):\n${run.stderr}${run.stdout.slice(-2000)}`);
  return ms;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `pairs` alternated pairs of `a` and `b` after one warm-up each: the medians and the median ratio a/b. */
export function alternate(a, b, { pairs = 7, cwd = root } = {}) {
  timeProcess(a, cwd);
  timeProcess(b, cwd);
  const as = [];
  const bs = [];
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      as.push(timeProcess(a, cwd));
      bs.push(timeProcess(b, cwd));
    } else {
      bs.push(timeProcess(b, cwd));
      as.push(timeProcess(a, cwd));
    }
  }
  return { a: median(as), b: median(bs), ratio: median(as.map((t, i) => t / bs[i])) };
}

/** The 1-minute load average, printed with each table: above ~2 on this machine every time includes waiting for a core. */
export function load() {
  return `load average ${loadavg()[0].toFixed(1)}`;
}
