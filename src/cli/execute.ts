import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import type { AnalyzedNetwork } from "../analyze/types.js";
import { decodeNpy } from "../engine/io/npy.js";
import { loadImage, SAMPLE_IMAGE_URL } from "../engine/io/image.js";
import { SafetensorsFile } from "../engine/io/safetensors.js";
import { ComputePool } from "../engine/pool.js";
import { runNetwork } from "../engine/run.js";
import { chwFromShape, type Tensor } from "../engine/tensor.js";
import { SafetensorsWeights, SeededWeights, type WeightSource } from "../engine/weights.js";
import type { OnnxImport } from "../import/onnx/import.js";
import { OnnxWeights } from "../import/onnx/weights.js";
import { LiteralWeights, literalInputs } from "../engine/literal.js";
import { NetfigError } from "../lang/diagnostics.js";
import { Progress } from "./progress.js";
import { UsageError } from "./report.js";

/** What `run` and `render --activations` share: where the input and weights come from. */
export interface ExecutionFlags {
  input?: string;
  weights?: string;
  seed?: string;
  threads?: string;
  mean?: string;
  std?: string;
}

function invalid(message: string, hint?: string): NetfigError {
  return new NetfigError([{ severity: "error", message, hint }]);
}

function readBytes(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch {
    throw invalid(`${path}: cannot read the ${what}`);
  }
}

function numberList(text: string, flag: string): number[] {
  const values = text.split(",").map((v) => Number(v.trim()));
  if (values.some((v) => !Number.isFinite(v))) throw new UsageError(`${flag}: write comma-separated numbers, e.g. 0.485,0.456,0.406`);
  return values;
}

export function positiveInt(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag}: expected a whole number, got '${text}'`);
  return n;
}

/** The tensor for the network's first input: an image, a `.npy`, the bundled sample image or seeded noise. */
function inputTensor(network: AnalyzedNetwork, flags: ExecutionFlags): Map<string, Tensor> {
  const input = network.layers.find((l) => l.node.op === "input")!;
  const shape = input.shape;
  const isImage = shape.length === 3 && (shape[2] === 1 || shape[2] === 3);
  const path = flags.input;
  if (path && extname(path).toLowerCase() === ".npy") {
    const tensor = decodeNpy(readBytes(path, "input tensor"));
    const expected = chwFromShape(shape);
    const unbatched = tensor.shape.length === expected.length + 1 && tensor.shape[0] === 1 ? { shape: tensor.shape.slice(1), data: tensor.data } : tensor;
    return new Map([[input.node.id, unbatched]]);
  }
  // Values written in the file (`input 6x6x1 values=[…]`) unless --input replaces them.
  const written = literalInputs(network);
  if (!path && written.size > 0) return written;
  if (!path && !isImage) return new Map();
  if (!isImage) throw invalid(`${path}: input ${input.node.id} is ${shape.join("x")}, not an image`, "give a .npy tensor instead");
  const bytes = path ? readBytes(path, "image") : new Uint8Array(readFileSync(fileURLToPath(SAMPLE_IMAGE_URL)));
  const options = {
    size: [shape[0]!, shape[1]!] as [number, number],
    channels: shape[2] as 1 | 3,
    mean: flags.mean === undefined ? undefined : numberList(flags.mean, "--mean"),
    std: flags.std === undefined ? undefined : numberList(flags.std, "--std"),
  };
  try {
    return new Map([[input.node.id, loadImage(bytes, options, path ?? "sample image")]]);
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : String(error), "give a PNG or JPEG image");
  }
}

/**
 * Weights written in the file (`weights=`) first; then `--weights`, or an ONNX model's own
 * initializers; seeded He/Xavier for the rest.
 */
export function weightSource(network: AnalyzedNetwork, flags: ExecutionFlags, seed: number, onnx: OnnxImport | undefined): WeightSource {
  return new LiteralWeights(network, loadedWeights(flags, seed, onnx));
}

function loadedWeights(flags: ExecutionFlags, seed: number, onnx: OnnxImport | undefined): WeightSource {
  if (!flags.weights && onnx) {
    const weights = new OnnxWeights(onnx, new SeededWeights(seed), onnx.graph.file);
    if (!weights.hasData) process.stderr.write(`netfig: ${onnx.graph.file} holds no weight values (a graph-only export); using seeded weights (--seed ${seed})\n`);
    return weights;
  }
  if (!flags.weights) return new SeededWeights(seed);
  try {
    return new SafetensorsWeights(new SafetensorsFile(readBytes(flags.weights, "weights file"), flags.weights));
  } catch (error) {
    if (error instanceof NetfigError) throw error;
    throw invalid(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Runs one analysed network as the flags say, reporting progress on a terminal;
 * `onLayer` sees each output as it is made (dumps write there).
 */
export async function execute(
  network: AnalyzedNetwork,
  flags: ExecutionFlags,
  options: { keepAll: boolean; onnx?: OnnxImport; onLayer?: (id: string, output: Tensor) => void | Promise<void> },
): Promise<Map<string, Tensor>> {
  const seed = positiveInt(flags.seed, "--seed", 1);
  const threads = positiveInt(flags.threads, "--threads", 0);
  // The pool first: it starts its workers and warms the WebAssembly up while inputs load.
  const pool = threads > 0 ? new ComputePool(threads) : new ComputePool();
  const progress = new Progress(network.layers.length);
  let done = 0;
  try {
    return await runNetwork(network, {
      weights: weightSource(network, flags, seed, options.onnx),
      pool,
      seed,
      inputs: inputTensor(network, flags),
      keepAll: options.keepAll,
      async onLayer(layer, output) {
        progress.update(++done, layer.node.id);
        await options.onLayer?.(layer.node.id, output);
      },
    });
  } finally {
    progress.finish();
    await pool.close();
  }
}
