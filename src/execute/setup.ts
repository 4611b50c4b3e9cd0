/**
 * Running an analysed network as a user asks for it: where the input and the weights come
 * from (an image or `.npy`, a `.safetensors` file, an ONNX model's initializers, values
 * written in the file, seeded noise and initialisation), on a pool of worker threads.
 * Library code: it reads the files it is given and writes nothing; what a command would
 * print as warnings comes back as data.
 */

import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import type { AnalyzedNetwork, LayerAnalysis } from "../analyze/types.js";
import { loadImage, SAMPLE_IMAGE_URL } from "../engine/io/image.js";
import { invalidFile } from "../engine/io/invalid.js";
import { decodeNpy } from "../engine/io/npy.js";
import { MAX_BINARY_BYTES, readBounded } from "../engine/io/read.js";
import { SafetensorsFile } from "../engine/io/safetensors.js";
import { ComputePool } from "../engine/pool.js";
import { chwFromShape, type Tensor } from "../engine/tensor.js";
import { SafetensorsWeights, SeededWeights, type WeightSource } from "../engine/weights.js";
import type { OnnxImport } from "../import/onnx/import.js";
import { OnnxWeights } from "../import/onnx/weights.js";
import { NetfigError } from "../lang/diagnostics.js";
import { getOp } from "../ops/index.js";
import { LiteralWeights, literalInputs } from "./literal.js";
import { checkRunBudget, runNetwork } from "./run.js";

/** Where a run's input and weights come from (`netfig run`, `render --activations`, `export`). */
export interface ExecutionSetup {
  /** A PNG or JPEG image, or a `.npy` tensor, for the first input. Default: the file's `values=`, else the bundled sample image for image inputs, else seeded noise. */
  input?: string;
  /** A `.safetensors` file with PyTorch state-dict names. Default: an ONNX model's own initializers, else seeded He/Xavier. */
  weights?: string;
  /** Seed of the initialised weights and the noise inputs. */
  seed: number;
  /** Worker threads for conv and fc; 0 for all cores. */
  threads?: number;
  /** Per-channel mean and standard deviation of image inputs (default ImageNet's). */
  mean?: number[];
  std?: number[];
  /** The most values the run may compute over all layers (default RUN_MAX_ELEMENTS, 2^30). */
  maxElements?: number;
}

function readBytes(path: string): Uint8Array {
  return new Uint8Array(readBounded(path, MAX_BINARY_BYTES));
}

/** The tensor for the network's first input: an image, a `.npy`, the file's values, the bundled sample image or seeded noise (an empty map). */
export function inputTensors(network: AnalyzedNetwork, setup: Pick<ExecutionSetup, "input" | "mean" | "std">): Map<string, Tensor> {
  const input = network.layers.find((l) => getOp(l.node.op).category === "input")!;
  const shape = input.shape;
  const isImage = shape.length === 3 && (shape[2] === 1 || shape[2] === 3);
  const path = setup.input;
  if (path && extname(path).toLowerCase() === ".npy") {
    const tensor = decodeNpy(readBytes(path), path);
    const expected = chwFromShape(shape);
    const unbatched = tensor.shape.length === expected.length + 1 && tensor.shape[0] === 1 ? { shape: tensor.shape.slice(1), data: tensor.data } : tensor;
    if (unbatched.shape.join("x") !== expected.join("x")) {
      throw invalidFile(path, `holds a ${tensor.shape.join("x")} tensor; input ${input.node.id} takes ${expected.join("x")} (or 1x${expected.join("x")})`, "PyTorch's order: C×H×W for an image");
    }
    return new Map([[input.node.id, unbatched]]);
  }
  // Values written in the file (`input 6x6x1 values=[…]`) unless an input file replaces them.
  const written = literalInputs(network);
  if (!path && written.size > 0) return written;
  if (!isImage) {
    if (!path) return new Map();
    throw invalidFile(path, `input ${input.node.id} is ${shape.join("x")}, not an image`, "give a .npy tensor instead");
  }
  const bytes = path ? readBytes(path) : new Uint8Array(readFileSync(fileURLToPath(SAMPLE_IMAGE_URL)));
  const options = {
    size: [shape[0]!, shape[1]!] as [number, number],
    channels: shape[2] as 1 | 3,
    mean: setup.mean,
    std: setup.std,
  };
  try {
    return new Map([[input.node.id, loadImage(bytes, options, path ?? "sample image")]]);
  } catch (error) {
    if (error instanceof NetfigError) throw error;
    throw invalidFile(path ?? "sample image", error instanceof Error ? error.message.replace(/^[^:]*: /, "") : String(error), "give a PNG or JPEG image");
  }
}

/**
 * Weights written in the file (`weights=`) first; then the setup's weights file, or an ONNX
 * model's own initializers; seeded He/Xavier for the rest. `warnings` says when an ONNX
 * model turned out to hold no weights.
 */
export function weightSource(network: AnalyzedNetwork, setup: Pick<ExecutionSetup, "weights" | "seed">, onnx?: OnnxImport): { weights: WeightSource; warnings: string[] } {
  const { weights, warnings } = loadedWeights(setup, onnx);
  return { weights: new LiteralWeights(network, weights), warnings };
}

function loadedWeights({ weights: file, seed }: Pick<ExecutionSetup, "weights" | "seed">, onnx: OnnxImport | undefined): { weights: WeightSource; warnings: string[] } {
  if (!file && onnx) {
    const weights = new OnnxWeights(onnx, new SeededWeights(seed), onnx.graph.file);
    const warnings = weights.hasData ? [] : [`${onnx.graph.file} holds no weight values (a graph-only export); using seeded weights (--seed ${seed})`];
    return { weights, warnings };
  }
  if (!file) return { weights: new SeededWeights(seed), warnings: [] };
  return { weights: new SafetensorsWeights(new SafetensorsFile(readBytes(file), file)), warnings: [] };
}

export interface ExecuteOptions {
  /** Keep every layer's output (thumbnails); otherwise only the network's outputs. */
  keepAll: boolean;
  /** The imported model the network came from: its initializers are the default weights. */
  onnx?: OnnxImport;
  /** Sees each layer's output as soon as it exists, in order (dumps). */
  onLayer?(layer: LayerAnalysis, output: Tensor): void | Promise<void>;
  /** Sees each layer done, without its output (progress); leaves the run free to fuse layers, which `onLayer` does not. */
  onProgress?(layer: LayerAnalysis): void;
  /** Sees the tensors layers compute on the way that a figure may show (attention weights). */
  onIntermediate?(layer: LayerAnalysis, name: string, tensor: Tensor): void;
}

/** Runs one analysed network as the setup says; returns the outputs it keeps, by layer id, and its warnings. */
export async function execute(network: AnalyzedNetwork, setup: ExecutionSetup, options: ExecuteOptions): Promise<{ outputs: Map<string, Tensor>; warnings: string[] }> {
  // Refused before any worker starts or any input is read.
  checkRunBudget(network, setup.maxElements);
  // The pool first: it starts its workers and warms the WebAssembly up while inputs load.
  const pool = setup.threads ? new ComputePool(setup.threads) : new ComputePool();
  try {
    const { weights, warnings } = weightSource(network, setup, options.onnx);
    const outputs = await runNetwork(network, {
      weights,
      pool,
      seed: setup.seed,
      inputs: inputTensors(network, setup),
      keepAll: options.keepAll,
      onLayer: options.onLayer,
      onProgress: options.onProgress,
      onIntermediate: options.onIntermediate,
      maxElements: setup.maxElements,
    });
    return { outputs, warnings };
  } finally {
    await pool.close();
  }
}
