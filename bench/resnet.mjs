// Whole-network forward passes, ResNet-18 and ResNet-50 at 224x224 on the bundled
// sample image, in every engine, each in its own process so that its peak memory
// (max RSS) is its own. netfig keeps every layer's output, as thumbnails need. The
// first run includes one-off costs (WebAssembly tier-up, session creation aside);
// the headline time is the best of the following runs.
// The network is hand-built from the kernels (resnet-layers.mjs), not parsed from a
// .netfig file, so that these numbers do not depend on the op wiring.
//
//   node --import tsx bench/resnet.mjs            all engines, both depths
//   node --import tsx bench/resnet.mjs 50         ResNet-50 only
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadImage, SAMPLE_IMAGE_URL } from "../src/engine/io/image.ts";
import { kernels } from "../src/engine/kernels/wasm.ts";
import { ComputePool } from "../src/engine/pool.ts";
import { netfigForward, onnxSession, tfjsForward } from "./engines.mjs";
import { macs, resnet } from "./resnet-layers.mjs";
import { best, report } from "./util.mjs";

const ENGINES = [
  { id: "netfig-1", name: "netfig wasm-simd, 1 thread" },
  { id: "netfig-2", name: "netfig wasm-simd, 2 workers" },
  { id: "tfjs-1", name: "tfjs wasm (SIMD), 1 thread" },
  { id: "ort-1", name: "onnxruntime-node, 1 thread" },
  { id: "ort-2", name: "onnxruntime-node, 2 threads" },
];

async function child(engine, depth) {
  // netfig's pool (or its kernels) first, as `netfig run` should: starting the workers
  // and warming the WebAssembly up then overlap building the weights.
  const pool = engine === "netfig-2" ? new ComputePool(2) : null;
  if (engine === "netfig-1") kernels();
  const layers = resnet(depth);
  const input = loadImage(readFileSync(SAMPLE_IMAGE_URL), { size: [224, 224] });
  let run, close = async () => {};
  if (engine.startsWith("netfig")) {
    run = async () => (await netfigForward(layers, input, pool)).get("fc").data;
    if (pool) close = () => pool.close();
  } else if (engine.startsWith("ort")) {
    const session = await onnxSession(layers, Number(engine.slice(4)));
    run = () => session(input);
  } else {
    const f = await tfjsForward(layers, 1);
    run = async () => f(input);
  }
  const first = performance.now();
  const logits = Array.from(await run());
  const firstMs = performance.now() - first;
  // Peak memory of one forward pass, what `netfig run` does, before repeated runs leave garbage behind.
  const firstRssMB = process.resourceUsage().maxRSS / 1024;
  const ms = await best(run, { runs: 8, warmup: 1, budgetMs: 20000 });
  await close();
  process.stdout.write(JSON.stringify({ ms, firstMs, firstRssMB, maxRssMB: process.resourceUsage().maxRSS / 1024, logits }));
}

async function main(depths) {
  for (const depth of depths) {
    const flop = 2 * macs(resnet(depth));
    const rows = [];
    let reference;
    for (const e of ENGINES) {
      const out = execFileSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--child", e.id, String(depth)], {
        encoding: "utf8",
        maxBuffer: 1 << 26,
        stdio: ["ignore", "pipe", "inherit"],
      });
      const r = JSON.parse(out);
      // onnxruntime is the reference: the largest logit difference, relative to the largest logit.
      if (e.id === "ort-1") reference = r.logits;
      rows.push({
        name: e.name,
        ms: r.ms,
        gflops: flop / r.ms / 1e6,
        logits: r.logits,
        extra: `first run ${r.firstMs.toFixed(0)} ms, peak RSS ${r.firstRssMB.toFixed(0)} MB after one run, ${r.maxRssMB.toFixed(0)} MB after all`,
      });
    }
    for (const r of rows) {
      const scale = Math.max(...reference.map(Math.abs));
      const diff = Math.max(...r.logits.map((v, i) => Math.abs(v - reference[i])));
      r.extra += `, max |logit − onnxruntime| ${(diff / scale).toExponential(1)} (relative)`;
    }
    report(`ResNet-${depth}, 224x224, batch 1 (${(flop / 1e9).toFixed(2)} GFLOP of conv+fc)`, rows, "GFLOP/s");
  }
}

const args = process.argv.slice(2);
if (args[0] === "--child") await child(args[1], Number(args[2]));
else await main(args.length ? args.map(Number) : [18, 50]);
