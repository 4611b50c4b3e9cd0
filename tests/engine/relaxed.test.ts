import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("the relaxed-SIMD and single-memory builds of the kernels", () => {
  it("is chosen where the runtime validates it, and agrees with the plain build to 1e-5 of each output's range", () => {
    // Node 20 has relaxed SIMD behind this flag (newer Node by default), so the child can run both builds.
    const out = execFileSync(process.execPath, ["--experimental-wasm-relaxed-simd", "--import", "tsx", "tests/engine/relaxed-variant.ts"], { encoding: "utf8" });
    const { variant, worst, differing, singleSame } = JSON.parse(out) as { variant: string; worst: number; differing: number; singleSame: boolean };
    expect(variant).toBe("relaxed-simd");
    expect(worst).toBeLessThan(1e-5);
    // Fused multiply-adds round once where the plain build rounds twice: some bits must differ, or the relaxed build is not fused.
    expect(differing).toBeGreaterThan(0);
    // The build for runtimes without shared memory (a browser page without cross-origin isolation).
    expect(singleSame).toBe(true);
  });
  it("gives way to the plain build when NETFIG_WASM=simd", () => {
    const out = execFileSync(process.execPath, ["--experimental-wasm-relaxed-simd", "--import", "tsx", "-e", 'import("./src/engine/kernels/wasm.ts").then((m) => process.stdout.write(m.wasmVariant()))'], {
      encoding: "utf8",
      env: { ...process.env, NETFIG_WASM: "simd" },
    });
    expect(out).toBe("simd");
  });
});
