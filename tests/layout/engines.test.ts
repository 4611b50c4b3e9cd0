/**
 * `--layout auto|direct|elk`: ELK is the layout the design names, so forcing it must draw
 * every bundled template (users who expect ELK's layered look can have it); forcing the
 * direct layout draws every template too (towers' full crossings included) and says why
 * not for what is not series-parallel.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isNetfigError } from "../../src/lang/diagnostics.js";
import { analyzeSource } from "../../src/pipeline.js";
import { checkScene } from "../../src/scene/check.js";
import { buildScene, layout } from "../../src/styles/index.js";

const TEMPLATES = join(new URL("../..", import.meta.url).pathname, "templates");
const templates = readdirSync(TEMPLATES).filter((f) => f.endsWith(".netfig")).sort();

describe("--layout elk draws every template", { timeout: 120_000 }, () => {
  for (const file of templates) {
    it(`${file}: every block placed, every edge attached`, async () => {
      const analyzed = analyzeSource(readFileSync(join(TEMPLATES, file), "utf8"), file);
      for (const network of analyzed.networks) {
        const laidOut = await layout(analyzed, { network: network.network.name, layout: "elk" });
        const scene = buildScene(laidOut);
        expect(scene.width).toBeGreaterThan(0);
        expect(checkScene(scene).filter((p) => p.kind === "edge-detached")).toEqual([]);
        if (laidOut.style === "blocks") {
          expect(laidOut.figure.nodes.every((n) => Number.isFinite(n.box.x) && Number.isFinite(n.box.y))).toBe(true);
          // ELK places it: no rows, no U.
          expect(laidOut.figure.shape).toBe("graph");
        }
      }
    });
  }
});

describe("--layout direct", () => {
  it("draws a series-parallel network (ResNet-18) itself", async () => {
    const analyzed = analyzeSource(readFileSync(join(TEMPLATES, "resnet18.netfig"), "utf8"), "resnet18.netfig");
    const laidOut = await layout(analyzed, { layout: "direct" });
    expect(laidOut.style === "blocks" && laidOut.figure.shape).toBe("line");
  });

  // So no bundled template loads ELK (1.6 MB, most of AlexNet's render time when it did).
  for (const file of templates) {
    it(`draws ${file} itself`, async () => {
      const analyzed = analyzeSource(readFileSync(join(TEMPLATES, file), "utf8"), file);
      for (const network of analyzed.networks) {
        const laidOut = await layout(analyzed, { network: network.network.name, layout: "direct" });
        if (laidOut.style === "blocks") expect(laidOut.figure.shape).not.toBe("graph");
      }
    });
  }

  it("refuses a graph that is not series-parallel (a bridge: b feeds both c and d, c feeds d) with a message that says why and what to use", async () => {
    const bridge = `
input 8x8x4
a: conv 4 1x1 from input
b: conv 4 1x1 from input
c: concat from a, b
d: concat from b, c
`;
    const analyzed = analyzeSource(bridge, "bridge.netfig");
    const error = await layout(analyzed, { layout: "direct" }).catch((e: unknown) => e);
    expect(isNetfigError(error)).toBe(true);
    expect((error as Error).message).toMatch(/not a chain of series and parallel parts .*direct layout cannot draw it/);
    expect(JSON.stringify((error as { diagnostics?: unknown }).diagnostics)).toMatch(/auto or elk/);
  });
});
