import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root } from "../helpers/netfig.js";
// The harness runs the built library (npm test builds dist/ first), in a worker thread it can stop.
import { textRunner } from "../../scripts/fuzz/run.mjs";
import { minimise } from "../../scripts/fuzz/minimise.mjs";

const CORPUS = join(root, "tests/fuzz/corpus");
const runner = textRunner({ timeoutMs: 5000 });
afterAll(() => runner.close());

/**
 * The regression corpus: reproductions of crashes, hangs and unlocated errors the fuzz harness
 * (and the issue that asked for it) found, each minimised. Every one must now be a clean
 * outcome: valid, or refused with located diagnostics, each said once, printed safely, in time.
 */
describe("fuzz regression corpus", () => {
  for (const name of readdirSync(CORPUS).filter((f) => f.endsWith(".netfig")).sort()) {
    it(`${name} ends cleanly within 5 s, drawn when it is valid`, async () => {
      const result = await runner.run(readFileSync(join(CORPUS, name), "utf8"), true);
      expect(["valid", "invalid", "rendered", "render-invalid"], `${result.outcome}: ${result.detail}`).toContain(result.outcome);
    }, 20_000);
  }
});

describe("the minimiser", () => {
  it("shrinks an input to what still fails the same way (here: a stray NUL inside LeNet-5)", async () => {
    const text = readFileSync(join(root, "templates/lenet5.netfig"), "utf8").replace("fc 84", "fc \u0000 84");
    expect((await runner.run(text)).outcome).toBe("invalid");
    const small = await minimise({ outcome: "invalid", detail: "", text });
    expect(small.length).toBeLessThan(5);
    expect((await runner.run(small)).outcome).toBe("invalid");
  }, 120_000);
});
