#!/usr/bin/env node
/**
 * How every template and example prints in a paper (issue 10): each is drawn by the real
 * command at one column and two (`--width 85mm|178mm --font-size 7`, plus ResNet-50 with
 * `--no-fold-repeats` at 178 mm), and the written SVG is measured on paper by
 * tests/helpers/print-metrics.ts — the same measure tests/print/legibility.test.ts holds
 * them to. Prints one row per figure and width, then the totals.
 *
 * Usage: node scripts/legibility.mjs [--only NAME,NAME] [--pdf] [--jobs 1|2] [--keep DIR] [--json] [--dist | --cli FILE]
 *   --only   figures whose name contains one of the words (resnet,vgg)
 *   --dist   run bin/netfig.js (dist/ as it is) instead of compiling src/ privately first
 *   --cli    run this netfig.js instead (another checkout's bin/netfig.js)
 *   --pdf    also write each figure as PDF and check it (pdfinfo, qpdf)
 *   --jobs   renders at a time, at most 2 (default 2)
 *   --keep   write the figures into DIR and keep them (default: a temporary folder, removed)
 *   --json   print the measurements as JSON instead of the table
 *   --strict exit 1 unless every figure is legible
 *
 * By default src/ is compiled into a private folder first (about a second), because dist/
 * is shared with whoever else is building. The measuring code is TypeScript, loaded
 * through tsx.
 */

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tsImport } from "tsx/esm/api";

const metrics = await tsImport("../tests/helpers/print-metrics.ts", import.meta.url);
const figs = await tsImport("../tests/print/figures.ts", import.meta.url);

function flag(name) {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : (process.argv[i + 1] ?? "");
}
const has = (name) => process.argv.includes(name);

const only = flag("--only")?.split(",").filter((w) => w !== "");
const jobs = Math.max(1, Math.min(2, Number(flag("--jobs") ?? 2) || 2));
const keep = flag("--keep");
const withPdf = has("--pdf");
const asJson = has("--json");

let build;
let cli = flag("--cli");
if (cli === undefined && !has("--dist")) {
  build = figs.privateBuild();
  cli = build.cli;
}
cli ??= figs.CLI;

const dir = keep ?? mkdtempSync(join(tmpdir(), "netfig-legibility-"));
mkdirSync(dir, { recursive: true });

const all = figs.cases().filter((c) => !only || only.some((w) => c.label.includes(w)));

async function measureCase(c) {
  const svgPath = join(dir, `${figs.caseKey(c)}.svg`);
  const r = await figs.netfig(figs.renderArgs(c, svgPath), { cli });
  const row = { label: c.label, name: c.figure.name + (c.extra.length ? ` ${c.extra.join(" ")}` : ""), template: c.figure.template && c.extra.length === 0, width: c.width, ms: r.ms, arrangement: figs.arrangementLine(r.stderr), warnings: figs.warnings(r.stderr) };
  if (r.status !== 0) return { ...row, error: r.stderr.trim() || `exit ${r.status}`, legible: false, failures: [`render failed: ${r.stderr.trim().split("\n")[0]}`] };
  const m = metrics.measureSvgFile(svgPath);
  const v = metrics.verdict(m);
  const failures = [...v.failures];
  const requested = Number(c.width.replace("mm", "")) * (72 / 25.4);
  if (m.widthPt > requested + 0.05) failures.push(`width ${m.widthPt.toFixed(1)} pt, wider than --width ${c.width} (${requested.toFixed(1)} pt)`);
  let pdf;
  if (withPdf) {
    const pdfPath = join(dir, `${figs.caseKey(c)}.pdf`);
    const p = await figs.netfig(figs.renderArgs(c, pdfPath), { cli });
    if (p.status !== 0) failures.push(`PDF render failed: ${p.stderr.trim().split("\n")[0]}`);
    else {
      pdf = metrics.measurePdf(pdfPath);
      failures.push(...metrics.pdfVerdict(pdf).failures);
    }
  }
  return {
    ...row,
    legible: failures.length === 0,
    failures,
    minFontPt: m.minFontPt,
    textText: m.textTextOverlaps.length,
    textBlock: m.textBlockOverlaps.length,
    medianBlockPt: m.medianBlockHeightPt,
    blocks: m.blocks.length,
    widthPt: m.widthPt,
    heightPt: m.heightPt,
    legendInside: m.legendInside,
    textsOutsidePage: m.textsOutsidePage.length,
    pdf: pdf && { widthPt: pdf.widthPt, heightPt: pdf.heightPt, minFontPt: pdf.minFontPt },
  };
}

