/**
 * The PDF writer's syntax holds whatever a label, a title or a font file says: string
 * literals escape their delimiters, names escape theirs, glyphs are hex codes, numbers are
 * plain decimals; and images of every PNG kind are drawn, transparency as soft masks.
 * Checked by qpdf and poppler where the tools are (a test skips with one line otherwise).
 */

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { renderFigure } from "../../src/api/render.js";
import { literal, name, num, textString } from "../../src/render/pdf/syntax.js";
import { renderPdf } from "../../src/render/pdf.js";
import type { FontSpec, Primitive, Scene } from "../../src/scene/types.js";
import { measureText } from "../../src/text/measure.js";
import { decodePng, inCi, needTools, run, tempDir, uncompressedPdf, writeTemp } from "../export/tools.js";

const SANS: FontSpec = { family: "sans", weight: "normal", style: "normal", size: 10 };

function label(text: string, y: number, font: FontSpec = SANS): Primitive {
  return { type: "text", role: "label", text, at: [10, y], anchor: "start", font, color: "#000000", width: measureText(text, font).width };
}

function scene(primitives: Primitive[], extra: Partial<Scene> = {}): Scene {
  return { width: 400, height: 20 + 20 * primitives.length, background: "#ffffff", primitives, ...extra };
}

function qpdfClean(path: string): void {
  const check = run("qpdf", ["--check", path]);
  expect(check.status, check.stdout + check.stderr).toBe(0);
  expect(check.stderr).toBe("");
}

describe("numbers, strings and names", () => {
  it("writes numbers as plain decimals of at most four places, never -0 or an exponent", () => {
    expect(num(-0.00001)).toBe("0");
    expect(num(-0)).toBe("0");
    expect(num(1e-7)).toBe("0");
    expect(num(0.00005)).toBe("0.0001");
    expect(num(-1.5)).toBe("-1.5");
    expect(num(123456789.123456)).toBe("123456789.1235");
    expect(num(9e11)).toBe("900000000000");
    expect(() => num(Number.NaN)).toThrow(/cannot be written in a PDF/);
    expect(() => num(1e21)).toThrow(/beyond ±1e12/);
  });

  it("escapes a literal's parentheses, backslashes and non-printing bytes", () => {
    expect(literal("a(b)c\\")).toBe("(a\\(b\\)c\\\\)");
    expect(literal("\n\r\u0000\u00ff")).toBe("(\\012\\015\\000\\377)");
  });

  it("writes a non-ASCII title as UTF-16 with a byte-order mark, in hex", () => {
    expect(textString("β-VAE")).toBe("<FEFF03B2002D005600410045>");
    expect(textString("🙂")).toBe("<FEFFD83DDE42>");
    expect(textString("(x)")).toBe("(\\(x\\))");
  });

  it("escapes a name's delimiters, spaces, # and non-ASCII bytes", () => {
    expect(name("ABCDEF+DejaVuSans")).toBe("/ABCDEF+DejaVuSans");
    expect(name("A B#(/)ß")).toBe("/A#20B#23#28#2F#29#C3#9F");
  });
});

describe("hostile label text", () => {
  const HOSTILE = [
    "a) b( c\\ d \\) ((",
    "endstream endobj %%EOF trailer << /Root 1 0 R >>",
    "tab\there\r\nnew\u0000line\u0007bell\u2028sep",
    "שלום עולם",
    "مرحبا بالعالم",
    "emoji 🙂👍🏽 done",
  ];
  /** A label 20,000 glyphs long, set at 1 pt so that it fits PDF's largest page (14,400 pt). */
  const LONG = "x".repeat(20_000);

  it("keeps the PDF valid and the text what the labels say", async (ctx) => {
    needTools(ctx, "qpdf", "pdftotext", "pdfinfo");
    const started = performance.now();
    const labels = [...HOSTILE.map((t, i) => label(t, 20 + 20 * i)), label(LONG, 20 + 20 * HOSTILE.length, { ...SANS, size: 1 })];
    const pdf = await renderPdf(scene(labels, { width: 14_400, title: "title ) ( \\ \u0000 🙂" }));
    expect(performance.now() - started).toBeLessThan(5_000);
    const path = writeTemp(tempDir(), "hostile.pdf", pdf);
    qpdfClean(path);
    const text = run("pdftotext", ["-raw", path, "-"]).stdout;
    expect(text).toContain("a) b( c\\ d \\) ((");
    expect(text).toContain("endstream endobj %%EOF trailer << /Root 1 0 R >>");
    expect(text).toContain(LONG);
    // Control characters are drawn as spaces, as SVG shows them; no label starts a second line.
    expect(text).toMatch(/tab\s+here\s+new\s+line\s+bell\s+sep/);
    const info = run("pdfinfo", [path]).stdout;
    expect(info).toMatch(/Title:\s+title \) \( \\ .*🙂/);
  }, 60_000);

  it("refuses a font size no PDF can hold, saying what is wrong", async () => {
    await expect(renderPdf(scene([label("big", 20, { ...SANS, size: 1e13 })]))).rejects.toThrow(/cannot be written in a PDF/);
  });
});

