// A 5,000-node ONNX graph as PyTorch exports it: the CIFAR ResNet-1202 of He et al. (2016)
// (tests/fixtures/onnx/cifar/generate.py, export_params=False, about 7,000 nodes with the
// Identity nodes PyTorch adds for parameters it deduplicates). Target (issue 14): import,
// analysis and `render --fold-repeats` under 5 s whole process and under 1 GB.
//  1. In process: import, analysis, and the whole render, against torchvision's ResNet-18
//     exported the same way (the reference row: the ratio says how the cost grows).
//  2. Whole process `netfig check` and `netfig render --fold-repeats`, fresh node each time,
//     best of 3 with that run's peak RSS.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { best, report } from "./util.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
execFileSync(join(root, "node_modules", ".bin", "tsc"), ["-p", join(root, "tsconfig.json")], { stdio: "inherit" });

const { importOnnx } = await import(join(root, "dist", "import", "onnx", "import.js"));
const { analyze } = await import(join(root, "dist", "analyze", "analyze.js"));
const { main } = await import(join(root, "dist", "cli", "main.js"));

/** Runs `fn` with stderr swallowed: the CLI's warnings and its choice line are not what is measured. */
async function quietly(fn) {
  const write = process.stderr.write;
  process.stderr.write = () => true;
  try {
    return await fn();
  } finally {
    process.stderr.write = write;
  }
}

const out = mkdtempSync(join(tmpdir(), "netfig-bench-"));
const models = [
  ["torchvision ResNet-18", "tests/fixtures/onnx/torchvision/resnet18"],
  ["CIFAR ResNet-1202", "tests/fixtures/onnx/cifar/resnet1202"],
].map(([name, path]) => {
  const bytes = gunzipSync(readFileSync(join(root, `${path}.onnx.gz`)));
  const file = join(out, `${path.split("/").at(-1)}.onnx`);
  writeFileSync(file, bytes);
  const reference = JSON.parse(readFileSync(join(root, `${path}.json`), "utf8"));
  return { name, bytes, file, reference };
});

for (const step of ["import", "import + analyze", "render --fold-repeats (in process)"]) {
  const rows = [];
  for (const m of models) {
    let run;
    if (step === "import") run = () => importOnnx(m.bytes, m.file);
    else if (step === "import + analyze") run = () => analyze(importOnnx(m.bytes, m.file).graph);
    else run = () => quietly(async () => { if ((await main(["render", m.file, "--fold-repeats", "-o", join(out, "fig.svg")])) !== 0) throw new Error(`render ${m.file} failed`); });
    const ms = await best(run, { runs: 5, warmup: 1, budgetMs: 20000 });
    rows.push({ name: `${m.name} (${m.reference.nodes} ONNX nodes)`, ms });
  }
  report(step, rows);
}

const totals = analyze(importOnnx(models[1].bytes, models[1].file).graph).networks[0].totals;
const exact = totals.params === models[1].reference.params && totals.macs === models[1].reference.macs;
console.log(`\n  ResNet-1202: ${totals.params.toLocaleString("en")} params, ${totals.macs.toLocaleString("en")} MACs: ${exact ? "PyTorch's exactly" : "NOT PyTorch's"}`);

console.log("\nWhole process (fresh node each time; best of 3; peak RSS of that run)");
for (const [name, args] of [
  ["netfig check resnet1202.onnx", ["check", models[1].file]],
  ["netfig render resnet1202.onnx --fold-repeats -o fig.svg", ["render", models[1].file, "--fold-repeats", "-o", join(out, "fig.svg")]],
  ["netfig render resnet1202.onnx --fold-repeats -o fig.pdf", ["render", models[1].file, "--fold-repeats", "-o", join(out, "fig.pdf")]],
]) {
  let bestRun = { ms: Infinity, rss: 0, cpu: 0 };
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    // GNU time reports the child's peak resident set size in KB and its user and system CPU seconds.
    const run = spawnSync("/usr/bin/time", ["-f", "%M %U %S", process.execPath, join(root, "bin", "netfig.js"), ...args], { cwd: out, encoding: "utf8" });
    const ms = performance.now() - start;
    if (run.status !== 0) throw new Error(`${name} failed: ${run.stderr}`);
    const [kb, user, sys] = run.stderr.trim().split("\n").at(-1).split(" ").map(Number);
    if (ms < bestRun.ms) bestRun = { ms, rss: kb / 1024, cpu: (user + sys) * 1000 };
  }
  // On a busy machine the wall time includes waiting for a core; the CPU time does not.
  const verdict = bestRun.ms < 5000 && bestRun.rss < 1024 ? "under 5 s and 1 GB" : "OVER the 5 s / 1 GB target";
  console.log(`  ${name.padEnd(58)} ${bestRun.ms.toFixed(0).padStart(6)} ms (CPU ${bestRun.cpu.toFixed(0).padStart(5)} ms)  peak ${bestRun.rss.toFixed(0).padStart(4)} MB  ${verdict}`);
}
console.log(`  load average during the run: ${loadavg()[0].toFixed(1)} (above ~1 the times include waiting for a core)`);
rmSync(out, { recursive: true, force: true });
