/**
 * Every bundled template and example, and the variants a PDF draws differently (a serif
 * font, activation maps, a title, a Greek label, a rotated label), through the PDF writer and
 * the real tools: qpdf finds no error, pdffonts finds every font embedded, subset and
 * mapped to Unicode, pdftotext gives back every label's characters, and poppler's raster at
 * 150 dpi is the raster of the same scene's SVG (text as outlines) by resvg, up to
 * anti-aliasing.
 */

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderFigure } from "../../src/api/render.js";
import { renderPdf } from "../../src/render/pdf.js";
import { renderPng } from "../../src/render/png.js";
import { renderSvg } from "../../src/render/svg.js";
import type { Scene } from "../../src/scene/types.js";
import { singleLine } from "../../src/render/single-line.js";
import { sceneOf } from "../render/figures.js";
import { layoutFixture } from "./fixture.js";
import { compareImages, decodePng, needTools, run, tempDir, writeTemp } from "./tools.js";

const DPI = 150;

/** The distinct files of templates/ and examples/ (examples repeat templates byte for byte; each drawing is checked once). */
function corpus(): string[] {
  const seen = new Set<string>();
  const files: string[] = [];
  for (const dir of ["templates", "examples"]) {
    for (const name of readdirSync(dir).filter((f) => f.endsWith(".netfig")).sort()) {
      const text = readFileSync(join(dir, name), "utf8");
      if (seen.has(text)) continue;
      seen.add(text);
      files.push(join(dir, name));
    }
  }
  return files;
}

/** A string's characters but whitespace, sorted: what pdftotext must give back, in whatever order it reads the page. */
function characters(text: string): string[] {
  return [...text.replace(/\s/g, "")].sort();
}

function checkPdf(pdf: Uint8Array, png: Uint8Array, labels: string[]): void {
  const dir = tempDir();
  const pdfPath = writeTemp(dir, "fig.pdf", pdf);
  const check = run("qpdf", ["--check", pdfPath]);
  expect(check.status, check.stdout + check.stderr).toBe(0);
  expect(check.stderr).toBe("");

  const fonts = run("pdffonts", [pdfPath]).stdout.trim().split("\n").slice(2);
  expect(fonts.length).toBeGreaterThan(0);
  for (const row of fonts) expect(row.trim().split(/\s+/).slice(-5, -2), row).toEqual(["yes", "yes", "yes"]);

  const text = run("pdftotext", [pdfPath, "-"]);
  expect(text.status, text.stderr).toBe(0);
  expect(characters(text.stdout).join("")).toBe(characters(labels.join(" ")).join(""));

  const ppm = run("pdftoppm", ["-png", "-r", String(DPI), "-singlefile", pdfPath, join(dir, "page")]);
  expect(ppm.status, ppm.stderr).toBe(0);
  const fromPdf = decodePng(readFileSync(join(dir, "page.png")));
  const fromSvg = decodePng(png);
  expect(Math.abs(fromPdf.width - fromSvg.width)).toBeLessThanOrEqual(1);
  expect(Math.abs(fromPdf.height - fromSvg.height)).toBeLessThanOrEqual(1);
  const diff = compareImages(fromPdf, fromSvg);
  // Measured at most 4.4 and 30.8: the mean's worst is DBN's mesh of hairlines, which poppler
  // strokes darker than resvg (pdfkit's PDF of it rastered within 0.002 of this one's).
  expect(diff.mean).toBeLessThan(5);
  expect(diff.worstTile).toBeLessThan(40);
}

function labelsOf(scene: Scene): string[] {
  return scene.primitives.flatMap((p) => (p.type === "text" && p.font.size > 0 && p.color !== "none" ? [singleLine(p.text)] : []));
}

async function checkScene(scene: Scene): Promise<void> {
  checkPdf(await renderPdf(scene), renderPng(renderSvg(scene, { textAsPaths: true }), { dpi: DPI }), labelsOf(scene));
}

const TOOLS = ["qpdf", "pdffonts", "pdftotext", "pdftoppm"];

describe.each(corpus())("%s", (file) => {
  it("is a PDF the checkers accept, its text every label, its raster the PNG's", async (ctx) => {
    needTools(ctx, ...TOOLS);
    await checkScene(await sceneOf(file));
  }, 120_000);
});

describe("the variants a PDF draws differently", () => {
  const lenet = readFileSync("templates/lenet5.netfig", "utf8");
  const greek = 'figure {\n  title: "β-VAE encoder"\n}\ninput 28x28x1\nconv 32 3x3 -> relu\nflatten\nfc 10\n';
  const cases: [string, string, Record<string, unknown>, string[]][] = [
    ["LeNet-5 in the serif font at 85 mm", lenet, { font: "serif", width: "85mm" }, ["32×32×1", "c1"]],
    ["LeNet-5 with activation maps (images)", lenet, { activations: true }, ["32×32×1"]],
    ["LeNet-5 with a title of PDF string delimiters", lenet, { title: "Le(Net) \\5 )(" }, ["Le(Net) \\5 )("]],
    ["a Greek title (shaped by fontkit)", greek, {}, ["β-VAE encoder"]],
  ];
  it.each(cases)("%s", async (_, source, request, expected, ctx) => {
    needTools(ctx, ...TOOLS);
    const pdf = await renderFigure(source, { ...request, format: "pdf" });
    const png = await renderFigure(source, { ...request, format: "png", dpi: DPI });
    const svg = await renderFigure(source, { ...request, format: "svg" });
    const labels = [...svg.output.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => decodeXml(m[1]!));
    for (const label of expected) expect(labels).toContain(label);
    checkPdf(pdf.output, png.output, labels);
  }, 120_000);

  it("draws the test figure's rotated label, thumbnail and title", async (ctx) => {
    needTools(ctx, ...TOOLS);
    const scene = layoutFixture(1);
    expect(scene.primitives.some((p) => p.type === "text" && p.rotate === 90)).toBe(true);
    await checkScene(scene);
  }, 60_000);
});

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp|#x?[0-9a-f]+);/gi, (_, e: string) =>
    e === "lt" ? "<" : e === "gt" ? ">" : e === "quot" ? '"' : e === "apos" ? "'" : e === "amp" ? "&" : String.fromCodePoint(Number(e[1] === "x" ? `0${e.slice(1)}` : e.slice(1))),
  );
}
