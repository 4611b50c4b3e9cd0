import { describe, expect, it } from "vitest";
import { renderSvg } from "../../src/render/svg.js";
import type { Scene } from "../../src/scene/types.js";
import { LENET, sceneOfSource } from "./figures.js";

describe("renderSvg", () => {
  it("keeps a hostile layer label as text: nothing in it becomes markup", async () => {
    const scene = await sceneOfSource(`input 8x8x3\nconv 4 3x3 "</text><script>alert(1)</script>&amp;"\n`, { title: `<b>"t" & 'q'</b>` });
    const svg = renderSvg(scene);
    expect(svg).not.toContain("<script");
    expect(svg).not.toContain("<b>");
    expect(svg).toContain("&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;");
    expect(svg).toContain("&lt;b&gt;");
  });

  it("replaces characters XML cannot hold instead of writing a broken file", () => {
    const scene: Scene = {
      width: 10,
      height: 10,
      background: "none",
      primitives: [
        { type: "text", role: "label", text: "a\u0001b", at: [1, 5], anchor: "start", font: { family: "sans", weight: "normal", style: "normal", size: 5 }, color: "#000000", width: 4 },
      ],
    };
    expect(renderSvg(scene)).toContain("a\ufffdb");
  });

  it("gives the same bytes for the same input, across separate layouts", async () => {
    const a = renderSvg(await sceneOfSource(LENET));
    const b = renderSvg(await sceneOfSource(LENET));
    expect(a).toBe(b);
  });

  it("writes a viewBox matching the scene, real text, and no external references", async () => {
    const scene = await sceneOfSource(LENET);
    const svg = renderSvg(scene);
    const round = (v: number): string => String(Math.round(v * 100) / 100);
    expect(svg).toContain(`viewBox="0 0 ${round(scene.width)} ${round(scene.height)}"`);
    expect(svg).toMatch(/<text [^>]*>c1<\/text>/);
    expect(svg).not.toMatch(/(href|src)="(?!data:)/);
    expect(svg).not.toMatch(/url\(/);
  });

  it("derives ids from what they draw, unique within the document", async () => {
    const svg = renderSvg(await sceneOfSource(LENET));
    const ids = [...svg.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]!);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain("edge-c1-to-s2");
    expect(ids.every((id) => !/Svgjs/.test(id))).toBe(true);
  });

  it("rounds every coordinate to a hundredth of a point", async () => {
    const svg = renderSvg(await sceneOfSource(LENET));
    expect(svg).not.toMatch(/\d\.\d{3,}/);
  });

  it("draws text as outlines when asked, with no <text> left", async () => {
    const svg = renderSvg(await sceneOfSource(LENET), { textAsPaths: true });
    expect(svg).not.toContain("<text");
    expect(svg).toMatch(/<path id="label-name-c1" d="M/);
  });
});
