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
