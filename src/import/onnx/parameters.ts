import { int, type NodeProto, type ValueInfoProto } from "./decode.js";

/**
 * The input slots of the ops whose parameters an exporter may leave as graph inputs
 * (`torch.onnx.export(..., export_params=False)`): weights, biases, BN's statistics.
 */
const PARAMETER_SLOTS: Readonly<Record<string, readonly number[]>> = {
  Conv: [1, 2],
  ConvTranspose: [1, 2],
  Gemm: [1, 2],
  MatMul: [1],
  BatchNormalization: [1, 2, 3, 4],
  RNN: [1, 2, 3],
  LSTM: [1, 2, 3],
  GRU: [1, 2, 3],
};

/**
 * Slots where a Transformer's parameters are read by plain arithmetic: norms' weight and
 * bias (Mul, Add, LayerNormalization), projections' biases added to a MatMul, the class
 * token (Expand), position embeddings (Add, Gather), cross-attention's sliced in_proj_weight
 * (Slice). A real input may sit there too, so these count only in a file that has
 * parameters by the slots above and for inputs of fixed dims; when that would leave no
 * input, the first graph input is the input, as exporters list it.
 */
const ARITHMETIC_SLOTS: Readonly<Record<string, readonly number[]>> = {
  Add: [0, 1],
  Mul: [0, 1],
  Expand: [0],
  Slice: [0],
  Gather: [0],
  LayerNormalization: [1, 2],
};

/** Ops a parameter reaches its layer through: PyTorch's deduplicated parameters (Identity), Linear's weight (Transpose). */
const CARRIERS = new Set(["Identity", "Transpose", "Cast"]);

/**
 * The graph inputs that are parameters: every reader takes them in a parameter slot,
 * directly or through Identity/Transpose nodes whose outputs only parameter slots read.
 * What remains is the network's real input.
 */
export function parameterInputs(inputs: readonly ValueInfoProto[], consumers: ReadonlyMap<string, readonly NodeProto[]>): Set<string> {
  const strict = parametersBySlots(inputs, consumers, PARAMETER_SLOTS);
  if (strict.size === 0) return strict;
  const fixed = inputs.filter((i) => (i.type?.tensorType?.shape?.dim ?? []).every((d) => int(d.dimValue) > 0));
  const arithmetic = parametersBySlots(fixed, consumers, { ...PARAMETER_SLOTS, ...ARITHMETIC_SLOTS });
  const all = new Set([...strict, ...arithmetic]);
  // Nothing left to be the input (a fixed batch, read first by an Add): exporters list the real input first.
  const first = inputs.every((i) => all.has(i.name ?? "")) ? inputs.find((i) => !strict.has(i.name ?? "")) : undefined;
  if (first) all.delete(first.name ?? "");
  return all;
}

function parametersBySlots(inputs: readonly ValueInfoProto[], consumers: ReadonlyMap<string, readonly NodeProto[]>, parameterSlots: Readonly<Record<string, readonly number[]>>): Set<string> {
  const verdicts = new Map<string, boolean>();
  const onlyParameter = (tensor: string): boolean => {
    const known = verdicts.get(tensor);
    if (known !== undefined) return known;
    verdicts.set(tensor, false); // a cycle is no parameter
    const readers = consumers.get(tensor) ?? [];
    const verdict = readers.length > 0 && readers.every((node) => {
      const slots = (node.input ?? []).flatMap((name, i) => (name === tensor ? [i] : []));
      if (CARRIERS.has(node.opType ?? "") && (!node.domain || node.domain === "ai.onnx")) return (node.output ?? []).every(onlyParameter);
      const allowed = parameterSlots[node.opType ?? ""] ?? [];
      return slots.every((i) => allowed.includes(i));
    });
    verdicts.set(tensor, verdict);
    return verdict;
  };
  return new Set(inputs.map((i) => i.name ?? "").filter(onlyParameter));
}
