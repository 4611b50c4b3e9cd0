import type { NodeProto, ValueInfoProto } from "./decode.js";

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
};

/** Ops a parameter reaches its layer through: PyTorch's deduplicated parameters (Identity), Linear's weight (Transpose). */
const CARRIERS = new Set(["Identity", "Transpose", "Cast"]);

/**
 * The graph inputs that are parameters: every reader takes them in a parameter slot,
 * directly or through Identity/Transpose nodes whose outputs only parameter slots read.
 * What remains is the network's real input.
 */
export function parameterInputs(inputs: readonly ValueInfoProto[], consumers: ReadonlyMap<string, readonly NodeProto[]>): Set<string> {
  const verdicts = new Map<string, boolean>();
  const onlyParameter = (tensor: string): boolean => {
    const known = verdicts.get(tensor);
    if (known !== undefined) return known;
    verdicts.set(tensor, false); // a cycle is no parameter
    const readers = consumers.get(tensor) ?? [];
    const verdict = readers.length > 0 && readers.every((node) => {
      const slots = (node.input ?? []).flatMap((name, i) => (name === tensor ? [i] : []));
      if (CARRIERS.has(node.opType ?? "") && (!node.domain || node.domain === "ai.onnx")) return (node.output ?? []).every(onlyParameter);
      const allowed = PARAMETER_SLOTS[node.opType ?? ""] ?? [];
      return slots.every((i) => allowed.includes(i));
    });
    verdicts.set(tensor, verdict);
    return verdict;
  };
  return new Set(inputs.map((i) => i.name ?? "").filter(onlyParameter));
}
