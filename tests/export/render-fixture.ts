/**
 * Renders the test figure to a PDF and a PNG in a fresh process, so the byte-identity test
 * also catches output that depends on process state (caches, timers, load order).
 * Usage: node --import tsx tests/export/render-fixture.ts OUT.pdf OUT.png
 */

import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { renderPdf } from "../../src/render/pdf.js";
import { renderPng } from "../../src/render/png.js";
import { fitToWidth, scaleScene } from "../../src/fit/width.js";
import { layoutFixture } from "./fixture.js";
import { sceneToSvg } from "./svg.js";

export const FIXTURE_WIDTH_PT = (85 * 72) / 25.4;

export async function renderFixture(): Promise<{ pdf: Uint8Array; png: Uint8Array }> {
  const fit = await fitToWidth((s) => layoutFixture(s), FIXTURE_WIDTH_PT);
  const scene = scaleScene(fit.laidOut, fit.finalScale);
  return { pdf: await renderPdf(scene), png: renderPng(sceneToSvg(scene), { dpi: 300 }) };
}

// Only when run as a script, not when a test imports this module.
const [script, pdfOut, pngOut] = process.argv.slice(1);
if (script && import.meta.url === pathToFileURL(script).href && pdfOut && pngOut) {
  const { pdf, png } = await renderFixture();
  writeFileSync(pdfOut, pdf);
  writeFileSync(pngOut, png);
}
