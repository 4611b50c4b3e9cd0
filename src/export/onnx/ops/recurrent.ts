import type { DirectionParams } from "../../../engine/kernels/recurrent.js";
import { directions, ONNX_RECURRENT, RECURRENT_CELLS, recurrentParameters, type RecurrentAttrs } from "../../../ops/recurrent.js";
import { part, type OpExport } from "../builder.js";

/** PyTorch's gate blocks of `block` values each, put where ONNX keeps them (`gates[k]`: PyTorch's k-th block's place). */
function reordered(data: Float32Array, gates: readonly number[], block: number): Float32Array {
  const out = new Float32Array(data.length);
  gates.forEach((place, k) => out.set(data.subarray(k * block, (k + 1) * block), place * block));
  return out;
}

/** The directions' arrays one after another: ONNX's leading `num_directions` axis. */
function byDirection(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * rnn, lstm and gru as torch.onnx.export writes `nn.RNN/LSTM/GRU(batch_first=True)` at opset
 * 14, so an importer that reads PyTorch's export reads this one: the input Transposed to steps
 * first, one ONNX `RNN`/`LSTM`/`GRU` node per stacked layer (`W` `[D, G·H, in]`, `R` `[D, G·H, H]`,
 * `B` `[D, 2·G·H]`: W_ih's biases then W_hh's, gates in ONNX's order; zero initial state, so
 * no `initial_h`), its `Y` `[T, D, batch, H]` Squeezed (one direction) or Transposed and
 * Reshaped to `[T, batch, D·H]` (two), the result Transposed back to batch first and, for
 * `last`, its final step Gathered (`output[:, -1]`).
 */
export function recurrentExport(kind: keyof typeof RECURRENT_CELLS): OpExport {
  const { operator, gates } = ONNX_RECURRENT[kind];
  return (g, l) => {
    const attrs = l.layer.node.attrs as RecurrentAttrs;
    const hidden = attrs.hidden;
    const count = directions(attrs);
    const cellAttrs = {
      hidden_size: hidden,
      ...(count === 2 ? { direction: "bidirectional" } : {}),
      ...(kind === "gru" ? { linear_before_reset: 1 } : {}),
    };
    let x = g.node("Transpose", [l.inputs[0]!], part(l, "steps_first"), { perm: [1, 0, 2] });
    recurrentParameters(RECURRENT_CELLS[kind], attrs, l.params).forEach((layer: DirectionParams[], k) => {
      const inFeatures = layer[0]!.inputWeight.shape[1]!;
      const rows = gates.length * hidden;
      const name = (what: string) => `${l.output}.${what}_l${k}`;
      const inputs = [
        x,
        g.weight(name("W"), { shape: [count, rows, inFeatures], data: byDirection(layer.map((p) => reordered(p.inputWeight.data, gates, hidden * inFeatures))) }),
        g.weight(name("R"), { shape: [count, rows, hidden], data: byDirection(layer.map((p) => reordered(p.hiddenWeight.data, gates, hidden * hidden))) }),
      ];
      if (attrs.bias) {
        const biases = layer.flatMap((p) => [reordered(p.inputBias!, gates, hidden), reordered(p.hiddenBias!, gates, hidden)]);
        inputs.push(g.weight(name("B"), { shape: [count, 2 * rows], data: byDirection(biases) }));
      }
      const y = g.node(operator, inputs, part(l, `l${k}`), cellAttrs);
      x =
        count === 1
          ? g.node("Squeeze", [y, g.ints(part(l, `l${k}_axes`), [1])], part(l, `l${k}_output`))
          : g.node("Reshape", [g.node("Transpose", [y], part(l, `l${k}_by_step`), { perm: [0, 2, 1, 3] }), g.ints(part(l, `l${k}_shape`), [0, 0, -1])], part(l, `l${k}_output`));
    });
    if (!attrs.last) {
      g.node("Transpose", [x], l.output, { perm: [1, 0, 2] });
      return;
    }
    const batchFirst = g.node("Transpose", [x], part(l, "batch_first"), { perm: [1, 0, 2] });
    g.node("Gather", [batchFirst, g.intScalar(part(l, "last_step"), -1)], l.output, { axis: 1 });
  };
}

export const rnn = recurrentExport("rnn");
export const lstm = recurrentExport("lstm");
export const gru = recurrentExport("gru");
