import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AnalyzedGraph } from "../../src/analyze/types.js";
import { analyzeSource } from "../../src/pipeline.js";
import { renderSvg } from "../../src/render/svg.js";
import { checkScene } from "../../src/scene/check.js";
import { buildScene, FIGURE_STYLES, figureOf, layout, resolveOptions, STYLES, styleRegistry } from "../../src/styles/index.js";
import type { Point } from "../../src/geometry/types.js";
import { drawingOf, type FigureStyleModule, type StyleInputs } from "../../src/styles/types.js";

interface DotsFigure {
  centers: Point[];
}
import { root } from "../helpers/netfig.js";

const TEMPLATES = join(root, "templates");
const templates: [string, AnalyzedGraph][] = readdirSync(TEMPLATES)
  .filter((f) => f.endsWith(".netfig"))
  .sort()
  .map((f) => [f, analyzeSource(readFileSync(join(TEMPLATES, f), "utf8"), f)]);

describe("the figure style registry", () => {
  it("lays out and draws, in every registered style, each bundled template that style fits", async () => {
    const drawn = new Map<string, string[]>(STYLES.map((s) => [s.name, []]));
    for (const [file, graph] of templates) {
      for (const network of graph.networks) {
        const options = resolveOptions(graph, network);
        for (const style of STYLES) {
          if (style.fits(network, { ...options, style: style.name }) !== true) continue;
          const laidOut = await layout(graph, { network: network.network.name, style: style.name });
          expect(laidOut.style).toBe(style.name);
          const scene = buildScene(laidOut);
          expect(scene.primitives.length, `${style.name} ${file}`).toBeGreaterThan(0);
          expect(checkScene(scene), `${style.name} ${file}`).toEqual([]);
          drawn.get(style.name)!.push(file);
        }
      }
    }
    // Every style draws at least one template, and blocks draws them all.
    for (const [name, list] of drawn) expect(list.length, name).toBeGreaterThan(0);
    expect(drawn.get("blocks")!.length).toBe(templates.reduce((n, [, g]) => n + g.networks.length, 0));
    expect(drawn.get("arithmetic")).toEqual(["edge-detection.netfig"]);
    expect(drawn.get("sequence")).toEqual(["rnn.netfig"]);
    expect(drawn.get("transformer")).toEqual(["bert-base.netfig", "gpt-small.netfig", "transformer.netfig", "vit-b16.netfig"]);
  }, 120_000);

  it("accepts as style names exactly auto and the registry's names", async () => {
    expect(FIGURE_STYLES).toEqual(["auto", ...STYLES.map((s) => s.name)]);
    expect(new Set(FIGURE_STYLES).size).toBe(FIGURE_STYLES.length);
    const graph = analyzeSource("figure { style: nosuch }\ninput 4\nfc 2\n", "t.netfig");
    await expect(layout(graph)).rejects.toThrow(`figure: style must be one of ${FIGURE_STYLES.join(", ")}, not "nosuch"`);
    for (const name of FIGURE_STYLES) {
      const named = analyzeSource(`figure { style: ${name} }\ninput 4\nfc 2\n`, "t.netfig");
      expect(resolveOptions(named, named.networks[0]!).style).toBe(name);
    }
  });

  it("picks for auto the first style in registry order that may be picked and fits", async () => {
    const styleOf = async (text: string) => (await layout(analyzeSource(text, "t.netfig"))).style;
    expect(await styleOf("input 4\nfc 3 -> relu\nfc 2")).toBe("neurons");
    expect(await styleOf("input 20x8\nh: rnn 16\nfc 4")).toBe("sequence");
    expect(await styleOf("input 8x8x1\nconv 1 3x3")).toBe("blocks");
    // Asked for by name, a style that does not fit says why.
    await expect(layout(analyzeSource("figure { style: sequence }\ninput 4\nfc 2", "t.netfig"))).rejects.toThrow(
      "figure: style sequence cannot draw t: it does not start with one sequence input (input TxN)",
    );
  });

  it("runs the execute stage before layout for a style that needs it, and hands layout the tensors", async () => {
    const graph = analyzeSource(readFileSync(join(TEMPLATES, "edge-detection.netfig"), "utf8"), "edge-detection.netfig");
    const laidOut = await layout(graph);
    const filter = figureOf(laidOut, "arithmetic")!.grids.find((g) => g.role === "filter")!;
    // The filter drawn is the one the conv computed with: the file's weights=.
    expect(filter.values.map((v) => v.text)).toEqual(["1", "0", "−1", "1", "0", "−1", "1", "0", "−1"]);
    // A run the caller made already is used as it is.
    const seen: StyleInputs[] = [];
    const probe: FigureStyleModule<"probe", null> = {
      name: "probe",
      auto: false,
      needs: ["execution"],
      fits: () => true,
      layout: (_network, _options, _theme, inputs) => (seen.push(inputs), { figure: null, width: 10, height: 10 }),
      draw: (l) => ({ primitives: [], width: l.width, height: l.height, present: new Map() }),
    };
    const registry = styleRegistry([probe, ...STYLES]);
    await registry.layout(graph, { style: "probe" });
    expect([...seen[0]!.execution!.outputs.keys()]).toEqual(["image", "edges"]);
    expect([...seen[0]!.execution!.parameters.keys()]).toContain("edges.weight");
    const given = { outputs: new Map(), parameters: new Map() };
    await registry.layout(graph, { style: "probe", execution: given });
    expect(seen[1]!.execution).toBe(given);
    // Styles that need nothing get nothing run.
    await registry.layout(analyzeSource("input 4\nfc 2", "t.netfig"), { style: "probe" });
    expect(seen.length).toBe(3);
  });

  it("takes a new style as one more entry: laid out, drawn with the page around it, picked by auto", async () => {
    // The worked example of docs/architecture.md ("Adding a figure style"), as written there.
    const dots: FigureStyleModule<"dots", DotsFigure> = {
      name: "dots",
      auto: false,
      fits: (network) => (network.layers.length <= 3 ? true : "it has more than three layers"),
      layout: (network) => ({
        figure: { centers: network.layers.map((_, i): Point => [10 + 20 * i, 10]) },
        width: 20 * network.layers.length,
        height: 20,
      }),
      draw: (laidOut, theme) =>
        drawingOf(laidOut, laidOut.figure.centers.map((center, i) => ({
          type: "circle", role: "dot", owner: `dot${i}`, center, radius: 5, paint: { fill: theme.categories.conv.fill },
        }))),
    };
    const named = styleRegistry([dots, ...STYLES]);
    const drawnByName = await named.layout(analyzeSource("figure { style: dots }\ninput 8x8x3\nconv 4 3x3", "t.netfig"));
    expect(drawnByName.style).toBe("dots");
    expect(renderSvg(named.buildScene(drawnByName)).match(/<circle/g)?.length).toBe(2);
    // The same style, picked by auto: it comes first in the registry.
    const registry = styleRegistry([{ ...dots, auto: true }, ...STYLES]);
    expect(registry.names).toEqual(["auto", "dots", ...STYLES.map((s) => s.name)]);
    const laidOut = await registry.layout(analyzeSource('title "Three"\ninput 8x8x3\nconv 4 3x3\nrelu', "t.netfig"));
    expect(laidOut.style).toBe("dots");
    const svg = renderSvg(registry.buildScene(laidOut));
    expect(svg.match(/<circle/g)?.length).toBe(3);
    expect(svg).toContain("Three");
    // It does not change what the library's own registry draws.
    expect((await layout(analyzeSource("input 8x8x3\nconv 4 3x3\nrelu", "t.netfig"))).style).toBe("blocks");
    // Too many layers: auto passes on to the next style; asked for by name it says why.
    expect((await registry.layout(analyzeSource("input 8x8x3\nconv 4 3x3\nrelu\nconv 2 3x3", "t.netfig"))).style).toBe("blocks");
    await expect(registry.layout(analyzeSource("figure { style: dots }\ninput 8x8x3\nconv 4 3x3\nrelu\nconv 2 3x3", "t.netfig"))).rejects.toThrow(
      "figure: style dots cannot draw t: it has more than three layers",
    );
  });

  it("keeps the engine out of layout and scene: only the execute stage runs a network", () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
    for (const file of [...files(join(root, "src/layout")), ...files(join(root, "src/scene"))]) {
      const text = readFileSync(file, "utf8");
      expect(text, file).not.toMatch(/engine\/pool|execute\/run|runNetwork|ComputePool|engine\/init/);
    }
  });
});
