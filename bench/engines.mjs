// The three engines the benchmarks compare, each running a layer list from
// resnet-layers.mjs: netfig's kernels (one thread, or a ComputePool), onnxruntime-node
// (a model built in memory with onnx-proto) and tfjs-core on its WASM backend.
import { createRequire } from "node:module";
import {
  add,
  batchNorm,
  conv2d,
  conv2dParams,
  globalAvgPool,
  linear,
  maxPool2d,
  pool2dParams,
  relu,
} from "../src/engine/kernels/index.ts";

const require = createRequire(import.meta.url);

/** One layer of the list on netfig's kernels: convs and the fc on `pool` if given, the rest on this thread. */
async function forwardLayer(l, xs, input, pool) {
  const x = xs[0];
  switch (l.op) {
    case "input":
      return input;
    case "conv": {
      const p = conv2dParams({ stride: l.attrs.stride, padding: l.attrs.pad });
      return pool ? await pool.conv2d(x, l.params.weight, null, p) : conv2d(x, l.params.weight, null, p);
    }
    case "bn":
      return batchNorm(x, { gamma: l.params.weight.data, beta: l.params.bias.data, runningMean: l.params.running_mean.data, runningVar: l.params.running_var.data, eps: l.attrs.eps });
    case "relu":
      return relu(x);
    case "maxpool":
      return maxPool2d(x, pool2dParams({ kernel: l.attrs.k, stride: l.attrs.stride, padding: l.attrs.pad }));
    case "add":
      return add(xs);
    case "gap": {
      const y = globalAvgPool(x);
      return { shape: [y.shape[0]], data: y.data };
    }
    case "fc":
      return pool ? await pool.linear(x, l.params.weight, l.params.bias.data) : linear(x, l.params.weight, l.params.bias.data);
    default:
      throw new Error(`unknown op ${l.op}`);
  }
}

/**
 * netfig: every layer's output is kept (as `netfig run --dump` and thumbnails need).
 * With a pool the convs and the fc run on its workers; everything else on this thread.
 */
export async function netfigForward(layers, input, pool, timeByOp) {
  const acts = new Map();
  for (const l of layers) {
    const start = performance.now();
    acts.set(l.name, await forwardLayer(l, l.inputs.map((n) => acts.get(n)), input, pool));
    if (timeByOp) timeByOp[l.op] = (timeByOp[l.op] ?? 0) + performance.now() - start;
  }
  return acts;
}

/** The layer list's parameters as a weight source, by PyTorch name (`layer1.0.conv1.weight`, `bn1.running_mean`). */
function layerListWeights(layers) {
  const byName = new Map(layers.flatMap((l) => Object.entries(l.params).map(([suffix, t]) => [`${l.name}.${suffix}`, t])));
  return {
    get(name, shape) {
      const t = byName.get(name);
      if (!t || t.shape.join() !== shape.join()) throw new Error(`bench: no parameter ${name} [${shape.join(", ")}] in the layer list`);
      return t;
    },
  };
}

/**
 * netfig's own run (src/execute/run.ts) of the bundled template of the same network
 * (`resnet18`, `resnet50`: the same layer names, so it reads the list's weights) on
 * `pool`: as `netfig run` runs it (`keepAll` false: bn, residual add and ReLU in the
 * convs' epilogue, activations resident in the pool's memory, only the output copied
 * out), or as `render --activations` does (`keepAll`: every layer's output copied out).
 * The template is analysed once, and its weights are held in each pool's memory from
 * the first run on (ResidentWeights), as onnxruntime's session holds its initializers:
 * a forward pass then copies no weight, and each absorbed bn's scale and shift are
 * derived once (onnxruntime's session, at graphOptimizationLevel "all", folds each
 * BatchNormalization into its Conv when it is created). The returned function runs it and returns the fc's output.
 */
export async function netfigRunner(depth, layers) {
  const [{ loadModel }, { runNetwork }, { ResidentWeights }] = await Promise.all([import("../src/load/model.ts"), import("../src/execute/run.ts"), import("../src/engine/weights.ts")]);
  const network = (await loadModel(`resnet${depth}`)).analyzed.networks[0];
  const source = layerListWeights(layers);
  const held = new Map();
  return async (input, pool, keepAll = false) => {
    if (!held.has(pool)) held.set(pool, new ResidentWeights(source, pool));
    return (await runNetwork(network, { weights: held.get(pool), pool, seed: 0, inputs: new Map([["input", input]]), keepAll })).get("fc");
  };
}

