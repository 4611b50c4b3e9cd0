import { writtenShape } from "./shape.js";
import { ShapeError, type Shape } from "./types.js";

/** The `[T, D]` input of a layer that reads a sequence, or a ShapeError saying what it got. */
export function requireSequence(shape: Shape, layer: string): [number, number] {
  if (shape.length !== 2) {
    throw new ShapeError(
      `${layer} needs a TxD sequence (steps x features), got ${writtenShape(shape)}`,
      shape.length === 3 ? "turn an image into a sequence first, e.g. patchembed 768 16x16" : "write the input as steps x features, e.g. input 197x768",
    );
  }
  return [shape[0]!, shape[1]!];
}
