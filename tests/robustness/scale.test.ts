import { describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";
import { NetfigError } from "../../src/lang/diagnostics.js";
import { formatDiagnostics } from "../../src/cli/report.js";
import { sources } from "../../src/cli/io.js";
import { buildScene, layout } from "../../src/styles/index.js";
import { renderSvg } from "../../src/render/svg.js";

describe("large inputs take time in proportion to their size", () => {
  it("prints 20,000 diagnostics in under a second (it was quadratic: 16,000 took 17 s)", () => {
    const text = `input 8x8x3\n${"conv 4 3x3 strde=2\n".repeat(20_000)}`;
    let diagnostics;
    try {
      analyzeSource(text, "many.netfig");
    } catch (error) {
      if (!(error instanceof NetfigError)) throw error;
      diagnostics = error.diagnostics;
    }
    expect(diagnostics).toHaveLength(20_000);
    sources.set("many.netfig", text);
    const start = performance.now();
    const printed = formatDiagnostics(diagnostics!);
    const ms = performance.now() - start;
    sources.delete("many.netfig");
    expect(ms).toBeLessThan(1000);
    expect(printed.split("\n").filter((line) => line.startsWith("many.netfig:"))).toHaveLength(20_000);
    expect(printed.endsWith("20000 errors\n")).toBe(true);
  });

  it("lays out, draws and writes a 50,000-layer chain (its recursion used to overflow the stack)", async () => {
    const lines = Array.from({ length: 49_999 }, (_, i) => (i % 2 === 0 ? "conv 8 3x3 pad=1" : "relu"));
    const analyzed = analyzeSource(`input 32x32x3\n${lines.join("\n")}\n`, "chain.netfig");
    expect(analyzed.networks[0]!.layers).toHaveLength(50_000);
    const svg = renderSvg(buildScene(await layout(analyzed)));
    expect(svg.startsWith("<?xml")).toBe(true);
    // Every conv is drawn, the relus folded into them as bands, and every arrow between them.
    expect(svg.match(/ id="block-face-conv_\d+"/g)).toHaveLength(25_000);
    expect(svg.match(/ id="edge-conv_\d+-to-conv_\d+"/g)).toHaveLength(24_999);
  }, 180_000);
});
