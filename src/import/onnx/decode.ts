import { createRequire } from "node:module";
import type onnxProto from "onnx-proto";
import { NetfigError } from "../../lang/diagnostics.js";

const require = createRequire(import.meta.url);
let protoModule: typeof onnxProto | undefined;
/** protobufjs and the ONNX schema, loaded with the first model rather than with every command (CommonJS: `require` skips the ES loader's export scan). */
function onnx(): typeof onnxProto.onnx {
  protoModule ??= require("onnx-proto") as typeof onnxProto;
  return protoModule.onnx;
}
export type ModelProto = onnxProto.onnx.ModelProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

/** protobufjs hands out 64-bit integers as `Long` objects when the `long` package is present. */
type Int64 = number | { toNumber(): number };

export function int(value: Int64 | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "number" ? value : value.toNumber();
}

/** ONNX element types netfig reads (TensorProto.DataType). */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;

/**
 * An initializer (or Constant) as the importer and, later, the engine see it. `raw` is a
 * view into the bytes the model was decoded from, never a copy; `external` is set when the
 * bytes live in another file (ONNX external data, as large or graph-only models have it).
 */
export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  raw?: Uint8Array;
  external?: { location: string; offset: number; length: number };
  /** Values stored in the typed fields (`float_data`, `int64_data`, …) instead of `raw_data`. */
  fields?: number[];
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export function readTensor(proto: TensorProto, name = proto.name ?? ""): OnnxTensor {
  const tensor: OnnxTensor = { name, dims: (proto.dims ?? []).map(int), dataType: proto.dataType ?? 0 };
  if (proto.dataLocation === onnx().TensorProto.DataLocation.EXTERNAL) {
    const entry = (key: string) => proto.externalData?.find((e) => e.key === key)?.value ?? "";
    tensor.external = { location: entry("location"), offset: Number(entry("offset") || 0), length: Number(entry("length") || 0) };
  } else if (proto.rawData && proto.rawData.length > 0) {
    tensor.raw = proto.rawData;
  } else {
    const fields = [proto.floatData, proto.int32Data, proto.int64Data, proto.doubleData].find((f) => f && f.length > 0);
    if (fields) tensor.fields = fields.map((v) => int(v));
  }
  return tensor;
}

/**
 * The float32 weights of an initializer. A view on the model's bytes when they sit on a
 * 4-byte boundary (always true for an ArrayBuffer-aligned raw block), otherwise one copy:
 * a Float32Array cannot start at an odd offset. Undefined when the bytes are elsewhere.
 */
export function floatData(tensor: OnnxTensor): Float32Array | undefined {
  if (tensor.dataType !== DataType.FLOAT) return undefined;
  if (tensor.raw) {
    const raw = tensor.raw;
    if (raw.byteOffset % 4 === 0) return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    const copy = new Uint8Array(raw.byteLength); // Buffer#slice would be another view
    copy.set(raw);
    return new Float32Array(copy.buffer);
  }
  return tensor.fields ? Float32Array.from(tensor.fields) : undefined;
}

/** Element values of a small integer or float tensor (shape computations), or undefined. */
export function tensorValues(tensor: OnnxTensor): number[] | undefined {
  if (tensor.fields) return tensor.fields;
  const raw = tensor.raw;
  if (!raw) return elementCount(tensor.dims) === 0 ? [] : undefined;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const read: Record<number, [number, (offset: number) => number]> = {
    [DataType.FLOAT]: [4, (o) => view.getFloat32(o, true)],
    [DataType.INT32]: [4, (o) => view.getInt32(o, true)],
    [DataType.INT64]: [8, (o) => Number(view.getBigInt64(o, true))],
    [DataType.BOOL]: [1, (o) => view.getUint8(o)],
    [DataType.DOUBLE]: [8, (o) => view.getFloat64(o, true)],
  };
  const reader = read[tensor.dataType];
  if (!reader) return undefined;
  const [size, get] = reader;
  return Array.from({ length: raw.byteLength / size }, (_, i) => get(i * size));
}

/**
 * Decodes an ONNX model. protobufjs reads `bytes` fields as subarrays of `bytes`, so
 * the weights are not copied. A truncated or foreign file becomes a NetfigError naming it.
 */
export function decodeModel(bytes: Uint8Array, file: string): ModelProto {
  let model: ModelProto;
  try {
    model = onnx().ModelProto.decode(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new NetfigError([
      {
        severity: "error",
        message: `${file}: not a readable ONNX model (${/index out of range/.test(reason) ? "the file ends early: truncated?" : reason})`,
        hint: "re-export the model, e.g. torch.onnx.export(model, x, 'model.onnx')",
      },
    ]);
  }
  if (!model.graph || (model.graph.node ?? []).length === 0) {
    throw new NetfigError([{ severity: "error", message: `${file}: not an ONNX model (no graph with nodes in it)` }]);
  }
  checkDimensions(model, file);
  escapeNames(model);
  return model;
}

/** The largest size one dimension of an ONNX tensor may have: int32's range, as PyTorch's exporter writes. */
const MAX_DIMENSION = 2 ** 31 - 1;
/** The most elements one initializer may declare: 2^34 float32 values are 64 GiB, past any model file. */
const MAX_INITIALIZER_ELEMENTS = 2 ** 34;

/** Initializer and declared input/output dimensions must be sizes a real model has; anything else is a corrupt file. */
function checkDimensions(model: ModelProto, file: string): void {
  const bad = (message: string): never => {
    throw new NetfigError([{ severity: "error", message, location: { file, line: 0, column: 0, length: 0 }, hint: "the file is corrupt or not exported by a framework; re-export the model" }]);
  };
  for (const initializer of model.graph!.initializer ?? []) {
    const dims = (initializer.dims ?? []).map(int);
    const name = printableName(initializer.name ?? "");
    const wrong = dims.find((d) => !Number.isSafeInteger(d) || d < 0 || d > MAX_DIMENSION);
    if (wrong !== undefined) bad(`initializer '${name}' has a dimension of ${wrong}`);
    if (elementCount(dims) > MAX_INITIALIZER_ELEMENTS) bad(`initializer '${name}' declares ${dims.join("x")} = ${elementCount(dims)} values, more than any model holds`);
  }
  for (const info of [...(model.graph!.input ?? []), ...(model.graph!.output ?? [])]) {
    for (const dim of info.type?.tensorType?.shape?.dim ?? []) {
      if (dim.dimValue === null || dim.dimValue === undefined) continue;
      const value = int(dim.dimValue);
      if (!Number.isSafeInteger(value) || value < 0 || value > MAX_DIMENSION) bad(`'${printableName(info.name ?? "")}' declares a dimension of ${value}`);
    }
  }
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** A name with its control characters written as `\x1b`, so that no name from a file can drive a terminal. */
function printableName(name: string): string {
  return name.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/**
 * Node, tensor and value names with control characters (ESC included) escaped, the same way
 * everywhere they occur, so references still match and every later message, label and
 * summary row shows them printable.
 */
function escapeNames(model: ModelProto): void {
  const graph = model.graph!;
  const fix = (name: string | null | undefined): string => (name ? printableName(name) : name ?? "");
  for (const node of graph.node ?? []) {
    node.name = fix(node.name);
    node.input = (node.input ?? []).map(fix);
    node.output = (node.output ?? []).map(fix);
  }
  for (const tensor of graph.initializer ?? []) tensor.name = fix(tensor.name);
  for (const info of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) info.name = fix(info.name);
}
