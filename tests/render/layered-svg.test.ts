/**
 * The SVG is layered for editing (issue 12): one `<g>` per layer with its faces, bands and
 * labels, its exact name and numbers as data attributes; edges, frames, legend and title in
 * groups of their own; text as plain `<text>`; ids valid XML names, unique and the same on
 * every run.
 */

import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";
import { groupScene, isGroup, type LayerGroup, type SceneGroup } from "../../src/render/groups.js";
import { renderSvg } from "../../src/render/svg.js";
import type { Primitive, Scene } from "../../src/scene/types.js";
import { buildScene, layout, type LayoutRequest } from "../../src/styles/index.js";
import { LENET, sceneOfSource } from "./figures.js";

const TEMPLATES = readdirSync("templates").filter((f) => f.endsWith(".netfig")).sort();

async function templateScene(file: string, request: LayoutRequest = {}): Promise<{ scene: Scene; style: string; drawn: string[] }> {
  const laidOut = await layout(analyzeSource(readFileSync(`templates/${file}`, "utf8"), file), request);
  const drawn = laidOut.style === "blocks" ? laidOut.figure.nodes.flatMap((n) => [n.id, ...n.bands.map((b) => b.id)]) : [];
  return { scene: buildScene(laidOut), style: laidOut.style, drawn };
}