const started = performance.now();
const rows = await figs.pooled(
  all.map((c) => () => measureCase(c)),
  jobs,
);
if (!keep) rmSync(dir, { recursive: true, force: true });
build?.remove();

/** Short names of the failed criteria, for the table. */
function codes(r) {
  if (r.error) return "render error";
  const out = [];
  for (const f of r.failures) {
    const code = f.startsWith("text under") ? "font" : f.startsWith("text–text") ? "text×text" : f.startsWith("text–block") ? "text×block" : f.startsWith("median block") ? "blocks" : f.startsWith("height") ? "height" : f.startsWith("legend") ? "legend" : f.startsWith("width") ? "width" : f.startsWith("PDF") ? "pdf" : "other";
    if (!out.includes(code)) out.push(code);
  }
  return out.join(",");
}

if (asJson) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  const header = ["figure", "width", "legible", "min font", "overlaps t×t/t×b", "median block", "height", "legend", "fails", "arrangement (stderr)", "ms"];
  const cells = rows.map((r) => [
    r.name,
    r.width,
    r.legible ? "yes" : "NO",
    r.error ? "-" : `${r.minFontPt.toFixed(2)} pt`,
    r.error ? "-" : `${r.textText}/${r.textBlock}`,
    r.error ? "-" : r.medianBlockPt === undefined ? "(no blocks)" : `${r.medianBlockPt.toFixed(1)} pt`,
    r.error ? "-" : `${r.heightPt.toFixed(0)} pt`,
    r.error ? "-" : r.legendInside ? "ok" : "OUT",
    codes(r),
    (r.arrangement ?? "-").slice(0, 60),
    r.ms.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => c.map((v, i) => (i === 10 ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join("  ").trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const c of cells) console.log(line(c));

  const failing = rows.filter((r) => !r.legible);
  if (failing.length > 0) {
    console.log("\nWhy:");
    for (const r of failing) console.log(`  ${r.label}: ${r.failures.join("; ")}`);
  }
  const warned = rows.filter((r) => r.warnings.length > 0);
  if (warned.length > 0) {
    console.log("\nThe command warned:");
    for (const r of warned) console.log(`  ${r.label}: ${r.warnings.join("; ")}`);
  }

  console.log("");
  for (const width of figs.WIDTHS) {
    const at = rows.filter((r) => r.width === width && !r.label.includes("--no-fold-repeats"));
    const templates = at.filter((r) => r.template);
    console.log(
      `${String(at.filter((r) => r.legible).length).padStart(2)} of ${at.length} legible at ${width.replace("mm", " mm")}` +
        ` (templates: ${templates.filter((r) => r.legible).length} of ${templates.length})`,
    );
  }
  const unfolded = rows.find((r) => r.label.includes("--no-fold-repeats"));
  if (unfolded) console.log(`resnet50 --no-fold-repeats at 178 mm: ${unfolded.legible ? "legible" : `not legible (${codes(unfolded)})`}`);
  console.log(`${rows.length} renders${withPdf ? " (and as many PDFs)" : ""} in ${((performance.now() - started) / 1000).toFixed(1)} s, ${jobs} at a time`);
}
if (has("--strict") && rows.some((r) => !r.legible)) process.exitCode = 1;
