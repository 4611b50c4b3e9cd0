// Loads the PyTorch fixtures written by tests/fixtures/engine/generate_forward.py.
import { readFileSync } from "node:fs";
import { SafetensorsFile } from "../../src/engine/io/safetensors.js";
import type { Tensor } from "../../src/engine/tensor.js";

export const FIXTURES = new URL("../fixtures/engine/", import.meta.url);

export interface Case {
  name: string;
  kernel: string;
  params: Record<string, number | boolean | number[]>;
  inputs: Record<string, string>;
  output: string;
}

const file = new SafetensorsFile(readFileSync(new URL("tensors.safetensors", FIXTURES)), "tensors.safetensors");
export const fixtures = JSON.parse(readFileSync(new URL("cases.json", FIXTURES), "utf8")) as {
  torch: string;
  cases: Case[];
  dtypes: Record<string, number[][]>;
};

export function caseByName(name: string): Case {
  const c = fixtures.cases.find((k) => k.name === name);
  if (!c) throw new Error(`no fixture case ${name}`);
  return c;
}

export function input(c: Case, key: string): Tensor {
  const name = c.inputs[key];
  if (name === undefined) throw new Error(`case ${c.name} has no input ${key}`);
  return file.get(name);
}

export function optionalInput(c: Case, key: string): Tensor | null {
  return c.inputs[key] === undefined ? null : input(c, key);
}

export function expected(c: Case): Tensor {
  return file.get(c.output);
}

/**
 * Largest violation of |a − b| ≤ tol·max(1, |b|) (relative, or absolute near zero),
 * as a multiple of the allowed error: ≤ 1 passes. Shapes must agree exactly.
 */
export function mismatch(actual: Tensor, want: Tensor, tol = 1e-4): number {
  if (actual.shape.join(",") !== want.shape.join(",")) {
    throw new Error(`shape [${actual.shape.join(", ")}] differs from PyTorch's [${want.shape.join(", ")}]`);
  }
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) {
    const a = actual.data[i]!, b = want.data[i]!;
    const err = Math.abs(a - b) / (tol * Math.max(1, Math.abs(b)));
    if (!(err <= worst)) worst = Number.isNaN(err) ? Infinity : err;
  }
  return worst;
}