describe("images", () => {
  /** A 4×4 PNG of one colour and alpha, as pngjs writes it in the given colour type. */
  function solidPng(rgba: [number, number, number, number], colorType: 0 | 2 | 6): Uint8Array {
    const png = new PNG({ width: 4, height: 4 });
    for (let i = 0; i < 16; i++) png.data.set(rgba, i * 4);
    return new Uint8Array(PNG.sync.write(png, { colorType, inputHasAlpha: true }));
  }

  function imageScene(png: Uint8Array): Scene {
    return { width: 100, height: 100, background: "#0000ff", primitives: [{ type: "image", role: "thumbnail", png, corners: [[0, 0], [100, 0], [0, 100]] }] };
  }

  /** The page's centre pixel at 72 dpi, and the PDF's own bytes (its dictionaries are not compressed). */
  async function centrePixel(png: Uint8Array): Promise<{ pixel: number[]; content: string }> {
    const dir = tempDir();
    const pdf = await renderPdf(imageScene(png));
    const path = writeTemp(dir, "image.pdf", pdf);
    qpdfClean(path);
    expect(run("pdftoppm", ["-png", "-r", "72", "-singlefile", path, join(dir, "page")]).status).toBe(0);
    const page = decodePng(readFileSync(join(dir, "page.png")));
    const i = (50 * page.width + 50) * 4;
    return { pixel: [...page.data.subarray(i, i + 3)], content: Buffer.from(pdf).toString("latin1") };
  }

  it("embeds an RGB PNG's pixels as they are, with PNG's predictors", async (ctx) => {
    needTools(ctx, "qpdf", "pdftoppm");
    const { pixel, content } = await centrePixel(solidPng([200, 100, 50, 255], 2));
    expect(pixel).toEqual([200, 100, 50]);
    expect(content).toMatch(/\/Predictor 15/);
    expect(content).not.toMatch(/\/SMask/);
  });

  it("embeds a grey PNG as grey", async (ctx) => {
    needTools(ctx, "qpdf", "pdftoppm");
    const { pixel, content } = await centrePixel(solidPng([120, 120, 120, 255], 0));
    expect(pixel).toEqual([120, 120, 120]);
    expect(content).toMatch(/\/ColorSpace \/DeviceGray/);
  });

  it("draws a PNG's alpha as a soft mask over what is below", async (ctx) => {
    needTools(ctx, "qpdf", "pdftoppm");
    const { pixel, content } = await centrePixel(solidPng([255, 0, 0, 128], 6));
    // Half red over the blue background.
    for (const [got, want] of pixel.map((v, c) => [v, [128, 0, 127][c]!])) expect(Math.abs(got! - want)).toBeLessThanOrEqual(2);
    expect(content).toMatch(/\/SMask \d+ 0 R/);
  });

  it("refuses bytes that are not a PNG, saying so", async () => {
    await expect(renderPdf(imageScene(new Uint8Array(64)))).rejects.toThrow(/is not a PNG/);
  });
});

/** Latin Modern Roman, an OpenType font of CFF outlines that TeX Live installs. */
const OTF = "/usr/share/texmf/fonts/opentype/public/lm/lmroman10-regular.otf";

describe("a font of CFF outlines (--font x.otf)", () => {
  it("is embedded as fontkit subsets it, a CIDFontType0C font file, with text that copies", async (ctx) => {
    if (!existsSync(OTF)) {
      const hint = `needs ${OTF} — apt-get install fonts-lmodern`;
      if (inCi()) throw new Error(`${hint} (.ci/run installs it)`);
      ctx.skip(`skipped: ${hint}`);
    }
    needTools(ctx, "qpdf", "pdffonts", "pdftotext");
    const { output } = await renderFigure("input 28x28x1\nconv 32 3x3 -> relu\nflatten\nfc 10\n", { format: "pdf", font: OTF, title: "Latin Modern" });
    const path = writeTemp(tempDir(), "otf.pdf", output);
    qpdfClean(path);
    const fonts = run("pdffonts", [path]).stdout.trim().split("\n").slice(2);
    expect(fonts).toHaveLength(1);
    expect(fonts[0]).toMatch(/^[A-Z]{6}\+LMRoman10-Regular\s+CID Type 0C\s+Identity-H\s+yes yes yes/);
    const text = run("pdftotext", [path, "-"]).stdout;
    for (const l of ["Latin Modern", "28×28×1", "26×26×32", "conv", "3×3"]) expect(text).toContain(l);
    expect(uncompressedPdf(path)).toMatch(/\/Subtype \/CIDFontType0C/);
  }, 60_000);
});
