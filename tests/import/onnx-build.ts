import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

/** Small hand-built ONNX models for importer tests, encoded with the same schema the importer decodes. */
export interface TestNode {
  op: string;
  name: string;
  inputs: string[];
  outputs: string[];
  ints?: Record<string, number[]>;
  floats?: Record<string, number>;
  strings?: Record<string, string>;
}

export interface TestModel {
  input: (number | string)[];
  nodes: TestNode[];
  /** Float32 initializers: dims, and the values (zeros when omitted). */
  weights?: Record<string, { dims: number[]; values?: Float32Array }>;
  /** Int64 initializers (shapes, pads). */
  ints?: Record<string, number[]>;
  /** Parameters as graph inputs without values, as export_params=False writes them: their dims. */
  parameters?: Record<string, number[]>;
  /** Declared output dims of tensors (value_info). */
  declared?: Record<string, (number | string)[]>;
}

const dim = (d: number | string) => (typeof d === "number" ? { dimValue: d } : { dimParam: d });
const info = (name: string, dims: (number | string)[]) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: dims.map(dim) } } } });

export function encodeModel(model: TestModel): Uint8Array {
  const { AttributeType } = onnx.AttributeProto;
  const nodes = model.nodes.map((n) => ({
    name: n.name,
    opType: n.op,
    input: n.inputs,
    output: n.outputs,
    attribute: [
      ...Object.entries(n.ints ?? {}).map(([name, ints]) => (ints.length === 1 && name !== "pads" && name !== "perm" ? { name, i: ints[0], type: AttributeType.INT } : { name, ints, type: AttributeType.INTS })),
      ...Object.entries(n.floats ?? {}).map(([name, f]) => ({ name, f, type: AttributeType.FLOAT })),
      ...Object.entries(n.strings ?? {}).map(([name, s]) => ({ name, s: new TextEncoder().encode(s), type: AttributeType.STRING })),
    ],
  }));
  const floats = Object.entries(model.weights ?? {}).map(([name, w]) => {
    const values = w.values ?? new Float32Array(w.dims.reduce((a, b) => a * b, 1));
    return { name, dims: w.dims, dataType: 1, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
  });
  const ints = Object.entries(model.ints ?? {}).map(([name, values]) => ({ name, dims: [values.length], dataType: 7, rawData: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer) }));
  const last = model.nodes[model.nodes.length - 1]!.outputs[0]!;
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ version: 14 }],
    graph: {
      name: "test",
      node: nodes,
      initializer: [...floats, ...ints],
      input: [info("x", model.input), ...Object.entries(model.parameters ?? {}).map(([name, dims]) => info(name, dims))],
      output: [{ name: last }],
      valueInfo: Object.entries(model.declared ?? {}).map(([name, dims]) => info(name, dims)),
    },
  }).finish();
}
