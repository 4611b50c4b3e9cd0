/**
 * Recurrent layers with `layers=` and `bidirectional` unrolled as they compute
 * (PyTorch's nn.LSTM(num_layers=2, bidirectional=True); the drawing Goodfellow et al.,
 * Deep Learning, fig. 10.11): a row per stacked layer and direction, the forward state h
 * passed to the next step, the backward state g to the step before, each row reading both
 * directions of the row below.
 */
import { describe, expect, it } from "vitest";
import type { SequenceFigure } from "../../src/layout/sequence.js";
import { analyzeSource } from "../../src/pipeline.js";
import { checkScene } from "../../src/scene/check.js";
import { buildScene, figureOf, layout } from "../../src/styles/index.js";
import { readProjectFile } from "../helpers/netfig.js";

async function sequence(text: string, name: string): Promise<{ figure: SequenceFigure; scene: ReturnType<typeof buildScene> }> {
  const laidOut = await layout(analyzeSource(text, name), { style: "sequence" });
  return { figure: figureOf(laidOut, "sequence")!, scene: buildScene(laidOut) };
}

const rowNames = (figure: SequenceFigure): string[] => figure.labels.filter((l) => l.role === "label-name").map((l) => l.text);

describe("a bidirectional 2-layer LSTM (tests/fixtures/figures/bilstm.netfig)", () => {
  it("draws two layers, each in both directions, 128 units a direction", async () => {
    const { figure } = await sequence(readProjectFile("tests/fixtures/figures/bilstm.netfig"), "bilstm.netfig");
    expect(rowNames(figure)).toEqual(["input ∈ ℝ³⁰⁰", "LSTM layer 1 → ∈ ℝ¹²⁸", "LSTM layer 1 ← ∈ ℝ¹²⁸", "LSTM layer 2 → ∈ ℝ¹²⁸", "LSTM layer 2 ← ∈ ℝ¹²⁸", "fc ∈ ℝ⁵"]);
  });

  it("passes the forward states to the next step and the backward states to the step before", async () => {
    const { figure } = await sequence(readProjectFile("tests/fixtures/figures/bilstm.netfig"), "bilstm.netfig");
    const has = (from: string, to: string) => figure.links.some((l) => l.from === from && l.to === to && !l.loop && !l.towardEllipsis);
    for (const level of [1, 2]) {
      expect(has(`lstm.${level}.fwd@1`, `lstm.${level}.fwd@2`), `layer ${level} forward`).toBe(true);
      expect(has(`lstm.${level}.bwd@2`, `lstm.${level}.bwd@1`), `layer ${level} backward`).toBe(true);
      expect(has(`lstm.${level}.bwd@1`, `lstm.${level}.bwd@2`), `layer ${level} backward never runs forward`).toBe(false);
    }
    // Layer 2 reads both directions of layer 1; the output reads both of layer 2.
    for (const to of ["lstm.2.fwd@3", "lstm.2.bwd@3"]) for (const from of ["lstm.1.fwd@3", "lstm.1.bwd@3"]) expect(has(from, to), `${from} → ${to}`).toBe(true);
    for (const from of ["lstm.2.fwd@3", "lstm.2.bwd@3"]) expect(has(from, "y@3"), from).toBe(true);
    // Each of the four states loops onto itself in the folded drawing.
    expect(figure.links.filter((l) => l.loop).map((l) => l.from)).toEqual(["lstm.1.fwd", "lstm.1.bwd", "lstm.2.fwd", "lstm.2.bwd"]);
  });

  it("draws without overlapping labels or links that miss their nodes", async () => {
    const { scene } = await sequence(readProjectFile("tests/fixtures/figures/bilstm.netfig"), "bilstm.netfig");
    expect(checkScene(scene)).toEqual([]);
  });
});

describe("a one-layer, one-direction RNN (templates/rnn.netfig) keeps its single row", () => {
  it("h, looping on its right", async () => {
    const { figure } = await sequence(readProjectFile("templates/rnn.netfig"), "rnn.netfig");
    expect(rowNames(figure)).toEqual(["input ∈ ℝ⁸", "RNN ∈ ℝ¹⁶", "fc ∈ ℝ⁴"]);
    expect(figure.links.filter((l) => l.loop)).toEqual([{ from: "h", to: "h", loop: true }]);
  });

  it("a stacked unidirectional GRU (layers=3) gets a row per layer, h¹ h² h³", async () => {
    const { figure } = await sequence("x: input 10x4\ngru: gru 8 layers=3\nfc 2", "gru.netfig");
    expect(rowNames(figure)).toEqual(["input ∈ ℝ⁴", "GRU layer 1 ∈ ℝ⁸", "GRU layer 2 ∈ ℝ⁸", "GRU layer 3 ∈ ℝ⁸", "fc ∈ ℝ²"]);
    expect(figure.nodes.filter((n) => n.id.endsWith("@1")).map((n) => n.symbol)).toEqual(["x₁", "h¹₁", "h²₁", "h³₁", "y₁"]);
  });
});
