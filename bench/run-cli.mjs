// The engine as users meet it: ResNet-18/50 at 224x224 through the op registry's
// forward functions (src/ops, src/execute/run.ts), not a hand-built layer list.
//  1. Forward time in-process, best of several runs, 1 thread and 2 threads (target,
//     issue 5: ResNet-50 under 1 s using both cores).
//  2. Whole-process `netfig run` and `netfig render --activations -o fig.pdf`, each a
//     fresh process, with its peak memory (target: ResNet-50 with thumbnails under 600 MB).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { best, report } from "./util.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
execFileSync(join(root, "node_modules", ".bin", "tsc"), ["-p", join(root, "tsconfig.json")], { stdio: "inherit" });

const { analyzeSource } = await import(join(root, "dist", "pipeline.js"));
const { runNetwork } = await import(join(root, "dist", "execute", "run.js"));
const { ComputePool } = await import(join(root, "dist", "engine", "pool.js"));
const { SeededWeights } = await import(join(root, "dist", "engine", "weights.js"));
const { loadImage, SAMPLE_IMAGE_URL } = await import(join(root, "dist", "engine", "io", "image.js"));

const image = loadImage(new Uint8Array(readFileSync(fileURLToPath(SAMPLE_IMAGE_URL))), { size: [224, 224] });

for (const depth of [18, 50]) {
  const file = join(root, "templates", `resnet${depth}.netfig`);
  const network = analyzeSource(readFileSync(file, "utf8"), file).networks[0];
  const gflop = (2 * network.totals.macs) / 1e9;
  const rows = [];
  for (const threads of [1, 2]) {
    const pool = new ComputePool(threads);
    // Weights are made once, as one `netfig run` does; the timed part is the forward pass.
    const weights = new SeededWeights(1);
    const cached = new Map();
    const source = { get: (name, shape, init) => cached.get(name) ?? cached.set(name, weights.get(name, shape, init)).get(name) };
    const forward = () => runNetwork(network, { weights: source, pool, seed: 1, inputs: new Map([["input", image]]), keepAll: true });
    const ms = await best(forward, { runs: 8, warmup: 2, budgetMs: 20000 });
    await pool.close();
    rows.push({ name: `ResNet-${depth} forward, ${threads} thread${threads > 1 ? "s" : ""}`, ms, gflops: gflop / (ms / 1000) });
  }
  report(`netfig engine through the ops, ResNet-${depth} at 224 (${gflop.toFixed(2)} GFLOP, every layer kept)`, rows, "GFLOP/s");
}

const out = mkdtempSync(join(tmpdir(), "netfig-bench-"));
const commands = [
  ["netfig run resnet18", ["run", "resnet18"]],
  ["netfig run resnet50", ["run", "resnet50"]],
  ["netfig render resnet50 --activations -o fig.pdf", ["render", "resnet50", "--activations", "-o", join(out, "fig.pdf")]],
];
console.log("\nWhole process (fresh node each time; best of 3; peak RSS of that run)");
for (const [name, args] of commands) {
  let bestRun = { ms: Infinity, rss: 0 };
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    // GNU time reports the child's peak resident set size in KB.
    const run = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, join(root, "bin", "netfig.js"), ...args], { cwd: out, encoding: "utf8" });
    const ms = performance.now() - start;
    if (run.status !== 0) throw new Error(`${name} failed: ${run.stderr}`);
    const rss = Number(run.stderr.trim().split("\n").at(-1)) / 1024;
    if (ms < bestRun.ms) bestRun = { ms, rss };
  }
  console.log(`  ${name.padEnd(50)} ${bestRun.ms.toFixed(0).padStart(6)} ms  peak ${bestRun.rss.toFixed(0)} MB`);
}
rmSync(out, { recursive: true, force: true });
