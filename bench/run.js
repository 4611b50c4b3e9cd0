// `npm run bench`: runs each benchmark script in turn, in its own process. The
// scripts import the TypeScript sources, so they run under tsx (a dev dependency of
// the project); their comparison engines live in bench/node_modules (install with
// `cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm install`). Add a script to BENCHES to
// have it run.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const BENCHES = ["conv.mjs", "resnet.mjs", "run-cli.mjs", "render.mjs", "legibility.mjs", "onnx-large.mjs"];
// The engine-speed ratios of issue 18 (kernels, threads, onnxruntime, render --activations).
BENCHES.push("engine-speed.mjs");

if (!existsSync(join(here, "node_modules", "onnxruntime-node"))) {
  console.error("bench: the comparison engines are not installed; run\n  cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm install");
  process.exit(1);
}
// Whole-process start-up and the LaTeX comparison (issue 18).
BENCHES.push("startup.mjs", "latex.mjs");
console.log("Timings are the best of several runs; on a shared machine, other processes still add noise.");
for (const script of BENCHES) {
  execFileSync(process.execPath, ["--import", "tsx", join(here, script)], { stdio: "inherit", cwd: join(here, "..") });
}
