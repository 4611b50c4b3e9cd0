/** PNG export through resvg: size from dpi, backgrounds, recorded resolution, same pixels every run. */

import { describe, expect, it } from "vitest";
import { renderPng } from "../../src/render/png.js";
import { pixelSize } from "../../src/render/png.js";
import { layoutFixture } from "./fixture.js";
import { sceneToSvg } from "./svg.js";
import { decodePng } from "./tools.js";

const scene = layoutFixture(1);
const svg = sceneToSvg(scene);

/** The pHYs chunk's pixels per metre, or undefined without one. */
function physPerMetre(png: Uint8Array): number | undefined {
  const buf = Buffer.from(png);
  for (let at = 8; at < buf.length; ) {
    const length = buf.readUInt32BE(at);
    if (buf.toString("latin1", at + 4, at + 8) === "pHYs") return buf.readUInt32BE(at + 8);
    at += 12 + length;
  }
  return undefined;
}

describe("renderPng", () => {
  it("makes pixels = points × dpi / 72", () => {
    for (const dpi of [72, 150, 300, 600]) {
      const png = decodePng(renderPng(svg, { dpi }));
      expect({ width: png.width, height: png.height }, `${dpi} dpi`).toEqual(pixelSize(scene.width, scene.height, dpi));
    }
  });

  it("defaults to 300 dpi and takes a scale in pixels per point instead", () => {
    const byDefault = decodePng(renderPng(svg));
    expect(byDefault.width).toBe(Math.round((scene.width * 300) / 72));
    const scaled = decodePng(renderPng(svg, { scale: 2 }));
    expect(scaled.width).toBe(Math.round(scene.width * 2));
    expect(() => renderPng(svg, { dpi: 300, scale: 2 })).toThrow(/dpi or scale/);
  });

  it("records its resolution so documents place it at its printed size", () => {
    expect(physPerMetre(renderPng(svg, { dpi: 300 }))).toBe(Math.round(300 / 0.0254));
    expect(physPerMetre(renderPng(svg, { scale: 2 }))).toBe(Math.round(144 / 0.0254));
  });

  it("keeps a transparent background transparent and a white one opaque", () => {
    const clear = sceneToSvg({ ...scene, background: "none" });
    const transparent = decodePng(renderPng(clear, { dpi: 72, background: "transparent" }));
    expect(transparent.data[3]).toBe(0); // top-left corner, alpha
    const last = (transparent.width * transparent.height - 1) * 4;
    expect(transparent.data[last + 3]).toBe(0); // bottom-right corner
    const white = decodePng(renderPng(clear, { dpi: 72, background: "white" }));
    expect([...white.data.subarray(0, 4)]).toEqual([255, 255, 255, 255]);
  });

  it("draws the same pixels twice", () => {
    const a = renderPng(svg, { dpi: 200 });
    const b = renderPng(svg, { dpi: 200 });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it("draws text with the bundled fonts even with no system fonts", () => {
    const text = `<svg xmlns="http://www.w3.org/2000/svg" width="60pt" height="20pt" viewBox="0 0 60 20"><text x="2" y="15" font-family="CMU Serif" font-size="12">α×β</text></svg>`;
    const png = decodePng(renderPng(text, { dpi: 144, background: "transparent" }));
    let inked = 0;
    for (let i = 3; i < png.data.length; i += 4) if (png.data[i]! > 128) inked++;
    expect(inked).toBeGreaterThan(50);
  });
});
