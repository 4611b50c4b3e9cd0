/**
 * The precomputed font metrics (src/text/metrics-data.ts, made by scripts/font-metrics.mjs)
 * measure exactly what fontkit's shaping measures, so an SVG can skip fontkit without a
 * label moving by a hair; and an SVG render really does skip it.
 */

import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";
import { layout, buildScene } from "../../src/styles/index.js";
import { allFontFiles } from "../../src/text/fonts.js";
import { FACES } from "../../src/text/metrics-data.js";
import { openFont, tabledFace, tabledGlyphs, tabledUnits } from "../../src/text/measure.js";
import { scriptRuns, shapedAdvance } from "../../src/text/shaping.js";

const root = new URL("../..", import.meta.url).pathname;
const STYLES = [
  { weight: "normal", style: "normal" },
  { weight: "bold", style: "normal" },
  { weight: "normal", style: "italic" },
  { weight: "bold", style: "italic" },
] as const;
const FAMILIES = ["sans", "serif", "mono"];

/** Every label of every template and example, as drawn: the text the table must get right. */
async function labelCorpus(): Promise<string[]> {
  const texts = new Set<string>();
  const files = [
    ...readdirSync(join(root, "templates")).map((f) => join(root, "templates", f)),
    ...readdirSync(join(root, "examples")).map((f) => join(root, "examples", f)),
  ].filter((f) => f.endsWith(".netfig"));
  for (const file of files) {
    const analyzed = analyzeSource(readFileSync(file, "utf8"), basename(file));
    for (const network of analyzed.networks) {
      for (const labels of [["shape", "name", "channels", "params"] as const]) {
        const scene = buildScene(await layout(network, { labels: [...labels], title: "Figure 1: ResNet-18 — fit, affine, offline" }));
        for (const p of scene.primitives) if (p.type === "text") texts.add(p.text);
      }
    }
  }
  return [...texts];
}

/** Deterministic strings over the table's characters, ligature pairs included. */
function generated(count: number): string[] {
  // f, i and l three times over, so that ligatures come up often.
  const chars = ` !"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_\`abcdefghijklmnopqrstuvwxyz{|}~×fffiiilll`;
  let seed = 12345;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const out: string[] = ["office", "affine", "flatten", "shuffle", "fff", "ffffi", "56×56×64", "7×7/2", "1×1×2048", "fc 1000", "×4"];
  for (let i = 0; i < count; i++) {
    const length = 1 + Math.floor(next() * 14);
    let s = "";
    for (let j = 0; j < length; j++) s += chars[Math.floor(next() * chars.length)];
    // Half of them without letters: those are shaped under no script.
    out.push(i % 2 === 0 ? s : s.replace(/[A-Za-z]/g, ""));
  }
  return out.filter((s) => s !== "");
}

describe("precomputed font metrics", () => {
  it("cover every bundled font file, with the file's own units, ascent, descent and family name", () => {
    const files = allFontFiles().map((f) => basename(f));
    expect(Object.keys(FACES).sort()).toEqual([...files].sort());
    for (const family of FAMILIES) {
      for (const s of STYLES) {
        const face = openFont({ family, ...s });
        const table = tabledFace({ family, ...s })!;
        expect([table.unitsPerEm, table.ascent, table.descent, table.familyName]).toEqual([face.unitsPerEm, face.ascent, face.descent, face.familyName]);
      }
    }
  });

  it("measure every label of the templates and examples, and generated strings, exactly as fontkit shapes them", async () => {
    const corpus = [...(await labelCorpus()), ...generated(400)];
    let tabled = 0;
    for (const family of FAMILIES) {
      for (const s of STYLES) {
        const face = openFont({ family, ...s });
        const table = tabledFace({ family, ...s })!;
        for (const text of corpus) {
          const units = tabledUnits(table, text);
          if (units === undefined) continue;
          tabled++;
          expect(units, `${family} ${s.weight} ${s.style}: ${JSON.stringify(text)}`).toBeCloseTo(shapedAdvance(face, text), 6);
        }
      }
    }
    // Nearly everything is in the table, ligatures (`flatten`) included; other scripts are not.
    expect(tabled).toBeGreaterThan(0.95 * corpus.length * FAMILIES.length * STYLES.length);
    const sans = { family: "sans", weight: "normal", style: "normal" } as const;
    expect(tabledUnits(tabledFace(sans)!, "flatten")).toBeCloseTo(shapedAdvance(openFont(sans), "flatten"), 6);
    expect(tabledUnits(tabledFace(sans)!, "fc β")).toBeUndefined();
  }, 60_000);

  it("give the PDF, for every covered run, the glyphs, code points and advances fontkit's shaping gives it", async () => {
    const corpus = [...(await labelCorpus()), ...generated(400)].flatMap((text) => scriptRuns(text));
    let tabled = 0;
    for (const family of FAMILIES) {
      for (const s of STYLES) {
        const face = openFont({ family, ...s });
        const table = tabledFace({ family, ...s })!;
        for (const run of corpus) {
          const glyphs = tabledGlyphs(table, run);
          if (glyphs === undefined) continue;
          tabled++;
          const shaped = face.layout(run);
          const what = `${family} ${s.weight} ${s.style}: ${JSON.stringify(run)}`;
          expect(glyphs.glyphs, what).toEqual(shaped.glyphs.map((g) => (g as unknown as { id: number }).id));
          expect(glyphs.codePoints, what).toEqual(shaped.glyphs.map((g) => (g as unknown as { codePoints: number[] }).codePoints));
          expect(glyphs.advances, what).toEqual(shaped.positions.map((p) => p.xAdvance));
          expect(shaped.positions.every((p) => p.xOffset === 0 && p.yOffset === 0 && p.yAdvance === 0), what).toBe(true);
        }
      }
    }
    expect(tabled).toBeGreaterThan(0.95 * corpus.length * FAMILIES.length * STYLES.length);
    // `fi` is one ligature glyph standing for two characters.
    const fi = tabledGlyphs(tabledFace({ family: "sans", weight: "normal", style: "normal" })!, "fit")!;
    expect(fi.codePoints).toEqual([[0x66, 0x69], [0x74]]);
  }, 60_000);

  it("let an SVG render run without loading fontkit", () => {
    const script = `
      import { createRequire } from "node:module";
      const { main } = await import(${JSON.stringify(join(root, "dist/cli/main.js"))});
      const status = await main(["render", ${JSON.stringify(join(root, "templates/googlenet.netfig"))}, "-o", "-"]);
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes("/fontkit/"));
      process.stderr.write(JSON.stringify({ status, loaded }));
    `;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    expect(JSON.parse(r.stderr)).toEqual({ status: 0, loaded: [] });
    expect(r.stdout).toContain("<svg");
  }, 30_000);
});
