import type { Shape } from "../graph/types.js";
import { ShapeError } from "./types.js";

/** `56x56x64`, `4096`, `35x128`: shapes in messages read the way they are written. */
export function formatShape(shape: Shape): string {
  return shape.join("x");
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
      `${layer} needs an HxWxC input, got ${formatShape(shape)}`,
      shape.length === 1 ? "a vector has no spatial extent; move this layer before flatten/fc" : undefined,
    );
  }
  return shape;
}

export function channels(shape: Shape): number {
  return shape[shape.length - 1]!;
}
