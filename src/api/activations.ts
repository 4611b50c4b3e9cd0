/**
 * `activations`: the drawn network runs (the execute stage) and each block shows its
 * layer's output. Node only: the engine reads images and weights from files and runs on
 * worker threads.
 */

import type { AnalyzedNetwork } from "../analyze/types.js";
import type { Tensor } from "../engine/tensor.js";
import { execute } from "../execute/setup.js";
import type { OnnxImport } from "../import/onnx/import.js";
import { OptionError } from "../options/errors.js";
import { COLORMAPS, valueRange, type Activations, type Colormap } from "../scene/thumbnails.js";
import type { ActivationRequest, NumberLike } from "./request.js";

function wholeNumber(value: NumberLike | undefined, option: string, minimum: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < minimum) throw new OptionError(option, `expected a whole number ≥ ${minimum}, got '${value}'`);
  return n;
}

/** Runs `network` as the request says; returns its outputs with the thumbnails' colour settings, and the run's warnings. */
export async function activationsOf(network: AnalyzedNetwork, request: ActivationRequest, onnx?: OnnxImport): Promise<{ activations: Activations; warnings: string[] }> {
  const colormap = (request.colormap ?? "viridis") as Colormap;
  if (!COLORMAPS.includes(colormap)) throw new OptionError("colormap", `'${request.colormap}' is not one of ${COLORMAPS.join(", ")}`);
  const scope = request.normalize ?? "layer";
  if (scope !== "layer" && scope !== "global") throw new OptionError("normalize", `'${String(scope)}' is not layer or global`);
  const channel = wholeNumber(request.channel, "channel", 0);
  const grid = wholeNumber(request.grid, "grid", 1) ?? 1;
  const setup = {
    input: request.image,
    weights: request.weights,
    seed: wholeNumber(request.seed, "seed", 0) ?? 1,
    threads: wholeNumber(request.threads, "threads", 0) ?? 0,
    mean: request.mean,
    std: request.std,
  };
  const head = wholeNumber(request.head, "head", 0);
  let done = 0;
  const attention = new Map<string, Tensor>();
  const { outputs, warnings } = await execute(network, setup, {
    keepAll: true,
    onnx,
    onLayer: (layer) => request.onLayer?.(++done, network.layers.length, layer.node.id),
    onIntermediate: (layer, name, tensor) => {
      if (name === "attention") attention.set(layer.node.id, tensor);
    },
  });
  let range: Activations["options"]["range"] = "layer";
  if (scope === "global") {
    const ranges = [...outputs.values()].map(valueRange);
    range = { min: Math.min(...ranges.map((r) => r.min)), max: Math.max(...ranges.map((r) => r.max)) };
  }
  return { activations: { outputs, attention, options: { colormap, channel, grid, range, head } }, warnings };
}
