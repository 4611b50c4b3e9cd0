import { conv2dParams } from "../engine/kernels/conv.js";
import { patchSequence } from "../engine/kernels/tokens.js";
import { convWeights, type ConvWeights } from "../engine/params.js";
import { asPair, asPositiveInt, ArgReader } from "./args.js";
import { requireImage, writtenShape } from "./shape.js";
import { ArgError, ShapeError, type OpDef, type ParameterContext, type Shape } from "./types.js";

export type PatchEmbedAttrs = { dimension: number; patch: [number, number] };

/** The image a patch embedding cuts, checked: H and W must be whole multiples of the patch. */
export function patchGrid(input: Shape, attrs: PatchEmbedAttrs): { rows: number; cols: number; channels: number } {
  const [h, w, c] = requireImage(input, "patchembed");
  const [ph, pw] = attrs.patch;
  if (h % ph !== 0 || w % pw !== 0) {
    throw new ShapeError(`patchembed: its ${writtenShape([h, w, c])} input does not divide into ${ph}x${pw} patches`, `the height and width must be multiples of the patch size: e.g. input ${Math.ceil(h / ph) * ph}x${Math.ceil(w / pw) * pw}x${c}`);
  }
  return { rows: h / ph, cols: w / pw, channels: c };
}

/** The patch conv's `<layer>.weight` `[D, C, P, P]` and `<layer>.bias` `[D]`, named as torchvision's `conv_proj`. */
export function patchEmbedParameters(attrs: PatchEmbedAttrs, ctx: ParameterContext): ConvWeights {
  const { channels } = patchGrid(ctx.inputShapes[0]!, attrs);
  return convWeights(ctx.weights, ctx.layer, channels, attrs.dimension, attrs.patch, 1, true);
}

/**
 * ViT's patch embedding (torchvision's `conv_proj`, a `P×P` conv of stride P to D
 * channels, then flattened and transposed): an `H×W×C` image becomes a sequence of
 * `(H/P)·(W/P)` patch tokens of D features, row by row.
 */
export const patchembed: OpDef<PatchEmbedAttrs> = {
  name: "patchembed",
  aliases: ["patches"],
  category: "conv",
  description: "image to patch tokens: DIMENSION PxP (ViT's conv_proj, flattened to (H/P)·(W/P) x D)",
  inputs: "one",
  compile(args) {
    const reader = new ArgReader(args, "patchembed");
    const dimension = reader.positional("number") ?? reader.named("dimension", "dim", "hidden");
    const patch = reader.positional("dims", "number") ?? reader.named("patch", "size");
    reader.finish(["dimension", "patch"]);
    if (!dimension || !patch) throw new ArgError("patchembed needs a token size and a patch size", "write e.g. patchembed 768 16x16");
    return { dimension: asPositiveInt(dimension, "dimension"), patch: asPair(patch, "patch") };
  },
  outShape([input], attrs) {
    const { rows, cols } = patchGrid(input!, attrs);
    return [rows * cols, attrs.dimension];
  },
  params([input], _out, attrs) {
    const { channels } = patchGrid(input!, attrs);
    return attrs.dimension * channels * attrs.patch[0] * attrs.patch[1] + attrs.dimension;
  },
  macs([input], _out, attrs) {
    const { rows, cols, channels } = patchGrid(input!, attrs);
    return rows * cols * attrs.dimension * channels * attrs.patch[0] * attrs.patch[1];
  },
  receptive: (_inputs, attrs) => ({ kernel: attrs.patch, stride: attrs.patch }),
  describe: (attrs) => `${attrs.patch[0]}×${attrs.patch[1]} → ${attrs.dimension}`,
  async forward([x], attrs, ctx) {
    const { weight, bias } = patchEmbedParameters(attrs, ctx);
    return patchSequence(await ctx.pool.conv2d(x!, weight, bias, conv2dParams({ stride: attrs.patch })));
  },
};
