/**
 * What a PDF costs to make (issue 18). The PDF is written by netfig itself (src/render/pdf/),
 * so no PDF library is loaded. Of ordinary labels: fontkit not loaded at all (the labels are
 * set from the metrics table's glyphs and the fonts embedded from their own bytes,
 * src/render/pdf/fonts.ts). Of labels that need shaping: one build of fontkit and of
 * restructure in the process (text/measure.ts's CommonJS ones), and the post table's glyph
 * names never decoded.
 */

import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../helpers/netfig.js";
import { scratchDir } from "../helpers/temp.js";

interface Loaded {
  status: number;
  esModules: string[];
  commonJs: string[];
  tables: string[];
}

/** Renders `source` (a template or a file) to a PDF with the compiled CLI in a fresh process and reports what it loaded and parsed. */
function renderAndInspect(source: string): Loaded {
  const dir = scratchDir("netfig-pdf-cost-");
  const template = source.includes("\n") ? join(dir, "net.netfig") : source;
  if (template !== source) writeFileSync(template, source);
  const script = `
    import { createRequire, register } from "node:module";
    const esModules = [];
    const { port1, port2 } = new MessageChannel();
    port1.on("message", (url) => esModules.push(url));
    port1.unref();
    register("data:text/javascript," + encodeURIComponent("let port; export function initialize(data) { port = data.port; } export async function resolve(s, c, next) { const r = await next(s, c); port.postMessage(r.url); return r; }"), { data: { port: port2 }, transferList: [port2] });
    const { main } = await import(${JSON.stringify(join(root, "dist/cli/main.js"))});
    const status = await main(["render", ${JSON.stringify(template)}, "-o", ${JSON.stringify(join(dir, "fig.pdf"))}]);
    await new Promise((done) => setTimeout(done, 50));
    const cache = createRequire(import.meta.url).cache;
    const commonJs = Object.keys(cache);
    const fontkitLoaded = commonJs.some((file) => file.includes("/restructure/"));
    const { openFont } = await import(${JSON.stringify(join(root, "dist/text/measure.js"))});
    // The tables parsed of the faces the figure shaped text in (a face opened only here has none).
    const faces = ["normal", "bold"].map((weight) => openFont({ family: "sans", weight, style: "normal" }));
    const tables = fontkitLoaded ? [...new Set(faces.flatMap((face) => Object.keys(face._tables)))] : [];
    process.stderr.write(JSON.stringify({ status, esModules, commonJs, tables }));
  `;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
  return JSON.parse(run.stderr) as Loaded;
}

const inPackage = (files: string[], name: string) => files.filter((f) => f.includes(`/node_modules/${name}/`));

/** The package's modules loaded either way, as CommonJS or as ES modules. */
const loadedOf = (loaded: Loaded, name: string) => [...inPackage(loaded.commonJs, name), ...inPackage(loaded.esModules, name)];

describe("a PDF of ordinary labels", () => {
  it("loads no PDF library, no fontkit and no restructure", () => {
    const loaded = renderAndInspect("lenet5");
    expect(loaded.status).toBe(0);
    for (const name of ["pdfkit", "fontkit", "restructure", "linebreak", "@noble/ciphers", "brotli"]) expect(loadedOf(loaded, name), name).toEqual([]);
  }, 60_000);
});

describe("a PDF with a label that needs shaping (Greek)", () => {
  it("loads one fontkit and one restructure, no PDF library, and decodes no glyph names", () => {
    const loaded = renderAndInspect('figure {\n  title: "β-VAE encoder"\n}\ninput 28x28x1\nconv 32 3x3 -> relu\nflatten\nfc 10\n');
    expect(loaded.status).toBe(0);
    // The CommonJS builds, once each; their ES builds not at all.
    expect(inPackage(loaded.commonJs, "fontkit")).toEqual([expect.stringMatching(/\/fontkit\/dist\/main\.cjs$/)]);
    expect(inPackage(loaded.commonJs, "restructure")).toEqual([expect.stringMatching(/\/restructure\/dist\/main\.cjs$/)]);
    expect([...inPackage(loaded.esModules, "fontkit"), ...inPackage(loaded.esModules, "restructure")]).toEqual([]);
    expect(loadedOf(loaded, "pdfkit")).toEqual([]);
    expect(loaded.tables).toEqual(expect.arrayContaining(["head", "hmtx", "loca", "maxp"]));
    expect(loaded.tables).not.toContain("post");
  }, 60_000);
});
