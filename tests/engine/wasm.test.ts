import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { wasmBase64, wasmCompiler } from "../../src/engine/kernels/wasm-module.js";

function clangVersion(): string | null {
  try {
    return execFileSync("clang", ["--version"], { encoding: "utf8" }).split("\n")[0]!.trim();
  } catch {
    return null;
  }
}

const clang = clangVersion();

describe("the committed WebAssembly kernels", () => {
  // Byte-identical output is only promised by the compiler that built the committed module.
  it.skipIf(clang !== wasmCompiler)(`are what kernels.c compiles to (${wasmCompiler})`, () => {
    const rebuilt = execFileSync(process.execPath, ["src/engine/kernels/wasm/build.mjs", "--print"], { encoding: "utf8", maxBuffer: 1 << 24 });
    expect(rebuilt === wasmBase64, "src/engine/kernels/wasm-module.ts is stale: run node src/engine/kernels/wasm/build.mjs").toBe(true);
  });
});
