#!/usr/bin/env node
/**
 * `npm run fuzz`: mutated examples and templates through parse → compile → analyze (and a
 * sample through layout → scene → SVG), a worker per core, a timeout per input. Prints the
 * counts by outcome; each new failure is minimised and saved to the regression corpus
 * (tests/fuzz/corpus/), which tests/fuzz/corpus.test.ts runs on every test run.
 *
 *   npm run fuzz -- --count 100000 --seed 1 --workers 2 --timeout 5000 --render-every 50 [--no-minimise]
 *
 * Build first (npm run build): the harness runs dist/, as the command line does.
 */

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { minimise } from "./minimise.mjs";
import { fuzz } from "./run.mjs";

const CORPUS = fileURLToPath(new URL("../../tests/fuzz/corpus/", import.meta.url));

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "10000" },
    seed: { type: "string", default: "1" },
    workers: { type: "string", default: String(availableParallelism()) },
    timeout: { type: "string", default: "5000" },
    "render-every": { type: "string", default: "50" },
    "no-minimise": { type: "boolean", default: false },
  },
});
const count = Number(values.count);
const seed = Number(values.seed);
const workers = Number(values.workers);
const timeoutMs = Number(values.timeout);
const renderEvery = Number(values["render-every"]);
for (const [flag, n] of Object.entries({ count, seed, workers, timeout: timeoutMs, "render-every": renderEvery })) {
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`fuzz: --${flag} must be a whole number\n`);
    process.exit(2);
  }
}

const began = Date.now();
let shown = 0;
const { counts, failures, slowest } = await fuzz({
  count,
  seed,
  workers,
  timeoutMs,
  renderEvery,
  onProgress(done) {
    // A counter on a terminal; a line per tenth in a log.
    if (process.stderr.isTTY && Date.now() - shown > 500) {
      shown = Date.now();
      process.stderr.write(`\r${done}/${count}`);
    } else if (!process.stderr.isTTY && count >= 10 && done % Math.floor(count / 10) === 0) {
      process.stderr.write(`${done}/${count} after ${((Date.now() - began) / 1000).toFixed(0)} s\n`);
    }
  },
});
if (process.stderr.isTTY) process.stderr.write("\r");
const seconds = ((Date.now() - began) / 1000).toFixed(1);
process.stdout.write(`${count} inputs (seed ${seed}, ${workers} workers, ${timeoutMs} ms of CPU per input) in ${seconds} s; slowest input ${Math.round(slowest)} ms of CPU\n`);
for (const [outcome, n] of Object.entries(counts).sort()) process.stdout.write(`  ${outcome.padEnd(15)} ${n}\n`);

// One reproduction per distinct failure: the same outcome and detail is the same bug.
const distinct = new Map();
for (const failure of failures) {
  const key = `${failure.outcome} ${failure.detail}`;
  if (!distinct.has(key)) distinct.set(key, failure);
}
const listed = failures.slice(0, 200).map((f) => `${f.index}:${f.outcome}`).join(" ");
if (failures.length > 0) process.stdout.write(`\nfailed inputs${failures.length > 200 ? " (first 200)" : ""}: ${listed}\n`);
for (const failure of distinct.values()) {
  process.stdout.write(`\n${failure.outcome}: ${failure.detail} (input ${failure.index}, ${failure.from}, ${failure.mutations.join(" + ")})\n`);
  if (values["no-minimise"]) continue;
  const small = await minimise(failure, { timeoutMs });
  const name = `${failure.outcome}-${createHash("sha256").update(small).digest("hex").slice(0, 12)}.netfig`;
  mkdirSync(CORPUS, { recursive: true });
  if (!existsSync(join(CORPUS, name))) writeFileSync(join(CORPUS, name), small);
  process.stdout.write(`  minimised to ${small.length} characters: tests/fuzz/corpus/${name}\n`);
}
process.exitCode = failures.length > 0 ? 1 : 0;
