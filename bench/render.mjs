// Whole-process time of `netfig render` for ResNet-18, -50 and -152, every layer drawn
// (`--no-fold-repeats`): folded (activations and BN as bands, the default) and unfolded
// (`--no-fold`, a block per layer). Each command is a fresh `node bin/netfig.js` process,
// timed from spawn to exit, so module loading counts as a user feels it. The growth with
// depth is a least-squares line through (drawn nodes, time): its slope is the cost per
// drawn node, its intercept the fixed start-up cost. Target (issue 3): ResNet-152 under
// 1.5 s on a 2-core machine, growth about linear.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const TARGET_MS = 1500;
const RUNS = 7;

// The CLI runs the compiled JavaScript: build it so the numbers are for the sources as they are.
execFileSync(join(root, "node_modules", ".bin", "tsc"), ["-p", join(root, "tsconfig.json")], { stdio: "inherit" });

const { analyzeSource } = await import(join(root, "dist", "pipeline.js"));
const { layout } = await import(join(root, "dist", "styles", "index.js"));

const out = mkdtempSync(join(tmpdir(), "netfig-bench-"));
const cases = [];
for (const depth of [18, 50, 152]) {
  for (const fold of [true, false]) {
    const file = join(root, "templates", `resnet${depth}.netfig`);
    const args = ["render", file, "--no-fold-repeats", ...(fold ? [] : ["--no-fold"]), "-o", join(out, `r${depth}.svg`)];
    const laid = await layout(analyzeSource(readFileSync(file, "utf8"), file), { fold, foldRepeats: false });
    cases.push({ name: `ResNet-${depth} ${fold ? "folded" : "unfolded"}`, depth, fold, args, nodes: laid.figure.nodes.length });
  }
}

/** Wall time of one whole `netfig` process, in ms. */
function once(args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(root, "bin", "netfig.js"), ...args], { cwd: root, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`netfig ${args.join(" ")} failed:\n${r.stderr}`);
  return ms;
}

console.log(`\nnetfig render, whole process (best and median of ${RUNS} after a warm-up; SVG output)`);
for (const c of cases) {
  once(c.args);
  const times = Array.from({ length: RUNS }, () => once(c.args)).sort((a, b) => a - b);
  c.best = times[0];
  c.median = times[Math.floor(times.length / 2)];
  const verdict = c.depth === 152 ? (c.median < TARGET_MS ? "  under the 1.5 s target" : "  OVER the 1.5 s target") : "";
  console.log(`  ${c.name.padEnd(22)} ${String(c.nodes).padStart(4)} drawn nodes  best ${c.best.toFixed(0).padStart(5)} ms  median ${c.median.toFixed(0).padStart(5)} ms${verdict}`);
}
rmSync(out, { recursive: true, force: true });

// Least squares through (nodes, median): fixed cost + cost per node.
const n = cases.length;
const mx = cases.reduce((s, c) => s + c.nodes, 0) / n;
const my = cases.reduce((s, c) => s + c.median, 0) / n;
const slope = cases.reduce((s, c) => s + (c.nodes - mx) * (c.median - my), 0) / cases.reduce((s, c) => s + (c.nodes - mx) ** 2, 0);
const intercept = my - slope * mx;
const worst = Math.max(...cases.map((c) => Math.abs(c.median - (intercept + slope * c.nodes)) / c.median));
console.log(`  growth: ${intercept.toFixed(0)} ms fixed + ${slope.toFixed(2)} ms per drawn node (a line fits every case within ${(worst * 100).toFixed(0)} %)`);
const small = cases.find((c) => c.depth === 18 && !c.fold);
const big = cases.find((c) => c.depth === 152 && !c.fold);
console.log(`  ResNet-18 → ResNet-152 unfolded: ${(big.nodes / small.nodes).toFixed(1)}× the drawn nodes, ${(big.median / small.median).toFixed(2)}× the time`);
// Other processes on a 2-core machine stretch every number; say how busy it was.
console.log(`  load average during the run: ${loadavg()[0].toFixed(1)} (above ~1 the times include waiting for a core)`);
