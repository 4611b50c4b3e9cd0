import { availableParallelism } from "node:os";
import type { AnalyzedNetwork, LayerAnalysis } from "../analyze/types.js";
import type { Tensor } from "../engine/tensor.js";
import type { ExecutionSetup } from "../execute/setup.js";
import type { OnnxImport } from "../import/onnx/import.js";
import { Progress } from "./progress.js";
import { allowRelaxedSimd } from "./wasm-flags.js";
import { UsageError } from "./report.js";
import { terminalSafe } from "./terminal.js";

/** The flags `run`, `render --activations` and `export` share: where the input and weights come from. */
export interface ExecutionFlags {
  input?: string;
  weights?: string;
  seed?: string;
  threads?: string;
  mean?: string;
  std?: string;
  maxElements?: string;
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

function wholeAtLeastOne(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag}: expected a whole number ≥ 1, got '${text}'`);
  return n;
}

/** The flags as the library's execution setup; the engine will run, so relaxed SIMD is allowed from here on. */
export function executionSetup(flags: ExecutionFlags): ExecutionSetup {
  allowRelaxedSimd();
  return {
    input: flags.input,
    weights: flags.weights,
    seed: positiveInt(flags.seed, "--seed", 1),
    // More threads than cores only costs memory (10,000 exhaust it): the pool never starts more.
    threads: Math.min(positiveInt(flags.threads, "--threads", 0), availableParallelism()),
    maxElements: flags.maxElements === undefined ? undefined : wholeAtLeastOne(flags.maxElements, "--max-elements"),
    mean: flags.mean === undefined ? undefined : numberList(flags.mean, "--mean"),
    std: flags.std === undefined ? undefined : numberList(flags.std, "--std"),
  };
}

/**
 * Runs one analysed network as the flags say, with a progress line on a terminal and the
 * library's warnings on stderr; `onLayer` sees each output as it is made (dumps write there).
 */
export async function executeWithFlags(
  network: AnalyzedNetwork,
  flags: ExecutionFlags,
  options: { keepAll: boolean; onnx?: OnnxImport; onLayer?: (id: string, output: Tensor) => void | Promise<void> },
): Promise<Map<string, Tensor>> {
  const setup = executionSetup(flags);
  // The engine loads only when a command runs the network: plain renders start faster.
  const { execute } = await import("../execute/setup.js");
  const progress = new Progress(network.layers.length);
  let done = 0;
  let result: Awaited<ReturnType<typeof execute>>;
  try {
    result = await execute(network, setup, {
      keepAll: options.keepAll,
      onnx: options.onnx,
      onProgress: (layer) => progress.update(++done, layer.node.id),
      // Only a caller that reads the outputs (a dump) asks for them: without it the run may fuse layers.
      ...(options.onLayer && { onLayer: (layer: LayerAnalysis, output: Tensor) => options.onLayer!(layer.node.id, output) }),
    });
  } finally {
    progress.finish();
  }
  for (const warning of result.warnings) process.stderr.write(`netfig: ${terminalSafe(warning)}\n`);
  return result.outputs;
}
