import { gaussianNoise, reparameterize } from "../engine/kernels/sample.js";
import { asNonNegativeInt, ArgReader } from "./args.js";
import { writtenShape } from "./shape.js";
import { ShapeError, type OpDef, type Shape } from "./types.js";

type SampleAttrs = { seed: number };

/** The noise `sample` draws: standard normal, from its `seed=` alone, in the engine's layout. */
export function sampleNoise(attrs: SampleAttrs, shape: readonly number[]) {
  return gaussianNoise(attrs.seed, shape);
}

/**
 * A VAE's sample by reparameterisation (Kingma & Welling, 2014): reads the mean and the
 * log-variance, in that order, and gives `μ + exp(½·log σ²)·ε` with ε ~ N(0, 1) drawn from
 * `seed=` (0 unless given), so one file gives one sample.
 */
export const sample: OpDef<SampleAttrs> = {
  name: "sample",
  aliases: ["reparameterize", "reparam"],
  category: "merge",
  description: "VAE sample μ + exp(½·logvar)·ε from the mean and the log-variance: sample from MEAN, LOGVAR seed=",
  inputs: "many",
  compile(args) {
    const reader = new ArgReader(args, "sample");
    const seed = reader.named("seed");
    reader.finish(["seed"]);
    return { seed: seed ? asNonNegativeInt(seed, "seed") : 0 };
  },
  outShape(inputs: Shape[]) {
    if (inputs.length !== 2) throw new ShapeError(`sample reads a mean and a log-variance, got ${inputs.length} input${inputs.length === 1 ? "" : "s"}`, "write sample from MEAN, LOGVAR");
    const [mean, logVariance] = inputs as [Shape, Shape];
    if (writtenShape(mean) !== writtenShape(logVariance)) {
      throw new ShapeError(`sample: the mean is ${writtenShape(mean)}, the log-variance ${writtenShape(logVariance)}`, "give both the same size");
    }
    return [...mean];
  },
  params: () => 0,
  macs: () => 0,
  forward: ([mean, logVariance], attrs) => reparameterize(mean!, logVariance!, sampleNoise(attrs, mean!.shape)),
};
