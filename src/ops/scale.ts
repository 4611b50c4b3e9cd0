import { mul } from "../engine/kernels/shape.js";
import { ArgReader } from "./args.js";
import { writtenShape } from "./shape.js";
import { ShapeError, type OpDef } from "./types.js";
import type { Shape } from "./types.js";

/**
 * Elementwise product of its inputs, broadcasting dimensions of size 1: squeeze-and-excitation
 * multiplies an HxWxC map by a 1x1xC gate (ONNX Mul of two tensors).
 */
export const scale: OpDef<Record<string, never>> = {
  name: "scale",
  aliases: ["mul", "multiply"],
  category: "merge",
  description: "elementwise product, sizes of 1 broadcast (squeeze-and-excitation gates): scale from a, b",
  inputs: "many",
  compile(args) {
    new ArgReader(args, "scale").finish();
    return {};
  },
  outShape(inputs) {
    const rank = inputs[0]!.length;
    const out: Shape = [...inputs[0]!];
    for (const shape of inputs.slice(1)) {
      const mismatch = shape.length !== rank || shape.some((d, i) => d !== out[i] && d !== 1 && out[i] !== 1);
      if (mismatch) {
        throw new ShapeError(`scale: cannot multiply ${writtenShape(inputs[0]!)} by ${writtenShape(shape)}`, "each dimension must agree or be 1 (a 1x1xC gate scales an HxWxC map)");
      }
      shape.forEach((d, i) => (out[i] = Math.max(out[i]!, d)));
    }
    return out;
  },
  params: () => 0,
  macs: () => 0,
  forward: (xs) => mul(xs),
};
