import { add as addKernel, concat as concatKernel } from "../engine/kernels/shape.js";
import type { Tensor } from "../engine/tensor.js";
import { ArgReader } from "./args.js";
import { writtenShape } from "./shape.js";
import { ShapeError, type OpDef } from "./types.js";
import type { Shape } from "./types.js";

/** Joins engine tensors along channels: axis 0 of `[C, H, W]` and `[N]`, axis 1 of `[T, N]`. */
export function concatChannels(xs: Tensor[]): Tensor {
  return concatKernel(xs, xs[0]!.shape.length === 2 ? 1 : 0);
}

/** Concatenation along channels (the last dimension); every other dimension must agree. */
export function concatShapes(inputs: Shape[], layer: string): Shape {
  const first = inputs[0]!;
  for (const shape of inputs.slice(1)) {
    const sameRank = shape.length === first.length;
    if (!sameRank || shape.slice(0, -1).some((d, i) => d !== first[i])) {
      const what = first.length === 3 ? "spatial sizes" : "shapes";
      throw new ShapeError(
        `${layer}: cannot concatenate ${writtenShape(first)} and ${writtenShape(shape)}: ${what} differ`,
        first.length === 3 ? "pad or pool the branches to the same HxW (pad=same keeps it)" : undefined,
      );
    }
  }
  return [...first.slice(0, -1), inputs.reduce((sum, s) => sum + s[s.length - 1]!, 0)];
}

export const concat: OpDef<Record<string, never>> = {
  name: "concat",
  aliases: ["concatenate", "cat"],
  category: "merge",
  description: "concatenates its inputs along channels: concat { branches } or concat from a, b",
  inputs: "many",
  compile(args) {
    new ArgReader(args, "concat").finish();
    return {};
  },
  outShape: (inputs) => concatShapes(inputs, "concat"),
  params: () => 0,
  macs: () => 0,
  forward: (xs) => concatChannels(xs),
};

export const add: OpDef<Record<string, never>> = {
  name: "add",
  aliases: ["sum"],
  category: "merge",
  drawnAsSum: true,
  sumsInputs: true,
  description: "elementwise sum of its inputs (residual connections): add { branches } or add from a, b",
  inputs: "many",
  compile(args) {
    new ArgReader(args, "add").finish();
    return {};
  },
  outShape(inputs) {
    const first = inputs[0]!;
    for (const shape of inputs.slice(1)) {
      if (shape.length !== first.length || shape.some((d, i) => d !== first[i])) {
        throw new ShapeError(
          `add: branch shapes ${writtenShape(first)} and ${writtenShape(shape)} differ — use proj`,
          "make the shortcut branch `proj` (1x1 conv, ResNet option B) or `zeropad` (option A)",
        );
      }
    }
    return [...first];
  },
  params: () => 0,
  macs: () => 0,
  forward: (xs, _attrs, ctx) => (xs.length > 1 ? ctx.pool.add(xs) : addKernel(xs)),
};
