import { createRequire } from "node:module";
import { root } from "../helpers/netfig.js";

/** The parts of onnxruntime-node the export tests use. */
export interface OrtTensor {
  data: Float32Array;
  dims: readonly number[];
}
export interface Ort {
  Tensor: new (type: "float32", data: Float32Array, dims: number[]) => OrtTensor;
  InferenceSession: { create(model: Uint8Array): Promise<{ run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>> }> };
}

/** onnxruntime-node from the separate bench/ package (never a product dependency), or undefined when it is not installed. */
export function loadOrt(): Ort | undefined {
  try {
    return createRequire(`${root}/bench/package.json`)("onnxruntime-node") as Ort;
  } catch {
    return undefined;
  }
}
