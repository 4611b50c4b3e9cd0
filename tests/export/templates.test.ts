/**
 * Every bundled template through the real pipeline (parse → analyze → layout → scene) to a
 * PDF that the checkers accept; the small ones also compared, rendered, with the PNG made
 * from the SVG (the large ones would take seconds each for the same evidence).
 */

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze/analyze.js";
import { compile } from "../../src/graph/compile.js";
import { parse } from "../../src/lang/parser.js";
import { layout, buildScene } from "../../src/styles/index.js";
import { renderPdf } from "../../src/render/pdf.js";
import { renderPng } from "../../src/render/png.js";
import { renderSvg } from "../../src/render/svg.js";
import { compareImages, decodePng, needTools, run, tempDir, writeTemp } from "./tools.js";

const TEMPLATES = readdirSync("templates").filter((f) => f.endsWith(".netfig")).sort();
const COMPARED = new Set(["lenet5.netfig", "alexnet.netfig", "inception-naive.netfig"]);

describe.each(TEMPLATES)("%s", (file) => {
  it("exports a PDF that qpdf and poppler accept, with every font embedded", async (ctx) => {
    needTools(ctx, "qpdf", "pdffonts", ...(COMPARED.has(file) ? ["pdftoppm"] : []));
    const source = readFileSync(join("templates", file), "utf8");
    const scene = buildScene(await layout(analyze(compile(parse(source, file)))));
    const dir = tempDir();
    const pdfPath = writeTemp(dir, "fig.pdf", await renderPdf(scene));

    const check = run("qpdf", ["--check", pdfPath]);
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const fonts = run("pdffonts", [pdfPath]).stdout.trim().split("\n").slice(2);
    expect(fonts.length).toBeGreaterThan(0);
    for (const row of fonts) expect(row.trim().split(/\s+/).slice(-5, -2), row).toEqual(["yes", "yes", "yes"]);
    if (!COMPARED.has(file)) return;

    const ppm = run("pdftoppm", ["-png", "-r", "150", "-singlefile", pdfPath, join(dir, "page")]);
    expect(ppm.status, ppm.stderr).toBe(0);
    const fromPdf = decodePng(readFileSync(join(dir, "page.png")));
    const fromSvg = decodePng(renderPng(renderSvg(scene, { textAsPaths: true }), { dpi: 150 }));
    expect(Math.abs(fromPdf.width - fromSvg.width)).toBeLessThanOrEqual(1);
    const diff = compareImages(fromPdf, fromSvg);
    expect(diff.mean).toBeLessThan(4);
    expect(diff.worstTile).toBeLessThan(40);
  }, 60_000);
});
