import type { InitSpec } from "../engine/init.js";
import { addPositions, sinusoids } from "../engine/kernels/tokens.js";
import { asPositiveInt, ArgReader } from "./args.js";
import { requireSequence } from "./sequence.js";
import { ArgError, ShapeError, type OpDef, type ParameterContext } from "./types.js";

/** `positions`: the size of a learned table longer than the sequence (BERT's 512); absent, one position per step. */
export type PosEmbedAttrs = { kind: "learned" | "sinusoidal"; positions?: number };

/** N(0, 0.02²), torchvision's and BERT's, as the uniform of the same variance: He's bound √(6/fanIn) is 0.02·√3 for fanIn 5000. */
const POSITION_INIT: InitSpec = { kind: "he", fanIn: 5000 };

/**
 * The `[T, D]` values added: the sinusoids, `<layer>.weight` `[1, T, D]` (torchvision's bare
 * `pos_embedding` parameter), or the first T rows of `<layer>.weight` `[N, D]` (an
 * `nn.Embedding` of N positions, BERT's `position_embeddings`).
 */
export function positionParameters(attrs: PosEmbedAttrs, ctx: ParameterContext): Float32Array {
  const [steps, features] = requireSequence(ctx.inputShapes[0]!, "posembed");
  if (attrs.kind === "sinusoidal") return sinusoids(steps, features);
  if (attrs.positions === undefined) return ctx.weights.get(`${ctx.layer}.weight`, [1, steps, features], POSITION_INIT).data;
  return ctx.weights.get(`${ctx.layer}.weight`, [attrs.positions, features], POSITION_INIT).data;
}

/**
 * Position embeddings added to a `T×D` sequence: learned (ViT's `pos_embedding`, one
 * vector per step, or BERT's table of `max=` positions of which the first T are used) or
 * the fixed sines and cosines of Vaswani et al. 2017 (`sinusoidal`, no parameters).
 */
export const posembed: OpDef<PosEmbedAttrs> = {
  name: "posembed",
  aliases: ["positional"],
  category: "embedding",
  description: "adds position embeddings: learned (max=N: a table of N positions) or sinusoidal",
  inputs: "one",
  compile(args) {
    const reader = new ArgReader(args, "posembed");
    const sinusoidal = reader.flag("sinusoidal");
    const learned = reader.flag("learned");
    const max = reader.named("max", "positions");
    reader.finish(["learned", "sinusoidal", "max"]);
    if (sinusoidal && (learned || max)) throw new ArgError("posembed: sinusoidal embeddings are fixed, so they take no learned or max=", "write posembed sinusoidal, or posembed max=512 for a learned table", max ? "max" : "learned");
    if (sinusoidal) return { kind: "sinusoidal" };
    return max ? { kind: "learned", positions: asPositiveInt(max, "max") } : { kind: "learned" };
  },
  outShape([input], attrs) {
    const [steps, features] = requireSequence(input!, "posembed");
    if (attrs.positions !== undefined && attrs.positions < steps) {
      throw new ShapeError(`posembed: a table of ${attrs.positions} positions cannot embed ${steps} steps`, `raise max= to at least ${steps}, or shorten the input`);
    }
    return [steps, features];
  },
  params([input], _out, attrs) {
    const [steps, features] = requireSequence(input!, "posembed");
    return attrs.kind === "sinusoidal" ? 0 : (attrs.positions ?? steps) * features;
  },
  macs: () => 0,
  describe: (attrs) => (attrs.kind === "sinusoidal" ? "sinusoidal" : attrs.positions !== undefined ? `learned, ${attrs.positions}` : "learned"),
  forward: ([x], attrs, ctx) => addPositions(x!, positionParameters(attrs, ctx)),
};
