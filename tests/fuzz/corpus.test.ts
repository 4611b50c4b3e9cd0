import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../helpers/netfig.js";
// The harness runs the built library (npm test builds dist/ first), in worker threads it can stop.
import { runText } from "../../scripts/fuzz/run.mjs";

const CORPUS = join(root, "tests/fuzz/corpus");

/**
 * The regression corpus: reproductions of crashes, hangs and unlocated errors the fuzz harness
 * (and the issue that asked for it) found, each minimised. Every one must now be a clean
 * outcome: valid, or refused with located diagnostics, each said once, printed safely, in time.
 */
describe("fuzz regression corpus", () => {
  for (const name of readdirSync(CORPUS).filter((f) => f.endsWith(".netfig")).sort()) {
    it(`${name} ends cleanly within 5 s, drawn when it is valid`, async () => {
      const result = await runText(readFileSync(join(CORPUS, name), "utf8"), { timeoutMs: 5000, render: true });
      expect(["valid", "invalid", "rendered", "render-invalid"], `${result.outcome}: ${result.detail}`).toContain(result.outcome);
    }, 20_000);
  }
});
