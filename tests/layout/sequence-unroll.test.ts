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
import { describeChoice, printFigure } from "../../src/fit/print.js";
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

describe("recurrent networks printed in a column (85 mm) and across a page (178 mm), 7 pt labels", () => {
  const MM = 72 / 25.4;
  const bilstm = () => analyzeSource(readProjectFile("tests/fixtures/figures/bilstm.netfig"), "bilstm.netfig");
  const rnn = () => analyzeSource(readProjectFile("templates/rnn.netfig"), "rnn.netfig");
  /** Every circle's symbol within its circle's width, as printed. */
  const symbolsInside = (scene: ReturnType<typeof buildScene>): string[] => {
    const circles = new Map(scene.primitives.filter((p) => p.type === "circle" && p.role === "neuron").map((p) => [p.owner, p]));
    return scene.primitives
      .filter((p) => p.type === "text" && p.role === "label-symbol")
      .filter((p) => {
        const circle = circles.get(p.owner) as { radius: number } | undefined;
        return !circle || (p as { width: number }).width > 2 * circle.radius;
      })
      .map((p) => (p as { text: string }).text);
  };

  it("draws the BiLSTM whole across a page, and in a column unrolled only (1, 2, ⋯, 50), its row labels in two lines", async () => {
    const page = await printFigure(bilstm(), {}, { width: 178 * MM, fontSize: 7, maxHeight: 648 }, {});
    expect(page.chosen.faults).toEqual([]);
    expect(page.chosen.arrangement).toMatchObject({ terse: false, collapse: false });
    const column = await printFigure(bilstm(), {}, { width: 85 * MM, fontSize: 7, maxHeight: 648 }, {});
    expect(column.chosen.faults).toEqual([]);
    expect(column.chosen.arrangement).toMatchObject({ terse: true, collapse: false });
    expect(column.chosen.metrics.minFontPt).toBeGreaterThanOrEqual(6);
    const texts = column.chosen.scene.primitives.filter((p) => p.type === "text").map((p) => (p as { text: string }).text);
    expect(texts).toEqual(expect.arrayContaining(["LSTM layer 2 ←", "∈ ℝ¹²⁸", "t = 1", "t = 2", "t = 50"]));
    expect(texts).not.toContain("t = 3");
    expect(texts).not.toContain("unfold");
    for (const printed of [page, column]) expect(symbolsInside(printed.chosen.scene)).toEqual([]);
    expect(describeChoice(column, "--width 85mm")).toMatch(/^netfig: --width 85mm: unrolled only, \d+ pt tall \(best of \d+; force another with --\[no-\]terse \(unrolled only\), --\[no-\]collapse \(folded only\)\)$/);
  });

  it("draws the one-layer RNN whole in a column, every symbol inside its circle", async () => {
    const column = await printFigure(rnn(), {}, { width: 85 * MM, fontSize: 7, maxHeight: 648 }, {});
    expect(column.chosen.faults).toEqual([]);
    expect(symbolsInside(column.chosen.scene)).toEqual([]);
    expect(describeChoice(column, "--width 85mm")).toContain("folded and unrolled");
  });

  it("draws only the folded network with collapse, only the unrolled one with terse", async () => {
    const drawn = async (options: { terse?: boolean; collapse?: boolean }) => figureOf(await layout(rnn(), options), "sequence")!;
    const folded = await drawn({ collapse: true });
    expect(folded.nodes.map((n) => n.id)).toEqual(["x", "h", "y"]);
    expect(folded.unfold).toBeUndefined();
    const unrolled = await drawn({ terse: true });
    expect(unrolled.nodes.map((n) => n.id)).toEqual(["x@1", "h@1", "y@1", "x@2", "h@2", "y@2", "x@20", "h@20", "y@20"]);
    expect(checkScene(buildScene(await layout(rnn(), { terse: true })))).toEqual([]);
  });
});
