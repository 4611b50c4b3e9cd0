import { createRequire } from "node:module";
import type onnxProto from "onnx-proto";

/**
 * Plain builders for the protobuf messages an exported model is made of. The messages
 * are object literals that `onnx.ModelProto.encode` serialises; nothing here holds state.
 */

const require = createRequire(import.meta.url);
let protoModule: typeof onnxProto | undefined;
/** protobufjs and the ONNX schema, loaded at the first export rather than with every command (CommonJS: `require` skips the ES loader's export scan). */
function onnx(): typeof onnxProto.onnx {
  protoModule ??= require("onnx-proto") as typeof onnxProto;
  return protoModule.onnx;
}
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;
export type ModelProto = onnxProto.onnx.IModelProto;

const attributeType = () => onnx().AttributeProto.AttributeType;
const dataType = () => onnx().TensorProto.DataType;

/** An attribute value as the op mappings write it; the ONNX type follows from the JS type. */
export type AttrValue = number | string | number[] | { float: number };

/**
 * Whole numbers are INT and arrays INTS (ONNX's kernel_shape, pads, axes); a float
 * attribute is spelled `{ float: x }`, since `1` and `1.0` are the same JS number.
 */
export function attribute(name: string, value: AttrValue): AttributeProto {
  if (typeof value === "string") return { name, type: attributeType().STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: attributeType().INTS, ints: value };
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new RangeError(`attribute ${name}: ${value} is not a whole number; spell floats as { float }`);
    return { name, type: attributeType().INT, i: value };
  }
  return { name, type: attributeType().FLOAT, f: value.float };
}

/**
 * A float32 initializer. The bytes are a view of `data`, not a copy (a Buffer, so
 * protobufjs copies it in one block); ONNX stores raw data little-endian, as every
 * platform Node runs on is.
 */
export function floatTensor(name: string, dims: readonly number[], data: Float32Array): TensorProto {
  return { name, dims: [...dims], dataType: dataType().FLOAT, rawData: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
}

/** An int64 initializer (shapes, pads, axes, slice bounds) in the typed field, readable in Netron. */
export function int64Tensor(name: string, values: readonly number[]): TensorProto {
  return { name, dims: [values.length], dataType: dataType().INT64, int64Data: [...values] };
}

/** An int64 scalar initializer (a Gather's single index, which drops the axis it picks from). */
export function int64Scalar(name: string, value: number): TensorProto {
  return { name, dims: [], dataType: dataType().INT64, int64Data: [value] };
}

/** A float32 scalar initializer (Clip's bounds, Dropout's ratio). */
export function floatScalar(name: string, value: number): TensorProto {
  return { name, dims: [], dataType: dataType().FLOAT, floatData: [value] };
}

/** A float32 tensor's name, element type and dims; a string dim is symbolic (`batch`). */
export function valueInfo(name: string, dims: readonly (number | string)[]): ValueInfoProto {
  const dim = dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType: dataType().FLOAT, shape: { dim } } } };
}

export function encodeModel(model: ModelProto): Uint8Array {
  return onnx().ModelProto.encode(model).finish();
}
