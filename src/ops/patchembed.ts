import { asPair, asPositiveInt, ArgReader } from "./args.js";
import { requireImage, writtenShape } from "./shape.js";
import { ArgError, ShapeError, type OpDef, type Shape } from "./types.js";

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
};
