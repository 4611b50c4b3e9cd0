import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
// The harness runs the built library (npm test builds dist/ first), in worker threads it can stop.
import { fuzz } from "../../scripts/fuzz/run.mjs";

/**
 * The CI slice of `npm run fuzz`: 2,000 mutated examples and templates through parse →
 * compile → analyze, one in 50 of the valid ones on to an SVG. Any unexpected exception, hang
 * past 5 s, unlocated diagnostic, message said twice or unescaped control character fails it,
 * with the input's number so `npm run fuzz -- --seed 17` reproduces and minimises it.
 */
describe("fuzz slice", () => {
  it("2,000 inputs of seed 17 end cleanly", async () => {
    const { counts, failures } = await fuzz({ count: 2000, seed: 17, workers: availableParallelism(), timeoutMs: 5000, renderEvery: 50 });
    expect(failures.map((f) => `input ${f.index} (${f.from}, ${f.mutations.join(" + ")}): ${f.outcome} ${f.detail}`)).toEqual([]);
    expect((counts.invalid ?? 0) + (counts.valid ?? 0) + (counts.rendered ?? 0) + (counts["render-invalid"] ?? 0)).toBe(2000);
    // The mutators make both kinds: a slice that only ever parsed errors would test little.
    expect(counts.valid ?? 0).toBeGreaterThan(100);
  }, 120_000);
});
