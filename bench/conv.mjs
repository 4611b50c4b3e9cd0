// One 3x3 conv, 64 -> 64 channels on 56x56 (ResNet's layer1; 231 MFLOP), in every
// engine: netfig on one thread and on a two-worker pool, tfjs's WASM backend (SIMD,
// one thread) and onnxruntime-node on one and two threads. Best of many runs: the
// machine is shared, so the best run is the one least disturbed.
import { createRequire } from "node:module";
import { conv2d, conv2dParams } from "../src/engine/kernels/index.ts";
import { initParam } from "../src/engine/init.ts";
import { ComputePool } from "../src/engine/pool.ts";
import { onnxSession } from "./engines.mjs";
import { best, report } from "./util.mjs";

const require = createRequire(import.meta.url);
const C = 64, H = 56, M = 64, K = 3;
const flop = 2 * M * C * K * K * H * H;
const x = initParam(7, "x", [C, H, H], { kind: "xavier", fanIn: 1, fanOut: 1 });
const weight = initParam(7, "w", [M, C, K, K], { kind: "he", fanIn: C * K * K });
const params = conv2dParams({ padding: 1 });
const results = [];
const add = (name, ms) => results.push({ name, ms, gflops: flop / ms / 1e6 });

add("netfig wasm-simd, 1 thread", await best(() => conv2d(x, weight, null, params)));
const pool = new ComputePool(2);
add("netfig wasm-simd, 2 workers", await best(() => pool.conv2d(x, weight, null, params)));
await pool.close();

const tf = require("@tensorflow/tfjs-core");
const wasm = require("@tensorflow/tfjs-backend-wasm");
wasm.setThreadsCount(1);
await tf.setBackend("wasm");
// tfjs gets its fast path: padded once outside the timing, and no tf.tidy, which made
// each wasm conv 10-20x slower here (tfjs 4.22); the output is disposed by hand.
const tx = tf.pad(tf.expandDims(tf.transpose(tf.tensor3d(x.data, [C, H, H]), [1, 2, 0]), 0), [[0, 0], [1, 1], [1, 1], [0, 0]]);
const tw = tf.transpose(tf.tensor4d(weight.data, [M, C, K, K]), [2, 3, 1, 0]);
add(`tfjs ${tf.version_core} wasm (SIMD), 1 thread`, await best(() => {
  const y = tf.conv2d(tx, tw, 1, "valid");
  y.dataSync();
  y.dispose();
}));

const layers = [
  { name: "input", op: "input", inputs: [], attrs: { shape: [C, H, H] }, params: {} },
  { name: "conv", op: "conv", inputs: ["input"], attrs: { k: K, stride: 1, pad: 1 }, params: { weight } },
];
for (const threads of [1, 2]) {
  const run = await onnxSession(layers, threads);
  add(`onnxruntime-node ${require("onnxruntime-node/package.json").version}, ${threads} thread${threads > 1 ? "s" : ""}`, await best(() => run(x)));
}
report(`conv 3x3, 64->64, 56x56 (${(flop / 1e6).toFixed(0)} MFLOP)`, results, "GFLOP/s");
