/**
 * Issue 10's "Done when": every template and every example, drawn by the real command at
 * one column and two (`--width 85mm|178mm --font-size 7`), SVG and PDF, prints legibly —
 * measured from the written files (tests/helpers/print-metrics.ts):
 *
 * - no text under 6 pt on paper;
 * - no two text boxes overlapping, no text on a block face it does not belong to;
 * - the median block at least 18 pt tall (figures without blocks — neurons, sequences,
 *   grids — are not judged on this);
 * - at most 9 in (648 pt) tall, and no wider than the column asked for;
 * - the legend inside the page;
 *
 * and ResNet-50 with `--no-fold-repeats` at 178 mm. The PDF is held to the same sizes
 * (pdfinfo's page, every `Tf`), and must agree with the SVG. All figures are rendered
 * first, two processes at a time; each test then measures one file. The command is
 * bin/netfig.js (dist/: `npm test` builds it) unless NETFIG_CLI names another build.
 *
 * `node scripts/legibility.mjs` prints the same measurements as a table.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIMITS, measurePdf, measureSvgFile, pdfVerdict, verdict } from "../helpers/print-metrics.js";
import { needTools } from "../export/tools.js";
import { caseKey, cases, netfig, pooled, renderArgs, type Case, type RenderResult } from "./figures.js";

const CASES = cases();
const MM = 72 / 25.4;
/** Rounding of the written numbers (a hundredth) and of pdfinfo's page size. */
const EPS = 0.05;

let dir: string;
const rendered = new Map<string, RenderResult>();
const pathOf = (c: Case, format: "svg" | "pdf"): string => join(dir, `${caseKey(c)}.${format}`);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "netfig-legibility-"));
  const jobs = CASES.flatMap((c) => (["svg", "pdf"] as const).map((format) => ({ c, format })));
  await pooled(
    jobs.map(({ c, format }) => async () => {
      rendered.set(`${caseKey(c)}.${format}`, await netfig(renderArgs(c, pathOf(c, format))));
    }),
    2,
  );
}, 900_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The render's outcome; fails the test, with the command's own words, when it did not write the file. */
function renderedOk(c: Case, format: "svg" | "pdf"): void {
  const r = rendered.get(`${caseKey(c)}.${format}`);
  expect(r, `${c.label} (${format.toUpperCase()}): not rendered`).toBeDefined();
  expect(r!.status, `${c.label} (${format.toUpperCase()}): netfig ${renderArgs(c, pathOf(c, format)).join(" ")} failed:\n${r!.stderr}`).toBe(0);
}

describe(`issue 10: printed legibly at --width 85mm and 178mm, --font-size 7 (text ≥ ${LIMITS.minFontPt} pt, median block ≥ ${LIMITS.minMedianBlockPt} pt, height ≤ ${LIMITS.maxHeightPt} pt)`, () => {
  for (const c of CASES) {
    const column = Number(c.width.replace("mm", "")) * MM;

    it(`${c.label} (SVG)`, () => {
      renderedOk(c, "svg");
      const m = measureSvgFile(pathOf(c, "svg"));
      const failures = verdict(m, 3).failures;
      if (m.widthPt > column + EPS) failures.push(`width ${m.widthPt.toFixed(1)} pt, wider than the ${c.width} column (${column.toFixed(1)} pt)`);
      expect(failures.length === 0, `${c.label} (SVG) is not legible:\n  ${failures.join("\n  ")}\n`).toBe(true);
    });

    it(`${c.label} (PDF)`, (ctx) => {
      needTools(ctx, "pdfinfo", "qpdf");
      renderedOk(c, "pdf");
      const pdf = measurePdf(pathOf(c, "pdf"));
      const failures = pdfVerdict(pdf).failures;
      if (pdf.widthPt > column + EPS) failures.push(`PDF page ${pdf.widthPt.toFixed(1)} pt wide, wider than the ${c.width} column (${column.toFixed(1)} pt)`);
      // The same figure as the SVG: same page, same smallest text.
      renderedOk(c, "svg");
      const svg = measureSvgFile(pathOf(c, "svg"));
      if (Math.abs(pdf.widthPt - svg.widthPt) > EPS || Math.abs(pdf.heightPt - svg.heightPt) > EPS) {
        failures.push(`PDF page ${pdf.widthPt.toFixed(2)} × ${pdf.heightPt.toFixed(2)} pt, SVG page ${svg.widthPt.toFixed(2)} × ${svg.heightPt.toFixed(2)} pt`);
      }
      if (Number.isFinite(svg.minFontPt) !== Number.isFinite(pdf.minFontPt) || Math.abs(pdf.minFontPt - svg.minFontPt) > 0.01) {
        failures.push(`smallest PDF text ${pdf.minFontPt.toFixed(2)} pt, smallest SVG text ${svg.minFontPt.toFixed(2)} pt`);
      }
      expect(failures.length === 0, `${c.label} (PDF) is not legible:\n  ${failures.join("\n  ")}\n`).toBe(true);
    });
  }
});
