import type { Shape } from "./types.js";
import { ShapeError } from "./types.js";

/** `56x56x64`, `4096`, `35x128`: shapes in messages read the way they are written in a `.netfig` file. */
export function writtenShape(shape: readonly number[]): string {
  return shape.join("x");
}

/** `55×55×96`, `4096`, `T×N`: a shape the way papers write it (figure labels, the summary table). */
export function formatShape(shape: readonly number[]): string {
  return shape.join("×");
}

/** The most elements one tensor may have for its counts to stay exact (2^50: petabytes of activations). */
export const MAX_TENSOR_ELEMENTS = 2 ** 50;

/**
 * A layer's output shape, checked: whole positive sizes below 2^31 each and a countable
 * total, so that no later count becomes Infinity or NaN. Throws ShapeError otherwise.
 */
export function checkedShape(shape: Shape): Shape {
  const bad = shape.find((d) => !Number.isInteger(d) || d < 1 || d > 2 ** 31 - 1);
  if (bad !== undefined) throw new ShapeError(`its output ${writtenShape(shape)} has a size of ${bad}`, "every size must be a whole number from 1 to 2147483647");
  if (elements(shape) > MAX_TENSOR_ELEMENTS) throw new ShapeError(`its output ${writtenShape(shape)} has more than 2^50 elements`, "no real layer is this large; check the input size and the upsampling factors");
  return shape;
}

export function isImage(shape: Shape): shape is [number, number, number] {
  return shape.length === 3;
}

export function elements(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The input of a layer that needs an image (`HxWxC`), or a ShapeError saying what it got. */
export function requireImage(shape: Shape, layer: string): [number, number, number] {
  if (!isImage(shape)) {
    throw new ShapeError(
      `${layer} needs an HxWxC input, got ${writtenShape(shape)}`,
      shape.length === 1 ? "a vector has no spatial extent; move this layer before flatten/fc" : undefined,
    );
  }
  return shape;
}

export function channels(shape: Shape): number {
  return shape[shape.length - 1]!;
}
