/**
 * What a PDF of ordinary labels costs to make (issue 18): one build of fontkit and of
 * restructure in the process (pdfkit's CommonJS build shares text/measure.ts's), the fonts'
 * layout tables never parsed (labels are set from the metrics table's glyphs), the post
 * table's glyph names never decoded, and the packages a netfig PDF never calls (line
 * breaking, AES, brotli) not loaded.
 */

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../helpers/netfig.js";
import { scratchDir } from "../helpers/temp.js";

interface Loaded {
  status: number;
  esModules: string[];
  commonJs: string[];
  /** Modules in require's cache that required nothing: stand-ins put there for packages loaded at first use. */
  childless: string[];
  tables: string[];
}

/** Renders `template` to a PDF with the compiled CLI in a fresh process and reports what it loaded and parsed. */
function renderAndInspect(template: string): Loaded {
  const dir = scratchDir("netfig-pdf-cost-");
  const script = `
    import { createRequire, register } from "node:module";
    const esModules = [];
    const { port1, port2 } = new MessageChannel();
    port1.on("message", (url) => esModules.push(url));
    port1.unref();
    register("data:text/javascript," + encodeURIComponent("let port; export function initialize(data) { port = data.port; } export async function resolve(s, c, next) { const r = await next(s, c); port.postMessage(r.url); return r; }"), { data: { port: port2 }, transferList: [port2] });
    const { main } = await import(${JSON.stringify(join(root, "dist/cli/main.js"))});
    const status = await main(["render", ${JSON.stringify(template)}, "-o", ${JSON.stringify(join(dir, "fig.pdf"))}]);
    const { openFont } = await import(${JSON.stringify(join(root, "dist/text/measure.js"))});
    const tables = Object.keys(openFont({ family: "sans", weight: "normal", style: "normal" })._tables);
    await new Promise((done) => setTimeout(done, 50));
    const cache = createRequire(import.meta.url).cache;
    const commonJs = Object.keys(cache);
    const childless = commonJs.filter((file) => cache[file].children.length === 0);
    process.stderr.write(JSON.stringify({ status, esModules, commonJs, childless, tables }));
  `;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
  return JSON.parse(run.stderr) as Loaded;
}

const inPackage = (files: string[], name: string) => files.filter((f) => f.includes(`/node_modules/${name}/`));

describe("a PDF of ordinary labels", () => {
  it("loads one fontkit and one restructure, parses neither GSUB nor GPOS nor the glyph names, and skips what it never calls", () => {
    const loaded = renderAndInspect("lenet5");
    expect(loaded.status).toBe(0);
    // The CommonJS builds, once each; their ES builds not at all.
    expect(inPackage(loaded.commonJs, "fontkit")).toEqual([expect.stringMatching(/\/fontkit\/dist\/main\.cjs$/)]);
    expect(inPackage(loaded.commonJs, "restructure")).toEqual([expect.stringMatching(/\/restructure\/dist\/main\.cjs$/)]);
    expect([...inPackage(loaded.esModules, "fontkit"), ...inPackage(loaded.esModules, "restructure")]).toEqual([]);
    // The tables pdfkit needs to embed and subset the font, and nothing for shaping.
    expect(loaded.tables).toEqual(expect.arrayContaining(["head", "hmtx", "loca", "maxp"]));
    for (const table of ["GSUB", "GPOS", "post"]) expect(loaded.tables).not.toContain(table);
    // Line breaking, AES and brotli are in require's cache only as the stand-ins that would
    // load them: their entry modules, having required none of their own.
    for (const name of ["linebreak", "@noble/ciphers", "brotli"]) {
      const entries = inPackage(loaded.commonJs, name);
      expect(entries, name).toHaveLength(1);
      expect(loaded.childless, name).toContain(entries[0]);
    }
  }, 60_000);
});
