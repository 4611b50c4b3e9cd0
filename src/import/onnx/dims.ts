import { Attributes } from "./attributes.js";
import type { NodeProto } from "./decode.js";
import { onnxDims, type Value } from "./values.js";

/**
 * ONNX output dims of the tensor-shuffling and arithmetic nodes inside an attention block
 * (batch first, null where symbolic), so the Shape → Gather → Reshape arithmetic PyTorch
 * writes there folds as it does elsewhere. Undefined for a node this does not size.
 */

type Dims = (number | null)[];

export function dimsOf(value: Value | undefined): Dims | undefined {
  if (value?.kind === "data") return value.shape ? onnxDims(value.shape) : undefined;
  if (value?.kind === "internal") return value.dims;
  if (value?.kind === "const") return value.dims;
  return undefined;
}

function broadcast(a: Dims, b: Dims): Dims {
  const rank = Math.max(a.length, b.length);
  const pick = (x: number | null | undefined, y: number | null | undefined) => (x === undefined ? y : y === undefined ? x : x === 1 ? y : y === 1 ? x : (x ?? y))!;
  return Array.from({ length: rank }, (_, i) => pick(a[a.length - rank + i], b[b.length - rank + i]));
}

function axis(value: number, rank: number): number {
  return value < 0 ? value + rank : value;
}

function constValues(value: Value | undefined): (number | null)[] | undefined {
  return value?.kind === "const" ? value.values : undefined;
}

function reshape(input: Dims, target: (number | null)[]): Dims | undefined {
  const dims = target.map((d, i) => (d === 0 ? (input[i] ?? null) : d));
  const free = dims.indexOf(-1);
  if (free < 0) return dims;
  const known = dims.filter((_, i) => i !== free);
  if (known.includes(null) || input.includes(null)) {
    // With the batch symbolic on both sides the free dim is what the fixed ones leave of the
    // fixed input dims; when only the input has it, the free dim takes it in (`[T, -1, dh]`
    // of `[T, B, D]` is B·H heads) and is symbolic too.
    const nulls = [input.filter((d) => d === null).length, known.filter((d) => d === null).length];
    if (nulls[0] < nulls[1]) return undefined;
    const fixedIn = input.filter((d): d is number => d !== null).reduce((x, y) => x * y, 1);
    const fixedOut = known.filter((d): d is number => d !== null).reduce((x, y) => x * y, 1);
    dims[free] = nulls[0] === nulls[1] ? fixedIn / fixedOut : null;
    return dims;
  }
  const total = (input as number[]).reduce((x, y) => x * y, 1);
  dims[free] = total / (known as number[]).reduce((x, y) => x * y, 1);
  return dims;
}

export function slice(input: Dims, starts: (number | null)[], ends: (number | null)[], axes: (number | null)[] | undefined, steps: (number | null)[] | undefined): Dims | undefined {
  const out = [...input];
  for (let i = 0; i < starts.length; i++) {
    const a = axis(axes?.[i] ?? i, input.length);
    const n = input[a];
    const [start, end, step] = [starts[i], ends[i], steps?.[i] ?? 1];
    if (n === null || n === undefined || start === null || end === null || step !== 1 || start === undefined || end === undefined) return undefined;
    const clamp = (x: number) => Math.min(Math.max(x < 0 ? x + n : x, 0), n);
    out[a] = Math.max(0, clamp(end) - clamp(start));
  }
  return out;
}

export function internalDims(node: NodeProto, inputs: (Value | undefined)[]): Dims[] | undefined {
  const a = new Attributes(node);
  const dims = inputs.map(dimsOf);
  const [x, y] = dims;
  switch (node.opType) {
    case "Identity":
    case "Dropout":
    case "Softmax":
    case "Erf":
    case "Sqrt":
    case "Tanh":
      return x && [x];
    case "Add":
    case "Sub":
    case "Mul":
    case "Div":
    case "Pow":
    case "Where": {
      // A constant whose dims did not fold (a mask, a scale) broadcasts to the data it meets.
      if (dims.some((d, i) => d === undefined && inputs[i]?.kind !== "const")) return undefined;
      const known = dims.filter((d): d is Dims => d !== undefined);
      return known.length > 0 ? [known.reduce((p, q) => broadcast(p, q))] : undefined;
    }
    case "Transpose": {
      const perm = a.ints("perm") ?? x?.map((_, i) => x.length - 1 - i);
      return x && perm && [perm.map((p) => x[p]!)];
    }
    case "Reshape": {
      const target = constValues(inputs[1]);
      const out = x && target ? reshape(x, target) : undefined;
      return out && [out];
    }
    case "MatMul": {
      if (!x || !y || x.length < 2 || y.length < 2) return undefined;
      const batch = broadcast(x.slice(0, -2), y.slice(0, -2));
      return [[...batch, x[x.length - 2]!, y[y.length - 1]!]];
    }
    case "Gemm": {
      if (!x || !y) return undefined;
      const rows = a.int("transA", 0) === 1 ? x[1]! : x[0]!;
      const cols = a.int("transB", 0) === 1 ? y[0]! : y[1]!;
      return [[rows, cols]];
    }
    case "Slice": {
      const [starts, ends, axes, steps] = [2, 3, 4, 5].map((i) => constValues(inputs[i - 1]));
      const out = x && starts && ends ? slice(x, starts, ends, axes, steps) : undefined;
      return out && [out];
    }
    case "Split": {
      const sizes = a.ints("split") ?? (constValues(inputs[1]) as number[] | undefined);
      if (!x || !sizes) return undefined;
      const at = axis(a.int("axis", 0), x.length);
      return sizes.map((size) => x.map((d, i) => (i === at ? size : d)));
    }
    case "Unsqueeze":
    case "Squeeze": {
      const axes = a.ints("axes") ?? (constValues(inputs[1]) as number[] | undefined);
      if (!x || !axes) return undefined;
      if (node.opType === "Squeeze") {
        const drop = axes.map((v) => axis(v, x.length));
        return [x.filter((_, i) => !drop.includes(i))];
      }
      const out = [...x];
      const rank = x.length + axes.length;
      for (const at of axes.map((v) => axis(v, rank)).sort((p, q) => p - q)) out.splice(at, 0, 1);
      return [out];
    }
    default:
      return undefined;
  }
}
