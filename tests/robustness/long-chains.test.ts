/**
 * Long chains wrap into rows at natural size like other long figures (src/fit/print.ts's
 * rule: at most NATURAL_MAX_WIDTH_PT wide, or at most NATURAL_MAX_ASPECT times as wide as
 * tall), however long: a 50,000-layer chain used to print as one row 1.9 million pt wide,
 * because its 25,000 equal convs were one run of shared labels, which no row break may enter.
 */
import { describe, expect, it } from "vitest";
import { NATURAL_MAX_ASPECT, NATURAL_MAX_WIDTH_PT, printFigure } from "../../src/fit/print.js";
import { printMetrics } from "../../src/fit/metrics.js";
import type { Item } from "../../src/layout/direct/structure.js";
import { breakRows, type Atom } from "../../src/layout/direct/wrap.js";
import { analyzeSource } from "../../src/pipeline.js";
import { buildScene, layout } from "../../src/styles/index.js";

/** `input 32x32x3` then `layers - 1` layers: conv and relu by turns, every conv the same 32×32×8 (nothing a repeat could fold). */
function chain(layers: number) {
  const lines = Array.from({ length: layers - 1 }, (_, i) => (i % 2 === 0 ? "conv 8 3x3 pad=1" : "relu"));
  return analyzeSource(`input 32x32x3\n${lines.join("\n")}\n`, "chain.netfig");
}

const inBounds = (w: number, h: number) => w <= NATURAL_MAX_WIDTH_PT || w <= NATURAL_MAX_ASPECT * h;

describe("a chain of equal layers at natural size", () => {
  it("300 layers wrap into the fewest rows that keep the figure in bounds, every conv drawn once", async () => {
    const analyzed = chain(300);
    for (const foldRepeats of [false, true]) {
      const printed = await printFigure(analyzed, { foldRepeats }, { fontSize: 8, maxHeight: 648 }, {});
      const { widthPt, heightPt } = printMetrics(printed.chosen.scene);
      expect(inBounds(widthPt, heightPt), `${widthPt.toFixed(0)} × ${heightPt.toFixed(0)} pt`).toBe(true);
      const rows = printed.chosen.arrangement.rows;
      expect(rows).toBeGreaterThan(1);
      const fewer = buildScene(await layout(analyzed, { foldRepeats, rows: rows - 1 }));
      expect(inBounds(fewer.width, fewer.height), `${rows - 1} rows: ${fewer.width.toFixed(0)} × ${fewer.height.toFixed(0)} pt`).toBe(false);
      const convs = printed.chosen.scene.primitives.filter((p) => p.role === "block-face" && /^conv_\d+$/.test(p.owner ?? ""));
      expect(new Set(convs.map((p) => p.owner)).size).toBe(150);
    }
  });

  it("50,000 layers wrap too, in bounds, trying a handful of row counts rather than each", async () => {
    const printed = await printFigure(chain(50_000), {}, { fontSize: 8, maxHeight: 648 }, {});
    const { widthPt, heightPt } = printMetrics(printed.chosen.scene);
    expect(inBounds(widthPt, heightPt), `${widthPt.toFixed(0)} × ${heightPt.toFixed(0)} pt`).toBe(true);
    expect(printed.chosen.arrangement.rows).toBeGreaterThan(24);
    expect(printed.tried).toBeLessThanOrEqual(6);
  }, 300_000);

  it("asked for more rows than the break points allow (--rows 6 for four layers), draws as many as there can be", async () => {
    const analyzed = analyzeSource("input 8x8x3\nconv 4 3x3\nflatten\nfc 10\n", "tiny.netfig");
    const printed = await printFigure(analyzed, { rows: 6 }, { fontSize: 8, maxHeight: 648 }, {});
    expect(printed.chosen.scene.width).toBeGreaterThan(0);
  });
});

describe("row breaks of a very long chain", () => {
  it("25,000 atoms into 60 rows in well under a second (the exact search is quadratic), rows balanced", () => {
    const atoms: Atom[] = Array.from({ length: 25_000 }, (_, i) => ({ items: [{ kind: "node", id: `n${i}` } as Item], path: [], len: 60 }));
    const started = performance.now();
    const starts = breakRows(atoms, 60, 12, () => false);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(starts).toHaveLength(60);
    expect(starts[0]).toBe(0);
    const sizes = starts.map((s, r) => (starts[r + 1] ?? atoms.length) - s);
    // 25,000 / 60 = 416.7: the longest row is the shortest possible, 417 atoms.
    expect(Math.max(...sizes)).toBe(417);
  });
});
