/**
 * `--layout auto|direct|elk`: ELK is the layout the design names, so forcing it must draw
 * every bundled template (users who expect ELK's layered look can have it); forcing the
 * direct layout draws what is series-parallel and says why not for the rest.
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

  it("refuses AlexNet's cross-connected towers with a message that says why and what to use", async () => {
    const analyzed = analyzeSource(readFileSync(join(TEMPLATES, "alexnet.netfig"), "utf8"), "alexnet.netfig");
    const error = await layout(analyzed, { layout: "direct" }).catch((e: unknown) => e);
    expect(isNetfigError(error)).toBe(true);
    expect((error as Error).message).toMatch(/not a chain of series and parallel parts .*direct layout cannot draw it/);
    expect(JSON.stringify((error as { diagnostics?: unknown }).diagnostics)).toMatch(/auto or elk/);
  });
});
