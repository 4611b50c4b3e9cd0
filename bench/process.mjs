// Whole-process timing for the start-up and LaTeX benchmarks: each run is a fresh process,
// timed from spawn to exit. On a shared 2-core machine other processes stretch any single
// number, so two commands are compared in alternated pairs (A B, then B A, …) and the ratio
// reported is the median of the pairs' ratios, as issue 18 measured it.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
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

// GNU time, where there is one, adds the process's CPU time (user + system), which other
// processes on the machine stretch far less than its wall time.
const GNU_TIME = "/usr/bin/time";
const cpuFile = existsSync(GNU_TIME) ? join(mkdtempSync(join(tmpdir(), "netfig-bench-cpu-")), "cpu") : undefined;

/** Wall time and (with GNU time) CPU time in ms of one process; throws with its stderr when it fails. */
export function runProcess([command, ...args], cwd) {
  const [program, argv] = cpuFile ? [GNU_TIME, ["-f", "%U %S", "-o", cpuFile, command, ...args]] : [command, args];
  const start = process.hrtime.bigint();
  const run = spawnSync(program, argv, { cwd, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${[command, ...args].join(" ")} failed (${run.status}):\n${run.stderr}${run.stdout.slice(-2000)}`);
  const cpuMs = cpuFile ? readFileSync(cpuFile, "utf8").trim().split(/\s+/).slice(-2).reduce((sum, s) => sum + Number(s) * 1000, 0) : NaN;
  return { ms, cpuMs };
}

/** Wall time in ms of one process. */
export function timeProcess(command, cwd) {
  return runProcess(command, cwd).ms;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * `pairs` alternated pairs of `a` and `b` after one warm-up each: the median wall times,
 * the median of the pairs' ratios a/b, and the median CPU times (NaN without GNU time).
 */
export function alternate(a, b, { pairs = 7, cwd = root } = {}) {
  runProcess(a, cwd);
  runProcess(b, cwd);
  const as = [];
  const bs = [];
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      as.push(runProcess(a, cwd));
      bs.push(runProcess(b, cwd));
    } else {
      bs.push(runProcess(b, cwd));
      as.push(runProcess(a, cwd));
    }
  }
  return {
    a: median(as.map((r) => r.ms)),
    b: median(bs.map((r) => r.ms)),
    ratio: median(as.map((r, i) => r.ms / bs[i].ms)),
    aCpu: median(as.map((r) => r.cpuMs)),
    bCpu: median(bs.map((r) => r.cpuMs)),
  };
}

/** The 1-minute load average, printed with each table: above ~2 on this machine every time includes waiting for a core. */
export function load() {
  return `load average ${loadavg()[0].toFixed(1)}`;
}