/** An ONNX model (opset 13) of the layer list, weights as initializers. */
export function onnxModel(layers) {
  const { onnx } = require("onnx-proto");
  const A = onnx.AttributeProto.AttributeType;
  const nodes = [], inits = [];
  const init = (name, t) => inits.push({ name, dims: t.shape, dataType: 1, rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) });
  const ints = (name, v) => ({ name, type: A.INTS, ints: v });
  let inputShape;
  for (const l of layers) {
    const out = [l.name];
    switch (l.op) {
      case "input":
        inputShape = l.attrs.shape;
        continue;
      case "conv": {
        init(`${l.name}.weight`, l.params.weight);
        const { k, stride, pad } = l.attrs;
        nodes.push({ opType: "Conv", input: [l.inputs[0], `${l.name}.weight`], output: out, attribute: [ints("kernel_shape", [k, k]), ints("strides", [stride, stride]), ints("pads", [pad, pad, pad, pad])] });
        break;
      }
      case "bn":
        for (const p of ["weight", "bias", "running_mean", "running_var"]) init(`${l.name}.${p}`, l.params[p]);
        nodes.push({ opType: "BatchNormalization", input: [l.inputs[0], ...["weight", "bias", "running_mean", "running_var"].map((p) => `${l.name}.${p}`)], output: out, attribute: [{ name: "epsilon", type: A.FLOAT, f: l.attrs.eps }] });
        break;
      case "relu":
        nodes.push({ opType: "Relu", input: l.inputs, output: out });
        break;
      case "maxpool": {
        const { k, stride, pad } = l.attrs;
        nodes.push({ opType: "MaxPool", input: l.inputs, output: out, attribute: [ints("kernel_shape", [k, k]), ints("strides", [stride, stride]), ints("pads", [pad, pad, pad, pad])] });
        break;
      }
      case "add":
        nodes.push({ opType: "Add", input: l.inputs, output: out });
        break;
      case "gap":
        nodes.push({ opType: "GlobalAveragePool", input: l.inputs, output: [`${l.name}.pooled`] });
        nodes.push({ opType: "Flatten", input: [`${l.name}.pooled`], output: out, attribute: [{ name: "axis", type: A.INT, i: 1 }] });
        break;
      case "fc":
        init(`${l.name}.weight`, l.params.weight);
        init(`${l.name}.bias`, l.params.bias);
        nodes.push({ opType: "Gemm", input: [l.inputs[0], `${l.name}.weight`, `${l.name}.bias`], output: out, attribute: [{ name: "transB", type: A.INT, i: 1 }] });
        break;
    }
  }
  const last = layers[layers.length - 1];
  const vi = (name, dims) => ({ name, type: { tensorType: { elemType: 1, shape: dims && { dim: dims.map((d) => ({ dimValue: d })) } } } });
  const model = {
    irVersion: 8,
    opsetImport: [{ domain: "", version: 13 }],
    producerName: "netfig-bench",
    graph: { name: "net", node: nodes, initializer: inits, input: [vi("input", [1, ...inputShape])], output: [vi(last.name)] },
  };
  return onnx.ModelProto.encode(model).finish();
}

export async function onnxSession(layers, threads) {
  const ort = require("onnxruntime-node");
  const session = await ort.InferenceSession.create(onnxModel(layers), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
  });
  const last = layers[layers.length - 1].name;
  // onnxruntime-node rejects views of SharedArrayBuffers ("Invalid argument"); copy those once.
  const plain = new WeakMap();
  return async (input) => {
    let data = input.data;
    if (data.buffer instanceof SharedArrayBuffer) {
      if (!plain.has(data)) plain.set(data, new Float32Array(data));
      data = plain.get(data);
    }
    const feeds = { input: new ort.Tensor("float32", data, [1, ...input.shape]) };
    const out = await session.run(feeds);
    return out[last].data;
  };
}

/** tfjs-core on the WASM backend (SIMD), NHWC as tfjs wants; `threads` sets its pthread pool where the threaded build loads. */
export async function tfjsForward(layers, threads) {
  const tf = require("@tensorflow/tfjs-core");
  const wasm = require("@tensorflow/tfjs-backend-wasm");
  wasm.setThreadsCount(threads);
  await tf.setBackend("wasm");
  await tf.ready();
  const params = new Map();
  for (const l of layers) {
    if (l.op === "conv") {
      const [m, c, k] = l.params.weight.shape;
      // [M, C, kh, kw] -> [kh, kw, C, M]
      params.set(l.name, tf.transpose(tf.tensor4d(l.params.weight.data, [m, c, k, k]), [2, 3, 1, 0]));
    } else if (l.op === "bn") {
      for (const p of ["weight", "bias", "running_mean", "running_var"]) params.set(`${l.name}.${p}`, tf.tensor1d(l.params[p].data));
    } else if (l.op === "fc") {
      params.set(`${l.name}.weight`, tf.tensor2d(l.params.weight.data, l.params.weight.shape));
      params.set(`${l.name}.bias`, tf.tensor1d(l.params.bias.data));
    }
  }
  // Disposed by hand: tf.tidy made tfjs's wasm convs 10-20x slower here (tfjs 4.22).
  return (input) => {
      const acts = new Map();
      for (const l of layers) {
        const x = acts.get(l.inputs[0]);
        let y;
        switch (l.op) {
          case "input":
            y = tf.expandDims(tf.transpose(tf.tensor3d(input.data, input.shape), [1, 2, 0]), 0);
            break;
          case "conv":
            y = tf.conv2d(x, params.get(l.name), l.attrs.stride, l.attrs.pad === 0 ? "valid" : [[0, 0], [l.attrs.pad, l.attrs.pad], [l.attrs.pad, l.attrs.pad], [0, 0]]);
            break;
          case "bn":
            y = tf.batchNorm(x, params.get(`${l.name}.running_mean`), params.get(`${l.name}.running_var`), params.get(`${l.name}.bias`), params.get(`${l.name}.weight`), l.attrs.eps);
            break;
          case "relu":
            y = tf.relu(x);
            break;
          case "maxpool":
            // tfjs pads 'same' asymmetrically (0 before, 1 after here); same work as PyTorch's pad 1.
            y = tf.maxPool(x, l.attrs.k, l.attrs.stride, "same");
            break;
          case "add":
            y = tf.add(acts.get(l.inputs[0]), acts.get(l.inputs[1]));
            break;
          case "gap":
            y = tf.mean(x, [1, 2]);
            break;
          case "fc":
            y = tf.add(tf.matMul(x, params.get(`${l.name}.weight`), false, true), params.get(`${l.name}.bias`));
            break;
        }
        acts.set(l.name, y);
      }
      const out = acts.get(layers[layers.length - 1].name).dataSync();
      for (const t of acts.values()) t.dispose();
      return out;
  };
}
