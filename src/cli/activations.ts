import type { Command } from "commander";
import type { ActivationRequest } from "../api/request.js";
import { COLORMAPS } from "../scene/thumbnails.js";
import { executionSetup, type ExecutionFlags } from "./execution.js";
import { Progress } from "./progress.js";

/** `render`'s flags for drawing real activation maps on the blocks. */
export interface ActivationFlags extends ExecutionFlags {
  /** `true` for the bundled sample image, or an image path. */
  activations?: boolean | string;
  channel?: string;
  head?: string;
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
    .option("--head <n>", "with --activations: attention layers show this head's weights (default: the mean of the heads)")
    .option("--grid <k>", "with --activations: show a k×k grid of the highest-variance channels")
    .option("--colormap <name>", `with --activations: ${COLORMAPS.join(", ")} (default viridis)`)
    .option("--normalize <scope>", "with --activations: colour range per layer (default) or global");
}

/**
 * The activation flags as the library's request (`render({ activations })`): the run's
 * input, weights and seed checked as \`run\` checks them, with a progress line on a terminal.
 */
export function activationRequestOf(flags: ActivationFlags): ActivationRequest | undefined {
  if (flags.activations === undefined || flags.activations === false) return undefined;
  const setup = executionSetup(flags);
  let progress: Progress | undefined;
  return {
    image: typeof flags.activations === "string" ? flags.activations : undefined,
    weights: setup.weights,
    seed: setup.seed,
    threads: setup.threads,
    mean: setup.mean,
    std: setup.std,
    channel: flags.channel,
    head: flags.head,
    grid: flags.grid,
    colormap: flags.colormap,
    normalize: flags.normalize as ActivationRequest["normalize"],
    onLayer(done, total, layer) {
      progress ??= new Progress(total);
      progress.update(done, layer);
      if (done === total) progress.finish();
    },
  };
}
