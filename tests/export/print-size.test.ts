/**
 * `--width`, `--font-size` and `--font` end to end: the real command writes the file and
 * the real tools measure it — the page width with pdfinfo, the label sizes from the PDF's
 * own text operators, the fonts with pdffonts.
 */

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodePng, needTools, run, tempDir, uncompressedPdf } from "./tools.js";

const root = new URL("../..", import.meta.url).pathname;
const INCEPTION = join(root, "examples/inception-naive.netfig");
const mm = (v: number): number => (v * 72) / 25.4;

function netfig(...args: string[]): { status: number; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, "bin/netfig.js"), ...args], { cwd: root, encoding: "utf8" });
  return { status: r.status ?? -1, stderr: r.stderr };
}

function pageSize(pdf: string): [number, number] {
  const m = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(run("pdfinfo", [pdf]).stdout);
  expect(m).not.toBeNull();
  return [Number(m![1]), Number(m![2])];
}

/** Every font size the PDF sets text in (`size Tf`), distinct and sorted. */
function fontSizes(pdf: string): number[] {
  const sizes = [...uncompressedPdf(pdf).matchAll(/\/F\d+ ([\d.]+) Tf/g)].map((m) => Number(m[1]));
  return [...new Set(sizes)].sort((a, b) => a - b);
}

// Each test runs the real command a few times; on a busy 2-core machine that takes seconds.
describe("printed size through the command line", { timeout: 60_000 }, () => {
  const dir = tempDir();

  it("--width 85mm makes the page 85 mm wide with shape labels at --font-size, other text in proportion", (ctx) => {
    needTools(ctx, "pdfinfo", "qpdf");
    const out = join(dir, "col.pdf");
    // One arrangement (slabs would add the channel counts' style, terse labels drop the detail style).
    const plain = ["--no-compact", "--no-terse", "--no-collapse"];
    expect(netfig("render", INCEPTION, "--width", "85mm", "--font-size", "9", ...plain, "-o", out).status).toBe(0);
    expect(pageSize(out)[0]).toBeCloseTo(mm(85), 2);
    // The paper theme's detail, shape and name text are 7.5, 8 and 8.5 pt: scaled to shape = 9 pt.
    const sizes = fontSizes(out);
    expect(sizes.length).toBe(3);
    [7.5, 8, 8.5].forEach((s, i) => expect(sizes[i]!).toBeCloseTo((s * 9) / 8, 2));
  });

  it("re-lays the figure out for a wider column instead of scaling it: the text stays 8 pt", (ctx) => {
    needTools(ctx, "pdfinfo", "qpdf");
    const narrow = join(dir, "narrow.pdf");
    const wide = join(dir, "wide.pdf");
    // One arrangement at both widths (--width would otherwise pick one per width).
    const fixed = ["--rows", "1", "--direction", "right", "--no-compact", "--no-terse", "--block-size", "1"];
    expect(netfig("render", INCEPTION, "--width", "85mm", ...fixed, "-o", narrow).status).toBe(0);
    expect(netfig("render", INCEPTION, "--width", "178mm", ...fixed, "-o", wide).status).toBe(0);
    expect(pageSize(wide)[0]).toBeCloseTo(mm(178), 2);
    expect(fontSizes(narrow)).toEqual(fontSizes(wide));
    expect(fontSizes(wide)).toContain(8);
    // Same text, more room: the figure grows in height too, but less than the 178/85 a scaling would give.
    const ratio = pageSize(wide)[1] / pageSize(narrow)[1];
    expect(ratio).toBeGreaterThan(1);
    expect(ratio).toBeLessThan(178 / 85 - 0.1);
  });

  it("re-lays neuron-style figures out for the width too, not only block figures", (ctx) => {
    needTools(ctx, "pdfinfo", "qpdf");
    const out = join(dir, "mlp.pdf");
    expect(netfig("render", join(root, "examples/mlp.netfig"), "--width", "140mm", "-o", out).status).toBe(0);
    expect(pageSize(out)[0]).toBeCloseTo(mm(140), 2);
    expect(fontSizes(out)).toContain(8);
  });

  it("says what it chose for --width, and how to force another", (ctx) => {
    needTools(ctx, "pdfinfo");
    const out = join(dir, "chosen.pdf");
    const r = netfig("render", join(root, "templates/resnet18.netfig"), "--width", "85mm", "--font-size", "7", "-o", out);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^netfig: --width 85mm: .*\d+ (rows|columns) flowing (right|down), \d+ pt tall, blocks \d+ pt tall \(median\).*force another with --rows N/);
    expect(pageSize(out)[0]).toBeCloseTo(mm(85), 2);
  });

  it("warns when nothing fits the page, says what came closest and why, and still writes it", (ctx) => {
    needTools(ctx, "pdfinfo");
    const out = join(dir, "tight.pdf");
    const r = netfig("render", join(root, "templates/resnet18.netfig"), "--width", "25mm", "-o", out);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/warning: nothing tried fits --width 25mm; the closest, .* has .*labels print at [\d.]+ pt, not 8 pt/);
    expect(pageSize(out)[0]).toBeCloseTo(mm(25), 2);
  });

  it("--font serif embeds Computer Modern and nothing else", (ctx) => {
    needTools(ctx, "pdffonts");
    const out = join(dir, "serif.pdf");
    expect(netfig("render", INCEPTION, "--font", "serif", "--width", "120mm", "-o", out).status).toBe(0);
    const fonts = run("pdffonts", [out]).stdout.split("\n").slice(2).filter((l) => l.trim() !== "");
    expect(fonts.length).toBeGreaterThan(0);
    for (const line of fonts) expect(line).toMatch(/CMUSerif.* yes yes yes/);
  });

  it("sizes a PNG by --width and --dpi", () => {
    const out = join(dir, "col.png");
    expect(netfig("render", INCEPTION, "--width", "85mm", "--dpi", "300", "-o", out).status).toBe(0);
    expect(decodePng(readFileSync(out)).width).toBe(Math.round((85 / 25.4) * 300));
  });

  it("takes a numeric --scale as a PNG's pixels per point, and a word as the block scale", () => {
    const at1 = join(dir, "s1.png");
    const at2 = join(dir, "s2.png");
    expect(netfig("render", INCEPTION, "--dpi", "72", "-o", at1).status).toBe(0);
    expect(netfig("render", INCEPTION, "--scale", "2", "-o", at2).status).toBe(0);
    const a = decodePng(readFileSync(at1));
    const b = decodePng(readFileSync(at2));
    expect(Math.abs(b.width - 2 * a.width)).toBeLessThanOrEqual(1);
    expect(netfig("render", INCEPTION, "--scale", "sqrt", "-o", join(dir, "sqrt.png")).status).toBe(0);
    expect(netfig("render", INCEPTION, "--scale", "2", "--dpi", "300", "-o", join(dir, "both.png")).status).toBe(2);
  });

    it("refuses a width without a unit and an unknown font as usage errors", () => {
    const r = netfig("render", INCEPTION, "--width", "85", "-o", join(dir, "x.pdf"));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("has no unit; write 85mm");
    const f = netfig("render", INCEPTION, "--font", "comic", "-o", join(dir, "y.pdf"));
    expect(f.status).toBe(2);
    expect(f.stderr).toContain("--font");
  });
});
