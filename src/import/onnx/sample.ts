import { chwFromShape } from "../../engine/tensor.js";
import { sampleNoise } from "../../ops/sample.js";
import { args, type ImportContext } from "./context.js";
import { floatData, type NodeProto } from "./decode.js";
import { absorb, chain, otherInput, scalarOf } from "./patterns.js";
import type { Value } from "./values.js";

/**
 * A VAE's reparameterised sample, μ + exp(½·logvar)·ε, as netfig's export writes it: Mul
 * of the log-variance by ½, Exp, Mul by ε stored as a constant (ONNX's random ops are not
 * deterministic, so a reproducible model stores its noise), Add of the mean: `sample`.
 * netfig's sample draws ε from its seed, not from a file, so an ε other than seed 0's is
 * a warning: the figure and the counts are the model's, `netfig run` is not.
 */
export function reparameterisation(ctx: ImportContext, node: NodeProto): Value | undefined {
  const [x, y] = [ctx.value(node, 0), ctx.value(node, 1)];
  const [logVariance, half] = x?.kind === "data" ? [x, scalarOf(y)] : [y, scalarOf(x)];
  const rest = chain(ctx, node, "Exp", "Mul", "Add");
  if (logVariance?.kind !== "data" || !logVariance.shape || half !== 0.5 || !rest) return undefined;
  const [deviation, spread, sum] = rest as [NodeProto, NodeProto, NodeProto];
  const noise = otherInput(ctx, spread, deviation.output![0]!);
  const mean = otherInput(ctx, sum, spread.output![0]!);
  const size = chwFromShape(logVariance.shape).reduce((p, d) => p * d, 1);
  if (noise?.kind !== "const" || !noise.source || noise.dims?.reduce((p, d) => p * d, 1) !== size || mean?.kind !== "data") return undefined;
  const stored = floatData(noise.source.tensor);
  const drawn = sampleNoise({ seed: 0 }, chwFromShape(logVariance.shape)).data;
  if (!stored || stored.some((v, i) => v !== drawn[i])) {
    ctx.warn(sum, `its noise ε is the constant '${noise.source.tensor.name}', which netfig's sample does not read: drawn as sample (seed 0), whose run draws its own ε`);
  }
  const layer = ctx.emit(sum, "sample", args(), [mean, logVariance]);
  return absorb(ctx, rest, layer);
}
