import { reshape as reshapeKernel } from "../engine/kernels/shape.js";
import { chwFromShape } from "../engine/tensor.js";
import { asPositiveInt, ArgReader } from "./args.js";
import { elements, formatShape, writtenShape } from "./shape.js";
import { ArgError, ShapeError, type OpDef } from "./types.js";

type ReshapeAttrs = { shape: number[] };

/**
 * Reshape to HxWxC, TxN or N, reading and writing elements in PyTorch's order (C, H, W),
 * as `flatten` does: `x.view(n, 4, -1)` on an 8x32x32 map is `reshape 4x2048`.
 */
export const reshape: OpDef<ReshapeAttrs> = {
  name: "reshape",
  aliases: ["view"],
  category: "reshape",
  description: "reshape in PyTorch's element order: HxWxC, TxN or N",
  inputs: "one",
  compile(args) {
    const reader = new ArgReader(args, "reshape");
    const arg = reader.positional("dims", "number") ?? reader.named("shape");
    if (!arg) throw new ArgError("reshape needs a shape", "write e.g. reshape 4x2048");
    const shape = arg.kind === "number" ? [asPositiveInt(arg, "shape")] : arg.kind === "dims" && !arg.stride ? arg.dims : [];
    if (shape.length === 0 || shape.length > 3 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new ArgError("reshape shape must be HxWxC, TxN or N with positive whole numbers");
    }
    reader.finish(["shape"]);
    return { shape };
  },
  outShape([input], attrs) {
    if (elements(input!) !== elements(attrs.shape)) {
      throw new ShapeError(`reshape: ${writtenShape(input!)} has ${elements(input!)} elements, ${writtenShape(attrs.shape)} needs ${elements(attrs.shape)}`);
    }
    return [...attrs.shape];
  },
  params: () => 0,
  macs: () => 0,
  describe: (attrs) => `→${formatShape(attrs.shape)}`,
  // Engine tensors are in PyTorch's order already: only the written shape is converted.
  forward: ([x], attrs) => reshapeKernel(x!, chwFromShape(attrs.shape)),
};
