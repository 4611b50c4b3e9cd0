/**
 * The figure tells the truth: every layer the analysis counts is drawn, as a block, a band
 * on a block or beside a ⊕, the ⊕ itself, or (a pass-through: flatten, identity) the arrow
 * it is. The blocks layout declares, for every node, band and arrow, which analysed layers
 * it stands for (`standsFor`); the union must be every layer, under each fold setting, for
 * every bundled template and example (ONNX ones too) and the networks the issue named
 * (tests/fixtures/figures/); and the scene must draw each declared thing.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AnalyzedGraph } from "../../src/analyze/types.js";
import type { LaidOutBlocks } from "../../src/layout/types.js";
import { loadModel } from "../../src/load/model.js";
import type { Primitive } from "../../src/scene/types.js";
import { buildScene, figureOf, layout } from "../../src/styles/index.js";
import { getTheme } from "../../src/themes/index.js";
import { root } from "../helpers/netfig.js";

const FOLDS = {
  fold: { fold: true, foldRepeats: false },
  "no-fold": { fold: false, foldRepeats: false },
  "fold-repeats": { fold: true, foldRepeats: true },
} as const;

function filesIn(folder: string): string[] {
  return readdirSync(join(root, folder))
    .filter((f) => f.endsWith(".netfig") || f.endsWith(".onnx"))
    .sort()
    .map((f) => join(folder, f));
}

const FILES = [...filesIn("templates"), ...filesIn("examples"), ...filesIn("tests/fixtures/figures")];

/** Every analysed layer id the figure's declarations leave out. */
function undeclared(figure: Omit<LaidOutBlocks, "network" | "options" | "width" | "height">, layers: string[]): string[] {
  const declared = new Set<string>();
  for (const n of figure.nodes) {
    for (const id of n.standsFor) declared.add(id);
    for (const b of n.bands) for (const id of b.standsFor) declared.add(id);
  }
  for (const e of figure.edges) for (const id of e.standsFor) declared.add(id);
  return layers.filter((id) => !declared.has(id));
}

function fillOf(p: Primitive): string | undefined {
  return p.type === "text" || p.type === "image" ? undefined : p.paint.fill;
}

async function walk(file: string, check: (graph: AnalyzedGraph, network: string, fold: keyof typeof FOLDS) => Promise<void>): Promise<void> {
  const { analyzed } = await loadModel(join(root, file));
  for (const network of analyzed.networks) {
    for (const fold of Object.keys(FOLDS) as (keyof typeof FOLDS)[]) await check(analyzed, network.network.name, fold);
  }
}

describe("every analysed layer is visible in the blocks figure, under fold, no-fold and fold-repeats", () => {
  it.each(FILES)("%s", async (file) => {
    await walk(file, async (graph, name, fold) => {
      const laidOut = await layout(graph, { network: name, style: "blocks", ...FOLDS[fold] });
      const figure = figureOf(laidOut, "blocks")!;
      const where = `${file} ${name} ${fold}`;
      const layers = graph.networks.find((n) => n.network.name === name)!.layers.map((l) => l.node.id);
      expect(undeclared(figure, layers), `${where}: layers no block, band or arrow stands for`).toEqual([]);

      const scene = buildScene(laidOut);
      const theme = getTheme(laidOut.options.theme);
      const owned = new Map<string, Primitive[]>();
      for (const p of scene.primitives) if (p.owner !== undefined) owned.set(p.owner, [...(owned.get(p.owner) ?? []), p]);
      for (const node of figure.nodes) {
        const drawn = owned.get(node.id) ?? [];
        const at = `${where}: ${node.id}`;
        if (node.kind === "sum") {
          expect(drawn.filter((p) => p.role === "sum"), `${at} is drawn as ⊕`).toHaveLength(1);
          // A ⊕'s bands (the ReLU after a residual addition) are slabs beside it, one each, in their colours.
          expect(drawn.filter((p) => p.role === "sum-band").map(fillOf), `${at}'s bands`).toEqual(node.bands.map((b) => theme.categories[b.category].fill));
          continue;
        }
        const faces = drawn.filter((p) => p.role === "block-face");
        expect(faces.length, `${at} is drawn as a block`).toBeGreaterThan(0);
        // A band is a slab of the block painted in its category's colour (the front face keeps it unshaded).
        for (const band of node.bands) expect(faces.map(fillOf), `${at} shows its band ${band.id}`).toContain(theme.categories[band.category].fill);
      }
      for (const edge of figure.edges) {
        if (edge.standsFor.length === 0) continue;
        const arrows = (owned.get(edge.id) ?? []).filter((p) => p.role === "edge" || p.role === "edge-shortcut");
        expect(arrows, `${where}: the arrow ${edge.id} standing for ${edge.standsFor.join(", ")} is drawn`).toHaveLength(1);
      }
    });
  });
});
