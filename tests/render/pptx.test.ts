/**
 * The PowerPoint file's structure: one slide the figure's size, a freeform per face, a text
 * box per label, one group per layer carrying the layer's exact name and numbers, the same
 * bytes on every run. (LibreOffice opening it is tests/export/editable.test.ts.)
 */

import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { renderPptx } from "../../src/render/pptx.js";
import type { Scene } from "../../src/scene/types.js";
import { LENET, sceneOfSource } from "./figures.js";

async function slideOf(bytes: Uint8Array): Promise<{ slide: string; presentation: string; core: string }> {
  const zip = await JSZip.loadAsync(bytes);
  const read = (name: string) => zip.file(name)!.async("string");
  return { slide: await read("ppt/slides/slide1.xml"), presentation: await read("ppt/presentation.xml"), core: await read("docProps/core.xml") };
}

describe("renderPptx", () => {
  it("sizes its one slide to the figure, in EMU (12,700 a point)", async () => {
    const scene = await sceneOfSource(LENET);
    const { presentation } = await slideOf(await renderPptx(scene));
    const size = presentation.match(/<p:sldSz cx="(\d+)" cy="(\d+)"/)!;
    expect(Math.abs(Number(size[1]) - scene.width * 12700)).toBeLessThan(13);
    expect(Math.abs(Number(size[2]) - scene.height * 12700)).toBeLessThan(13);
  });

  it("draws every face as a freeform and every label as a text box, grouped by layer with its numbers as the description", async () => {
    const scene = await sceneOfSource(LENET);
    const { slide } = await slideOf(await renderPptx(scene));
    const faces = scene.primitives.filter((p) => p.type === "polygon").length;
    const heads = scene.primitives.filter((p) => p.type === "path" && p.arrow === "end").length;
    const paths = scene.primitives.filter((p) => p.type === "path").length;
    expect(slide.match(/<a:custGeom>/g)!.length).toBe(faces + paths + heads);
    expect(slide.match(/<p:txBody>/g)!.length).toBe(scene.primitives.filter((p) => p.type === "text").length);
    // LeNet-5's C1: 156 parameters (LeCun et al. 1998), 28·28·6·25 = 117,600 MACs.
    expect(slide).toContain('<p:cNvPr id="');
    expect(slide).toMatch(/<p:grpSp><p:nvGrpSpPr><p:cNvPr id="\d+" name="c1" descr="conv, 28x28x6, 156 params, 117600 MACs"\/>/);
    // The ReLU folded into C1 is a group inside C1's.
    const c1 = slide.slice(slide.indexOf('name="c1"'));
    expect(c1.indexOf('name="relu_1"')).toBeLessThan(c1.indexOf('name="s2"'));
    for (const group of ["edges", "legend"]) expect(slide).toContain(`name="${group}"/>`);
  });

  it("gives the same bytes on every run, whatever the date", async () => {
    const scene = await sceneOfSource(LENET);
    const first = await renderPptx(scene);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await renderPptx(scene);
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
    expect((await slideOf(first)).core).toContain("2000-01-01T00:00:00Z");
  });

  it("keeps hostile text and names as text: nothing in them becomes markup", async () => {
    const font = { family: "sans", weight: "normal", style: "normal", size: 8 } as const;
    const name = 'a"/><p:sp>&amp;</p:spTree>';
    const scene: Scene = {
      width: 100,
      height: 60,
      background: "#ffffff",
      title: "t\u0001<x>&",
      layers: [{ name, op: "conv", category: "conv", shape: [2, 2, 1], params: 1, macs: 2 }],
      primitives: [
        { type: "polygon", role: "block-face", owner: name, layer: name, points: [[10, 10], [40, 10], [40, 40]], paint: { fill: "#fbe3a6" } },
        { type: "text", role: "label-name", owner: name, layer: name, text: '</a:t><script>"&', at: [20, 50], anchor: "middle", font, color: "#222222", width: 30 },
      ],
    };
    const { slide, core } = await slideOf(await renderPptx(scene));
    // A character XML cannot hold, even escaped, is replaced rather than written.
    expect(core).toContain("<dc:title>t\ufffd&lt;x&gt;&amp;</dc:title>");
    expect(slide).not.toContain("<script");
    expect(slide).not.toContain("<p:sp>&amp;");
    expect(slide).toContain('name="a&quot;/&gt;&lt;p:sp&gt;&amp;amp;&lt;/p:spTree&gt;"');
    expect(slide).toContain("&lt;/a:t&gt;&lt;script&gt;&quot;&amp;");
  });
});