/** The `data-name` of every layer group, decoded, in document order. */
function groupNames(svg: string): string[] {
  const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  return [...svg.matchAll(/<g [^>]*class="layer[^"]*"[^>]*data-name="([^"]*)"/g)].map((m) => decode(m[1]!));
}

function ids(svg: string): string[] {
  return [...svg.matchAll(/ id="([^"]*)"/g)].map((m) => m[1]!);
}

/** What an XML 1.0 `ID` may be, restricted to ASCII as the writer makes them. */
const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

describe("the layered SVG", () => {
  it("gives every analysed layer of every template exactly one group when nothing is folded", async () => {
    for (const file of TEMPLATES) {
      const { scene, style } = await templateScene(file, { fold: false, foldRepeats: false });
      // The neuron and sequence styles draw activations as captions and time steps, not as layers of their own;
      // the Transformer style draws a repeated layer once (×N) and dropout and activations inside the box they follow.
      if (style === "neurons" || style === "sequence" || style === "transformer") continue;
      const names = groupNames(renderSvg(scene));
      expect(names.slice().sort(), file).toEqual(scene.layers!.map((l) => l.name).sort());
    }
  }, 60_000);

  it("gives every block and every folded band of every template exactly one group as drawn by default", async () => {
    for (const file of TEMPLATES) {
      const { scene, style, drawn } = await templateScene(file);
      if (style !== "blocks") continue;
      const names = groupNames(renderSvg(scene));
      expect(new Set(names).size, file).toBe(names.length);
      expect(names.slice().sort(), file).toEqual(drawn.slice().sort());
    }
  }, 60_000);

  it("groups without reordering: every template's primitives keep the painter's order, folded, unfolded, flowing down, in perspective", async () => {
    const flat = (group: SceneGroup | LayerGroup): Primitive[] => group.items.flatMap((item) => (isGroup(item) ? flat(item) : [item]));
    const requests: LayoutRequest[] = [{}, { fold: false }, { direction: "down", camera: { kind: "perspective" } }];
    for (const file of TEMPLATES) {
      for (const request of requests) {
        const { scene } = await templateScene(file, request);
        expect(groupScene(scene).flatMap(flat), `${file} ${JSON.stringify(request)}`).toEqual(scene.primitives);
      }
    }
  }, 120_000);

  it("writes a layer's exact name, kind, shape, parameters and MACs on its group (LeNet-5 C1: 156 parameters, LeCun et al. 1998)", async () => {
    const svg = renderSvg(await sceneOfSource(LENET));
    // 28×28 outputs × 6 maps × 25 weights; the paper's 122,304 connections count the 4,704 biases too.
    expect(svg).toContain('<g id="c1" class="layer conv" data-name="c1" data-op="conv" data-category="conv" data-shape="28x28x6" data-params="156" data-macs="117600">');
  });

  it("nests a folded layer's band inside its block's group, and the block's labels with it", async () => {
    const svg = renderSvg(await sceneOfSource(LENET));
    const c1 = svg.slice(svg.indexOf('<g id="c1"'), svg.indexOf('<g id="s2"'));
    expect(c1).toMatch(/^<g id="c1"[^>]*>(<polygon id="block-face-c1[^>]*><\/polygon>)+<g id="relu_1" class="layer relu" data-name="relu_1"[^>]*>(<polygon[^>]*><\/polygon>)+<\/g>/);
    expect(c1).toMatch(/<text id="label-name-c1"[^>]*>c1<\/text>/);
  });

  it("puts edges, frames, the legend and the title each in a group of their own", async () => {
    const scene = await sceneOfSource(`block b(c) {\n  conv c 3x3 pad=1 -> relu\n  conv c 3x3 pad=1\n}\ninput 8x8x3\nb1: b(4)\nflatten\nfc 2\n`, { title: "T", legend: true });
    const svg = renderSvg(scene);
    for (const group of ["page-title", "frames", "edges", "legend"]) expect(svg).toContain(`<g id="${group}" class="${group}">`);
    const frames = svg.slice(svg.indexOf('<g id="frames"'));
    expect(frames.slice(0, frames.indexOf("</g>"))).toContain('id="frame-b1"');
  });

  it("writes every text as a plain <text>, never foreignObject, one for each text of the scene", async () => {
    for (const file of ["googlenet.netfig", "unet.netfig", "mlp.netfig", "rnn.netfig", "receptive-field.netfig"]) {
      const { scene } = await templateScene(file);
      const svg = renderSvg(scene);
      expect(svg).not.toContain("foreignObject");
      expect(svg.match(/<text /g)?.length ?? 0, file).toBe(scene.primitives.filter((p) => p.type === "text").length);
    }
  });

  it("derives unique, valid ids that are the same on every run", async () => {
    for (const file of ["resnet50.netfig", "alexnet.netfig", "googlenet.netfig"]) {
      const first = renderSvg((await templateScene(file)).scene);
      const second = renderSvg((await templateScene(file)).scene);
      expect(second).toBe(first);
      const all = ids(first);
      expect(new Set(all).size, file).toBe(all.length);
      for (const id of all) expect(id, file).toMatch(XML_NAME);
    }
  });

  it("keeps a hostile layer name exact in data-name while its id stays a valid, unique XML name", () => {
    const font = { family: "sans", weight: "normal", style: "normal", size: 8 } as const;
    const hostile = ['9"/><script>x</script>', "a/b", "a_b", "edges", "a/b"];
    const scene: Scene = {
      width: 100,
      height: 100,
      background: "none",
      layers: hostile.slice(0, 4).map((name) => ({ name, op: "conv", category: "conv", shape: [1], params: 0, macs: 0 })),
      primitives: [
        { type: "path", role: "edge", owner: "x->y", commands: [{ op: "M", to: [0, 0] }, { op: "L", to: [5, 5] }], paint: { stroke: { color: "#000000", width: 1 } } },
        ...hostile.map((name, i) => ({ type: "text" as const, role: "label-name", owner: name, layer: name, text: name, at: [10, 10 + i * 10] as [number, number], anchor: "start" as const, font, color: "#000000", width: 10 })),
      ],
    };
    const svg = renderSvg(scene);
    expect(svg).not.toContain("<script");
    // The repeated "a/b" joins its group: four groups for four names.
    expect(groupNames(svg)).toEqual(hostile.slice(0, 4));
    const all = ids(svg);
    expect(new Set(all).size).toBe(all.length);
    for (const id of all) expect(id).toMatch(XML_NAME);
    expect(all).toContain("edges");
    expect(all).toContain("edges-1");
  });
});
