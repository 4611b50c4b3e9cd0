/**
 * The PDF as a journal's checker and a LaTeX paper see it, checked with the real tools:
 * qpdf, poppler (pdffonts, pdfinfo, pdftotext, pdftoppm) and pdflatex. Each test skips,
 * saying what to install, where its tool is missing, and fails under CI (tools.ts).
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { renderPdf } from "../../src/render/pdf.js";
import { renderPng } from "../../src/render/png.js";
import { parseLength } from "../../src/options/print.js";
import { fitToWidth, scaleScene } from "../../src/fit/width.js";
import type { Scene } from "../../src/scene/types.js";
import { layoutFixture } from "./fixture.js";
import { sceneToSvg } from "./svg.js";
import { compareImages, decodePng, needTools, run, tempDir, uncompressedPdf, writeTemp } from "./tools.js";

const FONT_SIZE = 8;
const width = parseLength("85mm");
if (!width.ok) throw new Error(width.error);
const TARGET_WIDTH = width.value;

let dir: string;
let scene: Scene;
let pdfPath: string;
let pdf: Uint8Array;

beforeAll(async () => {
  dir = tempDir();
  const fit = await fitToWidth((s) => layoutFixture(s, FONT_SIZE), TARGET_WIDTH);
  expect(fit.converged).toBe(true);
  scene = scaleScene(fit.laidOut, fit.finalScale);
  pdf = await renderPdf(scene);
  pdfPath = writeTemp(dir, "fig.pdf", pdf);
});

describe("renderPdf", () => {
  it("passes qpdf --check", (ctx) => {
    needTools(ctx, "qpdf");
    const r = run("qpdf", ["--check", pdfPath]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("No syntax or stream encoding errors found");
  });

  it("embeds and subsets every font (pdffonts)", (ctx) => {
    needTools(ctx, "pdffonts", "qpdf");
    const r = run("pdffonts", [pdfPath]);
    expect(r.status).toBe(0);
    const rows = r.stdout.trim().split("\n").slice(2);
    const fonts = rows.map((row) => {
      // name type... encoding emb sub uni objectID gen: read the fixed trailing columns.
      const cols = row.trim().split(/\s+/);
      return { name: cols[0]!, emb: cols.at(-5), sub: cols.at(-4), uni: cols.at(-3) };
    });
    expect(fonts.map((f) => f.name.replace(/^[A-Z]{6}\+/, "")).sort()).toEqual(["CMUSerif-Roman", "DejaVuSans", "DejaVuSans-Bold"]);
    for (const f of fonts) expect(f, f.name).toMatchObject({ emb: "yes", sub: "yes", uni: "yes" });
    // No non-embedded standard font hides anywhere in the file, referenced or not.
    expect(uncompressedPdf(pdfPath)).not.toMatch(/\/BaseFont \/(Helvetica|Times|Courier)/);
  });

  it("makes the page the requested width and the scene's height", (ctx) => {
    needTools(ctx, "pdfinfo");
    const r = run("pdfinfo", [pdfPath]);
    const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(r.stdout);
    expect(size, r.stdout).not.toBeNull();
    expect(Number(size![1])).toBeCloseTo(TARGET_WIDTH, 2); // 85 mm = 240.945 pt
    expect(Number(size![2])).toBeCloseTo(scene.height, 2);
    expect(r.stdout).toMatch(/Title:\s+netfig export test/);
  });

  it("sets the labels at the requested font size", (ctx) => {
    needTools(ctx, "qpdf");
    const content = uncompressedPdf(pdfPath);
    const sizes = [...content.matchAll(/\/F\d+ ([\d.]+) Tf/g)].map((m) => Number(m[1]));
    // One Tf per script run of each label; the title is 1.25× the label size, all else exactly 8 pt.
    expect(sizes.length).toBeGreaterThanOrEqual(scene.primitives.filter((p) => p.type === "text").length);
    expect(sizes.filter((s) => Math.abs(s - FONT_SIZE * 1.25) < 0.005).length).toBe(1);
    expect(sizes.filter((s) => Math.abs(s - FONT_SIZE) < 0.005).length).toBe(sizes.length - 1);
    // No text matrix scales the glyphs: the 8 pt is what prints.
    expect(content).not.toMatch(/^(?!1 0 0 1 )[-\d.]+ [-\d.]+ [-\d.]+ [-\d.]+ [-\d.]+ [-\d.]+ Tm$/m);
  });

  it("keeps text real and selectable, including × and Greek", (ctx) => {
    needTools(ctx, "pdftotext");
    const r = run("pdftotext", ["-layout", pdfPath, "-"]);
    expect(r.status).toBe(0);
    for (const label of ["224×224×3", "112×112×64", "conv1 α=0.5", "fc β·λ μ", "ResNet block", "C=64"]) {
      expect(r.stdout).toContain(label);
    }
  });

  it("puts text where the scene says: baseline at `at`, anchored by the measured width", (ctx) => {
    needTools(ctx, "pdftotext");
    const r = run("pdftotext", ["-bbox", pdfPath, "-"]);
    const words = [...r.stdout.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
      x0: Number(m[1]),
      y0: Number(m[2]),
      x1: Number(m[3]),
      y1: Number(m[4]),
      text: m[5]!,
    }));
    for (const label of ["112×112×64", "ResNet"]) {
      const prim = scene.primitives.find((p) => p.type === "text" && p.text.startsWith(label));
      const word = words.find((w) => w.text === label);
      expect(prim && word, label).toBeTruthy();
      if (prim?.type !== "text" || !word) continue;
      const start = prim.anchor === "middle" ? prim.at[0] - prim.width / 2 : prim.anchor === "end" ? prim.at[0] - prim.width : prim.at[0];
      expect(word.x0).toBeCloseTo(start, 1);
      if (label === "112×112×64") expect(word.x1).toBeCloseTo(start + prim.width, 1);
      // poppler's word box spans the font's ascent and descent around the baseline.
      expect(word.y0).toBeLessThan(prim.at[1]);
      expect(word.y1).toBeGreaterThan(prim.at[1]);
    }
  });

  it("renders with pdftoppm", (ctx) => {
    needTools(ctx, "pdftoppm");
    const r = run("pdftoppm", ["-png", "-r", "144", "-singlefile", pdfPath, join(dir, "page")]);
    expect(r.status, r.stderr).toBe(0);
    const page = decodePng(readFileSync(join(dir, "page.png")));
    expect(page.width).toBe(Math.round((TARGET_WIDTH * 144) / 72));
    expect(Math.abs(page.height - (scene.height * 144) / 72)).toBeLessThanOrEqual(1);
  });

  it("looks like the SVG rendered by resvg, up to anti-aliasing", (ctx) => {
    needTools(ctx, "pdftoppm");
    // 300 dpi: fine enough that anti-aliasing differences stay small, coarse enough that a
    // label moved by half a point, an unrotated label or doubled strokes exceed the bounds
    // (measured: correct 2.6 / 21; text moved 0.5 pt 4.8 / 43; unrotated 3.0 / 62; strokes ×2 6.0 / 28).
    const r = run("pdftoppm", ["-png", "-r", "300", "-singlefile", pdfPath, join(dir, "poppler")]);
    expect(r.status, r.stderr).toBe(0);
    const fromPdf = decodePng(readFileSync(join(dir, "poppler.png")));
    // Text as outlines: the same shaped glyphs as the PDF's text (see src/text/shaping.ts).
    const fromSvg = decodePng(renderPng(sceneToSvg(scene, true), { dpi: 300 }));
    expect(Math.abs(fromPdf.width - fromSvg.width)).toBeLessThanOrEqual(1);
    expect(Math.abs(fromPdf.height - fromSvg.height)).toBeLessThanOrEqual(1);
    const diff = compareImages(fromPdf, fromSvg);
    expect(diff.mean).toBeLessThan(3.5);
    expect(diff.worstTile).toBeLessThan(32);
  });

  it("gives the same bytes on every run", async () => {
    const fit = await fitToWidth((s) => layoutFixture(s, FONT_SIZE), TARGET_WIDTH);
    const again = await renderPdf(scaleScene(fit.laidOut, fit.finalScale));
    expect(Buffer.from(again).equals(Buffer.from(pdf))).toBe(true);
  });

  it("drops into a LaTeX paper at its printed width (pdflatex)", (ctx) => {
    needTools(ctx, "pdflatex");
    writeTemp(
      dir,
      "paper.tex",
      [
        String.raw`\documentclass{article}`,
        String.raw`\usepackage{graphicx}`,
        String.raw`\begin{document}`,
        String.raw`\begin{figure}\centering\includegraphics{fig.pdf}\caption{A netfig figure.}\end{figure}`,
        String.raw`\setbox0\hbox{\includegraphics{fig.pdf}}\typeout{NETFIG-WIDTH=\the\wd0}`,
        String.raw`\end{document}`,
      ].join("\n"),
    );
    const r = run("pdflatex", ["-interaction=nonstopmode", "-halt-on-error", "paper.tex"], dir);
    expect(r.status, r.stdout.slice(-2000)).toBe(0);
    const log = readFileSync(join(dir, "paper.log"), "latin1");
    const wd = /NETFIG-WIDTH=([\d.]+)pt/.exec(log);
    expect(wd, "pdflatex did not report the figure width").not.toBeNull();
    // TeX points are 1/72.27 in: 85 mm is 241.85 pt there.
    expect(Number(wd![1])).toBeCloseTo((85 / 25.4) * 72.27, 1);
    expect(readFileSync(join(dir, "paper.pdf")).subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("compiles as a standalone LaTeX figure of the same size (standalone.cls)", (ctx) => {
    needTools(ctx, "pdflatex", "standalone.cls", "pdfinfo");
    writeTemp(dir, "alone.tex", String.raw`\documentclass{standalone}\usepackage{graphicx}\begin{document}\includegraphics{fig.pdf}\end{document}`);
    const r = run("pdflatex", ["-interaction=nonstopmode", "-halt-on-error", "alone.tex"], dir);
    expect(r.status, r.stdout.slice(-2000)).toBe(0);
    const info = run("pdfinfo", [join(dir, "alone.pdf")]);
    const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info.stdout);
    expect(Number(size![1])).toBeCloseTo(TARGET_WIDTH, 0);
    expect(Number(size![2])).toBeCloseTo(scene.height, 0);
  });
});
