import type { Command } from "commander";
import type { AnalyzedNetwork } from "../analyze/types.js";
import { COLORMAPS, valueRange, type Activations, type Colormap } from "../scene/thumbnails.js";
import type { OnnxImport } from "../import/onnx/import.js";
import { executeWithFlags, type ExecutionFlags } from "./execution.js";
import { UsageError } from "./report.js";

/** `render`'s flags for drawing real activation maps on the blocks. */
export interface ActivationFlags extends ExecutionFlags {
  /** `true` for the bundled sample image, or an image path. */
  activations?: boolean | string;
  channel?: string;
  grid?: string;
  colormap?: string;
  normalize?: string;
}

export function addActivationOptions(command: Command): Command {
  return command
    .option("--activations [image]", "run the network on IMAGE (default: the bundled sample) and draw each layer's activation on its block")
    .option("--weights <file>", "with --activations: a .safetensors file with PyTorch state-dict names; default: seeded He/Xavier")
    .option("--seed <n>", "with --activations: seed for the weights and noise inputs (default 1)")
    .option("--mean <list>", "with --activations: per-channel mean of image inputs (default ImageNet's)")
    .option("--std <list>", "with --activations: per-channel standard deviation of image inputs (default ImageNet's)")
    .option("--threads <n>", "with --activations: worker threads for conv and fc (default and at most: all cores)")
    .option("--max-elements <n>", "with --activations: the most values the run may compute over all layers (default 2^30)")
    .option("--channel <n>", "with --activations: show this channel (default: the one with the largest variance)")
    .option("--grid <k>", "with --activations: show a k×k grid of the highest-variance channels")
    .option("--colormap <name>", `with --activations: ${COLORMAPS.join(", ")} (default viridis)`)
    .option("--normalize <scope>", "with --activations: colour range per layer (default) or global");
}

function wholeNumber(text: string | undefined, flag: string, minimum: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < minimum) throw new UsageError(`${flag}: expected a whole number ≥ ${minimum}, got '${text}'`);
  return n;
}

/**
 * Runs the drawn network when `--activations` asks for it (the library's execute stage);
 * the outputs and the flags' colour settings feed the scene's thumbnails.
 */
export async function activationsFor(network: AnalyzedNetwork, flags: ActivationFlags, onnx?: OnnxImport): Promise<Activations | undefined> {
  if (flags.activations === undefined || flags.activations === false) return undefined;
  const colormap = (flags.colormap ?? "viridis") as Colormap;
  if (!COLORMAPS.includes(colormap)) throw new UsageError(`--colormap: '${flags.colormap}' is not one of ${COLORMAPS.join(", ")}`);
  const scope = flags.normalize ?? "layer";
  if (scope !== "layer" && scope !== "global") throw new UsageError(`--normalize: '${scope}' is not layer or global`);
  const channel = wholeNumber(flags.channel, "--channel", 0);
  const grid = wholeNumber(flags.grid, "--grid", 1) ?? 1;
  const input = typeof flags.activations === "string" ? flags.activations : undefined;
  const outputs = await executeWithFlags(network, { ...flags, input }, { keepAll: true, onnx });
  let range: Activations["options"]["range"] = "layer";
  if (scope === "global") {
    const ranges = [...outputs.values()].map(valueRange);
    range = { min: Math.min(...ranges.map((r) => r.min)), max: Math.max(...ranges.map((r) => r.max)) };
  }
  return { outputs, options: { colormap, channel, grid, range } };
}
