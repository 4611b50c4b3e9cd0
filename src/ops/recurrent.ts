import { CELL_GATES, recurrentForward, type Cell, type LayerParams } from "../engine/kernels/recurrent.js";
import { asBool, asPositiveInt, ArgReader } from "./args.js";
import { writtenShape } from "./shape.js";
import { ArgError, DataError, ShapeError, type OpDef, type ParameterContext } from "./types.js";

export type RecurrentAttrs = { hidden: number; layers: number; bidirectional: boolean; last: boolean; bias: boolean };

/** The cell each kind runs at every step. */
export const RECURRENT_CELLS = { rnn: "tanh", lstm: "lstm", gru: "gru" } as const satisfies Record<string, Cell>;

/**
 * How ONNX writes each kind (opset 14 `RNN`, `LSTM`, `GRU`, as torch.onnx.export writes
 * nn.RNN/LSTM/GRU): its operator, and where PyTorch's gate blocks sit in ONNX's stacked
 * matrices: ONNX's LSTM stacks i, o, f, c (PyTorch: i, f, g, o), its GRU z, r, h with
 * `linear_before_reset=1` (PyTorch: r, z, n). `gates[k]` is PyTorch's k-th block's place in ONNX.
 */
export const ONNX_RECURRENT: Record<keyof typeof RECURRENT_CELLS, { operator: string; gates: number[] }> = {
  rnn: { operator: "RNN", gates: [0] },
  lstm: { operator: "LSTM", gates: [0, 2, 3, 1] },
  gru: { operator: "GRU", gates: [1, 0, 2] },
};

/** Directions each stacked layer runs: 2 when bidirectional (forward, then backward). */
/**
 * The most multiply-accumulates a layer's recurrences may make one step after another, in one
 * thread (2^35, over a minute at the half a billion a second they run at): a text
 * classifier's 2-layer bidirectional LSTM of 256 over 200 steps makes 2^27.6. Past it the
 * layer is refused before anything is allocated.
 */
const MAX_SEQUENTIAL_MACS = 2 ** 35;

export const directions = (attrs: RecurrentAttrs) => (attrs.bidirectional ? 2 : 1);

/** Input features of each stacked layer: the sequence's, then the previous layer's output. */
const layerInputs = (features: number, attrs: RecurrentAttrs) =>
  Array.from({ length: attrs.layers }, (_, i) => (i === 0 ? features : attrs.hidden * directions(attrs)));

/**
 * The parameters under PyTorch's state-dict names, per layer k and direction:
 * `<layer>.weight_ih_l{k}` `[G·H, in]`, `.weight_hh_l{k}` `[G·H, H]`, `.bias_ih_l{k}` and
 * `.bias_hh_l{k}` `[G·H]`, the backward direction's with the suffix `_reverse`. Seeded as
 * PyTorch initialises them all, weights and biases: U(−1/√H, 1/√H).
 */
export function recurrentParameters(cell: Cell, attrs: RecurrentAttrs, ctx: ParameterContext): LayerParams[] {
  const features = ctx.inputShapes[0]![1]!;
  const rows = CELL_GATES[cell] * attrs.hidden;
  // He's bound √(6 / fanIn) is PyTorch's 1/√H for fanIn 6H.
  const init = { kind: "he" as const, fanIn: 6 * attrs.hidden };
  return layerInputs(features, attrs).map((inFeatures, k) =>
    Array.from({ length: directions(attrs) }, (_, d) => {
      const suffix = `_l${k}${d === 1 ? "_reverse" : ""}`;
      const get = (name: string, shape: number[]) => ctx.weights.get(`${ctx.layer}.${name}${suffix}`, shape, init);
      return {
        inputWeight: get("weight_ih", [rows, inFeatures]),
        hiddenWeight: get("weight_hh", [rows, attrs.hidden]),
        inputBias: attrs.bias ? get("bias_ih", [rows]).data : null,
        hiddenBias: attrs.bias ? get("bias_hh", [rows]).data : null,
      };
    }),
  );
}

function recurrentOp(name: keyof typeof RECURRENT_CELLS, description: string): OpDef<RecurrentAttrs> {
  const cell = RECURRENT_CELLS[name];
  const gates = CELL_GATES[cell];
  return {
    name,
    category: "recurrent",
    description,
    inputs: "one",
    compile(args) {
      const reader = new ArgReader(args, name);
      const hidden = reader.positional("number") ?? reader.named("hidden", "units");
      if (!hidden) throw new ArgError(`${name} needs a hidden size`, `write e.g. ${name} 128`);
      const layers = reader.named("layers", "num_layers");
      const biasArg = reader.named("bias");
      const attrs: RecurrentAttrs = {
        hidden: asPositiveInt(hidden, "hidden"),
        layers: layers ? asPositiveInt(layers, "layers") : 1,
        bidirectional: reader.flag("bidirectional"),
        last: reader.flag("last"),
        bias: biasArg ? asBool(biasArg, "bias") : true,
      };
      reader.finish(["hidden", "layers", "bidirectional", "last", "bias"]);
      return attrs;
    },
    outShape([input], attrs) {
      if (input!.length !== 2) {
        throw new ShapeError(`${name} needs a TxN sequence, got ${writtenShape(input!)}`, "write the input as steps x features, e.g. input 35x128");
      }
      const features = attrs.hidden * directions(attrs);
      return attrs.last ? [features] : [input![0]!, features];
    },
    // PyTorch: per layer and direction, W_ih (gates·H × in), W_hh (gates·H × H), b_ih and b_hh.
    params([input], _out, attrs) {
      return layerInputs(input![1]!, attrs).reduce(
        (sum, inFeatures) => sum + directions(attrs) * gates * attrs.hidden * (inFeatures + attrs.hidden + (attrs.bias ? 2 : 0)),
        0,
      );
    },
    macs([input], _out, attrs) {
      const steps = input![0]!;
      return layerInputs(input![1]!, attrs).reduce(
        (sum, inFeatures) => sum + steps * directions(attrs) * gates * attrs.hidden * (inFeatures + attrs.hidden),
        0,
      );
    },
    forward([x], attrs, ctx) {
      const steps = x!.shape[0]!;
      const sequential = steps * attrs.layers * directions(attrs) * gates * attrs.hidden * attrs.hidden;
      if (sequential > MAX_SEQUENTIAL_MACS) {
        throw new DataError(
          `its ${steps} steps of ${attrs.hidden} hidden units make ${sequential} multiply-accumulates one step after another, more than the ${MAX_SEQUENTIAL_MACS} a run makes in one thread`,
          "run a shorter sequence or a smaller hidden size",
        );
      }
      return recurrentForward(ctx.pool, x!, cell, recurrentParameters(cell, attrs, ctx), attrs.last);
    },
    describe: (attrs) => `${attrs.hidden}${attrs.bidirectional ? " bi" : ""}${attrs.layers > 1 ? ` ×${attrs.layers}` : ""}`,
  };
}

export const rnn = recurrentOp("rnn", "Elman RNN over a TxN sequence: HIDDEN layers= bidirectional last");
export const lstm = recurrentOp("lstm", "LSTM over a TxN sequence: HIDDEN layers= bidirectional last");
export const gru = recurrentOp("gru", "GRU over a TxN sequence: HIDDEN layers= bidirectional last");
