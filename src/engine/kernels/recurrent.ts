import type { ComputePool } from "../pool.js";
import { expectRank, type Tensor } from "../tensor.js";

/** The cell a recurrent layer runs at each step: Elman's tanh, LSTM or GRU. */
export type Cell = "tanh" | "lstm" | "gru";

/** Gate blocks stacked in one weight matrix, in PyTorch's order: LSTM i, f, g, o; GRU r, z, n. */
export const CELL_GATES: Record<Cell, number> = { tanh: 1, lstm: 4, gru: 3 };

/** One direction of one layer, as PyTorch keeps it: `W_ih` `[G·H, in]`, `W_hh` `[G·H, H]`, `b_ih` and `b_hh` `[G·H]`. */
export interface DirectionParams {
  inputWeight: Tensor;
  hiddenWeight: Tensor;
  inputBias: Float32Array | null;
  hiddenBias: Float32Array | null;
}

/** A stacked layer: its forward direction, then its backward one when bidirectional. */
export type LayerParams = DirectionParams[];

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** `out[r] = Σ_c w[r, c] · h[c] + b[r]` for the `[rows, H]` matrix `w`, summed in float64. */
function hiddenProjection(w: Float32Array, h: Float32Array, bias: Float32Array | null, out: Float64Array): void {
  const width = h.length;
  for (let r = 0; r < out.length; r++) {
    let sum = bias ? bias[r]! : 0;
    const row = r * width;
    for (let c = 0; c < width; c++) sum += w[row + c]! * h[c]!;
    out[r] = sum;
  }
}

/**
 * The recurrence of one direction over the input projections `x·W_ihᵀ + b_ih` of all
 * steps (`[T, G·H]`), from zero state, as `torch.nn.RNN/LSTM/GRU` compute it; the backward
 * direction walks the steps from the last. Returns h at every step `[T, H]`, in step order.
 */
function recurrence(cell: Cell, projected: Float32Array, steps: number, p: DirectionParams, reverse: boolean): Float32Array {
  const hidden = p.hiddenWeight.shape[1]!;
  const gates = CELL_GATES[cell] * hidden;
  const out = new Float32Array(steps * hidden);
  const h = new Float32Array(hidden);
  const c = new Float32Array(hidden);
  const hh = new Float64Array(gates);
  for (let s = 0; s < steps; s++) {
    const t = reverse ? steps - 1 - s : s;
    const xi = t * gates;
    hiddenProjection(p.hiddenWeight.data, h, p.hiddenBias, hh);
    for (let j = 0; j < hidden; j++) {
      if (cell === "tanh") {
        h[j] = Math.tanh(projected[xi + j]! + hh[j]!);
      } else if (cell === "lstm") {
        const input = sigmoid(projected[xi + j]! + hh[j]!);
        const forget = sigmoid(projected[xi + hidden + j]! + hh[hidden + j]!);
        const candidate = Math.tanh(projected[xi + 2 * hidden + j]! + hh[2 * hidden + j]!);
        const output = sigmoid(projected[xi + 3 * hidden + j]! + hh[3 * hidden + j]!);
        c[j] = forget * c[j]! + input * candidate;
        h[j] = output * Math.tanh(c[j]!);
      } else {
        // GRU: the reset gate scales W_hn·h + b_hn, the hidden part only (PyTorch's, and ONNX's linear_before_reset=1).
        const reset = sigmoid(projected[xi + j]! + hh[j]!);
        const update = sigmoid(projected[xi + hidden + j]! + hh[hidden + j]!);
        const candidate = Math.tanh(projected[xi + 2 * hidden + j]! + reset * hh[2 * hidden + j]!);
        h[j] = (1 - update) * candidate + update * h[j]!;
      }
    }
    out.set(h, t * hidden);
  }
  return out;
}

/**
 * `nn.RNN/LSTM/GRU(batch_first=True)` on one sequence `[T, N]` from zero initial state:
 * per layer and direction the input projection of all steps as one matrix product on the
 * pool, then the recurrence step by step. A stacked layer reads the previous one's
 * `[T, directions·H]` output (forward, then backward, per step). Returns that last output;
 * `lastStep` keeps only its final row, PyTorch's `output[:, -1]` (so a backward direction
 * contributes its state after one step, the one it read the last input with).
 */
export async function recurrentForward(pool: ComputePool, x: Tensor, cell: Cell, layers: LayerParams[], lastStep: boolean): Promise<Tensor> {
  expectRank(x, 2, `${cell} input`);
  const steps = x.shape[0]!;
  let input = x;
  for (const directions of layers) {
    const hidden = directions[0]!.hiddenWeight.shape[1]!;
    const width = directions.length * hidden;
    const out = new Float32Array(steps * width);
    for (let d = 0; d < directions.length; d++) {
      const p = directions[d]!;
      const projected = await pool.linear(input, p.inputWeight, p.inputBias);
      const states = recurrence(cell, projected.data, steps, p, d === 1);
      for (let t = 0; t < steps; t++) out.set(states.subarray(t * hidden, (t + 1) * hidden), t * width + d * hidden);
    }
    input = { shape: [steps, width], data: out };
  }
  if (!lastStep) return input;
  const width = input.shape[1]!;
  return { shape: [width], data: input.data.slice((steps - 1) * width) };
}
