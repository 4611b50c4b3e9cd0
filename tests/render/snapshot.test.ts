import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderSvg } from "../../src/render/svg.js";
import { FIGURES, sceneOf } from "./figures.js";

const OUTPUT = new URL("../output/", import.meta.url).pathname;
const UPDATE = process.env.UPDATE_SNAPSHOTS === "1";

/**
 * Observable Plot's way: every figure renders to tests/output/NAME.svg and must match it
 * byte for byte. A changed figure is written beside it as NAME.actual.svg for review;
 * accepting it is a deliberate `UPDATE_SNAPSHOTS=1 npx vitest run tests/render`.
 */
describe("figure snapshots", () => {
  mkdirSync(OUTPUT, { recursive: true });
  for (const figure of FIGURES) {
    it(`${figure.name} renders exactly as tests/output/${figure.name}.svg`, async () => {
      const svg = renderSvg(await sceneOf(figure.file, figure.options));
      const expected = `${OUTPUT}${figure.name}.svg`;
      const actual = `${OUTPUT}${figure.name}.actual.svg`;
      if (UPDATE || !existsSync(expected)) {
        writeFileSync(expected, svg);
        rmSync(actual, { force: true });
        return;
      }
      if (readFileSync(expected, "utf8") === svg) {
        rmSync(actual, { force: true });
        return;
      }
      writeFileSync(actual, svg);
      expect.fail(`${figure.name} changed: compare tests/output/${figure.name}.actual.svg with ${figure.name}.svg, then accept with UPDATE_SNAPSHOTS=1`);
    }, 30_000);
  }
});
